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

    /// Migrations as an older invdb shipped them: the first `count` files of Schema/, copied to
    /// a folder of their own.
    static func migrations(upTo count: Int) throws -> Migrations {
        let folder = try temporaryDirectory().appendingPathComponent("Schema")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let names = try FileManager.default.contentsOfDirectory(atPath: path("Schema")).filter { $0.hasSuffix(".sql") }.sorted()
        for name in names.prefix(count) {
            try FileManager.default.copyItem(atPath: path("Schema/\(name)"), toPath: folder.appendingPathComponent(name).path)
        }
        return try Migrations(directory: folder)
    }

    /// The folder that holds every temporary folder of this test process; removed when the
    /// process exits.
    private static let temporaryRoot: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("invdb-tests-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        atexit { try? FileManager.default.removeItem(at: FileManager.default.temporaryDirectory.appendingPathComponent("invdb-tests-\(getpid())")) }
        return url
    }()

    /// A new empty folder under this process's temporary folder.
    static func temporaryDirectory() throws -> URL {
        let url = temporaryRoot.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Database files built once per test process, by name (see `cachedDatabase`).
    private final class DatabaseCache: @unchecked Sendable {
        let lock = NSLock()
        var templates: [String: String] = [:]
    }

    private static let cache = DatabaseCache()

    /// A fresh copy of a database that `build` fills once per test process: a class whose tests
    /// import the same samples pays for the import once, and each test still gets its own file
    /// (with its fingerprint key) to write to. `name` identifies what `build` makes.
    static func cachedDatabase(_ name: String, build: (InvDatabase) throws -> Void) throws -> InvDatabase {
        cache.lock.lock()
        defer { cache.lock.unlock() }
        let template: String
        if let known = cache.templates[name] {
            template = known
        } else {
            let made = try database()
            try build(made)
            try made.checkpoint()   // the file alone is the whole database
            template = made.path
            cache.templates[name] = template
        }
        let path = try temporaryDirectory().appendingPathComponent("test.sqlite").path
        try FileManager.default.copyItem(atPath: template, toPath: path)
        if FileManager.default.fileExists(atPath: template + ".key") {
            try FileManager.default.copyItem(atPath: template + ".key", toPath: path + ".key")
        }
        return try InvDatabase.open(path: path, migrations: try migrations(), access: .create)
    }

    /// A copy of a database holding the bundled samples (`Samples/aws`), imported once.
    static func samplesDatabase() throws -> InvDatabase {
        try cachedDatabase("samples") { try importPaths([samples], into: $0) }
    }

    /// Every change from run `from` to run `to`, by kind.
    static func changes(from: Int?, to: Int, database: InvDatabase) throws -> [RunChange: [RunChangeItem]] {
        var changes: [RunChange: [RunChangeItem]] = [:]
        try RunHistory.diff(from: from, to: to, database: database) { change, item in changes[change, default: []].append(item) }
        return changes
    }

    /// Runs `benchmark` and collects every row.
    static func runChecks(_ benchmark: Benchmark, database: InvDatabase, waived: Set<WaivedResult> = []) throws -> BenchmarkResult {
        let collector = CheckResultCollector()
        try CheckRunner(database: database, waived: waived).run(benchmark, into: collector)
        return try XCTUnwrap(collector.result)
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
