-- Migration 0010: the EC2 network listings (describe-addresses, describe-nat-gateways,
-- describe-route-tables, describe-subnets, describe-vpc-endpoints), which tell what a public or
-- private address belongs to: an instance's Elastic IP, a NAT gateway and the subnets routed
-- through it, a VPC endpoint. A re-listed object replaces what was known about it (its row is
-- updated by id; the child rows of a NAT gateway or route table are replaced whole), except
-- account_id and region, which keep their known value when a later import does not say them
-- (most listings name no region, NAT gateways no account). Objects a later listing no longer
-- names keep their last known rows. `""` in a listing (moto prints `"InstanceId": ""`) is
-- stored as NULL.

-- table: Elastic IP addresses (describe-addresses `Addresses[]`), one row per public address.
CREATE TABLE ec2_elastic_ips (
    public_ip TEXT PRIMARY KEY,      -- PublicIp.
    allocation_id TEXT,              -- AllocationId, e.g. eipalloc-… (VPC addresses).
    association_id TEXT,             -- AssociationId, e.g. eipassoc-…; NULL when the address is associated with nothing.
    instance_id TEXT,                -- InstanceId of the instance the address is associated with; NULL when none (a NAT gateway's address, a spare one).
    network_interface_id TEXT,       -- NetworkInterfaceId of the interface the address is associated with.
    private_ip TEXT,                 -- PrivateIpAddress: the private address it maps to.
    domain TEXT,                     -- Domain: `vpc` or `standard` (EC2-Classic).
    account_id TEXT,                 -- Account, from NetworkInterfaceOwnerId (or `--account`); NULL when neither says.
    region TEXT,                     -- Region, from `--region`; NULL without it.
    import_id INTEGER NOT NULL REFERENCES imports(import_id) -- File the row was last read from.
) STRICT;

-- table: NAT gateways (describe-nat-gateways `NatGateways[]`).
CREATE TABLE ec2_nat_gateways (
    nat_gateway_id TEXT PRIMARY KEY, -- NatGatewayId, e.g. nat-…
    vpc_id TEXT,                     -- VpcId.
    subnet_id TEXT,                  -- SubnetId: the subnet the NAT gateway sits in (not the subnets it serves).
    state TEXT,                      -- State: pending, failed, available, deleting, deleted.
    connectivity_type TEXT,          -- ConnectivityType: `public` or `private` (absent in moto's output: NULL).
    account_id TEXT,                 -- Account, from `--account` (the listing names none); NULL without it.
    region TEXT,                     -- Region, from `--region`; NULL without it.
    import_id INTEGER NOT NULL REFERENCES imports(import_id) -- File the row was last read from.
) STRICT;

-- table: Addresses of NAT gateways (NatGateways[].NatGatewayAddresses[]); a NAT gateway may have several. Replaced whole when the NAT gateway is listed again.
CREATE TABLE ec2_nat_gateway_addresses (
    nat_gateway_id TEXT NOT NULL REFERENCES ec2_nat_gateways(nat_gateway_id), -- The NAT gateway.
    public_ip TEXT,                  -- PublicIp: the address its traffic leaves from; NULL for a private NAT gateway.
    private_ip TEXT,                 -- PrivateIp.
    allocation_id TEXT,              -- AllocationId of the Elastic IP.
    network_interface_id TEXT        -- NetworkInterfaceId of the NAT gateway's interface.
) STRICT;
CREATE INDEX ec2_nat_gateway_addresses_by_public_ip ON ec2_nat_gateway_addresses(public_ip);
CREATE INDEX ec2_nat_gateway_addresses_by_nat_gateway ON ec2_nat_gateway_addresses(nat_gateway_id);

-- table: Subnets (describe-subnets `Subnets[]`).
CREATE TABLE ec2_subnets (
    subnet_id TEXT PRIMARY KEY,      -- SubnetId, e.g. subnet-…
    vpc_id TEXT,                     -- VpcId.
    cidr_block TEXT,                 -- CidrBlock: the subnet's IPv4 range (VPCs may overlap: compare within a VPC).
    availability_zone TEXT,          -- AvailabilityZone.
    account_id TEXT,                 -- Account, from OwnerId, else SubnetArn (or `--account`); a subnet shared with the account names its owner.
    region TEXT,                     -- Region, from AvailabilityZone (or `--region`).
    import_id INTEGER NOT NULL REFERENCES imports(import_id) -- File the row was last read from.
) STRICT;

-- table: Route tables (describe-route-tables `RouteTables[]`).
CREATE TABLE ec2_route_tables (
    route_table_id TEXT PRIMARY KEY, -- RouteTableId, e.g. rtb-…
    vpc_id TEXT,                     -- VpcId.
    account_id TEXT,                 -- Account, from OwnerId (or `--account`).
    region TEXT,                     -- Region, from `--region`; NULL without it.
    import_id INTEGER NOT NULL REFERENCES imports(import_id) -- File the row was last read from.
) STRICT;
CREATE INDEX ec2_route_tables_by_vpc ON ec2_route_tables(vpc_id);

-- table: Associations of route tables (RouteTables[].Associations[]): the subnets a table is explicitly associated with, and the main association that makes it its VPC's main table (used by every subnet without an explicit association). Replaced whole when the route table is listed again.
CREATE TABLE ec2_route_table_associations (
    route_table_id TEXT NOT NULL REFERENCES ec2_route_tables(route_table_id), -- The route table.
    association_id TEXT,             -- RouteTableAssociationId, e.g. rtbassoc-…
    subnet_id TEXT,                  -- SubnetId of an explicit association; NULL for the main association (and for gateway associations).
    is_main INTEGER NOT NULL,        -- Main: 1 for the association that makes the table its VPC's main route table.
    state TEXT                       -- AssociationState.State: associating, associated, disassociating, disassociated, failed.
) STRICT;
CREATE INDEX ec2_route_table_associations_by_subnet ON ec2_route_table_associations(subnet_id);
CREATE INDEX ec2_route_table_associations_by_route_table ON ec2_route_table_associations(route_table_id);

-- table: Routes (RouteTables[].Routes[]). Replaced whole when the route table is listed again.
CREATE TABLE ec2_routes (
    route_table_id TEXT NOT NULL REFERENCES ec2_route_tables(route_table_id), -- The route table.
    destination TEXT NOT NULL,       -- DestinationCidrBlock, else DestinationIpv6CidrBlock, else DestinationPrefixListId (pl-…, gateway endpoints).
    gateway_id TEXT,                 -- GatewayId: `local`, an internet gateway (igw-…), a virtual private gateway (vgw-…) or a gateway endpoint (vpce-…).
    nat_gateway_id TEXT,             -- NatGatewayId, when the route goes through a NAT gateway.
    network_interface_id TEXT,       -- NetworkInterfaceId, when the route goes to an interface (a NAT instance, an appliance).
    transit_gateway_id TEXT,         -- TransitGatewayId.
    vpc_peering_connection_id TEXT,  -- VpcPeeringConnectionId.
    state TEXT                       -- State: `active`, or `blackhole` when the target is gone.
) STRICT;
CREATE INDEX ec2_routes_by_route_table ON ec2_routes(route_table_id);

-- table: VPC endpoints (describe-vpc-endpoints `VpcEndpoints[]`).
CREATE TABLE ec2_vpc_endpoints (
    vpc_endpoint_id TEXT PRIMARY KEY, -- VpcEndpointId, e.g. vpce-…; CloudTrail records calls made through it with this id (vpcEndpointId).
    vpc_endpoint_type TEXT,          -- VpcEndpointType: Interface, Gateway, GatewayLoadBalancer, Resource or ServiceNetwork.
    service_name TEXT,               -- ServiceName, e.g. com.amazonaws.us-east-1.sts.
    vpc_id TEXT,                     -- VpcId.
    state TEXT,                      -- State, e.g. `available`.
    account_id TEXT,                 -- Account, from OwnerId (or `--account`).
    region TEXT,                     -- Region, from `--region`; NULL without it.
    import_id INTEGER NOT NULL REFERENCES imports(import_id) -- File the row was last read from.
) STRICT;

-- view: Every known subnet with its effective route table — its explicit association, else the main table of its VPC (the table whose association has is_main = 1) — and the NAT gateway that table's default IPv4 route (0.0.0.0/0, not a blackhole) goes through. When stale rows name several tables (a table deleted since an earlier listing), the most recently imported one is taken. route_table_id NULL: no imported route table applies to the subnet.
CREATE VIEW ec2_subnet_nat_routes AS
WITH effective AS (
    SELECT s.subnet_id, s.vpc_id,
        coalesce(
            (SELECT a.route_table_id FROM ec2_route_table_associations AS a
             JOIN ec2_route_tables AS t ON t.route_table_id = a.route_table_id
             WHERE a.subnet_id = s.subnet_id
             ORDER BY t.import_id DESC, a.route_table_id LIMIT 1),
            (SELECT t.route_table_id FROM ec2_route_tables AS t
             JOIN ec2_route_table_associations AS a ON a.route_table_id = t.route_table_id
             WHERE t.vpc_id = s.vpc_id AND a.is_main = 1
             ORDER BY t.import_id DESC, t.route_table_id LIMIT 1)
        ) AS route_table_id
    FROM ec2_subnets AS s
)
SELECT
    e.subnet_id,                     -- Subnet.
    e.vpc_id,                        -- Its VPC.
    e.route_table_id,                -- Its effective route table; NULL when none is known.
    CASE WHEN e.route_table_id IS NOT NULL THEN EXISTS (
        SELECT 1 FROM ec2_route_table_associations AS m WHERE m.route_table_id = e.route_table_id AND m.is_main = 1)
    END AS is_main_table,            -- 1 when the effective table is its VPC's main table (the subnet has no explicit association, or is explicitly associated with the main table); NULL when no table is known.
    (SELECT min(r.nat_gateway_id) FROM ec2_routes AS r
     WHERE r.route_table_id = e.route_table_id AND r.destination = '0.0.0.0/0' AND r.state IS NOT 'blackhole'
    ) AS nat_gateway_id              -- NAT gateway of the default IPv4 route; NULL when that route goes elsewhere (an internet gateway) or there is none.
FROM effective AS e;
