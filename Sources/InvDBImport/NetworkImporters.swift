import InvDBCore
import InvDBDetect
import InvDBJSON
import InvDBStore

/// Imports one of the EC2 network listings: the array member `member` is read element by element
/// (each element whole, strings scrubbed as they are read) and handed to `write`; every other
/// member (`NextToken`) is skipped. Pages of a listing simply add to (or update) what is known.
class NetworkListingImporter: DocumentImporter {
    /// The top-level member holding the listing, e.g. `Subnets`.
    let member: String
    private let write: (NetworkWriter) -> (JSONValue, RecordLocation, FileImport) throws -> Void
    private var writer: NetworkWriter?

    init(member: String, write: @escaping (NetworkWriter) -> (JSONValue, RecordLocation, FileImport) throws -> Void) {
        self.member = member
        self.write = write
    }

    func readMember(_ key: String, reader: JSONStreamReader, file: FileImport) throws {
        guard key == member else {
            try reader.skipValue()
            return
        }
        let writer = self.writer ?? NetworkWriter(db: file.run.db)
        self.writer = writer
        let write = self.write(writer)
        try file.forEachElement(of: reader, path: "$.\(member)") { record, location in
            try write(record, location, file)
        }
    }

    func finish(file: FileImport) throws {}
}

/// Imports `aws ec2 describe-addresses` output (`Addresses[]`) into `ec2_elastic_ips`.
final class AddressesImporter: NetworkListingImporter {
    init() { super.init(member: "Addresses", write: NetworkWriter.writeAddress) }
}

/// Imports `aws ec2 describe-nat-gateways` output (`NatGateways[]`) into `ec2_nat_gateways` and
/// `ec2_nat_gateway_addresses`.
final class NatGatewaysImporter: NetworkListingImporter {
    init() { super.init(member: "NatGateways", write: NetworkWriter.writeNatGateway) }
}

/// Imports `aws ec2 describe-route-tables` output (`RouteTables[]`) into `ec2_route_tables`,
/// `ec2_route_table_associations` and `ec2_routes`.
final class RouteTablesImporter: NetworkListingImporter {
    init() { super.init(member: "RouteTables", write: NetworkWriter.writeRouteTable) }
}

/// Imports `aws ec2 describe-subnets` output (`Subnets[]`) into `ec2_subnets`.
final class SubnetsImporter: NetworkListingImporter {
    init() { super.init(member: "Subnets", write: NetworkWriter.writeSubnet) }
}

/// Imports `aws ec2 describe-vpc-endpoints` output (`VpcEndpoints[]`) into `ec2_vpc_endpoints`.
final class VpcEndpointsImporter: NetworkListingImporter {
    init() { super.init(member: "VpcEndpoints", write: NetworkWriter.writeVpcEndpoint) }
}
