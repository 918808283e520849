import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// One finding of a secret scanner's report, as values: what it discloses of an AWS credential
/// (the key id, the secret, the session token), or why it cannot be read. Each scanner's format
/// is parsed into these; nothing is turned back into text to be detected again.
struct ScannerFinding {
    /// The path the scanner reports (relative to where it ran): its outermost `i-…` component
    /// names the instance.
    var path: String
    /// The line the scanner reports (1-based), when it gives one.
    var line: Int?
    /// The scanner's rule id or name.
    var rule: String
    /// The credential values it discloses, in the order read (duplicates dropped).
    var values: [(kind: DetectedCredential.Kind, value: String)] = []
    /// Set when the scanner says this is an AWS credential but its value cannot be read
    /// (redacted, or in an encoding invdb does not know): the instance is `error`, not dropped.
    var unreadable: String?
    /// For reports that keep only a hash of the value (detect-secrets): the hash.
    var hashed: String?

    init(path: String, line: Int?, rule: String) {
        self.path = path
        self.line = line
        self.rule = rule
    }

    /// The key id, when the finding discloses exactly one.
    var keyId: String? {
        let ids = values.filter { $0.kind == .accessKeyId }
        return ids.count == 1 ? ids[0].value : nil
    }

    /// True when the finding discloses a credential value.
    var hasValues: Bool { !values.isEmpty }

    /// True when the finding says anything at all.
    var isEmpty: Bool { values.isEmpty && unreadable == nil && hashed == nil }

    /// Sorts a value the scanner reported into the field its shape says it is: a key id
    /// (`AKIA…`, 20 characters), a secret access key (40 base64 characters) or a session token
    /// (100 or more). Returns false when it is none of them.
    @discardableResult
    mutating func classify(_ value: String) -> Bool {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
        let kind: DetectedCredential.Kind
        if CredentialShape.isKeyId(trimmed) {
            kind = .accessKeyId
        } else if CredentialShape.isSecret(trimmed) {
            kind = .secretAccessKey
        } else if CredentialShape.isSessionToken(trimmed) {
            kind = .sessionToken
        } else {
            return false
        }
        if !values.contains(where: { $0.value == trimmed }) { values.append((kind, trimmed)) }
        return true
    }
}

import Foundation

/// The shapes of AWS credential values, judged alone (no context).
enum CredentialShape {
    /// `AKIA`, `ASIA`, `ABIA`, `ACCA` or `A3T…` and 16 upper-case letters or digits.
    static func isKeyId(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 20, bytes.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) }) else { return false }
        let prefix = String(decoding: bytes.prefix(4), as: UTF8.self)
        return ["AKIA", "ASIA", "ABIA", "ACCA"].contains(prefix) || prefix.hasPrefix("A3T")
    }

    /// 40 base64 characters that look random (not hex, not one repeated character).
    static func isSecret(_ text: String) -> Bool {
        text.utf8.count == 40 && text.utf8.allSatisfy(SecretShape.isBase64) && CredentialDetector.isPlausibleSecret(text)
    }

    /// 100 or more base64 characters (with `=` padding).
    static func isSessionToken(_ text: String) -> Bool {
        text.utf8.count >= 100 && text.utf8.allSatisfy { SecretShape.isBase64($0) || $0 == UInt8(ascii: "=") }
    }
}
