import InvDBCore
import InvDBJSON

/// What invdb keeps of one CloudTrail record: who called (the key, the principal), from where
/// (the source address, a VPC endpoint), when, and whether the call failed. Request and response
/// parameters, which can hold personal data, are never read.
struct CloudTrailRecord {
    /// Not read (records are told apart by `eventKey`).
    var eventId: String?
    /// `eventTime`, `YYYY-MM-DDTHH:MM:SSZ`.
    var eventTime: String
    var awsRegion: String?
    var recipientAccountId: String?
    var eventSource: String?
    var eventName: String?
    var failed: Bool
    var sourceAddress: String?
    var userAgent: String?
    var vpcEndpointId: String?
    var identityType: String?
    var accessKeyId: String?
    var principalArn: String?
    var userName: String?
    var roleArn: String?
    var ec2RoleDelivery: String?
    /// The instance a role session is named after (`assumed-role/<role>/i-…`, not the EC2
    /// identity role `aws:ec2-instance` the SSM agent uses); set by `read`.
    private(set) var sessionInstance: String?

    /// A record the checks use: a long-term key (`AKIA…`, an IAM user's or the root's), or a
    /// role session named after an instance (`assumed-role/<role>/i-…`, not the EC2 identity
    /// role `aws:ec2-instance` the SSM agent uses).
    var isKept: Bool {
        if let accessKeyId, accessKeyId.hasPrefix("AKIA") { return true }
        return sessionInstance != nil
    }

    private static func sessionInstance(identityType: String?, principalArn: String?) -> String? {
        guard identityType == "AssumedRole", let principalArn, principalArn.hasPrefix("arn:"),
              principalArn.utf8.count < 2048 else { return nil }
        let parts = principalArn.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts[0].hasSuffix(":assumed-role"), parts[parts.count - 2] != "aws:ec2-instance" else { return nil }
        let session = String(parts[parts.count - 1])
        return InstanceId.isValid(session) ? session : nil
    }

    /// Reads a record from a tape; nil (with the reason) when it lacks what every record has.
    /// Only the fields every record is counted by are decoded for a record the checks do not
    /// keep (most of a trail: services, console sessions, other roles).
    static func read(_ tape: JSONTape, at root: Int) -> Result<CloudTrailRecord, RecordProblem> {
        guard tape.kind(root) == .object else { return .failure(.notAnObject) }
        guard let time = tape.string(tape.member(root, "eventTime")), isEventTime(time) else { return .failure(.eventTime) }
        let identity = tape.member(root, "userIdentity")
        func text(_ index: Int?) -> String? { tape.nonEmptyString(index) }
        let identityType = text(tape.member(identity, "type"))
        let accessKeyId = text(tape.member(identity, "accessKeyId"))
        var record = CloudTrailRecord(
            eventId: nil, eventTime: time, awsRegion: text(tape.member(root, "awsRegion")),
            recipientAccountId: text(tape.member(root, "recipientAccountId")), eventSource: nil, eventName: nil, failed: false,
            sourceAddress: nil, userAgent: nil, vpcEndpointId: nil, identityType: identityType, accessKeyId: accessKeyId,
            principalArn: identityType == "AssumedRole" ? text(tape.member(identity, "arn")) : nil,
            userName: nil, roleArn: nil, ec2RoleDelivery: nil)
        record.sessionInstance = sessionInstance(identityType: identityType, principalArn: record.principalArn)
        guard record.isKept else { return .success(record) }
        let context = tape.member(identity, "sessionContext")
        record.principalArn = text(tape.member(identity, "arn"))
        record.eventSource = text(tape.member(root, "eventSource"))
        record.eventName = text(tape.member(root, "eventName"))
        record.failed = tape.member(root, "errorCode").map { tape.kind($0) != .null } ?? false
        record.sourceAddress = text(tape.member(root, "sourceIPAddress"))
        record.userAgent = text(tape.member(root, "userAgent"))
        record.vpcEndpointId = text(tape.member(root, "vpcEndpointId"))
        record.userName = text(tape.member(identity, "userName"))
        record.roleArn = text(tape.member(tape.member(context, "sessionIssuer"), "arn"))
        record.ec2RoleDelivery = text(tape.member(context, "ec2RoleDelivery"))
        return .success(record)
    }

    /// A 64-bit hash of the record's `eventID` (FNV-1a over its bytes as written), nil when the
    /// record has none: the key of the run's set of records seen.
    static func eventKey(_ tape: JSONTape, at root: Int) -> UInt64? {
        guard let index = tape.member(root, "eventID") else { return nil }
        let node = tape.nodes[index]
        guard node.kind == .string || node.kind == .escapedString, node.length > 0 else { return nil }
        return tape.bytes.withUnsafeBufferPointer { bytes in
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in UnsafeBufferPointer(rebasing: bytes[Int(node.start)..<Int(node.start + node.length)]) {
                hash ^= UInt64(byte)
                hash &*= 0x100_0000_01b3
            }
            return hash
        }
    }

    /// Why a record was not read.
    enum RecordProblem: Error {
        case notAnObject, eventTime

        var message: String {
            switch self {
            case .notAnObject: return "not a JSON object"
            case .eventTime: return "no eventTime of the form YYYY-MM-DDTHH:MM:SSZ"
            }
        }
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, digits where digits go.
    static func isEventTime(_ text: String) -> Bool {
        isEventTime(Array(text.utf8))
    }

    static func isEventTime<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard bytes.count == 20 else { return false }
        for (index, byte) in bytes.enumerated() {
            switch index {
            case 4, 7: guard byte == UInt8(ascii: "-") else { return false }
            case 10: guard byte == UInt8(ascii: "T") else { return false }
            case 13, 16: guard byte == UInt8(ascii: ":") else { return false }
            case 19: guard byte == UInt8(ascii: "Z") else { return false }
            default: guard byte >= 48 && byte <= 57 else { return false }
            }
        }
        return true
    }
}
