-- title: EC2 instances use their role's credentials (CloudTrail)
-- severity: info
-- cis: 1.18: the instance role is what the instance should call AWS with
-- description: A role session named after an instance (assumed-role/<role>/i-…) that calls AWS
--   from an address of that instance shows the instance uses its role. An instance whose role was
--   never seen calling, or which also uses a stored long-term key, is `info`; so is every instance
--   when no CloudTrail logs were imported.
-- remediation: Nothing to fix when the instance uses its role only. When it also uses a stored key,
--   see the check on long-term keys. A role never used may be unneeded: aws iam
--   remove-role-from-instance-profile --instance-profile-name PROFILE --role-name ROLE.
WITH logs AS (
    SELECT sum(records) AS records, min(day) AS first_day, max(day) AS last_day FROM cloudtrail_coverage
),
sessions AS (
    SELECT instance_id, sum(calls) AS calls, min(first_time) AS first_time, max(last_time) AS last_time,
        min(role_arn) AS role_arn, substr(min(role_arn), instr(min(role_arn), ':role/') + 6) AS role_name
    FROM instance_role_session_calls
    WHERE origin = 'own'
    GROUP BY instance_id
),
keys AS (
    SELECT instance_id, group_concat(DISTINCT access_key_id) AS keys
    FROM instance_long_term_key_calls WHERE candidates = 1 GROUP BY instance_id
)
SELECT
    r.instance_id AS resource,
    CASE
        WHEN r.out_of_scope IS NOT NULL THEN 'skip'
        WHEN s.instance_id IS NOT NULL AND k.instance_id IS NULL THEN 'ok'
        ELSE 'info'
    END AS status,
    CASE
        WHEN r.out_of_scope IS NOT NULL THEN r.out_of_scope
        WHEN coalesce(l.records, 0) = 0
            THEN 'Not verified: no CloudTrail logs have been imported, so whether ' || r.label || ' uses its role is unknown.'
        WHEN s.instance_id IS NOT NULL
            THEN r.label || ' uses its role ' || coalesce(r.role_name, s.role_name) || ' (' || s.calls || ' calls from its own addresses, ' || s.first_time || ' to ' || s.last_time || ')'
                || CASE WHEN k.instance_id IS NOT NULL THEN ', and also the stored long-term key ' || k.keys || '.' ELSE '.' END
        ELSE r.label || ' has ' || coalesce('role ' || r.role_name, 'instance profile ' || r.profile_name) || ' but no call with its role came from the instance in the CloudTrail logs imported ('
            || l.first_day || ' to ' || l.last_day || ')'
            || CASE WHEN k.instance_id IS NOT NULL THEN '; it uses the stored long-term key ' || k.keys || ' instead.' ELSE '.' END
    END AS reason,
    r.account_id,
    r.region,
    r.name AS instance_name,
    r.state AS instance_state,
    coalesce(r.role_arn, s.role_arn) AS role_arn
FROM instance_roles AS r
CROSS JOIN logs AS l
LEFT JOIN sessions AS s ON s.instance_id = r.instance_id
LEFT JOIN keys AS k ON k.instance_id = r.instance_id
WHERE r.has_profile OR s.instance_id IS NOT NULL
ORDER BY r.account_id, r.region, r.instance_id;
