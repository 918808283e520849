import ArgumentParser
import Foundation
import InvDBKit

/// Which results make a scheduled run exit non-zero.
enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case new, any, none
}

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark, record the run, and write a dated Markdown report and its JSON twin.",
        discussion: """
            Writes DIR/<benchmark>-<time>.md and .json (names sort by time) and keeps DIR/latest.md \
            current; each file is written atomically. The report says what is new since the previous \
            recorded run, what was fixed, what is still failing and since when, and lists exceptions \
            (invdb waive) with their expiry. Set INVDB_NOW (e.g. 2026-11-25T06:00:00Z) to fix the clock.

            Exit codes: 0 nothing to fail on; 1 failures per --fail-on; 2 bad input; 64 usage.
            """)

    @OptionGroup var database: DatabaseOptions

    @Argument(help: ArgumentHelp("Benchmark id or alias.", valueName: "benchmark"))
    var benchmark: String = "cis-1.18"

    @Option(name: .long, help: ArgumentHelp("Folder for the reports (created when missing).", valueName: "dir"))
    var out: String

    @Option(name: .long, help: "Exit non-zero on new failures only, on any failure, or never.")
    var failOn: FailOn = .any

    @Option(name: .long, help: ArgumentHelp("Warn when the newest import of an account and region is older than this many days.", valueName: "days"))
    var maxAge: Int = 7

    func validate() throws {
        guard (0...36_500).contains(maxAge) else { throw ValidationError("--max-age must be a number of days from 0 to 36500") }
    }

    @Option(name: .long, help: ArgumentHelp("Folder of benchmark folders to use instead of the shipped Queries/.", valueName: "dir"))
    var queries: String?

    func run() throws {
        var failing = false
        try runReportingErrors {
            let queriesDirectory = try queries.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? database.resources().queriesDirectory
            let selected = try BenchmarkCatalog(directory: queriesDirectory).resolve(benchmark)
            let store = try database.open(.write)
            var options = ReportBuilder.Options()
            options.maximumAgeDays = maxAge
            let report = try ReportBuilder(database: store, options: options).run(selected, now: Clock.now(), writingTo: out)
            Terminal.printOutput("Run \(report.runId): \(report.summary.summaryLine); \(report.diff.newFailures.count) new, \(report.diff.resolved.count) resolved, \(report.diff.stillFailing.count) still failing")
            Terminal.printOutput("Wrote \((out as NSString).appendingPathComponent(report.baseName + ".md")), .json and latest.md")
            switch failOn {
            case .none: failing = false
            case .new: failing = !report.diff.newFailures.isEmpty
            case .any: failing = report.summary.hasFindings
            }
        }
        if failing { throw ExitCode(InvDBExit.findings) }
    }
}

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List the recorded runs (invdb report, invdb check --record).")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    func run() throws {
        try runReportingErrors {
            let store = try database.open(.read)
            let rows: [[CellValue]] = try RunHistory.runs(store).map { run in
                [.integer(Int64(run.id)), .text(run.recordedAt), .text(run.benchmark), .text(run.command)]
                    + ["alarm", "error", "waived", "ok"].map { .integer(Int64(run.counts[$0] ?? 0)) }
            }
            let table = ResultTable(columns: ["run", "recorded_at", "benchmark", "command", "alarm", "error", "waived", "ok"], rows: rows)
            try output.emit(output.format.renderer(width: Terminal.columns(), color: output.useColor).render(table: table))
        }
    }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show what changed between two recorded runs: new failures, resolved, still failing.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var output: OutputOptions

    @Argument(help: ArgumentHelp("The earlier run (see invdb runs).", valueName: "run-a"))
    var from: Int

    @Argument(help: ArgumentHelp("The later run.", valueName: "run-b"))
    var to: Int

    func run() throws {
        try runReportingErrors {
            let store = try database.open(.read)
            let diff = try RunHistory.diff(from: from, to: to, database: store)
            var rows: [[CellValue]] = []
            for (change, items) in [("new", diff.newFailures), ("resolved", diff.resolved), ("still failing", diff.stillFailing)] {
                for item in items {
                    rows.append([.text(change), .text(item.checkId), .text(item.resource), .text(item.name ?? ""), .text(item.status),
                                 item.firstSeen.map { .text($0) } ?? .null, .text(item.reason)])
                }
            }
            let table = ResultTable(columns: ["change", "check_id", "resource", "name", "status", "failing_since", "reason"], rows: rows)
            try output.emit(output.format.renderer(width: Terminal.columns(), color: output.useColor).render(table: table))
        }
    }
}
