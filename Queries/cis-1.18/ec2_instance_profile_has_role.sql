-- title: Instance profiles of EC2 instances hold an IAM role
-- severity: high
-- cis: 1.18 part 1 (role attached): "If the Role is blank, the instance is not assigned to one"
-- description: A profile is only a container: an instance whose profile holds no role gets no
--   credentials from it. The check covers instances that have a profile; a profile that is not in
--   the imported IAM data cannot be judged and is reported as an error naming the missing import.
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
),
instance AS (
    SELECT i.instance_id, i.account_id, i.region, i.name, i.state, i.iam_instance_profile_arn,
        coalesce(i.name, i.instance_id) AS label,
        substr(i.iam_instance_profile_arn, instr(i.iam_instance_profile_arn, ':instance-profile/') + 18) AS profile_name,
        pr.arn AS known_profile_arn,
        pr.role_names,
        coalesce(a.profiles, 0) AS account_profiles,
        n.description AS newest_iam_import
    FROM ec2_instances AS i
    LEFT JOIN profile_roles AS pr ON pr.arn = i.iam_instance_profile_arn
    LEFT JOIN iam_accounts AS a ON a.account_id = i.account_id
    LEFT JOIN newest_iam_import AS n ON n.account_id = i.account_id
    WHERE i.is_current = 1 AND i.iam_instance_profile_arn IS NOT NULL
)
SELECT
    instance_id AS resource,
    CASE
        WHEN state IN ('terminated', 'shutting-down') THEN 'skip'
        WHEN known_profile_arn IS NULL THEN 'error'
        WHEN role_names IS NULL THEN 'alarm'
        ELSE 'ok'
    END AS status,
    CASE
        WHEN state IN ('terminated', 'shutting-down')
            THEN label || ' is ' || state || ', so it is out of scope.'
        WHEN known_profile_arn IS NULL AND account_profiles = 0
            THEN 'Not verified: no IAM instance profiles of account ' || account_id || ' have been imported, so whether profile '
                || profile_name || ' of ' || label || ' holds a role is unknown; import the output of aws iam list-instance-profiles '
                || '(or aws iam get-account-authorization-details) for that account.'
        WHEN known_profile_arn IS NULL
            THEN 'Not verified: profile ' || profile_name || ' of ' || label || ' is missing from the IAM data imported for account '
                || account_id || coalesce(' (newest: ' || newest_iam_import || ')', '')
                || ', which is probably older than the profile; import a fresh aws iam list-instance-profiles.'
        WHEN role_names IS NULL
            THEN 'Profile ' || profile_name || ' of ' || label || ' (' || state || ') holds no role, so the instance gets no credentials from it: '
                || 'aws iam add-role-to-instance-profile --instance-profile-name ' || profile_name || ' --role-name <role-name>.'
        ELSE 'Profile ' || profile_name || ' of ' || label || ' holds role ' || role_names || '.'
    END AS reason,
    account_id,
    region,
    name AS instance_name,
    state AS instance_state,
    iam_instance_profile_arn AS profile_arn
FROM instance
ORDER BY account_id, region, instance_id;
