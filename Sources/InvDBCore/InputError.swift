/// A problem with an input file, reported as `file:line:col: error: message (at JSON path)`.
///
/// Every importer and the JSON reader throw this one type, so the command line prints all input
/// problems the same way and tests can match on `reason`.
public struct InputError: Error, CustomStringConvertible, Equatable {
    /// What kind of problem it is; decides whether a folder import may skip the file.
    public enum Reason: String, Sendable {
        /// The file could not be opened or read.
        case unreadable
        /// Not JSON at all (text, binary, compressed): skipped when found in a folder.
        case notJSON
        /// Valid JSON of a kind invdb does not import: skipped when found in a folder.
        case unknownKind
        /// Malformed or truncated JSON.
        case syntax
        /// Well-formed JSON whose content is not what its kind requires.
        case invalidRecord
    }

    public var reason: Reason
    public var file: String
    public var line: Int?
    public var column: Int?
    public var jsonPath: String?
    public var message: String

    public init(_ reason: Reason, file: String, line: Int? = nil, column: Int? = nil,
                jsonPath: String? = nil, message: String) {
        self.reason = reason
        self.file = file
        self.line = line
        self.column = column
        self.jsonPath = jsonPath
        self.message = message
    }

    /// Whether a file with this problem is listed as skipped (rather than failing) when it was
    /// found inside a folder rather than named explicitly.
    public var isSkippableInFolder: Bool {
        reason == .notJSON || reason == .unknownKind
    }

    public var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        var text = "\(place): error: \(message)"
        if let jsonPath { text += " (at \(jsonPath))" }
        return text
    }
}
