#!/usr/bin/env python3
"""Writes one fixture per JSON layout that gitleaks, trufflehog v3, Kingfisher and detect-secrets
have written over their versions, plus expected.json (what invdb should make of each).

Python 3 standard library only; deterministic; re-runnable (it overwrites its own outputs and
touches nothing outside this folder). See FORMATS.md for the layouts and their sources.

Every key comes from ../fake-keys.json; every path is a file of ../hosts/ (lines and columns are
computed from those files), except the one deliberate path without an instance id,
srv/app/config.yml, whose content is SYNTHETIC below.
"""

import base64
import hashlib
import json
import math
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CRED = os.path.dirname(HERE)

with open(os.path.join(CRED, "fake-keys.json"), encoding="utf-8") as fh:
    FAKE = json.load(fh)
KEYS = FAKE["keys"]
EXAMPLE = FAKE["example"]


def key(name, field):
    if name == "example":
        return EXAMPLE[field]
    return KEYS[name][field]


# The one file that is not under hosts/: a scan of a tree that is not split per instance
# (invdb needs --instance for it). Built from the ud-yaml fake key.
SYNTHETIC = {
    "srv/app/config.yml": (
        "storage:\n"
        "  bucket: media-uploads\n"
        f"  aws_access_key_id: \"{key('ud-yaml', 'access_key_id')}\"\n"
        f"  aws_secret_access_key: \"{key('ud-yaml', 'secret_access_key')}\"\n"
    ),
}


def read(path):
    if path in SYNTHETIC:
        return SYNTHETIC[path]
    with open(os.path.join(CRED, path), encoding="utf-8") as fh:
        return fh.read()


def locate(path, value):
    """(byte offset, 1-based line, 0-based column) of the first occurrence of value."""
    text = read(path)
    idx = text.index(value)
    line = text.count("\n", 0, idx) + 1
    col0 = idx - (text.rfind("\n", 0, idx) + 1)
    return idx, line, col0


def line_text(path, line):
    return read(path).split("\n")[line - 1]


_INSTANCE = re.compile(r"(?<![0-9A-Za-z])i-(?:[0-9a-f]{17}|[0-9a-f]{8})(?![0-9A-Za-z])")


def instance_id(path):
    found = _INSTANCE.findall(path)
    return found[-1] if found else None


# Which fake key a value belongs to: value -> (name, kind)
VALUE_OWNER = {}
for _name, _k in list(KEYS.items()) + [("example", EXAMPLE)]:
    VALUE_OWNER[_k["access_key_id"]] = (_name, "access-key-id")
    VALUE_OWNER[_k["secret_access_key"]] = (_name, "secret-access-key")
    if "session_token" in _k:
        VALUE_OWNER[_k["session_token"]] = (_name, "session-token")


def expect(path, line, kind, fake_key, rule, readable=True, key_id="auto", reported_line="same"):
    """One normalized finding as invdb should record it."""
    if key_id == "auto":
        key_id = key(fake_key, "access_key_id") if readable or kind != "access-key-id" else None
    return {
        "instance_id": instance_id(path),
        "path": path,
        "line": line,
        "reported_line": line if reported_line == "same" else reported_line,
        "kind": kind,
        "key_id": key_id,
        "secret_fingerprint_source": fake_key if (readable and kind != "access-key-id") else None,
        "readable": readable,
        "fake_key": fake_key,
        "rule": rule,
    }


# ---------------------------------------------------------------------------------------------
# Serializers that reproduce each tool's bytes
# ---------------------------------------------------------------------------------------------

