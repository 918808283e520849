#!/usr/bin/env python3
"""Generate a synthetic `aws ec2 describe-instances` document for benchmarking invdb.

Usage:
    Scripts/perf/gen-describe-instances.py N OUT.json [--seed S] [--iam-out IAM.json]

Writes N instances in exactly the shape `aws ec2 describe-instances --output json` prints
(AWS CLI v2: indent 4, keys in botocore shape-member order, ISO 8601 timestamps with
+00:00, pagination tokens dropped, trailing newline). Account 123456789012, region
us-east-1. About 80% running, 10% stopped, 5% terminated (no profile, no ENIs, no
VPC/subnet/private IP, like AWS), 5% pending/stopping/shutting-down. Reservations hold
mostly one instance, some 2-5. The same N and seed always give the same bytes.

Reservations are written one at a time, so memory stays small (~20 MB) even for
N=100000, which takes ~20 s and writes ~750 MB (7.5 kB per instance, over half of it the
CLI's indentation). With --iam-out, also writes the matching
`aws iam list-instance-profiles` document holding every profile the instances use:
most hold one role trusting ec2.amazonaws.com, a few hold no role, a few hold a role
that trusts only lambda.amazonaws.com.
"""
import argparse
import bisect
import datetime
import itertools
import json
import random
import uuid

ACCOUNT = "123456789012"
REGION = "us-east-1"
AZS = [REGION + z for z in "abcdef"]
EPOCH = datetime.datetime(2019, 1, 1, tzinfo=datetime.timezone.utc)
SPAN_SECONDS = 5 * 365 * 86400  # launch times spread over 2019-2023

# State.Name -> (State.Code, share of instances)
STATES = {"running": (16, 80), "stopped": (80, 10), "terminated": (48, 5),
          "pending": (0, 2), "stopping": (64, 1.5), "shutting-down": (32, 1.5)}
# InstanceType -> (vCPUs, architecture, EbsOptimized)
TYPES = {"t3.micro": (2, "x86_64", False), "t3.medium": (2, "x86_64", False),
         "t3.large": (2, "x86_64", False), "m5.large": (2, "x86_64", True),
         "m5.xlarge": (4, "x86_64", True), "m6i.2xlarge": (8, "x86_64", True),
         "c5.xlarge": (4, "x86_64", True), "r5.large": (2, "x86_64", True),
         "t4g.small": (2, "arm64", False), "m6g.large": (2, "arm64", True),
         "c6g.xlarge": (4, "arm64", True)}
APPS = ["web", "api", "billing", "search", "auth", "batch", "etl", "cache", "queue",
        "reports", "ml", "ingest", "admin", "cms", "payments", "notify", "gateway",
        "metrics", "logs", "vpn", "bastion", "jenkins", "gitlab", "kafka", "elastic"]
ENVS = ["prod", "staging", "dev", "qa"]
EXTRA_TAGS = ["Team", "Owner", "CostCenter", "Application", "Backup", "ManagedBy",
              "aws:cloudformation:stack-name", "Compliance"]
# (PlatformDetails, UsageOperation, Platform or None, root device) and weights
OSES = [("Linux/UNIX", "RunInstances", None, "/dev/xvda"),
        ("Linux/UNIX", "RunInstances", None, "/dev/sda1"),
        ("Red Hat Enterprise Linux", "RunInstances:0010", None, "/dev/sda1"),
        ("Windows", "RunInstances:0002", "windows", "/dev/sda1")]
OS_WEIGHTS = [60, 25, 8, 7]


def iso(seconds):
    """Timestamp as the CLI prints it, e.g. 2022-11-15T10:48:59+00:00."""
    return (EPOCH + datetime.timedelta(seconds=seconds)).isoformat()


