# shellcheck shell=bash
# ZIM files as a source of smz-pack (issue 24, import): round trips folder ->
# zimwriterfs -> ZIM -> smz-pack -> .smz on samples/, a part of the
# PostgreSQL manual and a few pages of manpages-zh, where every entry's
# bytes, MIME type, title and redirect must be the ZIM's (zimdump's listing
# and dump) and the metadata mapped; the old namespace scheme and xz
# clusters (ZIMs that libzim 8 no longer writes: tests/tools/zimgen.py);
# Chinese search on the imported archive; a ZIM mixed with a folder; and
# hostile ZIMs, each refused with its message and no archive left.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
for t in zimwriterfs zimdump sqlite3; do
    command -v "$t" >/dev/null || { echo "ok - skipped: $t is not installed (make deps-test)"; exit 0; }
done
P() { "$SMZ_PACK" "$@" --quiet; }
zimgen() { python3 "$TOP/tests/tools/zimgen.py" "$@"; }

# roundtrip NAME: NAME.zim (made by zimwriterfs) imported into NAME.smz;
# zimdump's listing and dump against smz ls and smz extract.
roundtrip() {
    P "$1.zim" -o "$1.smz" 2>"$1.err"
    check_eq "$1: the ZIM imports without a warning" "$(cat "$1.err")" ""
    zimdump list --details "$1.zim" > "$1.zl"
    "$SMZ" ls --long "$1.smz" > "$1.sl"
    if python3 "$TOP/tests/tools/zim_compare.py" "$1.zl" "$1.sl" > "$1.cmp"; then
        ok "$1: every entry's kind, MIME type, title and redirect are the ZIM's ($(tail -1 "$1.cmp"))"
    else
        bad "$1: entries differ: $(head -5 "$1.cmp")"
    fi
    zimdump dump --redirect --dir="$1.zd" "$1.zim" >/dev/null 2>&1
    "$SMZ" extract "$1.smz" -o "$1.sx" 2>/dev/null
    if diff -r --no-dereference "$1.zd" "$1.sx" > "$1.diff"; then
        ok "$1: every entry's bytes are the ZIM's, redirects lead where the ZIM's do"
    else
        bad "$1: bytes differ: $(head -5 "$1.diff")"
    fi
}
meta() { sqlite3 "$1" "SELECT value FROM metadata WHERE key = '$2'"; }

