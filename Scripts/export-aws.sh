#!/usr/bin/env bash
# export-aws.sh [OPTIONS] OUT_DIR [REGION…]: write, with the AWS CLI, every file `invdb import` reads
# for CIS 1.18 into OUT_DIR (replacing what an earlier export of the same account left there): the
# caller identity, IAM (authorization details, instance profiles, users, their access keys, the
# credential report) and, per region, describe-instances, the profile associations, each instance's
# user data (JSON lines) and the network inventory (addresses, NAT gateways, route tables, subnets,
# VPC endpoints, network interfaces). Regions default to every region enabled in the account.
#
#   bash Scripts/export-aws.sh exports us-east-1 eu-west-1 && invdb import exports/
#   bash Scripts/export-aws.sh --org-role OrganizationAccountAccessRole exports us-east-1
#   bash Scripts/export-aws.sh --profiles prod,staging exports
#
# Without --profiles/--org-role the caller's own account is written to OUT_DIR itself, as before.
# With them, each account goes to OUT_DIR/<account-id>/. `-h` prints the options and exit statuses.
#
# Read-only AWS calls only, except `iam generate-credential-report` (it asks IAM to build the
# report) and, with --org-role, `sts assume-role`. The files hold user data and IAM metadata: keep
# OUT_DIR private (it and every account folder are made 0700). Temporary credentials from
# assume-role (--org-role) live only in the environment of the subshell that exports that account:
# they are never written to a file or printed. (With --profiles the AWS CLI resolves the profiles
# itself and, as always, caches role_arn credentials in ~/.aws/cli/cache.)
set -euo pipefail

usage() {
    cat <<'EOF'
usage: export-aws.sh [OPTIONS] OUT_DIR [REGION…]

Exports, with the AWS CLI, what `invdb import` reads. REGIONs default to every region enabled in
each account (aws ec2 describe-regions).

Accounts (at most one of these; without them: the caller's own account, written to OUT_DIR itself):
  --profiles P1,P2,…     one export per named AWS CLI profile (~/.aws/config or AWS_CONFIG_FILE),
                         into OUT_DIR/<account-id>/, the account being the one that
                         `aws sts get-caller-identity --profile P` names. Profiles may use
                         role_arn/source_profile, SSO or static keys: the CLI resolves them
                         (and, as for any aws command, caches role_arn credentials in
                         ~/.aws/cli/cache).
  --org-role ROLE        the organization's ACTIVE accounts (aws organizations list-accounts, run with
                         the caller's credentials: the management or a delegated administrator
                         account). In each, `sts assume-role` into arn:aws:iam::<id>:role/ROLE
                         (session name invdb-export) and export with those temporary credentials
                         into OUT_DIR/<account-id>/. The caller's own account is exported with the
                         caller's credentials (no role needed there).

Options:
  --endpoint-url URL     send every AWS call to URL (sets AWS_ENDPOINT_URL, which awscli >= 1.29
                         also honours for the assume-role of role_arn profiles); for tests against
                         moto or LocalStack. Setting AWS_ENDPOINT_URL yourself does the same.
  --cloudtrail-days N    also write, per region, <region>/cloudtrail-lookup-events.json: CloudTrail
                         management events of the last N days (1-90), all pages
                         (aws cloudtrail lookup-events --start-time … --end-time …).
  --jobs N               export up to N accounts at once (default 4; API limits are per account).
  -h, --help             this text.

Files, per account folder:
  sts-caller-identity.json
  iam/account-authorization-details.json, iam/instance-profiles.json, iam/users.json,
  iam/access-keys-<user>.json, iam/credential-report.json
  <region>/instances.json, profile-associations.json, user-data.jsonl, addresses.json,
  nat-gateways.json, route-tables.json, subnets.json, vpc-endpoints.json,
  network-interfaces.json [, cloudtrail-lookup-events.json]

Each account is written to a hidden temporary folder (mode 0700) and renamed into place only when
all its calls succeeded; accounts run up to --jobs at once and are reported in the order listed
once all are done. A failing account is reported on standard error (account or profile, and
the first line of the AWS CLI's error) and skipped; the others still export. Folders of accounts not
in this run are left as they are.

Exit status: 0 every account exported; 3 some accounts failed (the others were exported);
1 no account exported (or the account list could not be read); 2 usage error.
EOF
}

die_usage() { echo "export-aws.sh: $*" >&2; echo "run export-aws.sh -h for help" >&2; exit 2; }

profiles="" org_role="" ct_days="" max_jobs=4
positional=()
while [ $# -gt 0 ]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --profiles|--org-role|--endpoint-url|--cloudtrail-days|--jobs)
            [ $# -ge 2 ] && [ -n "$2" ] || die_usage "$1 needs a value"
            case "$1" in
                --profiles) profiles=$2 ;;
                --org-role) org_role=$2 ;;
                --endpoint-url) export AWS_ENDPOINT_URL="$2" ;;
                --cloudtrail-days) ct_days=$2 ;;
                --jobs) max_jobs=$2 ;;
            esac
            shift 2 ;;
        --profiles=*) profiles=${1#*=}; shift ;;
        --org-role=*) org_role=${1#*=}; shift ;;
        --endpoint-url=*) export AWS_ENDPOINT_URL="${1#*=}"; shift ;;
        --cloudtrail-days=*) ct_days=${1#*=}; shift ;;
        --jobs=*) max_jobs=${1#*=}; shift ;;
        --) shift; positional+=("$@"); break ;;
        -?*) die_usage "unknown option: $1" ;;
        *) positional+=("$1"); shift ;;
    esac
