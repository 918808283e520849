/// Aligned text for people at a terminal: readable at 80 columns, statuses coloured only when
/// asked (the command asks on a terminal), untrusted text stripped of control characters.
public struct TableRenderer: OutputRenderer, CheckRenderer {
    public var width: Int
    public var color: Bool

    public init(width: Int = 80, color: Bool = false) {
        self.width = max(width, 40)
        self.color = color
    }

    public func render(table: ResultTable) -> String {
        guard !table.columns.isEmpty else { return "" }
        let cells = table.rows.map { $0.map { TerminalText.sanitize($0.text) } }
        var widths = table.columns.indices.map { column in
            max(table.columns[column].count, cells.map { $0[column].count }.max() ?? 0)
        }
        // The last column wraps onto more lines; the others shrink (and truncate) only if the
        // last one would get narrower than 20.
        let last = widths.count - 1
        let gaps = 2 * last
        while widths.dropLast().reduce(0, +) + gaps + min(widths[last], 16) > width,
              let widest = widths.indices.dropLast().max(by: { widths[$0] < widths[$1] }), widths[widest] > 8 {
            widths[widest] -= 1
        }
        widths[last] = max(1, min(widths[last], width - widths.dropLast().reduce(0, +) - gaps))
        func lines(_ values: [String]) -> [String] {
            let wrapped = TerminalText.wrap(values[last], width: widths[last])
            return wrapped.enumerated().map { index, tail in
                let head = values.dropLast().enumerated().map { column, value in
                    TerminalText.pad(index == 0 ? TerminalText.truncate(value, to: widths[column]) : "", to: widths[column])
                }
                return (head + [tail]).joined(separator: "  ").trimmingTrailingSpaces()
            }
        }
        var output = lines(table.columns) + lines(widths.map { String(repeating: "-", count: $0) })
        for row in cells { output += lines(row) }
        output.append("(\(table.rows.count) \(table.rows.count == 1 ? "row" : "rows"))")
        return output.joined(separator: "\n") + "\n"
    }

    // MARK: - Checks

    private static let statusWidth = 6, resourceWidth = 20, nameWidth = 16, regionWidth = 13
    private var nameColumn: Int?
    private var regionColumn: Int?

    /// Columns before the reason; with less than 30 left, the reason goes on lines below.
    private var fixedWidth: Int { 2 + Self.statusWidth + 2 + Self.resourceWidth + 2 + Self.nameWidth + 2 + Self.regionWidth + 2 }
    private var reasonOnSameLine: Bool { width - fixedWidth >= 30 }

    public mutating func begin(_ benchmark: Benchmark, columns: [CheckColumns]) {}

    public mutating func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns, into out: inout OutputBytes) {
        nameColumn = columns.dimension("instance_name") ?? columns.dimension("name")
        regionColumn = columns.dimension("region")
        for line in TerminalText.wrap("\(check.id) [\(check.severity)]: \(check.title)", width: width) {
            out.append(bold(line))
            out.append("\n")
        }
    }

    public mutating func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns, into out: inout OutputBytes) {
        if rowsInCheck == 0 { appendHeader(into: &out) }
        rowsInCheck += 1
        out.append("  ")
        if color {
            out.append(paint(status.rawValue + String(repeating: " ", count: Self.statusWidth - status.rawValue.count), status))
        } else {
            out.append(status.rawValue)
            out.append(spaces: Self.statusWidth - status.rawValue.utf8.count)
        }
        out.append("  ")
        row.withCell(columns.resource) { out.appendTerminal($0, width: Self.resourceWidth, pad: true) }
        out.append("  ")
        cell(row, nameColumn) { out.appendTerminal($0, width: Self.nameWidth, pad: true) }
        out.append("  ")
        cell(row, regionColumn) { out.appendTerminal($0, width: Self.regionWidth, pad: reasonOnSameLine) }
        let sameLine = reasonOnSameLine
        let indent = sameLine ? fixedWidth : 2 + Self.statusWidth + 2
        let reasonWidth = width - indent
        row.withCell(columns.reason) { reason in
            var index = 0
            TerminalBytes.wrap(reason, width: reasonWidth) { range in
                defer { index += 1 }
                if index > 0 || !sameLine {
                    out.trimTrailingSpaces()
                    out.append("\n")
                    out.append(spaces: indent)
                } else {
                    out.append("  ")
                }
                out.appendTerminal(UnsafeBufferPointer(rebasing: reason[range]), width: reasonWidth, pad: false)
            }
        }
        out.trimTrailingSpaces()
        out.append("\n")
    }

    private var rowsInCheck = 0

    private func appendHeader(into out: inout OutputBytes) {
        var header = "  " + TerminalText.pad("STATUS", to: Self.statusWidth) + "  " + TerminalText.pad("RESOURCE", to: Self.resourceWidth)
            + "  " + TerminalText.pad("NAME", to: Self.nameWidth) + "  " + TerminalText.pad("REGION", to: Self.regionWidth)
        header = reasonOnSameLine ? header + "  REASON" : header.trimmingTrailingSpaces()
        out.append(header)
        out.append("\n")
    }

    private func cell(_ row: ResultRow, _ column: Int?, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        if let column { row.withCell(column, body) } else { body(UnsafeBufferPointer(start: nil, count: 0)) }
    }

    public mutating func endCheck(_ check: CheckDefinition, counts: StatusCounts, into out: inout OutputBytes) {
        if rowsInCheck == 0 { out.append("  (no resources in scope)\n") }
        rowsInCheck = 0
        out.append("\n")
    }

    public func document(summary: CheckRunSummary, body: OutputBytes) -> OutputBytes {
        var out = OutputBytes()
        for line in TerminalText.wrap(summary.benchmark.title + " (\(summary.benchmark.id))", width: width) {
            out.append(bold(line))
            out.append("\n")
        }
        out.append("\n")
        out.append(body)
        out.append(summary.summaryLine)
        out.append("\n")
        return out
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

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
