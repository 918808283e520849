import Foundation
import GRDB
import InvDBChecks
import InvDBCore
import InvDBRender

/// The Markdown report: a one-screen summary and what changed, at most `maxRows` rows per
/// section whatever the size of the fleet (every count stays exact; the full lists are in the
/// CSV and JSON beside it). It renders on GitHub and reads in a terminal.
struct ReportMarkdown {
    var data: ReportData
    var options: ReportBuilder.Options
    var now: Date
    var files: (csv: String, json: String)

    private var statuses: [CheckStatus] { CheckStatus.allCases.sorted() }

    func render(db: Database) throws -> String {
        var out: [String] = []
        header(&out)
        dataSection(&out)
        checkSection(&out)
        groupSection(&out)
        try changeSection(&out, db: db)
        try resourceSection(&out, db: db)
        exceptionSection(&out)
        return out.joined(separator: "\n")
    }

    private func escape(_ text: String) -> String { MarkdownTable.escape(text) }

    private func countCells(_ counts: RunCounts) -> [MarkdownTable.Cell] {
        statuses.map { .markdown(String(counts[$0])) }
    }

    /// "… and 12 more …" under a table cut at `maxRows`.
    private func more(_ shown: Int, of total: Int, what: String, where place: String) -> [String] {
        total > shown ? ["", "… and \(total - shown) more \(what): \(place).", ""] : [""]
    }

    private func header(_ out: inout [String]) {
        let summary = data.summary
        var line = "**\(escape(summary.summaryLine))**"
        if let previous = data.previous {
            line += " · \(data.changes[.new] ?? 0) new, \(data.changes[.resolved] ?? 0) resolved, "
                + "\(data.changes[.stillFailing] ?? 0) still failing since run \(previous.id)"
        } else {
            line += " · first recorded run"
        }
        out += ["# \(escape(data.benchmark.title))", "",
                "Run \(data.runId) · \(data.recordedAt) · invdb \(InvDB.version) · benchmark `\(escape(data.benchmark.id))`", "",
                line, "",
                "Every result is in `\(files.csv)` and every change in `\(files.json)`; the run history answers "
                    + "anything else (`invdb diff`, or SQL on the `run_results` view: `invdb query \"SELECT * FROM run_results "
                    + "WHERE run_id = \(data.runId) AND effective_status = 'alarm'\"`).", ""]
    }

    private func dataSection(_ out: inout [String]) {
        out += ["## Data", ""]
        guard !data.freshness.isEmpty else {
            out += ["No imports: every check judged an empty database.", ""]
            return
        }
        let limit = now.addingTimeInterval(-Double(options.maximumAgeDays) * 86_400)
        let stale = data.freshness.filter { Clock.parse($0.newestImport).map { $0 < limit } ?? true }
        if !stale.isEmpty {
            out += ["> [!WARNING]", "> \(stale.count) of \(data.freshness.count) account and region pairs have no import in the last "
                    + "\(options.maximumAgeDays) days (the stalest first below). Their verdicts describe that past state.", ""]
        }
        out.append(MarkdownTable.header(["account", "region", "oldest import", "newest import"]).trimmingTrailingNewline)
        let shown = data.freshness.prefix(options.maxRows)
        for item in shown {
            out.append(MarkdownTable.row([.text(item.accountId), .text(item.region), .text(item.oldestImport), .text(item.newestImport)])
                .trimmingTrailingNewline)
        }
        out += more(shown.count, of: data.freshness.count, what: "account and region pairs", where: "see `data` in the JSON")
        // The CloudTrail checks judge only the logs imported: say which.
        if data.cloudTrail.isEmpty {
            out += ["No CloudTrail logs imported: the CloudTrail checks are unverified (`info`).", ""]
        } else {
            out.append(MarkdownTable.header(["CloudTrail account", "region", "first day", "last day", "days", "records"], numeric: [4, 5])
                .trimmingTrailingNewline)
            let days = data.cloudTrail.prefix(options.maxRows)
            for item in days {
                out.append(MarkdownTable.row([.text(item.accountId), .text(item.region), .text(item.firstDay), .text(item.lastDay),
                                              .markdown(String(item.days)), .markdown(String(item.records))]).trimmingTrailingNewline)
            }
            out += more(days.count, of: data.cloudTrail.count, what: "account and region pairs", where: "see `cloudtrail` in the JSON")
        }
    }

