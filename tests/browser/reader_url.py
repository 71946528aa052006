"""The reader's #url= mode in headless Chromium, against nginx on 127.0.0.1:
archives read through HTTP range requests (httpfs.js), from the reader
opened as a file (CORS: nginx allows it and exposes Content-Range) and
from the reader served by the same nginx (no CORS); several archives at
once; clear messages when the server ignores Range or hides Content-Range.

usage: reader_url.py READER_FILE BASE OUT_DIR SMZ SAMPLES_SMZ [HANG_URL]
  HANG_URL: an address whose server accepts and never answers
  BASE: nginx's address, e.g. http://127.0.0.1:8080/ serving smz-reader.html
        and the archives at /, /cors/, /norange/ and /hidden/
"""
import json
import os
import subprocess
import sys
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from reader_lib import frame_eval, frame_wait, state, wait_shown  # noqa: E402
from tap import ok, run  # noqa: E402

Q = urllib.parse.quote


def hits(p):
    hrefs = frame_eval(p, "Array.from(document.querySelectorAll('.smz-hit'), a => a.getAttribute('href'))") or []
    return [urllib.parse.unquote(h.split("/", 3)[3]) for h in hrefs]


def start_error(p):
    return p.wait_for("(function(){var e=document.getElementById('smz-start-err');"
                      "return !e.hidden && e.textContent})()", 30)


def main():
    reader, base, out, smz, samples = sys.argv[1:6]
    hang = sys.argv[6] if len(sys.argv) > 6 else None
    os.makedirs(out, exist_ok=True)
    want = [h["path"] for h in json.loads(subprocess.run(
        [smz, "search", "--json", "--limit", "25", samples, "china"], capture_output=True, text=True).stdout)["results"]]
    search = Q("/search?content=samples&pattern=china", safe="")
    with Browser(log=os.path.join(out, "chromium-url.log")) as b:
        # --- the reader as a file, the archive from nginx (CORS) ---
        p = b.new_page()
        p.goto("file://%s#url=%s" % (reader, Q(base + "cors/samples.smz", safe="")))
        t = wait_shown(p, timeout=60)
        ok(t == "/", "file:// + #url=: the library of an archive at a web address (%s)" % t)
        ok(frame_wait(p, "document.querySelectorAll('.smz-book').length") == 1, "... lists it")
        p.screenshot(os.path.join(out, "url-library.png"))
        p.eval("location.hash = %s" % json.dumps("#/content/samples/"))
        t = wait_shown(p, lambda t: t.startswith("/content/samples/"))
        ok(t == "/content/samples/index.html", "... its main page through the redirect (%s)" % t)
        p.eval("location.hash = '#/search?content=samples&pattern=china'")
        wait_shown(p, lambda t: t.startswith("/search"))
        got = hits(p)
        ok(got and got == want, "... search: the same hits as smz search (%d, %d)" % (len(got), len(want)))
        p.screenshot(os.path.join(out, "url-search.png"))

        # --- the reader served by the same nginx: no CORS needed; &at= ---
        q = b.new_page()
        q.goto("%ssmz-reader.html#url=%s&url=%s&at=%s" % (base, Q(base + "samples.smz", safe=""),
                                                       Q(base + "site.smz", safe=""), search))
        t = wait_shown(q, lambda t: t.startswith("/search"), timeout=60)
        ok(t and t.startswith("/search?content=samples"), "same origin: two archives, &at= shows a search first (%s)" % t)
        got = hits(q)
        ok(got == want, "... with the same hits (%d)" % len(got))
        q.eval("location.hash = '#/'")
        wait_shown(q, lambda t: t == "/")
        ok(frame_wait(q, "document.querySelectorAll('.smz-book').length === 2"), "... the library lists both")
        q.eval("location.hash = '#/content/site/index.html'")
        wait_shown(q, lambda t: t == "/content/site/index.html")
        w = frame_wait(q, "(function(){var i=document.getElementById('pic');return i&&i.complete&&i.naturalWidth})()")
        ok(w == 64, "... an image from the remote archive shows (%s)" % w)

        # --- a relative #url= is the mirror's own archive ---
        r = b.new_page()
        r.goto("%ssmz-reader.html#url=samples.smz" % base)
        t = wait_shown(r, timeout=60)
        ok(t == "/" and state(r).get("names") == ["samples"],
           "a relative #url=samples.smz opens the archive beside the page (%s, %s)" % (t, state(r).get("names")))

        # --- servers that cannot serve an archive ---
        r = b.new_page()
        r.goto("file://%s#url=%s" % (reader, Q(base + "norange/samples.smz", safe="")))
        e = start_error(r)
        ok(e and "ignores Range" in e, "a server that ignores Range: a clear message (%s)" % e)
        r.screenshot(os.path.join(out, "url-norange.png"))
        r = b.new_page()
        r.goto("file://%s#url=%s" % (reader, Q(base + "hidden/samples.smz", safe="")))
        e = start_error(r)
        ok(e and "Content-Range" in e, "a server that hides Content-Range: a clear message (%s)" % e)
        r = b.new_page()
        r.goto("file://%s#url=%s" % (reader, Q(base + "cors/missing.smz", safe="")))
        e = start_error(r)
        ok(e and "404" in e, "an address that is not there: a clear message (%s)" % e)
        ok(not state(r).get("opened"), "... and nothing opens")

        # --- a server that never answers: the worker is stopped, the tab says so ---
        if hang:
            r = b.new_page()
            r.goto("file://%s" % reader)
            r.eval("window.smzReader.timeouts(3000, 3000)")
            r.eval("location.hash = %s" % json.dumps("#url=" + Q(hang, safe="")))
            r.eval("document.getElementById('smz-url').value = %s" % json.dumps(hang))
            r.click("#smz-urlform button")
            e = start_error(r)
            ok(e and "did not answer within 3 seconds" in e, "a hung read: the worker is stopped, a clear message (%s)" % e)
            ok(r.eval("1 + 1") == 2, "... and the tab still answers")
            r.screenshot(os.path.join(out, "url-hang.png"))


if __name__ == "__main__":
    run(main)
