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

/// Imports of the real AWS CLI output in Samples/aws (made against moto by make-samples.sh).
final class ImporterTests: XCTestCase {
    private let account = "123456789012"

    func testImportsEveryKindOfTheSamples() throws {
        let database = try TestSupport.database()
        let summary = try TestSupport.importPaths([TestSupport.samples], into: database)
        XCTAssertTrue(summary.failures.isEmpty)
        XCTAssertTrue(summary.warnings.isEmpty, "\(summary.warnings)")
        let kinds = Set(summary.outcomes.compactMap { if case .imported(_, let kind, _) = $0 { return kind } else { return nil } })
        XCTAssertEqual(kinds, [.ec2DescribeInstances, .ec2InstanceProfileAssociations, .iamListInstanceProfiles, .iamGetInstanceProfile,
                               .iamListRoles, .iamAccountAuthorizationDetails, .stsCallerIdentity],
                       "Samples/aws holds the inventory kinds; the credential kinds are in Samples/credentials")
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_instances"), 10)
        XCTAssertEqual(try TestSupport.strings(database, "SELECT DISTINCT region FROM ec2_instances ORDER BY 1"), ["eu-west-1", "us-east-1"])
        XCTAssertEqual(try TestSupport.strings(database, "SELECT DISTINCT account_id FROM ec2_instances"), [account])
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_snapshots"), 2)
        // The original JSON is kept for ad-hoc queries.
        XCTAssertEqual(try TestSupport.strings(database, "SELECT raw_json ->> '$.InstanceId' FROM ec2_instances WHERE name = 'web-1'"), ["i-74ec2d1b23f05857d"])
        // Files that are not inputs are listed as skipped, not failed.
        let skipped = summary.outcomes.compactMap { if case .skipped(let path, _) = $0 { return path } else { return nil } }
        XCTAssertTrue(skipped.contains { $0.hasSuffix("s3/list-buckets.json") })
        XCTAssertTrue(skipped.contains { $0.hasSuffix("make-samples.sh") })
    }

