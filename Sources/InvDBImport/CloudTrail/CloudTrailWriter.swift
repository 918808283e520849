import GRDB
import InvDBCore
import InvDBDetect
import InvDBStore

/// Keeps what the checks need of CloudTrail records, aggregated: calls per key (or instance role
/// session), source address, VPC endpoint and hour (`cloudtrail_calls`), and records per
/// account, region and day (`cloudtrail_coverage`), never the records themselves. A record seen
/// twice in one run (CloudTrail can deliver one twice; lookup-events repeats the S3 files) is
/// counted once, by its `eventID`.
///
/// Aggregates are held in memory for the file being read and written at its end, or sooner when
/// many distinct ones pile up, so memory stays bounded whatever the input.
final class CloudTrailWriter {
    /// One aggregate's identity.
    private struct CallKey: Hashable {
        var recipientAccountId: String?
        var identityType: String
        var accessKeyId: String?
        var principalArn: String?
        var userName: String?
        var roleArn: String?
        var sessionInstance: String?
        var ec2RoleDelivery: String?
        var source: String?
        var sourceIsAddress: Bool
        var vpcEndpointId: String?
        var hour: Substring
    }

    private struct CallTotals {
        var calls = 0
        var errorCalls = 0
        var firstTime: String
        var lastTime: String
        var eventNames: [String] = []
        var userAgent: String?
    }

    private struct CoverageKey: Hashable {
        var accountId: String?
        var region: String?
        var day: Substring
    }

    private let db: Database
    private var calls: [CallKey: CallTotals] = [:]
    private var coverage: [CoverageKey: Int] = [:]
    /// Keys of the records seen in this run (`CloudTrailRecord.eventKey`); past
    /// `maximumSeenInMemory` they move to a temporary table, so memory stays bounded.
    private var seen = Set<UInt64>()
    private var seenSpilled = false
    private static let maximumSeenInMemory = 4_000_000
    private let markSeen: BulkStatement
    private let markSeenId: BulkStatement.Parameter
    private let findSeen: BulkStatement
    private let findSeenId: BulkStatement.Parameter
    /// Aggregates held before they are written out.
    private static let maximumHeld = 50_000
    private static let maximumEventNames = 5

    /// Records read, duplicates skipped, and records without an id (counted, not deduplicated).
    private(set) var records = 0
    private(set) var duplicates = 0

    init(db: Database) throws {
        self.db = db
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS cloudtrail_seen(id INTEGER PRIMARY KEY)")
        markSeen = try BulkStatement(db, sql: "INSERT OR IGNORE INTO temp.cloudtrail_seen(id) VALUES (:id)")
        markSeenId = try markSeen.parameter("id")
        findSeen = try BulkStatement(db, sql: "SELECT count(*) FROM temp.cloudtrail_seen WHERE id = :id")
        findSeenId = try findSeen.parameter("id")
    }

    /// Forgets the records of an earlier run on the same connection.
    func startRun() throws {
        try db.execute(sql: "DELETE FROM temp.cloudtrail_seen")
        seen = []
        seenSpilled = false
    }

    /// Notes a record's key; false when the run has seen it already.
    private func isFirstSight(_ key: UInt64) throws -> Bool {
        if seenSpilled {
            findSeen.bind(findSeenId, Int(Int64(bitPattern: key)))
            if try findSeen.fetchInt() ?? 0 > 0 { return false }
        }
        guard seen.insert(key).inserted else { return false }
        if seen.count >= Self.maximumSeenInMemory {
            for old in seen {
                markSeen.bind(markSeenId, Int(Int64(bitPattern: old)))
                try markSeen.execute()
            }
            seen.removeAll()
            seenSpilled = true
        }
        return true
    }

    /// Counts a record by its event key (`CloudTrailRecord.eventKey`) and the account, region
    /// and day it covers; false when the run has seen it already (it is then not counted).
    func count(key: UInt64?, account: UnsafeBufferPointer<UInt8>?, region: UnsafeBufferPointer<UInt8>?,
               day: UnsafeBufferPointer<UInt8>) throws -> Bool {
        if let key, try !isFirstSight(key) {
            duplicates += 1
            return false
        }
        records += 1
        // Records of one file mostly share their account, region and day: compare bytes before
        // making strings.
        if let last = lastCoverage, Self.same(last.account, account), Self.same(last.region, region), last.day.elementsEqual(day) {
            coverage[last.key, default: 0] += 1
            return true
        }
        func text(_ bytes: UnsafeBufferPointer<UInt8>?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }
        let key = CoverageKey(accountId: text(account), region: text(region), day: Substring(String(decoding: day, as: UTF8.self)))
        coverage[key, default: 0] += 1
        lastCoverage = (key, account.map(Array.init), region.map(Array.init), Array(day))
        return true
    }

    private var lastCoverage: (key: CoverageKey, account: [UInt8]?, region: [UInt8]?, day: [UInt8])?

    private static func same(_ kept: [UInt8]?, _ bytes: UnsafeBufferPointer<UInt8>?) -> Bool {
        switch (kept, bytes) {
        case (nil, nil): return true
        case (let kept?, let bytes?): return kept.elementsEqual(bytes)
        default: return false
        }
    }

