import ArgumentParser
import Foundation
import InvDBChecks
import InvDBCore
import InvDBRender
import InvDBReport
import InvDBStore

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark, record the run, and write a dated Markdown report, its JSON twin and every result as CSV.",
        discussion: """
            Writes DIR/<benchmark>-<time>.md, .json and .csv (names sort by time) and keeps \
            DIR/latest.md current; each file is written atomically. The Markdown report is a \
            one-screen summary however large the fleet: counts by check, account, region (and \
            --group-by-tag), what is new since the previous recorded run, what was fixed, what is \
            still failing and since when, the resources that need action, and the exceptions \
            (invdb waive), each table cut at --max-rows with exact counts. The JSON holds every \
            change and the CSV every result. Set INVDB_NOW (e.g. 2026-11-25T06:00:00Z) to fix the clock.

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

    @Option(name: .long, help: ArgumentHelp("At most this many rows in each table of the Markdown report.", valueName: "n"))
    var maxRows: Int = 20

    @Option(name: .long, help: ArgumentHelp("Also count the results by the value of this instance tag (e.g. Team).", valueName: "key"))
    var groupByTag: String?

    @Option(name: .long, help: ArgumentHelp("Statuses the resource lists show (default alarm,error).", valueName: "statuses"))
    var status: StatusList?

    @Option(name: .long, help: ArgumentHelp("Folder of benchmark folders to use instead of the shipped Queries/.", valueName: "dir"))
    var queries: String?

    func validate() throws {
        guard (0...36_500).contains(maxAge) else { throw ValidationError("--max-age must be a number of days from 0 to 36500") }
        guard (1...10_000).contains(maxRows) else { throw ValidationError("--max-rows must be a number from 1 to 10000") }
        if let groupByTag, groupByTag.isEmpty || groupByTag.utf8.count > 128 {
            throw ValidationError("--group-by-tag must be a tag key of 1 to 128 characters")
        }
    }

    func run() throws {
        var failing = false
        try runReportingErrors {
            let queriesDirectory = try queries.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? database.resources().queriesDirectory
            let selected = try BenchmarkCatalog(directory: queriesDirectory).resolve(benchmark)
            let store = try database.open(.write)
            var options = ReportBuilder.Options()
            options.maximumAgeDays = maxAge
            options.maxRows = maxRows
            options.groupByTag = groupByTag
            if let status { options.statuses = status.statuses }
            let report = try ReportBuilder(database: store, options: options).run(selected, now: Clock.now(), writingTo: out)
            let changes = report.changes
            Terminal.printOutput("Run \(report.runId): \(report.summary.summaryLine); \(changes[.new] ?? 0) new, "
                                 + "\(changes[.resolved] ?? 0) resolved, \(changes[.stillFailing] ?? 0) still failing")
            Terminal.printOutput("Wrote \((out as NSString).appendingPathComponent(report.baseName + ".md")), .json, .csv and latest.md")
            failing = failOn.isFailing(report.summary, newFailures: changes[.new] ?? 0)
        }
        if failing { throw ExitCode(InvDBExit.findings) }
    }
}
