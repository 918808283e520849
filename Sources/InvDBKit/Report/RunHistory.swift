import Foundation
import GRDB

/// A recorded run.
public struct RecordedRun: Sendable, Equatable {
    public var id: Int
    public var recordedAt: String
    public var benchmark: String
    public var command: String
    public var counts: [String: Int]
}

/// What changed between two runs, by check and resource. "Failing" means an effective status
/// of alarm or error (a waived result is not failing).
public struct RunDiff: Sendable {
    public struct Item: Sendable, Equatable {
        public var checkId: String
        public var resource: String
        public var name: String?
        public var region: String?
        public var status: String
        public var reason: String
        /// For results still failing: when the current failing streak began.
        public var firstSeen: String?
    }

    public var newFailures: [Item] = []
    public var resolved: [Item] = []
    public var stillFailing: [Item] = []
}

/// Run history: `runs` and `run_results`, written by `check --record` and `report`.
public enum RunHistory {
    /// Records `result` as a run; returns its id.
    public static func record(_ result: BenchmarkResult, command: String, now: Date, database: InvDatabase) throws -> Int {
        try database.write { db in try record(result, command: command, now: now, db: db) }
    }

    /// Records `result` as a run inside the caller's transaction; returns its id.
    static func record(_ result: BenchmarkResult, command: String, now: Date, db: Database) throws -> Int {
        let counts = result.summary.counts
        let countsJSON = "{" + CheckStatus.allCases.map { "\"\($0.rawValue)\":\(counts[$0] ?? 0)" }.joined(separator: ",") + "}"
        do {
            let newest = try Int.fetchOne(db, sql: "SELECT max(import_id) FROM imports")
            try db.execute(sql: """
                INSERT INTO runs(recorded_at, benchmark, command, invdb_version, newest_import_id, counts) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [Timestamp.iso8601(now), result.benchmark.id, command, InvDB.version, newest, countsJSON])
            let runId = Int(db.lastInsertedRowID)
            let insert = try db.makeStatement(sql: """
                INSERT OR REPLACE INTO run_results(run_id, check_id, resource, status, effective_status, reason, account_id, region, name)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for outcome in result.outcomes {
                for row in outcome.rows {
                    let original = row.originalStatus ?? row.status
                    let name = row.dimension("instance_name").isEmpty ? row.dimension("name") : row.dimension("instance_name")
                    try insert.execute(arguments: [runId, outcome.check.id, row.resource, original.rawValue, row.status.rawValue, row.reason,
                                                   row.dimension("account_id").nilIfEmpty, row.dimension("region").nilIfEmpty, name.nilIfEmpty])
                }
            }
            return runId
        }
    }

    /// Removes a run and its results (a run whose report files could not be written).
    public static func delete(run: Int, database: InvDatabase) throws {
        try database.write { db in
            try db.execute(sql: "DELETE FROM run_results WHERE run_id = ?", arguments: [run])
            try db.execute(sql: "DELETE FROM runs WHERE run_id = ?", arguments: [run])
        }
    }

    /// Every recorded run, oldest first.
    public static func runs(_ database: InvDatabase, benchmark: String? = nil) throws -> [RecordedRun] {
        try database.read { db in try runs(db, benchmark: benchmark) }
    }

    static func runs(_ db: Database, benchmark: String? = nil) throws -> [RecordedRun] {
        return try Row.fetchAll(db, sql: "SELECT * FROM runs WHERE ?1 IS NULL OR benchmark = ?1 ORDER BY run_id", arguments: [benchmark]).map { row in
            let counts = (try? JSONValue.parse(row["counts"] as String))?.members.reduce(into: [String: Int]()) { $0[$1.key] = try? $1.value.integer(in: 0...Int.max) } ?? [:]
            return RecordedRun(id: row["run_id"], recordedAt: row["recorded_at"], benchmark: row["benchmark"], command: row["command"], counts: counts)
        }
    }

    /// What changed from run `from` to run `to` (from nothing, when `from` is nil).
    public static func diff(from: Int?, to: Int, database: InvDatabase) throws -> RunDiff {
        try database.read { db in try diff(from: from, to: to, db: db) }
    }

    static func diff(from: Int?, to: Int, db: Database) throws -> RunDiff {
        for id in [from, to].compactMap({ $0 }) where try Int.fetchOne(db, sql: "SELECT count(*) FROM runs WHERE run_id = ?", arguments: [id]) == 0 {
            throw UsageError("no run \(id); `invdb runs` lists them")
        }
        func failing(_ run: Int?) throws -> [String: Row] {
            guard let run else { return [:] }
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM run_results WHERE run_id = ? AND effective_status IN ('alarm', 'error') ORDER BY check_id, resource
                """, arguments: [run])
            return Dictionary(uniqueKeysWithValues: rows.map { (WaiverStore.key($0["check_id"], $0["resource"]), $0) })
        }
        let before = try failing(from), after = try failing(to)
        func item(_ row: Row, firstSeen: String? = nil) -> RunDiff.Item {
            RunDiff.Item(checkId: row["check_id"], resource: row["resource"], name: row["name"], region: row["region"],
                         status: row["effective_status"], reason: row["reason"], firstSeen: firstSeen)
        }
        var diff = RunDiff()
        for key in after.keys.sorted() {
            let row = after[key]!
            if before[key] == nil {
                diff.newFailures.append(item(row))
            } else {
                diff.stillFailing.append(item(row, firstSeen: try firstSeen(db, run: to, checkId: row["check_id"], resource: row["resource"])))
            }
        }
        for key in before.keys.sorted() where after[key] == nil {
            // Report the resolved result as the newer run saw it, when it saw it at all.
            let now = try Row.fetchOne(db, sql: "SELECT * FROM run_results WHERE run_id = ? AND check_id = ? AND resource = ?",
                                       arguments: [to, before[key]!["check_id"] as String, before[key]!["resource"] as String])
            var resolved = item(before[key]!)
            resolved.status = now?["effective_status"] ?? "gone"
            resolved.reason = now?["reason"] ?? "no longer in the data"
            diff.resolved.append(resolved)
        }
        return diff
    }

    /// When the failing streak that `run` is part of began: the run after the last one of the
    /// same benchmark in which the result was not failing.
    static func firstSeen(_ db: Database, run: Int, checkId: String, resource: String) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT min(r.recorded_at) FROM runs AS r
            JOIN run_results AS x ON x.run_id = r.run_id AND x.check_id = ?2 AND x.resource = ?3
            WHERE r.run_id <= ?1 AND r.benchmark = (SELECT benchmark FROM runs WHERE run_id = ?1)
              AND x.effective_status IN ('alarm', 'error')
              AND r.run_id > coalesce((
                  SELECT max(p.run_id) FROM runs AS p
                  WHERE p.run_id < ?1 AND p.benchmark = r.benchmark
                    AND NOT EXISTS (SELECT 1 FROM run_results AS y WHERE y.run_id = p.run_id AND y.check_id = ?2 AND y.resource = ?3
                                    AND y.effective_status IN ('alarm', 'error'))), 0)
            """, arguments: [run, checkId, resource])
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