    /// Adds the calls of a record the checks keep (counted first with `count`).
    func add(_ record: CloudTrailRecord, file: FileImport) throws {
        let time = record.eventTime
        guard record.isKept else { return }
        let address = record.sourceAddress.flatMap(IPAddress.canonical)
        let key = CallKey(recipientAccountId: record.recipientAccountId, identityType: record.identityType ?? "",
                          accessKeyId: record.accessKeyId, principalArn: record.principalArn, userName: record.userName,
                          roleArn: record.roleArn, sessionInstance: record.sessionInstance, ec2RoleDelivery: record.ec2RoleDelivery,
                          source: address ?? record.sourceAddress, sourceIsAddress: address != nil, vpcEndpointId: record.vpcEndpointId,
                          hour: time.prefix(13))
        var totals = calls[key] ?? CallTotals(firstTime: time, lastTime: time, userAgent: record.userAgent)
        totals.calls += 1
        if record.failed { totals.errorCalls += 1 }
        if time < totals.firstTime { totals.firstTime = time }
        if time > totals.lastTime { totals.lastTime = time }
        if let source = record.eventSource, let name = record.eventName, totals.eventNames.count < Self.maximumEventNames {
            let call = (source.hasSuffix(".amazonaws.com") ? String(source.dropLast(".amazonaws.com".count)) : source) + ":" + name
            if !totals.eventNames.contains(call) { totals.eventNames.append(call) }
        }
        calls[key] = totals
        if calls.count >= Self.maximumHeld { try flush(file: file) }
    }

    /// Writes the aggregates held, as rows of `file`'s import.
    func flush(file: FileImport) throws {
        let insertCall = try db.cachedStatement(sql: """
            INSERT INTO cloudtrail_calls(import_id, recipient_account_id, identity_type, access_key_id, principal_arn, user_name,
                role_arn, session_instance_id, ec2_role_delivery, source, source_is_address, vpc_endpoint_id, hour,
                calls, error_calls, first_time, last_time, event_names, user_agent)
            VALUES (:import_id, :recipient_account_id, :identity_type, :access_key_id, :principal_arn, :user_name,
                :role_arn, :session_instance_id, :ec2_role_delivery, :source, :source_is_address, :vpc_endpoint_id, :hour,
                :calls, :error_calls, :first_time, :last_time, :event_names, :user_agent)
            """)
        for (key, totals) in calls {
            try insertCall.execute(arguments: [
                "import_id": file.importId, "recipient_account_id": key.recipientAccountId, "identity_type": key.identityType,
                "access_key_id": key.accessKeyId, "principal_arn": key.principalArn.map(Self.bounded),
                "user_name": key.userName.map(Self.bounded), "role_arn": key.roleArn.map(Self.bounded),
                "session_instance_id": key.sessionInstance, "ec2_role_delivery": key.ec2RoleDelivery.map(Self.bounded),
                "source": key.source.map(Self.bounded), "source_is_address": key.sourceIsAddress,
                "vpc_endpoint_id": key.vpcEndpointId.map(Self.bounded), "hour": String(key.hour),
                "calls": totals.calls, "error_calls": totals.errorCalls, "first_time": totals.firstTime, "last_time": totals.lastTime,
                "event_names": Self.bounded(totals.eventNames.joined(separator: ", ")), "user_agent": totals.userAgent.map(Self.bounded),
            ])
            file.counts.add(.cloudtrailCalls)
        }
        calls.removeAll(keepingCapacity: true)
        let insertCoverage = try db.cachedStatement(sql: """
            INSERT INTO cloudtrail_coverage(import_id, account_id, region, day, records) VALUES (:import_id, :account_id, :region, :day, :records)
            ON CONFLICT(import_id, account_id, region, day) DO UPDATE SET records = records + excluded.records
            """)
        for (key, records) in coverage {
            try insertCoverage.execute(arguments: ["import_id": file.importId, "account_id": key.accountId.map(Self.bounded),
                                                   "region": key.region.map(Self.bounded), "day": String(key.day), "records": records])
        }
        coverage.removeAll(keepingCapacity: true)
    }

    /// Replaces what imports of the same file (same SHA-256) in earlier runs stored, so importing
    /// a file again does not count its calls twice. A copy read earlier in this run stays: its
    /// records are already counted once, and this copy's are duplicates of them (by eventID).
    func replaceEarlierImports(of file: FileImport, sha256: String) throws {
        for table in ["cloudtrail_calls", "cloudtrail_coverage"] {
            try db.execute(sql: """
                DELETE FROM \(table) WHERE import_id IN (
                    SELECT import_id FROM imports
                    WHERE sha256 = ? AND run_id != (SELECT run_id FROM imports WHERE import_id = ?))
                """, arguments: [sha256, file.importId])
        }
    }

    /// Stored text from a record: at most 256 characters, secrets redacted.
    private static func bounded(_ text: String) -> String {
        CredentialScrubber.scrubbed(text.count > 256 ? String(text.prefix(255)) + "…" : text)
    }
}
