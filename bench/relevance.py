#!/usr/bin/env python3
"""Judged relevance (issue 20): MRR and nDCG@10 of `smz search` and of
kiwix-search's engine on the same manuals, judged by the manuals' own
back-of-book indexes.

The judgments.  Each index term of PostgreSQL's bookindex.html and of Python's
genindex-*.html, with the pages it points to, says "these pages are about this
term": those pages are relevant, every other page is not.  Links lose their
#fragment and are resolved against the index page, so they are archive paths.
  - The query is the term as a user would type it: PostgreSQL's "pg_dump",
    "VACUUM", "advisory lock"; a trailing " configuration parameter" is dropped
    ("work_mem configuration parameter" -> "work_mem"), as are "(see ...)"
    cross-references, and a trailing qualifier in parentheses ("inet (data type)"
    -> "inet", "OR (operator)" -> "OR").  Python's qualifiers are dropped too:
    "abs() (decimal.Context method)" -> "abs", "A (in module re)" -> "A".
  - Sub-entries are folded into their main term: the main term's query judges
    its own pages and all of its sub-entries' pages relevant.  A sub-entry's
    text alone is often a fragment ("installation on", "support functions
    for", Python's "(in module os)", "built-in function"), and joining it to
    the main term makes long AND queries that test word matching, not
    ranking.  Entries whose query text is the same (case ignored: Python's
    "abs", "abs()" and "abs() (decimal.Context method)") are merged.
  - Left out: terms with no page (pure "see" entries), terms pointing to more
    than MAX_PAGES pages (too general to judge a top 10), terms with fewer
    than two letters or digits ("$", "::", "**", "\\r", "%d"), terms whose words are all stopwords
    (Python's "if", "for", "with"), terms starting with "-" (command-line
    options such as "-m": a leading "-" is an option to both programs and an
    exclusion in both query languages) and terms holding '"' or '*' (query
    syntax in both).
  - N terms (default 300) are drawn per manual with random.Random(SEED),
    SEED 20, from the eligible terms in sorted order, and written to
    bench/queries/relevance-pgdoc.tsv and relevance-pydoc.tsv ("QUERY<TAB>PATH
    PATH ..."), which later runs read: the set stays the same even when the
    installed manual changes (--make-queries rebuilds it).

The engines.  Each folder is copied (symlinks resolved) with a 48x48
illustration added and packed as bench/run.sh packs it: `smz-pack` of each
binary given and `zimwriterfs` (welcome page index.html, illustration, English);
archives are cached in the work folder (ours by the packer binary's hash) or
given with --archive/--archive-b/--zim.  Ours: `smz search ARCHIVE QUERY --json
--limit 10` (snippets on, as a user runs it; fuzzy off, the default: the query
words are the index's own spelling, and --fuzzy would judge the speller rather
than the ranking; measured on 2026-12-06 it helps 4 queries and hurts 16, e.g.
"asinh", on 2 pages, also finds "asing", on 836).  Kiwix: kiwix-search
prints titles only, and titles repeat within a manual, so the paths come from
bench/rank_zim.cpp, libzim's Searcher asked for results 0-9 of zim::Query(QUERY),
which is what kiwix-search 3.3 does;
every query is also run through kiwix-search itself and the run reports on how
many queries its titles equal rank_zim's (--no-verify skips this).

The figures, per manual and engine: MRR (1 / rank of the first relevant hit
in the top 10, 0 when none), nDCG@10 (binary gains, DCG = sum of
1/log2(rank+1) over relevant hits; ideal DCG from min(relevant pages, 10)),
the share of queries with a relevant page in the top 10, the queries with no
hit at all, and ours / kiwix.  The index pages themselves (bookindex.html,
genindex-*.html) hold every term and are never judged relevant: they are in
both archives and cost both engines alike.

usage: bench/relevance.py [--manuals pgdoc,pydoc] [--smz-bin DIR] [--smz-bin-b DIR]
         [--label A] [--label-b B] [--archive M=PATH] [--archive-b M=PATH] [--zim M=PATH]
         [--work DIR] [--raw FILE] [--compare OLD_RAW] [--n 300] [--seed 20]
         [--make-queries] [--no-kiwix] [--no-verify] [--rank-zim PROGRAM] [--kv FILE] [--fuzzy]
  --smz-bin DIR: the folder of smz and smz-pack (default bin/ of this tree);
  --smz-bin-b: a second build, measured beside the first in the same run;
  --raw FILE: one line per manual, engine and query (default WORK/relevance.raw.tsv);
  --compare OLD_RAW: a raw file of an earlier run: its figures in the table too,
    and the queries whose nDCG@10 changed most;
  --kv FILE: "MANUAL ENGINE METRIC VALUE" lines for bench/run.sh;
  --fuzzy: smz search --fuzzy (spelling variants; see above for why it is off).
Prints the Markdown table (and the queries worth a look) on stdout.  Time: about
2 min with cached archives; packing adds ~1 min (pgdoc) and ~4 min (pydoc) per packer.
"""
import argparse
import hashlib
import html.parser
import json
import math
import os
import posixpath
import random
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import util  # noqa: E402  (bench/util.py: the illustration)

