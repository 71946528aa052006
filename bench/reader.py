#!/usr/bin/env python3
"""The browser reader (build-wasm/smz-reader.html, file://) beside smz serve
in headless Chromium, on the same archives, rounds alternating (serve first
in even rounds, the reader first in odd ones).  Not a test: figures, medians
of ROUNDS with min-max, printed as Markdown tables; every measurement is
also printed as one JSON line ("raw").

Each measurement gets a fresh Chromium with one tab (so a fresh page, worker
and sandboxed frame, and no other renderer to count) and, for serve, a fresh
`smz serve`.  In it, three pages in a row:
  first   the archive's main page.  Reader: from the file input's change
          event (the file picked through DevTools, the address preset to
          #/content/NAME/) to that page shown; this includes starting the
          worker, compiling the module and opening the archive.  Serve:
          /content/NAME/ loaded (the navigation's loadEventEnd).
  search  /search?content=NAME&pattern=QUERY, the same way.
  cold    the last text/html entry of `smz ls` (a cluster not read yet).
The reader's page counts as shown when window.smzReader.state() says so
(shown = the target, not busy), the new sandboxed frame has fired its load
event, and one animation frame has passed; timed inside the page with
performance.now(), as serve's are (Navigation Timing), so that DevTools'
round trips are not counted.
  tab     resident set (VmRSS) summed over the browser's renderer processes
          after the three pages: the page with its worker and WebAssembly
          heap, and the sandboxed frame's process.  Chromium's spare renderer
          is turned off so that it is not counted.  PSS is given beside it
          (shared pages divided among the processes sharing them).
  server  smz serve's VmRSS after the three pages (and VmHWM, its peak).

--browse LABEL (repeatable): also, per round and kind, one more fresh tab
that opens the archive and then shows 20 HTML pages spread over the archive
and 5 searches (one after every 4 pages); the tab's RSS is sampled every
50 ms and its peak reported, with the median time of those 25 pages.

--kiwix DIR --zim LABEL=FILE.zim: Kiwix JS (a work tree of kiwix-js with
its npm dependencies installed, served over http://127.0.0.1 by a Python
server: its app.js is an ES module importing ../../node_modules, which
Chromium does not load from file://) in its Restricted (jQuery) mode, given
the ZIM through its file input, as one more kind in the rounds of LABEL:
first article (pick to the main page's document complete in its frame), a
search (typing into its search box to the first title listed), tab.

  bench/reader.py --rounds 5 --browse pgdoc pgdoc=bench/work/reader/arch/pgdoc.smz:vacuum ...
"""
import argparse
import functools
import http.server
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "browser"))
import cdp  # noqa: E402
import reader_lib  # noqa: E402

# Chromium without its spare renderer (a process started in advance for the
# next tab, which would otherwise be counted as the tab's memory).
WRAP = os.path.join(HERE, "work", "chromium-bench")


def chromium_wrapper():
    os.makedirs(os.path.dirname(WRAP), exist_ok=True)
    with open(WRAP, "w") as f:
        f.write("#!/bin/sh\nexec %s --disable-features=SpareRendererForSitePerProcess"
                ",BackForwardCache \"$@\"\n" % os.environ.get("CHROMIUM", "/usr/bin/chromium"))
    os.chmod(WRAP, 0o755)
    cdp.CHROMIUM = WRAP


def status_kib(pid, key):
    try:
        for line in open("/proc/%d/status" % pid):
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def smaps_kib(pid):
    """(PSS, USS) of PID in KiB: USS = its private pages only."""
    pss = uss = 0
    try:
        for line in open("/proc/%d/smaps_rollup" % pid):
            k = line.split(":")[0]
            if k == "Pss":
                pss = int(line.split()[1])
            elif k in ("Private_Clean", "Private_Dirty"):
                uss += int(line.split()[1])
    except OSError:
        pass
    return pss, uss


def renderers(root):
    """PIDs of the renderer processes under ROOT (Chromium's browser)."""
    kids, out = {}, []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            st = open("/proc/%s/stat" % d).read()
            ppid = int(st[st.rindex(")") + 2:].split()[1])
            cmd = open("/proc/%s/cmdline" % d, "rb").read()
        except OSError:
            continue
        kids.setdefault(ppid, []).append((int(d), cmd))
    todo = [root]
    while todo:
        p = todo.pop()
        for pid, cmd in kids.get(p, []):
            todo.append(pid)
            if b"--type=renderer" in cmd:
                out.append(pid)
    return out


