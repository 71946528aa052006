"""The damaged and hostile archives of tests/corrupt/ in the reader: each,
picked alone in a fresh tab, either is refused with a message on the start
screen, or opens and then its main entry is refused with a message in the
page; never a hung or blank tab.  Prints "ok - ..." lines.

usage: reader_corrupt.py READER_URL CASES_DIR CASES_TSV FIRST_ENTRY OUT_DIR
"""
import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from reader_lib import frame_eval, go, pick, state, wait_shown  # noqa: E402
from tap import ok, run  # noqa: E402


def main():
    url, cases, tsv, first, out = sys.argv[1:6]
    os.makedirs(out, exist_ok=True)
    rows = [ln.split("\t") for ln in open(tsv, encoding="utf-8") if ln.strip() and not ln.startswith("#")]
    # the entry each case damages (as tests/cli/corrupt.sh reads it)
    entry = {"catloop": "loop-a", "catdangling": "dangling"}
    names = [(r[0], entry.get(r[1], first)) for r in rows]
    with Browser(log=os.path.join(out, "chromium-corrupt.log")) as b:
        p = b.new_page()
        for n, e in names:
            p.goto(url)
            pick(p, [os.path.join(cases, n + ".smz")])
            deadline, how = time.time() + 40, None
            while time.time() < deadline and not how:
                err = p.eval("(function(){var e=document.getElementById('smz-start-err');"
                             "return !e.hidden && e.textContent})()")
                s = state(p)
                if err:
                    how = "refused: " + err
                elif s.get("opened") and s.get("shown") and not s.get("busy"):
                    how = "opened"
                else:
                    b.pump(0.1)
            if how == "opened":
                for _ in range(50):
                    if state(p).get("names"):
                        break
                    b.pump(0.1)
                name = (state(p).get("names") or ["?"])[0]
                go(p, "/content/%s/%s" % (name, e))
                t = wait_shown(p, lambda t: t.startswith("/content/"), timeout=40)
                # The frame may be shown a moment before its page is laid
                # out (a loaded machine): its text, or the message, within 5 s.
                text = msg = None
                for _ in range(50 if t else 0):
                    text = frame_eval(p, "document.body ? document.body.innerText.slice(0, 200) : ''")
                    msg = p.eval("(function(){var m=document.getElementById('smz-msg');"
                                 "return !m.hidden && m.textContent})()")
                    if (text or "").strip() or msg:
                        break
                    b.pump(0.1)
                how = "page: %s" % ((msg or text or "").replace("\n", " ")[:120]) if t else None
            ok(how and how != "page: ", "%s: refused with a message or shown, no hang (%s)" % (n, how))
        p.screenshot(os.path.join(out, "corrupt-last.png"))


if __name__ == "__main__":
    run(main)
