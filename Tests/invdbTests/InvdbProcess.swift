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

    /// A new empty folder under the system's temporary folder.
    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("invdb-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
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
