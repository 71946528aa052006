"""An update file (docs/UPDATES.md, "The file"), read and written for tests
and benchmarks: read(buf) gives its parts, write(parts) joins them again.
The header's numbers and hashes, the table decoded (its records as dicts,
the extents as [offset, length], the flags byte), the skeleton and the
payloads as bytes, the embedded signature's trailer as bytes."""
import subprocess

from entryblocks import _get as uvarint_get, varint as uvarint

MAGIC = b"smzupd3\n"
OLD_SHA = 16
FIELDS = ("id", "kind", "op", "old", "level", "dlen", "usize", "plen", "aux")


def zstd(data, decompress=False, check=True):
    # From a pipe with the size given, so that the frame names its content
    # size (patch wants it).
    args = ["zstd", "-q", "-c"] + (["-d"] if decompress else
                                   ["-19", "--stream-size=%d" % len(data)] + ([] if check else ["--no-check"]))
    return subprocess.run(args, input=data, stdout=subprocess.PIPE, check=True).stdout


def read(buf):
    assert buf[:8] == MAGIC, "not an smzupd3 update"
    u = {}
    i = 8
    u["old_size"], i = uvarint_get(buf, i)
    u["old_sha"], u["old_digest"] = buf[i:i + OLD_SHA], buf[i + OLD_SHA:i + OLD_SHA + 32]
    i += OLD_SHA + 32
    u["new_size"], i = uvarint_get(buf, i)
    u["new_sha"], u["new_digest"] = buf[i:i + 32], buf[i + 32:i + 64]
    i += 64
    t, i = uvarint_get(buf, i)
    s, i = uvarint_get(buf, i)
    p, i = uvarint_get(buf, i)
    u["header_len"] = i
    u["table_z"], u["skeleton"], u["payloads"] = buf[i:i + t], buf[i + t:i + t + s], buf[i + t + s:i + t + s + p]
    u["trailer"] = buf[i + t + s + p:]
    tab = zstd(u["table_z"], decompress=True)
    n, j = uvarint_get(tab, 0)
    recs = []
    for _ in range(n):
        r = {}
        r["id"], j = uvarint_get(tab, j)
        r["kind"], r["op"] = tab[j], tab[j + 1]
        j += 2
        r["old"], j = uvarint_get(tab, j)
        r["level"] = tab[j]
        j += 1
        for f in ("dlen", "usize", "plen", "aux"):
            r[f], j = uvarint_get(tab, j)
        recs.append(r)
    ne, j = uvarint_get(tab, j)
    exts, at = [], 0
    for _ in range(ne):
        zz, j = uvarint_get(tab, j)
        ln, j = uvarint_get(tab, j)
        off = at - (zz >> 1) - 1 if zz & 1 else at + (zz >> 1)
        exts.append([off, ln])
        at = off + ln
    u["records"], u["extents"], u["flags"] = recs, exts, tab[j]
    u["table_rest"] = tab[j + 1:]
    return u


def table(u, count=None, ecount=None):
    """The decoded table of U (COUNT, ECOUNT: counts to write instead)."""
    t = bytearray(uvarint(len(u["records"]) if count is None else count))
    for r in u["records"]:
        t += uvarint(r["id"]) + bytes([r["kind"], r["op"]]) + uvarint(r["old"]) + bytes([r["level"]])
        for f in ("dlen", "usize", "plen", "aux"):
            t += uvarint(r[f])
    t += uvarint(len(u["extents"]) if ecount is None else ecount)
    at = 0
    for off, ln in u["extents"]:
        t += uvarint((off - at) << 1 if off >= at else ((at - off - 1) << 1) | 1) + uvarint(ln)
        at = off + ln
    return bytes(t + bytes([u["flags"]]))


def write(u, table_raw=None, trailer=b""):
    """U's bytes: its table compressed again from TABLE_RAW (default: the
    records and extents of U), the lengths in the header made to fit."""
    z = zstd(table(u) if table_raw is None else table_raw, check=False)
    h = bytearray(MAGIC) + uvarint(u["old_size"]) + u["old_sha"] + u["old_digest"]
    h += uvarint(u["new_size"]) + u["new_sha"] + u["new_digest"]
    h += uvarint(len(z)) + uvarint(len(u["skeleton"])) + uvarint(len(u["payloads"]))
    return bytes(h) + z + u["skeleton"] + u["payloads"] + trailer
