-- Migration 0001: imports, EC2 inventory and IAM instance profiles and roles.
--
-- Every table and column carries a comment: `-- table:` lines describe a table, a trailing
-- comment on a column line says what it means and which JSON field it comes from.
-- docs/tables.md is generated from these comments (`make docs`). Never edit a shipped
-- migration: add the next numbered file instead.

-- table: One row per `invdb import` run. All files of one run form one transaction.
CREATE TABLE import_runs (
    run_id INTEGER PRIMARY KEY,      -- Sequential id of the run; later runs have larger ids.
    started_at TEXT NOT NULL,        -- When the run started (UTC, ISO 8601).
    invdb_version TEXT NOT NULL,     -- Version of invdb that ran the import.
    account_override TEXT,           -- The `--account` option, when given.
    region_override TEXT             -- The `--region` option, when given.
) STRICT;

-- table: One row per file imported. A file whose sha256 is already here is not imported again (see README: snapshots).
CREATE TABLE imports (
    import_id INTEGER PRIMARY KEY,   -- Sequential id of the file import.
    run_id INTEGER NOT NULL REFERENCES import_runs(run_id), -- The run that imported the file.
    path TEXT NOT NULL,              -- Path as given on the command line (`-` for stdin).
    sha256 TEXT NOT NULL,            -- SHA-256 of the file's bytes, lowercase hex.
    kind TEXT NOT NULL,              -- Detected kind, e.g. `ec2-describe-instances` (see README).
    account_id TEXT,                 -- AWS account the data belongs to, when known.
    region TEXT,                     -- AWS region the data belongs to, when known (NULL for global IAM data).
    imported_at TEXT NOT NULL,       -- When the file was imported (UTC, ISO 8601).
    byte_count INTEGER NOT NULL,     -- Size of the file in bytes.
    row_counts TEXT NOT NULL         -- JSON object: rows written per table, e.g. {"ec2_instances": 3}.
) STRICT;
CREATE INDEX imports_by_sha256 ON imports(sha256);

-- table: One row per describe-instances snapshot: all instance data for one account and region given to one run. A later snapshot of the same account and region replaces it.
CREATE TABLE ec2_snapshots (
    snapshot_id INTEGER PRIMARY KEY, -- Sequential id; the largest id per account and region is current.
    run_id INTEGER NOT NULL REFERENCES import_runs(run_id), -- The run that took the snapshot.
    account_id TEXT NOT NULL,        -- AWS account (Reservations[].OwnerId, or `--account`).
    region TEXT NOT NULL,            -- AWS region (from Placement.AvailabilityZone, or `--region`).
    instance_count INTEGER NOT NULL DEFAULT 0 -- Instances the snapshot holds.
) STRICT;
CREATE INDEX ec2_snapshots_by_place ON ec2_snapshots(account_id, region);

