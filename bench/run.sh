#!/bin/bash
# Samizdat benchmarks: smz against zimwriterfs / zimdump / kiwix-search / kiwix-serve,
# tar|zstd (the size floor) and nginx (the serving ceiling), every figure measured in
# the same run.  `make bench` installs the tools (scripts/deps.sh bench) and builds first.
#
# Environment:
#   BENCH_QUICK=1          leave out the 1M-entry scale point (development)
#   BENCH_ONLY=a,b         only these sections: pack scale read search recall relevance serve
#   BENCH_RUNS=N           runs per pack / wrk / start-up measurement (default 3; medians)
#   BENCH_OUT=DIR          where the results go (default bench/results)
# Writes DIR/YYYY-MM-DD.md (the table) and DIR/YYYY-MM-DD.raw.txt (every command and
# its raw output), and points the "Latest results" line of docs/BENCHMARKS.md at them when DIR is
# the default.  Scratch space is bench/work/ (gitignored; about 5 GB with the 1M-entry
# corpus, which is kept for the next run; its archives are deleted after use).  Servers
# listen on 127.0.0.1 only; every load test is bounded in time (wrk -d10s).
set -uo pipefail
export LC_ALL=C.UTF-8

cd "$(dirname "$0")/.." || exit 1
ROOT=$PWD
B=$ROOT/bench
W=$B/work
QUICK=${BENCH_QUICK:-0}
ONLY=${BENCH_ONLY:-pack,scale,read,search,recall,relevance,serve}
RUNS=${BENCH_RUNS:-3}
OUT=${BENCH_OUT:-$B/results}
DATE=$(date +%F)
RAW=$OUT/$DATE.raw.txt
TSV=$W/results.tsv
SMZ=$ROOT/bin/smz
PACK=$ROOT/bin/smz-pack
PY=python3
SERVER_PIDS=()
T0=$(date +%s)

mkdir -p "$W/bin" "$W/corpus" "$W/arch" "$OUT"
: >"$TSV"
: >"$RAW"

