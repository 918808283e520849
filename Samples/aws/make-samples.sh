#!/usr/bin/env bash
# Regenerates the AWS CLI sample data beside this script (and two fixture sets under Tests/Fixtures)
# by running the real `aws` CLI (v1, `--output json`) against a throw-away moto_server bound to
# 127.0.0.1 only. Nothing here talks to real AWS: the credentials are moto's fake "testing" ones and
# every call carries --endpoint-url.
#
#   bash Samples/aws/make-samples.sh            # port 5055, moto random seed 42
#   MOTO_PORT=5077 bash Samples/aws/make-samples.sh
#
# Needs: aws (awscli 1.x), moto_server (moto 5.x), python3, curl, gzip.
# Re-runnable: every file it writes is deleted first and rewritten. Ids are made reproducible by
# seeding moto's random generator (POST /moto-api/seed); timestamps are the wall clock and change.
#
# Scenario (CIS AWS 1.18, role part), in the order it is built:
#   1. IAM: app-ec2-role (trusts ec2.amazonaws.com; managed policy app-read-s3 + inline app-inline-logs),
#      lambda-only-role (trusts lambda.amazonaws.com only); instance profiles app-profile (app-ec2-role),
#      empty-profile (no role), lambda-profile (lambda-only-role).
#   2. IAM export -> iam/, sts/.
#   3. late-profile (app-ec2-role) created AFTER the export: the stale-export case.
#   4. Instances in us-east-1 and eu-west-1, exports per region, eu-west-1 again page by page.
#   5. web-2 terminated, then a filtered "later" listing -> Tests/Fixtures/aws/later/.
#   6. Tests/Fixtures/bad/make-bad.sh derives the malformed-input fixtures.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PORT="${MOTO_PORT:-5055}"
SEED="${MOTO_SEED:-42}"
ENDPOINT="http://127.0.0.1:${PORT}"
ACCOUNT=123456789012  # moto's default account
# amzn-ami-hvm-2017.09.1.20171103-x86_64-gp2: in moto's built-in AMI list, in every region.
AMI=ami-760aaa0f
TYPE=t3.micro

die() { echo "make-samples: $*" >&2; exit 1; }
for tool in aws moto_server python3 curl gzip; do
  command -v "$tool" >/dev/null 2>&1 || die "missing tool: $tool"
done

# Fake credentials only; keep any real config, profile or endpoint of this machine out of it.
export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
export AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=/dev/null
export AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ENDPOINT_URL \
      AWS_ENDPOINT_URL_EC2 AWS_ENDPOINT_URL_IAM AWS_ENDPOINT_URL_STS AWS_ENDPOINT_URL_S3 AWS_CA_BUNDLE

# --- moto_server on loopback, killed on exit -------------------------------------------------------
if (exec 3<>"/dev/tcp/127.0.0.1/${PORT}") 2>/dev/null; then
  die "something already listens on 127.0.0.1:${PORT}; set MOTO_PORT to a free port"
