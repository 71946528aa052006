#!/usr/bin/env python3
"""Turns bench/run.sh's measurements into the Markdown results page: one table in
which every figure of ours stands beside the peer's, measured in the same run.

Usage: report.py RESULTS.tsv RAW.txt MAIN PEER > YYYY-MM-DD.md

RESULTS.tsv rows: section, corpus, metric, tool, value (NA when not measured), or
"note", section, text.  MAIN is the smz variant the run compared throughout ("smz"
with the full-text index, "smz-noindex" when smz-pack cannot index yet) and PEER its
zimwriterfs counterpart.  Every figure is the median of its runs; ratio = ours / peer.
"""
import statistics
import sys
from collections import defaultdict

LABEL = {
    "smz": "smz-pack",
    "smz-noindex": "smz-pack --no-index",
    "smz-v2": "smz-pack --format-version 2",
    "smz-v2-noindex": "smz-pack --format-version 2 --no-index",
    "zimwriterfs": "zimwriterfs",
    "zimwriterfs-noindex": "zimwriterfs -j",
    "tar-zstd": "tar \\| zstd -19 --long=27",
    "kiwix-serve": "kiwix-serve",
    "nginx": "nginx (folder)",
}
SECTIONS = ("pack", "scale", "read", "search", "recall", "relevance", "serve")


def fmt(metric, v):
    if v is None:
        return None
    if metric == "bytes":
        return "{:,}".format(int(v))
    if metric in ("wall", "cpu"):
        return "%.2f s" % v
    if metric == "rss":
        return "%.1f MiB" % (v / 1024.0)
    if metric == "rps":
        return "{:,.0f}/s".format(v)
    if metric == "us":
        return "%.0f µs" % v
    if metric in ("share", "pct"):
        return "%.1f %%" % (v * 100.0)
    if metric == "count":
        return "%d" % v
    if metric == "x":
        return "×%.2f" % v
    if metric == "score":
        return "%.3f" % v
    # milliseconds
    if v >= 100:
        return "%.0f ms" % v
    if v >= 1:
        return "%.2f ms" % v
    return "%.1f µs" % (v * 1000.0)


class Data:
    def __init__(self, path):
        self.values = defaultdict(list)
        self.seen = set()
        self.notes = defaultdict(list)
        self.corpora = defaultdict(list)
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split("\t")
                if parts[0] == "note":
                    if len(parts) == 3 and parts[2] not in self.notes[parts[1]]:
                        self.notes[parts[1]].append(parts[2])
                    continue
                if len(parts) != 5:
                    continue
                sec, corpus, metric, tool, value = parts
                if corpus not in self.corpora[sec]:
                    self.corpora[sec].append(corpus)
                self.seen.add((sec, corpus, metric, tool))
                if value not in ("NA", ""):
                    try:
                        self.values[(sec, corpus, metric, tool)].append(float(value))
                    except ValueError:
                        pass

    def get(self, sec, corpus, metric, tool):
        v = self.values.get((sec, corpus, metric, tool))
        return statistics.median(v) if v else None

    def n(self, sec, corpus, metric, tool):
        return len(self.values.get((sec, corpus, metric, tool), []))

    def has(self, sec, corpus, metric, tool):
        return (sec, corpus, metric, tool) in self.seen


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def diff_share(d, sec, c, with_, without):
    a, b = d.get(sec, c, "bytes", with_), d.get(sec, c, "bytes", without)
    if a is None or b is None or a == 0:
        return None
    return (a - b) / a


class Table:
    H = ["section", "corpus", "figure", "ours", "peer", "ratio", "goal"]

    def __init__(self):
        self.rows = []
        self.goals = {"met": 0, "not met": 0}

    def add(self, sec, corpus, what, ours_label, a, peer_label, b, metric, goal=None, r=None, show=True):
        """goal: (op, limit, absolute, text): checked on the ratio, or on ours when absolute."""
        if not show:
            return
        r = ratio(a, b) if r is None else r
        g = ""
        if goal:
            op, limit, absolute, text = goal
            x = a if absolute else r
            g = text
            if x is not None:
                ok = x <= limit if op == "<=" else x >= limit
                g += " ✓" if ok else " ✗"
                self.goals["met" if ok else "not met"] += 1
        self.rows.append([sec, corpus, what,
                          "%s: %s" % (ours_label, fmt(metric, a) or "not available yet"),
                          "%s: %s" % (peer_label, fmt(metric, b) or "n/a"),
                          "%.2f×" % r if r is not None else "—", g])

    def markdown(self):
        out = ["| " + " | ".join(self.H) + " |", "|" + "---|" * len(self.H)]
        for r in self.rows:
            out.append("| " + " | ".join(r) + " |")
        return out


