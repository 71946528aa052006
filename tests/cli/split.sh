# shellcheck shell=bash
# Split archives (issue 23, docs/FORMAT.md "Split archives"): smz split and
# smz join round trips, byte-identical, with tiny part sizes; smz-pack
# --split (and a failed pack that leaves nothing); every smz subcommand on
# a set, by its stem and by a part, giving what it gives on the whole
# archive; `smz serve` of a folder of parts on 127.0.0.1; and each broken
# set (a missing, truncated, swapped, foreign, hostile part, a FIFO or a
# folder in a part's place) failing with a message that names the part.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"
# The samples and 40 KB that do not compress: the sets below want parts of
# 16 KiB, at least three of them (the samples alone now pack to 25 KB).
cp -r "$TOP/samples" samples && head -c 40000 /dev/urandom >samples/noise.bin
S=$T/samples

"$SMZ_PACK" "$S" -o whole.smz --quiet 2>pack.err
check "samples/ packs" test -s whole.smz
size=$(stat -c %s whole.smz)

# parts STEM: the parts of STEM, in order
parts() { ls "$1".[0-9][0-9][0-9] 2>/dev/null; }
# fails_with DESCRIPTION PATTERN COMMAND...: the command exits 2 (an
# error: smz(1), EXIT STATUS) and its standard error matches PATTERN;
# check_says_no: the same with status 1 (smz check's answer no).
fails_with() { fails_status 2 "$@"; }
check_says_no() { fails_status 1 "$@"; }
fails_status() {
    want_rc=$1 d=$2 pat=$3; shift 3
    "$@" >fw.out 2>fw.err
    rc=$?
    if [ "$rc" -eq "$want_rc" ] && grep -qE -- "$pat" fw.err; then ok "$d"; else bad "$d: status $rc, stderr: $(head -c 300 fw.err)"; fi
}

# --- smz split and smz join ---
for sz in 16K 4K 1000 4G; do
    mkdir -p "r$sz" && cp whole.smz "r$sz/a.smz"
    out=$("$SMZ" split "r$sz/a.smz" --size "$sz" 2>&1)
    check_eq "smz split --size $sz succeeds" "$?" 0
    case $sz in 16K) b=16384 ;; 4K) b=4096 ;; 1000) b=1000 ;; 4G) b=4294967295 ;; esac
    n=$(( (size + b - 1) / b ))
    check_eq "... makes ceil(size/$sz) parts" "$(parts "r$sz/a.smz" | wc -l)" "$n"
    big=0
    for p in $(parts "r$sz/a.smz"); do [ "$(stat -c %s "$p")" -le "$b" ] || big=1; done
    check_eq "... none over $b bytes, the last included" "$big" 0
    check_grep "... and says so" "$n parts" <(echo "$out")
    # shellcheck disable=SC2046 # one word a part
    cat $(parts "r$sz/a.smz") >"r$sz/cat.smz"
    check "cat of the parts is the archive, byte for byte" cmp -s whole.smz "r$sz/cat.smz"
    rm "r$sz/a.smz"
    check "smz join PART -o OUT" "$SMZ" join "r$sz/a.smz.001" -o "r$sz/joined.smz"
    check "... is byte-identical" cmp -s whole.smz "r$sz/joined.smz"
    check "smz join STEM -o OUT" "$SMZ" join "r$sz/a.smz" -o "r$sz/joined2.smz"
    check "... is byte-identical" cmp -s whole.smz "r$sz/joined2.smz"
done
check_eq "4K parts of a 4096-multiple archive: the last one is full too" \
    "$(stat -c %s "$(parts r4K/a.smz | tail -1)")" $((size % 4096 == 0 ? 4096 : size % 4096))
check_eq "4G means 4 GiB minus one byte: the archive is one part" "$(parts r4G/a.smz | wc -l)" 1
fails_with "smz join never replaces a file" "exists" "$SMZ" join r16K/a.smz -o r16K/joined.smz
check_eq "... and leaves no temporary file" "$(find r16K -name 'joined.smz.*' | wc -l)" 0

for bad_size in 0 100 511 4X "" -1 99999999999999999999G; do
    "$SMZ" split whole.smz --size "$bad_size" >/dev/null 2>err
    check_eq "smz split --size '$bad_size' is refused" "$?" 2
