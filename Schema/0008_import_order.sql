-- Migration 0008: checks and imports that stay fast at a million instances (issue 10).
-- The covering index of current instances also holds the listed profile id: the view
-- instance_profile_links reads it (migration 0005), and without it every check that joins
-- profiles read each instance's whole row, raw JSON included (4 GB at a million instances).
-- Retiring the instances an older snapshot held, and counting a snapshot's instances, are ranges
-- of a narrow index instead of reads of every current row; a run's new rows all carry the run's
-- snapshot, so they are appended at its end.

DROP INDEX ec2_instances_current;
-- Covers what the checks read, so they never scan the large raw_json rows.
CREATE INDEX ec2_instances_current ON ec2_instances(is_current, account_id, region, instance_id, state, name,
    iam_instance_profile_arn, iam_instance_profile_id);
CREATE INDEX ec2_instances_by_snapshot ON ec2_instances(account_id, region, is_current, snapshot_id);
