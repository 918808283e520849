/// Complete, machine-readable JSON. Queries give an array of row objects; checks give the
/// benchmark, a summary, and each check with its metadata, results and counts.
public struct JSONRenderer: OutputRenderer, CheckRenderer {
    private var rowsInCheck = 0

    public init() {}

    public func render(table: ResultTable) -> String {
        var out = OutputBytes()
        out.append(table.rows.isEmpty ? "[" : "[\n")
        for (index, cells) in table.rows.enumerated() {
            out.append(index == 0 ? "  {" : ",\n  {")
            for (offset, pair) in zip(table.columns, cells).enumerated() {
                if offset > 0 { out.append(", ") }
                out.appendJSONString(pair.0)
                out.append(": ")
                Self.append(pair.1, into: &out)
            }
            out.append("}")
        }
        out.append(table.rows.isEmpty ? "]\n" : "\n]\n")
        return out.string
    }

    static func append(_ value: CellValue, into out: inout OutputBytes) {
        switch value {
        case .null: out.append("null")
        case .integer(let number): out.append(String(number))
        case .real(let number): out.append(number.isFinite ? String(number) : "null")
        case .text(let text): out.appendJSONString(text)
        }
    }

    // MARK: - Checks

    public mutating func begin(_ benchmark: Benchmark, columns: [CheckColumns]) {}

    public mutating func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns, into out: inout OutputBytes) {
        out.append(index == 0 ? "\n    {\n" : ",\n    {\n")
        for (key, value) in [("id", check.id), ("title", check.title), ("severity", check.severity),
                             ("description", check.description), ("remediation", check.remediation)] {
            out.append("      \"\(key)\": ")
            out.appendJSONString(value)
            out.append(",\n")
        }
        out.append("      \"results\": [")
        rowsInCheck = 0
    }

    public mutating func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns, into out: inout OutputBytes) {
        out.append(rowsInCheck == 0 ? "\n        {\"resource\": " : ",\n        {\"resource\": ")
        rowsInCheck += 1
        row.withCell(columns.resource) { out.appendJSONString($0) }
        out.append(", \"status\": \"")
        out.append(status.rawValue)
        out.append("\", \"reason\": ")
        row.withCell(columns.reason) { out.appendJSONString($0) }
        for index in columns.dimensions {
            out.append(", ")
            out.appendJSONString(columns.names[index])
            out.append(": ")
            switch row.kinds[index] {
            case .null: out.append("null")
            case .integer, .real: row.withCell(index) { out.append($0) }
            case .text: row.withCell(index) { out.appendJSONString($0) }
            }
        }
        out.append("}")
    }

    public mutating func endCheck(_ check: CheckDefinition, counts: StatusCounts, into out: inout OutputBytes) {
        out.append(rowsInCheck == 0 ? "],\n" : "\n      ],\n")
        out.append("      \"counts\": \(Self.counts(counts))\n    }")
    }

    public func document(summary: CheckRunSummary, body: OutputBytes) -> OutputBytes {
        var out = OutputBytes()
        out.append("{\n  \"benchmark\": ")
        out.appendJSONString(summary.benchmark.id)
        out.append(",\n  \"title\": ")
        out.appendJSONString(summary.benchmark.title)
        out.append(",\n  \"summary\": \(Self.counts(summary.counts)),\n  \"checks\": [")
        out.append(body)
        out.append(summary.checks.isEmpty ? "]\n}\n" : "\n  ]\n}\n")
        return out
    }

    static func counts(_ counts: StatusCounts) -> String {
        "{" + CheckStatus.allCases.map { "\"\($0.rawValue)\": \(counts[$0] ?? 0)" }.joined(separator: ", ")
            + ", \"total\": \(counts.values.reduce(0, +))}"
    }
}
