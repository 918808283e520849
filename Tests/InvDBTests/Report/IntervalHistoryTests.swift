import Foundation
import GRDB
import XCTest
@testable import InvDBCore
@testable import InvDBJSON
@testable import InvDBDetect
@testable import InvDBStore
@testable import InvDBImport
@testable import InvDBScan
@testable import InvDBChecks
@testable import InvDBRender
@testable import InvDBReport

/// Issue 10: the interval history (`result_history`, the view `run_results`) answers exactly as
/// the old model did, which kept every result of every run. The reference model here is that old
/// model, in Swift: each run's full list of results, taken from the check output itself.
final class IntervalHistoryTests: XCTestCase {
    // MARK: - The reference model

    struct Key: Hashable {
        var check: String
        var resource: String

        /// SQLite's order (BINARY: the UTF-8 bytes), as `ORDER BY check_id, resource`.
        static func ordered(_ a: Key, _ b: Key) -> Bool {
            a.check == b.check ? Array(a.resource.utf8).lexicographicallyPrecedes(Array(b.resource.utf8))
                : Array(a.check.utf8).lexicographicallyPrecedes(Array(b.check.utf8))
        }
    }

    struct Result: Equatable {
        var status: String
        var effective: String
        var reason: String
        var account: String?
        var region: String?
        var name: String?

        var isFailing: Bool { effective == "alarm" || effective == "error" }
    }

    struct Run {
        var id: Int
        var recordedAt: String
        var benchmark: String
        var results: [Key: Result]
    }

    /// The old model: one row per run and result.
    struct Model {
        var runs: [Run] = []

        func run(_ id: Int) -> Run { runs.first { $0.id == id }! }

        /// recorded_at of the first run of the unbroken series of runs of the same benchmark,
        /// ending at `run`, in which the result was failing.
        func failingSince(_ key: Key, at run: Run) -> String? {
            guard run.results[key]?.isFailing == true else { return nil }
            var start = run
            for earlier in runs.filter({ $0.benchmark == run.benchmark && $0.id < run.id }).sorted(by: { $0.id > $1.id }) {
                guard earlier.results[key]?.isFailing == true else { break }
                start = earlier
            }
            return start.recordedAt
        }

        /// Every row of `run` as `run_results` should hold it, ordered by check and resource.
        func rows(of id: Int) -> [String] {
            let run = run(id)
            return run.results.keys.sorted(by: Key.ordered).map { key in
                let result = run.results[key]!
                return line([key.check, key.resource, result.status, result.effective, result.reason, result.account, result.region, result.name,
                             failingSince(key, at: run)])
            }
        }

        /// What changed from run `from` (nil: nothing) to run `to`, as `RunHistory.diff` reports it.
        func changes(from: Int?, to: Int) -> [RunChange: [RunChangeItem]] {
            let before = from.map { run($0).results } ?? [:]
            let after = run(to)
            var changes: [RunChange: [RunChangeItem]] = [:]
            for key in Set(before.keys).union(after.results.keys).sorted(by: Key.ordered) {
                let a = before[key], b = after.results[key]
                switch (a?.isFailing == true, b?.isFailing == true) {
                case (false, true), (true, true):
                    changes[a?.isFailing == true ? .stillFailing : .new, default: []].append(RunChangeItem(
                        checkId: key.check, resource: key.resource, name: b!.name, accountId: b!.account, region: b!.region,
                        status: b!.effective, failingSince: failingSince(key, at: after), reason: b!.reason))
                case (true, false):
                    changes[.resolved, default: []].append(RunChangeItem(
                        checkId: key.check, resource: key.resource, name: a!.name, accountId: a!.account, region: a!.region,
                        status: b?.effective ?? "gone", failingSince: nil, reason: b?.reason ?? "no longer in the data"))
                case (false, false):
                    break
                }
            }
            return changes
        }
    }

    /// Fields joined for comparison; NULL is shown as ∅.
    static func line(_ fields: [String?]) -> String {
        fields.map { $0 ?? "∅" }.joined(separator: " | ")
    }

    private func line(_ fields: [String?]) -> String { Self.line(fields) }

