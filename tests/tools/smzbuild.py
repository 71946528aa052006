#!/usr/bin/env python3
"""Builds .smz archives by hand, for tests of what smz-pack never writes:
hostile paths and redirects, symlink chains, entries that alternate
between clusters.  The result is valid by every rule the caller does not
break on purpose: checksums, zstd frames with their content size, the
content digest and the UUID (docs/FORMAT.md), so `smz check` reports only
the planted problem.  The cluster checks are written by tests/tools/rechecks
($RECHECKS, which tests/lib.sh sets), in BASE's format version.

    import smzbuild
    smzbuild.build(OUT, BASE, clusters=[bytes, ...],
                   entries=[(path, title, mime, cluster_index, offset, size) or
                            (path, title, None, target)], meta={...})

BASE is any archive made by smz-pack --no-index (its schema is kept, its
rows replaced).  Paths, titles and targets may be str or bytes (bytes go in
as TEXT, so invalid UTF-8 and control characters get through)."""
import hashlib, os, shutil, sqlite3, struct, subprocess, sys, tempfile
import entryblocks

def _b(x):
    return x.encode() if isinstance(x, str) else x

def _zstd(data):
    with tempfile.NamedTemporaryFile() as f:
        f.write(data)
        f.flush()
        # A file (not a pipe): zstd then records the content size.
        return subprocess.run(["zstd", "-q", "-3", "-c", "--content-size", "--check", f.name],
                              capture_output=True, check=True).stdout

def _s(b):
    return struct.pack(">Q", len(b)) + b

def digest(meta, entries, clusters):
    h = hashlib.blake2b(digest_size=32)
    h.update(b"smz-digest-1")
    for k in sorted(meta, key=_b):
        kb = _b(k)
        if kb in (b"Digest", b"UUID") or kb.startswith(b"Signature"):
            continue
        h.update(_s(kb) + _s(_b(meta[k])))
    h.update(b"\xff")
    for e in sorted(entries, key=lambda e: _b(e[0])):
        if e[2] is None:
            h.update(b"R" + _s(_b(e[0])) + _s(_b(e[1])) + _s(_b(e[3])))
        else:
            path, title, mime, ci, off, size = e
            h.update(b"E" + _s(_b(path)) + _s(_b(title)) + _s(_b(mime)) + struct.pack(">Q", size))
            h.update(clusters[ci][off:off + size])
    return h.digest()

def uuid_of(d):
    d = bytearray(d[:16])
    d[6] = (d[6] & 0x0F) | 0x80
    d[8] = (d[8] & 0x3F) | 0x80
    x = d.hex()
    return f"{x[0:8]}-{x[8:12]}-{x[12:16]}-{x[16:20]}-{x[20:32]}"

def build(out, base, clusters, entries, meta=None, compress=True):
    meta = dict(meta or {"Title": "built", "Language": "eng"})
    if "MainPage" not in meta:
        meta["MainPage"] = next(e[0] for e in entries if e[2] is not None)
    shutil.copyfile(base, out)
    db = sqlite3.connect(out)
    v3 = entryblocks.open(db)  # BASE of version 3: its blocks become a table here
    for t in ("metadata", "mimetypes", "clusters", "entries"):
        db.execute(f"DELETE FROM {t}")
    for i, c in enumerate(clusters):
        data = _zstd(c) if compress else c
        db.execute("INSERT INTO clusters(id, kind, usize, checksum, data) VALUES (?, ?, ?, x'', ?)",
                   (i + 1, 1 if compress else 0, len(c), data))
    mimes = {}
    for e in entries:
        if e[2] is not None and e[2] not in mimes:
            mimes[e[2]] = len(mimes) + 1
            db.execute("INSERT INTO mimetypes(id, name) VALUES (?, ?)", (mimes[e[2]], e[2]))
    # TEXT even for bytes: CAST keeps invalid UTF-8 and control bytes as they are.
    for e in entries:
        if e[2] is None:
            db.execute("INSERT INTO entries(path, title, redirect) VALUES (CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS TEXT))",
                       (_b(e[0]), _b(e[1]), _b(e[3])))
        else:
            db.execute("INSERT INTO entries(path, title, mime, cluster, offset, size) "
                       "VALUES (CAST(? AS TEXT), CAST(? AS TEXT), ?, ?, ?, ?)",
                       (_b(e[0]), _b(e[1]), mimes[e[2]], e[3] + 1, e[4], e[5]))
    d = digest(meta, entries, clusters)
    meta["Digest"] = d.hex()
    meta["UUID"] = uuid_of(d)
    for k, v in meta.items():
        db.execute("INSERT INTO metadata(key, value) VALUES (?, ?)", (k, _b(v) if k != "Illustration_48x48@1" else v))
    db.commit()
    if v3:
        entryblocks.save(db)
    db.close()
    # The cluster checks of BASE's format version (tests/tools/rechecks.c).
    subprocess.run([os.environ["RECHECKS"], out], check=True)
