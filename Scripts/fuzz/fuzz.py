#!/usr/bin/env python3
"""Mutation fuzzer for `invdb import` and `invdb scan` (Python 3 stdlib only; `make fuzz`).

Each case takes one file from Samples/ or Tests/Fixtures/ (not *.sh, *.py, *.md) and applies
1-3 seeded mutations: bit flips, deleted or repeated ranges, truncation, gzip and gzip of gzip,
extreme numbers, huge / control-character / JSON-escaped strings and member names, deep
nesting, multi-MB member names, duplicate members, wrong types, and user data replaced by a
YAML alias bomb, 20 nested gzip (or base64+gzip script) layers, or MIME with many parts.
With probability --plant, a fresh fake secret access key and key id are planted in a tag, a
string value, a scanner report's secret field, decoded user data or a line of a host file,
sometimes JSON-escaped (\\u0041, \\/).

Each case gets a fresh folder with a copy of a baseline database (Samples/aws imported once),
runs `invdb import --db DB FILE`, and `invdb scan --db DB HOSTS` for files from a host tree
(copied under hosts/i-0123456789abcdef0/; other files are scanned too, 1 time in 4), each with
a --timeout (10 s) and RLIMIT_AS 1 GiB. A case FAILS on: death by a signal, a timeout, an exit
code other than 0 or 2, a database changed by a run that exits 2, any 16-character piece of the
planted secret in the database folder (db, -journal, -wal, key file), stdout or stderr (checked
while the planted text is still intact in the input), a stderr line over 2,000 characters, or a
control character in stdout/stderr (other than \\n and \\t; C1 bytes and bidi overrides count).

A case is seeded by "SEED:N" alone, so `--seed S --case N` replays case N (same binary, same
input files). Prints one FAIL line per failing case, a count per kind of problem, then
`fuzz: N cases, F failures in S s (seed X)`. Exit 1 when a case failed, 64 on a setup error.
"""
import argparse, base64, copy, gzip, hashlib, itertools, json, os, random, re, resource
import shutil, signal, subprocess, sys, tempfile, time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = 'i-0123456789abcdef0'
NUMBERS = ['-9223372036854775808', '9223372036854775808', '9223372036854775807', '1e309', '-1e309',
           '-0', '12345678901234567890123456', '-12345678901234567890123456', '1.5', '1e-400']
CTRL = ['\x1b[2J\x1b[31mRED', '\x1b]0;title\x07', '\x00', '\u202e', '\u009b31m', '\r', '\x7f', '\b' * 8]
SECRET_FIELDS = {'Secret', 'SecretAccessKey', 'AWS_SECRET_ACCESS_KEY', 'RawV2', 'Match'}
B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
BAD_CHAR = re.compile('[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\udc80-\udc9f]')
NUMBER = re.compile(rb'-?\b\d+(?:\.\d+)?(?:[eE][+-]?\d+)?\b')  # anywhere, and as a JSON value:
NUMBER_VALUE = re.compile(rb'(?:(?<=[:\[,])|(?<=: ))-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?(?=[\s,\]}])')

class Obj(list):
    """A JSON object as a list of [name, value] pairs (so duplicate members are possible)."""

class Raw(str):
    """JSON text written verbatim: numbers as read, pre-escaped strings, deep nesting."""

def dump(v):
    if isinstance(v, Raw): return str(v)
    if isinstance(v, Obj): return '{' + ','.join(dump(k) + ':' + dump(x) for k, x in v) + '}'
    if isinstance(v, list): return '[' + ','.join(map(dump, v)) + ']'
    return json.dumps(v, ensure_ascii=False)

def parse(data):
    """([documents], is_json_lines), or (None, False) when the file is not JSON."""
    def load(t): return json.loads(t, object_pairs_hook=lambda p: Obj(map(list, p)),
                                   parse_int=Raw, parse_float=Raw, parse_constant=Raw)
    try:
        text = data.decode('utf-8')
        try: return [load(text)], False
        except ValueError: lines = [l for l in text.split('\n') if l.strip()]
        return ([load(l) for l in lines], True) if lines else (None, False)
    except (ValueError, RecursionError):
        return None, False

