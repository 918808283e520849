-- Migration 0002: credential evidence for CIS 1.18 parts 2 and 3 (user data, host scans,
-- scanner reports). No secret is ever stored: a finding keeps a keyed fingerprint and a short
-- redacted preview; access key ids are identifiers and are kept whole.

-- table: One row per text that was looked at for credentials: an instance's user data, a file or environment dump collected from it, or a scanner report's view of it. "Scanned, nothing found" is a row here with no findings; "never scanned" is no row at all.
CREATE TABLE credential_sources (
    source_id INTEGER PRIMARY KEY,   -- Sequential id.
    instance_id TEXT NOT NULL,       -- Instance the text belongs to (from the data, the path, or `--instance`).
    source_kind TEXT NOT NULL,       -- `user-data`, `file`, `environment` or `scanner-report`.
    location TEXT NOT NULL,          -- Where: `user-data`, a file path, or the report's path.
    place TEXT NOT NULL,             -- CIS part: `script-or-environment` (part 2) or `application` (part 3).
    status TEXT NOT NULL,            -- `scanned` (decoded and looked at), `empty` (nothing to look at) or `error` (could not be decoded).
    detail TEXT,                     -- For `scanned`: the layers peeled (e.g. `base64 gzip mime`); for `error`: why decoding failed.
    scanner TEXT NOT NULL,           -- `invdb`, or the scanner whose report was imported (gitleaks, trufflehog, …).
    import_id INTEGER NOT NULL REFERENCES imports(import_id) -- The import or scan that produced the row.
) STRICT;
CREATE INDEX credential_sources_by_instance ON credential_sources(instance_id);

-- table: Credentials found: where, what, by which scanner. Never the secret itself.
CREATE TABLE credential_findings (
    finding_id INTEGER PRIMARY KEY,  -- Sequential id.
    source_id INTEGER NOT NULL REFERENCES credential_sources(source_id), -- The text it was found in.
    instance_id TEXT NOT NULL,       -- Instance (copied from the source, for short queries).
    credential_kind TEXT NOT NULL,   -- `access-key-id`, `secret-access-key` or `session-token`.
    rule TEXT NOT NULL,              -- Detector rule (invdb's, or the scanner's rule id).
    document TEXT NOT NULL,          -- The decoded document within the source, e.g. `user-data/part 2` or `user-data/write_files:/etc/app.env`.
    path TEXT,                       -- File path on the instance, when known.
    line INTEGER,                    -- 1-based line in the document, when known.
    key_id TEXT,                     -- The access key id (found with or near the secret), when known.
    fingerprint TEXT,                -- HMAC-SHA256 of the credential under the key in `<database>.key`; equal fingerprints are the same secret. NULL when the scanner kept only its own hash.
    preview TEXT NOT NULL,           -- Redacted preview: key ids whole, secrets as first four and last two characters.
    is_example INTEGER NOT NULL,     -- 1 for AWS's documented example key pair (AKIAIOSFODNN7EXAMPLE).
    place TEXT NOT NULL,             -- CIS part: `script-or-environment` (part 2) or `application` (part 3).
    scanner TEXT NOT NULL            -- `invdb`, or the scanner that reported it.
) STRICT;
CREATE INDEX credential_findings_by_instance ON credential_findings(instance_id);
CREATE INDEX credential_findings_by_key ON credential_findings(key_id);

-- table: IAM users (list-users, and the users of the credential report).
CREATE TABLE iam_users (
    arn TEXT PRIMARY KEY,            -- Arn.
    account_id TEXT NOT NULL,        -- Account, from the ARN.
    name TEXT NOT NULL,              -- UserName (`user` in the credential report; `<root_account>` for the root user).
    user_id TEXT,                    -- UserId (real AWS: AIDA…).
    create_date TEXT,                -- CreateDate (`user_creation_time`).
    import_id INTEGER NOT NULL REFERENCES imports(import_id) -- File the row was last read from.
) STRICT;

-- table: IAM access keys of users (list-access-keys `AccessKeyMetadata[]`). Key ids are identifiers, not secrets.
CREATE TABLE iam_access_keys (
    access_key_id TEXT PRIMARY KEY,  -- AccessKeyId (AKIA…).
    account_id TEXT,                 -- Account, from the user's ARN when known.
    user_name TEXT NOT NULL,         -- UserName.
    status TEXT NOT NULL,            -- Status: `Active` or `Inactive`.
    create_date TEXT,                -- CreateDate.
    import_id INTEGER NOT NULL REFERENCES imports(import_id) -- File the row was last read from.
) STRICT;
CREATE INDEX iam_access_keys_by_user ON iam_access_keys(user_name);

