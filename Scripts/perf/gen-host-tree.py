#!/usr/bin/env python3
"""gen-host-tree.py N OUT [--seed S]: write, for N instances, what `invdb scan` and the user-data
import read: OUT/hosts/<instance-id>/... (a shell profile, a systemd unit, an app config in JSON
and YAML, Python source, a .env file: about 12 KB an instance) and OUT/user-data.jsonl (one
`aws ec2 describe-instance-attribute --attribute userData` document per line, about 3 KB of
script each, one in four gzip-compressed, one in four a cloud-init MIME document).

One instance in fifty carries a fake, AWS-shaped key pair; the rest carry the usual decoys
($VARIABLES, checksums, ids). Deterministic for a seed. For `make bench` (Scripts/perf/run.sh).
"""
import argparse, base64, gzip, hashlib, json, os, random

def key_pair(rng):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    key_id = "AKIA" + "".join(rng.choice(alphabet) for _ in range(16))
    secret = base64.b64encode(rng.randbytes(30)).decode()[:40]
    return key_id, secret

FILLER = "\n".join(f"# step {i}: configure the service, rotate logs, check health of component {i}" for i in range(30))

def files(rng, index, leak):
    checksum = hashlib.sha256(str(index).encode()).hexdigest()
    key_id, secret = key_pair(rng) if leak else ("$AWS_ACCESS_KEY_ID", "${AWS_SECRET_ACCESS_KEY}")
    return {
        "etc/profile.d/app.sh": f"#!/bin/sh\n{FILLER}\nexport APP_CHECKSUM={checksum}\nexport AWS_ACCESS_KEY_ID={key_id}\nexport AWS_SECRET_ACCESS_KEY={secret}\n",
        "etc/systemd/system/app.service": f"[Unit]\nDescription=app {index}\n[Service]\nEnvironment=APP_ID={checksum[:40]}\nExecStart=/usr/bin/app\n{FILLER}\n",
        "srv/app/config.json": json.dumps({"name": f"app-{index}", "checksum": checksum, "steps": FILLER.split("\n"),
                                           "aws": {"region": "us-east-1", "accessKeyId": "<YOUR_ACCESS_KEY_ID>"}}, indent=2),
        "srv/app/config.yaml": "app:\n  name: app-%d\n  token: ${APP_TOKEN}\n" % index + "\n".join(f"  step{i}: {line}" for i, line in enumerate(FILLER.split("\n"))),
        "srv/app/app.py": "import os\nimport boto3\n\n" + "\n".join(f"def handler_{i}(event):\n    return os.environ.get('AWS_REGION', 'us-east-1')\n" for i in range(40)),
        ".env": f"APP_ENV=production\nAPP_CHECKSUM={checksum}\nAWS_REGION=us-east-1\n",
    }

def user_data(rng, index, leak):
    key_id, secret = key_pair(rng) if leak else ("$KEY", "$SECRET")
    script = f"#!/bin/bash\n{FILLER}\n{FILLER}\nexport AWS_ACCESS_KEY_ID={key_id}\nexport AWS_SECRET_ACCESS_KEY={secret}\n".encode()
    if index % 4 == 1:
        script = gzip.compress(script, mtime=0)
    elif index % 4 == 2:
        part = base64.b64encode(script).decode()
        script = ("Content-Type: multipart/mixed; boundary=\"==B==\"\nMIME-Version: 1.0\n\n--==B==\n"
                  "Content-Type: text/x-shellscript\nContent-Transfer-Encoding: base64\n\n" + part + "\n--==B==--\n").encode()
    return base64.b64encode(script).decode()

def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    os.makedirs(os.path.join(args.out, "hosts"), exist_ok=True)
    with open(os.path.join(args.out, "user-data.jsonl"), "w") as lines:
        for index in range(args.n):
            instance = "i-0" + "%016x" % rng.getrandbits(64)
            leak = index % 50 == 0
            for path, text in files(rng, index, leak).items():
                full = os.path.join(args.out, "hosts", instance, path)
                os.makedirs(os.path.dirname(full), exist_ok=True)
                with open(full, "w") as handle:
                    handle.write(text)
            lines.write(json.dumps({"InstanceId": instance, "UserData": {"Value": user_data(rng, index, leak)}}) + "\n")

if __name__ == "__main__":
    main()
