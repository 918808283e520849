#!/usr/bin/env bash
# export-aws.sh OUT_DIR [REGION…]: write, with the AWS CLI and the caller's credentials, every file
# `invdb import` reads for CIS 1.18 into OUT_DIR (replacing what an earlier export left there):
# the caller identity, IAM (authorization details, instance profiles, users, their access keys,
# the credential report) and, per region, describe-instances, the profile associations and each
# instance's user data (JSON lines). Regions default to every enabled region.
#
#   bash Scripts/export-aws.sh exports us-east-1 eu-west-1 && invdb import exports/
#
# Read-only AWS calls only, except `iam generate-credential-report` (it asks IAM to build the
# report). The files hold user data and IAM metadata: keep OUT_DIR private (it is made 0700).
set -euo pipefail
out=${1:?usage: export-aws.sh OUT_DIR [REGION…]}
shift
regions=("$@")
if [ ${#regions[@]} -eq 0 ]; then
    read -r -a regions <<< "$(aws ec2 describe-regions --query 'Regions[].RegionName' --output text)"
fi
tmp=$(mktemp -d "${out%/}.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
chmod 700 "$tmp"
aws="aws --output json"

$aws sts get-caller-identity > "$tmp/sts-caller-identity.json"
mkdir -p "$tmp/iam"
$aws iam get-account-authorization-details > "$tmp/iam/account-authorization-details.json"
$aws iam list-instance-profiles > "$tmp/iam/instance-profiles.json"
$aws iam list-users > "$tmp/iam/users.json"
for user in $(aws iam list-users --query 'Users[].UserName' --output text); do
    $aws iam list-access-keys --user-name "$user" > "$tmp/iam/access-keys-$user.json"
done
# The report is built asynchronously: ask until it is ready (at most about a minute).
for _ in $(seq 30); do
    state=$(aws iam generate-credential-report --query State --output text)
    [ "$state" = COMPLETE ] && break
    sleep 2
done
$aws iam get-credential-report > "$tmp/iam/credential-report.json"

for region in "${regions[@]}"; do
    mkdir -p "$tmp/$region"
    $aws ec2 describe-instances --region "$region" > "$tmp/$region/instances.json"
    $aws ec2 describe-iam-instance-profile-associations --region "$region" > "$tmp/$region/profile-associations.json"
    : > "$tmp/$region/user-data.jsonl"
    for id in $(aws ec2 describe-instances --region "$region" --query 'Reservations[].Instances[].InstanceId' --output text); do
        aws ec2 describe-instance-attribute --region "$region" --attribute userData --instance-id "$id" --output json \
            | python3 -c 'import json, sys; print(json.dumps(json.load(sys.stdin)))' >> "$tmp/$region/user-data.jsonl"
    done
done

rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "exported to $out: ${#regions[@]} regions" >&2
