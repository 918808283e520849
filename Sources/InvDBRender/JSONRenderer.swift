import InvDBChecks
import InvDBCore
import InvDBJSON

/// Complete, machine-readable JSON, streamed. Queries give an array of row objects; checks give
/// the benchmark, each check with its metadata, results and counts, then the summary.
public final class JSONRenderer: CheckResultConsumer, TableResultConsumer {
    private let output: BufferedSink
    private var rowsInSection = 0
    /// `, "name": ` of each dimension of the current check, escaped once.
    private var dimensionKeys: [OutputBytes] = []
    private var columns: [String] = []

    public init(sink: any OutputSink) {
        output = BufferedSink(sink)
    }

    /// The bytes a finite number as SQLite writes it is made of.
    private static let numberBytes = Set("0123456789+-.eE".utf8)

    static func append(_ value: CellValue, into out: inout OutputBytes) {
        switch value {
        case .null: out.append("null")
        case .integer(let number): out.append(String(number))
        case .real(let number): out.append(number.isFinite ? String(number) : "null")
        case .text(let text): out.appendJSONString(text)
        }
    }

    /// `{"alarm": 1, …, "total": n}` in a fixed order.
    static func counts(_ counts: StatusCounts) -> String {
        "{" + CheckStatus.allCases.map { "\"\($0.rawValue)\": \(counts[$0] ?? 0)" }.joined(separator: ", ")
            + ", \"total\": \(counts.values.reduce(0, +))}"
    }

    // MARK: - Tables

    public func begin(columns: [String]) throws {
        self.columns = columns
        rowsInSection = 0
        output.bytes.append("[")
    }

    public func row(_ cells: [CellValue]) throws {
        output.bytes.append(rowsInSection == 0 ? "\n  {" : ",\n  {")
        rowsInSection += 1
        for (offset, pair) in zip(columns, cells).enumerated() {
            if offset > 0 { output.bytes.append(", ") }
            output.bytes.appendJSONString(pair.0)
            output.bytes.append(": ")
            Self.append(pair.1, into: &output.bytes)
        }
        output.bytes.append("}")
        try output.flushIfLarge()
    }

    public func end(rowCount: Int) throws {
        output.bytes.append(rowsInSection == 0 ? "]\n" : "\n]\n")
        try output.finish()
    }

    // MARK: - Checks

    public func begin(_ benchmark: Benchmark, columns: [CheckColumns]) throws {
        output.bytes.append("{\n  \"benchmark\": ")
        output.bytes.appendJSONString(benchmark.id)
        output.bytes.append(",\n  \"title\": ")
        output.bytes.appendJSONString(benchmark.title)
        output.bytes.append(",\n  \"checks\": [")
    }

    public func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns) throws {
        output.bytes.append(index == 0 ? "\n    {\n" : ",\n    {\n")
        for (key, value) in [("id", check.id), ("title", check.title), ("severity", check.severity),
                             ("description", check.description), ("remediation", check.remediation)] {
            output.bytes.append("      \"\(key)\": ")
            output.bytes.appendJSONString(value)
            output.bytes.append(",\n")
        }
        output.bytes.append("      \"results\": [")
        rowsInSection = 0
        dimensionKeys = columns.dimensions.map { index in
            var key = OutputBytes()
            key.append(", ")
            key.appendJSONString(columns.names[index])
            key.append(": ")
            return key
        }
    }

    public func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns) throws {
        let out = output
        out.bytes.append(rowsInSection == 0 ? "\n        {\"resource\": " : ",\n        {\"resource\": ")
        rowsInSection += 1
        row.withCell(columns.resource) { out.bytes.appendJSONString($0) }
        out.bytes.append(", \"status\": \"")
        out.bytes.append(status.rawValue)
        out.bytes.append("\", \"reason\": ")
        row.withCell(columns.reason) { out.bytes.appendJSONString($0) }
        for (position, index) in columns.dimensions.enumerated() {
            out.bytes.append(dimensionKeys[position])
            switch row.kinds[index] {
            case .null: out.bytes.append("null")
            case .integer: row.withCell(index) { out.bytes.append($0) }
            // SQLite writes an infinite REAL as `Inf`, which JSON has no word for.
            case .real: row.withCell(index) { $0.allSatisfy { Self.numberBytes.contains($0) } ? out.bytes.append($0) : out.bytes.append("null") }
            case .text: row.withCell(index) { out.bytes.appendJSONString($0) }
            }
        }
        out.bytes.append("}")
        try output.flushIfLarge()
    }

    public func endCheck(_ check: CheckDefinition, index: Int, counts: StatusCounts) throws {
        output.bytes.append(rowsInSection == 0 ? "],\n" : "\n      ],\n")
        output.bytes.append("      \"counts\": \(Self.counts(counts))\n    }")
    }

    public func end(_ summary: CheckRunSummary) throws {
        output.bytes.append(summary.checks.isEmpty ? "],\n" : "\n  ],\n")
        output.bytes.append("  \"summary\": \(Self.counts(summary.counts))\n}\n")
        try output.finish()
    }
}
