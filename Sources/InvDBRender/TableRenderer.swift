import InvDBChecks
import InvDBCore
import InvDBJSON

/// Aligned text for people at a terminal, streamed: readable at 80 columns, statuses coloured
/// only when asked (the command asks on a terminal), untrusted text stripped of control
/// characters (`TerminalText`).
public final class TableRenderer: CheckResultConsumer, TableResultConsumer {
    public let width: Int
    public let color: Bool
    private let output: BufferedSink

    public init(sink: any OutputSink, width: Int = 80, color: Bool = false) {
        self.width = max(width, 40)
        self.color = color
        output = BufferedSink(sink)
    }

    // MARK: - Tables

    /// Column widths are measured on the first rows (at most this many, held meanwhile); later
    /// rows wrap or are cut to them.
    static let measuredRows = 1000
    private var columns: [String] = []
    private var pending: [[String]] = []
    private var widths: [Int]?

    public func begin(columns: [String]) throws {
        self.columns = columns
    }

    public func row(_ cells: [CellValue]) throws {
        let texts = cells.map { TerminalText.sanitize($0.text) }
        guard widths == nil else {
            appendLines(texts)
            return try output.flushIfLarge()
        }
        pending.append(texts)
        if pending.count >= Self.measuredRows { startTable() }
    }

    public func end(rowCount: Int) throws {
        guard !columns.isEmpty else { return try output.finish() }
        if widths == nil { startTable() }
        output.bytes.append("(\(rowCount) \(rowCount == 1 ? "row" : "rows"))\n")
        try output.finish()
    }

    /// Fixes the widths from the rows held so far, and writes the header and those rows.
    private func startTable() {
        var widths = columns.indices.map { column in
            max(TerminalText.width(columns[column]), pending.map { TerminalText.width($0[column]) }.max() ?? 0)
        }
        // The last column wraps onto more lines; the others shrink (and are cut) only if the
        // last one would get narrower than 16.
        let last = widths.count - 1
        let gaps = 2 * last
        while widths.dropLast().reduce(0, +) + gaps + min(widths[last], 16) > width,
              let widest = widths.indices.dropLast().max(by: { widths[$0] < widths[$1] }), widths[widest] > 8 {
            widths[widest] -= 1
        }
        widths[last] = max(1, min(widths[last], width - widths.dropLast().reduce(0, +) - gaps))
        self.widths = widths
        appendLines(columns)
        appendLines(widths.map { String(repeating: "-", count: $0) })
        for row in pending { appendLines(row) }
        pending = []
    }

    private func appendLines(_ values: [String]) {
        guard let widths else { return }
        let last = widths.count - 1
        for (index, tail) in TerminalText.wrap(values[last], width: widths[last]).enumerated() {
            let head = values.dropLast().enumerated().map { column, value in
                TerminalText.fitted(index == 0 ? value : "", width: widths[column], pad: true)
            }
            output.bytes.append((head + [tail]).joined(separator: "  ").trimmingTrailingSpaces())
            output.bytes.append("\n")
        }
    }

    // MARK: - Checks

    private static let statusWidth = 6, resourceWidth = 20, nameWidth = 16, regionWidth = 13
    private var nameColumn: Int?
    private var regionColumn: Int?
    private var rowsInCheck = 0

    /// Columns before the reason; with less than 30 left, the reason goes on lines below.
    private var fixedWidth: Int { 2 + Self.statusWidth + 2 + Self.resourceWidth + 2 + Self.nameWidth + 2 + Self.regionWidth + 2 }
    private var reasonOnSameLine: Bool { width - fixedWidth >= 30 }

    public func begin(_ benchmark: Benchmark, columns: [CheckColumns]) throws {
        for line in TerminalText.wrap(benchmark.title + " (\(benchmark.id))", width: width) {
            output.bytes.append(bold(line))
            output.bytes.append("\n")
        }
        output.bytes.append("\n")
    }

    public func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns) throws {
        nameColumn = columns.dimension("instance_name") ?? columns.dimension("name")
        regionColumn = columns.dimension("region")
        rowsInCheck = 0
        for line in TerminalText.wrap("\(check.id) [\(check.severity)]: \(check.title)", width: width) {
            output.bytes.append(bold(line))
            output.bytes.append("\n")
        }
    }

    public func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns) throws {
        if rowsInCheck == 0 { appendHeader() }
        rowsInCheck += 1
        let out = output
        out.bytes.append("  ")
        if color {
            out.bytes.append(paint(status.rawValue + String(repeating: " ", count: Self.statusWidth - status.rawValue.count), status))
        } else {
            out.bytes.append(status.rawValue)
            out.bytes.append(spaces: Self.statusWidth - status.rawValue.utf8.count)
        }
        out.bytes.append("  ")
        row.withCell(columns.resource) { _ = out.bytes.appendTerminal($0, width: Self.resourceWidth, pad: true) }
        out.bytes.append("  ")
        cell(row, nameColumn) { _ = out.bytes.appendTerminal($0, width: Self.nameWidth, pad: true) }
        out.bytes.append("  ")
        let sameLine = reasonOnSameLine
        cell(row, regionColumn) { _ = out.bytes.appendTerminal($0, width: Self.regionWidth, pad: sameLine) }
        let indent = sameLine ? fixedWidth : 2 + Self.statusWidth + 2
        let reasonWidth = width - indent
        row.withCell(columns.reason) { reason in
            var index = 0
            TerminalText.wrap(reason, width: reasonWidth) { range in
                defer { index += 1 }
                if index > 0 || !sameLine {
                    out.bytes.trimTrailingSpaces()
                    out.bytes.append("\n")
                    out.bytes.append(spaces: indent)
                } else {
                    out.bytes.append("  ")
                }
                _ = out.bytes.appendTerminal(UnsafeBufferPointer(rebasing: reason[range]), width: reasonWidth, pad: false)
            }
        }
        out.bytes.trimTrailingSpaces()
        out.bytes.append("\n")
        try output.flushIfLarge()
    }

    private func appendHeader() {
        var header = "  " + TerminalText.fitted("STATUS", width: Self.statusWidth, pad: true) + "  "
            + TerminalText.fitted("RESOURCE", width: Self.resourceWidth, pad: true) + "  "
            + TerminalText.fitted("NAME", width: Self.nameWidth, pad: true) + "  " + TerminalText.fitted("REGION", width: Self.regionWidth, pad: true)
        header = reasonOnSameLine ? header + "  REASON" : header.trimmingTrailingSpaces()
        output.bytes.append(header)
        output.bytes.append("\n")
    }

    private func cell(_ row: ResultRow, _ column: Int?, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if let column { row.withCell(column, body) } else { body(UnsafeBufferPointer(start: nil, count: 0)) }
    }

    public func endCheck(_ check: CheckDefinition, index: Int, counts: StatusCounts) throws {
        if rowsInCheck == 0 { output.bytes.append("  (no resources in scope)\n") }
        output.bytes.append("\n")
    }

    public func end(_ summary: CheckRunSummary) throws {
        output.bytes.append(summary.summaryLine)
        output.bytes.append("\n")
        try output.finish()
    }

    private func bold(_ text: String) -> String {
        Terminal.colored(text, 1, enabled: color)
    }

    private func paint(_ text: String, _ status: CheckStatus) -> String {
        let code: Int
        switch status {
        case .ok: code = 32
        case .alarm: code = 31
        case .error: code = 35
        case .info: code = 36
        case .skip: code = 90
        case .waived: code = 33
        }
        return Terminal.colored(text, code, enabled: color)
    }
}
