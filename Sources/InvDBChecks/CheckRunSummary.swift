import InvDBCore
import InvDBStore

/// What a benchmark run found: counts per check and in total.
public struct CheckRunSummary: Sendable {
    public var benchmark: Benchmark
    public var checks: [(check: CheckDefinition, counts: StatusCounts)]

    /// Rows per status over all checks.
    public var counts: StatusCounts {
        checks.reduce(into: [:]) { total, item in
            for (status, count) in item.counts { total[status, default: 0] += count }
        }
    }

    /// True when some row is `alarm` or `error`.
    public var hasFindings: Bool { counts.contains { $0.key.isFinding && $0.value > 0 } }

    /// "3 checks, 10 results: 2 alarm, 1 error, 5 ok, 2 skip" — counts in problem-first order.
    public var summaryLine: String {
        let counts = self.counts
        let total = counts.values.reduce(0, +)
        let parts = CheckStatus.allCases.sorted().compactMap { status in counts[status].map { "\($0) \(status.rawValue)" } }
        return "\(checks.count) checks, \(total) results" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
    }
}
