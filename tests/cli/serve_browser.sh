# shellcheck shell=bash
# Browser test of the web reader (issue: serve): headless Chromium types
# into the search box, picks a suggestion, follows a result, with
# JavaScript and without, probes what an archived page's script may reach,
# and saves screenshots (library, article, search; phone and dark mode);
# then types into the bar of the samples, of Chinese titles and of the
# hostile archive: words found inside titles, marked (tests/browser/suggest.py).
# The screenshots stay in the scratch folder; set SMZ_SCREENSHOTS=DIR to keep
# them.  The flow itself is tests/browser/flow.py.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"

if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "ok - browser test # SKIP no chromium"
    done_testing
fi
pack_archives lib
if [ "$INDEX" = 1 ]; then
    # Suggestions (issue 20): the samples, and Chinese titles.
    "$SMZ_PACK" "$TOP/samples" -o lib/samples.smz --name samples --quiet
    mkdir -p zh
    printf '<html><head><meta charset="utf-8"><title>%s</title></head><body><p>%s</p></body></html>\n' \
        "维吾尔族人权报告" "报告。" >zh/a.html
    printf '<html><head><meta charset="utf-8"><title>%s</title></head><body><p>%s</p></body></html>\n' \
        "新疆维吾尔自治区的人权" "人权。" >zh/b.html
    "$SMZ_PACK" zh -o lib/zh.smz --name zh --language zho --quiet
fi
start_server browser lib --log access.log
check "the server starts" test -n "$URL"
python3 "$TOP/tests/browser/flow.py" "$URL" pgdoc sql-select.html hostile shots
rc=$?
[ $rc -eq 0 ] || bad "the browser flow (see shots/chromium.log)"
if [ "$INDEX" = 1 ]; then
    python3 "$TOP/tests/browser/suggest.py" "$URL" samples zh hostile shots ||
        bad "the suggestion flow (see shots/chromium-suggest.log)"
else
    echo "ok - suggestions mark what matched # SKIP no search index in this build"
fi
for f in library article search library-phone-dark search-phone-dark search-nojs; do
    check "screenshot $f.png saved" python3 -c "
import struct, sys
d = open('shots/$f.png', 'rb').read(24)
assert d[:8] == b'\x89PNG\r\n\x1a\n' and struct.unpack('>II', d[16:24])[0] >= 390"
done
if [ -n "${SMZ_SCREENSHOTS:-}" ]; then
    mkdir -p "$SMZ_SCREENSHOTS" && cp shots/*.png "$SMZ_SCREENSHOTS/"
fi
check_grep "the browser's requests were logged" '"GET /content/pgdoc/sql-select.html HTTP/1.1" 200' access.log
stop_server "$PID"
check_eq "the server stops cleanly" "$?" 0
done_testing
