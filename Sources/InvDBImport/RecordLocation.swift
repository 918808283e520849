import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Where a record sits in its file: the position of its first byte and its JSON path.
/// Importers use it to point errors at the record that is wrong.
public struct RecordLocation: Sendable {
    public var file: String
    public var position: JSONStreamReader.Position
    public var jsonPath: String

    public init(file: String, position: JSONStreamReader.Position, jsonPath: String) {
        self.file = file
        self.position = position
        self.jsonPath = jsonPath
    }

    /// An error about this record's content.
    public func invalid(_ message: String) -> InputError {
        InputError(.invalidRecord, file: file, line: position.line, column: position.column,
                   jsonPath: jsonPath, message: message)
    }

    /// The location of a member or element inside this record (same start position).
    public func appending(_ component: String) -> RecordLocation {
        RecordLocation(file: file, position: position, jsonPath: jsonPath + component)
    }

    /// The string member `key` of `record`, nil when absent or null.
    ///
    /// - Throws: `InputError` when it is there with another type.
    public func optionalString(_ record: JSONValue, _ key: String) throws -> String? {
        guard let value = record[key], value != .null else { return nil }
        guard let text = value.string else { throw invalid("\(key) should be a string, found \(value.kindName)") }
        return text
    }

    /// The integer member `key` of `record` within `range`, nil when absent or null.
    ///
    /// - Throws: `InputError` when it is another type, a fraction, or out of range.
    public func optionalInt(_ record: JSONValue?, _ key: String, in range: ClosedRange<Int> = 0...Int(Int32.max)) throws -> Int? {
        guard let value = record?[key], value != .null else { return nil }
        do {
            return try value.integer(in: range)
        } catch .wrongType(let found) {
            throw invalid("\(key) should be an integer, found \(found)")
        } catch .outOfRange {
            throw invalid("\(key) is out of range (expected \(range.lowerBound) to \(range.upperBound))")
        }
    }

    /// The array member `key` of `record`, empty when absent or null.
    ///
    /// - Throws: `InputError` when it is there with another type.
    public func optionalArray(_ record: JSONValue?, _ key: String) throws -> [JSONValue] {
        guard let value = record?[key], value != .null else { return [] }
        guard case .array(let items) = value else { throw invalid("\(key) should be an array, found \(value.kindName)") }
        return items
    }

    /// The object member `key` of `record`, nil when absent or null.
    ///
    /// - Throws: `InputError` when it is there with another type.
    public func optionalObject(_ record: JSONValue?, _ key: String) throws -> JSONValue? {
        guard let value = record?[key], value != .null else { return nil }
        guard case .object = value else { throw invalid("\(key) should be an object, found \(value.kindName)") }
        return value
    }

    /// The string member `key` of `record`, or an error naming what is missing.
    public func requiredString(_ record: JSONValue, _ key: String) throws -> String {
        guard let value = record[key] else { throw invalid("\(key) is missing") }
        guard let text = value.string, !text.isEmpty else {
            throw invalid("\(key) should be a non-empty string, found \(value.kindName)")
        }
        return text
    }
}
