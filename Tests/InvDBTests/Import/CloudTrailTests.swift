import Foundation
import GRDB
import GRDBSQLite
import XCTest
@testable import InvDBCore
@testable import InvDBJSON
@testable import InvDBDetect
@testable import InvDBStore
@testable import InvDBImport
@testable import InvDBChecks

/// Issue 11 on the CloudTrail fixture (Tests/Fixtures/cloudtrail: made by gen_cloudtrail.py from
/// AWS's record reference, with the expected conclusions computed there by an independent
/// resolver): keys used from a public IP, an Elastic IP, a private IP through a VPC endpoint,
/// through a NAT gateway with one and with several instances behind it, an address that moved
/// between snapshots, role credentials used from outside; gzipped and plain files, digest files,
/// duplicates and lookup-events pages in both AWS CLI forms.
final class CloudTrailTests: XCTestCase {
    private static let fixture = TestSupport.path("Tests/Fixtures/cloudtrail")
    private static var sample: String { fixture + "/sample" }

    private struct Expected: Decodable {
        struct Finding: Decodable {
            var scenario: Int
            var name: String
            var kind: String
            var access_key_id: String
            var address: String
            var via: String?
            var instance: String?
            var candidate_instances: [String]
            var calls: Int
            var error_calls: Int
            var first_time: String
            var last_time: String
            var verdict: String?
            var must_not_match: [String]?
        }

        struct Files: Decodable {
            var log_files: Int
            var distinct_event_ids_in_log_files: Int
        }

        var snapshots: [String: String]
        var findings: [Finding]
        var files: Files
    }

    nonisolated(unsafe) private static let expected: Expected = {
        let data = FileManager.default.contents(atPath: fixture + "/expected.json")!
        return try! JSONDecoder().decode(Expected.self, from: data)
    }()

    private func importAt(_ paths: [String], _ time: String, into database: InvDatabase) throws -> ImportSummary {
        try Self.importAt(paths, time, into: database)
    }

    private static func importAt(_ paths: [String], _ time: String, into database: InvDatabase) throws -> ImportSummary {
        var options = ImportOptions()
        let date = Clock.parse(time)!
        options.now = { date }
        return try Importer(database: database, options: options).run(paths: paths)
    }

    /// The fixture imported as a user would: the two describe-instances snapshots at their
    /// times, then the network listings, the S3 logs and the lookup-events pages.
    /// Read only by the tests (imported once for the class).
    nonisolated(unsafe) private static let database: InvDatabase = {
        let database = try! TestSupport.database()
        _ = try! importAt([sample + "/ec2/snapshot-1"], expected.snapshots["snapshot-1"]!, into: database)
        _ = try! importAt([sample + "/ec2/snapshot-2"], expected.snapshots["snapshot-2"]!, into: database)
        _ = try! importAt([sample + "/ec2/us-east-1", sample + "/s3", sample + "/lookup-events"], "2026-03-05T06:00:00Z", into: database)
        return database
    }()

    private func rows(_ sql: String, _ arguments: StatementArguments = []) throws -> [Row] {
        try Self.database.read { db in try Row.fetchAll(db, sql: sql, arguments: arguments) }
    }

    func testEveryKeyFindingIsAttributedWithItsCallsAndTimes() throws {
        for finding in Self.expected.findings where finding.kind == "access-key" {
            let found = try rows("""
                SELECT instance_id, via, candidates, calls, error_calls, first_time, last_time FROM instance_long_term_key_calls
                WHERE access_key_id = ? AND address = ? ORDER BY instance_id
                """, [finding.access_key_id, finding.address])
            let instances = found.map { $0["instance_id"] as String }
            // An address that moved between snapshots names one instance per finding.
            let sameAddress = Self.expected.findings.filter { $0.access_key_id == finding.access_key_id && $0.address == finding.address }
            XCTAssertEqual(Set(instances), Set(sameAddress.flatMap(\.candidate_instances)), "\(finding.name)")
            // Calls by instance: the moved address splits one key's calls between two instances.
            for row in found where finding.instance == nil || row["instance_id"] == finding.instance {
                XCTAssertEqual(row["via"] as String, finding.via, finding.name)
                XCTAssertEqual(row["candidates"] as Int, finding.candidate_instances.count, finding.name)
                XCTAssertEqual(row["calls"] as Int, finding.calls, finding.name)
                XCTAssertEqual(row["error_calls"] as Int, finding.error_calls, finding.name)
                XCTAssertEqual(row["first_time"] as String, finding.first_time, finding.name)
                XCTAssertEqual(row["last_time"] as String, finding.last_time, finding.name)
            }
            for other in finding.must_not_match ?? [] {
                XCTAssertFalse(instances.contains(other), "\(finding.name): \(other) has the same private address in another VPC")
            }
        }
    }