def tab_mem(b):
    """{tab: RSS MiB, tab_pss, tab_uss, procs} over the browser's renderers."""
    pids = renderers(b.proc.pid)
    sm = [smaps_kib(p) for p in pids]
    return {"tab": sum(status_kib(p, "VmRSS") for p in pids) / 1024.0,
            "tab_pss": sum(x[0] for x in sm) / 1024.0, "tab_uss": sum(x[1] for x in sm) / 1024.0,
            "procs": len(pids)}


class Sampler(threading.Thread):
    """The peak of the tab's RSS, sampled every 50 ms."""

    def __init__(self, b):
        super().__init__(daemon=True)
        self.b, self.peak, self.peak_uss, self.stop = b, 0.0, 0.0, False

    def run(self):
        while not self.stop:
            m = tab_mem(self.b)
            self.peak = max(self.peak, m["tab"])
            self.peak_uss = max(self.peak_uss, m["tab_uss"])
            time.sleep(0.05)

    def end(self):
        self.stop = True
        self.join()
        return self.peak


def fresh_browser():
    """A Chromium with one tab (the one it starts with), attached."""
    b = cdp.Browser()
    tid = None
    for t in b.call("Target.getTargets")["targetInfos"]:
        if t["type"] == "page":
            if tid is None:
                tid = t["targetId"]
            else:
                b.call("Target.closeTarget", targetId=t["targetId"])
    sid = b.call("Target.attachToTarget", targetId=tid, flatten=True)["sessionId"]
    return b, cdp.Page(b, sid, 1280, 800)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, proc=None):
    for _ in range(400):
        try:
            socket.create_connection(("127.0.0.1", port), 0.1).close()
            return
        except OSError:
            if proc is not None and proc.poll() is not None:
                raise RuntimeError("the server exited")
            time.sleep(0.05)
    raise RuntimeError("nothing listens on port %d" % port)


