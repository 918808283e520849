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

/// Issue 8: two accounts that reuse the same role, profile and user names
/// (Tests/Fixtures/aws/two-accounts, exported from moto by Scripts/export-aws.sh --profiles).
/// Every check joins EC2 and IAM through the account, and nothing depends on file order.
final class ManyAccountsTests: XCTestCase {
    private let fixture = "Tests/Fixtures/aws/two-accounts"
    private let webA = "i-8c2a636ded06f404f", workerA = "i-ece0b67df47607b9b", webB = "i-0675ee2ea196d54e8"

    /// The one file of the export invdb does not import (named explicitly, it would be an error).
    static let notImported: Set<String> = ["network-interfaces.json"]

    /// Every file of the fixture the checks read, in the order the export script's names sort.
    private func files() throws -> [String] {
        var files: [String] = []
        FileTree.walk(TestSupport.path(fixture), includeHidden: false) { entry in
            if case .file(let path) = entry, path.hasSuffix(".json") || path.hasSuffix(".jsonl"), !Self.notImported.contains((path as NSString).lastPathComponent) {
                files.append(path)
            }
        }
        return files.sorted()
    }

    /// A copy of every file of the fixture imported in one run (imported once for the class).
    private func allFilesDatabase() throws -> InvDatabase {
        let files = try files()
        return try TestSupport.cachedDatabase("two-accounts") { try TestSupport.importPaths(files, into: $0) }
    }

    /// Check results as `check resource status reason` lines.
    private func results(importing paths: [String], oneRunPerFile: Bool) throws -> [String] {
        let database = try TestSupport.database()
        if oneRunPerFile {
            for path in paths { try TestSupport.importPaths([path], into: database) }
        } else {
            try TestSupport.importPaths(paths, into: database)
        }
        return try results(database)
    }

    private func results(_ database: InvDatabase) throws -> [String] {
        let benchmark = try BenchmarkCatalog(directory: TestSupport.root.appendingPathComponent("Queries")).resolve("cis-1.18")
        let collector = CheckResultCollector()
        try CheckRunner(database: database).run(benchmark, into: collector)
        return collector.outcomes.flatMap { outcome in
            outcome.rows.map { "\(outcome.check.id) \($0.resource) \($0.status.rawValue) \($0.reason)" }
        }
    }

    func testFileOrderDoesNotChangeAnyResult() throws {
        let files = try files()
        XCTAssertEqual(files.count, 28, "18 inventory and credential files, and 5 network listings of each account")
        let forward = try results(importing: files, oneRunPerFile: true)
        let backward = try results(importing: files.reversed(), oneRunPerFile: true)
        XCTAssertEqual(forward, backward)
        XCTAssertEqual(try results(importing: files.reversed(), oneRunPerFile: false), forward)
    }

    func testSameNamesInTwoAccountsNeverMix() throws {
        let lines = try results(try allFilesDatabase())
        func status(_ check: String, _ resource: String) -> String? {
            lines.first { $0.hasPrefix("\(check) \(resource) ") }?.split(separator: " ")[2].description
        }
        XCTAssertEqual(status("ec2_instance_iam_profile_attached", webA), "ok")
        XCTAssertEqual(status("ec2_instance_iam_profile_attached", workerA), "alarm")
        XCTAssertEqual(status("ec2_instance_iam_profile_attached", webB), "ok")
        XCTAssertEqual(status("ec2_instance_profile_has_role", webA), "ok", "A's app-profile holds app-role")
        XCTAssertEqual(status("ec2_instance_profile_has_role", webB), "alarm", "B's app-profile of the same name holds no role")
        XCTAssertEqual(status("ec2_instance_role_trusts_ec2", webA), "ok")
        XCTAssertNil(status("ec2_instance_role_trusts_ec2", webB), "B's profile holds no role: nothing to judge")
        XCTAssertEqual(status("ec2_instance_user_data_no_credentials", workerA), "alarm")
        XCTAssertEqual(status("ec2_instance_user_data_no_credentials", webB), "alarm")
        let keyA = lines.first { $0.hasPrefix("iam_found_access_key_inactive AKIARTXV5AHDYOQWA3MU ") }
        let keyB = lines.first { $0.hasPrefix("iam_found_access_key_inactive AKIATHPL2AOHHQFKYJ7B ") }
        XCTAssertTrue(keyA?.contains("alarm Active key of IAM user deploy-bot in account 111111111111") ?? false, keyA ?? "no row for A's key")
        XCTAssertTrue(keyB?.contains("alarm Active key of IAM user deploy-bot in account 222222222222") ?? false, keyB ?? "no row for B's key")
    }

