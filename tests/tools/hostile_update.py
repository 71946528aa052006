"""Hostile updates for tests/cli/delta.sh: takes a good update (docs/UPDATES.md)
and writes variants whose zstd frames are all valid but whose table lies:
extents outside NEW or overlapping, an unknown op, a cluster count over the
table, an OLD cluster that does not exist, a level out of range, sizes that do
not add up, the chains' page numbers left out, and a list of indexed entries
(the packed index to rebuild) that does not fit NEW.  Each must be refused by smz patch with nothing written.

usage: hostile_update.py GOOD.smzup OUTDIR   (prints the names it wrote)
"""
import os
import struct
import subprocess
import sys

from entryblocks import _get as read_uvarint, varint as uvarint

HDR = 176
REC = 43


def zstd(data, decompress=False):
    # From a file, so that the frame names its content size (patch wants it).
    args = ["zstd", "-q", "-c"] + (["-d"] if decompress else ["-19", "--stream-size=%d" % len(data)])
    return subprocess.run(args, input=data, stdout=subprocess.PIPE, check=True).stdout


def main():
    good, outdir = sys.argv[1], sys.argv[2]
    buf = open(good, "rb").read()
    hdr = bytearray(buf[:HDR])
    tlen, slen, plen = struct.unpack(">QQQ", hdr[152:176])
    table = bytearray(zstd(buf[HDR:HDR + tlen], decompress=True))
    skel = buf[HDR + tlen:HDR + tlen + slen]
    pay = buf[HDR + tlen + slen:]
    n = struct.unpack(">Q", table[:8])[0]
    recs = bytes(table[8:8 + n * REC])
    ne = struct.unpack(">Q", table[8 + n * REC:16 + n * REC])[0]
    # The extents (docs/UPDATES.md): varints, where each starts against
    # where the one before ended (zigzag), and its length; then a flag byte.
    exts, i, at = [], 16 + n * REC, 0
    for _ in range(ne):
        zz, i = read_uvarint(table, i)
        ln, i = read_uvarint(table, i)
        off = at - (zz >> 1) - 1 if zz & 1 else at + (zz >> 1)
        exts.append([off, ln])
        at = off + ln
    flags = table[i]
    new_size = struct.unpack(">Q", hdr[80:88])[0]

    def encode(rs=recs, es=None, fl=flags, count=None, ecount=None):
        es = exts if es is None else es
        t = bytearray(struct.pack(">Q", n if count is None else count) + rs)
        t += struct.pack(">Q", len(es) if ecount is None else ecount)
        at = 0
        for off, ln in es:
            t += uvarint((off - at) << 1 if off >= at else ((at - off - 1) << 1) | 1) + uvarint(ln)
            at = off + ln
        return t + bytes([fl])

    def write(name, t, h=None, payloads=None):
        z = zstd(bytes(t))
        p = pay if payloads is None else payloads
        hh = bytearray(h if h is not None else hdr)
        hh[152:160] = struct.pack(">Q", len(z))
        hh[168:176] = struct.pack(">Q", len(p))
        with open(os.path.join(outdir, name + ".smzup"), "wb") as f:
            f.write(bytes(hh) + z + skel + p)
        print(name)

    def with_(off, fmt, value):
        r = bytearray(recs)
        struct.pack_into(fmt, r, off, value)
        return encode(bytes(r))

    def ext_with(k, off=None, ln=None):
        es = [list(e) for e in exts]
        if off is not None:
            es[k][0] = off
        if ln is not None:
            es[k][1] = ln
        return encode(es=es)

    write("extent-outside", ext_with(0, off=new_size))
    write("extent-long", ext_with(0, ln=new_size))
    write("extent-empty", ext_with(0, ln=0))
    if len(exts) >= 2:
        write("extents-overlap", ext_with(1, off=exts[0][0]))  # the second starts where the first does
    write("extents-trailing", encode() + b"\0")
    write("chain-flag-unknown", encode(fl=2))
    write("chain-flag-off", encode(fl=0))  # the chains' page numbers left as zeros: not NEW
    write("op-unknown", with_(9, ">B", 9))
    write("kind-unknown", with_(8, ">B", 5))
    write("count-huge", encode(count=1 << 60))
    write("count-off-by-one", encode(count=n + 1))
    write("extent-count-huge", encode(ecount=1 << 58))
    write("old-cluster-missing", with_(10, ">Q", 999999))
    write("level-zero", with_(18, ">B", 0))
    write("level-huge", with_(18, ">B", 200))
    write("usize-huge", with_(27, ">Q", 1 << 40))
    write("data-len-off", with_(19, ">Q", struct.unpack(">Q", recs[19:27])[0] + 1))
    write("payload-len-off", with_(35, ">Q", struct.unpack(">Q", recs[35:43])[0] - 1))
    h = bytearray(hdr)
    h[80:88] = struct.pack(">Q", 1 << 62)
    write("new-size-huge", encode(), h)
    h = bytearray(hdr)
    h[88:120] = bytes(32)
    write("new-sha-wrong", encode(), h)
    # The packed index rebuilt from the pages (op 4): its list of indexed
    # entries altered, re-compressed so that every frame is valid.
    po = 0
    for k in range(n):
        r = recs[k * REC:(k + 1) * REC]
        pl = struct.unpack(">Q", r[35:43])[0]
        if r[9] == 4:
            lst = bytearray(zstd(pay[po:po + pl], decompress=True))

            def with_list(name, l2, rec_edit=None):
                z2 = zstd(bytes(l2))
                r2 = bytearray(recs)
                struct.pack_into(">Q", r2, k * REC + 35, len(z2))
                if rec_edit:
                    rec_edit(r2, k * REC)
                write(name, encode(bytes(r2)), payloads=pay[:po] + z2 + pay[po + pl:])

            first = next(j for j, b in enumerate(lst) if b)  # the first indexed entry's mode
            l2 = bytearray(lst)
            l2[first + 1] = 2  # its id one more: every id after it moves
            with_list("rebuild-id-moved", l2)
            l2 = bytearray(lst)
            l2[first] = 9
            with_list("rebuild-mode-unknown", l2)
            l2 = bytearray(lst)
            l2[first] = 1 if lst[first] != 1 else 4  # its title alone, or text it does not have
            with_list("rebuild-mode-other", l2)
            with_list("rebuild-list-short", lst[:-1])
            with_list("rebuild-list-long", lst + b"\0")
            with_list("rebuild-list-empty", b"")
            with_list("rebuild-stem-flipped", lst, lambda r2, o: struct.pack_into(">Q", r2, o + 10, 1 - r2[o + 17]))
            with_list("rebuild-stem-huge", lst, lambda r2, o: struct.pack_into(">Q", r2, o + 10, 7))
            with_list("rebuild-not-the-index", lst, lambda r2, o: struct.pack_into(">B", r2, o + 8, 0))
            r2 = bytearray(recs)
            write("rebuild-payload-not-zstd", encode(bytes(r2)), payloads=pay[:po] + b"\0" * pl + pay[po + pl:])
        po += pl


main()
