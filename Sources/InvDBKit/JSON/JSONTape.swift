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

    /// The integer at `index` (a number, or a string of digits).
    public func int(_ index: Int?) -> Int? {
        guard let index else { return nil }
        let node = nodes[index]
        guard node.kind == .number || node.kind == .string else { return nil }
        var value = 0
        var negative = false
        let range = Int(node.start)..<Int(node.start + node.length)
        for (offset, byte) in bytes[range].enumerated() {
            if offset == 0 && byte == UInt8(ascii: "-") { negative = true; continue }
            guard byte >= 48 && byte <= 57 else { return nil }
            value = value &* 10 &+ Int(byte - 48)
        }
        return negative ? -value : value
    }

    /// The boolean at `index`.
    public func bool(_ index: Int?) -> Bool? {
        switch kind(index) {
        case .trueValue: return true
        case .falseValue: return false
        default: return nil
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

    /// Calls `body` with the raw UTF-8 bytes of the string at `index` when it has no escapes
    /// (the common case), so it can be bound without making a `String`.
    func withPlainStringBytes<R>(_ index: Int, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        let node = nodes[index]
        guard node.kind == .string else { return nil }
        return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[Int(node.start)..<Int(node.start + node.length)])) }
    }
}

#if canImport(Glibc)
import Glibc
#endif
