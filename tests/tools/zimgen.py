#!/usr/bin/env python3
"""Writes small ZIM files by hand, for the tests of smz-pack's ZIM source
(tests/cli/zim_import.sh): what libzim 8's writer cannot make.  It writes
only the new namespace scheme with zstd clusters, so the old scheme (A, I,
-, M, X: ZIM 5.0), xz clusters and hostile files (climbing paths, redirect
loops, absurd sizes, bad checksums, truncation) are made here, from the
format as openzim.org documents it: an 80-byte header, the MIME type list,
the path and title pointer lists, the entries, the cluster pointers, the
clusters, and the MD5 of everything before it.

usage: zimgen.py CASE OUT.zim    (CASE: one of CASES below)
"""
import hashlib
import lzma
import struct
import sys

MAGIC = 72173914
NO_PAGE = 0xFFFFFFFF


def cluster(blobs, comp):
    """One cluster: the compression byte, then the offsets and blobs."""
    offs, at = [], 4 * (len(blobs) + 1)
    for b in blobs:
        offs.append(at)
        at += len(b)
    offs.append(at)
    body = b"".join(struct.pack("<I", o) for o in offs) + b"".join(blobs)
    if comp == "xz":
        return bytes([4]) + lzma.compress(body, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64)
    return bytes([1]) + body


def build(entries, major, minor, main=None, comp="xz", raw_clusters=None):
    """ENTRIES: (namespace, path, title, mime or None, bytes or redirect
    target (namespace, path)).  Content goes into one cluster of COMP, its
    PNG images into a second, uncompressed one (as zimwriterfs does)."""
    entries = sorted(entries, key=lambda e: (e[0], e[1]))
    index = {(e[0], e[1]): i for i, e in enumerate(entries)}
    mimes = sorted({e[3] for e in entries if e[3]})
    groups = [[], []]  # compressed, stored
    place = {}
    for e in entries:
        if e[3] is None:
            continue
        g = 1 if e[3] == "image/png" else 0
        place[(e[0], e[1])] = (g, len(groups[g]))
        groups[g].append(e[4])
    used = [g for g in (0, 1) if groups[g]]
    if raw_clusters is None:
        clusters = [cluster(groups[g], comp if g == 0 else "none") for g in used]
    else:
        clusters = raw_clusters
    dirents = []
    for e in entries:
        ns, path, title = e[0].encode(), e[1].encode(), e[2].encode()
        if e[3] is None:
            d = struct.pack("<HBcII", 0xFFFF, 0, ns, 0, index[e[4]])
        else:
            g, blob = place[(e[0], e[1])]
            d = struct.pack("<HBcIII", mimes.index(e[3]), 0, ns, 0, used.index(g), blob)
        dirents.append(d + path + b"\0" + title + b"\0")
    mime_list = b"".join(m.encode() + b"\0" for m in mimes) + b"\0"
    n = len(entries)
    path_ptr = 80 + len(mime_list)
    title_ptr = path_ptr + 8 * n
    dirent_at = title_ptr + 4 * n
    offs, at = [], dirent_at
    for d in dirents:
        offs.append(at)
        at += len(d)
    cluster_ptr = at
    cl_offs, at = [], cluster_ptr + 8 * len(clusters)
    for c in clusters:
        cl_offs.append(at)
        at += len(c)
    checksum_at = at
    by_title = sorted(range(n), key=lambda i: (entries[i][0], entries[i][2] or entries[i][1]))
    main_index = index[main] if main else NO_PAGE
    header = struct.pack("<IHH16sIIQQQQIIQ", MAGIC, major, minor, b"smz-zimgen-test!", n, len(clusters),
                         path_ptr, title_ptr, cluster_ptr, 80, main_index, NO_PAGE, checksum_at)
    body = (header + mime_list + b"".join(struct.pack("<Q", o) for o in offs) +
            b"".join(struct.pack("<I", i) for i in by_title) + b"".join(dirents) +
            b"".join(struct.pack("<Q", o) for o in cl_offs) + b"".join(clusters))
    assert len(body) == checksum_at
    return body + hashlib.md5(body).digest()


def resum(data):
    """The same file with its checksum made right again."""
    return data[:-16] + hashlib.md5(data[:-16]).digest()


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000030000000300806000000") + b"\0" * 40

