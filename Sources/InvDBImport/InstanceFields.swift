import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// The tape nodes (indices) of the fields invdb stores for one instance, looked up and type-checked once.
///
/// The parsing thread fills this in, so the thread that writes to SQLite only binds values. A
/// field of the wrong type (an array where a string belongs, a number outside its range) is an
/// error naming the field, never a value treated as absent.
struct InstanceFields {
    struct Interface {
        var id: Int?
        /// The value of Attachment.DeviceIndex (range-checked), not a node.
        var deviceIndex: Int?
        var attachmentId: Int?
        var status: Int?
        var subnetId: Int?
        var vpcId: Int?
        var macAddress: Int?
        var privateIp: Int?
        var publicIp: Int?
        var ownerId: Int?
        var description: Int?
        var addresses: [(ip: Int?, primary: Bool, publicIp: Int?, dns: Int?)]
        var ipv6Addresses: [Int?]
    }

    var instanceId: Int?
    var stateName: Int?
    var stateReason: Int?
    var stateTransitionReason: Int?
    var availabilityZone: Int?
    var instanceType: Int?
    var imageId: Int?
    var vpcId: Int?
    var subnetId: Int?
    var privateIp: Int?
    var publicIp: Int?
    var privateDns: Int?
    var publicDns: Int?
    var launchTime: Int?
    var platform: Int?
    var platformDetails: Int?
    var architecture: Int?
    var keyName: Int?
    var httpTokens: Int?
    var httpEndpoint: Int?
    /// The value of MetadataOptions.HttpPutResponseHopLimit (range-checked), not a node.
    var hopLimit: Int?
    var profileArn: Int?
    var profileId: Int?
    var nameTagValue: Int?
    var tags: [(key: Int?, value: Int?)]
    var securityGroups: [(id: Int?, name: Int?)]
    var interfaces: [Interface]

    /// Looks up every field of the instance on `tape`.
    ///
    /// - Throws: `InputError` (at `location`) naming the first field whose type is wrong.
    init(_ tape: JSONTape, location: RecordLocation) throws {
        let reader = FieldReader(tape: tape, location: location)
        let root = tape.root
        guard tape.kind(root) == .object else { throw location.invalid("expected an instance object, found \(tape.kind(root)?.name ?? "nothing")") }
        instanceId = try reader.string(root, "InstanceId")
        let state = try reader.object(root, "State")
        stateName = try reader.string(state, "Name", path: "State")
        stateReason = try reader.string(try reader.object(root, "StateReason"), "Message", path: "StateReason")
        stateTransitionReason = try reader.string(root, "StateTransitionReason")
        availabilityZone = try reader.string(try reader.object(root, "Placement"), "AvailabilityZone", path: "Placement")
        instanceType = try reader.string(root, "InstanceType")
        imageId = try reader.string(root, "ImageId")
        vpcId = try reader.string(root, "VpcId")
        subnetId = try reader.string(root, "SubnetId")
        privateIp = try reader.string(root, "PrivateIpAddress")
        publicIp = try reader.string(root, "PublicIpAddress")
        privateDns = try reader.string(root, "PrivateDnsName")
        publicDns = try reader.string(root, "PublicDnsName")
        launchTime = try reader.string(root, "LaunchTime")
        platform = try reader.string(root, "Platform")
        platformDetails = try reader.string(root, "PlatformDetails")
        architecture = try reader.string(root, "Architecture")
        keyName = try reader.string(root, "KeyName")
        let metadata = try reader.object(root, "MetadataOptions")
        httpTokens = try reader.string(metadata, "HttpTokens", path: "MetadataOptions")
        httpEndpoint = try reader.string(metadata, "HttpEndpoint", path: "MetadataOptions")
        hopLimit = try reader.int(metadata, "HttpPutResponseHopLimit", path: "MetadataOptions", in: 0...64)
        let profile = try reader.object(root, "IamInstanceProfile")
        profileArn = try reader.string(profile, "Arn", path: "IamInstanceProfile")
        profileId = try reader.string(profile, "Id", path: "IamInstanceProfile")
        tags = try reader.objects(root, "Tags").map { tag, path in
            (try reader.string(tag, "Key", path: path), try reader.string(tag, "Value", path: path))
        }
        nameTagValue = tags.first { tape.string($0.key) == "Name" }?.value
        securityGroups = try reader.objects(root, "SecurityGroups").map { group, path in
            (try reader.string(group, "GroupId", path: path), try reader.string(group, "GroupName", path: path))
        }
        interfaces = try reader.objects(root, "NetworkInterfaces").map { node, path in
            let attachment = try reader.object(node, "Attachment", path: path)
            let association = try reader.object(node, "Association", path: path)
            return Interface(
                id: try reader.string(node, "NetworkInterfaceId", path: path),
                deviceIndex: try reader.int(attachment, "DeviceIndex", path: path + ".Attachment", in: 0...1024),
                attachmentId: try reader.string(attachment, "AttachmentId", path: path + ".Attachment"),
                status: try reader.string(node, "Status", path: path),
                subnetId: try reader.string(node, "SubnetId", path: path),
                vpcId: try reader.string(node, "VpcId", path: path),
                macAddress: try reader.string(node, "MacAddress", path: path),
                privateIp: try reader.string(node, "PrivateIpAddress", path: path),
                publicIp: try reader.string(association, "PublicIp", path: path + ".Association"),
                ownerId: try reader.string(node, "OwnerId", path: path),
                description: try reader.string(node, "Description", path: path),
                addresses: try reader.objects(node, "PrivateIpAddresses", path: path).map { address, addressPath in
                    let addressAssociation = try reader.object(address, "Association", path: addressPath)
                    return (try reader.string(address, "PrivateIpAddress", path: addressPath),
                            try reader.bool(address, "Primary", path: addressPath) ?? false,
                            try reader.string(addressAssociation, "PublicIp", path: addressPath + ".Association"),
                            try reader.string(address, "PrivateDnsName", path: addressPath))
                },
                ipv6Addresses: try reader.objects(node, "Ipv6Addresses", path: path).map { address, addressPath in
                    try reader.string(address, "Ipv6Address", path: addressPath)
                })
        }
    }
}

