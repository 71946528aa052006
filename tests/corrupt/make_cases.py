#!/usr/bin/env python3
"""Crafts damaged and hostile archives from a good one, for tests/cli/corrupt.sh.

usage: make_cases.py GOOD.smz OUTDIR GOOD2.smz
Writes OUTDIR/<case>.smz for every case in CASES, from GOOD.smz (the current
format version) or, for the cases named v2-..., GOOD2.smz (format 2).
cases.tsv beside this script says, for each case, which smz command runs on
it and the exact message it must fail with.  A case that must get past the
cluster checks to reach a later one has them rewritten by tests/tools/rechecks
($RECHECKS)."""
import os, shutil, sqlite3, struct, subprocess, sys
import entryblocks

good, out, good2 = sys.argv[1], sys.argv[2], sys.argv[3]  # all three, or no v2- cases
os.makedirs(out, exist_ok=True)

def copy(name):
    p = os.path.join(out, name + ".smz")
    shutil.copyfile(good2 if name.startswith("v2-") else good, p)
    return p

def sql(name, *stmts, recheck=False):
    p = copy(name)
    db = sqlite3.connect(p)
    # Statements on `entries` work on version 3's blocks through a TEMP
    # table, encoded back afterwards (tests/tools/entryblocks.py).
    v3 = any("entries" in s for s in stmts) and entryblocks.open(db)
    for s in stmts:
        db.execute(s)
    db.commit()
    if v3:
        entryblocks.save(db)
    db.close()
    if recheck:  # the cluster checks made right again, so a case reaches a later check
        subprocess.run([os.environ["RECHECKS"], p], check=True)

def raw(name, data):
    with open(os.path.join(out, name + ".smz"), "wb") as f:
        f.write(data)

def patch(name, offset, data):
    p = copy(name)
    with open(p, "r+b") as f:
        f.seek(offset)
        f.write(data)

blob = open(good, "rb").read()
one_entry = "(SELECT path FROM entries WHERE redirect IS NULL ORDER BY path LIMIT 1)"

raw("empty", b"")
raw("random", bytes((i * 7919 + 13) % 256 for i in range(8192)))
p = os.path.join(out, "plain-sqlite.smz")
if os.path.exists(p):
    os.remove(p)
