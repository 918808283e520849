#!/usr/bin/env bash
# Tests Scripts/export-aws.sh against a throw-away moto_server on 127.0.0.1 (a free port): an
# organization with member accounts, `--org-role`, `--profiles`, the single-account mode, failing
# accounts and the exit statuses.
#
#   bash Tests/scripts/test-export-aws.sh   # ~50 s on an idle 2-core machine (the aws CLI costs ~0.45 s
#                                           # of CPU per call); prints "ok - …" lines, exits 1 on a failure
#
# Needs aws (awscli 1.x), moto_server (moto 5.x) and python3. Without aws or moto_server it prints
# "skipped: …" and exits 0. Nothing here talks to real AWS: fake credentials, every call goes to the
# loopback endpoint, AWS config files are /dev/null or temporary files, and HTTP(S) proxies point at
# a closed loopback port so that a call that escaped the endpoint would fail instead of leaving.
#
# Scenario (moto account ids are random except the management account, 123456789012):
#   management 123456789012: user auditor (inline policy allowing *), the caller of the exports.
#   A, B (created with organizations create-account): role OrganizationAccountAccessRole (trusts the
#     management account, inline policy allowing *), the SAME names in both: role app-role (trusts
#     ec2), instance profile app-profile (holds app-role), user deploy-bot with one access key,
#     instances with-profile (app-profile) and without-profile in us-east-1; A also has an Elastic IP.
#   C: ACTIVE, but its OrganizationAccountAccessRole deleted: its export fails. (moto lets anyone
#     assume any role ARN, even a missing one, where AWS says AccessDenied; with moto's authorization
#     switched on, the first call made with those credentials then fails with an HTTP 500.)
#   D: closed (SUSPENDED): not listed as ACTIVE, so neither exported nor reported.
#   F: the OrganizationAccountAccessRole that moto's create-account makes, with no policy (AWS
#     attaches AdministratorAccess): its export fails with AccessDenied.
# After the set-up, moto's authorization is switched on (POST /moto-api/reset-auth 0): from then on
# only known keys with an allowing policy work, as on AWS.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
EXPORT="$REPO/Scripts/export-aws.sh"
ROLE=OrganizationAccountAccessRole
REGION=us-east-1
AMI=ami-760aaa0f   # in moto's built-in AMI list
START=$SECONDS

for tool in moto_server aws; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        if [ "$tool" = moto_server ]; then
            echo "skipped: moto_server not installed (pip install 'moto[server]')"
        else
            echo "skipped: aws (the AWS CLI) not installed"
        fi
        exit 0
    fi
done
command -v python3 >/dev/null 2>&1 || { echo "test-export-aws: python3 is needed" >&2; exit 1; }

# --- isolation from this machine's AWS set-up and from the network ---------------------------------
WORK="$(mktemp -d)"
export HOME="$WORK/home"   # the CLI caches role_arn credentials in ~/.aws/cli/cache: keep it here
mkdir -p "$HOME"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=$REGION
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_REGION AWS_CA_BUNDLE \
      AWS_ENDPOINT_URL_EC2 AWS_ENDPOINT_URL_IAM AWS_ENDPOINT_URL_STS AWS_ENDPOINT_URL_ORGANIZATIONS \
      AWS_ENDPOINT_URL_CLOUDTRAIL AWS_IGNORE_CONFIGURED_ENDPOINT_URLS AWS_MAX_ATTEMPTS AWS_RETRY_MODE
export HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY=127.0.0.1,localhost
export http_proxy=$HTTP_PROXY https_proxy=$HTTPS_PROXY no_proxy=$NO_PROXY

