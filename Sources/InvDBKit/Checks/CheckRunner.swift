import Foundation
import GRDBSQLite

/// Status counts of one check or a whole run.
public typealias StatusCounts = [CheckStatus: Int]

/// What a benchmark run found: counts per check and in total.
public struct CheckRunSummary: Sendable {
    public var benchmark: Benchmark
    public var checks: [(check: CheckDefinition, counts: StatusCounts)]

    /// Rows per status over all checks.
    public var counts: StatusCounts {
        checks.reduce(into: [:]) { total, item in
            for (status, count) in item.counts { total[status, default: 0] += count }
        }
    }

    /// True when some row is `alarm` or `error`.
    public var hasFindings: Bool { counts.contains { $0.key.isFinding && $0.value > 0 } }

    /// "3 checks, 10 results: 2 alarm, 1 error, 5 ok, 2 skip" — counts in problem-first order.
    public var summaryLine: String {
        let counts = self.counts
        let total = counts.values.reduce(0, +)
        let parts = CheckStatus.allCases.sorted().compactMap { status in counts[status].map { "\($0) \(status.rawValue)" } }
        return "\(checks.count) checks, \(total) results" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
    }
}

/// Turns check results into one output format, row by row as SQLite returns them.
public protocol CheckRenderer {
    /// Called once before any row, with the columns every check returns.
    mutating func begin(_ benchmark: Benchmark, columns: [CheckColumns])
    /// Starts the section of one check (`index` counts from 0 in benchmark order).
    mutating func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns, into out: inout OutputBytes)
    /// Renders one result row.
    mutating func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns, into out: inout OutputBytes)
    /// Ends the section of one check.
    mutating func endCheck(_ check: CheckDefinition, counts: StatusCounts, into out: inout OutputBytes)
    /// The whole document: whatever goes before and after the checks' sections (`body`).
    func document(summary: CheckRunSummary, body: OutputBytes) -> OutputBytes
    /// Takes in what a copy of this renderer kept while it rendered one check on another thread.
    mutating func merge(_ other: Self)
}

extension CheckRenderer {
    public mutating func merge(_ other: Self) {}
}

/// Runs saved checks against a database, streaming each row to a renderer.
public struct CheckRunner {
    private let database: InvDatabase
    /// Unexpired waivers by check and resource: their alarms and errors show as `waived`.
    private let waivers: [String: Waiver]

