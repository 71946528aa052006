# shellcheck shell=bash
# The static programs of `make dist` on one architecture (tests/dist/run.sh
# runs it for amd64 natively and for arm64 under qemu-user-static): pack
# samples/, info, ls, cat, search (a Chinese query too), check, sign and
# verify, extract, split and join, smz stick (which finds the programs
# beside itself), serve and one HTTP request on 127.0.0.1,
# and pages in six legacy charsets, whose decoding proves that the
# programs' own iconv works (a static glibc would need gconv modules).
# The native bin/smz is the oracle for what the answers must be.  Last, in
# an empty chroot (root only), the programs pack, search and serve with no
# file of the system to lean on: no gconv modules, no NSS, no libraries.
# Set by run.sh: SMZ, SMZ_PACK (the programs, through qemu for arm64),
# DIST_BIN (the folder of the real files), QEMU (empty for amd64), ARCH,
# NATIVE (bin/smz), TOP, T.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1

for p in smz smz-pack; do
    check_grep "$ARCH $p: file says statically linked" 'statically linked' <(file -b "$DIST_BIN/$p")
done
"$SMZ" --version >version.txt 2>&1
check_grep "smz --version names the version and the commit" '^smz [0-9]+\.[0-9]+\.[0-9]+ \(commit [0-9a-f]{7,}\)' version.txt

# --- the message catalogues beside the programs' folder ------------------------
check "make dist ships the compiled catalogues (locale/)" test -s "$DIST_BIN/../locale/C/LC_MESSAGES/samizdat-zh_CN.mo"
mkdir -p note
printf 'A note\n\nSome text.\n' >note/a.txt
env -u LC_ALL -u LC_MESSAGES LANGUAGE=zh_CN LANG=en_US.UTF-8 "$SMZ_PACK" note -o zh.smz 2>zh.err
check_grep "a static smz-pack speaks Simplified Chinese (LANGUAGE=zh_CN), from them" 'zh\.smz：[0-9]+ 个条目，内容 .*，存档大小' zh.err
env -u LC_ALL -u LC_MESSAGES -u LANGUAGE LANG=ru_RU.UTF-8 "$SMZ" no-such-command 2>ru.err
check_grep "... a static smz Russian (LANG=ru_RU.UTF-8)" 'smz: неизвестная команда' ru.err
env -u LC_ALL -u LC_MESSAGES -u LANGUAGE -u LANG "$SMZ" no-such-command 2>en.err
check_grep "... and English by default" "smz: unknown command 'no-such-command'" en.err

# --- samples/: pack, info, ls, cat, search, check --------------------------------
"$SMZ_PACK" "$TOP/samples" -o s.smz --quiet 2>pack.err
check "smz-pack packs samples/" test -s s.smz
"$SMZ" info s.smz >info.txt 2>&1
check_grep "smz info shows the title" '^Title +Human Rights in China' info.txt
"$SMZ" ls s.smz >ls.txt
"$NATIVE" ls s.smz >ls.native
check "smz ls lists what the native smz lists" cmp -s ls.txt ls.native
first=$(grep '\.html$' ls.txt | head -1)
"$SMZ" cat s.smz "$first" >cat.out
check "smz cat gives the entry's bytes (as the native smz)" cmp -s cat.out <("$NATIVE" cat s.smz "$first")
"$SMZ" search s.smz Olympics >search.txt 2>&1
check_grep "smz search finds an English word" '^[0-9]+_' search.txt
check "smz check passes" "$SMZ" check s.smz

# --- sign, verify ----------------------------------------------------------------
"$SMZ" keygen -p k.pub -s k.key -W >/dev/null 2>&1
"$SMZ_PACK" "$TOP/samples" -o signed.smz --quiet --sign k.key 2>/dev/null
check "smz-pack --sign signs with a key from smz keygen" test -s signed.smz
check "smz verify accepts the signature" "$SMZ" verify signed.smz --key k.pub
"$NATIVE" keygen -p other.pub -s other.key -W >/dev/null 2>&1
check_fails "smz verify refuses another key" "$SMZ" verify signed.smz --key other.pub

# --- extract -----------------------------------------------------------------------
"$SMZ" extract s.smz -o out >/dev/null 2>&1
check "smz extract writes the entries" cmp -s "out/$first" cat.out
"$SMZ" extract s.smz --format tar.gz -o s.tar.gz >/dev/null 2>&1
check_eq "smz extract --format tar.gz (libarchive, linked in) writes them all" \
    "$(tar -tzf s.tar.gz 2>/dev/null | grep -cv '/$')" "$(wc -l <ls.txt)"

