#!/usr/bin/env bash
# Derives the malformed-input fixtures in this folder from real AWS CLI output kept in
# Samples/aws/ (made by Samples/aws/make-samples.sh). Deterministic: the same inputs give
# byte-identical outputs (gzip -n stores no name or time). Also writes README.md, including the
# line:column of the defect in missing-comma.json, computed from the file itself.
#
#   bash Tests/Fixtures/bad/make-bad.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
SRC="$REPO/Samples/aws/us-east-1/describe-instances.json"
BUCKETS="$REPO/Samples/aws/s3/list-buckets.json"
[[ -f "$SRC" && -f "$BUCKETS" ]] || { echo "make-bad: run Samples/aws/make-samples.sh first" >&2; exit 1; }

rm -f "$HERE"/truncated.json "$HERE"/missing-comma.json "$HERE"/binary.bin \
      "$HERE"/describe-instances.json.gz "$HERE"/unknown-kind.json "$HERE"/empty.json \
      "$HERE"/not-json.txt "$HERE"/README.md

# gzip of the real listing, twice: once under a neutral name, once under the name a user would see.
gzip -n -9 -c "$SRC" >"$HERE/binary.bin"
cp "$HERE/binary.bin" "$HERE/describe-instances.json.gz"

# A valid JSON document of a kind invdb does not import: real `aws s3api list-buckets` output.
cp "$BUCKETS" "$HERE/unknown-kind.json"

# Zero bytes.
: >"$HERE/empty.json"

# Plain text that is not JSON at all: a shell script.
cat >"$HERE/not-json.txt" <<'EOF'
#!/bin/sh
# Not JSON: a shell script someone saved with the wrong name.
set -e
aws ec2 describe-instances --region us-east-1 > instances.json
echo "exported $(wc -c < instances.json) bytes"
EOF

python3 - "$SRC" "$HERE" <<'PY'
import json, os, re, sys
src, here = sys.argv[1:3]
text = open(src, encoding="utf-8").read()
lines = text.split("\n")
# Instance objects sit at indent 16 in the CLI's pretty print; their keys at indent 20.
key_at_20 = re.compile(r'^ {20}"[A-Za-z]+": ')

# truncated.json: cut halfway through the "InstanceType" line of the second instance.
hits = [m.start() for m in re.finditer(r'(?m)^ {20}"InstanceType": "[^"]*",?$', text)]
assert len(hits) >= 2, "need two instances"
start = hits[1]
end = text.index("\n", start)
cut = start + (end - start) // 2
truncated = text[:cut]
open(os.path.join(here, "truncated.json"), "w", encoding="utf-8").write(truncated)
t_line = truncated.count("\n") + 1
t_col = len(truncated.rsplit("\n", 1)[-1])

# missing-comma.json: in the first instance, the first scalar key line ending in "," whose next
# line is another key of the same instance loses its comma.
for n, line in enumerate(lines):
    if key_at_20.match(line) and line.endswith(",") and not line.rstrip(",").endswith(("{", "[")) \
            and n + 1 < len(lines) and key_at_20.match(lines[n + 1]):
        break
else:
    raise SystemExit("no candidate line")
bad = lines[:]
bad[n] = line[:-1]
open(os.path.join(here, "missing-comma.json"), "w", encoding="utf-8").write("\n".join(bad))
comma_line, comma_col = n + 1, len(line)          # 1-based line and column of the removed comma
next_line, next_col = n + 2, len(lines[n + 1]) - len(lines[n + 1].lstrip()) + 1
try:
    json.loads("\n".join(bad))
    raise SystemExit("missing-comma.json still parses")
except json.JSONDecodeError as e:
    py_msg = f"{e.msg}: line {e.lineno} column {e.colno} (char {e.pos})"
try:
    json.loads(truncated)
    raise SystemExit("truncated.json still parses")
except json.JSONDecodeError as e:
    t_msg = f"{e.msg}: line {e.lineno} column {e.colno} (char {e.pos})"

readme = f"""# Malformed and unexpected input

Made by `make-bad.sh` (beside this file) from `Samples/aws/us-east-1/describe-instances.json` and
`Samples/aws/s3/list-buckets.json`, which `Samples/aws/make-samples.sh` produces with the real AWS
CLI against moto. Rerun `bash Tests/Fixtures/bad/make-bad.sh` after regenerating the samples; this
README is rewritten with the positions below.

| file | what it is | what an importer should do |
|---|---|---|
| `truncated.json` | the us-east-1 listing cut after {len(truncated.encode())} bytes, halfway through the `InstanceType` line of the second instance (ends at line {t_line}, column {t_col}, inside a string) | reject with a parse error, import nothing from it |
| `missing-comma.json` | the us-east-1 listing with the comma removed at the end of line {comma_line} (column {comma_col}), between `{line.strip().split(':')[0]}` and `{lines[n + 1].strip().split(':')[0]}` of the first instance | reject with a parse error naming the place |
| `binary.bin` | `gzip -n -9` of the us-east-1 listing (binary, not UTF-8 text) | reject (or, if gzip input is supported, import like the original) |
| `describe-instances.json.gz` | the same bytes as `binary.bin` under the name a user would see | same as above |
| `unknown-kind.json` | valid JSON of a kind invdb does not import: real `aws s3api list-buckets` output (`{{"Buckets": [...], "Owner": {{...}}}}`) | say the kind is not recognised; not a crash, not a silent success |
| `empty.json` | zero bytes | reject as empty |
| `not-json.txt` | a short shell script | reject as not JSON |

Defect positions (line and column are 1-based):
- `missing-comma.json`: the comma is missing at line {comma_line}, column {comma_col} (end of
  `{line.strip()[:-1]}`); a parser notices at the next key, line {next_line}, column {next_col}.
  Python's `json` says: `{py_msg}`.
- `truncated.json`: Python's `json` says: `{t_msg}`.
"""
open(os.path.join(here, "README.md"), "w", encoding="utf-8").write(readme)
PY

echo "  wrote Tests/Fixtures/bad/{truncated.json,missing-comma.json,binary.bin,describe-instances.json.gz,unknown-kind.json,empty.json,not-json.txt,README.md}"
