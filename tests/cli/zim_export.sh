# shellcheck shell=bash
# ZIM export (issue 24): `smz extract ARCHIVE --format zim -o FILE` on the
# samples (with a Markdown article and a chain of redirects), the PostgreSQL
# manual and manpages-zh pages.  Each ZIM passes `zimcheck -A`; `zimdump`'s
# listing (paths, MIME types, sizes, titles, redirect targets) and bytes
# equal `smz ls --long` and `smz extract`; its metadata (read from the file
# by tests/tools/zim_meta.py) is the archive's, Language in ISO 639-3;
# kiwix-serve serves it and its search and suggestions find our pages; the
# same archive gives the same bytes twice; a bad output path, a full disk
# (a file size limit) and an interrupt leave nothing behind.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh" # free_port

SMZ_ZIM=$(dirname "$SMZ")/smz-zim
for tool in "$SMZ_ZIM" zimcheck zimdump kiwix-serve curl zstd; do
    if ! command -v "$tool" >/dev/null; then
        bad "$tool is missing (make deps-test installs zim-tools and kiwix-tools; make builds smz-zim)"
        done_testing
    fi
done

# compare NAME: NAME.smz against NAME.zim.
compare() {
    n=$1
    zimcheck -A "$n.zim" >"$n.zimcheck" 2>&1
    st=$?
    if [ $st -eq 0 ] && grep -q 'Overall Test Status: Pass' "$n.zimcheck" && ! grep -q '\[ERROR\]' "$n.zimcheck"; then
        ok "$n: zimcheck -A passes"
    else
        bad "$n: zimcheck -A: $(grep -E 'ERROR|Fail' "$n.zimcheck" | head -5)"
    fi
    "$SMZ" ls --long "$n.smz" >"$n.ls"
    zimdump list --details "$n.zim" >"$n.zl"
    check "$n: zimdump's entries are smz ls's (path, MIME type, size, title, redirect target)" \
        python3 - "$n.ls" "$n.zl" <<'PY'
import sys
want = []
for line in open(sys.argv[1], encoding="utf-8"):
    path, kind, size, title = line.rstrip("\n").split("\t")
    # ZIM has no empty title: libzim gives the path instead
    want.append((path, kind, int(size), title or path))
got, cur = [], None
for line in open(sys.argv[2], encoding="utf-8"):
    line = line.rstrip("\n")
    if line.startswith("path: "):
        cur = {"path": line[6:]}
        got.append(cur)
    elif line.startswith("* "):
        k, _, v = line[2:].partition(":")
        cur[k.strip()] = v.strip()
by_idx = {int(e["idx"]): e["path"] for e in got}
have = []
for e in got:
    if e["type"] == "redirect":
        have.append((e["path"], "-> " + by_idx[int(e["redirect index"])], 0, e["title"]))
    else:
        have.append((e["path"], e["mime-type"], int(e["item size"]), e["title"]))
if sorted(have) != sorted(want):
    a, b = set(have), set(want)
    sys.exit("only in the ZIM: %s\nonly in the archive: %s" % (sorted(a - b)[:5], sorted(b - a)[:5]))
PY
    rm -rf "$n.zd" "$n.sd"
    zimdump dump --dir="$n.zd" --redirect "$n.zim" >/dev/null 2>&1
    "$SMZ" extract "$n.smz" -o "$n.sd" 2>/dev/null
    check "$n: every entry's bytes in the ZIM are smz cat's (zimdump dump against smz extract)" \
        diff -r "$n.zd" "$n.sd"
    main=$("$SMZ" info "$n.smz" | awk '$1 == "MainPage" {print $2}')
    check "$n: the main page is the archive's ($main)" grep -qx "main page: $main" <(zimdump info "$n.zim")
    zimdump show --url="$main" "$n.zim" >"$n.main"
    "$SMZ" cat "$n.smz" "$main" >"$n.main.smz"
    check "$n: zimdump show of the main page is smz cat's" cmp "$n.main" "$n.main.smz"
    # Metadata: each key the archive has, as the archive has it.
    python3 "$TOP/tests/tools/zim_meta.py" "$n.zim" >"$n.meta"
    "$SMZ" info --json "$n.smz" >"$n.info"
    check "$n: the metadata is the archive's (Language in ISO 639-3, Tags with _ftindex)" \
        python3 - "$n.info" "$n.meta" "$2" "$3" <<'PY'
import json, sys
info = json.load(open(sys.argv[1]))["metadata"]
meta = dict(l.rstrip("\n").split("\t", 1) for l in open(sys.argv[2], encoding="utf-8"))
lang, ftindex = sys.argv[3], sys.argv[4]
for k in ("Title", "Description", "Creator", "Publisher", "Date", "Source", "License", "Name"):
    if k in info:
        assert meta.get(k) == info[k], (k, meta.get(k), info[k])
assert meta["Language"] == lang, meta["Language"]
tags = info.get("Tags")
assert meta["Tags"] == (tags + ";" if tags else "") + "_ftindex:" + ftindex, meta["Tags"]
for k in ("MainPage", "Generated", "UUID", "Digest"):
    assert k not in meta, k
PY
}