say() { printf '[%s] %s\n' "$(date +%T)" "$*" | tee -a "$RAW" >&2; }
die() { say "error: $*"; exit 1; }
want() { [[ ",$ONLY," == *",$1,"* ]]; }
# section NAME: the section's header, with the load average (the machine may be shared).
section() { say "== $1 (load average $(cut -d' ' -f1-3 /proc/loadavg))"; }
# rec SECTION CORPUS METRIC TOOL VALUE: one measurement (NA when not measured).
rec() { printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$TSV"; }
# na SECTION CORPUS TOOL METRIC...: NA for each metric.
na() { local s=$1 c=$2 t=$3 m; shift 3; for m in "$@"; do rec "$s" "$c" "$m" "$t" NA; done; }
# note SECTION TEXT: a line printed under the table.
note() { printf 'note\t%s\t%s\n' "$1" "$2" >>"$TSV"; say "note ($1): $2"; }
# kv FILE KEY: the value of "KEY value" in FILE.
kv() { awk -v k="$2" '$1 == k { print $2 }' "$1"; }
# reckv SECTION CORPUS TOOL FILE KEY=METRIC...: records the values of FILE's keys.
reckv() {
    local s=$1 c=$2 t=$3 f=$4 x v
    shift 4
    for x in "$@"; do
        v=$(kv "$f" "${x%%=*}")
        rec "$s" "$c" "${x#*=}" "$t" "${v:-NA}"
    done
}

stop_servers() {
    local p
    for p in "${SERVER_PIDS[@]}"; do
        kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    SERVER_PIDS=()
}
trap 'stop_servers' EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- setup
PATH=$PATH:/usr/sbin
for t in zimwriterfs zimdump kiwix-search kiwix-serve wrk hyperfine nginx zstd tar python3 cc; do
    command -v "$t" >/dev/null || die "$t is missing: run 'make deps-bench' (scripts/deps.sh bench)"
done
[ -x /usr/bin/time ] || die "/usr/bin/time is missing: run 'make deps-bench'"
{ [ -x "$SMZ" ] && [ -x "$PACK" ] && [ -f build/libsmz.a ]; } || die "build first: make"

# The library-level programs; same flags as the Makefile.
PKGS="libzstd libarchive sqlite3 libsodium libxml-2.0 libcmark libmagic uchardet icu-i18n icu-uc"
build_c() { # build_c NAME: bench/NAME.c against build/libsmz.a
    # shellcheck disable=SC2046,SC2086
    cc -std=c11 -D_DEFAULT_SOURCE -D_GNU_SOURCE -Wall -Wextra -O2 -Iinclude $(pkg-config --cflags $PKGS) \
        -o "$W/bin/$1" "bench/$1.c" build/libsmz.a $(pkg-config --libs $PKGS) -lcivetweb -lpthread -lm 2>>"$RAW"
}
build_cxx() { # build_cxx NAME: bench/NAME.cpp against libzim
    # shellcheck disable=SC2046
    c++ -std=c++17 -O2 -o "$W/bin/$1" "bench/$1.cpp" $(pkg-config --cflags --libs libzim) 2>>"$RAW"
}
build_c latency || die "cannot build bench/latency.c (see $RAW)"
HAVE_ZIMLIB=0
if pkg-config --exists libzim && command -v c++ >/dev/null; then
    build_cxx latency_zim && build_cxx search_zim && build_cxx rank_zim && HAVE_ZIMLIB=1
fi

# What of ours exists in this tree?  Everything missing is "not available yet" in the
# table while the peers are still measured.
HAVE_INDEX=0 # smz-pack builds the full-text index
mkdir -p "$W/probe" && echo '<html><title>t</title>probe</html>' >"$W/probe/index.html"
"$PACK" "$W/probe" -o "$W/probe.smz" --quiet >>"$RAW" 2>&1 && HAVE_INDEX=1
rm -rf "$W/probe" "$W/probe.smz"
HAVE_SEARCH=0; "$SMZ" search --help >/dev/null 2>&1 && HAVE_SEARCH=1
HAVE_SUGGEST=0; "$SMZ" suggest --help >/dev/null 2>&1 && HAVE_SUGGEST=1
HAVE_SERVE=0; "$SMZ" serve --help >/dev/null 2>&1 && HAVE_SERVE=1
# The search library (smz_search in libsmz.a; until it lands, smz serve links stubs
# and answers every search with nothing).
HAVE_SEARCHLIB=0
nm build/libsmz.a 2>/dev/null | grep -E ' T smz_search$' >/dev/null && build_c search_smz && HAVE_SEARCHLIB=1
if [ "$HAVE_INDEX" = 1 ]; then MAIN=smz; PEER=zimwriterfs; else MAIN=smz-noindex; PEER=zimwriterfs-noindex; fi

{
    echo "# samizdat bench $DATE  commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- lib include packer reader server 2>/dev/null || echo '+uncommitted')"
    echo "# $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo) RAM, Linux $(uname -r)"
    echo "# $(zimwriterfs -V 2>&1 | grep -m1 .), $(zimwriterfs -V 2>&1 | grep -m1 libzim), $(kiwix-serve -V 2>&1 | grep -m1 .), $(nginx -v 2>&1), $(zstd -V | sed 's/^[*]* //; s/, by.*//'), $(wrk -v 2>&1 | awk 'NR==1 {print $1, $2}'), $(hyperfine -V), SQLite $(pkg-config --modversion sqlite3)"
    echo "# index=$HAVE_INDEX search=$HAVE_SEARCH suggest=$HAVE_SUGGEST searchlib=$HAVE_SEARCHLIB serve=$HAVE_SERVE libzim-programs=$HAVE_ZIMLIB quick=$QUICK runs=$RUNS only=$ONLY"
} >>"$RAW"
say "sections: $ONLY; runs: $RUNS; quick: $QUICK; index: $HAVE_INDEX; search: $HAVE_SEARCH; search library: $HAVE_SEARCHLIB; serve: $HAVE_SERVE"

# ---------------------------------------------------------------- corpora
# Every tool packs the same scratch copy (symlinks resolved: python's docs link
# jquery.js outside the tree) with a 48x48 illustration added, since zimwriterfs
# takes the illustration only from inside the folder.
corpus() { # corpus NAME -> prints the folder, creating it if needed
    local name=$1 dir=$W/corpus/$1 src=""
    case $name in
        samples) src=$ROOT/samples ;;
        pgdoc) src=/usr/share/doc/postgresql-doc-15/html ;;
        pydoc) src=/usr/share/doc/python3.11/html ;;
        manzh) src=/usr/share/man/zh_CN ;;
        gen-*) ;;
        *) die "unknown corpus $name" ;;
    esac
    if [ ! -f "$dir/illustration-48.png" ]; then
        rm -rf "$dir" "$dir.tmp"
        if [ "$name" = manzh ]; then
            [ -d "$src" ] || die "$src is missing (Debian manpages-zh): run 'make deps-bench'"
            $PY bench/man2html.py "$src" "$dir" >>"$RAW" 2>&1 || die "man2html.py failed"
        elif [ -n "$src" ]; then
            [ -d "$src" ] || die "$src is missing: run 'make deps-bench'"
            cp -rL "$src" "$dir" 2>>"$RAW" || true
        else
            local n=${name#gen-}
            n=${n/k/000}; n=${n/M/000000}
            say "generating $name ($n articles)"
            $PY bench/gen_articles.py "$dir.tmp" "$n" >>"$RAW" 2>&1 || die "gen_articles.py failed"
            mv "$dir.tmp" "$dir"
        fi
        sync
        $PY bench/util.py png48 "$dir/illustration-48.png"
    fi
    echo "$dir"
}
# Copies are made afresh each run; generated corpora are kept while the generator
# is unchanged (they are deterministic).
rm -rf "$W/corpus/samples" "$W/corpus/pgdoc" "$W/corpus/pydoc" "$W/corpus/manzh"
GEN_STAMP=$(cat bench/gen_articles.py bench/util.py | sha256sum | cut -c1-16)
if [ "$(cat "$W/corpus/.gen-stamp" 2>/dev/null)" != "$GEN_STAMP" ]; then
    rm -rf "$W"/corpus/gen-* "$W/fifty"
    echo "$GEN_STAMP" >"$W/corpus/.gen-stamp"
fi
# Archives are always made in this run: none is left from an earlier one.
rm -rf "$W/arch" && mkdir -p "$W/arch"
main_page() { # the welcome page both packers are given
    if [ -f "$1/index.html" ]; then echo index.html; else (cd "$1" && find . -type f ! -name 'illustration-48.png' -printf '%P\n' | sort | head -1); fi
}
lang_of() { case $1 in manzh) echo zho ;; *) echo eng ;; esac; }

