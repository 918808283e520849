import InvDBCore
import InvDBJSON

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

    public init(kind: Kind, value: String, line: Int, column: Int, keyId: String?, isExample: Bool, rule: String) {
        self.kind = kind
        self.value = value
        self.line = line
        self.column = column
        self.keyId = keyId
        self.isExample = isExample
        self.rule = rule
    }
}