done
# shellcheck disable=SC2016 # expanded by the inner sh
fails_with "smz split refuses when parts exist" "r16K/a.smz.001: File exists" \
    sh -c 'cp whole.smz r16K/a.smz && "$0" split r16K/a.smz --size 16K' "$SMZ"
check_eq "... and leaves the parts there as they were" "$(cat r16K/a.smz.0* | cmp - whole.smz && echo same)" same
rm r16K/a.smz
cp whole.smz notsmz.bin
fails_with "smz split wants a NAME.smz" "must end in .smz" "$SMZ" split notsmz.bin --size 16K
check_eq "... and writes nothing" "$(ls notsmz.bin.* 2>/dev/null | wc -l)" 0
head -c 70000 /dev/urandom >junk.smz
fails_with "smz split refuses what is not an archive" "not an .smz archive" "$SMZ" split junk.smz --size 16K
check_eq "... and writes nothing" "$(ls junk.smz.* 2>/dev/null | wc -l)" 0

# --- smz-pack --split ---
mkdir pk
"$SMZ_PACK" "$S" -o pk/p.smz --split 16K --quiet 2>pk.err
check_eq "smz-pack --split 16K succeeds" "$?" 0
check_eq "... writes parts and their manifest only" "$(ls -A pk | grep -vcE '^p\.(smz\.[0-9]{3}|parts)$')" 0
check "... the manifest p.parts among them" test -s pk/p.parts
check "... that read as an archive" "$SMZ" check pk/p.smz
check_eq "... named after the output, not the temporary file" "$("$SMZ" info --json pk/p.smz | grep -o '"Name": *"[^"]*"' | sed 's/.*"\([^"]*\)"$/\1/')" p
fails_with "smz-pack --split refuses when the parts exist" "p.smz.001 exists" \
    "$SMZ_PACK" "$S" -o pk/p.smz --split 16K --quiet
fails_with "smz-pack --split wants NAME.smz" "NAME.smz" "$SMZ_PACK" "$S" -o pk/p.bin --split 16K --quiet
mkdir pf
fails_with "a pack that fails after packing" "main page" \
    "$SMZ_PACK" "$S" -o pf/f.smz --split 16K --main-page no/such/page --quiet
check_eq "... leaves nothing behind (no part, no whole archive, no folder)" "$(ls -A pf | wc -l)" 0
mkdir pi
"$SMZ_PACK" /usr/share/doc/postgresql-doc-15/html -o pi/pg.smz --split 1M --quiet 2>pi.err &
pid=$!
sleep 0.5
kill -INT "$pid" 2>/dev/null
wait "$pid"
rc=$?
if [ "$rc" -eq 0 ]; then
    echo "# the pack ended before the signal: interrupt check skipped"
else
    check_eq "an interrupted smz-pack --split ends with status 130" "$rc" 130
    check_eq "... and leaves nothing behind" "$(ls -A pi | wc -l)" 0
fi
"$SMZ" keygen -p k.pub -s k.sec -W >/dev/null 2>&1
mkdir sg
"$SMZ_PACK" "$S" -o sg/s.smz --split 16K --sign k.sec --quiet 2>sg.err
check "a signed pack split: parts and OUT.smz.minisig" test -s sg/s.smz.minisig -a -s sg/s.smz.002
check "smz verify of the set (embedded and detached signature)" "$SMZ" verify sg/s.smz --key k.pub
"$SMZ" verify sg/s.smz --key k.pub >verify.out 2>&1
check_grep "... both checked" "s.smz.minisig: good" verify.out
check "smz verify by a part" "$SMZ" verify sg/s.smz.003 --key k.pub
check "smz check --key of the set" "$SMZ" check sg/s.smz --key k.pub

