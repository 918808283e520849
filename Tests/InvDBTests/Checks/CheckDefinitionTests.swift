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

final class CheckDefinitionTests: XCTestCase {
    func testParsesHeadersAndContinuationLines() throws {
        let text = """
            -- title: Something holds
            -- severity: high
            -- description: First part
            --   and second part.
            -- remediation: Do this.
            -- cis: 1.18
            SELECT 'r' AS resource, 'ok' AS status, 'fine' AS reason;
            """
        let check = try CheckDefinition(id: "something_holds", path: "x.sql", text: text)
        XCTAssertEqual(check.title, "Something holds")
        XCTAssertEqual(check.description, "First part and second part.")
        XCTAssertEqual(check.headers["cis"], "1.18")
        XCTAssertEqual(check.sql, text)
    }

    func testMissingHeaderIsAnErrorNamingTheFile() {
        XCTAssertThrowsError(try CheckDefinition(id: "x", path: "Queries/x.sql", text: "-- title: t\nSELECT 1;")) { error in
            XCTAssertTrue("\(error)".contains("Queries/x.sql"))
            XCTAssertTrue("\(error)".contains("severity"))
        }
    }

    func testShippedBenchmarkAnswersToEveryCISNumbering() throws {
        let catalog = try BenchmarkCatalog(directory: TestSupport.root.appendingPathComponent("Queries"))
        for name in ["cis-1.18", "CIS-1.18", "cis-1.19", "cis-1.17", "cis-2.17", "cis-2.16", "cis-v5.0-1.17"] {
            XCTAssertEqual(try catalog.resolve(name).id, "cis-1.18", name)
        }
        XCTAssertThrowsError(try catalog.resolve("cis-9.99"))
        let benchmark = try catalog.resolve("cis-1.18")
        // The eleven checks of the README's table, in the order benchmark.txt gives them.
        XCTAssertEqual(benchmark.checks.map(\.id), ["ec2_instance_iam_profile_attached", "ec2_instance_profile_has_role", "ec2_instance_role_trusts_ec2",
                                                   "ec2_instance_user_data_no_credentials", "ec2_instance_host_scanned",
                                                   "ec2_instance_scripts_no_credentials", "ec2_instance_applications_no_credentials",
                                                   "iam_found_access_key_inactive", "ec2_instance_no_long_term_key_calls",
                                                   "ec2_instance_role_in_use", "ec2_instance_role_credentials_stay_on_instance"])
        // Every .sql file of the folder is one of them.
        let files = try FileManager.default.contentsOfDirectory(atPath: TestSupport.path("Queries/cis-1.18")).filter { $0.hasSuffix(".sql") }
        XCTAssertEqual(Set(files), Set(benchmark.checks.map { $0.id + ".sql" }))
        for check in benchmark.checks {
            XCTAssertTrue(check.remediation.contains("aws "), "\(check.id) remediation names a command")
        }
    }
}
