/// GitHub-flavoured Markdown: a summary, then the rows. Every value is escaped so that a `|`,
/// a line break, a backtick or HTML in a tag value can neither break a table nor inject markup.
public struct MarkdownRenderer: OutputRenderer {
    public init() {}

    public func render(table: ResultTable) -> String {
        var lines = [row(table.columns.map(Self.escape)), row(table.columns.map { _ in "---" })]
        lines += table.rows.map { row($0.map { Self.escape($0.text) }) }
        return lines.joined(separator: "\n") + "\n"
    }

    public func render(benchmark: BenchmarkResult) -> String {
        let statuses = CheckStatus.allCases.sorted()
        var lines = ["# \(Self.escape(benchmark.benchmark.title))", "", "**\(Self.escape(benchmark.summaryLine))**", ""]
        lines.append(row(["Check", "Severity"] + statuses.map(\.rawValue)))
        lines.append(row(["---", "---"] + statuses.map { _ in "---:" }))
        for outcome in benchmark.outcomes {
            let counts = outcome.counts
            lines.append(row(["[\(Self.escape(outcome.check.title))](#\(Self.anchor(outcome.check.id)))", Self.escape(outcome.check.severity)]
                             + statuses.map { String(counts[$0] ?? 0) }))
        }
        for outcome in benchmark.outcomes {
            lines += ["", "## \(Self.escape(outcome.check.id))", "", "**\(Self.escape(outcome.check.title))** (severity: \(Self.escape(outcome.check.severity)))", "",
                      Self.escape(outcome.check.description), "", "Remediation: \(Self.escape(outcome.check.remediation))", ""]
            guard !outcome.rows.isEmpty else {
                lines.append("No resources in scope.")
                continue
            }
            let dimensionNames = outcome.rows[0].dimensions.map(\.name)
            lines.append(row(["status", "resource", "reason"] + dimensionNames.map(Self.escape)))
            lines.append(row(Array(repeating: "---", count: 3 + dimensionNames.count)))
            for result in outcome.rows.sorted(by: { ($0.status, $0.resource) < ($1.status, $1.resource) }) {
                lines.append(row([result.status.rawValue, Self.escape(result.resource), Self.escape(result.reason)]
                                 + dimensionNames.map { Self.escape(result.dimension($0)) }))
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func row(_ cells: [String]) -> String {
        "| " + cells.joined(separator: " | ") + " |"
    }

    /// Escapes untrusted text for a table cell or a paragraph: HTML is neutralised as entities,
    /// Markdown punctuation is backslash-escaped, and line breaks become `<br>`.
    public static func escape(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "|": output += "&#124;"
            case "\r\n", "\n", "\r": output += "<br>"
            case "\\", "`", "*", "_", "[", "]", "(", ")", "#", "!", "~", "{", "}": output += "\\" + String(character)
            default:
                if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1,
                   scalar.value < 0x20 || scalar.value == 0x7F {
                    output += "&#\(scalar.value);"
                } else {
                    output.append(character)
                }
            }
        }
        return output
    }

    /// GitHub's heading anchor for a check id (lowercase, underscores kept).
    static func anchor(_ id: String) -> String {
        id.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }
}
