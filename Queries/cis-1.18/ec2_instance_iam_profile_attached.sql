-- title: EC2 instances have an IAM instance profile attached
-- severity: high
-- cis: 1.18 part 1 (role attached); 1.19 in v1.2, 1.17 in v5.0, 2.17 in v6.0, 2.16 in v7.0
-- description: An instance that can make AWS calls (pending, running, stopping or stopped: a
--   stopped instance comes back with its configuration) should get credentials from an IAM role
--   through an instance profile, not from keys stored on the host. Terminated and shutting-down
--   instances are out of scope.
-- remediation: Attach a profile to the instance, running or stopped; no relaunch is needed:
--   aws ec2 associate-iam-instance-profile --instance-id <instance-id> --iam-instance-profile Name=<profile-name>
WITH instance AS (
    SELECT instance_id, account_id, region, name, state, iam_instance_profile_arn,
        coalesce(name, instance_id) AS label,
        substr(iam_instance_profile_arn, instr(iam_instance_profile_arn, ':instance-profile/') + 18) AS profile_path_name
    FROM ec2_instances
    WHERE is_current = 1
)
SELECT
    instance_id AS resource,
    CASE
        WHEN state IN ('terminated', 'shutting-down') THEN 'skip'
        WHEN iam_instance_profile_arn IS NULL THEN 'alarm'
        ELSE 'ok'
    END AS status,
    CASE
        WHEN state IN ('terminated', 'shutting-down')
            THEN label || ' is ' || state || ', so it is out of scope.'
        WHEN iam_instance_profile_arn IS NULL
            THEN label || ' (' || state || ') has no IAM instance profile, so AWS calls from it need stored keys: '
                || 'attach one with aws ec2 associate-iam-instance-profile --instance-id ' || instance_id
                || ' --iam-instance-profile Name=<profile-name>.'
        ELSE label || ' has instance profile ' || profile_path_name || '.'
    END AS reason,
    account_id,
    region,
    name AS instance_name,
    state AS instance_state,
    iam_instance_profile_arn AS profile_arn
FROM instance
ORDER BY account_id, region, instance_id;
