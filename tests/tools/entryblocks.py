"""Version 3's entry blocks (docs/FORMAT.md, "Entry blocks") for tests that
read or plant rows of the entry table with SQL, as they did when it was a
plain table: open() decodes every block of an archive's entry_blocks into a
TEMP table `entries` (which then hides nothing: a v3 archive has no main
table of that name), save() encodes that table back into blocks the way
lib/entries.c does.  Version 2 archives are left alone (their `entries` is
a real table).  zstd through ctypes (libzstd1 is installed with the build).
A packed index (FORMAT.md, "The packed index") is attached the way smz
attaches it, as schema smz_index, so that its tables answer to their plain
names, and written back by save().

As a command: entryblocks.py ARCHIVE SQL... runs each statement against the
archive with the table in place, prints the rows of a SELECT as sqlite3
does ('|' between fields) and writes the blocks back if anything changed.
"""
import ctypes
import ctypes.util
import sqlite3
import sys

_z = ctypes.CDLL(ctypes.util.find_library("zstd") or "libzstd.so.1")
_z.ZSTD_compressBound.restype = ctypes.c_size_t
_z.ZSTD_compressBound.argtypes = [ctypes.c_size_t]
_z.ZSTD_compress.restype = ctypes.c_size_t
_z.ZSTD_compress.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
_z.ZSTD_decompress.restype = ctypes.c_size_t
_z.ZSTD_decompress.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t]
_z.ZSTD_getFrameContentSize.restype = ctypes.c_ulonglong
_z.ZSTD_getFrameContentSize.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
_z.ZSTD_isError.restype = ctypes.c_uint
_z.ZSTD_isError.argtypes = [ctypes.c_size_t]

COLUMNS = "path, title, mime, cluster, offset, size, redirect"
TARGET = 32 << 10  # lib/entries.h, SMZ_ENTRY_BLOCK_TARGET


def compress(raw, level=19):
    cap = _z.ZSTD_compressBound(len(raw))
    out = ctypes.create_string_buffer(cap)
    n = _z.ZSTD_compress(out, cap, raw, len(raw), level)
    assert not _z.ZSTD_isError(n)
    return out.raw[:n]


def decompress(data):
    size = _z.ZSTD_getFrameContentSize(data, len(data))
    assert size < (1 << 30), "no content size"
    out = ctypes.create_string_buffer(max(size, 1))
    n = _z.ZSTD_decompress(out, size, data, len(data))
    assert not _z.ZSTD_isError(n) and n == size
    return out.raw[:n]


def varint(v):
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v:
            return bytes(out)


def _get(raw, pos):
    v = shift = 0
    while True:
        b = raw[pos]
        pos += 1
        v |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return v, pos


def _signed(v):
    return v - (1 << 64) if v >= 1 << 63 else v


def decode(raw):
    """The rows (path, title, mime, cluster, offset, size, redirect) of a block."""
    n, pos = _get(raw, 0)
    paths, prev = [], b""
    for _ in range(n):
        shared, pos = _get(raw, pos)
        ln, pos = _get(raw, pos)
        prev = prev[:shared] + raw[pos:pos + ln]
        pos += ln
        paths.append(prev)
    titles = []
    for _ in range(n):
        ln, pos = _get(raw, pos)
        titles.append(raw[pos:pos + ln])
        pos += ln
    flags = raw[pos:pos + n]
    pos += n
    ints = [[None] * n for _ in range(4)]
    for k in range(4):
        for i in range(n):
            if flags[i] & (1 << k):
                v, pos = _get(raw, pos)
                ints[k][i] = _signed(v)
    redirects = [None] * n
    for i in range(n):
        if flags[i] & 16:
            ln, pos = _get(raw, pos)
            redirects[i] = raw[pos:pos + ln]
            pos += ln
    assert pos == len(raw)
    return [(paths[i], titles[i], ints[0][i], ints[1][i], ints[2][i], ints[3][i], redirects[i]) for i in range(n)]