MANUALS = {
    "pgdoc": ("/usr/share/doc/postgresql-doc-15/html", "postgresql-doc-15"),
    "pydoc": ("/usr/share/doc/python3.11/html", "python3.11-doc"),
}
N = 300
SEED = 20
MAX_PAGES = 20
TOP = 10
STOPWORDS = set("""a about above after again against all am an and any are as at be because been before
being below between both but by can did do does doing down during each few for from further had has have
having he her here hers him his how i if in into is it its itself just me more most my no nor not now of
off on once only or other our out over own same she should so some such than that the their them then there
these they this those through to too under until up very was we were what when where which while who whom
why will with you your""".split())


# ---------------------------------------------------------------- the judgments
def norm_path(base_dir, href, root):
    """The archive path an index link points to, or None (same-page links)."""
    href = href.split("#", 1)[0].split("?", 1)[0]
    if not href or re.match(r"^[a-z]+:", href):
        return None
    p = posixpath.normpath(posixpath.join(base_dir, href))
    return p if os.path.isfile(os.path.join(root, p)) else None


class PgIndex(html.parser.HTMLParser):
    """bookindex.html: <dt>TERM, <a class="indexterm" href=...>..</a>...</dt>, sub-entries
    in <dd><dl><dt>...</dt></dl></dd> after their main term."""

    def __init__(self):
        super().__init__()
        self.entries = []  # [term, [hrefs]]
        self.depth = 0  # <dl> nesting: 1 = main terms
        self.in_dt = False
        self.text = None  # the main term's text until its first link
        self.cur = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "dl":
            self.depth += 1
        elif tag == "dt":
            self.in_dt = True
            if self.depth == 1:
                self.text = ""
                self.cur = ["", []]
                self.entries.append(self.cur)
        elif tag == "a" and self.in_dt:
            if self.depth == 1 and self.text is not None:
                self.cur[0] = self.text
                self.text = None
            if "indexterm" in (a.get("class") or "").split() and a.get("href") and self.cur:
                self.cur[1].append(a["href"])

    def handle_endtag(self, tag):
        if tag == "dl":
            self.depth -= 1
        elif tag == "dt":
            self.in_dt = False
            if self.depth == 1 and self.text is not None:
                self.cur[0] = self.text
                self.text = None

    def handle_data(self, data):
        if self.in_dt and self.depth == 1 and self.text is not None:
            self.text += data


class PyIndex(html.parser.HTMLParser):
    """genindex-X.html: <table class="indextable"> of <ul><li>TERM or <a>TERM</a>, with
    sub-entries in a nested <ul>."""

    def __init__(self):
        super().__init__()
        self.entries = []
        self.in_table = False
        self.ul = 0
        self.cur = None
        self.taking = False  # collecting the main term's text

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "indextable" in (a.get("class") or ""):
            self.in_table = True
        elif not self.in_table:
            return
        elif tag == "ul":
            self.ul += 1
            self.taking = False
        elif tag == "li" and self.ul == 1:
            self.cur = ["", []]
            self.entries.append(self.cur)
            self.taking = True
        elif tag == "a" and self.cur is not None and a.get("href"):
            self.cur[1].append(a["href"])

    def handle_endtag(self, tag):
        if not self.in_table:
            return
        if tag == "table":
            self.in_table = False
        elif tag == "ul":
            self.ul -= 1
        elif tag == "a" and self.ul == 1:
            self.taking = False  # the text after the first link is "[1]", "[2]"...

    def handle_data(self, data):
        if self.taking and self.ul == 1:
            self.cur[0] += data


