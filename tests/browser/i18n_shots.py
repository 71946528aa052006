"""The pages of `smz serve` in other languages (issue 21), in headless
Chromium: the library, an archived article with the bar, search results and
an archive's generated index page, each in Simplified Chinese, Uyghur,
Persian and Russian.  Checks that right-to-left languages mirror the bar
(the home link on the right, the search box's rounded end on the left),
that nothing runs off the page sideways, that the text is in the page's
language, and saves a screenshot of each for a person to look at.  Prints
"ok - ..." / "not ok - ..." lines (i18n_browser.sh runs it).

usage: i18n_shots.py BASE_URL ARTICLE_PATH OUT_DIR
  BASE_URL      the server (archives "samples" and "ru", "zh", "ug", "fa":
                one collection packed in each language)
  ARTICLE_PATH  an article's path in archive "samples"
  OUT_DIR       where the screenshots go
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from tap import code_order, ok, run  # noqa: E402

# Where the bar's parts are, and whether anything overflows sideways.
MEASURE = """(function () {
  var bar = document.getElementById('smz-bar');
  var home = bar && bar.querySelector('.smz-home'), q = bar && bar.querySelector('.smz-q');
  var d = document.documentElement;
  return {dir: d.dir || getComputedStyle(d).direction, lang: d.lang,
          barDir: bar ? getComputedStyle(bar.querySelector('.smz-nav')).direction : null,
          home: home ? home.getBoundingClientRect().left : null,
          q: q ? q.getBoundingClientRect().left : null,
          overflow: d.scrollWidth - d.clientWidth,
          text: document.body.innerText.slice(0, 4000)};
})()"""

# A word each page must show in its language.
WORDS = {
    "zh-Hans": {"library": "书库", "search": "的结果", "index": "篇文章"},
    "ug": {"library": "كۇتۇپخانا", "search": "نەتىجىدىن", "index": "ماقالە"},
    "fa": {"library": "کتابخانه", "search": "نتیجه‌های", "index": "مقاله"},
    "ru": {"library": "Библиотека", "search": "Результаты", "index": "стать"},
}
ARCHIVE = {"zh-Hans": "zh", "ug": "ug", "fa": "fa", "ru": "ru"}
RTL = {"ug", "fa"}


def main():
    base, article, out = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(out, exist_ok=True)
    with Browser(log=os.path.join(out, "chromium.log")) as b:
        p = b.new_page(1100, 760)
        for tag, words in WORDS.items():
            rtl = tag in RTL
            pages = [
                ("library", base + "?lang=" + tag, words["library"]),
                ("article", base + "content/samples/" + article + "?lang=" + tag, None),
                ("search", base + "search?pattern=olympics&lang=" + tag, words["search"]),
                ("index", base + "content/" + ARCHIVE[tag] + "/?lang=" + tag, words["index"]),
            ]
            for name, url, word in pages:
                p.goto(url)
                m = p.eval(MEASURE)
                what = "%s %s" % (tag, name)
                if name != "article" and name != "index":
                    ok(m["lang"] == tag, what + ": <html lang> is " + tag)
                    ok(m["dir"] == ("rtl" if rtl else "ltr"), what + ": the page runs " +
                       ("right to left" if rtl else "left to right"))
                if name == "index":
                    ok(m["dir"] == ("rtl" if rtl else "ltr"), what + ": the generated page runs " +
                       ("right to left" if rtl else "left to right") + " (the archive's Language)")
                if m["home"] is not None:
                    ok(m["barDir"] == ("rtl" if rtl else "ltr"), what + ": the bar runs that way too")
                    ok((m["home"] > m["q"]) == rtl, what + ": the home link is on the " +
                       ("right" if rtl else "left"))
                ok(m["overflow"] <= 0, what + ": nothing runs off the page sideways (%s px)" % m["overflow"])
                if word:
                    ok(word in m["text"], what + ": its text is in the language (" + word + ")")
                p.screenshot(os.path.join(out, "i18n-%s-%s.png" % (tag, name)))
        # The bar inside an archived page has the language menu too, and it
        # works without JavaScript: opened, Russian picked, the same page
        # comes back with the bar in Russian.
        nj = b.new_page(1100, 760)
        nj.disable_js()
        nj.goto(base + "content/samples/" + article + "?lang=fa")
        ok(nj.query("#smz-bar.smz-inj details.smz-langs") != 0,
           "an archived page's bar has the language menu")
        nj.click("#smz-bar.smz-inj .smz-langs summary")
        nj.wait_for("document.querySelector('#smz-bar .smz-langs').open")
        nj.screenshot(os.path.join(out, "i18n-fa-article-menu.png"))
        box = nj.eval("(function(){var r=document.querySelector('#smz-bar .smz-langs ul')"
                      ".getBoundingClientRect();return [r.left, r.right, r.height];})()")
        ok(box[2] > 100 and box[0] >= 0 and box[1] <= 1100,
           "... it opens without script, inside the window (%s)" % box)
        # Waited for by its load event: the bar can be in the document
        # before its text is (failed once in CI with the text not yet there).
        nj.mark()
        nj.click("#smz-bar .smz-langs a[hreflang=ru]")
        nj.wait_event("Page.loadEventFired")
        ok(nj.url().endswith(article + "?lang=ru"), "... picking Russian opens the same page (%s)" % nj.url())
        ok("Библиотека" in nj.eval("document.getElementById('smz-bar').innerText"),
           "... with the bar in Russian")
        p.goto(base + "opds?lang=fa")
        bad = p.eval(code_order("main code"))
        ok(bad == [], "fa OPDS page: commands and options read left to right (%s)" % bad)
        p.screenshot(os.path.join(out, "i18n-fa-opds.png"))


run(main)
