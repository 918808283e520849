import InvDBChecks
import InvDBCore
import InvDBJSON

/// GitHub-flavoured Markdown: a summary, then the rows. Every value is escaped so that a `|`,
/// a line break, a backtick or HTML in a tag value can neither break a table nor inject markup.
/// The summary table needs every count, so the checks' sections go to a temporary file first and
/// follow the summary: the output is never held in memory.
public final class MarkdownRenderer: CheckResultConsumer, TableResultConsumer {
    private let output: BufferedSink
    private let sink: any OutputSink
    private var spill: SpillFile?
    private var body = OutputBytes()
    private var rowsInCheck = 0
    private var pendingHeader = ""

    public init(sink: any OutputSink) {
        self.sink = sink
        output = BufferedSink(sink)
    }

    // MARK: - Tables

    public func begin(columns: [String]) throws {
        output.bytes.append(MarkdownTable.header(columns))
    }

    public func row(_ cells: [CellValue]) throws {
        MarkdownTable.appendRow(cells.map { .text($0.text) }, into: &output.bytes)
        try output.flushIfLarge()
    }

    public func end(rowCount: Int) throws {
        try output.finish()
    }

    // MARK: - Checks

    public func begin(_ benchmark: Benchmark, columns: [CheckColumns]) throws {
        spill = try SpillFile()
    }

    public func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns) throws {
        body.append("\n## ")
        body.appendMarkdown(check.id)
        body.append("\n\n**")
        body.appendMarkdown(check.title)
        body.append("** (severity: ")
        body.appendMarkdown(check.severity)
        body.append(")\n\n")
        body.appendMarkdown(check.description)
        body.append("\n\nRemediation: ")
        body.appendMarkdown(check.remediation)
        body.append("\n\n")
        pendingHeader = MarkdownTable.header(["status", "resource", "reason"] + columns.dimensions.map { columns.names[$0] })
        rowsInCheck = 0
    }

    public func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns) throws {
        if rowsInCheck == 0 { body.append(pendingHeader) }
        rowsInCheck += 1
        body.append("| ")
        body.append(status.rawValue)
        for index in [columns.resource, columns.reason] + columns.dimensions {
            body.append(" | ")
            row.withCell(index) { body.appendMarkdown($0) }
        }
        body.append(" |\n")
        if body.count >= OutputBytes.flushThreshold {
            try spill?.write(body)
            body.removeAll()
        }
    }

    public func endCheck(_ check: CheckDefinition, index: Int, counts: StatusCounts) throws {
        if rowsInCheck == 0 { body.append("No resources in scope.\n") }
    }

    public func end(_ summary: CheckRunSummary) throws {
        let statuses = CheckStatus.allCases.sorted()
        output.bytes.append("# ")
        output.bytes.appendMarkdown(summary.benchmark.title)
        output.bytes.append("\n\n**")
        output.bytes.appendMarkdown(summary.summaryLine)
        output.bytes.append("**\n\n")
        output.bytes.append(MarkdownTable.header(["Check", "Severity"] + statuses.map(\.rawValue), numeric: Set(2..<(2 + statuses.count))))
        for (check, counts) in summary.checks {
            let link = "[" + MarkdownTable.escape(check.title) + "](#\(Self.anchor(check.id)))"
            MarkdownTable.appendRow([.markdown(link), .text(check.severity)] + statuses.map { .markdown(String(counts[$0] ?? 0)) },
                                    into: &output.bytes)
        }
        try output.flush()
        if let spill {
            try spill.write(body)
            body.removeAll()
            try spill.copy(into: sink)
        }
        try output.finish()
    }

    /// GitHub's heading anchor for a check id: lowercase; the escaping backslashes of `_` are
    /// dropped by GitHub, the underscores kept.
    static func anchor(_ id: String) -> String {
        id.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }
}