    func testNormalizesInstanceFieldsAndChildren() throws {
        let database = try TestSupport.database()
        try TestSupport.importPaths([TestSupport.path("Samples/aws/us-east-1/describe-instances.json")], into: database)
        let row = try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM ec2_instances WHERE instance_id = 'i-74ec2d1b23f05857d'")!
        }
        XCTAssertEqual(row["name"], "web-1")
        XCTAssertEqual(row["state"], "running")
        XCTAssertEqual(row["region"], "us-east-1")
        XCTAssertEqual(row["iam_instance_profile_arn"], "arn:aws:iam::123456789012:instance-profile/app-profile")
        XCTAssertNotNil(row["availability_zone"] as String?)
        XCTAssertNotNil(row["private_ip"] as String?)
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_instance_tags WHERE instance_id = 'i-74ec2d1b23f05857d'"), 2)
        // Every interface and address of the listing, exactly (read from the file itself).
        let listing = try JSONValue.parse(String(contentsOfFile: TestSupport.path("Samples/aws/us-east-1/describe-instances.json"), encoding: .utf8))
        var interfaces: [String] = [], addresses: [String] = []
        for instance in listing["Reservations"]!.elements.flatMap({ $0["Instances"]!.elements }) {
            for interface in instance["NetworkInterfaces"]?.elements ?? [] {
                let eni = interface["NetworkInterfaceId"]!.string!
                interfaces.append("\(eni) \(instance["InstanceId"]!.string!) \(interface["PrivateIpAddress"]?.string ?? "-")")
                for address in interface["PrivateIpAddresses"]?.elements ?? [] {
                    addresses.append("\(eni) ipv4 \(address["PrivateIpAddress"]!.string!) \(address["Primary"]?.bool == true ? 1 : 0)")
                }
                for address in interface["Ipv6Addresses"]?.elements ?? [] {
                    addresses.append("\(eni) ipv6 \(address["Ipv6Address"]!.string!) 0")
                }
            }
        }
        XCTAssertEqual(interfaces.count, 7)
        XCTAssertEqual(try TestSupport.strings(database, "SELECT network_interface_id || ' ' || instance_id || ' ' || coalesce(private_ip, '-') FROM ec2_network_interfaces ORDER BY 1"),
                       interfaces.sorted())
        XCTAssertEqual(try TestSupport.strings(database, "SELECT network_interface_id || ' ' || family || ' ' || address || ' ' || is_primary FROM ec2_network_interface_ips ORDER BY 1"),
                       addresses.sorted())
        // A tag value with a line break is stored as is.
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_instance_tags WHERE value LIKE '%' || char(10) || '%'"), 1)
    }

    func testIAMDataAndTrust() throws {
        let database = try TestSupport.database()
        try TestSupport.importPaths([TestSupport.path("Samples/aws/iam")], into: database)
        XCTAssertEqual(try TestSupport.strings(database, "SELECT name FROM iam_roles WHERE trusts_ec2 = 1 ORDER BY name"), ["app-ec2-role"])
        XCTAssertEqual(try TestSupport.int(database, "SELECT trusts_ec2 FROM iam_roles WHERE name = 'lambda-only-role'"), 0)
        XCTAssertEqual(try TestSupport.int(database, """
            SELECT count(*) FROM iam_instance_profiles p LEFT JOIN iam_instance_profile_roles r ON r.profile_arn = p.arn
            WHERE p.name = 'empty-profile' AND r.role_arn IS NULL
            """), 1)
        XCTAssertEqual(try TestSupport.strings(database, "SELECT policy_type || ':' || policy_name FROM iam_role_policies ORDER BY 1"),
                       ["attached:app-read-s3", "inline:app-inline-logs"])
    }

    func testReimportingTheSameFilesKeepsTheDataAndRefreshesItsDate() throws {
        let database = try TestSupport.database()
        try TestSupport.importPaths([TestSupport.samples], into: database)
        let query = "SELECT instance_id || ' ' || state || ' ' || is_current || ' ' || coalesce(iam_instance_profile_arn, '-') FROM ec2_instances ORDER BY 1"
        let before = try TestSupport.strings(database, query)
        var options = ImportOptions()
        options.now = { Date(timeIntervalSince1970: 1_790_086_400) }
        let again = try Importer(database: database, options: options).run(paths: [TestSupport.samples])
        XCTAssertTrue(again.outcomes.contains { if case .imported = $0 { return true } else { return false } })
        XCTAssertEqual(try TestSupport.strings(database, query), before)
        // Identical daily exports still say the data is from today.
        XCTAssertEqual(try TestSupport.strings(database, "SELECT max(imported_at) FROM imports WHERE kind = 'ec2-describe-instances'"), ["2026-09-22T14:13:20Z"])
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_snapshots"), 4, "each run's listing is a snapshot, even with the same bytes")
    }

    /// Byte-identical listings are not ignored: empty, then 7 instances, then the same empty
    /// file again leaves no current instance (it failed before: the third import was "unchanged").
    func testAListingSeenBeforeIsStillTheNewestSnapshot() throws {
        let database = try TestSupport.database()
        let empty = try TestSupport.file(named: "empty.json", #"{"Reservations": []}"#)
        try TestSupport.importPaths([empty], into: database, account: "123456789012", region: "us-east-1")
        try TestSupport.importPaths([TestSupport.path("Samples/aws/us-east-1/describe-instances.json")], into: database)
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_current_instances"), 7)
        try TestSupport.importPaths([empty], into: database, account: "123456789012", region: "us-east-1")
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_current_instances"), 0)
    }

    /// A lone page with a NextToken is an incomplete listing: it adds its instances and retires
    /// nothing, with a warning (it retired the other instances before).
    func testAnIncompleteListingRetiresNothing() throws {
        let database = try TestSupport.database()
        try TestSupport.importPaths([TestSupport.path("Tests/Fixtures/aws/eu-west-1-whole/describe-instances.json")], into: database)
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_current_instances"), 3)
        let summary = try TestSupport.importPaths([TestSupport.path("Samples/aws/eu-west-1-paged/describe-instances-page-1.json")], into: database)
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_current_instances"), 3)
        XCTAssertTrue(summary.warnings.contains { $0.contains("incomplete") && $0.contains("kept") }, "\(summary.warnings)")
        XCTAssertEqual(try TestSupport.int(database, "SELECT is_complete FROM ec2_snapshots ORDER BY snapshot_id DESC LIMIT 1"), 0)
    }

    func testPagesOfOneListingMakeOneSnapshotLikeTheWholeListing() throws {
        let paged = try TestSupport.database()
        try TestSupport.importPaths([TestSupport.path("Samples/aws/eu-west-1-paged")], into: paged)
        let whole = try TestSupport.database()
        try TestSupport.importPaths([TestSupport.path("Tests/Fixtures/aws/eu-west-1-whole/describe-instances.json")], into: whole)
        let query = "SELECT instance_id || state || is_current || snapshot_id FROM ec2_instances ORDER BY 1"
        XCTAssertEqual(try TestSupport.strings(paged, query), try TestSupport.strings(whole, query))
        XCTAssertEqual(try TestSupport.int(paged, "SELECT count(*) FROM ec2_snapshots"), 1)
        XCTAssertEqual(try TestSupport.int(paged, "SELECT instance_count FROM ec2_snapshots"), 3)
    }

    func testALaterSnapshotReplacesTheEarlierOneAndKeepsHistory() throws {
        let database = try TestSupport.database()
        try TestSupport.importPaths([TestSupport.path("Samples/aws/us-east-1/describe-instances.json")], into: database)
        try TestSupport.importPaths([TestSupport.path("Tests/Fixtures/aws/later/us-east-1-describe-instances.json")], into: database)
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_instances"), 7, "absent instances are kept")
        XCTAssertEqual(try TestSupport.strings(database, "SELECT name FROM ec2_instances WHERE is_current = 0 ORDER BY name"), ["old-1", "web-2"])
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_current_instances"), 5)
        // Child rows of re-listed instances are replaced, not doubled.
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_instance_tags WHERE instance_id = 'i-74ec2d1b23f05857d'"), 2)
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_network_interfaces WHERE instance_id = 'i-74ec2d1b23f05857d'"), 1)
    }

    /// Child rows are staged and written at the end of the run: the same instance read twice in
    /// one run keeps only its later copy's tags, and a later run replaces them (a tag removed
    /// from the instance is gone, not merged with the earlier ones).
    func testChildRowsComeFromTheLastCopyOfAnInstance() throws {
        let sample = try String(contentsOfFile: TestSupport.path("Samples/aws/us-east-1/describe-instances.json"), encoding: .utf8)
        // web-2's env tag becomes `tier`; web-1's is kept.
        let retagged = sample.replacingOccurrences(of: "\"Key\": \"env\",\n                            \"Value\": \"prod\"", with: "\"Key\": \"tier\",\n                            \"Value\": \"prod\"")
        XCTAssertNotEqual(retagged, sample, "the sample's tag layout changed; adjust the replacement")
        let later = try TestSupport.file(named: "later.json", retagged)
        let database = try TestSupport.database()
        let summary = try TestSupport.importPaths([TestSupport.path("Samples/aws/us-east-1/describe-instances.json"), later], into: database)
        XCTAssertEqual(summary.warnings.filter { $0.contains("was already read in this run") }.count, 7, "\(summary.warnings)")
        let web2 = "i-6d367f45f32bb65b7"
        XCTAssertEqual(try TestSupport.strings(database, "SELECT key FROM ec2_instance_tags WHERE instance_id = ? ORDER BY key", [web2]), ["Name", "tier"])
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_network_interfaces WHERE instance_id = ?", [web2]), 1)
        XCTAssertEqual(try TestSupport.int(database, "SELECT instance_count FROM ec2_snapshots"), 7)
        // A later run with the original listing: the `tier` tag is gone, `env` is back.
        try TestSupport.importPaths([TestSupport.path("Samples/aws/us-east-1/describe-instances.json")], into: database)
        XCTAssertEqual(try TestSupport.strings(database, "SELECT key FROM ec2_instance_tags WHERE instance_id = ? ORDER BY key", [web2]), ["Name", "env"])
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_instance_tags"), 14)
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_network_interfaces"), 7)
    }

    func testAnUnchangedPageStillBelongsToANewSnapshot() throws {
        let database = try TestSupport.database()
        let pages = TestSupport.path("Samples/aws/eu-west-1-paged")
        try TestSupport.importPaths([pages], into: database)
        // Page 2 changes (here: trailing white space, so new bytes), page 1 does not.
        let folder = try TestSupport.temporaryDirectory()
        try FileManager.default.copyItem(atPath: pages + "/describe-instances-page-1.json", toPath: folder.appendingPathComponent("page-1.json").path)
        var page2 = try Data(contentsOf: URL(fileURLWithPath: pages + "/describe-instances-page-2.json"))
        page2.append(contentsOf: Array("\n\n".utf8))
        try page2.write(to: folder.appendingPathComponent("page-2.json"))
        try TestSupport.importPaths([folder.path], into: database)
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_current_instances"), 3)
        XCTAssertEqual(try TestSupport.int(database, "SELECT instance_count FROM ec2_snapshots ORDER BY snapshot_id DESC LIMIT 1"), 3)
    }

    func testAnEmptyListingWithAccountAndRegionRetiresTheRegion() throws {
        let database = try TestSupport.database()
        try TestSupport.importPaths([TestSupport.path("Samples/aws/eu-west-1-paged")], into: database)
        let empty = try TestSupport.file(named: "empty-region.json", "{\n    \"Reservations\": []\n}\n")
        let warned = try TestSupport.importPaths([empty], into: database)
        XCTAssertEqual(warned.warnings.count, 1, "without --account/--region the empty listing cannot be placed")
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_current_instances"), 3)
        try TestSupport.importPaths([try TestSupport.file(named: "empty-region-2.json", "{\"Reservations\": []}")], into: database,
                                    account: account, region: "eu-west-1")
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_current_instances"), 0)
    }

    func testABadFileLeavesTheDatabaseExactlyAsBefore() throws {
        let database = try TestSupport.database()
        try TestSupport.importPaths([TestSupport.path("Samples/aws/iam")], into: database)
        let before = try TestSupport.contents(of: database)
        let nul = try TestSupport.file(named: "nul.bin", "{\"Reservations\u{0}\": []}")
        for bad in ["truncated.json", "missing-comma.json", nul, "unknown-kind.json", "empty.json", "not-json.txt"] {
            let path = bad.hasPrefix("/") ? bad : TestSupport.path("Tests/Fixtures/bad/" + bad)
            XCTAssertThrowsError(try TestSupport.importPaths([TestSupport.path("Samples/aws/us-east-1"), path], into: database), bad) { error in
                XCTAssertTrue((error as? InputError)?.file.hasSuffix((bad as NSString).lastPathComponent) ?? false, "\(error)")
            }
            XCTAssertEqual(try TestSupport.contents(of: database), before, bad)
        }
    }

    func testErrorsPointAtTheDefect() throws {
        let database = try TestSupport.database()
        func error(_ name: String) -> InputError? {
            do {
                try TestSupport.importPaths([TestSupport.path("Tests/Fixtures/bad/" + name)], into: database)
                return nil
            } catch {
                return error as? InputError
            }
        }
        let comma = error("missing-comma.json")
        XCTAssertEqual(comma?.reason, .syntax)
        XCTAssertEqual(comma?.line, 10)
        XCTAssertEqual(comma?.column, 21)
        XCTAssertTrue(comma?.description.contains("missing-comma.json:10:21: error: expected ',' or '}'") ?? false, "\(String(describing: comma))")
        XCTAssertTrue(error("truncated.json")?.message.contains("truncated") ?? false)
        XCTAssertEqual(error("unknown-kind.json")?.reason, .unknownKind)
        XCTAssertNil(error("binary.bin"), "gzip input is read through zlib")
        XCTAssertEqual(error("empty.json")?.reason, .notJSON)
        XCTAssertEqual(error("not-json.txt")?.reason, .notJSON)
    }

    /// gzip input (the bad-input fixture's `binary.bin` and `describe-instances.json.gz`: the
    /// us-east-1 listing through gzip -9) imports exactly like the original.
    func testGzipInputImportsLikeTheOriginal() throws {
        let plain = try TestSupport.database()
        try TestSupport.importPaths([TestSupport.path("Samples/aws/us-east-1/describe-instances.json")], into: plain)
        for name in ["binary.bin", "describe-instances.json.gz"] {
            let zipped = try TestSupport.database()
            let summary = try TestSupport.importPaths([TestSupport.path("Tests/Fixtures/bad/" + name)], into: zipped)
            XCTAssertTrue(summary.failures.isEmpty, name)
            let rows = "SELECT instance_id || state || coalesce(public_ip, '') FROM ec2_instances ORDER BY instance_id"
            XCTAssertEqual(try TestSupport.strings(zipped, rows), try TestSupport.strings(plain, rows), name)
            XCTAssertEqual(try TestSupport.int(zipped, "SELECT count(*) FROM ec2_instance_tags"), 14, name)
        }
    }

    /// A warning that names an instance quotes its id made safe: a line break or escape in the
    /// listing's InstanceId cannot forge a line of output.
    func testAWarningQuotesTheInstanceIdSafely() throws {
        let database = try TestSupport.database()
        let instance = #"{"InstanceId": "i-1\u001b[31m\nerror: forged", "State": {"Name": "running"}, "Placement": {"AvailabilityZone": "us-east-1a"}}"#
        let file = try TestSupport.file(named: "twice.json", """
            {"Reservations": [{"OwnerId": "123456789012", "Instances": [\(instance), \(instance)]}]}
            """)
        let warnings = try TestSupport.importPaths([file], into: database).warnings.filter { $0.contains("already read") }
        XCTAssertEqual(warnings.count, 1)
        XCTAssertFalse(warnings.joined().unicodeScalars.contains { $0.value < 0x20 }, "\(warnings)")
    }

    func testRecordErrorsNameTheJSONPath() throws {
        let database = try TestSupport.database()
        let file = try TestSupport.file(named: "no-id.json", """
            {"Reservations": [{"OwnerId": "123456789012", "Instances": [{"State": {"Name": "running"}}]}]}
            """)
        XCTAssertThrowsError(try TestSupport.importPaths([file], into: database)) { error in
            let input = error as? InputError
            XCTAssertEqual(input?.jsonPath, "$.Reservations[0].Instances[0]")
            XCTAssertTrue(input?.message.contains("InstanceId") ?? false)
        }
    }

    func testKeepGoingImportsTheGoodFilesAndReportsTheBadOnes() throws {
        let database = try TestSupport.database()
        let summary = try TestSupport.importPaths([TestSupport.path("Samples/aws/us-east-1/describe-instances.json"),
                                                   TestSupport.path("Tests/Fixtures/bad/truncated.json")], into: database, keepGoing: true)
        XCTAssertEqual(summary.failures.count, 1)
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_instances"), 7)
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM imports WHERE kind = ''"), 0, "no half-written import record")
    }

    func testAFolderSkipsUnknownFilesButNamedFilesMustBeKnown() throws {
        let database = try TestSupport.database()
        let folder = try TestSupport.temporaryDirectory()
        try FileManager.default.copyItem(atPath: TestSupport.path("Tests/Fixtures/bad/unknown-kind.json"), toPath: folder.appendingPathComponent("s3.json").path)
        try FileManager.default.copyItem(atPath: TestSupport.path("Tests/Fixtures/bad/not-json.txt"), toPath: folder.appendingPathComponent("notes.txt").path)
        let summary = try TestSupport.importPaths([folder.path], into: database)
        XCTAssertEqual(summary.outcomes.filter { if case .skipped = $0 { return true } else { return false } }.count, 2)
        XCTAssertThrowsError(try TestSupport.importPaths([folder.appendingPathComponent("s3.json").path], into: database))
    }

    func testImportRecordsFileHashKindAndCounts() throws {
        let database = try TestSupport.database()
        let path = TestSupport.path("Samples/aws/us-east-1/describe-instances.json")
        try TestSupport.importPaths([path], into: database)
        let row = try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM imports")! }
        XCTAssertEqual(row["kind"], "ec2-describe-instances")
        XCTAssertEqual(row["account_id"], account)
        XCTAssertEqual(row["region"], "us-east-1")
        XCTAssertEqual((row["sha256"] as String).count, 64)
        let counts = try JSONValue.parse(row["row_counts"] as String)
        XCTAssertEqual(counts["ec2_instances"]?.testInt, 7)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(row["byte_count"], data.count)
    }

    /// Foreign keys are declared but not enforced during imports (for speed); the writers keep
    /// them by construction, which this checks after every kind of import and a replacement.
    func testImportsKeepEveryForeignKey() throws {
        let database = try TestSupport.database()
        try TestSupport.importPaths([TestSupport.samples], into: database)
        try TestSupport.importPaths([TestSupport.path("Tests/Fixtures/aws/later/us-east-1-describe-instances.json")], into: database)
        let violations = try database.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }
        XCTAssertEqual(violations.count, 0, "\(violations)")
    }
}