def pack_rows(t, d, main_tool, peer_tool):
    for c in d.corpora["pack"]:
        def both(tool_a, tool_b, metric):
            return d.has("pack", c, metric, tool_a) or d.has("pack", c, metric, tool_b)
        for what, m, goal in (("archive size", "bytes", ("<=", 0.85, False, "≤ 0.85×")),
                              ("pack wall time", "wall", ("<=", 1.0, False, "≤ 1×")),
                              ("pack CPU time", "cpu", None),
                              ("pack peak RSS", "rss", ("<=", 1.0, False, "≤ 1×"))):
            for ours, peer in (("smz", "zimwriterfs"), ("smz-noindex", "zimwriterfs-noindex")):
                t.add("pack", c, what, LABEL[ours], d.get("pack", c, m, ours), LABEL[peer],
                      d.get("pack", c, m, peer), m, goal, show=both(ours, peer, m))
            if m in ("bytes", "wall"):
                t.add("pack", c, what + " vs the size floor", LABEL["smz-noindex"],
                      d.get("pack", c, m, "smz-noindex"), LABEL["tar-zstd"], d.get("pack", c, m, "tar-zstd"), m,
                      ("<=", 1.10, False, "≤ 1.10×") if m == "bytes" else None,
                      show=both("smz-noindex", "tar-zstd", m))
        # format 3 against format 2, the same packer in the same run (issue 22)
        for ours, older in (("smz", "smz-v2"), ("smz-noindex", "smz-v2-noindex")):
            for what, m in (("archive size, format 3 vs 2", "bytes"), ("pack wall time, format 3 vs 2", "wall")):
                t.add("pack", c, what, LABEL[ours], d.get("pack", c, m, ours), LABEL[older],
                      d.get("pack", c, m, older), m, None, show=both(ours, older, m))
        # the full-text index's share of the archive: (with - without) / with
        if d.has("pack", c, "bytes", "zimwriterfs") and d.has("pack", c, "bytes", "zimwriterfs-noindex"):
            zs = diff_share(d, "pack", c, "zimwriterfs", "zimwriterfs-noindex")
            # below 1 KB of difference zimwriterfs made no full-text index at all
            zd = (d.get("pack", c, "bytes", "zimwriterfs") or 0) - (d.get("pack", c, "bytes", "zimwriterfs-noindex") or 0)
            t.add("pack", c, "index share of the archive (with − without) / with", "smz",
                  diff_share(d, "pack", c, "smz", "smz-noindex"), "Xapian in the ZIM",
                  zs if zd >= 1024 else None, "share")


def scale_rows(t, d, main_tool, peer_tool):
    per = {}
    for c in d.corpora["scale"]:
        n = d.get("scale", c, "entries", "-")
        for what, m in (("pack wall time", "wall"), ("pack CPU time", "cpu"), ("pack peak RSS", "rss"),
                        ("archive size", "bytes")):
            t.add("scale", c, what + (" (1 run)" if d.n("scale", c, m, main_tool) == 1 and c.endswith("M") else ""),
                  LABEL[main_tool], d.get("scale", c, m, main_tool),
                  LABEL[peer_tool], d.get("scale", c, m, peer_tool), m)
        if n:
            a, b = d.get("scale", c, "wall", main_tool), d.get("scale", c, "wall", peer_tool)
            ca, cb = d.get("scale", c, "cpu", main_tool), d.get("scale", c, "cpu", peer_tool)
            per[c] = {"n": n, "wall": (a and a * 1e6 / n, b and b * 1e6 / n),
                      "cpu": (ca and ca * 1e6 / n, cb and cb * 1e6 / n),
                      "rss": (d.get("scale", c, "rss", main_tool), d.get("scale", c, "rss", peer_tool))}
            t.add("scale", c, "wall time per entry", LABEL[main_tool], per[c]["wall"][0],
                  LABEL[peer_tool], per[c]["wall"][1], "us")
    pts = [c for c in d.corpora["scale"] if c in per]
    for x, y in zip(pts, pts[1:]):
        for what, key, text in (("growth of wall time per entry", "wall", "near-linear: ≤ ×1.3"),
                                ("growth of CPU time per entry", "cpu", None),
                                ("growth of peak RSS", "rss", "flat: ≤ ×1.3")):
            ga = ratio(per[y][key][0], per[x][key][0])
            gb = ratio(per[y][key][1], per[x][key][1])
            t.add("scale", "%s → %s" % (x, y), what, LABEL[main_tool], ga, LABEL[peer_tool], gb, "x",
                  ("<=", 1.3, True, text) if text else None)
    return pts, per


