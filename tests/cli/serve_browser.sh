# shellcheck shell=bash
# Browser test of the web reader (issue: serve): headless Chromium types
# into the search box, picks a suggestion, follows a result, with
# JavaScript and without, probes what an archived page's script may reach,
# and saves screenshots (library, article, search; phone and dark mode).
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
start_server browser lib --log access.log
check "the server starts" test -n "$URL"
python3 "$TOP/tests/browser/flow.py" "$URL" pgdoc sql-select.html hostile shots
rc=$?
[ $rc -eq 0 ] || bad "the browser flow (see shots/chromium.log)"
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