# --- split, join ------------------------------------------------------------------
cp s.smz whole.smz
"$SMZ" split whole.smz --size 16K >/dev/null 2>&1
check "smz split cuts it into parts" test -s whole.smz.002
check_eq "... whose info is the whole's" "$("$SMZ" info whole.smz.001 | grep '^Title')" "$(grep '^Title' info.txt)"
check "... and whose smz check passes" "$SMZ" check whole.smz.001
"$SMZ" join whole.smz.001 -o joined.smz >/dev/null 2>&1
check "smz join gives back the very bytes" cmp -s joined.smz s.smz

# --- smz stick finds the programs beside itself ------------------------------------
"$SMZ" stick stick s.smz >stick.out 2>stick.err
check_eq "smz stick finds make dist's programs beside it (no warning)" "$(cat stick.err)" ""
check "... and puts the arm64 smz on the stick" cmp -s stick/bin/linux-arm64/smz "$DIST_BIN/../linux-arm64/smz"
check "... and the amd64 smz-pack" cmp -s stick/bin/linux-amd64/smz-pack "$DIST_BIN/../linux-amd64/smz-pack"

# --- pages in six legacy charsets: iconv ------------------------------------------
python3 "$TOP/tests/tools/charset_site.py" site arts site.warc >cases.tsv
"$SMZ_PACK" site -o cs.smz --quiet --index-text 2>/dev/null
check "pages in seven charsets pack" test -s cs.smz
"$NATIVE" ls --long cs.smz >types.native
"$SMZ" ls --long cs.smz >types.txt
check "... each stored with the charset the native smz-pack finds" cmp -s types.txt types.native
while IFS=$'\t' read -r cs word phrase; do
    "$SMZ" search cs.smz "$word" >"search-$cs.txt" 2>&1
    check_grep "$cs: smz search $word finds its page" '^[a-z0-9_-]+\.(html|txt)' "search-$cs.txt"
    check_grep "... and shows the snippet decoded ($phrase)" "$phrase" "search-$cs.txt"
done <cases.tsv

# --- serve, one request ------------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$SMZ" serve s.smz --address 127.0.0.1 --port "$port" >serve.out 2>serve.err &
pid=$!
url=""
for _ in $(seq 300); do
    url=$(sed -n 's/^smz serve: serving \(http[^ ]*\).*/\1/p' serve.out)
    [ -n "$url" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
check "smz serve starts on 127.0.0.1" test -n "$url"
# Not a page (pages get the server's bar): an original text file.
plain=$(grep -v '\.html$' ls.txt | head -1)
curl -s -o plain.out "http://127.0.0.1:$port/content/s/$plain"
check "... and serves an entry's bytes over HTTP ($plain)" cmp -s plain.out <("$NATIVE" cat s.smz "$plain")
kill -TERM "$pid" 2>/dev/null
wait "$pid" 2>/dev/null

# --- nothing from the system: an empty chroot ---------------------------------------
if [ "$(id -u)" -ne 0 ] || ! command -v chroot >/dev/null; then
    ok "in an empty chroot # SKIP not root"
    done_testing
fi
mkdir -p root/tmp
cp "$DIST_BIN/smz" "$DIST_BIN/smz-pack" root/
cp -r site root/site
qemu_in=""
if [ -n "$QEMU" ]; then
    cp "$(command -v "$QEMU")" root/qemu
    qemu_in=/qemu
fi
in_root() { chroot root $qemu_in "$@"; }
if ! in_root /smz --version >/dev/null 2>&1; then
    ok "in an empty chroot # SKIP chroot is not allowed here"
    done_testing
fi
in_root /smz-pack /site -o /cs.smz --quiet --index-text 2>/dev/null
check "in an empty chroot, smz-pack packs the charset pages" test -s root/cs.smz
in_root /smz ls --long /cs.smz >types.chroot
check "... finding the same charsets" cmp -s types.chroot types.native
for w in 长城 château Кремль 富士山; do
    check_grep "... and smz search finds $w there" '^[a-z0-9_-]+-meta\.html' <(in_root /smz search /cs.smz "$w")
done
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
chroot root $qemu_in /smz serve /cs.smz --address 127.0.0.1 --port "$port" >serve2.out 2>serve2.err &
pid=$!
got=""
for _ in $(seq 300); do
    got=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/" 2>/dev/null)
    [ "$got" = 200 ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
done
check_eq "... and smz serve answers on 127.0.0.1 (no NSS)" "$got" 200
kill -TERM "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
done_testing
