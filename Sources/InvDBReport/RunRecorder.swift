import Foundation
import GRDB
import InvDBChecks
import InvDBCore
import InvDBStore

/// Which command recorded a run (the `runs.command` column).
public enum RunCommand: String, Sendable {
    case check
    case report
}

/// Records a benchmark run in the history as its results stream past: a consumer of the results
/// pipeline, used inside the caller's write transaction.
///
/// History is kept as intervals (`result_history`): each result's status, reason and
/// dimensions from the run they appeared to the run they were last seen. Each row is compared
/// with its open interval (read in resource order beside the check's rows, see
/// `OpenIntervalCursor`); only a change writes: the old interval is closed
/// and a new one opened. At the end, the open intervals this run did not see are closed. So a
/// run that finds what the previous one found writes nothing but its `runs` row. At the end the
/// recorder counts what changed since the previous run, from the history as written.
///
/// ```swift
/// try database.write { db in
///     let recorder = RunRecorder(db: db, command: .check, now: now)
///     try CheckRunner(database: database).run(benchmark, into: CheckResultFanOut([renderer, recorder]))
///     print(recorder.runId!)
/// }
/// ```
public final class RunRecorder: CheckResultConsumer {
    private let db: Database
    private let command: RunCommand
    private let recordedAt: String
    private var benchmark = ""
    private var checkId = ""
    /// Where the current check's recorded dimensions are (found once per check, used per row).
    private var dimensions = RecordedDimensions(columns: nil)
    private var statements: Statements?
    /// Open intervals of earlier runs that this run saw again (by interval id).
    private var seen = IntervalSet()
    private var changes: [RunChange: Int] = [:]
    /// The run's results by account and region, counted as they pass.
    private var places = PlaceCounter()
    /// The recorded run (set in `begin`).
    public private(set) var runId: Int?
    /// The run of the same benchmark before this one, if any.
    public private(set) var previousRunId: Int?

    /// Prepares to record a run made at `now` inside the transaction of `db`.
    public init(db: Database, command: RunCommand, now: Date) {
        self.db = db
        self.command = command
        self.recordedAt = Timestamp.iso8601(now)
    }

    /// What changed since the previous run of the benchmark (every failing result is new when
    /// there is none), once `end` has run.
    public var changeCounts: [RunChange: Int] {
        Dictionary(uniqueKeysWithValues: RunChange.allCases.map { ($0, changes[$0] ?? 0) })
    }

    /// The run's results counted by account and region ("-" when a result has none) and
    /// effective status, as the history holds them once `end` has run (a resource a check
    /// returned twice counts once, with its later row).
    public var countsByPlace: [ResultPlace: RunCounts] { places.totals }

    /// The statements the recorder runs for each row.
    private struct Statements {
        let openIntervals: OpenIntervalCursor
        let insert: BulkStatement
        let insertValues: [String: BulkStatement.Parameter]
        let close: BulkStatement
        let closeKeys: (id: BulkStatement.Parameter, last: BulkStatement.Parameter)
        let replace: BulkStatement
        let replaceValues: [String: BulkStatement.Parameter]

        init(_ db: Database) throws {
            openIntervals = try OpenIntervalCursor(db)
            insert = try BulkStatement(db, sql: """
                INSERT INTO result_history(benchmark, check_id, resource, status, effective_status, reason, account_id, region, name,
                                           first_run_id, last_run_id, failing_since)
                VALUES (:benchmark, :check_id, :resource, :status, :effective_status, :reason, :account_id, :region, :name,
                        :first_run_id, NULL, :failing_since)
                """)
            let insert = self.insert
            insertValues = try Dictionary(uniqueKeysWithValues: ["benchmark", "check_id", "resource", "status", "effective_status", "reason",
                                                                 "account_id", "region", "name", "first_run_id", "failing_since"]
                .map { ($0, try insert.parameter($0)) })
            close = try BulkStatement(db, sql: "UPDATE result_history SET last_run_id = :last_run_id WHERE interval_id = :interval_id")
            closeKeys = (try close.parameter("interval_id"), try close.parameter("last_run_id"))
            // A check that returns the same resource twice: the later row wins, as in its output.
            replace = try BulkStatement(db, sql: """
                UPDATE result_history SET status = :status, effective_status = :effective_status, reason = :reason,
                    account_id = :account_id, region = :region, name = :name, failing_since = :failing_since
                WHERE interval_id = :interval_id
                """)
            let replace = self.replace
            replaceValues = try Dictionary(uniqueKeysWithValues: ["status", "effective_status", "reason", "account_id", "region", "name",
                                                                  "failing_since", "interval_id"]
                .map { ($0, try replace.parameter($0)) })
        }
    }

