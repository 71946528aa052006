# shellcheck shell=bash
# The message catalogues (issue 21): every language's po/LANG.po is 100%
# translated and passes msgfmt --check (formats, headers, plural forms);
# po/samizdat.pot is current (xgettext over the sources finds no string it
# lacks), so that a new string without translations fails here; the plural
# forms are right (Russian 3, Arabic 6); the command line follows LANGUAGE
# and LC_MESSAGES/LANG (Chinese both ways) and stays English by default.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
export LC_ALL=C.UTF-8

langs="zh_CN zh_TW ug bo fa ar ru tr vi my es fr"
total=$(grep -c '^msgid ' "$TOP/po/samizdat.pot")
total=$((total - 1)) # the header
for l in $langs; do
    po=$TOP/po/$l.po
    if [ ! -f "$po" ]; then
        bad "po/$l.po exists"
        continue
    fi
    out=$(msgfmt --check --statistics -o /dev/null "$po" 2>&1)
    check_eq "po/$l.po: msgfmt --check clean, every message translated" "$out" "$total translated messages."
done
check_grep "Russian has three plural forms" '^"Plural-Forms: nplurals=3;' "$TOP/po/ru.po"
check_grep "Arabic has six" '^"Plural-Forms: nplurals=6;' "$TOP/po/ar.po"
check_grep "French says 0 in the singular" '^"Plural-Forms: nplurals=2; plural=\(n > 1\);' "$TOP/po/fr.po"
check "po/GLOSSARY.md keeps the terms" test -s "$TOP/po/GLOSSARY.md"

