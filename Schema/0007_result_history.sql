-- Migration 0007: run history as intervals (issue 10). A daily run of an unchanged fleet used to
-- add one row per result; now each result's history is a list of intervals (the same status,
-- reason and dimensions from one run of a benchmark to another), so history grows with change,
-- not with fleet size times runs. The old rows are folded into intervals, and `run_results`
-- stays as a view with the same columns for SQL users.

-- table: Each result's history, as intervals: the check returned the same status, effective status, reason and dimensions for the resource in every run of the benchmark from first_run_id to last_run_id. A result that disappears or changes closes its interval; the next run that returns it opens a new one.
CREATE TABLE result_history (
    interval_id INTEGER PRIMARY KEY, -- Sequential id.
    benchmark TEXT NOT NULL,         -- Benchmark id of the runs, e.g. cis-1.18.
    check_id TEXT NOT NULL,          -- Check (file name without .sql).
    resource TEXT NOT NULL,          -- Resource the row is about.
    status TEXT NOT NULL,            -- Status the check returned: ok, alarm, skip, info, error.
    effective_status TEXT NOT NULL,  -- After exceptions: `waived` when an unexpired waiver covered an alarm or error.
    reason TEXT NOT NULL,            -- The check's reason.
    account_id TEXT,                 -- account_id dimension, when the check returns it.
    region TEXT,                     -- region dimension, when the check returns it.
    name TEXT,                       -- instance_name (or name) dimension, when the check returns it.
    first_run_id INTEGER NOT NULL,   -- The first run of the interval.
    last_run_id INTEGER,             -- The last run of the interval; NULL while the benchmark's latest run still returns this result.
    failing_since TEXT               -- For alarm and error: when the failing streak this interval belongs to began (recorded_at of its first run; a change of reason or from alarm to error does not restart it). NULL otherwise.
) STRICT;
CREATE UNIQUE INDEX result_history_open ON result_history(benchmark, check_id, resource) WHERE last_run_id IS NULL;
CREATE INDEX result_history_by_key ON result_history(benchmark, check_id, resource, first_run_id);
CREATE INDEX result_history_by_last_run ON result_history(benchmark, last_run_id);

-- The old rows, folded into intervals: consecutive runs of a benchmark with the same values form
-- one interval (gaps and islands), and a failing streak runs over consecutive failing runs.
INSERT INTO result_history(benchmark, check_id, resource, status, effective_status, reason, account_id, region, name,
                           first_run_id, last_run_id, failing_since)
WITH numbered_runs AS (
    SELECT run_id, benchmark, recorded_at, row_number() OVER (PARTITION BY benchmark ORDER BY run_id) AS n FROM runs
), results AS (
    SELECT r.benchmark, r.n, r.run_id, r.recorded_at, x.check_id, x.resource, x.status, x.effective_status, x.reason,
           x.account_id, x.region, x.name, x.effective_status IN ('alarm', 'error') AS failing
    FROM run_results AS x JOIN numbered_runs AS r ON r.run_id = x.run_id
), islands AS (
    SELECT *,
        n - row_number() OVER (PARTITION BY benchmark, check_id, resource, status, effective_status, reason, account_id, region, name
                               ORDER BY n) AS island,
        n - row_number() OVER (PARTITION BY benchmark, check_id, resource, failing ORDER BY n) AS streak
    FROM results
), streaks AS (
    SELECT *, min(recorded_at) OVER (PARTITION BY benchmark, check_id, resource, failing, streak) AS streak_start FROM islands
)
SELECT benchmark, check_id, resource, status, effective_status, reason, account_id, region, name,
       min(run_id), max(run_id), CASE WHEN failing THEN min(streak_start) END
FROM streaks
GROUP BY benchmark, check_id, resource, status, effective_status, reason, account_id, region, name, island
ORDER BY min(run_id), check_id, resource;

UPDATE result_history SET last_run_id = NULL
WHERE last_run_id = (SELECT max(r.run_id) FROM runs AS r WHERE r.benchmark = result_history.benchmark);

DROP TABLE run_results;

-- view: Every result row of every recorded run, as the tables before migration 0007 held them: one row per run, check and resource, expanded from result_history.
CREATE VIEW run_results AS
SELECT
    r.run_id,                        -- The run.
    h.check_id,                      -- Check (file name without .sql).
    h.resource,                      -- Resource the row is about.
    h.status,                        -- Status the check returned.
    h.effective_status,              -- After exceptions (`waived`).
    h.reason,                        -- The check's reason.
    h.account_id,                    -- account_id dimension.
    h.region,                        -- region dimension.
    h.name,                          -- instance_name (or name) dimension.
    h.failing_since                  -- For alarm and error: when the failing streak began.
FROM runs AS r
JOIN result_history AS h ON h.benchmark = r.benchmark AND h.first_run_id <= r.run_id
    AND (h.last_run_id IS NULL OR h.last_run_id >= r.run_id);
