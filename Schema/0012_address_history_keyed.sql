-- Migration 0012: the address history kept in address order (issue 10). With a row id and an
-- index by address, a million-instance import inserted 1.6 million addresses in random order
-- into an index larger than the page cache: 34 s of a 106 s import. Kept by address, inserted in
-- address order, the table grows at its end; the current intervals of an account and region are
-- a partial index in the same order.

-- The views over the table are made again after it (same definitions as in 0011).
DROP VIEW instance_role_session_calls;
DROP VIEW instance_long_term_key_calls;
DROP VIEW cloudtrail_call_instances;

-- table: The addresses instances held, as intervals over the describe-instances snapshots: from the snapshot that first showed the address on the instance (in that state, VPC and subnet) to the first complete snapshot of the account and region that no longer did. A snapshot's time is the time of the import run that took it.
CREATE TABLE ec2_address_history_keyed (
    address TEXT NOT NULL,           -- The address, in canonical form.
    instance_id TEXT NOT NULL,       -- Instance.
    scope TEXT NOT NULL,             -- `public` (a public IPv4 address, auto-assigned or Elastic), `private` (a private IPv4 address) or `ipv6`.
    from_snapshot_id INTEGER NOT NULL REFERENCES ec2_snapshots(snapshot_id), -- The snapshot that first showed it.
    account_id TEXT NOT NULL,        -- Account of the instance.
    region TEXT NOT NULL,            -- Region of the instance.
    vpc_id TEXT,                     -- VPC of the instance (a private address is unique only within it).
    subnet_id TEXT,                  -- Subnet of the instance.
    state TEXT,                      -- Instance state at the time (running, stopped, …).
    from_time TEXT NOT NULL,         -- That snapshot's time.
    to_snapshot_id INTEGER REFERENCES ec2_snapshots(snapshot_id), -- The first complete snapshot that no longer showed it; NULL while the latest still does.
    to_time TEXT,                    -- That snapshot's time; NULL while current.
    PRIMARY KEY (address, instance_id, scope, from_snapshot_id)
) STRICT, WITHOUT ROWID;
INSERT OR IGNORE INTO ec2_address_history_keyed(address, instance_id, scope, from_snapshot_id, account_id, region, vpc_id, subnet_id,
    state, from_time, to_snapshot_id, to_time)
SELECT address, instance_id, scope, from_snapshot_id, account_id, region, vpc_id, subnet_id, state, from_time, to_snapshot_id, to_time
FROM ec2_address_history ORDER BY address, instance_id, scope, from_snapshot_id;
DROP TABLE ec2_address_history;
ALTER TABLE ec2_address_history_keyed RENAME TO ec2_address_history;
CREATE INDEX ec2_address_history_open ON ec2_address_history(account_id, region) WHERE to_time IS NULL;
CREATE INDEX ec2_address_history_by_subnet ON ec2_address_history(subnet_id, from_time);

-- view: Every address a CloudTrail call came from, attributed to the instances that held it at the time of the call: the instance's public or Elastic IPv4 or IPv6 address (via `public` or `elastic`); its private address, inside the VPC of the VPC endpoint the call came through (`vpc-endpoint`); or the public address of the NAT gateway that the route table of the instance's subnet sends the default route to, for the instances running in those subnets (`nat`, several candidates when several instances sit behind it). A call is attributed by the time of its first call in the hour.
CREATE VIEW cloudtrail_call_instances AS
SELECT
    c.call_id,                       -- The aggregated calls (cloudtrail_calls).
    h.instance_id,                   -- An instance that held the address then.
    h.account_id,                    -- The instance's account.
    h.region,                        -- The instance's region.
    CASE WHEN e.public_ip IS NOT NULL THEN 'elastic' ELSE 'public' END AS via, -- How the call reached AWS: `public`, `elastic`, `vpc-endpoint` or `nat`.
    NULL AS nat_gateway_id           -- The NAT gateway, for `nat`.
FROM cloudtrail_calls AS c
JOIN ec2_address_history AS h
    ON h.address = c.source AND h.scope IN ('public', 'ipv6')
    AND h.from_time <= c.first_time AND (h.to_time IS NULL OR c.first_time < h.to_time)
