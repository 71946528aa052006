#!/usr/bin/env python3
"""make soak: one `smz serve` of several archives under a bounded wrk load, RSS sampled.

Usage: soak.py --smz BIN --lua soak.lua --archive NAME=FILE... --tsv OUT.tsv
               --report OUT.md [--queries DIR] [--minutes 10] [--connections 64]
               [--threads 2] [--pages 200]

1. Prepares the requests: for each archive, up to --pages HTML pages picked at
   random (fixed seed) from `smz ls --long` (redirects left out), its search
   queries and suggestion prefixes (DIR/NAME.txt and DIR/NAME-suggest.txt when
   present, else words of the archive's own titles).  Every block of 20
   requests is 16 pages, 2 searches (`/search?content=NAME&pattern=Q`, every
   other one with `&format=json`, some with `&start=10`) and 2 suggestions
   (`/suggest?content=NAME&term=P`), the archive changing from one request to
   the next.  The list goes to OUT.tsv's folder as soak-paths.txt.
2. Starts ONE `smz serve FILE... --port 0 --address 127.0.0.1` (the server
   picks a free port and prints it; never another address), waits until it
   answers, then asks for every distinct request of the list once: each must
   answer 2xx, so that a wrong list fails here, by name, not as a count later.
   This is also the warm-up.
3. Runs `wrk -tT -cC -dMm --latency -s soak.lua URL -- LIST` and samples the
   server's VmRSS every 5 s into OUT.tsv ("seconds<TAB>rss_kib"; second 0 is
   just before wrk starts).  wrk's output goes to soak-wrk.txt, the server's
   to soak-server.log, beside OUT.tsv.
4. Stops the server by its PID (SIGTERM, then SIGKILL after 30 s; never by
   name) and writes the Markdown report: requests, requests/s, latency
   p50/p90/p99, errors, the RSS curve a line a minute, and the verdict.

It fails (exit 1) on any error: an answer that is not 2xx (soak.lua's count
and wrk's "Non-2xx or 3xx responses"), any socket error (connect, read,
write or timeout: wrk's default 2 s timeout counts), the server dying or not
stopping cleanly, or RSS growth.  The flatness rule: the median of the last
quarter of the samples over the median of the second quarter by more than
10% plus 4 MiB (the first quarter is warm-up: the cluster cache and the
reader pools filling).  Medians, not single samples, so that the sawtooth of
the 4 MiB cluster buffers coming and going does not decide; quarters of the
run, so that a 1-minute development run (SOAK_MINUTES=1, 13 samples) uses
the same rule.  Exit 2 when it cannot run (no wrk, no archive, the server
does not start), 130 on Ctrl-C (after stopping wrk and the server).
"""
import argparse
import http.client
import os
import random
import re
import signal
import subprocess
import sys
import time
import urllib.parse

SAMPLE_SECONDS = 5
QUERIES_PER_ARCHIVE = 40
TERMS_PER_ARCHIVE = 40
LIST_BLOCKS = 300  # 20 requests each: 6,000 lines


class Stop(Exception):
    """SIGINT, SIGTERM or SIGHUP: stop wrk and the server, then exit 130."""


def on_signal(signum, frame):
    raise Stop(signum)


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else 0


def read_lines(path):
    with open(path, encoding="utf-8") as f:
        return [l.strip() for l in f if l.strip() and not l.startswith("#")]


STOP_WORDS = set("""a an and are as at be by for from in into is it of on or that the this to with
documentation python chapter appendix part section""".split())


