"""The browser test of the reader (smz-reader.html): headless Chromium opens
the file as a person would (through file:// in the test), picks archives in
its file input, and uses the library, links, a redirect, an image and a
stylesheet, search in English and Chinese (hits and order compared with
`smz search --json` on the same archive and words), suggestions, random
article, a media entry read in ranges, a 10,000-entry archive, a damaged
archive, and proves the sandbox: an archived page's script, with the
archives' scripts turned on, reaches neither the reader nor the network nor
another archive.  Saves screenshots.  Prints "ok - ..." lines.

usage: reader_flow.py READER_URL LIB_DIR OUT_DIR SMZ
  LIB_DIR: samples.smz, site.smz (reader_site.py), gen.smz (10,000 entries),
           bad.smz (a truncated copy)
"""
import json
import os
import subprocess
import sys
import urllib.parse

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cdp import Browser  # noqa: E402
from reader_lib import frame_click, frame_eval, frame_wait, go, pick, state, wait_shown  # noqa: E402
from tap import ok, run  # noqa: E402


def cli_hits(smz, archive, words, n=25):
    out = subprocess.run([smz, "search", "--json", "--limit", str(n), archive, words],
                         capture_output=True, text=True).stdout
    try:
        return [h["path"] for h in json.loads(out)["results"]]
    except (ValueError, KeyError):
        return []


def page_hits(p):
    hrefs = frame_eval(p, "Array.from(document.querySelectorAll('.smz-hit'), a => a.getAttribute('href'))") or []
    return [urllib.parse.unquote(h.split("/", 3)[3]) for h in hrefs if h.count("/") >= 3]


def search(p, words):
    p.click("#smz-q")
    p.eval("document.getElementById('smz-q').value = ''")
    p.type(words)
    before = state(p).get("shown")
    p.key("Enter")
    return wait_shown(p, lambda t: t != before and t.startswith("/search"))