def scale_findings(d, pts, per, main_tool):
    """Where time is not near-linear or memory not flat, with the measured decomposition."""
    out = []
    for x, y in zip(pts, pts[1:]):
        gw = ratio(per[y]["wall"][0], per[x]["wall"][0])
        gc = ratio(per[y]["cpu"][0], per[x]["cpu"][0])
        gm = ratio(per[y]["rss"][0], per[x]["rss"][0])
        gp = ratio(per[y]["wall"][1], per[x]["wall"][1])
        if gw is not None and gw > 1.3:
            sx = d.get("scale", x, "sys", main_tool) or 0
            sy = d.get("scale", y, "sys", main_tool) or 0
            out.append("- **Time, %s → %s:** wall time per entry ×%.2f (the peer's ×%s); CPU time per entry ×%s; "
                       "system time %.1f s → %.1f s; cores kept busy %.2f → %.2f."
                       % (x, y, gw, "%.2f" % gp if gp else "?", "%.2f" % gc if gc else "?", sx, sy,
                          ratio(d.get("scale", x, "cpu", main_tool), d.get("scale", x, "wall", main_tool)) or 0,
                          ratio(d.get("scale", y, "cpu", main_tool), d.get("scale", y, "wall", main_tool)) or 0))
        if gm is not None and gm > 1.3:
            out.append("- **Memory, %s → %s:** peak RSS ×%.2f (%s → %s) while the archive grows %s → %s bytes."
                       % (x, y, gm, fmt("rss", per[x]["rss"][0]), fmt("rss", per[y]["rss"][0]),
                          fmt("bytes", d.get("scale", x, "bytes", main_tool)) or "?",
                          fmt("bytes", d.get("scale", y, "bytes", main_tool)) or "?"))
    if out:
        out = ["Where it is not near-linear or flat (measured):", ""] + out + [""] + SCALE_WHY + [""]
    return out


# Causes behind the scale figures, from reading lib/writer.c and lib/format.c and from
# the measurements of this benchmark (update when the writer changes).
SCALE_WHY = [
    "Why (from the code and the figures above):",
    "- Memory: smz-pack's working set is bounded by design: one zstd level-19 context per "
    "compression thread (about 49 MB for a cluster of up to 4 MiB, 57 MB for the 8 MiB clusters of a "
    "larger source, its match chains capped at 2^23), the clusters in flight (up to four sealed and "
    "the open one, 8 MiB each), and SQLite's page cache (8 MiB, `SMZ_WRITER_CACHE_KIB` in "
    "lib/writer.c). So the peak follows the cluster size, which follows the source's size up to "
    "8 MiB, not the entry count (docs/FORMAT-NOTES.md, \"Where a pack's time and memory go\").",
    "- Time: the per-entry CPU cost is zstd level 19 plus, with the index, tokenising and FTS5 segment "
    "merges, which grow with the log of the index size; a 2-core machine shared with other work gives "
    "the single 1M run fewer busy cores, which shows as wall time growing faster than CPU time.",
]


