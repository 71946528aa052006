# shellcheck shell=bash
# The reader in Firefox ESR (issue 18): headless Firefox, driven over its
# built-in WebDriver BiDi (tests/browser/reader_firefox.py), opens
# build-wasm/smz-reader.html from nginx on 127.0.0.1 with
# #url=...samples.smz&at=/search?..., shows a search of the samples with
# the hits of `smz search`, then opens it as a file and picks the archive in
# its file input with the archives' scripts on and proves the sandbox with
# the probe page of reader_site.py; saves screenshots (SMZ_SCREENSHOTS=DIR keeps them).  Skipped when the reader is not built (make wasm) or Firefox
# or nginx is missing.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"
need_reader "reader in Firefox" "${FIREFOX:-firefox-esr}" nginx

mkdir -p www
"$SMZ_PACK" "$TOP/samples" -o www/samples.smz --quiet
cp "$READER" www/smz-reader.html
python3 "$TOP/tests/browser/reader_site.py" site/root
"$SMZ_PACK" site/root -o site.smz --name site --redirects site/redirects.tsv --quiet
start_nginx "$T/www"
B=http://127.0.0.1:$NP
python3 "$TOP/tests/browser/reader_firefox.py" \
    "$B/smz-reader.html#url=$B%2Fsamples.smz&at=%2Fsearch%3Fcontent%3Dsamples%26pattern%3Dchina" \
    shots "$SMZ" "$T/www/samples.smz" "$READER" "$T/site.smz"
rc=$?
[ $rc -eq 0 ] || bad "the reader in Firefox (see shots/firefox.log)"
check "screenshots firefox-search.png and firefox-file.png saved" test -s shots/firefox-search.png -a -s shots/firefox-file.png
if [ -n "${SMZ_SCREENSHOTS:-}" ]; then
    mkdir -p "$SMZ_SCREENSHOTS" && for f in shots/*.png; do cp "$f" "$SMZ_SCREENSHOTS/reader-$(basename "$f")"; done
fi
kill -QUIT "$(cat "$NGINX_DIR/nginx.pid")"; wait "$NGINX_PID"
NGINX_DIR=""
done_testing
