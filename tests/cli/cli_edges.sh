# shellcheck shell=bash
# The command line's rough edges (issue 19): smz-pack's progress tells the
# truth to the end (phases in order, compressed bytes that only grow, "done"
# last, never "0 s left" while work remains); --date and --language are
# checked as the metadata file's values are, with the same message;
# --version of both programs; the pack summary in words; one exit-status
# rule for every subcommand (smz(1), EXIT STATUS); smz serve's start-up
# messages (no archives, archives that cannot be opened, a busy port).
. "$TOP/tests/lib.sh"
cd "$T" || exit 1

# --- a corpus of several clusters: 48 pages of 96 KB of words, in 256 KB
# clusters at level 19, so that compressing takes a while after reading ---
python3 - <<'EOF'
import os, random
r = random.Random(19)
words = ["".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(r.randint(2, 10))) for _ in range(4000)]
os.makedirs("big", exist_ok=True)
for i in range(48):
    body = " ".join(r.choice(words) for _ in range(16000))[:96000]
    with open("big/p%02d.html" % i, "w") as f:
        f.write("<html><head><title>Page %d</title></head><body><p>%s</p></body></html>\n" % (i, body))
EOF
"$SMZ" keygen -W -p k.pub -s k.key >/dev/null 2>&1
"$SMZ_PACK" big -o big.smz --progress --level 19 --cluster-size 262144 --sign k.key 2>prog.err
check_eq "smz-pack --progress packs the corpus" "$?" 0
check_eq "... in several clusters" "$(python3 -c '
import sqlite3; print(sqlite3.connect("big.smz").execute("select count(*) >= 8 from clusters").fetchone()[0])')" 1
python3 - prog.err >prog.check <<'EOF'
import re, sys
phases = ["reading files", "compressing", "building the search index", "writing the archive", "signing", "done"]
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
prog = [l for l in lines if any(l.startswith(p) for p in phases)]
seq = [next(i for i, p in enumerate(phases) if l.startswith(p)) for l in prog]
print("lines", len(prog))
print("ordered", int(seq == sorted(seq)))
print("phases", " ".join(str(i) for i in sorted(set(seq))))
print("last", prog[-1].split(":")[0] if prog else "")
done = [float(m.group(1)) for l in prog for m in [re.search(r"([0-9.]+)(?: of [0-9.]+)? MB compressed", l)] if m]
print("grows", int(len(done) > 2 and done == sorted(done)))
print("zero_left", sum(1 for l in prog if re.search(r"\b0 s left", l)))
# While compressing with work left, each line says how long, or that the
# estimate ran out: never nothing, never 0 s.
quiet = 0
for l in prog:
    m = re.match(r"compressing: ([0-9.]+) of ([0-9.]+) MB", l)
    if m and float(m.group(1)) < float(m.group(2)) and not re.search(r"about .* left|taking longer than estimated|estimating", l):
        quiet += 1
print("silent_compressing", quiet)
print("compressing_lines", sum(1 for l in prog if l.startswith("compressing")))
EOF
check_eq "progress lines come in the order of the phases" "$(sed -n 's/^ordered //p' prog.check)" 1
check_eq "... reading, compressing, building the index, writing, signing and done all appear" \
    "$(sed -n 's/^phases //p' prog.check)" "0 1 2 3 4 5"
check_eq "... the last one says done" "$(sed -n 's/^last //p' prog.check)" "done"
check_eq "... the compressed bytes only grow" "$(sed -n 's/^grows //p' prog.check)" 1
check_eq "... no line says 0 s left" "$(sed -n 's/^zero_left //p' prog.check)" 0
check_eq "... every compressing line with work left says what is left" \
    "$(sed -n 's/^silent_compressing //p' prog.check)" 0
check "... at least one line while compressing" \
    test "$(sed -n 's/^compressing_lines //p' prog.check)" -ge 1
