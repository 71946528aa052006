#!/usr/bin/env python3
"""Chinese recall and precision of `smz search`, against a brute-force scan.

For Chinese words of one to four characters taken from the texts (seeded,
so every run asks the same), and for each of them mixed with a Latin word,
pages through `smz search ARCHIVE WORD --json` and compares the set of
pages found with the set whose text contains the word.  Prints one TAP
line per query kind and a summary line with the recall.

`smz` folds simplified and traditional Chinese together (a query in either
script finds both: lib/search/hanfold.h), so "contains" is read folded too,
with the reader's own table (build-gen/hanfold_table.inc, beside the
binaries' build; HANFOLD_TABLE names another), each character mapped to its
class's canonical member.

Usage: zh_recall.py SMZ ARCHIVE TEXTS_JSON [PER_LENGTH]"""
import json, os, random, re, subprocess, sys

smz, archive, texts_path = sys.argv[1:4]
per = int(sys.argv[4]) if len(sys.argv) > 4 else 12
texts = json.load(open(texts_path, encoding="utf-8"))
table = os.environ.get("HANFOLD_TABLE") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "build-gen", "hanfold_table.inc")
try:
    pairs = re.findall(r"\{0x([0-9A-F]+), 0x([0-9A-F]+)\}", open(table).read())
except OSError:
    raise SystemExit("not ok - no folding table at %s (make builds it)" % table)
fold_map = {int(a, 16): int(b, 16) for a, b in pairs}
folded = {p: t.translate(fold_map) for p, t in texts.items()}  # what the reader compares
han = re.compile(r"[\u4e00-\u9fff]+")
rng = random.Random(20261123)
names = sorted(texts)

def pick(n):
    """Words of N Han characters: from a random page's random Han run."""
    words = set()
    for _ in range(20000):
        if len(words) >= per:
            break
        runs = [r for r in han.findall(texts[rng.choice(names)]) if len(r) >= n]
        if runs:
            r = rng.choice(runs)
            i = rng.randrange(len(r) - n + 1)
            words.add(r[i:i + n])
    return sorted(words)

def search(q):
    found, off = [], 0
    while True:
        p = subprocess.run([smz, "search", archive, q, "--json", "--limit", "100", "--offset", str(off)],
                           capture_output=True)
        if p.returncode not in (0, 1):
            raise SystemExit("not ok - smz search %r exited %d: %s" % (q, p.returncode, p.stderr.decode()))
        res = json.loads(p.stdout.decode("utf-8"))  # strict: snippets are valid UTF-8
        found += [h["path"] for h in res["results"]]
        if len(res["results"]) < 100:
            return found, res["total"]
        off += 100

def latin_ok(word, text):
    return re.search(r"(?<![A-Za-z0-9])%s(?![A-Za-z0-9])" % re.escape(word), text, re.I) is not None

total_want = total_got = 0
failures = 0
for n in (1, 2, 3, 4):
    for kind in ("alone", "mixed"):
        bad = []
        for w in pick(n):
            if kind == "alone":
                q, want = w, {p for p in names if w.translate(fold_map) in folded[p]}
            else:
                q = w + " linux" if n % 2 else "GNU " + w
                lat = "linux" if n % 2 else "gnu"
                want = {p for p in names if w.translate(fold_map) in folded[p] and latin_ok(lat, texts[p])}
            got, total = search(q)
            total_want += len(want)
            total_got += len(want & set(got))
            if set(got) != want or len(got) != len(set(got)):
                bad.append("%s: %d expected, %d found, %d missed, %d wrong" % (
                    q, len(want), len(got), len(want - set(got)), len(set(got) - want)))
        if bad:
            failures += 1
            print("not ok - %d-character Chinese queries (%s): %s" % (n, kind, "; ".join(bad[:5])))
        else:
            print("ok - %d-character Chinese queries (%s) find exactly the pages that contain them" % (n, kind))
print("# Chinese recall: %d of %d pages (%.1f%%)" % (total_got, total_want, 100.0 * total_got / max(total_want, 1)))
sys.exit(1 if failures else 0)