done
[ ${#positional[@]} -ge 1 ] || die_usage "missing OUT_DIR"
out=${positional[0]}
regions=("${positional[@]:1}")
[ -n "$profiles" ] && [ -n "$org_role" ] && die_usage "--profiles and --org-role exclude each other"
[[ "$max_jobs" =~ ^[1-9][0-9]*$ ]] || die_usage "--jobs takes a whole number from 1"
case "$org_role" in
    *:*) die_usage "--org-role takes a role name (or path/name), not an ARN: $org_role" ;;
esac
if [ -n "$ct_days" ]; then
    [[ "$ct_days" =~ ^[0-9]+$ ]] && [ "$ct_days" -ge 1 ] && [ "$ct_days" -le 90 ] \
        || die_usage "--cloudtrail-days takes a whole number of days from 1 to 90 (CloudTrail keeps 90)"
    # One window for every account and region, computed once.
    read -r ct_start ct_end < <(python3 -c '
import datetime, sys
end = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
start = end - datetime.timedelta(days=int(sys.argv[1]))
print(start.strftime("%Y-%m-%dT%H:%M:%SZ"), end.strftime("%Y-%m-%dT%H:%M:%SZ"))' "$ct_days")
fi

# --- one account ---------------------------------------------------------------------------------
# export_account DIR: every call, with the credentials this (sub)shell has and the base command in
# the array `cli` (aws --output json [--profile P]). Runs under set -e: the first failing call ends it.
export_account() {
    local dir=$1 region user id users ids
    local account_regions=(${regions[@]+"${regions[@]}"})
    "${cli[@]}" sts get-caller-identity > "$dir/sts-caller-identity.json"
    if [ ${#account_regions[@]} -eq 0 ]; then
        local listed
        listed=$("${cli[@]}" ec2 describe-regions --query 'Regions[].RegionName' --output text)
        read -r -a account_regions <<< "$listed"
    fi
    if [ -n "$ct_days" ]; then
        # CloudTrail first: the window ends when the run started, and a denied or missing
        # LookupEvents fails the account before the rest is fetched.
        for region in "${account_regions[@]}"; do
            mkdir -p "$dir/$region"
            "${cli[@]}" cloudtrail lookup-events --region "$region" --start-time "$ct_start" --end-time "$ct_end" \
                > "$dir/$region/cloudtrail-lookup-events.json"
        done
    fi
    mkdir -p "$dir/iam"
    "${cli[@]}" iam get-account-authorization-details > "$dir/iam/account-authorization-details.json"
    "${cli[@]}" iam list-instance-profiles > "$dir/iam/instance-profiles.json"
    "${cli[@]}" iam list-users > "$dir/iam/users.json"
    users=$(json_names "$dir/iam/users.json" users)
    for user in $users; do
        "${cli[@]}" iam list-access-keys --user-name "$user" > "$dir/iam/access-keys-$user.json"
    done
    # The report is built asynchronously: ask until it is ready (at most about a minute).
    local state=""
    for _ in $(seq 60); do
        state=$("${cli[@]}" iam generate-credential-report --query State --output text)
        [ "$state" = COMPLETE ] && break
        sleep 1
    done
    "${cli[@]}" iam get-credential-report > "$dir/iam/credential-report.json"

    for region in "${account_regions[@]}"; do
        local r="$dir/$region"
        mkdir -p "$r"
        "${cli[@]}" ec2 describe-instances --region "$region" > "$r/instances.json"
        "${cli[@]}" ec2 describe-iam-instance-profile-associations --region "$region" > "$r/profile-associations.json"
        : > "$r/user-data.jsonl"
        ids=$(json_names "$r/instances.json" instances)  # the instances of the listing just written
        for id in $ids; do
            "${cli[@]}" ec2 describe-instance-attribute --region "$region" --attribute userData --instance-id "$id" \
                | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)))' >> "$r/user-data.jsonl"
        done
        # Network inventory: which public addresses, NATs, endpoints and interfaces belong to what.
        "${cli[@]}" ec2 describe-addresses --region "$region" > "$r/addresses.json"
        "${cli[@]}" ec2 describe-nat-gateways --region "$region" > "$r/nat-gateways.json"
        "${cli[@]}" ec2 describe-route-tables --region "$region" > "$r/route-tables.json"
        "${cli[@]}" ec2 describe-subnets --region "$region" > "$r/subnets.json"
        "${cli[@]}" ec2 describe-vpc-endpoints --region "$region" > "$r/vpc-endpoints.json"
        "${cli[@]}" ec2 describe-network-interfaces --region "$region" > "$r/network-interfaces.json"
    done
    echo "${#account_regions[@]}" > "$dir/.regions"
}

json_account() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["Account"])' "$1"; }

