import ArgumentParser
import Foundation
import Glibc
import InvDBKit

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

    /// Writes `text` to `--output` (atomically) or standard output.
    func emit(_ text: String) throws {
        var bytes = OutputBytes()
        bytes.append(text)
        try emit(bytes)
    }

    /// Writes `output` to `--output` (atomically: a temporary file beside it, renamed into
    /// place, so a reader never sees half a file) or standard output.
    func emit(_ bytes: OutputBytes) throws {
        guard let output else {
            try OutputFile.write(bytes, to: STDOUT_FILENO, name: "standard output")
            return
        }
        try OutputFile.writeAtomically(bytes, to: output)
    }

    /// Whether to colour: only on a terminal (or when asked), never into a file.
    var useColor: Bool {
        output == nil && (color || (Terminal.isTerminal(.standardOutput) && ProcessInfo.processInfo.environment["NO_COLOR"] == nil))
    }
}

extension OutputFormat: ExpressibleByArgument {}

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
