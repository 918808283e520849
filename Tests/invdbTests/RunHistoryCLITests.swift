import Foundation
import XCTest

/// `check --record`, `--fail-on` and a check that fails at run time, through the built binary.
final class RunHistoryCLITests: XCTestCase {
    private var folder: URL!
    private var db: String { folder.appendingPathComponent("test.sqlite").path }

    private let web2 = "i-6d367f45f32bb65b7"   // no profile; absent from the later listing

    override func setUpWithError() throws {
        folder = try InvdbProcess.temporaryFolder()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    @discardableResult
    private func invdb(_ arguments: [String], at now: String? = nil) throws -> InvdbProcess.Result {
        try InvdbProcess.run(arguments, environment: now.map { ["INVDB_NOW": $0] } ?? [:])
    }

    private func csv(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String]] {
        try XCTUnwrap(InvdbProcess.parseCSV(text), "not CSV:\n\(text)", file: file, line: line)
    }

    /// Standard output holds the rendered output only, the same bytes as without --record, also
    /// for a check without rows; the run number goes to standard error; `invdb runs` lists it.
    func testCheckRecordPrintsOnlyTheOutputAndListsTheRun() throws {
        let now = "2026-11-24T06:00:00Z"
        XCTAssertEqual(try invdb(["import", "--db", db, "Samples/aws"], at: now).status, 0)
        var expectedRuns: [[String]] = []
        for (number, only) in [[], ["--only", "ec2_instance_scripts_no_credentials"]].enumerated() {
            let plain = try invdb(["check", "--db", db, "--format", "csv"] + only, at: now)
            let recorded = try invdb(["check", "--db", db, "--format", "csv", "--record"] + only, at: now)
            XCTAssertEqual(plain.status, only.isEmpty ? 1 : 0, plain.stderr)
            XCTAssertEqual(recorded.status, plain.status, recorded.stderr)
            XCTAssertEqual(plain.stderr, "")
            XCTAssertEqual(recorded.stderr, "recorded as run \(number + 1)\n")
            XCTAssertEqual(recorded.stdout, plain.stdout)
            let records = try csv(recorded.stdout)
            let header = try XCTUnwrap(records.first)
            XCTAssertEqual(Array(header.prefix(7)), ["benchmark", "check_id", "check_title", "severity", "resource", "status", "reason"])
            for record in records { XCTAssertEqual(record.count, header.count, "\(record)") }
            let statuses = records.dropFirst().map { $0[header.firstIndex(of: "status")!] }
            if only.isEmpty {
                // Samples/aws alone: 61 rows (CLITests.testOutputFormatsAndOutputFile).
                XCTAssertEqual(statuses.count, 61)
            } else {
                // No rows, and still the columns the check's SELECT names.
                XCTAssertEqual(records, [["benchmark", "check_id", "check_title", "severity", "resource", "status", "reason", "account_id", "region",
                                          "instance_name", "instance_state"]])
            }
            expectedRuns.append([String(number + 1), now, "cis-1.18", "check"]
                                + ["alarm", "error", "waived", "ok"].map { status in String(statuses.filter { $0 == status }.count) })
        }
        let runs = try invdb(["runs", "--db", db, "--format", "csv"])
        XCTAssertEqual(runs.status, 0, runs.stderr)
        XCTAssertEqual(try csv(runs.stdout), [["run", "recorded_at", "benchmark", "command", "alarm", "error", "waived", "ok"]] + expectedRuns)
        XCTAssertEqual(expectedRuns[0].suffix(4), ["6", "1", "0", "11"], "the role checks' alarms and errors are counted")
    }

    /// --fail-on new exits 1 only when a result fails that did not fail in the previous recorded
    /// run; --fail-on none never exits 1.
    func testCheckFailOnNewComparesWithThePreviousRecordedRun() throws {
        XCTAssertEqual(try invdb(["import", "--db", db, "Tests/Fixtures/aws/later/us-east-1-describe-instances.json", "Samples/aws/iam"],
                                 at: "2026-11-20T06:00:00Z").status, 0)
        let first = try invdb(["check", "--db", db, "--record", "--fail-on", "new", "--format", "csv"], at: "2026-11-20T07:00:00Z")
        XCTAssertEqual(first.status, 1, "every failure of the first run is new: \(first.stderr)")
        XCTAssertEqual(try invdb(["check", "--db", db, "--record", "--fail-on", "new"], at: "2026-11-21T07:00:00Z").status, 0, "nothing changed")
        let none = try invdb(["check", "--db", db, "--record", "--fail-on", "none", "--format", "csv"], at: "2026-11-21T08:00:00Z")
        XCTAssertEqual(none.status, 0, none.stderr)
        XCTAssertTrue(try csv(none.stdout).contains { $0.contains("alarm") }, "there are alarms, and --fail-on none ignores them")
        XCTAssertEqual(try invdb(["check", "--db", db, "--fail-on", "none"]).status, 0, "without --record too")
        XCTAssertEqual(try invdb(["check", "--db", db, "--fail-on", "new"]).status, 64, "--fail-on new needs --record")

        // web-2 is listed again: one new failing result.
        XCTAssertEqual(try invdb(["import", "--db", db, "Samples/aws/us-east-1/describe-instances.json"], at: "2026-11-22T06:00:00Z").status, 0)
        XCTAssertEqual(try invdb(["check", "--db", db, "--record", "--fail-on", "new"], at: "2026-11-22T07:00:00Z").status, 1)
        let diff = try invdb(["diff", "--db", db, "3", "4", "--format", "csv"])
        XCTAssertEqual(try csv(diff.stdout).filter { $0.first == "new" }.map { Array($0[1...2]) }, [["ec2_instance_iam_profile_attached", web2]])
        XCTAssertEqual(try invdb(["check", "--db", db, "--record", "--fail-on", "new"], at: "2026-11-23T07:00:00Z").status, 0)
        XCTAssertEqual(try invdb(["check", "--db", db, "--record"], at: "2026-11-23T08:00:00Z").status, 1, "--fail-on any is the default")
        XCTAssertEqual(try csv(try invdb(["runs", "--db", db, "--format", "csv"]).stdout).count, 7, "the header and six runs")
    }

