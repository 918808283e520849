import Foundation
import XCTest

/// Runs the built `invdb` binary and captures what it prints, for the end-to-end tests.
enum InvdbProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        /// True when the process was killed by a signal (a crash) or by the timeout.
        var wasKilled: Bool
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: URL {
        let products = Bundle.main.bundleURL
        for candidate in [products.appendingPathComponent("invdb"), products.deletingLastPathComponent().appendingPathComponent("invdb")]
        where FileManager.default.isExecutableFile(atPath: candidate.path) {
            return candidate
        }
        return root.appendingPathComponent(".build/debug/invdb")
    }

    /// The folder that holds every temporary folder of this test process; removed when the
    /// process exits, so a test that fails before its tearDown leaves nothing behind either.
    private static let temporaryRoot: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("invdb-cli-tests-\(getpid())")
        try? FileManager.default.removeItem(at: url)
        atexit { try? FileManager.default.removeItem(at: FileManager.default.temporaryDirectory.appendingPathComponent("invdb-cli-tests-\(getpid())")) }
        return url
    }()

    /// A new empty folder under this process's temporary folder (tests remove it in tearDown).
    static func temporaryFolder() throws -> URL {
        let folder = temporaryRoot.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The database file holding Samples/aws, imported once per test process by the binary.
    private final class SamplesTemplate: @unchecked Sendable {
        let lock = NSLock()
        var path: String?
    }

    private static let samplesTemplate = SamplesTemplate()

    /// Puts at `path` a copy of a database holding Samples/aws (imported once per test process by
    /// `invdb import`, which leaves the whole database in the file when it exits), and its
    /// fingerprint key: tests that only need the samples do not import them again.
    static func copySamplesDatabase(to path: String) throws {
        samplesTemplate.lock.lock()
        defer { samplesTemplate.lock.unlock() }
        let template: String
        if let known = samplesTemplate.path {
            template = known
        } else {
            template = try temporaryFolder().appendingPathComponent("samples.sqlite").path
            let imported = try run(["import", "--db", template, "Samples/aws"])
            guard imported.status == 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: imported.stderr]) }
            samplesTemplate.path = template
        }
        try FileManager.default.copyItem(atPath: template, toPath: path)
        if FileManager.default.fileExists(atPath: template + ".key") {
            try FileManager.default.copyItem(atPath: template + ".key", toPath: path + ".key")
        }
    }

    /// The records of RFC 4180 CSV text (CRLF or LF line ends, quoted fields with `""` and line
    /// breaks), or nil when the text is not well-formed CSV.
    static func parseCSV(_ text: String) -> [[String]]? {
        var records: [[String]] = [], record: [String] = [], field = ""
        var scalars = Array(text.unicodeScalars)[...]
        var quoted = false        // inside a quoted field
        var closed = false        // just after a quoted field's closing quote
        var started = false       // the field has begun (some character, or an opening quote)
        func endField() {
            record.append(field)
            field = ""
            (closed, started) = (false, false)
        }
        while let scalar = scalars.popFirst() {
            if quoted {
                if scalar == "\"" {
                    if scalars.first == "\"" { scalars.removeFirst(); field.unicodeScalars.append("\"") } else { (quoted, closed) = (false, true) }
                } else {
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case ",":
                endField()
            case "\r", "\n":
                if scalar == "\r" { guard scalars.popFirst() == "\n" else { return nil } }
                endField()
                records.append(record)
                record = []
            case "\"":
                guard !started else { return nil }   // a quote inside an unquoted field
                (quoted, started) = (true, true)
            default:
                guard !closed else { return nil }    // text after a closing quote
                field.unicodeScalars.append(scalar)
                started = true
            }
        }
        guard !quoted else { return nil }
        if started || !record.isEmpty {
            endField()
            records.append(record)
        }
        return records
    }

    /// Runs invdb with `arguments` in the repository (or `directory`); kills it after `timeout`
    /// seconds (a hang is a failure, not a stuck test run).
    static func run(_ arguments: [String], stdin: Data? = nil, environment: [String: String] = [:], executable: URL = binary,
                    directory: URL? = nil, timeout: TimeInterval = 120) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? root
        var env = ProcessInfo.processInfo.environment
        env.removeValue(forKey: "INVDB_DB")
        env.removeValue(forKey: "INVDB_NOW")
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let output = Pipe(), errors = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        try process.run()
        let timer = DispatchWorkItem { if process.isRunning { process.interrupt(); kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        // Standard output is read on another thread while this one reads standard error, so
        // neither pipe fills up; the box is read only after the group is done.
        final class Box: @unchecked Sendable { var data = Data() }
        let group = DispatchGroup()
        let out = Box()
        group.enter()
        DispatchQueue.global().async { out.data = output.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        timer.cancel()
        return Result(status: process.terminationStatus, stdout: String(decoding: out.data, as: UTF8.self),
                      stderr: String(decoding: err, as: UTF8.self), wasKilled: process.terminationReason == .uncaughtSignal)
    }
}
