import Foundation
import XCTest

/// Issue 7 end to end: the built binary against FIFOs, planted links, locked and killed
/// databases, files that are not invdb's, hostile file names and bad dates. Each test failed on
/// the code before its fix (a hang, a file created or changed, a message that echoed input).
final class HostileInputCLITests: XCTestCase {
    private var folder: URL!
    private var db: String { folder.appendingPathComponent("test.sqlite").path }

    override func setUpWithError() throws {
        folder = try InvdbProcess.temporaryFolder()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    @discardableResult
    private func invdb(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 120) throws -> InvdbProcess.Result {
        try InvdbProcess.run(arguments, environment: environment, timeout: timeout)
    }

    /// The file's bytes (to prove a command left it as it was).
    private func digest(_ path: String) -> Data? {
        FileManager.default.contents(atPath: path)
    }

    func testAnErrorMessageQuotesNoInputBeyondABoundAndNoSecret() throws {
        let secret = "kQ8Lr3nVx0Zw4Yp2Tb7Hs1Gd6Fj9Mc5Aa/Bb+Cc1"
        let path = folder.appendingPathComponent("huge.json").path
        try Data(("{\"" + String(repeating: "x", count: 1 << 20) + " " + secret + "\": 1}").utf8).write(to: URL(fileURLWithPath: path))
        let result = try invdb(["import", "--db", db, path])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertLessThan(result.stderr.count, 600, "a 1 MB member name gives a short message")
        XCTAssertFalse(result.stderr.contains(secret.prefix(16)), result.stderr)
    }

    func testAFIFOIsRefusedNotWaitedFor() throws {
        let fifo = folder.appendingPathComponent("f.json").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let imported = try invdb(["import", "--db", db, fifo], timeout: 20)
        XCTAssertFalse(imported.wasKilled, "import blocked on a FIFO")
        XCTAssertEqual(imported.status, 2)
        XCTAssertTrue(imported.stderr.contains("not a regular file"), imported.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: db), "a failed first import leaves no database behind")
        let scanned = try invdb(["scan", "--db", db, "--instance", "i-0123456789abcdef0", fifo], timeout: 20)
        XCTAssertFalse(scanned.wasKilled, "scan blocked on a FIFO")
        XCTAssertEqual(scanned.status, 2, scanned.stderr)
        // Inside a folder, a FIFO is listed as skipped.
        let inFolder = try invdb(["import", "--db", db, folder.path, "Samples/aws/us-east-1"], timeout: 20)
        XCTAssertEqual(inFolder.status, 0, inFolder.stderr)
        XCTAssertTrue(inFolder.stdout.contains("a FIFO, not a regular file"), inFolder.stdout)
    }

