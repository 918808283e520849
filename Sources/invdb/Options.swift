import ArgumentParser
import Foundation
import Glibc
import InvDBChecks
import InvDBCore
import InvDBImport
import InvDBJSON
import InvDBRender
import InvDBReport
import InvDBScan
import InvDBStore

/// The database option every command shares.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The SQLite database file (default: $INVDB_DB, else ./invdb.sqlite).", valueName: "path"))
    var db: String?

    var path: String { InvDatabase.resolvePath(option: db) }

    func resources() throws -> ResourceLocator { try ResourceLocator.locate() }

    func migrations() throws -> Migrations { try Migrations(directory: try resources().schemaDirectory) }

    /// Opens the database for `access` (see `InvDatabase.Access`: only import and scan create
    /// one, and read commands never change it).
    func open(_ access: InvDatabase.Access) throws -> InvDatabase {
        try InvDatabase.open(path: path, migrations: try migrations(), access: access)
    }
}

/// Output options shared by commands that print result rows.
struct OutputOptions: ParsableArguments {
    @Option(name: .long, help: "Output format: table (aligned, for people), markdown (GitHub-flavoured), json or csv.")
    var format: OutputFormat = .table

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the output to this file instead of standard output (written whole or not at all).", valueName: "file"))
    var output: String?

    @Flag(name: .long, help: "Colour statuses even when standard output is not a terminal.")
    var color = false

    /// Where the output goes: standard output, or `--output` (a temporary file beside it,
    /// renamed into place by `publish()`, so a reader never sees half a file).
    func target() throws -> OutputTarget {
        try OutputTarget(path: output)
    }

    /// The renderer of `--format`, streaming into `target`.
    func renderer(into target: OutputTarget) -> any CheckResultConsumer & TableResultConsumer {
        format.renderer(sink: target, width: Terminal.columns(), color: useColor)
    }

    /// Renders `table` in `--format` to `--output` or standard output.
    func emit(_ table: ResultTable) throws {
        let target = try target()
        try renderer(into: target).consume(table)
        try target.publish()
    }

    /// Whether to colour: only on a terminal (or when asked), never into a file.
    var useColor: Bool {
        output == nil && (color || (Terminal.isTerminal(.standardOutput) && ProcessInfo.processInfo.environment["NO_COLOR"] == nil))
    }
}

extension OutputFormat: ExpressibleByArgument {}
extension FailOn: ExpressibleByArgument {}

/// The output of a command: standard output, or a file published whole once the command has
/// succeeded. Renderers finish their sink when they end; the file is completed only by
/// `publish()`, so a command may add a note after a table.
final class OutputTarget: OutputSink {
    private let sink: any OutputSink
    private let file: StagedFile?

    init(path: String?) throws {
        if let path {
            let file = try StagedFile(path: path)
            self.file = file
            sink = file
        } else {
            file = nil
            sink = DescriptorSink.standardOutput()
        }
    }

    func write(_ bytes: OutputBytes) throws { try sink.write(bytes) }

    func write(_ text: String) throws {
        var bytes = OutputBytes()
        bytes.append(text)
        try sink.write(bytes)
    }

    func finish() throws {}

    /// Completes the output: the file is renamed into place.
    func publish() throws { try file?.publish() }
}

/// Statuses given as a comma-separated list (`--status alarm,error`).
struct StatusList: ExpressibleByArgument {
    var statuses: Set<CheckStatus>

    init?(argument: String) {
        var statuses: Set<CheckStatus> = []
        for name in argument.split(separator: ",", omittingEmptySubsequences: false) {
            guard let status = CheckStatus(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else { return nil }
            statuses.insert(status)
        }
        self.statuses = statuses
    }

    static var allValueStrings: [String] { CheckStatus.allCases.map(\.rawValue) }
}

/// Runs `body`, turning invdb's errors into messages on standard error and stable exit codes.
/// Environment settings (`INVDB_NOW`) are checked first: a malformed one is a usage error.
func runReportingErrors(_ body: () throws -> Void) throws {
    do {
        try Clock.validateEnvironment()
        try body()
    } catch {
        guard let report = ErrorReport(error) else { throw error }
        Terminal.printError(report.message)
        throw ExitCode(report.exitCode)
    }
}
