/// RFC 4180 CSV with a header row; checks give one row per result, with every check's columns.
/// Text that a spreadsheet would run as a formula (a tag value starting with `=`) is prefixed
/// with `'`, and control and bidi characters are replaced (`OutputBytes.appendCSV`).
public struct CSVRenderer: OutputRenderer, CheckRenderer {
    private var dimensionNames: [String] = []
    private var dimensionSlots: [Int?] = []
    private var benchmarkID = ""
    private var check: CheckDefinition?

    public init() {}

    public func render(table: ResultTable) -> String {
        var out = OutputBytes()
        appendLine(table.columns.map { CellValue.text($0) }, into: &out)
        for row in table.rows { appendLine(row, into: &out) }
        return out.string
    }

    private func appendLine(_ fields: [CellValue], into out: inout OutputBytes) {
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(",") }
            var text = field.text
            let isNumber: Bool
            switch field {
            case .integer, .real: isNumber = true
            default: isNumber = false
            }
            text.withUTF8 { out.appendCSV($0, isNumber: isNumber) }
        }
        out.append("\r\n")
    }

    // MARK: - Checks

    /// The header is the union of every check's dimensions, in order of first appearance.
    public mutating func begin(_ benchmark: Benchmark, columns: [CheckColumns]) {
        benchmarkID = benchmark.id
        for layout in columns {
            for index in layout.dimensions where !dimensionNames.contains(layout.names[index]) {
                dimensionNames.append(layout.names[index])
            }
        }
    }

    public mutating func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns, into out: inout OutputBytes) {
        self.check = check
        dimensionSlots = dimensionNames.map { columns.dimension($0) }
    }

    public mutating func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns, into out: inout OutputBytes) {
        guard let check else { return }
        for field in [benchmarkID, check.id, check.title, check.severity] {
            out.appendCSV(field)
            out.append(",")
        }
        row.withCell(columns.resource) { out.appendCSV($0) }
        out.append(",")
        out.append(status.rawValue)
        out.append(",")
        row.withCell(columns.reason) { out.appendCSV($0) }
        for slot in dimensionSlots {
            out.append(",")
            if let slot { row.withCell(slot) { out.appendCSV($0, isNumber: row.kinds[slot] == .integer || row.kinds[slot] == .real) } }
        }
        out.append("\r\n")
    }

    public mutating func endCheck(_ check: CheckDefinition, counts: StatusCounts, into out: inout OutputBytes) {}

    public func document(summary: CheckRunSummary, body: OutputBytes) -> OutputBytes {
        var out = OutputBytes()
        appendLine((["benchmark", "check_id", "check_title", "severity", "resource", "status", "reason"] + dimensionNames).map { .text($0) }, into: &out)
        out.append(body)
        return out
    }
}
