"""The browser test of `smz serve`: a real headless Chromium, driven over the
DevTools protocol (cdp.py), uses the library, an article with the top bar,
autocomplete and search the way a person would, once with JavaScript and once
without, checks what an archived page's scripts can reach, and saves
screenshots.  Prints "ok - ..." / "not ok - ..." lines like the shell tests.

usage: flow.py BASE_URL ARCHIVE ARTICLE_PATH HOSTILE_ARCHIVE OUT_DIR
  BASE_URL          e.g. http://127.0.0.1:8080/ (with the URL root, if any)
  ARCHIVE           an archive with articles (pgdoc)
  ARTICLE_PATH      one of its HTML entries
  HOSTILE_ARCHIVE   the archive made from site.py
  OUT_DIR           where the screenshots go
"""
import json
import os
import sys
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from tap import bar_search, click_load, ok, run, skip  # noqa: E402


def main():
    base, arch, article, hostile, out = sys.argv[1:6]
    os.makedirs(out, exist_ok=True)
    root = urllib.parse.urlsplit(base).path.rstrip("/")
    # Does this build have a search library, and this archive an index?
    probe = json.load(urllib.request.urlopen(base + "suggest?content=%s&term=a" % arch))
    searchable = bool(probe.get("results"))

    with Browser(log=os.path.join(out, "chromium.log")) as b:
        p = b.new_page()
        # --- the library ---
        p.goto(base)
        ok(p.eval("document.querySelectorAll('.smz-book').length") >= 2, "library lists the archives")
        ok(p.eval("!!document.querySelector('#smz-bar .smz-q')"), "library has the top bar with a search box")
        p.screenshot(os.path.join(out, "library.png"))
        errors = p.events("Runtime.exceptionThrown")
        ok(not errors, "no script error on the library page (%s)" % errors[:1])
        # --- an article with the bar ---
        p.goto(base + "content/%s/%s" % (arch, article))
        ok(p.eval("!!document.getElementById('smz-bar')"), "the bar is injected into an article")
        top = p.eval("document.getElementById('smz-bar').getBoundingClientRect().top")
        ok(top is not None and top < 40, "the bar sits at the top of the article (%s)" % top)
        ok(p.eval("document.body.firstElementChild.id === 'smz-bar'"), "the bar is the body's first element")
        ok(p.eval("getComputedStyle(document.querySelector('#smz-bar .smz-q')).display") == "block",
           "the bar's search box is styled (our CSS loaded under the page's own)")
        ok(p.eval("document.documentElement.scrollWidth <= window.innerWidth + 1"),
           "the article does not overflow sideways")
        p.screenshot(os.path.join(out, "article.png"))
        # --- autocomplete: type, see suggestions, pick one ---
        p.click("#smz-bar .smz-q")
        p.type("SEL" if searchable else "sel")
        shown = p.wait_for("(function(){var l=document.querySelector('#smz-bar .smz-sugg');"
                           "return l && !l.hidden && l.children.length})()", 5)
        ok(shown, "typing opens the suggestion list")
        ok(p.eval("document.querySelector('#smz-bar .smz-q').getAttribute('aria-expanded')") == "true",
           "the search box says the list is open (aria-expanded)")
        n = p.eval("document.querySelectorAll('#smz-bar .smz-sugg li:not(.smz-all)').length") or 0
        if searchable:
            ok(n > 0, "the list offers titles (%d)" % n)
            want = p.eval("document.querySelector('#smz-bar .smz-sugg li').textContent")
            p.screenshot(os.path.join(out, "suggest.png"))
            p.mark()
            p.key("ArrowDown")
            p.key("Enter")
            p.wait_event("Page.loadEventFired")
            ok("/content/%s/" % arch in p.url(), "picking a suggestion opens the article (%s)" % p.url())
            ok(p.eval("document.title").strip() == want.strip(),
               "... the one that was picked (%s)" % want)
        else:
            skip("the list offers titles", "no search library or index in this build")
            p.screenshot(os.path.join(out, "suggest.png"))
            p.key("Escape")
        # --- search: submit, see results, follow one ---
        p.goto(base + "content/%s/%s" % (arch, article))
        u = bar_search(p, "select")
        ok(u.path == root + "/search" and "pattern=select" in u.query, "Enter submits the search (%s)" % p.url())
        p.screenshot(os.path.join(out, "search.png"))
        hits = p.eval("document.querySelectorAll('.smz-hit').length")
        if searchable:
            ok(hits > 0, "the search page lists results (%d)" % hits)
            ok(p.eval("document.querySelectorAll('.smz-snip b').length") > 0, "snippets highlight the words")
            href = p.eval("document.querySelector('.smz-hit').getAttribute('href')")
            click_load(p, ".smz-hit")
            ok(urllib.parse.urlsplit(p.url()).path == href, "following a result opens it (%s)" % href)
        else:
            ok(p.eval("!!document.querySelector('.smz-note')"), "the search page says the archive has no index")
            skip("the search page lists results", "no search library or index in this build")
        # --- a hostile archive: nothing runs, nothing leaks ---
        p.dialogs.clear()
        p.goto(base)
        ok(not p.dialogs, "hostile metadata runs no script on the library page (%s)" % p.dialogs)
        p.goto(base + "content/%s/" % hostile)
        ok(not p.dialogs, "hostile titles run no script in an archived page (%s)" % p.dialogs)
        p.goto(base + "search?content=%s&pattern=%%3Cscript%%3Ealert(9)%%3C/script%%3E" % hostile)
        ok(not p.dialogs, "a hostile query runs no script on the search page (%s)" % p.dialogs)
        p.goto(base + "search?content=%s&pattern=Sel" % hostile)
        ok(not p.dialogs, "hostile entry titles run no script in search results (%s)" % p.dialogs)
        p.goto(base + "content/%s/csp.html?other=%s" % (hostile, arch))
        r = p.eval("window.probes")
        ok(isinstance(r, dict), "the probe page ran (%s)" % r)
        if isinstance(r, dict):
            # Its origin is opaque (the sandbox): even its own archive is
            # another origin, which answers no CORS.
            for k in ("own", "library", "download", "catalog", "other", "raw_other", "outside"):
                ok(r.get(k) == "blocked", "an archived script cannot fetch %s (%s)" % (k, r.get(k)))
            ok(r.get("cookies") == "blocked", "an archived page has no cookies to read (%s)" % r.get("cookies"))
        v = p.eval("window.violations") or []
        ok(any("127.0.0.9" in x and x.startswith("img-src") for x in v),
           "an archived page cannot load an image from elsewhere (%s)" % v)
        # --- phone, dark ---
        p.size(390, 844, mobile=True, scale=2, dark=True)
        p.goto(base)
        ok(p.eval("document.documentElement.scrollWidth <= window.innerWidth + 1"),
           "the library fits a phone screen")
        ok(p.eval("getComputedStyle(document.body).backgroundColor") != "rgb(248, 249, 250)",
           "dark mode follows prefers-color-scheme")
        p.screenshot(os.path.join(out, "library-phone-dark.png"))
        p.goto(base + "content/%s/%s" % (arch, article))
        p.screenshot(os.path.join(out, "article-phone-dark.png"))
        p.goto(base + "search?content=%s&pattern=select" % arch)
        ok(p.eval("document.documentElement.scrollWidth <= window.innerWidth + 1"),
           "the search page fits a phone screen")
        p.screenshot(os.path.join(out, "search-phone-dark.png"))
        p.goto(base + "content/%s/index.html" % hostile)
        ok(p.eval("document.querySelector('#smz-bar .smz-title').dir") == "rtl",
           "an Arabic archive's title is right-to-left")

        # --- the same flow with JavaScript disabled ---
        q = b.new_page()
        q.disable_js()
        q.goto(base)
        ok(q.query(".smz-book") != 0, "no JS: the library is complete")
        q.goto(base + "content/%s/%s" % (arch, article))
        ok(q.query("#smz-bar .smz-q") != 0, "no JS: the bar is there")
        ok(q.query(".smz-sugg") == 0, "no JS: no script ran (no suggestion list)")
        u = bar_search(q, "select")
        ok(u.path == root + "/search" and "pattern=select" in u.query,
           "no JS: the search box is a plain form (%s)" % q.url())
        q.screenshot(os.path.join(out, "search-nojs.png"))
        if q.query(".smz-hit"):
            click_load(q, ".smz-hit")
            ok("/content/" in q.url(), "no JS: following a result works (%s)" % q.url())
        elif searchable:
            ok(False, "no JS: the search page lists results")
        else:
            skip("no JS: following a result works", "no search library or index in this build")
        q.goto(base + "content/%s/%s" % (arch, article))
        click_load(q, "#smz-bar .smz-random")
        ok("/content/%s/" % arch in q.url(), "no JS: Random opens an article (%s)" % q.url())
        q.goto(base)
        click_load(q, ".smz-book .smz-primary")
        ok("/content/" in q.url(), "no JS: Open goes to an archive's main page (%s)" % q.url())


if __name__ == "__main__":
    run(main)