    func testRoleSessionsAreOwnOrElsewhere() throws {
        for finding in Self.expected.findings where finding.kind == "role-session" {
            let origin = finding.verdict == "ok" ? "own" : "elsewhere"
            let found = try rows("""
                SELECT sum(calls) AS calls, sum(error_calls) AS error_calls, min(first_time) AS first_time, max(last_time) AS last_time
                FROM instance_role_session_calls WHERE instance_id = ? AND address = ? AND origin = ?
                """, [finding.instance, finding.address, origin])
            XCTAssertEqual(found.first?["calls"] as Int?, finding.calls, finding.name)
            XCTAssertEqual(found.first?["error_calls"] as Int?, finding.error_calls, finding.name)
            XCTAssertEqual(found.first?["first_time"] as String?, finding.first_time, finding.name)
            XCTAssertEqual(found.first?["last_time"] as String?, finding.last_time, finding.name)
        }
        // The SSM agent's EC2 identity role (assumed-role/aws:ec2-instance/i-…) is not the instance's role.
        XCTAssertEqual(try rows("SELECT 1 FROM cloudtrail_calls WHERE principal_arn LIKE '%assumed-role/aws:ec2-instance/%'").count, 0)
        // Nothing but the web-1 session is stolen.
        XCTAssertEqual(try rows("SELECT DISTINCT instance_id FROM instance_role_session_calls WHERE origin = 'elsewhere'").map { $0[0] as String },
                       ["i-c48635409ed0893c5"])
    }

    /// Every distinct record is counted once: the duplicated record, and the lookup-events pages
    /// that repeat records of the S3 files, add nothing; the digest file is recognised.
    func testCoverageCountsEachRecordOnce() throws {
        XCTAssertEqual(try rows("SELECT sum(records) FROM cloudtrail_coverage").first?[0] as Int?, Self.expected.files.distinct_event_ids_in_log_files)
        XCTAssertEqual(try rows("SELECT count(*) FROM imports WHERE kind = 'cloudtrail-log'").first?[0] as Int?, Self.expected.files.log_files)
        XCTAssertEqual(try rows("SELECT count(*) FROM imports WHERE kind = 'cloudtrail-digest'").first?[0] as Int?, 1)
        XCTAssertEqual(try rows("SELECT count(*) FROM imports WHERE kind = 'cloudtrail-lookup-events'").first?[0] as Int?, 4)
        // Only what the checks need is kept: no console sessions, services or other roles.
        XCTAssertEqual(try rows("SELECT count(*) FROM cloudtrail_calls WHERE access_key_id NOT LIKE 'AKIA%' AND session_instance_id IS NULL").first?[0] as Int?, 0)
    }

    /// Importing the same files again in another run replaces their aggregates.
    func testReimportingTheLogsCountsNothingTwice() throws {
        let database = try TestSupport.database()
        let logs = Self.sample + "/s3"
        _ = try importAt([logs], "2026-03-05T06:00:00Z", into: database)
        let before = try TestSupport.int(database, "SELECT sum(calls) FROM cloudtrail_calls")
        _ = try importAt([logs], "2026-03-06T06:00:00Z", into: database)
        XCTAssertEqual(try TestSupport.int(database, "SELECT sum(calls) FROM cloudtrail_calls"), before)
        XCTAssertEqual(try TestSupport.int(database, "SELECT sum(records) FROM cloudtrail_coverage"), Self.expected.files.distinct_event_ids_in_log_files)
    }

