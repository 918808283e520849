-- sqlite3-load.sql: load an `aws ec2 describe-instances` JSON file into invdb's five EC2
-- instance tables using only the sqlite3 shell's JSON functions. It is the baseline invdb's
-- importer is benchmarked against.
--
-- Run it through the wrapper, which sets the :file parameter:
--     Scripts/perf/sqlite3-load.sh out.sqlite bench-data/di-100k.json
-- or by hand in the sqlite3 shell (3.40+: needs readfile(), ->> and .parameter):
--     sqlite3 -bail out.sqlite -cmd ".parameter set :file 'di.json'" < Scripts/perf/sqlite3-load.sql
--
-- The tables below are copies of the five from Schema/0001_inventory.sql with the same
-- columns, types, STRICT and indexes (comments dropped). snapshot_id and import_id are 1,
-- is_current is 1, and the tables they reference are not created (foreign keys are off in
-- the shell by default). Keep them in step with the schema when it changes.
--
-- How it works, and why it is done this way:
-- * Everything happens in one transaction, so the database is written and synced once.
-- * The big document is read and parsed exactly once: in SQLite 3.40 every JSON function
--   call re-parses its argument, so json_each over the whole file is run a single time
--   and yields one row per instance into a temp table. Each instance's JSON (a few kB)
--   is what later statements parse, never the whole file.
-- * That same pass also cuts out the Tags, NetworkInterfaces and SecurityGroups arrays.
--   Several -> on one value in one row cost one parse (SQLite caches the last parses per
--   statement), so the child tables later parse only these small arrays.
-- * Indexes are created after the rows are in: building an index by one sort is faster
--   than updating it row by row. The instance_id PRIMARY KEY index is kept from the start.
-- * No PRAGMAs: a new database written in one transaction has almost nothing to journal.
--   At N=100,000 on a 2-core machine, temp_store=MEMORY, cache_size=256 MB and
--   journal_mode=OFF + synchronous=OFF each changed wall time by less than the run-to-run
--   noise (a few seconds on 16-25 s); temp_store=MEMORY raised peak memory by 0.6 GB.
-- * Where the time goes at N=100,000 (~17 s): ~9 s in the single pass (reading and
--   parsing the 750 MB file, staging 100,000 rows), ~2.5 s ec2_instances, ~4 s the
--   interface and address tables, ~1 s tags and groups, ~0.6 s indexes, ~0.3 s commit.
--   Peak memory (~1.9 GB) is the file held as one value plus json_each's copy and parse.
-- Limit: readfile() returns the file as one value, so it must stay below SQLite's 1 GB
-- string limit (SQLITE_MAX_LENGTH); 100,000 CLI-formatted instances are about 750 MB.

BEGIN;

CREATE TABLE ec2_instances (
    instance_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    region TEXT NOT NULL,
    availability_zone TEXT,
    reservation_id TEXT,
    state TEXT NOT NULL,
    state_reason TEXT,
    instance_type TEXT,
    image_id TEXT,
    vpc_id TEXT,
    subnet_id TEXT,
    private_ip TEXT,
    public_ip TEXT,
    private_dns TEXT,
    public_dns TEXT,
    launch_time TEXT,
    platform TEXT,
    platform_details TEXT,
    architecture TEXT,
    key_name TEXT,
    metadata_http_tokens TEXT,
    metadata_http_endpoint TEXT,
    metadata_hop_limit INTEGER,
    iam_instance_profile_arn TEXT,
    iam_instance_profile_id TEXT,
    name TEXT,
    snapshot_id INTEGER NOT NULL REFERENCES ec2_snapshots(snapshot_id),
    import_id INTEGER NOT NULL REFERENCES imports(import_id),
    is_current INTEGER NOT NULL,
    raw_json TEXT NOT NULL
) STRICT;