def from_titles(titles, rng):
    """Queries (single words, and two-word phrases in quotes) and 3-letter
    prefixes taken from an archive's own titles, for archives without a list."""
    words, phrases = {}, []
    for t in titles:
        ws = [w for w in re.findall(r"[^\W\d_]{3,}", t.lower())]
        for w in ws:
            if w not in STOP_WORDS and len(w) >= 4:
                words[w] = words.get(w, 0) + 1
        for a, b in zip(ws, ws[1:]):
            if a not in STOP_WORDS and b not in STOP_WORDS:
                phrases.append('"%s %s"' % (a, b))
    common = sorted(words, key=lambda w: (-words[w], w))
    queries = common[: QUERIES_PER_ARCHIVE * 3 // 4]
    queries += sorted(set(phrases))[: QUERIES_PER_ARCHIVE - len(queries)]
    terms = sorted({w[:3] for w in common})
    rng.shuffle(terms)
    return queries, terms[:TERMS_PER_ARCHIVE]


def prepare(smz, archives, queries_dir, pages, rng):
    """Per archive: (name, [page paths], [queries], [prefixes], entry count)."""
    out = []
    for name, path in archives:
        ls = subprocess.run([smz, "ls", path, "--long"], capture_output=True, text=True, check=True)
        html, titles, entries = [], [], 0
        for line in ls.stdout.split("\n"):
            f = line.split("\t")
            if len(f) < 4:
                continue
            entries += 1
            if f[1].split(";")[0] == "text/html":
                html.append(f[0])
                if f[3]:
                    titles.append(f[3])
        if not html:
            raise SystemExit("soak: %s has no HTML page" % path)
        picked = sorted(rng.sample(html, min(pages, len(html))))
        qf = os.path.join(queries_dir, name + ".txt") if queries_dir else ""
        sf = os.path.join(queries_dir, name + "-suggest.txt") if queries_dir else ""
        derived_q, derived_s = from_titles(titles, rng)
        queries = read_lines(qf)[:QUERIES_PER_ARCHIVE] if qf and os.path.isfile(qf) else derived_q
        terms = read_lines(sf)[:TERMS_PER_ARCHIVE] if sf and os.path.isfile(sf) else derived_s
        if not queries or not terms:
            raise SystemExit("soak: no queries or prefixes for %s" % name)
        out.append((name, picked, queries, terms, entries))
    return out


def request_list(prep):
    """The interleaved list: in each block of 20, 16 pages, 2 searches, 2 suggestions."""
    q = urllib.parse.quote
    lines = []
    nc = ns = nt = 0
    for b in range(LIST_BLOCKS):
        for k in range(20):
            if k in (5, 15):
                name, _, queries, _, _ = prep[ns % len(prep)]
                query = queries[(ns // len(prep)) % len(queries)]
                url = "/search?content=%s&pattern=%s" % (q(name), q(query, safe=""))
                if ns % 2:
                    url += "&format=json"
                if ns % 7 == 3:
                    url += "&start=10"
                ns += 1
            elif k in (10, 19):
                name, _, _, terms, _ = prep[nt % len(prep)]
                term = terms[(nt // len(prep)) % len(terms)]
                url = "/suggest?content=%s&term=%s" % (q(name), q(term, safe=""))
                nt += 1
            else:
                name, paths, _, _, _ = prep[nc % len(prep)]
                url = "/content/%s/%s" % (q(name), q(paths[(nc // len(prep)) % len(paths)]))
                nc += 1
            lines.append(url)
    return lines


def preflight(port, urls):
    """Every distinct request once, in order; returns the failures."""
    bad = []
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for url in urls:
        try:
            conn.request("GET", url)
            r = conn.getresponse()
            r.read()
            if not 200 <= r.status < 300:
                bad.append("%s: %d" % (url, r.status))
            if r.will_close:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        except (OSError, http.client.HTTPException) as e:
            bad.append("%s: %s" % (url, e))
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.close()
    return bad


def start_server(smz, files, log_path):
    """Starts the server in its own session (Ctrl-C does not reach it: we stop it)."""
    log = open(log_path, "w")
    srv = subprocess.Popen([smz, "serve"] + files + ["--port", "0", "--address", "127.0.0.1"],
                           stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                           start_new_session=True)
    log.close()
    deadline = time.monotonic() + 60
    port = None
    while time.monotonic() < deadline and srv.poll() is None:
        with open(log_path, encoding="utf-8", errors="replace") as f:
            m = re.search(r"http://127\.0\.0\.1:(\d+)/", f.read())
        if m:
            port = int(m.group(1))
            break
        time.sleep(0.1)
    while port and time.monotonic() < deadline and srv.poll() is None:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            c.request("GET", "/")
            r = c.getresponse()
            r.read()
            c.close()
            if r.status == 200:
                return srv, port
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    return srv, None


def stop_process(p, grace):
    """SIGTERM to this one PID, SIGKILL after GRACE seconds; its exit status."""
    if p is None:
        return None
    if p.poll() is None:
        try:
            p.send_signal(signal.SIGTERM)
            p.wait(grace)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    return p.returncode


def parse_wrk(text):
    """The figures of wrk's --latency output (and soak.lua's total line)."""
    w = {}
    m = re.search(r"^\s*(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read", text, re.M)
    if m:
        w["requests"], w["duration"], w["read"] = int(m.group(1)), m.group(2), m.group(3)
    m = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    if m:
        w["rps"] = float(m.group(1))
    m = re.search(r"^Transfer/sec:\s+(\S+)", text, re.M)
    if m:
        w["transfer"] = m.group(1)
    lat = re.search(r"Latency Distribution\s*\n((?:\s+\d+%\s+\S+\s*\n)+)", text)
    if lat:
        for p, v in re.findall(r"(\d+)%\s+(\S+)", lat.group(1)):
            w["p" + p] = v
    m = re.search(r"^\s*Latency\s+(\S+)\s+(\S+)\s+(\S+)", text, re.M)
    if m:
        w["lat_avg"], w["lat_stdev"], w["lat_max"] = m.groups()
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    w["socket"] = dict(zip(("connect", "read", "write", "timeout"), map(int, m.groups()))) if m else {}
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    w["non2xx3xx"] = int(m.group(1)) if m else 0
    m = re.search(r"^soak\.lua: total: (\d+) responses, (\d+) status>=400, (\d+) other non-2xx", text, re.M)
    if m:
        w["lua_responses"], w["lua_errors"], w["lua_other"] = map(int, m.groups())
    return w


def mib(kib):
    return "%.1f" % (kib / 1024.0)


def write_report(path, a, prep, sizes, cmd, w, samples, verdict, reasons, env):
    q = max(1, len(samples) // 4)
    rss = [r for _, r in samples]
    mid, last = median(rss[q:2 * q]), median(rss[-q:])
    limit = mid * 1.10 + 4096
    with open(path, "w") as f:
        f.write("# make soak: %s\n\n" % ("PASS" if verdict else "FAIL"))
        f.write("%s, commit %s; %s.\n\n" % (env["date"], env["commit"], env["machine"]))
        f.write("One `smz serve` of %d archives, %s minutes of `wrk` at %d connections "
                "(%d threads) from 127.0.0.1:\n\n" % (len(prep), a.minutes, a.connections, a.threads))
        f.write("```\n%s\n%s\n```\n\n" % (env["server_cmd"], cmd))
        f.write("| archive | entries | size | pages asked | queries | prefixes |\n")
        f.write("| --- | ---: | ---: | ---: | ---: | ---: |\n")
        for (name, pages, queries, terms, entries), size in zip(prep, sizes):
            f.write("| %s | %d | %s MiB | %d | %d | %d |\n" % (name, entries, mib(size / 1024), len(pages),
                                                             len(queries), len(terms)))
        f.write("\nThe requests: 80%% pages, 10%% searches (half with `&format=json`), 10%% suggestions, "
                "the archive changing at every request; every distinct one answered 2xx once before the "
                "run (warm-up).  Load average %s at the start, %s at the end (other jobs share the "
                "machine).\n\n" % (env["load0"], env["load1"]))
        f.write("## Results\n\n")
        s = w.get("socket", {})
        rows = [
            ("requests", "{:,}".format(w["requests"]) if "requests" in w else "?"),
            ("duration", w.get("duration", "?")),
            ("requests/s", "%.1f" % w["rps"] if "rps" in w else "?"),
            ("data read", "%s (%s/s)" % (w.get("read", "?"), w.get("transfer", "?"))),
            ("latency p50 / p90 / p99", "%s / %s / %s" % (w.get("p50", "?"), w.get("p90", "?"), w.get("p99", "?"))),
            ("latency mean, max", "%s, %s" % (w.get("lat_avg", "?"), w.get("lat_max", "?"))),
            ("answers >= 400 (soak.lua)", str(w.get("lua_errors", "?"))),
            ("other non-2xx answers (soak.lua)", str(w.get("lua_other", "?"))),
            ("wrk: non-2xx or 3xx responses", str(w.get("non2xx3xx", "?"))),
            ("wrk: socket errors", "connect %d, read %d, write %d, timeout %d" % tuple(
                s.get(k, 0) for k in ("connect", "read", "write", "timeout")) if s else "none"),
            ("server", env["server"]),
        ]
        f.write("| | |\n| --- | --- |\n")
        for k, v in rows:
            f.write("| %s | %s |\n" % (k, v))
        f.write("\n## RSS\n\n")
        f.write("VmRSS of the server every %d s (%d samples: `%s`); a line a minute, the sample nearest "
                "to the minute (minute 0: after the warm-up pass, before wrk).\n\n"
                % (SAMPLE_SECONDS, len(samples), os.path.basename(a.tsv)))
        f.write("| minute | RSS MiB |\n| ---: | ---: |\n")
        if samples:
            end = samples[-1][0]
            for m in range(0, int(end // 60) + 1):
                t, r = min(samples, key=lambda x: abs(x[0] - 60 * m))
                f.write("| %d | %s |\n" % (m, mib(r)))
            if end % 60 > SAMPLE_SECONDS:
                f.write("| %.1f (end) | %s |\n" % (end / 60.0, mib(samples[-1][1])))
            f.write("\nMin %s, max %s MiB.  Flatness: median of the last quarter %s MiB against "
                    "the second quarter's %s MiB; the limit (+10%% + 4 MiB) is %s MiB: %s.\n"
                    % (mib(min(rss)), mib(max(rss)), mib(last), mib(mid), mib(limit),
                       "flat" if len(samples) < 8 or last <= limit else "GROWING"))
        f.write("\n## Verdict\n\n%s\n" % ("PASS: no error, RSS flat." if verdict else
                                         "FAIL: " + "; ".join(reasons) + "."))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smz", required=True)
    ap.add_argument("--lua", required=True)
    ap.add_argument("--archive", action="append", required=True, metavar="NAME=FILE")
    ap.add_argument("--queries", default="")
    ap.add_argument("--tsv", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--connections", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--pages", type=int, default=200)
    a = ap.parse_args()
    if a.minutes <= 0 or a.minutes != int(a.minutes * 60) / 60.0:
        ap.error("--minutes: a positive number of whole seconds")
    archives = []
    for spec in a.archive:
        name, sep, path = spec.partition("=")
        if not sep or not re.fullmatch(r"[A-Za-z0-9._-]+", name) or not os.path.isfile(path):
            ap.error("--archive %s: NAME=FILE with an existing file" % spec)
        archives.append((name, path))
    wrk_bin = subprocess.run(["sh", "-c", "command -v wrk"], capture_output=True, text=True).stdout.strip()
    if not wrk_bin:
        print("soak: wrk is not installed (make soak installs it)", file=sys.stderr)
        return 2
    outdir = os.path.dirname(os.path.abspath(a.tsv))
    os.makedirs(outdir, exist_ok=True)
    os.makedirs(os.path.dirname(os.path.abspath(a.report)), exist_ok=True)
    list_path = os.path.join(outdir, "soak-paths.txt")
    wrk_path = os.path.join(outdir, "soak-wrk.txt")
    log_path = os.path.join(outdir, "soak-server.log")

    rng = random.Random(20261123)
    prep = prepare(a.smz, archives, a.queries, a.pages, rng)
    urls = request_list(prep)
    with open(list_path, "w") as f:
        f.write("\n".join(urls) + "\n")
    env = {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                                 text=True).stdout.strip() or "?",
        "machine": "%d cores, %s" % (os.cpu_count() or 0, next(
            (l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")),
        "load0": open("/proc/loadavg").read().split()[0],
    }
    print("soak: %d archives (%s), %d requests in the list (%s)" % (
        len(prep), ", ".join("%s: %d pages, %d queries, %d prefixes" % (p[0], len(p[1]), len(p[2]), len(p[3]))
                             for p in prep), len(urls), list_path), flush=True)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)
    srv = wrk = None
    samples = []
    reasons = []
    rc = 1
    try:
        srv, port = start_server(a.smz, [p for _, p in archives], log_path)
        if not port:
            print("soak: the server did not start or answer (see %s)" % log_path, file=sys.stderr)
            return 2
        print("soak: smz serve (pid %d) on http://127.0.0.1:%d/; warm-up: every distinct request once"
              % (srv.pid, port), flush=True)
        env["server_cmd"] = " ".join([a.smz, "serve"] + [p for _, p in archives] +
                                     ["--port", "0", "--address", "127.0.0.1"]) + "   # port %d" % port
        distinct = list(dict.fromkeys(urls))
        t = time.monotonic()
        bad = preflight(port, distinct)
        print("soak: %d distinct requests in %.1f s, %d not 2xx" % (len(distinct), time.monotonic() - t, len(bad)),
              flush=True)
        if bad:
            print("soak: FAIL: before the load, not 2xx:\n  %s" % "\n  ".join(bad[:10]), file=sys.stderr)
            reasons.append("%d requests of the list not 2xx before the load" % len(bad))
            return 1

        wcmd = [wrk_bin, "-t%d" % a.threads, "-c%d" % a.connections, "-d%ds" % int(a.minutes * 60),
                "--latency", "-s", a.lua, "http://127.0.0.1:%d" % port, "--", list_path]
        if a.minutes == int(a.minutes):
            wcmd[3] = "-d%dm" % int(a.minutes)
        cmd = " ".join(wcmd)
        print("soak: " + cmd, flush=True)
        with open(a.tsv, "w") as tsv:
            tsv.write("seconds\trss_kib\n")
            r = rss_kib(srv.pid)
            samples.append((0, r))
            tsv.write("0\t%d\n" % r)
            tsv.flush()
            wout = open(wrk_path, "w")
            t0 = time.monotonic()
            wrk = subprocess.Popen(wcmd, stdout=wout, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
            wout.close()
            deadline = t0 + a.minutes * 60 + 120
            k = 1
            while wrk.poll() is None:
                now = time.monotonic()
                if now > deadline:
                    reasons.append("wrk did not finish in time")
                    break
                nxt = t0 + k * SAMPLE_SECONDS
                if now < nxt:
                    try:
                        wrk.wait(nxt - now)
                    except subprocess.TimeoutExpired:
                        pass
                    continue
                k += 1
                if srv.poll() is not None:
                    break
                r = rss_kib(srv.pid)
                if r is None:
                    break
                secs = round(now - t0)
                samples.append((secs, r))
                tsv.write("%d\t%d\n" % (secs, r))
                tsv.flush()
                if secs % 60 == 0:
                    print("soak: %3d s  RSS %s MiB" % (secs, mib(r)), flush=True)
        wrc = stop_process(wrk, 10)
        wrk = None
        alive = srv.poll() is None
        src = stop_process(srv, 30)
        srv = None
        env["load1"] = open("/proc/loadavg").read().split()[0]
        with open(wrk_path, encoding="utf-8", errors="replace") as f:
            wtext = f.read()
        w = parse_wrk(wtext)
        if wrc != 0:
            reasons.append("wrk exited with status %s" % wrc)
        if "requests" not in w or "lua_errors" not in w:
            reasons.append("wrk's output is incomplete (see %s)" % wrk_path)
        if not alive:
            reasons.append("the server died under load (status %s; see %s)" % (src, log_path))
        elif src != 0:
            reasons.append("the server did not stop cleanly on SIGTERM (status %s)" % src)
        env["server"] = "alive at the end, stopped by SIGTERM with status %s" % src if alive else \
            "DIED (status %s)" % src
        nerr = w.get("lua_errors", 0) + w.get("lua_other", 0)
        if nerr:
            reasons.append("%d answers not 2xx" % nerr)
        if w.get("non2xx3xx"):
            reasons.append("wrk counted %d non-2xx or 3xx responses" % w["non2xx3xx"])
        if any(w.get("socket", {}).values()):
            reasons.append("socket errors (%s)" % ", ".join("%s %d" % kv for kv in w["socket"].items()))
        rss = [r for _, r in samples]
        q = max(1, len(rss) // 4)
        mid, last = median(rss[q:2 * q]), median(rss[-q:])
        if len(rss) >= 8 and last > mid * 1.10 + 4096:
            reasons.append("RSS keeps growing (median %s -> %s MiB)" % (mib(mid), mib(last)))
        elif len(rss) < 8:
            reasons.append("too few RSS samples (%d)" % len(rss))
        verdict = not reasons
        write_report(a.report, a, prep, [os.path.getsize(p) for _, p in archives], cmd, w, samples,
                     verdict, reasons, env)
        print(wtext.rstrip())
        print("soak: %s requests, %s req/s, p50 %s, p99 %s; RSS %s MiB at 1 min, %s MiB at the end; "
              "report %s, curve %s" % (w.get("requests", "?"), w.get("rps", "?"), w.get("p50", "?"),
                                        w.get("p99", "?"),
                                        mib(min(samples, key=lambda x: abs(x[0] - 60))[1]) if samples else "?",
                                        mib(samples[-1][1]) if samples else "?", a.report, a.tsv))
        if verdict:
            print("soak: ok")
            rc = 0
        else:
            print("soak: FAIL: " + "; ".join(reasons), file=sys.stderr)
            with open(log_path, encoding="utf-8", errors="replace") as f:
                tail = f.read().splitlines()[-10:]
            if tail:
                print("soak: the server's log ends with:\n  " + "\n  ".join(tail), file=sys.stderr)
            rc = 1
    except Stop:
        print("\nsoak: interrupted; stopping wrk and the server", file=sys.stderr)
        rc = 130
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, signal.SIG_IGN)
        stop_process(wrk, 10)
        stop_process(srv, 30)
    return rc


if __name__ == "__main__":
    sys.exit(main())
