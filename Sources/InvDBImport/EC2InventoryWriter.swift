import GRDB
import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Writes EC2 instances and their child rows, and keeps the snapshot rule: all describe-instances
/// data for one account and region in one run is one snapshot, which replaces the previous one
/// at the end of the run — unless the run brought only pages with a `NextToken` (an incomplete
/// listing), which add to the current instances without retiring the others.
///
/// One writer serves a whole run (snapshots span files). Its in-memory state is saved with
/// `checkpoint()` before each file and put back with `restore(_:)` when that file's savepoint
/// is rolled back.
///
/// Instances arrive in no particular order of their ids. Their rows are written at once (the
/// table grows at its end), but their child rows (tags, groups, interfaces, addresses) are staged
/// in append-only temporary tables and written sorted by instance at the end of the run: inserted
/// one by one, they landed on random pages of four large B-trees, and once those outgrew the page
/// cache every insert read and wrote pages (the cost grew faster than the fleet).
final class EC2InventoryWriter {
    /// One account and region.
    struct Place: Hashable {
        var account: String
        var region: String
    }

    /// A snapshot taken in this run.
    struct Snapshot {
        var id: Int
        /// False when the database held no instance of the place before this run: child rows
        /// then need no clean-up, the fast path of a first import.
        var replacesEarlierRows: Bool
        /// Some page of the listing had no `NextToken`: the listing is complete.
        var hasLastPage = false
    }

    /// The writer's in-memory state, saved before each file.
    struct State {
        var snapshots: [Place: Snapshot] = [:]
        /// Numbers the instance writes of the run; staged child rows carry the number of the
        /// write they belong to, so that only the last copy of an instance read twice is kept.
        var sequence = 0
    }

    /// The child tables, as staged and merged: the table, its columns, and its key.
    private static let childTables: [(table: String, columns: String, key: String)] = [
        ("ec2_instance_tags", "instance_id, key, value", "instance_id, key"),
        ("ec2_instance_security_groups", "instance_id, group_id, group_name", "instance_id, group_id"),
        ("ec2_network_interfaces", "network_interface_id, instance_id, device_index, attachment_id, status, subnet_id, vpc_id, mac_address, "
            + "private_ip, public_ip, owner_id, description", "instance_id, network_interface_id"),
        ("ec2_network_interface_ips", "network_interface_id, instance_id, family, address, is_primary, public_ip, private_dns",
         "instance_id, network_interface_id, address"),
    ]

    private(set) var state = State()

    /// Places the current file wrote instances to (the import run resets it per file).
    var touchedPlaces: Set<Place> = []
    private let db: Database
    private let runId: Int
    private let instances: InstanceInsert
    private let tags: ChildInsert
    private let securityGroups: ChildInsert
    private let interfaces: InterfaceInsert
    private let addresses: AddressInsert
    private let findInstance: BulkStatement
    private let findInstanceId: BulkStatement.Parameter
    private let stageRewritten: BulkStatement
    private let stageRewrittenId: BulkStatement.Parameter
    private let stageLatest: BulkStatement
    private let stageLatestId, stageLatestSequence: BulkStatement.Parameter
    private let stageAddress: BulkStatement
    private let stageAddressValues: (account: BulkStatement.Parameter, region: BulkStatement.Parameter, instance: BulkStatement.Parameter,
                                     address: BulkStatement.Parameter, scope: BulkStatement.Parameter, vpc: BulkStatement.Parameter,
                                     subnet: BulkStatement.Parameter, state: BulkStatement.Parameter, sequence: BulkStatement.Parameter)

