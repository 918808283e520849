import GRDB
import InvDBJSON
import InvDBStore

/// The statements that write one instance and stage its child rows, with every column named: the
/// hot loop of an import binds a tape's bytes to them without copies (`BulkStatement`). Child rows
/// go to append-only staging tables and reach their tables sorted at the end of the run
/// (`EC2InventoryWriter.finishRun`).
extension BulkStatement {
    /// Binds the string at `index` of a tape whose bytes stay in place until the statement has
    /// run (see `JSONTape.withStableBytes`): plain strings without a copy. NULL when absent, not a
    /// string, or empty and `emptyIsNull`.
    func bind(_ parameter: Parameter, _ view: JSONTape.StableBytes, _ index: Int?, emptyIsNull: Bool = true) {
        let tape = view.tape
        guard let index, tape.kind(index) == .string || tape.kind(index) == .escapedString,
              !(emptyIsNull && !tape.isNonEmptyString(index)) else {
            return bindNull(parameter)
        }
        let node = tape.nodes[index]
        if node.kind == .string {
            bind(parameter, unownedText: UnsafeBufferPointer(rebasing: view.bytes[Int(node.start)..<Int(node.start + node.length)]))
        } else {
            bind(parameter, tape.string(index))
        }
    }
}

/// `INSERT OR REPLACE INTO ec2_instances`: one row per instance, its raw JSON included.
struct InstanceInsert {
    private let statement: BulkStatement
    private let instanceId, accountId, region, availabilityZone, reservationId, state, stateReason, instanceType, imageId, vpcId, subnetId,
                privateIp, publicIp, privateDns, publicDns, launchTime, platform, platformDetails, architecture, keyName, httpTokens,
                httpEndpoint, hopLimit, profileArn, profileId, name, snapshotId, importId, rawJSON: BulkStatement.Parameter

    init(_ db: Database) throws {
        let columns = ["instance_id", "account_id", "region", "availability_zone", "reservation_id", "state", "state_reason", "instance_type",
                       "image_id", "vpc_id", "subnet_id", "private_ip", "public_ip", "private_dns", "public_dns", "launch_time", "platform",
                       "platform_details", "architecture", "key_name", "metadata_http_tokens", "metadata_http_endpoint", "metadata_hop_limit",
                       "iam_instance_profile_arn", "iam_instance_profile_id", "name", "snapshot_id", "import_id", "raw_json"]
        statement = try BulkStatement(db, sql: "INSERT OR REPLACE INTO ec2_instances(" + columns.joined(separator: ", ") + ", is_current) VALUES ("
                                          + columns.map { ":" + $0 }.joined(separator: ", ") + ", 1)")
        let s = statement
        (instanceId, accountId, region, availabilityZone, reservationId, state, stateReason) =
            (try s.parameter("instance_id"), try s.parameter("account_id"), try s.parameter("region"), try s.parameter("availability_zone"),
             try s.parameter("reservation_id"), try s.parameter("state"), try s.parameter("state_reason"))
        (instanceType, imageId, vpcId, subnetId, privateIp, publicIp, privateDns, publicDns) =
            (try s.parameter("instance_type"), try s.parameter("image_id"), try s.parameter("vpc_id"), try s.parameter("subnet_id"),
             try s.parameter("private_ip"), try s.parameter("public_ip"), try s.parameter("private_dns"), try s.parameter("public_dns"))
        (launchTime, platform, platformDetails, architecture, keyName, httpTokens, httpEndpoint, hopLimit) =
            (try s.parameter("launch_time"), try s.parameter("platform"), try s.parameter("platform_details"), try s.parameter("architecture"),
             try s.parameter("key_name"), try s.parameter("metadata_http_tokens"), try s.parameter("metadata_http_endpoint"),
             try s.parameter("metadata_hop_limit"))
        (profileArn, profileId, name, snapshotId, importId, rawJSON) =
            (try s.parameter("iam_instance_profile_arn"), try s.parameter("iam_instance_profile_id"), try s.parameter("name"),
             try s.parameter("snapshot_id"), try s.parameter("import_id"), try s.parameter("raw_json"))
    }

    func write(_ view: JSONTape.StableBytes, _ f: InstanceFields, instanceId id: String, account: String, region placeRegion: String,
               zone: String?, reservationId reservation: String?, snapshotId snapshot: Int, importId file: Int) throws {
        let s = statement
        let tape = view.tape
        s.bind(instanceId, id)
        s.bind(accountId, account)
        s.bind(region, placeRegion)
        s.bind(availabilityZone, zone)
        s.bind(reservationId, reservation)
        s.bind(state, view, f.stateName)
        s.bind(stateReason, view, tape.isNonEmptyString(f.stateReason) ? f.stateReason : f.stateTransitionReason)
        s.bind(instanceType, view, f.instanceType)
        s.bind(imageId, view, f.imageId)
        s.bind(vpcId, view, f.vpcId)
        s.bind(subnetId, view, f.subnetId)
        s.bind(privateIp, view, f.privateIp)
        s.bind(publicIp, view, f.publicIp)
        s.bind(privateDns, view, f.privateDns)
        s.bind(publicDns, view, f.publicDns)
        s.bind(launchTime, view, f.launchTime)
        s.bind(platform, view, f.platform)
        s.bind(platformDetails, view, f.platformDetails)
        s.bind(architecture, view, f.architecture)
        s.bind(keyName, view, f.keyName)
        s.bind(httpTokens, view, f.httpTokens)
        s.bind(httpEndpoint, view, f.httpEndpoint)
        s.bind(hopLimit, f.hopLimit)
        s.bind(profileArn, view, f.profileArn)
        s.bind(profileId, view, f.profileId)
        s.bind(name, view, f.nameTagValue, emptyIsNull: false)
        s.bind(snapshotId, snapshot)
        s.bind(importId, file)
        s.bind(rawJSON, unownedText: view.bytes)
        try s.execute()
    }
}

