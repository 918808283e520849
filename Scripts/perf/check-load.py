#!/usr/bin/env python3
"""Check that a database holds exactly one describe-instances file's EC2 rows.

Usage:
    Scripts/perf/check-load.py DESCRIBE.json DB.sqlite

Counts the instances, tags, network interfaces, interface IPs (IPv4 + IPv6) and security
groups in the JSON file and compares them with the row counts of the five ec2_* tables;
checks raw_json is each instance minified; and checks the five tables' columns, STRICT and
indexes match Schema/0001_inventory.sql. Meant for a database filled from that one file
(by sqlite3-load.sh or `invdb import`). Loads the whole JSON into memory: fine for small N,
takes a few GB at N=100000. Exits 1 on any mismatch.
"""
import json
import pathlib
import sqlite3
import sys

SCHEMA = pathlib.Path(__file__).resolve().parents[2] / "Schema" / "0001_inventory.sql"


def shape(db, table):
    columns = db.execute(f"PRAGMA table_xinfo({table})").fetchall()
    indexes = sorted((name, tuple(c[2] for c in db.execute(f"PRAGMA index_info({name})")))
                     for _, name, *_ in db.execute(f"PRAGMA index_list({table})"))
    strict = db.execute("SELECT strict FROM pragma_table_list WHERE name = ?", (table,)).fetchone()
    return columns, indexes, strict


def main():
    doc_path, db_path = sys.argv[1:3]
    doc = json.load(open(doc_path))
    instances = [i for r in doc["Reservations"] for i in r["Instances"]]
    enis = [e for i in instances for e in i.get("NetworkInterfaces", [])]
    want = {
        "ec2_instances": len(instances),
        "ec2_instance_tags": sum(len(i.get("Tags", [])) for i in instances),
        "ec2_network_interfaces": len(enis),
        "ec2_network_interface_ips": sum(len(e.get("PrivateIpAddresses", []))
                                         + len(e.get("Ipv6Addresses", [])) for e in enis),
        "ec2_instance_security_groups": sum(len(i.get("SecurityGroups", [])) for i in instances),
    }
    db = sqlite3.connect(db_path)
    reference = sqlite3.connect(":memory:")
    reference.executescript(SCHEMA.read_text())
    ok = True
    for table, count in want.items():
        got = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        same_shape = shape(db, table) == shape(reference, table)
        ok &= got == count and same_shape
        print(f"{table:30} expected {count:8} rows, has {got:8}"
              f"{'' if got == count else '  MISMATCH'}{'' if same_shape else '  SCHEMA DIFFERS'}")
    raw = dict(db.execute("SELECT instance_id, raw_json FROM ec2_instances"))
    bad = [i["InstanceId"] for i in instances
           if raw.get(i["InstanceId"]) != json.dumps(i, separators=(",", ":"), ensure_ascii=False)]
    print(f"raw_json differs from the minified instance for {len(bad)} instances", bad[:3])
    ok &= not bad
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
