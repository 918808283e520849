import Foundation
import GRDB
import XCTest
@testable import InvDBCore
@testable import InvDBJSON
@testable import InvDBDetect
@testable import InvDBStore
@testable import InvDBImport
@testable import InvDBScan
@testable import InvDBChecks
@testable import InvDBRender
@testable import InvDBReport

/// The EC2 network listings (describe-addresses, -nat-gateways, -route-tables, -subnets,
/// -vpc-endpoints; migration 0010), imported from the CloudTrail fixture
/// (Tests/Fixtures/cloudtrail, made by gen_cloudtrail.py) and checked row by row against the
/// fixture's own JSON and its expected.json.
final class NetworkListingTests: XCTestCase {
    private let fixture = "Tests/Fixtures/cloudtrail/sample/ec2/us-east-1"
    private let account = "111122223333"

    /// The JSON of one fixture listing, e.g. `describe-subnets`.
    private func listing(_ name: String) throws -> JSONValue {
        try JSONValue.parse(String(contentsOfFile: TestSupport.path("\(fixture)/\(name).json"), encoding: .utf8))
    }

    /// The fixture folder imported once per test process.
    private func fixtureDatabase() throws -> InvDatabase {
        try TestSupport.cachedDatabase("network-listings") { try TestSupport.importPaths([TestSupport.path(fixture)], into: $0) }
    }

    private func text(_ value: JSONValue?) -> String {
        guard let text = value?.string, !text.isEmpty else { return "-" }
        return text
    }

    /// `value` with `transform` applied to the members of every object in it (innermost first).
    private func rewrite(_ value: JSONValue, _ transform: ([JSONMember]) -> [JSONMember]) -> JSONValue {
        switch value {
        case .array(let items): return .array(items.map { rewrite($0, transform) })
        case .object(let members): return .object(transform(members.map { JSONMember(key: $0.key, value: rewrite($0.value, transform)) }))
        default: return value
        }
    }

    // MARK: - The fixture, row by row

