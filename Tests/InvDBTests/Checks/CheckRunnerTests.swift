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
    private func run(_ paths: [String]) throws -> (InvDatabase, BenchmarkResult) {
        let database = try TestSupport.database()
        try TestSupport.importPaths(paths, into: database)
        let benchmark = try BenchmarkCatalog(directory: TestSupport.root.appendingPathComponent("Queries")).resolve("cis-1.18")
        let collector = CheckResultCollector()
        let summary = try CheckRunner(database: database).run(benchmark, into: collector)
        let result = try XCTUnwrap(collector.result)
        // Every row the consumer saw is counted, check by check.
        XCTAssertEqual(summary.checks.map(\.check.id), result.outcomes.map(\.check.id))
        XCTAssertEqual(summary.checks.map(\.counts), result.outcomes.map(\.counts))
        return (database, result)
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

    /// Every saved check is plain SQL that the sqlite3 shell runs unchanged, with the same rows.
    func testEveryCheckRunsUnchangedInTheSQLite3Shell() throws {
        let (database, result) = try run([TestSupport.samples])
        for outcome in result.outcomes {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            process.arguments = ["-readonly", "-csv", database.path]
            let input = Pipe(), output = Pipe(), errors = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            input.fileHandleForWriting.write(try Data(contentsOf: URL(fileURLWithPath: outcome.check.path)))
            try input.fileHandleForWriting.close()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
            let resources = text.split(separator: "\n").filter { $0.hasPrefix("i-") }.map { String($0.prefix(19)) }
            XCTAssertEqual(resources, outcome.rows.map(\.resource), outcome.check.id)
        }
    }
}