# The template is current: make pot's xgettext, run here, finds nothing
# new; each catalogue holds every message of it.
# (make -n: the Makefile's flags, printed; nothing is built)
flags=$(make -s -n -p -C "$TOP" --no-print-directory pot 2>/dev/null | sed -n 's/^XGETTEXT_FLAGS := //p' | head -1)
jsflags=$(make -s -n -p -C "$TOP" --no-print-directory pot 2>/dev/null | sed -n 's/^XGETTEXT_JS_FLAGS := //p' | head -1)
libkw=$(make -s -n -p -C "$TOP" --no-print-directory pot 2>/dev/null | sed -n 's/^LIB_KEYWORDS := //p' | head -1)
libsrcs=$(make -s -n -p -C "$TOP" --no-print-directory pot 2>/dev/null | sed -n 's/^LIB_POT_SRC := //p' | head -1)
check "the Makefile's xgettext flags" test -n "$flags"
check "... and the library's (its messages, issue 21)" test -n "$libkw" -a -n "$libsrcs"
check "... and those for the browser reader's page" test -n "$jsflags"
srcs=$(cd "$TOP" && ls server/*.c lib/article/*.c lib/pack/index_page.c reader/*.c packer/*.c common/*.c zimtool/*.c web/wasm_api.c)
pot() { # pot DIR OUT: the template of the sources under DIR
    # shellcheck disable=SC2086 # flags and sources are words
    (cd "$1" && xgettext $flags -o "$2" $srcs && xgettext $flags --extract-all -j -o "$2" lib/error.c &&
        xgettext $flags $libkw -j -o "$2" $libsrcs &&
        xgettext $jsflags -j -o "$2" web/app.js web/worker.js)
}
msgids() { msgcat --sort-output "$1" | msgattrib --no-obsolete | grep -v '^#' | grep -v '^"POT\|^"Project\|^"Report\|^"PO-\|^"Last\|^"Language\|^"MIME\|^"Content\|^"Plural'; }
check "xgettext runs over the sources" pot "$TOP" "$T/fresh.pot"
check_eq "po/samizdat.pot is current (make pot)" "$(msgids fresh.pot | md5sum)" "$(msgids "$TOP/po/samizdat.pot" | md5sum)"
for l in $langs; do
    check "po/$l.po has every message of the sources" msgcmp "$TOP/po/$l.po" fresh.pot
done
# A test that can fail: a source with a new marked string.
mkdir -p new/server new/lib new/lib/article new/lib/pack new/lib/search new/reader new/packer new/common new/zimtool new/web
for f in $srcs $libsrcs lib/error.c web/app.js web/worker.js; do cp "$TOP/$f" "new/$f"; done
printf '\nstatic const char *new_one(const req *q) { return TR(q, "A brand new sentence"); }\n' >>new/server/pages.c
pot "$T/new" "$T/new.pot"
check_fails "... a new string without translations is found" msgcmp "$TOP/po/zh_CN.po" new.pot

# The command line: English by default, the catalogue's language when the
# environment asks for it, with or without that locale installed.
mkdir -p src
printf 'A note\n\nSome text.\n' >src/a.txt
env -u LANGUAGE -u LANG -u LC_MESSAGES "$SMZ_PACK" src -o a.smz 2>en.err
check_grep "smz-pack's summary is English by default" 'a.smz: [0-9]+ entries, .* of content in an archive of' en.err
env -u LC_ALL LANGUAGE=zh_CN LANG=en_US.UTF-8 "$SMZ_PACK" src -o b.smz 2>zh.err
check_grep "... Simplified Chinese with LANGUAGE=zh_CN" 'b.smz：[0-9]+ 个条目，内容 .*，存档大小' zh.err
env -u LC_ALL -u LANGUAGE LANG=zh_TW.UTF-8 "$SMZ_PACK" src -o c.smz 2>tw.err
check_grep "... Traditional Chinese with LANG=zh_TW.UTF-8 (not installed as a locale)" 'c.smz：[0-9]+ 個項目，內容' tw.err
# smz --help: its list of commands from the catalogues too.
env -u LC_ALL -u LANGUAGE -u LC_MESSAGES -u LANG "$SMZ" --help >help-en.txt
check_grep "smz --help is English by default" '^  search      full-text search$' help-en.txt
env -u LC_ALL LANGUAGE=zh_CN "$SMZ" --help >help-zh.txt
check_grep "... Simplified Chinese with LANGUAGE=zh_CN" '^用法：smz 命令 存档' help-zh.txt
check_grep "... each command's line too" '^  search      全文搜索$' help-zh.txt
env -u LC_ALL -u LANGUAGE LANG=zh_TW.UTF-8 "$SMZ" --help >help-tw.txt
check_grep "... Traditional Chinese with LANG=zh_TW.UTF-8" '^  search      全文搜尋$' help-tw.txt
check_eq "... every command listed, in the same order" "$(cut -c1-14 help-tw.txt | tail -n +5)" "$(cut -c1-14 help-en.txt | tail -n +5)"
# smz-pack --help: one message, translated whole; every option in each
# language, in the English order.
env -u LC_ALL -u LANGUAGE -u LC_MESSAGES -u LANG "$SMZ_PACK" --help >pack-en.txt
check_grep "smz-pack --help is English by default" '^  --no-index               leave the full-text index out$' pack-en.txt
env -u LC_ALL LANGUAGE=zh_CN "$SMZ_PACK" --help >pack-zh.txt
check_grep "... Simplified Chinese with LANGUAGE=zh_CN" '^  --no-index               不建立全文索引$' pack-zh.txt
env -u LC_ALL -u LANGUAGE LANG=zh_TW.UTF-8 "$SMZ_PACK" --help >pack-tw.txt
check_grep "... Traditional Chinese with LANG=zh_TW.UTF-8" '^用法：smz-pack 來源' pack-tw.txt
opts() { grep -oE '^  (-[a-z], )?--[a-z-]+' "$1"; }
env -u LC_ALL -u LANGUAGE -u LC_MESSAGES -u LANG "$SMZ" serve --help >serve-en.txt
env -u LC_ALL LANGUAGE=zh_TW "$SMZ" serve --help >serve-tw.txt
check_grep "smz serve --help in Traditional Chinese too" '^  --no-toolbar      不在封存的頁面中加入頂端列$' serve-tw.txt
for l in $langs; do
    env -u LC_ALL LANGUAGE="$l" "$SMZ_PACK" --help >"pack-$l.txt"
    check_eq "smz-pack --help in $l: every option, in order" "$(opts "pack-$l.txt")" "$(opts pack-en.txt)"
    env -u LC_ALL LANGUAGE="$l" "$SMZ" serve --help >"serve-$l.txt"
    check_eq "smz serve --help in $l: every option, in order" "$(opts "serve-$l.txt")" "$(opts serve-en.txt)"
done
env -u LC_ALL -u LANGUAGE LC_MESSAGES=zh_CN.UTF-8 "$SMZ" frobnicate 2>cmd.err
check_grep "smz's errors follow LC_MESSAGES" 'smz：未知命令“frobnicate”' cmd.err
env -u LANGUAGE LC_ALL=zh_TW.UTF-8 "$SMZ" info nonexistent.smz 2>open.err
check_grep "... a library error through the catalogue (zh_TW)" '^smz: ' open.err
env LC_ALL=C LANGUAGE=zh_CN "$SMZ" frobnicate 2>c.err
check_grep "LC_ALL=C keeps English, as gettext does" "unknown command 'frobnicate'" c.err
done_testing