    func testImportsEveryListingOfTheFolderAndSkipsNetworkInterfaces() throws {
        let database = try TestSupport.database()
        let summary = try TestSupport.importPaths([TestSupport.path(fixture)], into: database)
        XCTAssertTrue(summary.failures.isEmpty, "\(summary.failures)")
        XCTAssertTrue(summary.warnings.isEmpty, "\(summary.warnings)")
        var kinds: [String: InputKind] = [:]
        var skipped: [String: String] = [:]
        for outcome in summary.outcomes {
            switch outcome {
            case .imported(let path, let kind, _): kinds[(path as NSString).lastPathComponent] = kind
            case .skipped(let path, let reason): skipped[(path as NSString).lastPathComponent] = reason
            case .failed(let error): XCTFail("\(error)")
            }
        }
        XCTAssertEqual(kinds, ["describe-addresses.json": .ec2DescribeAddresses, "describe-nat-gateways.json": .ec2DescribeNatGateways,
                               "describe-route-tables.json": .ec2DescribeRouteTables, "describe-subnets.json": .ec2DescribeSubnets,
                               "describe-vpc-endpoints.json": .ec2DescribeVpcEndpoints])
        XCTAssertEqual(Array(skipped.keys), ["describe-network-interfaces.json"])
        XCTAssertTrue(skipped["describe-network-interfaces.json"]?.contains("NetworkInterfaces") ?? false, "\(skipped)")
        // What each file stored, as the import records and the summary say.
        let totals = summary.totals.byTable
        XCTAssertEqual(totals[.ec2ElasticIps], 5)
        XCTAssertEqual(totals[.ec2NatGateways], 2)
        XCTAssertEqual(totals[.ec2NatGatewayAddresses], 2)
        XCTAssertEqual(totals[.ec2Subnets], 6)
        XCTAssertEqual(totals[.ec2RouteTables], 6)
        XCTAssertEqual(totals[.ec2RouteTableAssociations], 6)
        XCTAssertEqual(totals[.ec2Routes], 11)
        XCTAssertEqual(totals[.ec2VpcEndpoints], 2)
        XCTAssertEqual(try TestSupport.strings(database, "SELECT kind || ' ' || coalesce(account_id, '-') || ' ' || coalesce(region, '-') FROM imports ORDER BY kind"),
                       ["ec2-describe-addresses \(account) -", "ec2-describe-nat-gateways - -", "ec2-describe-route-tables \(account) -",
                        "ec2-describe-subnets \(account) us-east-1", "ec2-describe-vpc-endpoints \(account) -"])
        XCTAssertEqual(try TestSupport.strings(database, "SELECT row_counts FROM imports WHERE kind = 'ec2-describe-route-tables'"),
                       [#"{"ec2_route_table_associations":6,"ec2_route_tables":6,"ec2_routes":11}"#])
        let violations = try database.read { db in try Row.fetchAll(db, sql: "PRAGMA foreign_key_check") }
        XCTAssertEqual(violations.count, 0, "\(violations)")
    }

    func testElasticIpsAreTheListedAddresses() throws {
        let database = try fixtureDatabase()
        var expected: [String] = []
        for address in try listing("describe-addresses")["Addresses"]!.elements {
            expected.append([address["PublicIp"], address["AllocationId"], address["AssociationId"], address["InstanceId"],
                             address["NetworkInterfaceId"], address["PrivateIpAddress"], address["Domain"], address["NetworkInterfaceOwnerId"]]
                .map(text).joined(separator: " "))
        }
        XCTAssertEqual(expected.count, 5)
        XCTAssertEqual(try TestSupport.strings(database, """
            SELECT public_ip || ' ' || coalesce(allocation_id, '-') || ' ' || coalesce(association_id, '-') || ' ' || coalesce(instance_id, '-')
                || ' ' || coalesce(network_interface_id, '-') || ' ' || coalesce(private_ip, '-') || ' ' || coalesce(domain, '-')
                || ' ' || coalesce(account_id, '-')
            FROM ec2_elastic_ips ORDER BY public_ip
            """), expected.sorted())
        // The spare address is allocated and associated with nothing.
        let spare = try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM ec2_elastic_ips WHERE public_ip = '198.51.100.99'") }
        XCTAssertNotNil(spare)
        XCTAssertNil(spare?["instance_id"] as String?)
        XCTAssertNil(spare?["association_id"] as String?)
        XCTAssertNil(spare?["network_interface_id"] as String?)
        XCTAssertEqual(spare?["allocation_id"], "eipalloc-7a2506cf6ff35e43a")
        XCTAssertNil(spare?["account_id"] as String?, "no interface owner and no --account")
        XCTAssertNil(spare?["region"] as String?, "no --region")
        // The addresses of instances, as expected.json attributes them (scenarios 2 and 6).
        XCTAssertEqual(try TestSupport.strings(database, "SELECT instance_id FROM ec2_elastic_ips WHERE public_ip IN ('198.51.100.20', '198.51.100.77') ORDER BY public_ip"),
                       ["i-c8461a1f0ece8169a", "i-34b02c4bf809b50c3"])
    }

    func testNatGatewaysAndEveryPublicAddressOfEach() throws {
        let database = try fixtureDatabase()
        var gateways: [String] = [], addresses: [String] = []
        for gateway in try listing("describe-nat-gateways")["NatGateways"]!.elements {
            let id = gateway["NatGatewayId"]!.string!
            gateways.append([gateway["NatGatewayId"], gateway["VpcId"], gateway["SubnetId"], gateway["State"], gateway["ConnectivityType"]]
                .map(text).joined(separator: " "))
            for address in gateway["NatGatewayAddresses"]!.elements {
                addresses.append(id + " " + [address["PublicIp"], address["PrivateIp"], address["AllocationId"], address["NetworkInterfaceId"]]
                    .map(text).joined(separator: " "))
            }
        }
        XCTAssertEqual(gateways.count, 2)
        XCTAssertEqual(try TestSupport.strings(database, """
            SELECT nat_gateway_id || ' ' || vpc_id || ' ' || subnet_id || ' ' || state || ' ' || connectivity_type FROM ec2_nat_gateways ORDER BY 1
            """), gateways.sorted())
        XCTAssertEqual(try TestSupport.strings(database, """
            SELECT nat_gateway_id || ' ' || public_ip || ' ' || private_ip || ' ' || allocation_id || ' ' || network_interface_id
            FROM ec2_nat_gateway_addresses ORDER BY 1
            """), addresses.sorted())
        XCTAssertEqual(try TestSupport.strings(database, "SELECT DISTINCT coalesce(account_id, '-') || ' ' || coalesce(region, '-') FROM ec2_nat_gateways"),
                       ["- -"], "the listing names no account: only --account and --region say")
        // A NAT gateway's public address is also an Elastic IP of the account, on no instance.
        XCTAssertEqual(try TestSupport.int(database, """
            SELECT count(*) FROM ec2_nat_gateway_addresses AS n JOIN ec2_elastic_ips AS e ON e.public_ip = n.public_ip
            WHERE e.instance_id IS NULL AND e.allocation_id = n.allocation_id
            """), 2)
    }

    func testSubnetsRouteTablesAndEndpointsAreTheListedOnes() throws {
        let database = try fixtureDatabase()
        let subnets = try listing("describe-subnets")["Subnets"]!.elements.map { subnet in
            [subnet["SubnetId"], subnet["VpcId"], subnet["CidrBlock"], subnet["AvailabilityZone"], subnet["OwnerId"]].map(text).joined(separator: " ")
                + " " + AWSRegion.fromAvailabilityZone(subnet["AvailabilityZone"]!.string!)!
        }
        XCTAssertEqual(subnets.count, 6)
        XCTAssertEqual(try TestSupport.strings(database, """
            SELECT subnet_id || ' ' || vpc_id || ' ' || cidr_block || ' ' || availability_zone || ' ' || account_id || ' ' || region FROM ec2_subnets ORDER BY 1
            """), subnets.sorted())

        var tables: [String] = [], associations: [String] = [], routes: [String] = []
        for table in try listing("describe-route-tables")["RouteTables"]!.elements {
            let id = table["RouteTableId"]!.string!
            tables.append("\(id) \(text(table["VpcId"])) \(text(table["OwnerId"]))")
            for association in table["Associations"]!.elements {
                associations.append("\(id) \(text(association["RouteTableAssociationId"])) \(text(association["SubnetId"])) "
                                    + "\(association["Main"]?.bool == true ? 1 : 0) \(text(association["AssociationState"]?["State"]))")
            }
            for route in table["Routes"]!.elements {
                let destination = route["DestinationCidrBlock"] ?? route["DestinationIpv6CidrBlock"] ?? route["DestinationPrefixListId"]
                routes.append("\(id) " + [destination, route["GatewayId"], route["NatGatewayId"], route["NetworkInterfaceId"], route["TransitGatewayId"],
                                          route["VpcPeeringConnectionId"], route["State"]].map(text).joined(separator: " "))
            }
        }
        XCTAssertEqual(tables.count, 6)
        XCTAssertTrue(routes.contains { $0.contains(" pl-63a5400a vpce-") }, "the gateway endpoint's prefix-list route: \(routes)")
        XCTAssertEqual(try TestSupport.strings(database, "SELECT route_table_id || ' ' || vpc_id || ' ' || account_id FROM ec2_route_tables ORDER BY 1"),
                       tables.sorted())
        XCTAssertEqual(try TestSupport.strings(database, """
            SELECT route_table_id || ' ' || coalesce(association_id, '-') || ' ' || coalesce(subnet_id, '-') || ' ' || is_main || ' ' || coalesce(state, '-')
            FROM ec2_route_table_associations ORDER BY 1
            """), associations.sorted())
        XCTAssertEqual(try TestSupport.strings(database, """
            SELECT route_table_id || ' ' || destination || ' ' || coalesce(gateway_id, '-') || ' ' || coalesce(nat_gateway_id, '-') || ' '
                || coalesce(network_interface_id, '-') || ' ' || coalesce(transit_gateway_id, '-') || ' ' || coalesce(vpc_peering_connection_id, '-')
                || ' ' || coalesce(state, '-')
            FROM ec2_routes ORDER BY 1
            """), routes.sorted())

        let endpoints = try listing("describe-vpc-endpoints")["VpcEndpoints"]!.elements.map { endpoint in
            [endpoint["VpcEndpointId"], endpoint["VpcEndpointType"], endpoint["ServiceName"], endpoint["VpcId"], endpoint["State"], endpoint["OwnerId"]]
                .map(text).joined(separator: " ")
        }
        XCTAssertEqual(endpoints.count, 2)
        XCTAssertEqual(try TestSupport.strings(database, """
            SELECT vpc_endpoint_id || ' ' || vpc_endpoint_type || ' ' || service_name || ' ' || vpc_id || ' ' || state || ' ' || account_id
            FROM ec2_vpc_endpoints ORDER BY 1
            """), endpoints.sorted())
    }

    // MARK: - ec2_subnet_nat_routes

    /// Every subnet's effective route table and NAT gateway, worked out here from the fixture's
    /// JSON (explicit association, else the VPC's main table) and compared with the view.
    func testEachSubnetGetsItsEffectiveRouteTableAndNatGateway() throws {
        let database = try fixtureDatabase()
        var explicit: [String: String] = [:], main: [String: String] = [:], mainTables: Set<String> = [], nat: [String: String] = [:]
        for table in try listing("describe-route-tables")["RouteTables"]!.elements {
            let id = table["RouteTableId"]!.string!
            for association in table["Associations"]!.elements {
                if let subnet = association["SubnetId"]?.string { explicit[subnet] = id }
                if association["Main"]?.bool == true {
                    main[table["VpcId"]!.string!] = id
                    mainTables.insert(id)
                }
            }
            for route in table["Routes"]!.elements where route["DestinationCidrBlock"]?.string == "0.0.0.0/0" && route["State"]?.string != "blackhole" {
                if let gateway = route["NatGatewayId"]?.string { nat[id] = gateway }
            }
        }
        var expected: [String] = []
        for subnet in try listing("describe-subnets")["Subnets"]!.elements {
            let id = subnet["SubnetId"]!.string!, vpc = subnet["VpcId"]!.string!
            let table = explicit[id] ?? main[vpc]!
            expected.append("\(id) \(vpc) \(table) \(mainTables.contains(table) ? 1 : 0) \(nat[table] ?? "-")")
        }
        XCTAssertEqual(try TestSupport.strings(database, """
            SELECT subnet_id || ' ' || vpc_id || ' ' || route_table_id || ' ' || is_main_table || ' ' || coalesce(nat_gateway_id, '-')
            FROM ec2_subnet_nat_routes ORDER BY 1
            """), expected.sorted())
        // app-b has no explicit association: the main table of its VPC sends it through nat-2.
        XCTAssertEqual(try TestSupport.strings(database, "SELECT route_table_id || ' ' || is_main_table || ' ' || nat_gateway_id FROM ec2_subnet_nat_routes WHERE subnet_id = 'subnet-f0bfea88a1f1ab33d'"),
                       ["rtb-bc98777b7f21063e9 1 nat-16cdfc5a4012bcae4"])
        // The public subnet's default route goes to the internet gateway; legacy's main table has none.
        XCTAssertEqual(try TestSupport.strings(database, "SELECT subnet_id FROM ec2_subnet_nat_routes WHERE nat_gateway_id IS NULL ORDER BY 1"),
                       ["subnet-16178f750a7d3290e", "subnet-e7350d523b42a1a30", "subnet-e7fcdde1f988113b0"])
    }

    /// expected.json scenarios 4 and 5: the instances behind each NAT gateway's address (from the
    /// describe-instances snapshot the network listings belong to) sit in subnets the view routes
    /// through that NAT gateway; scenario 5's include app-b, routed only by the main table.
    func testTheViewMatchesTheNatScenariosOfExpectedJSON() throws {
        let database = try fixtureDatabase()
        let expected = try JSONValue.parse(String(contentsOfFile: TestSupport.path("Tests/Fixtures/cloudtrail/expected.json"), encoding: .utf8))
        let snapshot = expected["network_snapshot"]!.string!
        let instances = expected["snapshot_files"]![snapshot]!.string!
        try TestSupport.importPaths([TestSupport.path("Tests/Fixtures/cloudtrail/sample/" + instances)], into: database)
        let scenarios = expected["findings"]!.elements.filter { $0["via"]?.string == "nat" }
        XCTAssertEqual(scenarios.compactMap { $0["scenario"]?.testInt }, [4, 5])
        var viaMainTable = 0
        for scenario in scenarios {
            let gateway = scenario["nat_gateway"]!.string!
            XCTAssertEqual(try TestSupport.strings(database, "SELECT public_ip FROM ec2_nat_gateway_addresses WHERE nat_gateway_id = ?", [gateway]),
                           [scenario["address"]!.string!])
            let candidates = scenario["candidate_instances"]!.elements.map { $0.string! }
            XCTAssertFalse(candidates.isEmpty)
            for instance in candidates {
                let rows = try TestSupport.strings(database, """
                    SELECT coalesce(r.nat_gateway_id, '-') || ' ' || r.is_main_table FROM ec2_instances AS i
                    JOIN ec2_subnet_nat_routes AS r ON r.subnet_id = i.subnet_id WHERE i.instance_id = ?
                    """, [instance])
                XCTAssertEqual(rows.count, 1, "\(instance): \(rows)")
                XCTAssertEqual(rows.first?.split(separator: " ").first.map(String.init), gateway, "scenario \(scenario["scenario"]!.testInt!), \(instance)")
                if rows.first?.hasSuffix(" 1") == true { viaMainTable += 1 }
            }
            // The running instances of the subnets routed through the gateway are the candidates.
            XCTAssertEqual(try TestSupport.strings(database, """
                SELECT i.instance_id FROM ec2_instances AS i JOIN ec2_subnet_nat_routes AS r ON r.subnet_id = i.subnet_id
                WHERE r.nat_gateway_id = ? AND i.is_current = 1 AND i.state = 'running' ORDER BY 1
                """, [gateway]), candidates.sorted())
        }
        XCTAssertGreaterThan(viaMainTable, 0, "some candidate sits in the subnet routed only by the main table")
    }

    func testTheEffectiveTableFollowsTheNewestListing() throws {
        let database = try TestSupport.database()
        let subnets = try TestSupport.file(named: "subnets.json", #"""
            {"Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1", "AvailabilityZone": "eu-west-1a"},
                         {"SubnetId": "subnet-2", "VpcId": "vpc-1"}, {"SubnetId": "subnet-3", "VpcId": "vpc-9"}]}
            """#)
        let tables = try TestSupport.file(named: "tables.json", #"""
            {"RouteTables": [
              {"RouteTableId": "rtb-main", "VpcId": "vpc-1", "Associations": [{"Main": true, "RouteTableAssociationId": "rtbassoc-m"}],
               "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-gone", "State": "blackhole"},
                          {"DestinationIpv6CidrBlock": "::/0", "NatGatewayId": "nat-v6"}]},
              {"RouteTableId": "rtb-old", "VpcId": "vpc-1", "Associations": [{"Main": false, "SubnetId": "subnet-1"}],
               "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-old", "State": "active"}]}]}
            """#)
        try TestSupport.importPaths([subnets, tables], into: database)
        let query = "SELECT subnet_id || ' ' || coalesce(route_table_id, '-') || ' ' || coalesce(is_main_table, '-') || ' ' || coalesce(nat_gateway_id, '-') FROM ec2_subnet_nat_routes ORDER BY 1"
        XCTAssertEqual(try TestSupport.strings(database, query),
                       ["subnet-1 rtb-old 0 nat-old", "subnet-2 rtb-main 1 -", "subnet-3 - - -"],
                       "a blackhole route and an IPv6 default route give no NAT gateway; a VPC without tables gives no table")
        // subnet-1 moved to a new table; rtb-old, deleted since, is not listed again but keeps its rows.
        let moved = try TestSupport.file(named: "moved.json", #"""
            {"RouteTables": [{"RouteTableId": "rtb-new", "VpcId": "vpc-1", "Associations": [{"SubnetId": "subnet-1", "Main": false}],
                              "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": "nat-new"}]}]}
            """#)
        try TestSupport.importPaths([moved], into: database)
        XCTAssertEqual(try TestSupport.strings(database, query), ["subnet-1 rtb-new 0 nat-new", "subnet-2 rtb-main 1 -", "subnet-3 - - -"])
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_route_tables"), 3)
    }

    // MARK: - Re-imports

    func testAReimportReplacesRatherThanDuplicates() throws {
        let database = try TestSupport.database()
        try TestSupport.importPaths([TestSupport.path(fixture)], into: database)
        let tables = ["ec2_elastic_ips", "ec2_nat_gateways", "ec2_nat_gateway_addresses", "ec2_subnets", "ec2_route_tables",
                      "ec2_route_table_associations", "ec2_routes", "ec2_vpc_endpoints"]
        func counts() throws -> [Int] { try tables.map { try TestSupport.int(database, "SELECT count(*) FROM \($0)") } }
        let first = try counts()
        XCTAssertEqual(first, [5, 2, 2, 6, 6, 6, 11, 2])
        try TestSupport.importPaths([TestSupport.path(fixture)], into: database)
        XCTAssertEqual(try counts(), first)
        XCTAssertEqual(try TestSupport.int(database, """
            SELECT count(*) FROM ec2_subnets WHERE import_id = (SELECT max(import_id) FROM imports WHERE kind = 'ec2-describe-subnets')
            """), 6, "the rows point at the newest file")

        // A later listing: nat-2 has a second address, the main table lost its NAT route, the spare
        // address is now on an instance, and --account/--region fill what the listings do not name.
        let folder = try TestSupport.temporaryDirectory()
        let nat = rewrite(try listing("describe-nat-gateways")) { members in
            guard members.contains(where: { $0.key == "NatGatewayId" && $0.value.string == "nat-16cdfc5a4012bcae4" }) else { return members }
            return members.map { member in
                guard member.key == "NatGatewayAddresses" else { return member }
                return JSONMember(key: member.key, value: .array(member.value.elements + [
                    .object([JSONMember(key: "PublicIp", value: .string("198.51.100.33")), JSONMember(key: "PrivateIp", value: .string("10.10.0.7"))]),
                ]))
            }
        }.minifiedJSON
        let routes = rewrite(try listing("describe-route-tables")) { members in
            guard members.contains(where: { $0.key == "Routes" }),
                  members.contains(where: { $0.key == "RouteTableId" && $0.value.string == "rtb-bc98777b7f21063e9" }) else { return members }
            return members.map { member in
                guard member.key == "Routes" else { return member }
                return JSONMember(key: member.key, value: .array(member.value.elements.filter { $0["DestinationCidrBlock"]?.string != "0.0.0.0/0" } + [
                    .object([JSONMember(key: "DestinationCidrBlock", value: .string("192.0.2.0/24")), JSONMember(key: "TransitGatewayId", value: .string("tgw-1")),
                             JSONMember(key: "State", value: .string("active"))]),
                ]))
            }
        }.minifiedJSON
        let addresses = #"{"Addresses": [{"PublicIp": "198.51.100.99", "AllocationId": "eipalloc-7a2506cf6ff35e43a", "AssociationId": "eipassoc-new", "InstanceId": "i-0123456789abcdef0", "Domain": "vpc"}]}"#
        try Data(nat.utf8).write(to: folder.appendingPathComponent("nat.json"))
        try Data(routes.utf8).write(to: folder.appendingPathComponent("routes.json"))
        try Data(addresses.utf8).write(to: folder.appendingPathComponent("addresses.json"))
        try TestSupport.importPaths([folder.path], into: database, account: "444455556666", region: "us-east-1")
        XCTAssertEqual(try counts(), [5, 2, 3, 6, 6, 6, 11, 2])
        XCTAssertEqual(try TestSupport.strings(database, "SELECT public_ip FROM ec2_nat_gateway_addresses WHERE nat_gateway_id = 'nat-16cdfc5a4012bcae4' ORDER BY 1"),
                       ["198.51.100.32", "198.51.100.33"])
        XCTAssertEqual(try TestSupport.strings(database, "SELECT destination || ' ' || coalesce(transit_gateway_id, '-') FROM ec2_routes WHERE route_table_id = 'rtb-bc98777b7f21063e9' ORDER BY 1"),
                       ["10.10.0.0/16 -", "192.0.2.0/24 tgw-1"])
        XCTAssertEqual(try TestSupport.strings(database, "SELECT coalesce(nat_gateway_id, '-') FROM ec2_subnet_nat_routes WHERE subnet_id = 'subnet-f0bfea88a1f1ab33d'"), ["-"])
        XCTAssertEqual(try TestSupport.strings(database, "SELECT instance_id || ' ' || association_id || ' ' || account_id || ' ' || region FROM ec2_elastic_ips WHERE public_ip = '198.51.100.99'"),
                       ["i-0123456789abcdef0 eipassoc-new 444455556666 us-east-1"])
        XCTAssertEqual(try TestSupport.strings(database, "SELECT DISTINCT account_id || ' ' || region FROM ec2_nat_gateways"), ["444455556666 us-east-1"])
        XCTAssertEqual(try TestSupport.strings(database, "SELECT DISTINCT account_id || ' ' || region FROM ec2_route_tables"), ["\(account) us-east-1"],
                       "OwnerId wins over --account")
        // Listed again without --account and --region: the NAT gateways keep the place they had.
        try TestSupport.importPaths([folder.appendingPathComponent("nat.json").path], into: database)
        XCTAssertEqual(try TestSupport.strings(database, "SELECT DISTINCT account_id || ' ' || region FROM ec2_nat_gateways"), ["444455556666 us-east-1"])
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_nat_gateway_addresses"), 3)
    }

    // MARK: - Bad input

    func testMalformedRecordsAreErrorsNamingTheJSONPathAndWriteNothing() throws {
        let database = try TestSupport.database()
        try TestSupport.importPaths([TestSupport.path(fixture)], into: database)
        let before = try TestSupport.contents(of: database)
        func refused(_ name: String, _ json: String) throws -> InputError? {
            let path = try TestSupport.file(named: name, json)
            var caught: InputError?
            XCTAssertThrowsError(try TestSupport.importPaths([TestSupport.path(fixture), path], into: database), name) { caught = $0 as? InputError }
            XCTAssertEqual(try TestSupport.contents(of: database), before, name)
            XCTAssertEqual(caught?.reason, .invalidRecord, name)
            XCTAssertTrue(caught?.file.hasSuffix(name) ?? false, "\(String(describing: caught))")
            return caught
        }
        let route = try refused("no-destination.json", #"""
            {"RouteTables": [{"RouteTableId": "rtb-1", "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local"}]},
                             {"RouteTableId": "rtb-2", "Routes": [{"GatewayId": "local"}, {"DestinationCidrBlock": "", "NatGatewayId": "nat-1"}]}]}
            """#)
        XCTAssertEqual(route?.jsonPath, "$.RouteTables[1].Routes[0]")
        XCTAssertTrue(route?.message.contains("destination") ?? false, "\(String(describing: route))")
        let emptyDestination = try refused("empty-destination.json", #"{"RouteTables": [{"RouteTableId": "rtb-2", "Routes": [{"DestinationCidrBlock": "", "NatGatewayId": "nat-1"}]}]}"#)
        XCTAssertEqual(emptyDestination?.jsonPath, "$.RouteTables[0].Routes[0]")
        let address = try refused("no-public-ip.json", #"""
            {"Addresses": [{"PublicIp": "192.0.2.1", "AllocationId": "eipalloc-1"}, {"AllocationId": "eipalloc-2", "InstanceId": "i-0123456789abcdef0"}]}
            """#)
        XCTAssertEqual(address?.jsonPath, "$.Addresses[1]")
        XCTAssertTrue(address?.message.contains("PublicIp") ?? false, "\(String(describing: address))")
        let wrongType = try refused("subnet-id-number.json", #"{"Subnets": [{"SubnetId": 5}]}"#)
        XCTAssertEqual(wrongType?.jsonPath, "$.Subnets[0]")
        XCTAssertTrue(wrongType?.message.contains("SubnetId") ?? false)
        let notObject = try refused("endpoint-string.json", #"{"VpcEndpoints": ["vpce-1"]}"#)
        XCTAssertEqual(notObject?.jsonPath, "$.VpcEndpoints[0]")
        let badMain = try refused("main-string.json", #"{"RouteTables": [{"RouteTableId": "rtb-1", "Associations": [{"Main": "yes"}]}]}"#)
        XCTAssertEqual(badMain?.jsonPath, "$.RouteTables[0].Associations[0]")
        XCTAssertTrue(badMain?.message.contains("Main should be a boolean") ?? false)
        let badNatAddress = try refused("nat-address.json", #"{"NatGateways": [{"NatGatewayId": "nat-1", "NatGatewayAddresses": [{"PublicIp": ["192.0.2.9"]}]}]}"#)
        XCTAssertEqual(badNatAddress?.jsonPath, "$.NatGateways[0].NatGatewayAddresses[0]")
        let notArray = try refused("subnets-object.json", #"{"Subnets": {"SubnetId": "subnet-1"}}"#)
        XCTAssertEqual(notArray?.jsonPath, "$.Subnets")
    }

    /// moto prints `""` where AWS leaves a member out: stored as NULL, like an absent member.
    func testEmptyStringsAreStoredAsNull() throws {
        let database = try TestSupport.database()
        let file = try TestSupport.file(named: "moto-addresses.json", #"""
            {"Addresses": [{"PublicIp": "127.0.0.5", "AllocationId": "eipalloc-1", "AssociationId": "", "InstanceId": "", "NetworkInterfaceId": "",
                            "NetworkInterfaceOwnerId": "", "PrivateIpAddress": "", "Domain": "vpc"}]}
            """#)
        try TestSupport.importPaths([file], into: database)
        let row = try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM ec2_elastic_ips") }
        for column in ["association_id", "instance_id", "network_interface_id", "private_ip", "account_id", "region"] {
            XCTAssertNil(row?[column] as String?, column)
        }
        XCTAssertEqual(row?["domain"], "vpc")
    }

    // MARK: - Detection

    /// Each kind is told from its content, whatever the file is called, also when a `NextToken`
    /// comes before the listing.
    func testContentDetectionIgnoresTheFileName() throws {
        let folder = try TestSupport.temporaryDirectory()
        let names: [(String, String, InputKind)] = [
            ("describe-addresses", "notes.txt", .ec2DescribeAddresses), ("describe-nat-gateways", "describe-instances.json", .ec2DescribeNatGateways),
            ("describe-route-tables", "subnets.json", .ec2DescribeRouteTables), ("describe-subnets", "x", .ec2DescribeSubnets),
            ("describe-vpc-endpoints", "route-tables.json.bak", .ec2DescribeVpcEndpoints),
        ]
        for (source, name, kind) in names {
            let path = folder.appendingPathComponent(name).path
            try FileManager.default.copyItem(atPath: TestSupport.path("\(fixture)/\(source).json"), toPath: path)
            let database = try TestSupport.database()
            let summary = try TestSupport.importPaths([path], into: database)
            guard case .imported(_, let found, _) = summary.outcomes.first else { return XCTFail("\(name): \(summary.outcomes)") }
            XCTAssertEqual(found, kind, name)
            XCTAssertEqual(kind.command, "aws ec2 " + source)
        }
        let database = try TestSupport.database()
        let paged = try TestSupport.file(named: "page.json", #"{"NextToken": "eyJ2IjoxfQ==", "Subnets": [{"SubnetId": "subnet-1", "VpcId": "vpc-1"}]}"#)
        let summary = try TestSupport.importPaths([paged], into: database, region: "eu-west-1")
        guard case .imported(_, let kind, _) = summary.outcomes.first else { return XCTFail("\(summary.outcomes)") }
        XCTAssertEqual(kind, .ec2DescribeSubnets)
        XCTAssertEqual(try TestSupport.strings(database, "SELECT subnet_id || ' ' || region FROM ec2_subnets"), ["subnet-1 eu-west-1"])
        // Two listings in one document is not AWS CLI output.
        let mixed = try TestSupport.file(named: "mixed.json", #"{"Subnets": [], "RouteTables": []}"#)
        XCTAssertThrowsError(try TestSupport.importPaths([mixed], into: database)) { error in
            XCTAssertTrue("\(error)".contains("aws ec2 describe-route-tables"), "\(error)")
        }
        // describe-network-interfaces stays unknown: an error when named, skipped in a folder.
        XCTAssertThrowsError(try TestSupport.importPaths([TestSupport.path("\(fixture)/describe-network-interfaces.json")], into: database)) { error in
            XCTAssertEqual((error as? InputError)?.reason, .unknownKind)
        }
    }

    /// The moto exports of Scripts/export-aws.sh (two accounts) import too: each account's
    /// subnets and main route table land under that account.
    func testTheExportScriptsMotoFilesImport() throws {
        let database = try TestSupport.database()
        let summary = try TestSupport.importPaths([TestSupport.path("Tests/Fixtures/aws/two-accounts")], into: database)
        XCTAssertTrue(summary.failures.isEmpty)
        let skipped = summary.outcomes.compactMap { if case .skipped(let path, _) = $0 { return (path as NSString).lastPathComponent } else { return nil } }
        XCTAssertEqual(skipped.filter { $0.hasSuffix(".json") }, ["network-interfaces.json", "network-interfaces.json"])
        XCTAssertEqual(try TestSupport.strings(database, "SELECT DISTINCT account_id FROM ec2_subnets ORDER BY 1"), ["111111111111", "222222222222"])
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_subnet_nat_routes WHERE route_table_id IS NULL"), 0,
                       "every default subnet uses its VPC's main table")
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_subnet_nat_routes WHERE is_main_table = 1"),
                       try TestSupport.int(database, "SELECT count(*) FROM ec2_subnets"))
    }

    // MARK: - Hostile strings

    /// Strings of the listings are scrubbed like every other input: a secret in a tag or a
    /// stored field is redacted before storage, with a warning.
    func testSecretsInTheListingsAreRedactedBeforeStorage() throws {
        let secret = "kQ8Lr3nVx0Zw4Yp2Tb7Hs1Gd6Fj9Mc5Aa/Bb+Cc1"
        var text = try String(contentsOfFile: TestSupport.path("\(fixture)/describe-vpc-endpoints.json"), encoding: .utf8)
        text = text.replacingOccurrences(of: #""ServiceName": "com.amazonaws.us-east-1.sts""#,
                                         with: #""ServiceName": "com.amazonaws.us-east-1.sts aws_secret_access_key=\#(secret)""#)
        let file = try TestSupport.file(named: "endpoints.json", text)
        let database = try TestSupport.database()
        let summary = try TestSupport.importPaths([file], into: database)
        XCTAssertTrue(summary.warnings.contains { $0.contains("redacted") && !$0.contains(secret.prefix(16)) }, "\(summary.warnings)")
        XCTAssertFalse(try TestSupport.contents(of: database).joined().contains(secret.prefix(16)))
        XCTAssertEqual(try TestSupport.int(database, "SELECT count(*) FROM ec2_vpc_endpoints WHERE service_name LIKE 'com.amazonaws.us-east-1.sts %redacted%'"), 1)
    }
}
