import Foundation
import InvDBCore
import InvDBJSON

/// Finds AWS credentials in text: access key ids by their documented prefixes, secret access
/// keys and session tokens by their context (a key name, then `=`, `:` or `=>`, then the value),
/// in shell, INI, JSON, YAML, `.env`, Python/JS source and systemd units.
///
/// Low noise by design: names without values, `$VARIABLES`, empty strings, `<PLACEHOLDER>`s,
/// checksums and other hex or base64 ids do not match.
public enum CredentialDetector {
    public static let exampleKeyId = "AKIAIOSFODNN7EXAMPLE"
    public static let exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"

    /// Every credential in `text`, in order of position. One pass over the UTF-8 bytes, no
    /// regular expressions: the detector reads every byte of user data and collected files.
    public static func scan(_ text: String) -> [DetectedCredential] {
        var copy = text
        return copy.withUTF8 { scan(bytes: $0) }
    }

    static func scan(bytes: UnsafeBufferPointer<UInt8>) -> [DetectedCredential] {
        var found: [DetectedCredential] = []
        var lineStarts: [Int]?
        func position(_ offset: Int) -> (line: Int, column: Int) {
            if lineStarts == nil {
                var starts = [0]
                for index in 0..<bytes.count where bytes[index] == 0x0A { starts.append(index + 1) }
                lineStarts = starts
            }
            let starts = lineStarts!
            var low = 0, high = starts.count - 1
            while low < high {
                let middle = (low + high + 1) / 2
                if starts[middle] <= offset { low = middle } else { high = middle - 1 }
            }
            return (low + 1, offset - starts[low] + 1)
        }
        func string(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        var weakSecrets: [(range: Range<Int>, line: Int, column: Int)] = []
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "A"):
                if let end = keyIdEnd(bytes, at: index) {
                    let value = string(index..<end)
                    let tail = value.dropFirst(4)
                    if Set(tail).count > 2 && !tail.contains("XXXX") {
                        let place = position(index)
                        found.append(DetectedCredential(kind: .accessKeyId, value: value, line: place.line, column: place.column,
                                                        keyId: value, isExample: value == exampleKeyId, rule: "aws-access-key-id"))
                    }
                    index = end
                    continue
                }
            case UInt8(ascii: "s"), UInt8(ascii: "S"), UInt8(ascii: "t"), UInt8(ascii: "T"):
                let isSecret = matchesLowercased(bytes, at: index, "secret")
                if isSecret || matchesLowercased(bytes, at: index, "token") {
                    if let match = contextValue(bytes, keywordAt: index, secret: isSecret) {
                        let place = position(match.value.lowerBound)
                        let value = string(match.value)
                        if isSecret {
                            if match.strong {
                                found.append(DetectedCredential(kind: .secretAccessKey, value: value, line: place.line, column: place.column,
                                                                keyId: nil, isExample: value == exampleSecret, rule: "aws-secret-access-key"))
                            } else {
                                weakSecrets.append((match.value, place.line, place.column))
                            }
                        } else {
                            found.append(DetectedCredential(kind: .sessionToken, value: value, line: place.line, column: place.column,
                                                            keyId: nil, isExample: false, rule: "aws-session-token"))
                        }
                        index = match.value.upperBound
                        continue
                    }
                }
            default:
                break
            }
            index += 1
        }
        // A loosely named secret (`SECRET_KEY = "…"`) counts only next to an access key id.
        // Key ids are found in text order, so their lines are sorted: a binary search finds the
        // nearest one (a file with tens of thousands of findings stays linear-logarithmic).
        var ids = found.filter { $0.kind == .accessKeyId }
        for weak in weakSecrets where nearest(to: weak.line, in: ids) != nil {
            let value = string(weak.range)
            found.append(DetectedCredential(kind: .secretAccessKey, value: value, line: weak.line, column: weak.column, keyId: nil,
                                            isExample: value == exampleSecret, rule: "aws-secret-access-key-near-key-id"))
        }
        found.sort { ($0.line, $0.column) < ($1.line, $1.column) }
        ids.sort { ($0.line, $0.column) < ($1.line, $1.column) }
        // Pair each secret and token with the nearest key id within five lines.
        for index in found.indices where found[index].kind != .accessKeyId {
            let nearestId = nearest(to: found[index].line, in: ids)
            found[index].keyId = nearestId?.value
            if found[index].kind == .secretAccessKey && nearestId?.value == exampleKeyId { found[index].isExample = true }
        }
        return found
    }

    /// The key id nearest to `line` (at most five lines away; the earlier one on a tie) among
    /// `ids`, which are sorted by line.
    private static func nearest(to line: Int, in ids: [DetectedCredential]) -> DetectedCredential? {
        var low = 0, high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle].line < line { low = middle + 1 } else { high = middle }
        }
        // low: the first id on or after `line`; the one before it is the last id before `line`.
        var best: DetectedCredential?
        for candidate in [low - 1, low] where candidate >= 0 && candidate < ids.count {
            let distance = abs(ids[candidate].line - line)
            guard distance <= 5 else { continue }
            if best == nil || distance < abs(best!.line - line) { best = ids[candidate] }
        }
        return best
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
    }

    private static func isBase64(_ byte: UInt8) -> Bool {
        isAlphanumeric(byte) || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "+")
    }

    /// AKIA long-term keys, ASIA temporary keys, ABIA STS bearer tokens, ACCA context-specific
    /// credentials (AIDA, AROA, AIPA… are principal ids, not credentials), then 16 upper-case
    /// letters or digits (real ids are base32; moto's use any digit), standing alone.
    private static func keyIdEnd(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        guard start + 20 <= bytes.count, start == 0 || !isAlphanumeric(bytes[start - 1]) else { return nil }
        let prefix = (bytes[start + 1], bytes[start + 2], bytes[start + 3])
        let known = prefix == (75, 73, 65) || prefix == (83, 73, 65) || prefix == (66, 73, 65) || prefix == (67, 67, 65) // KIA SIA BIA CCA
        guard known else { return nil }
        for offset in 4..<20 {
            let byte = bytes[start + offset]
            guard (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) else { return nil }
        }
        guard start + 20 == bytes.count || !isAlphanumeric(bytes[start + 20]) else { return nil }
        return start + 20
    }

    private static func matchesLowercased(_ bytes: UnsafeBufferPointer<UInt8>, at start: Int, _ word: StaticString) -> Bool {
        word.withUTF8Buffer { letters in
            guard start + letters.count <= bytes.count else { return false }
            for offset in 0..<letters.count where bytes[start + offset] | 0x20 != letters[offset] { return false }
            return true
        }
    }

    /// For a keyword inside a name (`aws_secret_access_key`, `SecretAccessKey`, `SECRET_KEY`,
    /// `AWS_SESSION_TOKEN`…), the value assigned to that name: the name, an optional quote or
    /// `]`, then `=`, `:` or `=>` (or, for the exact AWS names, spaces), then an optional quote
    /// and the value — 40 base64 characters for a secret, 100 or more for a token.
    private static func contextValue(_ bytes: UnsafeBufferPointer<UInt8>, keywordAt keyword: Int,
                                     secret: Bool) -> (value: Range<Int>, strong: Bool)? {
        func isNameByte(_ byte: UInt8) -> Bool { isAlphanumeric(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") }
        var nameStart = keyword
        while nameStart > 0 && isNameByte(bytes[nameStart - 1]) { nameStart -= 1 }
        var nameEnd = keyword
        while nameEnd < bytes.count && isNameByte(bytes[nameEnd]) { nameEnd += 1 }
        var normalized = ""
        for index in nameStart..<nameEnd where bytes[index] != UInt8(ascii: "_") && bytes[index] != UInt8(ascii: "-") {
            normalized.unicodeScalars.append(Unicode.Scalar(bytes[index] | (bytes[index] >= 65 && bytes[index] <= 90 ? 0x20 : 0)))
        }
        let strong = secret
            ? normalized.contains("secretaccesskey") || normalized.hasSuffix("awssecretkey")
            : normalized.contains("sessiontoken") || normalized.contains("securitytoken")
        if !secret && !strong { return nil }
        var index = nameEnd
        func skip(_ predicate: (UInt8) -> Bool) { while index < bytes.count && predicate(bytes[index]) { index += 1 } }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'")) { index += 1 }
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") { index += 1 }
        let beforeSpaces = index
        skip { $0 == 0x20 || $0 == 0x09 }
        var separated = false
        if index < bytes.count && (bytes[index] == UInt8(ascii: "=") || bytes[index] == UInt8(ascii: ":")) {
            index += 1
            if index < bytes.count && bytes[index] == UInt8(ascii: ">") { index += 1 }
            separated = true
            skip { $0 == 0x20 || $0 == 0x09 }
        } else if strong && index > beforeSpaces {
            separated = true
        }
        guard separated else { return nil }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'")) { index += 1 }
        let valueStart = index
        if secret {
            skip(isBase64)
            guard index - valueStart == 40, index == bytes.count || bytes[index] != UInt8(ascii: "=") else { return nil }
            let value = String(decoding: UnsafeBufferPointer(rebasing: bytes[valueStart..<index]), as: UTF8.self)
            guard isPlausibleSecret(value) else { return nil }
        } else {
            skip { isBase64($0) || $0 == UInt8(ascii: "=") }
            guard index - valueStart >= 100 else { return nil }
        }
        return (valueStart..<index, strong)
    }

    /// A 40-character value in a secret's place is a secret unless it is plainly not random:
    /// all hex (a SHA-1 checksum) or one repeated character.
    package static func isPlausibleSecret(_ value: String) -> Bool {
        let isHex = value.allSatisfy { $0.isHexDigit }
        return !isHex && Set(value).count > 4
    }
}
