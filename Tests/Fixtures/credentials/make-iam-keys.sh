#!/usr/bin/env bash
# IAM part of the credential fixtures (issue 3): users with access keys in a moto account, and the
# AWS CLI output invdb imports to tie a leaked key id back to its user.
#
#   bash Tests/Fixtures/credentials/make-iam-keys.sh     # alone: starts its own moto_server
#   (normally run by make-all.sh, which shares one moto_server with make-user-data.sh so that the
#    key ids moto makes here can be planted in user data and host files)
#
# Writes iam/ beside this script (every file the real `aws` CLI's stdout, except credential-report.csv,
# the base64-decoded Content of get-credential-report.json). Also creates the role app-ec2-role and
# the instance profile app-profile that make-user-data.sh attaches to two instances.
#
# Users (moto makes the key ids and secrets; with moto's generator seeded they are the same on every run):
#   deploy-bot         one key, Active, then used once (aws iam get-user signed with it) -> last-used date
#   ci-runner          two keys: key 1 Active; key 2 made Inactive with update-access-key
#   backup-agent       one key, Active, never used
#   former-contractor  one key, deleted with delete-access-key: in no IAM listing (leaked, then "cleaned up")
#   alice              console password (create-login-profile), no access keys
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/lib.sh"
need aws python3 curl
ensure_moto

IAM="$CRED_HERE/iam"
rm -rf "$IAM"
mkdir -p "$IAM"

EC2_TRUST='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
awsj iam create-role --role-name app-ec2-role --assume-role-policy-document "$EC2_TRUST" \
  --description "EC2 application role" >/dev/null
awsj iam create-instance-profile --instance-profile-name app-profile >/dev/null
awsj iam add-role-to-instance-profile --instance-profile-name app-profile --role-name app-ec2-role

echo "IAM users and access keys"
for u in deploy-bot ci-runner backup-agent former-contractor alice; do
  awsj iam create-user --user-name "$u" >/dev/null
done
awsj iam create-login-profile --user-name alice --password 'Not-a-real-password-1!' >/dev/null

# create-access-key output is the only place the secret ever appears; it is kept on purpose (fake keys).
save "$IAM/create-access-key-deploy-bot.json"        iam create-access-key --user-name deploy-bot
save "$IAM/create-access-key-ci-runner-1.json"       iam create-access-key --user-name ci-runner
save "$IAM/create-access-key-ci-runner-2.json"       iam create-access-key --user-name ci-runner
save "$IAM/create-access-key-backup-agent.json"      iam create-access-key --user-name backup-agent
save "$IAM/create-access-key-former-contractor.json" iam create-access-key --user-name former-contractor

field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["AccessKey"][sys.argv[2]])' "$1" "$2"; }
CI2="$(field "$IAM/create-access-key-ci-runner-2.json" AccessKeyId)"
awsj iam update-access-key --user-name ci-runner --access-key-id "$CI2" --status Inactive
FC="$(field "$IAM/create-access-key-former-contractor.json" AccessKeyId)"
awsj iam delete-access-key --user-name former-contractor --access-key-id "$FC"

# Use deploy-bot's key once: moto records the last use of any key that signs a request.
DB_ID="$(field "$IAM/create-access-key-deploy-bot.json" AccessKeyId)"
DB_SECRET="$(field "$IAM/create-access-key-deploy-bot.json" SecretAccessKey)"
AWS_ACCESS_KEY_ID="$DB_ID" AWS_SECRET_ACCESS_KEY="$DB_SECRET" \
  save "$IAM/get-user-as-deploy-bot.json" iam get-user

echo "IAM export"
save "$IAM/list-users.json" iam list-users
for u in deploy-bot ci-runner backup-agent former-contractor alice; do
  save "$IAM/list-access-keys-$u.json" iam list-access-keys --user-name "$u"
done
for label in deploy-bot ci-runner-1 ci-runner-2 backup-agent; do
  id="$(field "$IAM/create-access-key-$label.json" AccessKeyId)"
  save "$IAM/get-access-key-last-used-$label.json" iam get-access-key-last-used --access-key-id "$id"
done
save "$IAM/generate-credential-report.json"        iam generate-credential-report
save "$IAM/generate-credential-report-again.json"  iam generate-credential-report
save "$IAM/get-credential-report.json"             iam get-credential-report
python3 -c '
import base64, json, sys
doc = json.load(open(sys.argv[1]))
open(sys.argv[2], "wb").write(base64.b64decode(doc["Content"]))
' "$IAM/get-credential-report.json" "$IAM/credential-report.csv"
echo "  wrote ${IAM#"$CRED_REPO/"}/credential-report.csv (decoded Content)"