def read_rows(t, d, main_tool, peer_tool):
    ours_lib = "libsmz"
    for c in d.corpora["read"]:
        t.add("read", c, "`smz cat` vs `zimdump show`, p50", "smz cat", d.get("read", c, "cat_p50", main_tool),
              "zimdump show", d.get("read", c, "cat_p50", peer_tool), "ms", ("<=", 5.0, True, "< 5 ms"))
        t.add("read", c, "`smz cat` vs `zimdump show`, p95", "smz cat", d.get("read", c, "cat_p95", main_tool),
              "zimdump show", d.get("read", c, "cat_p95", peer_tool), "ms")
        t.add("read", c, "`smz cat`, format 3 vs format 2, p50", "format 3", d.get("read", c, "cat_p50", main_tool),
              "format 2", d.get("read", c, "cat_p50", "smz-v2"), "ms", None,
              show=d.has("read", c, "cat_p50", "smz-v2"))
        for m, what in (("api_cold_p50", "library API, cold cache, p50"), ("api_cold_p95", "library API, cold cache, p95"),
                        ("api_warm_p50", "library API, warm cache, p50"), ("api_warm_p95", "library API, warm cache, p95")):
            t.add("read", c, what, ours_lib, d.get("read", c, m, main_tool), "libzim", d.get("read", c, m, peer_tool), "ms")


def search_rows(t, d):
    for c in d.corpora["search"]:
        for m, what, ol, pl, goal in (
                ("cli_search_p50", "search, whole command, p50", "smz search", "kiwix-search", ("<=", 1 / 3.0, False, "≤ 0.33×")),
                ("cli_search_p95", "search, whole command, p95", "smz search", "kiwix-search", None),
                ("cli_bare_p50", "search without snippets (like kiwix-search), whole command, p50",
                 "smz search --no-snippets", "kiwix-search", ("<=", 1 / 3.0, False, "≤ 0.33×")),
                ("cli_bare_p95", "search without snippets, whole command, p95", "smz search --no-snippets",
                 "kiwix-search", None),
                ("http_search_p50", "search over HTTP, p50", "smz serve", "kiwix-serve", ("<=", 1 / 3.0, False, "≤ 0.33×")),
                ("http_search_p95", "search over HTTP, p95", "smz serve", "kiwix-serve", None),
                ("cli_suggest_p50", "suggestions, whole command, p50", "smz suggest", "kiwix-search -s", None),
                ("cli_suggest_p95", "suggestions, whole command, p95", "smz suggest", "kiwix-search -s", None),
                ("http_suggest_p50", "suggestions over HTTP, p50", "smz serve", "kiwix-serve", None),
                ("http_suggest_p95", "suggestions over HTTP, p95", "smz serve", "kiwix-serve", None)):
            if d.has("search", c, m, "smz") or d.has("search", c, m, "zimwriterfs"):
                t.add("search", c, what, ol, d.get("search", c, m, "smz"), pl, d.get("search", c, m, "zimwriterfs"),
                      "ms", goal)


def recall_rows(t, d, main_tool, peer_tool):
    c = "manzh"
    if c not in d.corpora["recall"]:
        return
    pages, words = d.get("recall", c, "pages", "-"), d.get("recall", c, "words", "-")
    tag = "manzh (%s pages, %s words)" % (fmt("count", pages) if pages else "?", fmt("count", words) if words else "?")
    for m, what in (("recall", "Chinese recall, all words"), ("recall_len1", "Chinese recall, 1-character words"),
                    ("recall_len2", "Chinese recall, 2-character words"), ("recall_len3", "Chinese recall, 3-character words"),
                    ("recall_len4", "Chinese recall, 4-character words"), ("macro_recall", "Chinese recall, mean over words"),
                    ("precision", "precision (hits that hold the word)")):
        t.add("recall", tag, what, "smz", d.get("recall", c, m, "smz"), "libzim (kiwix)",
              d.get("recall", c, m, "zimwriterfs"), "pct")
    t.add("recall", tag, "words whose every page is found", "smz", d.get("recall", c, "words_full", "smz"),
          "libzim (kiwix)", d.get("recall", c, "words_full", "zimwriterfs"), "count")
    t.add("recall", tag, "archive size", LABEL[main_tool], d.get("recall", c, "bytes", main_tool),
          LABEL[peer_tool], d.get("recall", c, "bytes", peer_tool), "bytes")


