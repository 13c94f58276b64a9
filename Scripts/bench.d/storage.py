#!/usr/bin/env python3
"""SQLCipher 4 against plain SQLite through ONE harness (identical SQL, same payloads, same order),
so the Python/driver overhead is the same on both sides and cancels out in the ratio.

Operations (mirroring `tacit-bench vault`):
  bulk    N rows of 1 KiB (+28 bytes, the AES-GCM overhead Tacit stores) in one transaction, WAL
  durable one transaction per row, WAL, synchronous=FULL, DURABLE rows per side per round
  read    1,000 rows written one by one, each read by primary key 3 times
  open    opening the database with its key (SQLCipher: PBKDF2-HMAC-SHA512, 256,000 iterations)

Sides: "plain" is Python's sqlite3 (the system SQLite, the library Tacit uses); "sqlcipher" is sqlcipher3
with a key; "plain-wheel" is sqlcipher3 WITHOUT a key, i.e. the wheel's own newer SQLite with no codec,
so sqlcipher / plain-wheel isolates the cost of the encryption from the difference between the builds.
Sides alternate within every round; prints one JSON object per round and side on stdout.
Usage: storage.py ROUNDS N DURABLE DIR
"""
import json, os, sqlite3, sys, time, uuid

import sqlcipher3

ROUNDS, N, DURABLE, DIR = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
PAYLOAD = bytes([7]) * (1024 + 28)
KEY = "a benchmark passphrase 42"


def connect(side, path):
    t0 = time.perf_counter()
    db = (sqlite3 if side == "plain" else sqlcipher3).connect(path, isolation_level=None)
    if side == "sqlcipher":
        db.execute(f"PRAGMA key = '{KEY}'")
    db.execute("PRAGMA journal_mode=WAL").fetchone()  # first page access: runs the KDF for SQLCipher
    opened = time.perf_counter() - t0
    db.execute("PRAGMA synchronous=FULL")
    # The two libraries are built differently (system SQLite 3.40: SECURE_DELETE, 2 MB cache; the
    # wheel's SQLite 3.51: 8 MB cache): pin what a pragma can pin, the same on both sides.
    db.execute("PRAGMA secure_delete=ON")
    db.execute("PRAGMA cache_size=-2000")
    db.execute("CREATE TABLE IF NOT EXISTS entries(id BLOB PRIMARY KEY, body BLOB NOT NULL)")
    return db, opened


def fresh(side, name):
    path = os.path.join(DIR, f"{side}-{name}.db")
    for suffix in ("", "-wal", "-shm"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass
    return connect(side, path)


def bulk(side):
    db, opened = fresh(side, "bulk")
    rows = [(uuid.uuid4().bytes, PAYLOAD) for _ in range(N)]
    t0 = time.perf_counter()
    db.execute("BEGIN")
    db.executemany("INSERT INTO entries(id, body) VALUES (?, ?)", rows)
    db.execute("COMMIT")
    seconds = time.perf_counter() - t0
    db.close()
    return N / seconds, opened


def durable_and_read(side):
    db, _ = fresh(side, "durable")
    ids = [uuid.uuid4().bytes for _ in range(max(DURABLE, 1000))]
    t0 = time.perf_counter()
    for i in ids[:DURABLE]:
        db.execute("INSERT INTO entries(id, body) VALUES (?, ?)", (i, PAYLOAD))  # autocommit: its own transaction
    durable = DURABLE / (time.perf_counter() - t0)
    for i in ids[DURABLE:]:
        db.execute("INSERT INTO entries(id, body) VALUES (?, ?)", (i, PAYLOAD))
    sample = ids[:1000]
    t0 = time.perf_counter()
    for _ in range(3):
        for i in sample:
            row = db.execute("SELECT body FROM entries WHERE id = ?", (i,)).fetchone()
            assert row is not None and len(row[0]) == len(PAYLOAD)
    read = 3 * len(sample) / (time.perf_counter() - t0)
    db.close()
    return durable, read


os.makedirs(DIR, exist_ok=True)
probe = sqlcipher3.connect(":memory:")
print(json.dumps({"info": {"cipher_version": probe.execute("PRAGMA cipher_version").fetchone()[0],
                           "sqlcipher_sqlite": sqlcipher3.sqlite_version, "python_sqlite": sqlite3.sqlite_version,
                           "n": N, "durable": DURABLE}}), flush=True)
for r in range(ROUNDS):
    order = ("plain", "sqlcipher", "plain-wheel") if r % 2 == 0 else ("plain-wheel", "sqlcipher", "plain")
    for side in order:
        b, opened = bulk(side)
        d, rd = durable_and_read(side)
        print(json.dumps({"round": r, "side": side, "bulk": b, "durable": d, "read": rd, "open_s": opened}), flush=True)