# pack_argv TOOL DIR OUT NAME: sets PCMD to the command that packs DIR into OUT.
pack_argv() {
    local tool=$1 dir=$2 out=$3 name=$4 mp lang
    mp=$(main_page "$dir")
    lang=$(lang_of "$name")
    local meta=(--title "bench $name" --description "benchmark corpus $name" --language "$lang"
                --creator bench --publisher bench --name "$name")
    local zmeta=(-w "$mp" -I illustration-48.png -l "$lang" -t "bench $name" -d "benchmark corpus $name"
                 -c bench -p bench -n "$name")
    # shellcheck disable=SC2016
    case $tool in
        smz) PCMD=("$PACK" "$dir" -o "$out" --quiet "${meta[@]}" --illustration "$dir/illustration-48.png" --main-page "$mp") ;;
        smz-noindex) PCMD=("$PACK" "$dir" -o "$out" --quiet --no-index "${meta[@]}" --illustration "$dir/illustration-48.png" --main-page "$mp") ;;
        # format 2 (issue 22): the same packer writing the version before, side by side
        smz-v2) PCMD=("$PACK" "$dir" -o "$out" --quiet --format-version 2 "${meta[@]}" --illustration "$dir/illustration-48.png" --main-page "$mp") ;;
        smz-v2-noindex) PCMD=("$PACK" "$dir" -o "$out" --quiet --format-version 2 --no-index "${meta[@]}" --illustration "$dir/illustration-48.png" --main-page "$mp") ;;
        zimwriterfs) PCMD=(zimwriterfs "${zmeta[@]}" "$dir" "$out") ;;
        zimwriterfs-noindex) PCMD=(zimwriterfs -j "${zmeta[@]}" "$dir" "$out") ;;
        tar-zstd) PCMD=(sh -c 'tar --sort=name -C "$1" -cf - . | zstd -19 --long=27 -T0 -q -f -o "$2"' sh "$dir" "$out") ;;
    esac
}
ext_of() { case $1 in smz*) echo smz ;; zim*) echo zim ;; tar-zstd) echo tar.zst ;; esac; }
arch() { echo "$W/arch/$1/$2.$(ext_of "$1")"; } # arch TOOL CORPUS

# timed_pack SECTION CORPUS TOOL DIR: one timed pack; records wall, cpu, sys, rss, bytes.
timed_pack() {
    local sec=$1 name=$2 tool=$3 dir=$4 out tf=$W/time.out rc e u s m
    out=$(arch "$tool" "$name")
    mkdir -p "$(dirname "$out")"
    rm -f "$out"
    sync # write-back of earlier output must not overlap this measurement
    say "  $sec $name: $tool"
    pack_argv "$tool" "$dir" "$out" "$name"
    { printf '$'; printf ' %q' "${PCMD[@]}"; echo; } >>"$RAW"
    /usr/bin/time -f '%e %U %S %M' -o "$tf" "${PCMD[@]}" >>"$RAW" 2>&1
    rc=$?
    cat "$tf" >>"$RAW"
    if [ $rc -ne 0 ] || [ ! -s "$out" ]; then
        note "$sec" "$tool failed on $name (exit $rc); see the raw output"
        na "$sec" "$name" "$tool" wall cpu rss bytes
        return 1
    fi
    read -r e u s m < <(tail -1 "$tf")
    rec "$sec" "$name" wall "$tool" "$e"
    rec "$sec" "$name" cpu "$tool" "$(awk -v u="$u" -v s="$s" 'BEGIN { print u + s }')"
    rec "$sec" "$name" sys "$tool" "$s"
    rec "$sec" "$name" rss "$tool" "$m"
    rec "$sec" "$name" bytes "$tool" "$(stat -c %s "$out")"
}

# ensure TOOL CORPUS: the archive, packed now if an earlier section did not.
ensure() {
    local f
    f=$(arch "$1" "$2")
    [ -s "$f" ] || timed_pack prep "$2" "$1" "$(corpus "$2")" >/dev/null || return 1
    echo "$f"
}

# start_server NAME URL_TO_WAIT_FOR ARGV...: starts it in the background (SPID).
start_server() {
    local name=$1 url=$2
    shift 2
    echo "\$ $*" >>"$RAW"
    "$@" >>"$W/$name.log" 2>&1 &
    SPID=$!
    SERVER_PIDS+=("$SPID")
    $PY bench/util.py wait "$url" 60 2>>"$RAW"
}

# ---------------------------------------------------------------- pack
if want pack; then
    section pack
    TOOLS="smz-noindex zimwriterfs zimwriterfs-noindex tar-zstd smz-v2-noindex"
    [ "$HAVE_INDEX" = 1 ] && TOOLS="smz $TOOLS smz-v2"
    for c in samples pgdoc pydoc gen-10k; do
        dir=$(corpus "$c")
        for ((r = 1; r <= RUNS; r++)); do
            for t in $TOOLS; do
                # tar | zstd is the size floor: its size does not vary, one run is enough
                [ "$t" = tar-zstd ] && [ $r -gt 1 ] && continue
                timed_pack pack "$c" "$t" "$dir"
            done
        done
        [ "$HAVE_INDEX" = 1 ] || na pack "$c" smz wall cpu rss bytes
    done
    [ "$HAVE_INDEX" = 1 ] || note pack "smz-pack cannot build the full-text index yet: the indexed 'smz' rows are not available yet"
    nhtml=$(find "$(corpus samples)" -name '*.html' | wc -l)
    [ "$nhtml" = 0 ] && note pack "samples/ holds plain-text articles: smz-pack renders them as HTML pages and indexes them, zimwriterfs stores them as text/plain and indexes nothing, so the samples rows do not compare like with like"
