#!/usr/bin/env python3
"""Measurement helpers for bench/run.sh (python3 standard library only).

  util.py freeport                      a free TCP port on 127.0.0.1
  util.py sample N SEED [FILTER]        N paths picked at random (seeded) from stdin;
                                        FILTER: "any" (default) or "html"; paths with
                                        characters a URL or a command line would need
                                        to escape are left out
  util.py cmdlat RAW RUNS WARMUP [-i] -- ARGV...
                                        runs ARGV once per line of stdin ({} in ARGV is
                                        replaced by the line) under hyperfine -N, RUNS
                                        times each after WARMUP; prints p50_ms, p95_ms
                                        and n over all runs of all commands; -i: a
                                        non-zero exit status is not a failure
  util.py wait URL TIMEOUT              waits until URL answers 200
  util.py startup URL TIMEOUT -- ARGV...
                                        starts ARGV, times until URL answers 200, prints
                                        startup_ms and rss_kb, then stops it
  util.py rss PID                       resident memory of PID and its children, kB
  util.py wrk FILE                      requests/s, p99 (ms), non-2xx count of a wrk
                                        --latency output
  util.py png48 PATH                    writes a 48x48 PNG
  util.py httplat URL RUNS WARMUP       GETs URL once per line of stdin ({} in URL is
                                        replaced by the line, URL-encoded), RUNS times
                                        each after WARMUP, on one keep-alive connection;
                                        prints p50_ms, p95_ms, n and non200 (answers
                                        other than 200, which are timed all the same)
  util.py truth DIR WORDS               brute force: for each word of the file WORDS,
                                        the HTML pages under DIR whose text (tags
                                        stripped, entities decoded, white space
                                        collapsed) contains it; "WORD<TAB>PATH" lines
  util.py recall TRUTH HITS             compares a tool's "WORD<TAB>PATH" hits with the
                                        truth; prints recall (found / true pairs),
                                        macro_recall (mean over words), precision,
                                        words_full (words all of whose pages were
                                        found) and words; per-word lines to stderr
"""
import json
import os
import random
import re
import shlex
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import html.parser
import http.client
import urllib.error
import urllib.parse
import urllib.request
import zlib


