# shellcheck shell=bash
# The reader's #url= mode (issue 18): build-wasm/smz-reader.html reads
# archives from nginx on 127.0.0.1 through HTTP range requests, opened as a
# file (nginx sends CORS headers and exposes Content-Range) and served by
# the same nginx; servers that ignore Range or hide Content-Range get a
# clear message (tests/browser/reader_url.py).  Skipped when the reader is
# not built (make wasm) or nginx or Chromium is missing.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"
need_reader "reader #url= test" "${CHROMIUM:-/usr/bin/chromium}" nginx

mkdir -p www/cors www/norange www/hidden
"$SMZ_PACK" "$TOP/samples" -o www/samples.smz --quiet
python3 "$TOP/tests/browser/reader_site.py" site/root
"$SMZ_PACK" site/root -o www/site.smz --name site --redirects site/redirects.tsv --quiet
cp "$READER" www/smz-reader.html
for d in cors norange hidden; do ln -s ../samples.smz "www/$d/samples.smz"; done

# shellcheck disable=SC2016 # nginx variables, for nginx
start_nginx "$T/www" '
        location /cors/ {
            add_header Access-Control-Allow-Origin "*" always;
            add_header Access-Control-Allow-Headers "Range" always;
            add_header Access-Control-Expose-Headers "Content-Range, Content-Length, Accept-Ranges" always;
            if ($request_method = OPTIONS) { return 204; }
        }
        location /norange/ {
            max_ranges 0;
            add_header Access-Control-Allow-Origin "*" always;
            add_header Access-Control-Expose-Headers "Content-Range" always;
        }
        location /hidden/ {
            add_header Access-Control-Allow-Origin "*" always;
            add_header Access-Control-Allow-Headers "Range" always;
        }'
BASE=http://127.0.0.1:$NP/
check_eq "nginx answers a range of an archive" "$(curl -s -o /dev/null -w '%{http_code}' -r 0-9 "${BASE}cors/samples.smz")" 206

# A server that accepts and never answers (stopped at the end).
HP=$(free_port)
python3 -c 'import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(8); held = []
while True:
    held.append(s.accept()[0])' "$HP" &
HANG_PID=$!
python3 "$TOP/tests/browser/reader_url.py" "$READER" "$BASE" shots "$SMZ" www/samples.smz \
    "http://127.0.0.1:$HP/hang.smz"
rc=$?
[ $rc -eq 0 ] || bad "the reader's #url= flow (see shots/chromium-url.log)"
whole=$(awk '$7 ~ /samples\.smz$/ && $9 == 200' "$NGINX_DIR/access.log" | grep -vc norange)
check_eq "the archive is never fetched whole (only 206 answers)" "$whole" 0
check_grep "... but read in ranges" '"GET /cors/samples.smz HTTP/1.1" 206' "$NGINX_DIR/access.log"
if [ -n "${SMZ_SCREENSHOTS:-}" ]; then
    mkdir -p "$SMZ_SCREENSHOTS" && for f in shots/*.png; do cp "$f" "$SMZ_SCREENSHOTS/reader-$(basename "$f")"; done
fi
kill "$HANG_PID"; wait "$HANG_PID" 2>/dev/null
kill -QUIT "$(cat "$NGINX_DIR/nginx.pid")"; wait "$NGINX_PID"
NGINX_DIR=""
done_testing
