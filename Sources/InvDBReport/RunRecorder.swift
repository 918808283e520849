import Foundation
import GRDB
import InvDBChecks
import InvDBCore
import InvDBStore

/// Which command recorded a run (the `runs.command` column).
public enum RunCommand: String, Sendable {
    case check
    case report
}

/// Records a benchmark run in the history as its results stream past: a consumer of the results
/// pipeline, used inside the caller's write transaction.
///
/// Each row goes into a temporary table; at the end, set-based statements close the history
/// intervals (`result_history`) of results that changed or vanished and open intervals for new
/// ones, so a run that finds what the previous one found writes almost nothing.
///
/// ```swift
/// try database.write { db in
///     let recorder = try RunRecorder(db: db, command: .check, now: now)
///     try CheckRunner(database: database).run(benchmark, into: CheckResultFanOut([renderer, recorder]))
///     print(recorder.runId!)
/// }
/// ```
public final class RunRecorder: CheckResultConsumer {
    private let db: Database
    private let command: RunCommand
    private let recordedAt: String
    private var benchmark: String?
    private var insert: BulkStatement?
    private var parameters: (check: BulkStatement.Parameter, resource: BulkStatement.Parameter, status: BulkStatement.Parameter,
                             effective: BulkStatement.Parameter, reason: BulkStatement.Parameter, account: BulkStatement.Parameter,
                             region: BulkStatement.Parameter, name: BulkStatement.Parameter)?
    private var checkId = ""
    /// The recorded run, once `end` has run.
    public private(set) var runId: Int?
    /// The run of the same benchmark before this one, if any.
    public private(set) var previousRunId: Int?

    /// Prepares to record a run made at `now` inside the transaction of `db`.
    public init(db: Database, command: RunCommand, now: Date) {
        self.db = db
        self.command = command
        self.recordedAt = Timestamp.iso8601(now)
    }

    public func begin(_ benchmark: Benchmark, columns: [CheckColumns]) throws {
        self.benchmark = benchmark.id
        try db.execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS current_results (
                check_id TEXT NOT NULL, resource TEXT NOT NULL, status TEXT NOT NULL, effective_status TEXT NOT NULL,
                reason TEXT NOT NULL, account_id TEXT, region TEXT, name TEXT,
                PRIMARY KEY (check_id, resource)) WITHOUT ROWID;
            DELETE FROM temp.current_results;
            """)
        let insert = try BulkStatement(db, sql: """
            INSERT OR REPLACE INTO temp.current_results(check_id, resource, status, effective_status, reason, account_id, region, name)
            VALUES (:check_id, :resource, :status, :effective_status, :reason, :account_id, :region, :name)
            """)
        parameters = (try insert.parameter("check_id"), try insert.parameter("resource"), try insert.parameter("status"),
                      try insert.parameter("effective_status"), try insert.parameter("reason"), try insert.parameter("account_id"),
                      try insert.parameter("region"), try insert.parameter("name"))
        self.insert = insert
    }

    public func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns) throws {
        checkId = check.id
    }

    public func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns) throws {
        guard let insert, let p = parameters else { return }
        func bindCell(_ parameter: BulkStatement.Parameter, _ index: Int?) {
            guard let index, row.kinds[index] != .null else { return insert.bindNull(parameter) }
            row.withCell(index) { bytes in
                if bytes.isEmpty { insert.bindNull(parameter) } else { insert.bind(parameter, unownedText: bytes) }
            }
        }
        insert.bind(p.check, checkId)
        insert.bind(p.effective, status.rawValue)
        row.withCell(columns.resource) { insert.bind(p.resource, unownedText: $0) }
        row.withCell(columns.status) { insert.bind(p.status, unownedText: $0) }
        row.withCell(columns.reason) { insert.bind(p.reason, unownedText: $0) }
        bindCell(p.account, columns.dimension("account_id"))
        bindCell(p.region, columns.dimension("region"))
        let nameColumn = columns.dimension("instance_name").flatMap { row.kinds[$0] == .null || row.withCell($0, { $0.isEmpty }) ? nil : $0 }
            ?? columns.dimension("name")
        bindCell(p.name, nameColumn)
        try insert.execute()
    }

    public func end(_ summary: CheckRunSummary) throws {
        guard let benchmark else { return }
        insert = nil
        let newest = try Int.fetchOne(db, sql: "SELECT max(import_id) FROM imports")
        previousRunId = try Int.fetchOne(db, sql: "SELECT max(run_id) FROM runs WHERE benchmark = ?", arguments: [benchmark])
        try db.execute(sql: """
            INSERT INTO runs(recorded_at, benchmark, command, invdb_version, newest_import_id, counts) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [recordedAt, benchmark, command.rawValue, InvDB.version, newest, try RunCounts(summary.counts).json()])
        let runId = Int(db.lastInsertedRowID)
        let arguments: StatementArguments = ["benchmark": benchmark, "run": runId, "previous": previousRunId, "recorded_at": recordedAt]
        // Close the intervals of results that changed or that this run did not return.
        try db.execute(sql: """
            UPDATE result_history SET last_run_id = :previous
            WHERE benchmark = :benchmark AND last_run_id IS NULL
              AND NOT EXISTS (
                  SELECT 1 FROM temp.current_results AS c
                  WHERE c.check_id = result_history.check_id AND c.resource = result_history.resource
                    AND c.status = result_history.status AND c.effective_status = result_history.effective_status
                    AND c.reason = result_history.reason AND c.account_id IS result_history.account_id
                    AND c.region IS result_history.region AND c.name IS result_history.name)
            """, arguments: arguments)
        // Open intervals for results that are new or changed. A failing streak goes on when the
        // previous run's result was failing too.
        try db.execute(sql: """
            INSERT INTO result_history(benchmark, check_id, resource, status, effective_status, reason, account_id, region, name,
                                       first_run_id, last_run_id, failing_since)
            SELECT :benchmark, c.check_id, c.resource, c.status, c.effective_status, c.reason, c.account_id, c.region, c.name, :run, NULL,
                CASE WHEN c.effective_status IN ('alarm', 'error') THEN coalesce((
                    SELECT p.failing_since FROM result_history AS p
                    WHERE p.benchmark = :benchmark AND p.check_id = c.check_id AND p.resource = c.resource
                      AND p.last_run_id = :previous AND p.effective_status IN ('alarm', 'error')), :recorded_at)
                END
            FROM temp.current_results AS c
            WHERE NOT EXISTS (
                SELECT 1 FROM result_history AS h
                WHERE h.benchmark = :benchmark AND h.check_id = c.check_id AND h.resource = c.resource AND h.last_run_id IS NULL)
            ORDER BY c.check_id, c.resource
            """, arguments: arguments)
        try db.execute(sql: "DROP TABLE temp.current_results")
        self.runId = runId
    }
}
