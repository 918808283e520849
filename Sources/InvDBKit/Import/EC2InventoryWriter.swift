import GRDB

/// Writes EC2 instances and their child rows, and keeps the snapshot rule: all describe-instances
/// data for one account and region in one run is one snapshot, which replaces the previous one
/// at the end of the run — unless the run brought only pages with a `NextToken` (an incomplete
/// listing), which add to the current instances without retiring the others.
///
/// One writer serves a whole run (snapshots span files). Its in-memory state is saved with
/// `checkpoint()` before each file and put back with `restore(_:)` when that file's savepoint
/// is rolled back.
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
        var instanceIds: Set<String> = []
        /// Some page of the listing had no `NextToken`: the listing is complete.
        var hasLastPage = false
    }

    /// The writer's in-memory state, saved before each file.
    struct State {
        var snapshots: [Place: Snapshot] = [:]
    }

    private(set) var state = State()

    /// Places the current file wrote instances to (the import run resets it per file).
    var touchedPlaces: Set<Place> = []
    private let db: Database
    private let runId: Int
    private let insertSnapshot: PreparedStatement
    private let placeHasRows: PreparedStatement
    private let insertInstance: PreparedStatement
    private let insertTag: PreparedStatement
    private let insertSecurityGroup: PreparedStatement
    private let insertInterface: PreparedStatement
    private let insertAddress: PreparedStatement
    private let deleteChildren: [PreparedStatement]

    init(db: Database, runId: Int) throws {
        self.db = db
        self.runId = runId
        insertSnapshot = try PreparedStatement(db, "INSERT INTO ec2_snapshots(run_id, account_id, region) VALUES (?, ?, ?)")
        placeHasRows = try PreparedStatement(db, "SELECT EXISTS(SELECT 1 FROM ec2_instances WHERE is_current IN (0, 1) AND account_id = ? AND region = ?)")
        insertInstance = try PreparedStatement(db, """
        INSERT OR REPLACE INTO ec2_instances(instance_id, account_id, region, availability_zone, reservation_id,
            state, state_reason, instance_type, image_id, vpc_id, subnet_id, private_ip, public_ip, private_dns,
            public_dns, launch_time, platform, platform_details, architecture, key_name, metadata_http_tokens,
            metadata_http_endpoint, metadata_hop_limit, iam_instance_profile_arn, iam_instance_profile_id, name,
            snapshot_id, import_id, is_current, raw_json)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)
        """)
        insertTag = try PreparedStatement(db, "INSERT INTO ec2_instance_tags(instance_id, key, value) VALUES (?, ?, ?)")
        insertSecurityGroup = try PreparedStatement(db, "INSERT INTO ec2_instance_security_groups(instance_id, group_id, group_name) VALUES (?, ?, ?)")
        insertInterface = try PreparedStatement(db, """
        INSERT INTO ec2_network_interfaces(network_interface_id, instance_id, device_index, attachment_id, status,
            subnet_id, vpc_id, mac_address, private_ip, public_ip, owner_id, description)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
        insertAddress = try PreparedStatement(db, """
        INSERT INTO ec2_network_interface_ips(network_interface_id, instance_id, family, private_ip, is_primary, public_ip, private_dns)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        """)
        deleteChildren = try [
        "ec2_instance_tags", "ec2_instance_security_groups", "ec2_network_interfaces", "ec2_network_interface_ips",
            ].map { try PreparedStatement(db, "DELETE FROM \($0) WHERE instance_id = ?") }
    }

    func checkpoint() -> State { state }

    func restore(_ saved: State) { state = saved }

    /// The snapshot of `place` in this run, taken the first time the place is seen (its earlier
    /// instances are retired from "current" at the end of the run, by `finishRun`).
    func snapshot(for place: Place, counts: inout RowCounts) throws -> Int {
        if let existing = state.snapshots[place] { return existing.id }
        try insertSnapshot.bind(runId).bind(place.account).bind(place.region).run()
        let id = Int(db.lastInsertedRowID)
        counts.add("ec2_snapshots")
        let hadRows = try placeHasRows.bind(place.account).bind(place.region).fetchInt() == 1
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
        let alreadyInRun = !state.snapshots[place]!.instanceIds.insert(instanceId).inserted
        if alreadyInRun {
            warning = "\(location.file): instance \(instanceId) was already read in this run; the later copy is kept"
        }
        if alreadyInRun || state.snapshots[place]!.replacesEarlierRows {
            for statement in deleteChildren { try statement.bind(instanceId).run() }
        }
        try tape.withStableBytes { view in
            try insertInstance
                .bind(instanceId).bind(account).bind(region).bind(zone).bind(reservationId)
                .bind(view, f.stateName)
                .bind(view, tape.isNonEmptyString(f.stateReason) ? f.stateReason : f.stateTransitionReason)
                .bind(view, f.instanceType).bind(view, f.imageId).bind(view, f.vpcId).bind(view, f.subnetId)
                .bind(view, f.privateIp).bind(view, f.publicIp).bind(view, f.privateDns).bind(view, f.publicDns)
                .bind(view, f.launchTime).bind(view, f.platform).bind(view, f.platformDetails).bind(view, f.architecture)
                .bind(view, f.keyName).bind(view, f.httpTokens).bind(view, f.httpEndpoint).bind(f.hopLimit)
                .bind(view, f.profileArn).bind(view, f.profileId)
                .bind(view, f.nameTagValue, emptyIsNull: false).bind(snapshotId).bind(importId)
                .bindStaticText(view.bytes)
                .run()
            counts.add("ec2_instances")
            for tag in f.tags where tape.kind(tag.key) == .string || tape.kind(tag.key) == .escapedString {
                insertTag.bind(instanceId).bind(view, tag.key, emptyIsNull: false)
                if tape.kind(tag.value) == .string || tape.kind(tag.value) == .escapedString {
                    insertTag.bind(view, tag.value, emptyIsNull: false)
                } else {
                    insertTag.bind("")
                }
                try insertTag.run()
                counts.add("ec2_instance_tags")
            }
            for group in f.securityGroups where tape.isNonEmptyString(group.id) {
                try insertSecurityGroup.bind(instanceId).bind(view, group.id).bind(view, group.name, emptyIsNull: false).run()
                counts.add("ec2_instance_security_groups")
            }
            for interface in f.interfaces {
                try writeInterface(interface, view: view, instanceId: instanceId, counts: &counts)
            }
        }
        return warning
    }

    private func writeInterface(_ i: InstanceFields.Interface, view: JSONTape.StableBytes, instanceId: String,
                                counts: inout RowCounts) throws {
        let tape = view.tape
        guard let interfaceId = tape.nonEmptyString(i.id) else { return }
        try insertInterface
            .bind(interfaceId).bind(instanceId)
            .bind(i.deviceIndex).bind(view, i.attachmentId, emptyIsNull: false)
            .bind(view, i.status, emptyIsNull: false).bind(view, i.subnetId).bind(view, i.vpcId).bind(view, i.macAddress)
            .bind(view, i.privateIp).bind(view, i.publicIp).bind(view, i.ownerId).bind(view, i.description)
            .run()
        counts.add("ec2_network_interfaces")
        for address in i.addresses where tape.isNonEmptyString(address.ip) {
            try insertAddress
                .bind(interfaceId).bind(instanceId).bind("ipv4").bind(view, address.ip)
                .bind(address.primary).bind(view, address.publicIp).bind(view, address.dns)
                .run()
            counts.add("ec2_network_interface_ips")
        }
        for ip in i.ipv6Addresses where tape.isNonEmptyString(ip) {
            try insertAddress.bind(interfaceId).bind(instanceId).bind("ipv6").bind(view, ip).bind(false)
                .bind(nil as String?).bind(nil as String?).run()
            counts.add("ec2_network_interface_ips")
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
        var warnings: [String] = []
        for (place, snapshot) in state.snapshots.sorted(by: { $0.value.id < $1.value.id }) {
            if snapshot.hasLastPage && snapshot.replacesEarlierRows {
                try db.execute(sql: """
                    UPDATE ec2_instances SET is_current = 0
                    WHERE account_id = ? AND region = ? AND is_current = 1 AND snapshot_id != ?
                    """, arguments: [place.account, place.region, snapshot.id])
            } else if !snapshot.hasLastPage {
                let kept = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM ec2_instances WHERE account_id = ? AND region = ? AND is_current = 1 AND snapshot_id != ?
                    """, arguments: [place.account, place.region, snapshot.id]) ?? 0
                warnings.append("the describe-instances listing of \(place.account) \(place.region) is incomplete (every page has a NextToken): "
                                + "its \(snapshot.instanceIds.count) instances were added, and the \(kept) current instances it does not name were kept "
                                + "as current; import every page of the listing in one run to replace them")
            }
            try db.execute(sql: "UPDATE ec2_snapshots SET instance_count = ?, is_complete = ? WHERE snapshot_id = ?",
                           arguments: [snapshot.instanceIds.count, snapshot.hasLastPage, snapshot.id])
        }
        return warnings
    }
}