# --- every subcommand on a set gives what it gives on the whole ---
mkdir set
cp whole.smz set/a.smz
"$SMZ" split set/a.smz --size 16K >/dev/null
cp set/a.smz wa.smz
rm set/a.smz
n_parts=$(parts set/a.smz | wc -l)
check "the test set has several parts" test "$n_parts" -ge 3
# same DESCRIPTION ARGS...: smz ARGS on wa.smz and on the set (stem, then
# part 2), outputs compared with the archive's name taken out
same() {
    d=$1; shift
    cmd=$1; shift
    "$SMZ" "$cmd" wa.smz "$@" 2>&1 | sed 's/wa\.smz/NAME/g' >same.w
    for name in set/a.smz set/a.smz.002; do
        "$SMZ" "$cmd" "$name" "$@" 2>&1 | sed "s#${name//./\\.}#NAME#g" >same.s
        if cmp -s same.w same.s; then ok "$d ($name)"; else bad "$d ($name): $(diff same.w same.s | head -5)"; fi
    done
}
same "smz info" info
same "smz info --json" info --json
same "smz ls" ls
same "smz check" check
for e in $("$SMZ" ls wa.smz | head -20); do
    "$SMZ" cat wa.smz "$e" >cat.w 2>&1
    "$SMZ" cat set/a.smz.004 "$e" >cat.s 2>&1
    cmp -s cat.w cat.s || bad "smz cat $e differs on the set"
done
ok "smz cat of 20 entries: the same bytes from the set"
if "$SMZ" search wa.smz china >/dev/null 2>&1; then
    same "smz search" search china
    same "smz search --json" search '"human rights"' --json
    same "smz suggest" suggest Ch
else
    echo "# no search in this build: search checks skipped"
fi
"$SMZ" extract wa.smz -o ex.w >/dev/null 2>&1
"$SMZ" extract set/a.smz -o ex.s >/dev/null 2>&1
check "smz extract of the set gives the same files" diff -r ex.w ex.s
# shellcheck disable=SC2016 # expanded by the inner sh
check "smz verify of an unsigned set says unsigned as for the whole" \
    sh -c '[ "$("$0" verify wa.smz 2>&1 | sed s/wa.smz/X/g)" = "$("$0" verify set/a.smz 2>&1 | sed s#set/a.smz#X#g)" ]' "$SMZ"

# --- a set served as one book ---
mkdir lib lib2
"$SMZ_PACK" "$S" -o lib/a.smz --split 16K --quiet 2>/dev/null
"$SMZ" join lib/a.smz -o a-whole.smz
cp whole.smz lib/whole.smz
cp lib/a.smz.0* lib2/ && cp a-whole.smz lib2/a.smz
start_server srv lib
check "smz serve starts on a folder with a split archive" test -n "$URL"
curl -s "$URL" >srv.index
check_eq "the library lists the set as one book" "$(grep -o 'href="/download/a.smz"' srv.index | wc -l)" 1
check_grep "... beside the whole archive" 'href="/download/whole.smz"' srv.index
e=$("$SMZ" ls a-whole.smz | grep '\.html$' | head -1)
curl -s "${URL}raw/a/content/$e" >srv.page
"$SMZ" cat a-whole.smz "$e" >cat.page
check "an entry served from the set is the entry's bytes" cmp -s srv.page cat.page
curl -s "${URL}download/a.smz" >srv.dl
check "/download of the set gives the whole archive" cmp -s srv.dl a-whole.smz
curl -s -r 16000-16999 "${URL}download/a.smz" >srv.range
check "... and a range across two parts" cmp -s srv.range <(tail -c +16001 a-whole.smz | head -c 1000)
if [ "$("$SMZ" search a-whole.smz china 2>/dev/null | wc -l)" -gt 0 ]; then
    curl -s "${URL}search?content=a&pattern=china" >srv.search
    check_grep "search on the served set finds results" 'href="/content/a/' srv.search
fi
stop_server "$PID"
start_server srv2 lib/a.smz.003
check "smz serve PART serves the set" test -n "$URL"
check_eq "... as the book a" "$(curl -s -o /dev/null -w '%{http_code}' "${URL}content/a/$e")" 200
stop_server "$PID"
start_server srv3 lib2
check_eq "a whole NAME.smz beside its parts is listed once" "$(curl -s "$URL" | grep -o 'href="/download/a.smz"' | wc -l)" 1
stop_server "$PID"

# --- broken sets: each fails, naming the part ---
# broken NAME: a fresh copy of the 16K set as NAME/a.smz.*
broken() { rm -rf "$1"; mkdir "$1"; cp set/a.smz.0* "$1/"; }
last=$(printf '%03d' "$n_parts")