    /// lookup-events in both AWS CLI forms (v1: EventTime a number; v2: ISO 8601 with an offset)
    /// give the same calls: the record's own eventTime is used.
    func testLookupEventsV1AndV2GiveTheSameCalls() throws {
        var sums: [String] = []
        for version in ["v1", "v2"] {
            let database = try TestSupport.database()
            _ = try importAt([Self.sample + "/lookup-events/" + version], "2026-03-05T06:00:00Z", into: database)
            sums.append(try TestSupport.strings(database, """
                SELECT access_key_id || ' ' || source || ' ' || sum(calls) || ' ' || min(first_time) FROM cloudtrail_calls
                GROUP BY access_key_id, source ORDER BY 1
                """).joined(separator: "\n"))
            XCTAssertEqual(try TestSupport.int(database, "SELECT sum(records) FROM cloudtrail_coverage"), 99)
        }
        XCTAssertEqual(sums[0], sums[1])
        XCTAssertFalse(sums[0].isEmpty)
    }

    /// The checks' verdicts on the fixture.
    func testChecksJudgeTheScenario() throws {
        var benchmark = try BenchmarkCatalog(directory: TestSupport.root.appendingPathComponent("Queries")).resolve("cis-1.18")
        benchmark.checks = benchmark.checks.filter {
            ["ec2_instance_no_long_term_key_calls", "ec2_instance_role_in_use", "ec2_instance_role_credentials_stay_on_instance"].contains($0.id)
        }
        let result = try TestSupport.runChecks(benchmark, database: Self.database)
        func status(_ check: String, _ instance: String) -> CheckStatus? {
            result.outcomes.first { $0.check.id == check }?.rows.first { $0.resource == instance }?.status
        }
        for finding in Self.expected.findings where finding.kind == "access-key" {
            for instance in finding.candidate_instances {
                XCTAssertEqual(status("ec2_instance_no_long_term_key_calls", instance), finding.candidate_instances.count == 1 ? .alarm : .info,
                               "\(finding.name) \(instance)")
            }
        }
        let web1 = "i-c48635409ed0893c5"
        XCTAssertEqual(status("ec2_instance_role_credentials_stay_on_instance", web1), .alarm)
        let reason = result.outcomes.first { $0.check.id == "ec2_instance_role_in_use" }?.rows.first { $0.resource == web1 }?.reason ?? ""
        XCTAssertTrue(reason.contains("uses its role") && reason.contains("AKIABTX3GSDSZRWKAV77"), "reason: \(reason)")
        // The legacy instance with the same private address in another VPC is not accused.
        XCTAssertEqual(status("ec2_instance_no_long_term_key_calls", "i-e7110dbc96c217252"), .ok)
    }

