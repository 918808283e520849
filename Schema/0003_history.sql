-- Migration 0003: run history and exceptions (waivers), for scheduled reports.

-- table: One row per recorded run (`invdb check --record`, `invdb report`).
CREATE TABLE runs (
    run_id INTEGER PRIMARY KEY,      -- Sequential id; later runs have larger ids.
    recorded_at TEXT NOT NULL,       -- When the run happened (UTC, ISO 8601; INVDB_NOW fixes it for tests).
    benchmark TEXT NOT NULL,         -- Benchmark id, e.g. cis-1.18.
    command TEXT NOT NULL,           -- `check` or `report`.
    invdb_version TEXT NOT NULL,     -- Version of invdb that ran.
    newest_import_id INTEGER,        -- The newest import the run saw: it judged the data of imports up to this id.
    counts TEXT NOT NULL             -- JSON object: results per effective status.
) STRICT;

-- table: Every result row of a recorded run.
CREATE TABLE run_results (
    run_id INTEGER NOT NULL REFERENCES runs(run_id), -- The run.
    check_id TEXT NOT NULL,          -- Check (file name without .sql).
    resource TEXT NOT NULL,          -- Resource the row is about.
    status TEXT NOT NULL,            -- Status the check returned: ok, alarm, skip, info, error.
    effective_status TEXT NOT NULL,  -- After exceptions: `waived` when an unexpired waiver covers an alarm or error.
    reason TEXT NOT NULL,            -- The check's reason.
    account_id TEXT,                 -- account_id dimension, when the check returns it.
    region TEXT,                     -- region dimension, when the check returns it.
    name TEXT,                       -- instance_name (or name) dimension, when the check returns it.
    PRIMARY KEY (run_id, check_id, resource)
) STRICT;

-- table: Exceptions: a result accepted on purpose, by someone, for a reason, until a date. Waivers survive re-imports.
CREATE TABLE waivers (
    waiver_id INTEGER PRIMARY KEY,   -- Sequential id.
    check_id TEXT NOT NULL,          -- Check the waiver applies to.
    resource TEXT NOT NULL,          -- Resource the waiver applies to.
    reason TEXT NOT NULL,            -- Why the result is accepted.
    owner TEXT NOT NULL,             -- Who accepted it.
    expires_on TEXT NOT NULL,        -- Last day (UTC, YYYY-MM-DD) the waiver applies; after it the result fails again.
    created_at TEXT NOT NULL,        -- When the waiver was made.
    UNIQUE (check_id, resource)
) STRICT;
