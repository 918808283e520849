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

/// Credential evidence on the fixtures made by the real AWS CLI against moto
/// (Tests/Fixtures/credentials/make-all.sh): what must be found, what must not, and that no
/// secret ever reaches the database or an output.
final class CredentialEvidenceTests: XCTestCase {
    private let fixtures = TestSupport.path("Tests/Fixtures/credentials")

    private func expected() throws -> JSONValue {
        try JSONValue.parse(String(contentsOfFile: fixtures + "/expected-findings.json", encoding: .utf8))
    }

    /// A copy of the fixtures' instances, user data and IAM data, imported once for the class.
    private func imported() throws -> InvDatabase {
        let fixtures = fixtures
        return try TestSupport.cachedDatabase("credential-evidence") { database in
            try TestSupport.importPaths([fixtures + "/us-east-1", fixtures + "/user-data", fixtures + "/iam"], into: database)
        }
    }

    private func findings(_ database: InvDatabase, instance: String, sourceKinds: [String]) throws -> Set<String> {
        Set(try TestSupport.strings(database, """
            SELECT f.credential_kind || ' ' || coalesce(f.key_id, '-') FROM credential_findings AS f
            JOIN credential_sources AS s ON s.source_id = f.source_id
            WHERE f.instance_id = ? AND s.source_kind IN (\(sourceKinds.map { "'\($0)'" }.joined(separator: ",")))
            """, [instance]))
    }

    private func expectedSet(_ list: [JSONValue]) -> Set<String> {
        // The fixtures name ASIA ids `temporary_access_key_id`; invdb keeps both as access-key-id.
        Set(list.map {
            ($0["kind"]?.string ?? "").replacingOccurrences(of: "temporary_", with: "").replacingOccurrences(of: "_", with: "-")
                + " " + ($0["key_id"]?.string ?? "-")
        })
    }

    func testUserDataFindingsAreExactlyThePlantedOnes() throws {
        let database = try imported()
        for member in try expected()["user_data"]!.members {
            let instance = member.key
            let got = try findings(database, instance: instance, sourceKinds: ["user-data"])
            XCTAssertEqual(got, expectedSet(member.value["findings"]?.elements ?? []), "\(instance) \(member.value["name"]?.string ?? "")")
        }
        XCTAssertEqual(try TestSupport.strings(database, "SELECT status FROM credential_sources WHERE instance_id = 'i-a0a616ec4d2ca0a41'"), ["error"])
        XCTAssertEqual(try TestSupport.strings(database, "SELECT status FROM credential_sources WHERE instance_id = 'i-0e4141e1d5f5b3cea'"), ["empty"])
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM credential_findings WHERE instance_id = 'i-a8732319438df6100'"), 0, "decoys")
        XCTAssertEqual(try TestSupport.strings(database, "SELECT DISTINCT is_example FROM credential_findings WHERE key_id = 'AKIAIOSFODNN7EXAMPLE'"), ["1"])
    }

    func testJSONLinesGiveTheSameFindingsAsOneFilePerInstance() throws {
        let lines = try TestSupport.database()
        try TestSupport.importPaths([fixtures + "/user-data.jsonl"], into: lines)
        let folder = try TestSupport.database()
        try TestSupport.importPaths([fixtures + "/user-data"], into: folder)
        let query = "SELECT instance_id || credential_kind || coalesce(key_id, '') || document || line || preview FROM credential_findings ORDER BY 1"
        XCTAssertEqual(try TestSupport.strings(lines, query), try TestSupport.strings(folder, query))
        // One user-data source per line, that is per instance of the fixtures.
        let instances = try expected()["user_data"]!.members.map(\.key).sorted()
        XCTAssertEqual(instances.count, 15)
        XCTAssertEqual(try TestSupport.strings(lines, "SELECT instance_id FROM credential_sources WHERE source_kind = 'user-data' ORDER BY 1"), instances)
        XCTAssertEqual(try TestSupport.int(lines, "SELECT count(*) FROM credential_sources"), instances.count)
    }

