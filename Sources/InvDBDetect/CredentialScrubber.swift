import Foundation
import InvDBCore
import InvDBJSON

/// Finds and redacts AWS secrets in the strings of imported documents before anything stores
/// them: every table column and every `raw_json` is built from what it returns.
///
/// A string is judged with its context: the member it is the value of (`"SecretAccessKey":
/// "…"`), the `Key` of a tag pair (`{"Key": "AWS_SECRET_ACCESS_KEY", "Value": "…"}`), its own
/// text (`aws_secret_access_key=…`), and, without any context, the shape of a secret access key
/// (40 base64 characters) or a session token. The JSON reader hands it decoded text, so JSON
/// escapes (`\u0041`, `\/`) cannot hide a secret.
///
/// ```swift
/// let scrubber = CredentialScrubber()
/// reader.scrubber = scrubber
/// … read a record …
/// for item in scrubber.takeFound() { … record a finding, never item.credential.value … }
/// ```
public final class CredentialScrubber: StringScrubber {
    /// A secret that was redacted, and where it was.
    public struct Found {
        public var credential: DetectedCredential
        public var context: StringContext
    }

    private var found: [Found] = []

    public init() {}

    /// The secrets redacted since the last call.
    public func takeFound() -> [Found] {
        defer { found = [] }
        return found
    }

    public func scrub(_ text: String, context: StringContext) -> String? {
        let secrets = Self.secrets(in: text, context: context)
        guard !secrets.isEmpty else { return nil }
        found += secrets.map { Found(credential: $0, context: context) }
        return Self.redact(text, secrets)
    }

    /// `text` with every secret in it redacted (no context but its own words and shapes): for
    /// strings that are stored without passing through a reader, such as scanner paths.
    public static func scrubbed(_ text: String) -> String {
        guard text.utf8.count >= 40, JSONStreamReader.hasLongBase64Run(text) else { return text }
        let secrets = secrets(in: text, context: StringContext())
        return secrets.isEmpty ? text : redact(text, secrets)
    }

    /// Secret access keys and session tokens in `text` (never key ids: they are identifiers).
    static func secrets(in text: String, context: StringContext) -> [DetectedCredential] {
        var result = CredentialDetector.scan(text).filter { $0.kind != .accessKeyId }
        var seen = Set(result.map(\.value))
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let name = [context.memberName, context.siblingKey].compactMap { $0.map(Self.normalizedName) }.joined(separator: " ")
        if !seen.contains(trimmed) {
            if name.contains("secret"), trimmed.utf8.count == 40, trimmed.utf8.allSatisfy(SecretShape.isBase64),
               CredentialDetector.isPlausibleSecret(trimmed) {
                result.append(DetectedCredential(kind: .secretAccessKey, value: trimmed, line: 1, column: 1, keyId: nil,
                                                 isExample: trimmed == CredentialDetector.exampleSecret, rule: "aws-secret-access-key-by-name"))
                seen.insert(trimmed)
            } else if name.contains("sessiontoken") || name.contains("securitytoken"), trimmed.utf8.count >= 100,
                      trimmed.utf8.allSatisfy({ SecretShape.isBase64($0) || $0 == UInt8(ascii: "=") }) {
                result.append(DetectedCredential(kind: .sessionToken, value: trimmed, line: 1, column: 1, keyId: nil,
                                                 isExample: false, rule: "aws-session-token-by-name"))
                seen.insert(trimmed)
            }
        }
        // ARNs are identifiers whose resource part can be a long run of base64 characters
        // (`assumed-role/OrganizationAccountAccessRole/…`): a shape inside an ARN is not a secret
        // (what names a secret still counts there).
        var copy = text
        let shaped = copy.withUTF8 { bytes in
            SecretShape.ranges(in: bytes).filter { range in
                var start = range.lowerBound
                while start > 0 && bytes[start - 1] != 0x20 && bytes[start - 1] != 0x09 && bytes[start - 1] != 0x0A && bytes[start - 1] != UInt8(ascii: "\"") { start -= 1 }
                return !(range.lowerBound - start >= 4 && bytes[start] == UInt8(ascii: "a") && bytes[start + 1] == UInt8(ascii: "r")
                         && bytes[start + 2] == UInt8(ascii: "n") && bytes[start + 3] == UInt8(ascii: ":"))
            }.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        }
        for value in shaped where !seen.contains(value) && !result.contains(where: { $0.value.contains(value) || value.contains($0.value) }) {
            result.append(DetectedCredential(kind: value.utf8.count == 40 ? .secretAccessKey : .sessionToken, value: value, line: 1, column: 1,
                                             keyId: nil, isExample: value == CredentialDetector.exampleSecret, rule: "secret-shaped-value"))
            seen.insert(value)
        }
        return result
    }

    /// `text` with each secret replaced by `[redacted <preview>]`, longest first.
    static func redact(_ text: String, _ secrets: [DetectedCredential]) -> String {
        var output = text
        for secret in secrets.sorted(by: { $0.value.count > $1.value.count }) {
            output = output.replacingOccurrences(of: secret.value, with: "[redacted " + CredentialRedactor.preview(secret) + "]")
        }
        return output
    }

    /// A member or tag name lower-cased without `_`, `-`, spaces and dots, for matching names
    /// such as `AWS_SECRET_ACCESS_KEY`, `SecretAccessKey` or `aws.secret-key`.
    package static func normalizedName(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { CharacterSetASCII.isAlphanumeric($0) }.map(Character.init))
    }
}

/// ASCII character classes without Foundation.
enum CharacterSetASCII {
    static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value >= 48 && scalar.value <= 57) || (scalar.value >= 97 && scalar.value <= 122) || (scalar.value >= 65 && scalar.value <= 90)
    }
}
