import ArgumentParser
import Foundation
import InvDBKit

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark's saved checks and print one row per resource.",
        discussion: """
            BENCHMARK is a benchmark id or alias (cis-1.18; the same control is 1.19 in CIS v1.2, \
            1.17 in v5.0, 2.17 in v6.0 and 2.16 in v7.0, so cis-1.19, cis-1.17, cis-2.17 and \
            cis-2.16 work too), or a folder of your own .sql checks.

            Exit codes: 0 no alarm or error; 1 some result is alarm or error; 2 bad input \
            (no database, a broken check); 64 usage error.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("Benchmark id or alias, or a folder of .sql checks.", valueName: "benchmark"))
    var benchmark: String = "cis-1.18"

    @Option(name: .long, help: ArgumentHelp("Folder of benchmark folders to use instead of the shipped Queries/.", valueName: "dir"))
    var queries: String?

    @Option(name: .long, parsing: .upToNextOption, help: ArgumentHelp("Run only these checks (ids).", valueName: "id"))
    var only: [String] = []

    func run() throws {
        var findings = false
        try runReportingErrors {
            let migrations = try database.migrations()
            let queriesDirectory = try queries.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? database.resources().queriesDirectory
            var selected = try BenchmarkCatalog(directory: queriesDirectory).resolve(benchmark)
            if !only.isEmpty {
                let unknown = only.filter { id in !selected.checks.contains { $0.id == id } }
                guard unknown.isEmpty else {
                    throw UsageError("no check \(unknown.joined(separator: ", ")) in \(selected.id); `invdb checks \(selected.id)` lists them")
                }
                selected.checks = selected.checks.filter { only.contains($0.id) }
            }
            let store = try InvDatabase.openReadOnly(path: database.path, migrations: migrations)
            let (summary, text) = try output.format.runChecks(selected, with: CheckRunner(database: store),
                                                              width: Terminal.columns(), color: output.useColor)
            try output.emit(text)
            findings = summary.hasFindings
        }
        if findings { throw ExitCode(InvDBExit.findings) }
    }
}
