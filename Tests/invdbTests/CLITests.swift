import Foundation
import XCTest

/// End-to-end tests: run the built `invdb` binary on the bundled samples and on bad input, and
/// compare standard output, standard error and the exit code. Each test uses its own database.
final class CLITests: XCTestCase {
    typealias Result = InvdbProcess.Result

    static let root = InvdbProcess.root
    static var binary: URL { InvdbProcess.binary }

    private var folder: URL!
    private var db: String { folder.appendingPathComponent("test.sqlite").path }

    override func setUpWithError() throws {
        folder = try InvdbProcess.temporaryFolder()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    @discardableResult
    private func invdb(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:],
                       executable: URL = CLITests.binary, directory: URL? = nil) throws -> Result {
        try InvdbProcess.run(arguments, stdin: stdin, environment: environment, executable: executable, directory: directory)
    }

    func testImportThenCheckOnTheSamples() throws {
        let imported = try invdb(["import", "--db", db, "Samples/aws"])
        XCTAssertEqual(imported.status, 0, imported.stderr)
        XCTAssertTrue(imported.stdout.contains("Imported 10 files"), imported.stdout)
        XCTAssertTrue(imported.stdout.contains("ec2_instances"), imported.stdout)
        XCTAssertTrue(imported.stdout.contains("skipped: Samples/aws/s3/list-buckets.json"), imported.stdout)

        let roles = try invdb(["check", "cis-1.18", "--db", db, "--only", "ec2_instance_iam_profile_attached",
                               "ec2_instance_profile_has_role", "ec2_instance_role_trusts_ec2"])
        XCTAssertEqual(roles.status, 1, "alarms found: \(roles.stderr)")
        XCTAssertTrue(roles.stdout.contains("3 checks, 19 results: 6 alarm, 1 error, 11 ok, 1 skip"), roles.stdout)

        // Both listings of us-east-1 in one run make one snapshot (Samples/aws's is re-read).
        XCTAssertEqual(try invdb(["import", "--db", db, "Samples/aws", "Samples/credentials/aws"]).status, 0)
        let scan = try invdb(["scan", "--db", db, "Samples/credentials/hosts"])
        XCTAssertEqual(scan.status, 0, scan.stderr)
        XCTAssertTrue(scan.stdout.hasPrefix("Scanned 19 files of 5 instances"), scan.stdout)
        let check = try invdb(["check", "cis-1.18", "--db", db])
        XCTAssertEqual(check.status, 1)
        XCTAssertTrue(check.stdout.contains("11 checks, 164 results: 37 alarm, 2 error, 87 info, 30 ok, 8 skip"), check.stdout)
        XCTAssertFalse(check.stdout.contains("\u{1B}["), "no colour when not a terminal")
        for line in check.stdout.split(separator: "\n") { XCTAssertLessThanOrEqual(line.count, 80, String(line)) }

        let alias = try invdb(["check", "cis-2.16", "--db", db, "--format", "json"])
        XCTAssertEqual(alias.status, 1)
        XCTAssertTrue(alias.stdout.contains("\"alarm\": 37"), alias.stdout)
    }

    func testOutputFormatsAndOutputFile() throws {
        try InvdbProcess.copySamplesDatabase(to: db)
        let markdown = try invdb(["check", "--db", db, "--format", "markdown"])
        XCTAssertTrue(markdown.stdout.hasPrefix("# CIS AWS Foundations 1.18"), markdown.stdout)
        XCTAssertFalse(markdown.stdout.contains("<script>"))
        let csvPath = folder.appendingPathComponent("out.csv").path
        let csv = try invdb(["check", "--db", db, "--format", "csv", "--output", csvPath])
        XCTAssertEqual(csv.stdout, "")
        let written = try String(contentsOfFile: csvPath, encoding: .utf8)
        XCTAssertTrue(written.hasPrefix("benchmark,check_id,check_title,severity,resource,status,reason,account_id,region"), written)
        // Samples/aws alone: the role checks judge 19 instance rows, the user-data check 10 (info:
        // not imported), the host-scan check 10, the scripts and applications checks none, and
        // the CloudTrail checks 10 (no logs), 6 (instances with a profile) and 6.
        XCTAssertEqual(written.components(separatedBy: "\r\n").filter { $0.hasPrefix("cis-1.18,") }.count, 61)
    }

