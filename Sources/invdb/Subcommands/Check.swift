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

    @Option(name: .long, help: ArgumentHelp("Show only results with these statuses, e.g. alarm,error (the summary still counts every result).",
                                            valueName: "statuses"))
    var status: StatusList?

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
            let runner = CheckRunner(database: store, waived: WaiverStore.activeResults(try WaiverStore.all(store), on: Clock.day(now)))
            let target = try output.target()
            let renderer: any CheckResultConsumer = status.map { CheckResultStatusFilter($0.statuses, then: output.renderer(into: target)) }
                ?? output.renderer(into: target)
            guard record else {
                let summary = try runner.run(selected, into: renderer)
                try target.publish()
                findings = failOn.isFailing(summary, newFailures: nil)
                return
            }
            // The run is recorded as its rows stream past; an output file is published only once
            // the run is committed, and the run is undone when the file cannot be published.
            let (summary, runId, newFailures) = try store.write { db in
                let recorder = RunRecorder(db: db, command: .check, now: now)
                let summary = try runner.run(selected, into: CheckResultFanOut([renderer, recorder]))
                guard let runId = recorder.runId else { throw CommandFailure("the run was not recorded") }
                return (summary, runId, recorder.changeCounts[.new] ?? 0)
            }
            do {
                try target.publish()
            } catch {
                try? RunHistory.undo(run: runId, database: store)
                throw error
            }
            Terminal.printError("recorded as run \(runId)")
            findings = failOn.isFailing(summary, newFailures: newFailures)
        }
        if findings { throw ExitCode(InvDBExit.findings) }
    }
}
