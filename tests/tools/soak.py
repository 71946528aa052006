#!/usr/bin/env python3
"""make soak: smz serve under a bounded mixed load for N minutes, RSS sampled.

Usage: soak.py SMZ ARCHIVE OUT.tsv [--minutes 10] [--clients 16]

Starts `SMZ serve ARCHIVE` on a free 127.0.0.1 port (never another address),
sends pages, searches, suggestions and bad requests (unknown pages, bad
parameters, a foreign Host, a POST) from CLIENTS keep-alive clients until
the time is up or each client has sent its cap of requests, and writes
"seconds<TAB>rss_kib<TAB>requests" every 5 seconds to OUT.tsv.  Fails (exit
1) when RSS keeps growing: the median of the last quarter of the samples is
over the median of the second quarter by more than 10% plus 4 MiB (the
first quarter is warm-up: caches and the reader pool filling up), or when a
request gets an answer other than the one its kind expects.
"""
import argparse
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse

MAX_PER_CLIENT = 2_000_000  # a bound on count as well as on time


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("smz")
    ap.add_argument("archive")
    ap.add_argument("out")
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--clients", type=int, default=16)
    a = ap.parse_args()

    ls = subprocess.run([a.smz, "ls", a.archive], capture_output=True, text=True, check=True)
    paths = [p for p in ls.stdout.split("\n") if p.endswith((".html", ".htm"))] or \
        [p for p in ls.stdout.split("\n") if p]
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    srv = subprocess.Popen([a.smz, "serve", a.archive, "--address", "127.0.0.1", "--port", str(port)],
                           stdout=subprocess.PIPE, text=True)
    line = srv.stdout.readline()
    m = re.search(r"(http://\S+)", line)
    if not m:
        print("soak: the server did not start", file=sys.stderr)
        srv.kill()
        return 1
    base = urllib.parse.urlsplit(m.group(1))
    name = None
    stop = threading.Event()
    count = [0]
    errors = []
    lock = threading.Lock()
    words = ["select", "create index", "vacuum", "foreign key", "trigger", "json", "zzzzqq", "the"]

    # The archive's URL name, from the library page's first /content/ link.
    c = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
    c.request("GET", base.path)
    body = c.getresponse().read().decode("utf-8", "replace")
    c.close()
    m = re.search(r'href="[^"]*/content/([A-Za-z0-9._-]+)/"', body)
    if not m:
        print("soak: no archive on the library page", file=sys.stderr)
        srv.kill()
        return 1
    name = m.group(1)
    root = base.path.rstrip("/")

    def client(k):
        conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
        for i in range(MAX_PER_CLIENT):
            if stop.is_set():
                break
            n = k * 7919 + i
            kind = n % 20
            method, headers, want = "GET", {}, (200,)
            w = words[n % len(words)]
            if kind < 12:
                url = "%s/content/%s/%s" % (root, name, urllib.parse.quote(paths[n % len(paths)]))
            elif kind < 15:
                url = "%s/search?content=%s&pattern=%s&start=%d" % (root, name, urllib.parse.quote(w), n % 40)
            elif kind < 17:
                url = "%s/suggest?content=%s&term=%s" % (root, name, urllib.parse.quote(w[: 1 + n % 4]))
            elif kind == 17:
                url, want = "%s/content/%s/no-such-%d.html" % (root, name, n), (404,)
            elif kind == 18:
                url, want = "%s/search?content=%s&pattern=%%00x" % (root, name), (400,)
                headers = {"Host": "evil.example"} if n % 2 else {}
                want = (403,) if n % 2 else (400,)
            else:
                method, url, want = "POST", "%s/search" % root, (405,)
            try:
                conn.request(method, url, body=b"x" if method == "POST" else None, headers=headers)
                r = conn.getresponse()
                r.read()
                if r.status not in want:
                    with lock:
                        errors.append("%s %s: %d" % (method, url, r.status))
                if r.will_close:
                    conn.close()
                    conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
            except (OSError, http.client.HTTPException) as e:
                with lock:
                    errors.append("%s %s: %s" % (method, url, e))
                conn.close()
                conn = http.client.HTTPConnection(base.hostname, base.port, timeout=30)
            with lock:
                count[0] += 1
        conn.close()

    ts = [threading.Thread(target=client, args=(k,)) for k in range(a.clients)]
    t0 = time.monotonic()
    for t in ts:
        t.start()
    samples = []
    with open(a.out, "w") as out:
        out.write("seconds\trss_kib\trequests\n")
        while time.monotonic() - t0 < a.minutes * 60 and srv.poll() is None:
            time.sleep(5)
            r = rss_kib(srv.pid)
            with lock:
                n = count[0]
            t = time.monotonic() - t0
            samples.append(r)
            out.write("%.0f\t%d\t%d\n" % (t, r, n))
            out.flush()
    stop.set()
    for t in ts:
        t.join()
    alive = srv.poll() is None
    srv.send_signal(signal.SIGTERM)
    try:
        srv.wait(30)
    except subprocess.TimeoutExpired:
        srv.kill()
    q = max(1, len(samples) // 4)
    mid, last = median(samples[q:2 * q]), median(samples[-q:])
    print("soak: %d requests in %.0f s, %d samples in %s; RSS median %d KiB (second quarter) -> %d KiB "
          "(last quarter), max %d KiB" % (count[0], time.monotonic() - t0, len(samples), a.out, mid, last,
                                          max(samples or [0])))
    rc = 0
    if not alive:
        print("soak: FAIL: the server died", file=sys.stderr)
        rc = 1
    if errors:
        print("soak: FAIL: %d unexpected answers, e.g.\n  %s" % (len(errors), "\n  ".join(errors[:5])),
              file=sys.stderr)
        rc = 1
    if len(samples) >= 8 and last > mid * 1.10 + 4096:
        print("soak: FAIL: RSS keeps growing (%d -> %d KiB)" % (mid, last), file=sys.stderr)
        rc = 1
    if rc == 0:
        print("soak: ok")
    return rc


if __name__ == "__main__":
    sys.exit(main())
