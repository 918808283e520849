-- Migration 0013: indexes for fleet scale (issue 10).
--
-- No index of interface addresses by address. Nothing reads ec2_network_interface_ips by
-- address: the CloudTrail views look addresses up in ec2_address_history, which is kept in
-- address order. The index took its 1.3 million entries in random order at a million instances,
-- 5 of the import's 6 s for the table. Lookups by address ("which instance holds 10.0.1.5?") go
-- to ec2_address_history.
DROP INDEX ec2_network_interface_ips_by_address;

-- The failing intervals of the history, by check and resource: what changed between two runs
-- (new, resolved, still failing: `invdb diff`, the report's lists) starts from the failing
-- results, a few percent of a fleet's, instead of reading every result of the runs.
CREATE INDEX result_history_failing ON result_history(benchmark, check_id, resource, first_run_id)
    WHERE effective_status IN ('alarm', 'error');
