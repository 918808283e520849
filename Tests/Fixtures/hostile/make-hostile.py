#!/usr/bin/env python3
"""Writes the hostile-input fixtures beside this script (issue 7).

Each file is a real AWS CLI output from ../../../Samples (made against moto by
Samples/aws/make-samples.sh) or a scanner report of ../credentials, changed in one way an
attacker or an unlucky operator would change it. Secrets are FAKE: derived from a fixed seed,
never a real credential. Re-runnable: `python3 Tests/Fixtures/hostile/make-hostile.py`.

What each file is, and what invdb must do with it, is in README.md (rewritten by this script).
"""
import base64
import copy
import gzip
import hashlib
import io
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
RNG = random.Random("invdb-issue-7-hostile")
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def fake_secret():
    """A fake secret access key: 40 base64 characters with upper, lower, a digit and a '/'."""
    while True:
        s = "".join(RNG.choice(B64) for _ in range(40))
        if any(c.isupper() for c in s) and any(c.islower() for c in s) and any(c.isdigit() for c in s) and "/" in s:
            return s


def fake_key_id():
    return "AKIA" + "".join(RNG.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(16))


def load(relative):
    with open(os.path.join(ROOT, relative)) as f:
        return json.load(f)


def write(name, text, note, expect):
    with open(os.path.join(HERE, name), "w" if isinstance(text, str) else "wb") as f:
        f.write(text)
    ROWS.append((name, note, expect))


def escaped(secret):
    """The secret as a JSON string body in which every character is a \\u escape and '/' is '\\/'."""
    return "".join("\\/" if c == "/" else "\\u%04x" % ord(c) for c in secret)


ROWS = []
SECRETS = {}
listing = load("Samples/aws/us-east-1/describe-instances.json")
first = listing["Reservations"][0]["Instances"][0]

# 1. A number outside Int64 (it trapped the process with SIGILL).
doc = copy.deepcopy(listing)
doc["Reservations"][0]["Instances"][0]["NetworkInterfaces"][0]["Attachment"]["DeviceIndex"] = "@INT64MIN@"
write("device-index-int64-min.json", json.dumps(doc, indent=4).replace('"@INT64MIN@"', "-9223372036854775808"),
      "describe-instances whose first `DeviceIndex` is -9223372036854775808",
      "error with file:line:col (exit 2), database unchanged")

# 2. An instance field of the wrong type.
doc = copy.deepcopy(listing)
doc["Reservations"][1]["Instances"][0]["InstanceType"] = 5
write("instance-type-number.json", json.dumps(doc, indent=4), "`InstanceType` of the second reservation's instance is a number",
      "error naming InstanceType (exit 2)")

# 3. A reservation without Instances.
doc = copy.deepcopy(listing)
del doc["Reservations"][1]["Instances"]
write("reservation-without-instances.json", json.dumps(doc, indent=4), "the second reservation has no `Instances`",
      "error (exit 2), not an empty reservation")

# 4. Secrets in instance fields, some behind JSON escapes (tag redaction ran on the raw text).
secret_tag, secret_escaped, secret_keyname, secret_reason, secret_tagkey = (fake_secret() for _ in range(5))
key_id = fake_key_id()
SECRETS.update({"tag-value-named-by-key": secret_tag, "tag-value-escaped": secret_escaped, "key-name": secret_keyname,
                "state-transition-reason": secret_reason, "tag-key": secret_tagkey})
doc = copy.deepcopy(listing)
instance = doc["Reservations"][0]["Instances"][0]
instance["Tags"] += [{"Key": "AWS_ACCESS_KEY_ID", "Value": key_id},
                     {"Key": "AWS_SECRET_ACCESS_KEY", "Value": secret_tag},
                     {"Key": "deploy", "Value": "@ESCAPED@"},
                     {"Key": "aws_secret_access_key=" + secret_tagkey, "Value": "x"}]
instance["KeyName"] = "ops aws_secret_access_key=" + secret_keyname
instance["StateTransitionReason"] = "User initiated: " + secret_reason
text = json.dumps(doc, indent=4).replace('"@ESCAPED@"', '"aws_secret_access_key=' + escaped(secret_escaped) + '"')
write("secrets-in-instance-fields.json", text,
      "secrets in a tag named `AWS_SECRET_ACCESS_KEY`, a tag value written with `\\u` and `\\/` escapes, a tag key, "
      "`KeyName` and `StateTransitionReason`",
      "imported; every secret redacted in the tables and `raw_json`, and recorded as findings")

