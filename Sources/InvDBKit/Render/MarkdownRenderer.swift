/// GitHub-flavoured Markdown: a summary, then the rows. Every value is escaped so that a `|`,
/// a line break, a backtick or HTML in a tag value can neither break a table nor inject markup.
public struct MarkdownRenderer: OutputRenderer, CheckRenderer {
    private var rowsInCheck = 0
    private var pendingHeader = OutputBytes()

    public init() {}

    public func render(table: ResultTable) -> String {
        var out = OutputBytes()
        appendRow(table.columns.map { .text($0) }, into: &out)
        out.append("|" + String(repeating: " --- |", count: table.columns.count) + "\n")
        for row in table.rows { appendRow(row, into: &out) }
        return out.string
    }

    private func appendRow(_ cells: [CellValue], into out: inout OutputBytes) {
        out.append("|")
        for cell in cells {
            out.append(" ")
            out.appendMarkdown(cell.text)
            out.append(" |")
        }
        out.append("\n")
    }

    /// Escapes untrusted text for a table cell or a paragraph.
    public static func escape(_ text: String) -> String {
        var out = OutputBytes()
        out.appendMarkdown(text)
        return out.string
    }

    // MARK: - Checks

    public mutating func begin(_ benchmark: Benchmark, columns: [CheckColumns]) {}

    public mutating func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns, into out: inout OutputBytes) {
        out.append("\n## ")
        out.appendMarkdown(check.id)
        out.append("\n\n**")
        out.appendMarkdown(check.title)
        out.append("** (severity: ")
        out.appendMarkdown(check.severity)
        out.append(")\n\n")
        out.appendMarkdown(check.description)
        out.append("\n\nRemediation: ")
        out.appendMarkdown(check.remediation)
        out.append("\n\n")
        pendingHeader = OutputBytes()
        pendingHeader.append("| status | resource | reason |")
        for index in columns.dimensions {
            pendingHeader.append(" ")
            pendingHeader.appendMarkdown(columns.names[index])
            pendingHeader.append(" |")
        }
        pendingHeader.append("\n|" + String(repeating: " --- |", count: 3 + columns.dimensions.count) + "\n")
        rowsInCheck = 0
    }

    public mutating func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns, into out: inout OutputBytes) {
        if rowsInCheck == 0 { out.append(pendingHeader) }
        rowsInCheck += 1
        out.append("| ")
        out.append(status.rawValue)
        for index in [columns.resource, columns.reason] + columns.dimensions {
            out.append(" | ")
            row.withCell(index) { out.appendMarkdown($0) }
        }
        out.append(" |\n")
    }

    public mutating func endCheck(_ check: CheckDefinition, counts: StatusCounts, into out: inout OutputBytes) {
        if rowsInCheck == 0 { out.append("No resources in scope.\n") }
    }

    public func document(summary: CheckRunSummary, body: OutputBytes) -> OutputBytes {
        let statuses = CheckStatus.allCases.sorted()
        var out = OutputBytes()
        out.append("# ")
        out.appendMarkdown(summary.benchmark.title)
        out.append("\n\n**")
        out.appendMarkdown(summary.summaryLine)
        out.append("**\n\n| Check | Severity |")
        for status in statuses { out.append(" \(status.rawValue) |") }
        out.append("\n| --- | --- |" + String(repeating: " ---: |", count: statuses.count) + "\n")
        for (check, counts) in summary.checks {
            out.append("| [")
            out.appendMarkdown(check.title)
            out.append("](#\(Self.anchor(check.id))) | ")
            out.appendMarkdown(check.severity)
            out.append(" |")
            for status in statuses { out.append(" \(counts[status] ?? 0) |") }
            out.append("\n")
        }
        out.append(body)
        return out
    }

    /// GitHub's heading anchor for a check id: lowercase; the escaping backslashes of `_` are
    /// dropped by GitHub, the underscores kept.
    static func anchor(_ id: String) -> String {
        id.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }
}
