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

final class InvDatabaseTests: XCTestCase {
    func testADatabaseFromANewerInvdbIsRefusedAndLeftUntouched() throws {
        let database = try TestSupport.database()
        try database.write { db in try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES ('9999_from_the_future')") }
        let path = database.path
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try InvDatabase.open(path: path, migrations: try TestSupport.migrations(), access: .create)) { error in
            XCTAssertTrue("\(error)".contains("newer invdb"), "\(error)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before)
    }

    func testNotADatabaseIsAClearError() throws {
        let path = try TestSupport.file(named: "junk.sqlite", "this is not sqlite, just text that is long enough to have a header....")
        XCTAssertThrowsError(try InvDatabase.open(path: path, migrations: try TestSupport.migrations(), access: .create)) { error in
            XCTAssertTrue("\(error)".contains("not an SQLite database"), "\(error)")
        }
    }

    func testReadOnlyOpeningRefusesWrites() throws {
        let database = try TestSupport.database()
        let readOnly = try InvDatabase.open(path: database.path, migrations: try TestSupport.migrations(), access: .read)
        XCTAssertThrowsError(try QueryRunner.table(sql: "DELETE FROM ec2_instances", database: readOnly))
        XCTAssertThrowsError(try InvDatabase.open(path: "/nonexistent/x.sqlite", migrations: try TestSupport.migrations(), access: .read))
    }

    func testDatabasePathPrecedence() {
        XCTAssertEqual(InvDatabase.resolvePath(option: "a.sqlite", environment: ["INVDB_DB": "b.sqlite"]), "a.sqlite")
        XCTAssertEqual(InvDatabase.resolvePath(option: nil, environment: ["INVDB_DB": "b.sqlite"]), "b.sqlite")
        XCTAssertEqual(InvDatabase.resolvePath(option: nil, environment: [:]), "invdb.sqlite")
    }

    func testEveryColumnIsDocumentedAndTheDocsAreCurrent() throws {
        let docs = try SchemaDocumentation(migrations: try TestSupport.migrations())
        let database = try TestSupport.database()
        try database.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'")
            for table in tables {
                let relation = docs.relations.first { $0.name == table }
                XCTAssertNotNil(relation, "\(table) has no -- table:/-- view: comment")
                XCTAssertFalse(relation?.description.isEmpty ?? true, table)
                guard let relation, !relation.isView else { continue }
                let columns = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table.quotedDatabaseIdentifier))").map { $0["name"] as String }
                let documented = Set(relation.columns.map(\.name))
                for column in columns {
                    XCTAssertTrue(documented.contains(column), "\(table).\(column) has no comment")
                    XCTAssertFalse(relation.columns.first { $0.name == column }?.meaning.isEmpty ?? true, "\(table).\(column)")
                }
            }
        }
        let committed = try String(contentsOfFile: TestSupport.path("docs/tables.md"), encoding: .utf8)
        XCTAssertEqual(committed, docs.markdown, "docs/tables.md is stale: run `make docs`")
    }
}
