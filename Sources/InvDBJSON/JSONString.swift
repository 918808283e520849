import InvDBCore

/// Where `JSONString.write` puts bytes: the renderers' `OutputBytes`, or a byte array.
public protocol JSONByteOutput {
    mutating func append(_ buffer: UnsafeBufferPointer<UInt8>)
    mutating func append(byte: UInt8)
}

extension Array: JSONByteOutput where Element == UInt8 {
    public mutating func append(_ buffer: UnsafeBufferPointer<UInt8>) { append(contentsOf: buffer) }
    public mutating func append(byte: UInt8) { append(byte) }
}

/// The one JSON string escaper: the JSON renderer, the report, stored JSON (`minifiedJSON`) and
/// row counts all write string literals through it.
public enum JSONString {
    @usableFromInline static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `text` (UTF-8) as a JSON string literal. Quotes, backslashes and control
    /// characters (C0, DEL and C1) are escaped, and so are the Unicode characters that reorder or
    /// hide text (bidi overrides, isolates, marks): lossless, and inert in any viewer.
    @inlinable
    public static func write<Output: JSONByteOutput>(_ text: UnsafeBufferPointer<UInt8>, into output: inout Output) {
        output.append(byte: UInt8(ascii: "\""))
        var runStart = 0
        var index = 0
        while index < text.count {
            let byte = text[index]
            let unsafeLength = byte >= 0xC2 ? UnsafeUnicode.length(text, at: index) : 0
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F || unsafeLength > 0 else {
                index += 1
                continue
            }
            output.append(UnsafeBufferPointer(rebasing: text[runStart..<index]))
            if unsafeLength > 0 {
                let scalar = UnsafeUnicode.scalar(text, at: index, length: unsafeLength)
                output.append(byte: UInt8(ascii: "\\"))
                output.append(byte: UInt8(ascii: "u"))
                for shift in [12, 8, 4, 0] { output.append(byte: hex[Int((scalar >> UInt32(shift)) & 15)]) }
                index += unsafeLength
                runStart = index
                continue
            }
            output.append(byte: UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""): output.append(byte: UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): output.append(byte: UInt8(ascii: "\\"))
            case 0x0A: output.append(byte: UInt8(ascii: "n"))
            case 0x0D: output.append(byte: UInt8(ascii: "r"))
            case 0x09: output.append(byte: UInt8(ascii: "t"))
            default:
                for escaped in [UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]] { output.append(byte: escaped) }
            }
            index += 1
            runStart = index
        }
        output.append(UnsafeBufferPointer(rebasing: text[runStart..<text.count]))
        output.append(byte: UInt8(ascii: "\""))
    }

    /// Appends JSON text another encoder wrote (Foundation's `JSONEncoder`, which leaves DEL, C1
    /// and bidi characters raw), with those characters escaped as `write` escapes them. Outside
    /// strings JSON text holds none of them, so the result is the same JSON value.
    public static func writeNeutralized<Output: JSONByteOutput>(json: [UInt8], into output: inout Output) {
        json.withUnsafeBufferPointer { text in
            var runStart = 0
            var index = 0
            while index < text.count {
                let byte = text[index]
                let unsafeLength = byte >= 0xC2 ? UnsafeUnicode.length(text, at: index) : 0
                guard byte == 0x7F || unsafeLength > 0 else {
                    index += 1
                    continue
                }
                output.append(UnsafeBufferPointer(rebasing: text[runStart..<index]))
                let scalar = unsafeLength > 0 ? UnsafeUnicode.scalar(text, at: index, length: unsafeLength) : UInt32(byte)
                output.append(byte: UInt8(ascii: "\\"))
                output.append(byte: UInt8(ascii: "u"))
                for shift in [12, 8, 4, 0] { output.append(byte: hex[Int((scalar >> UInt32(shift)) & 15)]) }
                index += max(unsafeLength, 1)
                runStart = index
            }
            output.append(UnsafeBufferPointer(rebasing: text[runStart..<text.count]))
        }
    }

    /// Appends `text` as a JSON string literal.
    @inlinable
    public static func write<Output: JSONByteOutput>(_ text: String, into output: inout Output) {
        var copy = text
        copy.withUTF8 { write($0, into: &output) }
    }

    /// `text` as a JSON string literal.
    public static func literal(_ text: String) -> String {
        var bytes: [UInt8] = []
        write(text, into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
