#!/usr/bin/env python3
"""Journaling, whole commands: `tacit write` vs `jrnl` adding one entry, and `tacit search` vs
`jrnl -contains`, on encrypted journals of each size, runs interleaved (tacit, jrnl, tacit, …).

Tacit: `tacit serve` on a temporary home with the fast TEST configuration (scrypt N=2^10, used only
by enroll/login during setup); a member logs in once and every `tacit write`/`tacit search` uses
that session, as a user at a terminal would. The journal is filled with `tacit import jrnl` of a
generated jrnl JSON export.
jrnl: an encrypted journal (jrnl 4.6 writes format v3: b"JRNLv3", a 2-byte header length, a base64
JSON header holding the PBKDF2 salt, then a Fernet token of the journal text; see
jrnl/encryption/Jrnlv3Encryption.py in the venv), written here directly with the same bodies.
jrnl gets its password from a keyring backend reading an environment variable (no prompt).

Usage: journal.py TACIT_BIN JRNL_BIN SIZES RUNS OUT.jsonl    (SIZES like 100,1000,10000)
Prints progress on stderr; one JSON object per measurement series in OUT.jsonl.
"""
import base64, datetime, json, os, secrets, shutil, statistics, struct, subprocess, sys, tempfile, time

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC

TACIT, JRNL, SIZES, RUNS, OUT = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3].split(",")], int(sys.argv[4]), sys.argv[5]
HERE = os.path.dirname(os.path.abspath(__file__))
BASE = datetime.datetime(2020, 1, 1, 9, 0)
NEEDLE_AT = 50  # the one entry holding the search word, present at every size
PASSWORD = "jrnl bench password 1"
NOTE = "a short practice note: tried pausing before answering in the stand-up."


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def body(i):
    return f"Practice note number {i}: what I tried, what happened, what I noticed." + (" zebra" if i == NEEDLE_AT else "")


def emit(record):
    with open(OUT, "a") as f:
        f.write(json.dumps(record) + "\n")


work = tempfile.mkdtemp(prefix="tbj-", dir="/tmp")
home = os.path.join(work, "tacit")
os.makedirs(home, mode=0o700)
with open(os.path.join(home, "tacit.json"), "w") as f:
    json.dump({"testing": True, "scryptLog2N": 10, "sessionIdleSeconds": 86400, "sessionAbsoluteSeconds": 86400}, f)
serve_out = open(os.path.join(home, "serve.out"), "w")
daemon = subprocess.Popen([TACIT, "serve", "--home", home], stdout=serve_out, stderr=subprocess.STDOUT,
                          env={**os.environ, "TACIT_LOG_LEVEL": "error"})


def cleanup():
    daemon.terminate()
    try:
        daemon.wait(10)
    except subprocess.TimeoutExpired:
        daemon.kill()
    shutil.rmtree(work, ignore_errors=True)


