import InvDBCore

/// A pull reader over a JSON document that never holds more than the current token (and the
/// value the caller asks for) in memory.
///
/// Importers walk the outer structure with `beginObject`/`nextKey` and `beginArray`/`nextElement`
/// and materialize one record at a time with `readValue()`, so memory is bounded by the largest
/// record, not by the file. Errors carry the file, line and column of the offending byte.
///
/// ```swift
/// let reader = JSONStreamReader(source: try ByteSource(path: "instances.json"))
/// try reader.beginObject()
/// while let key = try reader.nextKey() {
///     if key == "Reservations" { … } else { try reader.skipValue() }
/// }
/// try reader.expectEndOfInput()
/// ```
public final class JSONStreamReader {
    /// A place in the input, 1-based.
    public struct Position: Equatable, Sendable {
        public var line: Int
        public var column: Int

        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }
    }

    /// What the next value is, judged from its first byte.
    public enum ValueStart: Equatable {
        case object, array, string, number, literal, endOfInput, other(UInt8)
    }

    public let source: ByteSource
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var pos = 0
    private var end = 0
    private var bufferOffset = 0
    private var atEndOfInput = false
    private var line = 1
    private var lineStartOffset = 0
    /// One entry per open container: `true` until its first member or element has been read.
    private var expectingFirst: [Bool] = []
    private var scratch: [UInt8] = []
    /// The member name `nextKey` returned last: the context of the value read next.
    private var lastKey: String?
    private static let maximumDepth = 512

    /// Redacts secrets from strings as they are read (see `StringScrubber`); nil reads them as
    /// they are.
    public var scrubber: StringScrubber?

    /// Creates a reader; `chunkSize` is the initial buffer (it grows only for a longer token).
    public init(source: ByteSource, chunkSize: Int = 1 << 20) {
        self.source = source
        capacity = chunkSize
        buffer = .allocate(capacity: chunkSize)
    }

    deinit { buffer.deallocate() }

    // MARK: - Positions and errors

    /// The position of the next unread byte.
    public var position: Position {
        Position(line: line, column: bufferOffset + pos - lineStartOffset + 1)
    }

    /// An error at the current position.
    public func error(_ message: String, reason: InputError.Reason = .syntax, at place: Position? = nil) -> InputError {
        let where_ = place ?? position
        return InputError(reason, file: source.name, line: where_.line, column: where_.column, message: message)
    }

    // MARK: - Buffer management

    /// Moves unread bytes from `keep` on to the front and reads more. Returns how far indices
    /// moved left, or nil when the input is exhausted and nothing was added.
    @discardableResult
    private func refill(keepingFrom keep: Int) throws -> Int? {
        if atEndOfInput { return nil }
        let shift = keep
        if shift > 0 {
            let remaining = end - keep
            if remaining > 0 { (buffer).update(from: buffer + keep, count: remaining) }
            bufferOffset += shift
            pos -= shift
            end = remaining
        }
        if end == capacity {
            let bigger = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity * 2)
            bigger.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = bigger
            capacity *= 2
        }
        let got = try source.read(into: buffer + end, count: capacity - end)
        if got == 0 {
            atEndOfInput = true
            return nil
        }
        end += got
        return shift
    }

    /// Skips white space (counting lines) and returns the next byte without consuming it,
    /// or nil at the end of the input.
    @inline(__always)
    private func peekSignificant() throws -> UInt8? {
        while true {
            while pos < end {
                let byte = buffer[pos]
                switch byte {
                case 0x20, 0x09, 0x0D:
                    pos += 1
                case 0x0A:
                    pos += 1
                    line += 1
                    lineStartOffset = bufferOffset + pos
                default:
                    return byte
                }
            }
            if try refill(keepingFrom: pos) == nil { return nil }
        }
    }

    private func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "end of file (is the file truncated?)" }
        if byte >= 0x20 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16)
    }

    // MARK: - Structure

    /// What kind of value comes next (after white space), without consuming it.
    public func peekValueStart() throws -> ValueStart {
        guard let byte = try peekSignificant() else { return .endOfInput }
        switch byte {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): return .literal
        default: return .other(byte)
        }
    }

    /// The first bytes of the input (up to `count`), without consuming them; for sniffing.
    public func peekPrefix(_ count: Int) throws -> [UInt8] {
        while end - pos < count, try refill(keepingFrom: pos) != nil {}
        return Array(UnsafeBufferPointer(start: buffer + pos, count: min(count, end - pos)))
    }

    /// Skips a UTF-8 byte-order mark at the start of the input.
    public func skipByteOrderMark() throws {
        let prefix = try peekPrefix(3)
        if prefix == [0xEF, 0xBB, 0xBF] { pos += 3 }
    }

    private func expect(_ ascii: UInt8, _ what: String) throws {
        let byte = try peekSignificant()
        guard byte == ascii else { throw error("expected \(what), found \(describe(byte))") }
        pos += 1
    }

    /// Consumes `{`.
    public func beginObject() throws {
        try expect(UInt8(ascii: "{"), "'{' (an object)")
        try push()
    }

    /// Consumes `[`.
    public func beginArray() throws {
        try expect(UInt8(ascii: "["), "'[' (an array)")
        try push()
    }

    private func push() throws {
        guard expectingFirst.count < Self.maximumDepth else {
            throw error("nesting deeper than \(Self.maximumDepth) levels")
        }
        expectingFirst.append(true)
    }

    /// The next member's key, with the reader placed on its value; nil after the closing `}`.
    public func nextKey() throws -> String? {
        let byte = try peekSignificant()
        if byte == UInt8(ascii: "}") {
            pos += 1
            expectingFirst.removeLast()
            return nil
        }
        if expectingFirst[expectingFirst.count - 1] {
            expectingFirst[expectingFirst.count - 1] = false
        } else {
            guard byte == UInt8(ascii: ",") else {
                throw error("expected ',' or '}' after an object member, found \(describe(byte))")
            }
            pos += 1
        }
        guard try peekSignificant() == UInt8(ascii: "\"") else {
            throw error("expected a member name in double quotes, found \(describe(try peekSignificant()))")
        }
        let key = try readStringToken(context: StringContext(isMemberName: true))
        try expect(UInt8(ascii: ":"), "':' after a member name")
        lastKey = key
        return key
    }

    /// True when another element follows (the reader is placed on it); false after the closing `]`.
    public func nextElement() throws -> Bool {
        let byte = try peekSignificant()
        if byte == UInt8(ascii: "]") {
            pos += 1
            expectingFirst.removeLast()
            return false
        }
        if expectingFirst[expectingFirst.count - 1] {
            expectingFirst[expectingFirst.count - 1] = false
            if byte == nil { throw error("unexpected end of file inside an array (is the file truncated?)") }
        } else {
            guard byte == UInt8(ascii: ",") else {
                throw error("expected ',' or ']' after an array element, found \(describe(byte))")
            }
            pos += 1
        }
        return true
    }

    /// Fails unless only white space is left.
    public func expectEndOfInput() throws {
        if let byte = try peekSignificant() {
            throw error("unexpected \(describe(byte)) after the end of the JSON document")
        }
    }

    /// True when only white space is left (for JSON-lines inputs).
    public func isAtEndOfInput() throws -> Bool {
        try peekSignificant() == nil
    }

    // MARK: - Values

    /// Reads the next value completely.
    public func readValue() throws -> JSONValue {
        try readValue(depth: expectingFirst.count, context: StringContext(memberName: lastKey))
    }

    /// Reads a string value.
    public func readString() throws -> String {
        guard try peekSignificant() == UInt8(ascii: "\"") else {
            throw error("expected a string, found \(describe(try peekSignificant()))", reason: .invalidRecord)
        }
        return try readStringToken(context: StringContext(memberName: lastKey))
    }

    /// Skips the next value without building it.
    public func skipValue() throws {
        switch try peekValueStart() {
        case .object:
            try beginObject()
            while try nextKey() != nil { try skipValue() }
        case .array:
            try beginArray()
            while try nextElement() { try skipValue() }
        case .string:
            _ = try scanString()
        default:
            _ = try readScalar(into: nil)
        }
    }

    /// Runs `body` with string scrubbing switched off, for a value the caller decodes and
    /// scans itself and never stores (user data's base64, a scanner's raw secret).
    public func withoutScrubbing<R>(_ body: () throws -> R) rethrows -> R {
        let saved = scrubber
        scrubber = nil
        defer { scrubber = saved }
        return try body()
    }

    private func readValue(depth: Int, context: StringContext) throws -> JSONValue {
        guard let byte = try peekSignificant() else {
            throw error("unexpected end of file where a value was expected (is the file truncated?)")
        }
        switch byte {
        case UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
            pos += 1
            var members: [JSONMember] = []
            var first = true
            var siblingKey: String?
            while true {
                var next = try peekSignificant()
                if next == UInt8(ascii: "}") { pos += 1; break }
                if !first {
                    guard next == UInt8(ascii: ",") else {
                        throw error("expected ',' or '}' after an object member, found \(describe(next))")
                    }
                    pos += 1
                    next = try peekSignificant()
                }
                first = false
                guard next == UInt8(ascii: "\"") else {
                    throw error("expected a member name in double quotes, found \(describe(next))")
                }
                let key = try readStringToken(context: StringContext(isMemberName: true))
                try expect(UInt8(ascii: ":"), "':' after a member name")
                let value = try readValue(depth: depth + 1, context: StringContext(memberName: key, siblingKey: siblingKey))
                if key == "Key", case .string(let text) = value { siblingKey = text }
                members.append(JSONMember(key: key, value: value))
            }
            return .object(members)
        case UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
            pos += 1
            var items: [JSONValue] = []
            var first = true
            while true {
                let next = try peekSignificant()
                if next == UInt8(ascii: "]") { pos += 1; break }
                if !first {
                    guard next == UInt8(ascii: ",") else {
                        throw error("expected ',' or ']' after an array element, found \(describe(next))")
                    }
                    pos += 1
                }
                first = false
                items.append(try readValue(depth: depth + 1, context: StringContext(memberName: context.memberName)))
            }
            return .array(items)
        case UInt8(ascii: "\""):
            return .string(try readStringToken(context: context))
        default:
            return try readScalar(into: nil)
        }
    }

    /// Reads a number or a literal (`true`, `false`, `null`), appending its text to `text`.
    private func readScalar(into text: UnsafeMutablePointer<[UInt8]>?) throws -> JSONValue {
        let start = position
        guard let first = try peekSignificant() else {
            throw error("unexpected end of file where a value was expected (is the file truncated?)")
        }
        let literal: (word: StaticString, value: JSONValue)?
        switch first {
        case UInt8(ascii: "t"): literal = ("true", .bool(true))
        case UInt8(ascii: "f"): literal = ("false", .bool(false))
        case UInt8(ascii: "n"): literal = ("null", .null)
        default: literal = nil
        }
        if let literal {
            let count = literal.word.utf8CodeUnitCount
            while end - pos < count, try refill(keepingFrom: pos) != nil {}
            let matches = end - pos >= count && literal.word.withUTF8Buffer { word in
                (0..<count).allSatisfy { buffer[pos + $0] == word[$0] }
            }
            guard matches else {
                throw error("invalid literal: expected '\(literal.word)'", at: start)
            }
            text?.pointee.append(contentsOf: UnsafeBufferPointer(start: buffer + pos, count: count))
            pos += count
            try requireDelimiter()
            return literal.value
        }
        guard first == UInt8(ascii: "-") || (first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else {
            throw error("expected a JSON value, found \(describe(first))")
        }
        var tokenStart = pos
        var index = pos
        while true {
            if index == end {
                guard let shift = try refill(keepingFrom: tokenStart) else { break }
                index -= shift
                tokenStart -= shift
            }
            let byte = buffer[index]
            let isNumberByte = (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
            if !isNumberByte { break }
            index += 1
            guard index - tokenStart <= Self.maximumNumberLength else {
                throw error("a number longer than \(Self.maximumNumberLength) characters", at: start)
            }
        }
        let lexemeBytes = UnsafeBufferPointer(start: buffer + tokenStart, count: index - tokenStart)
        guard Self.isValidNumber(lexemeBytes) else {
            throw error("invalid number", at: start)
        }
        let lexeme = String(decoding: lexemeBytes, as: UTF8.self)
        text?.pointee.append(contentsOf: lexemeBytes)
        pos = index
        try requireDelimiter()
        return .number(lexeme)
    }

    /// No number in AWS output comes near this; a longer one is an attack on whoever parses it.
    static let maximumNumberLength = 64

    private func requireDelimiter() throws {
        if pos == end { try refill(keepingFrom: pos) }
        guard pos < end else { return }
        switch buffer[pos] {
        case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}"): return
        default: throw error("unexpected \(describe(buffer[pos])) after a value")
        }
    }

    /// JSON's number grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    static func isValidNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        let n = bytes.count
        func digit(_ at: Int) -> Bool { at < n && bytes[at] >= 48 && bytes[at] <= 57 }
        if i < n && bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard digit(i) else { return false }
        if bytes[i] == 48 { i += 1 } else { while digit(i) { i += 1 } }
        if i < n && bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
        }
        if i < n && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            guard digit(i) else { return false }
            while digit(i) { i += 1 }
        }
        return i == n
    }

    // MARK: - Tapes

    /// Reads the next value onto `tape` (after `tape.reset()` by the caller): its minified text
    /// and a flat node list. The fast path of the import; see `JSONTape`.
    public func readValue(into tape: inout JSONTape) throws {
        try readTapeValue(&tape, depth: expectingFirst.count, context: StringContext(memberName: lastKey))
    }

    /// Reads the next value whole, refusing one whose minified text exceeds `maximumBytes`
    /// (for a member read before the document's kind is known).
    ///
    /// - Throws: `InputError` with reason `unknownKind` when the value is larger.
    public func readValue(maximumBytes: Int) throws -> JSONValue {
        var tape = JSONTape()
        tapeLimit = maximumBytes
        defer { tapeLimit = nil }
        try readValue(into: &tape)
        return tape.value(at: 0)
    }

    /// While set, `readTapeValue` refuses a value past this many bytes.
    private var tapeLimit: Int?

    /// The most bytes one value read onto a tape may take (one reservation, one CloudTrail
    /// record: kilobytes to megabytes in real files). Offsets on a tape are 32-bit: with one more
    /// string at most (`maximumStringLength`) it stays far below 2 GiB.
    static let maximumTapeBytes = 512 << 20

    private func checkTapeLimit(_ tape: JSONTape) throws {
        if let tapeLimit, tape.bytes.count > tapeLimit {
            throw error("a member larger than \(tapeLimit >> 10) KB before anything tells the document's kind", reason: .unknownKind)
        }
        if tape.bytes.count > Self.maximumTapeBytes {
            throw error("a single value larger than \(Self.maximumTapeBytes >> 20) MB (one record or reservation)")
        }
    }

    private func readTapeValue(_ tape: inout JSONTape, depth: Int, context: StringContext) throws {
        guard let byte = try peekSignificant() else {
            throw error("unexpected end of file where a value was expected (is the file truncated?)")
        }
        switch byte {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
            let isObject = byte == UInt8(ascii: "{")
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let index = tape.nodes.count
            let start = tape.bytes.count
            tape.nodes.append(.init(kind: isObject ? .object : .array, start: Int32(start), length: 0, end: 0))
            tape.bytes.append(byte)
            pos += 1
            var first = true
            var siblingKey: String?
            while true {
                var next = try peekSignificant()
                if next == close { pos += 1; break }
                if !first {
                    guard next == UInt8(ascii: ",") else {
                        throw error(isObject ? "expected ',' or '}' after an object member, found \(describe(next))"
                                             : "expected ',' or ']' after an array element, found \(describe(next))")
                    }
                    pos += 1
                    tape.bytes.append(UInt8(ascii: ","))
                    next = try peekSignificant()
                }
                first = false
                try checkTapeLimit(tape)
                if isObject {
                    guard next == UInt8(ascii: "\"") else {
                        throw error("expected a member name in double quotes, found \(describe(next))")
                    }
                    let keyNode = tape.nodes.count
                    try appendTapeString(&tape, context: StringContext(isMemberName: true))
                    try expect(UInt8(ascii: ":"), "':' after a member name")
                    tape.bytes.append(UInt8(ascii: ":"))
                    // Member names are decoded only when a scrubber needs them as context.
                    let key = scrubber != nil ? tape.string(keyNode) : nil
                    let valueNode = tape.nodes.count
                    try readTapeValue(&tape, depth: depth + 1, context: StringContext(memberName: key, siblingKey: siblingKey))
                    if key == "Key" { siblingKey = tape.string(valueNode) }
                } else {
                    try readTapeValue(&tape, depth: depth + 1, context: StringContext(memberName: context.memberName))
                }
            }
            tape.bytes.append(close)
            tape.nodes[index].length = Int32(tape.bytes.count - start)
            tape.nodes[index].end = Int32(tape.nodes.count)
        case UInt8(ascii: "\""):
            try appendTapeString(&tape, context: context)
            try checkTapeLimit(tape)
        default:
            let start = tape.bytes.count
            let value = try withUnsafeMutablePointer(to: &tape.bytes) { try readScalar(into: $0) }
            let kind: JSONTape.Kind
            switch value {
            case .bool(true): kind = .trueValue
            case .bool(false): kind = .falseValue
            case .null: kind = .null
            default: kind = .number
            }
            tape.nodes.append(.init(kind: kind, start: Int32(start), length: Int32(tape.bytes.count - start), end: Int32(tape.nodes.count + 1)))
        }
    }

    private func appendTapeString(_ tape: inout JSONTape, context: StringContext) throws {
        let tokenPosition = position
        let (start, stop, hasEscapes) = try scanString()
        let contents = UnsafeBufferPointer(start: buffer + start, count: stop - start)
        var decoded: String?
        if hasEscapes {
            decoded = try decodeString(start: start, stop: stop, at: tokenPosition)
        } else {
            var highBits: UInt8 = 0
            for byte in contents { highBits |= byte }
            if highBits & 0x80 != 0, String(validating: contents, as: UTF8.self) == nil {
                throw error("string is not valid UTF-8 (binary data?)", at: tokenPosition)
            }
        }
        if let scrubber, contents.count >= 40 {
            let text = decoded ?? String(decoding: contents, as: UTF8.self)
            if Self.hasLongBase64Run(text), let replacement = scrubber.scrub(text, context: context) {
                tape.appendString(replacement)
                return
            }
        }
        tape.bytes.append(UInt8(ascii: "\""))
        let contentStart = tape.bytes.count
        tape.bytes.append(contentsOf: contents)
        tape.bytes.append(UInt8(ascii: "\""))
        tape.nodes.append(.init(kind: hasEscapes ? .escapedString : .string, start: Int32(contentStart),
                                length: Int32(stop - start), end: Int32(tape.nodes.count + 1)))
    }

    /// True when `text` holds 40 or more base64 characters in a row: a secret access key or a
    /// session token needs that many, so shorter strings need no scrubbing.
    public static func hasLongBase64Run(_ text: String) -> Bool {
        var run = 0
        for byte in text.utf8 {
            if SecretShape.isBase64(byte) {
                run += 1
                if run >= 40 { return true }
            } else {
                run = 0
            }
        }
        return false
    }

    // MARK: - Strings

    /// Finds the string token at `pos` (which is on the opening quote). Returns the buffer range
    /// of its raw contents (between the quotes) and whether it holds escapes; `pos` ends after
    /// the closing quote.
    private func scanString() throws -> (start: Int, end: Int, hasEscapes: Bool) {
        let start = position
        var tokenStart = pos
        var index = pos + 1
        var hasEscapes = false
        var escapeNext = false
        while true {
            if index == end {
                guard let shift = try refill(keepingFrom: tokenStart) else {
                    throw error("unexpected end of file inside a string (is the file truncated?)", at: start)
                }
                index -= shift
                tokenStart -= shift
            }
            let byte = buffer[index]
            if escapeNext {
                escapeNext = false
            } else if byte == UInt8(ascii: "\"") {
                break
            } else if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                escapeNext = true
            } else if byte < 0x20 {
                pos = index
                throw error(byte == 0x0A
                    ? "unescaped line break inside a string (is a closing quote missing?)"
                    : "control character \(describe(byte)) inside a string (binary data?)")
            }
            index += 1
            guard index - tokenStart <= Self.maximumStringLength else {
                throw error("a string longer than \(Self.maximumStringLength >> 20) MB", at: start)
            }
        }
        pos = index + 1
        return (tokenStart + 1, index, hasEscapes)
    }

    /// The longest string invdb reads (user data is at most 16 KB in AWS; a policy 128 KB).
    static let maximumStringLength = 64 << 20

    private func readStringToken(context: StringContext) throws -> String {
        let tokenPosition = position
        let (start, stop, hasEscapes) = try scanString()
        let text: String
        if hasEscapes {
            text = try decodeString(start: start, stop: stop, at: tokenPosition)
        } else {
            let contents = UnsafeBufferPointer(start: buffer + start, count: stop - start)
            var highBits: UInt8 = 0
            for byte in contents { highBits |= byte }
            if highBits & 0x80 == 0 {
                text = String(decoding: contents, as: UTF8.self)
            } else {
                guard let valid = String(validating: contents, as: UTF8.self) else {
                    throw error("string is not valid UTF-8 (binary data?)", at: tokenPosition)
                }
                text = valid
            }
        }
        if let scrubber, stop - start >= 40, Self.hasLongBase64Run(text), let replacement = scrubber.scrub(text, context: context) {
            return replacement
        }
        return text
    }

    /// Decodes the escapes of the string whose raw contents are `start..<stop`.
    private func decodeString(start: Int, stop: Int, at tokenPosition: Position) throws -> String {
        scratch.removeAll(keepingCapacity: true)
        var index = start
        while index < stop {
            let byte = buffer[index]
            guard byte == UInt8(ascii: "\\") else {
                scratch.append(byte)
                index += 1
                continue
            }
            let escaped = buffer[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(at: index, stop: stop) else {
                    throw error("invalid \\u escape in a string", at: tokenPosition)
                }
                index += 4
                if (0xD800..<0xDC00).contains(scalar), index + 6 <= stop,
                   buffer[index] == UInt8(ascii: "\\"), buffer[index + 1] == UInt8(ascii: "u"),
                   let low = hex4(at: index + 2, stop: stop), (0xDC00..<0xE000).contains(low) {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                scratch.append(contentsOf: Array(String(character).utf8))
            default:
                throw error("invalid escape in a string", at: tokenPosition)
            }
        }
        guard let text = String(validating: scratch, as: UTF8.self) else {
            throw error("string is not valid UTF-8 (binary data?)", at: tokenPosition)
        }
        return text
    }

    private func hex4(at index: Int, stop: Int) -> UInt32? {
        guard index + 4 <= stop else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = buffer[index + offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}

/// Where a string sits, for a `StringScrubber`: the member it is the value of, and for the
/// `Value` of a `{"Key": …, "Value": …}` pair (tags), that pair's `Key`.
public struct StringContext: Sendable, Equatable {
    /// The member name the string is the value of (or, inside an array, the array's name).
    public var memberName: String?
    /// The `Key` string read earlier in the same object.
    public var siblingKey: String?
    /// True when the string is itself a member name.
    public var isMemberName = false

    public init(memberName: String? = nil, siblingKey: String? = nil, isMemberName: Bool = false) {
        self.memberName = memberName
        self.siblingKey = siblingKey
        self.isMemberName = isMemberName
    }
}

/// Replaces secrets in strings as they are read, before anything can store them. The reader
/// calls it for every decoded string (values and member names) that holds 40 or more base64
/// characters in a row; it returns the redacted text, or nil to keep the string.
public protocol StringScrubber: AnyObject {
    func scrub(_ text: String, context: StringContext) -> String?
}
