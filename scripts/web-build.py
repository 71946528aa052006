#!/usr/bin/env python3
"""Builds the browser reader, one self-contained HTML file: web/shell.html
with web/reader.css (after the stylesheet of `smz serve`, taken from
server/assets.c so that the bar looks the same), web/app.js, and the
worker's source (web/httpfs.js, the WebAssembly module's JavaScript with the
module inlined, web/worker.js) in a <script type="text/plain"> that the
page starts from a Blob URL.  Nothing in the output is fetched.

The build's hash is the first 16 hex digits of the SHA-256 of the module's
JavaScript; it goes into the page's About.  The output depends on nothing
but the input files (no dates, no paths, a fixed order): the same input
gives the same bytes.

usage: web-build.py [--module build-wasm/smz-core.js] [--out build-wasm/smz-reader.html]
"""
import argparse
import hashlib
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_BYTES = 4 * 1000 * 1000  # the "at most 4 MB"


def read(rel):
    with open(os.path.join(TOP, rel), encoding="utf-8") as f:
        return f.read()


def c_string(src, name):
    """The value of `static const char NAME[] = "..." "...";` in SRC: the
    concatenated literals with their escapes decoded."""
    m = re.search(r"static\s+const\s+char\s+" + re.escape(name) + r"\[\]\s*=", src)
    if not m:
        sys.exit("web-build.py: %s not found in server/assets.c" % name)
    i, out = m.end(), []
    esc = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'", "r": "\r", "0": "\0"}
    while i < len(src):
        c = src[i]
        if c.isspace():
            i += 1
        elif src.startswith("/*", i):
            i = src.index("*/", i) + 2
        elif src.startswith("//", i):
            i = src.index("\n", i)
        elif c == '"':
            i += 1
            while src[i] != '"':
                if src[i] == "\\":
                    if src[i + 1] not in esc:
                        sys.exit("web-build.py: escape \\%s in %s is not handled" % (src[i + 1], name))
                    out.append(esc[src[i + 1]])
                    i += 2
                else:
                    out.append(src[i])
                    i += 1
            i += 1
        elif c == ";":
            return "".join(out)
        else:
            sys.exit("web-build.py: unexpected %r in %s" % (c, name))
    sys.exit("web-build.py: %s does not end" % name)


def script_safe(js, what):
    """JS to put between <script> tags: '</script' cannot end it early."""
    if "<!--" in js:
        sys.exit("web-build.py: %s contains '<!--', which would confuse the HTML parser" % what)
    return re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--module", default=os.path.join(TOP, "build-wasm", "smz-core.js"))
    ap.add_argument("--out", default=os.path.join(TOP, "build-wasm", "smz-reader.html"))
    args = ap.parse_args()

    with open(args.module, "rb") as f:
        module_bytes = f.read()
    build = hashlib.sha256(module_bytes).hexdigest()[:16]
    module = module_bytes.decode("utf-8")

    css = c_string(read("server/assets.c"), "srv_css") + read("web/reader.css")
    if re.search(r"</style", css, re.IGNORECASE):
        sys.exit("web-build.py: the CSS contains '</style'")
    worker = "\n".join([read("web/httpfs.js"), module, read("web/worker.js")])
    html = read("web/shell.html").replace("{{BUILD}}", build)
    parts = {
        "<!--SMZ:CSS-->": "<style>\n" + css + "</style>",
        "<!--SMZ:WORKER-->": '<script type="text/plain" id="smz-worker-src">\n'
                             + script_safe(worker, "the worker") + "\n</script>",
        "<!--SMZ:APP-->": "<script>\n" + script_safe(read("web/app.js"), "web/app.js") + "</script>",
    }
    for mark, text in parts.items():
        if html.count(mark) != 1:
            sys.exit("web-build.py: web/shell.html must hold %s once" % mark)
        before, after = html.split(mark)
        html = before + text + after

    data = html.encode("utf-8")
    if len(data) > MAX_BYTES:
        sys.exit("web-build.py: %s would be %d bytes, over the %d allowed" % (args.out, len(data), MAX_BYTES))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.out)
    print("web-build.py: %s, %d bytes, build %s" % (os.path.relpath(args.out), len(data), build))


if __name__ == "__main__":
    main()
