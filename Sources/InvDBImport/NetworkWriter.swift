import GRDB
import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Writes the EC2 network listings: Elastic IPs, NAT gateways, route tables, subnets and VPC
/// endpoints (migration 0010).
///
/// A listed object replaces what was known about it: its row is updated by id, and the child
/// rows of a NAT gateway (its addresses) or a route table (its associations and routes) are
/// deleted and written again. Only the account and region, which a listing may not name (they
/// come from `--account` and `--region` there), keep their known value when a later import
/// does not say them. Each record is read whole and checked before anything of it is
/// written; a malformed record is an `InputError` naming its JSON path (the file's savepoint then
/// rolls back whatever the file wrote). `""` is stored as NULL.
final class NetworkWriter {
    private let db: Database

    init(db: Database) {
        self.db = db
    }

    // MARK: - SQL

    /// The `DO UPDATE` assignments of the account and region: kept when the new row has none.
    private static let keepPlace = "account_id = coalesce(excluded.account_id, account_id), region = coalesce(excluded.region, region)"

    private static let upsertElasticIp = """
        INSERT INTO ec2_elastic_ips(public_ip, allocation_id, association_id, instance_id, network_interface_id, private_ip, domain,
            account_id, region, import_id)
        VALUES (:public_ip, :allocation_id, :association_id, :instance_id, :network_interface_id, :private_ip, :domain,
            :account_id, :region, :import_id)
        ON CONFLICT(public_ip) DO UPDATE SET allocation_id = excluded.allocation_id, association_id = excluded.association_id,
            instance_id = excluded.instance_id, network_interface_id = excluded.network_interface_id, private_ip = excluded.private_ip,
            domain = excluded.domain, \(keepPlace), import_id = excluded.import_id
        """
    private static let upsertNatGateway = """
        INSERT INTO ec2_nat_gateways(nat_gateway_id, vpc_id, subnet_id, state, connectivity_type, account_id, region, import_id)
        VALUES (:nat_gateway_id, :vpc_id, :subnet_id, :state, :connectivity_type, :account_id, :region, :import_id)
        ON CONFLICT(nat_gateway_id) DO UPDATE SET vpc_id = excluded.vpc_id, subnet_id = excluded.subnet_id, state = excluded.state,
            connectivity_type = excluded.connectivity_type, \(keepPlace), import_id = excluded.import_id
        """
    private static let insertNatGatewayAddress = """
        INSERT INTO ec2_nat_gateway_addresses(nat_gateway_id, public_ip, private_ip, allocation_id, network_interface_id)
        VALUES (:nat_gateway_id, :public_ip, :private_ip, :allocation_id, :network_interface_id)
        """
    private static let upsertSubnet = """
        INSERT INTO ec2_subnets(subnet_id, vpc_id, cidr_block, availability_zone, account_id, region, import_id)
        VALUES (:subnet_id, :vpc_id, :cidr_block, :availability_zone, :account_id, :region, :import_id)
        ON CONFLICT(subnet_id) DO UPDATE SET vpc_id = excluded.vpc_id, cidr_block = excluded.cidr_block,
            availability_zone = excluded.availability_zone, \(keepPlace), import_id = excluded.import_id
        """
    private static let upsertRouteTable = """
        INSERT INTO ec2_route_tables(route_table_id, vpc_id, account_id, region, import_id)
        VALUES (:route_table_id, :vpc_id, :account_id, :region, :import_id)
        ON CONFLICT(route_table_id) DO UPDATE SET vpc_id = excluded.vpc_id, \(keepPlace), import_id = excluded.import_id
        """
    private static let insertAssociation = """
        INSERT INTO ec2_route_table_associations(route_table_id, association_id, subnet_id, is_main, state)
        VALUES (:route_table_id, :association_id, :subnet_id, :is_main, :state)
        """
    private static let insertRoute = """
        INSERT INTO ec2_routes(route_table_id, destination, gateway_id, nat_gateway_id, network_interface_id, transit_gateway_id,
            vpc_peering_connection_id, state)
        VALUES (:route_table_id, :destination, :gateway_id, :nat_gateway_id, :network_interface_id, :transit_gateway_id,
            :vpc_peering_connection_id, :state)
        """
    private static let upsertVpcEndpoint = """
        INSERT INTO ec2_vpc_endpoints(vpc_endpoint_id, vpc_endpoint_type, service_name, vpc_id, state, account_id, region, import_id)
        VALUES (:vpc_endpoint_id, :vpc_endpoint_type, :service_name, :vpc_id, :state, :account_id, :region, :import_id)
        ON CONFLICT(vpc_endpoint_id) DO UPDATE SET vpc_endpoint_type = excluded.vpc_endpoint_type, service_name = excluded.service_name,
            vpc_id = excluded.vpc_id, state = excluded.state, \(keepPlace), import_id = excluded.import_id
        """

    // MARK: - Listings

