#!/usr/bin/env bash
# Regenerates the two-account fixture beside this script: two AWS accounts, 111111111111 (A) and
# 222222222222 (B), holding IAM roles, instance profiles and users of the SAME names, exported by
# Scripts/export-aws.sh --profiles (the real `aws` CLI, v1) from a throw-away moto_server on
# 127.0.0.1. README.md beside this script describes the scenario and the expected verdicts.
#
#   bash Tests/Fixtures/aws/two-accounts/make-two-accounts.sh         # free port, moto seed 218
#   MOTO_SEED=7 bash Tests/Fixtures/aws/two-accounts/make-two-accounts.sh
#
# Needs aws (awscli 1.x), moto_server (moto 5.x), python3, curl. Nothing here talks to real AWS: the
# credentials are moto's fake "testing" ones, every call goes to the loopback endpoint (also the
# CLI's own assume-role for the role_arn profiles, through AWS_ENDPOINT_URL), the AWS config files
# are temporary, and HTTP(S) proxies point at a closed loopback port so that nothing can leave.
#
# Re-runnable: 111111111111/ and 222222222222/ are replaced. Ids are reproducible (moto's random
# generator is seeded, client tokens are derived from names, the export runs one account at a
# time); launch times, key creation dates and the credential report are the wall clock.
#
# How the accounts are made: moto accepts `sts assume-role` into any account id, and the temporary
# credentials it returns address that account (moto keeps one backend per account id). So the
# set-up assumes arn:aws:iam::111111111111:role/… and …222222222222… with the fake management
# credentials, and the export uses AWS CLI profiles with role_arn into those accounts.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../../.." && pwd)"
export MOTO_SEED="${MOTO_SEED:-218}"
# Shared helpers: fake credentials, AWS configuration switched off, ensure_moto (free port, seeded).
# shellcheck source=../../credentials/lib.sh
source "$REPO/Tests/Fixtures/credentials/lib.sh"
need aws moto_server python3 curl

A=111111111111
B=222222222222
ORG_ROLE=OrganizationAccountAccessRole

unset MOTO_ENDPOINT   # always a server of our own: the accounts must be fresh
ensure_moto
WORK="$(mktemp -d)"
trap '_moto_cleanup; rm -rf "$WORK"' EXIT
export HOME="$WORK/home"   # the CLI caches role_arn credentials under ~/.aws/cli/cache
mkdir -p "$HOME"
export HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.1,localhost
export http_proxy=$HTTP_PROXY https_proxy=$HTTPS_PROXY no_proxy=$NO_PROXY
export AWS_ENDPOINT_URL="$MOTO_ENDPOINT"

