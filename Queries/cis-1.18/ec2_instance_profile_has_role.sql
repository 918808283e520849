-- title: Instance profiles of EC2 instances hold an IAM role
-- severity: high
-- cis: 1.18 part 1 (role attached): "If the Role is blank, the instance is not assigned to one"
-- description: A profile is only a container: an instance whose profile holds no role gets no
--   credentials from it. The check covers instances that have a profile, matched to the imported
--   IAM data by ARN, or by id in the instance's account when the listing gives no ARN; a profile
--   that is not in the imported IAM data cannot be judged and is reported as an error naming the
--   missing import.
-- remediation: Put a role that trusts ec2.amazonaws.com into the profile:
--   aws iam add-role-to-instance-profile --instance-profile-name <profile-name> --role-name <role-name>
--   (or attach another profile: aws ec2 replace-iam-instance-profile-association --association-id <id> --iam-instance-profile Name=<profile-name>).
WITH profile_roles AS (
    SELECT p.arn, group_concat(pr.role_name, ', ') AS role_names
    FROM iam_instance_profiles AS p
    LEFT JOIN iam_instance_profile_roles AS pr ON pr.profile_arn = p.arn
    GROUP BY p.arn
),
iam_accounts AS (
    SELECT account_id, count(*) AS profiles FROM iam_instance_profiles GROUP BY account_id
),
newest_iam_import AS (
    SELECT account_id, path || ' (imported ' || imported_at || ')' AS description, max(import_id)
    FROM imports
    WHERE kind IN ('iam-list-instance-profiles', 'iam-get-account-authorization-details')
    GROUP BY account_id
)
SELECT
    p.instance_id AS resource,
    CASE
        WHEN p.out_of_scope IS NOT NULL THEN 'skip'
        WHEN p.matched_by IS NULL THEN 'error'
        WHEN r.role_names IS NULL THEN 'alarm'
        ELSE 'ok'
    END AS status,
    CASE
        WHEN p.out_of_scope IS NOT NULL THEN p.out_of_scope
        WHEN p.matched_by IS NULL AND coalesce(a.profiles, 0) = 0
            THEN 'Not verified: no IAM instance profiles of account ' || p.account_id || ' have been imported, so whether profile '
                || p.profile_name || ' of ' || p.label || ' holds a role is unknown; import the output of aws iam list-instance-profiles '
                || '(or aws iam get-account-authorization-details) for that account.'
        WHEN p.matched_by IS NULL
            THEN 'Not verified: profile ' || p.profile_name || ' of ' || p.label || ' is missing from the IAM data imported for account '
                || p.account_id || coalesce(' (newest: ' || n.description || ')', '')
                || ', which is probably older than the profile; import a fresh aws iam list-instance-profiles.'
        WHEN r.role_names IS NULL
            THEN 'Profile ' || p.profile_name || ' of ' || p.label || ' (' || p.state || ') holds no role, so the instance gets no credentials from it: '
                || 'aws iam add-role-to-instance-profile --instance-profile-name ' || p.profile_name || ' --role-name <role-name>.'
        ELSE 'Profile ' || p.profile_name || ' of ' || p.label || ' holds role ' || r.role_names || '.'
            || CASE WHEN p.matched_by = 'id' THEN ' (The listing gives only the profile id ' || p.listed_id || '; matched to the IAM data by it.)' ELSE '' END
    END AS reason,
    p.account_id,
    p.region,
    p.name AS instance_name,
    p.state AS instance_state,
    coalesce(p.profile_arn, p.listed_arn) AS profile_arn
FROM check_instances AS p
LEFT JOIN profile_roles AS r ON r.arn = p.profile_arn
LEFT JOIN iam_accounts AS a ON a.account_id = p.account_id
LEFT JOIN newest_iam_import AS n ON n.account_id = p.account_id
WHERE p.has_profile
ORDER BY p.account_id, p.region, p.instance_id;
