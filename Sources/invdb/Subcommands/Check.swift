import ArgumentParser
import Foundation
import Glibc
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

    @Flag(name: .long, help: "Record the run and its results in the run history (invdb runs, invdb diff).")
    var record = false

    @Option(name: .long, help: "Exit non-zero on new failures (since the previous recorded run; needs --record) only, on any failure, or never.")
    var failOn: FailOn = .any

    func validate() throws {
        if failOn == .new && !record {
            throw ValidationError("--fail-on new compares with the previous recorded run: add --record")
        }
    }

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
            let store = try database.open(record ? .write : .read)
            let now = Clock.now()
            let waivers = try WaiverStore.all(store).filter { $0.isActive(on: Clock.day(now)) }
            let runner = CheckRunner(database: store, waivers: waivers)
            let width = Terminal.columns()
            guard record else {
                // Streamed straight from SQLite: the fast path for large fleets.
                let (summary, text) = try output.format.runChecks(selected, with: runner, width: width, color: output.useColor)
                try output.emit(text)
                findings = failOn != .none && summary.hasFindings
                return
            }
            var collector = CheckResultCollector()
            _ = try runner.run(selected, renderer: &collector)
            let result = BenchmarkResult(benchmark: selected, outcomes: collector.outcomes)
            let rendered = output.format.render(result, width: width, color: output.useColor)
            // The output file is written first and published only with the run: a run is never
            // recorded without its output, nor an output published without its run.
            let staged = try output.output.map { try OutputFile.stage(rendered, for: $0) }
            let runId = try RunHistory.record(result, command: "check", now: now, database: store)
            do {
                if let staged { try staged.commit() } else { try OutputFile.write(rendered, to: STDOUT_FILENO, name: "standard output") }
            } catch {
                try? RunHistory.delete(run: runId, database: store)
                throw error
            }
            Terminal.printError("recorded as run \(runId)")
            let previous = try RunHistory.runs(store, benchmark: selected.id).last { $0.id < runId }
            let newFailures = try previous.map { try !RunHistory.diff(from: $0.id, to: runId, database: store).newFailures.isEmpty }
                ?? result.summary.hasFindings
            let summary = result.summary
            switch failOn {
            case .any: findings = summary.hasFindings
            case .new: findings = newFailures
            case .none: findings = false
            }
        }
        if findings { throw ExitCode(InvDBExit.findings) }
    }
}