MOTO_PID=""
cleanup() {
    if [ -n "$MOTO_PID" ]; then
        kill "$MOTO_PID" 2>/dev/null || true
        wait "$MOTO_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

http() {  # http METHOD URL [BODY]: loopback only, no proxy; prints the body, fails on HTTP errors
    python3 - "$@" <<'PY'
import sys, urllib.request
method, url = sys.argv[1], sys.argv[2]
assert url.startswith("http://127.0.0.1:"), url
body = sys.argv[3].encode() if len(sys.argv) > 3 else None
req = urllib.request.Request(url, data=body, method=method, headers={"Content-Type": "text/plain"})
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
print(opener.open(req, timeout=5).read().decode())
PY
}

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
E="http://127.0.0.1:$PORT"
moto_server -H 127.0.0.1 -p "$PORT" > "$WORK/moto.log" 2>&1 &
MOTO_PID=$!
for _ in $(seq 1 100); do
    http GET "$E/moto-api/" >/dev/null 2>&1 && break
    kill -0 "$MOTO_PID" 2>/dev/null || { cat "$WORK/moto.log" >&2; echo "moto_server exited" >&2; exit 1; }
    sleep 0.2
done
http GET "$E/moto-api/" >/dev/null || { echo "moto_server did not come up on $E" >&2; exit 1; }
export AWS_ENDPOINT_URL=$E
echo "moto_server on $E"

FAILS=0
ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; FAILS=$((FAILS + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else not_ok "$what"; fi; }
awsq() { aws --output text "$@"; }

# --- set-up (moto's authorization still off) -------------------------------------------------------
MGMT=123456789012
ADMIN='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
TRUST_MGMT="{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::$MGMT:root\"},\"Action\":\"sts:AssumeRole\"}]}"
TRUST_EC2='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'

aws organizations create-organization --feature-set ALL >/dev/null
new_account() {  # new_account NAME LETTER: creates the account, keeps its id in $WORK/account-LETTER
    awsq organizations create-account --email "$1@example.com" --account-name "$1" \
        --query CreateAccountStatus.AccountId > "$WORK/account-$2"
    cat "$WORK/account-$2"
}
as_account() {  # as_account ACCT: this (sub)shell's credentials become a role in ACCT (moto allows any)
    local creds
    creds=$(awsq sts assume-role --role-arn "arn:aws:iam::$1:role/setup" --role-session-name setup \
        --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]')
    export AWS_ACCESS_KEY_ID=${creds%%$'\t'*}; creds=${creds#*$'\t'}
    export AWS_SECRET_ACCESS_KEY=${creds%%$'\t'*} AWS_SESSION_TOKEN=${creds#*$'\t'}
}
# setup_account ACCT EIPS: the same-named IAM data and two instances; writes ids to $WORK/ids-ACCT.
setup_account() {
    local acct=$1 eips=$2 key with without
    as_account "$acct"
    # moto's create-account already made OrganizationAccountAccessRole (trusting the management
    # account) but, unlike AWS, attached no policy to it.
    aws iam put-role-policy --role-name "$ROLE" --policy-name allow-all --policy-document "$ADMIN"
    aws iam create-role --role-name app-role --assume-role-policy-document "$TRUST_EC2" >/dev/null
    aws iam create-instance-profile --instance-profile-name app-profile >/dev/null
    aws iam add-role-to-instance-profile --instance-profile-name app-profile --role-name app-role
    aws iam create-user --user-name deploy-bot >/dev/null
    key=$(awsq iam create-access-key --user-name deploy-bot --query AccessKey.AccessKeyId)
    with=$(awsq ec2 run-instances --image-id "$AMI" --instance-type t3.micro --iam-instance-profile Name=app-profile \
        --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=with-profile}]' --query 'Instances[0].InstanceId')
    without=$(awsq ec2 run-instances --image-id "$AMI" --instance-type t3.micro \
        --tag-specifications 'ResourceType=instance,Tags=[{Key=Name,Value=without-profile}]' --query 'Instances[0].InstanceId')
    [ "$eips" = 0 ] || aws ec2 allocate-address --domain vpc >/dev/null
    echo "$key $with $without $eips" > "$WORK/ids-$acct"
}
# Independent parts at once (each runs in its own subshell, with its own credentials).
SETUP_PIDS=()
bg() { local name=$1; shift; ( set -e; "$@" ) > "$WORK/setup-$name.log" 2>&1 & SETUP_PIDS+=("$!:$name"); }
setup_auditor() {
    aws iam create-user --user-name auditor >/dev/null
    aws iam put-user-policy --user-name auditor --policy-name allow-all --policy-document "$ADMIN"
    awsq iam create-access-key --user-name auditor --query 'AccessKey.[AccessKeyId,SecretAccessKey]' > "$WORK/auditor"
}
setup_a() { setup_account "$(new_account acct-a A)" 1; }
setup_b() { setup_account "$(new_account acct-b B)" 0; }
setup_c() { as_account "$(new_account acct-c-no-role C)"; aws iam delete-role --role-name "$ROLE"; }  # role gone
setup_d() { aws organizations close-account --account-id "$(new_account acct-d-closed D)"; }
setup_f() { new_account acct-f-role-without-policy F >/dev/null; }   # moto's role, no policy
bg auditor setup_auditor; bg A setup_a; bg B setup_b; bg C setup_c; bg D setup_d; bg F setup_f
for p in "${SETUP_PIDS[@]}"; do
    wait "${p%%:*}" || { echo "set-up ${p#*:} failed:" >&2; cat "$WORK/setup-${p#*:}.log" >&2; exit 1; }
done
AUDITOR=$(cat "$WORK/auditor")
AUDITOR_KEY=${AUDITOR%%$'\t'*}
AUDITOR_SECRET=${AUDITOR#*$'\t'}
A=$(cat "$WORK/account-A") B=$(cat "$WORK/account-B") C=$(cat "$WORK/account-C")
D=$(cat "$WORK/account-D") F=$(cat "$WORK/account-F")
echo "accounts: management $MGMT, A $A, B $B, C $C (no role), D $D (closed), F $F (role allows nothing)"
http POST "$E/moto-api/reset-auth" 0 >/dev/null   # authorization on from here
echo "set-up done in $((SECONDS - START)) s; moto authorization on"

# From here on the caller is auditor, as a real auditing user would be.
export AWS_ACCESS_KEY_ID=$AUDITOR_KEY AWS_SECRET_ACCESS_KEY=$AUDITOR_SECRET
check "moto refuses unknown keys once authorization is on" \
    bash -c '! AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing aws sts get-caller-identity >/dev/null 2>&1'

# check_account DIR ACCT ARN_PART: one account folder, checked with python (prints ok/not ok lines).
check_account() {
    local dir=$1 acct=$2 arn_part=$3 key="" with="" without="" eips=0
    [ -f "$WORK/ids-$acct" ] && read -r key with without eips < "$WORK/ids-$acct"
    python3 - "$dir" "$acct" "$arn_part" "$key" "$with" "$without" "$eips" "$REGION" <<'PY' || FAILS=$((FAILS + 1))
import json, os, re, stat, sys
d, acct, arn_part, key, with_id, without_id, eips, region = sys.argv[1:9]
bad = 0
def check(what, cond):
    global bad
    print(("ok - " if cond else "not ok - ") + f"{acct}: {what}")
    bad += 0 if cond else 1
def load(*p): return json.load(open(os.path.join(d, *p)))
check("folder is mode 0700", stat.S_IMODE(os.stat(d).st_mode) == 0o700)
sts = load("sts-caller-identity.json")
check(f"sts-caller-identity names the account ({sts['Arn']})", sts["Account"] == acct and arn_part in sts["Arn"])
files = sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs)
expected = ["iam/account-authorization-details.json", "iam/credential-report.json", "iam/instance-profiles.json",
            "iam/users.json", "sts-caller-identity.json"] + [f"{region}/{f}" for f in (
            "addresses.json", "instances.json", "nat-gateways.json", "network-interfaces.json",
            "profile-associations.json", "route-tables.json", "subnets.json", "user-data.jsonl", "vpc-endpoints.json")]
if key: expected.append("iam/access-keys-deploy-bot.json")
if acct == "123456789012": expected.append("iam/access-keys-auditor.json")
check("exactly the expected files, nothing hidden left over", files == sorted(expected) or print(files))
for f in files:
    p = os.path.join(d, f)
    text = open(p).read()
    if f.endswith(".jsonl"):
        [json.loads(l) for l in text.splitlines()]
    else:
        json.loads(text)
    if re.search(r"\bASIA[A-Z0-9]{16}\b", text): check(f"{f}: no temporary key id in the file", False)
insts = [i for r in load(region, "instances.json")["Reservations"] for i in r["Instances"]]
owners = {r["OwnerId"] for r in load(region, "instances.json")["Reservations"]}
ids = sorted(i["InstanceId"] for i in insts)
check(f"instances of this account only {ids}", ids == sorted(x for x in (with_id, without_id) if x)
      and owners <= {acct})
udata = [json.loads(l)["InstanceId"] for l in open(os.path.join(d, region, "user-data.jsonl"))]
check("user data of each instance", sorted(udata) == ids)
profiles = load("iam", "instance-profiles.json")["InstanceProfiles"]
check("instance profiles carry the account in their ARNs",
      all(f":{acct}:" in p["Arn"] and all(f":{acct}:" in r["Arn"] for r in p["Roles"]) for p in profiles))
gaad = load("iam", "account-authorization-details.json")
check("roles, users and policies of the account carry it in their ARNs",
      all(f":{acct}:" in x["Arn"] for x in gaad["RoleDetailList"] + gaad["UserDetailList"]))
users = [u["UserName"] for u in load("iam", "users.json")["Users"]]
if key:
    check("app-profile holds app-role of this account",
          [(p["InstanceProfileName"], [r["RoleName"] for r in p["Roles"]]) for p in profiles] == [("app-profile", ["app-role"])])
    assoc = load(region, "profile-associations.json")["IamInstanceProfileAssociations"]
    check("the association of with-profile names this account's app-profile",
          [(a["InstanceId"], a["IamInstanceProfile"]["Arn"]) for a in assoc]
          == [(with_id, f"arn:aws:iam::{acct}:instance-profile/app-profile")])
    keys = load("iam", "access-keys-deploy-bot.json")["AccessKeyMetadata"]
    check("deploy-bot has this account's one key", users == ["deploy-bot"] and [k["AccessKeyId"] for k in keys] == [key])
    check(f"{eips} Elastic IP(s)", len(load(region, "addresses.json")["Addresses"]) == int(eips))
for f, member in (("addresses", "Addresses"), ("nat-gateways", "NatGateways"), ("route-tables", "RouteTables"),
                  ("subnets", "Subnets"), ("vpc-endpoints", "VpcEndpoints"), ("network-interfaces", "NetworkInterfaces")):
    doc = load(region, f + ".json")
    check(f"{f}.json is the {member} listing of this account",
          member in doc and all(x.get("OwnerId", acct) == acct for x in doc[member]))
sys.exit(1 if bad else 0)
PY
}

# run_export NAME ARGS…: runs the export script (in the foreground or as a background job); keeps
# its exit status, standard output and standard error in $WORK/NAME.{rc,out,err}.
run_export() {
    local name=$1; shift
    local t0=$SECONDS rc=0
    bash "$EXPORT" "$@" > "$WORK/$name.out" 2> "$WORK/$name.err" || rc=$?
    echo "$rc" > "$WORK/$name.rc"
    echo "# export-aws.sh $* -> exit $rc in $((SECONDS - t0)) s" > "$WORK/$name.cmd"
}
# show_export NAME: prints what the run did and sets RC.
show_export() {
    cat "$WORK/$1.cmd"
    sed 's/^/#   /' "$WORK/$1.err"
    RC=$(cat "$WORK/$1.rc")
}
no_secret_printed() {  # no_secret_printed FILE: neither the auditor's secret nor any credential field
    ! grep -qF -e "$AUDITOR_SECRET" -e SecretAccessKey -e SessionToken -e aws_secret "$1"
}

# --- usage ---------------------------------------------------------------------------------------
HELP=$(bash "$EXPORT" -h)
for opt in --profiles --org-role --endpoint-url --cloudtrail-days --jobs "Exit status" addresses.json \
           nat-gateways.json route-tables.json subnets.json vpc-endpoints.json network-interfaces.json \
           cloudtrail-lookup-events.json; do
    check "usage text mentions $opt" grep -q -e "$opt" <<< "$HELP"
done
set +e; bash "$EXPORT" --profiles a --org-role b x >/dev/null 2>&1; rc=$?; set -e
check "--profiles with --org-role is a usage error (exit 2)" test "$rc" = 2

# --- 1. --org-role, with --endpoint-url (AWS_ENDPOINT_URL unset) --------------------------------
OUT="$WORK/out"
mkdir -p "$OUT/999999999999"
echo keep > "$OUT/999999999999/other-account.txt"
(unset AWS_ENDPOINT_URL; run_export org --endpoint-url "$E" --org-role "$ROLE" "$OUT" "$REGION")
show_export org
check "--org-role: exit status 3 (two accounts failed, the others exported)" test "$RC" = 3
check "--org-role: a folder for the management, A and B accounts, none for C, D or F" \
    test "$(cd "$OUT" && ls | sort | tr '\n' ' ')" = "$(printf '%s\n' "$MGMT" "$A" "$B" 999999999999 | sort | tr '\n' ' ')"
check "--org-role: the folder of an account not in this run is untouched" test -f "$OUT/999999999999/other-account.txt"
check "--org-role: C is reported on stderr as failed, with the AWS CLI error" \
    grep -q "account $C: FAILED, skipped: .*[a-zA-Z]" "$WORK/org.err"
check "--org-role: F is reported on stderr with AccessDenied" \
    grep -q "account $F: FAILED, skipped: .*AccessDenied" "$WORK/org.err"
check "--org-role: the closed account D is neither exported nor reported" bash -c "! grep -q '$D' '$WORK/org.err'"
check "--org-role: the summary counts 3 of 5" grep -q "3 of 5 accounts exported to .*, 2 failed" "$WORK/org.err"
check "--org-role: no secret on stderr" no_secret_printed "$WORK/org.err"
check "--org-role: nothing on stdout" test ! -s "$WORK/org.out"
check "--org-role: OUT_DIR is mode 0700" test "$(stat -c %a "$OUT")" = 700
check "--org-role: no temporary folder left" bash -c "! find '$OUT' -mindepth 1 -name '.*' | grep -q ."
check_account "$OUT/$A" "$A" "assumed-role/$ROLE/invdb-export"
check_account "$OUT/$B" "$B" "assumed-role/$ROLE/invdb-export"
check_account "$OUT/$MGMT" "$MGMT" "user/auditor"
check "--org-role: no temporary credentials written anywhere under OUT_DIR or HOME" \
    bash -c "! grep -rqE 'ASIA[A-Z0-9]{16}|SessionToken' '$OUT' '$HOME'"

# --- 2. four runs at once (moto serves them all; each writes to its own folders) -----------------
# a. --profiles: role_arn profiles (the CLI assumes the role itself) and AWS_ENDPOINT_URL from the
#    environment; acct-a-again names the same account as acct-a.
# b. --profiles with a bad static key and a profile that does not exist: nothing exported, exit 1.
# c. --cloudtrail-days: moto 5.2 has no cloudtrail LookupEvents (HTTP 500), so the account fails.
# d. the single-account mode, as before: OUT_DIR is the account folder.
cat > "$WORK/config" <<EOF
[profile auditor]
region = $REGION
[profile acct-a]
role_arn = arn:aws:iam::$A:role/$ROLE
source_profile = auditor
role_session_name = invdb-profile
[profile acct-b]
role_arn = arn:aws:iam::$B:role/$ROLE
source_profile = auditor
role_session_name = invdb-profile
[profile acct-a-again]
role_arn = arn:aws:iam::$A:role/$ROLE
source_profile = auditor
role_session_name = invdb-profile
[profile broken]
region = $REGION
EOF
cat > "$WORK/credentials" <<EOF
[auditor]
aws_access_key_id = $AUDITOR_KEY
aws_secret_access_key = $AUDITOR_SECRET
[broken]
aws_access_key_id = AKIAEXAMPLENOTAKEY01
aws_secret_access_key = not-a-secret-not-a-secret-not-a-secret00
EOF
chmod 600 "$WORK/config" "$WORK/credentials"
echo stale > "$OUT/$A/stale.txt"
OUT_CT="$WORK/out-cloudtrail"
mkdir -p "$OUT_CT/$A"
echo previous > "$OUT_CT/$A/previous-export.txt"
# The environment still holds the auditor's keys: the profiles must win over them.
(
    export AWS_CONFIG_FILE="$WORK/config" AWS_SHARED_CREDENTIALS_FILE="$WORK/credentials"
    run_export profiles --profiles acct-a,acct-b,acct-a-again "$OUT" "$REGION" &
    run_export profiles-bad --profiles broken,no-such-profile "$WORK/out-bad" "$REGION" &
    AWS_MAX_ATTEMPTS=1 run_export cloudtrail --profiles acct-a --cloudtrail-days 1 "$OUT_CT" "$REGION" &
    wait
) &
PROFILES_PID=$!
run_export single "$WORK/single" "$REGION"
wait "$PROFILES_PID"

show_export profiles
check "--profiles: exit status 0" test "$RC" = 0
check "--profiles: a profile naming an account already named is reported and skipped" \
    grep -q "profile acct-a-again is account $A, as is profile acct-a: skipped" "$WORK/profiles.err"
check "--profiles: the account folder was replaced (stale file gone)" test ! -e "$OUT/$A/stale.txt"
check "--profiles: other folders untouched" test -f "$OUT/999999999999/other-account.txt"
check_account "$OUT/$A" "$A" "assumed-role/$ROLE/invdb-profile"
check_account "$OUT/$B" "$B" "assumed-role/$ROLE/invdb-profile"

show_export profiles-bad
check "--profiles: exit status 1 when no account exported" test "$RC" = 1
check "--profiles: the bad key's profile is reported with the CLI's error" \
    grep -q "profile broken: FAILED, skipped: .*InvalidClientTokenId" "$WORK/profiles-bad.err"
check "--profiles: a missing profile is reported" \
    grep -q "profile no-such-profile: FAILED, skipped: .*no-such-profile" "$WORK/profiles-bad.err"
check "--profiles: no secret on stderr" no_secret_printed "$WORK/profiles-bad.err"
check "--profiles: no account folder made" test -z "$(ls "$WORK/out-bad")"

show_export cloudtrail
check "--cloudtrail-days against moto: the account fails (exit 1), naming LookupEvents" \
    bash -c "test '$RC' = 1 && grep -q 'LookupEvents' '$WORK/cloudtrail.err'"
check "--cloudtrail-days: a failed export leaves the account's previous folder as it was" \
    test "$(ls -A "$OUT_CT/$A")" = previous-export.txt
check "--cloudtrail-days: no temporary folder left" bash -c "! find '$OUT_CT' -mindepth 1 -name '.*' | grep -q ."

show_export single
check "single account: exit status 0" test "$RC" = 0
check "single account: files directly in OUT_DIR" test -f "$WORK/single/sts-caller-identity.json"
check "single account: no temporary folder left beside OUT_DIR" \
    bash -c "! ls -d '$WORK'/single.tmp.* >/dev/null 2>&1"
check_account "$WORK/single" "$MGMT" "user/auditor"

echo "# $((SECONDS - START)) s"
if [ "$FAILS" -ne 0 ]; then
    echo "FAILED: $FAILS check(s)" >&2
    exit 1
fi
echo "all export-aws checks passed"