# json_names FILE users|instances: the user names of list-users or the instance ids of describe-instances.
json_names() {
    python3 -c '
import json, sys
doc = json.load(open(sys.argv[1]))
if sys.argv[2] == "users":
    names = [u["UserName"] for u in doc.get("Users", [])]
else:
    names = [i["InstanceId"] for r in doc.get("Reservations", []) for i in r.get("Instances", [])]
print(" ".join(names))' "$1" "$2"
}

# first_error FILE: the first non-empty line of what the AWS CLI printed on standard error.
first_error() {
    local line
    while IFS= read -r line; do
        line=${line//$'\r'/}
        if [ -n "${line//[[:space:]]/}" ]; then printf '%.300s' "$line"; return; fi
    done < "$1"
    printf 'failed (no error message)'
}

# --- accounts as jobs ----------------------------------------------------------------------------
# Each account is exported by a background subshell into its own hidden temporary folder (at most
# JOBS at once); the parent then checks, reports and renames the folders into place one by one, in
# the order the accounts were listed.
job_tmp=() job_mode=() job_label=() job_expected=()

cleanup() {
    local pid d
    for pid in $(jobs -p); do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for d in ${job_tmp[@]+"${job_tmp[@]}"} ${errdir:+"$errdir"}; do rm -rf "$d"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# add_job MODE LABEL EXPECTED. MODE: own (the caller's credentials), profile (LABEL is the profile)
# or role (LABEL is the account id to assume ROLE in). EXPECTED: the account id the credentials
# must name, or empty.
add_job() { job_mode+=("$1"); job_label+=("$2"); job_expected+=("$3"); }

start_job() {
    local i=$1 tmp
    if [ "$single" = 1 ]; then
        tmp=$(mktemp -d "${out%/}.tmp.XXXXXX")
    else
        tmp=$(mktemp -d "$out/.export.tmp.XXXXXX")
    fi
    chmod 700 "$tmp"
    job_tmp[i]=$tmp
    local mode=${job_mode[i]} label=${job_label[i]}
    (
        set +e
        (
            set -e
            unset AWS_SECURITY_TOKEN
            cli=(aws --output json)
            case "$mode" in
                profile)
                    unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
                    cli+=(--profile "$label") ;;
                role)
                    # The credentials exist only in this subshell's variables and environment: no
                    # file, no command line (parameter expansion only: no here-string, no pipe),
                    # and no trace even under bash -x.
                    { set +x; } 2>/dev/null
                    creds=$(aws sts assume-role --role-arn "arn:$partition:iam::$label:role/$org_role" \
                        --role-session-name invdb-export \
                        --query 'Credentials.[AccessKeyId,SecretAccessKey,SessionToken]' --output text)
                    creds=${creds//$'\n'/}
                    AWS_ACCESS_KEY_ID=${creds%%$'\t'*}; creds=${creds#*$'\t'}
                    AWS_SECRET_ACCESS_KEY=${creds%%$'\t'*}
                    AWS_SESSION_TOKEN=${creds#*$'\t'}
                    unset creds AWS_PROFILE AWS_DEFAULT_PROFILE
                    export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN ;;
            esac
            export_account "$tmp"
        )
        echo $? > "$tmp/.rc"
    ) > /dev/null 2> "$tmp/.errors" &
}

job_name() {
    case "${job_mode[$1]}" in
        profile) echo "profile ${job_label[$1]}" ;;
        role) echo "account ${job_label[$1]}" ;;
        own) echo "account ${job_label[$1]:-of the caller} (caller's credentials)" ;;
    esac
}

ok=0 failed=0
done_accounts=" "

