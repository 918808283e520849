import InvDBChecks
import InvDBCore
import InvDBJSON

/// RFC 4180 CSV with a header row, streamed; checks give one row per result, with every check's
/// columns. Text that a spreadsheet would run as a formula (a tag value starting with `=`) is
/// prefixed with `'`, and control and bidi characters are replaced (`OutputBytes.appendCSV`).
public final class CSVRenderer: CheckResultConsumer, TableResultConsumer {
    private let output: BufferedSink
    private var dimensionNames: [String] = []
    private var dimensionSlots: [Int?] = []
    private var benchmarkID = ""
    private var check: CheckDefinition?
    /// The fields every row of the current check starts with, escaped once.
    private var rowPrefix = OutputBytes()

    public init(sink: any OutputSink) {
        output = BufferedSink(sink)
    }

    private func appendLine(_ fields: [CellValue]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { output.bytes.append(",") }
            var text = field.text
            let isNumber: Bool
            switch field {
            case .integer, .real: isNumber = true
            default: isNumber = false
            }
            text.withUTF8 { output.bytes.appendCSV($0, isNumber: isNumber) }
        }
        output.bytes.append("\r\n")
    }

    // MARK: - Tables

    public func begin(columns: [String]) throws {
        appendLine(columns.map { .text($0) })
    }

    public func row(_ cells: [CellValue]) throws {
        appendLine(cells)
        try output.flushIfLarge()
    }

    public func end(rowCount: Int) throws {
        try output.finish()
    }

    // MARK: - Checks

    /// The header is the union of every check's dimensions, in order of first appearance.
    public func begin(_ benchmark: Benchmark, columns: [CheckColumns]) throws {
        benchmarkID = benchmark.id
        for layout in columns {
            for index in layout.dimensions where !dimensionNames.contains(layout.names[index]) {
                dimensionNames.append(layout.names[index])
            }
        }
        appendLine((["benchmark", "check_id", "check_title", "severity", "resource", "status", "reason"] + dimensionNames).map { .text($0) })
    }

    public func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns) throws {
        self.check = check
        dimensionSlots = dimensionNames.map { columns.dimension($0) }
        rowPrefix = OutputBytes()
        for field in [benchmarkID, check.id, check.title, check.severity] {
            rowPrefix.appendCSV(field)
            rowPrefix.append(",")
        }
    }

    public func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns) throws {
        guard check != nil else { return }
        let out = output
        out.bytes.append(rowPrefix)
        row.withCell(columns.resource) { out.bytes.appendCSV($0) }
        out.bytes.append(",")
        out.bytes.append(status.rawValue)
        out.bytes.append(",")
        row.withCell(columns.reason) { out.bytes.appendCSV($0) }
        for slot in dimensionSlots {
            out.bytes.append(",")
            if let slot { row.withCell(slot) { out.bytes.appendCSV($0, isNumber: row.kinds[slot] == .integer || row.kinds[slot] == .real) } }
        }
        out.bytes.append("\r\n")
        try output.flushIfLarge()
    }

    public func end(_ summary: CheckRunSummary) throws {
        try output.finish()
    }
}