    public init(database: InvDatabase, waivers: [Waiver] = []) {
        self.database = database
        self.waivers = Dictionary(waivers.map { (WaiverStore.key($0.checkId, $0.resource), $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Runs every check of `benchmark`, rendering as it goes.
    ///
    /// - Throws: `CommandFailure` naming the check file when its SQL fails, is not one statement, or
    ///   does not return `resource`, `status` and `reason` columns with a known status.
    public func run<Renderer: CheckRenderer>(_ benchmark: Benchmark, renderer: inout Renderer) throws -> (CheckRunSummary, OutputBytes) {
        // Validate every check on one connection first: errors come before any output.
        let validator = try database.untrustedConnection()
        let layouts: [CheckColumns] = try benchmark.checks.map { check in
            let statement = try prepare(check, on: validator)
            defer { sqlite3_finalize(statement) }
            let names = (0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) }
            do {
                return try CheckColumns(names: names)
            } catch let error as CommandFailure {
                throw CommandFailure("\(check.path): \(error.message)")
            }
        }
        renderer.begin(benchmark, columns: layouts)
        // Then run the checks side by side, each on its own read-only connection, each into
        // its own section; sections are joined in benchmark order.
        let count = benchmark.checks.count
        var sections = [(renderer: Renderer, body: OutputBytes, counts: StatusCounts)?](repeating: nil, count: count)
        var failures = [Error?](repeating: nil, count: count)
        let template = renderer
        sections.withUnsafeMutableBufferPointer { sectionSlots in
            failures.withUnsafeMutableBufferPointer { failureSlots in
                DispatchQueue.concurrentPerform(iterations: count) { index in
                    do {
                        var copy = template
                        var body = OutputBytes()
                        let counts = try runOnOwnConnection(benchmark.checks[index], index: index, columns: layouts[index],
                                                            renderer: &copy, into: &body)
                        sectionSlots[index] = (copy, body, counts)
                    } catch {
                        failureSlots[index] = error
                    }
                }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        var body = OutputBytes()
        var summary = CheckRunSummary(benchmark: benchmark, checks: [])
        for (check, section) in zip(benchmark.checks, sections) {
            guard let section else { continue }
            renderer.merge(section.renderer)
            body.append(section.body)
            summary.checks.append((check, section.counts))
        }
        return (summary, renderer.document(summary: summary, body: body))
    }

    private func runOnOwnConnection<Renderer: CheckRenderer>(_ check: CheckDefinition, index: Int, columns: CheckColumns,
                                                             renderer: inout Renderer, into body: inout OutputBytes) throws -> StatusCounts {
        let connection = try database.untrustedConnection()
        let statement = try prepare(check, on: connection)
        defer { sqlite3_finalize(statement) }
        return try run(check, index: index, statement: statement, columns: columns, connection: connection.handle, renderer: &renderer, into: &body)
    }

    /// Prepares a check's one statement on a hardened connection.
    private func prepare(_ check: CheckDefinition, on connection: UntrustedSQLConnection) throws -> OpaquePointer {
        let prepared: (statement: OpaquePointer?, rest: String)
        do {
            prepared = try connection.prepare(check.sql)
        } catch let error as CommandFailure {
            throw CommandFailure("\(check.path): the check's \(error.message)")
        }
        guard let statement = prepared.statement else {
            throw CommandFailure("\(check.path): the check holds no SQL statement")
        }
        guard prepared.rest.isOnlyWhitespaceAndComments else {
            sqlite3_finalize(statement)
            throw CommandFailure("\(check.path): a check must be one SQL statement")
        }
        guard sqlite3_column_count(statement) > 0 else {
            sqlite3_finalize(statement)
            throw CommandFailure("\(check.path): the check's SQL returns no columns")
        }
        return statement
    }

    private func run<Renderer: CheckRenderer>(_ check: CheckDefinition, index: Int, statement: OpaquePointer, columns: CheckColumns,
                                              connection: OpaquePointer, renderer: inout Renderer,
                                              into body: inout OutputBytes) throws -> StatusCounts {
        let columnCount = Int32(columns.names.count)
        renderer.beginCheck(check, index: index, columns: columns, into: &body)
        var counts: StatusCounts = [:]
        var row = ResultRow()
        let isTextColumn = (0..<columns.names.count).map { [columns.resource, columns.status, columns.reason].contains($0) }
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else {
                throw CommandFailure("\(check.path): the check's SQL failed: \(String(cString: sqlite3_errmsg(connection)))")
            }
            row.reset()
            for column in 0..<columnCount {
                // sqlite3_column_text first: the type must be read after it (it may convert).
                let text = sqlite3_column_text(statement, column)
                let length = text == nil ? 0 : Int(sqlite3_column_bytes(statement, column))
                let kind: ResultRow.Kind
                if text == nil {
                    kind = .null
                } else if isTextColumn[Int(column)] {
                    kind = .text
                } else {
                    switch sqlite3_column_type(statement, column) {
                    case SQLITE_INTEGER: kind = .integer
                    case SQLITE_FLOAT: kind = .real
                    default: kind = .text
                    }
                }
                row.append(kind: kind, bytes: UnsafeBufferPointer(start: text, count: length))
            }
            guard var status = row.withCell(columns.status, { CheckStatus(bytes: $0) }), status != .waived else {
                throw CommandFailure("\(check.path): status '\(row.string(columns.status))' is not one of ok, alarm, skip, info, error")
            }
            if status.isFinding && !waivers.isEmpty && waivers[WaiverStore.key(check.id, row.string(columns.resource))] != nil {
                status = .waived
            }
            counts[status, default: 0] += 1
            renderer.row(row, status: status, columns: columns, into: &body)
        }
        renderer.endCheck(check, counts: counts, into: &body)
        return counts
    }
}

extension CheckStatus {
    init?(bytes: UnsafeBufferPointer<UInt8>) {
        self.init(rawValue: String(decoding: bytes, as: UTF8.self))
    }
}

extension String {
    /// True when the text holds nothing but white space and SQL comments.
    var isOnlyWhitespaceAndComments: Bool {
        var rest = Substring(self)
        while true {
            rest = rest.drop(while: { $0.isWhitespace })
            if rest.hasPrefix("--") {
                rest = rest.drop(while: { $0 != "\n" })
            } else if rest.hasPrefix("/*"), let end = rest.range(of: "*/") {
                rest = rest[end.upperBound...]
            } else {
                return rest.isEmpty
            }
        }
    }
}

/// Runs SQL that invdb did not write (`invdb query`) on a hardened read-only connection and
/// returns its rows as cells.
public enum QueryRunner {
    /// Runs `sql` (one or more statements; the rows of the last one that returns rows).
    ///
    /// - Throws: `CommandFailure` with SQLite's message when a statement fails or is not allowed
    ///   (anything that writes, attaches, or calls a denied function).
    public static func run(sql: String, database: InvDatabase) throws -> ResultTable {
        let connection = try database.untrustedConnection()
        var result = ResultTable(columns: [], rows: [])
        var rest = sql
        while !rest.isOnlyWhitespaceAndComments {
            let prepared = try connection.prepare(rest)
            rest = prepared.rest
            guard let statement = prepared.statement else { continue }
            defer { sqlite3_finalize(statement) }
            let count = sqlite3_column_count(statement)
            var rows: [[CellValue]] = []
            while true {
                let code = sqlite3_step(statement)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else { throw CommandFailure("the SQL failed: \(connection.errorMessage)") }
                rows.append((0..<count).map { CellValue(statement: statement, column: $0) })
            }
            if count > 0 {
                result = ResultTable(columns: (0..<count).map { String(cString: sqlite3_column_name(statement, $0)) }, rows: rows)
            }
        }
        return result
    }
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
