#!/usr/bin/env bash
# Runs the secret scanners that install from PyPI over hosts/ and keeps their reports in
# scanner-reports/, then writes the two hand-made reports (gitleaks, trufflehog v3) whose tools are
# not installable here. Run by make-all.sh; can be run alone once hosts/ exists.
#
#   bash Tests/Fixtures/credentials/make-scanner-reports.sh
#
# The scanners go into their own virtualenv (SCANNER_VENV, default ~/.cache/invdb-scanners), pinned:
#   detect-secrets 1.5.0, truffleHog 2.2.1 (the 2.x PyPI package), kingfisher-bin 2.14.0.
# Nothing is validated online: Kingfisher runs with --no-validate --no-update-check, trufflehog 2.x
# only reads a local git repository (file://), detect-secrets never calls out.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../../.." && pwd)"
die() { echo "make-scanner-reports: $*" >&2; exit 1; }
[[ -d "$HERE/hosts" ]] || die "no hosts/ yet: run make-all.sh"
VENV="${SCANNER_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/invdb-scanners}"
if [[ ! -x "$VENV/bin/detect-secrets" || ! -x "$VENV/bin/trufflehog" || ! -x "$VENV/bin/kingfisher" ]]; then
  echo "installing the scanners into $VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q 'detect-secrets==1.5.0' 'truffleHog==2.2.1' 'kingfisher-bin==2.14.0'
fi
OUT="$HERE/scanner-reports"
rm -f "$OUT/detect-secrets-baseline.json" "$OUT/trufflehog2.jsonl" "$OUT/kingfisher.json" \
      "$OUT/gitleaks.json" "$OUT/trufflehog3.jsonl"
mkdir -p "$OUT"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

echo "detect-secrets $("$VENV/bin/detect-secrets" --version)"
# Run from this folder so that paths in the baseline are hosts/i-…/…
(cd "$HERE" && "$VENV/bin/detect-secrets" scan --all-files hosts) >"$OUT/detect-secrets-baseline.json"

echo "truffleHog 2.x (git repository copy of hosts/, one commit with a fixed date)"
mkdir -p "$TMP/repo"
cp -a "$HERE/hosts" "$TMP/repo/hosts"
(
  cd "$TMP/repo"
  export GIT_AUTHOR_NAME="invdb fixtures" GIT_AUTHOR_EMAIL="fixtures@invdb.invalid" \
         GIT_COMMITTER_NAME="invdb fixtures" GIT_COMMITTER_EMAIL="fixtures@invdb.invalid" \
         GIT_AUTHOR_DATE="2026-01-15T09:00:00+00:00" GIT_COMMITTER_DATE="2026-01-15T09:00:00+00:00"
  git -c init.defaultBranch=main init -q .
  git add -A
  git -c commit.gpgsign=false commit -q -m "files collected from instances"
)
# trufflehog 2.x exits 1 when it found something.
TZ=UTC "$VENV/bin/trufflehog" --json --regex --entropy=False "file://$TMP/repo" >"$OUT/trufflehog2.jsonl" || true
[[ -s "$OUT/trufflehog2.jsonl" ]] || die "trufflehog 2.x printed nothing"

echo "$("$VENV/bin/kingfisher" --version)"
# Kingfisher exits 200 when it found something (205 for validated findings).
(cd "$HERE" && "$VENV/bin/kingfisher" scan hosts --format json --no-validate --no-update-check \
   --output scanner-reports/kingfisher.json --quiet) || rc=$?
[[ -s "$OUT/kingfisher.json" ]] || die "kingfisher wrote nothing (exit ${rc:-0})"

echo "hand-written gitleaks and trufflehog v3 reports"
python3 "$HERE/gen_fixtures.py" handwritten
for f in "$OUT"/*; do echo "  wrote ${f#"$REPO/"}"; done