# finish_job I: report job I, and rename its folder into place if it succeeded.
finish_job() {
    local i=$1 tmp=${job_tmp[$1]} expected=${job_expected[$1]} what rc account nregions dest
    what=$(job_name "$i")
    rc=$(cat "$tmp/.rc" 2>/dev/null || echo 1)
    if [ "$rc" != 0 ]; then
        echo "export-aws.sh: $what: FAILED, skipped: $(first_error "$tmp/.errors")" >&2
        rm -rf "$tmp"
        failed=$((failed + 1))
        return 0
    fi
    rm -f "$tmp/.rc" "$tmp/.errors"
    account=$(json_account "$tmp/sts-caller-identity.json")
    if [ -n "$expected" ] && [ "$account" != "$expected" ]; then
        echo "export-aws.sh: $what: FAILED, skipped: the credentials name account $account, not $expected" >&2
        rm -rf "$tmp"
        failed=$((failed + 1))
        return 0
    fi
    if [ "$single" != 1 ] && [[ "$done_accounts" == *" $account "* ]]; then
        echo "export-aws.sh: $what is account $account, exported already in this run: skipped" >&2
        rm -rf "$tmp"
        return 0
    fi
    nregions=$(cat "$tmp/.regions"); rm -f "$tmp/.regions"
    if [ "$single" = 1 ]; then dest=$out; else dest="$out/$account"; fi
    rm -rf "$dest"
    mv "$tmp" "$dest"
    done_accounts+="$account "
    ok=$((ok + 1))
    if [ "$single" = 1 ]; then
        echo "exported to $out: $nregions regions" >&2
    else
        echo "export-aws.sh: $what: account $account exported to $dest: $nregions regions" >&2
    fi
}

run_jobs() {
    local i running=0
    for i in ${job_mode[@]+"${!job_mode[@]}"}; do
        if [ "$running" -ge "$max_jobs" ]; then
            wait -n || true
            running=$((running - 1))
        fi
        [ "$single" = 1 ] || echo "export-aws.sh: $(job_name "$i"): exporting" >&2
        start_job "$i"
        running=$((running + 1))
    done
    wait || true
    for i in ${job_mode[@]+"${!job_mode[@]}"}; do
        finish_job "$i"
    done
}

# --- which accounts ------------------------------------------------------------------------------
single=0
partition=aws
errdir=""
if [ -z "$profiles" ] && [ -z "$org_role" ]; then
    single=1
    max_jobs=1
    add_job own "" ""
    run_jobs
    [ "$ok" -eq 1 ] || exit 1
    exit 0
fi

if [ -e "$out/sts-caller-identity.json" ]; then
    echo "export-aws.sh: warning: $out holds a single-account export; account folders are added beside it" >&2
fi
mkdir -p "$out"
chmod 700 "$out"

errdir=$(mktemp -d "$out/.export.tmp.XXXXXX")
if [ -n "$profiles" ]; then
    # Which account each profile names, first: a profile that fails here is reported at once, and
    # two profiles naming the same account export it once.
    IFS=, read -r -a profile_list <<< "$profiles"
    seen=" "
    for p in "${profile_list[@]}"; do
        [ -n "$p" ] || continue
        if acct=$(unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
                  aws --profile "$p" sts get-caller-identity --query Account --output text 2> "$errdir/err"); then
            if [[ "$seen" == *" $acct="* ]]; then
                first=${seen#*" $acct="}; first=${first%% *}
                echo "export-aws.sh: profile $p is account $acct, as is profile $first: skipped" >&2
                continue
            fi
            seen+="$acct=$p "
            add_job profile "$p" "$acct"
        else
            echo "export-aws.sh: profile $p: FAILED, skipped: $(first_error "$errdir/err")" >&2
            failed=$((failed + 1))
        fi
    done
else
    if ! caller=$(aws --output json sts get-caller-identity --query '[Account,Arn]' --output text 2> "$errdir/err") \
        || ! accounts=$(aws --output json organizations list-accounts \
            --query 'Accounts[?(State || Status)==`ACTIVE`].Id' --output text 2> "$errdir/err"); then
        echo "export-aws.sh: cannot list the organization's accounts: $(first_error "$errdir/err")" >&2
        exit 1
    fi
    caller_account=${caller%%$'\t'*}
    caller_arn=${caller#*$'\t'}
    partition=$(echo "$caller_arn" | cut -d: -f2)
    for acct in $accounts; do
        if [ "$acct" = "$caller_account" ]; then
            add_job own "$acct" "$acct"
        else
            add_job role "$acct" "$acct"
        fi
    done
fi
rm -rf "$errdir"; errdir=""

run_jobs
total=$((ok + failed))
echo "export-aws.sh: $ok of $total accounts exported to $out, $failed failed" >&2
if [ "$ok" -eq 0 ]; then exit 1; fi
if [ "$failed" -gt 0 ]; then exit 3; fi
exit 0
