#!/usr/bin/env python3
"""CloudTrail + EC2 network fixtures for "which instance used this key?" (CIS AWS 1.18).

Python 3 standard library only. Deterministic: the same scenario and --seed give byte-identical
files (gzip headers carry no name and mtime 0). Nothing here talks to AWS or to any network.
Every address is from a reserved range (RFC 5737 TEST-NETs, RFC 2544 198.18.0.0/15, RFC 3849
2001:db8::/32, RFC 1918 private); every key id is FAKE (AKIA/ASIA + 16 base32 characters made
from a hash; they decode to the scenario's account the way real key ids do).

Subcommands
  scenario                     print the default scenario (scenario.json is this output)
  generate [--scenario F] [--out DIR] [--seed N] [--size-mb N] [--v2-offset +HH:MM]
                               write the EC2 describe-* files, two describe-instances snapshots,
                               CloudTrail log files in S3 layout (+ one uncompressed file, one
                               digest file, one duplicate record), lookup-events pages (AWS CLI v1
                               and v2 forms) and expected.json (beside --out unless --expected)
  verify [--out DIR] [--expected F]
                               re-read everything written, check shapes, and recompute every
                               conclusion of expected.json with an independent reference resolver

  --size-mb N  benchmark mode: about N MB of uncompressed log JSON (5-minute delivery files),
               same noise (pre-serialised templates, not json.dumps per event) and the same
               signal events, so expected.json still holds. No lookup pages in this mode.

Run from anywhere:  python3 gen_cloudtrail.py generate --out sample
"""
import argparse
import base64
import bisect
import collections
import datetime as dt
import gzip
import hashlib
import heapq
import ipaddress
import json
import os
import random
import re
import shutil
import sys
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ID_SEED = "invdb-cloudtrail-fixtures"
B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
UTC = dt.timezone.utc


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------

def h(*parts):
    return hashlib.sha256(":".join((ID_SEED,) + tuple(str(p) for p in parts)).encode()).digest()


def hexid(prefix, name, n=17):
    return prefix + h("id", prefix, name).hex()[:n]


def b32id(prefix, name, n=17):
    return prefix + base64.b32encode(h("b32", prefix, name)).decode()[:n]


def key_id(prefix, account, name):
    """AKIA/ASIA + 16 base32 chars whose first 6 bytes encode the account as real ids do:
    account = (int(bytes[0:6]) & 0x7fffffffff80) >> 7."""
    d = h("key", prefix, account, name)
    z = (int(account) << 7) | (d[0] & 0x7F) | ((d[1] & 1) << 47)
    raw = z.to_bytes(6, "big") + d[2:6]
    return prefix + base64.b32encode(raw).decode()


def key_account(kid):
    raw = base64.b32decode(kid[4:])
    return "%012d" % ((int.from_bytes(raw[:6], "big") & 0x7FFFFFFFFF80) >> 7)


def parse_time(s):
    s = s.strip()
    if s.endswith("Z"):
        s = s[:-1] + "+00:00"
    t = dt.datetime.fromisoformat(s)
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return t.astimezone(UTC)


def iso(t):
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def ec2_time(t):  # what awscli v1 prints for EC2 timestamps (the wire value)
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def epoch(t):
    return int(t.timestamp())


def dumps_compact(o):
    return json.dumps(o, separators=(",", ":"), ensure_ascii=False)


def dumps_cli(o):  # awscli 1.x: json.dumps(indent=4, ensure_ascii=False), then a newline
    return json.dumps(o, indent=4, ensure_ascii=False) + "\n"


