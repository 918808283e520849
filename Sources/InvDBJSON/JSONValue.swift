import InvDBCore

/// A parsed JSON value. Objects keep their members in document order; numbers keep their
/// lexeme so that nothing is lost to floating point.
///
/// ```swift
/// let state = instance["State"]?["Name"]?.string   // "running"
/// ```
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The member named `key` of an object, or `nil` (also for non-objects).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        for member in members where member.key == key { return member.value }
        return nil
    }

    /// The string, or `nil` for any other kind of value.
    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The string, or `nil` when absent or empty: AWS prints `""` for "no value" in many fields.
    public var nonEmptyString: String? {
        guard let text = string, !text.isEmpty else { return nil }
        return text
    }

    /// The value as an integer within `range`: a JSON integer, or a string of digits.
    ///
    /// - Throws: `JSONTape.FieldProblem` for another type, a fraction or exponent, or a value
    ///   outside `range` (values beyond 64 bits included): never a wrapped or rounded value.
    public func integer(in range: ClosedRange<Int>) throws(JSONTape.FieldProblem) -> Int {
        let digits: String
        switch self {
        case .number(let lexeme): digits = lexeme
        case .string(let text): digits = text
        default: throw .wrongType(found: kindName)
        }
        guard let value = JSONTape.parseInteger(digits.utf8) else {
            if case .string = self { throw .wrongType(found: "string") }
            throw digits.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) ? .wrongType(found: "fraction") : .outOfRange
        }
        guard range.contains(value) else { throw .outOfRange }
        return value
    }

    /// The boolean, or `nil` for any other kind of value.
    public var bool: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The elements of an array; empty for anything else.
    public var elements: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }

    /// The members of an object; empty for anything else.
    public var members: [JSONMember] {
        if case .object(let items) = self { return items }
        return []
    }

    /// A short name of the value's kind, for error messages ("object", "string", …).
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// One `"key": value` member of a JSON object.
public struct JSONMember: Equatable, Sendable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}