    /// The results of one run as the check output gives them.
    private func results(_ outcomes: [CheckOutcome]) -> [Key: Result] {
        var results: [Key: Result] = [:]
        for outcome in outcomes {
            for row in outcome.rows {
                func dimension(_ name: String) -> String? {
                    guard let value = row.dimensions.first(where: { $0.name == name })?.value, value != .null, !value.text.isEmpty else { return nil }
                    return value.text
                }
                let key = Key(check: outcome.check.id, resource: row.resource)
                XCTAssertNil(results[key], "\(key) twice in one run")
                results[key] = Result(status: (row.originalStatus ?? row.status).rawValue, effective: row.status.rawValue, reason: row.reason,
                                      account: dimension("account_id"), region: dimension("region"),
                                      name: dimension("instance_name") ?? dimension("name"))
            }
        }
        return results
    }

    // MARK: - Recording and comparing

    private func date(_ text: String) -> Date { Clock.parse(text)! }

    private func importAt(_ paths: [String], _ when: String, into database: InvDatabase) throws {
        var options = ImportOptions()
        options.now = { [date = date(when)] in date }
        _ = try Importer(database: database, options: options).run(paths: paths)
    }

    /// Records a run of `benchmark` at `when` (as `check --record` does, or as `report` does),
    /// and adds the results the checks gave to `model`.
    @discardableResult
    private func record(_ benchmark: Benchmark, at when: String, report: Bool = false, database: InvDatabase, model: inout Model) throws -> Int {
        let now = date(when)
        let waived = WaiverStore.activeResults(try WaiverStore.all(database), on: Clock.day(now))
        let collector = CheckResultCollector()
        let runId: Int
        let counted: [RunChange: Int]
        if report {
            let written = try ReportBuilder(database: database).run(benchmark, now: now, writingTo: try TestSupport.temporaryDirectory().path)
            (runId, counted) = (written.runId, written.changes)
            try CheckRunner(database: database, waived: waived).run(benchmark, into: collector)
        } else {
            (runId, counted) = try database.write { db in
                let recorder = RunRecorder(db: db, command: .check, now: now)
                try CheckRunner(database: database, waived: waived).run(benchmark, into: CheckResultFanOut([collector, recorder]))
                return (try XCTUnwrap(recorder.runId), recorder.changeCounts)
            }
        }
        let previous = model.runs.last { $0.benchmark == benchmark.id }?.id
        model.runs.append(Run(id: runId, recordedAt: when, benchmark: benchmark.id, results: results(collector.outcomes)))
        // The recorder counts the changes since the previous run as it records.
        let expected = model.changes(from: previous, to: runId)
        XCTAssertEqual(counted, RunChange.allCases.reduce(into: [:]) { $0[$1] = expected[$1]?.count ?? 0 }, "run \(runId) at \(when)")
        return runId
    }

