import Foundation
import GRDB
import InvDBChecks
import InvDBCore
import InvDBRender
import InvDBStore

/// `invdb report`: runs a benchmark, records the run, and writes a dated Markdown report, its
/// JSON twin and every result as CSV: a one-screen summary (when, on which data, counts by
/// check, account, region and tag, Mermaid charts), what changed since the previous run, the
/// resources that need action with their fix, and the exceptions.
///
/// Results stream from the checks into the run history and the CSV; the Markdown and JSON are
/// then read back from the history, so memory stays bounded whatever the size of the fleet.
/// Given the same database and the same clock (`INVDB_NOW`), the report is the same bytes.
public struct ReportBuilder {
    public struct Options: Sendable {
        /// Inputs older than this many days get a warning.
        public var maximumAgeDays = 7
        /// How many runs the trend chart shows.
        public var trendRuns = 10
        /// At most this many rows in each table of the Markdown report.
        public var maxRows = 20
        /// Group the results by the value of this instance tag as well (`--group-by-tag`).
        public var groupByTag: String?
        /// Which effective statuses the resource lists show.
        public var statuses: Set<CheckStatus> = [.alarm, .error]

        public init() {}
    }

    /// What a report run produced.
    public struct Report: Sendable {
        public var runId: Int
        public var summary: CheckRunSummary
        public var changes: [RunChange: Int]
        /// File names (without folder): `<benchmark>-<time>`, so they sort by time.
        public var baseName: String
        /// The files written, in the report folder.
        public var files: [String]
    }

    private let database: InvDatabase
    private let options: Options

    public init(database: InvDatabase, options: Options = Options()) {
        self.database = database
        self.options = options
    }

    /// Runs `benchmark` at `now`, records the run and writes its report into `directory`
    /// (created if needed): `<benchmark>-<time>.md`, `.json`, `.csv`, and `latest.md`. The run
    /// and its files succeed together or not at all: the files are written to temporary names
    /// inside the transaction that records the run and renamed into place once it has
    /// committed; if that fails, the run is undone.
    ///
    /// - Throws: `CommandFailure` when the folder or a file cannot be written (no run is recorded).
    public func run(_ benchmark: Benchmark, now: Date, writingTo directory: String) throws -> Report {
        let waivers = try WaiverStore.all(database)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure("cannot create \(directory): \(error.localizedDescription)")
        }
        let stamp = Timestamp.iso8601(now)
        let baseName = "\(benchmark.id)-" + stamp.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        let names = (markdown: baseName + ".md", json: baseName + ".json", csv: baseName + ".csv")
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        let csv = try StagedFile(path: path(names.csv))
        let json = try StagedFile(path: path(names.json))
        let markdown = try StagedFile(path: path(names.markdown))
        let latest = try StagedFile(path: path("latest.md"))
        let staged = [csv, json, markdown, latest]
        let report: Report
        do {
            report = try database.write { db -> Report in
                let recorder = RunRecorder(db: db, command: .report, now: now)
                let runner = CheckRunner(database: database, waived: WaiverStore.activeResults(waivers, on: Clock.day(now)))
                let summary = try runner.run(benchmark, into: CheckResultFanOut([recorder, CSVRenderer(sink: csv)]))
                guard let runId = recorder.runId else { throw CommandFailure("the run was not recorded") }
                let data = try ReportData(benchmark: benchmark, summary: summary, runId: runId, previousRunId: recorder.previousRunId,
                                          changes: recorder.changeCounts, countsByPlace: recorder.countsByPlace, trendRuns: options.trendRuns, tag: options.groupByTag, waivers: waivers, db: db)
                let text = try ReportMarkdown(data: data, options: options, now: now, files: (names.csv, names.json)).render(db: db)
                for file in [markdown, latest] {
                    var bytes = OutputBytes()
                    bytes.append(text)
                    try file.write(bytes)
                    try file.finish()
                }
                try ReportJSON(data: data, now: now, resultsFile: names.csv).write(to: json, db: db)
                return Report(runId: runId, summary: summary, changes: data.changes, baseName: baseName,
                              files: [names.markdown, names.json, names.csv, "latest.md"])
            }
        } catch {
            staged.forEach { $0.discard() }
            throw error
        }
        do {
            for file in staged { try file.publish() }
        } catch {
            staged.forEach { $0.discard() }
            try? RunHistory.undo(run: report.runId, database: database)
            throw error
        }
        return report
    }
}