    private func checkSection(_ out: inout [String]) {
        out += ["## By check", ""]
        out.append(MarkdownTable.header(["check", "severity"] + statuses.map(\.rawValue), numeric: Set(2..<(2 + statuses.count)))
            .trimmingTrailingNewline)
        for (check, counts) in data.summary.checks {
            out.append(MarkdownTable.row([.text(check.title), .text(check.severity)] + countCells(RunCounts(counts))).trimmingTrailingNewline)
        }
        out.append(MarkdownTable.row([.markdown("**total**"), .markdown("")] + countCells(RunCounts(data.summary.counts))).trimmingTrailingNewline)
        let totals = RunCounts(data.summary.counts)
        out += ["", "```mermaid", "pie showData", "    title Results of run \(data.runId)"]
        for status in statuses where totals[status] > 0 {
            out.append("    \"\(status.rawValue)\" : \(totals[status])")
        }
        out += ["```", ""]
        if data.trend.count > 1 {
            let labels = data.trend.map { "\"\($0.id)\"" }.joined(separator: ", ")
            let failing = data.trend.map { String($0.failing) }.joined(separator: ", ")
            let maximum = max(data.trend.map(\.failing).max() ?? 0, 1)
            out += ["```mermaid", "xychart-beta", "    title \"Failing results (alarm + error) by run\"", "    x-axis [\(labels)]",
                    "    y-axis \"failing\" 0 --> \(maximum)", "    line [\(failing)]", "```", ""]
        }
    }

    private func groupTable(_ out: inout [String], title: String, column: String, groups: [GroupCounts], what: String, jsonKey: String) {
        out += ["### \(title) (\(groups.count))", ""]
        out.append(MarkdownTable.header([column, "failing"] + statuses.map(\.rawValue), numeric: Set(1..<(2 + statuses.count)))
            .trimmingTrailingNewline)
        let shown = groups.prefix(options.maxRows)
        for group in shown {
            out.append(MarkdownTable.row([.text(group.group), .markdown(String(group.failing))] + countCells(group.counts)).trimmingTrailingNewline)
        }
        let rest = groups.dropFirst(shown.count)
        let restFailing = rest.reduce(0) { $0 + $1.failing }
        out += more(shown.count, of: groups.count, what: "\(what) with \(restFailing) failing results", where: "see `\(jsonKey)` in the JSON")
    }

    private func groupSection(_ out: inout [String]) {
        out += ["## Where the failures are", "", "Groups with the most failing results (alarm + error) first.", ""]
        groupTable(&out, title: "By account", column: "account", groups: data.byAccount, what: "accounts", jsonKey: "by_account")
        groupTable(&out, title: "By region", column: "region", groups: data.byRegion, what: "regions", jsonKey: "by_region")
        if let tag = data.tag {
            groupTable(&out, title: "By tag \(escape(tag))", column: tag, groups: data.byTag, what: "values", jsonKey: "by_tag")
        }
    }

    private func changeSection(_ out: inout [String], db: Database) throws {
        out += ["## Changed since the previous run", ""]
        if let previous = data.previous {
            out += ["Previous run: \(previous.id) at \(previous.recordedAt).", ""]
        } else {
            out += ["This is the first recorded run of `\(escape(data.benchmark.id))`: every failing result is new.", ""]
        }
        for change in RunChange.allCases {
            let total = data.changes[change] ?? 0
            let title: String
            switch change {
            case .new: title = "New failures"
            case .resolved: title = "Resolved"
            case .stillFailing: title = "Still failing"
            }
            out += ["### \(title) (\(total))", ""]
            guard total > 0 else {
                out += ["None.", ""]
                continue
            }
            let withSince = change == .stillFailing
            out.append(MarkdownTable.header(["check", "resource", "name", "region", "status"] + (withSince ? ["failing since"] : []) + ["reason"])
                .trimmingTrailingNewline)
            var shown = 0
            try RunHistory.forEachChange(change, from: data.previous?.id, to: data.runId, limit: options.maxRows, db: db) { item in
                let cells: [MarkdownTable.Cell] = [.text(item.checkId), .text(item.resource), .text(item.name ?? ""), .text(item.region ?? ""),
                                                   .text(item.status)] + (withSince ? [.text(item.failingSince ?? "")] : []) + [.text(item.reason)]
                out.append(MarkdownTable.row(cells).trimmingTrailingNewline)
                shown += 1
            }
            let key = change == .stillFailing ? "still_failing" : (change == .new ? "new_failures" : "resolved")
            out += more(shown, of: total, what: "results", where: "see `\(key)` in `\(files.json)`, or `invdb diff \(data.previous?.id ?? 0) \(data.runId)`")
        }
    }

