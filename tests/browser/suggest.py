"""The browser test of suggestions (issue 20): in headless Chromium, words
typed into the top bar of an archived page are found anywhere in titles, and
each suggestion marks what matched with <mark>, built from text nodes: the
marks are exactly the stretches /suggest's "match" gives (in characters), and
a hostile archive's titles stay text.  Saves screenshots.  Prints "ok - ..."
lines like the shell tests.

usage: suggest.py BASE_URL SAMPLES ZH HOSTILE OUT_DIR
  BASE_URL  e.g. http://127.0.0.1:8080/
  SAMPLES   the archive of samples/ (English; titles about Xinjiang, Olympics)
  ZH        an archive of Chinese titles holding 维吾尔
  HOSTILE   the archive made from site.py (titles with markup in them)
  OUT_DIR   where the screenshots go
"""
import json
import os
import sys
import urllib.parse
import urllib.request

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from tap import ok, run  # noqa: E402

# What the list shows: each suggestion's text, its marks, every element
# inside it, whether each holds one text node and nothing else, whether each
# span is the hidden start of a long title, and whether the first mark is
# inside the item's box (seen, not cut off).
SHOWN = """JSON.stringify(Array.prototype.map.call(
  document.querySelectorAll('#smz-bar .smz-sugg li:not(.smz-all)'), function (li) {
    var marks = li.querySelectorAll('mark');
    return {text: li.textContent,
            marks: Array.prototype.map.call(marks, function (m) { return m.textContent; }),
            tags: Array.prototype.map.call(li.querySelectorAll('*'), function (e) { return e.tagName; }),
            plain: Array.prototype.every.call(li.querySelectorAll('*'), function (m) {
              return m.childNodes.length === 1 && m.firstChild.nodeType === 3; }),
            skip: Array.prototype.every.call(li.querySelectorAll('span'), function (e) {
              return e.className === 'smz-skip' && getComputedStyle(e).display === 'none'; }),
            visible: !marks.length || marks[0].getBoundingClientRect().right <=
              li.getBoundingClientRect().right + 1};
  }))"""


def expected(base, arch, words):
    """The titles /suggest gives for WORDS (count=8, as the bar asks) and
    the stretches its "match" names, cut from each title by characters."""
    u = base + "suggest?content=%s&term=%s&count=8" % (arch, urllib.parse.quote(words))
    d = json.load(urllib.request.urlopen(u))
    return [(r["title"], [r["title"][s:s + n] for s, n in r["match"]]) for r in d["results"]]


def typed(p, base, arch, words, shot):
    """Opens ARCH's main page, types WORDS into the bar, waits for the list
    made for all of them; returns what it shows."""
    p.goto(base + "content/%s/" % arch)
    p.click("#smz-bar .smz-q")
    p.type(words)
    p.wait_for("(function(){var l=document.querySelector('#smz-bar .smz-sugg'), a=l && "
               "l.querySelector('.smz-all');return l && !l.hidden && a && "
               "a.textContent.indexOf(%s) >= 0})()" % json.dumps(words), 5)
    p.screenshot(shot)
    return json.loads(p.eval(SHOWN) or "[]")


def main():
    base, samples, zh, hostile, out = sys.argv[1:6]
    os.makedirs(out, exist_ok=True)
    with Browser(log=os.path.join(out, "chromium-suggest.log")) as b:
        p = b.new_page()
        seen = {}
        for arch, words, want, shot in [(samples, "xinj", "Xinjiang", "suggest-xinj.png"),
                                        (samples, "olymp", "Olympics", "suggest-olymp.png"),
                                        (zh, "维吾", "维吾", "suggest-zh.png")]:
            got = seen[words] = typed(p, base, arch, words, os.path.join(out, shot))
            exp = expected(base, arch, words)
            ok(got, "'%s' offers titles (%d)" % (words, len(got)))
            ok(got and all(want in g["marks"] for g in got),
               "'%s': every suggestion marks %s (%s)" % (words, want, [g["marks"] for g in got]))
            ok([(g["text"], g["marks"]) for g in got] == exp,
               "'%s': the titles and marks are /suggest's, in its order and its stretches" % words)
            ok(all(g["plain"] and g["skip"] and set(g["tags"]) <= {"MARK", "SPAN"} for g in got),
               "'%s': marks hold text only, no other element" % words)
            ok(all(g["visible"] for g in got), "'%s': the first mark of each is in view" % words)
        ok(any(g["marks"] == ["Xinjiang"] and not g["text"].startswith("Xinjiang") for g in seen["xinj"]),
           "'xinj' finds a title with Xinjiang inside it")
        ok(len(seen["olymp"]) >= 2, "'olymp' offers several titles (%d)" % len(seen["olymp"]))
        ok(any(not g["text"].startswith("维吾") for g in seen["维吾"]),
           "'维吾' finds a title holding the characters after others")
        # A hostile archive: titles with markup are text, marks and all.
        p.dialogs.clear()
        got = typed(p, base, hostile, "alert", os.path.join(out, "suggest-hostile.png"))
        ok(len(got) >= 1, "the hostile archive's title with markup is offered (%d)" % len(got))
        ok(any(g["text"].startswith("<script>alert(6)</script>") for g in got),
           "its markup shows as text (%s)" % [g["text"] for g in got])
        ok(all(set(g["tags"]) <= {"MARK", "SPAN"} and g["plain"] and "alert" in g["marks"] for g in got),
           "no element but the marks, alert marked (%s)" % [(g["tags"], g["marks"]) for g in got])
        ok(not p.dialogs, "no script of a title ran (%s)" % p.dialogs)


if __name__ == "__main__":
    run(main)