-- table: IAM credential report (get-credential-report, base64 CSV, or the CSV itself): one row per user and access-key slot (1 or 2). The report names no key ids; `iam_access_key_usage` matches slots to keys by creation time.
CREATE TABLE iam_credential_report (
    user_arn TEXT NOT NULL,          -- arn.
    user_name TEXT NOT NULL,         -- user.
    key_slot INTEGER NOT NULL,       -- 1 or 2 (access_key_N_… columns).
    active INTEGER NOT NULL,         -- access_key_N_active (1 true, 0 false).
    last_rotated TEXT,               -- access_key_N_last_rotated (the key's creation time); NULL for N/A.
    last_used_date TEXT,             -- access_key_N_last_used_date; NULL for N/A (never used).
    last_used_region TEXT,           -- access_key_N_last_used_region; NULL for N/A or not_supported.
    last_used_service TEXT,          -- access_key_N_last_used_service; NULL for N/A or not_supported.
    generated_at TEXT,               -- GeneratedTime of the report, when the JSON form was imported.
    import_id INTEGER NOT NULL REFERENCES imports(import_id), -- File the row was read from.
    PRIMARY KEY (user_arn, key_slot)
) STRICT;

-- view: Each access key with what the credential report says of its use: the report slot whose last_rotated is the key's creation time (to the second).
CREATE VIEW iam_access_key_usage AS
SELECT
    k.access_key_id,                 -- Key id.
    k.user_name,                     -- Owner.
    k.status,                        -- Active or Inactive (list-access-keys).
    k.create_date,                   -- Created.
    r.last_used_date,                -- Last used (credential report), NULL when never or unknown.
    r.last_used_region,              -- Region of the last use.
    r.last_used_service              -- Service of the last use.
FROM iam_access_keys AS k
LEFT JOIN iam_credential_report AS r
    ON r.user_name = k.user_name AND substr(r.last_rotated, 1, 19) = substr(k.create_date, 1, 19);

-- view: Every credential finding with where, what, which scanner and when, in one row.
CREATE VIEW credential_evidence AS
SELECT
    f.instance_id,                   -- Instance.
    s.source_kind,                   -- user-data, file, environment or scanner-report.
    f.place,                         -- CIS part: script-or-environment (part 2) or application (part 3).
    f.document,                      -- Decoded document or file.
    f.line,                          -- Line, when known.
    f.credential_kind,               -- access-key-id, secret-access-key or session-token.
    f.key_id,                        -- Access key id, when known.
    f.preview,                       -- Redacted preview.
    f.is_example,                    -- 1 for AWS's documented example key.
    f.rule,                          -- Detector rule.
    f.scanner,                       -- invdb or the scanner that reported it.
    i.imported_at AS found_at        -- When the import or scan that found it ran.
FROM credential_findings AS f
JOIN credential_sources AS s ON s.source_id = f.source_id
JOIN imports AS i ON i.import_id = s.import_id;

-- view: Per scanned instance and CIS place, what host scans and scanner reports found: the shared part of the checks ec2_instance_scripts_no_credentials and ec2_instance_applications_no_credentials.
CREATE VIEW host_credential_summary AS
WITH host_sources AS (
    SELECT * FROM credential_sources WHERE source_kind IN ('file', 'environment', 'scanner-report')
),
places(place) AS (VALUES ('script-or-environment'), ('application'))
SELECT
    s.instance_id,                   -- Instance that was scanned.
    p.place,                         -- script-or-environment (CIS part 2) or application (part 3).
    sum(s.status = 'error') AS errors, -- Collected files of the instance that could not be read.
    (SELECT count(*) FROM credential_findings AS f
        WHERE f.instance_id = s.instance_id AND f.place = p.place
          AND f.source_id IN (SELECT source_id FROM host_sources)) AS findings, -- Credentials found in that place.
    (SELECT group_concat(found, '; ') FROM (
        SELECT DISTINCT f.preview || ' (' || replace(f.credential_kind, '-', ' ')
            || CASE WHEN f.is_example = 1 THEN ', AWS''s documented example key' ELSE '' END
            || ', ' || coalesce(f.path, f.document) || coalesce(':' || f.line, '') || ', ' || f.scanner || ')' AS found
        FROM credential_findings AS f
        WHERE f.instance_id = s.instance_id AND f.place = p.place
          AND f.source_id IN (SELECT source_id FROM host_sources)
        LIMIT 10)) AS found          -- Up to ten findings, redacted, with where and by whom.
FROM host_sources AS s
CROSS JOIN places AS p
GROUP BY s.instance_id, p.place;
