/// Aligned text for people at a terminal: readable at 80 columns, statuses coloured only when
/// asked (the command asks on a terminal), untrusted text stripped of control characters.
public struct TableRenderer: OutputRenderer {
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

    public func render(benchmark: BenchmarkResult) -> String {
        var lines = TerminalText.wrap(benchmark.benchmark.title + " (\(benchmark.benchmark.id))", width: width).map(bold) + [""]
        for outcome in benchmark.outcomes {
            lines += TerminalText.wrap("\(outcome.check.id) [\(outcome.check.severity)]: \(outcome.check.title)", width: width).map(bold)
            if outcome.rows.isEmpty {
                lines += ["  (no resources in scope)", ""]
                continue
            }
            let rows = outcome.rows.sorted { ($0.status, $0.resource) < ($1.status, $1.resource) }
            let resourceWidth = min(rows.map { $0.resource.count }.max() ?? 8, 24)
            let nameWidth = min(max(rows.map { name(of: $0).count }.max() ?? 0, 4), 16)
            let regionWidth = min(max(rows.map { $0.dimension("region").count }.max() ?? 0, 6), 16)
            let fixed = 2 + 6 + 2 + resourceWidth + 2 + nameWidth + 2 + regionWidth + 2
            let sameLine = width - fixed >= 30
            let header = "  " + TerminalText.pad("STATUS", to: 6) + "  " + TerminalText.pad("RESOURCE", to: resourceWidth) + "  "
                + TerminalText.pad("NAME", to: nameWidth) + "  " + TerminalText.pad("REGION", to: regionWidth) + (sameLine ? "  REASON" : "")
            lines.append(header.trimmingTrailingSpaces())
            for row in rows {
                let statusText = TerminalText.pad(row.status.rawValue, to: 6)
                let lead = "  " + paint(statusText, row.status) + "  "
                    + TerminalText.pad(TerminalText.truncate(TerminalText.sanitize(row.resource), to: resourceWidth), to: resourceWidth) + "  "
                    + TerminalText.pad(TerminalText.truncate(TerminalText.sanitize(name(of: row)), to: nameWidth), to: nameWidth) + "  "
                    + TerminalText.pad(TerminalText.truncate(TerminalText.sanitize(row.dimension("region")), to: regionWidth), to: regionWidth)
                let reason = TerminalText.sanitize(row.reason)
                if sameLine {
                    let wrapped = TerminalText.wrap(reason, width: width - fixed)
                    lines.append(lead + "  " + (wrapped.first ?? ""))
                    let indent = String(repeating: " ", count: fixed)
                    lines += wrapped.dropFirst().map { indent + $0 }
                } else {
                    lines.append(lead.trimmingTrailingSpaces())
                    lines += TerminalText.wrap(reason, width: width - 10).map { String(repeating: " ", count: 10) + $0 }
                }
            }
            lines.append("")
        }
        lines.append(benchmark.summaryLine)
        return lines.joined(separator: "\n") + "\n"
    }

    private func name(of row: CheckResultRow) -> String {
        let instanceName = row.dimension("instance_name")
        return instanceName.isEmpty ? row.dimension("name") : instanceName
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
