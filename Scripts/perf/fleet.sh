#!/usr/bin/env bash
# make perf, part 2 (issue 10): invdb at fleet scale, measured side by side in one run.
#
#   1. import: one 100,000-instance document against ten of them (1,000,000 instances) in one
#      run, alternating; the 1M import should cost at most 11 times the 100k one;
#   2. peak memory (GNU time's maximum resident set) of every command at 100k and at 1M
#      (target 256 MB), and `check cis-1.18 --format json --output FILE` at 1M (target 10 s);
#   3. 30 daily reports at 100k with 1% of the instances changing each day: each report against
#      `check --format csv --output FILE` on the same data the same day (target: at most 2x),
#      and the database's growth on a day with no change (target 1 MB); latest.md at 100k and
#      1M (target 200 KB).
#
# The churn is applied with sqlite3 between reports (1% of current instances lose or regain
# their instance profile), so that the series measures the reports, not 30 imports.
#
#   bash Scripts/perf/fleet.sh                  # everything (about 15 minutes the first time)
#   SKIP_1M=1 DAYS=5 bash Scripts/perf/fleet.sh # the 100k part only, 5 days
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-.build/release/invdb}
DATA=bench-data
DAYS=${DAYS:-30}
ROUNDS=${ROUNDS:-3}
SKIP_1M=${SKIP_1M:-0}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/invdb-fleet.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
[ -x "$BIN" ] || { echo "build first: make build" >&2; exit 1; }
mkdir -p "$DATA/1m"
DOC="$DATA/di-100000.json"; IAM="$DATA/iam-100000.json"
if [ ! -s "$DOC" ] || [ ! -s "$IAM" ]; then
    python3 Scripts/perf/gen-describe-instances.py 100000 "$DOC" --seed 1 --iam-out "$IAM"
fi
MILLION=("$DOC")
if [ "$SKIP_1M" = 0 ]; then
    for seed in 2 3 4 5 6 7 8 9 10; do
        file="$DATA/1m/di-100000-s$seed.json"
        [ -s "$file" ] || { echo "generating $file (once)" >&2; python3 Scripts/perf/gen-describe-instances.py 100000 "$file" --seed "$seed"; }
        MILLION+=("$file")
    done
fi

# "seconds peak-KB" of one command (exit 1, findings, is fine), dirty pages flushed first.
measure() {
    sync
    local status=0
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/stderr" || status=$?
    if [ "$status" -gt 1 ]; then cat "$WORK/stderr" >&2; echo "failed: $*" >&2; return 1; fi
    tail -1 "$WORK/time"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }
size() { local total=0; for f in "$@"; do [ -e "$f" ] && total=$((total + $(stat -c %s "$f"))); done; echo "$total"; }
PEAKS="$WORK/peaks"; : > "$PEAKS"
peak() { echo "$1 $(mb "$2")" >> "$PEAKS"; }

# 1. Imports, alternating 100k and 1M.
: > "$WORK/i100"; : > "$WORK/i1m"
for round in $(seq "$ROUNDS"); do
    rm -f "$WORK/100k.sqlite"*
    read -r s k < <(measure "$BIN" import --quiet --db "$WORK/100k.sqlite" "$DOC" "$IAM")
    echo "$s" >> "$WORK/i100"; peak "import-100k" "$k"
    if [ "$SKIP_1M" = 0 ] && [ "$round" -le "${ROUNDS_1M:-1}" ]; then
        rm -f "$WORK/1m.sqlite"*
        read -r s k < <(measure "$BIN" import --quiet --db "$WORK/1m.sqlite" "${MILLION[@]}" "$IAM")
        echo "$s" >> "$WORK/i1m"; peak "import-1m" "$k"
    fi
    echo "round $round done" >&2
done
i100=$(median < "$WORK/i100")

# 2. Every command's peak memory, and check at 1M.
commands() {  # name db
    local name=$1 db=$2 out="$WORK/out-$1"
    mkdir -p "$out"
    for format in table json csv; do
        read -r s k < <(measure "$BIN" check cis-1.18 --db "$db" --format "$format" --output "$out/check.$format"); peak "check-$format-$name" "$k"
        echo "$s" >> "$WORK/check-$format-$name"
    done
    read -r s k < <(measure env INVDB_NOW=2026-11-01T06:00:00Z "$BIN" report --db "$db" --out "$out/reports"); peak "report-first-$name" "$k"
    echo "$s" > "$WORK/report-first-$name"
    read -r s k < <(measure env INVDB_NOW=2026-11-02T06:00:00Z "$BIN" report --db "$db" --out "$out/reports"); peak "report-next-$name" "$k"
    echo "$s" > "$WORK/report-next-$name"
    stat -c %s "$out/reports/latest.md" > "$WORK/latest-$name"
    read -r _ k < <(measure "$BIN" diff 1 2 --db "$db" --output "$out/diff.txt"); peak "diff-$name" "$k"
    read -r _ k < <(measure "$BIN" runs --db "$db"); peak "runs-$name" "$k"
    read -r _ k < <(measure "$BIN" tables --counts --db "$db"); peak "tables-$name" "$k"
    read -r _ k < <(measure "$BIN" query --db "$db" --format csv --output "$out/query.csv" "SELECT instance_id, account_id, region, state, name FROM ec2_instances WHERE is_current = 1"); peak "query-$name" "$k"
}
commands 100k "$WORK/100k.sqlite"
if [ "$SKIP_1M" = 0 ]; then
    commands 1m "$WORK/1m.sqlite"
    # The eight checks cis-1.18 had when the 10 s target was set (issue 10), before the three
    # CloudTrail checks (issue 11) added three rows per instance.
    ISSUE10_CHECKS=(ec2_instance_iam_profile_attached ec2_instance_profile_has_role ec2_instance_role_trusts_ec2
        ec2_instance_user_data_no_credentials ec2_instance_scripts_no_credentials ec2_instance_applications_no_credentials
        ec2_instance_host_scanned iam_found_access_key_inactive)
    : > "$WORK/check-json-1m-8"
    for _ in 1 2 3; do
        read -r s _ < <(measure "$BIN" check cis-1.18 --db "$WORK/1m.sqlite" --format json --output "$WORK/out-1m/check.json")
        echo "$s" >> "$WORK/check-json-1m"
        read -r s _ < <(measure "$BIN" check cis-1.18 --db "$WORK/1m.sqlite" "${ISSUE10_CHECKS[@]/#/--only=}" --format json --output "$WORK/out-1m/check8.json")
        echo "$s" >> "$WORK/check-json-1m-8"
    done
