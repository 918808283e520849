import GRDB
import GRDBSQLite
import InvDBCore

/// A statement GRDB prepares (and caches on its connection) that the import and the run
/// recorder run hundreds of thousands of times with values bound straight through SQLite's C
/// API: GRDB's argument arrays allocate for every value, which the 100,000-instance loops
/// measurably pay for. On invdb's own connection this is the one place a statement is stepped
/// outside GRDB (saved checks and `invdb query` step theirs on `UntrustedSQLConnection`s).
///
/// Parameters are named (`:instance_id`); their positions are looked up once.
///
/// ```swift
/// let insert = try BulkStatement(db, sql: "INSERT INTO t(a, b) VALUES (:a, :b)")
/// let a = try insert.parameter("a"), b = try insert.parameter("b")
/// insert.bind(a, "x"); insert.bind(b, 1); try insert.execute()
/// ```
public final class BulkStatement {
    /// A parameter's position.
    public struct Parameter: Sendable {
        fileprivate let index: Int32
    }

    private let statement: Statement
    private let handle: OpaquePointer
    private let connection: OpaquePointer

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    // Never written after it is made: one NUL byte, shared by every thread.
    nonisolated(unsafe) private static let emptyText: UnsafePointer<CChar> = {
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        pointer.pointee = 0
        return UnsafePointer(pointer)
    }()

    /// Prepares `sql` on the connection of `db` (use it only inside that transaction).
    public init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "database is closed", sql: sql)
        }
        self.connection = connection
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// The position of `:name`.
    ///
    /// - Throws: `DatabaseError` when the statement has no such parameter (a programming error).
    public func parameter(_ name: String) throws -> Parameter {
        let index = sqlite3_bind_parameter_index(handle, ":" + name)
        guard index > 0 else {
            throw DatabaseError(resultCode: .SQLITE_RANGE, message: "no parameter :\(name)", sql: statement.sql)
        }
        return Parameter(index: index)
    }

    /// Binds text, or NULL.
    public func bind(_ parameter: Parameter, _ text: String?) {
        guard var text else {
            sqlite3_bind_null(handle, parameter.index)
            return
        }
        text.withUTF8 { bytes in
            _ = sqlite3_bind_text(handle, parameter.index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } ?? Self.emptyText,
                                  Int32(bytes.count), Self.transient)
        }
    }

    /// Binds an integer, or NULL.
    public func bind(_ parameter: Parameter, _ number: Int?) {
        if let number { sqlite3_bind_int64(handle, parameter.index, Int64(number)) } else { sqlite3_bind_null(handle, parameter.index) }
    }

    /// Binds a boolean stored as 0 or 1.
    public func bind(_ parameter: Parameter, _ flag: Bool) {
        sqlite3_bind_int64(handle, parameter.index, flag ? 1 : 0)
    }

    /// Binds UTF-8 bytes as text without copying them: they must stay in place until `execute()`
    /// returns.
    public func bind(_ parameter: Parameter, unownedText bytes: UnsafeBufferPointer<UInt8>) {
        _ = sqlite3_bind_text(handle, parameter.index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } ?? Self.emptyText,
                              Int32(bytes.count), nil)
    }

    /// Binds NULL.
    public func bindNull(_ parameter: Parameter) {
        sqlite3_bind_null(handle, parameter.index)
    }

    /// Runs the statement with the values bound, then clears them for the next row.
    public func execute() throws {
        defer { reset() }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw failure(code) }
    }

    /// Runs a query expected to return one integer (or none).
    public func fetchInt() throws -> Int? {
        defer { reset() }
        guard let row = try step() else { return nil }
        return row.isNull(0) ? nil : row.int(0)
    }

    /// The current row of a query, valid until the statement steps again or is reset.
    public struct RowView {
        fileprivate let handle: OpaquePointer

        /// True when column `index` is NULL.
        public func isNull(_ index: Int32) -> Bool { sqlite3_column_type(handle, index) == SQLITE_NULL }

        /// Column `index` as an integer (0 for NULL).
        public func int(_ index: Int32) -> Int { Int(sqlite3_column_int64(handle, index)) }

        /// Column `index` as UTF-8 bytes (empty for NULL), valid until the statement steps again.
        public func bytes(_ index: Int32) -> UnsafeBufferPointer<UInt8> {
            guard let text = sqlite3_column_text(handle, index) else { return UnsafeBufferPointer(start: nil, count: 0) }
            return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, index)))
        }

        /// Column `index` as a string, nil for NULL.
        public func string(_ index: Int32) -> String? {
            isNull(index) ? nil : String(decoding: bytes(index), as: UTF8.self)
        }
    }

    /// Steps a query whose values are bound, leaving it positioned for the next call: the row
    /// (valid until the next step or `reset()`), or nil when it has no more rows.
    public func step() throws -> RowView? {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return RowView(handle: handle) }
        guard code == SQLITE_DONE else { throw failure(code) }
        return nil
    }

    /// Ends a query stepped with `step()` and clears its values.
    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Runs a query with the values bound and calls `body` with each row, then clears the
    /// bindings.
    public func forEachRow(_ body: (RowView) throws -> Void) throws {
        defer { reset() }
        while let row = try step() { try body(row) }
    }

    /// The error of a step that returned `code`.
    private func failure(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: statement.sql)
    }
}
