import GRDB
import GRDBSQLite

/// A statement prepared once and executed many times with values bound straight through the
/// SQLite C API: the hot import loop binds millions of values, and GRDB's general-purpose
/// argument arrays would allocate for each one.
///
/// Use it only inside a GRDB `write {}` or `inDatabase {}` block on the same connection.
public final class PreparedStatement {
    private let handle: OpaquePointer
    private let connection: OpaquePointer
    private let sql: String
    private var nextIndex: Int32 = 1

    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
    private static let emptyText: UnsafePointer<CChar> = {
        let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: 1)
        pointer.pointee = 0
        return UnsafePointer(pointer)
    }()

    /// Prepares `sql` on the connection of `db`.
    public init(_ db: Database, _ sql: String) throws {
        guard let connection = db.sqliteConnection else {
            throw DatabaseError(resultCode: .SQLITE_MISUSE, message: "database is closed", sql: sql)
        }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v2(connection, sql, -1, &statement, nil)
        guard code == SQLITE_OK, let statement else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        self.handle = statement
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(handle) }

    /// Binds the next parameter to a text value, or NULL.
    @discardableResult
    public func bind(_ text: String?) -> PreparedStatement {
        defer { nextIndex += 1 }
        guard var text else {
            sqlite3_bind_null(handle, nextIndex)
            return self
        }
        text.withUTF8 { bytes in
            _ = sqlite3_bind_text(handle, nextIndex, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } ?? Self.emptyText,
                                  Int32(bytes.count), Self.transient)
        }
        return self
    }

    /// Binds the next parameter to an integer, or NULL.
    @discardableResult
    public func bind(_ number: Int?) -> PreparedStatement {
        defer { nextIndex += 1 }
        if let number { sqlite3_bind_int64(handle, nextIndex, Int64(number)) } else { sqlite3_bind_null(handle, nextIndex) }
        return self
    }

    /// Binds the next parameter to a boolean stored as 0 or 1.
    @discardableResult
    public func bind(_ flag: Bool) -> PreparedStatement {
        bind(flag ? 1 : 0)
    }

    /// Binds the next parameter to UTF-8 bytes stored as TEXT.
    @discardableResult
    public func bindText(bytes: [UInt8]) -> PreparedStatement {
        defer { nextIndex += 1 }
        bytes.withUnsafeBufferPointer { buffer in
            _ = sqlite3_bind_text(handle, nextIndex, buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } ?? Self.emptyText,
                                  Int32(buffer.count), Self.transient)
        }
        return self
    }

    /// Binds the next parameter to UTF-8 bytes stored as TEXT.
    @discardableResult
    public func bindText(buffer: UnsafeBufferPointer<UInt8>) -> PreparedStatement {
        defer { nextIndex += 1 }
        _ = sqlite3_bind_text(handle, nextIndex, buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } ?? Self.emptyText,
                              Int32(buffer.count), Self.transient)
        return self
    }

    /// Binds the next parameter to UTF-8 bytes stored as TEXT, without copying them: the bytes
    /// must stay in place until `run()` returns.
    @discardableResult
    public func bindStaticText(_ buffer: UnsafeBufferPointer<UInt8>) -> PreparedStatement {
        defer { nextIndex += 1 }
        _ = sqlite3_bind_text(handle, nextIndex, buffer.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) } ?? Self.emptyText,
                              Int32(buffer.count), nil)
        return self
    }

    /// Runs the statement with the values bound so far, then clears them for the next row.
    /// Returns the number of rows changed.
    @discardableResult
    public func run() throws -> Int {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            nextIndex = 1
        }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        return Int(sqlite3_changes(connection))
    }

    /// Runs a query expected to return one integer (or none).
    public func fetchInt() throws -> Int? {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
            nextIndex = 1
        }
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW {
            return sqlite3_column_type(handle, 0) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(handle, 0))
        }
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: String(cString: sqlite3_errmsg(connection)), sql: sql)
        }
        return nil
    }
}

extension PreparedStatement {
    /// Binds the next parameter to the string at `index` of a tape whose bytes stay in place
    /// until the statement has run (see `JSONTape.withStableBytes`): plain strings are bound
    /// without a copy. NULL when absent, not a string, or empty and `emptyIsNull`.
    @discardableResult
    public func bind(_ view: JSONTape.StableBytes, _ index: Int?, emptyIsNull: Bool = true) -> PreparedStatement {
        let tape = view.tape
        guard let index, tape.kind(index) == .string || tape.kind(index) == .escapedString,
              !(emptyIsNull && !tape.isNonEmptyString(index)) else {
            return bind(nil as String?)
        }
        let node = tape.nodes[index]
        if node.kind == .string {
            return bindStaticText(UnsafeBufferPointer(rebasing: view.bytes[Int(node.start)..<Int(node.start + node.length)]))
        }
        return bind(tape.string(index))
    }
}
