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