def write_bytes(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def gz(data, level=6):
    return gzip.compress(data, compresslevel=level, mtime=0)


def uuid_from(rng):
    x = "%032x" % rng.getrandbits(128)
    return "%s-%s-4%s-%s%s-%s" % (x[:8], x[8:12], x[13:16], "89ab"[int(x[16], 16) & 3], x[17:20], x[20:])


def dns_private(ip, region):
    return "ip-%s.%s" % (ip.replace(".", "-"), "ec2.internal" if region == "us-east-1" else region + ".compute.internal")


def dns_public(ip, region):
    if region == "us-east-1":
        return "ec2-%s.compute-1.amazonaws.com" % ip.replace(".", "-")
    return "ec2-%s.%s.compute.amazonaws.com" % (ip.replace(".", "-"), region)


def mac(name):
    d = h("mac", name)
    return "0a:" + ":".join("%02x" % b for b in d[:5])


# --------------------------------------------------------------------------------------------
# default scenario
# --------------------------------------------------------------------------------------------

def default_scenario():
    acct, region = "111122223333", "us-east-1"
    vpc_a, vpc_b = hexid("vpc-", "prod"), hexid("vpc-", "legacy")
    igw = hexid("igw-", "prod")
    sn = {n: hexid("subnet-", n) for n in ("public-a", "isolated-a", "app-a", "app-b", "app-c", "legacy-a")}
    rtb = {n: hexid("rtb-", n) for n in ("main", "public", "nat1", "nat2", "isolated", "legacy-main")}
    nat1, nat2 = hexid("nat-", "nat-1"), hexid("nat-", "nat-2")
    vpce_sts, vpce_s3 = hexid("vpce-", "sts"), hexid("vpce-", "s3")

    def inst(name, subnet, vpc, ip, role=None, public_ip=None, eip=None, state="running", itype="t3.micro"):
        return {"id": hexid("i-", name), "name": name, "vpc": vpc, "subnet": sn[subnet], "private_ip": ip,
                "eni": hexid("eni-", name), "public_ip": public_ip, "elastic_ip": eip,
                "role": role, "profile": (role.replace("-role", "-profile") if role else None),
                "state": state, "instance_type": itype}

    eips = [
        {"name": "batch-eip", "allocation_id": hexid("eipalloc-", "batch-eip"), "public_ip": "198.51.100.20",
         "holders": [{"from": "2026-03-01T00:00:00Z", "instance": hexid("i-", "batch-1")}]},
        {"name": "moving-eip", "allocation_id": hexid("eipalloc-", "moving-eip"), "public_ip": "198.51.100.77",
         "holders": [{"from": "2026-03-01T00:00:00Z", "instance": hexid("i-", "web-2")},
                     {"from": "2026-03-02T18:00:00Z", "instance": hexid("i-", "web-3")}]},
        {"name": "spare-eip", "allocation_id": hexid("eipalloc-", "spare-eip"), "public_ip": "198.51.100.99",
         "holders": []},
    ]
    instances = [
        inst("web-1", "public-a", vpc_a, "10.10.0.10", role="web-role", public_ip="203.0.113.10"),
        inst("web-2", "public-a", vpc_a, "10.10.0.11", role="web-role", eip="moving-eip"),
        inst("web-3", "public-a", vpc_a, "10.10.0.12", role="web-role", eip="moving-eip"),
        inst("batch-1", "public-a", vpc_a, "10.10.0.20", eip="batch-eip", itype="c6i.large"),
        inst("worker-1", "isolated-a", vpc_a, "10.10.2.15"),
        inst("app-1", "app-a", vpc_a, "10.10.3.21", role="app-role"),
        inst("etl-1", "app-b", vpc_a, "10.10.4.31"),
        inst("etl-2", "app-b", vpc_a, "10.10.4.32"),
        inst("etl-3", "app-c", vpc_a, "10.10.5.33"),
        inst("etl-4", "app-c", vpc_a, "10.10.5.34", state="stopped"),
        inst("legacy-db", "legacy-a", vpc_b, "10.10.2.15", itype="r6i.large"),
    ]
    iid = {i["name"]: i["id"] for i in instances}
    users = [
        {"name": n, "user_id": b32id("AIDA", n), "access_key_id": key_id("AKIA", acct, n), "human": hu}
        for n, hu in (("deploy-bot", False), ("backup-agent", False), ("ci-runner", False), ("reporting", False),
                      ("etl-loader", False), ("ops-script", False), ("alice", True), ("bob", True))]
    uk = {u["name"]: u["access_key_id"] for u in users}
    web1_session = key_id("ASIA", acct, "web-1-session-1")
    return {
        "_comment": "Default scenario of gen_cloudtrail.py (printed by `gen_cloudtrail.py scenario`). All ids, "
                    "keys and addresses are fake; public addresses are RFC 5737 documentation ranges.",
        "account": acct, "region": region,
        "organization": {"id": "o-exampleorgid", "member_account": "444455556666"},
        "trail": {"name": "org-trail", "bucket": "example-cloudtrail-logs", "home_region": region},
        "window": {"start": "2026-03-02T00:00:00Z", "end": "2026-03-04T00:00:00Z"},
        "snapshots": [{"name": "snapshot-1", "time": "2026-03-02T06:00:00Z"},
                      {"name": "snapshot-2", "time": "2026-03-03T06:00:00Z"}],
        "network_snapshot": "snapshot-2",
        "delivery_minutes": 60,
        "noise_events": 3000,
        "lookup": {"start": "2026-03-03T08:00:00Z", "end": "2026-03-03T10:00:00Z", "max_items": 50},
        "vpcs": [{"id": vpc_a, "name": "prod", "cidr": "10.10.0.0/16"},
                 {"id": vpc_b, "name": "legacy", "cidr": "10.10.0.0/16",
                  "_comment": "overlaps prod on purpose: private addresses are only unique inside one VPC"}],
        "internet_gateways": [{"id": igw, "vpc": vpc_a}],
        "subnets": [
            {"id": sn["public-a"], "name": "public-a", "vpc": vpc_a, "cidr": "10.10.0.0/24", "az": "us-east-1a", "map_public_ip": True},
            {"id": sn["isolated-a"], "name": "isolated-a", "vpc": vpc_a, "cidr": "10.10.2.0/24", "az": "us-east-1a"},
            {"id": sn["app-a"], "name": "app-a", "vpc": vpc_a, "cidr": "10.10.3.0/24", "az": "us-east-1a"},
            {"id": sn["app-b"], "name": "app-b", "vpc": vpc_a, "cidr": "10.10.4.0/24", "az": "us-east-1b",
             "_comment": "no explicit route table association: uses the VPC's main table (routes via nat-2)"},
            {"id": sn["app-c"], "name": "app-c", "vpc": vpc_a, "cidr": "10.10.5.0/24", "az": "us-east-1b"},
            {"id": sn["legacy-a"], "name": "legacy-a", "vpc": vpc_b, "cidr": "10.10.2.0/24", "az": "us-east-1c"},
        ],
        "route_tables": [
            {"id": rtb["main"], "name": "prod-main", "vpc": vpc_a, "main": True, "subnets": [],
             "routes": [{"destination": "0.0.0.0/0", "nat_gateway": nat2}]},
            {"id": rtb["public"], "name": "public", "vpc": vpc_a, "main": False, "subnets": [sn["public-a"]],
             "routes": [{"destination": "0.0.0.0/0", "gateway": igw}]},
            {"id": rtb["nat1"], "name": "via-nat-1", "vpc": vpc_a, "main": False, "subnets": [sn["app-a"]],
             "routes": [{"destination": "0.0.0.0/0", "nat_gateway": nat1}, {"prefix_list": "pl-63a5400a", "gateway": vpce_s3}]},
            {"id": rtb["nat2"], "name": "via-nat-2", "vpc": vpc_a, "main": False, "subnets": [sn["app-c"]],
             "routes": [{"destination": "0.0.0.0/0", "nat_gateway": nat2}]},
            {"id": rtb["isolated"], "name": "isolated", "vpc": vpc_a, "main": False, "subnets": [sn["isolated-a"]],
             "routes": []},
            {"id": rtb["legacy-main"], "name": "legacy-main", "vpc": vpc_b, "main": True, "subnets": [], "routes": []},
        ],
        "nat_gateways": [
            {"id": nat1, "name": "nat-1", "subnet": sn["public-a"], "vpc": vpc_a, "public_ip": "198.51.100.31",
             "private_ip": "10.10.0.5", "allocation_id": hexid("eipalloc-", "nat-1"), "eni": hexid("eni-", "nat-1")},
            {"id": nat2, "name": "nat-2", "subnet": sn["public-a"], "vpc": vpc_a, "public_ip": "198.51.100.32",
             "private_ip": "10.10.0.6", "allocation_id": hexid("eipalloc-", "nat-2"), "eni": hexid("eni-", "nat-2")},
        ],
        "vpc_endpoints": [
            {"id": vpce_sts, "type": "Interface", "service": "com.amazonaws.us-east-1.sts", "vpc": vpc_a,
             "subnets": [sn["isolated-a"]], "route_tables": [],
             "enis": [{"id": hexid("eni-", "vpce-sts"), "subnet": sn["isolated-a"], "private_ip": "10.10.2.100"}]},
            {"id": vpce_s3, "type": "Gateway", "service": "com.amazonaws.us-east-1.s3", "vpc": vpc_a,
             "subnets": [], "route_tables": [rtb["nat1"]], "enis": []},
        ],
        "elastic_ips": eips,
        "instances": instances,
        "roles": [{"name": r, "role_id": b32id("AROA", r)} for r in ("web-role", "app-role")],
        "iam_users": users,
        "signals": [
            {"scenario": 1, "name": "public-ip", "kind": "access-key", "user": "deploy-bot",
             "address": "203.0.113.10", "calls": 6, "errors": 1,
             "start": "2026-03-02T07:10:00Z", "end": "2026-03-02T21:40:00Z", "duplicate_one": True,
             "expect": {"instance": iid["web-1"], "via": "public", "candidates": [iid["web-1"]]}},
            {"scenario": 2, "name": "elastic-ip", "kind": "access-key", "user": "backup-agent",
             "address": "198.51.100.20", "calls": 5, "errors": 0,
             "start": "2026-03-02T09:00:00Z", "end": "2026-03-03T03:00:00Z", "uncompressed_first": True,
             "expect": {"instance": iid["batch-1"], "via": "elastic", "candidates": [iid["batch-1"]]}},
            {"scenario": 3, "name": "vpc-endpoint", "kind": "access-key", "user": "ci-runner",
             "address": "10.10.2.15", "vpc_endpoint": vpce_sts, "calls": 4, "errors": 0,
             "start": "2026-03-02T10:00:00Z", "end": "2026-03-03T14:00:00Z",
             "expect": {"instance": iid["worker-1"], "via": "vpc-endpoint", "candidates": [iid["worker-1"]],
                        "not": [iid["legacy-db"]]}},
            {"scenario": 4, "name": "nat-one-instance", "kind": "access-key", "user": "reporting",
             "address": "198.51.100.31", "calls": 7, "errors": 2,
             "start": "2026-03-02T08:00:00Z", "end": "2026-03-03T20:00:00Z",
             "expect": {"instance": iid["app-1"], "via": "nat", "nat_gateway": nat1, "candidates": [iid["app-1"]]}},
            {"scenario": 5, "name": "nat-several-instances", "kind": "access-key", "user": "etl-loader",
             "address": "198.51.100.32", "calls": 9, "errors": 0,
             "start": "2026-03-02T12:00:00Z", "end": "2026-03-03T18:00:00Z",
             "expect": {"instance": None, "via": "nat", "nat_gateway": nat2,
                        "candidates": [iid["etl-1"], iid["etl-2"], iid["etl-3"]],
                        "excluded": {iid["etl-4"]: "stopped in every snapshot"}}},
            {"scenario": 6, "name": "moved-address-before", "kind": "access-key", "user": "ops-script",
             "address": "198.51.100.77", "calls": 3, "errors": 0,
             "start": "2026-03-02T07:00:00Z", "end": "2026-03-02T12:00:00Z",
             "expect": {"instance": iid["web-2"], "via": "elastic", "candidates": [iid["web-2"]],
                        "snapshot": "snapshot-1"}},
            {"scenario": 6, "name": "moved-address-after", "kind": "access-key", "user": "ops-script",
             "address": "198.51.100.77", "calls": 4, "errors": 0,
             "start": "2026-03-03T07:00:00Z", "end": "2026-03-03T22:00:00Z",
             "expect": {"instance": iid["web-3"], "via": "elastic", "candidates": [iid["web-3"]],
                        "snapshot": "snapshot-2"}},
            {"scenario": 7, "name": "role-session-own-instance", "kind": "role-session", "instance": iid["web-1"],
             "role": "web-role", "session_key": web1_session, "address": "203.0.113.10", "calls": 8, "errors": 0,
             "issued": "2026-03-03T07:55:00Z", "start": "2026-03-03T08:05:00Z", "end": "2026-03-03T09:20:00Z",
             "expect": {"verdict": "ok", "instance": iid["web-1"], "via": "public", "candidates": [iid["web-1"]]}},
            {"scenario": 8, "name": "role-session-stolen", "kind": "role-session", "instance": iid["web-1"],
             "role": "web-role", "session_key": web1_session, "address": "192.0.2.66", "calls": 5, "errors": 2,
             "start": "2026-03-03T08:40:00Z", "end": "2026-03-03T09:50:00Z",
             "expect": {"verdict": "stolen", "instance": iid["web-1"], "via": None, "candidates": []}},
        ],
        "decoys": {
            "office_addresses": ["198.18.7.10", "198.18.7.11", "2001:db8:4d2::10"],
            "deploy_bot_from_office": 2,
        },
    }


# --------------------------------------------------------------------------------------------
# network model (describe-* documents)
# --------------------------------------------------------------------------------------------

class Model:
    def __init__(self, sc):
        self.sc = sc
        self.acct = sc["account"]
        self.region = sc["region"]
        self.snapshots = [(s["name"], parse_time(s["time"])) for s in sc["snapshots"]]
        self.inst = {i["id"]: i for i in sc["instances"]}
        self.inst_by_name = {i["name"]: i for i in sc["instances"]}
        self.eips = {e["name"]: e for e in sc["elastic_ips"]}
        self.subnet = {s["id"]: s for s in sc["subnets"]}
        self.users = {u["name"]: u for u in sc["iam_users"]}
        self.roles = {r["name"]: r for r in sc["roles"]}
        self.nat = {n["id"]: n for n in sc["nat_gateways"]}

    def snap_time(self, name):
        return dict(self.snapshots)[name]

    def eip_holder(self, eip, t):
        holder = None
        for x in eip["holders"]:
            if parse_time(x["from"]) <= t:
                holder = x["instance"]
        return holder

    def instance_eip(self, inst, t):
        name = inst.get("elastic_ip")
        if not name:
            return None
        e = self.eips[name]
        return e if self.eip_holder(e, t) == inst["id"] else None

    def state(self, inst):
        return inst["state"]

    # -- describe-instances ------------------------------------------------------------------
    def describe_instances(self, snap_name):
        t = self.snap_time(snap_name)
        reservations = []
        for inst in self.sc["instances"]:
            reservations.append({
                "Groups": [],
                "Instances": [self._instance(inst, t)],
                "OwnerId": self.acct,
                "ReservationId": hexid("r-", inst["name"]),
            })
        return {"Reservations": reservations}

    def _instance(self, inst, t):
        sub = self.subnet[inst["subnet"]]
        running = self.state(inst) == "running"
        eip = self.instance_eip(inst, t)
        pub = None
        owner = None
        if running and eip:
            pub, owner = eip["public_ip"], self.acct
        elif running and inst.get("public_ip"):
            pub, owner = inst["public_ip"], "amazon"
        launch = parse_time("2026-02-20T09:00:00Z") + dt.timedelta(minutes=7 * len(inst["name"]))
        assoc = ({"IpOwnerId": owner, "PublicDnsName": dns_public(pub, self.region), "PublicIp": pub} if pub else None)
        eni = {
            "Attachment": {"AttachTime": ec2_time(launch), "AttachmentId": hexid("eni-attach-", inst["name"]),
                           "DeleteOnTermination": True, "DeviceIndex": 0, "Status": "attached", "NetworkCardIndex": 0},
            "Description": "",
            "Groups": [{"GroupName": "default", "GroupId": hexid("sg-", inst["vpc"])}],
            "Ipv6Addresses": [],
            "MacAddress": mac(inst["eni"]),
            "NetworkInterfaceId": inst["eni"],
            "OwnerId": self.acct,
            "PrivateDnsName": dns_private(inst["private_ip"], self.region),
            "PrivateIpAddress": inst["private_ip"],
            "PrivateIpAddresses": [{"Primary": True, "PrivateDnsName": dns_private(inst["private_ip"], self.region),
                                    "PrivateIpAddress": inst["private_ip"]}],
            "SourceDestCheck": True,
            "Status": "in-use",
            "SubnetId": inst["subnet"],
            "VpcId": inst["vpc"],
            "InterfaceType": "interface",
        }
        if assoc:
            eni = {"Association": assoc, **eni}
            eni["PrivateIpAddresses"][0] = {"Association": dict(assoc), **eni["PrivateIpAddresses"][0]}
        d = {
            "AmiLaunchIndex": 0,
            "ImageId": "ami-0c02fb55956c7d316",
            "InstanceId": inst["id"],
            "InstanceType": inst["instance_type"],
            "LaunchTime": ec2_time(launch),
            "Monitoring": {"State": "disabled"},
            "Placement": {"AvailabilityZone": sub["az"], "GroupName": "", "Tenancy": "default"},
            "PrivateDnsName": dns_private(inst["private_ip"], self.region),
            "PrivateIpAddress": inst["private_ip"],
            "ProductCodes": [],
            "PublicDnsName": dns_public(pub, self.region) if pub else "",
        }
        if pub:
            d["PublicIpAddress"] = pub
        d["State"] = {"Code": 16, "Name": "running"} if running else {"Code": 80, "Name": "stopped"}
        d["StateTransitionReason"] = "" if running else "User initiated (2026-02-28 17:02:11 GMT)"
        d.update({
            "SubnetId": inst["subnet"], "VpcId": inst["vpc"], "Architecture": "x86_64",
            "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {
                "AttachTime": ec2_time(launch + dt.timedelta(seconds=1)), "DeleteOnTermination": True,
                "Status": "attached", "VolumeId": hexid("vol-", inst["name"])}}],
            "ClientToken": "terraform-%s" % h("ct", inst["name"]).hex()[:26],
            "EbsOptimized": True, "EnaSupport": True, "Hypervisor": "xen",
        })
        if inst.get("profile"):
            d["IamInstanceProfile"] = {"Arn": "arn:aws:iam::%s:instance-profile/%s" % (self.acct, inst["profile"]),
                                       "Id": b32id("AIPA", inst["profile"])}
        d.update({
            "NetworkInterfaces": [eni],
            "RootDeviceName": "/dev/xvda", "RootDeviceType": "ebs",
            "SecurityGroups": [{"GroupName": "default", "GroupId": hexid("sg-", inst["vpc"])}],
            "SourceDestCheck": True,
        })
        if not running:
            d["StateReason"] = {"Code": "Client.UserInitiatedShutdown",
                                "Message": "Client.UserInitiatedShutdown: User initiated shutdown"}
        d.update({
            "Tags": [{"Key": "Name", "Value": inst["name"]}],
            "VirtualizationType": "hvm",
            "CpuOptions": {"CoreCount": 1, "ThreadsPerCore": 2},
            "CapacityReservationSpecification": {"CapacityReservationPreference": "open"},
            "HibernationOptions": {"Configured": False},
            "MetadataOptions": {"State": "applied", "HttpTokens": "required", "HttpPutResponseHopLimit": 2,
                                "HttpEndpoint": "enabled", "HttpProtocolIpv6": "disabled", "InstanceMetadataTags": "disabled"},
            "EnclaveOptions": {"Enabled": False},
            "BootMode": "uefi-preferred",
            "PlatformDetails": "Linux/UNIX",
            "UsageOperation": "RunInstances",
            "UsageOperationUpdateTime": ec2_time(launch),
            "PrivateDnsNameOptions": {"HostnameType": "ip-name", "EnableResourceNameDnsARecord": False,
                                      "EnableResourceNameDnsAAAARecord": False},
            "MaintenanceOptions": {"AutoRecovery": "default"},
            "CurrentInstanceBootMode": "legacy-bios",
        })
        return d

    # -- network documents at the network snapshot ---------------------------------------------
    def network_docs(self):
        t = self.snap_time(self.sc.get("network_snapshot", self.snapshots[-1][0]))
        return {
            "describe-addresses.json": self._addresses(t),
            "describe-nat-gateways.json": self._nat_gateways(),
            "describe-route-tables.json": self._route_tables(),
            "describe-subnets.json": self._subnets(),
            "describe-vpc-endpoints.json": self._vpc_endpoints(),
            "describe-network-interfaces.json": self._network_interfaces(t),
        }

    def _addresses(self, t):
        out = []
        for e in self.sc["elastic_ips"]:
            holder = self.eip_holder(e, t)
            a = {}
            if holder:
                inst = self.inst[holder]
                a.update({"InstanceId": holder, "PublicIp": e["public_ip"], "AllocationId": e["allocation_id"],
                          "AssociationId": hexid("eipassoc-", e["name"] + holder), "Domain": "vpc",
                          "NetworkInterfaceId": inst["eni"], "NetworkInterfaceOwnerId": self.acct,
                          "PrivateIpAddress": inst["private_ip"]})
            else:
                a.update({"PublicIp": e["public_ip"], "AllocationId": e["allocation_id"], "Domain": "vpc"})
            a.update({"Tags": [{"Key": "Name", "Value": e["name"]}], "PublicIpv4Pool": "amazon",
                      "NetworkBorderGroup": self.region})
            out.append(a)
        for n in self.sc["nat_gateways"]:
            out.append({"PublicIp": n["public_ip"], "AllocationId": n["allocation_id"],
                        "AssociationId": hexid("eipassoc-", n["id"]), "Domain": "vpc",
                        "NetworkInterfaceId": n["eni"], "NetworkInterfaceOwnerId": self.acct,
                        "PrivateIpAddress": n["private_ip"], "Tags": [{"Key": "Name", "Value": n["name"] + "-eip"}],
                        "PublicIpv4Pool": "amazon", "NetworkBorderGroup": self.region})
        return {"Addresses": out}

    def _nat_gateways(self):
        out = []
        for n in self.sc["nat_gateways"]:
            out.append({
                "CreateTime": "2026-02-18T11:04:51.000Z",
                "NatGatewayAddresses": [{
                    "AllocationId": n["allocation_id"], "NetworkInterfaceId": n["eni"], "PrivateIp": n["private_ip"],
                    "PublicIp": n["public_ip"], "AssociationId": hexid("eipassoc-", n["id"]), "IsPrimary": True,
                    "Status": "succeeded"}],
                "NatGatewayId": n["id"], "State": "available", "SubnetId": n["subnet"], "VpcId": n["vpc"],
                "Tags": [{"Key": "Name", "Value": n["name"]}], "ConnectivityType": "public",
            })
        return {"NatGateways": out}

    def _route_tables(self):
        vpc_cidr = {v["id"]: v["cidr"] for v in self.sc["vpcs"]}
        out = []
        for r in self.sc["route_tables"]:
            assocs = []
            if r["main"]:
                assocs.append({"Main": True, "RouteTableAssociationId": hexid("rtbassoc-", r["id"] + "main"),
                               "RouteTableId": r["id"], "AssociationState": {"State": "associated"}})
            for s in r["subnets"]:
                assocs.append({"Main": False, "RouteTableAssociationId": hexid("rtbassoc-", r["id"] + s),
                               "RouteTableId": r["id"], "SubnetId": s, "AssociationState": {"State": "associated"}})
            routes = [{"DestinationCidrBlock": vpc_cidr[r["vpc"]], "GatewayId": "local",
                       "Origin": "CreateRouteTable", "State": "active"}]
            for x in r["routes"]:
                if "prefix_list" in x:
                    routes.append({"DestinationPrefixListId": x["prefix_list"], "GatewayId": x["gateway"],
                                   "Origin": "CreateRoute", "State": "active"})
                elif "nat_gateway" in x:
                    routes.append({"DestinationCidrBlock": x["destination"], "NatGatewayId": x["nat_gateway"],
                                   "Origin": "CreateRoute", "State": "active"})
                else:
                    routes.append({"DestinationCidrBlock": x["destination"], "GatewayId": x["gateway"],
                                   "Origin": "CreateRoute", "State": "active"})
            out.append({"Associations": assocs, "PropagatingVgws": [], "RouteTableId": r["id"], "Routes": routes,
                        "Tags": [{"Key": "Name", "Value": r["name"]}], "VpcId": r["vpc"], "OwnerId": self.acct})
        return {"RouteTables": out}

    def _subnets(self):
        out = []
        azid = {"us-east-1a": "use1-az4", "us-east-1b": "use1-az6", "us-east-1c": "use1-az1"}
        for s in self.sc["subnets"]:
            out.append({
                "AvailabilityZone": s["az"], "AvailabilityZoneId": azid.get(s["az"], "use1-az2"),
                "AvailableIpAddressCount": 245, "CidrBlock": s["cidr"], "DefaultForAz": False,
                "MapPublicIpOnLaunch": bool(s.get("map_public_ip")), "MapCustomerOwnedIpOnLaunch": False,
                "State": "available", "SubnetId": s["id"], "VpcId": s["vpc"], "OwnerId": self.acct,
                "AssignIpv6AddressOnCreation": False, "Ipv6CidrBlockAssociationSet": [],
                "Tags": [{"Key": "Name", "Value": s["name"]}],
                "SubnetArn": "arn:aws:ec2:%s:%s:subnet/%s" % (self.region, self.acct, s["id"]),
                "EnableDns64": False, "Ipv6Native": False,
                "PrivateDnsNameOptionsOnLaunch": {"HostnameType": "ip-name", "EnableResourceNameDnsARecord": False,
                                                  "EnableResourceNameDnsAAAARecord": False},
            })
        return {"Subnets": out}

    def _vpc_endpoints(self):
        out = []
        pol = ('{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*",'
               '"Resource":"*"}]}')
        for e in self.sc["vpc_endpoints"]:
            d = {"VpcEndpointId": e["id"], "VpcEndpointType": e["type"], "VpcId": e["vpc"],
                 "ServiceName": e["service"], "State": "available", "PolicyDocument": pol,
                 "RouteTableIds": e["route_tables"], "SubnetIds": e["subnets"],
                 "Groups": ([{"GroupId": hexid("sg-", e["vpc"]), "GroupName": "default"}] if e["type"] == "Interface" else []),
                 "IpAddressType": "ipv4",
                 "DnsOptions": {"DnsRecordIpType": "ipv4"} if e["type"] == "Interface" else None,
                 "PrivateDnsEnabled": e["type"] == "Interface", "RequesterManaged": False,
                 "NetworkInterfaceIds": [x["id"] for x in e["enis"]], "DnsEntries": [],
                 "CreationTimestamp": "2026-02-18T11:20:03.000Z", "Tags": [], "OwnerId": self.acct}
            if d["DnsOptions"] is None:
                del d["DnsOptions"]
            if e["type"] == "Interface":
                svc = e["service"].split(".")[-1]
                suffix = h("dns", e["id"]).hex()[:8]
                d["DnsEntries"] = [
                    {"DnsName": "%s-%s.%s.%s.vpce.amazonaws.com" % (e["id"], suffix, svc, self.region), "HostedZoneId": "Z7HUB22UULQXV"},
                    {"DnsName": "%s.%s.amazonaws.com" % (svc, self.region), "HostedZoneId": "ZONEIDPENDING"}]
            out.append(d)
        return {"VpcEndpoints": out}

    def _network_interfaces(self, t):
        out = []
        for inst in self.sc["instances"]:
            d = self._instance(inst, t)["NetworkInterfaces"][0]
            sub = self.subnet[inst["subnet"]]
            att = dict(d["Attachment"])
            att["InstanceId"] = inst["id"]
            att["InstanceOwnerId"] = self.acct
            eni = {}
            if "Association" in d:
                eni["Association"] = dict(d["Association"])
                e = self.instance_eip(inst, t)
                if e:
                    eni["Association"] = {"AllocationId": e["allocation_id"],
                                          "AssociationId": hexid("eipassoc-", e["name"] + inst["id"]),
                                          **eni["Association"]}
            eni.update({"Attachment": att, "AvailabilityZone": sub["az"], "Description": "",
                        "Groups": d["Groups"], "InterfaceType": "interface", "Ipv6Addresses": [],
                        "MacAddress": d["MacAddress"], "NetworkInterfaceId": d["NetworkInterfaceId"],
                        "OwnerId": self.acct, "PrivateDnsName": d["PrivateDnsName"],
                        "PrivateIpAddress": d["PrivateIpAddress"], "PrivateIpAddresses": d["PrivateIpAddresses"],
                        "RequesterManaged": False, "SourceDestCheck": True, "Status": "in-use",
                        "SubnetId": inst["subnet"], "TagSet": [], "VpcId": inst["vpc"]})
            if "Association" in eni:
                eni["PrivateIpAddresses"] = [{"Association": dict(eni["Association"]),
                                              **{k: v for k, v in eni["PrivateIpAddresses"][0].items() if k != "Association"}}]
            out.append(eni)
        for n in self.sc["nat_gateways"]:
            sub = self.subnet[n["subnet"]]
            assoc = {"AllocationId": n["allocation_id"], "AssociationId": hexid("eipassoc-", n["id"]),
                     "IpOwnerId": self.acct, "PublicDnsName": dns_public(n["public_ip"], self.region),
                     "PublicIp": n["public_ip"]}
            out.append({
                "Association": assoc,
                "Attachment": {"AttachmentId": hexid("ela-attach-", n["id"], 8), "DeleteOnTermination": False,
                               "DeviceIndex": 1, "InstanceOwnerId": "amazon-aws", "Status": "attached"},
                "AvailabilityZone": sub["az"], "Description": "Interface for NAT Gateway %s" % n["id"],
                "Groups": [], "InterfaceType": "nat_gateway", "Ipv6Addresses": [], "MacAddress": mac(n["eni"]),
                "NetworkInterfaceId": n["eni"], "OwnerId": self.acct,
                "PrivateDnsName": dns_private(n["private_ip"], self.region), "PrivateIpAddress": n["private_ip"],
                "PrivateIpAddresses": [{"Association": dict(assoc), "Primary": True,
                                        "PrivateDnsName": dns_private(n["private_ip"], self.region),
                                        "PrivateIpAddress": n["private_ip"]}],
                "RequesterId": "036872051663", "RequesterManaged": True, "SourceDestCheck": False,
                "Status": "in-use", "SubnetId": n["subnet"], "TagSet": [], "VpcId": n["vpc"]})
        for e in self.sc["vpc_endpoints"]:
            for x in e["enis"]:
                sub = self.subnet[x["subnet"]]
                out.append({
                    "Attachment": {"AttachmentId": hexid("ela-attach-", x["id"], 8), "DeleteOnTermination": False,
                                   "DeviceIndex": 1, "InstanceOwnerId": "amazon-aws", "Status": "attached"},
                    "AvailabilityZone": sub["az"], "Description": "VPC Endpoint Interface %s" % e["id"],
                    "Groups": [{"GroupName": "default", "GroupId": hexid("sg-", e["vpc"])}],
                    "InterfaceType": "vpc_endpoint", "Ipv6Addresses": [], "MacAddress": mac(x["id"]),
                    "NetworkInterfaceId": x["id"], "OwnerId": self.acct,
                    "PrivateDnsName": dns_private(x["private_ip"], self.region), "PrivateIpAddress": x["private_ip"],
                    "PrivateIpAddresses": [{"Primary": True, "PrivateDnsName": dns_private(x["private_ip"], self.region),
                                            "PrivateIpAddress": x["private_ip"]}],
                    "RequesterId": "727180483921", "RequesterManaged": True, "SourceDestCheck": True,
                    "Status": "in-use", "SubnetId": x["subnet"], "TagSet": [], "VpcId": e["vpc"]})
        return {"NetworkInterfaces": out}


