/// The command could not do its work for a reason outside the command line and outside the
/// content of an input file: no database (or one that is not invdb's, or newer), a database
/// locked by another process, a file or folder that cannot be read or written, a saved check
/// whose SQL fails. Exit code 2.
public struct CommandFailure: Error, CustomStringConvertible, Equatable {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { "error: \(message)" }
}
