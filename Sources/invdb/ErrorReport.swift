import GRDB
import InvDBChecks
import InvDBCore
import InvDBImport
import InvDBJSON
import InvDBRender
import InvDBReport
import InvDBScan
import InvDBStore

/// How invdb reports an error: the message for standard error and the exit code.
public struct ErrorReport: Sendable {
    public var message: String
    public var exitCode: Int32

    /// The report for `error`, or nil when it is not one of invdb's own (or SQLite's).
    public init?(_ error: Error) {
        switch error {
        case let error as InputError:
            message = error.description
            exitCode = InvDBExit.badInput
        case let error as UsageError:
            message = "invdb: \(error.description)"
            exitCode = InvDBExit.usage
        case let error as CommandFailure:
            message = "invdb: \(error.description)"
            exitCode = InvDBExit.badInput
        case let error as DatabaseError:
            var text = "invdb: error: \(error.message ?? "SQLite error \(error.resultCode)")"
            if let sql = error.sql, !sql.isEmpty { text += "\n  in SQL: \(sql.prefix(300))" }
            message = text
            exitCode = InvDBExit.badInput
        default:
            return nil
        }
        message = SafeText.line(message)
    }
}
