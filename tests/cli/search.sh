# shellcheck shell=bash
# Search tests (issue: search): `smz search` and `smz suggest` on real
# archives.  English: the page a reader wants in the top three on
# postgresql-doc-15 and on the sample articles.  Chinese: manpages-zh turned
# into pages, queries of one to four characters, alone and with a Latin
# word, checked page for page against a brute-force scan of the same texts.
# The command line: JSON, exit statuses, hostile queries, --no-index.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
PG=/usr/share/doc/postgresql-doc-15/html

"$SMZ_PACK" "$PG" -o pg.smz --title "PostgreSQL 15 manual" --language eng --main-page index.html --quiet
check "postgresql-doc-15 packs with its index" test -s pg.smz
"$SMZ_PACK" "$PG" -o pgn.smz --language eng --main-page index.html --quiet --no-index
with=$(stat -c %s pg.smz); without=$(stat -c %s pgn.smz)
share=$(( (with - without) * 100 / with ))
echo "# pgdoc: $with bytes with the index, $without without: the index is $share% of the archive"
check "the index is at most 28% of the archive (Kiwix's share on this corpus)" test "$share" -le 28
check_grep "smz info shows the index share" "^Index +[0-9.]+ MB \([0-9.]+% of the file\)" <("$SMZ" info pg.smz)

# top3 QUERY PATH: PATH is among the first three hits.
top3() {
    "$SMZ" search pg.smz "$1" --json --limit 3 >hits.json 2>err.txt
    if python3 -c 'import json,sys; d=json.load(open("hits.json")); sys.exit(0 if sys.argv[1] in [h["path"] for h in d["results"]] else 1)' "$2"; then
        ok "pgdoc: '$1' finds $2 in the top three"
    else
        bad "pgdoc: '$1' finds $2 in the top three: $(python3 -c 'import json; print([h["path"] for h in json.load(open("hits.json"))["results"]])' 2>&1) $(cat err.txt)"
    fi
}
top3 "create index" sql-createindex.html
top3 "CREATE TABLE" sql-createtable.html
top3 "select" sql-select.html
top3 "vacuum" sql-vacuum.html
top3 "pg_dump" app-pgdump.html
top3 "window functions" functions-window.html
top3 "json" datatype-json.html
top3 "foreign keys" tutorial-fk.html
top3 "\"foreign key\"" tutorial-fk.html
top3 "replication slots" view-pg-replication-slots.html
top3 "alter table" sql-altertable.html
top3 "psql" app-psql.html
top3 "explain" sql-explain.html
top3 "index types" indexes-types.html
"$SMZ" search pg.smz "create index" --json --limit 1 >first.json
check_eq "the exact title comes first" "$(python3 -c 'import json; print(json.load(open("first.json"))["results"][0]["path"])')" sql-createindex.html

# The JSON the web reader and the benchmarks read.
"$SMZ" search pg.smz "create index" --json --limit 5 >j.json
check "--json prints {total, results: [{path, title, snippet, score}]}" python3 -c '
import json; d = json.load(open("j.json"))
assert isinstance(d["total"], int) and d["total"] >= 5 and len(d["results"]) == 5
for h in d["results"]:
    assert set(h) == {"path", "title", "snippet", "score"}
    assert "<b>" in h["snippet"] and "<" not in h["snippet"].replace("<b>", "").replace("</b>", "")
s = [h["score"] for h in d["results"]]; assert s == sorted(s, reverse=True)'
"$SMZ" search pg.smz "create index" --limit 2 >plain.txt
check_grep "plain output: path and title" "^sql-createindex.html	CREATE INDEX$" plain.txt
check_grep "... a snippet with the words marked" "^    .*\[(CREATE|create|index|INDEX)" plain.txt
check_grep "... and about how many pages match" "^about [0-9]+ matches$" plain.txt
"$SMZ" search pg.smz "create index" --limit 2 --no-snippets >bare.txt
check_eq "--no-snippets: the same hits, no snippet lines" "$(grep -v '^    ' plain.txt)" "$(cat bare.txt)"
"$SMZ" search pg.smz pg_restore --no-snippets --json >bare.json
check "--no-snippets --json: empty snippets; pg_restore (a compound) finds its page first" python3 -c '
import json; d = json.load(open("bare.json"))
assert d["results"][0]["path"] == "app-pgrestore.html", d["results"][0]
assert all(h["snippet"] == "" for h in d["results"])'
"$SMZ" search pg.smz "create index" --json --limit 3 --offset 2 >o.json
check "--offset skips hits" python3 -c '
import json; a = json.load(open("j.json"))["results"]; b = json.load(open("o.json"))["results"]
assert [h["path"] for h in a[2:5]] == [h["path"] for h in b], (a, b)'

