# shellcheck shell=bash
# Simplified and traditional Chinese folded together (lib/search/hanfold.c),
# from the command line and through the server: a folder with one page in
# each script, `smz search` and `smz suggest` in either script (and both
# mixed) find both pages, index-only (two characters) and checked (three,
# phrases, exclusions); the snippet of the other script's page marks its own
# characters.  Then smz serve answers 20 such requests and the WebAssembly
# module under node gives the same bytes (tests/wasm/core_smoke.js): the
# browser reader folds as the server does.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"

mkdir -p h
cat >h/simp.html <<'EOF'
<html><head><meta charset="utf-8"><title>新疆维吾尔自治区</title></head>
<body><p>新疆维吾尔自治区位于中国西北部。台湾是一个岛屿。她的头发很长。</p></body></html>
EOF
cat >h/trad.html <<'EOF'
<html><head><meta charset="utf-8"><title>新疆維吾爾自治區</title></head>
<body><p>新疆維吾爾自治區位於中國西北部。臺灣是一個島嶼。她的頭髮很長。</p></body></html>
EOF
cat >h/other.html <<'EOF'
<html><head><meta charset="utf-8"><title>Other</title></head><body><p>東西 and nothing else.</p></body></html>
EOF
check "the pages pack" "$SMZ_PACK" h -o h.smz --quiet --language zho

# both QUERY: the paths smz search finds, sorted, are simp.html and trad.html.
both() {
    local got
    got=$("$SMZ" search h.smz "$1" --json | python3 -c 'import json,sys; print(" ".join(sorted(h["path"] for h in json.load(sys.stdin)["results"])))')
    check_eq "'$1' finds the page in each script" "$got" "simp.html trad.html"
}
for q in 新疆 台湾 臺灣 台灣 维吾 維吾 维吾尔 維吾爾 维吾爾 '"自治区位于"' '"臺灣是一個"' '"頭髮很長"' '维吾尔 臺灣'; do
    both "$q"
done
"$SMZ" search h.smz '新疆 -臺灣' >none.txt
check_eq "an excluded word is excluded in both scripts" "$(grep -c '\.html' none.txt)" 0
"$SMZ" search h.smz '东西' >other.txt
check_grep "东西 finds 東西" "^other.html" other.txt

"$SMZ" search h.smz 维吾尔 --json >snip.json
check "the traditional page's snippet marks 維吾爾 for 维吾尔" python3 -c '
import json; d = json.load(open("snip.json"))
s = {h["path"]: h["snippet"] for h in d["results"]}
assert "新疆<b>維吾爾</b>自治區" in s["trad.html"], s
assert "新疆<b>维吾尔</b>自治区" in s["simp.html"], s'
"$SMZ" search h.smz 臺灣 >plain.txt
check_grep "plain output marks 台湾 for 臺灣" "\[台湾\]是一个" plain.txt

"$SMZ" suggest h.smz 新疆維 --json >sug.json
check "suggest 新疆維: both titles, the first three characters of each marked" python3 -c '
import json; d = json.load(open("sug.json"))
got = sorted((h["title"], h["match"]) for h in d["results"])
assert got == [("新疆維吾爾自治區", [[0, 3]]), ("新疆维吾尔自治区", [[0, 3]])], got'

# The server and the WebAssembly module: the same answers (the module has
# the message catalogues inside, the server the build's).
start_server h h.smz --hostname reader.smz
check "smz serve starts" test -n "$URL"
enc() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }
: >requests.tsv
n=0
for q in 台湾 臺灣 台灣 维吾尔 維吾爾 '"自治區位於"' '新疆 -臺灣' 頭髮; do
    n=$((n + 1))
    printf 'search-%d\tGET\t/search?content=h&pattern=%s\t\texact\n' "$n" "$(enc "$q")" >>requests.tsv
    printf 'json-%d\tGET\t/search?content=h&pattern=%s&format=json\t\texact\n' "$n" "$(enc "$q")" >>requests.tsv
done
for q in 新疆維 维吾尔自治 自治區 臺; do
    n=$((n + 1))
    printf 'suggest-%d\tGET\t/suggest?content=h&term=%s\t\texact\n' "$n" "$(enc "$q")" >>requests.tsv
done
mkdir -p want
while IFS=$'\t' read -r name _ target _; do
    curl -s --http1.1 -i -H 'Host: reader.smz' -H 'User-Agent:' -H 'Accept:' "http://127.0.0.1:$PORT$target" \
        >"want/$name.http"
done <requests.tsv
check_grep "the results page of 臺灣 shows the simplified page" "新疆维吾尔自治区" want/search-2.http
check_grep "... and the traditional one" "新疆維吾爾自治區" want/search-2.http
MOD=$TOP/build-wasm/smz-core.js
if [ -f "$MOD" ] && command -v node >/dev/null; then
    node "$TOP/tests/wasm/core_smoke.js" "$MOD" h.smz requests.tsv want
    check "the WebAssembly module folds as smz serve does (node exits cleanly)" test $? -eq 0
else
    echo "# SKIP: build-wasm/smz-core.js is not built (make wasm-core), or no node"
fi
done_testing