    /// Writes an `Addresses[]` entry of describe-addresses (an Elastic IP), keyed by `PublicIp`.
    /// The account is the interface owner's when the address is associated, else `--account`.
    func writeAddress(_ address: JSONValue, location: RecordLocation, file: FileImport) throws {
        try location.requireObject(address, "an address")
        let publicIp = try location.requiredString(address, "PublicIp")
        let account = try location.nonEmptyString(address, "NetworkInterfaceOwnerId") ?? file.run.options.account
        let region = file.run.options.region
        try db.cachedStatement(sql: Self.upsertElasticIp).execute(arguments: [
            "public_ip": publicIp, "allocation_id": try location.nonEmptyString(address, "AllocationId"),
            "association_id": try location.nonEmptyString(address, "AssociationId"),
            "instance_id": try location.nonEmptyString(address, "InstanceId"),
            "network_interface_id": try location.nonEmptyString(address, "NetworkInterfaceId"),
            "private_ip": try location.nonEmptyString(address, "PrivateIpAddress"), "domain": try location.nonEmptyString(address, "Domain"),
            "account_id": account, "region": region, "import_id": file.importId,
        ])
        file.counts.add(.ec2ElasticIps, key: publicIp)
        file.noteOrigin(account: account, region: region)
    }

    /// Writes a `NatGateways[]` entry of describe-nat-gateways and replaces its addresses. The
    /// listing names no account: it is `--account`.
    func writeNatGateway(_ gateway: JSONValue, location: RecordLocation, file: FileImport) throws {
        try location.requireObject(gateway, "a NAT gateway")
        let id = try location.requiredString(gateway, "NatGatewayId")
        var addresses: [StatementArguments] = []
        for (index, address) in try location.optionalArray(gateway, "NatGatewayAddresses").enumerated() {
            let at = location.appending(".NatGatewayAddresses[\(index)]")
            try at.requireObject(address, "a NAT gateway address")
            addresses.append([
                "nat_gateway_id": id, "public_ip": try at.nonEmptyString(address, "PublicIp"),
                "private_ip": try at.nonEmptyString(address, "PrivateIp"), "allocation_id": try at.nonEmptyString(address, "AllocationId"),
                "network_interface_id": try at.nonEmptyString(address, "NetworkInterfaceId"),
            ])
        }
        let account = file.run.options.account
        let region = file.run.options.region
        try db.cachedStatement(sql: Self.upsertNatGateway).execute(arguments: [
            "nat_gateway_id": id, "vpc_id": try location.nonEmptyString(gateway, "VpcId"),
            "subnet_id": try location.nonEmptyString(gateway, "SubnetId"), "state": try location.nonEmptyString(gateway, "State"),
            "connectivity_type": try location.nonEmptyString(gateway, "ConnectivityType"),
            "account_id": account, "region": region, "import_id": file.importId,
        ])
        file.counts.add(.ec2NatGateways, key: id)
        try db.cachedStatement(sql: "DELETE FROM ec2_nat_gateway_addresses WHERE nat_gateway_id = :nat_gateway_id")
            .execute(arguments: ["nat_gateway_id": id])
        for (index, arguments) in addresses.enumerated() {
            try db.cachedStatement(sql: Self.insertNatGatewayAddress).execute(arguments: arguments)
            file.counts.add(.ec2NatGatewayAddresses, key: "\(id) \(index)")
        }
        file.noteOrigin(account: account, region: region)
    }

    /// Writes a `Subnets[]` entry of describe-subnets. Account from `OwnerId`, else the
    /// `SubnetArn`, else `--account`; region from `AvailabilityZone`, else `--region`.
    func writeSubnet(_ subnet: JSONValue, location: RecordLocation, file: FileImport) throws {
        try location.requireObject(subnet, "a subnet")
        let id = try location.requiredString(subnet, "SubnetId")
        let arn = try location.nonEmptyString(subnet, "SubnetArn").flatMap(ARN.init)
        let account = try location.nonEmptyString(subnet, "OwnerId") ?? arn.flatMap { $0.account.isEmpty ? nil : $0.account }
            ?? file.run.options.account
        let zone = try location.nonEmptyString(subnet, "AvailabilityZone")
        let region = zone.flatMap(AWSRegion.fromAvailabilityZone) ?? file.run.options.region
        try db.cachedStatement(sql: Self.upsertSubnet).execute(arguments: [
            "subnet_id": id, "vpc_id": try location.nonEmptyString(subnet, "VpcId"),
            "cidr_block": try location.nonEmptyString(subnet, "CidrBlock"), "availability_zone": zone,
            "account_id": account, "region": region, "import_id": file.importId,
        ])
        file.counts.add(.ec2Subnets, key: id)
        file.noteOrigin(account: account, region: region)
    }

