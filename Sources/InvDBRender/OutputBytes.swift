import InvDBChecks
import InvDBCore
import InvDBJSON

/// Output under construction, as UTF-8 bytes. Check results are rendered straight from SQLite's
/// column bytes into one of these, so that a fleet of 100,000 instances (300,000 result rows)
/// makes no Swift string per cell.
public struct OutputBytes {
    /// Bytes held before a streaming renderer hands them to its sink.
    public static let flushThreshold = 1 << 20

    /// A fixed block of bytes; appending copies with memcpy and never moves what is written.
    final class Chunk {
        let base: UnsafeMutablePointer<UInt8>
        let capacity: Int
        var count = 0

        init(capacity: Int) {
            self.capacity = capacity
            base = .allocate(capacity: capacity)
        }

        deinit { base.deallocate() }

        var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }
    }

    /// Chunks in order; the last one is being written. Chunks are shared by `append(_: OutputBytes)`,
    /// so an output appended elsewhere must not be written to afterwards.
    private var chunks: [Chunk] = []
    private static let chunkSize = 1 << 20

    public init() {}

    /// Bytes written so far.
    public var count: Int { chunks.reduce(0) { $0 + $1.count } }

    /// Every byte, in order (copies; for tests and small outputs).
    public var allBytes: [UInt8] { chunks.flatMap { Array($0.buffer) } }

    /// Empties the output, keeping one chunk's memory for what comes next (after a flush).
    public mutating func removeAll() {
        let keep = chunks.last.map { $0.count = 0; return $0 }
        chunks = keep.map { [$0] } ?? []
        current = keep
    }

    /// Calls `body` with each chunk in order, for writing out without a copy.
    public func forEachChunk(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        for chunk in chunks where chunk.count > 0 { try body(chunk.buffer) }
    }

    /// The chunk being written (also the last of `chunks`).
    private var current: Chunk?

    @inline(__always)
    private mutating func reserve(_ needed: Int) -> Chunk {
        if let current, current.capacity - current.count >= needed { return current }
        let chunk = Chunk(capacity: max(Self.chunkSize, needed))
        chunks.append(chunk)
        current = chunk
        return chunk
    }

    public mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) {
        guard let source = buffer.baseAddress, buffer.count > 0 else { return }
        let chunk = reserve(buffer.count)
        (chunk.base + chunk.count).update(from: source, count: buffer.count)
        chunk.count += buffer.count
    }

    public mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { append($0) }
    }

    public mutating func append(_ text: String) {
        var copy = text
        copy.withUTF8 { append($0) }
    }

    /// Appends a copy of another output's bytes (the other may be emptied and reused after).
    public mutating func append(_ other: OutputBytes) {
        other.forEachChunk { append($0) }
    }

    public mutating func append(byte: UInt8) {
        let chunk = reserve(1)
        chunk.base[chunk.count] = byte
        chunk.count += 1
    }

    public mutating func append(spaces count: Int) {
        guard count > 0 else { return }
        let chunk = reserve(count)
        (chunk.base + chunk.count).initialize(repeating: UInt8(ascii: " "), count: count)
        chunk.count += count
    }

    /// Removes spaces at the end (of the line being written).
    public mutating func trimTrailingSpaces() {
        while let last = chunks.last {
            while last.count > 0 && last.base[last.count - 1] == UInt8(ascii: " ") { last.count -= 1 }
            guard last.count == 0, chunks.count > 1 else { return }
            chunks.removeLast()
            current = chunks.last
        }
    }

    /// The bytes as a string (for tests and small outputs).
    public var string: String { String(decoding: allBytes, as: UTF8.self) }

    // MARK: - Escaping for each format

    /// Appends `text` as a JSON string literal (`JSONString.write`: control and bidi characters
    /// become `\uXXXX` escapes).
    public mutating func appendJSONString(_ text: UnsafeBufferPointer<UInt8>) {
        JSONString.write(text, into: &self)
    }

    public mutating func appendJSONString(_ text: String) {
        var copy = text
        copy.withUTF8 { appendJSONString($0) }
    }

    /// Appends untrusted text for a Markdown table cell or paragraph: HTML becomes entities,
    /// Markdown punctuation is backslash-escaped, line breaks become `<br>`, control and bidi
    /// characters become `�`, and a word joiner (U+2060, invisible) is put after `@`, in `://`
    /// and in `www.`, so a value can neither ping someone nor become a link on GitHub.
    public mutating func appendMarkdown(_ text: UnsafeBufferPointer<UInt8>) {
        var index = 0
        while index < text.count {
            let byte = text[index]
            if byte >= 0xC2, case let length = UnsafeUnicode.length(text, at: index), length > 0 {
                append("\u{FFFD}")
                index += length
                continue
            }
            switch byte {
            case UInt8(ascii: "&"): append("&amp;")
            case UInt8(ascii: "<"): append("&lt;")
            case UInt8(ascii: ">"): append("&gt;")
            case UInt8(ascii: "|"): append("&#124;")
            case 0x0D:
                append("<br>")
                if index + 1 < text.count && text[index + 1] == 0x0A { index += 1 }
            case 0x0A: append("<br>")
            case UInt8(ascii: "\\"), UInt8(ascii: "`"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "["), UInt8(ascii: "]"),
                 UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "#"), UInt8(ascii: "!"), UInt8(ascii: "~"),
                 UInt8(ascii: "{"), UInt8(ascii: "}"):
                append(byte: UInt8(ascii: "\\"))
                append(byte: byte)
            case 0..<0x20, 0x7F:
                append("\u{FFFD}")
            case UInt8(ascii: "@"):
                append("@\u{2060}")
            case UInt8(ascii: ":") where index + 2 < text.count && text[index + 1] == UInt8(ascii: "/") && text[index + 2] == UInt8(ascii: "/"):
                append(":\u{2060}")
            case UInt8(ascii: ".") where index >= 3 && Self.isWWW(text, endingAt: index):
                append("\u{2060}")
                append(byte: byte)
            default:
                append(byte: byte)
            }
            index += 1
        }
    }

    /// True when the three bytes before `index` spell `www` (any case) at a word start.
    private static func isWWW(_ text: UnsafeBufferPointer<UInt8>, endingAt index: Int) -> Bool {
        guard text[index] == UInt8(ascii: ".") else { return false }
        for offset in 1...3 where text[index - offset] | 0x20 != UInt8(ascii: "w") { return false }
        return index == 3 || !(text[index - 4] | 0x20 >= UInt8(ascii: "a") && text[index - 4] | 0x20 <= UInt8(ascii: "z"))
    }

    public mutating func appendMarkdown(_ text: String) {
        var copy = text
        copy.withUTF8 { appendMarkdown($0) }
    }

    /// Appends a CSV field, quoted when it holds a comma, quote or line break. Control
    /// characters (but line breaks) and bidi characters become `�`, and a text field that a
    /// spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage
    /// return) is prefixed with `'` (OWASP's advice), unless `isNumber`.
    public mutating func appendCSV(_ text: UnsafeBufferPointer<UInt8>, isNumber: Bool = false) {
        var formula = false
        if !isNumber, let first = text.first {
            switch first {
            case UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), 0x09, 0x0D: formula = true
            default: break
            }
        }
        /// Whether the byte at `index` needs the field quoted (and maybe rewritten).
        func isSpecial(_ byte: UInt8, _ index: Int) -> Bool {
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte < 0x20 || byte == 0x7F
                || (byte >= 0xC2 && UnsafeUnicode.length(text, at: index) > 0)
        }
        var firstSpecial = 0
        while firstSpecial < text.count && !isSpecial(text[firstSpecial], firstSpecial) { firstSpecial += 1 }
        guard formula || firstSpecial < text.count else {
            append(text)
            return
        }
        append(byte: UInt8(ascii: "\""))
        if formula { append(byte: UInt8(ascii: "'")) }
        // Runs of ordinary bytes (commas included, inside quotes) are copied whole.
        var runStart = 0
        var index = firstSpecial
        while index < text.count {
            let byte = text[index]
            if byte == UInt8(ascii: ",") || !isSpecial(byte, index) {
                index += 1
                continue
            }
            append(UnsafeBufferPointer(rebasing: text[runStart..<index]))
            if byte >= 0xC2 {
                append("\u{FFFD}")
                index += UnsafeUnicode.length(text, at: index)
            } else if byte == UInt8(ascii: "\"") {
                append("\"\"")
                index += 1
            } else if byte == 0x0A || byte == 0x0D {
                append(byte: byte)
                index += 1
            } else {
                append("\u{FFFD}")
                index += 1
            }
            runStart = index
        }
        append(UnsafeBufferPointer(rebasing: text[runStart..<text.count]))
        append(byte: UInt8(ascii: "\""))
    }

    public mutating func appendCSV(_ text: String) {
        var copy = text
        copy.withUTF8 { appendCSV($0) }
    }

    /// Appends untrusted text for a terminal, at most `width` characters (cut with `…`), with
    /// control characters shown as `⏎` (line break) or `�`, padded with spaces to `width` when
    /// `pad`. Returns the number of characters written.
    @discardableResult
    public mutating func appendTerminal(_ text: UnsafeBufferPointer<UInt8>, width: Int, pad: Bool) -> Int {
        var characters = 0
        var plain = true
        for byte in text {
            if byte & 0xC0 != 0x80 { characters += 1 }
            if byte < 0x20 || byte == 0x7F || byte == 0xC2 || byte == 0xE2 || byte == 0xD8 { plain = false }
        }
        if characters <= width && plain {
            append(text)
            if pad { append(spaces: width - characters) }
            return characters
        }
        let limit = characters > width ? max(width - 1, 0) : characters
        var written = 0
        var index = 0
        while index < text.count && written < limit {
            let length = TerminalText.sequenceLength(text[index])
            let end = min(index + length, text.count)
            let byte = text[index]
            if byte == 0x0A {
                append("⏎")
            } else if byte < 0x20 || byte == 0x7F || (byte >= 0xC2 && UnsafeUnicode.length(text, at: index) > 0) {
                append("\u{FFFD}")
            } else {
                append(UnsafeBufferPointer(rebasing: text[index..<end]))
            }
            written += 1
            index = end
        }
        if characters > width && width > 0 {
            append("…")
            written += 1
        }
        if pad { append(spaces: width - written) }
        return written
    }
}

extension OutputBytes: JSONByteOutput {}
