# shellcheck shell=bash
# Shared by tests/cli/serve*.sh (sourced after tests/lib.sh, in $T): builds
# the test archives and starts and stops servers on free 127.0.0.1 ports.
# Every server and nginx started here is stopped by the EXIT trap.

SERVE_PIDS=""
NGINX_DIR=""
serve_cleanup() {
    for p in $SERVE_PIDS; do kill -TERM "$p" 2>/dev/null; done
    for p in $SERVE_PIDS; do wait "$p" 2>/dev/null; done
    if [ -n "$NGINX_DIR" ] && [ -f "$NGINX_DIR/nginx.pid" ]; then
        kill -QUIT "$(cat "$NGINX_DIR/nginx.pid")" 2>/dev/null
    fi
    [ -n "${NGINX_PID:-}" ] && wait "$NGINX_PID" 2>/dev/null
    return 0
}
trap serve_cleanup EXIT

# start_nginx ROOT [SERVER_LINES]: nginx serving the folder ROOT on a free
# 127.0.0.1 port, with SERVER_LINES (location blocks...) in its server
# block; waits until it answers.  Sets NP (its port), NGINX_DIR (its
# config, logs and access.log) and NGINX_PID.  Its workers run as we do
# (the scratch folder is ours alone; "user" is ignored unless we are root).
start_nginx() {
    NGINX_DIR=$T/nginx
    mkdir -p "$NGINX_DIR/tmp"
    NP=$(free_port)
    cat >"$NGINX_DIR/nginx.conf" <<CONF
daemon off;
user $(id -un) $(id -gn);
worker_processes 1;
pid $NGINX_DIR/nginx.pid;
error_log $NGINX_DIR/error.log;
events { worker_connections 64; }
http {
    types { text/html html; application/octet-stream smz; }
    access_log $NGINX_DIR/access.log;
    client_body_temp_path $NGINX_DIR/tmp/body;
    proxy_temp_path $NGINX_DIR/tmp/proxy;
    fastcgi_temp_path $NGINX_DIR/tmp/fastcgi;
    uwsgi_temp_path $NGINX_DIR/tmp/uwsgi;
    scgi_temp_path $NGINX_DIR/tmp/scgi;
    server {
        listen 127.0.0.1:$NP;
        root $1;
${2:-}
    }
}
CONF
    nginx -e "$NGINX_DIR/error.log" -p "$NGINX_DIR" -c "$NGINX_DIR/nginx.conf" &
    NGINX_PID=$!
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$NP/" && break; sleep 0.05; done
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_server NAME ARGS...: starts `smz serve ARGS... --port P` on a free
# port and waits until it listens.  Sets PID, PORT and URL (the base URL it
# printed, URL root included); output goes to NAME.out and NAME.err.
start_server() {
    name=$1; shift
    PORT=$(free_port)
    "$SMZ" serve "$@" --port "$PORT" >"$name.out" 2>"$name.err" &
    PID=$!
    SERVE_PIDS="$SERVE_PIDS $PID"
    URL=""
    for _ in $(seq 200); do
        URL=$(sed -n 's/^smz serve: serving \(http[^ ]*\).*/\1/p' "$name.out" 2>/dev/null)
        [ -n "$URL" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
}

# stop_server PID: SIGTERM, then waits; returns the server's exit status.
stop_server() {
    kill -TERM "$1" 2>/dev/null
    wait "$1"
}

# pack_archives DIR: packs pgdoc.smz and hostile.smz into DIR, with a
# full-text index when this build can make one (INDEX=1), else without.
pack_archives() {
    mkdir -p "$1"
    python3 "$TOP/tests/browser/site.py" site/root
    INDEX=1
    noindex=""
    # search checks need smz search itself, not only an index in the archive
    "$SMZ" search --help >/dev/null 2>&1 || INDEX=0
    if ! "$SMZ_PACK" site/root -o "$1/hostile.smz" --redirects site/redirects.tsv \
        --title '<script>alert("title")</script> Hostile & Co' \
        --description '"><img src=x onerror=alert(5)> & more' --creator '</name></author><evil/>' \
        --publisher 'P&P <pub>' --language ara --name hostile --tags '<t>;x' --date 2024-05-06 \
        --illustration site/illustration.png --quiet 2>pack.err; then
        # shellcheck disable=SC2034 # read by the test that sources this file
        INDEX=0
        noindex=--no-index
        "$SMZ_PACK" site/root -o "$1/hostile.smz" --redirects site/redirects.tsv \
            --title '<script>alert("title")</script> Hostile & Co' \
            --description '"><img src=x onerror=alert(5)> & more' --creator '</name></author><evil/>' \
            --publisher 'P&P <pub>' --language ara --name hostile --tags '<t>;x' --date 2024-05-06 \
            --illustration site/illustration.png --quiet $noindex
    fi
    "$SMZ_PACK" /usr/share/doc/postgresql-doc-15/html -o "$1/pgdoc.smz" --title "PostgreSQL 15 manual" \
        --description "The PostgreSQL documentation" --language eng --main-page index.html \
        --level 3 --quiet $noindex
}
