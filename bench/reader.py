#!/usr/bin/env python3
"""The browser reader beside smz serve, in one headless Chromium, on the same
archives, rounds alternating: time from picking the file to the main page
shown, to a search result, to a page in a cluster not read yet, and the
tab's memory (resident set of Chromium's renderer processes: the page, its
worker with the WebAssembly heap, the sandboxed frame).  For smz serve the
same pages are loaded by address (cache off, a fresh server each round);
its own RSS is reported too.  Not a test: figures, medians of ROUNDS.

  bench/reader.py --rounds 5 pgdoc=bench/work/pgdoc.smz:'select join' ...
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "browser"))
from cdp import Browser  # noqa: E402
import reader_lib  # noqa: E402


def rss_kib(pid):
    try:
        for line in open("/proc/%d/status" % pid):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


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


def tab_mib(b):
    return sum(rss_kib(p) for p in renderers(b.proc.pid)) / 1024.0


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def entries(smz, path):
    """(main page path, a page far from it) from smz ls --long."""
    out = subprocess.run([smz, "ls", path, "--long"], capture_output=True, text=True).stdout
    pages = [ln.split("\t")[0] for ln in out.splitlines() if "\ttext/html" in ln]
    info = subprocess.run([smz, "info", path, "--json"], capture_output=True, text=True).stdout
    meta = json.loads(info).get("metadata", {})
    main = meta.get("MainPage") or (pages[0] if pages else "")
    far = pages[-1] if pages else main
    # The name in URLs: the Name metadata (alone in the library, it is
    # never disputed), else the file name's stem.
    name = meta.get("Name") or os.path.basename(path)[:-4]
    return name, main, far


def wait_load(p, timeout=60):
    p.wait_event("Page.loadEventFired", timeout)


def one_serve(b, smz, name, path, query, far):
    port = free_port()
    srv = subprocess.Popen([smz, "serve", path, "--port", str(port)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = "http://127.0.0.1:%d" % port
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), 0.1).close()
            break
        except OSError:
            time.sleep(0.05)
    p = b.new_page()
    p.call("Network.enable")
    p.call("Network.setCacheDisabled", cacheDisabled=True)
    r = {}
    t = time.time()
    p.goto(base + "/content/%s/" % name, 60)
    r["first"] = time.time() - t
    t = time.time()
    p.goto(base + "/search?content=%s&pattern=%s" % (name, urllib.parse.quote(query)), 60)
    r["search"] = time.time() - t
    t = time.time()
    p.goto(base + "/content/%s/%s" % (name, urllib.parse.quote(far)), 60)
    r["cold"] = time.time() - t
    r["tab"] = tab_mib(b)
    r["server"] = rss_kib(srv.pid) / 1024.0
    b.call("Target.closeTarget", targetId=p.call("Target.getTargetInfo")["targetInfo"]["targetId"])
    srv.terminate()
    srv.wait()
    return r


def one_reader(b, html, name, path, query, far):
    p = b.new_page()
    p.goto("file://" + os.path.abspath(html), 60)
    r = {}
    t = time.time()
    reader_lib.pick(p, [os.path.abspath(path)])
    if not reader_lib.wait_shown(p, timeout=120):
        raise RuntimeError("the reader showed nothing for " + path)
    reader_lib.go(p, "/content/%s/" % name)
    if not reader_lib.wait_shown(p, lambda a: a.startswith("/content/"), 120):
        raise RuntimeError("no main page for " + path)
    r["first"] = time.time() - t
    t = time.time()
    reader_lib.go(p, "/search?content=%s&pattern=%s" % (name, urllib.parse.quote(query)))
    if not reader_lib.wait_shown(p, lambda a: a.startswith("/search"), 120):
        raise RuntimeError("no search page for " + path)
    r["search"] = time.time() - t
    t = time.time()
    target = "/content/%s/%s" % (name, urllib.parse.quote(far))
    reader_lib.go(p, target)
    if not reader_lib.wait_shown(p, lambda a: a != "/search" and not a.startswith("/search"), 120):
        raise RuntimeError("no far page for " + path)
    r["cold"] = time.time() - t
    r["tab"] = tab_mib(b)
    b.call("Target.closeTarget", targetId=p.call("Target.getTargetInfo")["targetInfo"]["targetId"])
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--smz", default="bin/smz")
    ap.add_argument("--html", default="build-wasm/smz-reader.html")
    ap.add_argument("corpora", nargs="+", help="NAME=ARCHIVE:QUERY")
    a = ap.parse_args()
    print("smz-reader.html: %d bytes" % os.path.getsize(a.html))
    with Browser() as b:
        for spec in a.corpora:
            label, rest = spec.split("=", 1)
            path, query = rest.split(":", 1)
            name, main_page, far = entries(a.smz, path)
            res = {"serve": [], "reader": []}
            for i in range(a.rounds):
                order = [("serve", one_serve), ("reader", one_reader)]
                if i % 2:
                    order.reverse()
                for kind, fn in order:
                    arg = a.smz if kind == "serve" else a.html
                    res[kind].append(fn(b, arg, name, path, query, far))
            size = os.path.getsize(path) / 1e6
            print("\n%s (%.0f MB, query %r, far page %s)" % (label, size, query, far))
            print("%-8s %12s %12s %12s %10s %10s" % ("", "first page", "search", "cold page",
                                                     "tab MiB", "server MiB"))
            for kind in ("serve", "reader"):
                rs = res[kind]
                med = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
                print("%-8s %10.0f ms %10.0f ms %10.0f ms %10.0f %10s" % (
                    kind, med["first"] * 1000, med["search"] * 1000, med["cold"] * 1000, med["tab"],
                    "%.0f" % med["server"] if "server" in med else "-"))
            sys.stdout.flush()


if __name__ == "__main__":
    main()
