import GRDB

/// Writes EC2 instances and their child rows, and keeps the snapshot rule: all describe-instances
/// data for one account and region in one run is one snapshot, which replaces the previous one.
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
    private let retirePlace: PreparedStatement
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
        retirePlace = try PreparedStatement(db, "UPDATE ec2_instances SET is_current = 0 WHERE account_id = ? AND region = ? AND is_current = 1")
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

    /// The snapshot of `place` in this run, taken (and the place's earlier instances retired
    /// from "current") the first time the place is seen.
    func snapshot(for place: Place, counts: inout RowCounts) throws -> Int {
        if let existing = state.snapshots[place] { return existing.id }
        try insertSnapshot.bind(runId).bind(place.account).bind(place.region).run()
        let id = Int(db.lastInsertedRowID)
        counts.add("ec2_snapshots")
        let hadRows = try placeHasRows.bind(place.account).bind(place.region).fetchInt() == 1
        if hadRows {
            try retirePlace.bind(place.account).bind(place.region).run()
        }
        state.snapshots[place] = Snapshot(id: id, replacesEarlierRows: hadRows)
        return id
    }

    /// Writes one instance (and its tags, interfaces, addresses and groups) into the snapshot of
    /// its account and region. Returns a warning when the run already held this instance.
    func write(instance tape: JSONTape, fields f: InstanceFields, account: String, reservationId: String?,
               regionFallback: String?, importId: Int, location: RecordLocation,
               counts: inout RowCounts) throws -> String? {
        guard f.isObject else { throw location.invalid("expected an instance object") }
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
                .bind(view, f.keyName).bind(view, f.httpTokens).bind(view, f.httpEndpoint).bindInt(view, f.hopLimit)
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
            .bindInt(view, i.deviceIndex).bind(view, i.attachmentId, emptyIsNull: false)
            .bind(view, i.status, emptyIsNull: false).bind(view, i.subnetId).bind(view, i.vpcId).bind(view, i.macAddress)
            .bind(view, i.privateIp).bind(view, i.publicIp).bind(view, i.ownerId).bind(view, i.description)
            .run()
        counts.add("ec2_network_interfaces")
        for address in i.addresses where tape.isNonEmptyString(address.ip) {
            try insertAddress
                .bind(interfaceId).bind(instanceId).bind("ipv4").bind(view, address.ip)
                .bind(tape.bool(address.primary) ?? false).bind(view, address.publicIp).bind(view, address.dns)
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

    /// Stores each snapshot's instance count. Call once, at the end of the run.
    func finishRun() throws {
        for snapshot in state.snapshots.values {
            try db.execute(sql: "UPDATE ec2_snapshots SET instance_count = ? WHERE snapshot_id = ?",
                           arguments: [snapshot.instanceIds.count, snapshot.id])
        }
    }
}