    func testOnlyImportAndScanCreateADatabase() throws {
        let missing = folder.appendingPathComponent("missing.sqlite").path
        for arguments in [["report", "--db", missing, "--out", folder.appendingPathComponent("r").path], ["waive", "--db", missing, "--remove", "1"],
                          ["check", "--db", missing], ["runs", "--db", missing], ["query", "--db", missing, "SELECT 1"]] {
            let result = try invdb(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments[0]): \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: missing), "\(arguments[0]) created the database")
        }
        let empty = folder.appendingPathComponent("empty.sqlite").path
        XCTAssertTrue(FileManager.default.createFile(atPath: empty, contents: Data()))
        for arguments in [["check", "--db", empty], ["report", "--db", empty, "--out", folder.path], ["waivers", "--db", empty]] {
            let result = try invdb(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments[0]) passed on an empty file: \(result.stdout)")
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: empty)[.size] as? Int, 0)
        }
        // An SQLite database of another application is not touched, even by import.
        let other = folder.appendingPathComponent("other.sqlite").path
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        make.arguments = [other, "CREATE TABLE notes(x); INSERT INTO notes VALUES (1);"]
        try make.run()
        make.waitUntilExit()
        let before = digest(other)
        for arguments in [["import", "--db", other, "Samples/aws"], ["check", "--db", other], ["migrate", "--db", other]] {
            let result = try invdb(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments[0]): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("not invdb's"), result.stderr)
        }
        XCTAssertEqual(digest(other), before)
    }

    func testReadCommandsNeverUpgradeAnOlderDatabase() throws {
        // A database of an invdb three migrations ago: the first three migrations, as GRDB recorded them.
        var sql = ""
        for name in ["0001_inventory", "0002_credentials", "0003_history"] {
            sql += try String(contentsOf: InvdbProcess.root.appendingPathComponent("Schema/\(name).sql"), encoding: .utf8) + "\n"
        }
        sql += "CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);\n"
        sql += "INSERT INTO grdb_migrations VALUES ('0001_inventory'), ('0002_credentials'), ('0003_history');\n"
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        make.arguments = [db]
        let input = Pipe()
        make.standardInput = input
        try make.run()
        input.fileHandleForWriting.write(Data(sql.utf8))
        try input.fileHandleForWriting.close()
        make.waitUntilExit()
        XCTAssertEqual(make.terminationStatus, 0)
        let before = digest(db)
        for arguments in [["check", "--db", db], ["query", "--db", db, "SELECT 1"], ["runs", "--db", db], ["tables", "--db", db]] {
            let result = try invdb(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments[0]): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("invdb migrate"), result.stderr)
            XCTAssertEqual(digest(db), before, "\(arguments[0]) changed an older database")
        }
        XCTAssertEqual(try invdb(["migrate", "--db", db]).status, 0)
        XCTAssertEqual(try invdb(["import", "--db", db, "Samples/aws"]).status, 0)
        XCTAssertEqual(try invdb(["check", "--db", db]).status, 1)
    }

    /// The same in WAL mode (as invdb itself leaves a database), with a recorded run: every read
    /// command leaves the file's bytes and writes no page to its log; `migrate` then upgrades it
    /// and the old run reads as before.
    func testReadCommandsNeverWriteAnOlderDatabaseInWALMode() throws {
        var sql = ""
        for name in ["0001_inventory", "0002_credentials", "0003_history"] {
            sql += try String(contentsOf: InvdbProcess.root.appendingPathComponent("Schema/\(name).sql"), encoding: .utf8) + "\n"
        }
        sql += """
            CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
            INSERT INTO grdb_migrations VALUES ('0001_inventory'), ('0002_credentials'), ('0003_history');
            INSERT INTO runs VALUES (1, '2026-11-20T07:00:00Z', 'cis-1.18', 'report', '0.3', NULL, '{"alarm": 1}');
            INSERT INTO run_results VALUES (1, 'ec2_instance_iam_profile_attached', 'i-6d367f45f32bb65b7', 'alarm', 'alarm', 'no profile',
                                            '123456789012', 'us-east-1', 'web-2');
            PRAGMA journal_mode = WAL;

            """
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        make.arguments = [db]
        let script = folder.appendingPathComponent("older.sql")
        try Data(sql.utf8).write(to: script)
        make.standardInput = try FileHandle(forReadingFrom: script)
        make.standardOutput = FileHandle.nullDevice
        try make.run()
        make.waitUntilExit()
        XCTAssertEqual(make.terminationStatus, 0)
        let before = digest(db)
        for arguments in [["check", "--db", db], ["query", "--db", db, "SELECT 1"], ["runs", "--db", db], ["tables", "--db", db],
                          ["diff", "--db", db, "1", "1"], ["waivers", "--db", db]] {
            let result = try invdb(arguments)
            XCTAssertEqual(result.status, 2, "\(arguments[0]): \(result.stderr)")
            XCTAssertEqual(result.stdout, "", arguments[0])
            XCTAssertTrue(result.stderr.contains("was made by an older invdb") && result.stderr.contains("run `invdb migrate --db \(db)`"), result.stderr)
            XCTAssertEqual(digest(db), before, "\(arguments[0]) changed an older database")
            XCTAssertEqual(digest(db + "-wal")?.count ?? 0, 0, "\(arguments[0]) wrote to the log")
        }
        XCTAssertEqual(try invdb(["migrate", "--db", db]).status, 0)
        XCTAssertNotEqual(digest(db), before)
        let runs = try invdb(["query", "--db", db, "--format", "csv", "SELECT run_id, resource, effective_status, failing_since FROM run_results"])
        XCTAssertEqual(runs.stdout, "run_id,resource,effective_status,failing_since\r\n1,i-6d367f45f32bb65b7,alarm,2026-11-20T07:00:00Z\r\n", runs.stderr)
    }

    func testAReportWhoseFilesCannotBeWrittenRecordsNoRun() throws {
        try InvdbProcess.copySamplesDatabase(to: db)
        let blocker = folder.appendingPathComponent("not-a-folder")
        XCTAssertTrue(FileManager.default.createFile(atPath: blocker.path, contents: Data("x".utf8)))
        let failed = try invdb(["report", "--db", db, "--out", blocker.appendingPathComponent("reports").path])
        XCTAssertEqual(failed.status, 2, failed.stderr)
        let runs = try invdb(["runs", "--db", db, "--format", "csv"])
        XCTAssertEqual(runs.stdout.split(separator: "\r\n").count, 1, "only the header: no run was recorded\n\(runs.stdout)")
        let recorded = try invdb(["check", "--db", db, "--record", "--output", blocker.appendingPathComponent("out.txt").path])
        XCTAssertEqual(recorded.status, 2)
        XCTAssertEqual(try invdb(["runs", "--db", db, "--format", "csv"]).stdout.split(separator: "\r\n").count, 1)
    }

    func testOutputNeverWritesThroughALinkNorReplacesADevice() throws {
        try InvdbProcess.copySamplesDatabase(to: db)
        let victim = folder.appendingPathComponent("victim.txt")
        try Data("precious".utf8).write(to: victim)
        let link = folder.appendingPathComponent("out.txt")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: victim)
        XCTAssertEqual(try invdb(["check", "--db", db, "--output", link.path]).status, 1)
        XCTAssertEqual(try String(contentsOf: victim, encoding: .utf8), "precious")
        let attributes = try FileManager.default.attributesOfItem(atPath: link.path)
        XCTAssertEqual(attributes[.type] as? FileAttributeType, .typeRegular, "the link itself was replaced by the output")
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual(try invdb(["check", "--db", db, "--output", "/dev/null"]).status, 1)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: "/dev/null")[.type] as? FileAttributeType, .typeCharacterSpecial)
        XCTAssertTrue(try FileManager.default.contentsOfDirectory(atPath: folder.path).allSatisfy { !$0.hasSuffix(".tmp") })
    }

    func testALockedDatabaseMakesWritersWaitAndNamesTheHolder() throws {
        try InvdbProcess.copySamplesDatabase(to: db)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
                            + "c.execute('BEGIN IMMEDIATE'); c.execute('UPDATE waivers SET owner = owner'); print('locked', flush=True); time.sleep(30)", db]
        let pipe = Pipe()
        holder.standardOutput = pipe
        try holder.run()
        defer { holder.terminate() }
        _ = pipe.fileHandleForReading.availableData   // "locked"
        // Readers are not blocked by a writer (WAL).
        let check = try invdb(["check", "--db", db], environment: ["INVDB_BUSY_TIMEOUT": "1"])
        XCTAssertEqual(check.status, 1, check.stderr)
        let started = Date()
        let blocked = try invdb(["import", "--db", db, "Samples/aws"], environment: ["INVDB_BUSY_TIMEOUT": "1"])
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(started), 0.9, "the writer waited for the lock")
        XCTAssertEqual(blocked.status, 2)
        XCTAssertTrue(blocked.stderr.contains("process \(holder.processIdentifier)"), blocked.stderr)
        XCTAssertTrue(blocked.stderr.contains("python3"), blocked.stderr)
    }

    func testReadCommandsWorkAfterAnImportIsKilled() throws {
        try InvdbProcess.copySamplesDatabase(to: db)
        let big = folder.appendingPathComponent("big.json").path
        let generate = Process()
        generate.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        generate.arguments = ["python3", InvdbProcess.root.appendingPathComponent("Scripts/perf/gen-describe-instances.py").path, "20000", big, "--seed", "7"]
        try generate.run()
        generate.waitUntilExit()
        let importer = Process()
        importer.executableURL = InvdbProcess.binary
        importer.arguments = ["import", "--quiet", "--db", db, big]
        importer.currentDirectoryURL = InvdbProcess.root
        try importer.run()
        // Kill it once it is writing: its log has pages.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, ((try? FileManager.default.attributesOfItem(atPath: db + "-wal")[.size] as? Int) ?? 0) < 1 << 20 {
            usleep(20_000)
        }
        kill(importer.processIdentifier, SIGKILL)
        importer.waitUntilExit()
        let check = try invdb(["check", "--db", db])
        XCTAssertEqual(check.status, 1, check.stderr)
        XCTAssertTrue(check.stdout.contains("11 checks, "), check.stdout)
        let count = try invdb(["query", "--db", db, "--format", "csv", "SELECT count(*) AS n FROM ec2_instances"])
        XCTAssertEqual(count.stdout, "n\r\n10\r\n", "the killed import left nothing behind")
    }

    func testFileNamesCannotDriveTheTerminalOrForgeLines() throws {
        let inputs = folder.appendingPathComponent("inputs")
        try FileManager.default.createDirectory(at: inputs, withIntermediateDirectories: true)
        try Data("not json".utf8).write(to: inputs.appendingPathComponent("a\u{1B}]0;pwned\u{07}\u{1B}[2J\nImported 99 files.txt"))
        let result = try invdb(["import", "--db", db, inputs.path, "Samples/aws/us-east-1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.contains("\u{1B}") || result.stderr.contains("\u{1B}"), result.stdout)
        XCTAssertFalse(result.stdout.split(separator: "\n").contains { $0.hasPrefix("Imported 99") }, result.stdout)
    }

    func testDatesAndIdsAreStrictUsageErrors() throws {
        try InvdbProcess.copySamplesDatabase(to: db)
        let badDate = try invdb(["waive", "--db", db, "ec2_instance_iam_profile_attached", "i-ad5ace065e3ebea11", "--reason", "r", "--owner", "o",
                                 "--expires", "2027-02-31"])
        XCTAssertEqual(badDate.status, 64, badDate.stderr)
        let badClock = try invdb(["check", "--db", db], environment: ["INVDB_NOW": "tomorrow"])
        XCTAssertEqual(badClock.status, 64, badClock.stderr)
        XCTAssertTrue(badClock.stderr.contains("INVDB_NOW"), badClock.stderr)
        XCTAssertEqual(try invdb(["import", "--db", db, "--account", "１２３４５６７８９０１２", "Samples/aws"]).status, 64)
        XCTAssertEqual(try invdb(["check", "--db", db, "--only", "nope"]).status, 64)
    }
}