# --- the samples: text and Markdown articles, redirects, every metadata key we have ---
cp -r "$TOP/samples" s
printf '# Notes\n\nSome *Markdown* text about **Olympics** boycotts.\n' >s/notes.md
printf 'latest.html\tLatest report\t%s\nnewest.html\tNewest\tlatest.html\n' \
    "$(cd s && ls ./*.txt | head -1 | sed 's|^\./||; s/\.txt$/.html/')" >redirects.tsv
"$SMZ_PACK" s -o samples.smz --redirects redirects.tsv --source https://example.org/news \
    --license CC-BY-4.0 --date 2024-05-06 --quiet
"$SMZ" extract samples.smz --format zim -o samples.zim 2>samples.err
check "samples: smz extract --format zim writes a ZIM" test -s samples.zim
compare samples eng yes
ill_zim=$(awk -F'\t' '$1 == "Illustration_48x48@1" {print $2}' samples.meta)
check_eq "samples: the illustration is a 359-byte 48x48 PNG (the packer's)" "${ill_zim%% *}" "359"
check_grep "samples: the redirect chain stays a chain (newest -> latest)" '^newest.html	-> latest.html' samples.ls
# Generated article pages keep their looks: the rendered HTML and its style.
check_grep "samples: the Markdown article is in the ZIM rendered, with its style" '<style>' samples.zd/notes.html
check_grep "samples: ... and its Markdown rendered" '<strong>Olympics</strong>' samples.zd/notes.html

# --- the same archive, the same bytes ---
"$SMZ" extract samples.smz --format zim -o again.zim
check "samples: the same archive gives the same ZIM, byte for byte (indexes included)" cmp samples.zim again.zim
"$SMZ" extract samples.smz --format zim -o noidx.zim --no-index
"$SMZ" extract samples.smz --format zim -o noidx2.zim --no-index
check "samples: --no-index: the same bytes twice" cmp noidx.zim noidx2.zim
check "samples: --no-index gives a smaller file" test "$(stat -c %s noidx.zim)" -lt "$(stat -c %s samples.zim)"
python3 "$TOP/tests/tools/zim_meta.py" noidx.zim >noidx.meta
check_grep "samples: --no-index: Tags say _ftindex:no" '^Tags	.*;_ftindex:no$' noidx.meta
check "samples: --no-index: zimcheck -A passes" zimcheck -A noidx.zim
u1=$(zimdump info samples.zim | awk '$1 == "uuid:" {print $2}')
u2=$(zimdump info noidx.zim | awk '$1 == "uuid:" {print $2}')
check "samples: with and without indexes, two UUIDs" test "$u1" != "$u2"
"$SMZ" extract samples.smz --format zim -o pinned.zim --uuid 0123456789abcdef0123456789abcdef --date 2020-01-02
check_eq "samples: --uuid sets the ZIM's UUID" "$(zimdump info pinned.zim | awk '$1 == "uuid:" {print $2}')" \
    "01234567-89ab-cdef-0123-456789abcdef"
check_grep "samples: --date sets Date" '^Date	2020-01-02$' <(python3 "$TOP/tests/tools/zim_meta.py" pinned.zim)

# --- manpages-zh: Chinese pages, Language zho ---
python3 "$TOP/tests/tools/zh_pages.py" zh/site 120 >/dev/null
"$SMZ_PACK" zh/site -o zh.smz --title "中文手册页" --description "Debian 的中文手册页" --language zho \
    --creator "manpages-zh" --publisher "Samizdat tests" --quiet --main-page "$(ls zh/site | head -1)"