def relevance_rows(t, d):
    for c in d.corpora["relevance"]:
        n = d.get("relevance", c, "queries", "smz")
        tag = "%s (%s judged queries)" % (c, fmt("count", n) if n else "?")
        for m, what, metric, goal in (("mrr", "MRR (first relevant hit in the top 10)", "score",
                                       (">=", 1.25, False, "≥ 1.25×")),
                                      ("ndcg", "nDCG@10", "score", (">=", 1.25, False, "≥ 1.25×")),
                                      ("hit10", "queries with a relevant page in the top 10", "pct", None),
                                      ("empty", "queries with no hit", "count", None)):
            t.add("relevance", tag, what, "smz search", d.get("relevance", c, m, "smz"), "kiwix-search",
                  d.get("relevance", c, m, "zimwriterfs"), metric, goal)


def serve_rows(t, d, main_tool):
    sv = "smz serve"
    for c in d.corpora["serve"]:
        if c == "50-archives":
            t.add("serve", c, "start-up until the 50th archive answers", sv, d.get("serve", c, "startup", main_tool),
                  "kiwix-serve", d.get("serve", c, "startup", "kiwix-serve"), "ms")
            t.add("serve", c, "RSS after start-up", sv, d.get("serve", c, "rss", main_tool),
                  "kiwix-serve", d.get("serve", c, "rss", "kiwix-serve"), "rss")
            continue
        for m, what, peer, goal in (("rps", "requests/s", "kiwix-serve", (">=", 2.0, False, "≥ 2×")),
                                    ("rps", "requests/s", "nginx", (">=", 0.8, False, "≥ 0.8× (ceiling)")),
                                    ("p99", "p99 latency", "kiwix-serve", None),
                                    ("p99", "p99 latency", "nginx", None),
                                    ("search_rps", "search requests/s", "kiwix-serve", None),
                                    ("search_p99", "search p99 latency", "kiwix-serve", None),
                                    ("rss", "server RSS after the runs", "kiwix-serve", ("<=", 0.5, False, "≤ 0.5×")),
                                    ("rss", "server RSS after the runs", "nginx", None)):
            t.add("serve", c, what, sv, d.get("serve", c, m, main_tool), LABEL[peer], d.get("serve", c, m, peer),
                  "ms" if m.endswith("p99") else m.replace("search_", ""), goal)


HOW = {
    "pack": "wall time, CPU time (user + system) and peak RSS from `/usr/bin/time`, archive size in bytes; "
            "zstd level 19 everywhere (the defaults). `smz-pack` (indexed) against `zimwriterfs` (Xapian index), "
            "`smz-pack --no-index` against `zimwriterfs -j` and against `tar --sort=name | zstd -19 --long=27 -T0`, "
            "the size floor. Index share: (size with index − size without) / size with index, for both.",
    "scale": "generated articles (bench/gen_articles.py: 0.3-1 KB of HTML each, one in ten with a Chinese "
             "paragraph) packed at 10k, 100k and 1M entries; growth = per-entry figure at the larger point / at "
             "the smaller (×1.00 = linear time; for RSS, ×1.00 = flat).",
    "read": "`smz cat ARCHIVE PATH` against `zimdump show --url=PATH ZIM` for 100 random entries, each run 3 "
            "times after a warm-up (hyperfine -N; p50/p95 over all runs, whole process). Library API "
            "(bench/latency.c against bench/latency_zim.cpp): cold = the archive dropped from the page cache "
            "(posix_fadvise DONTNEED), then open + look up + read the whole entry + close; warm = one open "
            "handle, second pass over the same entries.",
    "search": "the fixed sets in bench/queries/ (60 queries and 50 prefixes per corpus). Whole command: "
              "`smz search A Q --json` against `kiwix-search ZIM Q` (and `smz suggest` against `kiwix-search -s`), "
              "each 2 times after a warm-up, hyperfine -N. HTTP: `/search?content=NAME&pattern=Q` (the HTML "
              "results page) and `/suggest?content=NAME&term=Q` on smz serve and kiwix-serve, each 3 times after a "
              "warm-up on one keep-alive connection. p50/p95 over all runs of all queries. The whole-command "
              "rows do not compare like with like: `smz search` prints 10 hits with snippets (it reads every "
              "hit's page), kiwix-search 10 titles without; over HTTP both make a page of 25 hits with snippets.",
    "recall": "manpages-zh's simplified-Chinese pages turned into HTML (bench/man2html.py), packed with language "
              "zho by both; for each of the 1-4 character words in bench/queries/zh-words.txt, the pages whose "
              "text holds the word (brute-force scan of the same HTML) against the hits of each engine, every "
              "page of results (bench/search_smz.c on our API; bench/search_zim.cpp on libzim's Searcher, the "
              "engine of kiwix-search and kiwix-serve). Recall = pages found / pages holding the word, summed "
              "over the words.",
    "relevance": "bench/relevance.py: the terms of the manuals' own back-of-book indexes (PostgreSQL's "
                 "bookindex.html, Python's genindex-*.html; 300 a manual drawn with seed 20, in "
                 "bench/queries/relevance-*.tsv) as queries, the pages each term points to as the relevant ones. "
                 "`smz search A Q --json --limit 10` against libzim's Searcher asked for hits 0-9 "
                 "(bench/rank_zim.cpp, the engine and call of kiwix-search, which prints titles only; its titles "
                 "are checked against kiwix-search's). MRR: mean of 1 / rank of the first relevant hit (0 when "
                 "none in the top 10); nDCG@10 with binary gains. Per-query results: DATE-relevance.tsv.",
    "serve": "`wrk -t2 -c32 -d10s --latency` rotating over the same 200 random HTML pages for every server "
             "(bench/rotate.lua; median of the runs after a 2 s warm-up; wrk and the server share the 2 cores). "
             "RSS of the server (with nginx's workers) after the runs. nginx serves the unpacked folder. "
             "Start-up: from launch until a page of the 50th of 50 small archives answers 200.",
}


