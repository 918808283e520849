/// The tape nodes of the fields invdb stores for one instance, looked up once.
///
/// The parsing thread fills this in, so the thread that writes to SQLite only binds values.
struct InstanceFields {
    struct Interface {
        var id: Int?
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
        var addresses: [(ip: Int?, primary: Int?, publicIp: Int?, dns: Int?)]
        var ipv6Addresses: [Int?]
    }

    var isObject: Bool
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
    var hopLimit: Int?
    var profileArn: Int?
    var profileId: Int?
    var nameTagValue: Int?
    var tags: [(key: Int?, value: Int?)]
    var securityGroups: [(id: Int?, name: Int?)]
    var interfaces: [Interface]

    init(_ tape: JSONTape) {
        let root = tape.root
        isObject = tape.kind(root) == .object
        instanceId = tape.member(root, "InstanceId")
        stateName = tape.member(root, "State", "Name")
        stateReason = tape.member(root, "StateReason", "Message")
        stateTransitionReason = tape.member(root, "StateTransitionReason")
        availabilityZone = tape.member(root, "Placement", "AvailabilityZone")
        instanceType = tape.member(root, "InstanceType")
        imageId = tape.member(root, "ImageId")
        vpcId = tape.member(root, "VpcId")
        subnetId = tape.member(root, "SubnetId")
        privateIp = tape.member(root, "PrivateIpAddress")
        publicIp = tape.member(root, "PublicIpAddress")
        privateDns = tape.member(root, "PrivateDnsName")
        publicDns = tape.member(root, "PublicDnsName")
        launchTime = tape.member(root, "LaunchTime")
        platform = tape.member(root, "Platform")
        platformDetails = tape.member(root, "PlatformDetails")
        architecture = tape.member(root, "Architecture")
        keyName = tape.member(root, "KeyName")
        let metadata = tape.member(root, "MetadataOptions")
        httpTokens = tape.member(metadata, "HttpTokens")
        httpEndpoint = tape.member(metadata, "HttpEndpoint")
        hopLimit = tape.member(metadata, "HttpPutResponseHopLimit")
        let profile = tape.member(root, "IamInstanceProfile")
        profileArn = tape.member(profile, "Arn")
        profileId = tape.member(profile, "Id")
        tags = tape.elements(tape.member(root, "Tags")).map { (tape.member($0, "Key"), tape.member($0, "Value")) }
        nameTagValue = tags.first { tape.string($0.key) == "Name" }?.value
        securityGroups = tape.elements(tape.member(root, "SecurityGroups")).map { (tape.member($0, "GroupId"), tape.member($0, "GroupName")) }
        interfaces = tape.elements(tape.member(root, "NetworkInterfaces")).map { node in
            let attachment = tape.member(node, "Attachment")
            return Interface(
                id: tape.member(node, "NetworkInterfaceId"),
                deviceIndex: tape.member(attachment, "DeviceIndex"),
                attachmentId: tape.member(attachment, "AttachmentId"),
                status: tape.member(node, "Status"),
                subnetId: tape.member(node, "SubnetId"),
                vpcId: tape.member(node, "VpcId"),
                macAddress: tape.member(node, "MacAddress"),
                privateIp: tape.member(node, "PrivateIpAddress"),
                publicIp: tape.member(node, "Association", "PublicIp"),
                ownerId: tape.member(node, "OwnerId"),
                description: tape.member(node, "Description"),
                addresses: tape.elements(tape.member(node, "PrivateIpAddresses")).map {
                    (tape.member($0, "PrivateIpAddress"), tape.member($0, "Primary"), tape.member($0, "Association", "PublicIp"),
                     tape.member($0, "PrivateDnsName"))
                },
                ipv6Addresses: tape.elements(tape.member(node, "Ipv6Addresses")).map { tape.member($0, "Ipv6Address") })
        }
    }
}