class World:
    """The fixed surroundings instances are drawn from: VPCs, subnets, groups, profiles."""

    def __init__(self, rng):
        self.rng = rng
        self.vpcs = []  # (vpc_id, index, {az: (subnet_id, ip_base)}, [security groups])
        for v in range(6):
            subnets = {az: (self.id("subnet"), (10 << 24) | ((16 * v + 2 * a) << 16))
                       for a, az in enumerate(AZS)}  # 10.(16v+2a).0.0/15 per AZ
            groups = [("default", self.id("sg"))] + [
                (rng.choice([f"{rng.choice(APPS)}-sg", f"launch-wizard-{rng.randrange(200)}"]),
                 self.id("sg")) for _ in range(30)]
            self.vpcs.append((self.id("vpc"), v, subnets, groups))
        self.vpc_weights = list(itertools.accumulate([40, 25, 15, 10, 6, 4]))
        self.next_ip = {}  # subnet_id -> next free host offset (AWS reserves .0-.3)
        self.amis = [(self.id("ami"), rng.choices(range(len(OSES)), OS_WEIGHTS)[0])
                     for _ in range(25)]
        self.keys = [f"{a}-{e}-key" for a in APPS[:8] for e in ENVS[:2]]
        self.profiles = self.make_profiles(300)
        # Zipf-like popularity: a few profiles are used by many instances.
        self.profile_weights = list(itertools.accumulate(1 / (k + 1) ** 0.8
                                                         for k in range(len(self.profiles))))
        self.used_profiles = set()

    def id(self, prefix):
        return f"{prefix}-0{self.rng.getrandbits(64):016x}"  # long ids start with 0

    def aws_id(self, prefix):  # AIPA…/AROA… unique ids: prefix + 17 base32 chars
        return prefix + "".join(self.rng.choices("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", k=17))

    def make_profiles(self, count):
        profiles, seen = [], {}
        while len(profiles) < count:
            app, env = self.rng.choice(APPS), self.rng.choice(ENVS)
            seen[app, env] = seen.get((app, env), 0) + 1  # web-prod, web-prod-2, ...
            name = f"{app}-{env}" + (f"-{seen[app, env]}" if seen[app, env] > 1 else "")
            path = "/" if self.rng.random() < 0.85 else "/service/"
            created = self.rng.randrange(SPAN_SECONDS // 2)
            kind = self.rng.choices(["ec2", "none", "lambda", "ec2+ssm"], [90, 4, 4, 2])[0]
            profile = {"Path": path, "InstanceProfileName": name,
                       "InstanceProfileId": self.aws_id("AIPA"),
                       "Arn": f"arn:aws:iam::{ACCOUNT}:instance-profile{path}{name}",
                       "CreateDate": iso(created), "Roles": []}
            if kind != "none":
                service = {"ec2": "ec2.amazonaws.com", "lambda": "lambda.amazonaws.com",
                           "ec2+ssm": ["ec2.amazonaws.com", "ssm.amazonaws.com"]}[kind]
                profile["Roles"].append({
                    "Path": path, "RoleName": name, "RoleId": self.aws_id("AROA"),
                    "Arn": f"arn:aws:iam::{ACCOUNT}:role{path}{name}",
                    "CreateDate": iso(created - 60),
                    "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Principal": {"Service": service},
                         "Action": "sts:AssumeRole"}]}})
            profiles.append((app, env, profile))
        return profiles

    def pick_profile(self):
        k = bisect.bisect(self.profile_weights, self.rng.random() * self.profile_weights[-1])
        self.used_profiles.add(k)
        return self.profiles[k]

    def private_ip(self, subnet_id, ip_base):
        offset = self.next_ip.get(subnet_id, 4)
        self.next_ip[subnet_id] = offset + 1
        n = ip_base + offset % (1 << 17)
        return f"{n >> 24}.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"

    def public_ip(self):
        r = self.rng.getrandbits(24)
        return f"{self.rng.choice([3, 18, 34, 44, 52, 54])}.{r >> 16}.{r >> 8 & 255}.{r & 255}"


def private_dns(ip):
    return f"ip-{ip.replace('.', '-')}.ec2.internal"


def public_dns(ip):
    return f"ec2-{ip.replace('.', '-')}.compute-1.amazonaws.com"