def slots(docs):
    """Every value as (container, index, member name or None): container[index] is the value."""
    out, stack = [], [docs]
    while stack:
        node = stack.pop()
        if isinstance(node, Obj):
            for pair in node: out.append((pair, 1, pair[0])); stack.append(pair[1])
        elif isinstance(node, list):
            for i, x in enumerate(node): out.append((node, i, None)); stack.append(x)
    return out

def escape(rng, s):
    """`s` as the inside of a JSON string, with random \\uXXXX and \\/ escapes."""
    out = []
    for ch in s:
        if ch == '/' and rng.random() < .7: out.append('\\/')
        elif ch in '"\\' or ord(ch) > 0xffff: out.append(json.dumps(ch)[1:-1])
        elif ord(ch) < 0x20 or ord(ch) > 0x7e or rng.random() < .4:
            out.append(rng.choice(['\\u%04x', '\\u%04X']) % ord(ch))
        else: out.append(ch)
    return ''.join(out)

class Case:
    def __init__(self, seed, n):
        self.rng, self.muts, self.markers, self.needles = random.Random(f'{seed}:{n}'), [], [], set()
        self.secret, self.leaked = None, False

    def new_secret(self):
        r = self.rng
        while True:  # 40 chars of the base64 alphabet, with upper, lower, digit, + and /
            s = ''.join(r.choice(B64) for _ in range(40))
            if all(any(ch in g for ch in s) for g in (B64[:26], B64[26:52], B64[52:62], '+', '/')): break
        self.secret, self.keyid = s, 'AKIA' + ''.join(r.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567') for _ in range(16))
        self.needles |= {s[i:i + 16] for i in range(25)}

    def text(self, template, escaped=False):
        """`template` with {k} (key id) and {s} (secret) filled in; escaped: as Raw JSON text."""
        if not escaped: return template.format(s=self.secret, k=self.keyid)
        head, tail = template.format(s='\0', k=self.keyid).split('\0')
        es = escape(self.rng, self.secret)
        self.needles |= {es[i:i + 16] for i in range(len(es) - 15)}
        return Raw('"' + escape(self.rng, head) + es + escape(self.rng, tail) + '"')

ENV_LINES = 'export AWS_ACCESS_KEY_ID={k}\nexport AWS_SECRET_ACCESS_KEY={s}\n'

# ---- mutations of the parsed JSON: f(case, docs) -> applied? ---------------------------------
def m_string(c, docs):
    r, s = c.rng, [x for x in slots(docs) if type(x[0][x[1]]) is str]
    if not s: return False
    box, i, _ = r.choice(s)
    old = box[i]
    box[i] = r.choice([lambda: r.choice('AZ\u00e9\u4e16') * r.choice([70_000, 1 << 20, 4 << 20]),
                       lambda: old + r.choice(CTRL) + old, lambda: Raw('"' + escape(r, old) + '"')])()
    return True

def m_name(c, docs):  # invdb detects the kind of a file from its member names
    s = [x for x in slots(docs) if x[2] is not None]
    if not s: return False
    pair = c.rng.choice(s)[0]
    pair[0] = Raw('"' + escape(c.rng, pair[0]) + '"') if c.rng.random() < .7 else pair[0] + c.rng.choice(CTRL)
    return True

def m_nest(c, docs):
    box, i, _ = c.rng.choice(slots(docs))
    box[i] = Raw(c.rng.choice(['[' * 10000 + ']' * 10000, '[' * 10000, '{"a":' * 10000 + '1' + '}' * 10000]))
    return True

def objects(docs): return [x[0][x[1]] for x in slots(docs) if isinstance(x[0][x[1]], Obj)]

def m_bigname(c, docs):
    o = c.rng.choice(objects(docs) or [None])
    if o is None: return False
    o.insert(c.rng.randint(0, len(o)), ['K' * c.rng.choice([1 << 20, 3 << 20, 5 << 20]), Raw('1')])
    return True

def m_dup(c, docs):
    o = c.rng.choice([o for o in objects(docs) if o] or [None])
    if o is None: return False
    j = c.rng.randrange(len(o))
    val = copy.deepcopy(o[j][1]) if c.rng.random() < .5 else c.rng.choice([None, Raw('0'), 'other', Obj(), []])
    o.insert(j + c.rng.choice([0, 1, len(o)]), [o[j][0], val])
    return True

def m_type(c, docs):
    box, i, _ = c.rng.choice(slots(docs))
    v = box[i]
    box[i] = c.rng.choice([[], Obj(), None, True, '', '123', Raw('1.5'), [v], Obj([['a', v]]),
                           str(v) if isinstance(v, Raw) else Raw('42')])
    return True

def user_data_values(docs):
    return [pair for box, i, n in slots(docs) if n == 'UserData' and isinstance(box[i], Obj)
            for pair in box[i] if pair[0] == 'Value' and type(pair[1]) is str]

def m_userdata(c, docs):
    r, values, extra = c.rng, user_data_values(docs), ''
    if not values: return False
    if c.secret is None and r.random() < .5: c.new_secret(); extra = c.text(ENV_LINES)
    kind = r.choice(['yaml-bomb', 'gzip20', 'b64gzip20', 'mime'])
    body = ('#!/bin/bash\n' + extra + 'echo ok\n').encode()
    if kind == 'yaml-bomb':
        lines = ['#cloud-config', 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        lines += [f'a{i}: &a{i} [' + ','.join([f'*a{i - 1}'] * 9) + ']' for i in range(1, 10)]
        lines += ['write_files:', '  - path: /etc/bomb', '    content: *a9', 'runcmd:', '  - |']
        body = '\n'.join(lines + ['    ' + l for l in extra.splitlines()]).encode()
    elif kind == 'gzip20':
        for _ in range(20): body = gzip.compress(body, mtime=0)
    elif kind == 'b64gzip20':
        for _ in range(20):
            body = b'#!/bin/bash\necho ' + base64.b64encode(gzip.compress(body, mtime=0)) + b' | base64 -d | gunzip | sh\n'
    else:
        n, b = r.choice([1000, 10000, 50000]), '==BOUNDARY=='
        parts = [f'--{b}\nContent-Type: text/x-shellscript\n\n#!/bin/sh\necho {i}\n' for i in range(n)]
        parts[r.randrange(n)] += extra
        body = (f'Content-Type: multipart/mixed; boundary="{b}"\nMIME-Version: 1.0\n\n' + ''.join(parts) + f'--{b}--\n').encode()
    pair = r.choice(values)
    pair[1] = base64.b64encode(body).decode()
    c.muts[-1] += '-' + kind
    if extra: c.markers.append(pair[1].encode())
    return True

TREE = {'string': m_string, 'name': m_name, 'nest': m_nest, 'bigname': m_bigname, 'dup': m_dup,
        'type': m_type, 'userdata': m_userdata}

# ---- mutations of the bytes: f(case, data) -> data -------------------------------------------
def span(r, data):
    a = r.randrange(len(data) + 1)
    return a, min(len(data), a + r.choice([1, 2, 8, 64, 4096]) * r.randint(1, 4))

def b_flip(c, data):
    b = bytearray(data)
    for _ in range(c.rng.randint(1, 8) if b else 0): b[c.rng.randrange(len(b))] ^= 1 << c.rng.randrange(8)
    return bytes(b)

def b_repeat(c, data):
    a, z = span(c.rng, data)
    return data[:z] + data[a:z] * min(c.rng.choice([2, 100, 10000]), (8 << 20) // max(1, z - a)) + data[z:]

def b_insert(c, data):
    a = c.rng.randrange(len(data) + 1)
    return data[:a] + c.rng.choice(CTRL + ['A' * (1 << 20), '\xff\xfe', '\ud800']).encode('utf-8', 'surrogatepass') + data[a:]

def b_number(c, data):
    pattern = c.rng.choice([NUMBER, NUMBER_VALUE])
    for _ in range(c.rng.randint(1, 3)):
        ms = list(pattern.finditer(data, 0, 1 << 22))
        if not ms: break
        m = c.rng.choice(ms)
        data = data[:m.start()] + c.rng.choice(NUMBERS).encode() + data[m.end():]
    return data

def b_delete(c, data): a, z = span(c.rng, data); return data[:a] + data[z:]
def b_truncate(c, data): return data[:c.rng.randrange(len(data) + 1)]
def b_gzip(c, data): return gzip.compress(data, mtime=0)
def b_gzip2(c, data): return gzip.compress(gzip.compress(data, mtime=0), mtime=0)

BYTES = {'flip': b_flip, 'delete': b_delete, 'repeat': b_repeat, 'truncate': b_truncate,
         'insert': b_insert, 'number': b_number, 'gzip': b_gzip, 'gzip2': b_gzip2}

# ---- planted secrets -------------------------------------------------------------------------
def plant_json(c, docs):
    """Plant in a tag, a scanner's secret field, decoded user data or any string; False if none."""
    r, esc, s = c.rng, c.rng.random() < .3, slots(docs)
    forms = {'tag': [box[i] for box, i, n in s if n == 'Tags' and type(box[i]) is list],
             'field': [x for x in s if x[2] in SECRET_FIELDS and type(x[0][x[1]]) is str],
             'userdata': user_data_values(docs), 'string': [x for x in s if type(x[0][x[1]]) is str]}
    form = r.choice([f for f, found in forms.items() if found] or [None])
    if form is None: return False
    where, esc = (form, esc and form != 'userdata')
    if form == 'tag':
        tag = Obj([['Key', 'AWS_SECRET_ACCESS_KEY'], ['Value', c.text(r.choice(['{s}', 'aws_secret_access_key={s}']), esc)]])
        r.choice(forms[form]).extend([Obj([['Key', 'AWS_ACCESS_KEY_ID'], ['Value', c.keyid]]), tag])
        c.markers.append(dump(tag).encode())
    elif form == 'userdata':
        pair = r.choice(forms[form])
        try: lines = base64.b64decode(pair[1], validate=True).decode().split('\n')
        except ValueError: lines = ['#!/bin/bash']
        lines.insert(r.randint(1, len(lines)), c.text(ENV_LINES))
        pair[1] = base64.b64encode('\n'.join(lines).encode()).decode()
        c.markers.append(pair[1].encode())
    else:
        box, i, where = r.choice(forms[form])
        template = ('{k}:{s}' if where == 'RawV2' else '{s}') if form == 'field' else r.choice(
            ['aws_secret_access_key={s}', 'AWS_SECRET_ACCESS_KEY={s}', ENV_LINES])
        box[i] = c.text(template, esc)
        c.markers.append(dump(box[i]).encode('utf-8', 'surrogatepass'))
    c.muts.append(f'plant-{form}{"-escaped" if esc else ""}@{ascii(where)[1:-1][:40]}')
    return True

def plant_text(c, data):
    sep = b'\0' if b'\0' in data[:4096] else b'\n'  # /proc/<pid>/environ separates with NUL
    line = c.text(c.rng.choice(['aws_access_key_id = {k}\naws_secret_access_key = {s}\n', ENV_LINES,
                                'Environment=AWS_SECRET_ACCESS_KEY={s}\n', 'aws configure set aws_secret_access_key {s}\n']))
    line = line.encode().replace(b'\n', sep)
    a = c.rng.choice([0] + [m.end() for m in re.finditer(re.escape(sep), data[:1 << 20])])
    c.muts.append('plant-line'); c.markers.append(line)
    return data[:a] + line + data[a:]

def make_case(seed, n, inputs, plant_p):
    c = Case(seed, n)
    r = c.rng
    src = r.choice(inputs)
    data = src.read_bytes()
    docs, jsonl = parse(data)
    chosen = r.sample(list(BYTES) + (list(TREE) if docs else []), r.choice([1, 1, 1, 2, 2, 3]))
    if docs and b'"UserData"' in data and 'userdata' not in chosen and r.random() < .3: chosen[0] = 'userdata'
    changed = False
    for name in [x for x in chosen if x in TREE]:
        c.muts.append(name)
        if TREE[name](c, docs): changed = True
        else: c.muts.pop()
    if c.secret is None and r.random() < plant_p:
        c.new_secret()
        if not docs: data = plant_text(c, data)
        elif plant_json(c, docs): changed = True
        else: c.secret, c.needles = None, set()
    if changed:
        data = ('\n'.join(map(dump, docs)) if jsonl else dump(docs[0])).encode('utf-8', 'surrogatepass') + b'\n'
    for name in sorted((x for x in chosen if x in BYTES), key=lambda x: x.startswith('gzip')):
        data = BYTES[name](c, data); c.muts.append(name)
    return src, data, c

# ---- running and judging ---------------------------------------------------------------------
def run(args, cmd):
    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    env = dict(os.environ, INVDB_SHARE=str(args.share)); env.pop('INVDB_DB', None)
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=env,
                           timeout=args.timeout, preexec_fn=limits)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired as e:
        return 'timeout', e.stdout or b'', e.stderr or b''

def sha(path): return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None

def check(step, rc, out, err, before, db, c):
    bad = []
    if rc == 'timeout': bad.append(f'{step}: timeout')
    elif rc < 0: bad.append(f'{step}: killed by {signal.Signals(-rc).name}')
    elif rc not in (0, 2): bad.append(f'{step}: exit {rc}')
    if rc == 2 and sha(db) != before: bad.append(f'{step}: db changed on exit 2')
    if c.needles and not c.leaked:
        for name, blob in [('stdout', out), ('stderr', err)] + [(f.name, f.read_bytes()) for f in db.parent.iterdir()]:
            if any(n.encode() in blob for n in c.needles):
                bad.append(f'{step}: planted secret in {name}'); c.leaked = True; break
    longest = max(map(len, err.split(b'\n')))
    if longest > 2000: bad.append(f'{step}: stderr line of {longest} bytes')
    m = BAD_CHAR.search((out + err).decode('utf-8', 'surrogateescape'))
    if m: bad.append(f'{step}: control character U+{ord(m.group()) & 0xffff:04X} in output')
    return bad

def run_case(args, base, inputs, n):
    src, data, c = make_case(args.seed, n, inputs, args.plant)
    rel = src.relative_to(ROOT)
    tmp = Path(tempfile.mkdtemp(prefix='invdb-fuzz-'))
    try:
        shutil.copytree(base.parent, tmp / 'db')
        db = tmp / 'db' / base.name
        if 'hosts' in rel.parts:  # hosts/i-…/path or hosts/i-….env
            inner = rel.parts[rel.parts.index('hosts') + 1:]
            paths = [tmp.joinpath('hosts', HOST, *(inner[1:] if len(inner) > 1 else [HOST + '.env']))]
        else:
            paths = [tmp / 'in' / src.name] + ([tmp / 'hosts' / HOST / 'srv/app' / src.name] if c.rng.random() < .25 else [])
        for p in paths: p.parent.mkdir(parents=True, exist_ok=True); p.write_bytes(data)
        plain = data
        for _ in range(2):
            try: plain = gzip.decompress(plain) if plain[:2] == b'\x1f\x8b' else plain
            except Exception: break
        if not any(m in plain for m in c.markers): c.needles = set()  # the planted text was mangled
        steps = [('import', [str(args.bin), 'import', '--db', str(db), str(paths[0])])]
        if (tmp / 'hosts').exists(): steps.append(('scan', [str(args.bin), 'scan', '--db', str(db), str(tmp / 'hosts')]))
        bad = []
        for step, cmd in steps:
            before = sha(db)
            rc, out, err = run(args, cmd)
            bad += check(step, rc, out, err, before, db, c)
            if args.verbose: print(f'  {step}: exit {rc}: {err[:300]!r}')
        if bad and args.keep:  # the inputs, and the commands with the case folder as $CASE
            keep = Path(args.keep) / f'{args.seed}-{n}'
            shutil.rmtree(keep, ignore_errors=True)
            shutil.copytree(tmp, keep, ignore=lambda d, names: ['db'] if Path(d) == tmp else [])
            cmds = '\n'.join(' '.join(cmd).replace(str(tmp), '$CASE') for _, cmd in steps)
            (keep / 'README').write_text(f'{rel} {"+".join(c.muts)}\n' + '\n'.join(bad) +
                                         f'\nreplay: Scripts/fuzz/fuzz.py --seed {args.seed} --case {n}\n'
                                         f'by hand, $CASE/db/invdb.sqlite being Samples/aws imported:\n{cmds}\n')
        return rel, c.muts, bad
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

def main():
    ap = argparse.ArgumentParser(description='Mutation fuzzer for invdb import and scan.')
    ap.add_argument('--bin', type=Path, default=ROOT / '.build/debug/invdb', help='the invdb binary')
    ap.add_argument('--share', type=Path, default=Path(os.environ.get('INVDB_SHARE', ROOT)), help='INVDB_SHARE')
    ap.add_argument('--seed', type=int, default=int(time.time()) % 100000)
    ap.add_argument('--seconds', type=float, default=60, help='time budget (default 60)')
    ap.add_argument('--cases', type=int, help='run cases 0..N-1 instead of a time budget')
    ap.add_argument('--case', type=int, help='replay case N only, verbosely')
    ap.add_argument('--keep', help='save failing cases under KEEP/SEED-N/')
    ap.add_argument('--plant', type=float, default=.5, help='probability of planting a secret')
    ap.add_argument('--timeout', type=float, default=10, help='seconds per invdb run')
    ap.add_argument('-v', '--verbose', action='store_true')
    args = ap.parse_args()
    if not os.access(args.bin, os.X_OK):
        print(f'fuzz: no invdb binary at {args.bin} (use --bin)', file=sys.stderr); sys.exit(64)
    inputs = sorted(p for d in ('Samples', 'Tests/Fixtures') for p in (ROOT / d).rglob('*')
                    if p.is_file() and p.suffix not in ('.sh', '.py', '.md'))
    base = Path(tempfile.mkdtemp(prefix='invdb-fuzz-base-')) / 'invdb.sqlite'
    rc, _, err = run(args, [str(args.bin), 'import', '--quiet', '--db', str(base), str(ROOT / 'Samples/aws')])
    if rc != 0:
        print(f'fuzz: the baseline import failed ({rc}): {err[-500:]!r}', file=sys.stderr); sys.exit(64)
    start, n, failures, kinds = time.monotonic(), 0, 0, {}
    args.verbose |= args.case is not None
    try:
        for i in [args.case] if args.case is not None else itertools.count():
            if args.case is None and (i >= args.cases if args.cases is not None else time.monotonic() - start >= args.seconds):
                break
            rel, muts, bad = run_case(args, base, inputs, i)
            n += 1
            if args.verbose: print(f'case {args.seed}:{i} {rel} {"+".join(muts)}')
            if bad:
                failures += 1
                print(f'FAIL {args.seed}:{i} {rel} {"+".join(muts)}: {"; ".join(bad)}', flush=True)
                for b in bad: k = re.sub(r'\d+ bytes|U\+\w+', '…', b); kinds[k] = kinds.get(k, 0) + 1
    finally:
        shutil.rmtree(base.parent, ignore_errors=True)
    for k, v in sorted(kinds.items(), key=lambda kv: -kv[1]): print(f'{v:7d} × {k}')
    print(f'fuzz: {n} cases, {failures} failures in {time.monotonic() - start:.0f} s (seed {args.seed})')
    sys.exit(1 if failures else 0)

if __name__ == '__main__':
    main()
