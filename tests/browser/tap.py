"""What the browser tests (flow.py, origin.py) share: the "ok - ..." /
"not ok - ..." lines tests/run.sh reads, a click or key that loads a new
page, a search from the top bar, and the wrapper that turns the count of
failures, or a browser that stopped answering, into the exit status."""
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