    public func begin(_ benchmark: Benchmark, columns: [CheckColumns]) throws {
        self.benchmark = benchmark.id
        previousRunId = try Int.fetchOne(db, sql: "SELECT max(run_id) FROM runs WHERE benchmark = ?", arguments: [benchmark.id])
        let newest = try Int.fetchOne(db, sql: "SELECT max(import_id) FROM imports")
        try db.execute(sql: """
            INSERT INTO runs(recorded_at, benchmark, command, invdb_version, newest_import_id, counts) VALUES (?, ?, ?, ?, ?, '{}')
            """, arguments: [recordedAt, benchmark.id, command.rawValue, InvDB.version, newest])
        runId = Int(db.lastInsertedRowID)
        statements = try Statements(db)
    }

    public func beginCheck(_ check: CheckDefinition, index: Int, columns: CheckColumns) throws {
        checkId = check.id
        dimensions = RecordedDimensions(columns: columns)
        statements?.openIntervals.begin(benchmark: benchmark, checkId: checkId)
    }

    public func endCheck(_ check: CheckDefinition, index: Int, counts: StatusCounts) throws {
        statements?.openIntervals.reset()
    }

    /// The dimensions the history keeps: account, region and the resource's name.
    private struct RecordedDimensions {
        var account: Int?
        var region: Int?
        var instanceName: Int?
        var name: Int?

        init(columns: CheckColumns?) {
            account = columns?.dimension("account_id")
            region = columns?.dimension("region")
            instanceName = columns?.dimension("instance_name")
            name = columns?.dimension("name")
        }
    }

    /// A result's values as this run returned them: cells of the row, borrowed for the call.
    private struct Values {
        var status: UnsafeBufferPointer<UInt8>
        var effective: CheckStatus
        var reason: UnsafeBufferPointer<UInt8>
        var account: UnsafeBufferPointer<UInt8>?
        var region: UnsafeBufferPointer<UInt8>?
        var name: UnsafeBufferPointer<UInt8>?
    }

    public func row(_ row: ResultRow, status: CheckStatus, columns: CheckColumns) throws {
        guard let statements, let runId else { return }
        func optional(_ index: Int?) -> UnsafeBufferPointer<UInt8>? {
            guard let index, row.kinds[index] != .null else { return nil }
            let bytes = row.withCell(index) { $0 }
            return bytes.isEmpty ? nil : bytes
        }
        // The cells stay in place while the row is handed to this consumer.
        let values = Values(status: row.withCell(columns.status) { $0 }, effective: status, reason: row.withCell(columns.reason) { $0 },
                            account: optional(dimensions.account), region: optional(dimensions.region),
                            name: optional(dimensions.instanceName) ?? optional(dimensions.name))
        let resource = row.withCell(columns.resource) { $0 }
        places.count(account: values.account, region: values.region, status: status)
        // What the open interval of this result says, if there is one (columns as in
        // `OpenIntervalCursor`).
        let earlier: (id: Int, firstRun: Int, same: Bool, failing: Bool, failingSince: String?)? = try statements.openIntervals.find(resource).map { found in
            // The check returned this resource before in this run (a new interval, or an
            // earlier one already seen): this later row replaces that one in the counts too.
            if found.int(2) == runId || seen.contains(found.int(1)), let replaced = CheckStatus(bytes: found.bytes(4)) {
                places.uncount(account: found.isNull(6) ? nil : found.bytes(6), region: found.isNull(7) ? nil : found.bytes(7), status: replaced)
            }
            func equal(_ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>?) -> Bool {
                guard let bytes else { return found.isNull(index) }
                return !found.isNull(index) && Self.equalBytes(found.bytes(index), bytes)
            }
            let effective = CheckStatus(bytes: found.bytes(4))
            let same = effective == values.effective && equal(3, values.status) && equal(5, values.reason)
                && equal(6, values.account) && equal(7, values.region) && equal(8, values.name)
            let failing = effective?.isFinding ?? false
            // The streak's start is needed only when a failing result changes.
            return (found.int(1), found.int(2), same, failing, failing && !same ? found.string(9) : nil)
        }
        let failing = status.isFinding
        if let earlier, earlier.same, earlier.firstRun != runId {
            // Unchanged since an earlier run: nothing to write.
            seen.insert(earlier.id)
            return
        }
        // Everything below writes: the cursor over the open intervals seeks again for the next row.
        statements.openIntervals.reset()
        if let earlier, earlier.firstRun == runId {
            // The check returned this resource twice in this run: keep the later row.
            try write(values, into: statements.replace, statements.replaceValues, failingSince: failing ? earlier.failingSince ?? recordedAt : nil)
            statements.replace.bind(statements.replaceValues["interval_id"]!, earlier.id)
            try statements.replace.execute()
            return
        }
        if let earlier {
            statements.close.bind(statements.closeKeys.id, earlier.id)
            statements.close.bind(statements.closeKeys.last, previousRunId)
            try statements.close.execute()
        }
        // A failing streak goes on when the previous result was failing too.
        let failingSince = failing ? (earlier?.failing == true ? earlier?.failingSince ?? recordedAt : recordedAt) : nil
        let insert = statements.insert
        insert.bind(statements.insertValues["benchmark"]!, benchmark)
        insert.bind(statements.insertValues["check_id"]!, checkId)
        insert.bind(statements.insertValues["resource"]!, unownedText: resource)
        insert.bind(statements.insertValues["first_run_id"]!, runId)
        try write(values, into: insert, statements.insertValues, failingSince: failingSince)
        try insert.execute()
    }

