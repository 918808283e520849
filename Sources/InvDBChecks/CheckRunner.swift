import Foundation
import GRDBSQLite
import InvDBCore
import InvDBStore

/// Runs saved checks against a database and streams every row to one consumer, in benchmark
/// order: the one results pipeline behind `check`, `check --record` and `report`.
///
/// Checks run side by side (up to one per processor) on their own hardened read-only
/// connections. Rows travel from each check's thread to the consumer in bounded batches: the
/// first check's rows reach the consumer while later checks are still running, and a check that
/// is ahead of its turn waits once a few batches are queued, so memory stays bounded whatever
/// the number of rows.
///
/// ```swift
/// let summary = try CheckRunner(database: database).run(benchmark, into: renderer)
/// ```
public struct CheckRunner {
    private let database: InvDatabase
    /// Results whose alarms and errors show as `waived`.
    private let waived: Set<WaivedResult>

    public init(database: InvDatabase, waived: Set<WaivedResult> = []) {
        self.database = database
        self.waived = waived
    }

    /// What a check's thread hands over.
    private enum Step: Sendable {
        case rows(RowBatch)
        case end(StatusCounts)
        case failure(CommandFailure)
    }

    /// Runs every check of `benchmark`, feeding `consumer` as rows come.
    ///
    /// - Throws: `CommandFailure` naming the check file when its SQL fails, is not one statement,
    ///   is not allowed (it would write), or does not return `resource`, `status` and `reason`
    ///   columns with a known status; every check is validated before the first row. Whatever the
    ///   consumer throws.
    @discardableResult
    public func run(_ benchmark: Benchmark, into consumer: any CheckResultConsumer) throws -> CheckRunSummary {
        let validator = try database.untrustedConnection()
        let layouts: [CheckColumns] = try benchmark.checks.map { check in
            let statement = try Self.prepare(check, on: validator)
            defer { sqlite3_finalize(statement) }
            let names = (0..<sqlite3_column_count(statement)).map { String(cString: sqlite3_column_name(statement, $0)) }
            do {
                return try CheckColumns(names: names)
            } catch let error as CommandFailure {
                throw CommandFailure("\(check.path): \(error.message)")
            }
        }
        try consumer.begin(benchmark, columns: layouts)

        let checks = benchmark.checks
        let channels = checks.map { _ in BoundedQueue<Step>(capacity: 4) }
        let work = BoundedQueue<Int>(capacity: checks.count)
        for index in checks.indices { work.push(index) }
        work.close()
        let connect = database.untrustedConnectionFactory
        let waived = waived
        let workers = min(max(ProcessInfo.processInfo.activeProcessorCount, 1), checks.count, 4)
        let finished = DispatchGroup()
        for _ in 0..<workers {
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                while let index = work.pop() {
                    Self.execute(checks[index], columns: layouts[index], connect: connect, waived: waived, into: channels[index])
                }
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        defer {
            // Stop the workers (their pushes fail once cancelled) and wait for them.
            channels.forEach { $0.cancel() }
            work.cancel()
            finished.wait()
        }

        var summary = CheckRunSummary(benchmark: benchmark, checks: [])
        var row = ResultRow()
        for (index, check) in checks.enumerated() {
            try consumer.beginCheck(check, index: index, columns: layouts[index])
            steps: while let step = channels[index].pop() {
                switch step {
                case .rows(let batch):
                    for position in 0..<batch.rowCount {
                        batch.load(position, into: &row)
                        try consumer.row(row, status: batch.statuses[position], columns: layouts[index])
                    }
                case .end(let counts):
                    try consumer.endCheck(check, index: index, counts: counts)
                    summary.checks.append((check, counts))
                    break steps
                case .failure(let failure):
                    throw failure
                }
            }
        }
        try consumer.end(summary)
        return summary
    }

    /// Runs one check on its own connection (on a worker thread), handing its rows over in batches.
    private static func execute(_ check: CheckDefinition, columns: CheckColumns, connect: @Sendable () throws -> UntrustedSQLConnection,
                                waived: Set<WaivedResult>, into channel: BoundedQueue<Step>) {
        do {
            let connection = try connect()
            let statement = try prepare(check, on: connection)
            defer { sqlite3_finalize(statement) }
            let columnCount = Int32(columns.names.count)
            let isTextColumn = (0..<columns.names.count).map { [columns.resource, columns.status, columns.reason].contains($0) }
            var counts: StatusCounts = [:]
            var batch = RowBatch(columnCount: columns.names.count)
            while true {
                let code = sqlite3_step(statement)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw CommandFailure("\(check.path): the check's SQL failed: \(connection.errorMessage)")
                }
                var status: CheckStatus?
                var resource = ""
                for column in 0..<columnCount {
                    // sqlite3_column_text first: the type must be read after it (it may convert).
                    let text = sqlite3_column_text(statement, column)
                    let length = text == nil ? 0 : Int(sqlite3_column_bytes(statement, column))
                    let bytes = UnsafeBufferPointer(start: text, count: length)
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
                    if Int(column) == columns.status { status = CheckStatus(bytes: bytes) }
                    if Int(column) == columns.resource && !waived.isEmpty { resource = String(decoding: bytes, as: UTF8.self) }
                    batch.appendCell(kind, bytes)
                }
                guard var shown = status, shown != .waived else {
                    throw CommandFailure("\(check.path): a status is not one of ok, alarm, skip, info, error")
                }
                if shown.isFinding && !waived.isEmpty && waived.contains(WaivedResult(checkId: check.id, resource: resource)) {
                    shown = .waived
                }
                counts[shown, default: 0] += 1
                batch.endRow(status: shown)
                if batch.isFull {
                    guard channel.push(.rows(batch)) else { return }
                    batch = RowBatch(columnCount: columns.names.count)
                }
            }
            if batch.rowCount > 0 { guard channel.push(.rows(batch)) else { return } }
            channel.push(.end(counts))
        } catch let failure as CommandFailure {
            channel.push(.failure(failure))
        } catch {
            channel.push(.failure(CommandFailure("\(check.path): \(error)")))
        }
    }

    /// Prepares a check's one statement on a hardened connection.
    private static func prepare(_ check: CheckDefinition, on connection: UntrustedSQLConnection) throws -> OpaquePointer {
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
}