def query_of(manual, term):
    t = " ".join(term.split())
    t = re.sub(r"\s*\(see\b.*$", "", t).strip().rstrip(",").strip()
    if manual == "pgdoc":
        t = re.sub(r" configuration parameter$", "", t)
        t = re.sub(r"\s+\([^()]*\)$", "", t)  # "OR (operator)", "inet (data type)"
    else:
        while True:  # trailing qualifiers: "(in module re)", "()", "(class in abc)"
            u = re.sub(r"\s*\([^()]*\)$", "", t)
            if u == t:
                break
            t = u
    return t.strip()


def eligible(q):
    if len(re.findall(r"\w", q)) < 2 or q.startswith("-") or '"' in q or "*" in q:
        return False
    words = re.findall(r"\w+", q.lower())
    return bool(words) and not all(w in STOPWORDS for w in words)


def judgments(manual):
    """{query: set(paths)} from the manual's index, before sampling."""
    root = MANUALS[manual][0]
    if manual == "pgdoc":
        files, cls = ["bookindex.html"], PgIndex
    else:
        files = sorted(f for f in os.listdir(root) if re.match(r"genindex-.+\.html$", f) and f != "genindex-all.html")
        cls = PyIndex
    merged = {}  # lower-case query -> [query, set]
    for f in files:
        p = cls()
        with open(os.path.join(root, f), encoding="utf-8") as fh:
            p.feed(fh.read())
        base = posixpath.dirname(f)
        for term, hrefs in p.entries:
            q = query_of(manual, term)
            pages = {x for x in (norm_path(base, h, root) for h in hrefs) if x}
            if not q or not pages:
                continue
            merged.setdefault(q.lower(), [q, set()])[1].update(pages)
    return {q: pages for q, pages in merged.values()}


def make_queries(manual, n, seed):
    j = judgments(manual)
    ok = sorted(q for q, pages in j.items() if eligible(q) and len(pages) <= MAX_PAGES)
    if len(ok) < n:
        sys.exit("relevance: only %d eligible terms in %s" % (len(ok), manual))
    picked = sorted(random.Random(seed).sample(ok, n), key=lambda q: (q.lower(), q))
    path = os.path.join(HERE, "queries", "relevance-%s.tsv" % manual)
    with open(path, "w", encoding="utf-8") as f:
        for q in picked:
            f.write("%s\t%s\n" % (q, " ".join(sorted(j[q]))))
    print("relevance: %s: %d index terms, %d eligible, %d drawn (seed %d) -> %s"
          % (manual, len(j), len(ok), n, seed, os.path.relpath(path, ROOT)), file=sys.stderr)


def load_queries(manual):
    out = []
    with open(os.path.join(HERE, "queries", "relevance-%s.tsv" % manual), encoding="utf-8") as f:
        for line in f:
            q, _, paths = line.rstrip("\n").partition("\t")
            if q:
                out.append((q, set(paths.split())))
    return out


# ---------------------------------------------------------------- archives
def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def corpus(manual, work):
    d = os.path.join(work, "corpus", manual)
    if not os.path.isfile(os.path.join(d, "illustration-48.png")):
        shutil.rmtree(d, ignore_errors=True)
        shutil.copytree(MANUALS[manual][0], d, symlinks=False, ignore_dangling_symlinks=True)
        util.write_png48(os.path.join(d, "illustration-48.png"))
    return d


def file_hash(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:12]


def pack_smz(manual, bindir, work):
    pack = os.path.join(bindir, "smz-pack")
    out = os.path.join(work, "arch", "%s-%s.smz" % (manual, file_hash(pack)))
    if os.path.getsize(out) if os.path.exists(out) else 0:
        return out
    d = corpus(manual, work)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    print("relevance: packing %s with %s" % (manual, pack), file=sys.stderr)
    t0 = time.monotonic()
    r = run([pack, d, "-o", out + ".tmp", "--quiet", "--title", "bench " + manual, "--description",
             "benchmark corpus " + manual, "--language", "eng", "--creator", "bench", "--publisher", "bench",
             "--name", manual, "--illustration", os.path.join(d, "illustration-48.png"), "--main-page", "index.html"])
    if r.returncode != 0:
        sys.exit("relevance: smz-pack failed on %s: %s" % (manual, r.stderr.strip()))
    os.replace(out + ".tmp", out)
    print("relevance: packed in %.0f s" % (time.monotonic() - t0), file=sys.stderr)
    return out