fi

# ---------------------------------------------------------------- scale
if want scale; then
    section scale
    POINTS="gen-10k gen-100k"
    [ "$QUICK" = 1 ] || POINTS="$POINTS gen-1M"
    [ "$QUICK" = 1 ] && note scale "BENCH_QUICK=1: the 1M-entry point was left out"
    df -h "$W" >>"$RAW"
    for c in $POINTS; do
        dir=$(corpus "$c")
        runs=$RUNS
        # time budget: the 100k point at most twice (median of 2 = mean), the 1M point once
        [ "$c" = gen-100k ] && [ "$runs" -gt 2 ] && runs=2
        [ "$c" = gen-1M ] && runs=1
        if [ "$c" = gen-10k ] && want pack; then
            # the pack section measured exactly this already
            awk -F'\t' -v m="$MAIN" -v p="$PEER" '$1 == "pack" && $2 == "gen-10k" && ($4 == m || $4 == p) \
                { OFS = "\t"; $1 = "scale"; print }' "$TSV" >"$W/tsv.tmp" && cat "$W/tsv.tmp" >>"$TSV"
            runs=0
        fi
        for ((r = 1; r <= runs; r++)); do
            for t in $MAIN $PEER; do timed_pack scale "$c" "$t" "$dir"; done
        done
        rec scale "$c" entries - "$(find "$dir" -type f | wc -l)"
        rec scale "$c" input_bytes - "$(du -sb --apparent-size "$dir" | cut -f1)"
        # The generated corpora stay for the next run (deterministic, rebuilt only when
        # the generator changes): deleting the 1M files took 15 minutes on this disk,
        # making them 2.5.  `rm -rf bench/work` gives back the space (about 5 GB).
        [ "$c" = gen-1M ] && df -h "$W" >>"$RAW"
    done
    note scale "runs: 10k as in the pack section ($RUNS), 100k at most 2 (the mean when 2), 1M once: the 1M point alone takes half of the time budget"
fi

# ---------------------------------------------------------------- read
if want read; then
    section read
    for c in pgdoc pydoc gen-10k gen-1M; do
        if [ "$c" = gen-1M ] && { [ ! -s "$(arch $MAIN gen-1M)" ] || [ ! -s "$(arch $PEER gen-1M)" ]; }; then continue; fi
        a=$(ensure "$MAIN" "$c") && z=$(ensure "$PEER" "$c") || { note read "no archives for $c"; continue; }
        "$SMZ" ls "$a" | $PY bench/util.py sample 100 8 >"$W/read-$c.paths"
        say "  read $c: smz cat / zimdump show, 100 entries"
        if $PY bench/util.py cmdlat "$RAW" 3 1 -- "$SMZ" cat "$a" "{}" <"$W/read-$c.paths" >"$W/kv"; then
            reckv read "$c" "$MAIN" "$W/kv" p50_ms=cat_p50 p95_ms=cat_p95
        else na read "$c" "$MAIN" cat_p50 cat_p95; note read "smz cat failed on $c"; fi
        if [ "$c" != gen-1M ] && a2=$(ensure smz-v2 "$c") &&
            $PY bench/util.py cmdlat "$RAW" 3 1 -- "$SMZ" cat "$a2" "{}" <"$W/read-$c.paths" >"$W/kv"; then
            reckv read "$c" smz-v2 "$W/kv" p50_ms=cat_p50 p95_ms=cat_p95
        fi
        if $PY bench/util.py cmdlat "$RAW" 3 1 -- zimdump show "--url={}" "$z" <"$W/read-$c.paths" >"$W/kv"; then
            reckv read "$c" "$PEER" "$W/kv" p50_ms=cat_p50 p95_ms=cat_p95
        else na read "$c" "$PEER" cat_p50 cat_p95; note read "zimdump show failed on $c"; fi
        say "  read $c: library API, cold and warm"
        if "$W/bin/latency" "$a" "$W/read-$c.paths" >"$W/kv" 2>>"$RAW"; then
            cat "$W/kv" >>"$RAW"
            reckv read "$c" "$MAIN" "$W/kv" cold_p50_ms=api_cold_p50 cold_p95_ms=api_cold_p95 warm_p50_ms=api_warm_p50 warm_p95_ms=api_warm_p95
        else na read "$c" "$MAIN" api_cold_p50 api_cold_p95 api_warm_p50 api_warm_p95; note read "bench/latency failed on $c"; fi
        if [ "$HAVE_ZIMLIB" = 1 ] && "$W/bin/latency_zim" "$z" "$W/read-$c.paths" >"$W/kv" 2>>"$RAW"; then
            cat "$W/kv" >>"$RAW"
            reckv read "$c" "$PEER" "$W/kv" cold_p50_ms=api_cold_p50 cold_p95_ms=api_cold_p95 warm_p50_ms=api_warm_p50 warm_p95_ms=api_warm_p95
        else na read "$c" "$PEER" api_cold_p50 api_cold_p95 api_warm_p50 api_warm_p95; fi
    done
    [ "$HAVE_ZIMLIB" = 1 ] || note read "libzim's headers (Debian libzim-dev) or c++ are missing: no libzim figures for the library API"
