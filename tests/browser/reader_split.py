"""A split archive (NAME.smz.001, ...) in the reader: the parts picked in
any order are one book; its pages and search are those of the whole
archive (hits as `smz search --json` on the set); Download saves the whole
archive, byte for byte; a set with a part missing says which.

usage: reader_split.py READER_URL DIR OUT_DIR SMZ
  DIR: news.smz (whole), news.smz.001... (its parts), gap/news.smz.00N
       (a set with its second part missing)
"""
import glob
import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from reader_flow import cli_hits, page_hits  # noqa: E402
from reader_lib import frame_click, frame_eval, go, pick, state, wait_shown  # noqa: E402
from tap import ok, run  # noqa: E402


def main():
    url, d, out, smz = sys.argv[1:5]
    os.makedirs(out, exist_ok=True)
    whole = os.path.join(d, "news.smz")
    parts = sorted(glob.glob(os.path.join(d, "news.smz.[0-9][0-9][0-9]")))
    with Browser(log=os.path.join(out, "chromium-split.log")) as b:
        p = b.new_page()
        p.goto(url)
        pick(p, list(reversed(parts)))
        t = wait_shown(p)
        ok(t == "/", "the parts, picked last first, open (%s)" % t)
        books = frame_eval(p, "document.querySelectorAll('.smz-book').length")
        ok(books == 1, "the %d parts are one book in the library (%s)" % (len(parts), books))
        p.screenshot(os.path.join(out, "split-library.png"))

        go(p, "/search?content=news&pattern=olympics")
        t = wait_shown(p, lambda a: a.startswith("/search"))
        want = cli_hits(smz, parts[0], "olympics")
        got = page_hits(p)
        ok(want and got == want, "search: the hits of smz search on the set (%d, %d)" % (len(got), len(want)))
        first = frame_eval(p, "(document.querySelector('.smz-hit')||{}).getAttribute && "
                              "document.querySelector('.smz-hit').getAttribute('href')")
        if first:
            go(p, first)
            t = wait_shown(p, lambda a: a.startswith("/content/news/"))
            text = frame_eval(p, "document.body ? document.body.innerText.length : 0") or 0
            ok(t and text > 200, "a hit opens with its text (%s, %d characters)" % (t, text))

        dl = os.path.join(out, "downloads")
        os.makedirs(dl, exist_ok=True)
        b.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=dl)
        go(p, "/")
        wait_shown(p, lambda a: a == "/")
        frame_click(p, '.smz-book a[href="/download/news.smz"]')
        saved = os.path.join(dl, "news.smz")
        for _ in range(100):
            if os.path.exists(saved) and os.path.getsize(saved) == os.path.getsize(whole):
                break
            b.pump(0.1)
        ok(os.path.exists(saved) and open(saved, "rb").read() == open(whole, "rb").read(),
           "Download saves the whole archive, byte for byte")

        p2 = b.new_page()
        p2.goto(url)
        pick(p2, sorted(glob.glob(os.path.join(d, "gap", "news.smz.*"))))
        for _ in range(100):
            if p2.eval("!document.getElementById('smz-start-err').hidden"):
                break
            b.pump(0.1)
        msg = p2.eval("document.getElementById('smz-start-err').textContent") or ""
        ok("news.smz.002" in msg and "missing" in msg, "a set without its second part names it (%s)" % msg)
        ok(not state(p2).get("opened"), "and opens nothing")
        p2.screenshot(os.path.join(out, "split-missing.png"))


if __name__ == "__main__":
    run(main)
