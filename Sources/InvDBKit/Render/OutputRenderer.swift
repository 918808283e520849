/// The output formats of `check`, `query`, `checks` and `tables`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, markdown, json, csv

    /// The renderer for plain result tables (`query`, `tables`, `checks`).
    public func renderer(width: Int = 80, color: Bool = false) -> OutputRenderer {
        switch self {
        case .table: return TableRenderer(width: width, color: color)
        case .markdown: return MarkdownRenderer()
        case .json: return JSONRenderer()
        case .csv: return CSVRenderer()
        }
    }

    /// Runs `benchmark` and renders its results in this format, row by row.
    public func runChecks(_ benchmark: Benchmark, with runner: CheckRunner, width: Int = 80,
                          color: Bool = false) throws -> (CheckRunSummary, OutputBytes) {
        switch self {
        case .table:
            var renderer = TableRenderer(width: width, color: color)
            return try runner.run(benchmark, renderer: &renderer)
        case .markdown:
            var renderer = MarkdownRenderer()
            return try runner.run(benchmark, renderer: &renderer)
        case .json:
            var renderer = JSONRenderer()
            return try runner.run(benchmark, renderer: &renderer)
        case .csv:
            var renderer = CSVRenderer()
            return try runner.run(benchmark, renderer: &renderer)
        }
    }
}

extension OutputFormat {
    /// Renders results collected earlier (a recorded run) in this format.
    public func render(_ result: BenchmarkResult, width: Int = 80, color: Bool = false) -> OutputBytes {
        switch self {
        case .table:
            var renderer = TableRenderer(width: width, color: color)
            return renderer.render(result)
        case .markdown:
            var renderer = MarkdownRenderer()
            return renderer.render(result)
        case .json:
            var renderer = JSONRenderer()
            return renderer.render(result)
        case .csv:
            var renderer = CSVRenderer()
            return renderer.render(result)
        }
    }
}

/// Turns a plain result table into text in one output format. Each format's file also makes it
/// a `CheckRenderer` for benchmark results.
public protocol OutputRenderer {
    /// Renders the rows of a query.
    func render(table: ResultTable) -> String
}
