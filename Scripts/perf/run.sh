#!/usr/bin/env bash
# make bench: invdb's import of a 100,000-instance describe-instances document against the
# sqlite3 shell loading the same file into the same tables, measured side by side in one run
# (alternating, median of ROUNDS), plus invdb's peak memory and the time of `invdb check`.
#
#   bash Scripts/perf/run.sh            # N=100000, ROUNDS=3
#   N=10000 ROUNDS=5 bash Scripts/perf/run.sh
#
# Targets (issue 2): import <= 1/3 of the sqlite3 load's time, peak memory < 256 MB, check < 0.5 s.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-100000}
ROUNDS=${ROUNDS:-3}
BIN=${BIN:-.build/release/invdb}
DATA=bench-data
DOC="$DATA/di-$N.json"
IAM="$DATA/iam-$N.json"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/invdb-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$DATA"

if [ ! -s "$DOC" ] || [ ! -s "$IAM" ]; then
    echo "generating $N instances into $DOC (once; kept for later runs)" >&2
    python3 Scripts/perf/gen-describe-instances.py "$N" "$DOC" --seed 1 --iam-out "$IAM"
fi
[ -x "$BIN" ] || { echo "build first: make build" >&2; exit 1; }
size_mb=$(( $(stat -c %s "$DOC") / 1000000 ))

