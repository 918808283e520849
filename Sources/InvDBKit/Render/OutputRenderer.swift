/// The output formats of `check` and `query`.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, markdown, json, csv

    /// The renderer for this format.
    public func renderer(width: Int = 80, color: Bool = false) -> OutputRenderer {
        switch self {
        case .table: return TableRenderer(width: width, color: color)
        case .markdown: return MarkdownRenderer()
        case .json: return JSONRenderer()
        case .csv: return CSVRenderer()
        }
    }
}

/// Turns results into text in one output format. One implementation per format, one file each.
public protocol OutputRenderer {
    /// Renders the rows of a query.
    func render(table: ResultTable) -> String
    /// Renders the results of a benchmark run.
    func render(benchmark: BenchmarkResult) -> String
}

extension BenchmarkResult {
    /// Every result as one flat table: check columns, then resource, status, reason, then the
    /// union of all checks' dimensions (in order of first appearance). For JSON and CSV.
    public var flatTable: ResultTable {
        var dimensionNames: [String] = []
        for outcome in outcomes {
            for row in outcome.rows {
                for dimension in row.dimensions where !dimensionNames.contains(dimension.name) {
                    dimensionNames.append(dimension.name)
                }
            }
        }
        let columns = ["benchmark", "check_id", "check_title", "severity", "resource", "status", "reason"] + dimensionNames
        var rows: [[CellValue]] = []
        for outcome in outcomes {
            for row in outcome.rows {
                var cells: [CellValue] = [.text(benchmark.id), .text(outcome.check.id), .text(outcome.check.title),
                                          .text(outcome.check.severity), .text(row.resource), .text(row.status.rawValue), .text(row.reason)]
                for name in dimensionNames {
                    cells.append(row.dimensions.first(where: { $0.name == name })?.value ?? .null)
                }
                rows.append(cells)
            }
        }
        return ResultTable(columns: columns, rows: rows)
    }
}
