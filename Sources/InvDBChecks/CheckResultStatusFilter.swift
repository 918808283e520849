import InvDBCore

/// Passes on only the rows whose shown status is one of `statuses` (`check --status
/// alarm,error`); the counts each check ends with, and the summary, stay those of every row.
public final class CheckResultStatusFilter: CheckResultConsumer {
    private let statuses: Set<CheckStatus>
    private let next: any CheckResultConsumer

    public init(_ statuses: Set<CheckStatus>, then next: any CheckResultConsumer) {
        self.statuses = statuses
        self.next = next
    }

    public func begin(_ benchmark: Benchmark, columns: [CheckColumns]) throws {
        try next.begin(benchmark, columns: columns)
    }

    public func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns) throws {
        try next.beginCheck(check, index: index, columns: columns)
    }

    public func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns) throws {
        if statuses.contains(status) { try next.row(row, status: status, columns: columns) }
    }

    public func endCheck(_ check: CheckDefinition, index: Int, counts: StatusCounts) throws {
        try next.endCheck(check, index: index, counts: counts)
    }

    public func end(_ summary: CheckRunSummary) throws {
        try next.end(summary)
    }
}
