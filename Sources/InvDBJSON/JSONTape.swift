import InvDBCore

/// One JSON value stored flat: its minified text and an array of nodes that point into it.
///
/// The hot import path reads a hundred thousand instances; building a tree of enums, arrays and
/// strings for each costs an allocation per node. A tape costs two buffers per record, reused,
/// and strings are only decoded (or bound straight from the bytes) when a field is needed.
/// `bytes` is also the record's minified JSON, stored as `raw_json`.
///
/// Layout: a container node is followed by its children (for objects: key node, then the value's
/// nodes); every node's `end` is the index just past its subtree, so siblings are skipped in O(1).
public struct JSONTape {
    public enum Kind: UInt8 {
        case object, array, string, escapedString, number, trueValue, falseValue, null

        /// The JSON type's name, for messages.
        public var name: String {
            switch self {
            case .object: return "object"
            case .array: return "array"
            case .string, .escapedString: return "string"
            case .number: return "number"
            case .trueValue, .falseValue: return "boolean"
            case .null: return "null"
            }
        }
    }

    public struct Node {
        public var kind: Kind
        /// For strings: the first byte after the opening quote; otherwise the token's first byte.
        public var start: Int32
        /// For strings: the raw content length without quotes; for containers: the whole text.
        public var length: Int32
        /// The index just past this node's subtree.
        public var end: Int32
    }

    /// The value as minified JSON text.
    public internal(set) var bytes: [UInt8] = []
    public internal(set) var nodes: [Node] = []

    public init() {}