# --- samples/: its texts, a page, an icon, links (redirects in the ZIM) ---
mkdir -p s/sub
cp "$TOP"/samples/*.txt s/
printf '<html><head><title>The samples</title></head><body><a href="sub/p.html">p</a></body></html>\n' \
    > s/index.html
printf '<html><head><title>A page below</title></head><body>below</body></html>\n' > s/sub/p.html
ln -s "$(cd s && ls ./*.txt | head -1 | cut -c3-)" s/first.txt
ln -s sub/p.html s/below.html
P s -o icon.smz
sqlite3 icon.smz "SELECT writefile('s/icon.png', value) FROM metadata WHERE key = 'Illustration_48x48@1'" >/dev/null
rm -f icon.smz
zimwriterfs -w index.html -I icon.png -l eng -t "Samples" -d "The samples, as a ZIM" -c "The creator" \
    -p "The publisher" --tags "news;test" --source "https://example.org/samples" --name samples_zim \
    --flavour full --scraper "zimwriterfs" s samples.zim >/dev/null 2>&1
check "zimwriterfs makes samples.zim" test -s samples.zim
roundtrip samples
"$SMZ" info samples.smz > samples.info
for kv in "Title +Samples" "Description +The samples, as a ZIM" "Language +eng" "Creator +The creator" \
    "Publisher +The publisher" "Name +samples_zim" "Source +https://example.org/samples" "MainPage +index.html" \
    "Tags +news;test"; do
    check_grep "samples: metadata ${kv%% *} is the ZIM's" "^$kv" samples.info
done
check_eq "samples: Flavour, with no option of ours, is kept" "$(meta samples.smz Flavour)" "full"
check_eq "samples: Scraper is kept" "$(meta samples.smz Scraper)" "zimwriterfs"
check_eq "samples: Counter, libzim's count of MIME types, is not" "$(meta samples.smz Counter)" ""
# (stored once: the ZIM's icon.png is an entry too, which the metadata names)
check_eq "samples: the illustration is the ZIM's, stored once" \
    "$(sqlite3 samples.smz "SELECT CAST(value AS TEXT) FROM metadata WHERE key = 'Illustration_48x48@1'")" \
    "smz-entry:icon.png"
check_eq "... whose bytes are the ZIM's icon" \
    "$("$SMZ" cat samples.smz icon.png | od -An -tx1 -v | tr -d ' \n')" "$(od -An -tx1 -v s/icon.png | tr -d ' \n')"
"$SMZ" check samples.smz > samples.check 2>&1
check_grep "samples: the imported archive passes smz check" ': ok$' samples.check

# --- by its magic bytes, not its name ---
cp samples.zim samples.bin
P samples.bin -o magic.smz 2>/dev/null
check_eq "a ZIM named .bin is read as a ZIM (same digest)" "$(meta magic.smz Digest)" "$(meta samples.smz Digest)"

# --- the PostgreSQL manual, a part of it ---
PG=/usr/share/doc/postgresql-doc-15/html
if [ -d "$PG" ]; then
    mkdir pg
    cp "$PG"/index.html "$PG"/stylesheet.css pg/
    find "$PG" -maxdepth 1 -name 'sql-*.html' | LC_ALL=C sort | head -80 | xargs cp -t pg/
    cp s/icon.png pg/ && zimwriterfs -w index.html -I icon.png -l eng -t "PostgreSQL" -d "part of the manual" \
        -c PGDG -p test pg pgdoc.zim >/dev/null 2>&1
    roundtrip pgdoc
    "$SMZ" search pgdoc.smz "alter table" > pg.hits 2>&1
    check_grep "pgdoc: search finds ALTER TABLE's page first" '^sql-altertable.html' pg.hits
else
    bad "postgresql-doc-15 is not installed (make deps-test)"
fi

# --- manpages-zh: a few pages made HTML, Chinese search ---
ZH=/usr/share/man/zh_CN/man1
if [ -d "$ZH" ]; then
    mkdir zh
    python3 - "$ZH" zh <<'EOF'
import gzip, html, os, re, sys
src, out = sys.argv[1], sys.argv[2]
pages = []
for name in ["ls", "cp", "mv", "rm", "mkdir", "cat", "chmod", "df", "du", "tar"]:
    p = os.path.join(src, name + ".1.gz")
    if not os.path.exists(p):
        continue
    text = gzip.open(p).read().decode("utf-8", "replace")
    lines, title, body = text.splitlines(), name, []
    for i, l in enumerate(lines):
        if l.startswith('.\\"'):
            continue
        if l.startswith(".SH") and i + 1 < len(lines) and title == name and "\\-" in lines[i + 1]:
            title = lines[i + 1].replace("\\-", "-").strip()
        l = re.sub(r"\\f[A-Z\[\]]|\\[,/]", "", l)
        if l.startswith(".SH"):
            body.append("<h2>%s</h2>" % html.escape(l[3:].strip(' "')))
        elif not l.startswith("."):
            body.append("<p>%s</p>" % html.escape(l.replace("\\-", "-")))
    with open(os.path.join(out, name + ".html"), "w", encoding="utf-8") as f:
        f.write("<html><head><meta charset=utf-8><title>%s</title></head><body>%s</body></html>\n"
                % (html.escape(title), "\n".join(body)))
    pages.append((name, title))
with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as f:
    f.write("<html><head><meta charset=utf-8><title>中文手册页</title></head><body>%s</body></html>\n"
            % "".join('<p><a href="%s.html">%s</a></p>' % (n, html.escape(t)) for n, t in pages))
EOF
    cp s/icon.png zh/
    zimwriterfs -w index.html -I icon.png -l zho -t "中文手册页" -d "manpages-zh" -c manpages-zh -p test \
        zh manzh.zim >/dev/null 2>&1
    roundtrip manzh
    check_grep "manpages-zh: the title is the ZIM's, in Chinese" '^Title +中文手册页' <("$SMZ" info manzh.smz)
    "$SMZ" search manzh.smz 目录内容 > zh.hits 2>&1
    check_grep "manpages-zh: Chinese search finds ls's page (目录内容)" '^ls.html' zh.hits
    "$SMZ" search manzh.smz 复制 > zh2.hits 2>&1
    check_grep "manpages-zh: Chinese search finds cp's page (复制)" '^cp.html' zh2.hits
else
    bad "manpages-zh is not installed (make deps-test)"
fi

# --- the old namespace scheme, xz clusters (ZIMs libzim 8 does not write) ---
zimgen old old.zim
P old.zim -o old.smz 2>old.err
"$SMZ" ls --long old.smz > old.ls
check_eq "old scheme: content of A, I and - with their namespaces, not M or X" "$(cut -f1 old.ls | tr '\n' ' ')" \
    "-/style.css A/Bar A/Foo A/index.html I/logo.png "
check_grep "old scheme: the redirect keeps its title" $'^A/Bar\t-> A/Foo\t0\tBar \\(another name of Foo\\)$' old.ls
check_grep "old scheme: a page keeps the ZIM's title over its <title>" $'^A/index.html\ttext/html; charset=utf-8\t[0-9]+\tOld scheme home$' old.ls
check_eq "old scheme: the main page, with its namespace" "$(meta old.smz MainPage)" "A/index.html"
check_eq "old scheme: Title from M/Title" "$(meta old.smz Title)" "Old scheme test"
check_eq "old scheme: Flavour kept" "$(meta old.smz Flavour)" "nopic"
check_eq "old scheme: the PNG in its stored cluster, byte for byte" \
    "$("$SMZ" cat old.smz I/logo.png | od -An -tx1 | head -1 | tr -d ' ')" "89504e470d0a1a0a0000000d49484452"
zimgen new-xz xz.zim
P xz.zim -o xz.smz 2>xz.err
check_eq "xz clusters: the Chinese page reads back" "$("$SMZ" cat xz.smz index.html | grep -o '北京的天气很好')" \
    "北京的天气很好"
"$SMZ" search xz.smz 北京 > xz.hits 2>&1
check_grep "xz clusters: Chinese search finds it" '^index.html' xz.hits
check_eq "xz clusters: LongDescription kept, lines and all" "$(meta xz.smz LongDescription)" "两行
long description"
check_eq "xz clusters: the main page is the end of W/mainPage's redirect" "$(meta xz.smz MainPage)" "index.html"

# --- mixed with a folder; a metadata file and the options win ---
P old.zim s -o mixed.smz 2>/dev/null
"$SMZ" ls mixed.smz > mixed.ls
check_grep "mixed: the ZIM's entries" '^A/Foo$' mixed.ls
check_grep "mixed: the folder's entries" '^sub/p.html$' mixed.ls
check_eq "mixed: the ZIM's title when nothing else gives one" "$(meta mixed.smz Title)" "Old scheme test"
printf '{"Title": "From the file"}\n' > s/samizdat.json
P old.zim s -o mixed2.smz 2>/dev/null
check_eq "mixed: a folder's samizdat.json wins over the ZIM" "$(meta mixed2.smz Title)" "From the file"
P old.zim s -o mixed3.smz --title "From the option" 2>/dev/null
check_eq "mixed: --title wins over both" "$(meta mixed3.smz Title)" "From the option"
rm s/samizdat.json

# --- hostile ZIMs: a message, no archive, no crash ---
while IFS='|' read -r c want; do
    zimgen "$c" "$c.zim"
    P "$c.zim" -o "$c.smz" 2>"$c.err"
    rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -lt 128 ] && [ ! -e "$c.smz" ] && grep -qF -- "$want" "$c.err" &&
        [ "$(wc -l < "$c.err")" = 1 ]; then
        ok "hostile $c: refused (\"$want\"), no archive"
    else
        bad "hostile $c: exit $rc, archive $([ -e "$c.smz" ] && echo left || echo none): $(cat "$c.err")"
    fi
done <<'EOF'
dotdot|hostile ZIM file: entry ../../etc/passwd: '..' segment
absolute|hostile ZIM file: entry /etc/passwd: absolute path
loop|a redirect loop, or a chain of over 16 redirects
truncated|not a valid ZIM file
badsum|its checksum does not match
hugesize|claims 2999999992 bytes, past the end of the file
offsets|cluster 0 claims 1006632960 offsets, in a file of 1 entries
badptr|damaged ZIM file: entry 1 is past the end of the file
notzim|not a valid ZIM file
EOF
check_eq "hostile: libzim's own words stay off standard error" "$(grep -vc '^smz-pack: ' badsum.err)" "0"
done_testing