def go_escape(s):
    # encoding/json escapes <, > and & (HTML-safe) and writes other non-ASCII as UTF-8.
    return s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def go_json(value, indent=None):
    """encoding/json: json.Marshal (indent None) or Encoder.SetIndent("", indent)."""
    if indent is None:
        return go_escape(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    return go_escape(json.dumps(value, ensure_ascii=False, indent=len(indent)))


class GoFloat32(float):
    """A float32 that encoding/json prints with the shortest float32 round-trip digits."""


def float32(x):
    return struct.unpack("f", struct.pack("f", x))[0]


def go_float32_text(x):
    f = float32(x)
    for digits in range(1, 12):
        s = "%.*g" % (digits, f)
        if float32(float(s)) == f:
            break
    if "e" in s:
        s = repr(float(s))
    return s


def render_go(value, indent=None):
    """go_json, with GoFloat32 values printed as Go prints a float32."""
    marks = {}

    def walk(v):
        if isinstance(v, GoFloat32):
            token = "@@F32_%d@@" % len(marks)
            marks[token] = go_float32_text(v)
            return token
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        if isinstance(v, list):
            return [walk(x) for x in v]
        return v

    text = go_json(walk(value), indent)
    for token, number in marks.items():
        text = text.replace('"%s"' % token, number)
    return text


def serde_compact(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def serde_pretty(value):
    # serde_json::to_writer_pretty: two spaces, "key": value
    return json.dumps(value, ensure_ascii=False, indent=2)


def write(name, text):
    with open(os.path.join(HERE, name), "w", encoding="utf-8", newline="") as fh:
        fh.write(text)


EXPECTED = {}


def record(name, scanner, layout, versions, findings, clean=False, **extra):
    entry = {"scanner": scanner, "layout": layout, "versions": versions, "clean": clean}
    entry.update(extra)
    entry["findings"] = findings
    EXPECTED[name] = entry


# ---------------------------------------------------------------------------------------------
# gitleaks
# ---------------------------------------------------------------------------------------------

def shannon(s):
    counts = {}
    for ch in s:
        counts[ch] = counts.get(ch, 0) + 1
    return -sum((n / len(s)) * math.log2(n / len(s)) for n in counts.values())


def gl_location(raw, start, end):
    """gitleaks v8.2+ detect/location.go, plus fragment.StartLine (1) as detect.go adds it."""
    newlines = [[m.start(), m.end()] for m in re.finditer("\n", raw)] or [[len(raw), len(raw) + 1]]
    prev, line_set, last = 0, False, 0
    loc = {}
    for num, pair in enumerate(newlines):
        last = num
        nl = pair[0]
        if prev <= start < nl:
            line_set = True
            loc.update(startLine=num, endLine=num, startColumn=(start - prev) + 1)
        if prev < end <= nl:
            loc.update(endLine=num, endColumn=(end - prev))
        prev = pair[0]
    if not line_set:
        loc.update(startColumn=(start - prev) + 1, endColumn=(end - prev), startLine=last + 1, endLine=last + 1)
    return 1 + loc["startLine"], 1 + loc["endLine"], loc["startColumn"], loc["endColumn"]


def gl80_location(raw, start, end):
    """gitleaks v8.0.x detect/location.go getLocation: 0-based line numbers."""
    pairs = [[m.start(), m.end()] for m in re.finditer("\n", raw)]
    prev = 0
    loc = {}
    for num, pair in enumerate(pairs):
        nl = pair[0]
        if prev <= start < nl:
            loc.update(startLine=num, endLine=num, startColumn=(start - prev) + 1, startIdx=prev, endIdx=nl)
        if prev < end <= nl:
            loc.update(endLine=num, endColumn=(end - prev), endIdx=nl)
        prev = pair[0]
    return loc


AWS_RULE_823 = re.compile(r"\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b")
GENERIC_RULE = re.compile(
    r"""(?i)[\w.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)"""
    r"""(?:[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}"""
    r"""([\w.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nr]|$)""",
    re.ASCII,
)
AWS_DESC_820 = ("Identified a pattern that may indicate AWS credentials, risking unauthorized cloud "
                "resource access and data breaches on AWS platforms.")
GENERIC_DESC = ("Detected a Generic API Key, potentially exposing access to various services and "
                "sensitive operations.")


def gitleaks8_raw_findings(paths):
    """What gitleaks 8.23+ (dir scan, default config) reports for these files, limited to fake
    keys: aws-access-token for key ids, generic-api-key for secrets and tokens (gitleaks has no
    AWS secret rule; its generic rule is what reports them)."""
    out = []
    for path in paths:
        raw = read(path)
        per_file = []
        for m in AWS_RULE_823.finditer(raw):
            if m.group(1).endswith("EXAMPLE") or m.group(1) not in VALUE_OWNER:
                continue
            per_file.append(("aws-access-token", AWS_DESC_820, m.start(), m.end(), m.group(0), m.group(1)))
        for m in GENERIC_RULE.finditer(raw):
            secret = m.group(1)
            owner = VALUE_OWNER.get(secret)
            if not owner or owner[1] == "access-key-id":
                continue  # key ids: dropped by gitleaks' filter() in favour of aws-access-token
            match = m.group(0).strip("\n")
            per_file.append(("generic-api-key", GENERIC_DESC, m.start(), m.start() + len(match), match, secret))
        for rule, desc, start, end, match, secret in sorted(per_file, key=lambda f: f[2]):
            sl, el, sc, ec = gl_location(raw, start, end)
            out.append({"rule": rule, "desc": desc, "path": path, "startLine": sl, "endLine": el,
                        "startColumn": sc, "endColumn": ec, "match": match, "secret": secret})
    return out


def gitleaks8_object(f, redact=0, shape="8.23"):
    match, secret = f["match"], f["secret"]
    if redact:
        masked = secret[: int(round(len(secret) * (100 - redact) / 100.0))] + "..."
        if redact >= 100:
            masked = "REDACTED"
        match, secret = match.replace(f["secret"], masked), masked
    fingerprint = "%s:%s:%d" % (f["path"], f["rule"], f["startLine"])
    common = [
        ("StartLine", f["startLine"]), ("EndLine", f["endLine"]),
        ("StartColumn", f["startColumn"]), ("EndColumn", f["endColumn"]),
        ("Match", match), ("Secret", secret), ("File", f["path"]), ("SymlinkFile", ""),
        ("Commit", ""), ("Entropy", GoFloat32(shannon(f["secret"]))),
        ("Author", ""), ("Email", ""), ("Date", ""), ("Message", ""), ("Tags", []),
    ]
    if shape == "8.23":
        return dict([("RuleID", f["rule"]), ("Description", f["desc"])] + common + [("Fingerprint", fingerprint)])
    if shape == "8.15":  # 8.15.0 - 8.23.1: RuleID after Tags; aws-access-token Description "AWS" in 8.18.x
        return dict([("Description", "AWS")] + common + [("RuleID", f["rule"]), ("Fingerprint", fingerprint)])
    raise ValueError(shape)


def expect_gitleaks8(f, redact=0):
    owner, kind = VALUE_OWNER[f["secret"]]
    readable = not redact
    if kind == "access-key-id":
        return expect(f["path"], f["startLine"], kind, owner, f["rule"], readable=readable,
                      key_id=key(owner, "access_key_id") if readable else None)
    return expect(f["path"], f["startLine"], kind, owner, f["rule"], readable=readable,
                  key_id=key(owner, "access_key_id") if readable else None)


GL8_PATHS = [
    "hosts/i-4872c52cfb9da2309.env",
    "hosts/i-75623557607b162ea/srv/app/config/settings.yaml",
    "hosts/i-75623557607b162ea/srv/app/static/upload.js",
    "hosts/i-da750bd6ec1a54b33/opt/deploy/deploy.sh",
    "srv/app/config.yml",
]


def make_gitleaks():
    found = gitleaks8_raw_findings(GL8_PATHS)
    write("gitleaks8.json", render_go([gitleaks8_object(f) for f in found], " ") + "\n")
    record("gitleaks8.json", "gitleaks", "gitleaks-8.23", "8.23.2 - 8.30.1",
           [expect_gitleaks8(f) for f in found],
           command="gitleaks dir . --report-format json --report-path gitleaks8.json",
           note="srv/app/config.yml names no instance: invdb warns unless --instance is given")

    redacted_paths = ["hosts/i-4872c52cfb9da2309.env", "hosts/i-da750bd6ec1a54b33/opt/deploy/deploy.sh"]
    sub = [f for f in found if f["path"] in redacted_paths]
    write("gitleaks8-redacted.json", render_go([gitleaks8_object(f, redact=100) for f in sub], " ") + "\n")
    record("gitleaks8-redacted.json", "gitleaks", "gitleaks-8.23", "8.18.1 - 8.30.1 with --redact (=100)",
           [expect_gitleaks8(f, redact=100) for f in sub],
           command="gitleaks dir hosts --redact --report-format json --report-path gitleaks8-redacted.json",
           note="Secret is \"REDACTED\" and the secret is replaced in Match; the rule id still says AWS. "
                "gitleaks 8.0.0 - 8.11.x wrote Secret \"REDACT\" (Match still \"REDACTED\").")

    sub = [f for f in found if f["path"] == "hosts/i-da750bd6ec1a54b33/opt/deploy/deploy.sh"]
    write("gitleaks8-redact-partial.json", render_go([gitleaks8_object(f, redact=50) for f in sub], " ") + "\n")
    record("gitleaks8-redact-partial.json", "gitleaks", "gitleaks-8.23", "8.18.1 - 8.30.1 with --redact=50",
           [expect_gitleaks8(f, redact=50) for f in sub],
           command="gitleaks dir hosts --redact=50 --report-format json --report-path gitleaks8-redact-partial.json",
           note="partial redaction keeps the first (100-N)% of the secret and appends \"...\": "
                "a 10-character key-id prefix is not a key id")

    # 8.15.0 - 8.23.1 member order (RuleID near the end), aws-access-token only.
    legacy_paths = ["hosts/i-da750bd6ec1a54b33/etc/systemd/system/web.service",
                    "hosts/i-da750bd6ec1a54b33/root/.aws/credentials"]
    legacy = [f for f in gitleaks8_raw_findings(legacy_paths) if f["rule"] == "aws-access-token"]
    write("gitleaks8-legacy-order.json", render_go([gitleaks8_object(f, shape="8.15") for f in legacy], " ") + "\n")
    record("gitleaks8-legacy-order.json", "gitleaks", "gitleaks-8.15", "8.18.x (Description \"AWS\"); "
           "same members and order 8.15.0 - 8.23.1", [expect_gitleaks8(f) for f in legacy],
           command="gitleaks detect --no-git --source hosts --report-format json --report-path gitleaks8-legacy-order.json")

    # 8.0.x: Context instead of Match, no Fingerprint/SymlinkFile, 0-based StartLine.
    objs, exp = [], []
    for path in ["hosts/i-75623557607b162ea/srv/app/static/upload.js",
                 "hosts/i-da750bd6ec1a54b33/opt/deploy/deploy.sh"]:
        raw = read(path)
        for m in re.finditer(r"AKIA[0-9A-Z]{16}", raw):
            if m.group(0) not in VALUE_OWNER:
                continue
            loc = gl80_location(raw, m.start(), m.end())
            objs.append({
                "Description": "AWS", "StartLine": loc["startLine"], "EndLine": loc["endLine"],
                "StartColumn": loc["startColumn"], "EndColumn": loc["endColumn"],
                "Context": raw[loc["startIdx"]:loc["endIdx"]].strip("\n"), "Secret": m.group(0),
                "File": path, "Commit": "", "Entropy": 0, "Author": "", "Email": "", "Date": "",
                "Message": "", "Tags": [], "RuleID": "aws-access-token",
            })
            owner = VALUE_OWNER[m.group(0)][0]
            exp.append(expect(path, loc["startLine"] + 1, "access-key-id", owner, "aws-access-token",
                              reported_line=loc["startLine"]))
    write("gitleaks8.0.json", render_go(objs, " ") + "\n")
    record("gitleaks8.0.json", "gitleaks", "gitleaks-8.0", "8.0.0 - 8.0.7", exp,
           command="gitleaks detect --no-git --source hosts --report-format json --report-path gitleaks8.0.json",
           note="StartLine is 0-based in 8.0.0 - 8.1.x (fixed in 8.2.0): line = StartLine + 1. "
                "Context (the whole line) is 8.0.x only, so it identifies the off-by-one.")

    # 7.5.0 - 7.6.1 (offenderEntropy), --no-git scan of ".": one leak per line and rule.
    v7_rules = [
        ("AWS Access Key", re.compile(r"(A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}")),
        # Go's (?i)aws(.{0,20})?(?-i)['\"][0-9a-zA-Z\/+]{40}['\"], with Python's scoped flag syntax
        ("AWS Secret Key", re.compile(r"""(?i:aws)(.{0,20})?['"][0-9a-zA-Z/+]{40}['"]""")),
    ]
    v7_paths = ["hosts/i-0e4141e1d5f5b3cea/home/ubuntu/.aws/credentials",
                "hosts/i-4872c52cfb9da2309.env",
                "hosts/i-da750bd6ec1a54b33/etc/systemd/system/web.service",
                "hosts/i-da750bd6ec1a54b33/opt/deploy/deploy.sh",
                "srv/app/config.yml"]
    leaks, exp7 = [], []
    for path in v7_paths:
        for number, text in enumerate(read(path).split("\n")[:-1], start=1):
            for rule, rx in v7_rules:
                m = rx.search(text)
                if not m:
                    continue
                offender = m.group(0)
                leaks.append({
                    "line": text, "lineNumber": number, "offender": offender, "offenderEntropy": -1,
                    "commit": "", "repo": "", "repoURL": "", "leakURL": "", "rule": rule,
                    "commitMessage": "", "author": "", "email": "", "file": path,
                    "date": "0001-01-01T00:00:00Z", "tags": "key, AWS",
                })
                if rule == "AWS Access Key":
                    owner = VALUE_OWNER[offender][0]
                    exp7.append(expect(path, number, "access-key-id", owner, rule))
                else:
                    secret = re.search(r"[0-9a-zA-Z/+]{40}", offender[3:]).group(0)
                    owner = VALUE_OWNER[secret][0]
                    exp7.append(expect(path, number, "secret-access-key", owner, rule))
    write("gitleaks7.json", render_go(leaks, " ") + "\n")
    record("gitleaks7.json", "gitleaks", "gitleaks-7", "7.5.0 - 7.6.1 (7.0.0 - 7.4.x: no offenderEntropy)", exp7,
           command="gitleaks --no-git --path=. --report=gitleaks7.json --format=json",
           note="one leak per line and rule; \"rule\" is the rule's description; \"offender\" is the regex "
                "match (the key id, or aws…\"<secret>\" with its quotes for AWS Secret Key); the example "
                "key is reported (7.x has no EXAMPLE allowlist)")

    # gitleaks 7 --quiet prints each leak to stdout with json.Marshal: JSON lines.
    quiet = [leaks[i] for i in (1, len(leaks) - 1)]
    write("gitleaks7-stdout.jsonl", "".join(render_go(l) + "\n" for l in quiet))
    record("gitleaks7-stdout.jsonl", "gitleaks", "gitleaks-7-jsonl", "7.x --quiet stdout (also --verbose, "
           "tab-indented, not JSON lines)", [exp7[i] for i in (1, len(leaks) - 1)],
           command="gitleaks --no-git --path=. --quiet > gitleaks7-stdout.jsonl")

    # 5.x - 6.x (git repository scans): rule "AWS Manager ID", lineNumber, operation.
    commit = "9c3e1f0a7b5d2e4c6a8b0d1f3e5a7c9b1d3f5e7a"
    leaks6, exp6 = [], []
    for path in ["hosts/i-75623557607b162ea/srv/app/static/upload.js",
                 "hosts/i-da750bd6ec1a54b33/opt/deploy/deploy.sh"]:
        for number, text in enumerate(read(path).split("\n")[:-1], start=1):
            m = v7_rules[0][1].search(text)
            if not m:
                continue
            leaks6.append({
                "line": text, "lineNumber": number, "offender": m.group(0), "commit": commit,
                "repo": "fleet-config", "rule": "AWS Manager ID", "commitMessage": "collect host configs\n",
                "author": "Ops Bot", "email": "ops-bot@example.com", "file": path,
                "date": "2026-01-15T09:00:00Z", "tags": "key, AWS", "operation": "addition",
            })
            exp6.append(expect(path, number, "access-key-id", VALUE_OWNER[m.group(0)][0], "AWS Manager ID"))
    write("gitleaks6.json", render_go(leaks6, " ") + "\n")
    record("gitleaks6.json", "gitleaks", "gitleaks-5-6", "5.0.0 - 6.2.0 (3.x - 4.x: no lineNumber, no operation)",
           exp6, command="gitleaks --repo-path=fleet-config --report=gitleaks6.json")

    write("gitleaks-empty.json", "[]\n")
    record("gitleaks-empty.json", "gitleaks", "gitleaks-empty-array",
           "8.2.4 - 8.21.x and 8.22.1 - 8.30.1 when nothing is found", [], clean=True)
    write("gitleaks-null.json", "null\n")
    record("gitleaks-null.json", "gitleaks", "json-null",
           "not gitleaks itself (its JSON reporter always gets a non-nil slice); the gitleaks fork "
           "betterleaks wrote it until its PR #349 (issue #339)", [], clean=True,
           note="the document names no scanner: accept it as an empty report only when the file is "
                "known to be a gitleaks/betterleaks report (name it on the command line)")


# ---------------------------------------------------------------------------------------------
# trufflehog v3
# ---------------------------------------------------------------------------------------------

AWS_DESC = ("AWS (Amazon Web Services) is a comprehensive cloud computing platform offering a wide range of "
            "on-demand services like computing power, storage, databases. API keys for AWS can have varying "
            "amount of access to these services depending on the IAM policy attached.")
SESSION_DESC = AWS_DESC + " AWS Session Tokens are short-lived keys."
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def account_of(key_id):
    """trufflehog pkg/detectors/aws/utils.go GetAccountNumFromID; None when it errors."""
    if key_id[4] in "IJ":
        return None
    bits = "".join(format(B32.index(c), "05b") for c in key_id[4:])
    data = int(bits[:48], 2)
    return "%012d" % ((data & 0x7FFFFFFFFF80) >> 7)


def th_source(path, line=None, git=None):
    if git:
        return {"Data": {"Git": git}}
    fs = {"file": path}
    if line:
        fs["line"] = line
    return {"Data": {"Filesystem": fs}}


def make_trufflehog():
    deploy = "hosts/i-da750bd6ec1a54b33/opt/deploy/deploy.sh"
    systemd = "hosts/i-da750bd6ec1a54b33/etc/systemd/system/web.service"
    session = "hosts/i-4872c52cfb9da2309.env"
    legacy = "hosts/i-da750bd6ec1a54b33/root/.aws/credentials"
    js = "hosts/i-75623557607b162ea/srv/app/static/upload.js"

    def id_line(path, name):
        return locate(path, key(name, "access_key_id"))[1]

    # v3.0.0 - v3.4.4: json.Marshal(ResultWithMetadata): no DetectorName; Raw is []byte -> base64.
    # v3.4.5 - v3.13.x: an explicit struct adds DetectorName; Raw still []byte -> base64.
    for name, with_name, versions in (
        ("trufflehog3-v3.0-base64.jsonl", False, "3.0.0 - 3.4.4"),
        ("trufflehog3-early-base64.jsonl", True, "3.4.5 - 3.13.x"),
    ):
        lines, exp = [], []
        for path, owner in ((deploy, "host-deploy"), (systemd, "host-systemd"), (session, "host-session")):
            kid = key(owner, "access_key_id")
            obj = {"SourceMetadata": th_source(path), "SourceID": 0, "SourceType": 15,
                   "SourceName": "trufflehog - filesystem", "DetectorType": 2}
            if with_name:
                obj["DetectorName"] = "AWS"
            obj.update({"Verified": False, "Raw": base64.b64encode(kid.encode()).decode(), "Redacted": kid,
                        "ExtraData": None, "StructuredData": None})
            lines.append(go_json(obj))
            exp.append(expect(path, None, "access-key-id", owner, "AWS"))
        write(name, "".join(l + "\n" for l in lines))
        record(name, "trufflehog", "trufflehog-v3-raw-base64", versions, exp,
               command="trufflehog filesystem --directory=hosts --json --no-verification",
               note="Raw is base64 of the key id (Go []byte); Redacted is the key id in clear; no RawV2 was "
                    "ever printed in this era, so the secret is not in the report; filesystem results "
                    "have no line before 3.34.0; DetectorType 2 = AWS"
                    + ("" if with_name else "; no DetectorName member at all before 3.4.5"))

    # v3.63.0 - v3.83.6: Raw/RawV2 strings, RawV2 = id+secret(+token) with NO separator.
    lines, exp = [], []
    for path, owner in ((deploy, "host-deploy"), (js, "host-js")):
        kid, sec = key(owner, "access_key_id"), key(owner, "secret_access_key")
        extra = {"account": account_of(kid), "resource_type": "Access key"}
        lines.append(go_json({
            "SourceMetadata": th_source(path, id_line(path, owner)), "SourceID": 1, "SourceType": 15,
            "SourceName": "trufflehog - filesystem", "DetectorType": 2, "DetectorName": "AWS",
            "DecoderName": "PLAIN", "Verified": False, "Raw": kid, "RawV2": kid + sec, "Redacted": kid,
            "ExtraData": extra, "StructuredData": None}))
        exp += [expect(path, id_line(path, owner), "access-key-id", owner, "AWS"),
                expect(path, id_line(path, owner), "secret-access-key", owner, "AWS")]
    kid, sec, tok = (key("host-session", f) for f in ("access_key_id", "secret_access_key", "session_token"))
    lines.append(go_json({
        "SourceMetadata": th_source(session, id_line(session, "host-session")), "SourceID": 1, "SourceType": 15,
        "SourceName": "trufflehog - filesystem", "DetectorType": 959, "DetectorName": "AWSSessionKey",
        "DecoderName": "PLAIN", "Verified": False, "Raw": kid, "RawV2": kid + sec + tok, "Redacted": kid,
        "ExtraData": {"account": account_of(kid)}, "StructuredData": None}))
    exp += [expect(session, id_line(session, "host-session"), k, "host-session", "AWSSessionKey")
            for k in ("access-key-id", "secret-access-key", "session-token")]
    write("trufflehog3-rawv2-concat.jsonl", "".join(l + "\n" for l in lines))
    record("trufflehog3-rawv2-concat.jsonl", "trufflehog", "trufflehog-v3-rawv2-concatenated", "3.63.0 - 3.83.6",
           exp, command="trufflehog filesystem hosts --json --no-verification",
           note="RawV2 is key id + secret (+ session token) concatenated without a separator (AWS: 60 "
                "characters); split it at 20 and 60. Same for AWS from 3.32.1 (RawV2 first printed) to "
                "3.83.6; ASIA ids went to the AWS detector until 3.63.0. The session line is plausible, "
                "not a recorded run.")

    # v3.95.7+: Raw/RawV2 with ':' separators, SecretParts, DetectorDescription, VerificationFromCache.
    def current(path, owner, git=None, source=(1, 15, "trufflehog - filesystem")):
        kid, sec = key(owner, "access_key_id"), key(owner, "secret_access_key")
        line = id_line(path, owner)
        if kid.startswith("ASIA"):
            tok = key(owner, "session_token")
            det = (959, "AWSSessionKey", SESSION_DESC)
            raw2, extra = "%s:%s:%s" % (kid, sec, tok), {"account": account_of(kid)}
            parts = {"access_key_id": kid, "secret_access_key": sec, "session_token": tok}
        else:
            det = (2, "AWS", AWS_DESC)
            raw2, extra = "%s:%s" % (kid, sec), {"account": account_of(kid), "resource_type": "Access key"}
            parts = {"access_key_id": kid, "secret_access_key": sec}
        if git:  # source_metadata.proto Git field order: commit, file, email, repository, timestamp, line
            git = {"commit": git["commit"], "file": path, "email": git["email"], "repository": git["repository"],
                   "timestamp": git["timestamp"], "line": line}
        obj = {"SourceMetadata": th_source(path, line, git), "SourceID": source[0], "SourceType": source[1],
               "SourceName": source[2], "DetectorType": det[0], "DetectorName": det[1],
               "DetectorDescription": det[2], "DecoderName": "PLAIN", "Verified": False,
               "VerificationFromCache": False, "Raw": kid, "RawV2": raw2, "Redacted": kid,
               "ExtraData": extra, "StructuredData": None, "SecretParts": parts}
        kinds = ["access-key-id", "secret-access-key"] + (["session-token"] if kid.startswith("ASIA") else [])
        return go_json(obj), [expect(path, line, k, owner, det[1]) for k in kinds]

    lines, exp = [], []
    for path, owner in ((deploy, "host-deploy"), (legacy, "host-legacy"), (js, "host-js"), (session, "host-session")):
        text, e = current(path, owner)
        lines.append(text)
        exp += e
    write("trufflehog3-current.jsonl", "".join(l + "\n" for l in lines))
    record("trufflehog3-current.jsonl", "trufflehog", "trufflehog-v3-current", "3.95.7 - 3.97.0 (newest checked)",
           exp, command="trufflehog filesystem hosts --json --no-verification",
           note="RawV2 is id:secret (AWS) or id:secret:token (AWSSessionKey) since 3.84.0; SecretParts "
                "(3.95.7+) names the parts; ExtraData.account is decoded from the key id")

    lines, exp = [], []
    git = {"commit": "9c3e1f0a7b5d2e4c6a8b0d1f3e5a7c9b1d3f5e7a", "email": "Ops Bot <ops-bot@example.com>",
           "repository": "https://github.com/example-org/fleet-config.git",
           "timestamp": "2026-01-15 09:00:00 +0000"}
    for path, owner in ((deploy, "host-deploy"), (session, "host-session")):
        text, e = current(path, owner, git=git, source=(1, 16, "trufflehog - git"))
        lines.append(text)
        exp += e
    write("trufflehog3-git.jsonl", "".join(l + "\n" for l in lines))
    record("trufflehog3-git.jsonl", "trufflehog", "trufflehog-v3-current", "3.95.7 - 3.97.0, git source", exp,
           command="trufflehog git https://github.com/example-org/fleet-config.git --json --no-verification",
           note="SourceMetadata.Data.Git.{commit,file,email,repository,timestamp,line}; SourceType 16 = git")


# ---------------------------------------------------------------------------------------------
# Kingfisher
# ---------------------------------------------------------------------------------------------

# Recorded from real runs of kingfisher-bin (PyPI) on a copy of ../hosts:
#   kingfisher scan hosts --format json|jsonl --no-validate --no-update-check [--redact]
# Only the findings for keys of fake-keys.json are kept.
# 1.99.0 (rule kingfisher.aws.2 "AWS Secret Access Key"; snippet = the secret; line/columns are
# where the whole regex match begins, which can be lines above the secret):
KF199 = [
    # path, fake key, line, column_start, column_end, fingerprint, entropy, language, redacted tag
    ("hosts/i-4872c52cfb9da2309.env", "host-session", 6, 22, 61, "2166728945459320428", "4.97", "Unknown", "9c1f482f"),
    ("hosts/i-75623557607b162ea/srv/app/.env", "host-dotenv", 4, 0, 61, "6742452248419242439", "5.32", "Unknown", "87bfe915"),
    ("hosts/i-75623557607b162ea/srv/app/app.py", "host-python", 7, 14, 53, "11464047822699918989", "4.80", "Python", "0fdd3017"),
    ("hosts/i-75623557607b162ea/srv/app/config/settings.yaml", "host-yaml", 3, 0, 63, "7923427565549402502", "5.31", "YAML", "a9adbb1f"),
    ("hosts/i-75623557607b162ea/srv/app/static/upload.js", "host-js", 2, 6, 59, "7545126148627521407", "5.56", "JavaScript", "9f86b305"),
    ("hosts/i-da750bd6ec1a54b33/etc/systemd/system/web.service", "host-systemd", 7, 13, 74, "16409760471799899471", "5.34", "Unknown", "d650abfd"),
    ("hosts/i-da750bd6ec1a54b33/opt/deploy/deploy.sh", "host-deploy", 5, 29, 68, "7847578356975607887", "4.70", "Shell", "373ba7df"),
    ("hosts/i-da750bd6ec1a54b33/root/.aws/credentials", "host-legacy", 6, 0, 61, "10636575996297387005", "5.29", "Unknown", "06fb6097"),
]
# 2.14.0 (betterleaks rules; snippet = key id, secret in dependent_captures; the session-token
# rule's snippet is the token). root/.aws/credentials holds two secrets, so 2.14.0 wrote
# "ambiguous_dependencies": {"AWS_SECRET_ACCESS_KEY": 2} there instead of dependent_captures, and
# no validate/blast-radius command: that finding discloses the key id only.
KF_AMBIGUOUS = {"hosts/i-da750bd6ec1a54b33/root/.aws/credentials"}
KF214 = [
    # path, fake key, rule, line, column_start, column_end, fingerprint, entropy, language, confidence, redacted tag
    ("hosts/i-4872c52cfb9da2309.env", "host-session", "aws-access-token", 5, 18, 37, "14610952422437629937", "3.68", "Unknown", "high", "a666f26d"),
    ("hosts/i-4872c52cfb9da2309.env", "host-session", "aws-session-token", 7, 18, 474, "35044701144957928", "5.89", "Unknown", "medium", "c1410e45"),
    ("hosts/i-75623557607b162ea/srv/app/.env", "host-dotenv", "aws-access-token", 5, 18, 37, "17026580184599419262", "4.12", "Unknown", "high", "a4bd1560"),
    ("hosts/i-75623557607b162ea/srv/app/static/upload.js", "host-js", "aws-access-token", 4, 16, 35, "14292653825275485653", "3.78", "JavaScript", "high", "2830b6c8"),
    ("hosts/i-da750bd6ec1a54b33/opt/deploy/deploy.sh", "host-deploy", "aws-access-token", 4, 25, 44, "12343417266403932068", "3.82", "Shell", "high", "86d1a169"),
    ("hosts/i-da750bd6ec1a54b33/root/.aws/credentials", "host-legacy", "aws-access-token", 6, 18, 37, "1880520816432600681", "3.88", "Unknown", "high", "7d244621"),
]
KF_RULES = {
    "aws-access-token": ("AWS-ACCESS-TOKEN => [BETTERLEAKS.AWS-ACCESS-TOKEN]",
                         "Identified an AWS access key ID paired with a secret access key, which together can "
                         "provide full access to AWS services."),
    "aws-session-token": ("AWS-SESSION-TOKEN => [BETTERLEAKS.AWS-SESSION-TOKEN]", "AWS Session Token"),
}
RUN_AT = "2026-01-15T09:00:05.000000000+00:00"


def kf1_match(row, redact=False):
    path, owner, line, cs, ce, fp, ent, lang, tag = row
    return {"rule": {"name": "AWS Secret Access Key", "id": "kingfisher.aws.2"},
            "finding": {"snippet": "[REDACTED:%s]" % tag if redact else key(owner, "secret_access_key"),
                        "fingerprint": fp, "confidence": "medium", "entropy": ent,
                        "validation": {"status": "Not Attempted", "response": ""},
                        "language": lang, "line": line, "column_start": cs, "column_end": ce, "path": path}}


def kf1_expect(row, redact=False):
    path, owner, line = row[0], row[1], row[2]
    return expect(path, line, "secret-access-key", owner, "kingfisher.aws.2", readable=not redact, key_id=None)


def kf2_finding(row, redact=False):
    path, owner, rule, line, cs, ce, fp, ent, lang, conf, tag = row
    kid, sec = key(owner, "access_key_id"), key(owner, "secret_access_key")
    rid = "betterleaks." + rule
    if rule == "aws-session-token":
        snippet, captures = key(owner, "session_token"), {"AKID": kid, "AWS_SECRET_ACCESS_KEY": sec}
        var = "--var AKID='%s' --var AWS_SECRET_ACCESS_KEY='%s'" % (kid, sec)
    else:
        snippet, captures = kid, {"AWS_SECRET_ACCESS_KEY": sec}
        var = "--var AWS_SECRET_ACCESS_KEY='%s'" % sec
    ambiguous = path in KF_AMBIGUOUS
    finding = {}
    if ambiguous:
        finding["ambiguous_dependencies"] = {"AWS_SECRET_ACCESS_KEY": 2}
    elif not redact:
        finding["dependent_captures"] = captures
    finding.update({
        "snippet": "[REDACTED:%s]" % tag if redact else snippet, "fingerprint": fp, "confidence": conf,
        "entropy": ent,
        "validation": {"outcome": "not_attempted", "status": "Not Attempted",
                       "response": "[REDACTED:229be67e]" if redact else ""},
        "language": lang, "line": line, "column_start": cs, "column_end": ce, "path": path})
    if not redact and not ambiguous:
        finding["validate_command"] = "kingfisher validate --rule '%s' %s '%s'" % (rid, var, snippet)
        finding["blast_radius_command"] = "kingfisher blast-radius --rule '%s' %s '%s'" % (rid, var, snippet)
    title, desc = KF_RULES[rule]
    return {"rule": {"title": title, "name": rule, "id": rid, "description": desc}, "finding": finding}


def kf2_expect(row, redact=False):
    path, owner, rule, line = row[:4]
    rid = "betterleaks." + rule
    if redact:
        kind = "session-token" if rule == "aws-session-token" else "access-key-id"
        return [expect(path, line, kind, owner, rid, readable=False, key_id=None)]
    if rule == "aws-session-token":
        return [expect(path, line, "session-token", owner, rid)]
    if path in KF_AMBIGUOUS:
        return [expect(path, line, "access-key-id", owner, rid)]
    return [expect(path, line, "access-key-id", owner, rid), expect(path, line, "secret-access-key", owner, rid)]


def kf2_audit(findings, target_abs="/srv/scans/hosts"):
    return {"schema": "kingfisher.repository-audit.v1", "run_id": "00000000-0000-4000-8000-000000000000",
            "started_at": "2026-01-15T09:00:05.000000000+00:00", "completed_at": "2026-01-15T09:00:05.217Z",
            "duration_seconds": 0.217,
            "summary": {"discovered": 1, "fetch_succeeded": 0, "fetch_failed": 0, "scan_succeeded": 1,
                        "scan_partial": 0, "scan_failed": 0, "pending": 0},
            "repositories": [{"key": "local:" + target_abs, "repository": target_abs, "source": "local",
                              "discovered_at": "2026-01-15T09:00:05.000Z", "fetch": {"status": "not_applicable"},
                              "scan": {"status": "completed", "started_at": "2026-01-15T09:00:05.000Z",
                                       "completed_at": "2026-01-15T09:00:05.217Z", "duration_seconds": 0.216},
                              "stats": {"findings": findings, "blobs_scanned": 19, "bytes_scanned": 5683}}]}


def kf_metadata(version, n, fmt, extra_summary=True, target="hosts"):
    summary = {"findings": n, "active_findings": 0, "inactive_findings": 0}
    if extra_summary:
        summary.update({"locally_derived_findings": 0, "invalid_material_findings": 0})
    summary.update({"unknown_validation_findings": n, "access_map_identities": 0,
                    "rules_applied": 488 if version.startswith("2") else 921, "confidence_level": "medium",
                    "custom_rules_used": False, "successful_validations": 0, "failed_validations": 0,
                    "skipped_validations": 0, "blobs_scanned": 19 if n else 1, "bytes_scanned": 5683 if n else 13,
                    "scan_duration_seconds": 0.217})
    return {"generated_at": "2026-01-15T09:00:05.217000000+00:00", "scan_timestamp": RUN_AT, "target": target,
            "command_line_args": ["kingfisher", "scan", target, "--format", fmt, "--no-validate",
                                  "--no-update-check"],
            "kingfisher_version": version, "update_check_status": "disabled", "summary": summary}


def make_kingfisher():
    # 1.9.0 - 1.10.0 (source): pretty top-level array of {"id", "matches": [{rule, finding}]}.
    groups = [{"id": "kingfisher.aws.2",
               "matches": [dict(kf1_match(r), finding=dict(kf1_match(r)["finding"], git_metadata=None))]}
              for r in KF199]
    write("kingfisher-1x.json", serde_pretty(groups) + "\n")
    record("kingfisher-1x.json", "kingfisher", "kingfisher-1-array", "1.9.0 - 1.10.0 (source); the array layout "
           "lasted until about 1.32 and again in 1.43 only", [kf1_expect(r) for r in KF199],
           command="kingfisher scan hosts --format json --no-validate",
           note="AWS Access Key ID (kingfisher.aws.1) is visible: false, so the key id is never reported: "
                "each finding is the secret alone; line is where the match begins (the line with AWS/AKIA "
                "context), not always the secret's line; git_metadata is null for files; values (fingerprint, "
                "line, columns) recorded from 1.99.0")
    write("kingfisher-1x.jsonl", "".join(serde_compact(g) + "\n" for g in groups))
    record("kingfisher-1x.jsonl", "kingfisher", "kingfisher-1-array-jsonl", "1.9.0 - 1.10.0 --format jsonl",
           [kf1_expect(r) for r in KF199], command="kingfisher scan hosts --format jsonl --no-validate")

    # 1.99.0 (recorded): compact one-line envelope {"findings": [...], "metadata": {...}}.
    doc = {"findings": [kf1_match(r) for r in KF199], "metadata": kf_metadata("1.99.0", len(KF199), "json", False)}
    write("kingfisher-1.99.json", serde_compact(doc) + "\n")
    record("kingfisher-1.99.json", "kingfisher", "kingfisher-envelope", "1.98.0 - 1.112.0 (recorded 1.99.0)",
           [kf1_expect(r) for r in KF199], command="kingfisher scan hosts --format json --no-validate --no-update-check")
    write("kingfisher-1.99.jsonl", "".join(serde_compact(kf1_match(r)) + "\n" for r in KF199))
    record("kingfisher-1.99.jsonl", "kingfisher", "kingfisher-finding-lines", "1.44.0 - 1.112.0 (recorded 1.99.0)",
           [kf1_expect(r) for r in KF199], command="kingfisher scan hosts --format jsonl --no-validate --no-update-check",
           note="one {\"rule\",\"finding\"} object per line, no envelope, no metadata line")
    doc = {"findings": [kf1_match(r, redact=True) for r in KF199],
           "metadata": kf_metadata("1.99.0", len(KF199), "json", False)}
    doc["metadata"]["command_line_args"].append("--redact")
    write("kingfisher-1.99-redacted.json", serde_compact(doc) + "\n")
    record("kingfisher-1.99-redacted.json", "kingfisher", "kingfisher-envelope", "1.99.0 --redact (recorded)",
           [kf1_expect(r, redact=True) for r in KF199],
           command="kingfisher scan hosts --format json --no-validate --no-update-check --redact")

    # 2.x (recorded 2.14.0): --format jsonl: finding lines, then one {"audit": ...} line.
    n = len(KF214)
    lines = [serde_compact(kf2_finding(r)) for r in KF214] + [serde_compact({"audit": kf2_audit(n)})]
    write("kingfisher-jsonl.jsonl", "".join(l + "\n" for l in lines))
    record("kingfisher-jsonl.jsonl", "kingfisher", "kingfisher-finding-lines-audit", "2.x (recorded 2.14.0)",
           [e for r in KF214 for e in kf2_expect(r)],
           command="kingfisher scan hosts --format jsonl --no-validate --no-update-check",
           note="the last line is {\"audit\": {...}} and holds no finding")

    doc = {"findings": [kf2_finding(r, redact=True) for r in KF214], "audit": kf2_audit(n),
           "metadata": kf_metadata("2.14.0", n, "json")}
    doc["metadata"]["command_line_args"].append("--redact")
    write("kingfisher-2x-redacted.json", serde_compact(doc) + "\n")
    record("kingfisher-2x-redacted.json", "kingfisher", "kingfisher-envelope-audit", "2.x --redact (recorded 2.14.0)",
           [e for r in KF214 for e in kf2_expect(r, redact=True)],
           command="kingfisher scan hosts --format json --no-validate --no-update-check --redact",
           note="snippet is [REDACTED:<8 hex>]; dependent_captures, validate_command and blast_radius_command "
                "are omitted; the rule id still says AWS")

    # stdout of --format json without --output: the report line, then a summary line whose
    # "findings" is a NUMBER.
    doc = {"findings": [kf2_finding(r) for r in KF214], "audit": kf2_audit(n), "metadata": kf_metadata("2.14.0", n, "json")}
    summary = {"findings": n, "successful_validations": 0, "failed_validations": 0, "skipped_validations": 0,
               "rules_applied": 488, "blobs_scanned": 19, "bytes_scanned": 5683, "scan_duration": 0.217,
               "scan_date": RUN_AT,
               "kingfisher": {"version_used": "2.14.0", "latest_version": None, "update_check_status": "disabled",
                              "update_check_message": "Update check disabled (--no-update-check)"},
               "findings_by_rule": [[KF_RULES["aws-access-token"][1], n - 1], ["AWS Session Token", 1]]}
    write("kingfisher-2x-stdout.json", serde_compact(doc) + "\n" + serde_compact(summary) + "\n")
    record("kingfisher-2x-stdout.json", "kingfisher", "kingfisher-envelope-audit+summary-line",
           "1.98.0 - 2.14.0 stdout (recorded 1.99.0 and 2.14.0)", [e for r in KF214 for e in kf2_expect(r)],
           command="kingfisher scan hosts --format json --no-validate --no-update-check > kingfisher-2x-stdout.json",
           note="two JSON documents: the report, then the scan summary, whose \"findings\" member is an "
                "integer (not an array) and must be ignored")

    doc = {"findings": [], "audit": kf2_audit(0, "/srv/scans/empty"), "metadata": kf_metadata("2.14.0", 0, "json", target="empty")}
    write("kingfisher-2x-empty.json", serde_compact(doc) + "\n")
    record("kingfisher-2x-empty.json", "kingfisher", "kingfisher-envelope-audit", "2.x, nothing found (recorded 2.14.0)",
           [], clean=True, command="kingfisher scan empty --format json --no-validate --no-update-check")
    write("kingfisher-2x-empty.jsonl", serde_compact({"audit": kf2_audit(0, "/srv/scans/empty")}) + "\n")
    record("kingfisher-2x-empty.jsonl", "kingfisher", "kingfisher-finding-lines-audit",
           "2.x --format jsonl, nothing found (recorded 2.14.0)", [], clean=True,
           command="kingfisher scan empty --format jsonl --no-validate --no-update-check")


# ---------------------------------------------------------------------------------------------
# detect-secrets
# ---------------------------------------------------------------------------------------------

def sha1(s):
    return hashlib.sha1(s.encode()).hexdigest()


def make_detect_secrets():
    # 0.x (modelled on 0.14.3): json.dumps(indent=2, sort_keys=True); results without "filename";
    # AWSKeyDetector only knows AKIA ids (added 0.11.x; before that no AWS type at all).
    aws = [("hosts/i-0e4141e1d5f5b3cea/home/ubuntu/.aws/credentials", "example"),
           ("hosts/i-75623557607b162ea/srv/app/app.py", "host-python"),
           ("hosts/i-75623557607b162ea/srv/app/static/upload.js", "host-js"),
           ("hosts/i-da750bd6ec1a54b33/etc/systemd/system/web.service", "host-systemd"),
           ("hosts/i-da750bd6ec1a54b33/opt/deploy/deploy.sh", "host-deploy"),
           ("hosts/i-da750bd6ec1a54b33/root/.aws/credentials", "host-legacy")]
    results, exp = {}, []
    for path, owner in aws:
        line = locate(path, key(owner, "access_key_id"))[1]
        results.setdefault(path, []).append({"hashed_secret": sha1(key(owner, "access_key_id")), "is_verified": False,
                                             "line_number": line, "type": "AWS Access Key"})
        exp.append(expect(path, line, "access-key-id", owner, "AWS Access Key", readable=False, key_id=None))
    yaml = "hosts/i-75623557607b162ea/srv/app/config/settings.yaml"
    results[yaml] = [{"hashed_secret": sha1(key("host-yaml", "secret_access_key")), "is_verified": False,
                      "line_number": locate(yaml, key("host-yaml", "secret_access_key"))[1],
                      "type": "Base64 High Entropy String"}]
    baseline = {
        "custom_plugin_paths": [],
        "exclude": {"files": None, "lines": None},
        "generated_at": "2026-01-15T09:00:00Z",
        "plugins_used": [{"name": "AWSKeyDetector"}, {"name": "ArtifactoryDetector"},
                         {"base64_limit": 4.5, "name": "Base64HighEntropyString"}, {"name": "BasicAuthDetector"},
                         {"name": "CloudantDetector"}, {"hex_limit": 3, "name": "HexHighEntropyString"},
                         {"name": "IbmCloudIamDetector"}, {"name": "IbmCosHmacDetector"}, {"name": "JwtTokenDetector"},
                         {"keyword_exclude": None, "name": "KeywordDetector"}, {"name": "MailchimpDetector"},
                         {"name": "PrivateKeyDetector"}, {"name": "SlackDetector"}, {"name": "SoftlayerDetector"},
                         {"name": "StripeDetector"}, {"name": "TwilioKeyDetector"}],
        "results": results,
        "version": "0.14.3",
        "word_list": {"file": None, "hash": None},
    }
    write("detect-secrets-0x.json", json.dumps(baseline, indent=2, sort_keys=True, separators=(",", ": ")) + "\n")
    record("detect-secrets-0x.json", "detect-secrets", "detect-secrets-0.x", "0.12.5 - 0.14.3 (is_verified since 0.12.5)",
           exp, command="detect-secrets scan --all-files hosts > detect-secrets-0x.json",
           note="results entries have no \"filename\" (the key is the file); keys sorted; only the SHA-1 of "
                "each value: the key id is not readable; the Base64 High Entropy String entry is not an AWS type "
                "and is not imported; the example key is reported")

    # 1.x --slim: no line_number, no generated_at.
    with open(os.path.join(CRED, "scanner-reports", "detect-secrets-baseline.json"), encoding="utf-8") as fh:
        real = json.load(fh)
    slim_entries = [("hosts/i-4872c52cfb9da2309.env", "host-session", "access_key_id"),
                    ("hosts/i-da750bd6ec1a54b33/opt/deploy/deploy.sh", "host-deploy", "access_key_id"),
                    ("hosts/i-da750bd6ec1a54b33/root/.aws/credentials", "host-legacy", "access_key_id"),
                    ("hosts/i-da750bd6ec1a54b33/root/.aws/credentials", "host-legacy", "secret_access_key")]
    results, exp = {}, []
    for path, owner, field in slim_entries:
        value = key(owner, field)
        results.setdefault(path, []).append({"type": "AWS Access Key", "filename": path,
                                             "hashed_secret": sha1(value), "is_verified": False})
        kind = "access-key-id" if field == "access_key_id" else "secret-access-key"
        exp.append(expect(path, None, kind, owner, "AWS Access Key", readable=False, key_id=None))
    slim = {"version": "1.5.0", "plugins_used": real["plugins_used"], "filters_used": real["filters_used"],
            "results": results}
    write("detect-secrets-1x-slim.json", json.dumps(slim, indent=2) + "\n")
    record("detect-secrets-1x-slim.json", "detect-secrets", "detect-secrets-1.x-slim", "1.0.0 - 1.5.0 with --slim",
           exp, command="detect-secrets scan --slim --all-files hosts > detect-secrets-1x-slim.json",
           note="no line_number and no generated_at; 1.x's AWS plugin also reports the secret of an "
                "aws_secret_access_key= line under type \"AWS Access Key\" (here the 4th entry): only the "
                "hash tells a key id from a secret")

    empty = {"version": "1.5.0", "plugins_used": real["plugins_used"], "filters_used": real["filters_used"],
             "results": {}, "generated_at": "2026-01-15T09:00:00Z"}
    write("detect-secrets-1x-empty.json", json.dumps(empty, indent=2) + "\n")
    record("detect-secrets-1x-empty.json", "detect-secrets", "detect-secrets-1.x", "1.0.0 - 1.5.0, nothing found",
           [], clean=True)


def main():
    make_gitleaks()
    make_trufflehog()
    make_kingfisher()
    make_detect_secrets()
    write("empty-output.json", "")
    record("empty-output.json", None, "zero-bytes",
           "gitleaks 4.x - 7.x, 8.0.0 - 8.2.3 and 8.22.0 with --report and no leaks (no file is even "
           "created before 8.2.4); Kingfisher 1.9.0 - 1.99.0 --format json/jsonl with no findings; "
           "trufflehog v3 --json with no results", [], clean=True, attributable=False,
           note="an empty file names no scanner; a clean run of these versions cannot be told from a file "
                "that was never written")
    doc = {
        "_comment": "Expected normalization of every fixture in this folder (written by make-scanner-formats.py; "
                    "do not edit by hand). See FORMATS.md.",
        "_fields": {
            "instance_id": "the i-… id in path (the last one), or null: then invdb needs --instance",
            "path": "the path as the report gives it",
            "line": "1-based line invdb should record (gitleaks 8.0.x: StartLine + 1), or null when the "
                    "layout has none",
            "reported_line": "the line number exactly as the report states it",
            "kind": "access-key-id | secret-access-key | session-token: what the value really is",
            "key_id": "the access key id the finding belongs to when the report shows it readably, else null",
            "secret_fingerprint_source": "for secret-access-key and session-token: the fake-keys.json entry "
                                         "whose value invdb should fingerprint; null when unreadable or for key ids",
            "readable": "false when the report holds the value only redacted, masked, or hashed",
            "fake_key": "the fake-keys.json entry the value comes from (\"example\" = AWS's documented pair)",
            "rule": "the scanner's rule / detector / type for the finding",
            "_order": "findings are listed in report order; each value (kind + value) is listed once per path, "
                      "at the first scanner finding that discloses it (a Kingfisher 2.x session-token finding "
                      "repeats the key id and secret in dependent_captures: not listed again)",
        },
        "files": EXPECTED,
    }
    write("expected.json", json.dumps(doc, indent=2) + "\n")
    for name, entry in EXPECTED.items():
        print("%-34s %-15s %-40s %2d finding(s)%s" % (name, entry["scanner"] or "-", entry["layout"],
                                                       len(entry["findings"]), "  clean" if entry["clean"] else ""))
    print("%d fixtures + expected.json written to %s" % (len(EXPECTED), HERE))


if __name__ == "__main__":
    main()
