-- title: EC2 instances have an IAM instance profile attached
-- severity: high
-- cis: 1.18 part 1 (role attached); 1.19 in v1.2, 1.17 in v5.0, 2.17 in v6.0, 2.16 in v7.0
-- description: An instance that can make AWS calls (pending, running, stopping or stopped: a
--   stopped instance comes back with its configuration) should get credentials from an IAM role
--   through an instance profile, not from keys stored on the host. Terminated and shutting-down
--   instances are out of scope. A listing that names the profile only by its id still names one.
-- remediation: Attach a profile to the instance, running or stopped; no relaunch is needed:
--   aws ec2 associate-iam-instance-profile --instance-id <instance-id> --iam-instance-profile Name=<profile-name>
SELECT
    i.instance_id AS resource,
    CASE
        WHEN i.out_of_scope IS NOT NULL THEN 'skip'
        WHEN NOT i.has_profile THEN 'alarm'
        ELSE 'ok'
    END AS status,
    CASE
        WHEN i.out_of_scope IS NOT NULL THEN i.out_of_scope
        WHEN NOT i.has_profile
            THEN i.label || ' (' || i.state || ') has no IAM instance profile, so AWS calls from it need stored keys: '
                || 'attach one with aws ec2 associate-iam-instance-profile --instance-id ' || i.instance_id
                || ' --iam-instance-profile Name=<profile-name>.'
        WHEN i.listed_arn IS NULL
            THEN i.label || ' has an instance profile (the listing gives only its id, ' || i.listed_id || ')'
                || CASE WHEN i.matched_by = 'id' THEN ': ' || i.profile_name || ' in the IAM data.' ELSE '.' END
        ELSE i.label || ' has instance profile ' || i.profile_name || '.'
    END AS reason,
    i.account_id,
    i.region,
    i.name AS instance_name,
    i.state AS instance_state,
    coalesce(i.profile_arn, i.listed_arn) AS profile_arn
FROM check_instances AS i
ORDER BY i.account_id, i.region, i.instance_id;
