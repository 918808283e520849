import Foundation
import GRDB
import InvDBChecks
import InvDBCore
import InvDBStore

/// Result counts per effective status for one group of results (an account, a region, a tag
/// value), as the report's tables and JSON show them.
public struct GroupCounts: Sendable, Equatable, Codable {
    /// The group's name (`-` for results without one).
    public var group: String
    public var counts: RunCounts

    /// Results that are alarm or error.
    public var failing: Int { counts.alarm + counts.error }
}

/// Result counts per effective status, in the order the report shows them.
public struct RunCounts: Codable, Equatable, Sendable {
    public var alarm = 0, error = 0, waived = 0, info = 0, ok = 0, skip = 0

    public init(_ counts: StatusCounts = [:]) {
        alarm = counts[.alarm] ?? 0
        error = counts[.error] ?? 0
        waived = counts[.waived] ?? 0
        info = counts[.info] ?? 0
        ok = counts[.ok] ?? 0
        skip = counts[.skip] ?? 0
    }

    /// The count of `status`.
    public subscript(status: CheckStatus) -> Int {
        get {
            switch status {
            case .alarm: return alarm
            case .error: return error
            case .waived: return waived
            case .info: return info
            case .ok: return ok
            case .skip: return skip
            }
        }
        set {
            switch status {
            case .alarm: alarm = newValue
            case .error: error = newValue
            case .waived: waived = newValue
            case .info: info = newValue
            case .ok: ok = newValue
            case .skip: skip = newValue
            }
        }
    }

    /// The counts as a compact JSON object with sorted keys (the `runs.counts` column).
    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// Result counts of one account and region.
struct AccountRegionCounts: Encodable {
    var account: String
    var region: String
    var counts: RunCounts

    enum CodingKeys: String, CodingKey { case account = "account_id", region, counts }
}

/// The CloudTrail days seen for one account and region.
struct CloudTrailDays: Codable, Equatable {
    var accountId: String
    var region: String
    var firstDay: String
    var lastDay: String
    var days: Int
    var records: Int

    enum CodingKeys: String, CodingKey {
        case accountId = "account_id", region, firstDay = "first_day", lastDay = "last_day", days, records
    }
}

/// The import freshness of one account and region.
struct Freshness: Codable, Equatable {
    var accountId: String
    var region: String
    var oldestImport: String
    var newestImport: String

    enum CodingKeys: String, CodingKey {
        case accountId = "account_id", region, oldestImport = "oldest_import", newestImport = "newest_import"
    }
}

/// Everything a report says about one recorded run, read from the database inside the
/// transaction that recorded it. Lists that grow with the fleet (changes, failing resources)
/// are not here: the writers read them row by row.
struct ReportData {
    var benchmark: Benchmark
    var summary: CheckRunSummary
    var runId: Int
    var recordedAt: String
    var previous: RecordedRun?
    var trend: [RecordedRun]
    var changes: [RunChange: Int]
    var freshness: [Freshness]
    /// The CloudTrail logs the CloudTrail checks judged (view cloudtrail_days).
    var cloudTrail: [CloudTrailDays]
    var byAccount: [GroupCounts]
    var byRegion: [GroupCounts]
    var byAccountRegion: [AccountRegionCounts]
    /// The tag grouped by (`--group-by-tag`) and its groups.
    var tag: String?
    var byTag: [GroupCounts]
    var waivers: [Waiver]

    /// The SQL condition "interval h holds run :run of :benchmark".
    static let holdsRun = "h.benchmark = :benchmark AND h.first_run_id <= :run AND (h.last_run_id IS NULL OR h.last_run_id >= :run)"