    func testUserDataCheckVerdicts() throws {
        let database = try imported()
        let result = try run(database, only: "ec2_instance_user_data_no_credentials")
        let statuses = Dictionary(uniqueKeysWithValues: result.rows.map { ($0.dimension("instance_name"), $0.status) })
        XCTAssertEqual(statuses["cred-decoys"], .ok)
        XCTAssertEqual(statuses["cred-none"], .ok)
        XCTAssertEqual(statuses["cred-broken"], .error)
        XCTAssertEqual(statuses["cred-terminated"], .skip)
        for name in ["cred-shell", "cred-gzip", "cred-mime", "cred-cloud-config", "cred-nested", "cred-session", "cred-example"] {
            XCTAssertEqual(statuses[name], .alarm, name)
        }
        let example = result.rows.first { $0.dimension("instance_name") == "cred-example" }!
        XCTAssertTrue(example.reason.contains("documented example key"), example.reason)
    }

    func testHostScanFindsThePlantedKeysAndRecordsWhatItScanned() throws {
        let database = try imported()
        let summary = try HostScanner(database: database, options: .init()).run(paths: [fixtures + "/hosts"])
        XCTAssertEqual(summary.skipped.count, 0, "\(summary.skipped)")
        let hosts = try expected()["hosts"]!.members
        var byInstance: [String: [JSONValue]] = [:]
        for file in hosts { byInstance[file.value["instance_id"]!.string!, default: []] += file.value["findings"]?.elements ?? [] }
        for (instance, planted) in byInstance {
            XCTAssertEqual(try findings(database, instance: instance, sourceKinds: ["file", "environment"]), expectedSet(planted), instance)
        }
        XCTAssertEqual(Set(try TestSupport.strings(database, "SELECT DISTINCT instance_id FROM credential_sources WHERE source_kind IN ('file', 'environment')")),
                       Set(try expected()["instances_scanned_on_host"]!.elements.compactMap(\.string)))
        // Never scanned: info (parts 2 and 3 unverified), or skip for a terminated instance.
        let scanned = try run(database, only: "ec2_instance_host_scanned")
        let neverScanned = try expected()["instances_never_scanned"]!.elements.compactMap(\.string)
        XCTAssertEqual(neverScanned.count, 10)
        let states = try expected()["user_data"]!
        var expectedStatuses: [String: CheckStatus] = [:]
        for instance in neverScanned { expectedStatuses[instance] = states[instance]?["state"]?.string == "terminated" ? .skip : .info }
        XCTAssertEqual(expectedStatuses.values.filter { $0 == .skip }.count, 1)
        var statuses: [String: CheckStatus] = [:]
        for row in scanned.rows where neverScanned.contains(row.resource) { statuses[row.resource] = row.status }
        XCTAssertEqual(statuses, expectedStatuses)
    }

    func testFoundKeysAreTiedToTheirIAMUser() throws {
        let database = try imported()
        _ = try HostScanner(database: database, options: .init()).run(paths: [fixtures + "/hosts"])
        let result = try run(database, only: "iam_found_access_key_inactive")
        let rows = Dictionary(uniqueKeysWithValues: result.rows.map { ($0.resource, $0) })
        XCTAssertEqual(rows["AKIARZPUZDIKCZ2FAVSB"]?.status, .alarm)
        XCTAssertTrue(rows["AKIARZPUZDIKCZ2FAVSB"]?.reason.contains("deploy-bot") ?? false)
        XCTAssertTrue(rows["AKIARZPUZDIKCZ2FAVSB"]?.reason.contains("last used") ?? false, rows["AKIARZPUZDIKCZ2FAVSB"]?.reason ?? "")
        XCTAssertTrue(rows["AKIARZPUZDIKCZ2FAVSB"]?.reason.contains("update-access-key") ?? false)
        XCTAssertEqual(rows["AKIARZPUZDIKED3JSWIB"]?.status, .alarm, "ci-runner's active key")
        XCTAssertEqual(rows["AKIARZPUZDIKHTOBCJEZ"]?.status, .ok, "ci-runner's inactive key")
        XCTAssertEqual(rows["AKIAIOSFODNN7EXAMPLE"]?.status, .info)
        XCTAssertEqual(rows["AKIARZPUZDIKA46UPW2T"]?.status, .info, "a deleted key is in no IAM listing")
    }

