/// Recognises the shapes of AWS secrets without any context: a run of exactly 40 base64
/// characters with upper- and lower-case letters and a digit (a secret access key; a random
/// one lacks a digit once in a thousand), or a run of 100 or more starting like an STS session
/// token. Used to keep them out of messages and stored data even where nothing names them.
/// Paths (`/work/main/Tests/Fixtures/hostile/device`) have no digit run of that exact length in
/// practice, which is why the digit is required.
public enum SecretShape {
    /// Known starts of STS session tokens (base64 of their binary header).
    static let tokenPrefixes: [[UInt8]] = ["IQoJb3JpZ2lu", "FwoGZXIvYXdz", "FQoGZXIvYXdz", "AQoDYXdz", "AgoJb3JpZ2lu", "IQoJb3JpZ2l"].map { Array($0.utf8) }

    @inline(__always)
    public static func isBase64(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122)
            || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "/")
    }

    /// The byte ranges of secret-shaped runs in `bytes`.
    public static func ranges(in bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var index = 0
        let count = bytes.count
        while index < count {
            guard isBase64(bytes[index]) else { index += 1; continue }
            let start = index
            var upper = false, lower = false, digit = false
            var distinct: UInt64 = 0
            var allHex = true
            while index < count && isBase64(bytes[index]) {
                let byte = bytes[index]
                if byte >= 65 && byte <= 90 { upper = true }
                if byte >= 97 && byte <= 122 { lower = true }
                if byte >= 48 && byte <= 57 { digit = true }
                if !((byte >= 48 && byte <= 57) || (byte >= 97 && byte <= 102) || (byte >= 65 && byte <= 70)) { allHex = false }
                distinct |= 1 << UInt64(byte & 63)
                index += 1
            }
            var end = index
            // Padding belongs to a token.
            while end < count && bytes[end] == UInt8(ascii: "=") { end += 1 }
            let length = index - start
            if length == 40 && upper && lower && digit && !allHex && distinct.nonzeroBitCount > 8 {
                found.append(start..<index)
            } else if length >= 100 && tokenPrefixes.contains(where: { prefix in
                prefix.count <= length && (0..<prefix.count).allSatisfy { bytes[start + $0] == prefix[$0] }
            }) {
                found.append(start..<end)
            }
            index = end
        }
        return found
    }

    /// The runs of exactly `length` base64 characters in `text` (a secret inside a quoted match).
    public static func exactRuns(of length: Int, in text: String) -> [String] {
        var runs: [String] = []
        var current: [UInt8] = []
        for byte in Array(text.utf8) + [0] {
            if isBase64(byte) {
                current.append(byte)
            } else {
                if current.count == length { runs.append(String(decoding: current, as: UTF8.self)) }
                current.removeAll(keepingCapacity: true)
            }
        }
        return runs
    }

    /// True when `text` holds a secret-shaped run.
    public static func contains(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { !ranges(in: $0).isEmpty }
    }

    /// `text` with each secret-shaped run replaced by `[redacted]`.
    public static func redacted(_ text: String) -> String {
        guard text.utf8.count >= 40 else { return text }
        var copy = text
        return copy.withUTF8 { bytes in
            let found = ranges(in: bytes)
            guard !found.isEmpty else { return text }
            var output: [UInt8] = []
            var last = 0
            for range in found {
                output += bytes[last..<range.lowerBound]
                output += Array("[redacted]".utf8)
                last = range.upperBound
            }
            output += bytes[last...]
            return String(decoding: output, as: UTF8.self)
        }
    }
}