# --------------------------------------------------------------------------------------------
# CloudTrail records
# --------------------------------------------------------------------------------------------

CLI_UAS = [
    "aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79-99.164.amzn2023.x86_64 exe/x86_64.amzn.2023 prompt/off command/%s",
    "aws-cli/1.32.70 md/Botocore#1.34.70 ua/2.0 os/linux#5.10.213-201.855.amzn2.x86_64 md/arch#x86_64 lang/python#3.9.16 md/pyimpl#CPython cfg/retry-mode#legacy botocore/1.34.70",
    "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.79-99.164.amzn2023.x86_64 md/arch#x86_64 lang/python#3.11.6 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69",
    "aws-sdk-go-v2/1.26.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/%s",
    "aws-sdk-java/2.25.14 Linux/6.1.79 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/legacy",
]
DESKTOP_UAS = [
    "aws-cli/2.15.30 Python/3.11.8 Darwin/23.4.0 exe/x86_64 prompt/off command/%s",
    "aws-cli/2.13.2 Python/3.11.4 Windows/10 exe/AMD64 prompt/off command/%s",
    "Boto3/1.34.11 md/Botocore#1.34.11 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.12.1 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.11",
]
BROWSER_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36"

# (eventSource, eventName, readOnly, requestParameters)
READ_CALLS = [
    ("ec2.amazonaws.com", "DescribeInstances", True, {"instancesSet": {}, "filterSet": {}}),
    ("ec2.amazonaws.com", "DescribeSecurityGroups", True, {"securityGroupSet": {}, "securityGroupIdSet": {}, "filterSet": {}}),
    ("ec2.amazonaws.com", "DescribeVolumes", True, {"volumeSet": {}, "filterSet": {}}),
    ("s3.amazonaws.com", "ListBuckets", True, {"Host": "s3.amazonaws.com"}),
    ("s3.amazonaws.com", "GetBucketLocation", True, {"location": "", "bucketName": "example-app-artifacts", "Host": "example-app-artifacts.s3.amazonaws.com"}),
    ("sts.amazonaws.com", "GetCallerIdentity", True, None),
    ("iam.amazonaws.com", "ListRoles", True, None),
    ("iam.amazonaws.com", "GetUser", True, None),
    ("ssm.amazonaws.com", "GetParameter", True, {"name": "/app/config/db-host"}),
    ("logs.amazonaws.com", "DescribeLogGroups", True, None),
    ("cloudwatch.amazonaws.com", "DescribeAlarms", True, None),
    ("lambda.amazonaws.com", "ListFunctions20150331", True, None),
    ("dynamodb.amazonaws.com", "DescribeTable", True, {"tableName": "orders"}),
    ("ecr.amazonaws.com", "GetAuthorizationToken", True, None),
    ("kms.amazonaws.com", "ListKeys", True, None),
    ("cloudformation.amazonaws.com", "DescribeStacks", True, None),
    ("secretsmanager.amazonaws.com", "ListSecrets", True, None),
]
WRITE_CALLS = [
    ("ec2.amazonaws.com", "CreateTags", False, {"resourcesSet": {"items": [{"resourceId": "vol-0bd5d7e4a7c1f7e11"}]}, "tagSet": {"items": [{"key": "backup", "value": "daily"}]}}),
    ("ssm.amazonaws.com", "PutParameter", False, {"name": "/app/config/feature-flag", "type": "String", "overwrite": True}),
    ("logs.amazonaws.com", "CreateLogStream", False, {"logGroupName": "/app/web", "logStreamName": "web-2026-03"}),
    ("ecr.amazonaws.com", "PutImage", False, {"repositoryName": "app", "imageTag": "latest"}),
    ("cloudformation.amazonaws.com", "UpdateStack", False, {"stackName": "app-prod"}),
]
TLS = {"tlsVersion": "TLSv1.3", "cipherSuite": "TLS_AES_128_GCM_SHA256"}


def tls_for(source, region, host=None):
    svc = source.split(".")[0]
    if host is None:
        if source == "iam.amazonaws.com":
            host = "iam.amazonaws.com"
        elif source == "signin.amazonaws.com":
            host = "%s.signin.aws.amazon.com" % region
        elif svc == "s3":
            host = "s3.%s.amazonaws.com" % region
        else:
            host = "%s.%s.amazonaws.com" % (svc, region)
    return {**TLS, "clientProvidedHostHeader": host}