# Exit statuses: 0 with hits, 1 with none, 2 on a usage error.
"$SMZ" search pg.smz vacuum >/dev/null; check_eq "exit 0 with hits" $? 0
"$SMZ" search pg.smz xyzzyplugh >none.txt; check_eq "exit 1 with none" $? 1
check_grep "... and says so" "^0 matches$" none.txt
"$SMZ" search pg.smz >/dev/null 2>&1; check_eq "exit 2 without a query" $? 2
"$SMZ" search pg.smz vacuum --limit x >/dev/null 2>&1; check_eq "exit 2 for a bad --limit" $? 2
"$SMZ" search pg.smz "" >/dev/null 2>err.txt; check_eq "exit 2 for an empty query" $? 2
check_grep "... with a message" "no words" err.txt
"$SMZ" search pgn.smz vacuum >/dev/null 2>err.txt; check_eq "exit 2 on an archive without index" $? 2
check_grep "... which says there is no index" "no search index" err.txt
"$SMZ" suggest pgn.smz vac >/dev/null 2>&1; check_eq "suggest: exit 2 there too" $? 2
"$SMZ" search nonexistent.smz vacuum >/dev/null 2>&1; check_eq "exit 2 for a missing archive" $? 2
check "search --help" "$SMZ" search --help
check "suggest --help" "$SMZ" suggest --help

# Hostile queries: no FTS5 or SQL error, bounded time, a clear message.
# shellcheck disable=SC1003 # '\' is the one-backslash query
for q in 'AND' 'OR NOT' '(' '"unclosed' 'title:vacuum' '{text}: vacuum' 'NEAR(a b)' '^vacuum' '*' \
         "'; DROP TABLE entries; --" 'vacuum)' '"a" OR "b"' '-' '- -' '\' '%' '_' 'vacuum" OR "x'; do
    "$SMZ" search pg.smz "$q" >out.txt 2>err.txt; rc=$?
    if [ $rc -le 1 ] || { [ $rc -eq 2 ] && grep -q "no words\|only excluded\|nothing" err.txt; }; then
        ok "hostile query [$q] is only text (exit $rc)"
    else
        bad "hostile query [$q]: exit $rc: $(cat err.txt)"
    fi
done
check "the archive still answers" "$SMZ" search pg.smz vacuum
many=$(python3 -c 'print(" ".join("w%d" % i for i in range(5000)))')
"$SMZ" search pg.smz "$many" >/dev/null 2>err.txt; check_eq "a query of 5000 terms: exit 2" $? 2
check_grep "... with a message about its size" "too (long|many)" err.txt
long=$(head -c 120000 /dev/zero | tr '\0' 'a')
"$SMZ" search pg.smz "$long" >/dev/null 2>err.txt; check_eq "a 120 kB query: exit 2" $? 2
check_grep "... too long" "too long" err.txt
"$SMZ" suggest pg.smz "$long" >/dev/null 2>err.txt; check_eq "suggest: a 120 kB prefix: exit 2" $? 2
"$SMZ" search pg.smz "$(printf 'vacuum \377\376')" >/dev/null 2>&1; rc=$?
check "invalid UTF-8 in a query is no error" test $rc -le 1

# Suggestions.
"$SMZ" suggest pg.smz "create ind" --json >s.json
check "suggest: 'create ind' gives CREATE INDEX first" python3 -c '
import json; d = json.load(open("s.json")); assert d["results"][0]["title"] == "CREATE INDEX", d'
"$SMZ" suggest pg.smz "VACUU" >s.txt
check_grep "suggest: case-insensitive prefix" "	VACUUM$" s.txt
check_eq "suggest: --limit" "$("$SMZ" suggest pg.smz "create" --limit 4 | wc -l)" 4
# What is typed on the way to a word whose stem is shorter than it
# ("replicati" -> "replication", stem "replic") still finds it.
"$SMZ" suggest pg.smz "Logical Replicati" --json >s.json
check "suggest: 'Logical Replicati' gives Logical Replication first" python3 -c '
import json; d = json.load(open("s.json")); assert d["results"][0]["title"].endswith("Logical Replication"), d'
"$SMZ" suggest pg.smz "replicati" >s.txt
check_grep "suggest: 'replicati' (longer than the stem) finds Replication titles" "	[0-9.]+ Replication$" s.txt
"$SMZ" search pg.smz "replicati*" --json --limit 3 >r.json
check "search: 'replicati*' finds pages titled Replication" python3 -c '
import json; d = json.load(open("r.json")); assert d["total"] >= 1 and any("Replication" in h["title"] for h in d["results"]), d'
check_eq "search: 'vacuums' finds what 'vacuum' finds (exact words by stem)" \
    "$("$SMZ" search pg.smz vacuums --no-snippets --limit 20)" "$("$SMZ" search pg.smz vacuum --no-snippets --limit 20)"

