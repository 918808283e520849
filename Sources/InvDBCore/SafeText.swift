/// Text from input (file names, member names, values) made safe to put in a message.
///
/// Input is hostile: a file name can hold terminal escape sequences or a forged line break, a
/// member name can be 100 MB long, and any value can hold a secret. Every message that quotes
/// input goes through `quote`, and every line invdb prints through `line`:
///
/// ```swift
/// SafeText.quote("evil\u{1B}]0;title\u{07}")   // "evil?]0;title?"
/// SafeText.quote(String(repeating: "x", count: 500), limit: 8)   // "xxxxxxx…"
/// ```
public enum SafeText {
    /// `text` with control characters (C0, DEL, C1), bidirectional overrides and isolates shown
    /// as `?`, anything shaped like a secret access key or session token replaced by
    /// `[redacted]`, and at most `limit` characters (cut with `…`).
    public static func quote(_ text: String, limit: Int = 80) -> String {
        var output = String.UnicodeScalarView()
        var count = 0
        for scalar in SecretShape.redacted(text).unicodeScalars {
            if count >= limit {
                output.removeLast()
                output.append("…")
                return String(output)
            }
            output.append(isUnsafe(scalar) ? "?" : scalar)
            count += 1
        }
        return String(output)
    }

    /// A whole message line: `quote` with a bound of `limit` characters; line breaks inside the
    /// message are kept only where the message itself puts them (`allowLineBreaks`).
    public static func line(_ text: String, limit: Int = 1000, allowLineBreaks: Bool = true) -> String {
        guard allowLineBreaks else { return quote(text, limit: limit) }
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { quote(String($0), limit: limit) }
            .joined(separator: "\n")
    }

    /// Control characters, and the Unicode format characters that reorder or hide text.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C: return true
        default: return false
        }
    }
}