    /// `run_results` of `run`, ordered by check and resource.
    private func stored(_ run: Int, _ database: InvDatabase) throws -> [String] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT check_id, resource, status, effective_status, reason, account_id, region, name, failing_since
                FROM run_results WHERE run_id = ? ORDER BY check_id, resource
                """, arguments: [run]).map { row in
                line((0..<9).map { row[$0] as String? })
            }
        }
    }

    /// Every run's rows and every diff between two runs (and from nothing) agree with the model.
    private func assertAgrees(_ model: Model, _ database: InvDatabase, runs ids: [Int], _ label: String,
                              file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(try RunHistory.runs(database).map(\.id), ids, label, file: file, line: line)
        XCTAssertEqual(try RunHistory.runs(database).map { "\($0.id) \($0.recordedAt) \($0.benchmark)" },
                       ids.map { "\($0) \(model.run($0).recordedAt) \(model.run($0).benchmark)" }, label, file: file, line: line)
        for id in ids {
            XCTAssertEqual(try stored(id, database), model.rows(of: id), "\(label): run_results of run \(id)", file: file, line: line)
        }
        for to in ids {
            for from in [nil] + ids {
                let expected = model.changes(from: from, to: to)
                let got = try TestSupport.changes(from: from, to: to, database: database)
                XCTAssertEqual(got, expected, "\(label): diff \(from.map(String.init) ?? "nothing") → \(to)", file: file, line: line)
                let counts = try RunHistory.changeCounts(from: from, to: to, database: database)
                XCTAssertEqual(counts, RunChange.allCases.reduce(into: [:]) { $0[$1] = expected[$1]?.count ?? 0 }, label, file: file, line: line)
            }
        }
    }

    // MARK: - Recorded runs on the samples

    private let tricky = "i-ad5ace065e3ebea11"      // no profile: alarm, waived, then alarm again
    private let web2 = "i-6d367f45f32bb65b7"        // no profile; absent from the later listing, back on the 25th
    private let batch1 = "i-ed0d6a27d1dbf92d8"      // empty profile (alarm), then a profile missing from IAM (error)
    private let late1 = "i-ef9c72ff2c5dded2c"       // error; renamed on the 22nd
    private let worker1 = "i-d79e8a34c37e15560"     // its role does not trust EC2; removed on the 22nd
    private let euDB1 = "i-f3ec604c81438b1c8"       // eu-west-1, no profile: alarm in every run

    /// The later us-east-1 listing without worker-1, with batch-1's profile one the IAM data does
    /// not hold, and late-1 renamed.
    private func editedListing() throws -> String {
        let text = try String(contentsOfFile: TestSupport.path("Tests/Fixtures/aws/later/us-east-1-describe-instances.json"), encoding: .utf8)
        let edited = text.replacingOccurrences(of: "instance-profile/empty-profile", with: "instance-profile/missing-profile")
            .replacingOccurrences(of: "\"Value\": \"late-1\"", with: "\"Value\": \"late-1-renamed\"")
        XCTAssertEqual(edited.components(separatedBy: "missing-profile").count, 2)
        XCTAssertEqual(edited.components(separatedBy: "late-1-renamed").count, 2)
        guard case .object(let members) = try JSONValue.parse(edited) else { throw CommandFailure("not an object") }
        let listing = JSONValue.object(members.map { member in
            guard member.key == "Reservations" else { return member }
            return JSONMember(key: member.key, value: .array(member.value.elements.compactMap { reservation -> JSONValue? in
                let instances = reservation["Instances"]!.elements.filter { $0["InstanceId"]?.string != worker1 }
                guard !instances.isEmpty else { return nil }
                return .object(reservation.members.map { $0.key == "Instances" ? JSONMember(key: "Instances", value: .array(instances)) : $0 })
            }))
        })
        XCTAssertFalse(listing.minifiedJSON.contains(worker1))
        return try TestSupport.file(named: "us-east-1-describe-instances.json", listing.minifiedJSON)
    }

    /// Nine runs of two benchmarks (interleaved) with imports, edits, a waiver that expires, an
    /// instance that leaves and comes back: every run's rows, and every diff between any two runs,
    /// are the old model's. Then pruning (by count and by date) keeps the remaining runs'
    /// answers, first-seen times included, and a run recorded after pruning continues them.
    func testTheIntervalHistoryAnswersAsTheOneRowPerResultModel() throws {
        let database = try TestSupport.database()
        let full = try BenchmarkCatalog(directory: TestSupport.root.appendingPathComponent("Queries")).resolve("cis-1.18")
        let mini = Benchmark(testID: "mini", title: "Role checks",
                             checks: full.checks.filter { ["ec2_instance_iam_profile_attached", "ec2_instance_profile_has_role"].contains($0.id) })
        var model = Model()

        try importAt([TestSupport.samples], "2026-11-20T06:00:00Z", into: database)
        try record(full, at: "2026-11-20T07:00:00Z", database: database, model: &model)                     // 1
        try record(mini, at: "2026-11-20T07:30:00Z", database: database, model: &model)                     // 2
        try importAt([TestSupport.path("Tests/Fixtures/aws/later/us-east-1-describe-instances.json")], "2026-11-21T06:00:00Z", into: database)
        _ = try WaiverStore.add(database, checkId: "ec2_instance_iam_profile_attached", resource: tricky, reason: "kiosk", owner: "alice",
                                expires: "2026-11-22", now: date("2026-11-21T06:30:00Z"))
        try record(full, at: "2026-11-21T07:00:00Z", report: true, database: database, model: &model)       // 3
        try importAt([try editedListing()], "2026-11-22T06:00:00Z", into: database)
        try record(full, at: "2026-11-22T07:00:00Z", database: database, model: &model)                     // 4
        try record(mini, at: "2026-11-22T08:00:00Z", database: database, model: &model)                     // 5
        try record(full, at: "2026-11-23T07:00:00Z", database: database, model: &model)                     // 6: the waiver has expired
        try importAt([TestSupport.path("Samples/credentials/aws"), TestSupport.path("Samples/credentials/scanner-reports")],
                     "2026-11-24T06:00:00Z", into: database)
        try record(full, at: "2026-11-24T07:00:00Z", database: database, model: &model)                     // 7
        try importAt([TestSupport.path("Samples/aws/us-east-1"), TestSupport.path("Samples/credentials/aws/us-east-1")],
                     "2026-11-25T06:00:00Z", into: database)
        try record(full, at: "2026-11-25T07:00:00Z", report: true, database: database, model: &model)       // 8
        try record(mini, at: "2026-11-25T08:00:00Z", database: database, model: &model)                     // 9
        XCTAssertEqual(model.runs.map(\.id), Array(1...9))

        // The scenario holds what it is meant to (the model, on the data as the fixtures describe it).
        let attached = "ec2_instance_iam_profile_attached", hasRole = "ec2_instance_profile_has_role"
        func result(_ run: Int, _ check: String, _ resource: String) -> String {
            model.run(run).results[Key(check: check, resource: resource)].map { "\($0.status)/\($0.effective)" } ?? "gone"
        }
        func since(_ run: Int, _ check: String, _ resource: String) -> String? {
            model.failingSince(Key(check: check, resource: resource), at: model.run(run))
        }
        XCTAssertEqual([1, 3, 4, 6, 7, 8].map { result($0, attached, tricky) }, ["alarm/alarm", "alarm/waived", "alarm/waived", "alarm/alarm", "gone", "alarm/alarm"])
        XCTAssertEqual([6, 8].map { since($0, attached, tricky) }, ["2026-11-23T07:00:00Z", "2026-11-25T07:00:00Z"],
                       "a new streak after the waiver, and another after the instance was gone from run 7")
        XCTAssertEqual([1, 3, 7, 8].map { result($0, attached, web2) }, ["alarm/alarm", "gone", "gone", "alarm/alarm"])
        XCTAssertEqual(since(8, attached, web2), "2026-11-25T07:00:00Z", "back after a gap: a new streak")
        XCTAssertEqual([1, 3, 4, 6].map { result($0, hasRole, batch1) }, ["alarm/alarm", "alarm/alarm", "error/error", "error/error"])
        XCTAssertEqual(since(6, hasRole, batch1), "2026-11-20T07:00:00Z", "alarm then error is one streak")
        XCTAssertEqual([3, 4].map { model.run($0).results[Key(check: hasRole, resource: late1)]?.name }, ["late-1", "late-1-renamed"])
        XCTAssertEqual(since(4, hasRole, late1), "2026-11-20T07:00:00Z", "a new name does not restart the streak")
        XCTAssertEqual(since(5, hasRole, late1), "2026-11-20T07:30:00Z", "the streak of the mini benchmark's own runs")
        XCTAssertEqual([3, 4].map { result($0, "ec2_instance_role_trusts_ec2", worker1) }, ["alarm/alarm", "gone"])
        XCTAssertEqual(since(8, attached, euDB1), "2026-11-20T07:00:00Z")
        XCTAssertFalse(model.run(7).results.keys.filter { $0.check == "iam_found_access_key_inactive" }.isEmpty, "the key check returns rows")

        try assertAgrees(model, database, runs: Array(1...9), "recorded")

        // Pruning, on two copies of the database.
        try database.checkpoint()
        func copy() throws -> InvDatabase {
            let path = try TestSupport.temporaryDirectory().appendingPathComponent("copy.sqlite").path
            try FileManager.default.copyItem(atPath: database.path, toPath: path)
            return try InvDatabase.open(path: path, migrations: try TestSupport.migrations(), access: .write)
        }
        for (retention, kept) in [(RunHistory.Retention.keepRuns(2), [5, 7, 8, 9]), (.newerThan(date("2026-11-23T00:00:00Z")), [6, 7, 8, 9])] {
            let pruned = try copy()
            var prunedModel = model
            XCTAssertEqual(try RunHistory.prune(pruned, keeping: retention), 9 - kept.count)
            let gone = Set(1...9).subtracting(kept).sorted()
            XCTAssertEqual(try TestSupport.int(pruned, "SELECT count(*) FROM run_results WHERE run_id IN (\(gone.map(String.init).joined(separator: ",")))"), 0)
            XCTAssertEqual(try TestSupport.strings(pruned, "SELECT DISTINCT run_id FROM run_results ORDER BY 1"), kept.map(String.init))
            XCTAssertEqual(try TestSupport.int(pruned, """
                SELECT count(*) FROM result_history AS h
                WHERE NOT EXISTS (SELECT 1 FROM runs AS r WHERE r.benchmark = h.benchmark AND r.run_id >= h.first_run_id
                                                         AND (h.last_run_id IS NULL OR r.run_id <= h.last_run_id))
                """), 0, "an interval no remaining run uses is deleted")
            for id in gone {
                XCTAssertThrowsError(try TestSupport.changes(from: id, to: kept.last!, database: pruned)) { XCTAssertTrue($0 is UsageError, "\($0)") }
            }
            try assertAgrees(prunedModel, pruned, runs: kept, "pruned \(retention)")
            // A run after pruning continues the streaks that began in pruned runs.
            let next = try record(full, at: "2026-11-26T07:00:00Z", database: pruned, model: &prunedModel)
            XCTAssertEqual(next, 10)
            XCTAssertEqual(prunedModel.failingSince(Key(check: attached, resource: euDB1), at: prunedModel.run(10)), "2026-11-20T07:00:00Z")
            try assertAgrees(prunedModel, pruned, runs: kept + [10], "pruned \(retention), then run 10")
        }
    }

    // MARK: - Rows in any order

    /// The recorder reads a check's open intervals in resource order beside its rows, seeking
    /// again when a row sorts before the one before it (`OpenIntervalCursor`). Rows that come in
    /// no order, in two accounts and regions, with results that change, appear and disappear
    /// between runs, are recorded as the old model says, in `check --record` and `report` runs.
    func testRowsInAnyOrderAreRecordedAsTheModelSays() throws {
        let database = try TestSupport.database()
        var model = Model()
        var seed: UInt64 = 42
        func next() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 33 }
        /// One run's check: `count` resources (some skipped), statuses and reasons that depend on
        /// `day`, in a shuffled order.
        func benchmark(day: Int) throws -> Benchmark {
            var rows: [String] = []
            for index in 0..<60 where (index + day) % 7 != 0 {
                let resource = String(format: "r-%02d%@", index, index % 5 == 0 ? "-long-name" : "")
                let status = ["ok", "alarm", "error", "info", "skip"][(index * (day % 3 + 1)) % 5]
                let reason = index % 4 == 0 ? "reason \(day)" : "same reason"
                let account = index % 2 == 0 ? "'111111111111'" : "'222222222222'"
                let region = index % 3 == 0 ? "NULL" : "'eu-west-1'"
                rows.append("('\(resource)', '\(status)', '\(reason)', \(account), \(region))")
            }
            for index in rows.indices.reversed() { rows.swapAt(index, Int(next() % UInt64(index + 1))) }
            let check = try CheckDefinition(id: "shuffled", path: "Tests/checks/shuffled.sql", text: """
                -- title: shuffled
                -- severity: low
                -- description: d
                -- remediation: aws ec2 describe-instances
                SELECT column1 AS resource, column2 AS status, column3 AS reason, column4 AS account_id, column5 AS region
                FROM (VALUES \(rows.joined(separator: ", ")));
                """)
            return Benchmark(testID: "shuffled", title: "shuffled", checks: [check])
        }
        var ids: [Int] = []
        for day in 1...6 {
            ids.append(try record(try benchmark(day: day), at: "2026-11-2\(day)T07:00:00Z", report: day % 3 == 0, database: database, model: &model))
        }
        XCTAssertGreaterThan(Set(model.runs.flatMap { $0.results.values.map(\.reason) }).count, 3)
        try assertAgrees(model, database, runs: ids, "shuffled")
    }

    // MARK: - Migration 0007

    /// A history of the old shape (runs and run_results rows, migrations up to 0006), with gaps,
    /// a status change, a waived run, a reason and a name that change, and two benchmarks whose
    /// runs interleave: migration 0007 folds it into intervals that give back exactly the rows
    /// inserted, with failing_since per the rule; a run recorded afterwards continues it.
    func testMigration0007FoldsTheOldRowsIntoIntervalsThatGiveThemBack() throws {
        let path = try TestSupport.temporaryDirectory().appendingPathComponent("old.sqlite").path
        let older = try TestSupport.migrations(upTo: 6)
        XCTAssertEqual(older.steps.last?.identifier, "0006_child_keys")
        // run: (benchmark, recorded_at, results by resource: (status, effective, reason, name))
        typealias OldRow = (status: String, effective: String, reason: String, name: String?)
        let history: [(id: Int, benchmark: String, at: String, results: [String: OldRow])] = [
            (1, "b", "2026-01-01T00:00:00Z", ["r-gap": ("alarm", "alarm", "no profile", nil), "r-change": ("alarm", "alarm", "x", nil),
                                             "r-waived": ("alarm", "alarm", "w", nil), "r-reason": ("alarm", "alarm", "first reason", nil),
                                             "r-ok": ("ok", "ok", "fine", nil), "r-name": ("alarm", "alarm", "n", nil)]),
            (2, "c", "2026-01-02T00:00:00Z", ["r-gap": ("alarm", "alarm", "no profile", nil), "r-ok": ("error", "error", "broken", nil)]),
            (3, "b", "2026-01-03T00:00:00Z", ["r-gap": ("alarm", "alarm", "no profile", nil), "r-change": ("error", "error", "x", nil),
                                             "r-waived": ("alarm", "waived", "w", nil), "r-reason": ("alarm", "alarm", "first reason", nil),
                                             "r-ok": ("ok", "ok", "fine", nil), "r-name": ("alarm", "alarm", "n", "web")]),
            (4, "b", "2026-01-04T00:00:00Z", ["r-change": ("error", "error", "x", nil),
                                             "r-waived": ("alarm", "alarm", "w", nil), "r-reason": ("alarm", "alarm", "second reason", nil),
                                             "r-ok": ("ok", "ok", "fine", nil), "r-name": ("alarm", "alarm", "n", "web")]),
            (5, "c", "2026-01-05T00:00:00Z", ["r-gap": ("alarm", "alarm", "no profile", nil), "r-ok": ("ok", "ok", "fine", nil)]),
            (6, "b", "2026-01-06T00:00:00Z", ["r-gap": ("alarm", "alarm", "no profile", nil), "r-change": ("ok", "ok", "x", nil),
                                             "r-waived": ("alarm", "alarm", "w", nil), "r-reason": ("alarm", "alarm", "second reason", nil),
                                             "r-ok": ("ok", "ok", "fine", nil), "r-name": ("alarm", "alarm", "n", "web")]),
            (7, "b", "2026-01-07T00:00:00Z", ["r-gap": ("alarm", "alarm", "no profile", nil), "r-change": ("alarm", "alarm", "x", nil),
                                             "r-waived": ("alarm", "alarm", "w", nil),
                                             "r-ok": ("ok", "ok", "fine", nil), "r-name": ("alarm", "alarm", "n", "web")]),
        ]
        var model = Model()
        do {
            let old = try InvDatabase.open(path: path, migrations: older, access: .create)
            try old.write { db in
                for run in history {
                    try db.execute(sql: "INSERT INTO runs(run_id, recorded_at, benchmark, command, invdb_version, counts) VALUES (?, ?, ?, 'report', '0.6', '{}')",
                                   arguments: [run.id, run.at, run.benchmark])
                    for (resource, row) in run.results {
                        try db.execute(sql: "INSERT INTO run_results VALUES (?, 'k', ?, ?, ?, ?, NULL, NULL, ?)",
                                       arguments: [run.id, resource, row.status, row.effective, row.reason, row.name])
                    }
                    model.runs.append(Run(id: run.id, recordedAt: run.at, benchmark: run.benchmark, results: Dictionary(uniqueKeysWithValues: run.results.map {
                        (Key(check: "k", resource: $0.key), Result(status: $0.value.status, effective: $0.value.effective, reason: $0.value.reason, name: $0.value.name))
                    })))
                }
            }
        }
        let database = try InvDatabase.open(path: path, migrations: try TestSupport.migrations(), access: .write)
        XCTAssertTrue(try TestSupport.strings(database, "SELECT identifier FROM grdb_migrations ORDER BY 1").contains("0007_result_history"))

        // The intervals, by hand: b's runs are 1, 3, 4, 6, 7 (run 2 and 5 are c's, so r-gap is
        // continuous over 1 and 3 in b, and over 2 and 5 in c).
        XCTAssertEqual(try TestSupport.strings(database, """
            SELECT benchmark || ' ' || resource || ' ' || status || '/' || effective_status || ' ' || reason || ' ' || coalesce(name, '∅') || ' '
                   || first_run_id || '-' || coalesce(last_run_id, 'open') || ' ' || coalesce(failing_since, '∅')
            FROM result_history ORDER BY benchmark, resource, first_run_id
            """), [
            "b r-change alarm/alarm x ∅ 1-1 2026-01-01T00:00:00Z",
            "b r-change error/error x ∅ 3-4 2026-01-01T00:00:00Z",
            "b r-change ok/ok x ∅ 6-6 ∅",
            "b r-change alarm/alarm x ∅ 7-open 2026-01-07T00:00:00Z",
            "b r-gap alarm/alarm no profile ∅ 1-3 2026-01-01T00:00:00Z",
            "b r-gap alarm/alarm no profile ∅ 6-open 2026-01-06T00:00:00Z",
            "b r-name alarm/alarm n ∅ 1-1 2026-01-01T00:00:00Z",
            "b r-name alarm/alarm n web 3-open 2026-01-01T00:00:00Z",
            "b r-ok ok/ok fine ∅ 1-open ∅",
            "b r-reason alarm/alarm first reason ∅ 1-3 2026-01-01T00:00:00Z",
            "b r-reason alarm/alarm second reason ∅ 4-6 2026-01-01T00:00:00Z",
            "b r-waived alarm/alarm w ∅ 1-1 2026-01-01T00:00:00Z",
            "b r-waived alarm/waived w ∅ 3-3 ∅",
            "b r-waived alarm/alarm w ∅ 4-open 2026-01-04T00:00:00Z",
            "c r-gap alarm/alarm no profile ∅ 2-open 2026-01-02T00:00:00Z",
            "c r-ok error/error broken ∅ 2-2 2026-01-02T00:00:00Z",
            "c r-ok ok/ok fine ∅ 5-open ∅",
        ])
        // The view gives back exactly the rows inserted, each with failing_since per the rule.
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM run_results"), history.map(\.results.count).reduce(0, +))
        try assertAgrees(model, database, runs: Array(1...7), "migrated")

        // A run recorded after the migration continues the migrated intervals and streaks.
        func check(_ rows: [(String, String, String)]) throws -> CheckDefinition {
            try CheckDefinition(id: "k", path: "k.sql", text: "-- title: k\n-- severity: low\n-- description: d\n-- remediation: r\n"
                + rows.map { "SELECT '\($0.0)' AS resource, '\($0.1)' AS status, '\($0.2)' AS reason" }.joined(separator: " UNION ALL ") + ";")
        }
        let next = Benchmark(testID: "b", title: "b", checks: [try check([("r-gap", "alarm", "no profile"), ("r-change", "error", "x"),
                                                                         ("r-waived", "alarm", "w"), ("r-reason", "alarm", "second reason"),
                                                                         ("r-ok", "ok", "fine")])])
        XCTAssertEqual(try record(next, at: "2026-01-08T00:00:00Z", database: database, model: &model), 8)
        XCTAssertEqual(model.failingSince(Key(check: "k", resource: "r-change"), at: model.run(8)), "2026-01-07T00:00:00Z")
        XCTAssertEqual(model.failingSince(Key(check: "k", resource: "r-reason"), at: model.run(8)), "2026-01-08T00:00:00Z")
        XCTAssertEqual(model.failingSince(Key(check: "k", resource: "r-gap"), at: model.run(8)), "2026-01-06T00:00:00Z")
        try assertAgrees(model, database, runs: Array(1...8), "migrated, then run 8")
    }
}
