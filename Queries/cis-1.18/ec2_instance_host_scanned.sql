-- title: EC2 instances have been scanned for credentials on the host
-- severity: medium
-- cis: 1.18 parts 2 and 3: scripts, environment and applications can only be judged from the host
-- description: The AWS API exposes user data only. Files, process environments and application
--   code need an on-host scan (invdb scan, or an imported report of gitleaks, trufflehog,
--   detect-secrets or Kingfisher). An instance never scanned is `info`: parts 2 and 3 are
--   unverified for it, not passed.
-- remediation: Collect scripts, environment dumps and application trees from the instance (one
--   folder per instance id; for example with aws ssm send-command --document-name AWS-RunShellScript)
--   and run invdb scan FOLDER, or import a secret scanner's report.
WITH scans AS (
    SELECT instance_id, count(*) AS sources, group_concat(DISTINCT scanner) AS scanners,
        sum(status = 'error') AS errors, sum(status = 'not-read') AS not_read
    FROM credential_sources
    WHERE source_kind IN ('file', 'environment', 'scanner-report')
    GROUP BY instance_id
)
SELECT
    i.instance_id AS resource,
    CASE
        WHEN i.out_of_scope IS NOT NULL THEN 'skip'
        WHEN s.instance_id IS NULL THEN 'info'
        ELSE 'ok'
    END AS status,
    CASE
        WHEN i.out_of_scope IS NOT NULL THEN i.out_of_scope
        WHEN s.instance_id IS NULL
            THEN 'Never scanned: ' || i.label || ' has no host scan, so CIS 1.18 parts 2 and 3 (scripts, environment, applications) are unverified for it.'
        ELSE i.label || ' was scanned (' || s.sources || ' files or reports, by ' || s.scanners || ')'
            || CASE WHEN s.errors > 0 THEN '; ' || s.errors || ' could not be read (not fully scanned)' ELSE '' END
            || CASE WHEN s.not_read > 0 THEN '; ' || s.not_read || ' symbolic links or special files were not read' ELSE '' END || '.'
    END AS reason,
    i.account_id,
    i.region,
    i.name AS instance_name,
    i.state AS instance_state
FROM check_instances AS i
LEFT JOIN scans AS s ON s.instance_id = i.instance_id
ORDER BY i.account_id, i.region, i.instance_id;