# The sample articles (plain text, English).
"$SMZ_PACK" "$TOP/samples" -o samples.smz --quiet 2>/dev/null
if [ -s samples.smz ]; then
    n=$("$SMZ" search samples.smz "human rights" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["results"]))')
    check "samples: 'human rights' finds articles" test "$n" -ge 1
    first=$("$SMZ" ls samples.smz | grep '^0.*\.html$' | head -1)
    word=$("$SMZ" cat samples.smz "$first" | python3 -c '
import re, sys, collections
t = re.sub(r"<[^>]*>", " ", sys.stdin.read())
print(collections.Counter(re.findall(r"\b[A-Z][a-z]{6,}\b", t)).most_common(1)[0][0])')
    "$SMZ" suggest samples.smz diplomati >sd.txt
    check_grep "samples: suggest 'diplomati' finds the title with 'diplomatic'" "	Human rights activists believe a diplomatic boycott" sd.txt
    # Words anywhere in a title, with what matched (issue 20).
    "$SMZ" suggest samples.smz xinj --json >sx.json
    check "samples: suggest 'xinj' offers the title with Xinjiang inside, Xinjiang marked" python3 -c '
import json; d = json.load(open("sx.json"))
hits = [(r["title"], [r["title"][a:a + n] for a, n in r["match"]]) for r in d["results"]]
assert any(t.startswith("UN And China") and m == ["Xinjiang"] for t, m in hits), hits'
    "$SMZ" suggest samples.smz olymp --json >so.json
    check "samples: suggest 'olymp' offers several titles, Olympics marked in each" python3 -c '
import json; d = json.load(open("so.json"))
hits = [[r["title"][a:a + n] for a, n in r["match"]] for r in d["results"]]
assert len(hits) >= 2 and all(m == ["Olympics"] for m in hits), hits'
    "$SMZ" suggest samples.smz "winter olymp" --json >so.json
    check "samples: suggest 'winter olymp' marks both words" python3 -c '
import json; d = json.load(open("so.json"))
hits = [[r["title"][a:a + n] for a, n in r["match"]] for r in d["results"]]
assert len(hits) >= 2 and all(m == ["Winter", "Olympics"] for m in hits), hits'
    check_eq "samples: plain output is path and title, unmarked" \
        "$("$SMZ" suggest samples.smz xinj | cut -f2)" \
        "UN And China Fabricated Mutually Convenient Stalemate Over Xinjiang Human Rights Report"
    if command -v script >/dev/null; then
        script -qec "\"$SMZ\" suggest samples.smz xinj" /dev/null >tty.txt
        check_grep "samples: on a terminal the matched word is bold" "Over .\[1mXinjiang.\[0m Human" tty.txt
    fi
    "$SMZ" search samples.smz "diplomati*" --no-snippets >sd.txt
    check_grep "samples: search 'diplomati*' finds it too" "^001_[0-9a-f]+\.html	Human rights activists" sd.txt
    check_eq "samples: 'activists' and 'activist' find the same pages" \
        "$("$SMZ" search samples.smz activists --no-snippets)" "$("$SMZ" search samples.smz activist --no-snippets)"
    "$SMZ" search samples.smz "$word" --json --limit 3 >sa.json
    check "samples: '$word' finds the article that uses it most in the top three" python3 -c '
import json, sys; d = json.load(open("sa.json"))
assert any(h["path"] == sys.argv[1] for h in d["results"]), d' "$first"
else
    bad "samples/ packs"
fi

# Chinese: every page that contains the query, and no other.
python3 "$TOP/tests/tools/zh_pages.py" zh/site 400 >/dev/null
"$SMZ_PACK" zh/site -o zh.smz --title "中文手册页" --language zho --quiet \
    --main-page "$(ls zh/site | head -1)"
check "manpages-zh pages pack" test -s zh.smz
python3 "$TOP/tests/tools/zh_recall.py" "$SMZ" zh.smz zh/texts.json 12 || fails=$((fails + 1))
"$SMZ" suggest zh.smz "手册" --json >zs.json
check "suggest: Chinese titles holding the characters typed" python3 -c '
import json; d = json.load(open("zs.json")); assert d["results"] and all("手册" in h["title"] for h in d["results"]), d'
check "suggest: ... each with those characters marked" python3 -c '
import json; d = json.load(open("zs.json"))
assert all("手册" in [h["title"][a:a + n] for a, n in h["match"]] for h in d["results"]), d'
done_testing
