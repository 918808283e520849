-- title: No long-term access key is used from EC2 instances (CloudTrail)
-- severity: critical
-- cis: 1.18 parts 2 and 3: a stored key in use on an instance, wherever it sits (a file, an environment, memory)
-- description: CloudTrail records the access key and the source address of every API call. A
--   long-term key (AKIA…, an IAM user's or the root's) calling AWS from an address an instance held
--   at the time — its public or Elastic IP, its private address through a VPC endpoint of its VPC,
--   or the NAT gateway its subnet routes through when it is the only instance behind it — is a
--   stored key in use on that instance. Behind a NAT gateway shared by several instances, each is
--   `info`. Without imported CloudTrail logs the instance is `info`: unverified, not passed.
-- remediation: Find the key on the instance (invdb scan), move the code to the instance's role,
--   then deactivate the key: aws iam update-access-key --user-name USER --access-key-id KEY
--   --status Inactive (and delete it once nothing fails).
WITH logs AS (
    SELECT sum(records) AS records, min(day) AS first_day, max(day) AS last_day FROM cloudtrail_coverage
),
uses AS (
    SELECT
        instance_id,
        max(candidates = 1) AS certain,
        max(candidates) AS sharing,
        group_concat(
            'key ' || access_key_id || ' of ' || coalesce(user_name, 'an unknown user')
            || CASE WHEN key_status IS NOT NULL THEN ' (' || lower(key_status) || coalesce(', created ' || substr(key_created, 1, 10), '') || ')' ELSE '' END
            || ' made ' || calls || ' call' || CASE WHEN calls = 1 THEN '' ELSE 's' END
            || CASE WHEN error_calls > 0 THEN ' (' || error_calls || ' failed)' ELSE '' END
            || ' from ' || address || ' '
            || CASE via
                WHEN 'public' THEN '(its public address)'
                WHEN 'elastic' THEN '(its Elastic IP)'
                WHEN 'vpc-endpoint' THEN '(its private address, through ' || vpc_endpoint_id || ')'
                ELSE '(NAT gateway ' || nat_gateway_id || CASE WHEN candidates = 1 THEN ', the only instance behind it)'
                    ELSE ', shared by ' || candidates || ' instances)' END
               END
            || ' from ' || first_time || ' to ' || last_time, '; ') AS calls
    FROM instance_long_term_key_calls
    GROUP BY instance_id
)
SELECT
    i.instance_id AS resource,
    CASE
        WHEN i.out_of_scope IS NOT NULL THEN 'skip'
        WHEN u.certain THEN 'alarm'
        WHEN coalesce(l.records, 0) = 0 THEN 'info'
        WHEN u.instance_id IS NOT NULL THEN 'info'
        ELSE 'ok'
    END AS status,
    CASE
        WHEN i.out_of_scope IS NOT NULL THEN i.out_of_scope
        WHEN u.certain
            THEN 'A long-term key is in use on ' || i.label || ': ' || u.calls || '. Move the code to the instance role and deactivate the key.'
        WHEN coalesce(l.records, 0) = 0
            THEN 'Not verified: no CloudTrail logs have been imported, so whether a stored key is used from ' || i.label || ' is unknown.'
        WHEN u.instance_id IS NOT NULL
            THEN 'Maybe: ' || u.calls || '; ' || i.label || ' is one of the ' || u.sharing || ' instances behind that NAT gateway, so the key may run on any of them.'
        ELSE 'No call by a long-term key came from the addresses of ' || i.label || ' in the CloudTrail logs imported ('
            || l.records || ' records, ' || l.first_day || ' to ' || l.last_day || '; calls logged in other accounts or regions are not seen).'
    END AS reason,
    i.account_id,
    i.region,
    i.name AS instance_name,
    i.state AS instance_state
FROM check_instances AS i
CROSS JOIN logs AS l
LEFT JOIN uses AS u ON u.instance_id = i.instance_id
ORDER BY i.account_id, i.region, i.instance_id;