    /// `--status alarm,error` shows only those rows; the counts stay those of every result.
    func testStatusFilterShowsOnlyTheAskedStatuses() throws {
        try invdb(["import", "--db", db, "Samples/aws"])
        let all = try invdb(["check", "--db", db, "--format", "csv"])
        let filtered = try invdb(["check", "--db", db, "--format", "csv", "--status", "alarm,error"])
        XCTAssertEqual(filtered.status, 1, filtered.stderr)
        func rows(_ csv: String) -> [String] { csv.components(separatedBy: "\r\n").filter { $0.hasPrefix("cis-1.18,") } }
        let expected = rows(all.stdout).filter { $0.contains(",alarm,") || $0.contains(",error,") }
        XCTAssertEqual(rows(filtered.stdout), expected)
        XCTAssertEqual(expected.count, 7, "Samples/aws: 6 alarms and 1 error")
        let table = try invdb(["check", "--db", db, "--status", "error"])
        XCTAssertTrue(table.stdout.contains("11 checks, 61 results: 6 alarm, 1 error, 39 info, 11 ok, 4 skip"),
                      "the summary counts every result: \(table.stdout)")
        XCTAssertFalse(table.stdout.contains("\n  alarm "), table.stdout)
        let bad = try invdb(["check", "--db", db, "--status", "alarm,broken"])
        XCTAssertEqual(bad.status, 64, bad.stderr)
    }

    func testBadInputExitsTwoWithPositionAndWritesNothing() throws {
        try invdb(["import", "--db", db, "Samples/aws/iam"])
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let bad = try invdb(["import", "--db", db, "Samples/aws/us-east-1", "Tests/Fixtures/bad/missing-comma.json"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("Tests/Fixtures/bad/missing-comma.json:10:21: error: expected ',' or '}'"), bad.stderr)
        XCTAssertTrue(bad.stderr.contains("nothing was imported"), bad.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: db)), before, "the database is exactly as before")

        let unknown = try invdb(["import", "--db", db, "Tests/Fixtures/bad/unknown-kind.json"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("not an input invdb knows"), unknown.stderr)

        let keepGoing = try invdb(["import", "--db", db, "--keep-going", "Samples/aws/us-east-1", "Tests/Fixtures/bad/truncated.json"])
        XCTAssertEqual(keepGoing.status, 2)
        XCTAssertTrue(keepGoing.stdout.contains("Imported 2 files"), keepGoing.stdout)
        XCTAssertTrue(keepGoing.stderr.contains("truncated.json:"), keepGoing.stderr)
    }

    func testStandardInputAndEnvironmentDatabase() throws {
        let data = try Data(contentsOf: CLITests.root.appendingPathComponent("Samples/aws/us-east-1/describe-instances.json"))
        let result = try invdb(["import", "-"], stdin: data, environment: ["INVDB_DB": db])
        XCTAssertEqual(result.status, 0, result.stderr)
        let count = try invdb(["query", "--format", "csv", "SELECT count(*) AS n FROM ec2_instances"], environment: ["INVDB_DB": db])
        XCTAssertEqual(count.stdout, "n\r\n7\r\n")
    }