fi
WORK="$(mktemp -d)"
MOTO_PID=""
cleanup() {
  if [[ -n "$MOTO_PID" ]]; then
    kill "$MOTO_PID" 2>/dev/null || true
    wait "$MOTO_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

moto_server -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null "$ENDPOINT/moto-api/" 2>/dev/null && break
  kill -0 "$MOTO_PID" 2>/dev/null || { cat "$WORK/moto.log" >&2; die "moto_server exited"; }
  sleep 0.2
done
curl -fsS -o /dev/null "$ENDPOINT/moto-api/" || die "moto_server did not come up on $ENDPOINT"
curl -fsS -o /dev/null -X POST "$ENDPOINT/moto-api/seed?a=${SEED}" || die "could not seed moto"

awsj() { aws --endpoint-url "$ENDPOINT" --output json "$@"; }
awst() { aws --endpoint-url "$ENDPOINT" --output text "$@"; }
# save FILE aws-args...  : runs the CLI, keeps its stdout exactly as printed.
save() {
  local out="$1"; shift
  mkdir -p "$(dirname "$out")"
  awsj "$@" >"$out.tmp" || { rm -f "$out.tmp"; die "failed: aws $*"; }
  mv "$out.tmp" "$out"
  echo "  wrote ${out#"$REPO/"}"
}

# --- clean previous outputs (only what this script writes) -----------------------------------------
rm -rf "$HERE/iam" "$HERE/sts" "$HERE/s3" "$HERE/us-east-1" "$HERE/eu-west-1" "$HERE/eu-west-1-paged"
rm -f "$REPO/Tests/Fixtures/aws/later/us-east-1-describe-instances.json"
rm -f "$REPO/Tests/Fixtures/aws/eu-west-1-whole/describe-instances.json"

# --- 1. IAM -----------------------------------------------------------------------------------------
echo "IAM roles, policies, instance profiles"
EC2_TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
LAMBDA_TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
READ_S3='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::app-data","arn:aws:s3:::app-data/*"]}]}'
INLINE_LOGS='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}'

awsj iam create-role --role-name app-ec2-role --assume-role-policy-document "$EC2_TRUST" \
  --description "EC2 application role" >/dev/null
awsj iam create-policy --policy-name app-read-s3 --policy-document "$READ_S3" \
  --description "Read the app-data bucket" >/dev/null
awsj iam attach-role-policy --role-name app-ec2-role \
  --policy-arn "arn:aws:iam::${ACCOUNT}:policy/app-read-s3"
awsj iam put-role-policy --role-name app-ec2-role --policy-name app-inline-logs \
  --policy-document "$INLINE_LOGS"
awsj iam create-role --role-name lambda-only-role --assume-role-policy-document "$LAMBDA_TRUST" \
  --description "Role that only Lambda can assume" >/dev/null

awsj iam create-instance-profile --instance-profile-name app-profile >/dev/null
awsj iam add-role-to-instance-profile --instance-profile-name app-profile --role-name app-ec2-role
awsj iam create-instance-profile --instance-profile-name empty-profile >/dev/null   # holds no role
awsj iam create-instance-profile --instance-profile-name lambda-profile >/dev/null
awsj iam add-role-to-instance-profile --instance-profile-name lambda-profile --role-name lambda-only-role

# --- 2. IAM export (before late-profile exists) -----------------------------------------------------
echo "IAM export"
save "$HERE/iam/list-instance-profiles.json"            iam list-instance-profiles
save "$HERE/iam/get-instance-profile-app-profile.json"  iam get-instance-profile --instance-profile-name app-profile
save "$HERE/iam/list-roles.json"                        iam list-roles
save "$HERE/iam/get-account-authorization-details.json" iam get-account-authorization-details
save "$HERE/sts/get-caller-identity.json"               sts get-caller-identity

# --- 3. the profile the export does not know ---------------------------------------------------------
awsj iam create-instance-profile --instance-profile-name late-profile >/dev/null
awsj iam add-role-to-instance-profile --instance-profile-name late-profile --role-name app-ec2-role

# --- 4. instances -------------------------------------------------------------------------------------
# launch REGION NAME KEY VALUE [extra run-instances args...]  -> prints the instance id
# Tags: Name plus one more (env/team/note). Built as JSON so any character survives.
launch() {
  local region="$1" name="$2" key="$3" value="$4"; shift 4
  local tags
  tags="$(python3 -c '
import json, sys
name, key, value = sys.argv[1:4]
print(json.dumps([{"ResourceType": "instance",
                   "Tags": [{"Key": "Name", "Value": name}, {"Key": key, "Value": value}]}]))
' "$name" "$key" "$value")"
  # The CLI would fill ClientToken with a fresh uuid4; a uuid5 of region/name keeps reruns identical.
  local token
  token="$(python3 -c 'import sys, uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, "invdb-sample/" + sys.argv[1]))' "$region/$name")"
  awst ec2 run-instances --region "$region" --image-id "$AMI" --instance-type "$TYPE" --count 1 \
    --client-token "$token" --tag-specifications "$tags" "$@" --query 'Instances[0].InstanceId'
}
associate() {  # associate REGION INSTANCE PROFILE
  awsj ec2 associate-iam-instance-profile --region "$1" --instance-id "$2" \
    --iam-instance-profile "Name=$3" >/dev/null
}
stop() {  # stop REGION INSTANCE
  awsj ec2 stop-instances --region "$1" --instance-ids "$2" >/dev/null
}

echo "us-east-1 instances"
R=us-east-1
# web-1: app-profile attached AT LAUNCH (--iam-instance-profile Name=...). Expected: ok.
WEB1=$(launch $R web-1 env prod --iam-instance-profile Name=app-profile)
# web-2: no profile at all. Expected: alarm (no profile). Terminated later for the "later" listing.
WEB2=$(launch $R web-2 env prod)
# batch-1: launched bare, STOPPED, then empty-profile attached with associate-iam-instance-profile
# while stopped (AWS allows associating with a running or stopped instance). Expected: alarm
# (profile holds no role).
BATCH1=$(launch $R batch-1 team data)
stop $R "$BATCH1"
associate $R "$BATCH1" empty-profile
# worker-1: launched bare, running, then lambda-profile attached with associate-iam-instance-profile.
# Expected: alarm (the role does not trust ec2.amazonaws.com).
WORKER1=$(launch $R worker-1 team platform)
associate $R "$WORKER1" lambda-profile
# late-1: late-profile attached AT LAUNCH by ARN (--iam-instance-profile Arn=...). The profile is
# not in the IAM export. Expected: not a pass (profile missing from the imported IAM data).
LATE1=$(launch $R late-1 env staging \
  --iam-instance-profile "Arn=arn:aws:iam::${ACCOUNT}:instance-profile/late-profile")
# old-1: app-profile attached AT LAUNCH, then terminated. Expected: skipped (terminated).
OLD1=$(launch $R old-1 env prod --iam-instance-profile Name=app-profile)
awsj ec2 terminate-instances --region $R --instance-ids "$OLD1" >/dev/null
# tricky: running, no profile; Name full of Markdown/HTML/shell metacharacters and a tag value with
# a newline. Expected: alarm (no profile); reports must escape the name.
TRICKY=$(launch $R 'a|b <script>alert(1)</script> `x`' note $'line one\nline two')

echo "eu-west-1 instances"
R=eu-west-1
# eu-web-1: launched bare, running, then app-profile attached with associate-iam-instance-profile.
# Expected: ok.
EUWEB1=$(launch $R eu-web-1 env prod)
associate $R "$EUWEB1" app-profile
# eu-db-1: stopped, no profile. Expected: alarm (no profile; stopped instances are in scope).
EUDB1=$(launch $R eu-db-1 team data)
stop $R "$EUDB1"
# eu-job-1: empty-profile attached AT LAUNCH (--iam-instance-profile Name=...). Expected: alarm.
EUJOB1=$(launch $R eu-job-1 team batch --iam-instance-profile Name=empty-profile)

# A document of a kind invdb does not import (for Tests/Fixtures/bad/unknown-kind.json).
awsj s3api create-bucket --region us-east-1 --bucket invdb-sample-bucket >/dev/null

# --- exports --------------------------------------------------------------------------------------
echo "EC2 exports"
for R in us-east-1 eu-west-1; do
  save "$HERE/$R/describe-instances.json"                        ec2 describe-instances --region "$R"
  save "$HERE/$R/describe-iam-instance-profile-associations.json" ec2 describe-iam-instance-profile-associations --region "$R"
done
save "$HERE/s3/list-buckets.json" s3api list-buckets

# eu-west-1 again, by hand, two reservations per page, following NextToken until it is gone.
page=1
token=""
while :; do
  args=(--max-items 2)
  [[ -n "$token" ]] && args+=(--starting-token "$token")
  save "$HERE/eu-west-1-paged/describe-instances-page-${page}.json" \
    ec2 describe-instances --region eu-west-1 "${args[@]}"
  token="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("NextToken", ""))' \
    "$HERE/eu-west-1-paged/describe-instances-page-${page}.json")"
  [[ -z "$token" ]] && break
  page=$((page + 1))
  (( page <= 20 )) || die "pagination did not end"
done

# --- 5. a later listing: web-2 terminated; only live states listed -----------------------------------
echo "later listing"
awsj ec2 terminate-instances --region us-east-1 --instance-ids "$WEB2" >/dev/null
save "$REPO/Tests/Fixtures/aws/later/us-east-1-describe-instances.json" \
  ec2 describe-instances --region us-east-1 \
  --filters Name=instance-state-name,Values=running,stopped,pending,stopping

# --- checks: valid JSON, and every case really is in the output ----------------------------------
echo "checks"
python3 - "$HERE" "$REPO" <<'PY'
import json, os, sys
here, repo = sys.argv[1:3]
acct = "123456789012"
def arn(p): return f"arn:aws:iam::{acct}:instance-profile/{p}"
def load(*p): return json.load(open(os.path.join(here, *p)))
for d, _, files in os.walk(here):
    for f in files:
        if f.endswith(".json"):
            json.load(open(os.path.join(d, f)))  # raises on invalid JSON

problems = []
def check(cond, msg):
    if not cond: problems.append(msg)

def by_name(doc):
    out = {}
    for r in doc["Reservations"]:
        for i in r["Instances"]:
            name = next((t["Value"] for t in i.get("Tags", []) if t["Key"] == "Name"), None)
            out[name] = i
    return out

expect = {
  "us-east-1": {
    "web-1": ("running", "app-profile"), "web-2": ("running", None),
    "batch-1": ("stopped", "empty-profile"), "worker-1": ("running", "lambda-profile"),
    "late-1": ("running", "late-profile"), "old-1": ("terminated", "ANY"),
    "a|b <script>alert(1)</script> `x`": ("running", None)},
  "eu-west-1": {
    "eu-web-1": ("running", "app-profile"), "eu-db-1": ("stopped", None),
    "eu-job-1": ("running", "empty-profile")},
}
for region, cases in expect.items():
    inst = by_name(load(region, "describe-instances.json"))
    check(set(inst) == set(cases), f"{region}: names {sorted(map(str, inst))}")
    assoc = load(region, "describe-iam-instance-profile-associations.json")["IamInstanceProfileAssociations"]
    for name, (state, prof) in cases.items():
        i = inst.get(name)
        if i is None: continue
        check(i["State"]["Name"] == state, f"{region}/{name}: state {i['State']['Name']} != {state}")
        got = i.get("IamInstanceProfile", {}).get("Arn")
        if prof != "ANY":
            check(got == (arn(prof) if prof else None), f"{region}/{name}: profile {got}")
        if prof and prof != "ANY":
            check(any(a["InstanceId"] == i["InstanceId"] and a["IamInstanceProfile"]["Arn"] == arn(prof)
                      for a in assoc), f"{region}/{name}: no association listed")
tricky = by_name(load("us-east-1", "describe-instances.json"))["a|b <script>alert(1)</script> `x`"]
check(any("\n" in t["Value"] for t in tricky["Tags"]), "tricky: no tag with a newline")

ips = {p["InstanceProfileName"]: p for p in load("iam", "list-instance-profiles.json")["InstanceProfiles"]}
check(set(ips) == {"app-profile", "empty-profile", "lambda-profile"}, f"iam profiles {sorted(ips)}")
check([r["RoleName"] for r in ips["app-profile"]["Roles"]] == ["app-ec2-role"], "app-profile roles")
check(ips["empty-profile"]["Roles"] == [], "empty-profile roles")
check([r["RoleName"] for r in ips["lambda-profile"]["Roles"]] == ["lambda-only-role"], "lambda-profile roles")
roles = {r["RoleName"]: r for r in load("iam", "list-roles.json")["Roles"]}
def services(r): return [s["Principal"].get("Service") for s in r["AssumeRolePolicyDocument"]["Statement"]]
check(services(roles["app-ec2-role"]) == ["ec2.amazonaws.com"], "app-ec2-role trust")
check(services(roles["lambda-only-role"]) == ["lambda.amazonaws.com"], "lambda-only-role trust")
gaad = {r["RoleName"]: r for r in load("iam", "get-account-authorization-details.json")["RoleDetailList"]}
check([p["PolicyName"] for p in gaad["app-ec2-role"]["AttachedManagedPolicies"]] == ["app-read-s3"], "managed policy")
check([p["PolicyName"] for p in gaad["app-ec2-role"]["RolePolicyList"]] == ["app-inline-logs"], "inline policy")
check(load("iam", "get-instance-profile-app-profile.json")["InstanceProfile"]["InstanceProfileName"] == "app-profile", "get-instance-profile")

full = [i["InstanceId"] for r in load("eu-west-1", "describe-instances.json")["Reservations"] for i in r["Instances"]]
pages = sorted(os.listdir(os.path.join(here, "eu-west-1-paged")), key=lambda f: int(f.rsplit("-", 1)[1].split(".")[0]))
paged = []
for n, f in enumerate(pages):
    doc = load("eu-west-1-paged", f)
    paged += [i["InstanceId"] for r in doc["Reservations"] for i in r["Instances"]]
    check(("NextToken" in doc) == (n < len(pages) - 1), f"{f}: NextToken presence")
check(len(pages) >= 2 and paged == full, f"pages {paged} != full {full}")

later = by_name(json.load(open(os.path.join(repo, "Tests/Fixtures/aws/later/us-east-1-describe-instances.json"))))
check(set(later) == {"web-1", "batch-1", "worker-1", "late-1", "a|b <script>alert(1)</script> `x`"},
      f"later listing: {sorted(map(str, later))}")
if problems:
    print("\n".join("CHECK FAILED: " + p for p in problems)); sys.exit(1)
print("  all checks passed")
PY

# --- 6. malformed-input fixtures derived from the output above -------------------------------------
bash "$REPO/Tests/Fixtures/bad/make-bad.sh"

echo
echo "instances (id, region, name, profile at export time):"
printf '  %s\n' \
  "$WEB1 us-east-1 web-1 app-profile" "$WEB2 us-east-1 web-2 -" "$BATCH1 us-east-1 batch-1 empty-profile" \
  "$WORKER1 us-east-1 worker-1 lambda-profile" "$LATE1 us-east-1 late-1 late-profile" \
  "$OLD1 us-east-1 old-1 (terminated)" "$TRICKY us-east-1 tricky -" \
  "$EUWEB1 eu-west-1 eu-web-1 app-profile" "$EUDB1 eu-west-1 eu-db-1 -" "$EUJOB1 eu-west-1 eu-job-1 empty-profile"

# The demo imports Samples/aws as one folder, so eu-west-1's instances stay there only as pages
# (eu-west-1-paged/); the same listing as one document moves to the tests, which check that the
# pages and the whole listing give the same snapshot.
mkdir -p "$REPO/Tests/Fixtures/aws/eu-west-1-whole"
mv "$HERE/eu-west-1/describe-instances.json" "$REPO/Tests/Fixtures/aws/eu-west-1-whole/describe-instances.json"
