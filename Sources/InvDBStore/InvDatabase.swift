import Foundation
import GRDB
import Glibc
import CSQLiteHardening
import InvDBCore

/// The invdb SQLite database, and the one way into it: opening (with a rule on who may create or
/// upgrade it), transactions, and hardened connections for SQL that invdb did not write.
///
/// ```swift
/// let database = try InvDatabase.open(path: "invdb.sqlite", migrations: migrations, access: .read)
/// let count = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM ec2_instances") }
/// ```
///
/// The file is in WAL mode: readers never block a writer, a writer waits for another writer up
/// to `busyTimeout` (60 s, or `INVDB_BUSY_TIMEOUT` seconds) and then says which process holds
/// the lock, and a crash (kill -9) leaves nothing a reader cannot recover from.
public final class InvDatabase {
    /// What a command may do to the file.
    public enum Access: Sendable {
        /// `import`, `scan`: may create the database (a missing or empty file) and upgrade it.
        case create
        /// `report`, `check --record`, `waive`, `migrate`: an existing invdb database, upgraded
        /// when older.
        case write
        /// Everything else: an up-to-date invdb database, never written or upgraded.
        case read
    }

    private let queue: DatabaseQueue
    /// The path of the database file.
    public let path: String
    /// How long a command waits for another process's lock.
    public let busyTimeout: TimeInterval
    /// Migrations not applied yet: they run at the start of the next write transaction, so a
    /// failed import leaves an older database exactly as it was.
    private var pending: [(identifier: String, sql: String)]
    /// Whether the file is in WAL mode yet (it is switched after the first commit).
    private var isWAL: Bool
    /// True when this open made the file (it did not exist).
    public let isNew: Bool

    private init(queue: DatabaseQueue, path: String, busyTimeout: TimeInterval, pending: [(identifier: String, sql: String)],
                 isWAL: Bool, isNew: Bool) {
        self.queue = queue
        self.path = path
        self.busyTimeout = busyTimeout
        self.pending = pending
        self.isWAL = isWAL
        self.isNew = isNew
    }

    /// The database path from `--db`, else `$INVDB_DB`, else `invdb.sqlite` in the current folder.
    public static func resolvePath(option: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option, !option.isEmpty { return option }
        if let fromEnvironment = environment["INVDB_DB"], !fromEnvironment.isEmpty { return fromEnvironment }
        return "invdb.sqlite"
    }

