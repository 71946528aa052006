"""The origin test of `smz serve` (tests/cli/serve_origin.sh): headless
Chromium opens a hostile archive's pages (origin_site.py) and checks that
their scripts reach nothing outside their own page: not another archive's
pages, images or suggestions, not the library, not storage or cookies, not
the network beyond this server; that with --scripts off no script of theirs
runs at all; and that the pages, their images, styles, links and frames and
our top bar (search, suggestions) still work.  Prints "ok - ..." lines.

usage: origin.py BASE_ON BASE_OFF OUT_DIR SEARCHABLE
  BASE_ON   a server with scripts on (the default), e.g. http://127.0.0.1:8080/
  BASE_OFF  the same archives served with --scripts off
  OUT_DIR   screenshots and chromium.log
  SEARCHABLE  1 when the archives have a full-text index (suggestions)
"""
import os
import sys
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from tap import bar_search, click_load, ok, run  # noqa: E402

BLOCKED = ("local_storage", "session_storage", "indexed_db", "cache_storage", "cookie", "service_worker",
           "popup_other", "popup_library", "frame_other", "frame_library", "frame_own", "canvas_other",
           "canvas_own", "fetch_own", "fetch_other", "fetch_raw_other", "fetch_library", "fetch_search",
           "fetch_suggest_other", "fetch_suggest_other_token", "fetch_download", "fetch_catalog",
           "xhr_other", "font_other", "img_other")
WHAT = {
    "local_storage": "use localStorage", "session_storage": "use sessionStorage",
    "indexed_db": "open IndexedDB", "cache_storage": "open CacheStorage",
    "cookie": "set a year-long cookie", "service_worker": "register a service worker",
    "popup_other": "read another archive's page it opened in a popup",
    "popup_library": "read the library it opened in a popup",
    "frame_other": "read another archive's page in a frame", "frame_library": "frame the library",
    "frame_own": "read its own archive's page in a frame",
    "canvas_other": "read another archive's image pixels through a canvas",
    "canvas_own": "read image pixels through a canvas (its own archive's too)",
    "fetch_own": "fetch its own archive (another origin to it)",
    "fetch_other": "fetch another archive's page", "fetch_raw_other": "fetch another archive's raw entry",
    "fetch_library": "fetch the library page", "fetch_search": "fetch another archive's search results",
    "fetch_suggest_other": "fetch another archive's suggestions (JSON)",
    "fetch_suggest_other_token": "fetch another archive's suggestions with its own bar token",
    "fetch_download": "fetch another archive's file", "fetch_catalog": "fetch the OPDS catalog",
    "xhr_other": "XHR another archive's page",
    "font_other": "load another archive's font (CORS)",
    "img_other": "load another archive's image (to learn whether it exists)",
}


def ran_checks(p, label):
    """The page evil/index.html as it should look with scripts on."""
    ok(p.eval("document.getElementById('inline').textContent") == "inline ran", label + "inline scripts run")
    ok(p.eval("document.getElementById('handler').textContent") == "handler ran", label + "event handlers run")
    ok(p.eval("document.getElementById('external').textContent") == "external ran",
       label + "the archive's own script files load and run")
    ok(p.wait_for("document.getElementById('module').textContent == 'module ran'", 3),
       label + "the archive's own module scripts (CORS) load and run")
    if os.path.exists("evil/font.ttf"):
        ok(p.eval("document.fonts.load('16px Own').then(function (f) { return f.length; }, function () { return -1; })") == 1,
           label + "the archive's own font (CORS) loads")
    else:
        print("ok - %sthe archive's own font loads # SKIP no font on this system" % label)


def page_checks(p, label):
    ok(p.eval("getComputedStyle(document.getElementById('inline')).color") == "rgb(4, 5, 6)",
       label + "the archive's stylesheet applies")
    ok(p.eval("document.querySelector('img[src=\"pic.png\"]').naturalWidth") == 16,
       label + "the archive's image loads")
    ok(p.eval("document.getElementById('alias').naturalWidth") == 16,
       label + "an image behind a redirect entry loads")
    ok(p.eval("getComputedStyle(document.querySelector('#smz-bar .smz-q')).display") == "block",
       label + "the top bar is there and styled")
    ok(p.eval("self.origin") == "null", label + "the page's origin is opaque (%s)" % p.eval("self.origin"))


