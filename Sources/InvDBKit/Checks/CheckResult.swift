/// The status a check gives a resource.
public enum CheckStatus: String, CaseIterable, Sendable, Comparable {
    case ok, alarm, skip, info, error
    /// Not a status a check returns: an alarm or error covered by an unexpired waiver.
    case waived

    /// Order for summaries: the problems first.
    var rank: Int {
        switch self {
        case .alarm: return 0
        case .error: return 1
        case .waived: return 2
        case .info: return 3
        case .ok: return 4
        case .skip: return 5
        }
    }

    public static func < (lhs: CheckStatus, rhs: CheckStatus) -> Bool { lhs.rank < rhs.rank }

    /// Whether the status means something needs fixing (drives exit code 1).
    public var isFinding: Bool { self == .alarm || self == .error }
}

/// A value from an SQLite result column, as the renderers need it.
public enum CellValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    /// Plain text for tables and CSV (`NULL` shows as empty).
    public var text: String {
        switch self {
        case .null: return ""
        case .integer(let number): return String(number)
        case .real(let number): return String(number)
        case .text(let string): return string
        }
    }
}

/// A plain result: column names and rows (for `invdb query` and `invdb tables`).
public struct ResultTable: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[CellValue]]

    public init(columns: [String], rows: [[CellValue]]) {
        self.columns = columns
        self.rows = rows
    }
}

/// One row of a check: a resource, its status, a reason, then dimensions (account, region, …).
public struct CheckResultRow: Sendable, Equatable {
    public var resource: String
    /// The status shown: the check's, or `waived`.
    public var status: CheckStatus
    /// The check's own status when a waiver changed it.
    public var originalStatus: CheckStatus?
    public var reason: String
    /// The other columns of the check's query, in order.
    public var dimensions: [(name: String, value: CellValue)]

    public static func == (lhs: CheckResultRow, rhs: CheckResultRow) -> Bool {
        lhs.resource == rhs.resource && lhs.status == rhs.status && lhs.reason == rhs.reason
            && lhs.dimensions.map(\.name) == rhs.dimensions.map(\.name) && lhs.dimensions.map(\.value) == rhs.dimensions.map(\.value)
    }

    /// The dimension `name`, as text (empty when absent).
    public func dimension(_ name: String) -> String {
        dimensions.first(where: { $0.name == name })?.value.text ?? ""
    }
}

/// The rows one check returned.
public struct CheckOutcome: Sendable {
    public var check: CheckDefinition
    public var rows: [CheckResultRow]

    /// Rows per status.
    public var counts: [CheckStatus: Int] {
        rows.reduce(into: [:]) { $0[$1.status, default: 0] += 1 }
    }
}

/// Every row of a benchmark run, collected (for tests, and for reports that keep history).
public struct BenchmarkResult: Sendable {
    public var benchmark: Benchmark
    public var outcomes: [CheckOutcome]

    public init(benchmark: Benchmark, outcomes: [CheckOutcome]) {
        self.benchmark = benchmark
        self.outcomes = outcomes
    }

    /// The counts of the collected rows.
    public var summary: CheckRunSummary {
        CheckRunSummary(benchmark: benchmark, checks: outcomes.map { ($0.check, $0.counts) })
    }
}

/// A renderer that keeps every row as values instead of writing text.
public struct CheckResultCollector: CheckRenderer {
    public private(set) var outcomes: [CheckOutcome] = []

    public init() {}

    public mutating func begin(_ benchmark: Benchmark, columns: [CheckColumns]) {}

    public mutating func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns, into out: inout OutputBytes) {
        outcomes.append(CheckOutcome(check: check, rows: []))
    }

    public mutating func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns, into out: inout OutputBytes) {
        let dimensions = columns.dimensions.map { (name: columns.names[$0], value: row.value($0)) }
        var result = CheckResultRow(resource: row.string(columns.resource), status: status, reason: row.string(columns.reason), dimensions: dimensions)
        if status == .waived { result.originalStatus = CheckStatus(rawValue: row.string(columns.status)) }
        outcomes[outcomes.count - 1].rows.append(result)
    }

    public mutating func endCheck(_ check: CheckDefinition, counts: StatusCounts, into out: inout OutputBytes) {}

    public func document(summary: CheckRunSummary, body: OutputBytes) -> OutputBytes { body }

    public mutating func merge(_ other: CheckResultCollector) {
        outcomes += other.outcomes
    }
}

extension CheckRenderer {
    /// Renders rows that were collected earlier (a stored run, a test's rows).
    public mutating func render(_ result: BenchmarkResult) -> OutputBytes {
        var body = OutputBytes()
        let layouts = result.outcomes.map { outcome in
            try! CheckColumns(names: ["resource", "status", "reason"] + (outcome.rows.first?.dimensions.map(\.name) ?? []))
        }
        begin(result.benchmark, columns: layouts)
        for (index, (outcome, columns)) in zip(result.outcomes, layouts).enumerated() {
            beginCheck(outcome.check, index: index, columns: columns, into: &body)
            for row in outcome.rows {
                let cells: [CellValue] = [.text(row.resource), .text(row.status.rawValue), .text(row.reason)] + row.dimensions.map(\.value)
                self.row(ResultRow(cells), status: row.status, columns: columns, into: &body)
            }
            endCheck(outcome.check, counts: outcome.counts, into: &body)
        }
        return document(summary: result.summary, body: body)
    }
}