OLD = [
    ("-", "style.css", "", "text/css", b"body { color: #222 }\n"),
    ("A", "index.html", "Old scheme home", "text/html",
     "<html><head><title>Home</title></head><body><p>Welcome to the "
     "<a href='Foo'>Foo</a> collection, 旧式命名空间的主页.</p></body></html>".encode()),
    ("A", "Foo", "Foo article", "text/html",
     b"<html><head><title>Foo</title><link rel=stylesheet href='../-/style.css'></head>"
     b"<body><p>Foo is about zebras. <img src='../I/logo.png'></p></body></html>"),
    ("A", "Bar", "Bar (another name of Foo)", None, ("A", "Foo")),
    ("I", "logo.png", "", "image/png", PNG),
    ("M", "Title", "", "text/plain", b"Old scheme test"),
    ("M", "Language", "", "text/plain", b"eng"),
    ("M", "Description", "", "text/plain", b"A ZIM of the old namespace scheme"),
    ("M", "Flavour", "", "text/plain", b"nopic"),
    ("M", "Counter", "", "text/plain", b"text/html=2;image/png=1"),
    ("X", "fulltext/xapian", "", "application/octet-stream+xapian", b"not a real index" * 8),
]

NEW_XZ = [
    ("C", "index.html", "新式命名空间", "text/html",
     "<html><head><title>x</title></head><body><p>北京的天气很好: xz clusters.</p></body></html>".encode()),
    ("C", "page/two.html", "Page two", "text/html",
     b"<html><head><title>Two</title></head><body><p>Second page, lzma compressed.</p></body></html>"),
    ("C", "two", "Two (redirect)", None, ("C", "page/two.html")),
    ("M", "Title", "", "text/plain", b"New scheme, xz"),
    ("M", "Language", "", "text/plain", "zho".encode()),
    ("M", "Name", "", "text/plain", b"xz_test"),
    ("M", "LongDescription", "", "text/plain", "两行\nlong description".encode()),
    ("W", "mainPage", "", None, ("C", "index.html")),
]


def new_with(extra):
    return [e for e in NEW_XZ if e[0] != "W"] + extra


def case(name):
    if name == "old":
        return build(OLD, 5, 0, main=("A", "index.html"), comp="xz")
    if name == "new-xz":
        return build(NEW_XZ, 6, 1, main=("W", "mainPage"), comp="xz")
    if name == "dotdot":
        return build(new_with([("C", "../../etc/passwd", "", "text/plain", b"root:x:0:0\n")]), 6, 1)
    if name == "absolute":
        return build(new_with([("C", "/etc/passwd", "", "text/plain", b"root:x:0:0\n")]), 6, 1)
    if name == "loop":
        return build(new_with([("C", "loop-a", "", None, ("C", "loop-b")),
                               ("C", "loop-b", "", None, ("C", "loop-a"))]), 6, 1)
    if name == "truncated":
        return build(OLD, 5, 0, main=("A", "index.html"))[:700]
    if name == "badsum":
        data = bytearray(build(OLD, 5, 0, main=("A", "index.html"), comp="none"))
        data[len(data) - 60] ^= 0x20  # a byte of the last cluster; the checksum is left
        return bytes(data)
    if name == "hugesize":
        # A stored cluster whose offsets claim a 3 GB blob; the checksum
        # is made right, so only the structure can tell.
        body = struct.pack("<II", 8, 3_000_000_000) + b"tiny"
        return build([("C", "big.bin", "", "application/octet-stream", b"")], 6, 1,
                     raw_clusters=[bytes([1]) + body])
    if name == "offsets":
        # An xz cluster whose offset table claims a billion entries: libzim 8
        # reserves that much before reading it (found by fuzz_zim).
        body = lzma.compress(struct.pack("<I", 0xF0000000) + b"x" * 64, format=lzma.FORMAT_XZ)
        return build([("C", "a.html", "", "text/html", b"")], 6, 1, raw_clusters=[bytes([4]) + body])
    if name == "badptr":
        data = bytearray(build(NEW_XZ, 6, 1, main=("W", "mainPage")))
        path_ptr = struct.unpack_from("<Q", data, 32)[0]
        struct.pack_into("<Q", data, path_ptr + 8, 1 << 40)  # the second entry, far past the end
        return resum(bytes(data))
    if name == "notzim":
        return struct.pack("<I", MAGIC) + b"\0" * 200
    raise SystemExit("zimgen.py: unknown case " + name)


CASES = ["old", "new-xz", "dotdot", "absolute", "loop", "truncated", "badsum", "hugesize", "offsets",
         "badptr", "notzim"]

if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    with open(sys.argv[2], "wb") as f:
        f.write(case(sys.argv[1]))