# One cluster for all (no index): its compression runs after the reading,
# for seconds, with nothing finished to count; the heartbeat keeps the line
# going, and its time left counts down or says the estimate ran out.
"$SMZ_PACK" big -o one.smz --progress --level 19 --cluster-size 8000000 --no-index 2>one.err
grep '^compressing' one.err >one.lines
check "one long cluster: the compressing line comes again and again ($(wc -l <one.lines) lines)" \
    test "$(wc -l <one.lines)" -ge 2
check "... never with 0 s left" bash -c "! grep -qE '\b0 s left' one.lines"
check "... always saying what is left" bash -c "! grep -vqE 'left|taking longer than estimated|estimating|writing what is left' one.lines"
check_grep "... and done at the end" "^done: " one.err
"$SMZ_PACK" big -o big2.smz --level 1 2>noprog.err
check_eq "without --progress and without a terminal: the summary alone" "$(wc -l <noprog.err)" 1
"$SMZ_PACK" big -o big3.smz --level 1 --progress --quiet 2>quiet.err
check_eq "--quiet wins over --progress" "$(wc -c <quiet.err)" 0

# --- the summary in words ---
check_grep "a normal pack says how big the archive is against its content" \
    "^big2.smz: 49 entries, [0-9.]+ MB of content in an archive of [0-9.]+ MB \([0-9]+% of its size\), made in [0-9]+ s\.$" noprog.err
# (one HTML page: a text file would bring its rendered page and an index page,
# 8.8 kB that a packed index now holds in less)
mkdir tiny && echo "<title>x</title>x" >tiny/index.html
"$SMZ_PACK" tiny -o tiny.smz 2>tiny.err
check_grep "a tiny pack says the archive is larger than its content" \
    "^tiny.smz: .* of content in an archive of [0-9.]+ kB, made in [0-9]+ s\.$" tiny.err
check_grep "... and why: what the content compresses to, and the overhead every archive carries" \
    "The archive is larger than its content: the content compresses to [0-9.]+ (bytes|kB), and every archive carries about [0-9.]+ kB more" tiny.err
# The two parts add up to the archive (to the rounding of kB), and the
# overhead is the archive's tables (a few kB since format 3 picks small pages for a small
# archive), not the gap between archive and content.
sum_ok() {
    python3 - "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def kb(v, u): return float(v) / (1000 if u == "bytes" else 1)
arc = float(re.search(r"in an archive of ([0-9.]+) kB", t).group(1))
m = re.search(r"compresses to ([0-9.]+) (bytes|kB), and every archive carries about ([0-9.]+) kB more", t)
packed, over = kb(m.group(1), m.group(2)), float(m.group(3))
sys.exit(0 if abs(packed + over - arc) <= 0.2 and over > 5 else 1)
PY
}
check "... which add up to the archive's size" sum_ok tiny.err
check "... with no ratio of thousands of percent" bash -c "! grep -q '%' tiny.err"

# --- --date and --language: the same rule and message both ways ---
mkdir meta && echo "<title>x</title>x" >meta/index.html
for kv in "date:Date:2022-13-01" "language:Language:english" "date:Date:2022-02-30" "language:Language:en_GB"; do
    IFS=: read -r opt key val <<<"$kv"
    "$SMZ_PACK" meta -o m.smz --"$opt" "$val" 2>cl.err
    rc_cl=$?
    printf '{"%s": "%s"}\n' "$key" "$val" >meta/samizdat.json
    "$SMZ_PACK" meta -o m.smz 2>mf.err
    rc_mf=$?
    rm meta/samizdat.json
    check_eq "--$opt $val is refused (status 2), as in samizdat.json" "$rc_cl:$rc_mf" "2:2"
    check_eq "... with the same message" "$(sed "s/^smz-pack: --$opt: //" cl.err)" \
        "$(sed "s|^smz-pack: meta/samizdat.json: ||" mf.err)"
    check_grep "... which names the option" "^smz-pack: --$opt: $key must be" cl.err