def encode(rows):
    """A block's bytes for ROWS (bytes or str for the text fields)."""
    def b(x):
        return x.encode() if isinstance(x, str) else bytes(x)
    cols = [bytearray() for _ in range(8)]
    prev = b""
    for r in rows:
        p = b(r[0])
        shared = 0
        while shared < min(len(p), len(prev)) and p[shared] == prev[shared]:
            shared += 1
        cols[0] += varint(shared) + varint(len(p) - shared) + p[shared:]
        prev = p
        t = b(r[1])
        cols[1] += varint(len(t)) + t
        flags = 0
        for k in range(4):
            if r[2 + k] is not None:
                flags |= 1 << k
                cols[3 + k] += varint(r[2 + k])
        if r[6] is not None:
            flags |= 16
            t = b(r[6])
            cols[7] += varint(len(t)) + t
        cols[2].append(flags)
    return varint(len(rows)) + b"".join(bytes(c) for c in cols)


def is_v3(db):
    return db.execute("SELECT count(*) FROM sqlite_schema WHERE name = 'entry_blocks'").fetchone()[0] == 1


def is_packed(db):
    return db.execute("SELECT count(*) FROM main.sqlite_schema WHERE name = 'search_packed'").fetchone()[0] == 1


def open(db):  # noqa: A001 - the module's verb
    """Puts a TEMP table `entries` with the archive's rows on DB (v3 only)."""
    if not is_v3(db):
        return False
    if is_packed(db):
        data = db.execute("SELECT data FROM main.search_packed").fetchone()[0]
        db.execute("ATTACH ':memory:' AS smz_index")
        db.deserialize(decompress(data), name="smz_index")
    db.execute("CREATE TEMP TABLE entries(path TEXT PRIMARY KEY NOT NULL, title TEXT NOT NULL, mime INTEGER, "
               "cluster INTEGER, offset INTEGER, size INTEGER, redirect TEXT)")
    for (data,) in db.execute("SELECT data FROM main.entry_blocks ORDER BY id").fetchall():
        for r in decode(decompress(data)):
            db.execute("INSERT INTO temp.entries VALUES (CAST(? AS TEXT), CAST(? AS TEXT), ?, ?, ?, ?, CAST(? AS TEXT))", r)
    return True


def save(db, level=19):
    """Encodes TEMP entries back into main.entry_blocks, in path order."""
    rows = db.execute("SELECT CAST(path AS BLOB), CAST(title AS BLOB), mime, cluster, offset, size, "
                      "CAST(redirect AS BLOB) FROM temp.entries ORDER BY path").fetchall()
    db.execute("DELETE FROM main.entry_blocks")
    block, size, bid = [], 0, 0
    for r in rows + [None]:
        if block and (r is None or size >= TARGET):
            bid += 1
            db.execute("INSERT INTO main.entry_blocks(id, first, data) VALUES (?, CAST(? AS TEXT), ?)",
                       (bid, block[0][0], compress(encode(block), level)))
            block, size = [], 0
        if r is not None:
            block.append(r)
            size += len(r[0]) + len(r[1]) + 16
    if is_packed(db):
        db.commit()
        raw = db.serialize(name="smz_index")
        db.execute("UPDATE main.search_packed SET usize = ?, data = ?", (len(raw), compress(raw, level)))
    db.commit()


def main(argv):
    db = sqlite3.connect(argv[1])
    db.text_factory = bytes
    v3 = open(db)
    before = db.total_changes
    for sql in argv[2:]:
        if not sql.lstrip().upper().startswith("SELECT"):
            db.executescript(sql)
            continue
        for row in db.execute(sql).fetchall():
            print("|".join("" if v is None else v.decode(errors="replace") if isinstance(v, bytes) else str(v)
                           for v in row))
    changed = db.total_changes != before
    if v3 and changed:
        save(db)
    db.commit()
    db.close()


if __name__ == "__main__":
    main(sys.argv)