/// Looks up members of a tape and checks their JSON type, with errors that name the field by
/// its path inside the record (`NetworkInterfaces[0].Attachment.DeviceIndex`).
struct FieldReader {
    let tape: JSONTape
    let location: RecordLocation

    private func wrongType(_ path: String, _ key: String, expected: String, found: String) -> InputError {
        location.invalid("\(path.isEmpty ? key : path + "." + key) should be \(expected), found \(found)")
    }

    /// The string member `key`, or nil when absent or null.
    func string(_ parent: Int?, _ key: StaticString, path: String = "") throws -> Int? {
        guard let node = tape.member(parent, key) else { return nil }
        switch tape.nodes[node].kind {
        case .string, .escapedString: return node
        case .null: return nil
        case let kind: throw wrongType(path, "\(key)", expected: "a string", found: kind.name)
        }
    }

    /// The object member `key`, or nil when absent or null.
    func object(_ parent: Int?, _ key: StaticString, path: String = "") throws -> Int? {
        guard let node = tape.member(parent, key) else { return nil }
        switch tape.nodes[node].kind {
        case .object: return node
        case .null: return nil
        case let kind: throw wrongType(path, "\(key)", expected: "an object", found: kind.name)
        }
    }

    /// The boolean member `key`, or nil when absent or null.
    func bool(_ parent: Int?, _ key: StaticString, path: String = "") throws -> Bool? {
        guard let node = tape.member(parent, key) else { return nil }
        switch tape.nodes[node].kind {
        case .trueValue: return true
        case .falseValue: return false
        case .null: return nil
        case let kind: throw wrongType(path, "\(key)", expected: "true or false", found: kind.name)
        }
    }

    /// The integer member `key` within `range`, or nil when absent or null.
    func int(_ parent: Int?, _ key: StaticString, path: String = "", in range: ClosedRange<Int>) throws -> Int? {
        do {
            return try tape.int(tape.member(parent, key), in: range)
        } catch .wrongType(let found) {
            throw wrongType(path, "\(key)", expected: "an integer", found: found)
        } catch .outOfRange {
            throw location.invalid("\(path.isEmpty ? "\(key)" : path + ".\(key)") is out of range (expected \(range.lowerBound) to \(range.upperBound))")
        }
    }

    /// The elements of the array member `key`, each an object (with its path), or none when
    /// absent or null.
    func objects(_ parent: Int?, _ key: StaticString, path: String = "") throws -> [(Int, String)] {
        guard let node = tape.member(parent, key) else { return [] }
        let arrayPath = path.isEmpty ? "\(key)" : path + ".\(key)"
        switch tape.nodes[node].kind {
        case .array: break
        case .null: return []
        case let kind: throw location.invalid("\(arrayPath) should be an array, found \(kind.name)")
        }
        return try tape.elements(node).enumerated().map { index, element in
            guard tape.nodes[element].kind == .object else {
                throw location.invalid("\(arrayPath)[\(index)] should be an object, found \(tape.nodes[element].kind.name)")
            }
            return (element, "\(arrayPath)[\(index)]")
        }
    }
}