done
"$SMZ_PACK" meta -o m1.smz --date 2022-12-01 --language eng --quiet
check_eq "good --date and --language are taken" "$?:$("$SMZ" info --json m1.smz | python3 -c '
import json,sys; m=json.load(sys.stdin)["metadata"]; print(m["Date"], m["Language"])')" "0:2022-12-01 eng"
printf '{"Date": "2021-02-28", "Language": "zho"}\n' >meta/samizdat.json
"$SMZ_PACK" meta -o m2.smz --quiet
check_eq "the same good values from samizdat.json too" "$?:$("$SMZ" info --json m2.smz | python3 -c '
import json,sys; m=json.load(sys.stdin)["metadata"]; print(m["Date"], m["Language"])')" "0:2021-02-28 zho"
"$SMZ_PACK" meta -o m3.smz --quiet --date 2020-01-01
check_eq "the command line wins over the file" "$("$SMZ" info --json m3.smz | python3 -c '
import json,sys; print(json.load(sys.stdin)["metadata"]["Date"])')" "2020-01-01"
rm meta/samizdat.json

# --- --version ---
if [ "$(git -C "$TOP" rev-parse --show-toplevel 2>/dev/null)" = "$TOP" ]; then
    want_commit=$(git -C "$TOP" rev-parse --short HEAD)
else
    want_commit=unknown
fi
for prog in "$SMZ" "$SMZ_PACK"; do
    name=$(basename "$prog")
    "$prog" --version >v.out 2>&1
    check_eq "$name --version exits 0" "$?" 0
    check_grep "... first line: NAME VERSION (commit HASH)" "^$name [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{7,}|unknown)\)$" v.out
    got_commit=$(sed -n '1s/.*(commit \(.*\))$/\1/p' v.out)
    # A binary built before the last commit (tests/run.sh without make)
    # names an ancestor of HEAD: that is not a wrong stamp, only an old
    # build.  Any other value is.
    if [ "$got_commit" != "$want_commit" ] && [ "$want_commit" != unknown ] &&
        git -C "$TOP" merge-base --is-ancestor "$got_commit" HEAD 2>/dev/null &&
        [ "$prog" -ot "$TOP/.git/$(git -C "$TOP" symbolic-ref -q HEAD || echo HEAD)" ]; then
        ok "... the commit is an ancestor of HEAD # SKIP built before the last commit: run make"
    else
        check_eq "... the commit is the checkout's HEAD ($want_commit)" "$got_commit" "$want_commit"
    fi
    libs="zstd SQLite libsodium libarchive libxml2"
    [ "$name" = smz ] && libs="$libs CivetWeb" || libs="$libs cmark libmagic"
    for l in $libs; do
        check_grep "... $l's version" "^  $l [0-9]+\.[0-9]+" v.out
    done
done
check_eq "smz's SQLite is the one it runs with" "$(sed -n 's/^  SQLite //p' v.out)" \
    "$(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)')"
"$SMZ" reader-html --version >rh.out
check_grep "smz reader-html --version is as it was" "^smz-reader.html build [0-9a-f]{16} \([0-9]+ bytes\)$" rh.out

# --- one exit-status rule: 0 yes, 1 no, 2 error ---
mkdir site && printf '<html><title>Home</title><p>hello world</p></html>' >site/index.html
"$SMZ_PACK" site -o a.smz --quiet
echo junk >junk.smz
mkdir empty
: >exists.html
# status WANT DESCRIPTION COMMAND...
status() {
    want=$1 d=$2; shift 2
    timeout 20 "$@" >st.out 2>st.err </dev/null
    check_eq "$d: status $want" "$?" "$want"
}
for sub in info ls cat extract search suggest check verify serve split join reader-html keygen; do
    status 2 "smz $sub --no-such-option" "$SMZ" "$sub" --no-such-option
