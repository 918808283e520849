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

    /// Every file of `folder` with its bytes.
    private func files(in folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
            files[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return files
    }

    /// A read-only open of a database made by an older invdb (migrations 0001–0003, written by
    /// that invdb, so in WAL mode) never writes to it: it fails, asking for `invdb migrate`, and
    /// the file keeps its bytes. A write open upgrades it, keeping its history.
    func testAReadOnlyOpenOfAnOlderDatabaseFailsAndChangesNothing() throws {
        let older = try TestSupport.migrations(upTo: 3)
        XCTAssertEqual(older.steps.map(\.identifier), ["0001_inventory", "0002_credentials", "0003_history"])
        let folder = try TestSupport.temporaryDirectory()
        let path = folder.appendingPathComponent("older.sqlite").path
        do {
            let database = try InvDatabase.open(path: path, migrations: older, access: .create)
            try database.write { db in
                try db.execute(sql: """
                    INSERT INTO runs(run_id, recorded_at, benchmark, command, invdb_version, counts)
                    VALUES (1, '2026-11-20T07:00:00Z', 'cis-1.18', 'report', '0.3', '{"alarm": 1}');
                    INSERT INTO run_results VALUES (1, 'ec2_instance_iam_profile_attached', 'i-6d367f45f32bb65b7', 'alarm', 'alarm', 'no profile',
                                                    '123456789012', 'us-east-1', 'web-2');
                    """)
            }
            XCTAssertEqual(try database.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }, "wal")
        }
        let before = try files(in: folder)
        XCTAssertEqual(Set(before.keys), ["older.sqlite"], "closed: the log was folded into the file")
        let current = try TestSupport.migrations()
        XCTAssertThrowsError(try InvDatabase.open(path: path, migrations: current, access: .read)) { error in
            XCTAssertEqual(error as? CommandFailure, CommandFailure(
                "\(path) was made by an older invdb (schema 0003_history; this invdb has \(current.steps.last!.identifier)); read commands never change it: "
                    + "run `invdb migrate --db \(path)` (or any import) to upgrade it, then try again"))
        }
        let after = try files(in: folder)
        XCTAssertEqual(after["older.sqlite"], before["older.sqlite"], "the database file keeps its bytes")
        // SQLite's read-only connection may leave its shared-memory index and an empty log, as the
        // sqlite3 shell does; no page is written to the log.
        XCTAssertTrue(Set(after.keys).isSubset(of: ["older.sqlite", "older.sqlite-shm", "older.sqlite-wal"]), "\(after.keys)")
        XCTAssertEqual(after["older.sqlite-wal"]?.count ?? 0, 0)

        // A write open (what `invdb migrate` does) upgrades it; the old run reads as before.
        let upgraded = try InvDatabase.open(path: path, migrations: current, access: .write)
        XCTAssertEqual(try TestSupport.strings(upgraded, "SELECT identifier FROM grdb_migrations ORDER BY 1"), current.steps.map(\.identifier))
        XCTAssertEqual(try TestSupport.strings(upgraded, "SELECT run_id || ' ' || resource || ' ' || effective_status || ' ' || failing_since FROM run_results"),
                       ["1 i-6d367f45f32bb65b7 alarm 2026-11-20T07:00:00Z"])
        XCTAssertNoThrow(try InvDatabase.open(path: path, migrations: current, access: .read))
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