-- table: EC2 instances (describe-instances `Reservations[].Instances[]`). Instances missing from the newest snapshot of their account and region keep their last known row with is_current = 0.
CREATE TABLE ec2_instances (
    instance_id TEXT PRIMARY KEY,    -- InstanceId, e.g. i-0abc…
    account_id TEXT NOT NULL,        -- Owning account (Reservations[].OwnerId).
    region TEXT NOT NULL,            -- Region, derived from Placement.AvailabilityZone (or `--region`).
    availability_zone TEXT,          -- Placement.AvailabilityZone.
    reservation_id TEXT,             -- Reservations[].ReservationId.
    state TEXT NOT NULL,             -- State.Name: pending, running, shutting-down, terminated, stopping, stopped.
    state_reason TEXT,               -- StateReason.Message, or StateTransitionReason when absent.
    instance_type TEXT,              -- InstanceType.
    image_id TEXT,                   -- ImageId (AMI).
    vpc_id TEXT,                     -- VpcId.
    subnet_id TEXT,                  -- SubnetId.
    private_ip TEXT,                 -- PrivateIpAddress (primary private IPv4).
    public_ip TEXT,                  -- PublicIpAddress, when the instance has one.
    private_dns TEXT,                -- PrivateDnsName.
    public_dns TEXT,                 -- PublicDnsName (NULL when empty).
    launch_time TEXT,                -- LaunchTime as printed by the CLI (ISO 8601).
    platform TEXT,                   -- Platform (real AWS: `windows` or absent; moto: `Linux/UNIX` too).
    platform_details TEXT,           -- PlatformDetails, e.g. `Linux/UNIX`.
    architecture TEXT,               -- Architecture.
    key_name TEXT,                   -- KeyName (SSH key pair).
    metadata_http_tokens TEXT,       -- MetadataOptions.HttpTokens: `required` means IMDSv2 only.
    metadata_http_endpoint TEXT,     -- MetadataOptions.HttpEndpoint: `enabled` or `disabled`.
    metadata_hop_limit INTEGER,      -- MetadataOptions.HttpPutResponseHopLimit.
    iam_instance_profile_arn TEXT,   -- IamInstanceProfile.Arn: the attached instance profile, NULL when none.
    iam_instance_profile_id TEXT,    -- IamInstanceProfile.Id (real AWS: AIPA… profile id; moto: the association id).
    name TEXT,                       -- Value of the `Name` tag.
    snapshot_id INTEGER NOT NULL REFERENCES ec2_snapshots(snapshot_id), -- Last snapshot that contained the instance.
    import_id INTEGER NOT NULL REFERENCES imports(import_id), -- File the row was last read from.
    is_current INTEGER NOT NULL,     -- 1 when the instance is in the newest snapshot of its account and region.
    raw_json TEXT NOT NULL           -- The instance object as imported (minified JSON), for `raw_json ->> '$.Field'`.
) STRICT;
-- Covers what the checks read, so they never scan the large raw_json rows.
CREATE INDEX ec2_instances_current ON ec2_instances(is_current, account_id, region, instance_id, state, name, iam_instance_profile_arn);
CREATE INDEX ec2_instances_by_profile ON ec2_instances(iam_instance_profile_arn);

-- table: Instance tags (Instances[].Tags[]).
CREATE TABLE ec2_instance_tags (
    instance_id TEXT NOT NULL REFERENCES ec2_instances(instance_id), -- The tagged instance.
    key TEXT NOT NULL,               -- Tags[].Key.
    value TEXT NOT NULL              -- Tags[].Value.
) STRICT;
CREATE INDEX ec2_instance_tags_by_instance ON ec2_instance_tags(instance_id);

-- table: Network interfaces attached to instances (Instances[].NetworkInterfaces[]).
CREATE TABLE ec2_network_interfaces (
    network_interface_id TEXT NOT NULL, -- NetworkInterfaceId, e.g. eni-…
    instance_id TEXT NOT NULL REFERENCES ec2_instances(instance_id), -- Instance it is attached to.
    device_index INTEGER,            -- Attachment.DeviceIndex (0 is the primary interface).
    attachment_id TEXT,              -- Attachment.AttachmentId.
    status TEXT,                     -- Status, e.g. `in-use`.
    subnet_id TEXT,                  -- SubnetId.
    vpc_id TEXT,                     -- VpcId.
    mac_address TEXT,                -- MacAddress.
    private_ip TEXT,                 -- PrivateIpAddress (primary private IPv4 of the interface).
    public_ip TEXT,                  -- Association.PublicIp, when present.
    owner_id TEXT,                   -- OwnerId (account that owns the interface).
    description TEXT                 -- Description.
) STRICT;
CREATE INDEX ec2_network_interfaces_by_instance ON ec2_network_interfaces(instance_id);