def entries(smz, path):
    """(name, main page, last HTML page but the main one, 20 HTML pages
    spread evenly)."""
    out = subprocess.run([smz, "ls", path, "--long"], capture_output=True, text=True).stdout
    pages = [ln.split("\t")[0] for ln in out.splitlines() if "\ttext/html" in ln]
    info = subprocess.run([smz, "info", path, "--json"], capture_output=True, text=True).stdout
    meta = json.loads(info).get("metadata", {})
    main = meta.get("MainPage") or (pages[0] if pages else "")
    # The last page in the listing other than the main page (gen-100k's
    # main page, index.html, sorts last).
    rest = [x for x in pages if x != main]
    far = rest[-1] if rest else main
    name = meta.get("Name") or os.path.basename(path)[:-4]
    step = max(1, len(pages) // 20)
    spread = pages[step // 2::step][:20]
    return name, main, far, spread


def q(path):
    return urllib.parse.quote(path, safe="/")


# ------------------------------------------------------------------- serve

def serve_nav(p, url, timeout=120):
    """Loads URL; ms from the navigation's start to its loadEventEnd."""
    p.goto(url, timeout)
    nav = p.eval("JSON.stringify(performance.getEntriesByType('navigation')[0])")
    return json.loads(nav)["loadEventEnd"]


class Serve:
    def __init__(self, smz, path):
        self.port = free_port()
        self.proc = subprocess.Popen([smz, "serve", path, "--port", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_port(self.port, self.proc)
        self.base = "http://127.0.0.1:%d" % self.port

    def mem(self):
        return (status_kib(self.proc.pid, "VmRSS") / 1024.0,
                status_kib(self.proc.pid, "VmHWM") / 1024.0)

    def close(self):
        self.proc.terminate()
        self.proc.wait()


def serve_page(p, srv):
    p.call("Network.enable")
    p.call("Network.setCacheDisabled", cacheDisabled=True)


def one_serve(smz, c):
    b, p = fresh_browser()
    srv = None
    try:
        # "start": from starting smz serve to its main page loaded (wall
        # clock), the nearest thing to the reader's pick-to-main-page.
        t0 = time.time()
        srv = Serve(smz, c["path"])
        serve_page(p, srv)
        first = serve_nav(p, srv.base + "/content/%s/" % c["name"])
        r = {"start": (time.time() - t0) * 1000, "first": first,
             "search": serve_nav(p, srv.base + "/search?content=%s&pattern=%s"
                                 % (c["name"], urllib.parse.quote(c["query"]))),
             "cold": serve_nav(p, srv.base + "/content/%s/%s" % (c["name"], q(c["far"])))}
        time.sleep(0.3)
        r.update(tab_mem(b))
        r["server"], r["server_peak"] = srv.mem()
        return r
    finally:
        b.close()
        if srv:
            srv.close()


def browse_serve(smz, c, queries):
    srv = Serve(smz, c["path"])
    b, p = fresh_browser()
    s = Sampler(b)
    s.start()
    try:
        serve_page(p, srv)
        times = [serve_nav(p, srv.base + "/content/%s/" % c["name"])]
        for i, page in enumerate(c["spread"]):
            times.append(serve_nav(p, srv.base + "/content/%s/%s" % (c["name"], q(page))))
            if i % 4 == 3:
                times.append(serve_nav(p, srv.base + "/search?content=%s&pattern=%s"
                                       % (c["name"], urllib.parse.quote(queries[(i // 4) % len(queries)]))))
        time.sleep(0.3)
        r = {"peak_tab": s.end(), "peak_uss": s.peak_uss, "page_ms": statistics.median(times[1:]), "pages": len(times) - 1}
        r.update(tab_mem(b))
        r["server"], r["server_peak"] = srv.mem()
        return r
    finally:
        s.stop = True
        b.close()
        srv.close()


# ------------------------------------------------------------------ reader

BENCH_JS = r"""
(function () {
  var B = window.__bench = {t0: 0, loaded: null};
  function first() { if (!B.t0) B.t0 = performance.now(); }
  document.addEventListener('input', first, true);
  document.addEventListener('change', first, true);
  document.addEventListener('load', function (e) {
    if (e.target && e.target.id === 'smz-frame') B.loaded = e.target;
  }, true);
  /* Resolves when the page whose address starts with PREFIX is shown:
   * state() says so and is not busy, the frame shown has loaded, and one
   * animation frame has passed.  ms since T0 (default: the pick). */
  B.wait = function (prefix, t0, timeout) {
    return new Promise(function (res) {
      function tick() {
        var now = performance.now(), s = window.smzReader.state();
        var start = t0 || B.t0;
        if (s.opened && !B.opened && B.t0)
          B.opened = now - B.t0;
        if (s.shown && !s.busy && s.shown.indexOf(prefix) === 0 &&
            B.loaded && B.loaded === document.getElementById('smz-frame')) {
          requestAnimationFrame(function () {
            res({ms: performance.now() - start, opened: B.opened, shown: s.shown, title: document.title});
          });
          return;
        }
        if (start && now - start > timeout)
          return res({ms: -1, shown: s.shown, busy: s.busy, title: document.title});
        setTimeout(tick, 2);
      }
      tick();
    });
  };
  /* What-if (--nolib): the library page request app.js makes right after
   * opening (learnNames) is answered at once with an empty page instead of
   * going to the worker, which would first read the whole archive for the
   * library's statistics (see the results file). */
  B.noLibrary = function () {
    var W = window.Worker;
    window.Worker = function (u) {
      var w = new W(u), send = w.postMessage.bind(w);
      w.postMessage = function (m, tr) {
        if (m && m.t === 'req' && m.target === '/' && !B.libHeld) {
          B.libHeld = true;
          setTimeout(function () {
            w.onmessage({data: {t: 'resp', id: m.id, status: 200,
                                headers: {'content-type': 'text/html'}, body: new ArrayBuffer(0)}});
          }, 0);
          return;
        }
        return send(m, tr);
      };
      return w;
    };
  };
  B.nav = function (target, prefix, timeout) {
    var t0 = performance.now();
    location.hash = '#' + target;
    return B.wait(prefix || target, t0, timeout);
  };
})();
"""


def reader_open(p, html, c, timeout=None):
    """Opens smz-reader.html#/content/NAME/, picks the archive; ms to the
    main page shown."""
    timeout = timeout or c.get("timeout", 120)
    p.goto("file://" + os.path.abspath(html) + "#/content/%s/" % c["name"], 60)
    p.eval(BENCH_JS)
    if c.get("nolib"):
        p.eval("window.__bench.noLibrary()")
    reader_lib.pick(p, [os.path.abspath(c["path"])])
    r = p.b.call("Runtime.evaluate", session=p.sid, timeout=timeout + 10, returnByValue=True,
                 awaitPromise=True,
                 expression="window.__bench.wait('/content/%s/', 0, %d)" % (c["name"], timeout * 1000))
    v = r["result"]["value"]
    if v["ms"] < 0:
        raise RuntimeError("the reader showed no main page for %s: %r" % (c["path"], v))
    if v.get("title", "").startswith("Error"):
        # The reader's error page (e.g. its worker stopped after 30 s):
        # no figure, but the round goes on (the reader reopens the archive).
        return None, v.get("opened"), "error page after %.0f ms" % v["ms"]
    return v["ms"], v.get("opened"), None


def reader_nav(p, target, prefix=None, timeout=120):
    r = p.b.call("Runtime.evaluate", session=p.sid, timeout=timeout + 10, returnByValue=True,
                 awaitPromise=True, expression="window.__bench.nav(%s, %s, %d)" % (
                     json.dumps(target), json.dumps(prefix or target), timeout * 1000))
    v = r["result"]["value"]
    if v["ms"] < 0 or v.get("title", "").startswith("Error"):
        raise RuntimeError("the reader did not show %s: %r" % (target, v))
    return v["ms"]


def one_reader(html, c):
    b, p = fresh_browser()
    try:
        p.goto("about:blank")
        time.sleep(0.3)
        idle = tab_mem(b)["tab_uss"]
        first, opened, err = reader_open(p, html, c)
        r = {"first": first, "open": opened, "blank_uss": idle,
             "search": reader_nav(p, "/search?content=%s&pattern=%s"
                                  % (c["name"], urllib.parse.quote(c["query"])), "/search"),
             "cold": reader_nav(p, "/content/%s/%s" % (c["name"], q(c["far"])))}
        time.sleep(0.3)
        r.update(tab_mem(b))
        if err:
            r["first_error"] = err
        return r
    finally:
        b.close()


def browse_reader(html, c, queries):
    b, p = fresh_browser()
    s = Sampler(b)
    s.start()
    try:
        if reader_open(p, html, c)[2]:
            raise RuntimeError("the reader showed an error page for the main page")
        times = []
        for i, page in enumerate(c["spread"]):
            times.append(reader_nav(p, "/content/%s/%s" % (c["name"], q(page))))
            if i % 4 == 3:
                times.append(reader_nav(p, "/search?content=%s&pattern=%s"
                                        % (c["name"], urllib.parse.quote(queries[(i // 4) % len(queries)])),
                                        "/search"))
        time.sleep(0.3)
        r = {"peak_tab": s.end(), "peak_uss": s.peak_uss, "page_ms": statistics.median(times), "pages": len(times)}
        r.update(tab_mem(b))
        return r
    finally:
        s.stop = True
        b.close()


# ------------------------------------------------------------------- Kiwix

class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


class Static:
    """WWW served on 127.0.0.1 (a thread of this process)."""

    def __init__(self, www):
        self.httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), functools.partial(Quiet, directory=www))
        self.base = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


KIWIX_JS = r"""
(function () {
  var B = window.__bench = {t0: 0};
  function first() { if (!B.t0) B.t0 = performance.now(); }
  document.addEventListener('change', first, true);
  document.addEventListener('input', function (e) { if (e.target && e.target.type === 'file') first(); }, true);
  function doc() {
    var f = document.getElementById('articleContent');
    try { return f && f.contentDocument; } catch (e) { return null; }
  }
  /* The article whose document's title contains TITLE is loaded in the
   * article frame, one animation frame later. */
  B.article = function (title, t0, timeout) {
    return new Promise(function (res) {
      function tick() {
        var start = t0 || B.t0, d = doc();
        if (d && d.readyState === 'complete' && d.title.indexOf(title) >= 0 &&
            d.body && d.body.textContent.length > 200) {
          requestAnimationFrame(function () { res({ms: performance.now() - start, title: d.title}); });
          return;
        }
        if (start && performance.now() - start > timeout)
          return res({ms: -1, title: d ? d.title : null});
        setTimeout(tick, 2);
      }
      tick();
    });
  };
  /* Types QUERY into the search box; resolves when the list of titles
   * shows at least one result. */
  B.search = function (query, timeout) {
    var box = document.getElementById('prefix'), list = document.getElementById('articleList');
    list.innerHTML = '';
    var t0 = performance.now();
    box.focus();
    box.value = query;
    box.dispatchEvent(new Event('input', {bubbles: true}));
    box.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true, key: query.slice(-1)}));
    return new Promise(function (res) {
      function tick() {
        var n = list.querySelectorAll('a').length;
        if (n > 0)
          return requestAnimationFrame(function () { res({ms: performance.now() - t0, n: n}); });
        if (performance.now() - t0 > timeout)
          return res({ms: -1, n: 0});
        setTimeout(tick, 2);
      }
      tick();
    });
  };
})();
"""


def one_kiwix(www_base, zim, c, title):
    b, p = fresh_browser()
    try:
        # Restricted mode (no ServiceWorker): what works without installing
        # anything, and the mode whose frame the page fills itself, as ours.
        # Its legacy file input (as in Firefox): with showOpenFilePicker
        # present, Chromium's Kiwix JS opens a native picker on click and
        # ignores the input's files, which DevTools cannot answer.
        p.call("Page.addScriptToEvaluateOnNewDocument", source=(
            "try{Object.defineProperty(window,'showOpenFilePicker',{value:undefined,configurable:true});"
            "Object.defineProperty(window,'showDirectoryPicker',{value:undefined,configurable:true});}catch(e){}"))
        p.goto(www_base + "/www/index.html", 60)
        p.eval("localStorage.setItem('kiwixjs-contentInjectionMode', 'jquery');"
               "localStorage.setItem('kiwixjs-appIsFirstRun', 'false');")
        p.goto(www_base + "/www/index.html", 60)
        p.wait_for("!!document.getElementById('archiveFiles')", 30)
        time.sleep(1.0)  # its modules' start-up (not timed, as ours is not)
        p.eval(KIWIX_JS)
        reader_lib.pick(p, [os.path.abspath(zim)], "#archiveFiles")
        r = {}
        v = p.b.call("Runtime.evaluate", session=p.sid, timeout=130, returnByValue=True,
                     awaitPromise=True,
                     expression="window.__bench.article(%s, 0, 120000)" % json.dumps(title))["result"]["value"]
        if v["ms"] < 0:
            raise RuntimeError("Kiwix JS showed no main page: %r" % v)
        r["first"] = v["ms"]
        v = p.b.call("Runtime.evaluate", session=p.sid, timeout=70, returnByValue=True,
                     awaitPromise=True,
                     expression="window.__bench.search(%s, 60000)" % json.dumps(c["kiwix_query"]))["result"]["value"]
        r["search"] = v["ms"]
        r["search_n"] = v["n"]
        time.sleep(0.3)
        r.update(tab_mem(b))
        return r
    finally:
        b.close()


# ------------------------------------------------------------------ report

def fmt(vals, unit=""):
    vals = [v for v in vals if v is not None and v >= 0]
    if not vals:
        return "-"
    m = statistics.median(vals)
    return "%.0f%s (%.0f-%.0f)" % (m, unit, min(vals), max(vals))


def med(vals):
    vals = [v for v in vals if v is not None and v >= 0]
    return statistics.median(vals) if vals else None


def ratio(a, b):
    return "%.2f" % (a / b) if a and b else "-"


def report(label, res):
    """Prints LABEL's tables from RES: {kind: [raw measurement...]}."""
    for r in res["reader"] + res.get("reader-nolib", []):
        if r.get("open") is not None and r.get("first") is not None:
            r["main"] = r["first"] - r["open"]
    for r in res.get("serve", []):
        r["main"] = r["first"]
        r["first"] = r.get("start")
    cols = ("first", "main", "search", "cold", "tab_uss", "tab_pss", "tab")
    print("\n| %s | open + main page ms | main page ms | search ms | cold page ms | tab USS MiB | tab PSS MiB | tab RSS MiB | server RSS MiB |"
          % label)
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for kind in ("serve", "reader", "reader-nolib", "kiwix"):
        rs = res.get(kind)
        if not rs:
            continue
        print("| %s | %s | %s |" % (kind, " | ".join(fmt([r.get(k) for r in rs]) for k in cols),
                                    fmt([r.get("server") for r in rs]) if kind == "serve" else "-"))
    s, r = res.get("serve"), res.get("reader")
    if s and r:
        m = lambda rs, k: med([x.get(k) for x in rs])  # noqa: E731
        print("| reader / serve | %s | |" % " | ".join(ratio(m(r, k), m(s, k)) for k in cols))
    if res.get("reader-browse") or res.get("serve-browse"):
        print("\n| %s, 20 pages + 5 searches | tab peak USS MiB | tab peak RSS MiB | at the end: USS | PSS | RSS | page ms (median of 25) | server RSS MiB (peak) |" % label)
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for kind in ("serve-browse", "reader-browse"):
            rs = res.get(kind)
            if not rs:
                continue
            col = lambda k, rs=rs: fmt([r.get(k) for r in rs])  # noqa: E731
            print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                kind.split("-")[0], col("peak_uss"), col("peak_tab"), col("tab_uss"), col("tab_pss"),
                col("tab"), col("page_ms"),
                "%s (%s)" % (col("server"), col("server_peak")) if kind == "serve-browse" else "-"))


def from_raw(path):
    """The tables again from a raw output file (its "raw" lines)."""
    res = {}
    for line in open(path):
        if line.startswith("raw "):
            r = json.loads(line[4:])
            if "error" not in r:
                res.setdefault(r["corpus"], {}).setdefault(r["kind"], []).append(r)
    for label, kinds in res.items():
        print("\n## " + label)
        report(label, kinds)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--smz", default="bin/smz")
    ap.add_argument("--html", default="build-wasm/smz-reader.html")
    ap.add_argument("--browse", action="append", default=[], help="LABEL: also 20 pages + 5 searches")
    ap.add_argument("--nolib", action="append", default=[],
                    help="LABEL: also the reader with its library request held back (what-if); "
                         "its browse rounds too")
    ap.add_argument("--browse-nolib", action="append", default=[],
                    help="LABEL: the reader's browse rounds with the library request held back")
    ap.add_argument("--timeout", type=int, default=120, help="seconds for one page in the reader")
    ap.add_argument("--queries", default="bench/queries", help="folder of LABEL.txt query files")
    ap.add_argument("--kiwix", help="a kiwix-js work tree with node_modules installed")
    ap.add_argument("--zim", action="append", default=[], help="LABEL=FILE.zim for Kiwix JS")
    ap.add_argument("--kiwix-title", default="PostgreSQL", help="text in the ZIM main page's title")
    ap.add_argument("corpora", nargs="+", help="LABEL=ARCHIVE:QUERY (or: --tables RAW.txt)")
    if len(sys.argv) == 3 and sys.argv[1] == "--tables":
        return from_raw(sys.argv[2])
    a = ap.parse_args()
    chromium_wrapper()
    ver = subprocess.run([cdp.CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    print("# %s; smz-reader.html: %d bytes; %d rounds; %s" % (
        ver, os.path.getsize(a.html), a.rounds, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())))
    zims = dict(z.split("=", 1) for z in a.zim)
    static = Static(a.kiwix) if a.kiwix and zims else None
    try:
        for spec in a.corpora:
            label, rest = spec.split("=", 1)
            path, query = rest.rsplit(":", 1)
            name, main_page, far, spread = entries(a.smz, path)
            c = {"label": label, "path": path, "query": query, "name": name, "far": far,
                 "spread": spread, "timeout": a.timeout, "kiwix_query": query[:1].upper() + query[1:]}
            qfile = os.path.join(a.queries, label.split("-")[0] + ".txt")
            queries = [ln.strip() for ln in open(qfile) if ln.strip()][:5] if os.path.exists(qfile) else [query]
            kinds = [("serve", lambda: one_serve(a.smz, c)), ("reader", lambda: one_reader(a.html, c))]
            cn = dict(c, nolib=True)
            if label in a.nolib:
                kinds.append(("reader-nolib", lambda: one_reader(a.html, cn)))
            if label in a.browse:
                kinds += [("serve-browse", lambda: browse_serve(a.smz, c, queries)),
                          ("reader-browse", lambda: browse_reader(a.html, cn if label in a.browse_nolib else c,
                                                                  queries))]
            if static and label in zims:
                kinds.append(("kiwix", lambda: one_kiwix(static.base, zims[label], c, a.kiwix_title)))
            res = {k: [] for k, _ in kinds}
            print("\n## %s: %s (%.1f MB), name %s, main page %s, query %r, cold page %s"
                  % (label, path, os.path.getsize(path) / 1e6, name, main_page, query, far))
            sys.stdout.flush()
            for i in range(a.rounds):
                order = kinds if i % 2 == 0 else kinds[::-1]
                for kind, fn in order:
                    try:
                        r = fn()
                    except Exception as e:  # noqa: BLE001 - a failed round is reported, not fatal
                        r = {"error": str(e)}
                    r.update(corpus=label, kind=kind, round=i)
                    print("raw " + json.dumps(r, sort_keys=True))
                    sys.stdout.flush()
                    if "error" not in r:
                        res[kind].append(r)
            report(label, res)
            sys.stdout.flush()
    finally:
        if static:
            static.close()


if __name__ == "__main__":
    main()
