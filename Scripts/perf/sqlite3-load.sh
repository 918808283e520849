#!/bin/sh
# sqlite3-load.sh DB FILE: load an `aws ec2 describe-instances` JSON FILE into a new SQLite
# database DB with the sqlite3 shell alone, by running sqlite3-load.sql (see its header).
# It is the baseline for benchmarking `invdb import`; time it with e.g.
#     /usr/bin/time -v Scripts/perf/sqlite3-load.sh /tmp/base.sqlite bench-data/di-100k.json
set -eu
if [ $# -ne 2 ]; then
    echo "usage: $0 DB FILE" >&2
    exit 2
fi
if [ -e "$1" ]; then
    echo "$0: $1 already exists; give a new database path" >&2
    exit 1
fi
[ -r "$2" ] || { echo "$0: cannot read $2" >&2; exit 1; }
# Bind :file with plain SQL, so any path works (quotes doubled for the SQL literal).
file_sql=$(printf '%s' "$2" | sed "s/'/''/g")
exec sqlite3 -bail "$1" \
    -cmd ".parameter init" \
    -cmd "INSERT INTO temp.sqlite_parameters(key, value) VALUES (':file', '$file_sql');" \
    < "$(dirname "$0")/sqlite3-load.sql"
