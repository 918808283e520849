-- title: Instance role credentials are used only from their instance (CloudTrail)
-- severity: high
-- cis: 1.18: role credentials are meant for the instance; used elsewhere, they were taken off it
-- description: A role session named after an instance (assumed-role/<role>/i-…) that calls AWS
--   from an address the instance did not hold at the time — not its public, Elastic or IPv6
--   address, not its private address through a VPC endpoint of its VPC, not the NAT gateway of its
--   subnet — and not as an AWS service, means the instance's credentials were copied elsewhere
--   (GuardDuty's InstanceCredentialExfiltration). Instances whose role sessions are not in the
--   logs imported are `info`.
-- remediation: Revoke the role's active sessions (IAM console: Revoke active sessions, which adds
--   an AWSRevokeOlderSessions deny to the role), require IMDSv2 on the instance
--   (aws ec2 modify-instance-metadata-options --http-tokens required) and investigate the address.
WITH logs AS (
    SELECT sum(records) AS records, min(day) AS first_day, max(day) AS last_day FROM cloudtrail_coverage
),
sessions AS (
    SELECT
        instance_id,
        group_concat(DISTINCT role_arn) AS roles,
        sum(CASE WHEN origin = 'elsewhere' THEN calls ELSE 0 END) AS stolen_calls,
        sum(calls) AS calls,
        group_concat(CASE WHEN origin = 'elsewhere' THEN address END, ', ') AS stolen_from,
        min(CASE WHEN origin = 'elsewhere' THEN first_time END) AS stolen_first,
        max(CASE WHEN origin = 'elsewhere' THEN last_time END) AS stolen_last
    FROM instance_role_session_calls
    GROUP BY instance_id
)
SELECT
    i.instance_id AS resource,
    CASE
        WHEN s.stolen_calls > 0 THEN 'alarm'
        WHEN i.out_of_scope IS NOT NULL THEN 'skip'
        WHEN s.instance_id IS NOT NULL THEN 'ok'
        ELSE 'info'
    END AS status,
    CASE
        WHEN s.stolen_calls > 0
            THEN 'Credentials of ' || i.label || '''s role (' || s.roles || ') were used from ' || s.stolen_from || ', not an address of the instance: '
                || s.stolen_calls || ' calls from ' || s.stolen_first || ' to ' || s.stolen_last || '. Revoke the role''s sessions and investigate.'
        WHEN i.out_of_scope IS NOT NULL THEN i.out_of_scope
        WHEN s.instance_id IS NOT NULL
            THEN 'All ' || s.calls || ' calls with the role credentials of ' || i.label || ' came from the instance or from AWS services.'
        WHEN coalesce(l.records, 0) = 0
            THEN 'Not verified: no CloudTrail logs have been imported.'
        ELSE 'No call with the role credentials of ' || i.label || ' in the CloudTrail logs imported (' || l.first_day || ' to ' || l.last_day || ').'
    END AS reason,
    i.account_id,
    i.region,
    i.name AS instance_name,
    i.state AS instance_state
FROM check_instances AS i
CROSS JOIN logs AS l
LEFT JOIN sessions AS s ON s.instance_id = i.instance_id
WHERE i.has_profile OR s.instance_id IS NOT NULL
ORDER BY i.account_id, i.region, i.instance_id;