CREATE TABLE ec2_instance_tags (
    instance_id TEXT NOT NULL REFERENCES ec2_instances(instance_id),
    key TEXT NOT NULL,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE ec2_network_interfaces (
    network_interface_id TEXT NOT NULL,
    instance_id TEXT NOT NULL REFERENCES ec2_instances(instance_id),
    device_index INTEGER,
    attachment_id TEXT,
    status TEXT,
    subnet_id TEXT,
    vpc_id TEXT,
    mac_address TEXT,
    private_ip TEXT,
    public_ip TEXT,
    owner_id TEXT,
    description TEXT
) STRICT;

CREATE TABLE ec2_network_interface_ips (
    network_interface_id TEXT NOT NULL,
    instance_id TEXT NOT NULL REFERENCES ec2_instances(instance_id),
    family TEXT NOT NULL,
    private_ip TEXT NOT NULL,
    is_primary INTEGER NOT NULL,
    public_ip TEXT,
    private_dns TEXT
) STRICT;

CREATE TABLE ec2_instance_security_groups (
    instance_id TEXT NOT NULL REFERENCES ec2_instances(instance_id),
    group_id TEXT NOT NULL,
    group_name TEXT
) STRICT;

-- One pass over the file: one row per instance. json_each returns an object value as
-- minified JSON text, which is exactly json(instance), i.e. raw_json. If :file is unset or
-- unreadable, readfile() gives NULL; 'no input' then fails as malformed JSON rather than
-- silently loading nothing.
CREATE TEMP TABLE instance_json AS
SELECT r.value ->> '$.OwnerId'              AS account_id,
       r.value ->> '$.ReservationId'        AS reservation_id,
       i.value ->> '$.InstanceId'           AS instance_id,
       i.value                              AS j,
       i.value -> '$.Tags'                  AS tags,
       i.value -> '$.NetworkInterfaces'     AS enis,
       i.value -> '$.SecurityGroups'        AS sgs
FROM json_each(coalesce(readfile(:file), 'no input'), '$.Reservations') AS r,
     json_each(r.value, '$.Instances') AS i;

-- Values follow invdb's EC2InventoryWriter so both produce the same rows: nullif(x, '')
-- where invdb stores an empty string as NULL, and the same rows skipped (tags without a
-- Key, groups without a GroupId, interfaces without an id, addresses without an address).
INSERT INTO ec2_instances
SELECT instance_id,
       account_id,
       -- us-east-1a -> us-east-1
       substr(j ->> '$.Placement.AvailabilityZone', 1,
              length(j ->> '$.Placement.AvailabilityZone') - 1),
       nullif(j ->> '$.Placement.AvailabilityZone', ''),
       reservation_id,
       j ->> '$.State.Name',
       coalesce(nullif(j ->> '$.StateReason.Message', ''),
                nullif(j ->> '$.StateTransitionReason', '')),
       j ->> '$.InstanceType',
       j ->> '$.ImageId',
       nullif(j ->> '$.VpcId', ''),
       nullif(j ->> '$.SubnetId', ''),
       nullif(j ->> '$.PrivateIpAddress', ''),
       nullif(j ->> '$.PublicIpAddress', ''),
       nullif(j ->> '$.PrivateDnsName', ''),
       nullif(j ->> '$.PublicDnsName', ''),
       j ->> '$.LaunchTime',
       nullif(j ->> '$.Platform', ''),
       nullif(j ->> '$.PlatformDetails', ''),
       j ->> '$.Architecture',
       nullif(j ->> '$.KeyName', ''),
       j ->> '$.MetadataOptions.HttpTokens',
       j ->> '$.MetadataOptions.HttpEndpoint',
       j ->> '$.MetadataOptions.HttpPutResponseHopLimit',
       nullif(j ->> '$.IamInstanceProfile.Arn', ''),
       nullif(j ->> '$.IamInstanceProfile.Id', ''),
       (SELECT t.value ->> '$.Value' FROM json_each(tags) AS t
        WHERE t.value ->> '$.Key' = 'Name'),
       1, 1, 1,
       j
FROM instance_json;

INSERT INTO ec2_instance_tags
SELECT instance_id, t.value ->> '$.Key', coalesce(t.value ->> '$.Value', '')
FROM instance_json, json_each(tags) AS t
WHERE t.value ->> '$.Key' IS NOT NULL;

INSERT INTO ec2_network_interfaces
SELECT e.value ->> '$.NetworkInterfaceId',
       instance_id,
       e.value ->> '$.Attachment.DeviceIndex',
       e.value ->> '$.Attachment.AttachmentId',
       e.value ->> '$.Status',
       nullif(e.value ->> '$.SubnetId', ''),
       nullif(e.value ->> '$.VpcId', ''),
       nullif(e.value ->> '$.MacAddress', ''),
       nullif(e.value ->> '$.PrivateIpAddress', ''),
       nullif(e.value ->> '$.Association.PublicIp', ''),
       nullif(e.value ->> '$.OwnerId', ''),
       nullif(e.value ->> '$.Description', '')
FROM instance_json, json_each(enis) AS e
WHERE nullif(e.value ->> '$.NetworkInterfaceId', '') IS NOT NULL;

-- IPv4 from PrivateIpAddresses[], IPv6 from Ipv6Addresses[] (never primary, no DNS name).
INSERT INTO ec2_network_interface_ips
SELECT e.value ->> '$.NetworkInterfaceId', instance_id, 'ipv4',
       a.value ->> '$.PrivateIpAddress',
       coalesce(a.value ->> '$.Primary', 0),
       nullif(a.value ->> '$.Association.PublicIp', ''),
       nullif(a.value ->> '$.PrivateDnsName', '')
FROM instance_json, json_each(enis) AS e, json_each(e.value, '$.PrivateIpAddresses') AS a
WHERE nullif(e.value ->> '$.NetworkInterfaceId', '') IS NOT NULL
  AND nullif(a.value ->> '$.PrivateIpAddress', '') IS NOT NULL
UNION ALL
SELECT e.value ->> '$.NetworkInterfaceId', instance_id, 'ipv6',
       a.value ->> '$.Ipv6Address', 0, NULL, NULL
FROM instance_json, json_each(enis) AS e, json_each(e.value, '$.Ipv6Addresses') AS a
WHERE nullif(e.value ->> '$.NetworkInterfaceId', '') IS NOT NULL
  AND nullif(a.value ->> '$.Ipv6Address', '') IS NOT NULL;

INSERT INTO ec2_instance_security_groups
SELECT instance_id, g.value ->> '$.GroupId', g.value ->> '$.GroupName'
FROM instance_json, json_each(sgs) AS g
WHERE nullif(g.value ->> '$.GroupId', '') IS NOT NULL;

CREATE INDEX ec2_instances_by_place ON ec2_instances(account_id, region, is_current);
CREATE INDEX ec2_instances_by_profile ON ec2_instances(iam_instance_profile_arn);
CREATE INDEX ec2_instance_tags_by_instance ON ec2_instance_tags(instance_id);
CREATE INDEX ec2_network_interfaces_by_instance ON ec2_network_interfaces(instance_id);
CREATE INDEX ec2_network_interface_ips_by_instance ON ec2_network_interface_ips(instance_id);
CREATE INDEX ec2_instance_security_groups_by_instance ON ec2_instance_security_groups(instance_id);

-- instance_json is not dropped: a temp table vanishes when the shell exits, and dropping it
-- here would cost about a second of freeing pages at N=100,000.
COMMIT;
