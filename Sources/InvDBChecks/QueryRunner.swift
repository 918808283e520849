import GRDBSQLite
import InvDBCore
import InvDBStore

/// Receives the rows of a query (or of any table invdb prints) as they come.
public protocol TableResultConsumer: AnyObject {
    func begin(columns: [String]) throws
    func row(_ cells: [CellValue]) throws
    func end(rowCount: Int) throws
}

extension TableResultConsumer {
    /// Feeds a table held in memory (a short listing: runs, waivers, tables).
    public func consume(_ table: ResultTable) throws {
        try begin(columns: table.columns)
        for row in table.rows { try self.row(row) }
        try end(rowCount: table.rows.count)
    }
}

/// Runs SQL that invdb did not write (`invdb query`) on a hardened read-only connection and
/// streams the rows of its last statement that returns rows (earlier statements run, their rows
/// unread).
public enum QueryRunner {
    /// Runs `sql` (one or more statements), feeding `consumer`.
    ///
    /// - Throws: `CommandFailure` with SQLite's message when a statement fails or is not allowed
    ///   (anything that writes, attaches, or calls a denied function).
    public static func run(sql: String, database: InvDatabase, into consumer: any TableResultConsumer) throws {
        let connection = try database.untrustedConnection()
        var statements: [OpaquePointer] = []
        defer { statements.forEach { sqlite3_finalize($0) } }
        var rest = sql
        while !rest.isOnlyWhitespaceAndComments {
            let prepared = try connection.prepare(rest)
            rest = prepared.rest
            if let statement = prepared.statement { statements.append(statement) }
        }
        let last = statements.lastIndex { sqlite3_column_count($0) > 0 }
        for (index, statement) in statements.enumerated() {
            let streams = index == last
            let count = sqlite3_column_count(statement)
            if streams { try consumer.begin(columns: (0..<count).map { String(cString: sqlite3_column_name(statement, $0)) }) }
            var rows = 0
            while true {
                let code = sqlite3_step(statement)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else { throw CommandFailure("the SQL failed: \(connection.errorMessage)") }
                guard streams else { continue }
                try consumer.row((0..<count).map { CellValue(statement: statement, column: $0) })
                rows += 1
            }
            if streams { try consumer.end(rowCount: rows) }
        }
        if last == nil {
            try consumer.begin(columns: [])
            try consumer.end(rowCount: 0)
        }
    }

    /// The rows of `sql` held in memory (for tests and short internal queries).
    public static func table(sql: String, database: InvDatabase) throws -> ResultTable {
        let collector = TableCollector()
        try run(sql: sql, database: database, into: collector)
        return collector.table
    }
}

/// Keeps a query's rows in memory.
public final class TableCollector: TableResultConsumer {
    public private(set) var table = ResultTable(columns: [], rows: [])

    public init() {}

    public func begin(columns: [String]) { table = ResultTable(columns: columns, rows: []) }
    public func row(_ cells: [CellValue]) { table.rows.append(cells) }
    public func end(rowCount: Int) {}
}

extension CellValue {
    /// The value of `column` in the current row of `statement`.
    init(statement: OpaquePointer, column: Int32) {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL: self = .null
        case SQLITE_INTEGER: self = .integer(sqlite3_column_int64(statement, column))
        case SQLITE_FLOAT: self = .real(sqlite3_column_double(statement, column))
        case SQLITE_BLOB: self = .text("<\(sqlite3_column_bytes(statement, column)) bytes>")
        default:
            let text = sqlite3_column_text(statement, column)
            let count = Int(sqlite3_column_bytes(statement, column))
            self = .text(text.map { String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self) } ?? "")
        }
    }
}