try:
    for _ in range(600):
        if "listening on" in open(os.path.join(home, "serve.out")).read():
            break
        time.sleep(0.1)
    code = next(l.split(": ", 1)[1].strip() for l in open(os.path.join(home, "serve.out")) if l.startswith("bootstrap code: "))

    def tacit_env(name):
        d = os.path.join(work, "p", name)
        os.makedirs(os.path.join(d, "run"), exist_ok=True)
        os.makedirs(os.path.join(d, "state"), exist_ok=True)
        return {**os.environ, "HOME": d, "XDG_RUNTIME_DIR": os.path.join(d, "run"), "XDG_STATE_HOME": os.path.join(d, "state"),
                "TACIT_PASSPHRASE": f"bench passphrase of {name} 1", "TACIT_SOCKET": os.path.join(home, "tacit.sock"), "TZ": "UTC"}

    def tacit(name, *args):
        return subprocess.run([TACIT, *args], env=tacit_env(name), check=True, capture_output=True, text=True).stdout

    # The same setup as Scripts/bench-cli: an operator, a group with a cycle, a member "ali".
    tacit("olivia", "enroll", "--code", code, "--name", "olivia")
    tacit("olivia", "login", "--name", "olivia")
    tacit("olivia", "group", "create", "north")
    invite = lambda who, role: json.loads(tacit("olivia", "invite", who, "--role", role, "--group", "north", "--json"))["code"]
    tacit("fiona", "enroll", "--code", invite("fiona", "facilitator"), "--name", "fiona")
    tacit("ali", "enroll", "--code", invite("ali", "member"), "--name", "ali")
    tacit("fiona", "login", "--name", "fiona")
    today = datetime.date.today()
    tacit("fiona", "cycle", "create", "north", "--session1", str(today),
          "--session2", str(today + datetime.timedelta(days=60)))
    tacit("ali", "login", "--name", "ali")

    # jrnl: a config file and a journal path.
    jdir = os.path.join(work, "jrnl")
    os.makedirs(jdir)
    jpath = os.path.join(jdir, "journal.txt")
    jconf = os.path.join(jdir, "jrnl.yaml")
    with open(jconf, "w") as f:
        f.write(f"""colors: {{body: none, date: none, tags: none, title: none}}
default_hour: 9
default_minute: 0
editor: ''
encrypt: true
highlight: false
indent_character: '|'
journals:
  default:
    journal: {jpath}
linewrap: 79
tagsymbols: '#@'
template: false
timeformat: '%F %r'
version: v4.6
""")
    jenv = {**os.environ, "PYTHONPATH": HERE, "PYTHON_KEYRING_BACKEND": "bench_keyring.EnvKeyring",
            "JRNL_BENCH_PASSWORD": PASSWORD, "HOME": jdir, "XDG_CONFIG_HOME": jdir, "XDG_DATA_HOME": jdir, "TZ": "UTC"}

    def write_jrnl(n):
        """The encrypted journal file of n entries, written the way Jrnlv3Encryption._encrypt does."""
        text = "\n".join(f"[{(BASE + datetime.timedelta(minutes=i)).strftime('%F %r')}] Entry {i}.\n{body(i)}\n" for i in range(n))
        salt = secrets.token_bytes(16)
        header = base64.b64encode(json.dumps({"salt": base64.urlsafe_b64encode(salt).decode("ascii")}, separators=(",", ":")).encode())
        key = base64.urlsafe_b64encode(PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=salt, iterations=100_000).derive(PASSWORD.encode()))
        with open(jpath, "wb") as f:
            f.write(b"JRNLv3" + struct.pack(">H", len(header)) + header + Fernet(key).encrypt(text.encode()))

    def jrnl(*args):
        return subprocess.run([JRNL, "--config-file", jconf, *args], env=jenv, check=True, capture_output=True, text=True,
                              stdin=subprocess.DEVNULL).stdout

    def timed(fn, *args):
        t0 = time.perf_counter()
        fn(*args)
        return time.perf_counter() - t0

    have = 0
    for size in SIZES:
        # Fill Tacit to `size` entries with `tacit import jrnl`.
        export = os.path.join(work, "fill.json")
        with open(export, "w") as f:
            json.dump({"tags": {}, "entries": [{"title": f"Entry {i}", "body": body(i), "date": (BASE + datetime.timedelta(minutes=i)).strftime("%F"),
                                                "time": (BASE + datetime.timedelta(minutes=i)).strftime("%H:%M"), "tags": [], "starred": False}
                                               for i in range(have, size)]}, f)
        t = timed(tacit, "ali", "import", "jrnl", export)
        log(f"  tacit import jrnl {have} -> {size}: {t:.1f} s")
        emit({"kind": "import", "size": size, "from": have, "seconds": t})
        have = size
        write_jrnl(size)
        runs = RUNS if size < 100_000 else max(3, RUNS // 2)
        # Sanity: both find the needle.
        assert "zebra" in jrnl("-contains", "zebra"), "jrnl did not read the generated journal"
        found = tacit("ali", "search", "zebra")
        assert "Entry 50" in found or "zebra" in found, f"tacit search found nothing: {found!r}"
        adds = {"tacit": [], "jrnl": []}
        for r in range(runs):
            order = [("tacit", lambda: tacit("ali", "write", NOTE)), ("jrnl", lambda: jrnl(NOTE))]
            if r % 2:
                order.reverse()
            for name, fn in order:
                adds[name].append(timed(fn))
        have += runs
        searches = {"tacit": [], "jrnl": []}
        for r in range(runs):
            order = [("tacit", lambda: tacit("ali", "search", "zebra")), ("jrnl", lambda: jrnl("-contains", "zebra"))]
            if r % 2:
                order.reverse()
            for name, fn in order:
                searches[name].append(timed(fn))
        for op, series in (("add", adds), ("search", searches)):
            for tool, s in series.items():
                emit({"kind": op, "size": size, "tool": tool, "seconds": s, "load": os.getloadavg()[0]})
            log(f"  {op:6} at {size:>6}: tacit {statistics.median(series['tacit']):.3f} s, jrnl {statistics.median(series['jrnl']):.3f} s "
                f"(medians of {runs}; load {os.getloadavg()[0]:.1f})")
finally:
    cleanup()
