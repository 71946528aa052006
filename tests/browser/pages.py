"""The pages of `smz serve` a new user meets (issue 19), in headless
Chromium: the top bar in archived pages (light and dark, at the top and
after scrolling to the bottom), the 404 page's search offer, search results,
the library's filters and the OPDS explanation.  Saves screenshots and
prints "ok - ..." / "not ok - ..." lines (serve_pages.sh runs it).

usage: pages.py BASE_URL SAMPLE_PATH OUT_DIR
  BASE_URL     the server (the library of serve_pages.sh: pgdoc, pydoc,
               samples, untitled, small1..7 and a broken file)
  SAMPLE_PATH  the sample article's page in archive "samples"
  OUT_DIR      where the screenshots go
"""
import os
import sys
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from tap import click_load, key_load, ok, run  # noqa: E402

# Where the bar is and what lies below it, measured in the page.
MEASURE = """(function () {
  var bar = document.getElementById('smz-bar');
  var nav = bar && bar.querySelector('.smz-nav');
  if (!nav) return null;
  var r = nav.getBoundingClientRect();
  /* The page's first element with a box after the bar, in the flow. */
  var first = null;
  for (var el = bar.nextElementSibling; el && !first; el = el.nextElementSibling) {
    var cs = getComputedStyle(el), b = el.getBoundingClientRect();
    if (cs.display !== 'none' && cs.position !== 'fixed' && cs.position !== 'absolute' && b.height > 0)
      first = {tag: el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''), top: b.top};
  }
  var mid = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  var below = document.elementFromPoint(20, r.bottom + 4);
  return {left: r.left, top: r.top, width: r.width, bottom: r.bottom,
          vw: document.documentElement.clientWidth, iw: window.innerWidth,
          bg: getComputedStyle(nav).backgroundColor, first: first,
          onTop: !!(mid && bar.contains(mid)), belowFree: !!(below && !nav.contains(below)),
          scrollY: window.scrollY, scrollMax: document.documentElement.scrollHeight - window.innerHeight,
          sideways: document.documentElement.scrollWidth > window.innerWidth + 1};
})()"""


def check_bar(p, name, url, out, dark):
    mode = "dark" if dark else "light"
    what = "%s, %s" % (name, mode)
    p.size(1280, 800, dark=dark)
    p.goto(url)
    m = p.eval(MEASURE)
    if not ok(isinstance(m, dict), "%s: the bar is in the page" % what):
        return
    ok(m["left"] == 0 and m["top"] == 0, "%s: the bar starts at the window's corner (%s, %s)" % (what, m["left"], m["top"]))
    ok(abs(m["width"] - m["vw"]) < 1 and m["width"] >= m["iw"] - 20,
       "%s: the bar is as wide as the window (%s of %s)" % (what, m["width"], m["vw"]))
    ok(m["onTop"], "%s: nothing of the page covers the bar" % what)
    ok(m["first"] is not None and m["first"]["top"] >= m["bottom"],
       "%s: the page's first element (%s) starts below the bar (%s >= %s)"
       % (what, m["first"] and m["first"]["tag"], m["first"] and m["first"]["top"], m["bottom"]))
    ok(m["belowFree"], "%s: just below the bar is the page" % what)
    ok(not m["sideways"], "%s: the page does not scroll sideways" % what)
    dark_bg = m["bg"] in ("rgb(32, 33, 36)",)
    ok(dark_bg == dark, "%s: the bar's colours follow the mode (%s)" % (what, m["bg"]))
    p.screenshot(os.path.join(out, "bar-%s-%s.png" % (name, mode)))
    p.eval("window.scrollTo(0, document.documentElement.scrollHeight)")
    p.wait_for("window.scrollY > 0", 3)
    m = p.eval(MEASURE)
    ok(m["scrollMax"] > 300, "%s: the page is long (%s px to scroll)" % (what, m["scrollMax"]))
    ok(m["scrollY"] >= m["scrollMax"] - 2, "%s: scrolled to the bottom (%s)" % (what, m["scrollY"]))
    ok(m["top"] == 0 and m["onTop"], "%s: at the bottom the bar is still there, on top" % what)
    p.screenshot(os.path.join(out, "bar-%s-%s-bottom.png" % (name, mode)))


