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

/// The CIS 1.18 role checks on the bundled samples: each instance's verdict is the one its
/// scenario was built for (Samples/aws/README.md).
final class CheckRunnerTests: XCTestCase {
    /// The samples imported and checked once for the whole class; the tests only read them.
    nonisolated(unsafe) private static var samples: Result<(InvDatabase, BenchmarkResult, CheckRunSummary), any Error>!

    override class func setUp() {
        super.setUp()
        samples = Result { try CheckRunnerTests.importAndRun([TestSupport.samples]) }
    }

    private static func importAndRun(_ paths: [String]) throws -> (InvDatabase, BenchmarkResult, CheckRunSummary) {
        let database = try TestSupport.database()
        try TestSupport.importPaths(paths, into: database)
        let benchmark = try BenchmarkCatalog(directory: TestSupport.root.appendingPathComponent("Queries")).resolve("cis-1.18")
        let collector = CheckResultCollector()
        let summary = try CheckRunner(database: database).run(benchmark, into: collector)
        return (database, try XCTUnwrap(collector.result), summary)
    }

    /// The shared samples database and its results, or `paths` imported into a database of its own.
    private func run(_ paths: [String]) throws -> (InvDatabase, BenchmarkResult) {
        let (database, result, _) = paths == [TestSupport.samples] ? try Self.samples.get() : try Self.importAndRun(paths)
        return (database, result)
    }

    /// Every row the consumer saw is counted, check by check.
    func testTheSummaryCountsEveryRowTheConsumerSaw() throws {
        let (_, result, summary) = try Self.samples.get()
        XCTAssertEqual(summary.checks.map(\.check.id), result.outcomes.map(\.check.id))
        XCTAssertEqual(summary.checks.map(\.counts), result.outcomes.map(\.counts))
        XCTAssertEqual(result.outcomes.map(\.check.id), ["ec2_instance_iam_profile_attached", "ec2_instance_profile_has_role", "ec2_instance_role_trusts_ec2",
                                                        "ec2_instance_user_data_no_credentials", "ec2_instance_host_scanned",
                                                        "ec2_instance_scripts_no_credentials", "ec2_instance_applications_no_credentials",
                                                        "iam_found_access_key_inactive", "ec2_instance_no_long_term_key_calls",
                                                        "ec2_instance_role_in_use", "ec2_instance_role_credentials_stay_on_instance"])
    }

    private func outcome(_ result: BenchmarkResult, _ check: String) -> CheckOutcome {
        result.outcomes.first { $0.check.id == check }!
    }

    private func verdicts(_ result: BenchmarkResult, _ check: String) -> [String: CheckStatus] {
        let outcome = result.outcomes.first { $0.check.id == check }!
        return Dictionary(uniqueKeysWithValues: outcome.rows.map { ($0.dimension("instance_name"), $0.status) })
    }

    private let tricky = "a|b <script>alert(1)</script> `x`"

    func testProfileAttached() throws {
        let (_, result) = try run([TestSupport.samples])
        XCTAssertEqual(verdicts(result, "ec2_instance_iam_profile_attached"), [
            "web-1": .ok, "web-2": .alarm, "batch-1": .ok, "worker-1": .ok, "late-1": .ok, "old-1": .skip, tricky: .alarm,
            "eu-web-1": .ok, "eu-db-1": .alarm, "eu-job-1": .ok,
        ])
    }

    func testProfileHoldsARole() throws {
        let (_, result) = try run([TestSupport.samples])
        XCTAssertEqual(verdicts(result, "ec2_instance_profile_has_role"), [
            "web-1": .ok, "batch-1": .alarm, "worker-1": .ok, "late-1": .error, "eu-web-1": .ok, "eu-job-1": .alarm,
        ])
        let late = outcome(result, "ec2_instance_profile_has_role").rows.first { $0.dimension("instance_name") == "late-1" }!
        XCTAssertTrue(late.reason.contains("late-profile") && late.reason.contains("list-instance-profiles"), late.reason)
        XCTAssertTrue(late.reason.contains("Samples/aws/iam/"), "names the IAM import that lacks the profile: \(late.reason)")
    }

    func testRoleTrustsEC2() throws {
        let (_, result) = try run([TestSupport.samples])
        XCTAssertEqual(verdicts(result, "ec2_instance_role_trusts_ec2"), ["web-1": .ok, "worker-1": .alarm, "eu-web-1": .ok])
        XCTAssertTrue(result.summary.hasFindings)
    }

