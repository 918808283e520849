import Foundation
import GRDB

/// `invdb report`: runs a benchmark, records the run, and writes a dated Markdown report and its
/// JSON twin: a one-screen summary (when, on which data, counts, Mermaid charts), what changed
/// since the previous run, failing resources by check with their fix, and the exceptions.
///
/// Given the same database and the same clock (`INVDB_NOW`), the report is the same bytes.
public struct ReportBuilder {
    public struct Options: Sendable {
        /// Inputs older than this many days get a warning.
        public var maximumAgeDays = 7
        /// How many runs the trend chart shows.
        public var trendRuns = 10

        public init() {}
    }

    public struct Report: Sendable {
        public var runId: Int
        public var markdown: String
        public var json: String
        public var diff: RunDiff
        public var summary: CheckRunSummary
        /// File names (without folder): they sort by time.
        public var baseName: String
    }

    private let database: InvDatabase
    private let options: Options

    public init(database: InvDatabase, options: Options = Options()) {
        self.database = database
        self.options = options
    }

    /// Runs `benchmark` at `now`, records the run and writes its report into `directory`
    /// (created if needed): `<benchmark>-<time>.md`, `.json`, and `latest.md`. The run and its
    /// files succeed together or not at all: the files are written to temporary names inside the
    /// transaction that records the run, and renamed into place once it has committed; if that
    /// fails, the run is removed again.
    ///
    /// - Throws: `CommandFailure` when the folder or a file cannot be written (no run is recorded).
    public func run(_ benchmark: Benchmark, now: Date, writingTo directory: String) throws -> Report {
        let waivers = try WaiverStore.all(database)
        let today = Clock.day(now)
        var collector = CheckResultCollector()
        _ = try CheckRunner(database: database, waivers: waivers.filter { $0.isActive(on: today) }).run(benchmark, renderer: &collector)
        let result = BenchmarkResult(benchmark: benchmark, outcomes: collector.outcomes)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure("cannot create \(directory): \(error.localizedDescription)")
        }
        let (report, staged) = try database.write { db -> (Report, [OutputFile.Staged]) in
            let report = try build(result, waivers: waivers, now: now, db: db)
            var staged: [OutputFile.Staged] = []
            for (name, text) in [(report.baseName + ".md", report.markdown), (report.baseName + ".json", report.json), ("latest.md", report.markdown)] {
                var bytes = OutputBytes()
                bytes.append(text)
                staged.append(try OutputFile.stage(bytes, for: (directory as NSString).appendingPathComponent(name)))
            }
            return (report, staged)
        }
        do {
            for file in staged { try file.commit() }
        } catch {
            staged.forEach { $0.discard() }
            try? RunHistory.delete(run: report.runId, database: database)
            throw error
        }
        return report
    }

    /// Records the run of `result` and builds its report, inside the caller's transaction.
    private func build(_ result: BenchmarkResult, waivers: [Waiver], now: Date, db: Database) throws -> Report {
        let runId = try RunHistory.record(result, command: "report", now: now, db: db)
        let runs = try RunHistory.runs(db, benchmark: result.benchmark.id)
        let previous = runs.last { $0.id < runId }
        // Without a previous run, every failing result is new.
        let diff = try RunHistory.diff(from: previous?.id, to: runId, db: db)
        let freshness = try dataFreshness(db)
        let stamp = Timestamp.iso8601(now)
        let baseName = "\(result.benchmark.id)-" + stamp.replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "")
        let markdown = renderMarkdown(result: result, runId: runId, previous: previous, runs: runs.suffix(options.trendRuns), diff: diff,
                                      freshness: freshness, waivers: waivers, now: now)
        let json = renderJSON(result: result, runId: runId, previous: previous, diff: diff, freshness: freshness, waivers: waivers, now: now)
        return Report(runId: runId, markdown: markdown, json: json, diff: diff, summary: result.summary, baseName: baseName)
    }

    // MARK: - Data

    struct Freshness {
        var account: String
        var region: String
        var oldest: String
        var newest: String
    }

    private func dataFreshness(_ db: Database) throws -> [Freshness] {
        return try Row.fetchAll(db, sql: """
            SELECT coalesce(account_id, '-') AS account, coalesce(region, 'global') AS region,
                   min(imported_at) AS oldest, max(imported_at) AS newest
            FROM imports WHERE kind != '' GROUP BY 1, 2 ORDER BY 1, 2
            """).map { Freshness(account: $0["account"], region: $0["region"], oldest: $0["oldest"], newest: $0["newest"]) }
    }

    /// Result counts per account and region (from each row's `account_id` and `region`; `-`
    /// where a check gives none), sorted.
    static func countsByPlace(_ result: BenchmarkResult) -> [(account: String, region: String, counts: StatusCounts)] {
        var counts: [String: (account: String, region: String, counts: StatusCounts)] = [:]
        for outcome in result.outcomes {
            for row in outcome.rows {
                let account = row.dimension("account_id").isEmpty ? "-" : row.dimension("account_id")
                let region = row.dimension("region").isEmpty ? "-" : row.dimension("region")
                counts[account + "\u{0}" + region, default: (account, region, [:])].counts[row.status, default: 0] += 1
            }
        }
        return counts.keys.sorted().map { counts[$0]! }
    }

    // MARK: - Markdown

    private func renderMarkdown(result: BenchmarkResult, runId: Int, previous: RecordedRun?, runs: ArraySlice<RecordedRun>, diff: RunDiff,
                                freshness: [Freshness], waivers: [Waiver], now: Date) -> String {
        let e = MarkdownRenderer.escape
        let stamp = Timestamp.iso8601(now)
        let summary = result.summary
        let statuses = CheckStatus.allCases.sorted()
        var lines: [String] = []
        lines += ["# \(e(result.benchmark.title))", "",
                  "Run \(runId) · \(stamp) · invdb \(InvDB.version) · benchmark `\(result.benchmark.id)`", "",
                  "**\(e(summary.summaryLine))**" + (previous == nil ? " · first recorded run" : " · \(diff.newFailures.count) new, \(diff.resolved.count) resolved, \(diff.stillFailing.count) still failing since run \(previous!.id)"), ""]
        // Data the run judged.
        lines += ["## Data", "", "| account | region | oldest import | newest import |", "| --- | --- | --- | --- |"]
        let limit = now.addingTimeInterval(-Double(options.maximumAgeDays) * 86_400)
        var stale: [String] = []
        for item in freshness {
            lines.append("| \(e(item.account)) | \(e(item.region)) | \(item.oldest) | \(item.newest) |")
            if let newest = Clock.parse(item.newest), newest < limit {
                stale.append("\(item.account) \(item.region) (newest import \(item.newest))")
            }
        }
        if freshness.isEmpty { lines.append("| - | - | no imports | |") }
        lines.append("")
        if !stale.isEmpty {
            lines += ["> [!WARNING]", "> Inputs older than \(options.maximumAgeDays) days: \(e(stale.joined(separator: "; "))). The verdicts describe that past state.", ""]
        }
        // Counts per account and region: where an organization-wide report's failures are.
        let places = Self.countsByPlace(result)
        lines += ["## By account and region", "", "| account | region | " + statuses.map(\.rawValue).joined(separator: " | ") + " |",
                  "| --- | --- | " + statuses.map { _ in "---:" }.joined(separator: " | ") + " |"]
        for place in places {
            lines.append("| \(e(place.account)) | \(e(place.region)) | " + statuses.map { String(place.counts[$0] ?? 0) }.joined(separator: " | ") + " |")
        }
        lines.append("")
        // Counts per check and status.
        lines += ["## Summary", "", "| check | severity | " + statuses.map(\.rawValue).joined(separator: " | ") + " |",
                  "| --- | --- | " + statuses.map { _ in "---:" }.joined(separator: " | ") + " |"]
        for (check, counts) in summary.checks {
            lines.append("| \(e(check.title)) | \(e(check.severity)) | " + statuses.map { String(counts[$0] ?? 0) }.joined(separator: " | ") + " |")
        }
        let totals = summary.counts
        let failing = (totals[.alarm] ?? 0) + (totals[.error] ?? 0)
        lines += ["", "```mermaid", "pie showData", "    title Results of run \(runId)"]
        for status in statuses where (totals[status] ?? 0) > 0 {
            lines.append("    \"\(status.rawValue)\" : \(totals[status]!)")
        }
        lines += ["```", ""]
        if runs.count > 1 {
            let labels = runs.map { "\"\($0.id)\"" }.joined(separator: ", ")
            let alarms = runs.map { String(($0.counts["alarm"] ?? 0) + ($0.counts["error"] ?? 0)) }.joined(separator: ", ")
            let maximum = max(runs.map { ($0.counts["alarm"] ?? 0) + ($0.counts["error"] ?? 0) }.max() ?? 0, 1)
            lines += ["```mermaid", "xychart-beta", "    title \"Failing results (alarm + error) by run\"", "    x-axis [\(labels)]",
                      "    y-axis \"failing\" 0 --> \(maximum)", "    line [\(alarms)]", "```", ""]
        }
        // Changes.
        lines += ["## Changed since the previous run", ""]
        if let previous {
            lines += ["Previous run: \(previous.id) at \(previous.recordedAt).", ""]
        } else {
            lines += ["This is the first recorded run of `\(result.benchmark.id)`: every failing result is new.", ""]
        }
        func table(_ items: [RunDiff.Item], withFirstSeen: Bool) {
            guard !items.isEmpty else {
                lines += ["None.", ""]
                return
            }
            lines.append(withFirstSeen ? "| check | resource | name | status | failing since | reason |" : "| check | resource | name | status | reason |")
            lines.append(withFirstSeen ? "| --- | --- | --- | --- | --- | --- |" : "| --- | --- | --- | --- | --- |")
            for item in items {
                let cells = [e(item.checkId), e(item.resource), e(item.name ?? ""), item.status] + (withFirstSeen ? [item.firstSeen ?? ""] : []) + [e(item.reason)]
                lines.append("| " + cells.joined(separator: " | ") + " |")
            }
            lines.append("")
        }
        lines += ["### New failures (\(diff.newFailures.count))", ""]
        table(diff.newFailures, withFirstSeen: false)
        lines += ["### Resolved (\(diff.resolved.count))", ""]
        table(diff.resolved, withFirstSeen: false)
        lines += ["### Still failing (\(diff.stillFailing.count))", ""]
        table(diff.stillFailing, withFirstSeen: true)
        // Failing resources by check.
        lines += ["## Failing resources (\(failing))", ""]
        for outcome in result.outcomes {
            let rows = outcome.rows.filter { $0.status.isFinding }
            guard !rows.isEmpty else { continue }
            lines += ["### \(e(outcome.check.title)) (\(rows.count))", "", "Fix: \(e(outcome.check.remediation))", "",
                      "| resource | name | region | status | reason |", "| --- | --- | --- | --- | --- |"]
            for row in rows {
                let name = row.dimension("instance_name").isEmpty ? row.dimension("name") : row.dimension("instance_name")
                lines.append("| \(e(row.resource)) | \(e(name)) | \(e(row.dimension("region"))) | \(row.status.rawValue) | \(e(row.reason)) |")
            }
            lines.append("")
        }
        if failing == 0 { lines += ["None.", ""] }
        // Exceptions.
        lines += ["## Exceptions (\(waivers.count))", ""]
        if waivers.isEmpty {
            lines += ["None. Accept a result on purpose with `invdb waive CHECK RESOURCE --reason … --owner … --expires YYYY-MM-DD`.", ""]
        } else {
            let today = Clock.day(now)
            lines += ["| check | resource | owner | reason | expires | state |", "| --- | --- | --- | --- | --- | --- |"]
            for waiver in waivers {
                let state = waiver.isActive(on: today) ? "active" : "**EXPIRED**: failing again"
                lines.append("| \(e(waiver.checkId)) | \(e(waiver.resource)) | \(e(waiver.owner)) | \(e(waiver.reason)) | \(waiver.expiresOn) | \(state) |")
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - JSON

    private func renderJSON(result: BenchmarkResult, runId: Int, previous: RecordedRun?, diff: RunDiff, freshness: [Freshness],
                            waivers: [Waiver], now: Date) -> String {
        func string(_ text: String?) -> String { text.map(jsonStringLiteral) ?? "null" }
        func items(_ list: [RunDiff.Item]) -> String {
            "[" + list.map { item in
                "{\"check_id\": \(string(item.checkId)), \"resource\": \(string(item.resource)), \"name\": \(string(item.name)), "
                    + "\"region\": \(string(item.region)), \"status\": \(string(item.status)), \"first_seen\": \(string(item.firstSeen)), "
                    + "\"reason\": \(string(item.reason))}"
            }.joined(separator: ",\n    ") + "]"
        }
        let today = Clock.day(now)
        var lines = ["{"]
        lines.append("  \"run_id\": \(runId),")
        lines.append("  \"recorded_at\": \(string(Timestamp.iso8601(now))),")
        lines.append("  \"benchmark\": \(string(result.benchmark.id)),")
        lines.append("  \"invdb_version\": \(string(InvDB.version)),")
        lines.append("  \"previous_run_id\": \(previous.map { String($0.id) } ?? "null"),")
        lines.append("  \"summary\": \(JSONRenderer.counts(result.summary.counts)),")
        lines.append("  \"by_account_region\": [" + Self.countsByPlace(result).map {
            "{\"account_id\": \(string($0.account)), \"region\": \(string($0.region)), \"counts\": \(JSONRenderer.counts($0.counts))}"
        }.joined(separator: ", ") + "],")
        lines.append("  \"data\": [" + freshness.map {
            "{\"account_id\": \(string($0.account)), \"region\": \(string($0.region)), \"oldest_import\": \(string($0.oldest)), \"newest_import\": \(string($0.newest))}"
        }.joined(separator: ", ") + "],")
        lines.append("  \"new_failures\": \(items(diff.newFailures)),")
        lines.append("  \"resolved\": \(items(diff.resolved)),")
        lines.append("  \"still_failing\": \(items(diff.stillFailing)),")
        lines.append("  \"exceptions\": [" + waivers.map {
            "{\"check_id\": \(string($0.checkId)), \"resource\": \(string($0.resource)), \"owner\": \(string($0.owner)), "
                + "\"reason\": \(string($0.reason)), \"expires_on\": \(string($0.expiresOn)), \"expired\": \(!$0.isActive(on: today))}"
        }.joined(separator: ", ") + "],")
        var renderer = JSONRenderer()
        let results = renderer.render(result).string.trimmingCharacters(in: .whitespacesAndNewlines)
        lines.append("  \"results\": " + results.replacingOccurrences(of: "\n", with: "\n  "))
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }
}
