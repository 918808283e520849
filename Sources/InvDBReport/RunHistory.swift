import Foundation
import GRDB
import InvDBChecks
import InvDBCore
import InvDBJSON
import InvDBStore

/// A recorded run.
public struct RecordedRun: Sendable, Equatable {
    public var id: Int
    public var recordedAt: String
    public var benchmark: String
    public var command: String
    public var counts: [String: Int]

    /// Results that were alarm or error (after waivers).
    public var failing: Int { (counts["alarm"] ?? 0) + (counts["error"] ?? 0) }
}

/// How a result changed between two runs. "Failing" means an effective status of alarm or error
/// (a waived result is not failing).
public enum RunChange: String, CaseIterable, Sendable {
    /// Failing in the later run, not in the earlier one.
    case new
    /// Failing in the earlier run, not in the later one (fixed, waived, or gone).
    case resolved
    /// Failing in both.
    case stillFailing = "still failing"
}

/// One result in a diff: as the later run saw it (for `resolved`, the status and reason the
/// later run gave, or `gone`).
public struct RunChangeItem: Sendable, Equatable, Codable {
    public var checkId: String
    public var resource: String
    public var name: String?
    public var accountId: String?
    public var region: String?
    public var status: String
    /// For results still failing or new: when the failing streak began.
    public var failingSince: String?
    public var reason: String

    enum CodingKeys: String, CodingKey {
        case checkId = "check_id", resource, name, accountId = "account_id", region, status, failingSince = "failing_since", reason
    }
}

/// Run history: `runs` and the result intervals of `result_history`, written by
/// `check --record` and `report` (through `RunRecorder`) and read here.
public enum RunHistory {
    /// Every recorded run, oldest first.
    public static func runs(_ database: InvDatabase, benchmark: String? = nil) throws -> [RecordedRun] {
        try database.read { db in try runs(db, benchmark: benchmark) }
    }

    static func runs(_ db: Database, benchmark: String? = nil) throws -> [RecordedRun] {
        try Row.fetchAll(db, sql: "SELECT * FROM runs WHERE ?1 IS NULL OR benchmark = ?1 ORDER BY run_id", arguments: [benchmark]).map { row in
            let counts = (try? JSONValue.parse(row["counts"] as String))?.members.reduce(into: [String: Int]()) {
                $0[$1.key] = try? $1.value.integer(in: 0...Int.max)
            } ?? [:]
            return RecordedRun(id: row["run_id"], recordedAt: row["recorded_at"], benchmark: row["benchmark"], command: row["command"], counts: counts)
        }
    }

    /// Removes the latest run of its benchmark again (a run whose output could not be written),
    /// restoring the history intervals as they were before it.
    public static func undo(run: Int, database: InvDatabase) throws {
        try database.write { db in
            guard let benchmark = try String.fetchOne(db, sql: "SELECT benchmark FROM runs WHERE run_id = ?", arguments: [run]) else { return }
            guard try Int.fetchOne(db, sql: "SELECT max(run_id) FROM runs WHERE benchmark = ?", arguments: [benchmark]) == run else {
                throw CommandFailure("run \(run) is not the latest run of \(benchmark); only the latest can be undone")
            }
            let previous = try Int.fetchOne(db, sql: "SELECT max(run_id) FROM runs WHERE benchmark = ? AND run_id < ?", arguments: [benchmark, run])
            try db.execute(sql: "DELETE FROM result_history WHERE benchmark = ? AND first_run_id = ?", arguments: [benchmark, run])
            if let previous {
                try db.execute(sql: "UPDATE result_history SET last_run_id = NULL WHERE benchmark = ? AND last_run_id = ?",
                               arguments: [benchmark, previous])
            }
            try db.execute(sql: "DELETE FROM runs WHERE run_id = ?", arguments: [run])
        }
    }

    /// What to keep when pruning.
    public enum Retention: Sendable, Equatable {
        /// The newest `count` runs of each benchmark.
        case keepRuns(Int)
        /// Runs recorded on or after `cutoff`.
        case newerThan(Date)
    }

    /// Deletes old runs and the history only they used; the remaining runs report exactly as
    /// before (first-seen times survive in `failing_since`). Returns the number of runs deleted.
    public static func prune(_ database: InvDatabase, keeping retention: Retention) throws -> Int {
        try database.write { db in
            let before = try Int.fetchOne(db, sql: "SELECT count(*) FROM runs") ?? 0
            switch retention {
            case .keepRuns(let count):
                try db.execute(sql: """
                    DELETE FROM runs WHERE run_id IN (
                        SELECT run_id FROM (SELECT run_id, row_number() OVER (PARTITION BY benchmark ORDER BY run_id DESC) AS n FROM runs)
                        WHERE n > ?)
                    """, arguments: [count])
            case .newerThan(let cutoff):
                try db.execute(sql: "DELETE FROM runs WHERE recorded_at < ?", arguments: [Timestamp.iso8601(cutoff)])
            }
            // Intervals that ended before the oldest remaining run of their benchmark are unused.
            try db.execute(sql: """
                DELETE FROM result_history
                WHERE coalesce(last_run_id, 9223372036854775807) < coalesce(
                    (SELECT min(run_id) FROM runs WHERE runs.benchmark = result_history.benchmark), 9223372036854775807)
                   OR NOT EXISTS (SELECT 1 FROM runs WHERE runs.benchmark = result_history.benchmark)
                """)
            return before - (try Int.fetchOne(db, sql: "SELECT count(*) FROM runs") ?? 0)
        }
    }