/// A child row of two strings (a tag's key and value, a security group's id and name).
struct ChildInsert {
    private let statement: BulkStatement
    private let instanceId, first, second, sequence: BulkStatement.Parameter

    /// Stages rows of `table` (`temp.staged_<table>`); `columns` names the instance id column
    /// and the two values.
    init(_ db: Database, table: String, columns: (String, String, String)) throws {
        statement = try BulkStatement(db, sql: """
            INSERT INTO temp.staged_\(table)(\(columns.0), \(columns.1), \(columns.2), seq) VALUES (:instance_id, :first, :second, :seq)
            """)
        (instanceId, first, second, sequence) = (try statement.parameter("instance_id"), try statement.parameter("first"),
                                                 try statement.parameter("second"), try statement.parameter("seq"))
    }

    /// Writes the row; a second value that is absent or not a string is stored as `""` when
    /// `emptySecondIsText` (tags and group names are never NULL).
    func write(_ view: JSONTape.StableBytes, instanceId id: String, sequence seq: Int, first firstNode: Int?, second secondNode: Int?,
               emptySecondIsText: Bool) throws {
        statement.bind(instanceId, id)
        statement.bind(sequence, seq)
        statement.bind(first, view, firstNode, emptyIsNull: false)
        let tape = view.tape
        if tape.kind(secondNode) == .string || tape.kind(secondNode) == .escapedString {
            statement.bind(second, view, secondNode, emptyIsNull: false)
        } else if emptySecondIsText {
            statement.bind(second, "")
        } else {
            statement.bindNull(second)
        }
        try statement.execute()
    }
}

/// Stages a row of `ec2_network_interfaces`.
struct InterfaceInsert {
    private let statement: BulkStatement
    private let interfaceId, instanceId, deviceIndex, attachmentId, status, subnetId, vpcId, macAddress, privateIp, publicIp, ownerId,
                description, sequence: BulkStatement.Parameter

    init(_ db: Database) throws {
        statement = try BulkStatement(db, sql: """
            INSERT INTO temp.staged_ec2_network_interfaces(network_interface_id, instance_id, device_index, attachment_id, status,
                subnet_id, vpc_id, mac_address, private_ip, public_ip, owner_id, description, seq)
            VALUES (:network_interface_id, :instance_id, :device_index, :attachment_id, :status, :subnet_id, :vpc_id, :mac_address,
                :private_ip, :public_ip, :owner_id, :description, :seq)
            """)
        let s = statement
        sequence = try s.parameter("seq")
        (interfaceId, instanceId, deviceIndex, attachmentId, status, subnetId) =
            (try s.parameter("network_interface_id"), try s.parameter("instance_id"), try s.parameter("device_index"),
             try s.parameter("attachment_id"), try s.parameter("status"), try s.parameter("subnet_id"))
        (vpcId, macAddress, privateIp, publicIp, ownerId, description) =
            (try s.parameter("vpc_id"), try s.parameter("mac_address"), try s.parameter("private_ip"), try s.parameter("public_ip"),
             try s.parameter("owner_id"), try s.parameter("description"))
    }

    func write(_ view: JSONTape.StableBytes, _ i: InstanceFields.Interface, instanceId id: String, sequence seq: Int) throws {
        let s = statement
        s.bind(sequence, seq)
        s.bind(interfaceId, view, i.id)
        s.bind(instanceId, id)
        s.bind(deviceIndex, i.deviceIndex)
        s.bind(attachmentId, view, i.attachmentId, emptyIsNull: false)
        s.bind(status, view, i.status, emptyIsNull: false)
        s.bind(subnetId, view, i.subnetId)
        s.bind(vpcId, view, i.vpcId)
        s.bind(macAddress, view, i.macAddress)
        s.bind(privateIp, view, i.privateIp)
        s.bind(publicIp, view, i.publicIp)
        s.bind(ownerId, view, i.ownerId)
        s.bind(description, view, i.description)
        try s.execute()
    }
}

/// Stages a row of `ec2_network_interface_ips`.
struct AddressInsert {
    private let statement: BulkStatement
    private let interfaceId, instanceId, family, address, isPrimary, publicIp, privateDns, sequence: BulkStatement.Parameter

    init(_ db: Database) throws {
        statement = try BulkStatement(db, sql: """
            INSERT INTO temp.staged_ec2_network_interface_ips(network_interface_id, instance_id, family, address, is_primary, public_ip,
                private_dns, seq)
            VALUES (:network_interface_id, :instance_id, :family, :address, :is_primary, :public_ip, :private_dns, :seq)
            """)
        let s = statement
        sequence = try s.parameter("seq")
        (interfaceId, instanceId, family, address, isPrimary, publicIp, privateDns) =
            (try s.parameter("network_interface_id"), try s.parameter("instance_id"), try s.parameter("family"), try s.parameter("address"),
             try s.parameter("is_primary"), try s.parameter("public_ip"), try s.parameter("private_dns"))
    }

    func write(_ view: JSONTape.StableBytes, interfaceId interface: Int?, instanceId id: String, sequence seq: Int, family ipFamily: String,
               address ip: Int?, isPrimary primary: Bool, publicIp publicNode: Int?, dns: Int?) throws {
        let s = statement
        s.bind(sequence, seq)
        s.bind(interfaceId, view, interface)
        s.bind(instanceId, id)
        s.bind(family, ipFamily)
        s.bind(address, view, ip)
        s.bind(isPrimary, primary)
        s.bind(publicIp, view, publicNode)
        s.bind(privateDns, view, dns)
        try s.execute()
    }
}