    func testKeyOwnersAreFoundWithoutLookingAtFileOrder() throws {
        let database = try TestSupport.database()
        // The keys before the users: the import used to look the user up and store NULL.
        let files = try files()
        try TestSupport.importPaths(files.filter { $0.contains("access-keys") }, into: database)
        try TestSupport.importPaths(files.filter { !$0.contains("access-keys") }, into: database)
        let owners = try TestSupport.strings(database, "SELECT access_key_id || ' ' || account_id || ' ' || matched_by FROM iam_access_key_owners ORDER BY 1")
        XCTAssertEqual(owners, ["AKIARTXV5AHDYOQWA3MU 111111111111 credential report", "AKIATHPL2AOHHQFKYJ7B 222222222222 credential report"])
    }

    func testAProfileNamedOnlyByIdIsMatchedById() throws {
        let database = try TestSupport.database()
        // A sanitised export: IamInstanceProfile has only the profile id (AIPA…), no ARN.
        var listing = try String(contentsOfFile: TestSupport.path("\(fixture)/111111111111/us-east-1/instances.json"), encoding: .utf8)
        let profiles = try JSONValue.parse(String(contentsOfFile: TestSupport.path("\(fixture)/111111111111/iam/instance-profiles.json"), encoding: .utf8))
        let profile = profiles["InstanceProfiles"]!.elements.first { $0["InstanceProfileName"]?.string == "app-profile" }!
        let arn = profile["Arn"]!.string!, id = profile["InstanceProfileId"]!.string!
        listing = listing.replacingOccurrences(of: "\"Arn\": \"\(arn)\",", with: "")
        XCTAssertFalse(listing.contains(arn))
        let instance = try JSONValue.parse(listing)["Reservations"]!.elements.flatMap { $0["Instances"]!.elements }.first { $0["InstanceId"]?.string == webA }!
        let listedId = instance["IamInstanceProfile"]!["Id"]!.string!
        listing = listing.replacingOccurrences(of: listedId, with: id)   // moto puts the association id there; AWS the profile id
        let path = try TestSupport.file(named: "instances.json", listing)
        try TestSupport.importPaths([path, TestSupport.path("\(fixture)/111111111111/iam"), TestSupport.path("\(fixture)/222222222222/iam")], into: database)
        XCTAssertEqual(try TestSupport.strings(database, "SELECT matched_by || ' ' || profile_arn FROM instance_profile_links WHERE instance_id = ?", [webA]),
                       ["id \(arn)"])
        let benchmark = try BenchmarkCatalog(directory: TestSupport.root.appendingPathComponent("Queries")).resolve("cis-1.18")
        let collector = CheckResultCollector()
        try CheckRunner(database: database).run(benchmark, into: collector)
        func row(_ check: String) -> CheckResultRow? {
            collector.outcomes.first { $0.check.id == check }?.rows.first { $0.resource == webA }
        }
        XCTAssertEqual(row("ec2_instance_iam_profile_attached")?.status, .ok, "a profile named by id is a profile")
        XCTAssertEqual(row("ec2_instance_profile_has_role")?.status, .ok)
        XCTAssertTrue(row("ec2_instance_profile_has_role")?.reason.contains("matched to the IAM data by it") ?? false)
        XCTAssertEqual(row("ec2_instance_role_trusts_ec2")?.status, .ok)
    }

    func testTheAccountEncodedInAKeyId() {
        // The example of Tal Be'ery's write-up ("A short note on AWS KEY ID", 2023).
        XCTAssertEqual(AWSAccessKey.accountId(fromKeyId: "ASIAY34FZKBOKMUTVV7A"), "609629065308")
        XCTAssertNil(AWSAccessKey.accountId(fromKeyId: "AKIA0000000000000000"), "0, 1, 8, 9 are not base32")
    }

    func testTheReportCountsResultsPerAccountAndRegion() throws {
        let database = try allFilesDatabase()
        let benchmark = try BenchmarkCatalog(directory: TestSupport.root.appendingPathComponent("Queries")).resolve("cis-1.18")
        let folder = try TestSupport.temporaryDirectory().path
        let report = try ReportBuilder(database: database).run(benchmark, now: Date(timeIntervalSince1970: 1_790_000_000), writingTo: folder)
        let markdown = try String(contentsOfFile: folder + "/" + report.baseName + ".md", encoding: .utf8)
        let section = markdown.components(separatedBy: "### By account (")[1].components(separatedBy: "\n### ")[0]
        let accounts = section.split(separator: "\n").filter { $0.hasPrefix("| 1") || $0.hasPrefix("| 2") }
            .map { $0.split(separator: "|")[0].trimmingCharacters(in: CharacterSet.whitespaces) }
        XCTAssertEqual(Set(accounts), ["111111111111", "222222222222"])
        let json = try JSONValue.parse(try String(contentsOfFile: folder + "/" + report.baseName + ".json", encoding: .utf8))
        XCTAssertEqual(json["by_account_region"]?.elements.compactMap { $0["account_id"]?.string }, ["111111111111", "111111111111", "222222222222", "222222222222"])
    }
}
