#!/usr/bin/env python3
"""Builds the content of the credential fixtures (issue 3) and the list of what must be found.

Called by the make-*.sh scripts beside this file; it never talks to AWS or moto itself. Every value
here is FAKE: AWS's documented example pair, keys derived from a fixed seed (see fake_key), and the
keys moto made for its fake IAM users (read from iam/create-access-key-*.json).

Subcommands (all paths are relative to this folder unless absolute):
  fake-keys                         write fake-keys.json
  user-data WORK                    write WORK/<name>.bin (the bytes given to run-instances) and
                                    WORK/plan.json (instances, layers, planted values, decoys)
  hosts                             write hosts/ from us-east-1/describe-instances.json
  expected                          write expected-findings.json (needs user-data/ and hosts/)
  handwritten                       write scanner-reports/gitleaks.json and trufflehog3.jsonl
  tables                            refresh the generated tables inside README.md
  verify                            check every fixture against expected-findings.json
"""
import base64
import gzip
import hashlib
import json
import math
import os
import quopri
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = "invdb-issue-3-credential-fixtures"
EXAMPLE_ID = "AKIAIOSFODNN7EXAMPLE"
EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def p(*parts):
    return os.path.join(HERE, *parts)


def write(path, data, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(path, "wb") as f:
        f.write(data)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def dump_json(path, obj):
    write(path, json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


# ---------------------------------------------------------------------------------------------
# Fake keys: right shape, derived from SEED, never real.
# ---------------------------------------------------------------------------------------------
def _stream(label, n):
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{SEED}/{label}/{i}".encode()).digest()
        i += 1
    return out[:n]


def fake_key(name, prefix="AKIA"):
    """AKIA/ASIA + 16 chars of A-Z2-7, a 40-char secret of A-Za-z0-9+/ and, for ASIA, a token."""
    kid = prefix + "".join(B32[b % 32] for b in _stream(name + "/id", 16))
    secret = base64.b64encode(_stream(name + "/secret", 60)).decode()[:40]
    key = {"name": name, "access_key_id": kid, "secret_access_key": secret}
    if prefix == "ASIA":
        # Real STS tokens are base64 and start with "IQoJb3JpZ2luX2Vj" (b"\x21\n\torigin_ec...").
        body = base64.b64encode(_stream(name + "/token", 330)).decode()
        key["session_token"] = "IQoJb3JpZ2luX2VjE" + body
    return key


FAKE_KEY_NAMES = [
    # (name, prefix, where it is planted)
    ("ud-heredoc", "AKIA", "user data of cred-heredoc (~/.aws/credentials written by a heredoc)"),
    ("ud-gzip", "AKIA", "user data of cred-gzip (gzip-compressed shell script)"),
    ("ud-mime-b64", "AKIA", "user data of cred-mime (MIME part with Content-Transfer-Encoding: base64)"),
    ("ud-systemd", "AKIA", "user data of cred-cloud-config (write_files gzip+base64 systemd unit)"),
    ("ud-json", "AKIA", "user data of cred-json (the user data is a JSON config)"),
    ("ud-yaml", "AKIA", "user data of cred-yaml (the user data is a YAML config)"),
    ("ud-python", "AKIA", "user data of cred-source (Python file written by a heredoc)"),
    ("ud-js", "AKIA", "user data of cred-source (JavaScript file written by a heredoc)"),
    ("ud-session", "ASIA", "user data of cred-session (temporary key + session token)"),
    ("ud-nested", "AKIA", "user data of cred-nested (gzip > MIME > base64 part > cloud-config > gz+b64 file)"),
    ("ud-terminated", "AKIA", "user data of cred-terminated (terminated instance)"),
    ("host-deploy", "AKIA", "hosts/<cred-shell>/opt/deploy/deploy.sh"),
    ("host-legacy", "AKIA", "hosts/<cred-shell>/root/.aws/credentials, profile legacy-batch"),
    ("host-systemd", "AKIA", "hosts/<cred-shell>/etc/systemd/system/web.service"),
    ("host-dotenv", "AKIA", "hosts/<cred-source>/srv/app/.env"),
    ("host-yaml", "AKIA", "hosts/<cred-source>/srv/app/config/settings.yaml"),
    ("host-python", "AKIA", "hosts/<cred-source>/srv/app/app.py"),
    ("host-js", "AKIA", "hosts/<cred-source>/srv/app/static/upload.js"),
    ("host-session", "ASIA", "hosts/<cred-session>.env (env dump)"),
]


def fake_keys():
    return {n: dict(fake_key(n, pre), planted_in=where) for n, pre, where in FAKE_KEY_NAMES}


def decoy_values():
    """Key-shaped but harmless values (checksums, ids) — derived from SEED too."""
    return {
        "sha256": hashlib.sha256(f"{SEED}/agent.tar.gz".encode()).hexdigest(),
        "sha256_b": hashlib.sha256(f"{SEED}/web.tar.gz".encode()).hexdigest(),
        "git_sha1": hashlib.sha1(f"{SEED}/commit".encode()).hexdigest(),          # 40 hex
        "etag_sha1": hashlib.sha1(f"{SEED}/etag".encode()).hexdigest(),           # 40 hex
        "build_id_b64": base64.b64encode(_stream("build-id", 30)).decode(),        # 40 base64
        "upload_id_b64": base64.b64encode(_stream("upload-id", 30)).decode(),      # 40 base64
        "integrity": "sha512-" + base64.b64encode(hashlib.sha512(f"{SEED}/pkg".encode()).digest()).decode(),
    }


def cmd_fake_keys():
    keys = fake_keys()
    doc = {
        "_comment": "FAKE keys for tests, derived from a fixed seed by gen_fixtures.py (fake_key). "
                    "None of them is or was a real AWS credential.",
        "seed": SEED,
        "example": {"access_key_id": EXAMPLE_ID, "secret_access_key": EXAMPLE_SECRET,
                    "note": "AWS's documented example key pair"},
        "keys": keys,
        "decoys": decoy_values(),
    }
    for k in keys.values():
        assert re.fullmatch(r"(AKIA|ASIA)[A-Z2-7]{16}", k["access_key_id"]), k
        assert re.fullmatch(r"[A-Za-z0-9+/]{40}", k["secret_access_key"]), k
    dump_json(p("fake-keys.json"), doc)


# ---------------------------------------------------------------------------------------------
# moto's keys (real moto output kept under iam/)
# ---------------------------------------------------------------------------------------------
MOTO_KEY_FILES = {
    # label -> (file under iam/, user, status at export time, note, where it is planted)
    "deploy-bot": ("create-access-key-deploy-bot.json", "deploy-bot", "Active",
                   "used once (iam get-user) after creation, so it has a last-used date",
                   "user data of cred-shell; hosts/<cred-source>/srv/app/config/settings.json"),
    "ci-runner-1": ("create-access-key-ci-runner-1.json", "ci-runner", "Active", "never used",
                    "user data of cred-cloud-config (write_files[0], b64, /root/.aws/credentials)"),
    "ci-runner-2": ("create-access-key-ci-runner-2.json", "ci-runner", "Inactive",
                    "made Inactive with update-access-key; never used",
                    "hosts/<cred-shell>/root/.aws/credentials, profile default"),
    "backup-agent": ("create-access-key-backup-agent.json", "backup-agent", "Active", "never used",
                     "hosts/<cred-shell>/proc/4242/environ"),
    "former-contractor": ("create-access-key-former-contractor.json", "former-contractor", "Deleted",
                          "deleted with delete-access-key before the export: in no IAM file",
                          "user data of cred-mime (MIME part 3, quoted-printable)"),
}


def moto_keys():
    out = {}
    for label, (fname, user, status, note, where) in MOTO_KEY_FILES.items():
        ak = load_json(p("iam", fname))["AccessKey"]
        out[label] = {"name": label, "access_key_id": ak["AccessKeyId"],
                      "secret_access_key": ak["SecretAccessKey"], "iam_user": user,
                      "status": status, "note": note, "planted_in": where}
    return out


def all_keys():
    keys = {}
    for k in fake_keys().values():
        keys[k["name"]] = dict(k, source="fake")
    for k in moto_keys().values():
        keys[k["name"]] = dict(k, source="moto")
    keys["example"] = {"name": "example", "access_key_id": EXAMPLE_ID,
                       "secret_access_key": EXAMPLE_SECRET, "source": "AWS docs example",
                       "planted_in": "user data of cred-example; hosts/<cred-none>/home/ubuntu/.aws/credentials"}
    return keys


# ---------------------------------------------------------------------------------------------
# Encoders for the layers
# ---------------------------------------------------------------------------------------------
def gz(data):
    if isinstance(data, str):
        data = data.encode()
    return gzip.compress(data, compresslevel=9, mtime=0)


def b64_lines(data, width=76):
    """base64 wrapped like a MIME body / cloud-init make-mime."""
    if isinstance(data, str):
        data = data.encode()
    s = base64.b64encode(data).decode()
    return "\n".join(s[i:i + width] for i in range(0, len(s), width)) + "\n"


def b64_one(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode()


BOUNDARY = "===============invdb-issue3-boundary=="


def mime(parts):
    """parts: list of (content_type, filename, cte, payload_text). Returns text like cloud-init make-mime."""
    out = [f'Content-Type: multipart/mixed; boundary="{BOUNDARY}"', "MIME-Version: 1.0", ""]
    for ctype, fname, cte, payload in parts:
        out.append(f"--{BOUNDARY}")
        out.append(f'Content-Type: {ctype}; charset="us-ascii"')
        out.append("MIME-Version: 1.0")
        out.append(f"Content-Transfer-Encoding: {cte}")
        out.append(f'Content-Disposition: attachment; filename="{fname}"')
        out.append("")
        if cte == "base64":
            body = b64_lines(payload).rstrip("\n")
        elif cte == "quoted-printable":
            body = quopri.encodestring(payload.encode()).decode().rstrip("\n")
        else:
            body = payload.rstrip("\n")
        out.append(body)
    out.append(f"--{BOUNDARY}--")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# User data, instance by instance
# ---------------------------------------------------------------------------------------------
def plant(key, kinds=("id", "secret")):
    """The findings a section holds for one key: a list of (kind, value, key) tuples."""
    out = []
    kid = key["access_key_id"]
    if "id" in kinds:
        out.append(("temporary_access_key_id" if kid.startswith("ASIA") else "access_key_id", kid, key))
    if "secret" in kinds:
        out.append(("secret_access_key", key["secret_access_key"], key))
    if "token" in kinds:
        out.append(("session_token", key["session_token"], key))
    return out


def user_data_plan():
    fk = fake_keys()
    mk = moto_keys()
    d = decoy_values()
    ex = {"name": "example", "access_key_id": EXAMPLE_ID, "secret_access_key": EXAMPLE_SECRET}
    plan = []

    def add(name, tags, payload, layers, sections, expect, state="running", profile=None, note=""):
        plan.append({"name": name, "tags": tags, "payload": payload, "layers": layers,
                     "sections": sections, "expect": expect, "state": state, "profile": profile,
                     "note": note})

    # 1. plain shell script, exports; deploy-bot's moto key (Active, used)
    k = mk["deploy-bot"]
    text = f"""#!/bin/bash
# web tier bootstrap
set -euo pipefail
export AWS_ACCESS_KEY_ID={k['access_key_id']}
export AWS_SECRET_ACCESS_KEY={k['secret_access_key']}
export AWS_DEFAULT_REGION=us-east-1
aws s3 cp s3://deploy-artifacts/web/current.tar.gz /tmp/web.tar.gz
echo "{d['sha256_b']}  /tmp/web.tar.gz" | sha256sum -c -
tar -xzf /tmp/web.tar.gz -C /opt/web
systemctl restart web
"""
    add("cred-shell", {"team": "web"}, text.encode(), ["shell script"],
        [{"where": "shell script", "text": text, "plants": plant(k),
          "decoys": [d["sha256_b"]]}], "findings", profile="app-profile",
        note="has a working instance role and still ships a key")

    # 2. heredoc writing ~/.aws/credentials (instance stopped)
    k = fk["ud-heredoc"]
    ini = f"""[default]
aws_access_key_id = {k['access_key_id']}
aws_secret_access_key = {k['secret_access_key']}
region = us-east-1
"""
    text = "#!/bin/bash\nmkdir -p ~/.aws\ncat > ~/.aws/credentials <<'EOF'\n" + ini + \
           "EOF\nchmod 600 ~/.aws/credentials\n/opt/batch/run-nightly.sh\n"
    add("cred-heredoc", {"team": "batch"}, text.encode(), ["shell script", "heredoc: ~/.aws/credentials (INI)"],
        [{"where": "shell script > heredoc ~/.aws/credentials", "text": text, "plants": plant(k), "decoys": []}],
        "findings", state="stopped", note="stopped instances are in scope")

    # 3. gzip-compressed shell script, given as raw gzip bytes (fileb://)
    k = fk["ud-gzip"]
    inner = f"""#!/bin/bash
# compressed with gzip before launch; cloud-init gunzips it
export AWS_ACCESS_KEY_ID="{k['access_key_id']}"
export AWS_SECRET_ACCESS_KEY="{k['secret_access_key']}"
/usr/local/bin/sync-reports --bucket reports-archive
"""
    add("cred-gzip", {"team": "reports"}, gz(inner), ["gzip", "shell script"],
        [{"where": "gzip > shell script", "text": inner, "plants": plant(k), "decoys": []}], "findings")

    # 4. MIME multipart: plain cloud-config, a base64 shell part, a quoted-printable shell part
    k1 = fk["ud-mime-b64"]
    k2 = mk["former-contractor"]
    cc = "#cloud-config\npackages:\n  - awscli\n  - jq\n"
    part2 = f"""#!/bin/bash
export AWS_ACCESS_KEY_ID={k1['access_key_id']}
export AWS_SECRET_ACCESS_KEY={k1['secret_access_key']}
aws s3 sync s3://media-uploads /srv/media
"""
    # One long line: quoted-printable soft-breaks it (=\\n) and writes '=' as =3D.
    part3 = f"""#!/bin/bash
# contractor's sync job, kept "for now"
echo "AWS_ACCESS_KEY_ID={k2['access_key_id']} AWS_SECRET_ACCESS_KEY={k2['secret_access_key']}" >> /etc/environment
"""
    text = mime([("text/cloud-config", "cloud-config.txt", "7bit", cc),
                 ("text/x-shellscript", "media-sync.sh", "base64", part2),
                 ("text/x-shellscript", "contractor.sh", "quoted-printable", part3)])
    add("cred-mime", {"team": "media"}, text.encode(),
        ["MIME multipart/mixed (cloud-init)", "part 1: text/cloud-config, 7bit",
         "part 2: text/x-shellscript, base64", "part 3: text/x-shellscript, quoted-printable"],
        [{"where": "MIME part 1 (text/cloud-config, 7bit)", "text": cc, "plants": [], "decoys": []},
         {"where": "MIME part 2 (text/x-shellscript, base64)", "text": part2, "plants": plant(k1), "decoys": []},
         {"where": "MIME part 3 (text/x-shellscript, quoted-printable)", "text": part3, "plants": plant(k2),
          "decoys": []}], "findings")

    # 5. #cloud-config write_files: b64 credentials file, gzip+base64 systemd unit, gz+b64 decoy env file
    k1 = mk["ci-runner-1"]
    k2 = fk["ud-systemd"]
    creds = f"""[default]
aws_access_key_id = {k1['access_key_id']}
aws_secret_access_key = {k1['secret_access_key']}
"""
    unit = f"""[Unit]
Description=Report worker
After=network-online.target

[Service]
User=reports
Environment=AWS_ACCESS_KEY_ID={k2['access_key_id']}
Environment=AWS_SECRET_ACCESS_KEY={k2['secret_access_key']}
EnvironmentFile=-/etc/default/report-worker
ExecStart=/usr/local/bin/report-worker
Restart=on-failure

[Install]
WantedBy=multi-user.target
"""
    envfile = """# filled in at deploy time by the pipeline
AWS_ACCESS_KEY_ID=$REPORT_WORKER_KEY_ID
AWS_SECRET_ACCESS_KEY=${REPORT_WORKER_SECRET}
AWS_SESSION_TOKEN=
"""
    text = f"""#cloud-config
package_update: true
write_files:
  - path: /root/.aws/credentials
    owner: root:root
    permissions: '0600'
    encoding: b64
    content: {b64_one(creds)}
  - path: /etc/systemd/system/report-worker.service
    permissions: '0644'
    encoding: gzip+base64
    content: {b64_one(gz(unit))}
  - path: /etc/default/report-worker
    permissions: '0600'
    encoding: gz+b64
    content: {b64_one(gz(envfile))}
  - path: /etc/motd
    content: |
      Managed by cloud-init. Do not edit.
runcmd:
  - [systemctl, daemon-reload]
  - [systemctl, enable, --now, report-worker.service]
"""
    add("cred-cloud-config", {"team": "reports"}, text.encode(),
        ["#cloud-config YAML", "write_files[0] encoding: b64 (/root/.aws/credentials, INI)",
         "write_files[1] encoding: gzip+base64 (systemd unit)",
         "write_files[2] encoding: gz+b64 (env file, decoys only)", "write_files[3] plain (motd)"],
        [{"where": "#cloud-config > write_files[0] /root/.aws/credentials (b64)", "text": creds,
          "plants": plant(k1), "decoys": []},
         {"where": "#cloud-config > write_files[1] /etc/systemd/system/report-worker.service (gzip+base64)",
          "text": unit, "plants": plant(k2), "decoys": []},
         {"where": "#cloud-config > write_files[2] /etc/default/report-worker (gz+b64)", "text": envfile,
          "plants": [], "decoys": ["AWS_ACCESS_KEY_ID=$REPORT_WORKER_KEY_ID",
                                   "AWS_SECRET_ACCESS_KEY=${REPORT_WORKER_SECRET}", "AWS_SESSION_TOKEN="]}],
        "findings")

    # 6. user data that is a JSON config
    k = fk["ud-json"]
    text = json.dumps({
        "service": "ingest",
        "aws": {"region": "us-east-1", "accessKeyId": k["access_key_id"],
                "secretAccessKey": k["secret_access_key"]},
        "build": {"commit": d["git_sha1"], "image": "registry.example.com/ingest@sha256:" + d["sha256"]},
    }, indent=2) + "\n"
    add("cred-json", {"team": "ingest"}, text.encode(), ["JSON document"],
        [{"where": "JSON", "text": text, "plants": plant(k), "decoys": [d["git_sha1"], d["sha256"]]}], "findings")

    # 7. user data that is a YAML config (not cloud-config)
    k = fk["ud-yaml"]
    text = f"""# ingest worker settings, read by /opt/ingest/bin/worker
service: ingest
aws:
  region: us-east-1
  access_key_id: {k['access_key_id']}
  secret_access_key: "{k['secret_access_key']}"
queue:
  url: https://sqs.us-east-1.amazonaws.com/123456789012/ingest
  checksum: "sha256:{d['sha256']}"
"""
    add("cred-yaml", {"team": "ingest"}, text.encode(), ["YAML document (not #cloud-config)"],
        [{"where": "YAML", "text": text, "plants": plant(k), "decoys": [d["sha256"]]}], "findings")

    # 8. shell script writing Python and JavaScript source files
    k1 = fk["ud-python"]
    k2 = fk["ud-js"]
    py = f"""import os
import boto3

s3 = boto3.client(
    "s3",
    aws_access_key_id="{k1['access_key_id']}",
    aws_secret_access_key="{k1['secret_access_key']}",
)
REGION = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
KEY_FROM_ENV = os.environ.get("AWS_ACCESS_KEY_ID")
"""
    js = f"""const {{ S3Client }} = require("@aws-sdk/client-s3");
const client = new S3Client({{
  region: "us-east-1",
  credentials: {{
    accessKeyId: "{k2['access_key_id']}",
    secretAccessKey: "{k2['secret_access_key']}",
  }},
}});
module.exports = client;
"""
    text = ("#!/bin/bash\nmkdir -p /opt/app\ncat > /opt/app/upload.py <<'PY'\n" + py + "PY\n"
            "cat > /opt/app/upload.js <<'JS'\n" + js + "JS\npython3 /opt/app/upload.py\n")
    add("cred-source", {"team": "app"}, text.encode(),
        ["shell script", "heredoc: /opt/app/upload.py (Python)", "heredoc: /opt/app/upload.js (JavaScript)"],
        [{"where": "shell script > heredoc /opt/app/upload.py and /opt/app/upload.js", "text": text,
          "plants": plant(k1) + plant(k2),
          "decoys": ['os.environ.get("AWS_DEFAULT_REGION", "us-east-1")', 'os.environ.get("AWS_ACCESS_KEY_ID")']}],
        "findings", profile="app-profile")

    # 9. temporary credentials: ASIA id, secret, session token
    k = fk["ud-session"]
    text = f"""#!/bin/bash
# temporary credentials pasted from `aws sts assume-role` output
export AWS_ACCESS_KEY_ID={k['access_key_id']}
export AWS_SECRET_ACCESS_KEY={k['secret_access_key']}
export AWS_SESSION_TOKEN={k['session_token']}
aws sts get-caller-identity
"""
    add("cred-session", {"team": "ops"}, text.encode(), ["shell script"],
        [{"where": "shell script", "text": text, "plants": plant(k, ("id", "secret", "token")), "decoys": []}],
        "findings")

    # 10. AWS's documented example key
    text = f"""#!/bin/bash
# copied from the AWS CLI configuration guide
aws configure set aws_access_key_id {EXAMPLE_ID}
aws configure set aws_secret_access_key {EXAMPLE_SECRET}
aws configure set default.region us-west-2
"""
    add("cred-example", {"team": "docs"}, text.encode(), ["shell script"],
        [{"where": "shell script", "text": text, "plants": plant(ex), "decoys": []}], "findings")

    # 11. deep nesting: gzip > MIME > base64 part > #cloud-config > write_files gz+b64 > .env
    k = fk["ud-nested"]
    dotenv = f"""APP_ENV=production
AWS_ACCESS_KEY_ID={k['access_key_id']}
AWS_SECRET_ACCESS_KEY={k['secret_access_key']}
"""
    cc = f"""#cloud-config
write_files:
  - path: /etc/app/app.env
    permissions: '0600'
    encoding: gz+b64
    content: {b64_one(gz(dotenv))}
"""
    sh = "#!/bin/bash\necho booting\n"
    text = mime([("text/x-shellscript", "boot.sh", "7bit", sh),
                 ("text/cloud-config", "cloud-config.txt", "base64", cc)])
    add("cred-nested", {"team": "app"}, gz(text),
        ["gzip", "MIME multipart/mixed", "part 2: text/cloud-config, base64", "#cloud-config",
         "write_files[0] encoding: gz+b64 (/etc/app/app.env)", ".env"],
        [{"where": "gzip > MIME part 2 (base64) > #cloud-config > write_files[0] /etc/app/app.env (gz+b64)",
          "text": dotenv, "plants": plant(k), "decoys": []}], "findings")

    # 12. decoys only
    text = f"""#!/bin/bash
# Everything below looks like AWS credentials and is not.
export AWS_ACCESS_KEY_ID=$VAULT_AWS_KEY_ID
export AWS_SECRET_ACCESS_KEY="${{AWS_SECRET_ACCESS_KEY}}"
export AWS_SESSION_TOKEN=""
AWS_SECRET_ACCESS_KEY=
mkdir -p ~/.aws
cat > ~/.aws/credentials <<'EOF'
[default]
aws_access_key_id = <YOUR_ACCESS_KEY_ID>
aws_secret_access_key = <YOUR_SECRET_ACCESS_KEY>
EOF
python3 - <<'PY'
import os
key_id = os.environ.get("AWS_ACCESS_KEY_ID")
secret = os.environ["AWS_SECRET_ACCESS_KEY"]
config = {{"aws_access_key_id": "", "aws_secret_access_key": ""}}
PY
echo "{d['sha256']}  /tmp/agent.tar.gz" | sha256sum -c -
GIT_COMMIT={d['git_sha1']}
BUILD_ID={d['build_id_b64']}
ROLE_ARN=arn:aws:iam::123456789012:role/app-ec2-role
aws ssm get-parameter --name /app/aws_secret_access_key --with-decryption
"""
    decoys = ["AWS_ACCESS_KEY_ID=$VAULT_AWS_KEY_ID", 'AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY}"',
              'AWS_SESSION_TOKEN=""', "AWS_SECRET_ACCESS_KEY=\n", "<YOUR_ACCESS_KEY_ID>", "<YOUR_SECRET_ACCESS_KEY>",
              'os.environ.get("AWS_ACCESS_KEY_ID")', 'os.environ["AWS_SECRET_ACCESS_KEY"]',
              '"aws_access_key_id": ""', '"aws_secret_access_key": ""',
              d["sha256"], d["git_sha1"], d["build_id_b64"], "arn:aws:iam::123456789012:role/app-ec2-role",
              "/app/aws_secret_access_key"]
    add("cred-decoys", {"team": "platform"}, text.encode(), ["shell script", "heredocs (INI, Python)"],
        [{"where": "shell script", "text": text, "plants": [], "decoys": decoys}], "none (decoy)")

    # 13. no user data at all
    add("cred-none", {"team": "platform"}, None, [], [], "no user data")

    # 14. undecodable: gzip magic, then garbage
    broken = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03" + b"this is not a deflate stream \xff\xfe\xfd\xfc" + b"\x00" * 8
    add("cred-broken", {"team": "platform"}, broken, ["gzip header, then garbage"], [], "decode error",
        note="gzip magic 1f 8b 08 and a valid 10-byte header, followed by bytes that are not deflate data")

    # 15. terminated instance with a key in its user data
    k = fk["ud-terminated"]
    text = f"""#!/bin/bash
export AWS_ACCESS_KEY_ID={k['access_key_id']}
export AWS_SECRET_ACCESS_KEY={k['secret_access_key']}
/opt/legacy/run.sh
"""
    add("cred-terminated", {"team": "legacy"}, text.encode(), ["shell script"],
        [{"where": "shell script", "text": text, "plants": plant(k), "decoys": []}],
        "findings (terminated: the check skips it)", state="terminated")
    return plan


def cmd_user_data(work):
    os.makedirs(work, exist_ok=True)
    plan = user_data_plan()
    out = []
    for inst in plan:
        entry = {k: inst[k] for k in ("name", "tags", "layers", "expect", "state", "profile", "note")}
        if inst["payload"] is not None:
            fn = os.path.join(work, inst["name"] + ".bin")
            write(fn, inst["payload"])
            entry["file"] = fn
        out.append(entry)
    dump_json(os.path.join(work, "plan.json"), out)


# ---------------------------------------------------------------------------------------------
# Decoding (only to verify the fixtures; invdb has its own decoder)
# ---------------------------------------------------------------------------------------------
def instances_by_name():
    doc = load_json(p("us-east-1", "describe-instances.json"))
    out = {}
    for r in doc["Reservations"]:
        for i in r["Instances"]:
            name = next((t["Value"] for t in i.get("Tags", []) if t["Key"] == "Name"), None)
            out[name] = i
    return out


def line_of(text, value):
    idx = text.find(value)
    if idx < 0:
        return None
    return text.count("\n", 0, idx) + 1


def finding_rows(section, iam):
    rows = []
    for kind, value, key in section["plants"]:
        line = line_of(section["text"], value)
        assert line is not None, (section["where"], value)
        row = {"where": section["where"], "line": line, "kind": kind, "key_id": key["access_key_id"],
               "example": key["access_key_id"] == EXAMPLE_ID, "key": key["name"], "value": value}
        row["iam"] = iam.get(key["access_key_id"])
        rows.append(row)
    return rows


def iam_index():
    """key id -> {user, status, last_used} from the IAM fixture files (moto keys only)."""
    out = {}
    for k in moto_keys().values():
        out[k["access_key_id"]] = {"user": k["iam_user"], "status": k["status"], "note": k["note"]}
    return out


# ---------------------------------------------------------------------------------------------
# Hosts
# ---------------------------------------------------------------------------------------------
def host_files():
    """(relative path under hosts/, category, bytes, plants, decoys) for every collected file."""
    fk = fake_keys()
    mk = moto_keys()
    d = decoy_values()
    ex = {"name": "example", "access_key_id": EXAMPLE_ID, "secret_access_key": EXAMPLE_SECRET}
    inst = instances_by_name()
    S = inst["cred-shell"]["InstanceId"]
    P = inst["cred-source"]["InstanceId"]
    D = inst["cred-decoys"]["InstanceId"]
    N = inst["cred-none"]["InstanceId"]
    T = inst["cred-session"]["InstanceId"]
    files = []

    def add(rel, category, text, plants, decoys=(), nul=False):
        files.append({"path": rel, "instance_id": rel.split("/")[0].split(".")[0], "category": category,
                      "text": text, "plants": plants, "decoys": list(decoys), "nul_separated": nul})

    # --- cred-shell: scripts and environment -------------------------------------------------
    k = fk["host-deploy"]
    add(f"{S}/opt/deploy/deploy.sh", "script", f"""#!/bin/bash
# pulls the web release; run by cron every 15 minutes
set -euo pipefail
export AWS_ACCESS_KEY_ID={k['access_key_id']}
export AWS_SECRET_ACCESS_KEY={k['secret_access_key']}
export AWS_SESSION_TOKEN="${{AWS_SESSION_TOKEN:-}}"
aws s3 cp s3://deploy-artifacts/web/current.tar.gz /tmp/web.tar.gz
echo "{d['sha256_b']}  /tmp/web.tar.gz" | sha256sum -c -
""", plant(k), ['AWS_SESSION_TOKEN="${AWS_SESSION_TOKEN:-}"', d["sha256_b"]])

    k1 = mk["ci-runner-2"]
    k2 = fk["host-legacy"]
    add(f"{S}/root/.aws/credentials", "environment", f"""[default]
aws_access_key_id = {k1['access_key_id']}
aws_secret_access_key = {k1['secret_access_key']}

[legacy-batch]
aws_access_key_id={k2['access_key_id']}
aws_secret_access_key={k2['secret_access_key']}

[sso-admin]
sso_start_url = https://example.awsapps.com/start
sso_region = us-east-1
sso_account_id = 123456789012
sso_role_name = AdministratorAccess
""", plant(k1) + plant(k2), ["sso_account_id = 123456789012"])

    add(f"{S}/root/.aws/config", "environment", """[default]
region = us-east-1
output = json

[profile legacy-batch]
region = eu-west-1
credential_process = /usr/local/bin/fetch-creds --profile legacy-batch
""", [], ["credential_process = /usr/local/bin/fetch-creds --profile legacy-batch"])

    k = fk["host-systemd"]
    add(f"{S}/etc/systemd/system/web.service", "environment", f"""[Unit]
Description=Web frontend
After=network-online.target

[Service]
User=web
Environment="AWS_ACCESS_KEY_ID={k['access_key_id']}"
Environment="AWS_SECRET_ACCESS_KEY={k['secret_access_key']}"
Environment=AWS_REGION=us-east-1
ExecStart=/opt/web/bin/web --port 8080
Restart=always

[Install]
WantedBy=multi-user.target
""", plant(k), ["Environment=AWS_REGION=us-east-1"])

    k = mk["backup-agent"]
    environ = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin", "LANG=C.UTF-8",
               "HOME=/var/lib/backup-agent", "INVOCATION_ID=" + d["etag_sha1"][:32],
               f"AWS_ACCESS_KEY_ID={k['access_key_id']}", f"AWS_SECRET_ACCESS_KEY={k['secret_access_key']}",
               "AWS_DEFAULT_REGION=us-east-1", "BACKUP_BUCKET=backup-archive"]
    add(f"{S}/proc/4242/environ", "environment", "\0".join(environ) + "\0", plant(k), [], nul=True)

    # --- cred-source: application code and configuration -----------------------------------------
    k = fk["host-dotenv"]
    add(f"{P}/srv/app/.env", "application", f"""# app settings, loaded with python-dotenv
APP_ENV=production
DATABASE_URL=postgres://app@db.internal:5432/app
AWS_REGION=us-east-1
AWS_ACCESS_KEY_ID={k['access_key_id']}
AWS_SECRET_ACCESS_KEY={k['secret_access_key']}
AWS_SESSION_TOKEN=
""", plant(k), ["AWS_SESSION_TOKEN=\n"])

    k = mk["deploy-bot"]  # the same moto key as in cred-shell's user data
    add(f"{P}/srv/app/config/settings.json", "application", json.dumps({
        "app": {"name": "uploader", "port": 8080},
        "aws": {"region": "us-east-1", "accessKeyId": k["access_key_id"],
                "secretAccessKey": k["secret_access_key"]},
        "build": {"commit": d["git_sha1"], "etag": d["etag_sha1"]},
    }, indent=2) + "\n", plant(k), [d["git_sha1"], d["etag_sha1"]])

    k = fk["host-yaml"]
    add(f"{P}/srv/app/config/settings.yaml", "application", f"""app:
  name: uploader
aws:
  region: us-east-1
  credentials:
    access_key_id: "{k['access_key_id']}"
    secret_access_key: '{k['secret_access_key']}'
artifact:
  sha256: {d['sha256']}
  upload_id: {d['upload_id_b64']}
""", plant(k), [d["sha256"], d["upload_id_b64"]])

    k = fk["host-python"]
    add(f"{P}/srv/app/app.py", "application", f"""import os

import boto3

# TODO: move to the instance role
ACCESS_KEY = "{k['access_key_id']}"
SECRET_KEY = "{k['secret_access_key']}"

session = boto3.session.Session(
    aws_access_key_id=ACCESS_KEY,
    aws_secret_access_key=SECRET_KEY,
    region_name=os.environ.get("AWS_REGION", "us-east-1"),
)
fallback = os.environ.get("AWS_ACCESS_KEY_ID")
""", plant(k), ['os.environ.get("AWS_ACCESS_KEY_ID")', "aws_access_key_id=ACCESS_KEY"])

    k = fk["host-js"]
    add(f"{P}/srv/app/static/upload.js", "application", f"""// browser upload helper (bundled)
const AWS = require("aws-sdk");
AWS.config.update({{
  accessKeyId: "{k['access_key_id']}",
  secretAccessKey: "{k['secret_access_key']}",
  region: "us-east-1",
}});
// documentation example left in by the template:
const placeholder = {{ accessKeyId: "<YOUR_ACCESS_KEY_ID>", secretAccessKey: "<YOUR_SECRET_ACCESS_KEY>" }};
module.exports = AWS;
""", plant(k), ["<YOUR_ACCESS_KEY_ID>", "<YOUR_SECRET_ACCESS_KEY>"])

    add(f"{P}/srv/app/package-lock.json", "application", json.dumps({
        "name": "uploader", "version": "1.4.2", "lockfileVersion": 3, "requires": True,
        "packages": {"node_modules/aws-sdk": {
            "version": "2.1692.0", "resolved": "https://registry.npmjs.org/aws-sdk/-/aws-sdk-2.1692.0.tgz",
            "integrity": d["integrity"]}},
    }, indent=2) + "\n", [], [d["integrity"]])

    # --- cred-decoys: nothing to find -----------------------------------------------------------
    add(f"{D}/etc/profile.d/aws.sh", "script", """# set by the login shell; values come from the vault agent
export AWS_ACCESS_KEY_ID=$VAULT_AWS_ACCESS_KEY_ID
export AWS_SECRET_ACCESS_KEY="${VAULT_AWS_SECRET_ACCESS_KEY}"
export AWS_SESSION_TOKEN=''
""", [], ["AWS_ACCESS_KEY_ID=$VAULT_AWS_ACCESS_KEY_ID",
          'AWS_SECRET_ACCESS_KEY="${VAULT_AWS_SECRET_ACCESS_KEY}"', "AWS_SESSION_TOKEN=''"])
    add(f"{D}/opt/app/config.yaml", "application", """aws:
  access_key_id: <YOUR_ACCESS_KEY_ID>
  secret_access_key: "<YOUR_SECRET_ACCESS_KEY>"
  session_token: ""
""", [], ["<YOUR_ACCESS_KEY_ID>", '"<YOUR_SECRET_ACCESS_KEY>"', 'session_token: ""'])
    add(f"{D}/opt/app/settings.py", "application", """import os

AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID")
AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY", "")
AWS_SESSION_TOKEN = os.getenv("AWS_SESSION_TOKEN")
""", [], ['os.environ.get("AWS_ACCESS_KEY_ID")', 'os.environ.get("AWS_SECRET_ACCESS_KEY", "")',
          'os.getenv("AWS_SESSION_TOKEN")'])
    add(f"{D}/opt/app/SHA256SUMS", "application", f"""{d['sha256']}  agent.tar.gz
{d['sha256_b']}  web.tar.gz
""", [], [d["sha256"], d["sha256_b"]])
    add(f"{D}/opt/app/build-info.json", "application", json.dumps({
        "commit": d["git_sha1"], "buildId": d["build_id_b64"], "uploadId": d["upload_id_b64"],
        "role": "arn:aws:iam::123456789012:role/app-ec2-role"}, indent=2) + "\n",
        [], [d["git_sha1"], d["build_id_b64"], d["upload_id_b64"]])

    # --- cred-none: no user data, but the example key on disk, and a clean env dump ---------------
    add(f"{N}/home/ubuntu/.aws/credentials", "environment", f"""[default]
aws_access_key_id = {EXAMPLE_ID}
aws_secret_access_key = {EXAMPLE_SECRET}
""", plant(ex), [])
    add(f"{N}.env", "environment", f"""SHELL=/bin/bash
HOSTNAME=ip-10-0-1-23.ec2.internal
LANG=C.UTF-8
USER=ubuntu
PWD=/home/ubuntu
HOME=/home/ubuntu
AWS_REGION=us-east-1
AWS_DEFAULT_REGION=us-east-1
AWS_PROFILE=default
GIT_COMMIT={d['git_sha1']}
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
_=/usr/bin/env
""", [], ["AWS_PROFILE=default", d["git_sha1"]])

    # --- cred-session: env dump with temporary credentials -----------------------------------------
    k = fk["host-session"]
    add(f"{T}.env", "environment", f"""SHELL=/bin/bash
HOSTNAME=ip-10-0-2-45.ec2.internal
USER=ops
HOME=/home/ops
AWS_ACCESS_KEY_ID={k['access_key_id']}
AWS_SECRET_ACCESS_KEY={k['secret_access_key']}
AWS_SESSION_TOKEN={k['session_token']}
AWS_DEFAULT_REGION=us-east-1
PATH=/usr/local/bin:/usr/bin:/bin
_=/usr/bin/env
""", plant(k, ("id", "secret", "token")), [])
    return files


def cmd_hosts():
    root = p("hosts")
    if os.path.isdir(root):
        import shutil
        shutil.rmtree(root)
    for f in host_files():
        write(os.path.join(root, f["path"]), f["text"])


def host_rows(f, iam):
    rows = []
    for kind, value, key in f["plants"]:
        if f["nul_separated"]:
            entries = f["text"].split("\0")
            idx = next(i for i, e in enumerate(entries) if value in e)
            loc = {"line": None, "entry": idx + 1}
        else:
            loc = {"line": line_of(f["text"], value)}
        row = dict(loc, kind=kind, key_id=key["access_key_id"], example=key["access_key_id"] == EXAMPLE_ID,
                   key=key["name"], value=value, iam=iam.get(key["access_key_id"]))
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------
# expected-findings.json
# ---------------------------------------------------------------------------------------------
def decode_user_data(value):
    """Returns the layers ([name]) and the innermost bytes, or raises."""
    raw = base64.b64decode(value, validate=True)
    layers = ["base64 (API)"]
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
        layers.append("gzip")
    return layers, raw


def cmd_expected():
    plan = user_data_plan()
    inst = instances_by_name()
    iam = iam_index()
    ud = {}
    for entry in plan:
        i = inst[entry["name"]]
        iid = i["InstanceId"]
        doc = load_json(p("user-data", iid + ".json"))
        rows = []
        for s in entry["sections"]:
            rows += finding_rows(s, iam)
        decoys = [x for s in entry["sections"] for x in s["decoys"]]
        ud[iid] = {"name": entry["name"], "state": i["State"]["Name"],
                   "instance_profile": (i.get("IamInstanceProfile") or {}).get("Arn"),
                   "user_data_present": "Value" in doc.get("UserData", {}),
                   "layers": (["base64 (API)"] + entry["layers"]) if entry["payload"] is not None else [],
                   "expect": entry["expect"], "note": entry["note"], "findings": rows, "decoys": decoys}
    hosts = {}
    for f in host_files():
        hosts["hosts/" + f["path"]] = {"instance_id": f["instance_id"], "category": f["category"],
                                       "nul_separated": f["nul_separated"],
                                       "findings": host_rows(f, iam), "decoys": f["decoys"]}
    scanned = sorted({f["instance_id"] for f in host_files()})
    never = sorted(i["InstanceId"] for n, i in inst.items() if i["InstanceId"] not in scanned)
    doc = {
        "_comment": "What invdb should find in these fixtures. Every value is fake (see README.md). "
                    "'line' is 1-based within the decoded text named by 'where' (user data) or within "
                    "the file (hosts); NUL-separated files give 'entry' (1-based) instead.",
        "region": "us-east-1",
        "user_data": ud,
        "hosts": hosts,
        "instances_scanned_on_host": scanned,
        "instances_never_scanned": never,
        "iam_keys": {k["access_key_id"]: {"user": k["iam_user"], "status": k["status"], "note": k["note"]}
                     for k in moto_keys().values()},
    }
    dump_json(p("expected-findings.json"), doc)


# ---------------------------------------------------------------------------------------------
# Hand-written gitleaks and trufflehog v3 reports (their tools are not installable here)
# ---------------------------------------------------------------------------------------------
def shannon(s):
    if not s:
        return 0.0
    from collections import Counter
    n = len(s)
    return -sum(c / n * math.log2(c / n) for c in Counter(s).values())


def aws_account_from_key_id(kid):
    """trufflehog's aws.GetAccountNumFromID: base32 of chars 5.., 6 bytes, mask, shift."""
    try:
        trimmed = kid[4:]
        dec = base64.b32decode(trimmed + "=" * (-len(trimmed) % 8))
        z = int.from_bytes(dec[:6], "big")
        return "%012d" % ((z & 0x7FFFFFFFFF80) >> 7)
    except Exception:
        return None


def gitleaks_location(text, start, end):
    """gitleaks detect/location.go, reproduced. Lines are 1-based. Columns: on the first line of a
    file StartColumn is the 1-based column and EndColumn the 1-based column of the last character;
    on later lines gitleaks counts from the newline before the line, so both come out one higher."""
    nl = [m.start() for m in re.finditer("\n", text)] or [len(text)]
    prev = 0
    sl = el = sc = ec = None
    for ln, idx in enumerate(nl):
        if prev <= start < idx:
            sl = el = ln
            sc = (start - prev) + 1
        if prev < end <= idx:
            el = ln
            ec = end - prev
        prev = idx
    return sl + 1, el + 1, sc, ec


def cmd_handwritten():
    files = host_files()
    gl = []
    th = []
    generic_re = re.compile(r"(?i)(aws_secret_access_key|secretAccessKey|SECRET_KEY|secret_access_key)"
                            r"[\"' \t]*(?:=|:)[\"' \t]*([A-Za-z0-9+/]{40})")
    for f in files:
        if f["nul_separated"]:
            continue  # both tools skip binary-looking files; see scanner-reports/README.md
        text = f["text"]
        path = "hosts/" + f["path"]
        ids = [(m.start(1), m.end(1), m.group(1)) for m in
               re.finditer(r"\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16})\b", text)]
        for s, e, kid in ids:
            if kid.endswith("EXAMPLE"):
                continue  # gitleaks' aws-access-token allowlist: .+EXAMPLE$ and the stopword
            sl, el, sc, ec = gitleaks_location(text, s, e)
            gl.append({"RuleID": "aws-access-token",
                       "Description": "Identified a pattern that may indicate AWS credentials, risking "
                                      "unauthorized cloud resource access and data breaches on AWS platforms.",
                       "StartLine": sl, "EndLine": el, "StartColumn": sc, "EndColumn": ec,
                       "Match": kid, "Secret": kid, "File": path, "SymlinkFile": "", "Commit": "",
                       "Entropy": round(shannon(kid), 7), "Author": "", "Email": "", "Date": "", "Message": "",
                       "Tags": [], "Fingerprint": f"{path}:aws-access-token:{sl}"})
        for m in generic_re.finditer(text):
            if "example" in m.group(2).lower():
                continue  # gitleaks' generic rule has "example" among its stop words
            s, e = m.start(0), m.end(0)
            sl, el, sc, ec = gitleaks_location(text, s, e)
            gl.append({"RuleID": "generic-api-key",
                       "Description": "Detected a Generic API Key, potentially exposing access to various "
                                      "services and sensitive operations.",
                       "StartLine": sl, "EndLine": el, "StartColumn": sc, "EndColumn": ec,
                       "Match": m.group(0), "Secret": m.group(2), "File": path, "SymlinkFile": "",
                       "Commit": "", "Entropy": round(shannon(m.group(2)), 7), "Author": "", "Email": "",
                       "Date": "", "Message": "", "Tags": [], "Fingerprint": f"{path}:generic-api-key:{sl}"})
        # trufflehog v3: pairs an id with a secret in the same chunk
        byid = {}
        for kind, value, key in f["plants"]:
            byid.setdefault(key["access_key_id"], {})[kind] = value
        for kid, parts in byid.items():
            secret = parts.get("secret_access_key")
            if not secret or "example" in kid.lower():
                continue  # trufflehog drops unverified results whose Raw contains "example"
            line = line_of(text, kid)
            rec = {"SourceMetadata": {"Data": {"Filesystem": {"file": path, "line": line}}},
                   "SourceID": 1, "SourceType": 15, "SourceName": "trufflehog - filesystem"}
            if kid.startswith("ASIA"):
                token = parts["session_token"]
                rec.update({"DetectorType": 959, "DetectorName": "AWSSessionKey",
                            "DetectorDescription": "AWS (Amazon Web Services) is a comprehensive cloud computing "
                            "platform offering a wide range of on-demand services like computing power, storage, "
                            "databases. API keys for AWS can have varying amount of access to these services "
                            "depending on the IAM policy attached. AWS Session Tokens are short-lived keys.",
                            "DecoderName": "PLAIN", "Verified": False, "VerificationFromCache": False,
                            "Raw": kid, "RawV2": f"{kid}:{secret}:{token}", "Redacted": kid,
                            "ExtraData": {"account": aws_account_from_key_id(kid)}, "StructuredData": None})
            else:
                rec.update({"DetectorType": 2, "DetectorName": "AWS",
                            "DetectorDescription": "AWS (Amazon Web Services) is a comprehensive cloud computing "
                            "platform offering a wide range of on-demand services like computing power, storage, "
                            "databases. API keys for AWS can have varying amount of access to these services "
                            "depending on the IAM policy attached.",
                            "DecoderName": "PLAIN", "Verified": False, "VerificationFromCache": False,
                            "Raw": kid, "RawV2": f"{kid}:{secret}", "Redacted": kid,
                            "ExtraData": {"account": aws_account_from_key_id(kid), "resource_type": "Access key"},
                            "StructuredData": None})
            th.append(rec)
    os.makedirs(p("scanner-reports"), exist_ok=True)
    with open(p("scanner-reports", "gitleaks.json"), "w") as fh:
        fh.write(json.dumps(gl, indent=1) + "\n")
    with open(p("scanner-reports", "trufflehog3.jsonl"), "w") as fh:
        for r in th:
            fh.write(json.dumps(r, separators=(",", ":")) + "\n")


# ---------------------------------------------------------------------------------------------
# README tables
# ---------------------------------------------------------------------------------------------
def md(s):
    return str(s).replace("|", "\\|")


def tables():
    exp = load_json(p("expected-findings.json"))
    keys = all_keys()
    out = {}
    # instances
    rows = ["| instance id | Name | state | profile | user data layers (outermost first) | expected |",
            "|---|---|---|---|---|---|"]
    for iid, u in exp["user_data"].items():
        prof = (u["instance_profile"] or "").rsplit("/", 1)[-1] or "none"
        rows.append(f"| `{iid}` | {u['name']} | {u['state']} | {prof} | "
                    f"{md(' > '.join(u['layers']) or '(none)')} | {md(u['expect'])} |")
    out["instances"] = "\n".join(rows)
    # user data findings
    rows = ["| instance | where (decoded layer) | line | kind | key id | example? | IAM (moto) |",
            "|---|---|---|---|---|---|---|"]
    for iid, u in exp["user_data"].items():
        if not u["findings"]:
            rows.append(f"| {u['name']} `{iid}` | | | {md(u['expect'])} | | | |")
        for f in u["findings"]:
            iam = f["iam"]
            iams = f"{iam['user']}, {iam['status']}" if iam else "not in IAM"
            rows.append(f"| {u['name']} `{iid}` | {md(f['where'])} | {f['line']} | {f['kind']} | "
                        f"`{f['key_id']}` | {'yes' if f['example'] else 'no'} | {iams} |")
    out["user-data-findings"] = "\n".join(rows)
    # host findings
    rows = ["| file | category | line | kind | key id | example? | IAM (moto) |", "|---|---|---|---|---|---|---|"]
    for path, h in exp["hosts"].items():
        if not h["findings"]:
            rows.append(f"| `{path}` | {h['category']} | | none (decoys only) | | | |")
        for f in h["findings"]:
            iam = f["iam"]
            iams = f"{iam['user']}, {iam['status']}" if iam else "not in IAM"
            loc = f["line"] if f["line"] is not None else f"entry {f['entry']}"
            rows.append(f"| `{path}` | {h['category']} | {loc} | {f['kind']} | `{f['key_id']}` | "
                        f"{'yes' if f['example'] else 'no'} | {iams} |")
    out["host-findings"] = "\n".join(rows)
    # keys
    rows = ["| name | source | access key id | secret access key | IAM user / status | planted in |",
            "|---|---|---|---|---|---|"]
    for k in keys.values():
        where = k.get("planted_in") or ""
        iam = f"{k.get('iam_user')}, {k.get('status')} ({k.get('note')})" if k.get("iam_user") else "—"
        rows.append(f"| {k['name']} | {k['source']} | `{k['access_key_id']}` | `{k['secret_access_key']}` | "
                    f"{iam} | {md(where)} |")
    out["keys"] = "\n".join(rows)
    # decoys
    rows = ["| where | decoys that must not be findings |", "|---|---|"]
    for iid, u in exp["user_data"].items():
        if u["decoys"]:
            rows.append(f"| user data of {u['name']} `{iid}` | " +
                        "<br>".join("`" + md(x.replace("\n", "⏎")) + "`" for x in u["decoys"]) + " |")
    for path, h in exp["hosts"].items():
        if h["decoys"]:
            rows.append(f"| `{path}` | " + "<br>".join("`" + md(x.replace("\n", "⏎")) + "`" for x in h["decoys"]) + " |")
    out["decoys"] = "\n".join(rows)
    return out


def cmd_tables():
    path = p("README.md")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    for name, body in tables().items():
        pat = re.compile(r"(<!-- BEGIN GENERATED: %s -->\n).*?(<!-- END GENERATED: %s -->)" % (name, name),
                         re.S)
        if not pat.search(text):
            sys.exit(f"README.md has no markers for table {name}")
        text = pat.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


# ---------------------------------------------------------------------------------------------
# verify
# ---------------------------------------------------------------------------------------------
def cmd_verify():
    problems = []

    def check(ok, msg):
        if not ok:
            problems.append(msg)

    # every JSON file parses; every .jsonl line parses
    for root, _, names in os.walk(HERE):
        for n in names:
            fp = os.path.join(root, n)
            if n.endswith(".json"):
                try:
                    load_json(fp)
                except Exception as e:  # noqa: BLE001
                    problems.append(f"{fp}: {e}")
            elif n.endswith(".jsonl"):
                with open(fp, encoding="utf-8") as fh:
                    for i, line in enumerate(fh, 1):
                        try:
                            json.loads(line)
                        except Exception as e:  # noqa: BLE001
                            problems.append(f"{fp}:{i}: {e}")
    exp = load_json(p("expected-findings.json"))
    plan = {e["name"]: e for e in user_data_plan()}
    # user data round trip: the API value decodes to exactly the bytes given at launch
    jsonl = {}
    with open(p("user-data.jsonl"), encoding="utf-8") as fh:
        for line in fh:
            o = json.loads(line)
            jsonl[o["InstanceId"]] = o
    check(len(jsonl) == len(exp["user_data"]), "user-data.jsonl: wrong number of lines")
    for iid, u in exp["user_data"].items():
        doc = load_json(p("user-data", iid + ".json"))
        check(doc == jsonl.get(iid), f"{iid}: user-data.jsonl line differs from user-data/{iid}.json")
        payload = plan[u["name"]]["payload"]
        if payload is None:
            check(doc["UserData"] == {}, f"{iid}: expected no user data")
            continue
        raw = base64.b64decode(doc["UserData"]["Value"])
        check(raw == payload, f"{iid} ({u['name']}): user data bytes differ from the launch payload")
        if u["expect"] == "decode error":
            try:
                gzip.decompress(raw)
                problems.append(f"{iid}: broken user data decompressed")
            except Exception:  # noqa: BLE001
                pass
    # each planted value really is in the decoded layer; each decoy really is there
    for name, entry in plan.items():
        for s in entry["sections"]:
            for _, value, _ in s["plants"]:
                check(value in s["text"], f"{name}: planted value missing")
            for dcy in s["decoys"]:
                check(dcy in s["text"], f"{name}: decoy {dcy!r} missing")
    # quoted-printable part really splits a value across a soft line break
    mime_text = plan["cred-mime"]["payload"].decode()
    qp_part = mime_text.split("Content-Transfer-Encoding: quoted-printable")[1]
    fc = moto_keys()["former-contractor"]
    check(fc["secret_access_key"] not in qp_part or fc["access_key_id"] not in qp_part,
          "cred-mime: the quoted-printable part does not split any value (soft break)")
    check("=3D" in qp_part, "cred-mime: no =3D in the quoted-printable part")
    # no fake value visible in the raw base64 part, so a decoder is needed
    b64_part = mime_text.split("Content-Transfer-Encoding: base64")[1].split(BOUNDARY)[0]
    check(fake_keys()["ud-mime-b64"]["access_key_id"] not in b64_part, "cred-mime: base64 part is readable")
    # hosts on disk equal the generator's content
    for f in host_files():
        fp = p("hosts", f["path"])
        with open(fp, "rb") as fh:
            check(fh.read() == f["text"].encode(), f"hosts/{f['path']}: differs from generator")
    # IAM: statuses as planned
    for k in moto_keys().values():
        lak = p("iam", f"list-access-keys-{k['iam_user']}.json")
        meta = {m["AccessKeyId"]: m["Status"] for m in load_json(lak)["AccessKeyMetadata"]}
        if k["status"] == "Deleted":
            check(k["access_key_id"] not in meta, f"{k['name']}: deleted key still listed")
        else:
            check(meta.get(k["access_key_id"]) == k["status"], f"{k['name']}: status {meta.get(k['access_key_id'])}")
    csv = open(p("iam", "credential-report.csv"), encoding="utf-8").read()
    rep = load_json(p("iam", "get-credential-report.json"))
    check(base64.b64decode(rep["Content"]).decode() == csv, "credential-report.csv != decoded Content")
    lu = load_json(p("iam", "get-access-key-last-used-deploy-bot.json"))
    check("LastUsedDate" in lu["AccessKeyLastUsed"], "deploy-bot key has no LastUsedDate")
    if problems:
        print("\n".join("VERIFY FAILED: " + x for x in problems))
        sys.exit(1)
    print("  verify: all checks passed")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    {"fake-keys": cmd_fake_keys, "user-data": cmd_user_data, "hosts": cmd_hosts, "expected": cmd_expected,
     "handwritten": cmd_handwritten, "tables": cmd_tables, "verify": cmd_verify}[cmd](*args)


if __name__ == "__main__":
    main()