-- table: IP addresses of network interfaces (NetworkInterfaces[].PrivateIpAddresses[] and Ipv6Addresses[]).
CREATE TABLE ec2_network_interface_ips (
    network_interface_id TEXT NOT NULL, -- Interface the address belongs to.
    instance_id TEXT NOT NULL REFERENCES ec2_instances(instance_id), -- Instance of the interface.
    family TEXT NOT NULL,            -- `ipv4` or `ipv6`.
    private_ip TEXT NOT NULL,        -- PrivateIpAddresses[].PrivateIpAddress or Ipv6Addresses[].Ipv6Address.
    is_primary INTEGER NOT NULL,     -- PrivateIpAddresses[].Primary (0 for IPv6).
    public_ip TEXT,                  -- PrivateIpAddresses[].Association.PublicIp, when present.
    private_dns TEXT                 -- PrivateIpAddresses[].PrivateDnsName.
) STRICT;
CREATE INDEX ec2_network_interface_ips_by_instance ON ec2_network_interface_ips(instance_id);

-- table: Security groups per instance (Instances[].SecurityGroups[]).
CREATE TABLE ec2_instance_security_groups (
    instance_id TEXT NOT NULL REFERENCES ec2_instances(instance_id), -- The instance.
    group_id TEXT NOT NULL,          -- SecurityGroups[].GroupId.
    group_name TEXT                  -- SecurityGroups[].GroupName.
) STRICT;
CREATE INDEX ec2_instance_security_groups_by_instance ON ec2_instance_security_groups(instance_id);

-- table: Instance-profile associations (describe-iam-instance-profile-associations).
CREATE TABLE ec2_instance_profile_associations (
    association_id TEXT PRIMARY KEY, -- AssociationId, e.g. iip-assoc-…
    instance_id TEXT NOT NULL,       -- InstanceId.
    profile_arn TEXT,                -- IamInstanceProfile.Arn.
    profile_id TEXT,                 -- IamInstanceProfile.Id.
    state TEXT,                      -- State: associating, associated, disassociating, disassociated.
    account_id TEXT,                 -- Account, from the profile ARN (or `--account`).
    region TEXT,                     -- Region, from `--region` or the instance's row.
    import_id INTEGER NOT NULL REFERENCES imports(import_id) -- File the row was last read from.
) STRICT;
CREATE INDEX ec2_instance_profile_associations_by_instance ON ec2_instance_profile_associations(instance_id);

-- table: IAM instance profiles (list-instance-profiles, get-instance-profile, get-account-authorization-details).
CREATE TABLE iam_instance_profiles (
    arn TEXT PRIMARY KEY,            -- Arn, e.g. arn:aws:iam::123456789012:instance-profile/web.
    account_id TEXT NOT NULL,        -- Account, from the ARN.
    name TEXT NOT NULL,              -- InstanceProfileName.
    profile_id TEXT,                 -- InstanceProfileId (real AWS: AIPA…).
    path TEXT,                       -- Path.
    create_date TEXT,                -- CreateDate.
    import_id INTEGER NOT NULL REFERENCES imports(import_id) -- File the row was last read from.
) STRICT;

-- table: Roles held by each instance profile (InstanceProfiles[].Roles[]). A profile holds at most one role; a profile with none is legal and useless.
CREATE TABLE iam_instance_profile_roles (
    profile_arn TEXT NOT NULL REFERENCES iam_instance_profiles(arn), -- The profile.
    role_arn TEXT NOT NULL,          -- Roles[].Arn.
    role_name TEXT NOT NULL,         -- Roles[].RoleName.
    PRIMARY KEY (profile_arn, role_arn)
) STRICT;
CREATE INDEX iam_instance_profile_roles_by_role ON iam_instance_profile_roles(role_arn);

-- table: IAM roles (list-roles, Roles[] inside instance profiles, RoleDetailList[]).
CREATE TABLE iam_roles (
    arn TEXT PRIMARY KEY,            -- Arn.
    account_id TEXT NOT NULL,        -- Account, from the ARN.
    name TEXT NOT NULL,              -- RoleName.
    role_id TEXT,                    -- RoleId (real AWS: AROA…).
    path TEXT,                       -- Path.
    create_date TEXT,                -- CreateDate.
    description TEXT,                -- Description.
    max_session_duration INTEGER,    -- MaxSessionDuration, seconds.
    trust_policy TEXT,               -- AssumeRolePolicyDocument as JSON (URL-decoded).
    trusts_ec2 INTEGER NOT NULL,     -- 1 when an Allow statement lets service ec2.amazonaws.com call sts:AssumeRole and no Deny blocks it.
    import_id INTEGER NOT NULL REFERENCES imports(import_id) -- File the row was last read from.
) STRICT;

