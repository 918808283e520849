/// The characters no output may pass through as they are: C1 controls (U+0080–U+009F, which
/// terminals obey like escape sequences) and the bidirectional controls that reorder or hide
/// text (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069). Every output format (JSON,
/// CSV, Markdown, the terminal table) asks here.
public enum UnsafeUnicode {
    /// The UTF-8 length of such a character at `index`, or 0.
    @inlinable @inline(__always)
    public static func length(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
        let byte = text[index]
        if byte == 0xC2, index + 1 < text.count, (0x80...0x9F).contains(text[index + 1]) { return 2 }
        if byte == 0xD8, index + 1 < text.count, text[index + 1] == 0x9C { return 2 }
        if byte == 0xE2, index + 2 < text.count {
            let second = text[index + 1], third = text[index + 2]
            if second == 0x80 && (third == 0x8E || third == 0x8F || (0xAA...0xAE).contains(third)) { return 3 }
            if second == 0x81 && (0xA6...0xA9).contains(third) { return 3 }
        }
        return 0
    }

    /// The scalar value of the character of `length` bytes at `index`.
    @inlinable
    public static func scalar(_ text: UnsafeBufferPointer<UInt8>, at index: Int, length: Int) -> UInt32 {
        if length == 2 { return (UInt32(text[index] & 0x1F) << 6) | UInt32(text[index + 1] & 0x3F) }
        return (UInt32(text[index] & 0x0F) << 12) | (UInt32(text[index + 1] & 0x3F) << 6) | UInt32(text[index + 2] & 0x3F)
    }
}
