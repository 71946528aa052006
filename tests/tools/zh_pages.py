#!/usr/bin/env python3
"""Turns Debian's manpages-zh (troff, gzip) into simple HTML pages: a Chinese
collection for the search tests.  Writes OUTDIR/NAME.html for the first
COUNT pages (sorted by path) and OUTDIR/../texts.json: {page: title + "\n" +
body}, the text a brute-force scan checks the search against.

Usage: zh_pages.py OUTDIR [COUNT]"""
import gzip, html, json, os, re, sys

src = "/usr/share/man/zh_CN"
out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 400
os.makedirs(out, exist_ok=True)

def troff_to_text(t):
    lines = []
    for line in t.splitlines():
        if line.startswith(('.\\"', "'\\\"")):
            continue
        if line.startswith(('.', "'")):
            m = re.match(r"[.'](SH|SS|TH|B|I|BR|IR|RB|BI|IB|TP|IP)\s*(.*)", line)
            if not m:
                continue
            line = m.group(2).replace('"', '')
        line = re.sub(r"\\f[BIRP1-4]|\\f\(..|\\s[+-]?\d", "", line)
        line = re.sub(r"\\\(..|\\\*.|\\[&|^%]", "", line)
        line = line.replace("\\-", "-").replace("\\e", "\\").replace("\\ ", " ")
        lines.append(line)
    return "\n".join(lines)

paths = []
for sec in sorted(os.listdir(src)):
    d = os.path.join(src, sec)
    for f in sorted(os.listdir(d)):
        if f.endswith(".gz"):
            paths.append(os.path.join(d, f))
texts = {}
for p in paths[:count]:
    try:
        raw = gzip.open(p).read().decode("utf-8")
    except (UnicodeDecodeError, OSError):
        continue
    body = troff_to_text(raw).strip()
    if not body:
        continue
    name = os.path.basename(p)[:-3].replace(".", "_") + ".html"
    title = os.path.basename(p)[:-3] + " 手册页"
    with open(os.path.join(out, name), "w", encoding="utf-8") as f:
        f.write("<!DOCTYPE html><html lang=\"zh\"><head><meta charset=\"utf-8\"><title>%s</title>"
                "</head><body><h1>%s</h1>\n" % (html.escape(title), html.escape(title)))
        for para in re.split(r"\n\s*\n", body):
            f.write("<p>%s</p>\n" % html.escape(para))
        f.write("</body></html>\n")
    texts[name] = title + "\n" + title + "\n" + body
with open(os.path.join(os.path.dirname(os.path.abspath(out)), "texts.json"), "w") as f:
    json.dump(texts, f, ensure_ascii=False)
print(len(texts))
