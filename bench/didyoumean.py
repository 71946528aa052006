#!/usr/bin/env python3
"""Did-you-mean hit rate (issue 20, Tolerance): how often `smz search --json`
offers the intended word first for a misspelt one.

The words: 200 words of five letters or more drawn (seed 20) from the
PostgreSQL manual's back-of-book index (bookindex.html: its terms and the
titles they point to).  Each is misspelt once, in turn by deleting a letter,
swapping two neighbours, or doubling a letter, at a position drawn with the
same seed; a misspelling that is itself a word of the manual (the text of its
pages, tags stripped) is drawn again, as no speller can know it is wrong.

A hit: the first alternative of the word (the "words" member of the JSON)
is the intended word, lower case.  "Same stem" also counts an alternative
that finds the same pages in this English (stemmed) archive: the intended
word's stem, as `smz search` itself reports no stem, is taken to be the same
when searching the alternative and the intended word gives the same total.

usage: bench/didyoumean.py [SMZ] [ARCHIVE] [HTML_DIR]
  defaults: bin/smz, build/bench/pgdoc-dym.smz (packed with bin/smz-pack
  from HTML_DIR when missing), /usr/share/doc/postgresql-doc-15/html
Prints one line per miss on stderr, then the figures.  Run time: about 1 min.
"""
import html
import json
import os
import random
import re
import subprocess
import sys
import time

SMZ = sys.argv[1] if len(sys.argv) > 1 else "bin/smz"
ARCHIVE = sys.argv[2] if len(sys.argv) > 2 else "build/bench/pgdoc-dym.smz"
HTML = sys.argv[3] if len(sys.argv) > 3 else "/usr/share/doc/postgresql-doc-15/html"
N = 200
SEED = 20


def text_of(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        t = f.read()
    t = re.sub(r"<(script|style)\b.*?</\1>", " ", t, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", t))


def words_in(text):
    return re.findall(r"[A-Za-z]+", text)


def main():
    if not os.path.exists(ARCHIVE):
        os.makedirs(os.path.dirname(ARCHIVE) or ".", exist_ok=True)
        pack = os.path.join(os.path.dirname(SMZ), "smz-pack")
        subprocess.run([pack, HTML, "-o", ARCHIVE, "--quiet"], check=True)
    vocab = set()
    for name in os.listdir(HTML):
        if name.endswith(".html"):
            vocab.update(w.lower() for w in words_in(text_of(os.path.join(HTML, name))))
    index = sorted({w.lower() for w in words_in(text_of(os.path.join(HTML, "bookindex.html")))
                    if len(w) >= 5})
    rng = random.Random(SEED)
    picked = rng.sample(index, N)
    cases = []
    for i, word in enumerate(picked):
        kind = ("delete", "swap", "double")[i % 3]
        for _ in range(100):
            p = rng.randrange(len(word) - (kind == "swap"))
            if kind == "delete":
                typo = word[:p] + word[p + 1:]
            elif kind == "swap":
                typo = word[:p] + word[p + 1] + word[p] + word[p + 2:]
            else:
                typo = word[:p] + word[p] + word[p:]
            if typo != word and typo not in vocab:
                break
        else:
            continue
        cases.append((word, typo, kind))

    def search(q):
        t0 = time.monotonic()
        out = subprocess.run([SMZ, "search", ARCHIVE, q, "--json", "--no-snippets", "--limit", "1"],
                             capture_output=True, text=True)
        return json.loads(out.stdout), time.monotonic() - t0

    hits = stem_hits = listed = 0
    by_kind = {}
    times = []
    for word, typo, kind in cases:
        d, dt = search(typo)
        times.append(dt)
        alts = [a["word"] for w in d.get("words", []) for a in w["alternatives"]]
        first = alts[0] if alts else None
        ok = first == word
        same = ok or (first is not None and search(first)[0]["total"] == search(word)[0]["total"])
        hits += ok
        stem_hits += same
        listed += word in alts
        k = by_kind.setdefault(kind, [0, 0])
        k[0] += ok
        k[1] += 1
        if not ok:
            print("miss: %s -> %s: offered %s%s" % (word, typo, alts[:3], " (same pages)" if same else ""),
                  file=sys.stderr)
    n = len(cases)
    times.sort()
    print("did-you-mean on %s: %d misspellings of %d index words (seed %d)" % (ARCHIVE, n, N, SEED))
    print("intended word offered first: %d/%d = %.1f%%" % (hits, n, 100.0 * hits / n))
    print("first offer finds the same pages (same stem): %d/%d = %.1f%%" % (stem_hits, n, 100.0 * stem_hits / n))
    print("intended word among the alternatives: %d/%d = %.1f%%" % (listed, n, 100.0 * listed / n))
    for kind, (h, t) in sorted(by_kind.items()):
        print("  %s: %d/%d" % (kind, h, t))
    print("smz search --json time per query (process included): median %.0f ms, max %.0f ms"
          % (1000 * times[n // 2], 1000 * times[-1]))


if __name__ == "__main__":
    main()