    /// Writes a `RouteTables[]` entry of describe-route-tables and replaces its associations and
    /// routes. A route needs a destination (`DestinationCidrBlock`, `DestinationIpv6CidrBlock` or
    /// `DestinationPrefixListId`, taken in that order).
    func writeRouteTable(_ table: JSONValue, location: RecordLocation, file: FileImport) throws {
        try location.requireObject(table, "a route table")
        let id = try location.requiredString(table, "RouteTableId")
        var associations: [StatementArguments] = []
        for (index, association) in try location.optionalArray(table, "Associations").enumerated() {
            let at = location.appending(".Associations[\(index)]")
            try at.requireObject(association, "a route table association")
            let state = try at.optionalObject(association, "AssociationState")
            associations.append([
                "route_table_id": id, "association_id": try at.nonEmptyString(association, "RouteTableAssociationId"),
                "subnet_id": try at.nonEmptyString(association, "SubnetId"), "is_main": try at.optionalBool(association, "Main") ?? false,
                "state": try state.flatMap { try at.appending(".AssociationState").nonEmptyString($0, "State") },
            ])
        }
        var routes: [StatementArguments] = []
        for (index, route) in try location.optionalArray(table, "Routes").enumerated() {
            let at = location.appending(".Routes[\(index)]")
            try at.requireObject(route, "a route")
            guard let destination = try at.nonEmptyString(route, "DestinationCidrBlock") ?? at.nonEmptyString(route, "DestinationIpv6CidrBlock")
                    ?? at.nonEmptyString(route, "DestinationPrefixListId") else {
                throw at.invalid("the route has no destination (DestinationCidrBlock, DestinationIpv6CidrBlock or DestinationPrefixListId)")
            }
            routes.append([
                "route_table_id": id, "destination": destination, "gateway_id": try at.nonEmptyString(route, "GatewayId"),
                "nat_gateway_id": try at.nonEmptyString(route, "NatGatewayId"),
                "network_interface_id": try at.nonEmptyString(route, "NetworkInterfaceId"),
                "transit_gateway_id": try at.nonEmptyString(route, "TransitGatewayId"),
                "vpc_peering_connection_id": try at.nonEmptyString(route, "VpcPeeringConnectionId"),
                "state": try at.nonEmptyString(route, "State"),
            ])
        }
        let account = try location.nonEmptyString(table, "OwnerId") ?? file.run.options.account
        let region = file.run.options.region
        try db.cachedStatement(sql: Self.upsertRouteTable).execute(arguments: [
            "route_table_id": id, "vpc_id": try location.nonEmptyString(table, "VpcId"),
            "account_id": account, "region": region, "import_id": file.importId,
        ])
        file.counts.add(.ec2RouteTables, key: id)
        try db.cachedStatement(sql: "DELETE FROM ec2_route_table_associations WHERE route_table_id = :route_table_id")
            .execute(arguments: ["route_table_id": id])
        try db.cachedStatement(sql: "DELETE FROM ec2_routes WHERE route_table_id = :route_table_id")
            .execute(arguments: ["route_table_id": id])
        for (index, arguments) in associations.enumerated() {
            try db.cachedStatement(sql: Self.insertAssociation).execute(arguments: arguments)
            file.counts.add(.ec2RouteTableAssociations, key: "\(id) \(index)")
        }
        for (index, arguments) in routes.enumerated() {
            try db.cachedStatement(sql: Self.insertRoute).execute(arguments: arguments)
            file.counts.add(.ec2Routes, key: "\(id) \(index)")
        }
        file.noteOrigin(account: account, region: region)
    }

    /// Writes a `VpcEndpoints[]` entry of describe-vpc-endpoints. Account from `OwnerId`, else
    /// `--account`.
    func writeVpcEndpoint(_ endpoint: JSONValue, location: RecordLocation, file: FileImport) throws {
        try location.requireObject(endpoint, "a VPC endpoint")
        let id = try location.requiredString(endpoint, "VpcEndpointId")
        let account = try location.nonEmptyString(endpoint, "OwnerId") ?? file.run.options.account
        let region = file.run.options.region
        try db.cachedStatement(sql: Self.upsertVpcEndpoint).execute(arguments: [
            "vpc_endpoint_id": id, "vpc_endpoint_type": try location.nonEmptyString(endpoint, "VpcEndpointType"),
            "service_name": try location.nonEmptyString(endpoint, "ServiceName"), "vpc_id": try location.nonEmptyString(endpoint, "VpcId"),
            "state": try location.nonEmptyString(endpoint, "State"), "account_id": account, "region": region, "import_id": file.importId,
        ])
        file.counts.add(.ec2VpcEndpoints, key: id)
        file.noteOrigin(account: account, region: region)
    }
}

extension RecordLocation {
    /// Checks that `record` is an object (`what` names it in the error, e.g. "a subnet").
    func requireObject(_ record: JSONValue, _ what: String) throws {
        guard case .object = record else { throw invalid("expected \(what) (an object), found \(record.kindName)") }
    }

    /// The string member `key` of `record`, nil when absent, null or `""` (moto prints
    /// `"InstanceId": ""` where AWS leaves the member out).
    ///
    /// - Throws: `InputError` when it is there with another type.
    func nonEmptyString(_ record: JSONValue, _ key: String) throws -> String? {
        guard let text = try optionalString(record, key), !text.isEmpty else { return nil }
        return text
    }

    /// The boolean member `key` of `record`, nil when absent or null.
    ///
    /// - Throws: `InputError` when it is there with another type.
    func optionalBool(_ record: JSONValue, _ key: String) throws -> Bool? {
        guard let value = record[key], value != .null else { return nil }
        guard let flag = value.bool else { throw invalid("\(key) should be a boolean, found \(value.kindName)") }
        return flag
    }
}
