import GRDB

/// Runs saved checks against a database and validates what they return.
public struct CheckRunner {
    private let database: InvDatabase

    public init(database: InvDatabase) {
        self.database = database
    }

    /// Runs every check of `benchmark`.
    ///
    /// - Throws: `UsageError` naming the check file when its SQL fails or it does not return
    ///   `resource`, `status` and `reason` columns with a known status.
    public func run(_ benchmark: Benchmark) throws -> BenchmarkResult {
        let outcomes = try database.queue.read { db in
            try benchmark.checks.map { check in CheckOutcome(check: check, rows: try rows(of: check, db: db)) }
        }
        return BenchmarkResult(benchmark: benchmark, outcomes: outcomes)
    }

    private func rows(of check: CheckDefinition, db: Database) throws -> [CheckResultRow] {
        let table: ResultTable
        do {
            table = try QueryRunner.fetch(sql: check.sql, db: db)
        } catch let error as DatabaseError {
            throw UsageError("\(check.path): the check's SQL failed: \(error.message ?? "\(error)")")
        }
        for required in ["resource", "status", "reason"] where !table.columns.contains(required) {
            throw UsageError("\(check.path): the check must return a '\(required)' column (it returns \(table.columns.joined(separator: ", ")))")
        }
        let resourceIndex = table.columns.firstIndex(of: "resource")!
        let statusIndex = table.columns.firstIndex(of: "status")!
        let reasonIndex = table.columns.firstIndex(of: "reason")!
        return try table.rows.map { row in
            guard let status = CheckStatus(rawValue: row[statusIndex].text) else {
                throw UsageError("\(check.path): status '\(row[statusIndex].text)' is not one of ok, alarm, skip, info, error")
            }
            let dimensions = table.columns.indices
                .filter { ![resourceIndex, statusIndex, reasonIndex].contains($0) }
                .map { (name: table.columns[$0], value: row[$0]) }
            return CheckResultRow(resource: row[resourceIndex].text, status: status, reason: row[reasonIndex].text, dimensions: dimensions)
        }
    }
}

/// Runs arbitrary SQL and returns its rows as cells.
public enum QueryRunner {
    /// Runs `sql` (one or more statements; the rows of the last one that returns rows) on a
    /// read-only database.
    public static func run(sql: String, database: InvDatabase) throws -> ResultTable {
        try database.queue.read { db in try fetch(sql: sql, db: db) }
    }

    static func fetch(sql: String, db: Database) throws -> ResultTable {
        var result = ResultTable(columns: [], rows: [])
        let statements = try db.allStatements(sql: sql)
        while let statement = try statements.next() {
            let cursor = try Row.fetchCursor(statement)
            var rows: [[CellValue]] = []
            while let row = try cursor.next() {
                rows.append(row.databaseValues.map(CellValue.init))
            }
            if !statement.columnNames.isEmpty {
                result = ResultTable(columns: statement.columnNames, rows: rows)
            }
        }
        return result
    }
}

extension CellValue {
    init(_ value: DatabaseValue) {
        switch value.storage {
        case .null: self = .null
        case .int64(let number): self = .integer(number)
        case .double(let number): self = .real(number)
        case .string(let text): self = .text(text)
        case .blob(let data): self = .text("<\(data.count) bytes>")
        }
    }
}
