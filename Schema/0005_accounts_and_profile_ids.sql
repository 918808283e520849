-- Migration 0005: many accounts, and instance profiles named only by id (issue 8); shared
-- meaning of the checks in views (issue 9). Every join that crosses EC2 and IAM goes through the
-- account: by ARN, by (account, id) or by (account, name); nothing depends on the order in
-- which files were imported.

ALTER TABLE iam_access_keys ADD COLUMN key_account_id TEXT; -- The account encoded in the key id itself (keys made since 2019 carry it); NULL when it cannot be decoded. Used only when an imported user of that name is in that account.

CREATE INDEX iam_instance_profiles_by_id ON iam_instance_profiles(account_id, profile_id);
CREATE INDEX iam_users_by_name ON iam_users(name);
CREATE INDEX credential_findings_by_source ON credential_findings(source_id);

-- view: Current instances as the checks judge them: a label for sentences and, for instances out of scope (terminated, shutting down), the reason to skip them. Every instance check starts here, so the scope rule is written once.
CREATE VIEW check_instances AS
SELECT
    instance_id,                     -- Instance.
    account_id,                      -- Account.
    region,                          -- Region.
    name,                            -- Name tag.
    state,                           -- Instance state.
    coalesce(name, instance_id) AS label, -- How sentences name the instance: its Name tag, else its id.
    CASE WHEN state IN ('terminated', 'shutting-down')
        THEN coalesce(name, instance_id) || ' is ' || state || ', so it is out of scope.'
    END AS out_of_scope              -- The reason to skip the instance; NULL when it is in scope.
FROM ec2_instances
WHERE is_current = 1;

-- view: Current instances that reference an instance profile, with the profile they were matched to in the imported IAM data: by ARN (IamInstanceProfile.Arn), else by id within the instance's account (IamInstanceProfile.Id = InstanceProfileId; some exports give only the id). matched_by NULL means no imported profile matches.
CREATE VIEW instance_profile_links AS
SELECT
    i.instance_id,                   -- Instance.
    i.account_id,                    -- Account.
    i.iam_instance_profile_arn AS listed_arn, -- IamInstanceProfile.Arn as describe-instances listed it (NULL when only an id was given).
    i.iam_instance_profile_id AS listed_id, -- IamInstanceProfile.Id as listed (real AWS: AIPA…; moto: an association id).
    coalesce(by_arn.arn, by_id.arn) AS profile_arn, -- ARN of the matched imported profile; NULL when none matches.
    CASE WHEN by_arn.arn IS NOT NULL THEN 'arn' WHEN by_id.arn IS NOT NULL THEN 'id' END AS matched_by, -- `arn`, `id`, or NULL when no imported profile matches.
    coalesce(by_arn.name, by_id.name,
        substr(i.iam_instance_profile_arn, instr(i.iam_instance_profile_arn, ':instance-profile/') + 18),
        'with id ' || i.iam_instance_profile_id) AS profile_name -- The profile's name (from IAM, else from the listed ARN), or its id.
FROM ec2_instances AS i
LEFT JOIN iam_instance_profiles AS by_arn ON by_arn.arn = i.iam_instance_profile_arn
LEFT JOIN iam_instance_profiles AS by_id
    ON by_arn.arn IS NULL AND by_id.account_id = i.account_id AND by_id.profile_id = i.iam_instance_profile_id
WHERE i.is_current = 1 AND (i.iam_instance_profile_arn IS NOT NULL OR i.iam_instance_profile_id IS NOT NULL);

DROP VIEW instances_without_usable_role;
DROP VIEW instance_roles;

-- view: One row per current instance and role: instance → attached profile (by ARN, else by id in the same account) → role, with what the imported IAM data knows. has_profile = 0: no profile; profile_known = 0: the profile is not in any imported IAM file; role_arn NULL with profile_known = 1: the profile holds no role.
CREATE VIEW instance_roles AS
SELECT
    i.instance_id,                   -- Instance.
    i.account_id,                    -- Account.
    i.region,                        -- Region.
    i.name,                          -- Name tag.
    i.state,                         -- Instance state.
    (l.instance_id IS NOT NULL) AS has_profile, -- 1 when the listing names a profile (by ARN or id).
    coalesce(l.profile_arn, l.listed_arn) AS profile_arn, -- The profile's ARN (matched by id when the listing gives only the id); NULL when none is known.
    l.profile_name,                  -- The profile's name, or its id.
    (l.matched_by IS NOT NULL) AS profile_known, -- 1 when the profile is in imported IAM data.
    l.matched_by,                    -- How the profile was found in the IAM data: `arn` or `id`.
    pr.role_arn,                     -- Role in the profile, NULL when none (or profile unknown).
    pr.role_name,                    -- Role name.
    (r.arn IS NOT NULL) AS role_known, -- 1 when the role itself is in imported IAM data.
    r.trusts_ec2                     -- 1 when the role's trust policy lets EC2 assume it.