fi

# 3. Daily reports at 100k with churn.
DB="$WORK/100k.sqlite"
: > "$WORK/ratios"; : > "$WORK/daily-report"; : > "$WORK/daily-check"; : > "$WORK/growth"
for day in $(seq "$DAYS"); do
    sqlite3 "$DB" "UPDATE ec2_instances SET iam_instance_profile_arn = CASE WHEN iam_instance_profile_arn IS NULL
        THEN 'arn:aws:iam::123456789012:instance-profile/churned' END WHERE is_current = 1 AND rowid % 100 = $((day % 100))"
    read -r c _ < <(measure "$BIN" check cis-1.18 --db "$DB" --format csv --output "$WORK/day.csv")
    before=$(size "$DB" "$DB-wal")
    stamp=$(printf '2026-12-%02dT06:00:00Z' "$day")
    read -r r k < <(measure env INVDB_NOW="$stamp" "$BIN" report --db "$DB" --out "$WORK/daily"); peak "report-daily-100k" "$k"
    echo "$c" >> "$WORK/daily-check"; echo "$r" >> "$WORK/daily-report"
    awk -v r="$r" -v c="$c" 'BEGIN { printf "%.2f\n", r / c }' >> "$WORK/ratios"
    echo $(( $(size "$DB" "$DB-wal") - before )) >> "$WORK/growth"
done
# A day without change.
before=$(size "$DB" "$DB-wal")
measure env INVDB_NOW=2027-01-15T06:00:00Z "$BIN" report --db "$DB" --out "$WORK/daily" > /dev/null
unchanged=$(( $(size "$DB" "$DB-wal") - before ))
runs=$(sqlite3 "$DB" "SELECT count(*) FROM runs"); intervals=$(sqlite3 "$DB" "SELECT count(*) FROM result_history")

max_peak=$(sort -k2 -n "$PEAKS" | tail -1)
cat <<REPORT

invdb fleet performance ($(date -u +%Y-%m-%d), $(nproc) cores)
  import 100k (document + IAM)      median $i100 s over $ROUNDS rounds
REPORT
if [ "$SKIP_1M" = 0 ]; then
    i1m=$(median < "$WORK/i1m")
    cat <<REPORT
  import 1M (ten documents, one run) median $i1m s = $(awk -v a="$i1m" -v b="$i100" 'BEGIN { printf "%.1f", a / b }') x the 100k import   (target <= 11)
  check, all checks, JSON to a file, 1M   median $(median < "$WORK/check-json-1m") s   (target <= 10 s)
    the 8 checks of issue 10 only          median $(median < "$WORK/check-json-1m-8") s
  check table / csv to a file, 1M         $(cat "$WORK/check-table-1m") s / $(cat "$WORK/check-csv-1m") s
  report at 1M: first $(cat "$WORK/report-first-1m") s, next day $(cat "$WORK/report-next-1m") s; latest.md $(cat "$WORK/latest-1m") bytes   (target <= 200 KB)
REPORT
fi
cat <<REPORT
  check at 100k: table $(cat "$WORK/check-table-100k") s, JSON $(cat "$WORK/check-json-100k") s, CSV $(cat "$WORK/check-csv-100k") s
  report at 100k: first $(cat "$WORK/report-first-100k") s, next day $(cat "$WORK/report-next-100k") s; latest.md $(cat "$WORK/latest-100k") bytes   (target <= 200 KB)
  $DAYS daily reports, 1% churn: report / check (CSV to a file) median $(median < "$WORK/ratios"), max $(sort -g "$WORK/ratios" | tail -1)   (target <= 2)
    report median $(median < "$WORK/daily-report") s, check median $(median < "$WORK/daily-check") s
    database growth per day median $(median < "$WORK/growth") bytes; on a day without change $unchanged bytes   (target <= 1 MB)
    after $runs runs: $intervals history intervals
  peak memory by command (MB):
$(sort "$PEAKS" | awk '{ if (!($1 in m) || $2 > m[$1]) m[$1] = $2 } END { for (k in m) printf "    %-22s %s\n", k, m[k] }' | sort)
  largest peak: $max_peak MB   (target <= 256)
REPORT