    func testReportFailOnNewComparesWithThePreviousRun() throws {
        let out = folder.appendingPathComponent("reports").path
        XCTAssertEqual(try invdb(["import", "--db", db, "Tests/Fixtures/aws/later/us-east-1-describe-instances.json", "Samples/aws/iam"],
                                 at: "2026-11-20T06:00:00Z").status, 0)
        func report(_ failOn: String, _ now: String) throws -> InvdbProcess.Result {
            try invdb(["report", "--db", db, "--out", out, "--fail-on", failOn], at: now)
        }
        let first = try report("new", "2026-11-20T07:00:00Z")
        XCTAssertEqual(first.status, 1, first.stderr)
        XCTAssertTrue(first.stdout.hasPrefix("Run 1: "), first.stdout)
        XCTAssertEqual(try report("new", "2026-11-21T07:00:00Z").status, 0)
        XCTAssertEqual(try report("none", "2026-11-21T08:00:00Z").status, 0)
        XCTAssertEqual(try report("any", "2026-11-21T09:00:00Z").status, 1)
        XCTAssertEqual(try invdb(["import", "--db", db, "Samples/aws/us-east-1/describe-instances.json"], at: "2026-11-22T06:00:00Z").status, 0)
        let again = try report("new", "2026-11-22T07:00:00Z")
        XCTAssertEqual(again.status, 1, again.stdout)
        XCTAssertTrue(again.stdout.contains("; 1 new, 0 resolved, "), again.stdout)
        XCTAssertEqual(try report("new", "2026-11-23T07:00:00Z").status, 0)
    }

    /// A check that prepares but fails while its rows are stepped: exit 2, the message names the
    /// check file, nothing on standard output, no run recorded, no output file.
    func testACheckFailingAtRunTimeExitsTwoAndPrintsNothing() throws {
        try InvdbProcess.copySamplesDatabase(to: db)
        let checks = folder.appendingPathComponent("my-checks")
        try FileManager.default.createDirectory(at: checks, withIntermediateDirectories: true)
        let header = "-- title: t\n-- severity: low\n-- description: d\n-- remediation: aws ec2 describe-instances\n"
        let files = [
            "a_listed.sql": "SELECT instance_id AS resource, 'ok' AS status, 'listed' AS reason FROM ec2_current_instances;",
            "b_bad_json.sql": """
                SELECT instance_id AS resource, 'ok' AS status,
                       json_extract(CASE WHEN name = 'web-2' THEN 'not json' ELSE '{"a": "fine"}' END, '$.a') AS reason
                FROM ec2_current_instances ORDER BY name;
                """,
            "c_listed.sql": "SELECT instance_id AS resource, 'alarm' AS status, 'listed' AS reason FROM ec2_current_instances;",
        ]
        for (name, sql) in files { try Data((header + sql).utf8).write(to: checks.appendingPathComponent(name)) }
        let path = checks.appendingPathComponent("b_bad_json.sql").path
        for format in ["table", "json", "csv"] {
            let result = try invdb(["check", checks.path, "--db", db, "--format", format])
            XCTAssertEqual(result.status, 2, "\(format): \(result.stderr)")
            XCTAssertEqual(result.stdout, "", "\(format): no partial output")
            XCTAssertTrue(result.stderr.hasPrefix("invdb: error: \(path): "), result.stderr)
            XCTAssertTrue(result.stderr.contains("malformed JSON"), result.stderr)
        }
        let output = folder.appendingPathComponent("out.json").path
        let recorded = try invdb(["check", checks.path, "--db", db, "--record", "--format", "json", "--output", output])
        XCTAssertEqual(recorded.status, 2, recorded.stderr)
        XCTAssertEqual(recorded.stdout, "")
        XCTAssertTrue(recorded.stderr.contains(path), recorded.stderr)
        XCTAssertFalse(recorded.stderr.contains("recorded as run"), recorded.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }, [])
        XCTAssertEqual(try csv(try invdb(["runs", "--db", db, "--format", "csv"]).stdout).count, 1, "only the header: no run")
    }
}
