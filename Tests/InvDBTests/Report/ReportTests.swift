import Foundation
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

/// Several recorded runs with imports in between, on the moto samples: new, resolved,
/// still-failing, waived and expired results are each reported, and the same database and
/// clock give the same bytes.
final class ReportTests: XCTestCase {
    private let tricky = "i-ad5ace065e3ebea11"      // no profile: alarm in every run
    private let web2 = "i-6d367f45f32bb65b7"        // no profile; gone from the later listing
    private let batch1 = "i-ed0d6a27d1dbf92d8"      // empty profile: alarm in every run

    private func date(_ text: String) -> Date { Clock.parse(text)! }

    private func benchmark() throws -> Benchmark {
        var benchmark = try BenchmarkCatalog(directory: TestSupport.root.appendingPathComponent("Queries")).resolve("cis-1.18")
        benchmark.checks = benchmark.checks.filter { ["ec2_instance_iam_profile_attached", "ec2_instance_profile_has_role"].contains($0.id) }
        return benchmark
    }

    /// A report run and what it wrote.
    struct Written {
        var report: ReportBuilder.Report
        var markdown: String
        var json: String
        var summary: CheckRunSummary { report.summary }
        /// The changes since the previous run, in full.
        var diff: [RunChange: [RunChangeItem]]
    }

    /// Runs the report into a temporary folder and reads back what it wrote.
    private func report(_ builder: ReportBuilder, _ when: String, into folder: String? = nil, database: InvDatabase) throws -> Written {
        let folder = try folder ?? TestSupport.temporaryDirectory().path
        let report = try builder.run(try benchmark(), now: date(when), writingTo: folder)
        let previous = try RunHistory.runs(database).last { $0.id < report.runId }?.id
        return Written(report: report,
                       markdown: try String(contentsOfFile: folder + "/" + report.baseName + ".md", encoding: .utf8),
                       json: try String(contentsOfFile: folder + "/" + report.baseName + ".json", encoding: .utf8),
                       diff: try TestSupport.changes(from: previous, to: report.runId, database: database))
    }

    private func importAt(_ paths: [String], _ when: String, into database: InvDatabase) throws {
        var options = ImportOptions()
        options.now = { [date = date(when)] in date }
        _ = try Importer(database: database, options: options).run(paths: paths)
    }

    /// A copy of the samples imported at 2026-11-20T06:00:00Z (imported once for the class).
    private func samplesImportedOnThe20th() throws -> InvDatabase {
        try TestSupport.cachedDatabase("samples-2026-11-20") { database in
            try importAt([TestSupport.samples], "2026-11-20T06:00:00Z", into: database)
        }
    }

    func testNewResolvedStillFailingWaivedAndExpired() throws {
        let database = try TestSupport.database()
        try importAt([TestSupport.path("Samples/aws/us-east-1"), TestSupport.path("Samples/aws/iam")], "2026-11-20T06:00:00Z", into: database)
        let builder = ReportBuilder(database: database)
        let first = try report(builder, "2026-11-20T07:00:00Z", database: database)
        XCTAssertEqual(Set((first.diff[.new] ?? []).map(\.resource)), [tricky, web2, batch1, "i-ef9c72ff2c5dded2c"])
        XCTAssertTrue((first.diff[.resolved] ?? []).isEmpty && (first.diff[.stillFailing] ?? []).isEmpty)

        // Next day: web-2 is gone from the listing; the tricky instance is waived until the 22nd.
        try importAt([TestSupport.path("Tests/Fixtures/aws/later/us-east-1-describe-instances.json")], "2026-11-21T06:00:00Z", into: database)
        _ = try WaiverStore.add(database, checkId: "ec2_instance_iam_profile_attached", resource: tricky, reason: "kiosk without AWS calls",
                                owner: "alice", expires: "2026-11-22", now: date("2026-11-21T06:30:00Z"))
        let second = try report(builder, "2026-11-21T07:00:00Z", database: database)
        XCTAssertTrue((second.diff[.new] ?? []).isEmpty)
        XCTAssertEqual(Set((second.diff[.resolved] ?? []).map(\.resource)), [web2, tricky])
        XCTAssertEqual((second.diff[.resolved] ?? []).first { $0.resource == tricky }?.status, "waived")
        XCTAssertEqual((second.diff[.stillFailing] ?? []).first { $0.resource == batch1 }?.failingSince, "2026-11-20T07:00:00Z")
        XCTAssertEqual(second.summary.counts[.waived], 1)
        XCTAssertTrue(second.markdown.contains("| ec2\\_instance\\_iam\\_profile\\_attached | \(tricky) | alice | kiosk without AWS calls | 2026-11-22 | active |"),
                      second.markdown)

        // The waiver expires: the result fails again, and the report says why.
        let third = try report(builder, "2026-11-25T07:00:00Z", database: database)
        XCTAssertEqual((third.diff[.new] ?? []).map(\.resource), [tricky])
        XCTAssertEqual(third.summary.counts[.waived] ?? 0, 0)
        XCTAssertTrue(third.markdown.contains("| 2026-11-22 | **EXPIRED**: failing again |"), third.markdown)
        XCTAssertEqual((third.diff[.stillFailing] ?? []).first { $0.resource == batch1 }?.failingSince, "2026-11-20T07:00:00Z")

        XCTAssertEqual(try RunHistory.runs(database).map(\.id), [1, 2, 3])
        let diff = try TestSupport.changes(from: 1, to: 3, database: database)
        XCTAssertEqual(diff[.resolved]?.map(\.resource), [web2])
    }

