import InvDBCore
import InvDBJSON

/// How a found credential is kept: a keyed fingerprint (the same secret found twice is
/// recognised as one) and a short redacted preview. The secret itself is never stored.
public struct CredentialRedactor: Sendable {
    private let key: [UInt8]

    public init(key: [UInt8]) {
        self.key = key
    }

    /// HMAC-SHA256 of the value under the database's fingerprint key, hex.
    public func fingerprint(_ value: String) -> String {
        HMACSHA256.hex(key: key, message: Array(value.utf8))
    }

    /// A preview that is safe to show: key ids whole (they are identifiers), secrets as their
    /// first four and last two characters.
    public static func preview(_ credential: DetectedCredential) -> String {
        switch credential.kind {
        case .accessKeyId:
            return credential.value
        case .secretAccessKey, .sessionToken:
            let value = credential.value
            return String(value.prefix(4)) + "…" + String(value.suffix(2)) + " (\(value.count) chars)"
        }
    }
}