def pack_zim(manual, work):
    out = os.path.join(work, "arch", manual + ".zim")
    if os.path.exists(out) and os.path.getsize(out):
        return out
    d = corpus(manual, work)
    os.makedirs(os.path.dirname(out), exist_ok=True)
    print("relevance: packing %s with zimwriterfs" % manual, file=sys.stderr)
    t0 = time.monotonic()
    tmp = os.path.join(work, "arch", manual + ".tmp.zim")
    r = run(["zimwriterfs", "-w", "index.html", "-I", "illustration-48.png", "-l", "eng", "-t", "bench " + manual,
             "-d", "benchmark corpus " + manual, "-c", "bench", "-p", "bench", "-n", manual, d, tmp])
    if r.returncode != 0 or not os.path.exists(tmp):
        sys.exit("relevance: zimwriterfs failed on %s: %s" % (manual, r.stderr.strip()[-500:]))
    os.replace(tmp, out)
    print("relevance: packed in %.0f s" % (time.monotonic() - t0), file=sys.stderr)
    return out


def rank_zim_program(work, given):
    if given:
        return given
    exe = os.path.join(work, "bin", "rank_zim")
    src = os.path.join(HERE, "rank_zim.cpp")
    if not os.path.exists(exe) or os.path.getmtime(exe) < os.path.getmtime(src):
        os.makedirs(os.path.dirname(exe), exist_ok=True)
        flags = run(["pkg-config", "--cflags", "--libs", "libzim"])
        if flags.returncode != 0:
            sys.exit("relevance: libzim's headers are missing (Debian libzim-dev: make deps-bench), or use --no-kiwix")
        r = run(["c++", "-std=c++17", "-O2", "-o", exe, src] + flags.stdout.split())
        if r.returncode != 0:
            sys.exit("relevance: cannot build rank_zim: " + r.stderr[-500:])
    return exe


# ---------------------------------------------------------------- the engines
def smz_ranked(smz, archive, queries, fuzzy):
    """{query: (paths of the top 10, total)}"""
    out = {}
    for q, _ in queries:
        r = run([smz, "search", archive, q, "--json", "--limit", str(TOP)] + (["--fuzzy"] if fuzzy else []))
        if r.returncode not in (0, 1):
            sys.exit("relevance: smz search failed on %r: %s" % (q, r.stderr.strip()))
        d = json.loads(r.stdout)
        out[q] = ([h["path"] for h in d["results"]], d["total"])
    return out


def zim_ranked(prog, zim, queries, work, verify):
    qf = os.path.join(work, "relevance-queries.txt")
    with open(qf, "w", encoding="utf-8") as f:
        f.write("".join(q + "\n" for q, _ in queries))
    r = run([prog, zim, qf, str(TOP)])
    if r.returncode != 0:
        sys.exit("relevance: rank_zim failed: " + r.stderr[-500:])
    out = {q: ([], 0) for q, _ in queries}
    titles = {q: [] for q, _ in queries}
    for line in r.stdout.split("\n"):
        parts = line.split("\t")
        if len(parts) != 4 or parts[1] == "0":
            continue
        out[parts[0]][0].append(parts[2])
        titles[parts[0]].append(parts[3])
    for q in out:
        out[q] = (out[q][0], len(out[q][0]))  # libzim's estimate is not asked for: hits listed
    same = None
    if verify:
        same = 0
        for q, _ in queries:
            k = run(["kiwix-search", zim, q])
            got = [t for t in k.stdout.split("\n") if t]
            if got == titles[q]:
                same += 1
            else:
                print("relevance: kiwix-search and rank_zim differ on %r: %s / %s" % (q, got[:3], titles[q][:3]),
                      file=sys.stderr)
    return out, same


# ---------------------------------------------------------------- the figures
def scores(ranked, relevant):
    first = 0
    dcg = 0.0
    found = 0
    for i, p in enumerate(ranked[:TOP], 1):
        if p in relevant:
            found += 1
            dcg += 1.0 / math.log2(i + 1)
            if not first:
                first = i
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(len(relevant), TOP) + 1))
    return first, (1.0 / first if first else 0.0), (dcg / ideal if ideal else 0.0), found


def summary(rows):
    """rows: [(query, first, rr, ndcg, found, returned, total)] -> dict"""
    n = len(rows)
    return {"queries": n, "mrr": sum(r[2] for r in rows) / n, "ndcg": sum(r[3] for r in rows) / n,
            "hit10": sum(1 for r in rows if r[1]) / n, "empty": sum(1 for r in rows if r[5] == 0)}