broken b1; rm b1/a.smz.003
fails_with "a missing part: named, by the stem" "b1/a.smz.003: No such file.*missing" "$SMZ" info b1/a.smz
fails_with "... by another part" "b1/a.smz.003: No such file" "$SMZ" ls b1/a.smz.001
fails_with "... smz join names it too" "b1/a.smz.003" "$SMZ" join b1/a.smz -o b1/j.smz
check_eq "... and writes nothing" "$(ls b1/j.smz* 2>/dev/null | wc -l)" 0

broken b2; rm "b2/a.smz.$last"
fails_with "a missing last part is named" "b2/a.smz.$last: No such file" "$SMZ" cat b2/a.smz index.html

broken b3; truncate -s -100 b3/a.smz.002
fails_with "a truncated part is named" "b3/a.smz.002: 16284 bytes where the set needs 16384.*truncated" \
    "$SMZ" info b3/a.smz

broken b4; truncate -s -1 "b4/a.smz.$last"
check_says_no "a truncated last part is named" "b4/a.smz.$last: .*truncated" "$SMZ" check b4/a.smz

# Sizes tell a swap, so it needs a last part shorter than the others: an
# archive of a whole number of 16 KiB parts has none, then split at 15 KiB.
mkdir b5 && cp whole.smz b5/a.smz
b5_size=16K && [ $(($(wc -c <whole.smz) % 16384)) -eq 0 ] && b5_size=15K
"$SMZ" split b5/a.smz --size "$b5_size" >/dev/null && rm b5/a.smz
b5_last=$(printf '%03d' "$(parts b5/a.smz | wc -l)")
mv b5/a.smz.002 b5/tmp; mv "b5/a.smz.$b5_last" b5/a.smz.002; mv b5/tmp "b5/a.smz.$b5_last"
fails_with "swapped parts (the last in the middle): named" "b5/a.smz.002: .*swapped" "$SMZ" ls b5/a.smz

broken b6; cp b6/a.smz.001 "b6/a.smz.$(printf '%03d' $((n_parts + 1)))"
fails_with "a part after the last: named as not of this set" \
    "b6/a.smz.$(printf '%03d' $((n_parts + 1))): not part of this set" "$SMZ" info b6/a.smz

broken b7; head -c 16384 /dev/urandom >b7/a.smz.001
fails_with "a foreign first part: named" "b7/a.smz.001: not the first part of an .smz archive" \
    "$SMZ" info b7/a.smz.002

broken b8; head -c 20000 whole.smz >b8/a.smz.003
fails_with "a part of another size (another set's): named" "b8/a.smz.003: 20000 bytes where the set needs [0-9]+ " \
    "$SMZ" info b8/a.smz

broken b9; truncate -s 8192 b9/a.smz.001
fails_with "a truncated first part: named" "b9/a.smz.001: truncated" "$SMZ" info b9/a.smz

broken b10; rm b10/a.smz.002; mkfifo b10/a.smz.002
fails_with "a FIFO in a part's place: refused at once, named" "b10/a.smz.002: a named pipe" \
    timeout 10 "$SMZ" info b10/a.smz

broken b11; rm b11/a.smz.002; mkdir b11/a.smz.002
fails_with "a folder in a part's place: named" "b11/a.smz.002: a folder" "$SMZ" info b11/a.smz

# hostile headers: page counts that do not fit the parts
broken b12; printf '\177\377\377\377' | dd of=b12/a.smz.001 bs=1 seek=28 conv=notrunc 2>/dev/null
fails_with "a header claiming 2^31 pages: too many parts, no allocation" "b12/a.smz.001: too small" \
    "$SMZ" info b12/a.smz
broken b13; printf '\0\0\0\1' | dd of=b13/a.smz.001 bs=1 seek=28 conv=notrunc 2>/dev/null
# (one page of the archive's page size: format 3 picks a small one for a small archive)
page=$(od -An -tu1 -j16 -N2 whole.smz | awk '{ p = $1 * 256 + $2; print p == 1 ? 65536 : p }')
fails_with "a header claiming one page: part 1 is named as too long" "b13/a.smz.001: 16384 bytes where the set needs $page " \
    "$SMZ" info b13/a.smz
fails_with "a stem with no parts and no file" "nothing.smz" "$SMZ" info nothing.smz
: >b14.smz.001
fails_with "an empty first part" "b14.smz.001: not the first part" "$SMZ" info b14.smz

done_testing
