#!/usr/bin/env python3
"""Compares a ZIM's entries, as `zimdump list --details` gives them, with
an imported archive's, as `smz ls --long` gives them (tests/cli/zim_import.sh):
the same paths, and for each the same kind (content or redirect), MIME type
(ours carries a charset parameter that the ZIM's lacks), title (libzim
gives the path as the title of an entry without one: that is no title) and
redirect target.  Prints one line per difference and "N entries match";
exits 1 on any difference.

usage: zim_compare.py ZIMDUMP_LIST SMZ_LS
"""
import sys


def zim_entries(path):
    entries, cur = [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("path: "):
                cur = {"path": line[6:]}
                entries.append(cur)
            elif line.startswith("* ") and cur is not None:
                key, _, value = line[2:].partition(":")
                cur[key.strip()] = value.strip()
    by_idx = {int(e["idx"]): e["path"] for e in entries}
    out = {}
    for e in entries:
        title = "" if e.get("title", "") == e["path"] else e.get("title", "")
        if e.get("type") == "redirect":
            out[e["path"]] = ("redirect", by_idx.get(int(e["redirect index"]), "?"), title)
        else:
            out[e["path"]] = ("content", e.get("mime-type", ""), title)
    return out


def smz_entries(path):
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            p, kind, _size, title = line.rstrip("\n").split("\t", 3)
            if kind.startswith("-> "):
                out[p] = ("redirect", kind[3:], title)
            else:
                out[p] = ("content", kind.split(";")[0].strip(), title)
    return out


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    zim, smz = zim_entries(sys.argv[1]), smz_entries(sys.argv[2])
    bad = 0
    for p in sorted(set(zim) | set(smz)):
        if zim.get(p) != smz.get(p):
            print("differs: %s: ZIM %r, archive %r" % (p, zim.get(p), smz.get(p)))
            bad += 1
    print("%d entries match" % len(zim) if not bad else "%d differences" % bad)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
