# shellcheck shell=bash
# Hostile files where archives, signatures, keys and metadata are looked for
# (issue 16, point 3): a named pipe called x.smz or x.smz.minisig, a FIFO
# key, keyring, --metadata, --redirects, --illustration or --password-file,
# a folder called x.smz, a symlink to /dev/zero or to a FIFO.  open() of a
# FIFO blocks until a writer comes, so each of these hung its command, and
# `smz serve` of the folder hung under the library lock.  Every command must
# now answer at once with a clear error (timeout is the hang guard), and the
# server must go on serving the good archive and stop on SIGTERM.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"

G="timeout 10"
mkdir -p site lib
printf '<html><head><title>Good</title></head><body>good page</body></html>\n' > site/index.html
"$SMZ_PACK" site -o lib/good.smz --name good --quiet
"$SMZ" keygen -W -p k.pub -s k.key >/dev/null 2>&1
check "the good archive and a key pair are made" test -s lib/good.smz -a -s k.pub
cp lib/good.smz signed.smz
mkfifo lib/x.smz lib/good.smz.minisig fifo.pub fifo.ring fifo.json fifo.tsv fifo.png fifo.pw fifo.sig
mkdir lib/dir.smz
ln -s /dev/zero lib/zero.smz
ln -s "$T/lib/x.smz" lib/tofifo.smz
mkfifo signed.smz.minisig

# runs "$@" under the hang guard; the status and the message in out/err
run() { $G "$@" >out 2>err; rc=$?; }

for a in lib/x.smz lib/zero.smz lib/tofifo.smz lib/dir.smz; do
    for c in info ls check verify; do
        run "$SMZ" "$c" "$a"
        [ "$rc" -ne 124 ] && [ "$rc" -ne 0 ] && ok "smz $c $a fails at once ($rc)" || bad "smz $c $a: status $rc"
    done
    run "$SMZ" cat "$a" index.html
    check "smz cat $a fails at once" test "$rc" -ne 124 -a "$rc" -ne 0
done
run "$SMZ" info lib/x.smz
check_grep "... saying a FIFO is not a regular file" "x.smz: a named pipe \(FIFO\), not a regular file" err
run "$SMZ" info lib/zero.smz
check_grep "... a device neither" "zero.smz: a device, not a regular file" err
run "$SMZ" info lib/dir.smz
check_grep "... nor a folder" "dir.smz: a folder" err

run "$SMZ" verify signed.smz --key k.pub
check "smz verify with a FIFO ARCHIVE.minisig answers at once" test "$rc" -ne 124
check_grep "... and says what the .minisig is" "minisig: a named pipe \(FIFO\)" out
run "$SMZ" check signed.smz --key k.pub
check "smz check --key with a FIFO ARCHIVE.minisig answers at once" test "$rc" -ne 124 -a "$rc" -ne 0
run "$SMZ" verify lib/good.smz --key fifo.pub
check "smz verify --key FIFO fails at once" test "$rc" -ne 124 -a "$rc" -ne 0
check_grep "... saying why" "fifo.pub: a named pipe" err
run "$SMZ" verify lib/good.smz --keyring fifo.ring
check "smz verify --keyring FIFO fails at once" test "$rc" -ne 124 -a "$rc" -ne 0
run "$SMZ" verify lib/good.smz --key k.pub --signature fifo.sig
check "smz verify --signature FIFO answers at once" test "$rc" -ne 124
run "$SMZ" verify lib/good.smz --key /dev/zero
check "smz verify --key /dev/zero fails at once" test "$rc" -ne 124 -a "$rc" -ne 0
run "$SMZ" info signed.smz
check "smz info with a FIFO ARCHIVE.minisig answers" test "$rc" -eq 0

run "$SMZ_PACK" site -o m.smz --metadata fifo.json --quiet
check "smz-pack --metadata FIFO fails at once" test "$rc" -ne 124 -a "$rc" -ne 0
check_grep "... saying why" "a named pipe" err
run "$SMZ_PACK" site -o r.smz --redirects fifo.tsv --quiet
check "smz-pack --redirects FIFO fails at once" test "$rc" -ne 124 -a "$rc" -ne 0
run "$SMZ_PACK" site -o i.smz --illustration fifo.png --quiet
check "smz-pack --illustration FIFO fails at once" test "$rc" -ne 124 -a "$rc" -ne 0
run "$SMZ_PACK" site -o s.smz --sign fifo.pub --quiet
check "smz-pack --sign FIFO fails at once" test "$rc" -ne 124 -a "$rc" -ne 0
"$SMZ" keygen -p e.pub -s e.key --password-file /dev/null >/dev/null 2>&1
printf 'pw\n' > pw.txt
"$SMZ" keygen -f -p e.pub -s e.key --password-file pw.txt >/dev/null 2>&1
run "$SMZ_PACK" site -o e.smz --sign e.key --password-file fifo.pw --quiet
check "smz-pack --password-file FIFO fails at once" test "$rc" -ne 124 -a "$rc" -ne 0
mkdir -p site2
cp site/index.html site2/
mkfifo site2/samizdat.json
run "$SMZ_PACK" site2 -o j.smz --quiet
check "a FIFO samizdat.json in the source fails at once" test "$rc" -ne 124 -a "$rc" -ne 0

