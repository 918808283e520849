import CSQLiteHardening
import Foundation
import GRDBSQLite
import InvDBCore

/// A read-only SQLite connection for SQL that invdb did not write: a saved check (shared `.sql`
/// files are code from elsewhere) or `invdb query`. It runs with SQLite's defensive settings
/// (`SQLITE_DBCONFIG_DEFENSIVE`, the two-argument `fts3_tokenizer` off, untrusted schema, no
/// extensions, size limits) and an authorizer that allows reading only: SELECT, reading columns,
/// recursive CTEs, harmless functions and the inspection PRAGMAs. So a check file can neither
/// write, attach another file, nor reach the memory-unsafe corners of the system SQLite.
///
/// `InvDatabase.untrustedConnection()` opens one; each check runs on its own.
public final class UntrustedSQLConnection {
    /// The SQLite handle, for stepping statements prepared with `prepare`.
    public let handle: OpaquePointer

    /// Functions a query may not call even on a read-only connection.
    static let deniedFunctions: Set<String> = ["fts3_tokenizer", "load_extension", "readfile", "writefile", "edit",
                                               "sqlite_dbpage", "zipfile", "fts5", "sqlar_compress", "sqlar_uncompress"]
    /// PRAGMAs that only report.
    static let inspectionPragmas: Set<String> = [
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list",
        "collation_list", "function_list", "module_list", "pragma_list", "compile_options", "database_list",
        "user_version", "schema_version", "application_id", "data_version", "page_count", "page_size", "freelist_count",
        "encoding", "foreign_key_check", "quick_check", "integrity_check",
    ]

    /// Opens `path` read-only and hardened.
    ///
    /// - Throws: `CommandFailure` when the file cannot be opened or hardened.
    init(path: String, busyTimeoutMilliseconds: Int32) throws {
        var connection: OpaquePointer?
        let code = sqlite3_open_v2(path, &connection, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        guard code == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "unable to open"
            sqlite3_close(connection)
            throw CommandFailure("cannot open \(path) to read: \(message)")
        }
        guard invdb_sqlite_harden(connection) == SQLITE_OK else {
            sqlite3_close(connection)
            throw CommandFailure("cannot apply SQLite's defensive settings to \(path)")
        }
        sqlite3_busy_timeout(connection, busyTimeoutMilliseconds)
        sqlite3_set_authorizer(connection, { _, action, first, second, _, _ in
            UntrustedSQLConnection.authorize(action, first.map { String(cString: $0) }, second.map { String(cString: $0) })
        }, nil)
        handle = connection
    }

    deinit { sqlite3_close_v2(handle) }

    /// The authorizer's verdict for one action of a statement being prepared.
    static func authorize(_ action: Int32, _ first: String?, _ second: String?) -> Int32 {
        switch action {
        case SQLITE_SELECT, SQLITE_READ, SQLITE_RECURSIVE:
            return SQLITE_OK
        case SQLITE_FUNCTION:
            return deniedFunctions.contains((second ?? "").lowercased()) ? SQLITE_DENY : SQLITE_OK
        case SQLITE_PRAGMA:
            let name = (first ?? "").lowercased()
            if inspectionPragmas.contains(name) { return SQLITE_OK }
            return name == "journal_mode" && second == nil ? SQLITE_OK : SQLITE_DENY
        default:
            return SQLITE_DENY
        }
    }

    /// Whether `fts3_tokenizer` is switched off on this connection (for tests).
    var fts3TokenizerEnabled: Bool { invdb_sqlite_fts3_tokenizer_enabled(handle) == 1 }

    /// Prepares the first statement of `sql`; returns it and the text after it.
    ///
    /// - Throws: `CommandFailure` with SQLite's message (a statement that writes is "not authorized").
    public func prepare(_ sql: String) throws -> (statement: OpaquePointer?, rest: String) {
        var statement: OpaquePointer?
        var rest = ""
        let code = sql.withCString { text -> Int32 in
            var tail: UnsafePointer<CChar>?
            let code = sqlite3_prepare_v2(handle, text, -1, &statement, &tail)
            if let tail { rest = String(cString: tail) }
            return code
        }
        guard code == SQLITE_OK else {
            throw CommandFailure("the SQL failed: \(errorMessage)")
        }
        return (statement, rest)
    }

    /// SQLite's message for the last error on this connection.
    public var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }
}