    private func resourceSection(_ out: inout [String], db: Database) throws {
        let shownStatuses = statuses.filter { options.statuses.contains($0) }
        let total = shownStatuses.reduce(0) { $0 + RunCounts(data.summary.counts)[$1] }
        let statusList = shownStatuses.map(\.rawValue).joined(separator: ", ")
        out += ["## Resources with status \(statusList) (\(total))", ""]
        guard total > 0 else {
            out += ["None.", ""]
            return
        }
        let placeholders = shownStatuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")
        for (check, counts) in data.summary.checks {
            let count = shownStatuses.reduce(0) { $0 + (counts[$1] ?? 0) }
            guard count > 0 else { continue }
            out += ["### \(escape(check.title)) (\(count))", "", "Fix: \(escape(check.remediation))", ""]
            out.append(MarkdownTable.header(["resource", "name", "account", "region", "status", "reason"]).trimmingTrailingNewline)
            let rows = try Row.fetchCursor(db, sql: """
                SELECT h.resource, h.name, h.account_id, h.region, h.effective_status, h.reason FROM result_history AS h
                WHERE \(ReportData.holdsRun) AND h.check_id = :check AND h.effective_status IN (\(placeholders))
                ORDER BY h.resource LIMIT :limit
                """, arguments: ["benchmark": data.benchmark.id, "run": data.runId, "check": check.id, "limit": options.maxRows])
            var shown = 0
            while let row = try rows.next() {
                out.append(MarkdownTable.row([.text(row[0] ?? ""), .text(row[1] ?? ""), .text(row[2] ?? ""), .text(row[3] ?? ""),
                                              .text(row[4] ?? ""), .text(row[5] ?? "")]).trimmingTrailingNewline)
                shown += 1
            }
            out += more(shown, of: count, what: "resources", where: "see `\(files.csv)`")
        }
    }

    private func exceptionSection(_ out: inout [String]) {
        out += ["## Exceptions (\(data.waivers.count))", ""]
        guard !data.waivers.isEmpty else {
            out += ["None. Accept a result on purpose with `invdb waive CHECK RESOURCE --reason … --owner … --expires YYYY-MM-DD`.", ""]
            return
        }
        let today = Clock.day(now)
        // Expired waivers first: they need someone's attention.
        let ordered = data.waivers.filter { !$0.isActive(on: today) } + data.waivers.filter { $0.isActive(on: today) }
        out.append(MarkdownTable.header(["check", "resource", "owner", "reason", "expires", "state"]).trimmingTrailingNewline)
        let shown = ordered.prefix(options.maxRows)
        for waiver in shown {
            let state: MarkdownTable.Cell = waiver.isActive(on: today) ? .markdown("active") : .markdown("**EXPIRED**: failing again")
            out.append(MarkdownTable.row([.text(waiver.checkId), .text(waiver.resource), .text(waiver.owner), .text(waiver.reason),
                                          .text(waiver.expiresOn), state]).trimmingTrailingNewline)
        }
        out += more(shown.count, of: ordered.count, what: "exceptions", where: "see `exceptions` in the JSON, or `invdb waivers`")
    }
}

extension String {
    /// The text without its final line break.
    var trimmingTrailingNewline: String { hasSuffix("\n") ? String(dropLast()) : self }
}