    private static func equalBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let left = a.baseAddress, let right = b.baseAddress else { return a.count == 0 }
        return memcmp(left, right, a.count) == 0
    }

    /// Binds a result's values to `statement` (it runs after).
    private func write(_ values: Values, into statement: BulkStatement, _ parameters: [String: BulkStatement.Parameter],
                       failingSince: String?) throws {
        func bind(_ name: String, _ bytes: UnsafeBufferPointer<UInt8>?) {
            if let bytes { statement.bind(parameters[name]!, unownedText: bytes) } else { statement.bindNull(parameters[name]!) }
        }
        bind("status", values.status)
        statement.bind(parameters["effective_status"]!, values.effective.rawValue)
        bind("reason", values.reason)
        bind("account_id", values.account)
        bind("region", values.region)
        bind("name", values.name)
        statement.bind(parameters["failing_since"]!, failingSince)
    }

    public func end(_ summary: CheckRunSummary) throws {
        guard let statements, let runId else { return }
        self.statements = nil
        statements.openIntervals.reset()
        // Close the open intervals of earlier runs that this run did not return.
        let unseen = try BulkStatement(db, sql: """
            SELECT interval_id FROM result_history
            WHERE benchmark = :benchmark AND last_run_id IS NULL AND first_run_id < :run
            """)
        unseen.bind(try unseen.parameter("benchmark"), benchmark)
        unseen.bind(try unseen.parameter("run"), runId)
        var gone: [Int] = []
        try unseen.forEachRow { row in
            if !seen.contains(row.int(0)) { gone.append(row.int(0)) }
        }
        for id in gone {
            statements.close.bind(statements.closeKeys.id, id)
            statements.close.bind(statements.closeKeys.last, previousRunId)
            try statements.close.execute()
        }
        try db.execute(sql: "UPDATE runs SET counts = ? WHERE run_id = ?", arguments: [try RunCounts(summary.counts).json(), runId])
        // What changed, from the history as now written (a resource returned twice counts once,
        // as its later row): a few index lookups per failing result.
        changes = try RunHistory.changeCounts(from: previousRunId, to: runId, db: db)
    }
}

/// A set of interval ids, one bit each: ids are sequential, so the set takes one bit per
/// interval ever recorded (about 1 MB for eight million).
struct IntervalSet {
    private var words: [UInt64] = []

    mutating func insert(_ id: Int) {
        guard id >= 0 else { return }
        let word = id >> 6
        if word >= words.count { words += Array(repeating: 0, count: word - words.count + 1) }
        words[word] |= 1 << UInt64(id & 63)
    }

    func contains(_ id: Int) -> Bool {
        let word = id >> 6
        return id >= 0 && word < words.count && words[word] & (1 << UInt64(id & 63)) != 0
    }
}

/// An account and region of results ("-" for none).
public struct ResultPlace: Hashable, Sendable {
    public var account: String
    public var region: String
}

/// Counts results by account and region as rows stream past. Rows come sorted by account and
/// region, so the place of the previous row is kept as bytes and compared first: a string and a
/// dictionary lookup only when the place changes.
struct PlaceCounter {
    private(set) var counts: [ResultPlace: RunCounts] = [:]
    private var lastAccount: [UInt8] = []
    private var lastRegion: [UInt8] = []
    private var last: ResultPlace?
    private var pending = RunCounts()