done
status 2 "smz-pack --no-such-option" "$SMZ_PACK" --no-such-option
status 2 "smz info of a missing archive" "$SMZ" info missing.smz
status 2 "smz ls of a missing archive" "$SMZ" ls missing.smz
status 2 "smz cat of a missing archive" "$SMZ" cat missing.smz index.html
status 2 "smz extract of a missing archive" "$SMZ" extract missing.smz -o out
status 2 "smz search of a missing archive" "$SMZ" search missing.smz hello
status 2 "smz suggest of a missing archive" "$SMZ" suggest missing.smz hel
status 2 "smz check of a missing archive" "$SMZ" check missing.smz
status 2 "smz verify of a missing archive" "$SMZ" verify missing.smz
status 2 "smz serve of a missing archive" "$SMZ" serve missing.smz --port 0
status 2 "smz split of a missing archive" "$SMZ" split missing.smz --size 1M
status 2 "smz join of a missing set" "$SMZ" join missing.smz -o joined.smz
status 2 "smz info of a file that is no archive" "$SMZ" info junk.smz
status 2 "smz-pack of a missing source" "$SMZ_PACK" missing -o x.smz
status 2 "smz reader-html over an existing file" "$SMZ" reader-html -o exists.html
status 2 "smz keygen over an existing key" "$SMZ" keygen -W -p k.pub -s k.key
status 2 "smz serve of an empty folder" "$SMZ" serve empty --port 0
status 1 "smz ls ARCHIVE PREFIX with no match" "$SMZ" ls a.smz nothing/
check_grep "... says so on standard error" "^smz ls: no entry starts with 'nothing/'$" st.err
status 0 "smz ls ARCHIVE PREFIX with a match" "$SMZ" ls a.smz index
status 1 "smz cat of no such entry" "$SMZ" cat a.smz nothing.html
status 1 "smz extract of paths that match nothing" "$SMZ" extract a.smz nothing.html -o out
status 1 "smz search with no hit" "$SMZ" search a.smz zzyzxq
status 0 "smz search with a hit" "$SMZ" search a.smz hello
status 1 "smz suggest with no hit" "$SMZ" suggest a.smz zzyzxq
status 1 "smz check of a file that is no archive (the answer no)" "$SMZ" check junk.smz
status 0 "smz check of a good archive" "$SMZ" check a.smz
status 1 "smz verify of an unsigned archive" "$SMZ" verify a.smz --key k.pub
status 0 "smz verify of a signed archive" "$SMZ" verify big.smz --key k.pub
status 0 "smz info of a good archive" "$SMZ" info a.smz

# --- smz serve's start-up ---
"$SMZ" serve empty --port 0 >srv.out 2>srv.err
check_eq "smz serve of an empty folder refuses to start (status 2)" "$?" 2
check_eq "... in one line that says no archives were found" "$(wc -l <srv.err):$(grep -c 'no archives found' srv.err)" "1:1"
"$SMZ" serve junk.smz --port 0 >srv.out 2>srv.err
check_eq "smz serve of archives none of which opens refuses to start (status 2)" "$?" 2
check_grep "... naming the file and why" "^smz serve: junk.smz: not an .smz archive$" srv.err
check_grep "... and saying there is nothing to serve" "none of the archives given can be opened" srv.err
"$SMZ" serve a.smz junk.smz --port 0 >srv.out 2>srv.err &
pid=$!
for _ in $(seq 200); do grep -q '^smz serve: serving' srv.out 2>/dev/null && break; sleep 0.05; done
check_grep "one good and one bad archive: it serves the good one" "^smz serve: serving http://127.0.0.1:[0-9]+/ \(1 archive; Ctrl-C to stop\)$" srv.out
check_eq "... with one line naming the bad one" "$(grep -c 'junk.smz' srv.err):$(grep -c '^smz serve: junk.smz: not an .smz archive$' srv.err)" "1:1"
kill "$pid"
wait "$pid"
python3 - "$SMZ" a.smz >busy.out <<'EOF'
import socket, subprocess, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
port = s.getsockname()[1]
p = subprocess.run([sys.argv[1], "serve", sys.argv[2], "--port", str(port)], capture_output=True, text=True, timeout=20)
print(p.returncode)
print(p.stderr == "smz serve: 127.0.0.1:%d is already in use; choose another with --port\n" % port)
print(p.stderr.strip().replace("\n", " | "))
EOF
check_eq "a busy port: status 2" "$(sed -n 1p busy.out)" 2
check_eq "... and one clear line, none of CivetWeb's: $(sed -n 3p busy.out)" "$(sed -n 2p busy.out)" True
done_testing