# 5. User data: a YAML alias bomb, gzip-in-MIME parts, an invalid #cloud-config that quotes a secret,
#    and a Value of the wrong type.
instance_id = first["InstanceId"]
lines = ["#cloud-config", 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
previous = "a"
for name in "bcdefghi":
    lines.append("%s: &%s [%s]" % (name, name, ",".join(["*" + previous] * 9)))
    previous = name
lines.append("k: &k {*i: *i}")
bomb = "\n".join(lines) + "\n"
write("user-data-yaml-alias-bomb.json",
      json.dumps({"InstanceId": instance_id, "UserData": {"Value": base64.b64encode(bomb.encode()).decode()}}),
      "user data that is a #cloud-config YAML alias bomb (%d bytes; billions of nodes once expanded)" % len(bomb),
      "imported quickly in bounded memory; the instance's user data is `error` (not fully decoded)")

part = b"#!/bin/sh\n" + b"A" * (16 << 20)
for _ in range(3):
    part = gzip.compress(part, compresslevel=9, mtime=0)
boundary = "==BOUNDARY=="
mime = ["Content-Type: multipart/mixed; boundary=\"%s\"" % boundary, "MIME-Version: 1.0", ""]
for index in range(40):
    mime += ["--" + boundary, "Content-Type: application/octet-stream", "Content-Transfer-Encoding: base64",
             "Content-Disposition: attachment; filename=\"part-%d.gz\"" % index, "", base64.b64encode(part).decode()]
mime.append("--" + boundary + "--")
mime_text = "\n".join(mime) + "\n"
write("user-data-gzip-mime-bomb.json",
      json.dumps({"InstanceId": instance_id, "UserData": {"Value": base64.b64encode(mime_text.encode()).decode()}}),
      "MIME user data of %d KB: 40 parts, each gzip of gzip of gzip of 16 MB" % (len(mime_text) // 1024),
      "imported quickly in bounded memory; the instance's user data is `error` (decoding budget)")

secret_yaml = fake_secret()
SECRETS["invalid-cloud-config"] = secret_yaml
broken = "#cloud-config\nwrite_files:\n  - path: /etc/app.env\n    content: [aws_secret_access_key=%s\n" % secret_yaml
write("user-data-invalid-cloud-config.json",
      json.dumps({"InstanceId": instance_id, "UserData": {"Value": base64.b64encode(broken.encode()).decode()}}),
      "#cloud-config that libyaml cannot parse, with a secret on the offending line",
      "imported; user data `error` with a position only, the secret never stored or printed")

write("user-data-value-array.json", json.dumps({"InstanceId": instance_id, "UserData": {"Value": ["aGVsbG8="]}}),
      "`UserData.Value` is an array", "error naming UserData.Value (exit 2), never 'no user data'")

# 6. Scanner report numbers and member names.
gitleaks = load("Tests/Fixtures/credentials/scanner-reports/gitleaks.json")
gitleaks[0]["StartLine"] = "@HUGE@"
write("gitleaks-26-digit-line.json", json.dumps(gitleaks, indent=1).replace('"@HUGE@"', "12345678901234567890123456"),
      "a gitleaks report whose first `StartLine` has 26 digits", "error (exit 2), never a wrapped line number")

# 7. A truncated credential report (JSON with base64 Content, and the CSV itself).
report = load("Samples/credentials/aws/iam/get-credential-report.json")
csv = base64.b64decode(report["Content"]).decode()
cut = csv[: csv.rindex("\n", 0, len(csv) - 2) + 40]
report["Content"] = base64.b64encode(cut.encode()).decode()
write("credential-report-truncated.json", json.dumps(report, indent=4),
      "get-credential-report whose CSV is cut in the middle of its last row", "error naming the row (exit 2)")

with open(os.path.join(HERE, "secrets.json"), "w") as f:
    json.dump({"_comment": "FAKE secrets planted in the files of this folder; none is or was a real credential.",
               "secrets": SECRETS}, f, indent=2, sort_keys=True)
    f.write("\n")

with open(os.path.join(HERE, "README.md"), "w") as f:
    f.write("# Hostile inputs (issue 7)\n\nMade by `make-hostile.py` (beside this file) from the moto samples in "
            "`Samples/` and the credential fixtures; the secrets are fake (`secrets.json`).\n\n"
            "| file | what it is | what invdb must do |\n| --- | --- | --- |\n")
    for name, note, expect in ROWS:
        f.write("| `%s` | %s | %s |\n" % (name, note, expect))
print("wrote %d files into %s" % (len(ROWS) + 2, HERE))
