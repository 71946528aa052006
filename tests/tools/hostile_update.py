"""Hostile updates for tests/cli/delta.sh: takes a good update (docs/UPDATES.md)
and writes variants whose zstd frames are all valid but whose table lies:
extents outside NEW or overlapping, an unknown op, a cluster count over the
table, an OLD cluster that does not exist, a level out of range, sizes that do
not add up, the chains' page numbers left out, an entry block's delta that
names a NEW cluster it cannot use, a list of article pages to render again
that does not fit the cluster, and a list of indexed entries (the packed
index to rebuild) that does not fit NEW.  Each must be refused by smz patch
with nothing written.

usage: hostile_update.py GOOD.smzup OUTDIR   (prints the names it wrote)
"""
import copy
import os
import sys

import smzupd


def main():
    good, outdir = sys.argv[1], sys.argv[2]
    u0 = smzupd.read(open(good, "rb").read())
    n = len(u0["records"])

    def write(name, u=None, table_raw=None):
        with open(os.path.join(outdir, name + ".smzup"), "wb") as f:
            f.write(smzupd.write(u0 if u is None else u, table_raw))
        print(name)

    def edited(fn):
        u = copy.deepcopy(u0)
        fn(u)
        return u

    def rec(k, **kv):
        return edited(lambda u: u["records"][k].update(kv))

    def ext_with(k, off=None, ln=None):
        def f(u):
            if off is not None:
                u["extents"][k][0] = off
            if ln is not None:
                u["extents"][k][1] = ln
        return edited(f)

    new_size = u0["new_size"]
    write("extent-outside", ext_with(0, off=new_size))
    write("extent-long", ext_with(0, ln=new_size))
    write("extent-empty", ext_with(0, ln=0))
    if len(u0["extents"]) >= 2:
        write("extents-overlap", ext_with(1, off=u0["extents"][0][0]))  # the second starts where the first does
    write("extents-trailing", table_raw=smzupd.table(u0) + b"\0")
    write("chain-flag-unknown", edited(lambda u: u.update(flags=2)))
    write("chain-flag-off", edited(lambda u: u.update(flags=0)))  # the chains' page numbers left as zeros: not NEW
    write("op-unknown", rec(0, op=9))
    write("kind-unknown", rec(0, kind=5))
    write("count-huge", table_raw=smzupd.table(u0, count=1 << 60))
    write("count-off-by-one", table_raw=smzupd.table(u0, count=n + 1))
    write("extent-count-huge", table_raw=smzupd.table(u0, ecount=1 << 58))
    write("old-cluster-missing", rec(0, old=999999))
    write("level-zero", rec(0, level=0))
    write("level-huge", rec(0, level=200))
    write("usize-huge", rec(0, usize=1 << 40))
    write("data-len-off", rec(0, dlen=u0["records"][0]["dlen"] + 1))
    write("payload-len-off", rec(0, plen=u0["records"][0]["plen"] - 1))
    write("new-size-huge", edited(lambda u: u.update(new_size=1 << 62)))
    write("new-sha-wrong", edited(lambda u: u.update(new_sha=bytes(32))))
    write("new-digest-wrong", edited(lambda u: u.update(new_digest=bytes(32))))
    # An entry block's delta made against a NEW cluster (its aux): one that
    # does not exist, none, and an aux on a cluster and on the index.
    for k, r in enumerate(u0["records"]):
        if r["kind"] == 3 and r["aux"]:
            write("aux-missing", rec(k, aux=999999))
            write("aux-none", rec(k, aux=0))  # the delta then decodes otherwise, or not at all
            break
    write("aux-on-a-cluster", rec(0, aux=1))
    for k, r in enumerate(u0["records"]):
        if r["kind"] == 2:
            write("aux-on-the-index", rec(k, aux=1))
    # A cluster whose article pages are rendered again (op 5): its payload
    # is the list's length, the list (flags, count, then a place and a day
    # for each page), the frame; the list altered.
    po = 0
    for k, r in enumerate(u0["records"]):
        pl = r["plen"]
        if r["op"] == 5:
            pay = u0["payloads"]
            body = pay[po:po + pl]
            ll, i = smzupd.uvarint_get(body, 0)
            lst, frame = body[i:i + ll], body[i + ll:]
            flags, j = smzupd.uvarint_get(lst, 0)
            count, j = smzupd.uvarint_get(lst, j)
            places = []
            for _ in range(count):
                gap, j = smzupd.uvarint_get(lst, j)
                day, j = smzupd.uvarint_get(lst, j)
                places.append([gap, day])

            def with_pages(name, fl=flags, cnt=None, pls=None, raw=None):
                pls = places if pls is None else pls
                l2 = raw if raw is not None else (smzupd.uvarint(fl) + smzupd.uvarint(len(pls) if cnt is None else cnt) +
                                                  b"".join(smzupd.uvarint(g) + smzupd.uvarint(d) for g, d in pls))
                b2 = smzupd.uvarint(len(l2)) + l2 + frame
                u = copy.deepcopy(u0)
                u["records"][k]["plen"] = len(b2)
                u["payloads"] = pay[:po] + b2 + pay[po + pl:]
                write(name, u)

            with_pages("pages-flags-unknown", fl=8)
            with_pages("pages-flags-other", fl=flags ^ 1)  # another label home: another page
            with_pages("pages-count-zero", cnt=0, pls=[])
            with_pages("pages-count-more", cnt=count + 1)
            with_pages("pages-place-beyond", pls=[[1 << 40, places[0][1]]] + places[1:])
            with_pages("pages-place-moved", pls=[[places[0][0] + 1, places[0][1]]] + places[1:])  # not a page there
            with_pages("pages-one-left-out", pls=places[1:])  # the cut bytes are then one page short
            dated = [q for q, (g, d) in enumerate(places) if d]
            if dated:  # a page whose date is its file's: another day
                q = dated[0]
                with_pages("pages-day-other", pls=places[:q] + [[places[q][0], places[q][1] + 400]] + places[q + 1:])
            with_pages("pages-list-long", raw=lst + b"\0")
            b2 = smzupd.uvarint(pl) + body  # the list's length past the payload
            u = copy.deepcopy(u0)
            u["records"][k]["plen"] = len(b2)
            u["payloads"] = pay[:po] + b2 + pay[po + pl:]
            write("pages-list-len-huge", u)
            write("pages-not-a-zstd-cluster", rec(k, kind=0))
            write("pages-aux", rec(k, aux=1))
            break
        po += pl
    # The packed index rebuilt from the pages (op 4): its list of indexed
    # entries altered, re-compressed so that every frame is valid.
    po = 0
    for k, r in enumerate(u0["records"]):
        pl = r["plen"]
        if r["op"] == 4:
            pay = u0["payloads"]
            lst = bytearray(smzupd.zstd(pay[po:po + pl], decompress=True))

            def with_list(name, l2, **kv):
                z2 = smzupd.zstd(bytes(l2))
                u = copy.deepcopy(u0)
                u["records"][k].update(plen=len(z2), **kv)
                u["payloads"] = pay[:po] + z2 + pay[po + pl:]
                write(name, u)

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
            with_list("rebuild-stem-flipped", lst, old=1 - r["old"])
            with_list("rebuild-stem-huge", lst, old=7)
            with_list("rebuild-not-the-index", lst, kind=0)
            u = copy.deepcopy(u0)
            u["payloads"] = pay[:po] + b"\0" * pl + pay[po + pl:]
            write("rebuild-payload-not-zstd", u)
        po += pl


main()