    func testSameDatabaseAndClockGiveTheSameBytes() throws {
        let database = try samplesImportedOnThe20th()
        _ = try report(ReportBuilder(database: database), "2026-11-20T07:00:00Z", database: database)
        // Two copies of the same database, the same clock: the same report, byte for byte.
        try database.checkpoint()
        let folder = try TestSupport.temporaryDirectory()
        var reports: [Written] = []
        for name in ["a.sqlite", "b.sqlite"] {
            let copy = folder.appendingPathComponent(name).path
            try FileManager.default.copyItem(atPath: database.path, toPath: copy)
            let store = try InvDatabase.open(path: copy, migrations: try TestSupport.migrations(), access: .write)
            reports.append(try report(ReportBuilder(database: store), "2026-11-21T07:00:00Z", database: store))
        }
        XCTAssertEqual(reports[0].markdown, reports[1].markdown)
        XCTAssertEqual(reports[0].json, reports[1].json)
        XCTAssertEqual(reports[0].report.baseName, "cis-1.18-20261121T070000Z")
        XCTAssertNoThrow(try JSONValue.parse(reports[0].json))
    }

    func testReportFilesAreWrittenWholeAndSortByTime() throws {
        let database = try samplesImportedOnThe20th()
        let out = try TestSupport.temporaryDirectory().appendingPathComponent("reports").path
        for day in ["2026-11-20T07:00:00Z", "2026-11-21T07:00:00Z"] {
            _ = try report(ReportBuilder(database: database), day, into: out, database: database)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        XCTAssertEqual(names, ["cis-1.18-20261120T070000Z.csv", "cis-1.18-20261120T070000Z.json", "cis-1.18-20261120T070000Z.md",
                               "cis-1.18-20261121T070000Z.csv", "cis-1.18-20261121T070000Z.json", "cis-1.18-20261121T070000Z.md", "latest.md"])
        XCTAssertEqual(try String(contentsOfFile: out + "/latest.md", encoding: .utf8),
                       try String(contentsOfFile: out + "/cis-1.18-20261121T070000Z.md", encoding: .utf8))
    }

    func testReportMarkdownIsSafeAndHasCharts() throws {
        let database = try samplesImportedOnThe20th()
        let builder = ReportBuilder(database: database)
        _ = try report(builder, "2026-11-20T07:00:00Z", database: database)
        let report = try report(builder, "2026-12-20T07:00:00Z", database: database)
        XCTAssertFalse(report.markdown.contains("<script>"))
        XCTAssertTrue(report.markdown.contains("```mermaid\npie showData\n    title Results of run 2\n"))
        XCTAssertTrue(report.markdown.contains("xychart-beta"))
        XCTAssertTrue(report.markdown.contains("> [!WARNING]"), "inputs a month old are flagged")
        for line in report.markdown.split(separator: "\n") where line.hasPrefix("| i-") {
            XCTAssertEqual(line.filter { $0 == "|" }.count, 7, String(line))
        }
    }

    /// Input in the report's JSON (a tag value grouped by) is escaped as in every JSON invdb
    /// writes: DEL, C1 and bidi characters as `\\u` escapes, never raw.
    func testReportJSONEscapesControlAndBidiCharacters() throws {
        let database = try TestSupport.database()
        try importAt([TestSupport.samples], "2026-11-20T06:00:00Z", into: database)
        let hostile = "web\u{202E}lanigiro\u{85}\u{7F}"
        try database.write { db in try db.execute(sql: "UPDATE ec2_instance_tags SET value = ? WHERE key = 'Name'", arguments: [hostile]) }
        var options = ReportBuilder.Options()
        options.groupByTag = "Name"
        let written = try report(ReportBuilder(database: database, options: options), "2026-11-20T07:00:00Z", database: database)
        XCTAssertFalse(written.json.unicodeScalars.contains { [0x202E, 0x85, 0x7F].contains($0.value) })
        XCTAssertTrue(written.json.contains("web\\u202elanigiro\\u0085\\u007f"))
        let groups = try JSONValue.parse(written.json)["by_tag"]?["groups"]?.elements ?? []
        XCTAssertTrue(groups.contains { $0["group"]?.string == hostile }, "the same value once decoded")
    }

    func testWaiversNeedReasonOwnerAndAFutureExpiry() throws {
        let database = try TestSupport.database()
        let now = date("2026-11-20T07:00:00Z")
        XCTAssertThrowsError(try WaiverStore.add(database, checkId: "c", resource: "r", reason: " ", owner: "a", expires: "2026-12-01", now: now))
        XCTAssertThrowsError(try WaiverStore.add(database, checkId: "c", resource: "r", reason: "x", owner: "", expires: "2026-12-01", now: now))
        XCTAssertThrowsError(try WaiverStore.add(database, checkId: "c", resource: "r", reason: "x", owner: "a", expires: "soon", now: now))
        XCTAssertThrowsError(try WaiverStore.add(database, checkId: "c", resource: "r", reason: "x", owner: "a", expires: "2026-11-19", now: now))
        let waiver = try WaiverStore.add(database, checkId: "c", resource: "r", reason: "x", owner: "a", expires: "2026-11-20", now: now)
        XCTAssertTrue(waiver.isActive(on: "2026-11-20"))
        XCTAssertFalse(waiver.isActive(on: "2026-11-21"))
        // Waivers survive re-imports.
        try importAt([TestSupport.samples], "2026-11-20T08:00:00Z", into: database)
        XCTAssertEqual(try WaiverStore.all(database).count, 1)
        XCTAssertTrue(try WaiverStore.remove(database, id: waiver.id))
        XCTAssertFalse(try WaiverStore.remove(database, id: waiver.id))
    }
    /// The report's counts by account and region come from the recorder as the results stream
    /// past (issue 10: no second pass over a fleet's results). They are the counts of the run's
    /// rows in the history, also when a check returns a resource twice (its later row counts),
    /// when the rows of one place come apart, and for results without an account or region; and
    /// again on the next run, where the duplicate replaces an interval the run itself opened.
    func testCountsByAccountAndRegionAreTheRecordedResults() throws {
        let database = try TestSupport.database()
        func check(_ id: String, _ sql: String) throws -> CheckDefinition {
            try CheckDefinition(id: id, path: "Tests/checks/\(id).sql",
                                text: "-- title: \(id)\n-- severity: low\n-- description: d\n-- remediation: aws ec2 describe-instances\n\(sql)")
        }
        let placed = try check("a_placed", """
            SELECT column1 AS resource, column2 AS status, column3 AS reason, column4 AS account_id, column5 AS region FROM (VALUES
                ('r1', 'alarm', 'first row', '111111111111', 'us-east-1'),
                ('r2', 'ok', 'b', '111111111111', 'eu-west-1'),
                ('r1', 'ok', 'later row', '222222222222', 'eu-west-1'),
                ('r3', 'error', 'c', '111111111111', 'us-east-1'),
                ('r4', 'info', 'd', NULL, NULL),
                ('r5', 'skip', 'e', '', 'us-east-1'),
                ('r6', 'alarm', 'f', '111111111111', 'us-east-1'));
            """)
        let regionOnly = try check("b_region_only", """
            SELECT column1 AS resource, column2 AS status, 'x' AS reason, column3 AS region FROM (VALUES
                ('r1', 'ok', 'us-east-1'), ('r2', 'alarm', 'us-east-1'), ('r2', 'alarm', 'eu-west-1'));
            """)
        let bare = try check("c_bare", "SELECT 'k1' AS resource, 'error' AS status, 'y' AS reason;")
        let benchmark = Benchmark(testID: "places", title: "places", checks: [placed, regionOnly, bare])
        for (day, expected) in [("2026-11-20", 9), ("2026-11-21", 9)] {
            let folder = try TestSupport.temporaryDirectory().path
            let report = try ReportBuilder(database: database).run(benchmark, now: date(day + "T07:00:00Z"), writingTo: folder)
            let json = try JSONValue.parse(try String(contentsOfFile: folder + "/" + report.baseName + ".json", encoding: .utf8))
            var reported: [String] = []
            for group in json["by_account_region"]?.elements ?? [] {
                for status in CheckStatus.allCases {
                    let count = group["counts"]?[status.rawValue]?.testInt ?? 0
                    if count != 0 { reported.append("\(group["account_id"]?.string ?? "?") \(group["region"]?.string ?? "?") \(status.rawValue) \(count)") }
                }
            }
            let stored = try TestSupport.strings(database, """
                SELECT coalesce(account_id, '-') || ' ' || coalesce(region, '-') || ' ' || effective_status || ' ' || count(*)
                FROM run_results WHERE run_id = ? GROUP BY coalesce(account_id, '-'), coalesce(region, '-'), effective_status
                """, [report.runId])
            XCTAssertEqual(reported.sorted(), stored.sorted(), day)
            XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM run_results WHERE run_id = ?", [report.runId]), expected, day)
            XCTAssertEqual(reported.sorted(), ["- - error 1", "- - info 1", "- eu-west-1 alarm 1", "- us-east-1 ok 1", "- us-east-1 skip 1",
                                               "111111111111 eu-west-1 ok 1", "111111111111 us-east-1 alarm 1", "111111111111 us-east-1 error 1",
                                               "222222222222 eu-west-1 ok 1"], day)
        }
    }
    /// A check that returns a resource twice: the later row is what the history keeps, and the
    /// change counts (which drive `--fail-on new`) and the counts by place say the same. Before,
    /// `ok` then `alarm` for one resource counted no new failure, and an alarm returned twice
    /// counted twice.
    func testAResourceReturnedTwiceCountsAsItsLaterRow() throws {
        let database = try TestSupport.database()
        func benchmark(_ rows: String) throws -> Benchmark {
            let check = try CheckDefinition(id: "twice", path: "Tests/checks/twice.sql", text: """
                -- title: twice
                -- severity: low
                -- description: d
                -- remediation: aws ec2 describe-instances
                SELECT column1 AS resource, column2 AS status, column3 AS reason, '111111111111' AS account_id, 'eu-west-1' AS region
                FROM (VALUES \(rows));
                """)
            return Benchmark(testID: "twice", title: "twice", checks: [check])
        }
        func record(_ rows: String, _ when: String) throws -> (run: Int, changes: [RunChange: Int], counts: RunCounts?) {
            try database.write { db in
                let recorder = RunRecorder(db: db, command: .check, now: date(when))
                try CheckRunner(database: database).run(try benchmark(rows), into: recorder)
                return (try XCTUnwrap(recorder.runId), recorder.changeCounts,
                        recorder.countsByPlace[ResultPlace(account: "111111111111", region: "eu-west-1")])
            }
        }
        func stored(_ run: Int) throws -> [String] {
            try TestSupport.strings(database, "SELECT resource || ' ' || effective_status || ' ' || reason FROM run_results WHERE run_id = ? ORDER BY 1",
                                    [run])
        }
        let first = try record("('r', 'ok', 'a'), ('s', 'alarm', 'x')", "2026-11-20T07:00:00Z")
        XCTAssertEqual(first.changes, [.new: 1, .resolved: 0, .stillFailing: 0])
        let second = try record("('r', 'ok', 'b'), ('r', 'alarm', 'c'), ('s', 'alarm', 'x'), ('s', 'alarm', 'x')", "2026-11-21T07:00:00Z")
        XCTAssertEqual(try stored(second.run), ["r alarm c", "s alarm x"])
        XCTAssertEqual(second.changes, [.new: 1, .resolved: 0, .stillFailing: 1])
        XCTAssertEqual(second.counts?.alarm, 2)
        XCTAssertEqual(second.counts?.ok, 0)
        let third = try record("('r', 'alarm', 'c'), ('r', 'ok', 'd'), ('s', 'alarm', 'x')", "2026-11-22T07:00:00Z")
        XCTAssertEqual(try stored(third.run), ["r ok d", "s alarm x"])
        XCTAssertEqual(third.changes, [.new: 0, .resolved: 1, .stillFailing: 1])
        XCTAssertEqual(third.counts?.alarm, 1)
        XCTAssertEqual(third.counts?.ok, 1)
    }
}
