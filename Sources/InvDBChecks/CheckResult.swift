import InvDBCore
import InvDBStore

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

/// A consumer that keeps every row as values (for tests, and small tools): it holds all
/// results, so commands stream to renderers and the history instead.
public final class CheckResultCollector: CheckResultConsumer {
    public private(set) var outcomes: [CheckOutcome] = []
    public private(set) var benchmark: Benchmark?

    public init() {}

    public func begin(_ benchmark: Benchmark, columns: [CheckColumns]) {
        self.benchmark = benchmark
    }

    public func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns) {
        outcomes.append(CheckOutcome(check: check, rows: []))
    }

    public func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns) {
        let dimensions = columns.dimensions.map { (name: columns.names[$0], value: row.value($0)) }
        var result = CheckResultRow(resource: row.string(columns.resource), status: status, reason: row.string(columns.reason), dimensions: dimensions)
        if status == .waived { result.originalStatus = CheckStatus(rawValue: row.string(columns.status)) }
        outcomes[outcomes.count - 1].rows.append(result)
    }

    /// The collected rows as one result.
    public var result: BenchmarkResult? {
        benchmark.map { BenchmarkResult(benchmark: $0, outcomes: outcomes) }
    }
}