def main():
    on, off, out, searchable = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
    os.makedirs(out, exist_ok=True)
    root = urllib.parse.urlsplit(on).path.rstrip("/")
    with Browser(log=os.path.join(out, "chromium.log"), popups=True) as b:
        p = b.new_page()
        # --- scripts on: the page works, its scripts run, sandboxed ---
        p.goto(on + "content/evil/index.html")
        ran_checks(p, "scripts on: ")
        page_checks(p, "scripts on: ")
        ok(p.eval("!!document.querySelector('#smz-bar .smz-sugg')"), "scripts on: the bar's script runs")
        p.screenshot(os.path.join(out, "sandboxed.png"))
        click_load(p, "#inner")
        ok(p.url().endswith("/content/evil/b.html"), "scripts on: a link inside the archive works (%s)" % p.url())
        # --- the attacks ---
        p.goto(on + "content/evil/attack.html")
        r = p.eval("window.probes")
        if ok(isinstance(r, dict), "the attack page ran (%s)" % r):
            ok(r.get("origin") == "null", "an archived page has an opaque origin (%s)" % r.get("origin"))
            for k in BLOCKED:
                ok(r.get(k) == "blocked", "an archived script cannot %s (%s)" % (WHAT[k], r.get(k)))
            ok(r.get("has_token") == "yes", "the attack page found its own bar's token")
            ok(r.get("frame_own_runs") == "ran", "a frame of its own archive loads and runs (%s)"
               % r.get("frame_own_runs"))
        v = p.eval("window.violations") or []
        ok(any(x.startswith("img-src") and "127.0.0.9" in x for x in v),
           "an archived page cannot load an image from elsewhere (%s)" % v)
        ok(any(x.startswith("connect-src") and "127.0.0.9" in x for x in v),
           "an archived page cannot send a beacon elsewhere (%s)" % v)
        cookies = p.call("Network.getAllCookies")["cookies"]
        ok(not cookies, "no cookie was stored (%s)" % [c["name"] for c in cookies])
        # --- an SVG document and a raw page are sandboxed too ---
        p.goto(on + "content/evil/attack.svg")
        ran = p.eval("document.documentElement.getAttribute('data-ran')")
        ok(ran == "no-storage no-cookie", "an SVG's script runs without storage or cookies (%s)" % ran)
        p.goto(on + "raw/evil/content/attack.html")
        ok(p.eval("self.origin") == "null", "a raw page's origin is opaque too")
        # --- the library's storage stayed empty ---
        p.goto(on)
        ok(p.eval("localStorage.length") == 0 and p.eval("document.cookie") == "",
           "the library's storage and cookies are empty after the attacks")
        # --- a browser full of cookies (another program on this host) ---
        for i in range(180):
            p.call("Network.setCookie", name="junk%d" % i, value="x" * 4000, url=on)
        n = len(p.call("Network.getAllCookies")["cookies"])
        p.goto(on)
        ok(p.eval("document.querySelectorAll('.smz-book').length") >= 2,
           "the library answers a browser sending all the cookies it keeps for a host (%d of 4 kB)" % n)
        p.goto(on + "content/victim/index.html")
        ok(p.eval("document.getElementById('secret') !== null"), "... and so do archived pages")
        p.call("Network.clearBrowserCookies")
        # --- the bar in a sandboxed page: suggestions and search ---
        p.goto(on + "content/victim/index.html")
        ok(p.eval("getComputedStyle(document.getElementById('secret')).color") == "rgb(1, 2, 3)",
           "the victim's own stylesheet applies")
        p.click("#smz-bar .smz-q")
        p.type("Vic")
        shown = p.wait_for("(function(){var l=document.querySelector('#smz-bar .smz-sugg');"
                           "return l && !l.hidden && l.children.length})()", 5)
        ok(shown, "typing in a sandboxed page's bar opens the suggestion list")
        if searchable:
            n = p.eval("document.querySelectorAll('#smz-bar .smz-sugg li:not(.smz-all)').length") or 0
            ok(n >= 3, "the bar's suggestions reach the library from the sandbox (%d)" % n)
            p.screenshot(os.path.join(out, "sandboxed-suggest.png"))
            p.mark()
            p.key("ArrowDown")
            p.key("Enter")
            p.wait_event("Page.loadEventFired")
            ok("/content/victim/" in p.url(), "picking a suggestion opens it (%s)" % p.url())
        else:
            print("ok - the bar's suggestions reach the library # SKIP no index in this build")
            p.screenshot(os.path.join(out, "sandboxed-suggest.png"))
        p.goto(on + "content/victim/index.html")
        u = bar_search(p, "page")
        ok(u.path == root + "/search" and "pattern=page" in u.query, "the bar's search works (%s)" % p.url())
        p.goto(on + "content/victim/index.html")
        click_load(p, "#smz-bar .smz-home")
        ok(p.eval("document.querySelectorAll('.smz-book').length") >= 2, "the bar's Library link works")

        # --- scripts off: nothing of the archive's runs ---
        q = b.new_page()
        q.goto(off + "content/evil/index.html")
        for sel in ("inline", "handler", "external", "module"):
            ok(q.eval("document.getElementById('%s').textContent" % sel) == "%s did not run" % sel,
               "scripts off: %s scripts do not run" % sel)
        page_checks(q, "scripts off: ")
        ok(not q.eval("!!document.querySelector('#smz-bar .smz-sugg')"), "scripts off: the bar's script does not run")
        q.screenshot(os.path.join(out, "scripts-off.png"))
        q.goto(off + "content/evil/attack.html")
        ok(q.eval("document.getElementById('out').textContent") == "probing", "scripts off: the attack page's script does not run")
        q.goto(off + "content/evil/attack.svg")
        ok(q.eval("document.documentElement.getAttribute('data-ran')") == "no", "scripts off: an SVG's script does not run")
        q.goto(off + "content/evil/index.html")
        click_load(q, "#inner")
        ok(q.url().endswith("/content/evil/b.html"), "scripts off: a link inside the archive works (%s)" % q.url())
        u = bar_search(q, "page")
        ok(u.path == root + "/search" and "pattern=page" in u.query,
           "scripts off: the bar's search is a plain form that works (%s)" % q.url())
        q.goto(off + "content/victim/index.html")
        click_load(q, "#smz-bar .smz-random")
        ok("/content/victim/" in q.url(), "scripts off: the bar's Random link works (%s)" % q.url())


if __name__ == "__main__":
    run(main)
