import Foundation
import XCTest
@testable import InvDBCore
@testable import InvDBJSON
@testable import InvDBDetect
@testable import InvDBStore
@testable import InvDBImport
@testable import InvDBScan
@testable import InvDBChecks
@testable import InvDBRender
@testable import InvDBReport

/// A check whose SQL prepares (so validation passes) but fails while its rows are stepped, on a
/// worker thread, in a benchmark of several checks: the run throws a `CommandFailure` that names
/// the check file, the consumer never sees the end of the run, and the workers stop (a check
/// blocked on its full queue included) so that `run` returns.
final class CheckRunnerFailureTests: XCTestCase {
    /// Every event the runner hands over, in order.
    final class EventLog: CheckResultConsumer {
        var events: [String] = []
        var rows: [String: Int] = [:]
        private var current = ""

        func begin(_ benchmark: Benchmark, columns: [CheckColumns]) { events.append("begin") }

        func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns) {
            current = check.id
            events.append("beginCheck \(check.id)")
        }

        func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns) { rows[current, default: 0] += 1 }

        func endCheck(_ check: CheckDefinition, index: Int, counts: StatusCounts) { events.append("endCheck \(check.id)") }

        func end(_ summary: CheckRunSummary) { events.append("end") }
    }

    /// What a run on another thread left behind.
    final class Outcome: @unchecked Sendable {
        var error: (any Error)?
        var summary: CheckRunSummary?
    }

    private func check(_ id: String, _ sql: String) throws -> CheckDefinition {
        try CheckDefinition(id: id, path: "Tests/checks/\(id).sql",
                            text: "-- title: \(id)\n-- severity: low\n-- description: d\n-- remediation: aws ec2 describe-instances\n\(sql)")
    }

    /// One row per current instance, all ok.
    private var instances: String {
        "SELECT instance_id AS resource, 'ok' AS status, 'listed' AS reason, region FROM ec2_current_instances ORDER BY instance_id;"
    }

    /// 200,000 rows (about 50 batches): more than its queue holds, so its worker blocks.
    private var many: String {
        """
        WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 200000)
        SELECT 'r-' || x AS resource, 'ok' AS status, printf('row %040d', x) AS reason FROM n;
        """
    }

    /// Fails on web-2's row, after other rows: malformed JSON at step time, not at prepare time.
    private var badJSON: String {
        """
        SELECT instance_id AS resource, 'ok' AS status,
               json_extract(CASE WHEN name = 'web-2' THEN 'not json' ELSE '{"a": "fine"}' END, '$.a') AS reason
        FROM ec2_current_instances ORDER BY name;
        """
    }

    /// Fails with an integer overflow on the first row it steps.
    private var overflow: String {
        "SELECT instance_id AS resource, 'ok' AS status, 'n=' || abs(-9223372036854775807 - 1) AS reason FROM ec2_current_instances;"
    }

    /// Runs `benchmark` on another thread and waits at most a minute: a run that never returns
    /// fails the test instead of hanging it.
    private func runWithin(_ benchmark: Benchmark, database: InvDatabase, into log: EventLog,
                           file: StaticString = #filePath, line: UInt = #line) -> Outcome {
        final class Work: @unchecked Sendable {
            let run: () -> Void
            init(_ run: @escaping () -> Void) { self.run = run }
        }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        let work = Work {
            do {
                outcome.summary = try CheckRunner(database: database).run(benchmark, into: log)
            } catch {
                outcome.error = error
            }
            done.signal()
        }
        Thread { work.run() }.start()
        if done.wait(timeout: .now() + 60) == .timedOut {
            XCTFail("the run did not return within a minute", file: file, line: line)
        }
        return outcome
    }

    func testACheckFailingWhileSteppingStopsTheRunAndNamesItsFile() throws {
        let database = try TestSupport.samplesDatabase()
        for (bad, sql, message) in [("bad_json", badJSON, "malformed JSON"), ("overflow", overflow, "integer overflow")] {
            // The failing check in each position: first, between, and after a check whose worker
            // is blocked on its full queue.
            let others = [try check("a_instances", instances), try check("b_many", many), try check("c_instances", instances)]
            for position in [0, 1, 2, 3] {
                var checks = others
                checks.insert(try check(bad, sql), at: position)
                let benchmark = Benchmark(testID: "failing", title: "failing", checks: checks)
                let log = EventLog()
                let outcome = runWithin(benchmark, database: database, into: log)
                let label = "\(bad) at \(position)"
                XCTAssertNil(outcome.summary, label)
                let failure = outcome.error as? CommandFailure
                XCTAssertNotNil(failure, "\(label): \(String(describing: outcome.error))")
                XCTAssertTrue(failure?.message.hasPrefix("Tests/checks/\(bad).sql: ") ?? false, "\(label): \(failure?.message ?? "")")
                XCTAssertTrue(failure?.message.contains(message) ?? false, "\(label): \(failure?.message ?? "")")
                // The checks before it were delivered whole, in order; it began; nothing ended after.
                var expected = ["begin"]
                for earlier in checks.prefix(position) { expected += ["beginCheck \(earlier.id)", "endCheck \(earlier.id)"] }
                expected.append("beginCheck \(bad)")
                XCTAssertEqual(log.events, expected, label)
                XCTAssertFalse(log.events.contains("end"), label)
                for earlier in checks.prefix(position) {
                    XCTAssertEqual(log.rows[earlier.id], earlier.id == "b_many" ? 200_000 : 10, "\(label): \(earlier.id)")
                }
            }
        }
        // The same checks without the failing one run to the end.
        let log = EventLog()
        let outcome = runWithin(Benchmark(testID: "fine", title: "fine", checks: [try check("a_instances", instances), try check("b_many", many)]),
                                database: database, into: log)
        XCTAssertNil(outcome.error)
        XCTAssertEqual(log.events, ["begin", "beginCheck a_instances", "endCheck a_instances", "beginCheck b_many", "endCheck b_many", "end"])
        XCTAssertEqual(log.rows, ["a_instances": 10, "b_many": 200_000])
    }
}