    /// `countsByPlace`: the run's results by account and region, as the recorder counted them.
    init(benchmark: Benchmark, summary: CheckRunSummary, runId: Int, previousRunId: Int?, changes: [RunChange: Int],
         countsByPlace: [ResultPlace: RunCounts], trendRuns: Int, tag: String?, waivers: [Waiver], db: Database) throws {
        self.benchmark = benchmark
        self.summary = summary
        self.runId = runId
        let runs = try RunHistory.runs(db, benchmark: benchmark.id)
        recordedAt = runs.last { $0.id == runId }?.recordedAt ?? ""
        previous = runs.last { $0.id == previousRunId }
        trend = Array(runs.filter { $0.id <= runId }.suffix(trendRuns))
        self.changes = changes
        freshness = try Row.fetchAll(db, sql: """
            SELECT coalesce(account_id, '-') AS account, coalesce(region, 'global') AS region,
                   min(imported_at) AS oldest, max(imported_at) AS newest
            FROM imports WHERE kind != '' GROUP BY 1, 2 ORDER BY 4, 1, 2
            """).map { Freshness(accountId: $0["account"], region: $0["region"], oldestImport: $0["oldest"], newestImport: $0["newest"]) }
        cloudTrail = try Row.fetchAll(db, sql: """
            SELECT coalesce(account_id, '-') AS account, coalesce(region, '-') AS region, first_day, last_day, days, records
            FROM cloudtrail_days ORDER BY 1, 2
            """).map { CloudTrailDays(accountId: $0["account"], region: $0["region"], firstDay: $0["first_day"], lastDay: $0["last_day"],
                                      days: $0["days"], records: $0["records"]) }
        let arguments: StatementArguments = ["benchmark": benchmark.id, "run": runId]
        /// Counts per effective status of the run's results, grouped by `expressions`.
        func grouped(_ expressions: [String], join: String = "", extra: StatementArguments = [:]) throws -> [(key: [String], counts: RunCounts)] {
            var groups: [[String]: RunCounts] = [:]
            var all = arguments
            all += extra
            let columns = expressions.enumerated().map { "\($0.element) AS g\($0.offset)" }.joined(separator: ", ")
            let rows = try Row.fetchCursor(db, sql: """
                SELECT \(columns), h.effective_status AS status, count(*) AS n
                FROM result_history AS h \(join) WHERE \(Self.holdsRun) GROUP BY \((1...expressions.count + 1).map(String.init).joined(separator: ", "))
                """, arguments: all)
            while let row = try rows.next() {
                guard let status = CheckStatus(rawValue: row["status"]) else { continue }
                let key = expressions.indices.map { row["g\($0)"] as String }
                groups[key, default: RunCounts()][status] += row["n"] as Int
            }
            return groups.map { ($0.key, $0.value) }
        }
        /// Groups with the most failing results first, then by name.
        func ranked(_ groups: [(key: [String], counts: RunCounts)]) -> [GroupCounts] {
            groups.map { GroupCounts(group: $0.key[0], counts: $0.counts) }.sorted { ($0.failing, $1.group) > ($1.failing, $0.group) }
        }
        // The recorder counted the run's results by account and region as they streamed past;
        // the account and the region totals are sums of it.
        let places = countsByPlace
            .map { AccountRegionCounts(account: $0.key.account, region: $0.key.region, counts: $0.value) }
            .sorted { ($0.account, $0.region) < ($1.account, $1.region) }
        byAccountRegion = places
        func total(_ key: KeyPath<AccountRegionCounts, String>) -> [(key: [String], counts: RunCounts)] {
            var sums: [String: RunCounts] = [:]
            for item in places {
                var sum = sums[item[keyPath: key], default: RunCounts()]
                for status in CheckStatus.allCases { sum[status] += item.counts[status] }
                sums[item[keyPath: key]] = sum
            }
            return sums.map { ([$0.key], $0.value) }
        }
        byAccount = ranked(total(\.account))
        byRegion = ranked(total(\.region))
        self.tag = tag
        if let tag {
            byTag = ranked(try grouped(["coalesce(t.value, '(no tag)')"],
                                       join: "LEFT JOIN ec2_instance_tags AS t ON t.instance_id = h.resource AND t.key = :tag", extra: ["tag": tag]))
        } else {
            byTag = []
        }
        self.waivers = waivers
    }
}