def write_png48(path):
    """A 48x48 RGB PNG: zimwriterfs and smz-pack both want an illustration."""
    w = h = 48
    raw = b"".join(b"\0" + b"".join(bytes(((x * 5) % 256, (y * 5) % 256, 160)) for x in range(w))
                   for y in range(h))

    def chunk(tag, data):
        return (struct.pack(">I", len(data)) + tag + data
                + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF))

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n"
                + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def percentile(values, p):
    """Linear-interpolated percentile (p in 0..100) of a non-empty list."""
    v = sorted(values)
    k = (len(v) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (k - lo)


def freeport():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


SAFE = re.compile(r"^[A-Za-z0-9._/+-]+$")


def sample(n, seed, filt="any"):
    paths = sorted({line.rstrip("\n") for line in sys.stdin if line.strip()})
    paths = [p for p in paths if SAFE.match(p) and not p.startswith("-")]
    if filt == "html":
        paths = [p for p in paths if p.endswith((".html", ".htm"))]
    rng = random.Random(seed)
    for p in rng.sample(paths, min(n, len(paths))):
        print(p)


def cmdlat(raw, runs, warmup, argv, ignore=False):
    items = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    cmds = [" ".join(shlex.quote(a.replace("{}", it)) for a in argv) for it in items]
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tf:
        js = tf.name
    try:
        with open(raw, "a") as log:
            log.write("$ hyperfine -N --runs %d --warmup %d  (%d commands, e.g. %s)\n"
                      % (runs, warmup, len(cmds), cmds[0]))
            log.flush()
            rc = subprocess.call(["hyperfine", "-N", "--style", "basic", "--runs", str(runs),
                                  "--warmup", str(warmup), "--export-json", js]
                                 + (["-i"] if ignore else []) + cmds,
                                 stdout=log, stderr=log)
        if rc != 0:
            return rc
        with open(js) as f:
            times = [t * 1000.0 for r in json.load(f)["results"] for t in r["times"]]
    finally:
        os.unlink(js)
    print("p50_ms %.3f\np95_ms %.3f\nn %d" % (percentile(times, 50), percentile(times, 95), len(times)))
    return 0


def http_ok(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            r.read()
            return r.status == 200
    except (urllib.error.URLError, OSError):
        return False


def wait(url, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if http_ok(url):
            return 0
        time.sleep(0.05)
    print("util.py wait: %s did not answer 200 within %gs" % (url, timeout), file=sys.stderr)
    return 1


def rss_kb(pid):
    """VmRSS of PID plus that of all its descendants (nginx has workers)."""
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(d))
            except (OSError, ValueError, IndexError):
                pass
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            with open("/proc/%d/status" % p) as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total


def startup(url, timeout, argv):
    t0 = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ok = False
    try:
        while time.monotonic() - t0 < timeout and proc.poll() is None:
            if http_ok(url):
                ok = True
                break
            time.sleep(0.002)
        ms = (time.monotonic() - t0) * 1000.0
        rss = rss_kb(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if not ok:
        print("util.py startup: %s never answered 200" % url, file=sys.stderr)
        return 1
    print("startup_ms %.1f\nrss_kb %d" % (ms, rss))
    return 0


def wrk(path):
    text = open(path).read()
    unit = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60000.0}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", text)
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    errs = re.search(r"Socket errors:.*", text)
    if not rps or not p99:
        print("util.py wrk: cannot parse %s" % path, file=sys.stderr)
        return 1
    done = re.search(r"(\d+) requests in", text)
    timeouts = re.search(r"timeout (\d+)", text)
    if done and timeouts and int(timeouts.group(1)) >= int(done.group(1)):
        print("util.py wrk: every request timed out in %s" % path, file=sys.stderr)
        return 1
    print("rps %s\np99_ms %.3f\nnon2xx %s\nerrors %s" % (
        rps.group(1), float(p99.group(1)) * unit[p99.group(2)], bad.group(1) if bad else 0,
        "1" if errs else "0"))
    return 0


def httplat(url, runs, warmup):
    items = [line.rstrip("\n") for line in sys.stdin if line.strip()]
    u = urllib.parse.urlsplit(url.replace("{}", "QUERY"))
    conn = [None]

    def get(target):
        for attempt in (0, 1):
            if conn[0] is None:
                conn[0] = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
            try:
                conn[0].request("GET", target)
                r = conn[0].getresponse()
                r.read()
                if r.getheader("Connection", "").lower() == "close":
                    conn[0].close()
                    conn[0] = None
                return r.status
            except (http.client.HTTPException, OSError):
                conn[0].close()
                conn[0] = None
                if attempt:
                    raise
        return 0

    times, bad = [], 0
    for it in items:
        target = url.replace("{}", urllib.parse.quote(it, safe=""))
        target = target[target.index("/", target.index("//") + 2):]
        for _ in range(warmup):
            get(target)
        for _ in range(runs):
            t0 = time.perf_counter()
            st = get(target)
            times.append((time.perf_counter() - t0) * 1000.0)
            bad += st != 200
    print("p50_ms %.3f\np95_ms %.3f\nn %d\nnon200 %d" % (percentile(times, 50), percentile(times, 95),
                                                          len(times), bad))
    return 0


class _Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style") and self.skip > 0

    def handle_data(self, d):
        if not self.skip:
            self.parts.append(d)


def truth(top, words_file):
    words = [w.strip() for w in open(words_file, encoding="utf-8") if w.strip()]
    for root, dirs, files in os.walk(top):
        dirs.sort()
        for f in sorted(files):
            if not f.endswith((".html", ".htm")):
                continue
            p = os.path.join(root, f)
            t = _Text()
            t.feed(open(p, encoding="utf-8", errors="replace").read())
            text = re.sub(r"\s+", " ", " ".join(t.parts))
            rel = os.path.relpath(p, top)
            for w in words:
                if w in text:
                    print("%s\t%s" % (w, rel))


def recall(truth_file, hits_file):
    def load(path):
        d = {}
        for line in open(path, encoding="utf-8"):
            w, _, p = line.rstrip("\n").partition("\t")
            if p:
                d.setdefault(w, set()).add(p)
        return d

    tr, hi = load(truth_file), load(hits_file)
    found = true = hits = good = full = 0
    per = []
    bylen = {}
    for w in sorted(tr, key=lambda w: (len(w), w)):
        t, h = tr[w], hi.get(w, set())
        f = len(t & h)
        found += f
        true += len(t)
        hits += len(h)
        good += f
        full += f == len(t)
        per.append(f / len(t))
        bl = bylen.setdefault(min(len(w), 4), [0, 0])
        bl[0] += f
        bl[1] += len(t)
        print("%s\t%d chars\ttrue %d\tfound %d\thits %d\trecall %.3f" % (w, len(w), len(t), f, len(h), f / len(t)),
              file=sys.stderr)
    if not true:
        print("util.py recall: empty truth", file=sys.stderr)
        return 1
    print("recall %.4f\nmacro_recall %.4f\nprecision %s\nwords_full %d\nwords %d" % (
        found / true, sum(per) / len(per), "%.4f" % (good / hits) if hits else "NA", full, len(per)))
    for n in sorted(bylen):
        print("recall_len%d %.4f" % (n, bylen[n][0] / bylen[n][1]))
    return 0


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[1], argv[2:]
    if cmd == "freeport":
        print(freeport())
    elif cmd == "sample":
        sample(int(args[0]), int(args[1]), args[2] if len(args) > 2 else "any")
    elif cmd == "cmdlat":
        ignore = args[3] == "-i"
        return cmdlat(args[0], int(args[1]), int(args[2]), args[5 if ignore else 4:], ignore)
    elif cmd == "wait":
        return wait(args[0], float(args[1]))
    elif cmd == "startup":
        return startup(args[0], float(args[1]), args[3:])
    elif cmd == "rss":
        print(rss_kb(int(args[0])))
    elif cmd == "wrk":
        return wrk(args[0])
    elif cmd == "png48":
        write_png48(args[0])
    elif cmd == "httplat":
        return httplat(args[0], int(args[1]), int(args[2]))
    elif cmd == "truth":
        truth(args[0], args[1])
    elif cmd == "recall":
        return recall(args[0], args[1])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