    /// The busy timeout: `INVDB_BUSY_TIMEOUT` seconds when set, else 60.
    ///
    /// - Throws: `UsageError` when `INVDB_BUSY_TIMEOUT` is not a number of seconds.
    public static func busyTimeout(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TimeInterval {
        guard let text = environment["INVDB_BUSY_TIMEOUT"] else { return 60 }
        guard let seconds = Int(text), (0...86_400).contains(seconds), text.allSatisfy(\.isASCII) else {
            throw UsageError("INVDB_BUSY_TIMEOUT must be a number of seconds from 0 to 86400")
        }
        return TimeInterval(seconds)
    }

    /// Opens the database at `path` for `access`.
    ///
    /// - Throws: `CommandFailure` when the file is missing (except for `.create`), empty (except
    ///   for `.create`), not an SQLite database, an SQLite database that is not invdb's, made by a
    ///   newer invdb, older than this invdb (for `.read`: a read command never upgrades), or
    ///   locked past the busy timeout. The file is left untouched in every one of these cases.
    public static func open(path: String, migrations: Migrations, access: Access) throws -> InvDatabase {
        _ = processConfiguration
        let timeout = try busyTimeout()
        let (state, applied) = try inspect(path: path, migrations: migrations, access: access, timeout: timeout)
        var configuration = Configuration()
        configuration.busyMode = .timeout(timeout)
        if access == .read {
            configuration.readonly = true
            configuration.label = "invdb-read-only"
            let reader = try openQueue(path: path, configuration: configuration)
            return InvDatabase(queue: reader, path: path, busyTimeout: timeout, pending: [], isWAL: true, isNew: false)
        }
        configuration.label = "invdb"
        // GRDB begins write transactions IMMEDIATE: a writer waits for another's lock up front
        // (busy timeout) instead of failing when it upgrades a read.
        // The schema declares foreign keys for people and tools; enforcing them row by row made a
        // 100,000-instance import 30% slower (5.4 s against 7.0 s). The writers insert parents
        // before children by construction, and a test runs `PRAGMA foreign_key_check` after imports.
        configuration.foreignKeysEnabled = false
        configuration.prepareDatabase { db in
            // 16 KiB pages (set only when the file is new): an instance row with its raw JSON
            // (~3 KB) then fits one page instead of an overflow chain. A 32 MiB cache: with 8 MiB
            // the random-order index inserts of a 100,000-instance import spill and re-read
            // pages (5.9 s against 4.4 s); 96 MiB gained 3% at a million instances and took the
            // import's peak memory to 248 MB.
            try db.execute(sql: "PRAGMA page_size = 16384")
            try db.execute(sql: "PRAGMA cache_size = -32768")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
        }
        let existed = FileManager.default.fileExists(atPath: path)
        let queue = try openQueue(path: path, configuration: configuration)
        let isWAL = try queue.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal"
        let database = InvDatabase(queue: queue, path: path, busyTimeout: timeout,
                                   pending: migrations.steps.filter { !applied.contains($0.identifier) }, isWAL: isWAL, isNew: !existed)
        // `report`, `waive`, `migrate` upgrade at once; `import` and `scan` in their own
        // transaction (a failed import changes nothing).
        if access == .write && (!database.pending.isEmpty || !isWAL) { try database.write { _ in } }
        return database
    }

    /// SQLite's process-wide settings (`invdb_sqlite_configure_process`), applied once, before
    /// the first connection: without memory statistics, the check workers and the results
    /// consumer no longer contend for one mutex on every allocation.
    private static let processConfiguration: Int32 = invdb_sqlite_configure_process()

    private static func openQueue(path: String, configuration: Configuration) throws -> DatabaseQueue {
        do {
            return try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB {
            throw CommandFailure("\(path) is not an SQLite database")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN {
            throw CommandFailure("cannot open the database \(path): \(error.message ?? "unable to open")")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
            throw CommandFailure(busyMessage(path: path, timeout: configuration.busyTimeoutSeconds))
        } catch let error as DatabaseError where error.resultCode == .SQLITE_READONLY {
            throw CommandFailure("\(path) holds the journal of an interrupted write, which only a write can undo: run `invdb migrate --db \(path)` (or any import), then try again")
        }
    }

    private enum FileState { case new, current, olderSchema }

    /// Looks at the file without writing to it, and refuses what `access` may not touch.
    private static func inspect(path: String, migrations: Migrations, access: Access, timeout: TimeInterval) throws -> (FileState, Set<String>) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            guard errno == ENOENT, access == .create else {
                throw CommandFailure("no database at \(path): run `invdb import FILE…` first, or pass --db PATH")
            }
            return (.new, [])
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw CommandFailure("\(path) is not a regular file, so it is not an invdb database") }
        if info.st_size == 0 {
            guard access == .create else { throw CommandFailure("\(path) is empty, not an invdb database: run `invdb import FILE…` to create one") }
            return (.new, [])
        }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CommandFailure("cannot read \(path)") }
        let header = handle.readData(ofLength: 16)
        try? handle.close()
        guard header == Data("SQLite format 3\u{0}".utf8) else { throw CommandFailure("\(path) is not an SQLite database") }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(timeout)
        let inspector = try openQueue(path: path, configuration: configuration)
        let (applied, tables) = try inspector.read { db -> ([String]?, [String]) in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            guard tables.contains("grdb_migrations") else { return (nil, tables) }
            return (try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations"), tables)
        }
        try inspector.close()
        let known = migrations.steps.map(\.identifier)
        guard let applied, applied.contains(known[0]) else {
            if tables.isEmpty {
                guard access == .create else { throw CommandFailure("\(path) is an empty SQLite database, not an invdb database: run `invdb import FILE…` to create one") }
                return (.new, [])
            }
            throw CommandFailure("\(path) is an SQLite database, but not invdb's (its tables: \(tables.prefix(5).map { SafeText.quote($0, limit: 40) }.joined(separator: ", "))\(tables.count > 5 ? ", …" : "")); it was not changed. Pass --db with another file")
        }
        let unknown = applied.filter { !known.contains($0) }
        if !unknown.isEmpty {
            throw CommandFailure("\(path) was created by a newer invdb (it has schema migration \(unknown.map { SafeText.quote($0, limit: 60) }.joined(separator: ", ")), which this version \(InvDB.version) does not know); it was not changed. Use a newer invdb, or another --db file")
        }
        if applied.count < known.count {
            guard access != .read else {
                throw CommandFailure("\(path) was made by an older invdb (schema \(applied.sorted().last ?? "?"); this invdb has \(known.last!)); read commands never change it: run `invdb migrate --db \(path)` (or any import) to upgrade it, then try again")
            }
            return (.olderSchema, Set(applied))
        }
        return (.current, Set(applied))
    }

    // MARK: - Transactions

    /// Runs `body` in one write transaction (IMMEDIATE: it waits for another writer's lock up to
    /// the busy timeout, then fails saying who holds it). Pending schema migrations are applied
    /// first, in the same transaction; after the first commit the file is switched to WAL.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        let steps = pending
        let result = try lockErrors {
            try queue.write { db -> T in
                if !steps.isEmpty { try Self.apply(steps, db) }
                return try body(db)
            }
        }
        pending = []
        if !isWAL {
            // WAL: readers never block the importer, and a killed writer leaves a log that any
            // reader recovers from. Switched only after a commit, so a failed first import leaves
            // an older file as it was.
            try lockErrors { try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") } }
            isWAL = true
        }
        return result
    }

    /// Applies migrations in the caller's transaction, recording each in `grdb_migrations` (the
    /// table GRDB's migrator kept, so databases of earlier invdb versions read the same).
    private static func apply(_ steps: [(identifier: String, sql: String)], _ db: Database) throws {
        try db.execute(sql: "CREATE TABLE IF NOT EXISTS grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
        for step in steps {
            try db.execute(sql: step.sql)
            try db.execute(sql: "INSERT INTO grdb_migrations(identifier) VALUES (?)", arguments: [step.identifier])
        }
    }

    /// Closes and removes a database this open created, when nothing was ever committed to it
    /// (an import that failed on its first file): a failed command leaves no new file behind.
    public func discardIfNeverWritten() {
        guard isNew, !pending.isEmpty else { return }
        try? queue.close()
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
    }

    /// Runs `body` in one read transaction.
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try lockErrors { try queue.read(body) }
    }

    /// Copies everything the write-ahead log holds into the database file and empties the log,
    /// so that the file alone is the whole database (before copying it, for a backup).
    public func checkpoint() throws {
        try lockErrors { try queue.writeWithoutTransaction { db in try db.checkpoint(.truncate) } }
    }

    /// A hardened read-only connection for SQL that invdb did not write (see
    /// `UntrustedSQLConnection`).
    public func untrustedConnection() throws -> UntrustedSQLConnection {
        try untrustedConnectionFactory()
    }

    /// Opens hardened read-only connections from any thread (each check runs on its own).
    public var untrustedConnectionFactory: @Sendable () throws -> UntrustedSQLConnection {
        let path = path
        let milliseconds = Int32(min(busyTimeout * 1000, Double(Int32.max)))
        return { try UntrustedSQLConnection(path: path, busyTimeoutMilliseconds: milliseconds) }
    }

    /// Turns SQLite's "database is locked" into a message that says who holds the lock.
    func lockErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            throw CommandFailure(Self.busyMessage(path: path, timeout: busyTimeout))
        }
    }

    /// "The database is busy: process 1234 (invdb import exports/) holds a lock on it".
    static func busyMessage(path: String, timeout: TimeInterval) -> String {
        let holders = LockHolders.processes(holding: [path, path + "-wal", path + "-shm", path + "-journal"])
        let who = holders.isEmpty ? "another process" : holders.prefix(3).map { "process \($0.pid) (\(SafeText.quote($0.command, limit: 120)))" }.joined(separator: ", ")
        return "the database \(path) is busy: \(who) holds a lock on it; waited \(Int(timeout)) s (INVDB_BUSY_TIMEOUT sets how long). Try again when it has finished"
    }
}