    /// The work of the CloudTrail checks grows linearly with the calls (found at fleet scale:
    /// the views asked `cloudtrail_call_instances` again for every attributed call, so 20,000
    /// calls on 100,000 instances did not finish in two minutes; migration 0014). Counted in
    /// SQLite virtual-machine steps, not time: with every call of the fixture copied 8 times the
    /// checks do at most about 8 times the work (a per-row re-evaluation did about 60 times).
    func testCheckWorkGrowsLinearlyWithTheCalls() throws {
        let checks = try BenchmarkCatalog(directory: TestSupport.root.appendingPathComponent("Queries")).resolve("cis-1.18").checks.filter {
            ["ec2_instance_no_long_term_key_calls", "ec2_instance_role_in_use", "ec2_instance_role_credentials_stay_on_instance"].contains($0.id)
        }
        XCTAssertEqual(checks.count, 3)
        /// Virtual-machine steps of each check, with every call copied `copies` times.
        func steps(copies: Int) throws -> [String: Int] {
            let database = try TestSupport.database()
            _ = try importAt([Self.sample + "/ec2/snapshot-1"], Self.expected.snapshots["snapshot-1"]!, into: database)
            _ = try importAt([Self.sample + "/ec2/snapshot-2"], Self.expected.snapshots["snapshot-2"]!, into: database)
            _ = try importAt([Self.sample + "/ec2/us-east-1", Self.sample + "/s3"], "2026-03-05T06:00:00Z", into: database)
            try database.write { db in
                let columns = """
                    import_id, recipient_account_id, identity_type, access_key_id, principal_arn, user_name, role_arn, session_instance_id,
                    ec2_role_delivery, source, source_is_address, vpc_endpoint_id, hour, calls, error_calls, first_time, last_time, event_names, user_agent
                    """
                let imported = try Int.fetchOne(db, sql: "SELECT max(call_id) FROM cloudtrail_calls") ?? 0
                XCTAssertGreaterThan(imported, 10)
                for _ in 1..<copies {
                    try db.execute(sql: "INSERT INTO cloudtrail_calls(\(columns)) SELECT \(columns) FROM cloudtrail_calls WHERE call_id <= ?",
                                   arguments: [imported])
                }
            }
            return try database.read { db in
                var counted: [String: Int] = [:]
                for check in checks {
                    let statement = try db.makeStatement(sql: check.sql)
                    let rows = try Row.fetchCursor(statement)
                    var count = 0
                    while try rows.next() != nil { count += 1 }
                    XCTAssertGreaterThan(count, 0, check.id)
                    counted[check.id] = Int(sqlite3_stmt_status(statement.sqliteStatement, SQLITE_STMTSTATUS_VM_STEP, 0))
                }
                return counted
            }
        }
        let once = try steps(copies: 1), eightTimes = try steps(copies: 8)
        for check in checks {
            let ratio = Double(eightTimes[check.id] ?? 0) / Double(max(once[check.id] ?? 1, 1))
            XCTAssertLessThan(ratio, 10, "\(check.id): \(once[check.id] ?? 0) steps, then \(eightTimes[check.id] ?? 0) with 8 times the calls")
        }
    }

    /// The same log file twice in one run (overlapping folders on the command line) is counted
    /// once, and kept: the second copy used to delete what the first had stored.
    func testTheSameFileTwiceInOneRunIsCountedOnce() throws {
        let file = Self.sample + "/s3/example-cloudtrail-logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02/"
            + "111122223333_CloudTrail_us-east-1_20260302T1000Z_9mDfxFm9J5wMiODZ.json"
        let copy = try TestSupport.temporaryDirectory().appendingPathComponent("copy.json").path
        try FileManager.default.copyItem(atPath: file, toPath: copy)
        func totals(_ paths: [String]) throws -> [Int] {
            let database = try TestSupport.database()
            _ = try importAt(paths, "2026-03-05T06:00:00Z", into: database)
            return [try TestSupport.int(database, "SELECT count(*) FROM cloudtrail_calls"),
                    try TestSupport.int(database, "SELECT coalesce(sum(calls), 0) FROM cloudtrail_calls"),
                    try TestSupport.int(database, "SELECT coalesce(sum(records), 0) FROM cloudtrail_coverage")]
        }
        let once = try totals([file])
        XCTAssertGreaterThan(once[0], 0)
        XCTAssertEqual(try totals([file, copy]), once)
    }

    /// A record whose fields are written with JSON escapes (`\/` in an ARN, `\u0041` in a key id)
    /// is read like the same record without them: escapes neither hide a call nor move it.
    func testEscapedFieldsAreReadLikePlainOnes() throws {
        func log(_ arn: String, _ key: String, _ account: String) -> String {
            """
            {"Records": [{"eventVersion": "1.08", "eventTime": "2026-03-02T10:00:00Z", "eventID": "\(UUID().uuidString)",
              "eventSource": "s3.amazonaws.com", "eventName": "ListBuckets", "awsRegion": "us-east-1", "recipientAccountId": "\(account)",
              "sourceIPAddress": "203.0.113.10", "userAgent": "aws-cli/2",
              "userIdentity": {"type": "AssumedRole", "arn": "\(arn)", "accessKeyId": "\(key)", "accountId": "111122223333",
                "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111122223333:role/web"}}}}]}
            """
        }
        func stored(_ text: String) throws -> [String] {
            let database = try TestSupport.database()
            _ = try importAt([try TestSupport.file(named: "log.json", text)], "2026-03-05T06:00:00Z", into: database)
            return try TestSupport.strings(database, """
                SELECT c.session_instance_id || ' ' || c.access_key_id || ' ' || g.account_id || ' ' || c.calls
                FROM cloudtrail_calls AS c, cloudtrail_coverage AS g
                """)
        }
        let plain = try stored(log("arn:aws:sts::111122223333:assumed-role/web/i-0123456789abcdef0", "ASIAQWERTYUIOPASDFGH", "111122223333"))
        XCTAssertEqual(plain, ["i-0123456789abcdef0 ASIAQWERTYUIOPASDFGH 111122223333 1"])
        XCTAssertEqual(try stored(log("arn:aws:sts::111122223333:assumed-role\\/web\\/i-0123456789abcdef0", "\\u0041SIAQWERTYUIOPASDFGH",
                                      "1111\\u00322223333")), plain)
    }

