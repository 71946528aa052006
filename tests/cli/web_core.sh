# shellcheck shell=bash
# The WebAssembly module's C side, built natively (build/tests/test_web):
# every answer it gives is the one `smz serve` gives to the same request
# over HTTP, byte for byte but the Date and what the bar's random key makes
# (tests/unit/test_web.c says which).  The samples are packed with a binary
# entry past one write (ranges, streaming); smz serve answers each request
# of `test_web list` through curl with nothing but Host (and Range) sent,
# as the module's requests have; then the WebAssembly module itself gives
# the same answers under node (tests/wasm/core_smoke.js; skipped when not
# built); a signed archive shows its signature, and the damaged archives of
# tests/corrupt/ go through the module.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"
WEB=$TOP/${SMZ_BUILD:-build}/tests/test_web
if [ ! -x "$WEB" ]; then
    echo "# SKIP: $WEB is not built"
    ok "nothing to compare without test_web"
    exit 0
fi

cp -r "$TOP/samples" s
python3 -c 'import random, sys; r = random.Random(18); sys.stdout.buffer.write(bytes(r.randrange(256) for _ in range(300000)))' >s/blob.bin
check "the samples pack" "$SMZ_PACK" s -o samples.smz --quiet
PAGE=$("$SMZ" ls samples.smz | grep '\.html$' | grep -v '^index' | head -1)
check "a content page to ask for" test -n "$PAGE"

# The module has the message catalogues inside (po/*.po, compiled), as
# smz serve has them from the build tree; test_web, natively, from
# SMZ_LOCALEDIR.  Some requests are in other languages (?lang=, or
# Accept-Language: the "accept" ones).
export SMZ_LOCALEDIR=$TOP/${SMZ_BUILD:-build}/locale
start_server main samples.smz --hostname reader.smz
check "smz serve starts" test -n "$URL"
mkdir -p want
"$WEB" list "$PAGE" blob.bin >requests.tsv
n=0
while IFS= read -r line; do
    # (Tab is white space to read: an empty RANGE would vanish.)
    IFS=$'\x1f' read -r name method target range how <<<"${line//$'\t'/$'\x1f'}"
    args=(-s --http1.1 --path-as-is -i -H 'Host: reader.smz' -H 'User-Agent:' -H 'Accept:')
    [ -n "$range" ] && args+=(-H "Range: $range")
    [ "$how" = accept ] && args+=(-H 'Accept-Language: zh-TW,zh;q=0.9,en;q=0.8')
    case "$method" in
        HEAD) args+=(--head) ;;
        GET) ;;
        *) args+=(-X "$method") ;;
    esac
    curl "${args[@]}" "http://127.0.0.1:$PORT$target" >"want/$name.http"
    n=$((n + 1))
done <requests.tsv
check "smz serve answered every request ($n)" test "$(find want -name '*.http' -size +0 | wc -l)" -eq "$n"

"$WEB" compare samples.smz "$PAGE" blob.bin want

# The WebAssembly module itself (make wasm-core), under node with the
# archive on NODEFS: the same answers.
MOD=$TOP/build-wasm/smz-core.js
if [ -f "$MOD" ] && command -v node >/dev/null; then
    node "$TOP/tests/wasm/core_smoke.js" "$MOD" samples.smz requests.tsv want
    check "the module under node exits cleanly" test $? -eq 0
else
    echo "# SKIP: build-wasm/smz-core.js is not built (make wasm-core), or no node"
fi

# A signed archive: the module says whose signature, and that it does not
# check the content (it has no thread to do that in the background).
mkdir -p signed
"$SMZ" keygen -W -p our.pub -s our.key >/dev/null 2>&1
"$SMZ_PACK" s -o signed/samples.smz --sign our.key --quiet
"$WEB" signed signed/samples.smz our.pub samples.smz

# The damaged and hostile archives: a clear error, or pages that answer.
"$SMZ_PACK" s -o samples2.smz --quiet --format-version 2
python3 "$TOP/tests/corrupt/make_cases.py" samples.smz cases samples2.smz >/dev/null 2>&1
"$WEB" corrupt cases "$TOP/tests/corrupt/cases.tsv"
done_testing
