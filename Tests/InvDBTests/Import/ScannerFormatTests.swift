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

/// Issue 8: every JSON layout gitleaks, trufflehog v3, Kingfisher and detect-secrets have written
/// (Tests/Fixtures/credentials/scanner-formats, made by make-scanner-formats.py from the tools'
/// sources and recorded runs) imports to exactly the findings its expected.json lists.
final class ScannerFormatTests: XCTestCase {
    private let folder = "Tests/Fixtures/credentials/scanner-formats"
    private let fallbackInstance = "i-0fffffffffffffff0"

    private func json(_ relative: String) throws -> JSONValue {
        try JSONValue.parse(String(contentsOfFile: TestSupport.path(relative), encoding: .utf8))
    }

    /// The fake secret or token a fixture entry names.
    private func fakeValue(_ keys: JSONValue, _ name: String, kind: String) -> String? {
        let entry = name == "example" ? keys["example"] : keys["keys"]?[name]
        return entry?[kind == "session-token" ? "session_token" : "secret_access_key"]?.string
    }

    func testEveryLayoutImportsToItsExpectedFindings() throws {
        let expected = try json("\(folder)/expected.json")["files"]!
        let keys = try json("Tests/Fixtures/credentials/fake-keys.json")
        var checked = 0
        for file in expected.members {
            let name = file.key
            guard name != "empty-output.json" else { continue }
            let database = try TestSupport.database()
            var options = ImportOptions()
            options.instance = fallbackInstance
            XCTAssertNoThrow(try Importer(database: database, options: options).run(paths: [TestSupport.path("\(folder)/\(name)")]), name)
            let redactor = CredentialRedactor(key: try FingerprintKey.load(forDatabase: database.path))
            let rows = try database.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT f.instance_id, f.path, f.line, f.credential_kind, f.key_id, f.fingerprint, f.preview
                    FROM credential_findings AS f
                    """)
            }
            let findings = file.value["findings"]?.elements ?? []
            let readable = findings.filter { $0["readable"]?.bool == true }
            let hashed = rows.filter { ($0["preview"] as String).contains("hash") }
            XCTAssertEqual(rows.count - hashed.count, readable.count, "\(name): readable findings")
            for entry in readable {
                let instance = entry["instance_id"]?.string ?? fallbackInstance
                let kind = entry["kind"]!.string!
                let match = rows.filter {
                    ($0["instance_id"] as String) == instance && ($0["path"] as String) == entry["path"]!.string!
                        && ($0["credential_kind"] as String) == kind && ($0["line"] as Int?) == entry["line"]?.testInt
                }
                XCTAssertEqual(match.count, 1, "\(name): \(kind) at \(entry["path"]!.string!):\(entry["line"]?.testInt ?? -1)")
                if let keyId = entry["key_id"]?.string, kind == "access-key-id" {
                    XCTAssertEqual(match.first?["key_id"] as String?, keyId, "\(name): key id")
                }
                if let source = entry["secret_fingerprint_source"]?.string, let value = fakeValue(keys, source, kind: kind) {
                    XCTAssertEqual(match.first?["fingerprint"] as String?, redactor.fingerprint(value), "\(name): the \(kind) of \(source)")
                }
            }
            let unreadable = findings.filter { $0["readable"]?.bool == false }
            if file.value["scanner"]?.string == "detect-secrets" {
                XCTAssertEqual(hashed.count, unreadable.count, "\(name): hashed findings")
            } else {
                let errors = try TestSupport.strings(database, "SELECT location FROM credential_sources WHERE status = 'error'")
                XCTAssertEqual(errors.count, unreadable.count, "\(name): findings that cannot be read make the instance error")
            }
            if file.value["clean"]?.bool == true {
                XCTAssertEqual(try TestSupport.strings(database, "SELECT instance_id || ' ' || status FROM credential_sources"),
                               ["\(fallbackInstance) empty"], "\(name): a clean run is a clean scan of --instance")
            }
            checked += 1
        }
        XCTAssertEqual(checked, 28)
    }

    /// A clean report without --instance names no instance: a warning, never a silent success.
    func testACleanReportWithoutAnInstanceWarns() throws {
        let database = try TestSupport.database()
        let summary = try TestSupport.importPaths([TestSupport.path("\(folder)/gitleaks-empty.json")], into: database)
        XCTAssertTrue(summary.warnings.contains { $0.contains("pass --instance") }, "\(summary.warnings)")
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM credential_sources"), 0)
    }

    /// A redacted finding makes its instance `error` in the checks, never `ok` and never dropped.
    func testARedactedFindingMakesTheInstanceError() throws {
        let database = try TestSupport.database()
        try TestSupport.importPaths([TestSupport.path("Tests/Fixtures/credentials/us-east-1/describe-instances.json"),
                                     TestSupport.path("\(folder)/gitleaks8-redacted.json")], into: database)
        let benchmark = try BenchmarkCatalog(directory: TestSupport.root.appendingPathComponent("Queries")).resolve("cis-1.18")
        let collector = CheckResultCollector()
        try CheckRunner(database: database).run(benchmark, into: collector)
        let scripts = collector.outcomes.first { $0.check.id == "ec2_instance_scripts_no_credentials" }!
        XCTAssertEqual(scripts.rows.first { $0.resource == "i-4872c52cfb9da2309" }?.status, .error)
    }

    func testRawV2IsSplitEitherWay() {
        XCTAssertEqual(TrufflehogV3Importer.split(rawV2: "AKIAAAAAAAAAAAAAAAAA:secret"), ["AKIAAAAAAAAAAAAAAAAA", "secret"])
        let concatenated = "AKIATEIYH5XOJ5XZQ3F3" + String(repeating: "a1B2", count: 10) + "token"
        XCTAssertEqual(TrufflehogV3Importer.split(rawV2: concatenated), ["AKIATEIYH5XOJ5XZQ3F3", String(repeating: "a1B2", count: 10), "token"])
    }
}
