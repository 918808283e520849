-- Migration 0014: the CloudTrail views in time linear in the calls (issue 10, found at fleet
-- scale). As 0011/0012 wrote them, two views asked cloudtrail_call_instances (a UNION of three
-- joins) once per row of another query: how many instances share a call's address, and whether a
-- role session's call came from its own instance. SQLite evaluates such a correlated subquery
-- over a view again for every row, so 20,000 attributed calls on a 100,000-instance fleet did not
-- finish in two minutes. Each is now computed once (a materialized CTE, an uncorrelated IN). And
-- the NAT gateway branch starts from the calls: without statistics SQLite began it with the whole
-- address history (1.6 s at a million instances, with no CloudTrail data at all). Same columns,
-- same rows, same comments.

DROP VIEW instance_role_session_calls;
DROP VIEW instance_long_term_key_calls;
DROP VIEW cloudtrail_call_instances;

-- view: Every address a CloudTrail call came from, attributed to the instances that held it at the time of the call: the instance's public or Elastic IPv4 or IPv6 address (via `public` or `elastic`); its private address, inside the VPC of the VPC endpoint the call came through (`vpc-endpoint`); or the public address of the NAT gateway that the route table of the instance's subnet sends the default route to, for the instances running in those subnets (`nat`, several candidates when several instances sit behind it). A call is attributed by the time of its first call in the hour.
CREATE VIEW cloudtrail_call_instances AS
WITH nat_subnets AS MATERIALIZED (
    SELECT n.public_ip, n.nat_gateway_id, r.subnet_id
    FROM ec2_nat_gateway_addresses AS n
    JOIN ec2_subnet_nat_routes AS r ON r.nat_gateway_id = n.nat_gateway_id
)
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
SELECT DISTINCT c.call_id, h.instance_id, h.account_id, h.region, 'nat', g.nat_gateway_id
FROM cloudtrail_calls AS c
CROSS JOIN nat_subnets AS g
CROSS JOIN ec2_address_history AS h
WHERE c.source_is_address AND c.vpc_endpoint_id IS NULL AND g.public_ip = c.source
  AND h.subnet_id = g.subnet_id AND h.scope = 'private' AND h.state = 'running'
  AND h.from_time <= c.first_time AND (h.to_time IS NULL OR c.first_time < h.to_time);

-- view: Long-term access keys (AKIA…) used from instances: per instance, key, address and way, the calls, first and last time, and how many instances share the address (more than one only behind a NAT gateway), with what the imported IAM data says of the key.
CREATE VIEW instance_long_term_key_calls AS
WITH key_calls AS MATERIALIZED (
    SELECT a.call_id, a.instance_id, a.via, a.nat_gateway_id
    FROM cloudtrail_call_instances AS a
    JOIN cloudtrail_calls AS c ON c.call_id = a.call_id
    WHERE c.access_key_id LIKE 'AKIA%'
),
sharing AS MATERIALIZED (
    SELECT call_id, count(DISTINCT instance_id) AS candidates FROM key_calls GROUP BY call_id
),
attributed AS (
    SELECT k.instance_id, k.via, k.nat_gateway_id, c.*, s.candidates
    FROM key_calls AS k
    JOIN sharing AS s ON s.call_id = k.call_id
    JOIN cloudtrail_calls AS c ON c.call_id = k.call_id
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
        WHEN c.call_id IN (
            SELECT a.call_id FROM cloudtrail_call_instances AS a JOIN cloudtrail_calls AS s ON s.call_id = a.call_id
            WHERE s.session_instance_id IS NOT NULL AND a.instance_id = s.session_instance_id) THEN 'own'
        ELSE 'elsewhere'
    END AS origin,                   -- `own`, `service` or `elsewhere`.
    c.calls,                         -- Calls.
    c.error_calls,                   -- Failed calls.
    c.first_time,                    -- First call.
    c.last_time                      -- Last call.
FROM cloudtrail_calls AS c
WHERE c.session_instance_id IS NOT NULL;
