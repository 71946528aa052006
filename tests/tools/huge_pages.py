#!/usr/bin/env python3
"""Builds a small archive whose pages claim to be huge (issue 16, points 2
and 5): every text/html entry of GOOD is pointed at one of K clusters of
SIZE bytes of repeated HTML (a few KB each once compressed), the whole
cluster from offset 0, so each search hit, snippet and phrase check, and
each download, asks for SIZE bytes.  The index is left as it was, so the
pages still match their words; the digest no longer matches (reading does
not check it).  Also writes, with --media N, N entries media/NN.bin of
SIZE bytes each in N clusters of their own (for concurrent downloads).

usage: huge_pages.py GOOD.smz OUT.smz [--clusters K] [--size BYTES] [--media N]"""
import argparse, os, shutil, sqlite3, subprocess, tempfile
import entryblocks

ap = argparse.ArgumentParser()
ap.add_argument("good")
ap.add_argument("out")
ap.add_argument("--clusters", type=int, default=1)
ap.add_argument("--size", type=int, default=64 << 20)
ap.add_argument("--media", type=int, default=0)
a = ap.parse_args()

# Words that the pages of tests/cli's archives hold, so that their queries
# still hit; "alpha zebra" never occurs in this text as a phrase.
unit = b"<p>the table select index zebra alpha quagga function server data</p>\n"


def frame(size, salt):
    head = b"<html><head><title>huge %d</title></head><body>\n" % salt
    body = head + unit * ((size - len(head)) // len(unit) + 1)
    body = body[:size]
    # From a file, so that the frame's header gives its content size.
    with tempfile.NamedTemporaryFile() as f:
        f.write(body)
        f.flush()
        return subprocess.run(["zstd", "-3", "-c", "--no-progress", f.name],
                              capture_output=True, check=True).stdout


shutil.copyfile(a.good, a.out)
db = sqlite3.connect(a.out)
v3 = entryblocks.open(db)
top = db.execute("SELECT coalesce(max(id), 0) FROM clusters").fetchone()[0]
ids = []
for k in range(a.clusters + a.media):
    data = frame(a.size, k)
    cid = top + 1 + k
    db.execute("INSERT INTO clusters(id, kind, usize, checksum, data) VALUES (?, 1, ?, x'', ?)",
               (cid, a.size, data))
    ids.append(cid)
pages = [r[0] for r in db.execute(
    "SELECT e.path FROM entries e JOIN mimetypes m ON m.id = e.mime "
    "WHERE m.name LIKE 'text/html%' AND e.redirect IS NULL ORDER BY e.path")]
for i, p in enumerate(pages):
    db.execute("UPDATE entries SET cluster = ?, offset = 0, size = ? WHERE path = ?",
               (ids[i % a.clusters], a.size, p))
if a.media:
    mime = db.execute("SELECT id FROM mimetypes WHERE name = 'application/octet-stream'").fetchone()
    if not mime:
        db.execute("INSERT INTO mimetypes(name) VALUES ('application/octet-stream')")
        mime = db.execute("SELECT id FROM mimetypes WHERE name = 'application/octet-stream'").fetchone()
    for j in range(a.media):
        db.execute("INSERT INTO entries(path, title, mime, cluster, offset, size) VALUES (?, '', ?, ?, 0, ?)",
                   ("media/%02d.bin" % j, mime[0], ids[a.clusters + j], a.size))
# Named after the file, as smz serve names archives from their Name.
stem = os.path.basename(a.out)
db.execute("INSERT OR REPLACE INTO metadata(key, value) VALUES ('Name', ?)",
           (stem[:-4] if stem.endswith(".smz") else stem,))
db.commit()
if v3:
    entryblocks.save(db)
db.execute("VACUUM")
db.close()
# The checks of the new clusters, in the archive's format version.
subprocess.run([os.environ["RECHECKS"], a.out] + [str(c) for c in ids], check=True)
