/// The status a check gives a resource.
public enum CheckStatus: String, CaseIterable, Sendable, Comparable {
    case ok, alarm, skip, info, error

    /// Order for summaries: the problems first.
    var rank: Int {
        switch self {
        case .alarm: return 0
        case .error: return 1
        case .info: return 2
        case .ok: return 3
        case .skip: return 4
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
    public var status: CheckStatus
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

/// The result of running every check of a benchmark.
public struct BenchmarkResult: Sendable {
    public var benchmark: Benchmark
    public var outcomes: [CheckOutcome]

    /// Rows per status over all checks.
    public var counts: [CheckStatus: Int] {
        outcomes.reduce(into: [:]) { total, outcome in
            for (status, count) in outcome.counts { total[status, default: 0] += count }
        }
    }

    /// True when some row is `alarm` or `error`.
    public var hasFindings: Bool { outcomes.contains { $0.rows.contains { $0.status.isFinding } } }

    /// "10 results: 2 alarm, 1 error, 5 ok, 2 skip" — counts in problem-first order.
    public var summaryLine: String {
        let counts = self.counts
        let total = counts.values.reduce(0, +)
        let parts = CheckStatus.allCases.sorted().compactMap { status in counts[status].map { "\($0) \(status.rawValue)" } }
        return "\(outcomes.count) checks, \(total) results" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
    }
}