def read_raw(path):
    """{(manual, engine): {query: row}} from a raw file."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            p = line.rstrip("\n").split("\t")
            if len(p) < 10:
                continue
            row = (p[2], int(p[3]), float(p[4]), float(p[5]), int(p[6]), int(p[7]), int(p[8]))
            out.setdefault((p[0], p[1]), {})[p[2]] = row
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--manuals", default="pgdoc,pydoc")
    ap.add_argument("--smz-bin", default=os.path.join(ROOT, "bin"))
    ap.add_argument("--smz-bin-b")
    ap.add_argument("--label", default="smz")
    ap.add_argument("--label-b", default="smz-b")
    ap.add_argument("--archive", action="append", default=[])
    ap.add_argument("--archive-b", action="append", default=[])
    ap.add_argument("--zim", action="append", default=[])
    ap.add_argument("--work", default=os.path.join(ROOT, "bench", "work", "relevance"))
    ap.add_argument("--raw")
    ap.add_argument("--compare")
    ap.add_argument("--kv")
    ap.add_argument("--n", type=int, default=N)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--make-queries", action="store_true")
    ap.add_argument("--no-kiwix", action="store_true")
    ap.add_argument("--fuzzy", action="store_true")
    ap.add_argument("--no-verify", action="store_true")
    ap.add_argument("--rank-zim")
    a = ap.parse_args()
    manuals = [m for m in a.manuals.split(",") if m]
    for m in manuals:
        if m not in MANUALS:
            sys.exit("relevance: unknown manual %s (pgdoc, pydoc)" % m)
        if not os.path.isdir(MANUALS[m][0]):
            sys.exit("relevance: %s is missing (Debian %s: make deps-bench)" % MANUALS[m])
    os.makedirs(a.work, exist_ok=True)
    a.raw = a.raw or os.path.join(a.work, "relevance.raw.tsv")

    def bindir(x):
        return os.path.dirname(os.path.abspath(x)) if os.path.isfile(x) else os.path.abspath(x)

    engines = [(a.label, bindir(a.smz_bin), dict(x.split("=", 1) for x in a.archive))]
    if a.smz_bin_b:
        engines.append((a.label_b, bindir(a.smz_bin_b), dict(x.split("=", 1) for x in a.archive_b)))
    zims = dict(x.split("=", 1) for x in a.zim)
    prog = None if a.no_kiwix else rank_zim_program(a.work, a.rank_zim)

    results = {}  # (manual, engine) -> {query: row}
    notes = []
    with open(a.raw, "w", encoding="utf-8") as raw:
        raw.write("# relevance.py %s; %s\n" % (time.strftime("%Y-%m-%d %H:%M"), "; ".join(
            "%s = %s (smz-pack %s)" % (lab, d, file_hash(os.path.join(d, "smz-pack"))) for lab, d, _ in engines)))
        raw.write("# manual\tengine\tquery\tfirst_relevant_rank\trr\tndcg10\trelevant_in_top10\treturned\ttotal"
                  "\trelevant_pages\ttop10\n")
        for m in manuals:
            qpath = os.path.join(HERE, "queries", "relevance-%s.tsv" % m)
            if a.make_queries or not os.path.exists(qpath):
                make_queries(m, a.n, a.seed)
            queries = load_queries(m)
            runs = []
            for lab, d, given in engines:
                arch = given.get(m) or pack_smz(m, d, a.work)
                t0 = time.monotonic()
                runs.append((lab, smz_ranked(os.path.join(d, "smz"), arch, queries, a.fuzzy)))
                print("relevance: %s %s: %d queries in %.0f s" % (m, lab, len(queries), time.monotonic() - t0),
                      file=sys.stderr)
            if prog:
                z = zims.get(m) or pack_zim(m, a.work)
                ranked, same = zim_ranked(prog, z, queries, a.work, not a.no_verify)
                runs.append(("kiwix", ranked))
                if same is not None:
                    notes.append("%s: kiwix-search's titles equal rank_zim's on %d of %d queries"
                                 % (m, same, len(queries)))
            for lab, ranked in runs:
                rows = {}
                for q, rel in queries:
                    paths, total = ranked[q]
                    first, rr, nd, found = scores(paths, rel)
                    rows[q] = (q, first, rr, nd, found, len(paths), total)
                    raw.write("%s\t%s\t%s\t%d\t%.4f\t%.4f\t%d\t%d\t%d\t%s\t%s\n"
                              % (m, lab, q, first, rr, nd, found, len(paths), total, " ".join(sorted(rel)),
                                 " ".join(paths)))
                results[(m, lab)] = rows
    old = read_raw(a.compare) if a.compare else {}
    report(a, manuals, [e[0] for e in engines], prog is not None, results, old, notes)


def report(a, manuals, labels, kiwix, results, old, notes):
    out = ["| manual | engine | queries | MRR | nDCG@10 | relevant in top 10 | no hit | MRR / kiwix "
           "| nDCG@10 / kiwix |",
           "|---|---|---|---|---|---|---|---|---|"]
    kv = []
    for m in manuals:
        k = summary(list(results[(m, "kiwix")].values())) if kiwix else None
        rows = [(lab, summary(list(results[(m, lab)].values()))) for lab in labels]
        rows += [("%s (%s)" % (lab, os.path.basename(a.compare)), summary(list(r.values())))
                 for (om, lab), r in sorted(old.items()) if om == m and lab != "kiwix"]
        if k:
            rows.append(("kiwix-search", k))
        for lab, s in rows:
            ratio = ("%.2f× | %.2f×" % (s["mrr"] / k["mrr"], s["ndcg"] / k["ndcg"])
                     if k and lab != "kiwix-search" and k["mrr"] and k["ndcg"] else "— | —")
            out.append("| %s | %s | %d | %.3f | %.3f | %.1f %% | %d | %s |"
                       % (m, lab, s["queries"], s["mrr"], s["ndcg"], 100 * s["hit10"], s["empty"], ratio))
            if "(" not in lab:
                kv += ["%s\t%s\t%s\t%s" % (m, "kiwix" if lab == "kiwix-search" else lab, key, s[key])
                       for key in ("mrr", "ndcg", "hit10", "empty", "queries")]
    out.append("")
    out += ["- " + n for n in notes]
    # what to look at: per manual, our worst queries against kiwix, and the ones kiwix finds and we miss
    for m in manuals:
        ours = results[(m, labels[0])]
        if kiwix:
            theirs = results[(m, "kiwix")]
            miss = [q for q in ours if ours[q][1] == 0 and theirs[q][1] > 0]
            worst = sorted(ours, key=lambda q: (ours[q][3] - theirs[q][3], ours[q][3], q))[:5]
            out.append("- %s: kiwix finds a relevant page in its top 10 and %s does not: %d queries; "
                       "%s finds one and kiwix does not: %d" % (m, labels[0], len(miss), labels[0],
                                                               sum(1 for q in ours if ours[q][1] and not theirs[q][1])))
            out.append("- %s: 5 worst for %s (nDCG@10 ours − kiwix): %s" % (m, labels[0], "; ".join(
                "`%s` %.2f vs %.2f (first relevant: %s vs %s)" % (q, ours[q][3], theirs[q][3],
                                                                   ours[q][1] or "none", theirs[q][1] or "none")
                for q in worst)))
        empty = [q for q in ours if ours[q][5] == 0]
        if empty:
            out.append("- %s: %s finds nothing for: %s" % (m, labels[0], ", ".join("`%s`" % q for q in empty[:20])
                                                           + (" ..." if len(empty) > 20 else "")))
        # before -> after: the second build against the first, this run against --compare's
        pairs = [(labels[0], ours, lab, results[(m, lab)]) for lab in labels[1:]]
        pairs += [("%s of %s" % (lab, os.path.basename(a.compare)), r, labels[0], ours)
                  for (om, lab), r in sorted(old.items()) if om == m and lab != "kiwix"]
        for bname, before, aname, after in pairs:
            # the raw file keeps 4 decimals: smaller differences are not changes
            moved = sorted((q for q in after if q in before and abs(after[q][3] - before[q][3]) > 1e-3),
                           key=lambda q: (-abs(after[q][3] - before[q][3]), q))
            better = sum(1 for q in moved if after[q][3] > before[q][3])
            out.append("- %s: %s against %s: nDCG@10 better on %d queries, worse on %d%s" % (
                m, aname, bname, better, len(moved) - better, "; largest changes: " + "; ".join(
                    "`%s` %.2f → %.2f" % (q, before[q][3], after[q][3]) for q in moved[:8]) if moved else ""))
    print("\n".join(out))
    if a.kv:
        with open(a.kv, "w", encoding="utf-8") as f:
            f.write("\n".join(kv) + "\n")
    print("relevance: per-query results in %s" % a.raw, file=sys.stderr)


if __name__ == "__main__":
    main()
