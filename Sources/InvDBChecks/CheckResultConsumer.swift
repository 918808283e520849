import InvDBCore
import InvDBStore

/// Receives a benchmark's results as the checks produce them, in benchmark order: the one
/// results pipeline (`CheckRunner`) feeds every output format, the run history and the report,
/// so none of them holds all results, and every one sees the same columns (a check with no rows
/// still announces its columns in `beginCheck`).
///
/// ```swift
/// let summary = try CheckRunner(database: database).run(benchmark, into: CheckResultFanOut([renderer, recorder]))
/// ```
public protocol CheckResultConsumer: AnyObject {
    /// Before any row, with the columns of every check.
    func begin(_ benchmark: Benchmark, columns: [CheckColumns]) throws
    /// Starts check number `index` (from 0, in benchmark order).
    func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns) throws
    /// One result row; `status` is the shown one (`waived` when a waiver covers an alarm or
    /// error; the check's own status is in the row's status column).
    func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns) throws
    /// Ends check number `index`, with its counts.
    func endCheck(_ check: CheckDefinition, index: Int, counts: StatusCounts) throws
    /// After the last check.
    func end(_ summary: CheckRunSummary) throws
}

extension CheckResultConsumer {
    public func begin(_ benchmark: Benchmark, columns: [CheckColumns]) throws {}
    public func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns) throws {}
    public func endCheck(_ check: CheckDefinition, index: Int, counts: StatusCounts) throws {}
    public func end(_ summary: CheckRunSummary) throws {}
}

/// Hands every event to several consumers in turn (a renderer and the run history, say).
public final class CheckResultFanOut: CheckResultConsumer {
    private let consumers: [any CheckResultConsumer]

    public init(_ consumers: [any CheckResultConsumer]) {
        self.consumers = consumers
    }

    public func begin(_ benchmark: Benchmark, columns: [CheckColumns]) throws {
        for consumer in consumers { try consumer.begin(benchmark, columns: columns) }
    }

    public func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns) throws {
        for consumer in consumers { try consumer.beginCheck(check, index: index, columns: columns) }
    }

    public func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns) throws {
        for consumer in consumers { try consumer.row(row, status: status, columns: columns) }
    }

    public func endCheck(_ check: CheckDefinition, index: Int, counts: StatusCounts) throws {
        for consumer in consumers { try consumer.endCheck(check, index: index, counts: counts) }
    }

    public func end(_ summary: CheckRunSummary) throws {
        for consumer in consumers { try consumer.end(summary) }
    }
}

/// A check and a resource whose alarm or error an unexpired waiver covers.
public struct WaivedResult: Hashable, Sendable {
    public var checkId: String
    public var resource: String

    public init(checkId: String, resource: String) {
        self.checkId = checkId
        self.resource = resource
    }
}