class Recs:
    """Builds CloudTrail records (ordered dicts in the field order real files use)."""

    def __init__(self, model, rng):
        self.m = model
        self.rng = rng
        self.acct = model.acct
        self.region = model.region

    # identities
    def iam_user(self, name, key=None, account=None):
        acct = account or self.acct
        u = self.m.users.get(name) if acct == self.acct else None
        uid = u["user_id"] if u else b32id("AIDA", acct + name)
        kid = key if key is not None else (u["access_key_id"] if u else key_id("AKIA", acct, name))
        return {"type": "IAMUser", "principalId": uid, "arn": "arn:aws:iam::%s:user/%s" % (acct, name),
                "accountId": acct, "accessKeyId": kid, "userName": name}

    def assumed_role(self, role, session, key, created, account=None, role_id=None, ec2=False, path=""):
        acct = account or self.acct
        rid = role_id or (self.m.roles[role]["role_id"] if role in self.m.roles else b32id("AROA", acct + role))
        ctx = {"sessionIssuer": {"type": "Role", "principalId": rid,
                                 "arn": "arn:aws:iam::%s:role/%s%s" % (acct, path, role), "accountId": acct,
                                 "userName": role},
               "webIdFederationData": {},
               "attributes": {"creationDate": created, "mfaAuthenticated": "false"}}
        if ec2:
            ctx["ec2RoleDelivery"] = "2.0"
        return {"type": "AssumedRole", "principalId": "%s:%s" % (rid, session),
                "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (acct, role, session), "accountId": acct,
                "accessKeyId": key, "sessionContext": ctx}

    def record(self, ident, t, source, name, ip, ua, req, resp=None, read_only=True, error=None,
               extra=None, category="Management", etype="AwsApiCall", vpce=None, tls=None,
               resources=None, account=None, region=None, event_id=None, request_id=None, console=False,
               tls_host=None, no_request_id=False):
        acct = account or self.acct
        region = region or self.region
        r = {"eventVersion": "1.10" if category == "Management" else "1.09", "userIdentity": ident,
             "eventTime": t if isinstance(t, str) else iso(t), "eventSource": source, "eventName": name,
             "awsRegion": region, "sourceIPAddress": ip, "userAgent": ua}
        if error:
            r["errorCode"], r["errorMessage"] = error
        r["requestParameters"] = req
        r["responseElements"] = resp
        if extra:
            r["additionalEventData"] = extra
        if not no_request_id:
            r["requestID"] = request_id or uuid_from(self.rng)
        r["eventID"] = event_id or uuid_from(self.rng)
        r["readOnly"] = read_only
        if resources:
            r["resources"] = resources
        r["eventType"] = etype
        r["managementEvent"] = category == "Management"
        r["recipientAccountId"] = acct
        if vpce:
            r["vpcEndpointId"] = vpce
            r["vpcEndpointAccountId"] = acct
        r["eventCategory"] = category
        if tls is not False and etype in ("AwsApiCall", "AwsConsoleSignIn"):
            r["tlsDetails"] = tls if isinstance(tls, dict) else tls_for(source, region, tls_host)
        if console:
            r["sessionCredentialFromConsole"] = "true"
        return r


def denied_message(arn, action, resource="*"):
    return ("User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows "
            "the %s action" % (arn, action, resource, action))


# --------------------------------------------------------------------------------------------
# signal events
# --------------------------------------------------------------------------------------------

SIGNAL_CALLS = {
    "deploy-bot": [("ecr.amazonaws.com", "GetAuthorizationToken", True, None),
                   ("ec2.amazonaws.com", "DescribeInstances", True, {"instancesSet": {}, "filterSet": {}}),
                   ("ssm.amazonaws.com", "GetParameter", True, {"name": "/deploy/target"}),
                   ("cloudformation.amazonaws.com", "UpdateStack", False, {"stackName": "web-prod"})],
    "backup-agent": [("ec2.amazonaws.com", "CreateSnapshot", False, {"volumeId": "vol-0f3a9c1b2d4e5f607", "description": "nightly"}),
                     ("ec2.amazonaws.com", "DescribeSnapshots", True, {"snapshotSet": {}, "ownersSet": {"items": [{"owner": "self"}]}, "filterSet": {}})],
    "ci-runner": [("sts.amazonaws.com", "GetCallerIdentity", True, None)],
    "reporting": [("dynamodb.amazonaws.com", "DescribeTable", True, {"tableName": "orders"}),
                  ("athena.amazonaws.com", "StartQueryExecution", False, {"queryString": "SELECT 1", "workGroup": "primary"}),
                  ("s3.amazonaws.com", "ListBuckets", True, {"Host": "s3.amazonaws.com"})],
    "etl-loader": [("glue.amazonaws.com", "GetTables", True, {"databaseName": "raw"}),
                   ("s3.amazonaws.com", "GetBucketLocation", True, {"location": "", "bucketName": "example-raw-data", "Host": "example-raw-data.s3.amazonaws.com"}),
                   ("sqs.amazonaws.com", "GetQueueAttributes", True, {"queueUrl": "https://sqs.us-east-1.amazonaws.com/111122223333/etl", "attributeNames": ["All"]})],
    "ops-script": [("ec2.amazonaws.com", "DescribeInstances", True, {"instancesSet": {}, "filterSet": {}}),
                   ("route53.amazonaws.com", "ListHostedZones", True, None)],
    "web-role": [("s3.amazonaws.com", "ListBuckets", True, {"Host": "s3.amazonaws.com"}),
                 ("ssm.amazonaws.com", "GetParameter", True, {"name": "/web/session-secret", "withDecryption": True}),
                 ("logs.amazonaws.com", "PutRetentionPolicy", False, {"logGroupName": "/web/app", "retentionInDays": 30})],
    "stolen": [("sts.amazonaws.com", "GetCallerIdentity", True, None),
               ("iam.amazonaws.com", "ListUsers", True, None),
               ("s3.amazonaws.com", "ListBuckets", True, {"Host": "s3.amazonaws.com"}),
               ("ec2.amazonaws.com", "DescribeInstances", True, {"instancesSet": {}, "filterSet": {}}),
               ("secretsmanager.amazonaws.com", "ListSecrets", True, None)],
}


def spread_times(rng, start, end, n):
    """n times inside [start, end], roughly evenly spread, none on a round minute by accident."""
    if n == 1:
        return [start + dt.timedelta(seconds=rng.randrange(1, 240))]
    span = (end - start).total_seconds()
    out = []
    for k in range(n):
        base = span * k / (n - 1)
        jitter = rng.uniform(-0.3, 0.3) * span / (n - 1)
        x = min(max(base + jitter, rng.randrange(1, 240)), span - rng.randrange(1, 240))
        out.append(start + dt.timedelta(seconds=int(x)))
    return sorted(out)


def build_signals(model, rng):
    """Returns (records, meta): records are (dict, flags) and meta lists, per signal, the event ids."""
    R = Recs(model, rng)
    acct, region = model.acct, model.region
    out = []
    meta = []
    for s in model.sc["signals"]:
        start, end = parse_time(s["start"]), parse_time(s["end"])
        times = spread_times(rng, start, end, s["calls"])
        err_idx = set(rng.sample(range(1, s["calls"]), s["errors"])) if s["errors"] else set()
        ids = []
        if s["kind"] == "access-key":
            ident = R.iam_user(s["user"])
            calls = SIGNAL_CALLS[s["user"]]
            ua = CLI_UAS[2] if s["user"] not in ("ci-runner", "ops-script") else CLI_UAS[0] % "sts.get-caller-identity"
        else:
            inst = model.inst[s["instance"]]
            issued = parse_time(next(x["issued"] for x in model.sc["signals"]
                                     if x.get("session_key") == s["session_key"] and x.get("issued")))
            ident = R.assumed_role(s["role"], inst["id"], s["session_key"], iso(issued), ec2=True)
            calls = SIGNAL_CALLS["web-role" if s["expect"]["verdict"] == "ok" else "stolen"]
            ua = CLI_UAS[2] if s["expect"]["verdict"] == "ok" else \
                "aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9-amd64 exe/x86_64.kali.2024 prompt/off command/%s"
        for k, t in enumerate(times):
            src, name, ro, req = calls[k % len(calls)]
            u = ua % (src.split(".")[0] + "." + re.sub(r"(?<!^)([A-Z])", r"-\1", name).lower()) if "%s" in ua else ua
            error = None
            resp = None
            if k in err_idx:
                action = "%s:%s" % (src.split(".")[0], name)
                error = ("AccessDenied", denied_message(ident["arn"], action))
                if src == "ec2.amazonaws.com":
                    error = ("Client.UnauthorizedOperation", "You are not authorized to perform this operation.")
            elif name == "GetCallerIdentity":
                pass
            elif name == "CreateSnapshot":
                resp = {"snapshotId": hexid("snap-", "sig%d" % k), "volumeId": req["volumeId"], "status": "pending",
                        "startTime": int(t.timestamp() * 1000), "progress": "", "ownerId": acct, "volumeSize": 50,
                        "encrypted": True}
            elif name == "StartQueryExecution":
                resp = {"queryExecutionId": uuid_from(rng)}
            vpce = s.get("vpc_endpoint")
            host = "sts.%s.amazonaws.com" % region if vpce else None
            r = R.record(ident, t, src, name, s["address"], u, req, resp=resp, read_only=ro, error=error,
                         vpce=vpce, tls_host=host)
            ids.append(r["eventID"])
            flags = {}
            if k == 0 and s.get("uncompressed_first"):
                flags["uncompressed"] = True
            if k == 1 and s.get("duplicate_one"):
                flags["duplicate"] = True
            out.append((r, flags))
        meta.append({"signal": s, "event_ids": ids, "times": times, "errors": len(err_idx)})

    # credential issuance for the role session used by scenarios 7 and 8 (AWSService, no address)
    seen = set()
    for s in model.sc["signals"]:
        if s["kind"] != "role-session" or s["session_key"] in seen or not s.get("issued"):
            continue
        seen.add(s["session_key"])
        inst = model.inst[s["instance"]]
        out.append((ec2_assume_role(R, inst, s["role"], s["session_key"], parse_time(s["issued"])), {}))

    # EC2 refreshes the credentials of every running instance that has a profile (AWSService
    # AssumeRole, session name = instance id); only the web-1 session above is ever used
    wstart, wend = parse_time(model.sc["window"]["start"]), parse_time(model.sc["window"]["end"])
    for inst in model.sc["instances"]:
        if not inst.get("role") or inst["state"] != "running":
            continue
        t = wstart + dt.timedelta(minutes=rng.randrange(5, 300))
        n = 0
        while t < wend:
            if not any(abs((t - parse_time(s["issued"])).total_seconds()) < 3600 for s in model.sc["signals"]
                       if s.get("issued") and s["instance"] == inst["id"]):
                out.append((ec2_assume_role(R, inst, inst["role"], key_id("ASIA", acct, "%s-refresh-%d" % (inst["name"], n)), t),
                            {"refresh": True}))
            n += 1
            t += dt.timedelta(minutes=rng.randrange(300, 420))

    # deploy-bot's key also used from an office address: not an instance address (decoy)
    dec = model.sc.get("decoys", {})
    for k in range(dec.get("deploy_bot_from_office", 0)):
        t = parse_time("2026-03-02T15:00:00Z") + dt.timedelta(hours=20 * k, minutes=rng.randrange(50))
        ident = R.iam_user("deploy-bot")
        r = R.record(ident, t, "sts.amazonaws.com", "GetCallerIdentity", dec["office_addresses"][k % 2],
                     DESKTOP_UAS[0] % "sts.get-caller-identity", None)
        out.append((r, {"decoy": "deploy-bot-office"}))
    return out, meta


