import Foundation
import GRDB
import XCTest
@testable import InvDBKit

/// Paths and helpers shared by the tests. Each test gets its own temporary database.
enum TestSupport {
    /// The repository root (this file is Tests/InvDBKitTests/Support/TestSupport.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    static var samples: String { path("Samples/aws") }

    static func migrations() throws -> Migrations {
        try Migrations(directory: root.appendingPathComponent("Schema"))
    }

    /// A new empty folder under the system's temporary folder.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("invdb-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A fresh database in its own temporary folder.
    static func database() throws -> InvDatabase {
        let database = try InvDatabase.open(path: try temporaryDirectory().appendingPathComponent("test.sqlite").path, migrations: try migrations(), access: .create)
        try database.write { _ in }   // the schema, as the first import would make it
        return database
    }

    /// Imports `paths` with a fixed clock.
    @discardableResult
    static func importPaths(_ paths: [String], into database: InvDatabase, account: String? = nil, region: String? = nil,
                            keepGoing: Bool = false) throws -> ImportSummary {
        var options = ImportOptions(account: account, region: region, keepGoing: keepGoing)
        options.now = { Date(timeIntervalSince1970: 1_790_000_000) }
        return try Importer(database: database, options: options).run(paths: paths)
    }

    /// Every row of every user table, as text: a fingerprint of the database's content.
    static func contents(of database: InvDatabase) throws -> [String] {
        try database.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            var lines: [String] = []
            for table in tables {
                lines += try Row.fetchAll(db, sql: "SELECT * FROM \(table.quotedDatabaseIdentifier)").map { "\(table): \($0)" }.sorted()
            }
            return lines
        }
    }

    static func int(_ database: InvDatabase, _ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try database.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? -1 }
    }

    static func strings(_ database: InvDatabase, _ sql: String, _ arguments: StatementArguments = []) throws -> [String] {
        try database.read { db in try String.fetchAll(db, sql: sql, arguments: arguments) }
    }

    /// Writes `text` to a file in a new temporary folder and returns its path.
    static func file(named name: String, _ text: String) throws -> String {
        let url = try temporaryDirectory().appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}

extension JSONValue {
    /// The integer value, any size that fits (for tests reading invdb's own output).
    var testInt: Int? { try? integer(in: Int.min...Int.max) }
}
