import ArgumentParser
import Foundation
import InvDBChecks
import InvDBCore
import InvDBImport
import InvDBJSON
import InvDBRender
import InvDBReport
import InvDBScan
import InvDBStore

struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan files collected from instances, and environment dumps, for AWS credentials.",
        discussion: """
            Each file belongs to the instance whose id is in its path (a folder i-…/ or a file \
            name such as i-….env), or to --instance. Environment dumps are `env` output saved as \
            i-….env, or copies of /proc/<pid>/environ. Every file looked at is recorded, so \
            "scanned, nothing found" differs from "never scanned". Secrets are never stored: \
            only a keyed fingerprint and a redacted preview.
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Files or folders collected from instances.", valueName: "path"))
    var paths: [String]

    @Option(name: .long, help: ArgumentHelp("The instance every file belongs to, for a tree without instance ids in its paths.", valueName: "id"))
    var instance: String?

    func validate() throws {
        if let instance, !InstanceId.isValid(instance) {
            throw ValidationError("--instance must be an instance id such as i-0123456789abcdef0, not '\(SafeText.quote(instance, limit: 40))'")
        }
    }

    func run() throws {
        try runReportingErrors {
            let started = Date()
            let store = try database.open(.create)
            let summary: HostScanner.Summary
            do {
                summary = try HostScanner(database: store, options: .init(instance: instance)).run(paths: paths)
            } catch {
                store.discardIfNeverWritten()
                throw error
            }
            let seconds = Date().timeIntervalSince(started)
            Terminal.printOutput("Scanned \(summary.files) files of \(summary.instances.count) instances (\(summary.bytes / 1024) KB) in \(String(format: "%.2f", seconds)) s: \(summary.findings) credentials found")
            for (path, reason) in summary.skipped { Terminal.printOutput("not scanned: \(SafeText.quote(path, limit: 512)): \(reason)") }
        }
    }
}