FROM ec2_instances AS i
LEFT JOIN instance_profile_links AS l ON l.instance_id = i.instance_id
LEFT JOIN iam_instance_profile_roles AS pr ON pr.profile_arn = l.profile_arn
LEFT JOIN iam_roles AS r ON r.arn = pr.role_arn
WHERE i.is_current = 1;

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

-- view: Whose each imported access key is, found from the data alone (whatever the order of the files): the account given at import (--account), else the credential report row whose key creation time is the key's (to the second; only when one user matches), else the account the key id encodes, else the only imported user of that name. user_arn NULL: not known (no user of that name, or several in different accounts).
CREATE VIEW iam_access_key_owners AS
WITH report_matches AS (
    SELECT k.access_key_id, min(r.user_arn) AS user_arn, count(DISTINCT r.user_arn) AS users
    FROM iam_access_keys AS k
    JOIN iam_credential_report AS r ON r.user_name = k.user_name AND substr(r.last_rotated, 1, 19) = substr(k.create_date, 1, 19)
    GROUP BY k.access_key_id
),
name_matches AS (
    SELECT name, min(arn) AS arn, count(*) AS users FROM iam_users GROUP BY name
),
resolved AS (
    SELECT k.access_key_id, k.user_name, k.account_id AS given_account,
        coalesce(given.arn, CASE WHEN rm.users = 1 THEN rm.user_arn END, decoded.arn, CASE WHEN nm.users = 1 THEN nm.arn END) AS user_arn,
        CASE
            WHEN k.account_id IS NOT NULL THEN 'account given at import'
            WHEN rm.users = 1 THEN 'credential report'
            WHEN decoded.arn IS NOT NULL THEN 'account in the key id'
            WHEN nm.users = 1 THEN 'only user of that name'
            WHEN nm.users > 1 THEN 'ambiguous: users of that name in ' || nm.users || ' accounts'
            ELSE 'no imported user of that name'
        END AS matched_by
    FROM iam_access_keys AS k
    LEFT JOIN iam_users AS given ON given.account_id = k.account_id AND given.name = k.user_name
    LEFT JOIN report_matches AS rm ON rm.access_key_id = k.access_key_id
    LEFT JOIN iam_users AS decoded ON decoded.account_id = k.key_account_id AND decoded.name = k.user_name
    LEFT JOIN name_matches AS nm ON nm.name = k.user_name
)
SELECT
    access_key_id,                   -- Key id.
    user_name,                       -- UserName as list-access-keys gives it.
    user_arn,                        -- The owner's ARN; NULL when it cannot be told.
    coalesce(given_account, substr(user_arn, instr(user_arn, '::') + 2, 12)) AS account_id, -- The owner's account, when known.
    matched_by                       -- How the owner was found (`account given at import`, `credential report`, `account in the key id`, `only user of that name`), or why not.
FROM resolved;

DROP VIEW iam_access_key_usage;

-- view: Each access key with its owner (iam_access_key_owners) and what the credential report says of its use: the owner's report slot whose last_rotated is the key's creation time (to the second).
CREATE VIEW iam_access_key_usage AS
SELECT
    k.access_key_id,                 -- Key id.
    k.user_name,                     -- Owner's user name.
    o.account_id,                    -- Owner's account, when known.
    o.user_arn,                      -- Owner's ARN, when known.
    k.status,                        -- Active or Inactive (list-access-keys).
    k.create_date,                   -- Created.
    r.last_used_date,                -- Last used (credential report), NULL when never or unknown.
    r.last_used_region,              -- Region of the last use.
    r.last_used_service              -- Service of the last use.
FROM iam_access_keys AS k
JOIN iam_access_key_owners AS o ON o.access_key_id = k.access_key_id
LEFT JOIN iam_credential_report AS r
    ON r.user_arn = o.user_arn AND substr(r.last_rotated, 1, 19) = substr(k.create_date, 1, 19);
