-- Migration 0008: an import whose cost grows with the fleet, not faster (issue 10). The covering
-- index of current instances now orders them by snapshot before the instance id: a run's new rows
-- all carry the run's snapshot, so they are appended at the end of their account and region
-- instead of landing on random pages of a large index, and retiring the instances an older
-- snapshot held (snapshot_id below the run's) and counting a snapshot are ranges of it.

DROP INDEX ec2_instances_current;
-- Covers what the checks read, so they never scan the large raw_json rows.
CREATE INDEX ec2_instances_current ON ec2_instances(is_current, account_id, region, snapshot_id, instance_id, state, name, iam_instance_profile_arn);
