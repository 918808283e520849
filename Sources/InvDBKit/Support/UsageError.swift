/// A problem with how invdb was asked to run (a missing database, an unknown check, a bad
/// option value), as opposed to a problem inside an input file.
public struct UsageError: Error, CustomStringConvertible, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "error: \(message)" }
}
