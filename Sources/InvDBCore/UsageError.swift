/// A problem with how invdb was asked to run: an unknown check or run, a bad option value, a
/// malformed date or id. Exit code 64, like the argument parser's own errors.
public struct UsageError: Error, CustomStringConvertible, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "error: \(message)" }
}
