# shellcheck shell=bash
# Archived content gets no origin of its own (issue 16, point 1): every
# answer an archive controls carries a CSP sandbox without
# allow-same-origin, so a hostile archive's scripts cannot read the library,
# another archive, storage or cookies, nor send anything off this server
# but by navigating; --scripts off keeps them from running at all.  The
# headers of every kind of answer are checked here with curl; headless
# Chromium then tries the attacks (tests/browser/origin.py on the archives
# of tests/browser/origin_site.py).  SMZ_SCREENSHOTS=DIR keeps screenshots.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"

python3 "$TOP/tests/browser/origin_site.py" victim evil
mkdir -p lib
INDEX=1
"$SMZ" search --help >/dev/null 2>&1 || INDEX=0
for a in victim evil; do
    set -- --name "$a" --title "${a^}" --main-page index.html --quiet
    [ "$a" = evil ] && set -- "$@" --redirects evil-redirects.tsv
    "$SMZ_PACK" "$a" -o "lib/$a.smz" "$@" 2>/dev/null ||
        { INDEX=0; "$SMZ_PACK" "$a" -o "lib/$a.smz" "$@" --no-index; }
done

# --- the option ---
check_fails "--scripts takes on or off" "$SMZ" serve lib --scripts maybe --port 0
"$SMZ" serve lib --scripts maybe --port 0 2>err.txt
check_grep "... and says so" "--scripts: 'on' or 'off'" err.txt
"$SMZ" serve --help >help.txt
check_grep "smz serve --help explains --scripts" "--scripts on\|off" help.txt

start_server on lib
ON=$URL
start_server off lib --scripts off
OFF=$URL
H=${ON#http://}; H=${H%%/*}

hdrs() { curl -s -D - -o /dev/null "$@"; }
sandbox="^Content-Security-Policy: sandbox allow-scripts allow-forms allow-popups allow-modals allow-downloads;"
# --- every answer an archive controls is sandboxed, whatever its type ---
for u in content/evil/index.html content/evil/attack.svg content/evil/pic.png content/evil/style.css \
    content/evil/ext.js raw/evil/content/index.html raw/evil/content/attack.svg content/evil/alias.png \
    content/evil/; do
    hdrs "$ON$u" >h.txt
    check_grep "$u is sandboxed" "$sandbox" h.txt
    check_fails "... never with allow-same-origin, allow-top-navigation or escaping popups" \
        grep -qiE 'allow-same-origin|allow-top-navigation|allow-popups-to-escape' h.txt
    check_grep "... and may be loaded by a sandboxed page (CORP cross-origin)" \
        "^Cross-Origin-Resource-Policy: cross-origin" h.txt
    check_grep "... nosniff" "^X-Content-Type-Options: nosniff" h.txt
done
hdrs "${ON}content/evil/index.html" >h.txt
check_grep "an archived page's scripts come from its own archive and our bar only" \
    "script-src http://$H/content/evil/ http://$H/raw/evil/ http://$H/skin/ 'unsafe-inline'" h.txt
check_grep "... it connects to nothing but the bar's suggestions" "connect-src http://$H/suggest;" h.txt
check_grep "... it loads nothing from elsewhere, not even from another archive" \
    "default-src http://$H/content/evil/ http://$H/raw/evil/ data: blob:;" h.txt
check_grep "... images and media included" \
    "img-src http://$H/content/evil/ http://$H/raw/evil/ data: blob:; media-src http://$H/content/evil/ http://$H/raw/evil/ data: blob:;" h.txt
check_grep "... and looks up no host name (DNS prefetch)" "^X-DNS-Prefetch-Control: off" h.txt
check_grep "... styles only from its own archive and our bar" "style-src http://$H/content/evil/ http://$H/raw/evil/ http://$H/skin/ 'unsafe-inline'" h.txt
check_grep "... fonts only from its own archive" "font-src http://$H/content/evil/ http://$H/raw/evil/ data: blob:;" h.txt
check_grep "... documents are revalidated, so a restart's policy applies at once" "^Cache-Control: no-cache" h.txt
check_fails "... and no CORS" grep -qi '^Access-Control-Allow' h.txt
etag_on=$(sed -n 's/^ETag: //p' h.txt | tr -d '\r')
# Fonts and module scripts come with CORS from a sandboxed page (origin
# null); fetch/XHR (dest empty) and images must not get it.
sf() { hdrs -H 'Origin: null' -H 'Sec-Fetch-Mode: cors' -H "Sec-Fetch-Dest: $1" "$ON$2"; }
fonts=""
[ -f evil/font.ttf ] && fonts="font content/evil/font.ttf"
# shellcheck disable=SC2086 # sf takes DEST PATH: $d is split on purpose
for d in ${fonts:+"$fonts"} "script content/evil/mod.js" "style content/evil/style.css"; do
    sf $d >h.txt
    check_grep "a $d asked for with CORS from a sandbox gets it" "^Access-Control-Allow-Origin: null" h.txt
    check_grep "... with Vary" "^Vary: Origin, Sec-Fetch-Mode, Sec-Fetch-Dest" h.txt
done
# shellcheck disable=SC2086 # as above
for d in "empty content/victim/index.html" "image content/victim/pic.png" "document content/victim/index.html"; do
    sf $d >h.txt
    check_fails "no CORS for dest $d (fetch, canvas)" grep -qi '^Access-Control-Allow' h.txt
done
hdrs -H 'Origin: http://evil.example' -H 'Sec-Fetch-Mode: cors' -H 'Sec-Fetch-Dest: script' "${ON}content/evil/mod.js" >h.txt
check_fails "no CORS for a script asked for by another site" grep -qi '^Access-Control-Allow' h.txt
hdrs "${ON}content/evil/attack.svg" >h.txt
check_grep "an SVG (a document too) is revalidated" "^Cache-Control: no-cache" h.txt
hdrs "${ON}content/evil/pic.png" >h.txt
check_grep "an image may be cached" "^Cache-Control: max-age=" h.txt

# --- the library's own answers: same-origin, never framed ---
for u in "" search?pattern=x skin/nosuch catalog/v2/entries "suggest?content=evil&term=P" \
    content/nosuch/x.html; do
    hdrs "$ON$u" >h.txt
    check_grep "/$u is ours: CORP same-origin" "^Cross-Origin-Resource-Policy: same-origin" h.txt
    check_fails "... and not sandboxed" grep -q '^Content-Security-Policy: sandbox' h.txt
    check_fails "... and grants no CORS" grep -qi '^Access-Control-Allow' h.txt
done
hdrs "$ON" >h.txt
check_grep "the library cannot be framed" "frame-ancestors 'none'" h.txt
check_grep "... and runs scripts and styles only from /skin/, never an archive's" \
    "script-src http://$H/skin/; style-src http://$H/skin/;" h.txt
check_grep "... and is in its own browsing context group (COOP)" "^Cross-Origin-Opener-Policy: same-origin" h.txt
v=$(sed -n 's/.*smz\.css?v=\([0-9a-f]*\).*/\1/p' <(curl -s "$ON") | head -1)
hdrs "${ON}skin/smz.js?v=$v" >h.txt
check_grep "the bar's script may be loaded by a sandboxed page" "^Cross-Origin-Resource-Policy: cross-origin" h.txt

# --- the bar's suggestions: CORS for the sandbox only with its archive's token ---
tok=$(curl -s "${ON}content/evil/index.html" | sed -n 's/.*data-suggest="[^"]*bar=\([0-9a-f]*\)".*/\1/p')
check_eq "the injected bar carries a 32-digit token" "${#tok}" 32
hdrs -H 'Origin: null' "${ON}suggest?content=evil&term=P&bar=$tok" >h.txt
check_grep "its archive's suggestions answer the sandbox (Origin: null)" "^Access-Control-Allow-Origin: null" h.txt
case $tok in *0) bad_tok=${tok%?}1 ;; *) bad_tok=${tok%?}0 ;; esac
for q in "content=victim&term=V&bar=$tok" "content=evil&term=P&bar=$bad_tok" "content=evil&term=P&bar=" \
    "content=evil&term=P"; do
    hdrs -H 'Origin: null' "${ON}suggest?$q" >h.txt
    check_fails "no CORS for suggest?$q" grep -qi '^Access-Control-Allow' h.txt
