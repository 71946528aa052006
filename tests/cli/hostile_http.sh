# shellcheck shell=bash
# Hostile requests (issue: hardening) against the real `smz serve`, over raw
# sockets (tests/tools/hostile_http.py): %00, CRLF, encoded and
# double-encoded ../, overlong UTF-8, oversized and repeated headers,
# methods other than GET and HEAD, foreign Host headers, uploads and form
# posts, directory redirects, no request bytes in response headers, a
# well-formed access log, request smuggling (two Content-Length headers,
# Transfer-Encoding, obs-fold...: 400 and close), and a normal request
# served within seconds while 200 slowloris connections, then 200 that
# never read a big entry, hold on (more than the 128 threads).  serve.sh has the everyday checks
# (escaping in pages, the Host allowlist, the common methods).
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"

cp -r "$TOP/samples" src
head -c 3000000 /dev/urandom > src/big.bin # for the slow readers
"$SMZ_PACK" src -o lib.smz --name lib --quiet 2>pack.err
check "the samples pack" test -s lib.smz
start_server main lib.smz --log access.log
check "the server starts" test -n "$URL"
check "CivetWeb's form, upload and file-serving entry points are not even linked" \
    sh -c "! nm -D --undefined-only '$SMZ' | grep -Eq 'mg_(handle_form_request|store_body|upload|send_file|send_mime_file)'"
check "... and no document root is configured" sh -c "! grep -q '\"document_root\"' '$TOP/server/server.c'"
python3 "$TOP/tests/tools/hostile_http.py" "$PORT" lib index.html access.log "$T" big.bin
check "the server is still running" kill -0 "$PID"
stop_server "$PID"
check_eq "... and stops cleanly" "$?" 0
# The per-address cap, from 127.0.0.2 (127.0.0.1, where a reverse proxy on
# this machine connects from, is exempt); servers listen on 127.0.0.1 only.
start_server pc lib.smz
python3 "$TOP/tests/tools/per_client.py" 127.0.0.1 "$PORT" || fails=$((fails + 1))
stop_server "$PID"
done_testing