    func testWithoutIAMDataProfilesAreNotPasses() throws {
        let (_, result) = try run([TestSupport.path("Samples/aws/us-east-1")])
        let statuses = Set(result.outcomes.first { $0.check.id == "ec2_instance_profile_has_role" }!.rows
            .filter { $0.dimension("instance_state") != "terminated" }.map(\.status))
        XCTAssertEqual(statuses, [.error])
        let reason = outcome(result, "ec2_instance_profile_has_role").rows.first { $0.status == .error }!.reason
        XCTAssertTrue(reason.contains("no IAM instance profiles of account 123456789012 have been imported"), reason)
    }

    func testRemediationsAreRealCommands() throws {
        let (_, result) = try run([TestSupport.samples])
        let alarm = outcome(result, "ec2_instance_iam_profile_attached").rows.first { $0.status == .alarm }!
        XCTAssertTrue(alarm.reason.contains("aws ec2 associate-iam-instance-profile --instance-id \(alarm.resource)"))
        XCTAssertTrue(outcome(result, "ec2_instance_iam_profile_attached").check.remediation.contains("associate-iam-instance-profile"))
        XCTAssertFalse(result.outcomes.map(\.check.remediation).joined().lowercased().contains("relaunch the instance"))
    }

    func testTheViewAnswersTheQuestionInOneQuery() throws {
        let (database, _) = try run([TestSupport.samples])
        XCTAssertEqual(try TestSupport.strings(database, "SELECT name || ': ' || problem FROM instances_without_usable_role ORDER BY name"), [
            tricky + ": no instance profile", "batch-1: profile holds no role", "eu-db-1: no instance profile",
            "eu-job-1: profile holds no role", "late-1: profile not in imported IAM data", "web-2: no instance profile",
            "worker-1: role does not trust ec2.amazonaws.com",
        ])
    }

    /// Runs `file` with the sqlite3 shell on `database` (read-only) and returns its rows as JSON
    /// objects, columns in order.
    private func sqlite3Rows(_ file: String, database: String) throws -> [JSONValue] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-readonly", "-json", database]
        process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        let errors = try TestSupport.temporaryDirectory().appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: errors)
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, (try? String(contentsOf: errors, encoding: .utf8)) ?? "")
        // The shell prints nothing at all for a query without rows.
        return text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? [] : try JSONValue.parse(text).elements
    }

    /// A cell as the sqlite3 shell's JSON writes it.
    private func json(_ cell: CellValue) -> JSONValue {
        switch cell {
        case .null: return .null
        case .integer(let number): return .number(String(number))
        case .real(let number): return .number(String(number))
        case .text(let text): return .string(text)
        }
    }

    /// Every saved check is plain SQL that the sqlite3 shell runs unchanged, with the same rows:
    /// every row of every check, every column in full, on data where every check returns rows.
    func testEveryCheckRunsUnchangedInTheSQLite3Shell() throws {
        let database = try TestSupport.database()
        try TestSupport.importPaths([TestSupport.samples, TestSupport.path("Samples/credentials/aws"),
                                     TestSupport.path("Samples/credentials/scanner-reports")], into: database)
        _ = try HostScanner(database: database, options: .init()).run(paths: [TestSupport.path("Samples/credentials/hosts")])
        let result = try TestSupport.runChecks(try BenchmarkCatalog(directory: TestSupport.root.appendingPathComponent("Queries")).resolve("cis-1.18"),
                                               database: database)
        XCTAssertEqual(result.outcomes.count, 11)
        for outcome in result.outcomes {
            let id = outcome.check.id
            let shell = try sqlite3Rows(outcome.check.path, database: database.path)
            XCTAssertFalse(shell.isEmpty, "\(id) returns rows on the demo data, so the comparison compares something")
            XCTAssertEqual(shell.count, outcome.rows.count, id)
            for (row, expected) in zip(outcome.rows, shell) {
                let members = expected.members
                XCTAssertEqual(members.prefix(3).map(\.key), ["resource", "status", "reason"], id)
                XCTAssertEqual(row.resource, expected["resource"]?.string, id)
                XCTAssertEqual(row.status.rawValue, expected["status"]?.string, "\(id) \(row.resource)")
                XCTAssertEqual(row.reason, expected["reason"]?.string, "\(id) \(row.resource)")
                XCTAssertEqual(row.dimensions.map(\.name), members.dropFirst(3).map(\.key), "\(id) \(row.resource)")
                XCTAssertEqual(row.dimensions.map { json($0.value) }, members.dropFirst(3).map(\.value), "\(id) \(row.resource)")
            }
        }
        // The demo data as the README shows it (11 checks, 164 results), access keys included.
        XCTAssertEqual(result.outcomes.map(\.rows.count).reduce(0, +), 164)
        XCTAssertEqual(result.summary.counts, [.alarm: 37, .error: 2, .info: 87, .ok: 30, .skip: 8])
    }
}
