#!/usr/bin/env bash
# Installs the Debian packages invdb needs: libsqlite3-dev (GRDB links the system SQLite) and
# sqlite3 (the tests run every saved check in the sqlite3 shell; the benchmark compares with it),
# zlib1g-dev (gzip-compressed user data), libyaml-dev (#cloud-config user data, read with a budget).
set -euo pipefail
missing=()
for package in libsqlite3-dev sqlite3 zlib1g-dev libyaml-dev; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
