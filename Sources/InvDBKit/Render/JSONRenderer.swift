/// Complete, machine-readable JSON. Queries give an array of row objects; checks give the
/// benchmark, a summary, and each check with its metadata and results.
public struct JSONRenderer: OutputRenderer {
    public init() {}

    public func render(table: ResultTable) -> String {
        let rows = table.rows.map { cells in
            "  {" + zip(table.columns, cells).map { "\(jsonStringLiteral($0)): \(Self.literal($1))" }.joined(separator: ", ") + "}"
        }
        return rows.isEmpty ? "[]\n" : "[\n" + rows.joined(separator: ",\n") + "\n]\n"
    }

    public func render(benchmark: BenchmarkResult) -> String {
        var lines = ["{"]
        lines.append("  \"benchmark\": \(jsonStringLiteral(benchmark.benchmark.id)),")
        lines.append("  \"title\": \(jsonStringLiteral(benchmark.benchmark.title)),")
        lines.append("  \"summary\": \(Self.counts(benchmark.counts)),")
        lines.append("  \"checks\": [")
        for (index, outcome) in benchmark.outcomes.enumerated() {
            let check = outcome.check
            lines.append("    {")
            lines.append("      \"id\": \(jsonStringLiteral(check.id)),")
            lines.append("      \"title\": \(jsonStringLiteral(check.title)),")
            lines.append("      \"severity\": \(jsonStringLiteral(check.severity)),")
            lines.append("      \"description\": \(jsonStringLiteral(check.description)),")
            lines.append("      \"remediation\": \(jsonStringLiteral(check.remediation)),")
            lines.append("      \"counts\": \(Self.counts(outcome.counts)),")
            let results = outcome.rows.map { row -> String in
                var fields = ["\"resource\": \(jsonStringLiteral(row.resource))", "\"status\": \(jsonStringLiteral(row.status.rawValue))",
                              "\"reason\": \(jsonStringLiteral(row.reason))"]
                fields += row.dimensions.map { "\(jsonStringLiteral($0.name)): \(Self.literal($0.value))" }
                return "        {" + fields.joined(separator: ", ") + "}"
            }
            lines.append(results.isEmpty ? "      \"results\": []" : "      \"results\": [\n" + results.joined(separator: ",\n") + "\n      ]")
            lines.append(index == benchmark.outcomes.count - 1 ? "    }" : "    },")
        }
        lines.append("  ]")
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    static func counts(_ counts: [CheckStatus: Int]) -> String {
        "{" + CheckStatus.allCases.map { "\"\($0.rawValue)\": \(counts[$0] ?? 0)" }.joined(separator: ", ")
            + ", \"total\": \(counts.values.reduce(0, +))}"
    }

    static func literal(_ value: CellValue) -> String {
        switch value {
        case .null: return "null"
        case .integer(let number): return String(number)
        case .real(let number): return number.isFinite ? String(number) : "null"
        case .text(let text): return jsonStringLiteral(text)
        }
    }
}
