# shellcheck shell=bash
# smz stick (issue 23): the layout (archives, their .minisig, the key, the
# programs of make dist, smz-reader.html, START.html in the archives'
# languages (from the message catalogues; English and Chinese built in)
# and English, SHA256SUMS that sha256sum -c accepts); --split cuts the big
# archives and the set reads; the same bytes and times twice; a second run
# leaves unchanged files alone (same inodes) and updates a changed archive;
# an archive that no longer needs parts replaces its set; without the
# programs a clear warning.  (Cutting by itself on FAT32: tests/fat32/.)
. "$TOP/tests/lib.sh"
cd "$T" || exit 1

"$SMZ_PACK" "$TOP/samples" -o news.smz --quiet
"$SMZ" keygen -p me.pub -s me.key -W >/dev/null 2>&1
"$SMZ_PACK" "$TOP/samples" -o signed.smz --quiet --sign me.key --name signed
cp "$TOP/samples/samizdat.json" small.json
# A stand-in for make dist's output: the layout is what counts here.
mkdir -p dist/linux-amd64 dist/linux-arm64
for a in amd64 arm64; do
    for p in smz smz-pack; do printf '#!/bin/sh\necho %s %s\n' "$a" "$p" >"dist/linux-$a/$p"; done
    chmod +x dist/linux-"$a"/*
done
mkdir -p dist/locale/C/LC_MESSAGES
cp "$TOP/${SMZ_BUILD:-build}"/locale/C/LC_MESSAGES/samizdat-*.mo dist/locale/C/LC_MESSAGES/

"$SMZ" stick out news.smz signed.smz --key me.pub --split 16K --bin dist >stick.out 2>stick.err
check_eq "smz stick lays out a stick" "$?" 0
check_eq "... without a warning" "$(cat stick.err)" ""
for f in news.smz.001 news.smz.002 news.parts signed.smz.001 signed.smz.minisig me.pub smz-reader.html \
    START.html SHA256SUMS bin/linux-amd64/smz bin/linux-amd64/smz-pack bin/linux-arm64/smz bin/linux-arm64/smz-pack; do
    check "... with $f" test -s "out/$f"
done
check_fails "... and no whole news.smz beside its parts" test -e out/news.smz
check "the programs are executable" test -x out/bin/linux-arm64/smz
check "the message catalogues go beside the programs (bin/locale/)" \
    cmp -s out/bin/locale/C/LC_MESSAGES/samizdat-zh_TW.mo dist/locale/C/LC_MESSAGES/samizdat-zh_TW.mo
check_eq "... all twelve" "$(find out/bin/locale -name 'samizdat-*.mo' | wc -l)" 12
check_grep "... in SHA256SUMS" '  bin/locale/C/LC_MESSAGES/samizdat-fa\.mo$' out/SHA256SUMS
"$SMZ" reader-html -o reader.html >/dev/null
check "smz-reader.html is the one smz carries" cmp -s out/smz-reader.html reader.html
check "every part is at most 64 KiB" test "$(find out -name '*.smz.0*' -size +64k | wc -l)" -eq 0
check "the split archive reads: smz check" "$SMZ" check out/news.smz.001
check "... smz cat gives the same bytes as the original" cmp -s <("$SMZ" cat out/news.smz "$("$SMZ" ls news.smz | tail -1)") \
    <("$SMZ" cat news.smz "$("$SMZ" ls news.smz | tail -1)")
check "the signed one verifies with the key on the stick" "$SMZ" verify out/signed.smz.001 --key out/me.pub
check "SHA256SUMS checks out" sh -c 'cd out && sha256sum --quiet -c SHA256SUMS'
check_grep "... and lists the programs" 'bin/linux-arm64/smz$' out/SHA256SUMS
check_grep "START.html speaks English" 'lang="en".*' out/START.html
check_eq "... and only English for English archives" "$(grep -c '<section' out/START.html)" 1
check_grep "... names the archives" '<li>news.smz</li>' out/START.html
check_grep "... says Kiwix cannot open .smz but the browser reader can" 'Kiwix cannot open .smz' out/START.html
check_grep "... and how on a phone" 'On a phone or tablet' out/START.html
check_eq "every file has the fixed time (2000-01-01)" \
    "$(find out -type f ! -newermt '2000-01-01 00:00:01' | wc -l)" "$(find out -type f | wc -l)"
check_eq "no temporary file is left" "$(find out -name '*.tmp' | wc -l)" 0

# --- reproducible; a second run writes nothing that is right already ----------
"$SMZ" stick out2 news.smz signed.smz --key me.pub --split 16K --bin dist >/dev/null 2>&1
check "a second stick has the same bytes" diff -r out out2
check_eq "... and the same times" "$(cd out && find . -mindepth 1 -printf '%p %T@\n' | sort)" \
    "$(cd out2 && find . -mindepth 1 -printf '%p %T@\n' | sort)"
inodes() { (cd out && stat -c '%i %n' signed.smz.001 signed.smz.002 news.smz.001 smz-reader.html me.pub \
    bin/linux-amd64/smz | sort -k2); }
inodes >ino.before
"$SMZ" stick out news.smz signed.smz --key me.pub --split 16K --bin dist >/dev/null 2>&1
inodes >ino.again
check "running it again rewrites nothing (same inodes)" cmp -s ino.before ino.again

"$SMZ_PACK" "$TOP/samples" -o news2.smz --quiet --title "Other news"
mv news2.smz news.smz
"$SMZ" stick out news.smz signed.smz --key me.pub --split 16K --bin dist >/dev/null 2>&1
inodes >ino.after
# (The new parts' inodes may be the freed old ones': their bytes tell.)
check "an updated archive leaves the others alone (same inodes)" cmp -s <(grep -v news ino.before) \
    <(grep -v news ino.after)
check_grep "... and the stick has the new one" '^Title +Other news' <("$SMZ" info out/news.smz.001)
check "... byte for byte" cmp -s <(cat out/news.smz.0*) news.smz
check "... and SHA256SUMS follows" sh -c 'cd out && sha256sum --quiet -c SHA256SUMS'

# Without --split (and not on FAT32) an archive goes whole: its parts go.
"$SMZ" stick out news.smz --bin dist >/dev/null 2>&1
check "an archive that needs no parts goes whole" cmp -s out/news.smz news.smz
check_fails "... and its old parts are gone" test -e out/news.smz.001
check_fails "... with their manifest" test -e out/news.parts

# START.html opens in the first archive's language.
"$SMZ_PACK" "$TOP/samples" -o zh.smz --quiet --language zho
"$SMZ" stick outzh zh.smz --bin dist >/dev/null 2>&1
check_eq "a Chinese archive's stick speaks Chinese first" "$(grep -o '<section lang="[^"]*"' outzh/START.html | head -1)" \
    '<section lang="zh-Hans"'
check_eq "... an English one's English" "$(grep -o '<section lang="[^"]*"' out/START.html | head -1)" '<section lang="en"'
check_grep "... in Simplified Chinese, how on a phone too" '<section lang="zh-Hans" dir="ltr">' outzh/START.html
check_grep "... (how on a phone)" '手机' outzh/START.html
check_eq "... then English" "$(grep -o '<section lang="[^"]*"' outzh/START.html | tr '\n' ' ')" \
    '<section lang="zh-Hans" <section lang="en" '

# One section per language of the archives, in their order, from the
# message catalogues: Russian, Persian (right to left), then English.
"$SMZ_PACK" "$TOP/samples" -o ru.smz --quiet --language rus
"$SMZ_PACK" "$TOP/samples" -o fa.smz --quiet --language fas
"$SMZ" stick outru ru.smz fa.smz ru.smz news.smz --bin dist >/dev/null 2>&1
check_eq "a Russian and a Persian archive: sections in Russian, Persian, English" \
    "$(grep -o '<section [^>]*>' outru/START.html | tr '\n' ' ')" \
    '<section lang="ru" dir="ltr"> <section lang="fa" dir="rtl"> <section lang="en" dir="ltr"> '
check_grep "... the Russian one in Russian" '<h1>Как читать эту флешку</h1>' outru/START.html
check_grep "... the Persian one in Persian" '<h1>راهنمای خواندن این فلش</h1>' outru/START.html
check_grep "... markup kept in translation" 'откройте <a href="smz-reader.html">smz-reader.html</a>' outru/START.html
check_grep "... the page opens in the first archive's language" '<html lang="ru" dir="ltr">' outru/START.html
check_eq "... each section lists every archive" "$(grep -c '<li>fa.smz</li>' outru/START.html)" 3
cp outru/START.html start1.html
"$SMZ" stick outru ru.smz fa.smz ru.smz news.smz --bin dist >/dev/null 2>&1
check "... the same bytes twice" cmp -s start1.html outru/START.html
"$SMZ_PACK" "$TOP/samples" -o xx.smz --quiet --language deu
"$SMZ" stick outde xx.smz --bin dist >/dev/null 2>&1
check_eq "a language without a catalogue falls back to English" \
    "$(grep -o '<section [^>]*>' outde/START.html)" '<section lang="en" dir="ltr">'
# Without catalogues (a static program on a stick has no .mo files):
# English and Simplified Chinese built in, the same bytes as the catalogue's.
SMZ_LOCALEDIR=$T/nowhere "$SMZ" stick outnc ru.smz zh.smz --bin dist >/dev/null 2>&1
check_eq "without catalogues: Chinese built in, Russian falls back to English" \
    "$(grep -o '<section [^>]*>' outnc/START.html | tr '\n' ' ')" \
    '<section lang="en" dir="ltr"> <section lang="zh-Hans" dir="ltr"> '
SMZ_LOCALEDIR=$T/nowhere "$SMZ" stick outzh2 zh.smz --bin dist >/dev/null 2>&1
check "... the built-in Chinese is the catalogue's" cmp -s outzh/START.html outzh2/START.html

# A hostile catalogue cannot put markup into START.html: the msgids hold
# none (the program's markup goes into their placeholders) and every
# translation is escaped, its directives other than %s text.
mkdir -p hloc/C/LC_MESSAGES
cat >hostile.po <<'PO'
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"

msgid "Read this stick"
msgstr "<script>alert(1)</script>"

msgid "On any computer (Windows, macOS, Linux): open %s in a web browser (Firefox, Chrome, Edge, Safari) and pick a .smz file (for a file cut in parts, NAME.smz.001, pick all its parts). Nothing is installed and nothing goes online."
msgstr "<img src=x onerror=alert(2)> %n%9$s%s%s"

msgid "smz search FILE.smz WORDS"
msgstr "</code><iframe src=evil>"
PO
check "the hostile catalogue compiles" msgfmt -o hloc/C/LC_MESSAGES/samizdat-ru.mo hostile.po
SMZ_LOCALEDIR=$T/hloc "$SMZ" stick outh ru.smz --bin dist >/dev/null 2>&1
check_grep "... and is used" 'alert\(1\)' outh/START.html
check_fails "... its <script> is no markup" grep -q '<script' outh/START.html
check_grep "... but text" '<h1>&lt;script&gt;alert\(1\)&lt;/script&gt;</h1>' outh/START.html
check_fails "... nor its <img>" grep -q '<img' outh/START.html
check_grep "... directives it was not given are text; %s takes the program's link once" \
    '&lt;img src=x onerror=alert\(2\)&gt; %n<a href="smz-reader.html">smz-reader.html</a></p>' outh/START.html
check_fails "... nor a closing </code> and an <iframe> in the command" grep -q '<iframe' outh/START.html
check_grep "... which stays inside its <code>" '<code>&lt;/code&gt;&lt;iframe src=evil&gt;</code>' outh/START.html
check_grep "the msgids hold no markup" '<code>bin/linux-amd64/smz serve .</code>' outh/START.html
check_fails "... po/samizdat.pot none either" grep -q '^msgid ".*<\(a\|code\) ' "$TOP/po/samizdat.pot"

# --- what cannot be done ---------------------------------------------------------
"$SMZ" stick out3 news.smz --bin nowhere >/dev/null 2>miss.err
check_eq "without make dist's programs the stick is still made" "$?" 0
check_grep "... with a warning that says what is missing and what to do" 'no linux-arm64/smz.*make dist' miss.err
check_fails "a file that is no archive is refused" "$SMZ" stick out4 small.json
check_fails "... and so is no archive at all" "$SMZ" stick out4
"$SMZ" split news.smz --size 16K >/dev/null 2>&1
"$SMZ" stick out4 news.smz.001 >/dev/null 2>part.err
check_grep "a part of a split archive is refused, saying what to do" 'whole archive.*smz join' part.err
check_fails "--split takes a size" "$SMZ" stick out4 news.smz --split lots

# --- a real FAT32 file system: smz stick tells it by itself ---------------------
# An image made by mkfs.vfat and mounted by fusefat (FUSE: no kernel vfat
# needed; statfs says FUSE, the mount table fuse.fusefat).  FAT has no Unix
# modes: fusefat refuses chmod, and the stick is made all the same.  A
# 4 GiB archive cut by itself on FAT32: make test-fat32.
if [ -e /dev/fuse ] && command -v fusefat >/dev/null && command -v mkfs.vfat >/dev/null; then
    truncate -s 40M fat.img && mkfs.vfat -F 32 fat.img >/dev/null 2>&1 && mkdir -p mnt
    if timeout 20 fusefat -o rw+ fat.img mnt >/dev/null 2>&1; then
        trap 'fusermount -u "$T/mnt" 2>/dev/null' EXIT
        "$SMZ" stick mnt/stick news.smz --key me.pub --bin dist >fat.out 2>fat.err
        check_eq "smz stick onto FAT32 (fusefat) exits 0" "$?" 0
        check_grep "... and says it is FAT32, where archives of 4 GiB or more are cut" "is FAT32" fat.out
        check "... the archive is there, whole (it is small)" cmp -s news.smz mnt/stick/news.smz
        check "... with the programs, the reader and START.html" \
            test -s mnt/stick/bin/linux-arm64/smz -a -s mnt/stick/smz-reader.html -a -s mnt/stick/START.html
        check "... and SHA256SUMS holds there" sh -c 'cd mnt/stick && sha256sum --quiet -c SHA256SUMS'
        check "smz check reads it off the FAT32 stick" "$SMZ" check mnt/stick/news.smz
        "$SMZ" stick mnt/stick news.smz --key me.pub --bin dist >/dev/null 2>&1
        check_eq "running it again there works too" "$?" 0
        "$SMZ" stick mnt/parts news.smz --split 16K --bin dist >/dev/null 2>fatsplit.err
        check "parts on FAT32 get their manifest (no chmod there)" test -s mnt/parts/news.parts
        check_fails "... with no warning" grep -q . fatsplit.err
        check "... and smz check of the parts uses it" "$SMZ" check mnt/parts/news.smz.001
        fusermount -u mnt
        trap - EXIT
    else
        ok "smz stick on FAT32 # SKIP fusefat cannot mount here"
    fi
else
    ok "smz stick on FAT32 # SKIP no /dev/fuse, fusefat or mkfs.vfat"
fi
done_testing