# The server: the folder holds every kind of bad file next to the good one.
start_server hf lib --trust k.pub
check "smz serve of the folder starts" test -n "$URL"
t0=$(date +%s%N)
code=$($G curl -s -o lib.html -w '%{http_code}' --max-time 8 "$URL")
t1=$(date +%s%N)
check_eq "the library page answers" "$code" 200
check "... within 2 s ($(( (t1 - t0) / 1000000 )) ms)" test $(( (t1 - t0) / 1000000 )) -lt 2000
check_grep "... and lists the good archive" "good" lib.html
code=$($G curl -s -o page.html -w '%{http_code}' --max-time 8 "${URL}content/good/index.html")
check_eq "the good archive's page answers" "$code" 200
code=$($G curl -s -o /dev/null -w '%{http_code}' --max-time 8 "${URL}content/x/index.html")
check "a FIFO's name is no archive (4xx, at once)" test "$code" -ge 400 -a "$code" -lt 500
t0=$(date +%s%N)
stop_server "$PID"
rc=$?
t1=$(date +%s%N)
check_eq "... and SIGTERM stops it" "$rc" 0
check "... within 4 s: CivetWeb polls in 2 s steps ($(( (t1 - t0) / 1000000 )) ms)" test $(( (t1 - t0) / 1000000 )) -lt 4000
check_grep "... with a clear word for the FIFO" "x.smz: a named pipe" hf.err
start_server hf2 lib
kill -TERM "$PID"
sleep 0.2 # not two pending signals that become one
t0=$(date +%s%N)
kill -TERM "$PID"
wait "$PID"
rc=$?
t1=$(date +%s%N)
check "a second SIGTERM ends it at once ($(( (t1 - t0) / 1000000 )) ms, status $rc)" test $(( (t1 - t0) / 1000000 )) -lt 1500
# --- the packer stops on a signal even while its input never comes: a FIFO
# source with no writer, or standard input that stays open (red team: it
# stayed blocked in open() or read(), needed SIGKILL, and left its partial
# file); the first signal cancels, and 2 s later, or at a second signal, it
# ends with the partial file removed ---
mkdir -p pk
mkfifo pk/src.fifo
for how in fifo stdin; do
    if [ "$how" = fifo ]; then
        "$SMZ_PACK" pk/src.fifo -o pk/out-$how.smz --quiet 2>pk/$how.err &
    else
        # standard input a FIFO that it holds open itself: it never ends
        "$SMZ_PACK" - -o pk/out-$how.smz --quiet 0<>pk/src.fifo 2>pk/$how.err &
    fi
    pid=$!
    sleep 0.5
    t0=$(date +%s%N)
    kill -TERM "$pid" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
        bad "smz-pack waiting on its $how input stops on SIGTERM (still running after 10 s)"
        kill -KILL "$pid" 2>/dev/null
    else
        wait "$pid"
        rc=$?
        t1=$(date +%s%N)
        check_eq "smz-pack waiting on its $how input stops on SIGTERM with status 130 ($(( (t1 - t0) / 1000000 )) ms)" "$rc" 130
    fi
    check_eq "... and leaves no partial file" "$(ls -A pk | grep -c "out-$how")" 0
    check_grep "... and says it was interrupted" "interrupted" pk/$how.err
done
"$SMZ_PACK" pk/src.fifo -o pk/out-two.smz --quiet 2>/dev/null &
pid=$!
sleep 0.5
kill -INT "$pid"; sleep 0.2; t0=$(date +%s%N); kill -INT "$pid"
wait "$pid"
rc=$?
t1=$(date +%s%N)
check "a second Ctrl-C ends it at once ($(( (t1 - t0) / 1000000 )) ms, status $rc)" test $(( (t1 - t0) / 1000000 )) -lt 1500 -a "$rc" = 130
check_eq "... and leaves no partial file" "$(ls -A pk | grep -c "out-two")" 0
done_testing
