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
        var out = "{\n"
        out += "  \"benchmark\": \(jsonStringLiteral(benchmark.benchmark.id)),\n"
        out += "  \"title\": \(jsonStringLiteral(benchmark.benchmark.title)),\n"
        out += "  \"summary\": \(Self.counts(benchmark.counts)),\n"
        out += "  \"checks\": ["
        for (index, outcome) in benchmark.outcomes.enumerated() {
            let check = outcome.check
            out += index == 0 ? "\n    {\n" : ",\n    {\n"
            for (key, value) in [("id", check.id), ("title", check.title), ("severity", check.severity),
                                 ("description", check.description), ("remediation", check.remediation)] {
                out += "      \"\(key)\": "
                JSONValue.writeString(value, to: &out)
                out += ",\n"
            }
            out += "      \"counts\": \(Self.counts(outcome.counts)),\n"
            out += "      \"results\": ["
            for (rowIndex, row) in outcome.rows.enumerated() {
                out += rowIndex == 0 ? "\n        {\"resource\": " : ",\n        {\"resource\": "
                JSONValue.writeString(row.resource, to: &out)
                out += ", \"status\": \""
                out += row.status.rawValue
                out += "\", \"reason\": "
                JSONValue.writeString(row.reason, to: &out)
                for dimension in row.dimensions {
                    out += ", "
                    JSONValue.writeString(dimension.name, to: &out)
                    out += ": "
                    Self.write(dimension.value, to: &out)
                }
                out += "}"
            }
            out += outcome.rows.isEmpty ? "]\n    }" : "\n      ]\n    }"
        }
        out += benchmark.outcomes.isEmpty ? "]\n}\n" : "\n  ]\n}\n"
        return out
    }

    static func write(_ value: CellValue, to out: inout String) {
        if case .text(let text) = value {
            JSONValue.writeString(text, to: &out)
        } else {
            out += literal(value)
        }
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