db = sqlite3.connect(p); db.execute("CREATE TABLE t(x)"); db.commit(); db.close()
patch("newer-version", 60, struct.pack(">I", 4))
raw("truncated-half", blob[: len(blob) // 2])
raw("truncated-header", blob[:100])
sql("extra-table", "CREATE TABLE extra(x)")
sql("extra-trigger", "CREATE TRIGGER t AFTER INSERT ON metadata BEGIN SELECT 1; END")
sql("extra-view", "CREATE VIEW v AS SELECT * FROM metadata")
sql("expression-index", "CREATE INDEX ix ON metadata(lower(key))")
sql("view-for-table", "ALTER TABLE mimetypes RENAME TO m2",
    "CREATE VIEW mimetypes AS SELECT id, name FROM m2")
sql("cluster-kind", "UPDATE clusters SET kind = 7")
sql("checksum-length", "UPDATE clusters SET checksum = x'0102'")
sql("cluster-usize-huge", "UPDATE clusters SET usize = 10000000000 WHERE kind = 1")
# a 1 KiB zstd frame that inflates to 1 GiB, declared as small
bomb = subprocess.run(["zstd", "-19", "-c", "--no-progress"], input=b"\0" * (1 << 30),
                      capture_output=True, check=True).stdout
sql("bomb-cluster", f"UPDATE clusters SET data = x'{bomb.hex()}', usize = 67108864 WHERE kind = 1",
    recheck=True)
sql("entry-outside-cluster", f"UPDATE entries SET offset = 999999999 WHERE path = {one_entry}")
sql("entry-size-negative", f"UPDATE entries SET size = -5 WHERE path = {one_entry}")
sql("entry-size-huge", f"UPDATE entries SET size = 4611686018427387904 WHERE path = {one_entry}")
sql("entry-mime-null", f"UPDATE entries SET mime = NULL WHERE path = {one_entry}")
sql("entry-cluster-missing", f"UPDATE entries SET cluster = 4242 WHERE path = {one_entry}")
sql("redirect-loop", "INSERT INTO entries(path, title, redirect) VALUES ('loop-a', '', 'loop-b')",
    "INSERT INTO entries(path, title, redirect) VALUES ('loop-b', '', 'loop-a')")
sql("redirect-missing", "INSERT INTO entries(path, title, redirect) VALUES ('dangling', '', 'no/such')")
flip = "UPDATE clusters SET data = CAST(substr(data, 1, 20) || x'ff' || substr(data, 22) AS BLOB)"
sql("checksum-mismatch", flip)
sql("v2-checksum-mismatch", flip)
sql("v2-checksum-length", "UPDATE clusters SET checksum = x'0102'")
# Version 3: one 8-byte check too few, or a number where the checks go.
sql("checks-short", "UPDATE clusters SET checksum = substr(checksum, 1, length(checksum) - 8)")
sql("checks-number", "UPDATE clusters SET checksum = 12345678")
two = subprocess.run(["zstd", "-c", "--no-progress"], input=b"hello", capture_output=True, check=True).stdout
sql("two-frames", f"UPDATE clusters SET data = CAST(data || x'{two.hex()}' AS BLOB) WHERE kind = 1",
    recheck=True)
sql("meta-too-long", "INSERT OR REPLACE INTO metadata VALUES ('Title', zeroblob(2000000))")
sql("digest-mismatch", "UPDATE metadata SET value = 'Forged title' WHERE key = 'Title'")
sql("main-page-missing", "INSERT OR REPLACE INTO metadata VALUES ('MainPage', 'gone.html')")
patch("page-size-bad", 16, b"\x00\x03")
# Paths and redirect targets the format forbids (issue 16, point 12): each
# a copy of a real entry under the bad path; smz check names the rule.
copy_as = ("INSERT INTO entries(path, title, mime, cluster, offset, size) SELECT CAST(x'{}' AS TEXT), "
           f"title, mime, cluster, offset, size FROM entries WHERE path = {one_entry}")
for case, p in [("path-dotdot", b"../evil.html"), ("path-absolute", b"/etc/evil"), ("path-empty", b""),
                ("path-dot", b"."), ("path-double-slash", b"a//b"), ("path-trailing-slash", b"dir/"),
                ("path-newline", b"a\nb"), ("path-escape", b"a\x1b]0;t\x07b"), ("path-not-utf8", b"a\xffb"),
                ("path-c1", b"a\xc2\x9bb")]:
    sql(case, copy_as.format(p.hex()))
sql("redirect-dotdot", "INSERT INTO entries(path, title, redirect) VALUES ('evil-redirect', '', '../evil.html')")
sql("redirect-with-size", "INSERT INTO entries(path, title, size, redirect) VALUES ('sized', '', 5, 'x')")
sql("meta-date", "INSERT OR REPLACE INTO metadata VALUES ('Date', '2024-02-30')")
sql("meta-uuid-borrowed", "UPDATE metadata SET value = '00000000-0000-8000-8000-000000000000' WHERE key = 'UUID'")
import tempfile
with tempfile.NamedTemporaryFile() as f:  # a file, so that zstd records the content size
    f.write(b"x" * 100); f.flush()
    nock = subprocess.run(["zstd", "-q", "-c", "--no-check", f.name], capture_output=True, check=True).stdout
sql("frame-no-checksum", f"UPDATE clusters SET data = x'{nock.hex()}', usize = 100 "
    "WHERE id = (SELECT min(id) FROM clusters WHERE kind = 1)", recheck=True)

# Version 3's entry blocks (docs/FORMAT.md, "Entry blocks"): each must decode
# within the caps, in path order, numbered from 1, filed under its first path.
def frame(raw):
    return entryblocks.compress(raw, 3)
rows = []
db = sqlite3.connect(good)
db.text_factory = bytes
for (data,) in db.execute("SELECT data FROM entry_blocks ORDER BY id"):
    rows += entryblocks.decode(entryblocks.decompress(data))
db.close()
def block(name, data, first=None, bid=1):
    sql(name, "DELETE FROM entry_blocks",
        f"INSERT INTO entry_blocks(id, first, data) VALUES ({bid}, CAST(x'{(first if first is not None else rows[0][0]).hex()}' AS TEXT), x'{data.hex()}')")
block("block-not-zstd", b"\x00" * 40)
block("block-truncated", frame(entryblocks.encode(rows))[:-9])
block("block-garbage", frame(b"\x05" + bytes(range(200))))
block("block-count-zero", frame(b"\x00"))
block("block-count-huge", frame(entryblocks.varint(1 << 40) + b"\x00" * 50))
block("block-shared-past", frame(b"\x02\x00\x01a\x05\x01b"))  # shares 5 bytes of a 1-byte path
block("block-trailing", frame(entryblocks.encode(rows) + b"\x00"))
block("block-flags", frame(b"\x01\x00\x01a\x00\x40"))  # one entry, flag 64 unknown
block("block-bomb", frame(b"\0" * (2 << 20)))  # 2 MiB decoded: over the 1 MiB cap
block("block-unsorted", frame(entryblocks.encode([rows[1], rows[0]] + rows[2:])), first=rows[1][0])
block("block-first-wrong", frame(entryblocks.encode(rows)), first=b"zzz")
block("block-numbered-wrong", frame(entryblocks.encode(rows)), bid=7)