extension Configuration {
    /// The busy timeout in seconds, for messages.
    var busyTimeoutSeconds: TimeInterval {
        if case .timeout(let seconds) = busyMode { return seconds }
        return 0
    }
}

/// Finds the processes that hold POSIX locks on files (Linux `/proc/locks`), to say who keeps a
/// database busy.
enum LockHolders {
    struct Holder: Equatable {
        var pid: Int32
        var command: String
    }

    static func processes(holding paths: [String]) -> [Holder] {
        var inodes: Set<UInt64> = []
        for path in paths {
            var info = stat()
            if stat(path, &info) == 0 { inodes.insert(UInt64(info.st_ino)) }
        }
        guard !inodes.isEmpty, let text = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return [] }
        var pids: [Int32] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            // "1: POSIX  ADVISORY  WRITE 1234 08:01:5678 0 EOF" (a "->" marks a blocked waiter)
            guard fields.count >= 6, !fields.contains("->"), let pid = Int32(fields[4]), pid != getpid(), pid > 0 else { continue }
            guard let inode = fields[5].split(separator: ":").last.flatMap({ UInt64($0) }), inodes.contains(inode) else { continue }
            if !pids.contains(pid) { pids.append(pid) }
        }
        return pids.map { pid in
            let raw = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
            let command = String(decoding: raw.prefix(512).map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
            return Holder(pid: pid, command: command.isEmpty ? "unknown command" : command)
        }
    }
}
