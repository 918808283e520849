import Foundation
import GRDB

/// The invdb SQLite database: opening, migrating and refusing databases from newer versions.
///
/// ```swift
/// let database = try InvDatabase.open(path: "invdb.sqlite", migrations: migrations)
/// try database.queue.write { db in … }   // one transaction
/// ```
public final class InvDatabase {
    /// The GRDB connection. Each `write {}` is one transaction.
    public let queue: DatabaseQueue
    /// The path of the database file.
    public let path: String

    private init(queue: DatabaseQueue, path: String) {
        self.queue = queue
        self.path = path
    }

    /// The database path from `--db`, else `$INVDB_DB`, else `invdb.sqlite` in the current folder.
    public static func resolvePath(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option, !option.isEmpty { return option }
        if let fromEnvironment = environment["INVDB_DB"], !fromEnvironment.isEmpty { return fromEnvironment }
        return "invdb.sqlite"
    }

    /// Opens (creating if needed) and migrates the database.
    ///
    /// - Throws: `UsageError` when the file was made by a newer invdb (it is left untouched) or is
    ///   not an SQLite database; `DatabaseError` for other SQLite failures.
    public static func open(path: String, migrations: Migrations) throws -> InvDatabase {
        var configuration = Configuration()
        configuration.label = "invdb"
        // The schema declares foreign keys for people and tools; enforcing them row by row made a
        // 100,000-instance import 30% slower (5.4 s against 7.0 s). The writers insert parents
        // before children by construction, and a test runs `PRAGMA foreign_key_check` after imports.
        configuration.foreignKeysEnabled = false
        configuration.prepareDatabase { db in
            // 16 KiB pages (set only when the file is new): an instance row with its raw JSON
            // (~3 KB) then fits one page instead of an overflow chain. A 32 MiB cache: with 8 MiB
            // the random-order index inserts of a 100,000-instance import spill and re-read
            // pages (5.9 s against 4.4 s); peak memory stays near 100 MB.
            try db.execute(sql: "PRAGMA page_size = 16384")
            try db.execute(sql: "PRAGMA cache_size = -32768")
        }
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in _ = try Row.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw UsageError("\(path) is not an SQLite database")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN {
            throw UsageError("cannot open the database \(path): \(error.message ?? "unable to open")")
        }
        let migrator = migrations.migrator
        try refuseNewer(queue: queue, migrator: migrator, path: path)
        try migrator.migrate(queue)
        return InvDatabase(queue: queue, path: path)
    }

    /// Opens an existing, migrated database read-only, for queries and checks.
    ///
    /// - Throws: `UsageError` when the file does not exist or was made by a newer invdb.
    public static func openReadOnly(path: String, migrations: Migrations) throws -> InvDatabase {
        guard FileManager.default.fileExists(atPath: path) else {
            throw UsageError("no database at \(path): run `invdb import FILE…` first, or pass --db PATH")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.label = "invdb-read-only"
        let migrator = migrations.migrator
        let readOnly: DatabaseQueue
        do {
            readOnly = try DatabaseQueue(path: path, configuration: configuration)
            try readOnly.read { db in _ = try Row.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw UsageError("\(path) is not an SQLite database")
        }
        try refuseNewer(queue: readOnly, migrator: migrator, path: path)
        // Only an older database is opened for writing, to gain the new tables and views: someone
        // who may only read the file can query an up-to-date one.
        if try readOnly.read(migrator.hasCompletedMigrations) { return InvDatabase(queue: readOnly, path: path) }
        _ = try open(path: path, migrations: migrations)
        return InvDatabase(queue: try DatabaseQueue(path: path, configuration: configuration), path: path)
    }

    private static func refuseNewer(queue: DatabaseQueue, migrator: DatabaseMigrator, path: String) throws {
        let superseded = try queue.read { db -> [String]? in
            guard try db.tableExists("grdb_migrations") else { return nil }
            let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            let known = Set(migrator.migrations)
            let unknown = applied.filter { !known.contains($0) }
            return unknown.isEmpty ? nil : unknown
        }
        if let unknown = superseded {
            throw UsageError("\(path) was created by a newer invdb (it has schema migration \(unknown.joined(separator: ", ")), which this version \(InvDB.version) does not know); it was not changed. Use a newer invdb, or another --db file")
        }
    }
}