    /// IPv6 addresses of instances are kept in canonical form, as CloudTrail sources are, so a
    /// listing that spells them otherwise (upper case, zeros written out) still matches calls.
    func testIPv6AddressesAreKeptCanonical() throws {
        let text = try String(contentsOfFile: Self.sample + "/ec2/snapshot-2/us-east-1-describe-instances.json", encoding: .utf8)
        guard let empty = text.range(of: "\"Ipv6Addresses\": []") else { return XCTFail("the fixture has no Ipv6Addresses") }
        var listing = text
        listing.replaceSubrange(empty, with: "\"Ipv6Addresses\": [{\"Ipv6Address\": \"2001:DB8:0:0:0:0:0:1\"}]")
        let database = try TestSupport.database()
        _ = try importAt([try TestSupport.file(named: "us-east-1-describe-instances.json", listing)], "2026-03-03T06:00:00Z", into: database)
        XCTAssertEqual(try TestSupport.strings(database, "SELECT address FROM ec2_address_history WHERE scope = 'ipv6' ORDER BY 1"), ["2001:db8::1"])
    }

    /// Without CloudTrail logs, the checks say so: unverified, never passed.
    func testWithoutLogsTheChecksAreInfo() throws {
        let database = try TestSupport.database()
        _ = try importAt([Self.sample + "/ec2/snapshot-2"], "2026-03-03T06:00:00Z", into: database)
        var benchmark = try BenchmarkCatalog(directory: TestSupport.root.appendingPathComponent("Queries")).resolve("cis-1.18")
        benchmark.checks = benchmark.checks.filter { $0.id == "ec2_instance_no_long_term_key_calls" }
        let rows = try TestSupport.runChecks(benchmark, database: database).outcomes[0].rows
        XCTAssertEqual(rows.count, 11)
        XCTAssertTrue(rows.allSatisfy { $0.status == .info || $0.status == .skip }, "\(rows.map(\.status))")
        XCTAssertTrue(rows.contains { $0.reason.contains("no CloudTrail logs have been imported") })
    }

    /// A truncated or corrupt gzip file is an error naming the file; nothing is stored.
    func testABrokenGzipFileIsRefusedWhole() throws {
        let folder = Self.sample + "/s3/example-cloudtrail-logs/AWSLogs/111122223333/CloudTrail/us-east-1/2026/03/02"
        let name = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: folder).sorted().first { $0.hasSuffix(".json.gz") })
        let bytes = try XCTUnwrap(FileManager.default.contents(atPath: folder + "/" + name))
        let truncated = try TestSupport.temporaryDirectory().appendingPathComponent("truncated.json.gz")
        try bytes.prefix(bytes.count / 2).write(to: truncated)
        let database = try TestSupport.database()
        XCTAssertThrowsError(try importAt([truncated.path], "2026-03-05T06:00:00Z", into: database)) { error in
            XCTAssertTrue("\(error)".contains("truncated") || "\(error)".contains("corrupt"), "\(error)")
        }
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM cloudtrail_calls"), 0)
    }

    func testAddressesAreCanonical() {
        XCTAssertEqual(IPAddress.canonical("2001:DB8:0:0:0:0:0:1"), "2001:db8::1")
        XCTAssertEqual(IPAddress.canonical("203.0.113.10"), "203.0.113.10")
        XCTAssertNil(IPAddress.canonical("ec2.amazonaws.com"))
        XCTAssertNil(IPAddress.canonical("AWS Internal"))
        XCTAssertNil(IPAddress.canonical("203.0.113.999"))
    }
}
