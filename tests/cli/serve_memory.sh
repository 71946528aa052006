# shellcheck shell=bash
# smz serve's memory (issue: serve memory): the real server on a free
# 127.0.0.1 port under a bounded load (a fixed number of requests from 24
# keep-alive clients at once: pages, search, suggestions, bad requests),
# then its resident memory must stay under a bound made of the cluster
# cache (--cache-mb) plus a fixed allowance for code, threads and the
# reader pool.  Memory, not time, is asserted.  --cache-mb's checks too.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"

"$SMZ_PACK" /usr/share/doc/postgresql-doc-15/html -o pg.smz --title PG --language eng \
    --main-page index.html --name pgdoc --quiet
"$SMZ" ls pg.smz | grep '\.html$' >paths

# --cache-mb: a number of MiB from 1 to 4096, in --help
check "--help names --cache-mb" sh -c "'$SMZ' serve --help | grep -q -- --cache-mb"
for bad in 0 -1 x 4097 ''; do
    "$SMZ" serve pg.smz --port 0 --cache-mb "$bad" >/dev/null 2>err; rc=$?
    check_eq "--cache-mb '$bad' is a usage error" "$rc" 2
done

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status"; }

# load URL_BASE COUNT: COUNT requests per client, 24 clients at once.
load() {
    python3 - "$1" "$2" paths <<'EOF'
import http.client, sys, threading, urllib.parse
base, count, paths = sys.argv[1], int(sys.argv[2]), [l.strip() for l in open(sys.argv[3]) if l.strip()]
u = urllib.parse.urlsplit(base)
words = ["select", "create index", "vacuum", "foreign key", "trigger", "json", "zzzzqq"]
errors = []
def client(k):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    for i in range(count):
        n = k * 7919 + i
        kind = n % 10
        if kind < 7:
            url = "/content/pgdoc/" + urllib.parse.quote(paths[n % len(paths)])
        elif kind == 7:
            url = "/search?content=pgdoc&pattern=" + urllib.parse.quote(words[n % len(words)])
        elif kind == 8:
            url = "/suggest?content=pgdoc&term=" + urllib.parse.quote(words[n % len(words)][:3])
        else:
            url = "/content/pgdoc/no-such-page-%d.html" % n
        try:
            c.request("GET", url)
            r = c.getresponse()
            r.read()
            if r.status not in (200, 404):
                errors.append("%s: %d" % (url, r.status))
        except (OSError, http.client.HTTPException) as e:
            errors.append("%s: %s" % (url, e))
            c.close()
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    c.close()
ts = [threading.Thread(target=client, args=(k,)) for k in range(24)]
for t in ts: t.start()
for t in ts: t.join()
print("\n".join(errors[:5]))
sys.exit(1 if errors else 0)
EOF
}

# bound_check CACHE_MB [ARGS...]: the default 128 threads, a bounded load in
# two rounds; RSS at the end under CACHE_MB + 48 MiB (code and libraries
# about 8, idle threads, up to 32 pooled readers with their search state,
# and malloc's arenas the rest; before the reader pool, the arena limits and
# the trim after searches, this load left about 90 MiB with the default
# 64 MiB cache).  How RSS moves over a long run is make soak's business.
bound_check() {
    mb=$1; shift
    start_server "mem$mb" pg.smz --address 127.0.0.1 --cache-mb "$mb" "$@"
    check "the server starts (--cache-mb $mb)" test -n "$URL"
    [ -n "$URL" ] || return
    check "round 1: 24 clients x 60 requests, all answered" load "$URL" 60
    r1=$(rss_kb "$PID")
    check "round 2: 24 clients x 60 requests, all answered" load "$URL" 60
    r2=$(rss_kb "$PID")
    limit=$(( (mb + 48) * 1024 ))
    echo "# --cache-mb $mb: RSS ${r1} KiB after round 1, ${r2} KiB after round 2 (limit $limit)"
    if [ -n "${SMZ_BUILD:-}" ]; then
        echo "# a sanitizer build ($SMZ_BUILD): its shadow memory and quarantine make RSS no measure; bound not checked"
    else
        check "RSS after the load (${r2} KiB) is under cache + 48 MiB ($limit KiB)" test "$r2" -lt "$limit"
    fi
    check "the server stops cleanly" stop_server "$PID"
}
bound_check 8
bound_check 32

done_testing