def network_interface(w, vpc, subnet, groups, index, launched, public_ip):
    """One Instances[].NetworkInterfaces[] entry, keys in CLI order."""
    rng = w.rng
    ip = w.private_ip(*subnet)
    association = ({"IpOwnerId": "amazon", "PublicDnsName": public_dns(public_ip),
                    "PublicIp": public_ip} if public_ip else None)
    primary = {"Association": association} if association else {}
    primary.update(Primary=True, PrivateDnsName=private_dns(ip), PrivateIpAddress=ip)
    ips = [primary]
    for _ in range(rng.choices([0, 1, 2], [90, 7, 3])[0]):  # secondary private IPs
        extra = w.private_ip(*subnet)
        ips.append({"Primary": False, "PrivateDnsName": private_dns(extra),
                    "PrivateIpAddress": extra})
    ipv6 = ([{"Ipv6Address": f"2600:1f18:{0x4a00 + vpc[1]:x}:{rng.getrandbits(16):x}:"
                             f"{rng.getrandbits(16):x}:{rng.getrandbits(16):x}:"
                             f"{rng.getrandbits(16):x}:{rng.getrandbits(16):x}"}]
            if rng.random() < 0.1 else [])
    eni = {}
    if association:
        eni["Association"] = association
    eni.update({
        "Attachment": {"AttachTime": iso(launched), "AttachmentId": w.id("eni-attach"),
                       "DeleteOnTermination": index == 0, "DeviceIndex": index,
                       "Status": "attached", "NetworkCardIndex": 0},
        "Description": "" if index == 0 else "secondary interface",
        "Groups": [{"GroupName": n, "GroupId": g} for n, g in groups],
        "Ipv6Addresses": ipv6,
        "MacAddress": "0e:" + ":".join(f"{b:02x}" for b in rng.randbytes(5)),
        "NetworkInterfaceId": w.id("eni"), "OwnerId": ACCOUNT,
        "PrivateDnsName": private_dns(ip), "PrivateIpAddress": ip,
        "PrivateIpAddresses": ips, "SourceDestCheck": True, "Status": "in-use",
        "SubnetId": subnet[0], "VpcId": vpc[0], "InterfaceType": "interface"})
    return eni


