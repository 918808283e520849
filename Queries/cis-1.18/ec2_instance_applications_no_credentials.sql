-- title: Application code and configuration on EC2 instances hold no AWS credentials
-- severity: critical
-- cis: 1.18 part 3 (no credentials in applications)
-- description: Findings of host scans (invdb scan) and imported secret-scanner reports in
--   application source code and configuration (Python, JavaScript, JSON, YAML, …).
--   Covers instances that were scanned; ec2_instance_host_scanned lists the others.
-- remediation: Deactivate and rotate each key (aws iam update-access-key --access-key-id <key-id>
--   --status Inactive --user-name <user>), delete it from the files, and let the code use the
--   instance role's credentials (the SDKs find them without configuration).
WITH scanned AS (
    SELECT s.instance_id,
        sum(s.status = 'error') AS errors,
        (SELECT count(*) FROM credential_findings AS f WHERE f.instance_id = s.instance_id AND f.place = 'application'
            AND f.source_id IN (SELECT source_id FROM credential_sources WHERE source_kind IN ('file', 'environment', 'scanner-report'))) AS findings,
        (SELECT group_concat(found, '; ') FROM (
            SELECT DISTINCT f.preview || ' (' || replace(f.credential_kind, '-', ' ')
                || CASE WHEN f.is_example = 1 THEN ', AWS''s documented example key' ELSE '' END
                || ', ' || coalesce(f.path, f.document) || coalesce(':' || f.line, '') || ', ' || f.scanner || ')' AS found
            FROM credential_findings AS f
            WHERE f.instance_id = s.instance_id AND f.place = 'application'
              AND f.source_id IN (SELECT source_id FROM credential_sources WHERE source_kind IN ('file', 'environment', 'scanner-report'))
            LIMIT 10)) AS found
    FROM credential_sources AS s
    WHERE s.source_kind IN ('file', 'environment', 'scanner-report')
    GROUP BY s.instance_id
)
SELECT
    i.instance_id AS resource,
    CASE
        WHEN i.state IN ('terminated', 'shutting-down') THEN 'skip'
        WHEN s.findings > 0 THEN 'alarm'
        WHEN s.errors > 0 THEN 'error'
        ELSE 'ok'
    END AS status,
    CASE
        WHEN i.state IN ('terminated', 'shutting-down') THEN coalesce(i.name, i.instance_id) || ' is ' || i.state || ', so it is out of scope.'
        WHEN s.findings > 0
            THEN coalesce(i.name, i.instance_id) || ' holds ' || s.findings || ' credential' || CASE WHEN s.findings > 1 THEN 's' ELSE '' END
                || ' in application source code and configuration (Python, JavaScript, JSON, YAML, …): ' || s.found || '. Deactivate and rotate the keys and use the instance role.'
        WHEN s.errors > 0
            THEN 'Some files of ' || coalesce(i.name, i.instance_id) || ' could not be read, so they are not known to be free of keys.'
        ELSE 'No credentials found in the scanned application source code and configuration (Python, JavaScript, JSON, YAML, …) of ' || coalesce(i.name, i.instance_id) || '.'
    END AS reason,
    i.account_id,
    i.region,
    i.name AS instance_name,
    i.state AS instance_state
FROM ec2_instances AS i
JOIN scanned AS s ON s.instance_id = i.instance_id
WHERE i.is_current = 1
ORDER BY i.account_id, i.region, i.instance_id;
