"""What the browser tests (flow.py, origin.py, the i18n ones) share: the "ok - ..." /
"not ok - ..." lines tests/run.sh reads, a click or key that loads a new
page, a search from the top bar, a check that <code> reads left to right,
and the wrapper that turns the count of failures, or a browser that stopped
answering, into the exit status."""
import json
import sys
import urllib.parse

from cdp import CDPError

fails = 0


def ok(cond, what):
    global fails
    print(("ok - " if cond else "not ok - ") + what, flush=True)
    if not cond:
        fails += 1
    return cond


def skip(what, why):
    print("ok - %s # SKIP %s" % (what, why), flush=True)


def code_order(selector):
    """A script that lists the shown elements of SELECTOR (<code>: commands,
    options, file names) whose text is not drawn left to right (first
    character left of its last), in a right-to-left page too."""
    return """(function () {
  var bad = [];
  document.querySelectorAll(%s).forEach(function (c) {
    var t = c.firstChild, r = document.createRange();
    if (!t || t.length < 2 || !c.getClientRects().length) return;
    r.setStart(t, 0); r.setEnd(t, 1); var a = r.getBoundingClientRect().left;
    r.setStart(t, t.length - 1); r.setEnd(t, t.length); var z = r.getBoundingClientRect().left;
    if (a > z) bad.push(c.textContent);
  });
  return bad;
})()""" % json.dumps(selector)


def click_load(page, selector):
    """Clicks SELECTOR and waits for the page it loads."""
    page.mark()
    page.click(selector)
    page.wait_event("Page.loadEventFired")


def key_load(page, key):
    """Presses KEY and waits for the page it loads (a form submitted)."""
    page.mark()
    page.key(key)
    page.wait_event("Page.loadEventFired")


def bar_search(page, words):
    """Types WORDS into the top bar's search box and submits it; returns
    the URL of the page that loads, split (urllib.parse.urlsplit)."""
    page.click("#smz-bar .smz-q")
    page.type(words)
    key_load(page, "Enter")
    return urllib.parse.urlsplit(page.url())


def run(main):
    """Runs MAIN and exits 1 when a check failed or the browser stopped."""
    try:
        main()
    except (CDPError, OSError, EOFError) as e:
        print("not ok - browser test stopped: %s" % e)
        sys.exit(1)
    sys.exit(1 if fails else 0)