    /// Empties the tape, keeping its memory for the next record.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        nodes.removeAll(keepingCapacity: true)
    }

    /// Appends a string value (a scrubber's replacement), escaped as JSON requires.
    mutating func appendString(_ text: String) {
        var literal: [UInt8] = []
        JSONString.write(text, into: &literal)
        let escaped = literal.dropFirst().dropLast()
        let hasEscapes = escaped.contains(UInt8(ascii: "\\"))
        bytes.append(UInt8(ascii: "\""))
        let start = bytes.count
        bytes.append(contentsOf: escaped)
        bytes.append(UInt8(ascii: "\""))
        nodes.append(Node(kind: hasEscapes ? .escapedString : .string, start: Int32(start), length: Int32(escaped.count),
                          end: Int32(nodes.count + 1)))
    }

    /// The root value's node index (0), or nil for an empty tape.
    public var root: Int? { nodes.isEmpty ? nil : 0 }

    // MARK: - Navigation

    /// The value of member `key` of the object at `index`, or nil.
    public func member(_ index: Int?, _ key: StaticString) -> Int? {
        guard let index, nodes[index].kind == .object else { return nil }
        let end = Int(nodes[index].end)
        var child = index + 1
        return key.withUTF8Buffer { keyBytes -> Int? in
            bytes.withUnsafeBufferPointer { text -> Int? in
                while child < end {
                    let keyNode = nodes[child]
                    if keyNode.kind == .string, Int(keyNode.length) == keyBytes.count,
                       memcmp(text.baseAddress! + Int(keyNode.start), keyBytes.baseAddress!, keyBytes.count) == 0 {
                        return child + 1
                    }
                    child = Int(nodes[child + 1].end)
                }
                return nil
            }
        }
    }

    /// The value at a path of member names from `index`.
    public func member(_ index: Int?, _ first: StaticString, _ second: StaticString) -> Int? {
        member(member(index, first), second)
    }

    /// The node indices of the elements of the array at `index` (empty for anything else).
    public func elements(_ index: Int?) -> [Int] {
        guard let index, nodes[index].kind == .array else { return [] }
        var result: [Int] = []
        var child = index + 1
        let end = Int(nodes[index].end)
        while child < end {
            result.append(child)
            child = Int(nodes[child].end)
        }
        return result
    }

    /// The kind of the value at `index`.
    public func kind(_ index: Int?) -> Kind? {
        index.map { nodes[$0].kind }
    }

    /// True for a string value with at least one character.
    public func isNonEmptyString(_ index: Int?) -> Bool {
        guard let index else { return false }
        let node = nodes[index]
        return (node.kind == .string || node.kind == .escapedString) && node.length > 0
    }

    /// The string at `index`, decoded; nil for non-strings.
    public func string(_ index: Int?) -> String? {
        guard let index else { return nil }
        let node = nodes[index]
        switch node.kind {
        case .string:
            return bytes.withUnsafeBufferPointer {
                String(decoding: UnsafeBufferPointer(rebasing: $0[Int(node.start)..<Int(node.start + node.length)]), as: UTF8.self)
            }
        case .escapedString:
            let quoted = Array(bytes[Int(node.start - 1)..<Int(node.start + node.length + 1)])
            return try? JSONValue.parse(String(decoding: quoted, as: UTF8.self)).string
        default:
            return nil
        }
    }

    /// The string at `index` when it is not empty.
    public func nonEmptyString(_ index: Int?) -> String? {
        isNonEmptyString(index) ? string(index) : nil
    }

    /// Why a value could not be read as the type a field needs.
    public enum FieldProblem: Error, Equatable {
        /// The value is of another JSON type (`found` names it).
        case wrongType(found: String)
        /// An integer outside the range the field allows (or outside 64 bits).
        case outOfRange
    }

    /// The integer at `index` (a JSON integer, or a string of digits), within `range`; nil when
    /// absent or null.
    ///
    /// - Throws: `FieldProblem` for another type, a fraction or exponent, or a value outside
    ///   `range` (values beyond 64 bits included): never a wrapped value.
    public func int(_ index: Int?, in range: ClosedRange<Int> = 0...Int(Int32.max)) throws(FieldProblem) -> Int? {
        guard let index else { return nil }
        let node = nodes[index]
        switch node.kind {
        case .null: return nil
        case .number, .string: break
        default: throw .wrongType(found: node.kind.name)
        }
        let digits = bytes[Int(node.start)..<Int(node.start + node.length)]
        guard let value = Self.parseInteger(digits) else {
            throw node.kind == .string || digits.contains(where: { $0 == UInt8(ascii: ".") || $0 | 0x20 == UInt8(ascii: "e") })
                ? .wrongType(found: node.kind == .string ? "string" : "fraction")
                : .outOfRange
        }
        guard range.contains(value) else { throw .outOfRange }
        return value
    }

    /// A decimal integer (optional `-`, digits only) that fits in 64 bits; nil otherwise.
    static func parseInteger<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Int? {
        var value = 0
        var negative = false
        var sawDigit = false
        for (offset, byte) in bytes.enumerated() {
            if offset == 0 && byte == UInt8(ascii: "-") { negative = true; continue }
            guard byte >= 48 && byte <= 57 else { return nil }
            sawDigit = true
            let digit = Int(byte - 48)
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            value = next
        }
        return sawDigit ? value : nil
    }

    /// The boolean at `index`.
    public func bool(_ index: Int?) -> Bool? {
        switch kind(index) {
        case .trueValue: return true
        case .falseValue: return false
        default: return nil
        }
    }

    /// The value at `index` as a tree (for records small enough to hold whole).
    public func value(at index: Int) -> JSONValue {
        let node = nodes[index]
        switch node.kind {
        case .object:
            var members: [JSONMember] = []
            var child = index + 1
            while child < Int(node.end) {
                members.append(JSONMember(key: string(child) ?? "", value: value(at: child + 1)))
                child = Int(nodes[child + 1].end)
            }
            return .object(members)
        case .array:
            return .array(elements(index).map { value(at: $0) })
        case .string, .escapedString:
            return .string(string(index) ?? "")
        case .number:
            return .number(String(decoding: bytes[Int(node.start)..<Int(node.start + node.length)], as: UTF8.self))
        case .trueValue: return .bool(true)
        case .falseValue: return .bool(false)
        case .null: return .null
        }
    }

    /// The tape with a pointer to its bytes that stays valid inside `withStableBytes`.
    public struct StableBytes {
        public let tape: JSONTape
        public let bytes: UnsafeBufferPointer<UInt8>
    }

    /// Calls `body` with the tape's bytes pinned in place, so they can be bound to SQLite
    /// statements without a copy while `body` runs them.
    public func withStableBytes<R>(_ body: (StableBytes) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { try body(StableBytes(tape: self, bytes: $0)) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
