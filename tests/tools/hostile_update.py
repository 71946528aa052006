"""Hostile updates for tests/cli/delta.sh: takes a good update (docs/UPDATES.md)
and writes variants whose zstd frames are all valid but whose table lies:
extents outside NEW or overlapping, an unknown op, a cluster count over the
table, an OLD cluster that does not exist, a level out of range, sizes that do
not add up.  Each must be refused by smz patch with nothing written.

usage: hostile_update.py GOOD.smzup OUTDIR   (prints the names it wrote)
"""
import os
import struct
import subprocess
import sys

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
    rest = buf[HDR + tlen:]
    n = struct.unpack(">Q", table[:8])[0]
    ext = 8 + n * REC + 8
    new_size = struct.unpack(">Q", hdr[80:88])[0]

    def write(name, t, h=None):
        z = zstd(bytes(t))
        hh = bytearray(h if h is not None else hdr)
        hh[152:160] = struct.pack(">Q", len(z))
        with open(os.path.join(outdir, name + ".smzup"), "wb") as f:
            f.write(bytes(hh) + z + rest)
        print(name)

    def with_(off, fmt, value):
        t = bytearray(table)
        struct.pack_into(fmt, t, off, value)
        return t

    write("extent-outside", with_(ext, ">Q", new_size))
    write("extent-long", with_(ext + 8, ">Q", new_size))
    write("extent-empty", with_(ext + 8, ">Q", 0))
    if len(table) >= ext + 32:
        t = bytearray(table)
        t[ext + 16:ext + 24] = t[ext:ext + 8]  # the second starts where the first does
        write("extents-overlap", t)
    write("op-unknown", with_(8 + 9, ">B", 9))
    write("kind-unknown", with_(8 + 8, ">B", 5))
    write("count-huge", with_(0, ">Q", 1 << 60))
    write("count-off-by-one", with_(0, ">Q", n + 1))
    write("extent-count-huge", with_(8 + n * REC, ">Q", 1 << 58))
    write("old-cluster-missing", with_(8 + 10, ">Q", 999999))
    write("level-zero", with_(8 + 18, ">B", 0))
    write("level-huge", with_(8 + 18, ">B", 200))
    write("usize-huge", with_(8 + 27, ">Q", 1 << 40))
    write("data-len-off", with_(8 + 19, ">Q", struct.unpack(">Q", table[8 + 19:8 + 27])[0] + 1))
    write("payload-len-off", with_(8 + 35, ">Q", struct.unpack(">Q", table[8 + 35:8 + 43])[0] - 1))
    h = bytearray(hdr)
    h[80:88] = struct.pack(">Q", 1 << 62)
    write("new-size-huge", table, h)
    h = bytearray(hdr)
    h[88:120] = bytes(32)
    write("new-sha-wrong", table, h)


main()