# in_account ACCOUNT: sets this shell's credentials to an assumed role in ACCOUNT (moto only).
in_account() {
    export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
    unset AWS_SESSION_TOKEN
    local creds
    creds=$(awst sts assume-role --role-arn "arn:aws:iam::$1:role/fixture-setup" --role-session-name fixture-setup \
        --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]')
    export AWS_ACCESS_KEY_ID=${creds%%$'\t'*}; creds=${creds#*$'\t'}
    export AWS_SECRET_ACCESS_KEY=${creds%%$'\t'*} AWS_SESSION_TOKEN=${creds#*$'\t'}
    [ "$(awst sts get-caller-identity --query Account)" = "$1" ] || die "moto did not switch to account $1"
}

TRUST_EC2='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
TRUST_MGMT="{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::$ACCOUNT:root\"},\"Action\":\"sts:AssumeRole\"}]}"

# launch NAME USERDATA_FILE|- [extra run-instances args…] -> prints the instance id
launch() {
    local name=$1 udata=$2; shift 2
    local token args=()
    token=$(python3 -c 'import sys, uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, "invdb-two-accounts/" + sys.argv[1]))' "$name")
    [ "$udata" = - ] || args+=(--user-data "file://$udata")
    awst ec2 run-instances --image-id "$AMI" --instance-type "$TYPE" --count 1 --client-token "$token" \
        --tag-specifications "ResourceType=instance,Tags=[{Key=Name,Value=$name}]" \
        ${args[@]+"${args[@]}"} "$@" --query 'Instances[0].InstanceId'
}

# common_iam: what both accounts have, with the same names.
common_iam() {
    awsj iam create-role --role-name "$ORG_ROLE" --assume-role-policy-document "$TRUST_MGMT" >/dev/null
    # AWS attaches the managed AdministratorAccess; moto_server does not load AWS managed policies
    # (unless MOTO_IAM_LOAD_MANAGED_POLICIES is set), so an inline policy stands in for it.
    awsj iam put-role-policy --role-name "$ORG_ROLE" --policy-name administrator \
        --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
    awsj iam create-role --role-name app-role --assume-role-policy-document "$TRUST_EC2" \
        --description "application role for EC2" >/dev/null
    awsj iam create-instance-profile --instance-profile-name app-profile >/dev/null
    awsj iam create-user --user-name deploy-bot >/dev/null
    awsj iam create-access-key --user-name deploy-bot > "$WORK/key-$1.json"
}
key_field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["AccessKey"][sys.argv[2]])' "$1" "$2"; }
user_data() {  # user_data ACCOUNT FILE: a deploy script that carries the account's deploy-bot key
    local id secret
    id=$(key_field "$WORK/key-$1.json" AccessKeyId)
    secret=$(key_field "$WORK/key-$1.json" SecretAccessKey)
    cat > "$2" <<EOF
#!/bin/bash
# deploy the application (account $1): uses deploy-bot's key instead of an instance role
export AWS_ACCESS_KEY_ID=$id
export AWS_SECRET_ACCESS_KEY=$secret
aws s3 cp s3://app-artifacts-$1/app.tar.gz /opt/app.tar.gz
EOF
}

echo "account A $A"
in_account "$A"
common_iam "$A"
# A: app-profile holds app-role, which trusts ec2.amazonaws.com.
awsj iam add-role-to-instance-profile --instance-profile-name app-profile --role-name app-role
user_data "$A" "$WORK/user-data-a.sh"
WEB_A=$(launch web-a - --iam-instance-profile Name=app-profile)
WORKER_A=$(launch worker-a "$WORK/user-data-a.sh")

echo "account B $B"
in_account "$B"
common_iam "$B"
# B: app-profile exists under the same name but holds NO role (app-role exists, unattached).
user_data "$B" "$WORK/user-data-b.sh"
WEB_B=$(launch web-b "$WORK/user-data-b.sh" --iam-instance-profile Name=app-profile)

# --- the export, by the script itself, with one AWS CLI profile per account -------------------------
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
unset AWS_SESSION_TOKEN
cat > "$WORK/config" <<EOF
[profile management]
region = $REGION
[profile account-a]
role_arn = arn:aws:iam::$A:role/$ORG_ROLE
source_profile = management
role_session_name = invdb-export
region = $REGION
[profile account-b]
role_arn = arn:aws:iam::$B:role/$ORG_ROLE
source_profile = management
role_session_name = invdb-export
region = $REGION
EOF
cat > "$WORK/credentials" <<EOF
[management]
aws_access_key_id = testing
aws_secret_access_key = testing
EOF
export AWS_CONFIG_FILE="$WORK/config" AWS_SHARED_CREDENTIALS_FILE="$WORK/credentials"
rm -rf "${HERE:?}/$A" "${HERE:?}/$B"
echo "export"
bash "$REPO/Scripts/export-aws.sh" --jobs 1 --profiles account-a,account-b "$HERE" "$REGION"
# export-aws.sh makes its folders 0700 (private exports); a committed fixture is ordinary files.
chmod 755 "$HERE" "$HERE/$A" "$HERE/$B"
find "$HERE/$A" "$HERE/$B" -type d -exec chmod 755 {} +

# --- checks: every case really is in the output ---------------------------------------------------
echo "checks"
python3 - "$HERE" "$A" "$B" "$WEB_A" "$WORKER_A" "$WEB_B" "$WORK/key-$A.json" "$WORK/key-$B.json" <<'PY'
import base64, json, os, sys
here, a, b, web_a, worker_a, web_b, key_a, key_b = sys.argv[1:9]
keys = {a: json.load(open(key_a))["AccessKey"]["AccessKeyId"], b: json.load(open(key_b))["AccessKey"]["AccessKeyId"]}
problems = []
def check(cond, msg):
    if not cond: problems.append(msg)
def load(*p): return json.load(open(os.path.join(here, *p)))
expected_files = sorted(["sts-caller-identity.json", "iam/account-authorization-details.json",
    "iam/instance-profiles.json", "iam/users.json", "iam/access-keys-deploy-bot.json",
    "iam/credential-report.json"] + ["us-east-1/" + f for f in ("instances.json", "profile-associations.json",
    "user-data.jsonl", "addresses.json", "nat-gateways.json", "route-tables.json", "subnets.json",
    "vpc-endpoints.json", "network-interfaces.json")])
cases = {a: {web_a: ("web-a", "app-profile", None), worker_a: ("worker-a", None, keys[a])},
         b: {web_b: ("web-b", "app-profile", keys[b])}}
for acct, insts in cases.items():
    d = os.path.join(here, acct)
    files = sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs)
    check(files == expected_files, f"{acct}: files {files}")
    sts = load(acct, "sts-caller-identity.json")
    check(sts["Account"] == acct and sts["Arn"] == f"arn:aws:sts::{acct}:assumed-role/OrganizationAccountAccessRole/invdb-export",
          f"{acct}: caller {sts}")
    got = {i["InstanceId"]: i for r in load(acct, "us-east-1", "instances.json")["Reservations"] for i in r["Instances"]}
    check(set(got) == set(insts), f"{acct}: instances {sorted(got)}")
    udata = {}
    for line in open(os.path.join(d, "us-east-1", "user-data.jsonl")):
        doc = json.loads(line)
        value = doc.get("UserData", {}).get("Value")
        udata[doc["InstanceId"]] = base64.b64decode(value).decode() if value else ""
    for iid, (name, profile, key) in insts.items():
        i = got.get(iid, {})
        check(any(t["Key"] == "Name" and t["Value"] == name for t in i.get("Tags", [])), f"{acct}/{iid}: name")
        arn = i.get("IamInstanceProfile", {}).get("Arn")
        check(arn == (f"arn:aws:iam::{acct}:instance-profile/{profile}" if profile else None), f"{acct}/{name}: profile {arn}")
        check((key in udata.get(iid, "")) if key else udata.get(iid) == "", f"{acct}/{name}: user data")
    profiles = {p["InstanceProfileName"]: p for p in load(acct, "iam", "instance-profiles.json")["InstanceProfiles"]}
    roles_in_profile = [r["RoleName"] for r in profiles["app-profile"]["Roles"]]
    check(roles_in_profile == (["app-role"] if acct == a else []), f"{acct}: app-profile roles {roles_in_profile}")
    roles = {r["RoleName"]: r for r in load(acct, "iam", "account-authorization-details.json")["RoleDetailList"]}
    trust = roles["app-role"]["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
    check(trust == {"Service": "ec2.amazonaws.com"} and roles["app-role"]["Arn"] == f"arn:aws:iam::{acct}:role/app-role",
          f"{acct}: app-role")
    ks = load(acct, "iam", "access-keys-deploy-bot.json")["AccessKeyMetadata"]
    check([(k["AccessKeyId"], k["Status"]) for k in ks] == [(keys[acct], "Active")], f"{acct}: deploy-bot keys {ks}")
    assoc = load(acct, "us-east-1", "profile-associations.json")["IamInstanceProfileAssociations"]
    want = sorted((iid, f"arn:aws:iam::{acct}:instance-profile/{p}") for iid, (_, p, _) in insts.items() if p)
    check(sorted((x["InstanceId"], x["IamInstanceProfile"]["Arn"]) for x in assoc) == want, f"{acct}: associations {assoc}")
if problems:
    print("\n".join("CHECK FAILED: " + p for p in problems)); sys.exit(1)
print("  all checks passed")
PY

echo
echo "instances (account, id, name, profile):"
printf '  %s\n' "$A $WEB_A web-a app-profile (holds app-role)" "$A $WORKER_A worker-a - (user data: deploy-bot key of $A)" \
    "$B $WEB_B web-b app-profile (holds no role; user data: deploy-bot key of $B)"
