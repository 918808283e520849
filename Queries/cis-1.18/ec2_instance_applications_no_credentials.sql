-- title: Application code and configuration on EC2 instances hold no AWS credentials
-- severity: critical
-- cis: 1.18 part 3 (no credentials in applications)
-- description: Findings of host scans (invdb scan) and imported secret-scanner reports in
--   application source code and configuration (Python, JavaScript, JSON, YAML, …).
--   Covers instances that were scanned; ec2_instance_host_scanned lists the others.
-- remediation: Deactivate and rotate each key (aws iam update-access-key --access-key-id <key-id>
--   --status Inactive --user-name <user>), delete it from the files, and let the code use the
--   instance role's credentials (the SDKs find them without configuration).
SELECT
    i.instance_id AS resource,
    CASE
        WHEN i.out_of_scope IS NOT NULL THEN 'skip'
        WHEN s.findings > 0 THEN 'alarm'
        WHEN s.errors > 0 THEN 'error'
        ELSE 'ok'
    END AS status,
    CASE
        WHEN i.out_of_scope IS NOT NULL THEN i.out_of_scope
        WHEN s.findings > 0
            THEN i.label || ' holds ' || s.findings || ' credential' || CASE WHEN s.findings > 1 THEN 's' ELSE '' END
                || ' in application source code and configuration (Python, JavaScript, JSON, YAML, …): ' || s.found || '. Deactivate and rotate the keys and use the instance role.'
        WHEN s.errors > 0
            THEN 'Some files of ' || i.label || ' could not be read, so they are not known to be free of keys.'
        ELSE 'No credentials found in the scanned application source code and configuration (Python, JavaScript, JSON, YAML, …) of ' || i.label || '.'
    END AS reason,
    i.account_id,
    i.region,
    i.name AS instance_name,
    i.state AS instance_state
FROM check_instances AS i
JOIN host_credential_summary AS s ON s.instance_id = i.instance_id AND s.place = 'application'
ORDER BY i.account_id, i.region, i.instance_id;
