#!/usr/bin/env python3
"""A generated news collection and its next week, for the update figures
(bench/pull_updates.sh, bench/update_figures.sh): 1,000 articles of four
paragraphs of the PostgreSQL manual's text (shuffled with seed 7) in OLD,
the same and 10 more in NEW.  Usage: bench/news_pair.py OLD NEW"""
import glob
import html
import os
import random
import re
import sys

old, new = sys.argv[1], sys.argv[2]
paras = []
for f in sorted(glob.glob("/usr/share/doc/postgresql-doc-15/html/*.html")):
    t = open(f, encoding="utf-8", errors="replace").read()
    for p in re.findall(r"<p>(.*?)</p>", t, re.S):
        p = html.unescape(re.sub(r"<[^>]+>", "", p))
        p = " ".join(p.split())
        if len(p) > 200:
            paras.append(p)
rnd = random.Random(7)
rnd.shuffle(paras)
os.makedirs(old, exist_ok=True)
os.makedirs(new, exist_ok=True)
for i in range(1010):
    y, d = 2020 + i // 365, i % 365
    name = "%d-%02d-%02d-report-%04d.txt" % (y, d // 28 % 12 + 1, d % 28 + 1, i)
    text = "Report %d\n\n" % i + "\n\n".join(paras[(4 * i + k) % len(paras)] for k in range(4)) + "\n"
    for folder in ([old, new] if i < 1000 else [new]):
        open(os.path.join(folder, name), "w", encoding="utf-8").write(text)