"$SMZ" extract zh.smz --format zim -o zh.zim 2>zh.err
compare zh zho yes

# --- the PostgreSQL manual (1,173 pages) ---
"$SMZ_PACK" /usr/share/doc/postgresql-doc-15/html -o pgdoc.smz --title "PostgreSQL 15 manual" \
    --description "The PostgreSQL documentation" --language en --main-page index.html \
    --creator "PostgreSQL Global Development Group" --publisher "Samizdat tests" --quiet
"$SMZ" extract pgdoc.smz --format zim -o pgdoc.zim --threads 2 2>pgdoc.err
compare pgdoc eng yes

# --- kiwix-serve serves the three and finds our pages ---
PORT=$(free_port)
kiwix-serve --address=127.0.0.1 --port="$PORT" samples.zim zh.zim pgdoc.zim >kiwix.out 2>&1 &
KPID=$!
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 0.2; done
K=http://127.0.0.1:$PORT
check_eq "kiwix-serve: the samples' Markdown article is served" \
    "$(curl -s -o /dev/null -w '%{http_code}' "$K/samples/notes.html")" 200
curl -s "$K/raw/samples/content/notes.html" >k_notes.html
check "kiwix-serve: ... with the bytes smz cat gives (its /raw/)" cmp k_notes.html samples.zd/notes.html
curl -s "$K/search?content=samples&pattern=Xinjiang" >k_s.html
check_grep "kiwix-serve: search 'Xinjiang' finds the samples' article" 'href="/samples/004_[0-9a-f]+\.html"' k_s.html
curl -s "$K/search?content=pgdoc&pattern=vacuum%20freeze" >k_pg.html
check_grep "kiwix-serve: search 'vacuum freeze' finds the manual's VACUUM page" 'href="/pgdoc/sql-vacuum\.html"' k_pg.html
curl -s "$K/suggest?content=samples&term=Latest" >k_sug.json
check_grep "kiwix-serve: suggestions find a redirect by its title" '"path" : "latest.html"' k_sug.json
zh_word=$(python3 -c 'import json; d = json.load(open("zh/texts.json")); print(sorted(d.values())[0].split("\n")[0][:2])')
curl -s -G "$K/search" --data-urlencode "content=zh" --data-urlencode "pattern=$zh_word" >k_zh.html
check_grep "kiwix-serve: a Chinese search ('$zh_word') finds manpages-zh pages" 'href="/zh/[^"]+\.html"' k_zh.html
kill "$KPID" 2>/dev/null
wait "$KPID" 2>/dev/null

# --- failures leave nothing behind ---
leftovers() { find . -maxdepth 2 -name '*.smz-zim-*' | head -3; }
"$SMZ" extract samples.smz --format zim -o no/such/dir/x.zim 2>bad.err
check "a bad output path fails" test $? -ne 0
check_grep "... with a clear message" 'no/such/dir/x.zim: cannot write beside it: No such file or directory' bad.err
check "... and writes nothing" test ! -e no
"$SMZ" extract samples.smz --format zim -o - 2>dash.err
check_grep "standard output is refused" 'written to a file, not to standard output' dash.err
echo keep >kept.zim
(trap '' XFSZ; ulimit -f 40; "$SMZ" extract pgdoc.smz --format zim -o kept.zim) 2>full.err
check "a full disk (a 40 KiB file size limit) fails" test $? -ne 0
# libzim says "Error writing" when its writer thread's failure reaches the
# call; when the call was waiting on libzim's queue, lib/zim/zim_write.cpp
# finds the writer stopped and says so.
check_grep "... with a clear message" '^smz extract: kept.zim: .*(Error writing|File too large|disk is full|a full disk or a file size limit)' full.err
check_eq "... the file at the output is untouched" "$(cat kept.zim)" keep
check_eq "... and nothing is left beside it" "$(leftovers)" ""
"$SMZ_ZIM" pgdoc.smz -o int.zim 2>int.err &
ZPID=$!
sleep 1
kill -INT "$ZPID"
wait "$ZPID"
st=$?
check "an interrupted export fails" test "$st" -ne 0
check "... and leaves no file" test ! -e int.zim
check_eq "... nor its folder" "$(leftovers)" ""
"$SMZ" extract samples.smz --format zim -o x.zim --uuid nothex 2>uuid.err
check_grep "a bad --uuid is refused" 'not 32 hex digits' uuid.err
done_testing
