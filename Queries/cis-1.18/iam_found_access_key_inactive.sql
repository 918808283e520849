-- title: Access keys found on instances are not active IAM user keys
-- severity: critical
-- cis: 1.18 parts 2 and 3: a key found in user data, scripts, environment or code
-- description: For every access key id found on an instance (user data, host scans, scanner
--   reports): whose key it is (its user and account), whether it is still active, how old it was
--   at the newest import and when it was last used, from the imported list-access-keys and
--   credential report. A found key that is active is the most urgent finding: anyone who can
--   read the instance can act as its user.
-- remediation: Deactivate the key now (aws iam update-access-key --user-name <user> --access-key-id
--   <key-id> --status Inactive), create a new one only if a human needs it, remove the old one from
--   the instance, and move the workload to the instance role (aws ec2 associate-iam-instance-profile).
WITH found AS (
    SELECT f.key_id,
        group_concat(DISTINCT f.instance_id) AS instances,
        min(f.is_example) AS is_example,
        (SELECT group_concat(place, '; ') FROM (
            SELECT DISTINCT g.instance_id || ' (' || g.document || coalesce(' line ' || g.line, '') || ')' AS place
            FROM credential_findings AS g WHERE g.key_id = f.key_id LIMIT 5)) AS places
    FROM credential_findings AS f
    WHERE f.key_id IS NOT NULL
    GROUP BY f.key_id
),
data_time AS (
    -- Ages are measured at the newest import, not at the wall clock: the same database gives the
    -- same words on any day (and INVDB_NOW needs no SQL function that sqlite3 lacks).
    SELECT max(imported_at) AS at FROM imports
),
keyed AS (
    SELECT found.*, k.user_name, u.account_id AS user_account, k.status AS key_status, k.create_date,
        u.last_used_date, u.last_used_region, u.last_used_service,
        CAST(julianday((SELECT at FROM data_time)) - julianday(k.create_date) AS INTEGER) AS age_days,
        (SELECT count(*) FROM iam_access_keys) AS known_keys
    FROM found
    LEFT JOIN iam_access_keys AS k ON k.access_key_id = found.key_id
    LEFT JOIN iam_access_key_usage AS u ON u.access_key_id = found.key_id
)
SELECT
    key_id AS resource,
    CASE
        WHEN is_example = 1 THEN 'info'
        WHEN key_status = 'Active' THEN 'alarm'
        WHEN key_status IS NOT NULL THEN 'ok'
        ELSE 'info'
    END AS status,
    CASE
        WHEN is_example = 1
            THEN key_id || ' is AWS''s documented example key, found on ' || places || '; it grants nothing, but a real key may have been pasted the same way.'
        WHEN key_status = 'Active'
            THEN 'Active key of IAM user ' || user_name || coalesce(' in account ' || user_account, '') || ', '
                || coalesce(age_days || ' days old at the newest import', 'age unknown') || ', '
                || coalesce('last used ' || last_used_date || coalesce(' in ' || last_used_region, '') || coalesce(' for ' || last_used_service, ''), 'no recorded use')
                || ', found on ' || places || ': aws iam update-access-key --user-name ' || user_name || ' --access-key-id ' || key_id
                || ' --status Inactive, then rotate it and use the instance role.'
        WHEN key_status IS NOT NULL
            THEN 'Inactive key of IAM user ' || user_name || coalesce(' in account ' || user_account, '') || ' found on ' || places || '; delete it there and with aws iam delete-access-key --user-name '
                || user_name || ' --access-key-id ' || key_id || '.'
        WHEN key_id LIKE 'ASIA%'
            THEN 'Temporary (STS) key found on ' || places || '; it expires, but whoever issued it put live credentials on the instance.'
        WHEN known_keys = 0
            THEN 'Not verified: no IAM access keys have been imported; import aws iam list-access-keys for each user (and aws iam get-credential-report) to learn whose key this is. Found on ' || places || '.'
        ELSE 'Not a key of the imported IAM users (another account, or a deleted key); found on ' || places || '.'
    END AS reason,
    instances,
    user_name AS iam_user,
    user_account AS account_id,
    key_status,
    age_days,
    last_used_date
FROM keyed
ORDER BY resource;
