#!/usr/bin/env python3
"""Writes hostile input archives for smz-pack into OUTDIR:
  traversal.tar   members "../evil.html", "/abs/evil.html", "a/../../evil2.html", one good page
  links.tar       a symlink to /etc/passwd, one to ../../outside, a hard link inside, a good page
  devices.tar     a character device, a FIFO, a good page
  bigdecl.tar     a member whose header declares 8 GiB but the stream ends early
  bomb.zip        one member of 400 MiB of zeros (compresses to ~400 KiB)
  badname.tar     a member whose name is not valid UTF-8, a good page
usage: hostile_inputs.py OUTDIR"""
import io, os, sys, tarfile, zipfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
GOOD = b"<html><head><title>Good</title></head><body>good</body></html>\n"

def add(t, name, data=b"", **kw):
    ti = tarfile.TarInfo(name)
    ti.size = len(data)
    ti.mtime = 1600000000
    for k, v in kw.items():
        setattr(ti, k, v)
    t.addfile(ti, io.BytesIO(data) if data else None)

with tarfile.open(os.path.join(out, "traversal.tar"), "w", format=tarfile.GNU_FORMAT) as t:
    add(t, "../evil.html", GOOD)
    add(t, "/abs/evil.html", GOOD)
    add(t, "a/../../evil2.html", GOOD)
    add(t, "good.html", GOOD)
with tarfile.open(os.path.join(out, "links.tar"), "w") as t:
    add(t, "good.html", GOOD)
    add(t, "passwd", type=tarfile.SYMTYPE, linkname="/etc/passwd")
    add(t, "sub/up", type=tarfile.SYMTYPE, linkname="../../outside")
    add(t, "sub/alias.html", type=tarfile.SYMTYPE, linkname="../good.html")
    add(t, "hard.html", type=tarfile.LNKTYPE, linkname="good.html")
with tarfile.open(os.path.join(out, "devices.tar"), "w") as t:
    add(t, "dev/null", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
    add(t, "fifo", type=tarfile.FIFOTYPE)
    add(t, "good.html", GOOD)
# a header that declares 8 GiB followed by only a little data
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT) as t:
    add(t, "good.html", GOOD)
    ti = tarfile.TarInfo("huge.bin"); ti.size = 8 << 30; ti.mtime = 1600000000
    buf.write(ti.tobuf(format=tarfile.GNU_FORMAT))
    buf.write(b"x" * 4096)
    t.fileobj = io.BytesIO()  # do not let close() write the end blocks into buf
with open(os.path.join(out, "bigdecl.tar"), "wb") as f:
    f.write(buf.getvalue())
with zipfile.ZipFile(os.path.join(out, "bomb.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("good.html", GOOD)
    with z.open("bomb.bin", "w", force_zip64=True) as f:
        chunk = b"\0" * (1 << 20)
        for _ in range(400):
            f.write(chunk)
with tarfile.open(os.path.join(out, "badname.tar"), "w", format=tarfile.GNU_FORMAT, encoding="latin-1") as t:
    ti = tarfile.TarInfo("caf\xe9-\xff.html")  # latin-1 bytes 0xE9 0xFF: not UTF-8
    ti.size = len(GOOD); ti.mtime = 1600000000
    t.addfile(ti, io.BytesIO(GOOD))
    add(t, "good.html", GOOD)
