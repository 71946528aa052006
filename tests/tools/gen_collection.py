#!/usr/bin/env python3
"""Generates a test collection: N entries in nested folders with assorted MIME
types, binary and empty files, Unicode and awkward names, symlinks inside and
outside the tree, and a redirects TSV.  Deterministic for a given seed.

usage: gen_collection.py OUTDIR N [SEED]
Writes OUTDIR/site/ (the collection), OUTDIR/redirects.tsv and
OUTDIR/expected.tsv (path, mime, title for every regular file)."""
import os, random, sys, zlib, struct

def png(rng):
    raw = b"".join(b"\0" + bytes(rng.randrange(256) for _ in range(12)) for _ in range(4))
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

WORDS = ("archive freedom press report rights river mountain library reader search "
         "index cluster page article village school water harvest 人权 新闻 自由 "
         "café élève naïve Москва Ελλάδα").split()

def text(rng, n):
    return " ".join(rng.choice(WORDS) for _ in range(n))

def main():
    out, n = sys.argv[1], int(sys.argv[2])
    rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
    site = os.path.join(out, "site")
    os.makedirs(site, exist_ok=True)
    dirs = ["", "a", "a/b", "a/b/c", "a/b/c/d", "données", "données/été", "日本語", "with space",
            "z" * 40, "css", "img", "docs/v1", "docs/v2"]
    expected, html_paths = [], []
    for i in range(n):
        d = rng.choice(dirs)
        kind = rng.choices(["html", "css", "js", "png", "bin", "empty", "txt", "json", "noext", "svg"],
                           [40, 6, 6, 10, 8, 3, 10, 5, 6, 6])[0]
        stem = rng.choice(["page", "doc", "été", "日本", "file name", "x-y_z", "ÿ"]) + f"{i:05d}"
        if kind == "html":
            title = f"Title {i} " + text(rng, 3)
            body = "".join(f"<p>{text(rng, rng.randrange(5, 60))}</p>\n" for _ in range(rng.randrange(1, 8)))
            data = (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title>"
                    f"</head><body><h1>{title}</h1>\n{body}</body></html>\n").encode()
            name, mime = stem + ".html", "text/html"
        elif kind == "css":
            data, name, mime, title = f"body {{ color: #{i % 4096:03x}; }}\n".encode() * rng.randrange(1, 30), stem + ".css", "text/css", ""
        elif kind == "js":
            data, name, mime, title = f"console.log({i});\n".encode() * rng.randrange(1, 30), stem + ".js", "text/javascript", ""
        elif kind == "png":
            data, name, mime, title = png(rng), stem + ".png", "image/png", ""
        elif kind == "bin":
            data, name, mime, title = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 5000))), stem + ".dat", None, ""
        elif kind == "empty":
            data, name, mime, title = b"", stem + ".empty", "application/octet-stream", ""
        elif kind == "txt":
            data, name, mime, title = (text(rng, 40) + "\n").encode(), stem + ".txt", "text/plain", ""
        elif kind == "json":
            data, name, mime, title = f'{{"n": {i}}}\n'.encode(), stem + ".json", "application/json", ""
        elif kind == "svg":
            data, name, mime, title = f'<svg xmlns="http://www.w3.org/2000/svg"><circle r="{i % 50}"/></svg>\n'.encode(), stem + ".svg", "image/svg+xml", ""
        else:
            data, name, mime, title = png(rng), stem, "image/png", ""  # libmagic must find it
        rel = os.path.join(d, name) if d else name
        full = os.path.join(site, rel)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)
        os.utime(full, (1600000000, 1600000000))
        if mime is not None:
            expected.append((rel, mime, title))
        if kind == "html":
            html_paths.append(rel)
    # the main page, a symlink inside (becomes a redirect), one outside (skipped), hidden files
    with open(os.path.join(site, "index.html"), "w") as f:
        f.write("<!DOCTYPE html><html><head><title>Home</title></head><body>home</body></html>\n")
    expected.append(("index.html", "text/html", "Home"))
    os.symlink(html_paths[0], os.path.join(site, "link-inside.html"))
    with open(os.path.join(out, "outside.txt"), "w") as f:
        f.write("secret outside the tree\n")
    os.symlink(os.path.abspath(os.path.join(out, "outside.txt")), os.path.join(site, "link-outside.txt"))
    with open(os.path.join(site, ".hidden"), "w") as f:
        f.write("hidden\n")
    with open(os.path.join(out, "redirects.tsv"), "w") as f:
        for k in range(100):
            f.write(f"redir/r{k}.html\tRedirect {k}\t{rng.choice(html_paths)}\n")
    with open(os.path.join(out, "expected.tsv"), "w") as f:
        for rel, mime, title in expected:
            # smz-pack records a text's charset (FORMAT.md, Charsets): all
            # of these are UTF-8.
            if mime.startswith("text/"):
                mime += "; charset=utf-8"
            f.write(f"{rel}\t{mime}\t{title}\n")

main()
