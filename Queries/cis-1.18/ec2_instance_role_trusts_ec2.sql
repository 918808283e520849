-- title: Roles in EC2 instance profiles can be assumed by EC2
-- severity: high
-- cis: 1.18 part 1 (role attached): the role must be usable by the instance
-- description: EC2 delivers a profile's role credentials only when the role's trust policy lets
--   the service principal ec2.amazonaws.com call sts:AssumeRole. The check covers instances whose
--   profile holds a role; conditions in the trust policy are not evaluated.
-- remediation: Let EC2 assume the role (a trust policy with "Principal": {"Service": "ec2.amazonaws.com"},
--   "Action": "sts:AssumeRole"): aws iam update-assume-role-policy --role-name <role-name> --policy-document file://ec2-trust-policy.json
SELECT
    r.instance_id AS resource,
    CASE
        WHEN r.out_of_scope IS NOT NULL THEN 'skip'
        WHEN r.role_known = 0 THEN 'error'
        WHEN r.trusts_ec2 = 0 THEN 'alarm'
        ELSE 'ok'
    END AS status,
    CASE
        WHEN r.out_of_scope IS NOT NULL THEN r.out_of_scope
        WHEN r.role_known = 0
            THEN 'Not verified: role ' || r.role_name || ' of ' || r.label || ' is not in the imported IAM data; import aws iam list-roles '
                || '(or aws iam get-account-authorization-details) for account ' || r.account_id || '.'
        WHEN r.trusts_ec2 = 0
            THEN 'Role ' || r.role_name || ' of ' || r.label || ' does not let ec2.amazonaws.com assume it, so the instance gets no credentials: '
                || 'aws iam update-assume-role-policy --role-name ' || r.role_name || ' --policy-document file://ec2-trust-policy.json.'
        ELSE 'Role ' || r.role_name || ' of ' || r.label || ' trusts ec2.amazonaws.com.'
    END AS reason,
    r.account_id,
    r.region,
    r.name AS instance_name,
    r.state AS instance_state,
    r.profile_arn,
    r.role_arn
FROM instance_roles AS r
WHERE r.role_arn IS NOT NULL
ORDER BY r.account_id, r.region, r.instance_id;
