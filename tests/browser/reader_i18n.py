"""The browser reader in its reader's language (issue 21), in headless
Chromium: navigator.languages set through DevTools (as a browser set to
that language sends them), smz-reader.html opened, an archive picked.  The
page's own words and the pages the module answers are in the language the
server would choose for the same Accept-Language (zh-TW: Traditional
Chinese, zh: Simplified, fa-IR: Persian, right to left; none of ours:
English); a screenshot of each for a person to look at.  In Simplified
Chinese, errors too: a file that is no archive (the module's sentence), a
web address without http(s):// (the page's) and one that does not answer
(the worker's), each in Chinese with the file's name or the address as
given.  Prints "ok - ..." / "not ok - ..." lines (reader_i18n.sh runs it).

usage: reader_i18n.py READER_URL ARCHIVE OUT_DIR
"""
import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from reader_lib import frame_wait, pick, state, wait_shown  # noqa: E402
from tap import code_order, ok, run  # noqa: E402

# navigator.languages, then what the page and the library must say.
CASES = [
    ("zh-TW,zh,en-US", "zh-Hant", "ltr", "Samizdat 閱讀器", "書庫", "tw"),
    ("zh,en", "zh-Hans", "ltr", "Samizdat 阅读器", "书库", "zh"),
    ("fa-IR,fa,en", "fa", "rtl", "خوانندهٔ Samizdat", "کتابخانه", "fa"),
    ("de-DE,ja", "en", "ltr", "Samizdat reader", "Library", "en"),
]


# In Simplified Chinese: what provokes an error, what it must say.
ERRORS_ZH = [
    ("file", "没有可以读取的存档：", "notes.smz"),
    ("url", "网址以 https:// 或 http:// 开头。", None),
    # (Chromium: XMLHttpRequest throws; another browser may answer status 0)
    ("url", "网址 http://127.0.0.1:9/gone.smz", "127.0.0.1:9"),
]


def start_error(p, timeout=30):
    """The start screen's error line once shown (None if none in time)."""
    p.wait_for("(function(){var e=document.getElementById('smz-start-err');"
               "return !e.hidden && !!e.textContent && !document.body.classList.contains('smz-busy')})()",
               timeout=timeout)
    return p.eval("(function(){var e=document.getElementById('smz-start-err');"
                  "return e.hidden ? null : e.textContent})()")


def errors_zh(p, out):
    """Provokes the ERRORS_ZH on the start screen of a page in Chinese."""
    notes = os.path.join(out, "notes.smz")
    with open(notes, "w") as f:
        f.write("Just some notes, not an archive.\n")
    for kind, want, name in ERRORS_ZH:
        p.eval("document.getElementById('smz-start-err').textContent = ''")
        if kind == "file":
            pick(p, [notes])
        else:
            addr = "ftp://127.0.0.1/x.smz" if name is None else "http://127.0.0.1:9/gone.smz"
            p.eval("document.getElementById('smz-url').value = %r;"
                   "document.getElementById('smz-urlform').requestSubmit()" % addr)
        try:
            got = start_error(p)
        except Exception as e:  # noqa: BLE001 (the check below says what was missing)
            got = "(none: %s)" % e
        ok(got is not None and want in got, "zh: %s error in Chinese (%s)" % (kind, got))
        if name:
            ok(got is not None and name in got, "... naming %s as given" % name)
        if kind == "file":
            p.screenshot(os.path.join(out, "reader-zh-error.png"))


def main():
    url, archive, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    with Browser(log=os.path.join(out, "chromium.log")) as b:
        for langs, tag, dirn, title, library, short in CASES:
            p = b.new_page(1100, 760)
            first = langs.split(",")[0]
            p.call("Emulation.setUserAgentOverride", userAgent=p.eval("navigator.userAgent"),
                   acceptLanguage=langs)
            p.goto(url)
            ok(p.eval("navigator.languages[0]") == first, "%s: navigator.languages says so" % first)
            p.wait_for("document.documentElement.lang === %r" % tag, timeout=30)
            ok(p.eval("document.documentElement.lang") == tag, "%s: the page speaks %s" % (first, tag))
            ok(p.eval("document.documentElement.dir") == dirn, "... %s" % dirn)
            ok(p.eval("document.getElementById('smz-start-h').textContent") == title,
               "... its heading from the catalogue (%s)" % title)
            ok(p.eval("document.querySelector('.smz-lead code') !== null"),
               "... its markup (<code>) kept around the translation")
            bad = p.eval(code_order(".smz-start code"))
            ok(bad == [], "... file names and commands read left to right (%s)" % bad)
            over = p.eval("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            ok(over <= 0, "... nothing runs off the page sideways (%s px)" % over)
            p.screenshot(os.path.join(out, "reader-%s-start.png" % short))
            if short == "zh":
                errors_zh(p, out)
            pick(p, [archive])
            t = wait_shown(p, timeout=60)
            ok(t == "/", "%s: picking the archive shows the library (%s)" % (first, t))
            h1 = frame_wait(p, "(document.querySelector('h1') || {}).textContent")
            ok(h1 == library, "... in the same language, from the module (%s)" % h1)
            fl = frame_wait(p, "document.documentElement.lang + ' ' + document.documentElement.dir")
            ok(fl == tag + " " + dirn, "... <html lang dir> of the module's page: %s" % fl)
            ok(p.eval("document.querySelector('#smz-home .smz-lbl').textContent") == library,
               "... and the reader's bar (%s)" % library)
            errors = p.events("Runtime.exceptionThrown")
            ok(not errors, "... no script error (%s)" % errors[:1])
            s = state(p)
            ok(s.get("opened"), "... the archive is open")
            p.screenshot(os.path.join(out, "reader-%s-library.png" % short))


run(main)