done
tok2=$(curl -s "${ON}content/victim/index.html" | sed -n 's/.*data-suggest="[^"]*bar=\([0-9a-f]*\)".*/\1/p')
check "each archive has its own token" test -n "$tok2" -a "$tok2" != "$tok"

# --- no cookies, and a head full of them is answered ---
check_fails "no answer sets a cookie" grep -qi '^Set-Cookie' <(for u in "" content/evil/index.html \
    "suggest?content=evil&term=P" search?pattern=x skin/smz.css; do hdrs "$ON$u"; done)
# Chromium keeps at most 180 cookies of 4 KiB for one host: all of them.
python3 -c "print('Cookie: ' + '; '.join('c%d=%s' % (i, 'x' * 4090) for i in range(180)))" >cookie.txt
check_eq "740 kB of cookies: the library still answers" "$(curl -s -o /dev/null -w '%{http_code}' -H @cookie.txt "$ON")" 200
check_eq "... and archived pages" \
    "$(curl -s -o /dev/null -w '%{http_code}' -H @cookie.txt "${ON}content/victim/index.html")" 200

# --- --scripts off ---
hdrs "${OFF}content/evil/index.html" >h.txt
check_grep "--scripts off: the sandbox has no allow-scripts" \
    "^Content-Security-Policy: sandbox allow-forms allow-popups allow-downloads;" h.txt
check_grep "... and script-src is 'none'" "script-src 'none';" h.txt
check_grep "... nor may it connect anywhere" "connect-src 'none';" h.txt
etag_off=$(sed -n 's/^ETag: //p' h.txt | tr -d '\r')
check "... and the page has another ETag than with scripts on" test -n "$etag_off" -a "$etag_off" != "$etag_on"
hdrs "${OFF}content/evil/attack.svg" >h.txt
check_grep "--scripts off: an SVG is sandboxed without scripts" "^Content-Security-Policy: sandbox allow-forms" h.txt

# --- in the browser ---
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "ok - browser checks # SKIP no chromium"
else
    python3 "$TOP/tests/browser/origin.py" "$ON" "$OFF" shots "$INDEX" || bad "the origin browser test (see shots/chromium.log)"
    for f in sandboxed sandboxed-suggest scripts-off; do
        check "screenshot $f.png saved" test -s "shots/$f.png"
    done
    if [ -n "${SMZ_SCREENSHOTS:-}" ]; then
        mkdir -p "$SMZ_SCREENSHOTS" && cp shots/*.png "$SMZ_SCREENSHOTS/"
    fi
fi
done_testing
