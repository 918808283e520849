#!/usr/bin/env bash
# Regenerates every credential fixture in this folder (issue 3) and the demo copy in
# Samples/credentials/, against ONE throw-away moto_server on 127.0.0.1 so that the access keys moto
# makes for IAM users can be planted in user data and host files (leaked-key correlation).
#
#   bash Tests/Fixtures/credentials/make-all.sh
#   MOTO_PORT=5077 MOTO_SEED=118 bash Tests/Fixtures/credentials/make-all.sh
#
# Needs: aws (awscli 1.x), moto_server (moto 5.x), python3 (with venv), curl, git; the scanners are
# installed from PyPI into a virtualenv by make-scanner-reports.sh on first use.
# Never touches real AWS: fake "testing" credentials, --endpoint-url on every call, loopback only.
#
# Steps:
#   1. make-iam-keys.sh      IAM users and keys in moto            -> iam/
#   2. make-user-data.sh     instances with layered user data      -> user-data/, user-data.jsonl, us-east-1/
#   3. gen_fixtures.py       files "collected" from the instances  -> hosts/, fake-keys.json, expected-findings.json
#   4. make-scanner-reports.sh  detect-secrets, truffleHog 2.x, Kingfisher over hosts/ (+ 2 hand-made) -> scanner-reports/
#   5. the demo subset       -> Samples/credentials/
#   6. README tables refreshed from expected-findings.json, then every fixture verified
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
need aws moto_server python3 curl git
GEN="python3 $CRED_HERE/gen_fixtures.py"

ensure_moto
$GEN fake-keys
bash "$CRED_HERE/make-iam-keys.sh"
bash "$CRED_HERE/make-user-data.sh"
_moto_cleanup   # everything AWS-side is exported; the rest is files

echo "hosts/ and expected-findings.json"
$GEN hosts
$GEN expected

bash "$CRED_HERE/make-scanner-reports.sh"

echo "demo subset -> Samples/credentials/"
S="$CRED_REPO/Samples/credentials"
readme_keep=""
[[ -f "$S/README.md" ]] && readme_keep="$(cat "$S/README.md")"
rm -rf "$S"
mkdir -p "$S/aws/us-east-1" "$S/aws/iam" "$S/scanner-reports"
cp "$CRED_HERE/us-east-1/describe-instances.json" "$S/aws/us-east-1/"
cp "$CRED_HERE/user-data.jsonl" "$S/aws/"
cp "$CRED_HERE/iam/list-users.json" "$CRED_HERE/iam/get-credential-report.json" "$S/aws/iam/"
cp "$CRED_HERE"/iam/list-access-keys-*.json "$S/aws/iam/"
cp -a "$CRED_HERE/hosts" "$S/hosts"
cp "$CRED_HERE/scanner-reports/kingfisher.json" "$CRED_HERE/scanner-reports/detect-secrets-baseline.json" \
   "$CRED_HERE/scanner-reports/trufflehog2.jsonl" "$S/scanner-reports/"
[[ -n "$readme_keep" ]] && printf '%s\n' "$readme_keep" >"$S/README.md"

$GEN tables
$GEN verify
echo
python3 - "$CRED_HERE/expected-findings.json" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
print("instances:")
for iid, u in e["user_data"].items():
    print(f"  {iid}  {u['name']:<18} {u['state']:<10} {u['expect']}")
PY
