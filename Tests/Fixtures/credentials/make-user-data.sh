#!/usr/bin/env bash
# User-data part of the credential fixtures (issue 3): EC2 instances in a moto account launched with
# user data that holds AWS keys in every layer invdb must decode, decoys that must not be findings,
# one instance without user data and one whose user data cannot be decoded.
#
#   bash Tests/Fixtures/credentials/make-user-data.sh   # alone: starts moto and runs make-iam-keys.sh first
#   (normally run by make-all.sh against the moto_server make-iam-keys.sh used)
#
# The payloads (and which key goes where) come from gen_fixtures.py (`user-data`); the IAM keys it
# plants are the ones moto made in make-iam-keys.sh (iam/create-access-key-*.json). Each payload is
# given to the real CLI as raw bytes with --user-data fileb://FILE; the CLI base64-encodes it.
#
# Writes (beside this script):
#   user-data/<instance-id>.json   aws ec2 describe-instance-attribute --attribute userData (one per instance)
#   user-data.jsonl                the same documents, one compact JSON object per line
#   us-east-1/describe-instances.json
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
need aws python3 curl
if [[ -z "${MOTO_ENDPOINT:-}" ]]; then
  ensure_moto
  bash "$CRED_HERE/make-iam-keys.sh"
fi
[[ -f "$CRED_HERE/iam/create-access-key-deploy-bot.json" ]] || die "run make-iam-keys.sh first (or make-all.sh)"

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"; _moto_cleanup' EXIT
python3 "$CRED_HERE/gen_fixtures.py" user-data "$WORK"

rm -rf "$CRED_HERE/user-data" "$CRED_HERE/us-east-1"
rm -f "$CRED_HERE/user-data.jsonl"
mkdir -p "$CRED_HERE/user-data" "$CRED_HERE/us-east-1"

echo "instances in $REGION"
# name <TAB> payload file or "-" <TAB> state <TAB> profile or "-" <TAB> tag specifications JSON
python3 - "$WORK/plan.json" >"$WORK/launch.tsv" <<'PY'
import json, sys
for e in json.load(open(sys.argv[1])):
    tags = [{"Key": "Name", "Value": e["name"]}] + [{"Key": k, "Value": v} for k, v in e["tags"].items()]
    spec = json.dumps([{"ResourceType": "instance", "Tags": tags}], separators=(",", ":"))
    print("\t".join([e["name"], e.get("file", "-"), e["state"], e["profile"] or "-", spec]))
PY

IDS=()
while IFS=$'\t' read -r name file state profile spec; do
  args=(--image-id "$AMI" --instance-type "$TYPE" --count 1 --tag-specifications "$spec")
  # A fixed ClientToken (uuid5 of the name) instead of the CLI's random uuid4: reruns stay identical.
  token="$(python3 -c 'import sys, uuid; print(uuid.uuid5(uuid.NAMESPACE_URL, "invdb-credentials/" + sys.argv[1]))' "$name")"
  args+=(--client-token "$token")
  [[ "$file" != "-" ]] && args+=(--user-data "fileb://$file")
  [[ "$profile" != "-" ]] && args+=(--iam-instance-profile "Name=$profile")
  id="$(awst ec2 run-instances "${args[@]}" --query 'Instances[0].InstanceId')"
  case "$state" in
    stopped)    awsj ec2 stop-instances --instance-ids "$id" >/dev/null ;;
    terminated) awsj ec2 terminate-instances --instance-ids "$id" >/dev/null ;;
  esac
  printf '  %-20s %s (%s)\n' "$id" "$name" "$state"
  IDS+=("$id")
done <"$WORK/launch.tsv"

echo "user data exports"
for id in "${IDS[@]}"; do
  save "$CRED_HERE/user-data/$id.json" ec2 describe-instance-attribute --attribute userData --instance-id "$id"
done
python3 - "$CRED_HERE/user-data.jsonl" "$CRED_HERE/user-data" "${IDS[@]}" <<'PY'
import json, os, sys
out, folder, ids = sys.argv[1], sys.argv[2], sys.argv[3:]
with open(out, "w") as fh:
    for i in ids:
        doc = json.load(open(os.path.join(folder, i + ".json")))
        fh.write(json.dumps(doc, separators=(",", ":")) + "\n")
PY
echo "  wrote ${CRED_HERE#"$CRED_REPO/"}/user-data.jsonl"
save "$CRED_HERE/us-east-1/describe-instances.json" ec2 describe-instances
