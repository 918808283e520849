-- title: Roles in EC2 instance profiles can be assumed by EC2
-- severity: high
-- cis: 1.18 part 1 (role attached): the role must be usable by the instance
-- description: EC2 delivers a profile's role credentials only when the role's trust policy lets
--   the service principal ec2.amazonaws.com call sts:AssumeRole. The check covers instances whose
--   profile holds a role; conditions in the trust policy are not evaluated.
-- remediation: Let EC2 assume the role (a trust policy with "Principal": {"Service": "ec2.amazonaws.com"},
--   "Action": "sts:AssumeRole"): aws iam update-assume-role-policy --role-name <role-name> --policy-document file://ec2-trust-policy.json
WITH instance AS (
    SELECT i.instance_id, i.account_id, i.region, i.name, i.state, i.iam_instance_profile_arn,
        coalesce(i.name, i.instance_id) AS label,
        pr.role_name,
        pr.role_arn,
        r.arn AS known_role_arn,
        r.trusts_ec2
    FROM ec2_instances AS i
    JOIN iam_instance_profile_roles AS pr ON pr.profile_arn = i.iam_instance_profile_arn
    LEFT JOIN iam_roles AS r ON r.arn = pr.role_arn
    WHERE i.is_current = 1
)
SELECT
    instance_id AS resource,
    CASE
        WHEN state IN ('terminated', 'shutting-down') THEN 'skip'
        WHEN known_role_arn IS NULL THEN 'error'
        WHEN trusts_ec2 = 0 THEN 'alarm'
        ELSE 'ok'
    END AS status,
    CASE
        WHEN state IN ('terminated', 'shutting-down')
            THEN label || ' is ' || state || ', so it is out of scope.'
        WHEN known_role_arn IS NULL
            THEN 'Not verified: role ' || role_name || ' of ' || label || ' is not in the imported IAM data; import aws iam list-roles '
                || '(or aws iam get-account-authorization-details) for account ' || account_id || '.'
        WHEN trusts_ec2 = 0
            THEN 'Role ' || role_name || ' of ' || label || ' does not let ec2.amazonaws.com assume it, so the instance gets no credentials: '
                || 'aws iam update-assume-role-policy --role-name ' || role_name || ' --policy-document file://ec2-trust-policy.json.'
        ELSE 'Role ' || role_name || ' of ' || label || ' trusts ec2.amazonaws.com.'
    END AS reason,
    account_id,
    region,
    name AS instance_name,
    state AS instance_state,
    iam_instance_profile_arn AS profile_arn,
    role_arn
FROM instance
ORDER BY account_id, region, instance_id;
