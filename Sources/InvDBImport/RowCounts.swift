import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// The tables an import writes, as row counts name them (the raw value is the table's name).
public enum StoredTable: String, CaseIterable, Sendable, Comparable {
    case credentialFindings = "credential_findings"
    case credentialSources = "credential_sources"
    case ec2ElasticIps = "ec2_elastic_ips"
    case ec2InstanceProfileAssociations = "ec2_instance_profile_associations"
    case ec2InstanceSecurityGroups = "ec2_instance_security_groups"
    case ec2InstanceTags = "ec2_instance_tags"
    case ec2Instances = "ec2_instances"
    case ec2NatGatewayAddresses = "ec2_nat_gateway_addresses"
    case ec2NatGateways = "ec2_nat_gateways"
    case ec2NetworkInterfaceIps = "ec2_network_interface_ips"
    case ec2NetworkInterfaces = "ec2_network_interfaces"
    case ec2RouteTableAssociations = "ec2_route_table_associations"
    case ec2RouteTables = "ec2_route_tables"
    case ec2Routes = "ec2_routes"
    case ec2Snapshots = "ec2_snapshots"
    case ec2Subnets = "ec2_subnets"
    case ec2VpcEndpoints = "ec2_vpc_endpoints"
    case iamAccessKeys = "iam_access_keys"
    case iamCredentialReport = "iam_credential_report"
    case iamInstanceProfileRoles = "iam_instance_profile_roles"
    case iamInstanceProfiles = "iam_instance_profiles"
    case iamRolePolicies = "iam_role_policies"
    case iamRoles = "iam_roles"
    case iamUsers = "iam_users"
    case stsCallerIdentities = "sts_caller_identities"
    case cloudtrailCalls = "cloudtrail_calls"

    public static func < (lhs: StoredTable, rhs: StoredTable) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Rows stored per table while importing one file (or a whole run). Rows keyed by an identity
/// (an ARN, a key id) are counted once however often the input repeats them, so the summary says
/// what is stored, not how many times it was written.
public struct RowCounts: Sendable, Equatable {
    private var unkeyed: [StoredTable: Int] = [:]
    private var keyed: [StoredTable: Set<String>] = [:]

    public init() {}

    /// Counts `count` more rows stored in `table`.
    public mutating func add(_ table: StoredTable, _ count: Int = 1) {
        unkeyed[table, default: 0] += count
    }

    /// Counts the row of `table` whose identity is `key`, once.
    public mutating func add(_ table: StoredTable, key: String) {
        keyed[table, default: []].insert(key)
    }

    /// Adds every count of `other` (keyed rows are counted once over both).
    public mutating func merge(_ other: RowCounts) {
        for (table, count) in other.unkeyed { add(table, count) }
        for (table, keys) in other.keyed { keyed[table, default: []].formUnion(keys) }
    }

    /// Rows per table.
    public var byTable: [StoredTable: Int] {
        var counts = unkeyed
        for (table, keys) in keyed { counts[table, default: 0] += keys.count }
        return counts
    }

    /// The counts as a JSON object with sorted keys, for `imports.row_counts`.
    public var json: String {
        let counts = byTable
        return "{" + counts.keys.sorted().map { "\(JSONString.literal($0.rawValue)):\(counts[$0]!)" }.joined(separator: ",") + "}"
    }
}
