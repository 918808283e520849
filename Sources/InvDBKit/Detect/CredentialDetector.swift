import Foundation

/// A credential found in a text. `value` is the secret itself: it lives only in memory, long
/// enough to fingerprint and redact it, and is never stored or printed.
public struct DetectedCredential: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case accessKeyId = "access-key-id"
        case secretAccessKey = "secret-access-key"
        case sessionToken = "session-token"
    }

    public var kind: Kind
    public var value: String
    /// 1-based line and column of the value.
    public var line: Int
    public var column: Int
    /// The access key id: the value itself for ids; for secrets and tokens, the id found nearest
    /// to them in the same text (within five lines), when there is one.
    public var keyId: String?
    /// AWS's documented example pair (`AKIAIOSFODNN7EXAMPLE` / `wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`).
    public var isExample: Bool
    /// The detector rule, e.g. `aws-access-key-id`, `aws-secret-access-key`.
    public var rule: String
}

/// Finds AWS credentials in text: access key ids by their documented prefixes, secret access
/// keys and session tokens by their context (a key name, then `=`, `:` or `=>`, then the value),
/// in shell, INI, JSON, YAML, `.env`, Python/JS source and systemd units.
///
/// Low noise by design: names without values, `$VARIABLES`, empty strings, `<PLACEHOLDER>`s,
/// checksums and other hex or base64 ids do not match.
public enum CredentialDetector {
    public static let exampleKeyId = "AKIAIOSFODNN7EXAMPLE"
    public static let exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    // AKIA long-term keys, ASIA temporary keys, ABIA STS bearer tokens, ACCA context-specific
    // credentials. (AIDA, AROA, AIPA… are principal ids, not credentials.) Real ids are base32;
    // moto's use any digit, so any upper-case alphanumeric is accepted.
    private static let keyIdPattern = try! NSRegularExpression(
        pattern: #"(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})(?![A-Za-z0-9])"#)
    private static let secretPattern = try! NSRegularExpression(
        pattern: #"(?i)(?:aws_?secret_?access_?key|secret_?access_?key|aws_?secret_?key)["']?\]?(?:\s*(?:=>|=|:)\s*|\s+)["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"#)
    /// A looser context (`SECRET_KEY = "…"`, `secret: …`), trusted only next to an access key id:
    /// alone, such names hold all kinds of non-AWS secrets.
    private static let nearbySecretPattern = try! NSRegularExpression(
        pattern: #"(?i)secret[a-z_]*["']?\]?\s*(?:=>|=|:)\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"#)
    private static let tokenPattern = try! NSRegularExpression(
        pattern: #"(?i)(?:aws_?session_?token|aws_?security_?token|session_?token)["']?\]?\s*(?:=>|=|:)\s*["']?([A-Za-z0-9/+=]{100,})"#)

    /// Every credential in `text`, in order of position.
    public static func scan(_ text: String) -> [DetectedCredential] {
        let lineStarts = lineStartOffsets(text)
        let nsText = text as NSString
        let whole = NSRange(location: 0, length: nsText.length)
        var found: [DetectedCredential] = []
        func position(_ location: Int) -> (line: Int, column: Int) {
            var low = 0, high = lineStarts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if lineStarts[middle] <= location { low = middle } else { high = middle - 1 }
            }
            return (low + 1, location - lineStarts[low] + 1)
        }
        if text.contains("A") {
            for match in keyIdPattern.matches(in: text, range: whole) {
                let value = nsText.substring(with: match.range(at: 1))
                let tail = value.dropFirst(4)
                guard Set(tail).count > 2, !tail.contains("XXXX") else { continue }
                let place = position(match.range(at: 1).location)
                found.append(DetectedCredential(kind: .accessKeyId, value: value, line: place.line, column: place.column, keyId: value,
                                                isExample: value == exampleKeyId, rule: "aws-access-key-id"))
            }
        }
        let lowered = text.lowercased()
        if lowered.contains("secret") {
            for match in secretPattern.matches(in: text, range: whole) {
                let value = nsText.substring(with: match.range(at: 1))
                guard isPlausibleSecret(value) else { continue }
                let place = position(match.range(at: 1).location)
                found.append(DetectedCredential(kind: .secretAccessKey, value: value, line: place.line, column: place.column, keyId: nil,
                                                isExample: value == exampleSecret, rule: "aws-secret-access-key"))
            }
            let idLines = found.filter { $0.kind == .accessKeyId }.map(\.line)
            for match in nearbySecretPattern.matches(in: text, range: whole) {
                let value = nsText.substring(with: match.range(at: 1))
                let place = position(match.range(at: 1).location)
                guard isPlausibleSecret(value), idLines.contains(where: { abs($0 - place.line) <= 5 }),
                      !found.contains(where: { $0.kind == .secretAccessKey && $0.line == place.line && $0.column == place.column }) else { continue }
                found.append(DetectedCredential(kind: .secretAccessKey, value: value, line: place.line, column: place.column, keyId: nil,
                                                isExample: value == exampleSecret, rule: "aws-secret-access-key-near-key-id"))
            }
        }
        if lowered.contains("token") {
            for match in tokenPattern.matches(in: text, range: whole) {
                let value = nsText.substring(with: match.range(at: 1))
                let place = position(match.range(at: 1).location)
                found.append(DetectedCredential(kind: .sessionToken, value: value, line: place.line, column: place.column, keyId: nil,
                                                isExample: false, rule: "aws-session-token"))
            }
        }
        found.sort { ($0.line, $0.column) < ($1.line, $1.column) }
        // Pair each secret and token with the nearest key id within five lines.
        let ids = found.filter { $0.kind == .accessKeyId }
        for index in found.indices where found[index].kind != .accessKeyId {
            let line = found[index].line
            let nearest = ids.filter { abs($0.line - line) <= 5 }.min { abs($0.line - line) < abs($1.line - line) }
            found[index].keyId = nearest?.value
            if found[index].kind == .secretAccessKey && nearest?.value == exampleKeyId { found[index].isExample = true }
        }
        return found
    }

    /// A 40-character value in a secret's place is a secret unless it is plainly not random:
    /// all hex (a SHA-1 checksum) or one repeated character.
    static func isPlausibleSecret(_ value: String) -> Bool {
        let isHex = value.allSatisfy { $0.isHexDigit }
        return !isHex && Set(value).count > 4
    }

    private static func lineStartOffsets(_ text: String) -> [Int] {
        var starts = [0]
        var offset = 0
        for unit in text.utf16 {
            offset += 1
            if unit == 0x0A { starts.append(offset) }
        }
        return starts
    }
}

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
