-- Migration 0006: keys for the child tables of instances (issue 9). Each is rebuilt with a
-- primary key (SQLite cannot add one to a table), keeping its rows; an instance's tag keys,
-- security groups, interfaces and addresses are unique within it. The address column of
-- ec2_network_interface_ips, which holds IPv6 addresses too, is now `address`.

-- table: Instance tags (Instances[].Tags[]), one row per instance and tag key.
CREATE TABLE ec2_instance_tags_keyed (
    instance_id TEXT NOT NULL REFERENCES ec2_instances(instance_id), -- The tagged instance.
    key TEXT NOT NULL,               -- Tags[].Key.
    value TEXT NOT NULL,             -- Tags[].Value.
    PRIMARY KEY (instance_id, key)
) STRICT, WITHOUT ROWID;
INSERT OR REPLACE INTO ec2_instance_tags_keyed(instance_id, key, value) SELECT instance_id, key, value FROM ec2_instance_tags ORDER BY rowid;
DROP TABLE ec2_instance_tags;
ALTER TABLE ec2_instance_tags_keyed RENAME TO ec2_instance_tags;

-- table: Security groups per instance (Instances[].SecurityGroups[]).
CREATE TABLE ec2_instance_security_groups_keyed (
    instance_id TEXT NOT NULL REFERENCES ec2_instances(instance_id), -- The instance.
    group_id TEXT NOT NULL,          -- SecurityGroups[].GroupId.
    group_name TEXT,                 -- SecurityGroups[].GroupName.
    PRIMARY KEY (instance_id, group_id)
) STRICT, WITHOUT ROWID;
INSERT OR REPLACE INTO ec2_instance_security_groups_keyed(instance_id, group_id, group_name)
SELECT instance_id, group_id, group_name FROM ec2_instance_security_groups ORDER BY rowid;
DROP TABLE ec2_instance_security_groups;
ALTER TABLE ec2_instance_security_groups_keyed RENAME TO ec2_instance_security_groups;

-- table: Network interfaces attached to instances (Instances[].NetworkInterfaces[]).
CREATE TABLE ec2_network_interfaces_keyed (
    network_interface_id TEXT NOT NULL, -- NetworkInterfaceId, e.g. eni-…
    instance_id TEXT NOT NULL REFERENCES ec2_instances(instance_id), -- Instance it is attached to.
    device_index INTEGER,            -- Attachment.DeviceIndex (0 is the primary interface).
    attachment_id TEXT,              -- Attachment.AttachmentId.
    status TEXT,                     -- Status, e.g. `in-use`.
    subnet_id TEXT,                  -- SubnetId.
    vpc_id TEXT,                     -- VpcId.
    mac_address TEXT,                -- MacAddress.
    private_ip TEXT,                 -- PrivateIpAddress (primary private IPv4 of the interface).
    public_ip TEXT,                  -- Association.PublicIp, when present.
    owner_id TEXT,                   -- OwnerId (account that owns the interface).
    description TEXT,                -- Description.
    PRIMARY KEY (instance_id, network_interface_id)
) STRICT, WITHOUT ROWID;
INSERT OR REPLACE INTO ec2_network_interfaces_keyed
SELECT network_interface_id, instance_id, device_index, attachment_id, status, subnet_id, vpc_id, mac_address, private_ip, public_ip,
    owner_id, description FROM ec2_network_interfaces ORDER BY rowid;
DROP TABLE ec2_network_interfaces;
ALTER TABLE ec2_network_interfaces_keyed RENAME TO ec2_network_interfaces;

-- table: IP addresses of network interfaces (NetworkInterfaces[].PrivateIpAddresses[] and Ipv6Addresses[]).
CREATE TABLE ec2_network_interface_ips_keyed (
    network_interface_id TEXT NOT NULL, -- Interface the address belongs to.
    instance_id TEXT NOT NULL REFERENCES ec2_instances(instance_id), -- Instance of the interface.
    family TEXT NOT NULL,            -- `ipv4` or `ipv6`.
    address TEXT NOT NULL,           -- PrivateIpAddresses[].PrivateIpAddress (IPv4) or Ipv6Addresses[].Ipv6Address (IPv6).
    is_primary INTEGER NOT NULL,     -- PrivateIpAddresses[].Primary (0 for IPv6).
    public_ip TEXT,                  -- PrivateIpAddresses[].Association.PublicIp, when present.
    private_dns TEXT,                -- PrivateIpAddresses[].PrivateDnsName.
    PRIMARY KEY (instance_id, network_interface_id, address)
) STRICT, WITHOUT ROWID;
INSERT OR REPLACE INTO ec2_network_interface_ips_keyed
SELECT network_interface_id, instance_id, family, private_ip, is_primary, public_ip, private_dns FROM ec2_network_interface_ips ORDER BY rowid;
DROP TABLE ec2_network_interface_ips;
ALTER TABLE ec2_network_interface_ips_keyed RENAME TO ec2_network_interface_ips;
CREATE INDEX ec2_network_interface_ips_by_address ON ec2_network_interface_ips(address);

-- table-note: imports: It also holds one row per `invdb scan` (kind `host-scan`; path: the scanned paths; sha256 over every scanned byte).