# Seconds and peak kilobytes of one command, from GNU time. Dirty pages of the previous command
# are flushed first, so neither side pays for the other's writes. Exit code 1 is allowed:
# `invdb check` exits 1 when it finds alarms (the generated fleet has them).
measure() {
    sync
    local status=0
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" || status=$?
    if [ "$status" -gt 1 ]; then cat "$WORK/stderr" >&2; echo "failed: $*" >&2; return 1; fi
    tail -1 "$WORK/time"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

: > "$WORK/invdb"; : > "$WORK/sqlite3"; : > "$WORK/ratio"; : > "$WORK/memory"
for round in $(seq "$ROUNDS"); do
    rm -f "$WORK/invdb.sqlite" "$WORK/sqlite3.sqlite"
    measure "$BIN" import --quiet --db "$WORK/invdb.sqlite" "$DOC" "$IAM" > "$WORK/one"
    read -r invdb_s invdb_kb < "$WORK/one"
    measure bash Scripts/perf/sqlite3-load.sh "$WORK/sqlite3.sqlite" "$DOC" > "$WORK/one"
    read -r sqlite_s _ < "$WORK/one"
    echo "$invdb_s" >> "$WORK/invdb"; echo "$sqlite_s" >> "$WORK/sqlite3"; echo "$invdb_kb" >> "$WORK/memory"
    awk -v a="$invdb_s" -v b="$sqlite_s" 'BEGIN { printf "%.3f\n", a / b }' >> "$WORK/ratio"
    printf 'round %d: invdb %.2f s (%d MB peak), sqlite3 %.2f s\n' "$round" "$invdb_s" $((invdb_kb / 1024)) "$sqlite_s" >&2
done

: > "$WORK/check"; : > "$WORK/check-json"; : > "$WORK/check-all"
ROLE_CHECKS="ec2_instance_iam_profile_attached ec2_instance_profile_has_role ec2_instance_role_trusts_ec2"
for round in 1 2 3 4 5; do
    # shellcheck disable=SC2086
    measure "$BIN" check cis-1.18 --db "$WORK/invdb.sqlite" --only $ROLE_CHECKS --output "$WORK/check.txt" | cut -d' ' -f1 >> "$WORK/check"
    measure "$BIN" check cis-1.18 --db "$WORK/invdb.sqlite" --output "$WORK/check-all.txt" | cut -d' ' -f1 >> "$WORK/check-all"
    # shellcheck disable=SC2086
    measure "$BIN" check cis-1.18 --db "$WORK/invdb.sqlite" --only $ROLE_CHECKS --format json --output "$WORK/check.json" | cut -d' ' -f1 >> "$WORK/check-json"
done
results=$("$BIN" query --db "$WORK/invdb.sqlite" --format csv "SELECT 1" >/dev/null; grep -c '' "$WORK/check.txt")

# Credential evidence: user data of 10,000 instances (JSON lines) and their collected files.
HOSTS=${HOSTS:-10000}
TREE="$DATA/hosts-$HOSTS"
if [ ! -s "$TREE/user-data.jsonl" ]; then
    echo "generating user data and host files of $HOSTS instances into $TREE (once)" >&2
    python3 Scripts/perf/gen-host-tree.py "$HOSTS" "$TREE" --seed 1
fi
user_data_mb=$(awk -v b="$(stat -c %s "$TREE/user-data.jsonl")" 'BEGIN { printf "%.1f", b / 1e6 }')
tree_mb=$(find "$TREE/hosts" -type f -printf '%s\n' | awk '{ s += $1 } END { printf "%.1f", s / 1e6 }')
: > "$WORK/userdata"; : > "$WORK/scan"
for round in $(seq "$ROUNDS"); do
    rm -f "$WORK/evidence.sqlite"
    measure "$BIN" import --quiet --db "$WORK/evidence.sqlite" "$TREE/user-data.jsonl" | cut -d' ' -f1 >> "$WORK/userdata"
    measure "$BIN" scan --db "$WORK/evidence.sqlite" "$TREE/hosts" | cut -d' ' -f1 >> "$WORK/scan"
done
userdata_med=$(median < "$WORK/userdata"); scan_med=$(median < "$WORK/scan")

# CloudTrail: a gigabyte of uncompressed JSON as 5-minute gzip log files in the S3 layout
# (Tests/Fixtures/cloudtrail/gen_cloudtrail.py, the fixture's scenario plus noise).
CT="$DATA/cloudtrail"
if [ ! -s "$CT/uncompressed-bytes" ]; then
    echo "generating 1 GB of CloudTrail logs into $CT (once)" >&2
    rm -rf "$CT" && mkdir -p "$CT"
    python3 Tests/Fixtures/cloudtrail/gen_cloudtrail.py generate --out "$CT/sample" --size-mb "${CT_MB:-1024}" --expected "$CT/expected.json" >&2
    find "$CT/sample/s3" -type f -name '*.gz' -print0 | xargs -0 cat | gzip -dc | wc -c > "$CT/uncompressed-bytes"
fi
ct_mb=$(awk -v b="$(cat "$CT/uncompressed-bytes")" 'BEGIN { printf "%.1f", b / 1e6 }')
ct_gz_mb=$(du -sm "$CT/sample/s3" | cut -f1)
: > "$WORK/cloudtrail"; : > "$WORK/cloudtrail-memory"
for round in $(seq "$ROUNDS"); do
    rm -f "$WORK/cloudtrail.sqlite"*
    read -r s k < <(measure "$BIN" import --quiet --db "$WORK/cloudtrail.sqlite" "$CT/sample/s3")
    echo "$s" >> "$WORK/cloudtrail"; echo "$k" >> "$WORK/cloudtrail-memory"
done
ct_med=$(median < "$WORK/cloudtrail"); ct_memory=$(sort -n "$WORK/cloudtrail-memory" | tail -1)

invdb_med=$(median < "$WORK/invdb"); sqlite_med=$(median < "$WORK/sqlite3")
ratio_med=$(median < "$WORK/ratio"); memory_max=$(sort -n "$WORK/memory" | tail -1)
check_med=$(median < "$WORK/check"); check_json_med=$(median < "$WORK/check-json"); check_all_med=$(median < "$WORK/check-all")
rows=$("$BIN" query --db "$WORK/invdb.sqlite" --format csv "SELECT (SELECT count(*) FROM ec2_instances) || ' instances, ' || (SELECT count(*) FROM ec2_instance_tags) || ' tags, ' || (SELECT count(*) FROM ec2_network_interfaces) || ' interfaces'" | tail -1 | tr -d '\r')

cat <<REPORT

invdb performance: $N instances, $size_mb MB describe-instances document ($rows)
  import, invdb                 median $invdb_med s over $ROUNDS rounds
  load, sqlite3 JSON functions  median $sqlite_med s
  ratio invdb / sqlite3         median $ratio_med   (target <= 0.333)
  invdb peak memory             max $((memory_max / 1024)) MB   (target < 256 MB)
  invdb check, role part (3 checks)    median $check_med s over 5 runs, table to a file of $results lines   (target < 0.5 s)
  the same, --format json              median $check_json_med s over 5 runs
  invdb check, all $(ls Queries/cis-1.18/*.sql | wc -l) checks of cis-1.18   median $check_all_med s over 5 runs (no evidence imported: one info row per instance and check)
  user data import ($HOSTS instances, $user_data_mb MB of JSON lines)   median $userdata_med s = $(awk -v m="$user_data_mb" -v t="$userdata_med" 'BEGIN { printf "%.1f", m / t }') MB/s
  invdb scan ($HOSTS instances, $tree_mb MB in $(find "$TREE/hosts" -type f | wc -l) files)   median $scan_med s = $(awk -v m="$tree_mb" -v t="$scan_med" 'BEGIN { printf "%.1f", m / t }') MB/s
  describe-instances import, for comparison                         $(awk -v m="$size_mb" -v t="$invdb_med" 'BEGIN { printf "%.1f", m / t }') MB/s
  CloudTrail import ($ct_mb MB of JSON in $ct_gz_mb MB of gzip files)   median $ct_med s = $(awk -v m="$ct_mb" -v t="$ct_med" 'BEGIN { printf "%.1f", m / t }') MB/s, peak $((ct_memory / 1024)) MB   (target >= 100 MB/s, <= 256 MB)
REPORT
awk -v r="$ratio_med" -v m="$memory_max" -v c="$check_med" -v ct="$(awk -v m="$ct_mb" -v t="$ct_med" 'BEGIN { print m / t }')" -v cm="$ct_memory" 'BEGIN {
    ok = (r <= 0.3334) && (m < 256 * 1024) && (c < 0.5) && (ct >= 100) && (cm <= 256 * 1024)
    print ok ? "all targets met" : "TARGET MISSED"
    exit ok ? 0 : 1 }'