def main():
    base, sample, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    root = urllib.parse.urlsplit(base).path.rstrip("/")
    with Browser(log=os.path.join(out, "chromium.log")) as b:
        p = b.new_page()
        pages = [("pgdoc", "content/pgdoc/sql-select.html"), ("pydoc", "content/pydoc/library/functions.html"),
                 ("samples", "content/samples/" + sample)]
        for name, path in pages:
            for dark in (False, True):
                check_bar(p, name, base + path, out, dark)
        # The page's own sticky or fixed headers move below the bar (smz.js).
        p.size(1280, 800)
        p.goto(base + "content/pydoc/library/functions.html")
        p.eval("window.scrollTo(0, 3000)")
        top = p.wait_for("(function(){var t=document.querySelector('.sphinxsidebar').getBoundingClientRect().top;"
                         "return t >= 43 && t;})()", 3)
        ok(top and top >= 43, "pydoc: its sticky sidebar stops below the bar, not under it (%s)" % top)
        p.screenshot(os.path.join(out, "bar-pydoc-sticky.png"))
        p.size(390, 844, mobile=True, scale=2)
        p.goto(base + "content/pydoc/library/functions.html")
        top = p.wait_for("(function(){var t=document.querySelector('.mobile-nav').getBoundingClientRect().top;"
                         "return t >= 43 && t;})()", 3)
        ok(top and top >= 43, "pydoc on a phone: its own fixed menu bar sits below ours (%s)" % top)
        p.screenshot(os.path.join(out, "bar-pydoc-phone.png"))
        # A phone: still one row, nothing sideways.
        p.size(390, 844, mobile=True, scale=2, dark=False)
        p.goto(base + "content/samples/" + sample)
        m = p.eval(MEASURE)
        ok(m["width"] == m["vw"] and m["bottom"] <= 44 and m["first"]["top"] >= m["bottom"],
           "phone: the bar spans the screen in one row above the page (%s)" % m)
        p.screenshot(os.path.join(out, "bar-samples-phone.png"))
        p.goto(base + "content/pgdoc/sql-select.html#SQL-FROM")
        top = p.eval("document.getElementById('SQL-FROM').getBoundingClientRect().top")
        ok(top is not None and top >= 43, "phone: an anchor lands below the bar (%s)" % top)

        # --- a 404 offers its words ---
        p.size(1280, 800)
        p.goto(base + "content/samples/2022/beijing-olympics_boycott-243.html")
        offer = p.eval("(function(){var a=document.querySelector('.smz-offer a');"
                       "return a && {text: a.textContent, href: a.getAttribute('href')};})()")
        ok(offer and offer["text"] == "beijing olympics boycott",
           "a missing page offers its words (%s)" % offer)
        p.screenshot(os.path.join(out, "not-found.png"))
        click_load(p, ".smz-offer a")
        u = urllib.parse.urlsplit(p.url())
        ok(u.path == root + "/search" and "content=samples" in u.query,
           "... which search its archive (%s)" % p.url())
        ok(p.eval("document.querySelectorAll('.smz-hit').length") > 0, "... and find pages")

        # --- search results: titles and dates ---
        p.goto(base + "search?content=samples&pattern=olympics")
        hits = p.eval("Array.prototype.map.call(document.querySelectorAll('.smz-results li'), function (li) {"
                      "var t = li.querySelector('time');"
                      "return {title: li.querySelector('.smz-hit').textContent, date: t && t.dateTime}; })")
        ok(hits and all(not h["title"].startswith("0") and h["date"] for h in hits),
           "search results show titles and dates (%s)" % (hits and hits[:2]))
        p.screenshot(os.path.join(out, "search-dates.png"))
        p.goto(base + "search?content=untitled&pattern=protesters")
        p.screenshot(os.path.join(out, "search-untitled.png"))

        # --- the library: count, filters, without JavaScript ---
        q = b.new_page()
        q.disable_js()
        q.goto(base)
        cards = q.query_all(".smz-book")
        broken = q.query_all(".smz-book.smz-broken")
        total = q.outer_html(".smz-total") or ""
        ok("%d archives, %d that cannot be read" % (len(cards) - len(broken), len(broken)) in total,
           "the count matches the cards (%d, %d broken: %s)" % (len(cards), len(broken), total[:80]))
        ok(q.query("input[name=q]") and q.query("select[name=language]") and q.query("select[name=tag]"),
           "more than six archives: a text box, a language and a tag filter")
        q.screenshot(os.path.join(out, "library.png"))
        click_load(q, ".smz-tags a[href*='tag=asia']")
        ok("tag=asia" in q.url() and len(q.query_all(".smz-book")) == 2,
           "no JS: a tag link filters the library (%s)" % q.url())
        q.screenshot(os.path.join(out, "library-tag.png"))
        q.goto(base)
        q.click("input[name=q]")
        q.type("small archive 7")
        key_load(q, "Enter")
        ok("q=small+archive+7" in q.url() and len(q.query_all(".smz-book")) == 1,
           "no JS: the text box filters the library (%s)" % q.url())
        q.size(1280, 800, dark=True)
        q.goto(base + "?language=fra")
        ok(len(q.query_all(".smz-book")) == 3, "no JS: ?language=fra lists the French archives")
        q.screenshot(os.path.join(out, "library-language-dark.png"))

        # --- the OPDS link explains ---
        q.size(1280, 800)
        q.goto(base)
        click_load(q, ".smz-total a")
        ok(urllib.parse.urlsplit(q.url()).path == root + "/opds", "the OPDS link opens a page (%s)" % q.url())
        ok(q.query(".smz-copy input") and q.query("a[href$='/catalog/v2/root.xml']"),
           "... with the feed's address to copy and the feed's link")
        q.screenshot(os.path.join(out, "opds.png"))


if __name__ == "__main__":
    run(main)
