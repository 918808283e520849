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

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import AWS CLI JSON output (files, folders, or - for standard input).",
        discussion: """
            Each file's kind is detected from its content: describe-instances (whole or pages), \
            describe-iam-instance-profile-associations, list-instance-profiles, get-instance-profile, \
            list-roles, get-account-authorization-details, sts get-caller-identity, and the network \
            listings describe-addresses, describe-nat-gateways, describe-route-tables, describe-subnets, \
            describe-vpc-endpoints.

            All describe-instances data for one account and region in one run is one snapshot; \
            a later run's snapshot replaces it. The import is one transaction: on a bad file \
            nothing is written (unless --keep-going).
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Files or folders to import; - reads standard input.", valueName: "path"))
    var paths: [String]

    @Option(name: .long, help: "Account id for data that does not name its own (12 digits).")
    var account: String?

    @Option(name: .long, help: "Region for data that does not name its own, e.g. us-east-1.")
    var region: String?

    @Option(name: .long, help: ArgumentHelp("Instance that secret-scanner findings without an instance id (i-…) in their path belong to.", valueName: "id"))
    var instance: String?

    @Flag(name: .long, help: "Import the good files and report the bad ones, instead of importing nothing.")
    var keepGoing = false

    @Flag(name: .shortAndLong, help: "Print only errors and warnings, no summary.")
    var quiet = false

    func validate() throws {
        if let account, !AWSAccount.isValid(account) {
            throw ValidationError("--account must be a 12-digit AWS account id, not '\(SafeText.quote(account, limit: 40))'")
        }
        if let region, !AWSRegion.isValidName(region) {
            throw ValidationError("--region must be a region name such as us-east-1, not '\(SafeText.quote(region, limit: 40))'")
        }
        if let instance, !InstanceId.isValid(instance) {
            throw ValidationError("--instance must be an instance id such as i-0123456789abcdef0, not '\(SafeText.quote(instance, limit: 40))'")
        }
        if paths.filter({ $0 == "-" }).count > 1 {
            throw ValidationError("standard input (-) can be given only once")
        }
    }

    func run() throws {
        try runReportingErrors {
            let started = Date()
            let store = try database.open(.create)
            var options = ImportOptions(account: account, region: region, keepGoing: keepGoing)
            options.instance = instance
            let importer = Importer(database: store, options: options)
            let progress = ProgressLine(enabled: Terminal.isTerminal(.standardError) && !quiet)
            importer.onProgress = progress.update
            let summary: ImportSummary
            do {
                summary = try importer.run(paths: paths)
            } catch let error as InputError {
                store.discardIfNeverWritten()
                progress.clear()
                Terminal.printError(error.description)
                Terminal.printError("invdb: nothing was imported (the database is unchanged); use --keep-going to import the good files")
                throw ExitCode(InvDBExit.badInput)
            } catch {
                store.discardIfNeverWritten()
                progress.clear()
                throw error
            }
            progress.clear()
            // One line each: a file name or value inside a warning cannot start a line of its own.
            for warning in summary.warnings { Terminal.printError("warning: " + SafeText.quote(warning, limit: 1000)) }
            for failure in summary.failures { Terminal.printError(failure.description) }
            if !quiet {
                FileHandle.standardOutput.write(Data(ImportSummaryText.render(summary, seconds: Date().timeIntervalSince(started), database: store.path).utf8))
            }
            if !summary.failures.isEmpty { throw ExitCode(InvDBExit.badInput) }
        }
    }
}

/// A one-line progress display on standard error, redrawn at most a few times a second.
final class ProgressLine {
    private let enabled: Bool
    private var lastDraw = Date.distantPast
    private var drawn = false

    init(enabled: Bool) {
        self.enabled = enabled
    }

    func update(_ progress: ImportProgress) {
        guard enabled, progress.bytesRead > 8 << 20 else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.25 else { return }
        lastDraw = now
        var text = "importing \(SafeText.quote(progress.path, limit: 60)): \(progress.bytesRead >> 20) MB"
        if let total = progress.expectedBytes, total > 0 {
            text += " of \(total >> 20) MB (\(progress.bytesRead * 100 / total)%)"
        }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
        drawn = true
    }

    func clear() {
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        drawn = false
    }
}