fi
rm -f "$W"/arch/*/gen-1M.* # 1.5 GB: only the read section uses them

# ---------------------------------------------------------------- search
# Latency over the fixed query sets in bench/queries/: whole commands (smz search
# against kiwix-search) and HTTP (smz serve's /search against kiwix-serve's).
if want search; then
    section search
    OURS_CLI=1 OURS_HTTP=1
    if [ "$HAVE_INDEX" = 0 ] || [ "$HAVE_SEARCH" = 0 ]; then
        OURS_CLI=0
        note search "not available yet: 'smz search' (smz search --help fails in this tree): no whole-command figures for ours"
    fi
    if [ "$HAVE_INDEX" = 0 ] || [ "$HAVE_SEARCHLIB" = 0 ] || [ "$HAVE_SERVE" = 0 ]; then
        OURS_HTTP=0
        note search "not available yet: the search library (smz_search is not in build/libsmz.a; smz serve answers every search with nothing): no HTTP figures for ours"
    fi
    CORP="pgdoc pydoc gen-10k"
    smzs=() zims=()
    for c in $CORP; do
        z=$(ensure zimwriterfs "$c") && zims+=("$z") || note search "no ZIM for $c"
        if [ "$HAVE_INDEX" = 1 ]; then a=$(ensure smz "$c") && smzs+=("$a") || note search "no indexed .smz for $c"; fi
    done
    for c in $CORP; do
        q=bench/queries/${c%%-*}
        z=$(arch zimwriterfs "$c") a=$(arch smz "$c")
        [ -s "$z" ] || continue
        say "  search $c: $(wc -l <"$q.txt") queries, $(wc -l <"$q-suggest.txt") prefixes, whole commands"
        # hit counts, for the raw output and to note queries that find nothing
        kz=() sz=()
        while read -r query; do
            if [ "$OURS_CLI" = 1 ]; then
                n=$("$SMZ" search "$a" "$query" --json 2>>"$RAW" | $PY -c 'import json,sys; print(json.load(sys.stdin)["total"])' 2>/dev/null)
                echo "\$ smz search $c '$query': total ${n:-?}" >>"$RAW"
                [ "${n:-0}" = 0 ] && sz+=("$query")
            fi
            n=$(kiwix-search "$z" "$query" 2>>"$RAW" | wc -l)
            echo "\$ kiwix-search $c '$query': $n results listed" >>"$RAW"
            [ "$n" = 0 ] && kz+=("$query")
        done <"$q.txt"
        [ ${#kz[@]} = 0 ] || note search "$c: kiwix-search finds nothing for ${#kz[@]} of the $(wc -l <"$q.txt") queries: ${kz[*]}"
        [ ${#sz[@]} = 0 ] || note search "$c: smz search finds nothing for ${#sz[@]} of the $(wc -l <"$q.txt") queries: ${sz[*]}"
        # "bare": smz search --no-snippets, like kiwix-search, which prints no snippets
        # (kiwix-search is timed once, under "search", and compared with both).
        rm -f "$W/kv-kiwix-search"
        for what in search bare suggest; do
            list=$q.txt; [ "$what" = suggest ] && list=$q-suggest.txt
            cmd=("$SMZ" "$what" "$a" "{}" --json); [ "$what" = bare ] && cmd=("$SMZ" search "$a" "{}" --no-snippets --json)
            if [ "$OURS_CLI" = 0 ] || { [ "$what" = suggest ] && [ "$HAVE_SUGGEST" = 0 ]; }; then
                na search "$c" smz "cli_${what}_p50" "cli_${what}_p95"
            elif $PY bench/util.py cmdlat "$RAW" 2 1 -i -- "${cmd[@]}" <"$list" >"$W/kv"; then
                reckv search "$c" smz "$W/kv" p50_ms="cli_${what}_p50" p95_ms="cli_${what}_p95"
            else
                na search "$c" smz "cli_${what}_p50" "cli_${what}_p95"; note search "smz $what failed on $c"
            fi
            sflag=(); [ "$what" = suggest ] && sflag=(-s)
            if [ "$what" = bare ]; then
                [ -s "$W/kv-kiwix-search" ] && reckv search "$c" zimwriterfs "$W/kv-kiwix-search" p50_ms=cli_bare_p50 p95_ms=cli_bare_p95
            elif $PY bench/util.py cmdlat "$RAW" 2 1 -i -- kiwix-search "${sflag[@]}" "$z" "{}" <"$list" >"$W/kv"; then
                reckv search "$c" zimwriterfs "$W/kv" p50_ms="cli_${what}_p50" p95_ms="cli_${what}_p95"
                [ "$what" = search ] && cp "$W/kv" "$W/kv-kiwix-search"
            else
                na search "$c" zimwriterfs "cli_${what}_p50" "cli_${what}_p95"; note search "kiwix-search $what failed on $c"
            fi
        done
    done
    # HTTP: one server of each kind with the three archives, the same URLs.
    for tool in kiwix-serve smz-serve; do
        if [ "$tool" = smz-serve ] && [ "$OURS_HTTP" = 0 ]; then
            for c in $CORP; do na search "$c" smz http_search_p50 http_search_p95 http_suggest_p50 http_suggest_p95; done
            continue
        fi
        port=$($PY bench/util.py freeport)
        first=$(echo "$CORP" | awk '{print $1}')
        if [ "$tool" = kiwix-serve ]; then
            label=zimwriterfs
            start_server kiwix-serve "http://127.0.0.1:$port/$first/index.html" kiwix-serve --port "$port" --address 127.0.0.1 "${zims[@]}"
        else
            label=smz
            start_server smz-serve "http://127.0.0.1:$port/content/$first/index.html" "$SMZ" serve "${smzs[@]}" --port "$port" --address 127.0.0.1
        fi
        ok=$?
        if [ $ok -ne 0 ]; then
            note search "$tool did not come up"; stop_servers; continue
        fi
        for c in $CORP; do
            q=bench/queries/${c%%-*}
            say "  search $c: $tool /search and /suggest over HTTP"
            for what in search suggest; do
                list=$q.txt url="http://127.0.0.1:$port/search?content=$c&pattern={}"
                [ "$what" = suggest ] && list=$q-suggest.txt url="http://127.0.0.1:$port/suggest?content=$c&term={}"
                echo "\$ util.py httplat '$url' 3 1 < $list" >>"$RAW"
                if $PY bench/util.py httplat "$url" 3 1 <"$list" >"$W/kv" 2>>"$RAW"; then
                    cat "$W/kv" >>"$RAW"
                    reckv search "$c" "$label" "$W/kv" p50_ms="http_${what}_p50" p95_ms="http_${what}_p95"
                    bad=$(kv "$W/kv" non200)
                    [ "${bad:-0}" = 0 ] || note search "$tool /$what on $c: $bad of $(kv "$W/kv" n) answers were not 200 (timed all the same)"
                else
                    na search "$c" "$label" "http_${what}_p50" "http_${what}_p95"; note search "$tool /$what failed on $c"
                fi
            done
        done
        stop_servers
    done
fi

# ---------------------------------------------------------------- recall
# Chinese: manpages-zh as HTML, packed with language zho by both; for each word of
# bench/queries/zh-words.txt (1-4 characters), the share of the pages holding it that
# each engine finds, against a brute-force scan of the same HTML.
# record_recall TOOL PROGRAM ARCHIVE HITS: recall of HITS against the brute-force truth.
record_recall() {
    {
        echo "\$ $2 $3 zh-words.txt | util.py recall"
        $PY bench/util.py recall "$W/truth.tsv" "$4" >"$W/kv"
        cat "$W/kv"
    } 2>>"$RAW" >>"$RAW"
    reckv recall manzh "$1" "$W/kv" recall=recall macro_recall=macro_recall precision=precision \
        words_full=words_full recall_len1=recall_len1 recall_len2=recall_len2 recall_len3=recall_len3 recall_len4=recall_len4
}
if want recall; then
    section recall
    dir=$(corpus manzh)
    $PY bench/util.py truth "$dir" bench/queries/zh-words.txt >"$W/truth.tsv"
    rec recall manzh pages - "$(find "$dir" -name '*.html' | wc -l)"
    rec recall manzh words - "$(grep -c . bench/queries/zh-words.txt)"
    for t in $PEER $MAIN; do timed_pack recall manzh "$t" "$dir"; done
    if [ "$HAVE_ZIMLIB" = 1 ] && [ -s "$(arch zimwriterfs manzh)" ] &&
        "$W/bin/search_zim" "$(arch zimwriterfs manzh)" bench/queries/zh-words.txt >"$W/hits-zim.tsv" 2>>"$RAW"; then
        record_recall zimwriterfs search_zim manzh.zim "$W/hits-zim.tsv"
    else
        na recall manzh zimwriterfs recall; note recall "no libzim figures (libzim-dev missing or the ZIM failed)"
    fi
    if [ "$HAVE_SEARCHLIB" = 1 ] && [ "$HAVE_INDEX" = 1 ] && [ -s "$(arch smz manzh)" ] &&
        "$W/bin/search_smz" "$(arch smz manzh)" bench/queries/zh-words.txt >"$W/hits-smz.tsv" 2>>"$RAW"; then
        record_recall smz search_smz manzh.smz "$W/hits-smz.tsv"
    else
        na recall manzh smz recall macro_recall precision words_full recall_len1 recall_len2 recall_len3 recall_len4
        note recall "not available yet: ours needs the search library (smz_search in build/libsmz.a) and an indexed pack"
    fi
    # Issue 24: the ZIM itself imported by smz-pack, searched with the index the
    # import builds (Kiwix's is left behind), against the same truth.
    zimf=$(arch zimwriterfs manzh) imp=$W/arch/smz-import/manzh.smz
    if [ "$HAVE_SEARCHLIB" = 1 ] && [ -s "$zimf" ] && mkdir -p "$(dirname "$imp")" &&
        "$PACK" "$zimf" -o "$imp" --quiet >>"$RAW" 2>&1 &&
        "$W/bin/search_smz" "$imp" bench/queries/zh-words.txt >"$W/hits-imp.tsv" 2>>"$RAW"; then
        $PY bench/util.py recall "$W/truth.tsv" "$W/hits-imp.tsv" >"$W/kv" 2>>"$RAW"
        note recall "the ZIM imported by smz-pack (issue 24): recall $(kv "$W/kv" recall), macro recall $(kv "$W/kv" macro_recall), precision $(kv "$W/kv" precision)"
    fi
fi

# ---------------------------------------------------------------- relevance
# Judged relevance (bench/relevance.py): the terms of the manuals' back-of-book
# indexes (bench/queries/relevance-*.tsv) as queries, the pages each points to as
# the relevant ones; MRR and nDCG@10 of `smz search` and of libzim's Searcher
# (bench/rank_zim.cpp: kiwix-search's engine, whose titles it checks) on the same
# archives.  The per-query results go beside the table (DATE-relevance.tsv), for
# `bench/relevance.py --compare` by a later build.
if want relevance; then
    section relevance
    if [ "$HAVE_INDEX" = 0 ] || [ "$HAVE_SEARCH" = 0 ] || [ "$HAVE_ZIMLIB" = 0 ]; then
        note relevance "not measured: needs smz search, an indexed smz-pack and libzim's headers (libzim-dev)"
    else
        rargs=() mans=""
        for c in pgdoc pydoc; do
            a=$(ensure smz "$c") && z=$(ensure zimwriterfs "$c") || { note relevance "no archives for $c"; continue; }
            rargs+=(--archive "$c=$a" --zim "$c=$z")
            mans=$mans${mans:+,}$c
        done
        say "  relevance $mans: $(cat bench/queries/relevance-{pgdoc,pydoc}.tsv | wc -l) judged queries, smz search and rank_zim"
        echo "\$ bench/relevance.py --manuals $mans ${rargs[*]}" >>"$RAW"
        if [ -n "$mans" ] && $PY bench/relevance.py --manuals "$mans" --smz-bin "$ROOT/bin" "${rargs[@]}" \
            --rank-zim "$W/bin/rank_zim" --work "$W/relevance" --raw "$OUT/$DATE-relevance.tsv" \
            --kv "$W/kv" >"$W/relevance.md" 2>>"$RAW"; then
            cat "$W/relevance.md" >>"$RAW"
            while IFS=$'\t' read -r c t m v; do
                [ "$t" = kiwix ] && t=zimwriterfs
                rec relevance "$c" "$m" "$t" "$v"
            done <"$W/kv"
            grep -E '^- .*(titles equal|worst)' "$W/relevance.md" | while read -r l; do note relevance "${l#- }"; done
        else
            note relevance "bench/relevance.py failed (see the raw output)"
        fi
    fi
fi

# ---------------------------------------------------------------- serve
# wrk_runs CORPUS TOOL PORT PREFIX PATHS [KIND]: warm-up, then RUNS wrk runs of 10 s;
# KIND "search" records search_rps and search_p99 instead of rps and p99, with 4
# connections and a 10 s timeout (a search costs tens of milliseconds: 32 queued
# on 2 cores would measure the queue and wrk's 2 s timeout).
wrk_runs() {
    local c=$1 tool=$2 port=$3 prefix=$4 paths=$5 kind=${6:-} r m="" conn=(-c32)
    [ -n "$kind" ] && m=${kind}_ conn=(-c4 --timeout 10s)
    wrk -t2 "${conn[@]}" -d2s -s bench/rotate.lua "http://127.0.0.1:$port" -- "$paths" "$prefix" >>"$RAW" 2>&1
    for ((r = 1; r <= RUNS; r++)); do
        say "  serve $c: wrk $tool ${kind:-content} run $r"
        echo "\$ wrk -t2 ${conn[*]} -d10s --latency -s bench/rotate.lua http://127.0.0.1:$port -- $paths $prefix" >>"$RAW"
        wrk -t2 "${conn[@]}" -d10s --latency -s bench/rotate.lua "http://127.0.0.1:$port" -- "$paths" "$prefix" >"$W/wrk.out" 2>&1
        cat "$W/wrk.out" >>"$RAW"
        if $PY bench/util.py wrk "$W/wrk.out" >"$W/kv"; then
            reckv serve "$c" "$tool" "$W/kv" rps="${m}rps" p99_ms="${m}p99"
            [ "$(kv "$W/kv" non2xx)" = 0 ] || note serve "$tool on $c: $(kv "$W/kv" non2xx) non-2xx answers in run $r"
        else
            na serve "$c" "$tool" "${m}rps" "${m}p99"
        fi
    done
}

# serve_runs CORPUS TOOL PORT PREFIX: content wrk runs, search wrk runs when the
# server searches (not nginx), then the server's RSS.
serve_runs() {
    local c=$1 tool=$2 port=$3 prefix=$4
    wrk_runs "$c" "$tool" "$port" "$prefix" "$W/serve-$c.paths"
    [ "$tool" = nginx ] || wrk_runs "$c" "$tool" "$port" / "$W/serve-$c.search" search
    rec serve "$c" rss "$tool" "$($PY bench/util.py rss "$SPID")"
}

if want serve; then
    section serve
    for c in pgdoc pydoc gen-10k; do
        a=$(ensure "$MAIN" "$c") && z=$(ensure "$PEER" "$c") || { note serve "no archives for $c"; continue; }
        "$SMZ" ls "$a" | $PY bench/util.py sample 200 9 html >"$W/serve-$c.paths"
        # the search section's queries (both servers take /search?content=NAME&pattern=Q)
        $PY -c 'import sys, urllib.parse as u
for q in open(sys.argv[1], encoding="utf-8").read().split("\n"):
    if q.strip(): print("search?content=%s&pattern=%s" % (sys.argv[2], u.quote_plus(q.strip())))' \
            "bench/queries/${c%%-*}.txt" "$c" >"$W/serve-$c.search"
        first=$(head -1 "$W/serve-$c.paths")
        # ours
        if [ "$HAVE_SERVE" = 1 ]; then
            port=$($PY bench/util.py freeport)
            if start_server smz-serve "http://127.0.0.1:$port/content/$c/$first" "$SMZ" serve "$a" --port "$port" --address 127.0.0.1; then
                serve_runs "$c" "$MAIN" "$port" "/content/$c/"
            else
                note serve "smz serve did not come up on $c"; na serve "$c" "$MAIN" rps p99 rss
            fi
            stop_servers
        else
            na serve "$c" "$MAIN" rps p99 rss
        fi
        # kiwix-serve (kiwix-tools 3.3 serves /NAME/PATH, without /content/)
        port=$($PY bench/util.py freeport)
        if start_server kiwix-serve "http://127.0.0.1:$port/$c/$first" kiwix-serve --port "$port" --address 127.0.0.1 "$z"; then
            serve_runs "$c" kiwix-serve "$port" "/$c/"
        else
            note serve "kiwix-serve did not come up on $c"; na serve "$c" kiwix-serve rps p99 rss
        fi
        stop_servers
        # nginx on the unpacked folder, same URLs as ours
        port=$($PY bench/util.py freeport)
        nd=$W/nginx-$c
        rm -rf "$nd" && mkdir -p "$nd/tmp"
        {
            [ "$(id -u)" = 0 ] && echo "user root;"
            echo "worker_processes auto; error_log $nd/error.log; pid $nd/nginx.pid;"
            echo "events { worker_connections 1024; }"
            echo "http { include /etc/nginx/mime.types; access_log off; sendfile on; tcp_nopush on;"
            echo "  keepalive_requests 1000000; client_body_temp_path $nd/tmp;"
            echo "  server { listen 127.0.0.1:$port; location /content/$c/ { alias $(corpus "$c")/; } } }"
        } >"$nd/nginx.conf"
        if start_server nginx "http://127.0.0.1:$port/content/$c/$first" nginx -c "$nd/nginx.conf" -p "$nd" -g 'daemon off;'; then
            serve_runs "$c" nginx "$port" "/content/$c/"
        else
            note serve "nginx did not come up on $c"; na serve "$c" nginx rps p99 rss
        fi
        stop_servers
    done
    [ "$HAVE_SERVE" = 1 ] || note serve "not available yet: 'smz serve' is not built in this tree (smz serve --help fails); peer figures only"

    # Start-up with 50 archives: 50 distinct small collections, until the last answers.
    say "  serve: start-up with 50 archives"
    mkdir -p "$W/fifty"
    smz50=() zim50=()
    for i in $(seq -w 1 50); do
        d=$W/fifty/s$i
        [ -f "$d/illustration-48.png" ] || { $PY bench/gen_articles.py "$d" 300 --seed "$i" --jobs 1 >>"$RAW" 2>&1; $PY bench/util.py png48 "$d/illustration-48.png"; }
        if [ "$HAVE_SERVE" = 1 ]; then
            rm -f "$W/fifty/s$i.smz"
            pack_argv $MAIN "$d" "$W/fifty/s$i.smz" "s$i" && "${PCMD[@]}" >>"$RAW" 2>&1
            smz50+=("$W/fifty/s$i.smz")
        fi
        rm -f "$W/fifty/s$i.zim"
        pack_argv $PEER "$d" "$W/fifty/s$i.zim" "s$i" && "${PCMD[@]}" >>"$RAW" 2>&1
        zim50+=("$W/fifty/s$i.zim")
    done
    echo "\$ smz serve (50 archives) / kiwix-serve (50 archives): until /content/s50/index.html answers 200" >>"$RAW"
    for ((r = 1; r <= RUNS; r++)); do
        sync
        if [ "$HAVE_SERVE" = 1 ]; then
            port=$($PY bench/util.py freeport)
            if $PY bench/util.py startup "http://127.0.0.1:$port/content/s50/index.html" 60 -- "$SMZ" serve "${smz50[@]}" --port "$port" --address 127.0.0.1 >"$W/kv" 2>>"$RAW"; then
                cat "$W/kv" >>"$RAW"
                reckv serve 50-archives "$MAIN" "$W/kv" startup_ms=startup rss_kb=rss
            else na serve 50-archives "$MAIN" startup rss; note serve "smz serve did not start with 50 archives"; fi
        else
            na serve 50-archives "$MAIN" startup rss
        fi
        port=$($PY bench/util.py freeport)
        if $PY bench/util.py startup "http://127.0.0.1:$port/s50/index.html" 60 -- kiwix-serve --port "$port" --address 127.0.0.1 "${zim50[@]}" >"$W/kv" 2>>"$RAW"; then
            cat "$W/kv" >>"$RAW"
            reckv serve 50-archives kiwix-serve "$W/kv" startup_ms=startup rss_kb=rss
        else na serve 50-archives kiwix-serve startup rss; note serve "kiwix-serve did not start with 50 archives"; fi
    done
fi

# ---------------------------------------------------------------- report
{
    echo
    echo "# total time $(( ($(date +%s) - T0) / 60 )) min $(( ($(date +%s) - T0) % 60 )) s"
    echo "# measurements (section corpus metric tool value)"
    cat "$TSV"
} >>"$RAW"
say "total time: $(( ($(date +%s) - T0) / 60 )) min"
$PY bench/report.py "$TSV" "$RAW" "$MAIN" "$PEER" >"$OUT/$DATE.md" || die "report.py failed"
if [ "$OUT" = "$B/results" ]; then
    sed -i "s|^Latest results: .*|Latest results: [bench/results/$DATE.md](../bench/results/$DATE.md) (raw output: [$DATE.raw.txt](../bench/results/$DATE.raw.txt)).|" docs/BENCHMARKS.md
fi
say "done: $OUT/$DATE.md"
cat "$OUT/$DATE.md"