    init(db: Database, runId: Int) throws {
        self.db = db
        self.runId = runId
        try db.execute(sql: "PRAGMA temp.cache_size = -16384")
        // The staged rows are sorted at the end of the run: let SQLite's sorter use a second thread.
        try db.execute(sql: "PRAGMA threads = 2")
        for child in Self.childTables {
            try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS staged_\(child.table)(\(child.columns), seq)")
        }
        try db.execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS staged_addresses(account_id, region, instance_id, address, scope, vpc_id, subnet_id, state, seq);
            CREATE TEMP TABLE IF NOT EXISTS staged_rewritten(instance_id);
            CREATE TEMP TABLE IF NOT EXISTS staged_latest(instance_id TEXT PRIMARY KEY, seq INTEGER) WITHOUT ROWID;
            """)
        instances = try InstanceInsert(db)
        tags = try ChildInsert(db, table: "ec2_instance_tags", columns: ("instance_id", "key", "value"))
        securityGroups = try ChildInsert(db, table: "ec2_instance_security_groups", columns: ("instance_id", "group_id", "group_name"))
        interfaces = try InterfaceInsert(db)
        addresses = try AddressInsert(db)
        findInstance = try BulkStatement(db, sql: "SELECT coalesce(snapshot_id, 0) FROM ec2_instances WHERE instance_id = :instance_id")
        findInstanceId = try findInstance.parameter("instance_id")
        stageRewritten = try BulkStatement(db, sql: "INSERT INTO temp.staged_rewritten(instance_id) VALUES (:instance_id)")
        stageRewrittenId = try stageRewritten.parameter("instance_id")
        stageLatest = try BulkStatement(db, sql: "INSERT OR REPLACE INTO temp.staged_latest(instance_id, seq) VALUES (:instance_id, :seq)")
        (stageLatestId, stageLatestSequence) = (try stageLatest.parameter("instance_id"), try stageLatest.parameter("seq"))
        let stageAddress = try BulkStatement(db, sql: """
            INSERT INTO temp.staged_addresses(account_id, region, instance_id, address, scope, vpc_id, subnet_id, state, seq)
            VALUES (:account_id, :region, :instance_id, :address, :scope, :vpc_id, :subnet_id, :state, :seq)
            """)
        self.stageAddress = stageAddress
        stageAddressValues = (try stageAddress.parameter("account_id"), try stageAddress.parameter("region"), try stageAddress.parameter("instance_id"),
                              try stageAddress.parameter("address"), try stageAddress.parameter("scope"), try stageAddress.parameter("vpc_id"),
                              try stageAddress.parameter("subnet_id"), try stageAddress.parameter("state"), try stageAddress.parameter("seq"))
        try clearStaging()
    }

    private func clearStaging() throws {
        for child in Self.childTables { try db.execute(sql: "DELETE FROM temp.staged_\(child.table)") }
        try db.execute(sql: "DELETE FROM temp.staged_rewritten; DELETE FROM temp.staged_latest; DELETE FROM temp.staged_addresses")
    }

    func checkpoint() -> State { state }

    func restore(_ saved: State) { state = saved }

    /// The snapshot of `place` in this run, taken the first time the place is seen (its earlier
    /// instances are retired from "current" at the end of the run, by `finishRun`).
    func snapshot(for place: Place, counts: inout RowCounts) throws -> Int {
        if let existing = state.snapshots[place] { return existing.id }
        try db.execute(sql: "INSERT INTO ec2_snapshots(run_id, account_id, region) VALUES (:run, :account, :region)",
                       arguments: ["run": runId, "account": place.account, "region": place.region])
        let id = Int(db.lastInsertedRowID)
        counts.add(.ec2Snapshots)
        let hadRows = try Bool.fetchOne(db, sql: """
            SELECT EXISTS(SELECT 1 FROM ec2_instances WHERE is_current IN (0, 1) AND account_id = :account AND region = :region)
            """, arguments: ["account": place.account, "region": place.region]) ?? false
        state.snapshots[place] = Snapshot(id: id, replacesEarlierRows: hadRows)
        return id
    }

    /// Writes one instance (and its tags, interfaces, addresses and groups) into the snapshot of
    /// its account and region. Returns a warning when the run already held this instance.
    func write(instance tape: JSONTape, fields f: InstanceFields, account: String, reservationId: String?,
               regionFallback: String?, importId: Int, location: RecordLocation,
               counts: inout RowCounts) throws -> String? {
        guard let instanceId = tape.nonEmptyString(f.instanceId) else {
            throw location.invalid("InstanceId is missing or not a non-empty string")
        }
        guard tape.isNonEmptyString(f.stateName) else { throw location.invalid("State.Name is missing") }
        let zone = tape.nonEmptyString(f.availabilityZone)
        guard let region = zone.flatMap(AWSRegion.fromAvailabilityZone) ?? regionFallback else {
            throw location.invalid("cannot tell the instance's region: Placement.AvailabilityZone is missing or not a zone name; pass --region")
        }
        let place = Place(account: account, region: region)
        let snapshotId = try snapshot(for: place, counts: &counts)
        touchedPlaces.insert(place)
        var warning: String?
        state.sequence += 1
        let sequence = state.sequence
        // The row of the same instance, if any: from an earlier run (its child rows are replaced
        // at the end of the run), or from this run (the later copy is kept).
        findInstance.bind(findInstanceId, instanceId)
        if let earlierSnapshot = try findInstance.fetchInt() {
            if state.snapshots.values.contains(where: { $0.id == earlierSnapshot }) {
                warning = "\(location.file): instance \(SafeText.quote(instanceId, limit: 40)) was already read in this run; the later copy is kept"
                stageLatest.bind(stageLatestId, instanceId)
                stageLatest.bind(stageLatestSequence, sequence)
                try stageLatest.execute()
            } else {
                stageRewritten.bind(stageRewrittenId, instanceId)
                try stageRewritten.execute()
            }
        }
        try tape.withStableBytes { view in
            try instances.write(view, f, instanceId: instanceId, account: account, region: region, zone: zone, reservationId: reservationId,
                                snapshotId: snapshotId, importId: importId)
            try stageAddresses(view, f, instanceId: instanceId, account: account, region: region, sequence: sequence)
            counts.add(.ec2Instances)
            for tag in f.tags where tape.kind(tag.key) == .string || tape.kind(tag.key) == .escapedString {
                try tags.write(view, instanceId: instanceId, sequence: sequence, first: tag.key, second: tag.value, emptySecondIsText: true)
                counts.add(.ec2InstanceTags)
            }
            for group in f.securityGroups where tape.isNonEmptyString(group.id) {
                try securityGroups.write(view, instanceId: instanceId, sequence: sequence, first: group.id, second: group.name, emptySecondIsText: true)
                counts.add(.ec2InstanceSecurityGroups)
            }
            for interface in f.interfaces {
                guard tape.isNonEmptyString(interface.id) else { continue }
                try interfaces.write(view, interface, instanceId: instanceId, sequence: sequence)
                counts.add(.ec2NetworkInterfaces)
                for address in interface.addresses where tape.isNonEmptyString(address.ip) {
                    try addresses.write(view, interfaceId: interface.id, instanceId: instanceId, sequence: sequence, family: "ipv4", address: address.ip,
                                        isPrimary: address.primary, publicIp: address.publicIp, dns: address.dns)
                    counts.add(.ec2NetworkInterfaceIps)
                }
                for ip in interface.ipv6Addresses where tape.isNonEmptyString(ip) {
                    try addresses.write(view, interfaceId: interface.id, instanceId: instanceId, sequence: sequence, family: "ipv6", address: ip,
                                        isPrimary: false, publicIp: nil, dns: nil)
                    counts.add(.ec2NetworkInterfaceIps)
                }
            }
        }
        return warning
    }

    /// Stages the addresses an instance holds (its own, its interfaces' and their addresses'),
    /// for `ec2_address_history` at the end of the run: read here from the tape, so that the
    /// history never reads the instances' rows again. Duplicates are removed at the end.
    private func stageAddresses(_ view: JSONTape.StableBytes, _ f: InstanceFields, instanceId: String, account: String, region: String,
                                sequence: Int) throws {
        let tape = view.tape
        let v = stageAddressValues
        func stage(_ node: Int?, scope: StaticString, vpc: Int?, subnet: Int?, isIPv6: Bool = false) throws {
            guard tape.isNonEmptyString(node) else { return }
            stageAddress.bind(v.account, account)
            stageAddress.bind(v.region, region)
            stageAddress.bind(v.instance, instanceId)
            if isIPv6 {
                // IPv6 can be spelt many ways; CloudTrail sources are stored canonical, so are these.
                stageAddress.bind(v.address, tape.nonEmptyString(node).map { IPAddress.canonical($0) ?? $0 })
            } else {
                stageAddress.bind(v.address, view, node)
            }
            stageAddress.bind(v.scope, "\(scope)")
            stageAddress.bind(v.vpc, view, vpc ?? f.vpcId)
            stageAddress.bind(v.subnet, view, subnet ?? f.subnetId)
            stageAddress.bind(v.state, view, f.stateName)
            stageAddress.bind(v.sequence, sequence)
            try stageAddress.execute()
        }
        try stage(f.publicIp, scope: "public", vpc: nil, subnet: nil)
        try stage(f.privateIp, scope: "private", vpc: nil, subnet: nil)
        for interface in f.interfaces {
            let vpc = tape.isNonEmptyString(interface.vpcId) ? interface.vpcId : nil
            let subnet = tape.isNonEmptyString(interface.subnetId) ? interface.subnetId : nil
            try stage(interface.publicIp, scope: "public", vpc: vpc, subnet: subnet)
            for address in interface.addresses {
                try stage(address.ip, scope: "private", vpc: vpc, subnet: subnet)
                try stage(address.publicIp, scope: "public", vpc: vpc, subnet: subnet)
            }
            for ip in interface.ipv6Addresses { try stage(ip, scope: "ipv6", vpc: vpc, subnet: subnet, isIPv6: true) }
        }
    }

    /// Takes an empty snapshot of `place`: a listing with no instances retires every instance
    /// the place had.
    func recordEmptyListing(for place: Place, counts: inout RowCounts) throws {
        _ = try snapshot(for: place, counts: &counts)
        touchedPlaces.insert(place)
    }

    /// Notes that a file of the run listed `places`, and whether it was a last page (no
    /// `NextToken`).
    func notePages(of places: Set<Place>, isLastPage: Bool) {
        guard isLastPage else { return }
        for place in places { state.snapshots[place]?.hasLastPage = true }
    }

    /// Retires the instances each complete snapshot of the run no longer holds, and stores each
    /// snapshot's instance count and completeness. Call once, at the end of the run; returns a
    /// warning for each incomplete listing.
    func finishRun() throws -> [String] {
        try mergeStagedChildren()
        var warnings: [String] = []
        for (place, snapshot) in state.snapshots.sorted(by: { $0.value.id < $1.value.id }) {
            let instanceCount = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM ec2_instances WHERE account_id = ? AND region = ? AND is_current = 1 AND snapshot_id = ?
                """, arguments: [place.account, place.region, snapshot.id]) ?? 0
            try recordAddresses(of: place, snapshot: snapshot)
            if snapshot.hasLastPage && snapshot.replacesEarlierRows {
                // Earlier snapshots of the place have smaller ids: a range of the index.
                try db.execute(sql: """
                    UPDATE ec2_instances SET is_current = 0
                    WHERE account_id = ? AND region = ? AND is_current = 1 AND snapshot_id < ?
                    """, arguments: [place.account, place.region, snapshot.id])
            } else if !snapshot.hasLastPage {
                let kept = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM ec2_instances WHERE account_id = ? AND region = ? AND is_current = 1 AND snapshot_id != ?
                    """, arguments: [place.account, place.region, snapshot.id]) ?? 0
                warnings.append("the describe-instances listing of \(place.account) \(place.region) is incomplete (every page has a NextToken): "
                                + "its \(instanceCount) instances were added, and the \(kept) current instances it does not name were kept "
                                + "as current; import every page of the listing in one run to replace them")
            }
            try db.execute(sql: "UPDATE ec2_snapshots SET instance_count = ?, is_complete = ? WHERE snapshot_id = ?",
                           arguments: [instanceCount, snapshot.hasLastPage, snapshot.id])
        }
        try clearStaging()
        return warnings
    }

    /// Keeps the addresses the snapshot's instances hold in `ec2_address_history`: intervals
    /// the snapshot no longer shows are closed at its time (for a complete listing; an incomplete
    /// one closes only those of the instances it lists), and the addresses it shows anew open
    /// intervals. CloudTrail calls are attributed with it.
    private func recordAddresses(of place: Place, snapshot: Snapshot) throws {
        let time = try String.fetchOne(db, sql: "SELECT started_at FROM import_runs WHERE run_id = ?", arguments: [runId]) ?? ""
        try db.execute(sql: """
            CREATE TEMP TABLE IF NOT EXISTS current_addresses(instance_id TEXT, address TEXT, scope TEXT, vpc_id TEXT, subnet_id TEXT, state TEXT);
            CREATE INDEX IF NOT EXISTS temp.current_addresses_by_address ON current_addresses(address, instance_id);
            DELETE FROM temp.current_addresses;
            """)
        let arguments: StatementArguments = ["account": place.account, "region": place.region, "snapshot": snapshot.id, "time": time]
        // The addresses staged for the place, of the last copy of each instance, once each.
        // GROUP BY rather than DISTINCT: SQLite sorts for a GROUP BY (a merge sort, linear in
        // practice) but keeps a DISTINCT in a temporary B-tree filled in random order, which
        // took 8 of a million-instance import's 15 s here.
        try db.execute(sql: """
            INSERT INTO temp.current_addresses(instance_id, address, scope, vpc_id, subnet_id, state)
            SELECT instance_id, address, scope, vpc_id, subnet_id, state FROM temp.staged_addresses AS s
            WHERE account_id = :account AND region = :region
              AND NOT EXISTS (SELECT 1 FROM temp.staged_latest AS l WHERE l.instance_id = s.instance_id AND l.seq != s.seq)
            GROUP BY address, instance_id, scope, vpc_id, subnet_id, state
            ORDER BY address, instance_id, scope, vpc_id, subnet_id, state
            """, arguments: arguments)
        try db.execute(sql: """
            UPDATE ec2_address_history SET to_snapshot_id = :snapshot, to_time = :time
            WHERE account_id = :account AND region = :region AND to_time IS NULL AND from_snapshot_id != :snapshot
              AND (\(snapshot.hasLastPage ? "1" : "0") OR instance_id IN (SELECT instance_id FROM temp.current_addresses))
              AND NOT EXISTS (
                  SELECT 1 FROM temp.current_addresses AS c
                  WHERE c.instance_id = ec2_address_history.instance_id AND c.address = ec2_address_history.address
                    AND c.scope = ec2_address_history.scope AND c.vpc_id IS ec2_address_history.vpc_id
                    AND c.subnet_id IS ec2_address_history.subnet_id AND c.state IS ec2_address_history.state)
            """, arguments: arguments)
        try db.execute(sql: """
            INSERT OR IGNORE INTO ec2_address_history(account_id, region, instance_id, address, scope, vpc_id, subnet_id, state, from_snapshot_id, from_time)
            SELECT :account, :region, c.instance_id, c.address, c.scope, c.vpc_id, c.subnet_id, c.state, :snapshot, :time
            FROM temp.current_addresses AS c
            WHERE NOT EXISTS (
                SELECT 1 FROM ec2_address_history AS h
                WHERE h.account_id = :account AND h.region = :region AND h.instance_id = c.instance_id AND h.to_time IS NULL
                  AND h.address = c.address AND h.scope = c.scope AND h.vpc_id IS c.vpc_id AND h.subnet_id IS c.subnet_id AND h.state IS c.state)
            ORDER BY c.address, c.instance_id
            """, arguments: arguments)
    }

    /// Replaces the child rows of the instances this run rewrote, and writes the staged child
    /// rows sorted by their key (only the last copy of an instance read twice).
    private func mergeStagedChildren() throws {
        for child in Self.childTables {
            try db.execute(sql: "DELETE FROM \(child.table) WHERE instance_id IN (SELECT instance_id FROM temp.staged_rewritten)")
            try db.execute(sql: """
                INSERT OR REPLACE INTO \(child.table)(\(child.columns))
                SELECT \(child.columns) FROM temp.staged_\(child.table) AS s
                WHERE NOT EXISTS (SELECT 1 FROM temp.staged_latest AS l WHERE l.instance_id = s.instance_id AND l.seq != s.seq)
                ORDER BY \(child.key), s.rowid
                """)
        }
    }
}
