# shellcheck shell=bash
# Ranking (issue 20): how often a word occurs counts (the index's term-
# frequency tokens, docs/FORMAT.md), titles weigh more, and scores compare
# across archives, so a library-wide search merges fairly.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"

# words WORD N FILLER: N lines of filler text, WORD among them K times.
python3 - <<'PY'
import os, random
rnd = random.Random(20)
vocab = ("river stone market evening letter garden window bridge silver autumn harbor lantern "
         "meadow orchard pepper quiet rocket saddle thunder valley whistle yellow anchor basket").split()
def page(path, title, words):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write("<!DOCTYPE html><html><head><meta charset='utf-8'><title>%s</title></head><body>"
                "<p>%s</p></body></html>" % (title, " ".join(words)))
def filler(n):
    return [rnd.choice(vocab) for _ in range(n)]
# once in 176 words, and 10 times in 199
w = filler(175); w.insert(80, "zebra"); page("tf/once.html", "Notes one", w)
w = filler(189)
for i in range(10): w.insert(15 + 17 * i, "zebra")
page("tf/often.html", "Notes two", w)
for i in range(8): page("tf/other%d.html" % i, "Notes %d" % (i + 3), filler(150))
# a heading counts more: okapi in a heading and once in the text (2 + 2 for
# the heading), against 3 times in the text alone
w = filler(150); w.insert(70, "okapi"); w.insert(100, "okapi"); w.insert(120, "okapi")
page("tf/body.html", "Notes eleven", w)
w = filler(150); w.insert(70, "okapi")
with open("tf/heading.html", "w") as f:
    f.write("<!DOCTYPE html><html><head><title>Notes twelve</title></head><body><h2>The okapi</h2><p>%s</p>"
            "</body></html>" % " ".join(w))
# a table of contents (mostly links) naming gazelle, and a page about it
with open("tf/contents.html", "w") as f:
    f.write("<!DOCTYPE html><html><head><title>Contents</title></head><body><ul>%s</ul></body></html>"
            % "".join("<li><a href='other%d.html'>%s</a></li>" % (i, t)
                      for i, t in enumerate(["gazelle tracks", "river notes", "stone notes"])))
w = filler(400); w.insert(200, "gazelle"); page("tf/gazelle.html", "Notes thirteen", w)
# words side by side, and far apart
w = filler(200); w[100:100] = ["amber", "quartz"]; page("tf/near.html", "Notes fourteen", w)
w = filler(200); w.insert(20, "amber"); w.insert(180, "quartz"); page("tf/far.html", "Notes fifteen", w)
# a compound 6 times in 150 words, and once in 120
w = filler(150)
for i in range(6): w.insert(10 + 20 * i, "max_size")
page("tf/compound6.html", "Notes sixteen", w)
w = filler(120); w.insert(60, "max_size"); page("tf/compound1.html", "Notes seventeen", w)
# a manual: forty pages on other things, one long page naming China once
for i in range(40):
    page("manual/p%02d.html" % i, "Chapter %d" % i, filler(300))
w = filler(900); w.insert(450, "China"); page("manual/history.html", "History of units", w)
PY

"$SMZ_PACK" tf -o tf.smz --quiet
"$SMZ" search tf.smz zebra --json --no-snippets >z.json
check_eq "10 mentions in 199 words rank above 1 in 176" \
    "$(python3 -c 'import json,sys; print(" ".join(h["path"] for h in json.load(open(sys.argv[1]))["results"]))' z.json)" \
    "often.html once.html"

order() { python3 -c 'import json,sys; print(" ".join(h["path"] for h in json.load(open(sys.argv[1]))["results"]))' "$1"; }
"$SMZ" search tf.smz okapi --json --no-snippets >o.json
check_eq "a word in a heading counts more" "$(order o.json)" "heading.html body.html"
"$SMZ" search tf.smz gazelle --json --no-snippets >g.json
check_eq "a table of contents (mostly links) after the page it points to" "$(order g.json)" \
    "gazelle.html contents.html"
"$SMZ" search tf.smz "amber quartz" --json --no-snippets >a.json
check_eq "words side by side before words far apart" "$(order a.json)" "near.html far.html"
"$SMZ" search tf.smz "quartz amber" --json --no-snippets >a2.json
check_eq "... in either order" "$(order a2.json)" "near.html far.html"
"$SMZ" search tf.smz "amber quartz" --json >a3.json
check_eq "... with snippets too (proximity from the text the snippet was cut from)" "$(order a3.json)" \
    "near.html far.html"

# a site's text files are stored, not searched, unless --index-text
mkdir site
printf '<!DOCTYPE html><title>Home</title><p>river stone</p>\n' >site/index.html
printf 'the wombat notes\n' >site/notes.txt
"$SMZ_PACK" site -o site.smz --quiet
"$SMZ" search site.smz wombat >/dev/null 2>&1
check_eq "a site's .txt file: stored, not indexed (exit 1: no hit)" "$?" 1
check_eq "... stored as it is" "$("$SMZ" cat site.smz notes.txt)" "the wombat notes"
"$SMZ_PACK" site -o site2.smz --quiet --index-text
check_eq "--index-text: it is found" "$("$SMZ" search site2.smz wombat --no-snippets | head -1 | cut -f1)" "notes.txt"
mkdir texts
cp site/notes.txt texts/
"$SMZ_PACK" texts -o texts.smz --quiet --no-articles
check_eq "a folder of texts alone (no HTML): they are its pages, indexed" \
    "$("$SMZ" search texts.smz wombat --no-snippets | head -1 | cut -f1)" "notes.txt"
"$SMZ" search tf.smz "max_size" --json --no-snippets >c.json
check_eq "a compound: the page naming it 6 times first (its last word's frequency)" "$(order c.json)" \
    "compound6.html compound1.html"

mkdir lib
"$SMZ_PACK" "$TOP/samples" -o lib/samples.smz --quiet
"$SMZ" search lib/samples.smz Uyghur --json --no-snippets >u.json
# 001 names them 8 times, 004 3 times, 000 once (grep -c -i uyghur samples/*.txt)
check_eq "samples: Uyghur ranks 8 mentions, then 3, then 1" \
    "$(python3 -c 'import json,sys; print(" ".join(h["path"][:3] for h in json.load(open(sys.argv[1]))["results"]))' u.json)" \
    "001 004 000"
python3 -c 'import json,sys
s = [h["score"] for h in json.load(open(sys.argv[1]))["results"]]
sys.exit(not all(0 < x < 1 for x in s))' u.json
check_eq "a score without a title match is under 1 (the ideal's share)" "$?" 0

"$SMZ_PACK" manual -o lib/manual.smz --quiet --title Manual
start_server srv lib
check "the server starts" test -n "$URL"
curl -s "${URL}search?pattern=china&format=json&pageLength=20" >all.json
python3 - all.json >order.txt <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(" ".join("%s/%s" % (h.get("content", "?"), h["path"][:3]) for h in d.get("results", d.get("hits", []))))
PY
check_grep "library search: the manual's page is a hit" 'manual/his' order.txt
python3 - order.txt <<'PY'
import sys
hits = open(sys.argv[1]).read().split()
m = hits.index("manual/his")
sys.exit(not all(hits.index("samples/%03d" % i) < m for i in range(5)))
PY
check_eq "... below every China article of the samples (one mention in 900 words)" "$?" 0

done_testing