def main():
    url, lib, out, smz = sys.argv[1:5]
    os.makedirs(out, exist_ok=True)
    arch = {n: os.path.join(lib, n + ".smz") for n in ("samples", "site", "gen", "bad")}
    with Browser(log=os.path.join(out, "chromium.log")) as b:
        p = b.new_page()
        p.goto(url)
        ok(p.eval("!!document.getElementById('smz-pick')"), "the start screen offers a file picker")
        p.screenshot(os.path.join(out, "start.png"))
        pick(p, [arch["samples"], arch["site"], arch["gen"]])
        t = wait_shown(p, timeout=60)
        ok(t == "/", "picking three archives shows the library (%s)" % t)
        s = state(p)
        ok(s.get("version"), "the module tells its version (%s)" % s.get("version"))
        books = frame_wait(p, "document.querySelectorAll('.smz-book').length === 3 && 3")
        ok(books == 3, "the library lists the three archives (%s)" % books)
        ok(p.eval("location.hash") == "#/", "the address says where we are (%s)" % p.eval("location.hash"))
        p.screenshot(os.path.join(out, "library.png"))
        errors = p.events("Runtime.exceptionThrown")
        ok(not errors, "no script error in the reader (%s)" % errors[:1])
        # The library's filters are links and a GET form: the frame's helper
        # turns them into the reader's navigation.
        frame_click(p, '.smz-tags a[href="/?tag=news"]')
        t = wait_shown(p, lambda t: "tag=news" in t)
        ok(t == "/?tag=news", "a tag link filters the library (%s)" % t)
        n = frame_wait(p, "document.querySelectorAll('.smz-book').length === 1 && 1")
        ok(n == 1 and "1 of 3 archives" in (frame_eval(p, "document.querySelector('.smz-total').textContent") or ""),
           "... to the one archive with that tag, and counts it (%s)" % n)
        go(p, "/")
        wait_shown(p, lambda t: t == "/")

        # --- Download hands back the file picked, byte for byte ---
        dl = os.path.join(out, "downloads")
        os.makedirs(dl, exist_ok=True)
        b.call("Browser.setDownloadBehavior", behavior="allow", downloadPath=dl)
        frame_click(p, '.smz-book a[href="/download/site.smz"]')
        got = os.path.join(dl, "site.smz")
        for _ in range(100):
            if os.path.exists(got) and os.path.getsize(got) == os.path.getsize(arch["site"]):
                break
            b.pump(0.1)
        ok(os.path.exists(got) and open(got, "rb").read() == open(arch["site"], "rb").read(),
           "Download saves the archive, byte for byte")

        # --- the samples' main page, then an article ---
        frame_click(p, '.smz-book a.smz-primary[href="/content/samples/"]')
        t = wait_shown(p, lambda t: t.startswith("/content/samples/"))
        ok(t is not None, "Open goes to the samples' main page (%s)" % t)
        ok(p.eval("document.getElementById('smz-title').textContent") == "Human Rights in China: News",
           "our bar names the archive shown")
        ok(frame_eval(p, "!document.getElementById('smz-bar')"), "the answer's own bar is not shown twice")
        ok(frame_eval(p, "!document.querySelector('.smz-inj, link[href*=\"smz.css\"]')"),
           "... nor its spacer and stylesheet")
        main_page = t
        frame_click(p, 'a[href$=".html"]')
        t = wait_shown(p, lambda t: t != main_page)
        ok(t and t.startswith("/content/samples/") and t.endswith(".html"), "a link opens an article (%s)" % t)
        ok(p.eval("location.hash") == "#" + (t or ""), "... and the address follows it")
        title = frame_eval(p, "document.title")
        ok(title and p.eval("document.title").startswith(title), "the tab's title is the article's (%s)" % title)
        p.screenshot(os.path.join(out, "article.png"))
        p.eval("history.back()")
        t2 = wait_shown(p, lambda x: x == main_page)
        ok(t2 == main_page, "Back returns to the main page (%s)" % t2)

        # --- the test site: redirect, image, stylesheet ---
        go(p, "/content/site/old.html")
        t = wait_shown(p, lambda t: "page1" in t)
        ok(t == "/content/site/a/page1.html", "a redirect is followed inside the archive (%s)" % t)
        ok(frame_eval(p, "document.querySelector('h1').textContent") == "Page one", "... to the right page")
        ok(p.eval("location.hash") == "#/content/site/a/page1.html", "... and the address is the target's")
        frame_click(p, "#up")
        t = wait_shown(p, lambda t: t.endswith("index.html"))
        ok(t == "/content/site/index.html", "a relative link (../index.html) resolves (%s)" % t)
        w = frame_wait(p, "(function(){var i=document.getElementById('pic');return i&&i.complete&&i.naturalWidth})()")
        ok(w == 64, "an image shows (naturalWidth %s)" % w)
        ok(frame_eval(p, "getComputedStyle(document.body).color") == "rgb(10, 20, 30)",
           "the page's stylesheet applies")
        bg = frame_eval(p, "getComputedStyle(document.getElementById('bg')).backgroundImage")
        ok(bg and bg.startswith('url("data:image/png'), "a url() in CSS becomes a data: URL (%s)" % (bg or "")[:40])
        ok(frame_eval(p, "getComputedStyle(document.getElementById('bg')).borderTopColor") == "rgb(1, 2, 3)",
           "a stylesheet's @import is inlined")
        w = frame_wait(p, "(function(){var i=document.getElementById('pic2');return i&&i.complete&&i.naturalWidth})()")
        ok(w and w > 0, "an image with only a srcset shows (naturalWidth %s)" % w)
        st = frame_eval(p, "getComputedStyle(document.getElementById('styled')).backgroundImage")
        ok(st and st.startswith('url("data:image/png'), "a url() in a style attribute becomes a data: URL")
        p.screenshot(os.path.join(out, "site.png"))
        go(p, "/content/site/own-csp.html")
        wait_shown(p, lambda t: t.endswith("own-csp.html"))
        frame_click(p, "#home")
        t = wait_shown(p, lambda t: t.endswith("index.html"))
        ok(t == "/content/site/index.html", "a page with a CSP of its own still follows links (%s)" % t)
        go(p, "/content/site/refresh.html")
        t = wait_shown(p, lambda t: t.endswith("page1.html"))
        ok(t == "/content/site/a/page1.html", "a meta refresh inside the archive is followed (%s)" % t)

        # --- media, read in ranges of at most 4 MiB ---
        r = p.eval("window.smzReader.ask('/content/site/media/tone.wav', 'bytes=40-47')")
        want = open(os.path.join(lib, "tone.wav"), "rb").read()
        ok(r and r["status"] == 206 and r["hex"] == want[40:48].hex(),
           "a range of a media entry: 206 with the right bytes (%s)" % (r and r["status"]))
        ok(r and r["headers"].get("content-range") == "bytes 40-47/%d" % len(want),
           "... and its Content-Range (%s)" % (r and r["headers"].get("content-range")))
        go(p, "/content/site/media.html")
        wait_shown(p, lambda t: t.endswith("media.html"))
        d = frame_wait(p, "(function(){var a=document.getElementById('tone');return a&&a.duration>0&&a.duration})()", 30)
        ok(d and abs(d - 700) < 1, "the audio element gets its duration from a Blob read in ranges (%s s)" % d)

        # --- search, English and Chinese, against smz search --json ---
        go(p, main_page)
        wait_shown(p, lambda t: t == main_page)
        for name, words in (("samples", "china"), ("samples", "xinjiang human"), ("gen", "人权"),
                            ("gen", "freedom river")):
            if state(p).get("archive", {}) is None or (state(p).get("archive") or {}).get("name") != name:
                go(p, "/content/%s/" % name)
                wait_shown(p, lambda t: t.startswith("/content/%s/" % name))
            t = search(p, words)
            ok(t and "content=" + name in t, "the search box searches the archive shown (%s)" % t)
            got, want_hits = page_hits(p), cli_hits(smz, arch[name], words)
            ok(got and got == want_hits, "search %s %r: same hits in the same order as smz search (%d, %d)"
               % (name, words, len(got), len(want_hits)))
            if name == "gen" and words == "人权":
                p.screenshot(os.path.join(out, "search-zh.png"))
            if name == "samples" and words == "china":
                p.screenshot(os.path.join(out, "search.png"))

        # --- suggestions while typing ---
        go(p, main_page)
        wait_shown(p, lambda t: t == main_page)
        p.click("#smz-q")
        p.eval("document.getElementById('smz-q').value = ''")
        p.type("Xinj")
        n = p.wait_for("(function(){var l=document.getElementById('smz-sugg');return !l.hidden && "
                       "l.lastElementChild && l.lastElementChild.textContent.indexOf('Xinj') >= 0 && l.children.length})()", 10)
        ok(n and n >= 2, "typing opens the suggestion list (%s)" % n)
        ok(p.eval("document.getElementById('smz-q').getAttribute('aria-expanded')") == "true",
           "the search box says the list is open (aria-expanded)")
        first = p.eval("document.querySelector('#smz-sugg li').textContent")
        p.screenshot(os.path.join(out, "suggest.png"))
        p.key("ArrowDown")
        ok(p.eval("document.getElementById('smz-q').getAttribute('aria-activedescendant')") == "smz-sugg-0",
           "ArrowDown marks the first suggestion")
        p.key("Enter")
        t = wait_shown(p, lambda t: t != main_page)
        ok(t and t.startswith("/content/samples/"), "Enter opens the suggestion (%s)" % t)
        ok(frame_eval(p, "document.title") == first, "... the one picked (%s)" % first)

        # --- random article ---
        n0 = state(p).get("pages")
        p.click("#smz-random")
        p.wait_for("window.smzReader.state().pages > %d" % n0, 15)
        t = wait_shown(p, lambda x: not x.startswith("/random"))
        ok(t and t.startswith("/content/samples/"), "Random opens an article of the archive shown (%s)" % t)

        # --- the About ---
        p.click("#smz-about-btn")
        ok(p.eval("document.getElementById('smz-about').open"), "About opens")
        build = p.eval("document.documentElement.dataset.build")
        ok(p.eval("document.getElementById('smz-build').textContent") == build and len(build) == 16,
           "About shows the build's hash (%s)" % build)
        p.screenshot(os.path.join(out, "about.png"))
        p.key("Escape")

        # --- the 10,000-entry archive ---
        go(p, "/content/gen/")
        t = wait_shown(p, lambda t: t.startswith("/content/gen/"))
        ok(t is not None, "the 10,000-entry archive opens (%s)" % t)
        empty = [ln.split("\t")[0] for ln in open(os.path.join(lib, "gen-expected.tsv"), encoding="utf-8")
                 if ln.split("\t")[0].endswith(".empty")][:1]
        if empty:
            go(p, "/content/gen/" + urllib.parse.quote(empty[0]))
            t = wait_shown(p, lambda t: t.endswith(".empty"))
            body = frame_eval(p, "document.body.innerText") if t else None
            ok(t and body is not None and "This page cannot be shown" not in body,
               "an empty entry shows (a 416 to the first range is asked again whole) (%s: %r)"
               % (t, (body or "")[:80]))

        # --- open more: a signed archive and its key ---
        pick(p, [os.path.join(lib, "signed.smz"), os.path.join(lib, "k.pub")], selector="#smz-files")
        t = wait_shown(p, lambda t: t == "/", timeout=60)
        books = frame_wait(p, "document.querySelectorAll('.smz-book').length === 4 && 4")
        ok(t == "/" and books == 4, "Open adds an archive to the library (%s, %s)" % (t, books))
        sig = frame_eval(p, "(function(){var s=document.querySelector('.smz-sig[data-trusted=yes]');"
                            "return s && s.getAttribute('data-key-id')})()")
        ok(sig == open(os.path.join(lib, "k.id")).read().strip(),
           "with its .pub, the library says a trusted key signed it (%s)" % sig)
        p.screenshot(os.path.join(out, "library-signed.png"))

        # --- phone width, dark ---
        p.size(390, 844, mobile=True, scale=2, dark=True)
        go(p, "/")
        wait_shown(p, lambda t: t == "/")
        ok(p.eval("document.documentElement.scrollWidth <= window.innerWidth + 1"), "the reader fits a phone")
        ok(p.eval("getComputedStyle(document.body).backgroundColor") != "rgb(248, 249, 250)",
           "dark mode follows prefers-color-scheme")
        p.screenshot(os.path.join(out, "library-phone-dark.png"))
        go(p, main_page)
        wait_shown(p, lambda t: t == main_page)
        p.screenshot(os.path.join(out, "article-phone-dark.png"))

        # --- a damaged archive: a clear message, no hang ---
        q = b.new_page()
        q.goto(url)
        pick(q, [arch["bad"]])
        err = q.wait_for("(function(){var e=document.getElementById('smz-start-err');return !e.hidden && e.textContent})()", 30)
        ok(err, "a damaged archive gives a clear message (%s)" % err)
        ok(not state(q).get("opened"), "... and opens nothing")
        q.screenshot(os.path.join(out, "corrupt.png"))

        # --- the sandbox: an archived script with scripts on ---
        # (opened with an address in the hash, as after a reload: the
        # files picked again, that page shows first)
        z = b.new_page()
        z.goto(url + "#/content/site/a/page1.html")
        z.eval("document.getElementById('smz-scripts').checked = true")
        pick(z, [arch["samples"], arch["site"], os.path.join(lib, "hostile.smz")])
        t = wait_shown(z, timeout=60)
        ok(t == "/content/site/a/page1.html", "reopened after a reload, the page in the address shows (%s)" % t)
        go(z, "/content/hostile/")
        t = wait_shown(z, lambda t: t.startswith("/content/hostile/"))
        ok(t, "a hostile archive's main page shows (%s)" % t)
        ok(z.eval("document.getElementById('smz-title').dir") == "rtl",
           "an Arabic archive's title is right-to-left in our bar")
        ok(z.eval("document.getElementById('smz-title').textContent").startswith('<script>'),
           "... and its hostile title is text, not markup")
        z.screenshot(os.path.join(out, "hostile.png"))
        go(z, "/content/site/probe.html")
        wait_shown(z, lambda t: t.endswith("probe.html"))
        res = frame_wait(z, "(function(){var o=document.getElementById('out');"
                            "return o && o.textContent !== 'probing' && o.textContent})()", 20)
        try:
            res = json.loads(res)
        except (TypeError, ValueError):
            res = {}
        ok(res, "the probe page's script ran (%s)" % res)
        for k in ("parent", "top", "network", "local", "other", "other_abs", "storage", "cookie"):
            ok(res.get(k) == "blocked", "an archived script cannot reach %s (%s)" % (k, res.get(k)))
        ok(z.eval("document.title").endswith("Samizdat reader"), "the reader's own page is untouched")
        z.screenshot(os.path.join(out, "probe.png"))


if __name__ == "__main__":
    run(main)
