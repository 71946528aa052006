"""Pages in legacy charsets as headless Chromium shows them from `smz serve`
(issue 20): for each URL, the page's visible text must hold the phrase, in
the right characters, and a screenshot is saved to look at.  Prints
"ok - ..." / "not ok - ..." lines (tests/cli/charset.sh runs it).

usage: charset.py OUT_DIR NAME URL PHRASE [NAME URL PHRASE ...]
"""
import json
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402


def main():
    out = sys.argv[1]
    args = sys.argv[2:]
    fails = 0
    with Browser() as b:
        p = b.new_page(900, 500)
        for i in range(0, len(args), 3):
            name, url, phrase = args[i:i + 3]
            p.goto(url)
            text = p.eval("document.body ? document.body.innerText : ''") or ""
            cs = p.eval("document.characterSet") or ""
            p.screenshot(os.path.join(out, "charset-%s.png" % name))
            good = phrase in text
            fails += not good
            print("%s - the browser shows %s as %s: %s" % (
                "ok" if good else "not ok", name, cs, json.dumps(phrase if good else text[:200], ensure_ascii=False)))
    sys.exit(1 if fails else 0)


main()
