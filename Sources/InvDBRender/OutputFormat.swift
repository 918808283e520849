import InvDBChecks
import InvDBCore
import InvDBJSON

/// The output formats of `check`, `query`, `checks`, `tables`, `runs`, `diff` and `waivers`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, markdown, json, csv

    /// The renderer of this format, streaming into `sink`: it takes check results and plain
    /// tables alike (the one place that maps a format to its renderer).
    public func renderer(sink: any OutputSink, width: Int = 80, color: Bool = false) -> any CheckResultConsumer & TableResultConsumer {
        switch self {
        case .table: return TableRenderer(sink: sink, width: width, color: color)
        case .markdown: return MarkdownRenderer(sink: sink)
        case .json: return JSONRenderer(sink: sink)
        case .csv: return CSVRenderer(sink: sink)
        }
    }
}