    mutating func count(account: UnsafeBufferPointer<UInt8>?, region: UnsafeBufferPointer<UInt8>?, status: CheckStatus) {
        let accountBytes = account ?? UnsafeBufferPointer(start: nil, count: 0)
        let regionBytes = region ?? UnsafeBufferPointer(start: nil, count: 0)
        if last == nil || !lastAccount.elementsEqual(accountBytes) || !lastRegion.elementsEqual(regionBytes) {
            flush()
            lastAccount = Array(accountBytes)
            lastRegion = Array(regionBytes)
            last = ResultPlace(account: account.map { String(decoding: $0, as: UTF8.self) } ?? "-",
                               region: region.map { String(decoding: $0, as: UTF8.self) } ?? "-")
        }
        pending[status] += 1
    }

    mutating func uncount(account: UnsafeBufferPointer<UInt8>?, region: UnsafeBufferPointer<UInt8>?, status: CheckStatus) {
        flush()
        let place = ResultPlace(account: account.map { String(decoding: $0, as: UTF8.self) } ?? "-",
                                region: region.map { String(decoding: $0, as: UTF8.self) } ?? "-")
        counts[place, default: RunCounts()][status] -= 1
    }

    /// Adds the counts of the current place to the totals.
    private mutating func flush() {
        guard let last else { return }
        var total = counts[last, default: RunCounts()]
        for status in CheckStatus.allCases { total[status] += pending[status] }
        counts[last] = total
        pending = RunCounts()
    }

    /// The totals, with the current place's counts added.
    var totals: [ResultPlace: RunCounts] {
        var copy = self
        copy.flush()
        return copy.counts
    }
}

/// The open intervals of one check, read in resource order beside the check's rows.
///
/// Checks return their rows sorted (by account, region and resource, which for one account and
/// region is resource order). Rather than one lookup per row, a cursor over the check's open
/// intervals (`result_history_open`, in resource order) moves forward with the rows: a row whose
/// resource sorts after the previous one advances it; a row that sorts before, or the first row
/// after a write, seeks again (one lookup). So unsorted rows cost what a lookup per row did, and
/// sorted ones a step each. The cursor is reset before every write to `result_history`, so it
/// never reads a table being changed under it.
final class OpenIntervalCursor {
    private let statement: BulkStatement
    private let benchmarkParameter, checkParameter, fromParameter: BulkStatement.Parameter
    private var benchmark = ""
    private var checkId = ""
    /// The first open interval at or after the last resource asked for; nil past the last one.
    private var current: BulkStatement.RowView?
    private var isPositioned = false
    /// The resource asked for last (its bytes).
    private var lastResource: [UInt8] = []

    /// Column positions of the rows `find` returns.
    static let columns = "resource, interval_id, first_run_id, status, effective_status, reason, account_id, region, name, failing_since"

    init(_ db: Database) throws {
        statement = try BulkStatement(db, sql: """
            SELECT \(Self.columns) FROM result_history INDEXED BY result_history_open
            WHERE benchmark = :benchmark AND check_id = :check_id AND last_run_id IS NULL AND resource >= :from
            ORDER BY resource
            """)
        (benchmarkParameter, checkParameter, fromParameter) = (try statement.parameter("benchmark"), try statement.parameter("check_id"),
                                                               try statement.parameter("from"))
    }

    /// Starts on the intervals of another check.
    func begin(benchmark: String, checkId: String) {
        reset()
        self.benchmark = benchmark
        self.checkId = checkId
    }

    /// Ends the read; the next `find` seeks.
    func reset() {
        statement.reset()
        current = nil
        isPositioned = false
    }

    /// The open interval of `resource`, if there is one: its row, valid until the next call.
    func find(_ resource: UnsafeBufferPointer<UInt8>) throws -> BulkStatement.RowView? {
        if !isPositioned || Self.compare(resource, lastResource) < 0 {
            statement.reset()
            statement.bind(benchmarkParameter, benchmark)
            statement.bind(checkParameter, checkId)
            statement.bind(fromParameter, String(decoding: resource, as: UTF8.self))
            current = try statement.step()
            isPositioned = true
        }
        lastResource.removeAll(keepingCapacity: true)
        lastResource.append(contentsOf: resource)
        while let row = current, Self.compare(row.bytes(0), resource) < 0 { current = try statement.step() }
        guard let row = current, Self.compare(row.bytes(0), resource) == 0 else { return nil }
        return row
    }

    /// SQLite's BINARY order of two texts: bytes, then length.
    static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let shared = min(a.count, b.count)
        if shared > 0, let left = a.baseAddress, let right = b.baseAddress {
            let order = memcmp(left, right, shared)
            if order != 0 { return Int(order) }
        }
        return a.count - b.count
    }

    private static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: [UInt8]) -> Int {
        b.withUnsafeBufferPointer { compare(a, $0) }
    }
}
