#!/usr/bin/env bash
# Installs what invdb's build and tests need. Debian packages: libsqlite3-dev (GRDB links the
# system SQLite), sqlite3 (the tests run every saved check in the sqlite3 shell; the benchmark
# compares with it), zlib1g-dev (gzip-compressed user data), libyaml-dev (#cloud-config user data,
# read with a budget). From PyPI, when missing: the AWS CLI and moto's server, which the export
# script's test runs against on loopback.
set -euo pipefail
missing=()
for package in libsqlite3-dev sqlite3 zlib1g-dev libyaml-dev; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
python_missing=()
command -v aws >/dev/null 2>&1 || python_missing+=("awscli")
command -v moto_server >/dev/null 2>&1 || python_missing+=("moto[server]")
if [ ${#python_missing[@]} -gt 0 ]; then
    echo "installing ${python_missing[*]} from PyPI" >&2
    python3 -m pip install --quiet "${python_missing[@]}"
fi
