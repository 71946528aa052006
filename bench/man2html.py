#!/usr/bin/env python3
"""Turns the Chinese manual pages of Debian's manpages-zh (zh_CN) into HTML pages:
the corpus of the Chinese recall benchmark (bench/run.sh, section "recall").

The roff is rendered roughly (requests become headings and paragraphs, font and
character escapes are dropped or mapped), which is all a full-text index needs: the
brute-force scan that gives the true answers reads these same HTML files.  Symbolic
links (aliases of other pages) are left out.  Deterministic.

Usage: man2html.py MANDIR OUT     e.g. man2html.py /usr/share/man/zh_CN corpus/manzh
Layout: OUT/index.html, OUT/manN/NAME.N.html.
"""
import gzip
import html
import os
import re
import sys

CHARS = {"em": "—", "en": "–", "bu": "•", "aq": "'", "lq": "“", "rq": "”", "oq": "‘",
         "cq": "’", "co": "©", "rg": "®", "dq": '"', "ga": "`", "ti": "~", "ha": "^",
         "mu": "×", "di": "÷", "<=": "≤", ">=": "≥", "->": "→", "<-": "←", "+-": "±",
         "hy": "-", "ci": "○", "sq": "□", "dg": "†", "de": "°", "tm": "™", "rs": "\\"}
STRINGS = {"Aq": "'", "lq": "“", "rq": "”", "R": "®", "Tm": "™", "aq": "'"}

ESC = re.compile(r"\\(f\[[^\]]*\]|f\(..|f.|\(..|\[[^\]]*\]|\*\(..|\*\[[^\]]*\]|\*.|s[-+]?\d|"
                 r"[-e&/,|^:c \\'`0~%]|.)")


def unescape(s):
    def sub(m):
        e = m.group(1)
        if e[0] == "f" or e[0] == "s":
            return ""
        if e[0] == "(":
            return CHARS.get(e[1:], "")
        if e[0] == "[":
            return CHARS.get(e[1:-1], "")
        if e[0] == "*":
            k = e[2:-1] if e[1] == "[" else e[2:] if e[1] == "(" else e[1:]
            return STRINGS.get(k, "")
        return {"-": "-", "e": "\\", "\\": "\\", " ": " ", "~": " ", "0": " ", "'": "'",
                "`": "`"}.get(e, "")
    return ESC.sub(sub, s)


def args_of(line):
    """A request's arguments, with roff's double quotes."""
    out, cur, q, i = [], "", False, 0
    while i < len(line):
        c = line[i]
        if c == '"':
            if q and i + 1 < len(line) and line[i + 1] == '"':
                cur += '"'
                i += 1
            else:
                q = not q
        elif c in " \t" and not q:
            if cur:
                out.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    if cur:
        out.append(cur)
    return out


def render(src, name, sec):
    blocks, para = [], []   # blocks: (tag, text)
    desc = None
    section = ""

    def flush():
        if para:
            blocks.append(("p", "\n".join(para)))
            para.clear()

    for raw in src.splitlines():
        if raw.startswith((".", "'")):
            req = raw[1:].strip()
            if req.startswith('\\"') or not req:
                continue
            parts = req.split(None, 1)
            r, rest = parts[0], (parts[1] if len(parts) > 1 else "")
            a = [unescape(x) for x in args_of(rest)]
            if r in ("SH", "SS"):
                flush()
                section = " ".join(a)
                blocks.append(("h2" if r == "SH" else "h3", section))
            elif r in ("PP", "LP", "P", "sp", "br", "TP", "RS", "RE", "in", "ti", "nf", "fi"):
                flush()
            elif r in ("IP", "TQ"):
                flush()
                if a:
                    para.append(a[0])
            elif r in ("B", "I", "SM", "SB"):
                para.append(" ".join(a))
            elif r in ("BI", "BR", "IB", "IR", "RB", "RI"):
                para.append("".join(a))
            elif r in ("UR", "MT"):
                para.append(" ".join(a))
            continue
        text = unescape(raw).strip()
        if not text:
            flush()
            continue
        if desc is None and section in ("名称", "名字", "NAME", "名 称", "名稱"):
            desc = text
        para.append(text)
    flush()
    title = "%s(%s)" % (name, sec)
    if desc:
        title += ": " + re.sub(r"\s+", " ", desc)[:120]
    body = "\n".join("<%s>%s</%s>" % (t, html.escape(x, quote=False), t) for t, x in blocks)
    return title, ('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>%s</title>'
                   '</head>\n<body><h1>%s</h1>\n%s\n</body></html>\n'
                   % (html.escape(title), html.escape(title), body))


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    mandir, out = sys.argv[1], sys.argv[2]
    index = []
    for d in sorted(os.listdir(mandir)):
        if not re.fullmatch(r"man\w+", d):
            continue
        for f in sorted(os.listdir(os.path.join(mandir, d))):
            p = os.path.join(mandir, d, f)
            if os.path.islink(p) or not os.path.isfile(p):
                continue
            data = gzip.open(p).read() if f.endswith(".gz") else open(p, "rb").read()
            src = data.decode("utf-8", errors="replace")
            if src.lstrip().startswith(".so "):
                continue
            base = f[:-3] if f.endswith(".gz") else f
            name, _, sec = base.rpartition(".")
            title, page = render(src, name or base, sec or d[3:])
            os.makedirs(os.path.join(out, d), exist_ok=True)
            rel = "%s/%s.html" % (d, base)
            with open(os.path.join(out, rel), "w", encoding="utf-8") as fo:
                fo.write(page)
            index.append((rel, title))
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as fo:
        fo.write('<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>中文手册页'
                 '</title></head>\n<body><h1>中文手册页</h1><ul>\n%s\n</ul></body></html>\n'
                 % "\n".join('<li><a href="%s">%s</a></li>' % (html.escape(r), html.escape(t))
                             for r, t in index))
    print("man2html.py: %d pages" % len(index))
    return 0


if __name__ == "__main__":
    sys.exit(main())