def main():
    tsv, raw, main_tool, peer_tool = sys.argv[1:5]
    d = Data(tsv)
    header = [l[2:].rstrip() for l in open(raw, encoding="utf-8", errors="replace")
              if l.startswith("# ") and not l.startswith(("# measurements", "# total"))][:4]
    total = [l[2:].strip() for l in open(raw, encoding="utf-8", errors="replace") if l.startswith("# total time")]
    loads = [l.split("] == ", 1)[1].strip() for l in open(raw, encoding="utf-8", errors="replace") if "] == " in l]
    if loads:
        header.append("sections and load averages at their start (2 cores, shared): " + "; ".join(loads))
    date = header[0].split()[2] if header else ""
    t = Table()
    if d.corpora["pack"]:
        pack_rows(t, d, main_tool, peer_tool)
    pts, per = scale_rows(t, d, main_tool, peer_tool) if d.corpora["scale"] else ([], {})
    if d.corpora["read"]:
        read_rows(t, d, main_tool, peer_tool)
    if d.corpora["search"]:
        search_rows(t, d)
    if d.corpora["recall"]:
        recall_rows(t, d, main_tool, peer_tool)
    if d.corpora["relevance"]:
        relevance_rows(t, d)
    if d.corpora["serve"]:
        serve_rows(t, d, main_tool)

    out = ["# Samizdat benchmarks, %s\n" % date,
           "Produced by `make bench` (bench/run.sh); every command and its raw output: "
           "[%s.raw.txt](%s.raw.txt). Every figure of ours stands beside the peer's, measured in the same run; "
           "figures are medians of the runs; ratio = ours / peer (below 1 is better for times, sizes and "
           "memory; above 1 for requests/s and recall). The goal column holds the targets set in the issues "
           "(✓ met, ✗ not met; none when ours is not available yet).\n" % (date, date), "```"]
    out += header + total
    out += ["```", ""]
    out += t.markdown()
    out += ["", "Goals: %d met, %d not met." % (t.goals["met"], t.goals["not met"]), ""]
    if pts:
        out += scale_findings(d, pts, per, main_tool)
    out += ["## How each figure is measured", ""]
    for s in SECTIONS:
        if d.corpora[s]:
            out.append("- **%s**: %s" % (s, HOW[s]))
    out.append("")
    notes = [(s, n) for s in SECTIONS for n in d.notes[s]]
    if notes:
        out += ["## Notes from this run", ""] + ["- %s: %s" % (s, n) for s, n in notes] + [""]
    print("\n".join(out).rstrip() + "\n")


if __name__ == "__main__":
    main()
