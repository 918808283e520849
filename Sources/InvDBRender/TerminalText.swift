import InvDBChecks
import InvDBCore
import InvDBJSON

/// Untrusted text (tag values, names) made safe and measurable for a terminal, in one engine that
/// works on UTF-8 bytes: one column per Unicode scalar (wide characters count as one, which is
/// good enough for the names and ids AWS uses); control, C1 and bidi characters are shown as `�`
/// and line breaks as `⏎` (`OutputBytes.appendTerminal`). The `String` forms are for short texts.
enum TerminalText {
    static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: return 4
        case 0xE0...: return 3
        case 0xC0...: return 2
        default: return 1
        }
    }

    /// Calls `line` with each line range of `text` wrapped to at most `width` characters,
    /// breaking at spaces where possible.
    static func wrap(_ text: UnsafeBufferPointer<UInt8>, width: Int, _ line: (Range<Int>) -> Void) {
        guard width > 0, text.count > 0 else { return line(0..<text.count) }
        var start = 0
        while start < text.count {
            var index = start
            var characters = 0
            var lastSpace: Int?
            while index < text.count && characters < width {
                if text[index] == UInt8(ascii: " ") { lastSpace = index }
                index += sequenceLength(text[index])
                characters += 1
            }
            if index >= text.count {
                return line(start..<text.count)
            }
            if text[index] == UInt8(ascii: " ") {
                line(start..<index)
                start = index + 1
            } else if let space = lastSpace, space > start {
                line(start..<space)
                start = space + 1
            } else {
                line(start..<index)
                start = index
            }
        }
    }

    /// `text` made safe for a terminal, at most `width` columns (cut with `…`), padded with
    /// spaces to `width` when `pad`.
    static func fitted(_ text: String, width: Int = Int.max, pad: Bool = false) -> String {
        var out = OutputBytes()
        var copy = text
        copy.withUTF8 { _ = out.appendTerminal($0, width: width, pad: pad) }
        return out.string
    }

    /// `text` made safe for a terminal, whole.
    static func sanitize(_ text: String) -> String { fitted(text) }

    /// The columns `text` takes.
    static func width(_ text: String) -> Int { text.unicodeScalars.count }

    /// `text` split into lines of at most `width` columns, at spaces where possible.
    static func wrap(_ text: String, width: Int) -> [String] {
        var copy = text
        return copy.withUTF8 { bytes in
            var lines: [String] = []
            wrap(bytes, width: width) { range in lines.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)) }
            return lines.isEmpty ? [""] : lines
        }
    }
}

extension String {
    /// The text wrapped at spaces to lines of at most `width` columns.
    public func wrapped(width: Int) -> String {
        TerminalText.wrap(self, width: width).joined(separator: "\n")
    }

    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