-- table: Policies of roles (get-account-authorization-details RoleDetailList[]: AttachedManagedPolicies and RolePolicyList).
CREATE TABLE iam_role_policies (
    role_arn TEXT NOT NULL REFERENCES iam_roles(arn), -- The role.
    policy_type TEXT NOT NULL,       -- `attached` (managed policy) or `inline`.
    policy_name TEXT NOT NULL,       -- PolicyName.
    policy_arn TEXT,                 -- PolicyArn for attached policies; NULL for inline ones.
    PRIMARY KEY (role_arn, policy_type, policy_name)
) STRICT;

-- table: Caller identities (sts get-caller-identity): which account and principal produced the files.
CREATE TABLE sts_caller_identities (
    account_id TEXT NOT NULL,        -- Account.
    arn TEXT NOT NULL,               -- Arn of the calling principal.
    user_id TEXT,                    -- UserId (a principal id, not a secret).
    import_id INTEGER NOT NULL REFERENCES imports(import_id), -- File the row was read from.
    PRIMARY KEY (account_id, arn)
) STRICT;

-- view: Current instances (in the newest snapshot of their account and region).
CREATE VIEW ec2_current_instances AS
SELECT * FROM ec2_instances WHERE is_current = 1;

-- view: One row per current instance and role: instance → attached profile → role, with what the imported IAM data knows. profile_known = 0 means the profile is not in any imported IAM file; role_arn NULL with profile_known = 1 means the profile holds no role.
CREATE VIEW instance_roles AS
SELECT
    i.instance_id,                   -- Instance.
    i.account_id,                    -- Account.
    i.region,                        -- Region.
    i.name,                          -- Name tag.
    i.state,                         -- Instance state.
    i.iam_instance_profile_arn AS profile_arn, -- Attached profile, NULL when none.
    (p.arn IS NOT NULL) AS profile_known, -- 1 when the profile is in imported IAM data.
    pr.role_arn,                     -- Role in the profile, NULL when none (or profile unknown).
    pr.role_name,                    -- Role name.
    (r.arn IS NOT NULL) AS role_known, -- 1 when the role itself is in imported IAM data.
    r.trusts_ec2                     -- 1 when the role's trust policy lets EC2 assume it.
FROM ec2_instances AS i
LEFT JOIN iam_instance_profiles AS p ON p.arn = i.iam_instance_profile_arn
LEFT JOIN iam_instance_profile_roles AS pr ON pr.profile_arn = p.arn
LEFT JOIN iam_roles AS r ON r.arn = pr.role_arn
WHERE i.is_current = 1;

-- view: Current instances that can make AWS calls (pending, running, stopping, stopped) and have no usable role: no profile, a profile holding no role, an unknown profile, or a role EC2 cannot assume.
CREATE VIEW instances_without_usable_role AS
SELECT instance_id, account_id, region, name, state, profile_arn,
    CASE
        WHEN profile_arn IS NULL THEN 'no instance profile'
        WHEN profile_known = 0 THEN 'profile not in imported IAM data'
        WHEN role_arn IS NULL THEN 'profile holds no role'
        WHEN role_known = 0 THEN 'role not in imported IAM data'
        ELSE 'role does not trust ec2.amazonaws.com'
    END AS problem                   -- Why the instance has no usable role.
FROM instance_roles
WHERE state IN ('pending', 'running', 'stopping', 'stopped')
  AND (profile_arn IS NULL OR profile_known = 0 OR role_arn IS NULL OR role_known = 0 OR trusts_ec2 = 0);
