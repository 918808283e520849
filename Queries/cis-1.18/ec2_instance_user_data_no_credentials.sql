-- title: EC2 instance user data holds no AWS credentials
-- severity: critical
-- cis: 1.18 part 2 (no credentials in scripts): user data is the boot script the AWS API exposes
-- description: User data is readable by anyone who can describe the instance and by every process
--   on it (through the metadata service); keys in it leak. invdb decodes every layer (base64, gzip,
--   MIME parts, cloud-config write_files) before looking. Instances whose user data was not
--   imported are `info`; user data that could not be decoded is `error`, never a pass.
-- remediation: Deactivate and rotate the key (aws iam update-access-key --access-key-id <key-id>
--   --status Inactive --user-name <user>), remove it from the user data (aws ec2
--   modify-instance-attribute --instance-id <instance-id> --user-data file://clean-user-data,
--   with the instance stopped), and give the instance a role instead.
WITH user_data AS (
    SELECT s.instance_id, s.status, s.detail,
        (SELECT count(*) FROM credential_findings AS f WHERE f.source_id = s.source_id) AS findings,
        (SELECT group_concat(f.preview || ' (' || replace(f.credential_kind, '-', ' ')
                || CASE WHEN f.is_example = 1 THEN ', AWS''s documented example key' ELSE '' END
                || ', ' || f.document || coalesce(' line ' || f.line, '') || ')', '; ')
            FROM credential_findings AS f WHERE f.source_id = s.source_id) AS found
    FROM credential_sources AS s
    WHERE s.source_kind = 'user-data' AND s.scanner = 'invdb'
),
instance AS (
    SELECT i.instance_id, i.account_id, i.region, i.name, i.state, i.label, i.out_of_scope,
        u.status, u.detail, u.findings, u.found
    FROM check_instances AS i
    LEFT JOIN user_data AS u ON u.instance_id = i.instance_id
)
SELECT
    instance_id AS resource,
    CASE
        WHEN out_of_scope IS NOT NULL THEN 'skip'
        WHEN status IS NULL THEN 'info'
        WHEN findings > 0 THEN 'alarm'
        WHEN status = 'error' THEN 'error'
        ELSE 'ok'
    END AS status,
    CASE
        WHEN out_of_scope IS NOT NULL THEN out_of_scope
        WHEN status IS NULL
            THEN 'Not checked: the user data of ' || label || ' was not imported; import the output of aws ec2 describe-instance-attribute --attribute userData --instance-id ' || instance_id || '.'
        WHEN findings > 0
            THEN 'The user data of ' || label || ' holds ' || findings || ' credential' || CASE WHEN findings > 1 THEN 's' ELSE '' END
                || ': ' || found || '. Deactivate and rotate the key, remove it from the user data, and use the instance role.'
                || CASE WHEN status = 'error' THEN ' Some layers could not be decoded: ' || detail || '.' ELSE '' END
        WHEN status = 'error'
            THEN 'The user data of ' || label || ' could not be fully decoded (' || detail || '), so it is not known to be free of keys.'
        WHEN status = 'empty'
            THEN label || ' has no user data.'
        ELSE 'The user data of ' || label || ' (' || coalesce(detail, 'plain text') || ') holds no AWS credentials.'
    END AS reason,
    account_id,
    region,
    name AS instance_name,
    state AS instance_state
FROM instance
ORDER BY account_id, region, instance_id;