LEFT JOIN ec2_elastic_ips AS e ON e.public_ip = c.source
WHERE c.source_is_address AND c.vpc_endpoint_id IS NULL
UNION ALL
SELECT c.call_id, h.instance_id, h.account_id, h.region, 'vpc-endpoint', NULL
FROM cloudtrail_calls AS c
JOIN ec2_vpc_endpoints AS v ON v.vpc_endpoint_id = c.vpc_endpoint_id
JOIN ec2_address_history AS h
    ON h.address = c.source AND h.scope IN ('private', 'ipv6') AND h.vpc_id = v.vpc_id
    AND h.from_time <= c.first_time AND (h.to_time IS NULL OR c.first_time < h.to_time)
WHERE c.source_is_address
UNION ALL
SELECT DISTINCT c.call_id, h.instance_id, h.account_id, h.region, 'nat', n.nat_gateway_id
FROM cloudtrail_calls AS c
JOIN ec2_nat_gateway_addresses AS n ON n.public_ip = c.source
JOIN ec2_subnet_nat_routes AS r ON r.nat_gateway_id = n.nat_gateway_id
JOIN ec2_address_history AS h
    ON h.subnet_id = r.subnet_id AND h.scope = 'private' AND h.state = 'running'
    AND h.from_time <= c.first_time AND (h.to_time IS NULL OR c.first_time < h.to_time)
WHERE c.source_is_address AND c.vpc_endpoint_id IS NULL;

-- view: Long-term access keys (AKIA…) used from instances: per instance, key, address and way, the calls, first and last time, and how many instances share the address (more than one only behind a NAT gateway), with what the imported IAM data says of the key.
CREATE VIEW instance_long_term_key_calls AS
WITH attributed AS (
    SELECT a.instance_id, a.via, a.nat_gateway_id, c.*,
        (SELECT count(DISTINCT b.instance_id) FROM cloudtrail_call_instances AS b WHERE b.call_id = c.call_id) AS candidates
    FROM cloudtrail_call_instances AS a
    JOIN cloudtrail_calls AS c ON c.call_id = a.call_id
    WHERE c.access_key_id LIKE 'AKIA%'
)
SELECT
    t.instance_id,                   -- The instance.
    t.access_key_id,                 -- The key.
    coalesce(t.user_name, CASE WHEN t.identity_type = 'Root' THEN 'the root user' END) AS user_name, -- Its user, as CloudTrail names it.
    t.principal_arn,                 -- Its user's ARN.
    t.source AS address,             -- The address the calls came from.
    t.via,                           -- `public`, `elastic`, `vpc-endpoint` or `nat`.
    t.nat_gateway_id,                -- The NAT gateway, for `nat`.
    t.vpc_endpoint_id,               -- The VPC endpoint, for `vpc-endpoint`.
    max(t.candidates) AS candidates, -- Instances that held the address then (more than one only behind a NAT gateway).
    sum(t.calls) AS calls,           -- Calls.
    sum(t.error_calls) AS error_calls, -- Failed calls.
    min(t.first_time) AS first_time, -- First call.
    max(t.last_time) AS last_time,   -- Last call.
    k.status AS key_status,          -- Active or Inactive, when the key is in the imported IAM data.
    k.create_date AS key_created     -- When the key was created, when imported.
FROM attributed AS t
LEFT JOIN iam_access_keys AS k ON k.access_key_id = t.access_key_id
GROUP BY t.instance_id, t.access_key_id, t.source, t.via, t.nat_gateway_id, t.vpc_endpoint_id;

-- view: Calls with the credentials of an instance's role (sessions named after the instance), each attributed: `own` when the call came from an address the instance held then (its public, Elastic or IPv6 address, its private address through a VPC endpoint of its VPC, or the NAT gateway of its subnet), `service` when an AWS service made it (not an address), `elsewhere` otherwise.
CREATE VIEW instance_role_session_calls AS
SELECT
    c.session_instance_id AS instance_id, -- The instance the session is named after.
    c.role_arn,                      -- The role.
    c.access_key_id,                 -- The session's key (ASIA…).
    c.source AS address,             -- Where the calls came from.
    CASE
        WHEN NOT c.source_is_address THEN 'service'
        WHEN EXISTS (SELECT 1 FROM cloudtrail_call_instances AS a WHERE a.call_id = c.call_id AND a.instance_id = c.session_instance_id) THEN 'own'
        ELSE 'elsewhere'
    END AS origin,                   -- `own`, `service` or `elsewhere`.
    c.calls,                         -- Calls.
    c.error_calls,                   -- Failed calls.
    c.first_time,                    -- First call.
    c.last_time                      -- Last call.
FROM cloudtrail_calls AS c
WHERE c.session_instance_id IS NOT NULL;