def instance(w, seq, index, launch, state):
    """One Reservations[].Instances[] entry, keys in CLI order."""
    rng = w.rng
    vpc, az, subnet, itype, (ami, os_index), launched, token = launch
    details, usage, platform, root_device = OSES[os_index]
    vcpus, arch, ebs_optimized = TYPES[itype]
    code = STATES[state][0]
    live = state != "terminated"
    has_profile = live and rng.random() < 0.92
    app, env, profile = w.pick_profile() if has_profile else (rng.choice(APPS), rng.choice(ENVS), None)
    groups = rng.sample(vpc[3], rng.choice([1, 1, 2, 3]))
    public_ip = w.public_ip() if live and state != "stopped" and rng.random() < 0.3 else None
    enis = [network_interface(w, vpc, subnet, groups, 0, launched, public_ip)] if live else []
    if live and rng.random() < 0.15:
        second = rng.sample(vpc[3], 1)
        enis.append(network_interface(w, vpc, subnet, second, 1, launched + 30, None))
        groups = groups + [g for g in second if g not in groups]
    changed = launched + rng.randrange(SPAN_SECONDS // 10)
    reason = (f"User initiated ({iso(changed)[:19].replace('T', ' ')} GMT)"
              if state in ("stopped", "terminated", "stopping", "shutting-down") else "")

    inst = {"AmiLaunchIndex": index, "ImageId": ami, "InstanceId": w.id("i"),
            "InstanceType": itype}
    if rng.random() < 0.9:
        inst["KeyName"] = rng.choice(w.keys)
    inst["LaunchTime"] = iso(launched)
    inst["Monitoring"] = {"State": "enabled" if rng.random() < 0.1 else "disabled"}
    inst["Placement"] = {"AvailabilityZone": az, "GroupName": "", "Tenancy": "default"}
    if platform:
        inst["Platform"] = platform
    inst["PrivateDnsName"] = enis[0]["PrivateDnsName"] if live else ""
    if live:
        inst["PrivateIpAddress"] = enis[0]["PrivateIpAddress"]
    inst["ProductCodes"] = []
    inst["PublicDnsName"] = public_dns(public_ip) if public_ip else ""
    if public_ip:
        inst["PublicIpAddress"] = public_ip
    inst["State"] = {"Code": code, "Name": state}
    inst["StateTransitionReason"] = reason
    if live:
        inst["SubnetId"] = subnet[0]
        inst["VpcId"] = vpc[0]
    inst["Architecture"] = arch
    volumes = [root_device] + (["/dev/sdf"] if rng.random() < 0.3 else [])
    inst["BlockDeviceMappings"] = [
        {"DeviceName": d, "Ebs": {"AttachTime": iso(launched + 1), "DeleteOnTermination": d == root_device,
                                  "Status": "attached", "VolumeId": w.id("vol")}}
        for d in (volumes if live else [])]
    inst["ClientToken"] = token
    inst["EbsOptimized"] = ebs_optimized
    inst["EnaSupport"] = True
    inst["Hypervisor"] = "xen"
    if profile:
        inst["IamInstanceProfile"] = {"Arn": profile["Arn"], "Id": profile["InstanceProfileId"]}
    inst["NetworkInterfaces"] = enis
    inst["RootDeviceName"] = root_device
    inst["RootDeviceType"] = "ebs"
    inst["SecurityGroups"] = [{"GroupName": n, "GroupId": g} for n, g in groups] if live else []
    if live:
        inst["SourceDestCheck"] = True
    if state != "running":
        inst["StateReason"] = ({"Code": "pending", "Message": "pending"} if state == "pending" else
                               {"Code": "Client.UserInitiatedShutdown",
                                "Message": "Client.UserInitiatedShutdown: User initiated shutdown"})
    tags = [{"Key": "Name", "Value": f"{app}-{env}-{seq:06d}"},
            {"Key": "Environment", "Value": env}]
    tags += [{"Key": k, "Value": f"{app}-{k.lower().split(':')[-1]}"}
             for k in rng.sample(EXTRA_TAGS, rng.randrange(1, 4))]
    inst["Tags"] = tags
    inst["VirtualizationType"] = "hvm"
    threads = 2 if arch == "x86_64" else 1
    inst["CpuOptions"] = {"CoreCount": vcpus // threads, "ThreadsPerCore": threads}
    inst["CapacityReservationSpecification"] = {"CapacityReservationPreference": "open"}
    inst["HibernationOptions"] = {"Configured": False}
    v2 = rng.random() < 0.6
    inst["MetadataOptions"] = {"State": "pending" if state in ("pending", "terminated") else "applied",
                               "HttpTokens": "required" if v2 else "optional",
                               "HttpPutResponseHopLimit": 2 if v2 else 1, "HttpEndpoint": "enabled",
                               "HttpProtocolIpv6": "disabled", "InstanceMetadataTags": "disabled"}
    inst["EnclaveOptions"] = {"Enabled": False}
    inst["PlatformDetails"] = details
    inst["UsageOperation"] = usage
    inst["UsageOperationUpdateTime"] = iso(launched)
    inst["PrivateDnsNameOptions"] = {"HostnameType": "ip-name", "EnableResourceNameDnsARecord": False,
                                     "EnableResourceNameDnsAAAARecord": False}
    inst["MaintenanceOptions"] = {"AutoRecovery": "default"}
    inst["CurrentInstanceBootMode"] = "uefi" if arch == "arm64" else "legacy-bios"
    return inst


def reservations(w, n):
    """Yield reservations (dicts) until n instances have been produced."""
    rng = w.rng
    states = list(STATES)
    state_weights = list(itertools.accumulate(s[1] for s in STATES.values()))
    seq = 0
    while seq < n:
        size = min(n - seq, 1 if rng.random() < 0.85 else rng.randint(2, 5))
        # Instances of one reservation share one launch request's settings.
        vpc = w.vpcs[bisect.bisect(w.vpc_weights, rng.random() * w.vpc_weights[-1])]
        az = rng.choice(AZS)
        token = rng.choice(["", str(uuid.UUID(int=rng.getrandbits(128), version=4))])
        launch = (vpc, az, vpc[2][az], rng.choice(list(TYPES)), rng.choice(w.amis),
                  rng.randrange(SPAN_SECONDS), token)
        instances = []
        for index in range(size):
            state = states[bisect.bisect(state_weights, rng.random() * state_weights[-1])]
            instances.append(instance(w, seq, index, launch, state))
            seq += 1
        res = {"Groups": [], "Instances": instances, "OwnerId": ACCOUNT}
        if rng.random() < 0.1:
            res["RequesterId"] = "940372691376"  # launched by an Auto Scaling group
        res["ReservationId"] = w.id("r")
        yield res


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int, help="number of instances")
    ap.add_argument("out", help="describe-instances JSON to write")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--iam-out", help="also write list-instance-profiles JSON here")
    args = ap.parse_args()

    w = World(random.Random(args.seed))
    pad = "\n" + " " * 8
    with open(args.out, "w", buffering=1 << 20) as out:
        out.write('{\n    "Reservations": [')
        first = True
        for res in reservations(w, args.n):
            out.write(("" if first else ",") + pad + json.dumps(res, indent=4).replace("\n", pad))
            first = False
        out.write("]\n}\n" if first else "\n    ]\n}\n")

    if args.iam_out:
        used = sorted((w.profiles[k][2] for k in w.used_profiles),
                      key=lambda p: p["InstanceProfileName"])
        with open(args.iam_out, "w") as out:
            out.write(json.dumps({"InstanceProfiles": used}, indent=4) + "\n")


if __name__ == "__main__":
    main()