    /// The runs a diff compares: `from` may be nil (compare with nothing: every failing result
    /// is new).
    struct DiffRuns {
        var from: (id: Int, benchmark: String)?
        var to: (id: Int, benchmark: String)

        init(from: Int?, to: Int, db: Database) throws {
            func find(_ id: Int) throws -> (id: Int, benchmark: String) {
                guard let benchmark = try String.fetchOne(db, sql: "SELECT benchmark FROM runs WHERE run_id = ?", arguments: [id]) else {
                    throw UsageError("no run \(id); `invdb runs` lists them")
                }
                return (id, benchmark)
            }
            self.from = try from.map(find)
            self.to = try find(to)
        }

        var arguments: StatementArguments {
            ["from_run": from?.id ?? 0, "from_benchmark": from?.benchmark ?? to.benchmark, "to_run": to.id, "to_benchmark": to.benchmark]
        }
    }

    /// The SQL condition "interval `alias` holds run `run` of `benchmark`" (named parameters).
    private static func holds(_ alias: String, run: String, benchmark: String) -> String {
        "\(alias).benchmark = :\(benchmark) AND \(alias).first_run_id <= :\(run) AND (\(alias).last_run_id IS NULL OR \(alias).last_run_id >= :\(run))"
    }

    private static let failing = "IN ('alarm', 'error')"

    /// The query listing one kind of change, ordered by check and resource. It starts from the
    /// failing intervals (`result_history_failing`, migration 0013), a few percent of a fleet's
    /// results: without statistics SQLite would read every interval of the benchmark.
    private static func changeQuery(_ change: RunChange, select: String) -> String {
        let item = """
            b.check_id, b.resource, b.name, b.account_id, b.region, b.effective_status AS status, b.failing_since, b.reason
            """
        switch change {
        case .new, .stillFailing:
            return """
                SELECT \(select == "*" ? item : select) FROM result_history AS b INDEXED BY result_history_failing
                WHERE \(holds("b", run: "to_run", benchmark: "to_benchmark")) AND b.effective_status \(failing)
                  AND \(change == .new ? "NOT " : "")EXISTS (
                      SELECT 1 FROM result_history AS a
                      WHERE a.check_id = b.check_id AND a.resource = b.resource
                        AND \(holds("a", run: "from_run", benchmark: "from_benchmark")) AND a.effective_status \(failing))
                \(select == "*" ? "ORDER BY b.check_id, b.resource" : "")
                """
        case .resolved:
            return """
                SELECT \(select == "*" ? """
                    a.check_id, a.resource, a.name, a.account_id, a.region, coalesce(b.effective_status, 'gone') AS status,
                    NULL AS failing_since, coalesce(b.reason, 'no longer in the data') AS reason
                    """ : select)
                FROM result_history AS a INDEXED BY result_history_failing
                LEFT JOIN result_history AS b ON b.check_id = a.check_id AND b.resource = a.resource
                    AND \(holds("b", run: "to_run", benchmark: "to_benchmark"))
                WHERE \(holds("a", run: "from_run", benchmark: "from_benchmark")) AND a.effective_status \(failing)
                  AND coalesce(b.effective_status, 'gone') NOT \(failing)
                \(select == "*" ? "ORDER BY a.check_id, a.resource" : "")
                """
        }
    }

    /// How many results changed each way from run `from` to run `to`.
    public static func changeCounts(from: Int?, to: Int, db: Database) throws -> [RunChange: Int] {
        let runs = try DiffRuns(from: from, to: to, db: db)
        var counts: [RunChange: Int] = [:]
        for change in RunChange.allCases {
            counts[change] = try Int.fetchOne(db, sql: changeQuery(change, select: "count(*)"), arguments: runs.arguments) ?? 0
        }
        return counts
    }

    /// Calls `body` with each result that changed as `change` from run `from` to run `to`,
    /// ordered by check and resource, at most `limit` of them.
    static func forEachChange(_ change: RunChange, from: Int?, to: Int, limit: Int? = nil, db: Database,
                              _ body: (RunChangeItem) throws -> Void) throws {
        let runs = try DiffRuns(from: from, to: to, db: db)
        let sql = changeQuery(change, select: "*") + (limit.map { " LIMIT \($0)" } ?? "")
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: runs.arguments)
        while let row = try cursor.next() {
            try body(RunChangeItem(checkId: row["check_id"], resource: row["resource"], name: row["name"], accountId: row["account_id"],
                                   region: row["region"], status: row["status"], failingSince: row["failing_since"], reason: row["reason"]))
        }
    }

    /// Calls `body` with every change from run `from` to run `to`: new, resolved, then still
    /// failing.
    public static func diff(from: Int?, to: Int, database: InvDatabase, _ body: (RunChange, RunChangeItem) throws -> Void) throws {
        try database.read { db in
            for change in RunChange.allCases {
                try forEachChange(change, from: from, to: to, db: db) { try body(change, $0) }
            }
        }
    }

    /// How many results changed each way from run `from` to run `to`.
    public static func changeCounts(from: Int?, to: Int, database: InvDatabase) throws -> [RunChange: Int] {
        try database.read { db in try changeCounts(from: from, to: to, db: db) }
    }
}
