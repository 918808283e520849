import CYAML
import InvDBCore
import InvDBJSON

/// Reads the `write_files` entries of a `#cloud-config` document, within a budget.
///
/// YAML aliases make a 645-byte document expand to billions of nodes ("billion laughs"), and a
/// general YAML library builds them all. This reader composes the document from libyaml's events
/// into nodes that aliases share (never copy), counts the nodes every alias would expand to, and
/// stops at `maximumNodes`. Its errors carry a position and libyaml's fixed problem text, never
/// the document's text (which may hold a secret).
enum CloudConfig {
    /// One `write_files` entry.
    struct WriteFile: Equatable {
        var path: String?
        var content: String?
        var encoding: String?
    }

    /// Why a document could not be read; the message holds no input text.
    struct Problem: Error, Equatable {
        var message: String
    }

    /// Node count (aliases counted as often as they are used) past which a document is refused.
    static let maximumNodes = 100_000
    /// Nesting past which a document is refused.
    static let maximumDepth = 64

    /// A composed node. Classes, so that aliases share them.
    final class Node {
        enum Value {
            case scalar(String)
            case sequence([Node])
            case mapping([(key: Node, value: Node)])
        }

        var value: Value
        /// Nodes in this subtree with aliases expanded.
        var expandedCount = 1

        init(_ value: Value) {
            self.value = value
        }

        var scalar: String? {
            if case .scalar(let text) = value { return text }
            return nil
        }

        /// The value of the scalar key `name` of a mapping.
        func member(_ name: String) -> Node? {
            guard case .mapping(let pairs) = value else { return nil }
            return pairs.last { $0.key.scalar == name }?.value
        }
    }

    /// The `write_files` entries of `text`.
    ///
    /// - Throws: `Problem` when the YAML is malformed, nests or expands past the budget, or its
    ///   `write_files` has the wrong shape.
    static func writeFiles(_ text: String) throws(Problem) -> [WriteFile] {
        guard let root = try compose(text) else { return [] }
        guard case .mapping = root.value else { return [] }
        guard let files = root.member("write_files") else { return [] }
        guard case .sequence(let entries) = files.value else {
            throw Problem(message: "write_files should be a list")
        }
        return try entries.enumerated().map { index, entry throws(Problem) in
            guard case .mapping = entry.value else { throw Problem(message: "write_files entry \(index + 1) should be a mapping") }
            func text(_ key: String) throws(Problem) -> String? {
                guard let node = entry.member(key) else { return nil }
                guard let scalar = node.scalar else { throw Problem(message: "write_files entry \(index + 1): \(key) should be text") }
                return scalar
            }
            return WriteFile(path: try text("path"), content: try text("content"), encoding: try text("encoding"))
        }
    }

    /// The first document of `text`, composed; nil for an empty stream.
    static func compose(_ text: String) throws(Problem) -> Node? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { throw Problem(message: "the YAML parser could not start") }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { buffer throws(Problem) -> Node? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var composer = Composer()
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "malformed YAML"
                    throw Problem(message: "\(problem) at line \(parser.problem_mark.line + 1), column \(parser.problem_mark.column + 1)")
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return composer.root }
                if try composer.handle(&event) { return composer.root }
            }
        }
    }

    /// Builds nodes from events, with anchors shared and the expanded size bounded.
    private struct Composer {
        /// Open collections: the node, and for mappings a key waiting for its value.
        var stack: [(node: Node, items: [Node])] = []
        var anchors: [String: Node] = [:]
        var root: Node?
        var total = 0

        /// Handles one event; returns true when the first document is complete.
        mutating func handle(_ event: inout yaml_event_t) throws(Problem) -> Bool {
            let mark = "line \(event.start_mark.line + 1), column \(event.start_mark.column + 1)"
            switch event.type {
            case YAML_SCALAR_EVENT:
                let scalar = event.data.scalar
                let value = scalar.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: Int(scalar.length)), as: UTF8.self) } ?? ""
                let node = Node(.scalar(value))
                try add(node, anchor: scalar.anchor, at: mark)
            case YAML_ALIAS_EVENT:
                let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
                guard let target = anchors[name] else { throw Problem(message: "an alias names no anchor at \(mark)") }
                try add(target, anchor: nil, at: mark)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard stack.count < maximumDepth else { throw Problem(message: "nesting deeper than \(maximumDepth) levels at \(mark)") }
                let isSequence = event.type == YAML_SEQUENCE_START_EVENT
                let node = Node(isSequence ? .sequence([]) : .mapping([]))
                let anchor = isSequence ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                if let anchor { anchors[String(cString: anchor)] = node }
                stack.append((node, []))
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let (node, items) = stack.popLast() else { return false }
                if case .sequence = node.value {
                    node.value = .sequence(items)
                } else {
                    guard items.count % 2 == 0 else { throw Problem(message: "a mapping key without a value at \(mark)") }
                    node.value = .mapping(stride(from: 0, to: items.count, by: 2).map { (items[$0], items[$0 + 1]) })
                }
                node.expandedCount = 1 + items.reduce(0) { $0 + $1.expandedCount }
                try add(node, anchor: nil, at: mark, isNew: false)
            case YAML_DOCUMENT_END_EVENT:
                return root != nil
            default:
                break
            }
            return false
        }

        /// Adds a finished node to the open collection (or makes it the root), counting the
        /// nodes it expands to.
        mutating func add(_ node: Node, anchor: UnsafeMutablePointer<yaml_char_t>?, at mark: String, isNew: Bool = true) throws(Problem) {
            if let anchor { anchors[String(cString: anchor)] = node }
            total += isNew ? node.expandedCount : 0
            guard total <= maximumNodes else {
                throw Problem(message: "more than \(maximumNodes) nodes once aliases are expanded (an alias bomb?) at \(mark)")
            }
            if stack.isEmpty {
                if root == nil { root = node }
            } else {
                stack[stack.count - 1].items.append(node)
            }
        }
    }
}