    func testQueryIsReadOnlyAndReportsSQLErrors() throws {
        try InvdbProcess.copySamplesDatabase(to: db)
        let write = try invdb(["query", "--db", db, "DELETE FROM ec2_instances"])
        XCTAssertEqual(write.status, 2)
        XCTAssertTrue(write.stderr.contains("not authorized"), write.stderr)
        let typo = try invdb(["query", "--db", db, "SELECT nope FROM ec2_instances"])
        XCTAssertEqual(typo.status, 2)
        XCTAssertTrue(typo.stderr.contains("no such column: nope"), typo.stderr)
        let stdinQuery = try invdb(["query", "--db", db, "--format", "json", "-"], stdin: Data("SELECT name FROM ec2_instances WHERE name = 'web-1'".utf8))
        XCTAssertEqual(stdinQuery.stdout, "[\n  {\"name\": \"web-1\"}\n]\n")
        let tables = try invdb(["tables", "--counts", "--db", db, "--format", "csv"])
        XCTAssertTrue(tables.stdout.contains("ec2_instances,table,10,"), tables.stdout)
    }

    func testMissingDatabaseAndUsageErrors() throws {
        let missing = try invdb(["check", "--db", folder.appendingPathComponent("none.sqlite").path])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("no database at"), missing.stderr)
        XCTAssertEqual(try invdb(["check", "--format", "yaml"]).status, 64)
        XCTAssertEqual(try invdb(["import", "--db", db, "--account", "12", "Samples/aws"]).status, 64)
        XCTAssertEqual(try invdb(["frobnicate"]).status, 64)
        let unknownBenchmark = try invdb(["check", "cis-9.9", "--db", db])
        XCTAssertEqual(unknownBenchmark.status, 64, "an unknown benchmark is a usage error")
        XCTAssertTrue(unknownBenchmark.stderr.contains("no benchmark named 'cis-9.9'"), unknownBenchmark.stderr)
    }

    /// Every option of every command has help text, and every command is in the README.
    func testHelpDocumentsEveryOption() throws {
        let readme = try String(contentsOf: CLITests.root.appendingPathComponent("README.md"), encoding: .utf8)
        for command in ["import", "scan", "check", "checks", "report", "runs", "diff", "waive", "waivers", "query", "tables"] {
            let help = try invdb(["help", command])
            XCTAssertEqual(help.status, 0)
            let optionLines = help.stdout.split(separator: "\n").filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
            XCTAssertFalse(optionLines.isEmpty, command)
            for line in optionLines where !line.contains("--help") && !line.contains("--version") {
                let text = line.trimmingCharacters(in: .whitespaces)
                let hasInlineHelp = text.split(separator: " ", omittingEmptySubsequences: true).count > 2
                XCTAssertTrue(hasInlineHelp || help.stdout.contains(text + "\n        "), "\(command): \(text) has no help")
            }
            XCTAssertTrue(readme.contains("invdb \(command)"), "README documents invdb \(command)")
        }
    }

    /// An installed binary finds its Schema/ and Queries/ in PREFIX/share/invdb from any folder.
    func testInstalledLayoutWorksFromAnyFolder() throws {
        let prefix = folder.appendingPathComponent("prefix")
        let fm = FileManager.default
        try fm.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try fm.createDirectory(at: prefix.appendingPathComponent("share/invdb"), withIntermediateDirectories: true)
        let installed = prefix.appendingPathComponent("bin/invdb")
        try fm.copyItem(at: CLITests.binary, to: installed)
        for name in ["Schema", "Queries"] {
            try fm.copyItem(at: CLITests.root.appendingPathComponent(name), to: prefix.appendingPathComponent("share/invdb/\(name)"))
        }
        let elsewhere = folder.appendingPathComponent("elsewhere")
        try fm.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        let samples = CLITests.root.appendingPathComponent("Samples/aws").path
        XCTAssertEqual(try invdb(["import", samples], executable: installed, directory: elsewhere).status, 0)
        XCTAssertTrue(fm.fileExists(atPath: elsewhere.appendingPathComponent("invdb.sqlite").path), "default database in the current folder")
        let check = try invdb(["check", "cis-1.18"], executable: installed, directory: elsewhere)
        XCTAssertEqual(check.status, 1, check.stderr)
        let checks = try invdb(["checks"], executable: installed, directory: elsewhere)
        XCTAssertTrue(checks.stdout.contains("ec2_instance_iam_profile_attached"), checks.stdout)
    }

    func testUserChecksFolder() throws {
        try InvdbProcess.copySamplesDatabase(to: db)
        let mine = folder.appendingPathComponent("my-checks")
        try FileManager.default.createDirectory(at: mine, withIntermediateDirectories: true)
        try Data("""
            -- title: Instances are named
            -- severity: low
            -- description: Every instance has a Name tag.
            -- remediation: aws ec2 create-tags --resources <id> --tags Key=Name,Value=<name>
            SELECT instance_id AS resource, CASE WHEN name IS NULL THEN 'alarm' ELSE 'ok' END AS status,
                'named ' || coalesce(name, '-') AS reason, region FROM ec2_current_instances;
            """.utf8).write(to: mine.appendingPathComponent("instance_named.sql"))
        let result = try invdb(["check", mine.path, "--db", db, "--format", "csv"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout.components(separatedBy: "\r\n").filter { $0.contains(",instance_named,") }.count, 10)
    }

    func testReportRunsAndWaiversFromTheCommandLine() throws {
        try invdb(["import", "--db", db, "Samples/aws"], environment: ["INVDB_NOW": "2026-11-24T06:00:00Z"])
        let out = folder.appendingPathComponent("reports").path
        let first = try invdb(["report", "--db", db, "--out", out], environment: ["INVDB_NOW": "2026-11-24T06:00:00Z"])
        XCTAssertEqual(first.status, 1, first.stderr)
        XCTAssertTrue(first.stdout.hasPrefix("Run 1:"), first.stdout)
        let refused = try invdb(["waive", "--db", db, "ec2_instance_iam_profile_attached", "i-ad5ace065e3ebea11", "--owner", "alice", "--expires", "2026-12-31"])
        XCTAssertEqual(refused.status, 64, "a waiver without a reason is refused")
        let waived = try invdb(["waive", "--db", db, "ec2_instance_iam_profile_attached", "i-ad5ace065e3ebea11", "--reason", "kiosk",
                                "--owner", "alice", "--expires", "2026-12-31"], environment: ["INVDB_NOW": "2026-11-25T06:00:00Z"])
        XCTAssertEqual(waived.status, 0, waived.stderr)
        let second = try invdb(["report", "--db", db, "--out", out, "--fail-on", "new"], environment: ["INVDB_NOW": "2026-11-25T06:00:00Z"])
        XCTAssertEqual(second.status, 0, "nothing new: \(second.stdout)")
        XCTAssertTrue(second.stdout.contains("0 new, 1 resolved"), second.stdout)
        let runs = try invdb(["runs", "--db", db, "--format", "csv"])
        XCTAssertEqual(runs.stdout.components(separatedBy: "\r\n").filter { $0.hasPrefix("1,") || $0.hasPrefix("2,") }.count, 2, runs.stdout)
        let diff = try invdb(["diff", "--db", db, "1", "2", "--format", "csv"])
        XCTAssertTrue(diff.stdout.contains("resolved,ec2_instance_iam_profile_attached,i-ad5ace065e3ebea11"), diff.stdout)
        let check = try invdb(["check", "--db", db, "--format", "csv"], environment: ["INVDB_NOW": "2026-11-25T06:00:00Z"])
        XCTAssertTrue(check.stdout.contains("i-ad5ace065e3ebea11,waived,"), check.stdout)
        let expired = try invdb(["check", "--db", db, "--format", "csv"], environment: ["INVDB_NOW": "2027-01-02T06:00:00Z"])
        XCTAssertTrue(expired.stdout.contains("i-ad5ace065e3ebea11,alarm,"), "an expired waiver no longer hides the alarm")
    }
}
