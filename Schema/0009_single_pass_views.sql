-- Migration 0009: the check views read each current instance once (issue 10). The role checks
-- joined check_instances to instance_profile_links (or instance_roles), two views over
-- ec2_instances; SQLite then looked every instance up again by its id, reading its whole row
-- (raw JSON included): 7 s of a role check at a million instances. Now check_instances carries
-- the profile match itself, and the other views select from it.

DROP VIEW instances_without_usable_role;
DROP VIEW instance_roles;
DROP VIEW instance_profile_links;
DROP VIEW check_instances;

-- view: Current instances as the checks judge them: a label for sentences, for instances out of scope (terminated, shutting down) the reason to skip them, and the instance profile the listing names with the one it was matched to in the imported IAM data: by ARN (IamInstanceProfile.Arn), else by id within the instance's account (IamInstanceProfile.Id = InstanceProfileId; some exports give only the id). Every instance check starts here, so the scope rule and the profile match are written once.
CREATE VIEW check_instances AS
SELECT
    i.instance_id,                   -- Instance.
    i.account_id,                    -- Account.
    i.region,                        -- Region.
    i.name,                          -- Name tag.
    i.state,                         -- Instance state.
    coalesce(i.name, i.instance_id) AS label, -- How sentences name the instance: its Name tag, else its id.
    CASE WHEN i.state IN ('terminated', 'shutting-down')
        THEN coalesce(i.name, i.instance_id) || ' is ' || i.state || ', so it is out of scope.'
    END AS out_of_scope,             -- The reason to skip the instance; NULL when it is in scope.
    (i.iam_instance_profile_arn IS NOT NULL OR i.iam_instance_profile_id IS NOT NULL) AS has_profile, -- 1 when the listing names a profile (by ARN or id).
    i.iam_instance_profile_arn AS listed_arn, -- IamInstanceProfile.Arn as describe-instances listed it (NULL when only an id was given).
    i.iam_instance_profile_id AS listed_id, -- IamInstanceProfile.Id as listed (real AWS: AIPA…; moto: an association id).
    coalesce(by_arn.arn, by_id.arn) AS profile_arn, -- ARN of the matched imported profile; NULL when none matches.
    CASE WHEN by_arn.arn IS NOT NULL THEN 'arn' WHEN by_id.arn IS NOT NULL THEN 'id' END AS matched_by, -- `arn`, `id`, or NULL when no imported profile matches (or none is named).
    CASE WHEN i.iam_instance_profile_arn IS NOT NULL OR i.iam_instance_profile_id IS NOT NULL THEN
        coalesce(by_arn.name, by_id.name,
            substr(i.iam_instance_profile_arn, instr(i.iam_instance_profile_arn, ':instance-profile/') + 18),
            'with id ' || i.iam_instance_profile_id)
    END AS profile_name              -- The profile's name (from IAM, else from the listed ARN), or its id; NULL without a profile.
FROM ec2_instances AS i
LEFT JOIN iam_instance_profiles AS by_arn ON by_arn.arn = i.iam_instance_profile_arn
LEFT JOIN iam_instance_profiles AS by_id
    ON by_arn.arn IS NULL AND by_id.account_id = i.account_id AND by_id.profile_id = i.iam_instance_profile_id
WHERE i.is_current = 1;

-- view: Current instances that reference an instance profile, with the profile they were matched to in the imported IAM data (the check_instances rows that name a profile). matched_by NULL means no imported profile matches.
CREATE VIEW instance_profile_links AS
SELECT
    instance_id,                     -- Instance.
    account_id,                      -- Account.
    listed_arn,                      -- IamInstanceProfile.Arn as listed (NULL when only an id was given).
    listed_id,                       -- IamInstanceProfile.Id as listed.
    profile_arn,                     -- ARN of the matched imported profile; NULL when none matches.
    matched_by,                      -- `arn`, `id`, or NULL when no imported profile matches.
    profile_name                     -- The profile's name (from IAM, else from the listed ARN), or its id.
FROM check_instances
WHERE has_profile;

-- view: One row per current instance and role: instance → attached profile (by ARN, else by id in the same account) → role, with what the imported IAM data knows. has_profile = 0: no profile; profile_known = 0: the profile is not in any imported IAM file; role_arn NULL with profile_known = 1: the profile holds no role.
CREATE VIEW instance_roles AS
SELECT
    i.instance_id,                   -- Instance.
    i.account_id,                    -- Account.
    i.region,                        -- Region.
    i.name,                          -- Name tag.
    i.state,                         -- Instance state.
    i.label,                         -- How sentences name the instance (check_instances).
    i.out_of_scope,                  -- Why the instance is out of scope; NULL when in scope (check_instances).
    i.has_profile,                   -- 1 when the listing names a profile (by ARN or id).
    coalesce(i.profile_arn, i.listed_arn) AS profile_arn, -- The profile's ARN (matched by id when the listing gives only the id); NULL when none is known.
    i.profile_name,                  -- The profile's name, or its id.
    (i.matched_by IS NOT NULL) AS profile_known, -- 1 when the profile is in imported IAM data.
    i.matched_by,                    -- How the profile was found in the IAM data: `arn` or `id`.
    pr.role_arn,                     -- Role in the profile, NULL when none (or profile unknown).
    pr.role_name,                    -- Role name.
    (r.arn IS NOT NULL) AS role_known, -- 1 when the role itself is in imported IAM data.
    r.trusts_ec2                     -- 1 when the role's trust policy lets EC2 assume it.
FROM check_instances AS i
LEFT JOIN iam_instance_profile_roles AS pr ON pr.profile_arn = i.profile_arn
LEFT JOIN iam_roles AS r ON r.arn = pr.role_arn;

-- view: Current instances that can make AWS calls (pending, running, stopping, stopped) and have no usable role: no profile, a profile holding no role, an unknown profile, or a role EC2 cannot assume.
CREATE VIEW instances_without_usable_role AS
SELECT instance_id, account_id, region, name, state, profile_arn,
    CASE
        WHEN has_profile = 0 THEN 'no instance profile'
        WHEN profile_known = 0 THEN 'profile not in imported IAM data'
        WHEN role_arn IS NULL THEN 'profile holds no role'
        WHEN role_known = 0 THEN 'role not in imported IAM data'
        ELSE 'role does not trust ec2.amazonaws.com'
    END AS problem                   -- Why the instance has no usable role.
FROM instance_roles
WHERE state IN ('pending', 'running', 'stopping', 'stopped')
  AND (has_profile = 0 OR profile_known = 0 OR role_arn IS NULL OR role_known = 0 OR trusts_ec2 = 0);
