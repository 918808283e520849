/// Makes untrusted text (tag values, names) safe and measurable for a terminal.
enum TerminalText {
    /// Replaces control characters (escape sequences could recolour or rewrite the screen) with
    /// visible stand-ins: a line break shows as `⏎`, anything else as `�`.
    static func sanitize(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var output = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar == "\n" { output.append("⏎") } else if isControl(scalar) { output.append("\u{FFFD}") } else { output.append(scalar) }
        }
        return String(output)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Cuts `text` to `width` characters, ending with `…` when cut.
    static func truncate(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(width)) }
        return String(text.prefix(width - 1)) + "…"
    }

    /// Pads `text` with spaces to `width` characters.
    static func pad(_ text: String, to width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }

    /// Splits `text` into lines of at most `width` characters, at spaces where possible.
    static func wrap(_ text: String, width: Int) -> [String] {
        guard width > 0, text.count > width else { return [text] }
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            var word = word
            while word.count > width {
                if !current.isEmpty { lines.append(current); current = "" }
                lines.append(String(word.prefix(width)))
                word = String(word.dropFirst(width))
            }
            if current.isEmpty {
                current = word
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

extension String {
    /// The text wrapped at spaces to lines of at most `width` characters.
    public func wrapped(width: Int) -> String {
        TerminalText.wrap(self, width: width).joined(separator: "\n")
    }
}