def ec2_assume_role(R, inst, role, session_key, t):
    acct = R.acct
    rid = R.m.roles[role]["role_id"] if role in R.m.roles else b32id("AROA", acct + role)
    exp = t + dt.timedelta(hours=6)
    return R.record(
        {"type": "AWSService", "invokedBy": "ec2.amazonaws.com"}, t, "sts.amazonaws.com", "AssumeRole",
        "ec2.amazonaws.com", "ec2.amazonaws.com",
        {"roleArn": "arn:aws:iam::%s:role/%s" % (acct, role), "roleSessionName": inst["id"]},
        resp={"credentials": {"accessKeyId": session_key, "sessionToken": "HIDDEN_DUE_TO_SECURITY_REASONS",
                              "expiration": exp.strftime("%b %-d, %Y, %-I:%M:%S %p")},
              "assumedRoleUser": {"assumedRoleId": "%s:%s" % (rid, inst["id"]),
                                  "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (acct, role, inst["id"])}},
        resources=[{"accountId": acct, "type": "AWS::IAM::Role", "ARN": "arn:aws:iam::%s:role/%s" % (acct, role)}],
        tls=False, read_only=True)


# --------------------------------------------------------------------------------------------
# noise
# --------------------------------------------------------------------------------------------

P_EID, P_RID, P_TIME, P_CDATE = "@@EID@@", "@@RID@@", "@@TIME@@", "@@CDATE@@"


class Noise:
    """Makes noise records. In template mode the eventID/requestID/eventTime/creationDate are
    placeholder strings, so one json.dumps serves many events."""

    def __init__(self, model, rng, template=False):
        self.m, self.rng, self.tpl = model, rng, template
        self.R = Recs(model, rng)
        acct = model.acct
        self.offices = model.sc.get("decoys", {}).get("office_addresses", ["198.18.7.10"])
        self.lambdas = [("orders-api-role", fn) for fn in ("orders-api", "orders-worker", "thumbnailer")] + \
                       [("reports-role", "nightly-report")]
        self.lambda_keys = {fn: key_id("ASIA", acct, "lambda-" + fn) for _, fn in self.lambdas}
        self.console_key = {u: key_id("ASIA", acct, "console-" + u) for u in ("alice", "bob")}
        self.reserved = set()
        for i in model.sc["instances"]:
            self.reserved.add(i["private_ip"])
            if i.get("public_ip"):
                self.reserved.add(i["public_ip"])
        for e in model.sc["elastic_ips"]:
            self.reserved.add(e["public_ip"])
        for n in model.sc["nat_gateways"]:
            self.reserved.add(n["public_ip"])
        for s in model.sc["signals"]:
            self.reserved.add(s["address"])
        kinds = [("human", 20), ("human_denied", 3), ("console_call", 8), ("console_login", 2),
                 ("lambda", 14), ("s3_data", 18), ("service_assume", 6), ("service_linked", 8),
                 ("aws_internal", 6), ("federated", 1), ("cross_account", 1), ("ssm_identity", 2),
                 ("root", 1), ("other_region", 3), ("member_account", 7)]
        self.kinds = [k for k, _ in kinds]
        self.weights = [w for _, w in kinds]

    def t(self, t):
        return P_TIME if self.tpl else iso(t)

    def cdate(self, t):
        return P_CDATE if self.tpl else iso(t - dt.timedelta(minutes=self.rng.randrange(5, 300)))

    def ids(self):
        if self.tpl:
            return {"event_id": P_EID, "request_id": P_RID}
        return {}

    def office_ip(self):
        r = self.rng.random()
        if r < 0.25:
            return "2001:db8:4d2::%x" % self.rng.randrange(0x10, 0x400)
        if r < 0.6:
            return self.rng.choice(self.offices[:2])
        while True:
            ip = "198.18.%d.%d" % (self.rng.randrange(0, 256), self.rng.randrange(1, 255))
            if ip not in self.reserved:
                return ip

    def aws_ip(self):  # stand-in for AWS-owned public addresses (Lambda egress etc.)
        return "198.19.%d.%d" % (self.rng.randrange(0, 256), self.rng.randrange(1, 255))

    def make(self, t):
        kind = self.rng.choices(self.kinds, self.weights)[0]
        return kind, getattr(self, "k_" + kind)(t)

    # -- kinds -----------------------------------------------------------------------------------
    def k_human(self, t, account=None, region=None):
        rng, R = self.rng, self.R
        user = rng.choice(["alice", "bob"])
        src, name, ro, req = rng.choice(READ_CALLS if rng.random() < 0.85 else WRITE_CALLS)
        ua = rng.choice(DESKTOP_UAS)
        ua = ua % (src.split(".")[0] + ".x") if "%s" in ua else ua
        ident = R.iam_user(user, account=account)
        return R.record(ident, self.t(t), src, name, self.office_ip(), ua, req, read_only=ro, account=account,
                        region=region, **self.ids())

    def k_human_denied(self, t):
        rng, R = self.rng, self.R
        user = rng.choice(["alice", "bob"])
        ident = R.iam_user(user)
        src, name = rng.choice([("iam.amazonaws.com", "ListUsers"), ("organizations.amazonaws.com", "DescribeOrganization"),
                                ("ec2.amazonaws.com", "DescribeInstances"), ("kms.amazonaws.com", "Decrypt")])
        if src == "ec2.amazonaws.com":
            err = ("Client.UnauthorizedOperation", "You are not authorized to perform this operation.")
        else:
            err = ("AccessDenied", denied_message(ident["arn"], "%s:%s" % (src.split(".")[0], name)))
        return R.record(ident, self.t(t), src, name, self.office_ip(), DESKTOP_UAS[0] % "x", None, error=err,
                        **self.ids())

    def k_console_call(self, t):
        rng, R = self.rng, self.R
        user = rng.choice(["alice", "bob"])
        ident = R.iam_user(user, key=self.console_key[user])
        ident["sessionContext"] = {"sessionIssuer": {}, "webIdFederationData": {},
                                   "attributes": {"creationDate": self.cdate(t), "mfaAuthenticated": "true"}}
        src, name, ro, req = rng.choice(READ_CALLS)
        ip = self.office_ip() if rng.random() < 0.8 else "AWS Internal"
        ua = "AWS Internal" if ip == "AWS Internal" else BROWSER_UA
        return R.record(ident, self.t(t), src, name, ip, ua, req, read_only=ro, console=True, **self.ids())

    def k_console_login(self, t):
        rng, R = self.rng, self.R
        r = rng.random()
        login_to = "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true"
        if r < 0.6:
            user = rng.choice(["alice", "bob"])
            ident = R.iam_user(user)
            del ident["accessKeyId"]  # sign-in records carry no access key
            resp = {"ConsoleLogin": "Success"}
            extra = {"LoginTo": login_to, "MobileVersion": "No",
                     "MFAIdentifier": "arn:aws:iam::%s:mfa/%s" % (self.m.acct, user), "MFAUsed": "Yes"}
        elif r < 0.85:
            # failed sign-in with a mistyped user name: CloudTrail hides the name
            ident = {"type": "IAMUser", "principalId": self.m.acct, "accountId": self.m.acct, "accessKeyId": "",
                     "userName": "HIDDEN_DUE_TO_SECURITY_REASONS"}
            resp = {"ConsoleLogin": "Failure"}
            extra = {"LoginTo": login_to, "MobileVersion": "No", "MFAUsed": "No"}
            rec = R.record(ident, self.t(t), "signin.amazonaws.com", "ConsoleLogin", self.office_ip(), BROWSER_UA,
                           None, resp=resp, extra=extra, read_only=False, etype="AwsConsoleSignIn", **self.ids())
            ordered = {}
            for k, v in rec.items():  # errorMessage (no errorCode) follows userAgent in sign-in failures
                ordered[k] = v
                if k == "userAgent":
                    ordered["errorMessage"] = "No username found in supplied account"
            return ordered
        else:
            ident = {"type": "Root", "principalId": self.m.acct, "arn": "arn:aws:iam::%s:root" % self.m.acct,
                     "accountId": self.m.acct, "accessKeyId": ""}
            resp = {"ConsoleLogin": "Success"}
            extra = {"LoginTo": login_to, "MobileVersion": "No", "MFAUsed": "Yes"}
        return R.record(ident, self.t(t), "signin.amazonaws.com", "ConsoleLogin", self.office_ip(), BROWSER_UA, None,
                        resp=resp, extra=extra, read_only=False, etype="AwsConsoleSignIn", **self.ids())

    def _lambda_ident(self, t):
        role, fn = self.rng.choice(self.lambdas)
        return fn, self.R.assumed_role(role, fn, self.lambda_keys[fn], self.cdate(t), path="service-role/")

    def k_lambda(self, t):
        rng, R = self.rng, self.R
        fn, ident = self._lambda_ident(t)
        src, name, ro, req = rng.choice(READ_CALLS[:12])
        ua = "Boto3/1.34.42 md/Botocore#1.34.42 ua/2.0 os/linux#5.10.214-223.845.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.34.42"
        return R.record(ident, self.t(t), src, name, self.aws_ip(), ua, req, read_only=ro, **self.ids())

    def k_s3_data(self, t):
        rng, R = self.rng, self.R
        fn, ident = self._lambda_ident(t)
        bucket = rng.choice(["example-app-artifacts", "example-raw-data", "example-thumbnails"])
        key = "%s/%04d/%s.json" % (rng.choice(["in", "out", "tmp"]), rng.randrange(10000), uuid_from(rng)[:8])
        name, ro = rng.choice([("GetObject", True), ("GetObject", True), ("PutObject", False), ("HeadObject", True)])
        vpce = None
        ip = self.aws_ip()
        if rng.random() < 0.3:  # a gateway endpoint this inventory does not know, private caller
            vpce = hexid("vpce-", "unknown-%d" % rng.randrange(3))
            ip = "10.99.%d.%d" % (rng.randrange(0, 16), rng.randrange(4, 250))
        extra = {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
                 "bytesTransferredIn": 0 if ro else rng.randrange(200, 90000), "AuthenticationMethod": "AuthHeader",
                 "x-amz-id-2": base64.b64encode(bytes(rng.getrandbits(8) for _ in range(48))).decode(),
                 "bytesTransferredOut": rng.randrange(200, 90000) if name == "GetObject" else 0}
        res = [{"type": "AWS::S3::Object", "ARN": "arn:aws:s3:::%s/%s" % (bucket, key)},
               {"accountId": self.m.acct, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::%s" % bucket}]
        return R.record(ident, self.t(t), "s3.amazonaws.com", name, ip,
                        "[Boto3/1.34.42 md/Botocore#1.34.42 ua/2.0 exec-env/AWS_Lambda_python3.12 Botocore/1.34.42]",
                        {"bucketName": bucket, "Host": "%s.s3.us-east-1.amazonaws.com" % bucket, "key": key},
                        read_only=ro, extra=extra, category="Data", resources=res, vpce=vpce, **self.ids())

    def k_service_assume(self, t):
        rng, R = self.rng, self.R
        role, fn = rng.choice(self.lambdas)
        svc = "lambda.amazonaws.com" if rng.random() < 0.7 else "ecs-tasks.amazonaws.com"
        sess = fn if svc.startswith("lambda") else uuid_from(rng).replace("-", "")[:32]
        return R.record({"type": "AWSService", "invokedBy": svc}, self.t(t), "sts.amazonaws.com", "AssumeRole",
                        svc, svc, {"roleArn": "arn:aws:iam::%s:role/service-role/%s" % (self.m.acct, role),
                                   "roleSessionName": sess},
                        resp={"credentials": {"accessKeyId": key_id("ASIA", self.m.acct, "svc-%d" % rng.randrange(10**6)),
                                              "sessionToken": "HIDDEN_DUE_TO_SECURITY_REASONS",
                                              "expiration": "Mar 3, 2026, 11:12:51 PM"}},
                        resources=[{"accountId": self.m.acct, "type": "AWS::IAM::Role",
                                    "ARN": "arn:aws:iam::%s:role/service-role/%s" % (self.m.acct, role)}],
                        tls=False, **self.ids())

    def k_service_linked(self, t):
        rng, R = self.rng, self.R
        role, sess, svc = rng.choice([("AWSServiceRoleForAutoScaling", "AutoScaling", "autoscaling.amazonaws.com"),
                                      ("AWSServiceRoleForElasticLoadBalancing", "ElasticLoadBalancing", "elasticloadbalancing.amazonaws.com"),
                                      ("AWSServiceRoleForAmazonSSM", "SSM", "ssm.amazonaws.com")])
        ident = R.assumed_role(role, sess, key_id("ASIA", self.m.acct, "slr-" + sess), self.cdate(t),
                               path="aws-service-role/%s/" % svc)
        ident["invokedBy"] = svc
        src, name, ro, req = rng.choice(READ_CALLS[:3])
        return R.record(ident, self.t(t), src, name, svc, svc, req, read_only=ro, tls=False, **self.ids())

    def k_aws_internal(self, t):
        rng, R = self.rng, self.R
        if rng.random() < 0.5:
            fn, ident = self._lambda_ident(t)
            ident["invokedBy"] = "AWS Internal"
            return R.record(ident, self.t(t), "kms.amazonaws.com", "Decrypt", "AWS Internal", "AWS Internal",
                            {"encryptionAlgorithm": "SYMMETRIC_DEFAULT",
                             "encryptionContext": {"aws:lambda:FunctionArn": "arn:aws:lambda:%s:%s:function:%s" % (self.m.region, self.m.acct, fn)}},
                            resources=[{"accountId": self.m.acct, "type": "AWS::KMS::Key",
                                        "ARN": "arn:aws:kms:%s:%s:key/%s" % (self.m.region, self.m.acct, "0f4b0c7e-8d52-4c66-9c1e-5e3b2b8e1a77")}],
                            tls=False, **self.ids())
        return R.record({"accountId": self.m.acct, "invokedBy": "kms.amazonaws.com"}, self.t(t), "kms.amazonaws.com",
                        "RotateKey", "kms.amazonaws.com", "kms.amazonaws.com", None, read_only=False,
                        etype="AwsServiceEvent", tls=False, no_request_id=True,
                        extra={"keyId": "arn:aws:kms:%s:%s:key/0f4b0c7e-8d52-4c66-9c1e-5e3b2b8e1a77" % (self.m.region, self.m.acct)},
                        **self.ids())

    def k_federated(self, t):
        R = self.R
        ident = {"type": "FederatedUser", "principalId": "%s:dashboard" % self.m.acct,
                 "arn": "arn:aws:sts::%s:federated-user/dashboard" % self.m.acct, "accountId": self.m.acct,
                 "accessKeyId": key_id("ASIA", self.m.acct, "federated-dashboard"),
                 "sessionContext": {"sessionIssuer": {"type": "IAMUser", "principalId": self.m.users["alice"]["user_id"],
                                                      "arn": "arn:aws:iam::%s:user/alice" % self.m.acct,
                                                      "accountId": self.m.acct, "userName": "alice"},
                                    "webIdFederationData": {},
                                    "attributes": {"creationDate": self.cdate(t), "mfaAuthenticated": "false"}}}
        return R.record(ident, self.t(t), "cloudwatch.amazonaws.com", "GetMetricData", self.office_ip(),
                        DESKTOP_UAS[2], None, **self.ids())

    def k_cross_account(self, t):
        R = self.R
        return R.record({"type": "AWSAccount", "principalId": "AIDAEXAMPLEAUDITOR0001", "accountId": "999988887777"},
                        self.t(t), "sts.amazonaws.com", "AssumeRole", self.aws_ip(), CLI_UAS[3] % "sts#1.28.5",
                        {"roleArn": "arn:aws:iam::%s:role/security-audit" % self.m.acct, "roleSessionName": "auditor"},
                        resp={"credentials": {"accessKeyId": key_id("ASIA", self.m.acct, "audit"),
                                              "sessionToken": "HIDDEN_DUE_TO_SECURITY_REASONS",
                                              "expiration": "Mar 3, 2026, 9:00:00 AM"}},
                        resources=[{"accountId": self.m.acct, "type": "AWS::IAM::Role",
                                    "ARN": "arn:aws:iam::%s:role/security-audit" % self.m.acct}], **self.ids())

    def k_ssm_identity(self, t):
        """EC2 *instance identity role* (aws:ec2-instance) used by the SSM agent of web-1, from web-1's
        own address: not an instance-profile role session."""
        R = self.R
        inst = self.m.inst_by_name["web-1"]
        acct = self.m.acct
        ident = {"type": "AssumedRole", "principalId": "%s:aws:ec2-instance:%s" % (acct, inst["id"]),
                 "arn": "arn:aws:sts::%s:assumed-role/aws:ec2-instance/%s" % (acct, inst["id"]), "accountId": acct,
                 "accessKeyId": key_id("ASIA", acct, "identity-web-1"),
                 "sessionContext": {"sessionIssuer": {"type": "Role", "principalId": "%s:aws:ec2-instance" % acct,
                                                      "arn": "arn:aws:iam::%s:role/aws:ec2-instance" % acct,
                                                      "accountId": acct, "userName": "aws:ec2-instance"},
                                    "attributes": {"creationDate": self.cdate(t), "mfaAuthenticated": "false"},
                                    "ec2RoleDelivery": "2.0"}}
        return R.record(ident, self.t(t), "ssm.amazonaws.com", "UpdateInstanceInformation", inst["public_ip"],
                        "aws-sdk-go/1.44.260 (go1.20.10; linux; amd64) amazon-ssm-agent/3.3.131.0",
                        {"instanceId": inst["id"], "agentVersion": "3.3.131.0", "agentStatus": "Active",
                         "platformType": "Linux", "ipAddress": inst["private_ip"], "computerName": dns_private(inst["private_ip"], self.m.region)},
                        read_only=False, **self.ids())

    def k_root(self, t):
        R = self.R
        ident = {"type": "Root", "principalId": self.m.acct, "arn": "arn:aws:iam::%s:root" % self.m.acct,
                 "accountId": self.m.acct, "accessKeyId": key_id("ASIA", self.m.acct, "root-console"),
                 "sessionContext": {"sessionIssuer": {}, "webIdFederationData": {},
                                    "attributes": {"creationDate": self.cdate(t), "mfaAuthenticated": "true"}}}
        return R.record(ident, self.t(t), "billing.amazonaws.com", "GetBillingPreferences", self.office_ip(),
                        "AWS Internal", None, console=True, **self.ids())

    def k_other_region(self, t):
        return self.k_human(t, region="eu-west-1")

    def k_member_account(self, t):
        return self.k_human(t, account=self.m.sc["organization"]["member_account"])


# --------------------------------------------------------------------------------------------
# writing logs
# --------------------------------------------------------------------------------------------

class Template:
    __slots__ = ("parts", "order")

    def __init__(self, s):
        toks = re.split(r"(@@(?:EID|RID|TIME|CDATE)@@)", s)
        self.parts = toks[0::2]
        self.order = toks[1::2]


class LogWriter:
    def __init__(self, out_root, model, rng, gzip_level=6):
        self.root = out_root
        self.m = model
        self.rng = rng
        self.level = gzip_level
        self.written = []  # dicts: path, account, region, stamp, records, bytes, sha256_uncompressed, gz
        self.bucket = model.sc["trail"]["bucket"]

    def unique(self):
        return "".join(self.rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") for _ in range(16))

    def prefix(self, account):
        org = self.m.sc["organization"]
        if account == org["member_account"]:
            return "AWSLogs/%s/%s" % (org["id"], account)
        return "AWSLogs/%s" % account

    def write(self, account, region, stamp, record_strings, uncompressed=False):
        name = "%s_CloudTrail_%s_%s_%s.json" % (account, region, stamp.strftime("%Y%m%dT%H%MZ"), self.unique())
        rel = "%s/CloudTrail/%s/%s/%s" % (self.prefix(account), region, stamp.strftime("%Y/%m/%d"), name)
        body = ('{"Records":[' + ",".join(record_strings) + "]}").encode("utf-8")
        data = body if uncompressed else gz(body, self.level)
        if not uncompressed:
            rel += ".gz"
        write_bytes(os.path.join(self.root, "s3", self.bucket, rel), data)
        self.written.append({"key": rel, "account": account, "region": region, "stamp": stamp,
                             "records": len(record_strings), "bytes": len(body),
                             "sha256": hashlib.sha256(body).hexdigest(), "uncompressed": uncompressed})
        return len(body)

    def digest(self, start, end):
        acct, region, trail = self.m.acct, self.m.region, self.m.sc["trail"]
        files = [w for w in self.written if w["account"] == acct and w["region"] == region and start <= w["stamp"] < end]
        if not files:
            return None
        stamp = end
        name = "%s_CloudTrail-Digest_%s_%s_%s_%s.json.gz" % (acct, region, trail["name"], trail["home_region"],
                                                            stamp.strftime("%Y%m%dT%H%M%SZ"))
        rel = "AWSLogs/%s/CloudTrail-Digest/%s/%s/%s" % (acct, region, stamp.strftime("%Y/%m/%d"), name)
        prev = "AWSLogs/%s/CloudTrail-Digest/%s/%s/%s_CloudTrail-Digest_%s_%s_%s_%s.json.gz" % (
            acct, region, (stamp - dt.timedelta(hours=1)).strftime("%Y/%m/%d"), acct, region, trail["name"],
            trail["home_region"], (stamp - dt.timedelta(hours=1)).strftime("%Y%m%dT%H%M%SZ"))
        d = {"awsAccountId": acct, "digestStartTime": iso(start), "digestEndTime": iso(end),
             "digestS3Bucket": self.bucket, "digestS3Object": rel,
             "digestPublicKeyFingerprint": h("fp").hex()[:32], "digestSignatureAlgorithm": "SHA256withRSA",
             "newestEventTime": iso(end - dt.timedelta(minutes=7)), "oldestEventTime": iso(start - dt.timedelta(minutes=55)),
             "previousDigestS3Bucket": self.bucket, "previousDigestS3Object": prev,
             "previousDigestHashValue": h("prevhash").hex(), "previousDigestHashAlgorithm": "SHA-256",
             "previousDigestSignature": (h("sig1") + h("sig2") + h("sig3") + h("sig4") + h("sig5") + h("sig6") + h("sig7") + h("sig8")).hex(),
             "logFiles": [{"s3Bucket": self.bucket, "s3Object": w["key"], "hashValue": w["sha256"],
                           "hashAlgorithm": "SHA-256", "newestEventTime": iso(w["stamp"] - dt.timedelta(minutes=3)),
                           "oldestEventTime": iso(w["stamp"] - dt.timedelta(minutes=63))} for w in files if not w["uncompressed"]]}
        write_bytes(os.path.join(self.root, "s3", self.bucket, rel), gz(dumps_compact(d).encode(), self.level))
        return rel


def generate_logs(model, rng, out, size_mb=None, gzip_level=6):
    sc = model.sc
    wstart, wend = parse_time(sc["window"]["start"]), parse_time(sc["window"]["end"])
    minutes = 5 if size_mb else int(sc.get("delivery_minutes", 60))
    step = dt.timedelta(minutes=minutes)
    nwin = int((wend - wstart) / step)

    signals, meta = build_signals(model, rng)
    noise = Noise(model, rng, template=True)
    n_templates = 2500 if size_mb else min(int(sc["noise_events"]), 1500)
    templates = []
    for k in range(n_templates):
        kind, rec = noise.make(wstart)
        s = dumps_compact(rec)
        acct = rec["recipientAccountId"]
        templates.append((Template(s), acct, rec["awsRegion"], kind, rec["eventCategory"] == "Management"))
    toklen = {P_EID: 36, P_RID: 36, P_TIME: 20, P_CDATE: 20}
    avg = sum(len("".join(t[0].parts)) + sum(toklen[x] for x in t[0].order) for t in templates) / len(templates)
    if size_mb:
        total = int(size_mb * 1024 * 1024 / (avg + 1))
    else:
        total = int(sc["noise_events"])
    per_win = total / nwin

    # signal records: (delivery window index, account, region, string, eventID, flags)
    pending = collections.defaultdict(list)
    uncompressed_ids = set()
    lookup_records = []  # (eventTime, dict) of management events inside the lookup window
    lk = sc.get("lookup")
    lk_start, lk_end = (parse_time(lk["start"]), parse_time(lk["end"])) if lk else (None, None)

    def place(t, delay_s):
        d = t + dt.timedelta(seconds=delay_s)
        return max(0, min(nwin - 1, int((d - wstart) / step)))

    for rec, flags in signals:
        t = parse_time(rec["eventTime"])
        s = dumps_compact(rec)
        w = place(t, rng.randrange(120, 600))
        pending[w].append((rec["recipientAccountId"], rec["awsRegion"], s, rec["eventID"]))
        if flags.get("uncompressed"):
            uncompressed_ids.add(rec["eventID"])
        if flags.get("duplicate"):
            pending[min(nwin - 1, w + 2)].append((rec["recipientAccountId"], rec["awsRegion"], s, rec["eventID"]))
        if lk and rec.get("managementEvent") and rec["recipientAccountId"] == model.acct \
                and rec["awsRegion"] == model.region and lk_start <= t < lk_end:
            lookup_records.append((t, rec))

    writer = LogWriter(out, model, rng, gzip_level)
    tcache = {}
    base = epoch(wstart)
    bytes_total = 0
    made = 0
    carry = 0.0
    late_share = 0.01
    max_per_file = 3000
    for w in range(nwin):
        carry += per_win
        n = int(carry)
        carry -= n
        if w == nwin - 1:
            n = max(0, total - made)
        win0 = base + w * minutes * 60
        for _ in range(n):
            tpl, acct, region, kind, mgmt = templates[rng.randrange(len(templates))]
            sec = win0 + rng.randrange(minutes * 60)
            if rng.random() < late_share:
                sec -= rng.randrange(minutes * 60, 3 * minutes * 60)  # delivered late, an older event
                sec = max(sec, base)
            ts = tcache.get(sec)
            if ts is None:
                ts = tcache[sec] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(sec))
            vals = {"@@EID@@": uuid_from(rng), "@@RID@@": uuid_from(rng), "@@TIME@@": ts}
            if "@@CDATE@@" in tpl.order:
                c = sec - 60 * (5 + (sec % 240))
                cs = tcache.get(c)
                if cs is None:
                    cs = tcache[c] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(c))
                vals["@@CDATE@@"] = cs
            parts = tpl.parts
            buf = [parts[0]]
            for i, tok in enumerate(tpl.order):
                buf.append(vals[tok])
                buf.append(parts[i + 1])
            s = "".join(buf)
            pending[w].append((acct, region, s, vals["@@EID@@"]))
            if lk and mgmt and acct == model.acct and region == model.region and not size_mb \
                    and lk_start.timestamp() <= sec < lk_end.timestamp():
                lookup_records.append((dt.datetime.fromtimestamp(sec, UTC), json.loads(s)))
        made += n
        batch = pending.pop(w, [])
        if not batch:
            continue
        groups = collections.defaultdict(list)
        for acct, region, s, eid in batch:
            groups[(acct, region)].append((s, eid))
        stamp = wstart + step * (w + 1)
        for (acct, region), items in sorted(groups.items()):
            # real files are roughly, not strictly, in time order
            items.sort(key=lambda x: x[0][x[0].find('"eventTime":"') + 13:x[0].find('"eventTime":"') + 33])
            for i in range(len(items) - 1):
                if rng.random() < 0.05:
                    items[i], items[i + 1] = items[i + 1], items[i]
            for c in range(0, len(items), max_per_file):
                chunk = items[c:c + max_per_file]
                unc = any(eid in uncompressed_ids for _, eid in chunk)
                bytes_total += writer.write(acct, region, stamp, [s for s, _ in chunk], uncompressed=unc)
                # files of one window written one minute apart in name if split
    digest_rel = None
    ws = sorted({w["stamp"] for w in writer.written if w["account"] == model.acct})
    if ws:
        mid = ws[len(ws) // 2].replace(minute=0)
        digest_rel = writer.digest(mid, mid + dt.timedelta(hours=1))
    return writer, meta, lookup_records, digest_rel, bytes_total, made


# --------------------------------------------------------------------------------------------
# lookup-events pages
# --------------------------------------------------------------------------------------------

def lookup_event(rec, v2_offset):
    ui = rec.get("userIdentity", {})
    user = None
    typ = ui.get("type")
    if typ == "IAMUser":
        user = ui.get("userName")
    elif typ == "AssumedRole":
        user = ui.get("arn", "").rsplit("/", 1)[-1] or None
    elif typ == "Root":
        user = "root"
    elif typ == "FederatedUser":
        user = ui.get("arn", "").rsplit("/", 1)[-1] or None
    t = parse_time(rec["eventTime"])
    e = {"EventId": rec["eventID"], "EventName": rec["eventName"], "ReadOnly": "true" if rec.get("readOnly") else "false"}
    if ui.get("accessKeyId"):
        e["AccessKeyId"] = ui["accessKeyId"]
    if v2_offset is None:
        e["EventTime"] = float(epoch(t))
    else:
        sign = 1 if v2_offset[0] == "+" else -1
        hh, mm = v2_offset[1:].split(":")
        tz = dt.timezone(sign * dt.timedelta(hours=int(hh), minutes=int(mm)))
        e["EventTime"] = t.astimezone(tz).isoformat()
    e["EventSource"] = rec["eventSource"]
    if user:
        e["Username"] = user
    res = []
    for r in rec.get("resources") or []:
        rt = r.get("type")
        res.append({"ResourceType": rt, "ResourceName": r.get("ARN")})
    req = rec.get("requestParameters") or {}
    if rec["eventSource"] == "ec2.amazonaws.com" and isinstance(req, dict) and "volumeId" in req:
        res.append({"ResourceType": "AWS::EC2::Volume", "ResourceName": req["volumeId"]})
    e["Resources"] = res
    e["CloudTrailEvent"] = dumps_compact(rec)
    return e


def write_lookup_pages(out, lookup_records, rng, max_items, v2_offset):
    recs = sorted(lookup_records, key=lambda x: (x[0], x[1]["eventID"]), reverse=True)  # newest first
    pages = [recs[i:i + max_items] for i in range(0, len(recs), max_items)] or [[]]
    written = []
    server_tokens = [base64.b64encode(h("lookup-token", i) * 3).decode() for i in range(len(pages))]
    for variant, off in (("v1", None), ("v2", v2_offset)):
        for i, page in enumerate(pages):
            doc = {"Events": [lookup_event(r, off) for _, r in page]}
            if i < len(pages) - 1:
                # what `--max-items` prints: the CLI's own token wrapping the service token
                doc["NextToken"] = base64.b64encode(json.dumps({"NextToken": server_tokens[i]}).encode()).decode()
            rel = "lookup-events/%s/page-%02d.json" % (variant, i + 1)
            write_bytes(os.path.join(out, rel), dumps_cli(doc).encode())
            written.append(rel)
    return written, len(recs), len(pages)


# --------------------------------------------------------------------------------------------
# expected conclusions
# --------------------------------------------------------------------------------------------

def build_expected(model, meta, writer, digest_rel, lookup_info, seed, noise_made):
    sc = model.sc
    acct = model.acct
    findings = []
    for m in meta:
        s = m["signal"]
        e = s["expect"]
        f = {"scenario": s["scenario"], "name": s["name"], "kind": s["kind"]}
        if s["kind"] == "access-key":
            u = model.users[s["user"]]
            f.update({"access_key_id": u["access_key_id"], "user": s["user"],
                      "user_arn": "arn:aws:iam::%s:user/%s" % (acct, s["user"])})
        else:
            f.update({"access_key_id": s["session_key"], "role": s["role"],
                      "session_arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (acct, s["role"], s["instance"]),
                      "session_instance": s["instance"], "verdict": e["verdict"]})
        f.update({"address": s["address"], "vpc_endpoint": s.get("vpc_endpoint"), "via": e["via"],
                  "instance": e["instance"],
                  "instance_name": model.inst[e["instance"]]["name"] if e["instance"] else None,
                  "candidate_instances": e["candidates"],
                  "calls": len(m["event_ids"]), "error_calls": m["errors"],
                  "first_time": iso(min(m["times"])), "last_time": iso(max(m["times"])),
                  "event_ids": sorted(m["event_ids"])})
        if e.get("nat_gateway"):
            f["nat_gateway"] = e["nat_gateway"]
        if e.get("excluded"):
            f["excluded_instances"] = e["excluded"]
        if e.get("not"):
            f["must_not_match"] = e["not"]
        if e.get("snapshot"):
            f["snapshot"] = e["snapshot"]
        findings.append(f)
    issued = []
    for s in sc["signals"]:
        if s["kind"] == "role-session" and s.get("issued"):
            issued.append({"access_key_id": s["session_key"], "role": s["role"], "instance": s["instance"],
                           "time": s["issued"], "evidence": "sts AssumeRole by AWSService ec2.amazonaws.com, "
                                                             "requestParameters.roleSessionName = instance id"})
    web1 = model.inst_by_name["web-1"]
    files = writer.written
    return {
        "_comment": "Generated by gen_cloudtrail.py from scenario.json with --seed %d. Counts are distinct "
                    "eventIDs (CloudTrail can deliver a record twice; lookup-events repeats records that are "
                    "also in the S3 files). Calls with errorCode count as calls (the key was used from that "
                    "address) and are also counted in error_calls." % seed,
        "seed": seed,
        "account": acct, "region": model.region,
        "rules": {
            "address_to_instance": "Use the describe-instances snapshot taken at or most recently before the call "
                                   "(snapshot times below; the files themselves carry no capture time).",
            "via": {"public": "sourceIPAddress is an instance's auto-assigned public IPv4 (ENI Association.IpOwnerId "
                              "'amazon')",
                    "elastic": "sourceIPAddress is an Elastic IP associated with the instance (describe-addresses "
                               "InstanceId, or ENI Association.IpOwnerId = the account)",
                    "vpc-endpoint": "record has vpcEndpointId; sourceIPAddress is a private address, matched only "
                                    "inside the endpoint's VPC (describe-vpc-endpoints VpcId)",
                    "nat": "sourceIPAddress is a NAT gateway's public IP; candidates are the running instances in "
                           "subnets whose effective route table (explicit association, else the VPC's main table) "
                           "sends 0.0.0.0/0 to that NAT gateway"},
            "role_session": "assumed-role/<role>/<i-...> with sessionContext.ec2RoleDelivery is an instance-profile "
                            "session of that instance: 'ok' when used from an address of that same instance, "
                            "'stolen' when used from an address that maps to no instance of the inventory",
        },
        "snapshots": {s["name"]: s["time"] for s in sc["snapshots"]},
        "snapshot_files": {s["name"]: "ec2/%s/%s-describe-instances.json" % (s["name"], model.region)
                           for s in sc["snapshots"]},
        "network_snapshot": sc.get("network_snapshot"),
        "findings": findings,
        "issued_role_credentials": issued,
        "not_findings": [
            {"what": "deploy-bot's key %s from office addresses %s" % (model.users["deploy-bot"]["access_key_id"],
                                                                        ", ".join(sc["decoys"]["office_addresses"][:2])),
             "why": "not an address of any instance, NAT gateway or endpoint; scenario 1 counts only the calls "
                    "from 203.0.113.10"},
            {"what": "alice's and bob's AKIA keys (office IPv4/IPv6, 198.18.0.0/15, 2001:db8::/32)",
             "why": "human users, never from an instance address"},
            {"what": "IAMUser records whose accessKeyId starts ASIA with sessionCredentialFromConsole",
             "why": "console sessions: temporary credentials of an IAM user, not a long-term key"},
            {"what": "assumed-role/aws:ec2-instance/%s (SSM agent, from %s)" % (web1["id"], web1["public_ip"]),
             "why": "EC2 instance identity role, not an instance-profile role: must not be reported as web-role "
                    "evidence nor as stolen"},
            {"what": "Lambda/ECS role sessions, service-linked roles, AWSService, 'AWS Internal', AwsServiceEvent "
                     "records, S3 data events through VPC endpoints this inventory does not list, from 10.99.x.x",
             "why": "no instance session name, or an endpoint/VPC that is not in the inventory"},
            {"what": "instance %s (%s) in %s" % (model.inst_by_name["legacy-db"]["id"], "legacy-db",
                                                 model.inst_by_name["legacy-db"]["vpc"]),
             "why": "same private IP 10.10.2.15 as worker-1, but another VPC than the endpoint of scenario 3"},
            {"what": "spare Elastic IP 198.51.100.99", "why": "allocated, associated with nothing; no calls"},
            {"what": "sts AssumeRole records by AWSService ec2.amazonaws.com for web-1, web-2, web-3 and app-1 "
                     "every 5-7 hours (credential refresh)",
             "why": "issue instance credentials (ASIA ids) but carry no caller address; only the web-1 session "
                    "listed in issued_role_credentials is ever used"},
        ],
        "files": {
            "log_files": len(files),
            "log_files_gzip": sum(1 for w in files if not w["uncompressed"]),
            "log_files_uncompressed": [("s3/%s/%s" % (model.sc["trail"]["bucket"], w["key"])) for w in files if w["uncompressed"]],
            "digest_files_to_ignore": ["s3/%s/%s" % (model.sc["trail"]["bucket"], digest_rel)] if digest_rel else [],
            "records_in_log_files": sum(w["records"] for w in files),
            "distinct_event_ids_in_log_files": None,  # filled in below
            "duplicate_records": 1 if any(s.get("duplicate_one") for s in sc["signals"]) else 0,
            "noise_records": noise_made,
            "member_account_files": sum(1 for w in files if w["account"] == sc["organization"]["member_account"]),
            "lookup_events": lookup_info,
        },
    }


# --------------------------------------------------------------------------------------------
# generate
# --------------------------------------------------------------------------------------------

def cmd_generate(args):
    sc = load_json(args.scenario) if args.scenario else default_scenario()
    out = os.path.abspath(args.out)
    if os.path.isdir(out):
        for name in ("ec2", "s3", "lookup-events"):
            shutil.rmtree(os.path.join(out, name), ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    rng = random.Random(args.seed)
    model = Model(sc)
    t0 = time.time()
    for snap, _ in model.snapshots:
        write_bytes(os.path.join(out, "ec2", snap, "%s-describe-instances.json" % model.region),
                    dumps_cli(model.describe_instances(snap)).encode())
    for name, doc in model.network_docs().items():
        write_bytes(os.path.join(out, "ec2", model.region, name), dumps_cli(doc).encode())
    writer, meta, lookup_records, digest_rel, nbytes, made = generate_logs(model, rng, out, args.size_mb, args.gzip_level)
    lookup_info = None
    if not args.size_mb and sc.get("lookup"):
        pages, nrec, npages = write_lookup_pages(out, lookup_records, rng, int(sc["lookup"]["max_items"]), args.v2_offset)
        lookup_info = {"window": [sc["lookup"]["start"], sc["lookup"]["end"]], "events": nrec,
                       "pages_per_variant": npages, "v1": "EventTime epoch seconds (JSON number)",
                       "v2": "EventTime ISO 8601 with the offset %s" % args.v2_offset,
                       "command": "aws cloudtrail lookup-events --start-time %s --end-time %s --max-items %d "
                                  "[--starting-token <NextToken>]" % (sc["lookup"]["start"], sc["lookup"]["end"],
                                                                      sc["lookup"]["max_items"])}
    exp = build_expected(model, meta, writer, digest_rel, lookup_info, args.seed, made)
    ids = set()
    for w in writer.written:
        path = os.path.join(out, "s3", sc["trail"]["bucket"], w["key"])
        for r in read_records(path):
            ids.add(r["eventID"])
    exp["files"]["distinct_event_ids_in_log_files"] = len(ids)
    exp_path = args.expected or os.path.join(os.path.dirname(out), "expected.json")
    if not args.size_mb or args.expected:
        write_bytes(exp_path, (json.dumps(exp, indent=2) + "\n").encode())
    dtm = time.time() - t0
    print("wrote %d log files (%.1f MB uncompressed JSON, %d noise records) in %.1f s into %s"
          % (len(writer.written), nbytes / 1048576, made, dtm, out), file=sys.stderr)
    if not args.size_mb or args.expected:
        print("expected conclusions: %s" % exp_path, file=sys.stderr)


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_records(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    doc = json.loads(data)
    return doc["Records"]


# --------------------------------------------------------------------------------------------
# verify: independent reference resolver
# --------------------------------------------------------------------------------------------

LOG_RE = re.compile(r"^(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{8}T\d{4}Z)_([A-Za-z0-9]{16})\.json(\.gz)?$")


def classify(doc):
    if not isinstance(doc, dict):
        return "unknown"
    if "Records" in doc:
        return "cloudtrail-log"
    if "digestS3Object" in doc or "logFiles" in doc:
        return "cloudtrail-digest"
    if "Events" in doc and all(isinstance(e, dict) and "CloudTrailEvent" in e for e in doc["Events"]):
        return "cloudtrail-lookup-events"
    for k, kind in (("Reservations", "ec2-describe-instances"), ("Addresses", "ec2-describe-addresses"),
                    ("NatGateways", "ec2-describe-nat-gateways"), ("RouteTables", "ec2-describe-route-tables"),
                    ("Subnets", "ec2-describe-subnets"), ("VpcEndpoints", "ec2-describe-vpc-endpoints"),
                    ("NetworkInterfaces", "ec2-describe-network-interfaces")):
        if k in doc:
            return kind
    return "unknown"


def is_ip(s):
    try:
        ipaddress.ip_address(s)
        return True
    except ValueError:
        return False


class Resolver:
    def __init__(self, out, snapshot_times):
        ec2 = os.path.join(out, "ec2")
        self.snaps = []  # (time, {instance_id: inst})
        for name, t in sorted(snapshot_times.items(), key=lambda x: x[1]):
            path = None
            for root, _, fs in os.walk(os.path.join(ec2, name)):
                for f in fs:
                    path = os.path.join(root, f)
            doc = load_json(path)
            assert classify(doc) == "ec2-describe-instances", path
            insts = {}
            for r in doc["Reservations"]:
                for i in r["Instances"]:
                    insts[i["InstanceId"]] = i
            self.snaps.append((parse_time(t), insts))
        docs = {}
        for root, _, fs in os.walk(ec2):
            for f in fs:
                if root.endswith(tuple(snapshot_times)):
                    continue
                d = load_json(os.path.join(root, f))
                docs[classify(d)] = d
        self.nat_by_ip = {}
        for n in docs["ec2-describe-nat-gateways"]["NatGateways"]:
            for a in n.get("NatGatewayAddresses", []):
                if a.get("PublicIp"):
                    self.nat_by_ip[a["PublicIp"]] = n
        self.vpce = {e["VpcEndpointId"]: e for e in docs["ec2-describe-vpc-endpoints"]["VpcEndpoints"]}
        self.eip = {a["PublicIp"]: a for a in docs["ec2-describe-addresses"]["Addresses"]}
        self.subnets = {s["SubnetId"]: s for s in docs["ec2-describe-subnets"]["Subnets"]}
        self.rt_explicit, self.rt_main = {}, {}
        for rt in docs["ec2-describe-route-tables"]["RouteTables"]:
            for a in rt.get("Associations", []):
                if a.get("Main"):
                    self.rt_main[rt["VpcId"]] = rt
                elif a.get("SubnetId"):
                    self.rt_explicit[a["SubnetId"]] = rt
        self.docs = docs

    def snapshot_at(self, t):
        best = None
        for st, insts in self.snaps:
            if st <= t:
                best = insts
        return best

    def route_table(self, subnet_id):
        if subnet_id in self.rt_explicit:
            return self.rt_explicit[subnet_id]
        return self.rt_main.get(self.subnets[subnet_id]["VpcId"])

    def resolve(self, address, t, vpce_id):
        """-> (via, instance or None, candidates, extra)"""
        if not is_ip(address):
            return None, None, [], {}
        insts = self.snapshot_at(t)
        if insts is None:
            return None, None, [], {"note": "before the first snapshot"}
        if vpce_id:
            ep = self.vpce.get(vpce_id)
            if not ep:
                return None, None, [], {"note": "unknown endpoint"}
            c = [i for i in insts.values() if i.get("VpcId") == ep["VpcId"] and i.get("PrivateIpAddress") == address]
            ids = [i["InstanceId"] for i in c]
            return ("vpc-endpoint" if ids else None), (ids[0] if len(ids) == 1 else None), ids, {}
        for i in insts.values():
            if i.get("PublicIpAddress") == address:
                owner = i["NetworkInterfaces"][0].get("Association", {}).get("IpOwnerId")
                via = "public" if owner == "amazon" else "elastic"
                return via, i["InstanceId"], [i["InstanceId"]], {}
        nat = self.nat_by_ip.get(address)
        if nat:
            cands = []
            for i in insts.values():
                if i["State"]["Name"] != "running" or not i.get("SubnetId"):
                    continue
                rt = self.route_table(i["SubnetId"])
                if rt and any(r.get("NatGatewayId") == nat["NatGatewayId"] and r.get("DestinationCidrBlock") == "0.0.0.0/0"
                              for r in rt["Routes"]):
                    cands.append(i["InstanceId"])
            cands.sort()
            return "nat", (cands[0] if len(cands) == 1 else None), cands, {"nat_gateway": nat["NatGatewayId"]}
        return None, None, [], {}


def cmd_verify(args):
    out = os.path.abspath(args.out)
    exp = load_json(args.expected or os.path.join(os.path.dirname(out), "expected.json"))
    problems = []
    kinds = collections.Counter()
    records = {}
    dup = 0
    log_files = 0
    unc = []
    digests = []
    for root, _, fs in os.walk(os.path.join(out, "s3")):
        for f in sorted(fs):
            p = os.path.join(root, f)
            rel = os.path.relpath(p, out)
            with open(p, "rb") as fh:
                data = fh.read()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            doc = json.loads(data)
            k = classify(doc)
            kinds[k] += 1
            if k == "cloudtrail-digest":
                digests.append(rel)
                if "/CloudTrail-Digest/" not in rel or "_CloudTrail-Digest_" not in f:
                    problems.append("digest not at a digest path: " + rel)
                for lf in doc["logFiles"]:
                    lp = os.path.join(out, "s3", doc["digestS3Bucket"], lf["s3Object"])
                    body = gzip.decompress(open(lp, "rb").read())
                    if hashlib.sha256(body).hexdigest() != lf["hashValue"]:
                        problems.append("digest hash mismatch " + lf["s3Object"])
                continue
            if k != "cloudtrail-log":
                problems.append("unexpected document in s3/: %s (%s)" % (rel, k))
                continue
            log_files += 1
            if not f.endswith(".gz"):
                unc.append(rel)
            m = LOG_RE.match(f)
            if not m:
                problems.append("bad log file name " + f)
                continue
            acct, region = m.group(1), m.group(2)
            parts = rel.split("/")
            if "AWSLogs" not in parts:
                problems.append("no AWSLogs in " + rel)
            i = parts.index("AWSLogs")
            tail = parts[i + 1:]
            if tail[0].startswith("o-"):
                tail = tail[1:]
            if tail[0] != acct or tail[1] != "CloudTrail" or tail[2] != region:
                problems.append("path/name mismatch " + rel)
            if "/".join(tail[3:6]) != m.group(3)[:4] + "/" + m.group(3)[4:6] + "/" + m.group(3)[6:8]:
                problems.append("date folder mismatch " + rel)
            for r in doc["Records"]:
                if r["recipientAccountId"] != acct:
                    problems.append("record of another account in " + rel)
                if r["eventID"] in records:
                    if records[r["eventID"]] != r:
                        problems.append("same eventID, different record " + r["eventID"])
                    dup += 1
                records[r["eventID"]] = r
    fx = exp["files"]
    if log_files != fx["log_files"]:
        problems.append("log file count %d != %d" % (log_files, fx["log_files"]))
    if len(records) != fx["distinct_event_ids_in_log_files"]:
        problems.append("distinct ids %d != %d" % (len(records), fx["distinct_event_ids_in_log_files"]))
    if dup != fx["duplicate_records"]:
        problems.append("duplicates %d != %d" % (dup, fx["duplicate_records"]))
    if sorted(unc) != sorted(fx["log_files_uncompressed"]):
        problems.append("uncompressed files differ: %s" % unc)
    if sorted(digests) != sorted(fx["digest_files_to_ignore"]):
        problems.append("digest files differ: %s" % digests)

    # lookup pages
    lk = fx.get("lookup_events")
    if lk:
        for variant in ("v1", "v2"):
            d = os.path.join(out, "lookup-events", variant)
            pages = sorted(os.listdir(d))
            if len(pages) != lk["pages_per_variant"]:
                problems.append("%s pages %d" % (variant, len(pages)))
            n = 0
            for j, pg in enumerate(pages):
                doc = load_json(os.path.join(d, pg))
                if classify(doc) != "cloudtrail-lookup-events":
                    problems.append("lookup page kind " + pg)
                has = "NextToken" in doc
                if has != (j < len(pages) - 1):
                    problems.append("NextToken placement %s/%s" % (variant, pg))
                for e in doc["Events"]:
                    n += 1
                    inner = json.loads(e["CloudTrailEvent"])
                    if records.get(e["EventId"]) != inner:
                        problems.append("lookup event differs from log record " + e["EventId"])
                    if variant == "v1" and not isinstance(e["EventTime"], (int, float)):
                        problems.append("v1 EventTime not a number")
                    if variant == "v2":
                        if not isinstance(e["EventTime"], str) or parse_time(e["EventTime"]) != parse_time(inner["eventTime"]):
                            problems.append("v2 EventTime wrong " + str(e["EventTime"]))
                    elif dt.datetime.fromtimestamp(e["EventTime"], UTC) != parse_time(inner["eventTime"]):
                        problems.append("v1 EventTime wrong")
            if n != lk["events"]:
                problems.append("lookup %s events %d != %d" % (variant, n, lk["events"]))

    # reference resolution of every record that carries a key and an address
    res = Resolver(out, exp["snapshots"])
    groups = collections.defaultdict(list)
    for r in records.values():
        ui = r.get("userIdentity", {})
        kid = ui.get("accessKeyId") or ""
        addr = r.get("sourceIPAddress", "")
        t = parse_time(r["eventTime"])
        typ = ui.get("type")
        if typ == "IAMUser" and kid.startswith("AKIA"):
            via, inst, cands, extra = res.resolve(addr, t, r.get("vpcEndpointId"))
            if via:
                groups[("access-key", kid, addr, r.get("vpcEndpointId"), via, inst, tuple(cands))].append(r)
        elif typ == "AssumedRole":
            arn = ui.get("arn", "")
            parts = arn.split(":assumed-role/")[-1].split("/")
            ctx = ui.get("sessionContext", {})
            if len(parts) == 2 and re.match(r"^i-[0-9a-f]{8,17}$", parts[1]) and ctx.get("ec2RoleDelivery") \
                    and not parts[0].startswith("aws:"):
                session_inst = parts[1]
                via, inst, cands, extra = res.resolve(addr, t, r.get("vpcEndpointId"))
                verdict = "ok" if inst == session_inst or session_inst in cands else ("stolen" if is_ip(addr) and not via else "other")
                groups[("role-session", kid, addr, r.get("vpcEndpointId"), via, inst if verdict == "ok" else session_inst,
                        tuple(cands), verdict)].append(r)
    got = []
    for key, rs in groups.items():
        times = sorted(parse_time(r["eventTime"]) for r in rs)
        g = {"kind": key[0], "access_key_id": key[1], "address": key[2], "vpc_endpoint": key[3], "via": key[4],
             "instance": key[5], "candidate_instances": list(key[6]), "calls": len(rs),
             "error_calls": sum(1 for r in rs if r.get("errorCode")),
             "first_time": iso(times[0]), "last_time": iso(times[-1]),
             "event_ids": sorted(r["eventID"] for r in rs)}
        if key[0] == "role-session":
            g["verdict"] = key[7]
        got.append(g)

    # scenario 6: the same key and address split by snapshot -> group by instance as well
    def norm(f):
        d = {k: f.get(k) for k in ("kind", "access_key_id", "address", "vpc_endpoint", "via", "instance",
                                   "candidate_instances", "calls", "error_calls", "first_time", "last_time",
                                   "event_ids")}
        if f["kind"] == "role-session":
            d["verdict"] = f["verdict"]
            if d["verdict"] == "stolen":
                d["instance"] = f.get("session_instance", f.get("instance"))
        d["candidate_instances"] = sorted(d["candidate_instances"] or [])
        return json.dumps(d, sort_keys=True)

    want = sorted(norm(f) for f in exp["findings"])
    have = sorted(norm(g) for g in got)
    if want != have:
        for x in sorted(set(want) - set(have)):
            problems.append("expected but not found: " + x)
        for x in sorted(set(have) - set(want)):
            problems.append("found but not expected: " + x)

    # the EC2 documents are AWS CLI shaped and recognisable
    for root, _, fs in os.walk(os.path.join(out, "ec2")):
        for f in fs:
            k = classify(load_json(os.path.join(root, f)))
            kinds[k] += 1
            if k == "unknown":
                problems.append("unknown ec2 document " + f)
    for k in key_ids_in(exp):
        if key_account(k) != exp["account"]:
            problems.append("key id %s does not decode to the account" % k)
    print("documents by kind: %s" % dict(sorted(kinds.items())))
    print("records: %d distinct eventIDs (%d duplicate), %d log files (%d uncompressed), %d digest"
          % (len(records), dup, log_files, len(unc), len(digests)))
    print("reference resolver found %d key/address groups; expected %d" % (len(got), len(exp["findings"])))
    if problems:
        print("\n".join("PROBLEM: " + p for p in problems))
        print("0 passed, 1 failed")
        return 1
    print("1 passed, 0 failed")
    return 0


def key_ids_in(exp):
    for f in exp["findings"]:
        yield f["access_key_id"]


# --------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("scenario")
    g = sub.add_parser("generate")
    g.add_argument("--scenario", default=os.path.join(HERE, "scenario.json"))
    g.add_argument("--out", default=os.path.join(HERE, "sample"))
    g.add_argument("--expected", default=None)
    g.add_argument("--seed", type=int, default=118)
    g.add_argument("--size-mb", type=float, default=None)
    g.add_argument("--gzip-level", type=int, default=6)
    g.add_argument("--v2-offset", default="-05:00",
                   help="UTC offset AWS CLI v2 would print (it uses the local time zone); default -05:00")
    v = sub.add_parser("verify")
    v.add_argument("--out", default=os.path.join(HERE, "sample"))
    v.add_argument("--expected", default=None)
    args = ap.parse_args()
    if args.cmd == "scenario":
        sys.stdout.write(json.dumps(default_scenario(), indent=2) + "\n")
        return 0
    if args.cmd == "generate":
        if args.scenario and not os.path.exists(args.scenario):
            sys.exit("no scenario file %s (write one with: gen_cloudtrail.py scenario > scenario.json)" % args.scenario)
        cmd_generate(args)
        return 0
    return cmd_verify(args)


if __name__ == "__main__":
    sys.exit(main())
