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
    private var lastBelow = false

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
        // The last column wraps onto more lines; the other free-text columns shrink (and are
        // cut) only if the last one would get narrower than 16. Identifiers are never cut: a
        // line too long for the terminal is better than two resources that print alike.
        let last = widths.count - 1
        let gaps = 2 * last
        let shrinkable = columns.indices.dropLast().filter { !Self.isIdentifier(columns[$0]) }
        while widths.dropLast().reduce(0, +) + gaps + min(widths[last], 16) > width,
              let widest = shrinkable.max(by: { widths[$0] < widths[$1] }), widths[widest] > 8 {
            widths[widest] -= 1
        }
        let room = width - widths.dropLast().reduce(0, +) - gaps
        // With too little room left, the last column goes on the lines below its row.
        lastBelow = widths[last] > room && room < 16 && widths.count > 1
        widths[last] = lastBelow ? max(1, min(widths[last], width - 4)) : max(1, min(widths[last], room))
        self.widths = widths
        appendLines(columns)
        appendLines(widths.map { String(repeating: "-", count: $0) })
        for row in pending { appendLines(row) }
        pending = []
    }

    /// Columns that hold identifiers (ids, ARNs, regions, accounts, statuses, times), by name:
    /// shown whole. Other columns (names, reasons, titles) may be shortened or wrapped.
    static func isIdentifier(_ column: String) -> Bool {
        let name = column.lowercased()
        return ["resource", "region", "account", "arn", "status", "effective_status", "state", "change", "run", "benchmark", "command",
                "severity", "kind", "family", "address", "id"].contains(name)
            || ["_id", "_arn", "_at", "_on", "_since", "_region", "_ip", "_status"].contains { name.hasSuffix($0) }
    }

    private func appendLines(_ values: [String]) {
        guard let widths else { return }
        let last = widths.count - 1
        if lastBelow {
            let head = values.dropLast().enumerated().map { TerminalText.fitted($0.element, width: widths[$0.offset], pad: true) }
            output.bytes.append(head.joined(separator: "  ").trimmingTrailingSpaces())
            output.bytes.append("\n")
            for line in TerminalText.wrap(values[last], width: widths[last]) where !line.isEmpty {
                output.bytes.append("    " + line)
                output.bytes.append("\n")
            }
            return
        }
        for (index, tail) in TerminalText.wrap(values[last], width: widths[last]).enumerated() {
            let head = values.dropLast().enumerated().map { column, value in
                TerminalText.fitted(index == 0 ? value : "", width: widths[column], pad: true)
            }
            output.bytes.append((head + [tail]).joined(separator: "  ").trimmingTrailingSpaces())
            output.bytes.append("\n")
        }
    }

    // MARK: - Checks

    /// Column widths of check results; the resource and region are never cut (`ap-southeast-1` is
    /// 14 characters; an ARN is longer than 20): a longer one widens its line, and the reason then
    /// starts on the line below.
    private static let statusWidth = 6, resourceWidth = 20, nameWidth = 16, regionWidth = 14
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
        var overflow = 0
        row.withCell(columns.resource) { overflow += Self.appendWhole($0, width: Self.resourceWidth, into: &out.bytes) }
        out.bytes.append("  ")
        cell(row, nameColumn) { _ = out.bytes.appendTerminal($0, width: Self.nameWidth, pad: true) }
        out.bytes.append("  ")
        cell(row, regionColumn) { overflow += Self.appendWhole($0, width: Self.regionWidth, into: &out.bytes) }
        let sameLine = reasonOnSameLine && overflow == 0
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

    /// Appends an identifier whole, padded to `width`; returns by how many columns it is wider.
    private static func appendWhole(_ text: UnsafeBufferPointer<UInt8>, width: Int, into out: inout OutputBytes) -> Int {
        let written = out.appendTerminal(text, width: Int.max, pad: false)
        if written < width { out.append(spaces: width - written) }
        return max(0, written - width)
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
        let total = counts.values.reduce(0, +)
        if rowsInCheck == 0 {
            output.bytes.append(total == 0 ? "  (no resources in scope)\n" : "  (no results with the statuses asked for; \(total) others)\n")
        }
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