    /// The database file, its journal and every output format hold no secret access key and no
    /// session token in clear, although the inputs are full of them.
    func testNoSecretIsStoredOrPrinted() throws {
        let database = try imported()
        try TestSupport.importPaths([fixtures + "/scanner-reports"], into: database)
        _ = try HostScanner(database: database, options: .init()).run(paths: [fixtures + "/hosts"])
        var secrets: [String] = [CredentialDetector.exampleSecret]
        for key in try JSONValue.parse(String(contentsOfFile: fixtures + "/fake-keys.json", encoding: .utf8))["keys"]!.members {
            secrets += [key.value["secret_access_key"]?.string, key.value["session_token"]?.string].compactMap { $0 }
        }
        for file in try FileManager.default.contentsOfDirectory(atPath: fixtures + "/iam") where file.hasPrefix("create-access-key") {
            let created = try JSONValue.parse(String(contentsOfFile: fixtures + "/iam/" + file, encoding: .utf8))
            secrets.append(created["AccessKey"]!["SecretAccessKey"]!.string!)
        }
        // AWS's example, 21 secrets and tokens in fake-keys.json, 5 keys made by create-access-key.
        XCTAssertEqual(secrets.count, 27)
        var haystacks: [(String, Data)] = []
        let benchmark = try BenchmarkCatalog(directory: TestSupport.root.appendingPathComponent("Queries")).resolve("cis-1.18")
        for format in OutputFormat.allCases {
            let sink = MemorySink()
            try CheckRunner(database: database).run(benchmark, into: format.renderer(sink: sink))
            haystacks.append(("check --format \(format)", Data(sink.bytes.allBytes)))
        }
        let dump = MemorySink()
        try QueryRunner.run(sql: "SELECT * FROM credential_findings", database: database, into: JSONRenderer(sink: dump))
        haystacks.append(("query", Data(dump.bytes.allBytes)))
        let directory = URL(fileURLWithPath: database.path).deletingLastPathComponent()
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
            haystacks.append((name, try Data(contentsOf: directory.appendingPathComponent(name))))
        }
        for secret in secrets {
            // Also look for the secret's first 20 characters, in case something truncated it.
            for needle in [secret, String(secret.prefix(20))] {
                for (name, data) in haystacks {
                    XCTAssertNil(data.range(of: Data(needle.utf8)), "\(name) holds a secret (\(needle.prefix(4))…)")
                }
            }
        }
        // Each secret the fixtures planted in user data and host files is a finding (fingerprint
        // and preview only), no more.
        var planted: [String: Int] = [:], found: [String: Int] = [:]
        for (part, kinds) in [("user_data", ["user-data"]), ("hosts", ["file", "environment"])] {
            planted[part] = try expected()[part]!.members.flatMap { $0.value["findings"]?.elements ?? [] }
                .filter { $0["kind"]?.string == "secret_access_key" }.count
            found[part] = try TestSupport.int(database, """
                SELECT count(*) FROM credential_findings AS f JOIN credential_sources AS s ON s.source_id = f.source_id
                WHERE f.credential_kind = 'secret-access-key' AND s.source_kind IN (\(kinds.map { "'\($0)'" }.joined(separator: ", ")))
                """)
        }
        XCTAssertEqual(planted, ["user_data": 15, "hosts": 12])
        XCTAssertEqual(found, planted)
    }

    /// Each scanner's findings land on the right instance: every key id a report names is one
    /// that was planted in that instance's files (no finding is attributed to the wrong host).
    func testScannerReportsMapFindingsToTheirInstances() throws {
        var planted: [String: Set<String>] = [:]
        for file in try expected()["hosts"]!.members {
            let ids = (file.value["findings"]?.elements ?? []).compactMap { $0["key_id"]?.string }
            planted[file.value["instance_id"]!.string!, default: []].formUnion(ids)
        }
        for (report, scanner) in [("gitleaks.json", "gitleaks"), ("trufflehog3.jsonl", "trufflehog"), ("trufflehog2.jsonl", "trufflehog2"),
                                  ("kingfisher.json", "kingfisher"), ("detect-secrets-baseline.json", "detect-secrets")] {
            let database = try TestSupport.database()
            let summary = try TestSupport.importPaths([fixtures + "/scanner-reports/" + report], into: database)
            XCTAssertTrue(summary.warnings.isEmpty, "\(report): \(summary.warnings)")
            let rows = try TestSupport.strings(database, "SELECT instance_id || ' ' || coalesce(key_id, '-') FROM credential_findings WHERE scanner = ?", [scanner])
            // Where the count follows from the report alone: a gitleaks record is one finding, a
            // trufflehog v3 RawV2 `id:secret[:token]` is one finding per part, and detect-secrets'
            // hashed secrets name no key, so only its "AWS Access Key" results are findings.
            let source = try String(contentsOfFile: fixtures + "/scanner-reports/" + report, encoding: .utf8)
            switch report {
            case "gitleaks.json":
                XCTAssertEqual(rows.count, try JSONValue.parse(source).elements.count, report)
            case "trufflehog3.jsonl":
                let parts = try source.split(separator: "\n").map { try JSONValue.parse(String($0))["RawV2"]!.string!.split(separator: ":").count }
                XCTAssertEqual(rows.count, parts.reduce(0, +), report)
            case "detect-secrets-baseline.json":
                let results = try JSONValue.parse(source)["results"]!.members.flatMap(\.value.elements)
                XCTAssertEqual(rows.count, results.filter { $0["type"]?.string == "AWS Access Key" }.count, report)
            default:
                XCTAssertFalse(rows.isEmpty, report)
            }
            for row in rows {
                let parts = row.split(separator: " ").map(String.init)
                if parts[1] != "-" {
                    XCTAssertTrue(planted[parts[0]]?.contains(parts[1]) ?? false, "\(report): \(parts[1]) on \(parts[0])")
                }
            }
        }
        // trufflehog v3 reports id and secret together, so each secret finding is paired with
        // its planted key id. (trufflehog skips AWS's example key, and the report, like the real
        // tool, has nothing from the NUL-separated environ file.)
        var plantedSecrets: Set<String> = []
        for file in try expected()["hosts"]!.members {
            for finding in file.value["findings"]?.elements ?? [] where finding["kind"]?.string == "secret_access_key" {
                plantedSecrets.insert(finding["key_id"]!.string!)
            }
        }
        let database = try TestSupport.database()
        try TestSupport.importPaths([fixtures + "/scanner-reports/trufflehog3.jsonl"], into: database)
        let found = Set(try TestSupport.strings(database, "SELECT key_id FROM credential_findings WHERE credential_kind = 'secret-access-key'"))
        XCTAssertTrue(found.isSubset(of: plantedSecrets), "\(found.subtracting(plantedSecrets))")
        XCTAssertEqual(plantedSecrets.subtracting(found), [CredentialDetector.exampleKeyId, "AKIARZPUZDIKIEZARA3V"])
    }

    /// A key pasted into a tag value is a finding, and neither the tags table nor the
    /// instance's raw JSON keeps the secret.
    func testSecretsInTagValuesAreRedacted() throws {
        let secret = "q8Lr2Vx0PzT4nWc7Ja1Hd9Ue3Ko6Sb5Gm/Yf+Nt2"
        let original = try String(contentsOfFile: TestSupport.path("Samples/aws/us-east-1/describe-instances.json"), encoding: .utf8)
        let planted = original.replacingOccurrences(of: "\"Value\": \"web-1\"",
                                                    with: "\"Value\": \"web-1 aws_access_key_id=AKIAZ7QF3KXM2RTB4VNA aws_secret_access_key=\(secret)\"")
        XCTAssertNotEqual(planted, original)
        let database = try TestSupport.database()
        try TestSupport.importPaths([try TestSupport.file(named: "instances.json", planted)], into: database)
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_instances WHERE raw_json LIKE '%' || ? || '%'", [secret]), 0)
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_instance_tags WHERE value LIKE '%' || ? || '%'", [secret]), 0)
        XCTAssertEqual(try TestSupport.strings(database, "SELECT name FROM ec2_instances WHERE instance_id = 'i-74ec2d1b23f05857d'"),
                       ["web-1 aws_access_key_id=AKIAZ7QF3KXM2RTB4VNA aws_secret_access_key=[redacted q8Lr…t2 (40 chars)]"])
        XCTAssertEqual(try TestSupport.strings(database, "SELECT credential_kind || ' ' || key_id || ' ' || document FROM credential_findings"),
                       ["secret-access-key AKIAZ7QF3KXM2RTB4VNA tag:Name"])
        let file = try Data(contentsOf: URL(fileURLWithPath: database.path))
        XCTAssertNil(file.range(of: Data(secret.utf8)))
    }

    private func run(_ database: InvDatabase, only id: String) throws -> CheckOutcome {
        var benchmark = try BenchmarkCatalog(directory: TestSupport.root.appendingPathComponent("Queries")).resolve("cis-1.18")
        benchmark.checks = benchmark.checks.filter { $0.id == id }
        let collector = CheckResultCollector()
        try CheckRunner(database: database).run(benchmark, into: collector)
        return collector.outcomes[0]
    }
}
