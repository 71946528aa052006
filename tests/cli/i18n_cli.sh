# shellcheck shell=bash
# The command line in the reader's language (issue 21): every smz
# subcommand's --help, and the usage errors and argument errors of smz and
# smz-pack, come from the catalogues.  Each command listed by smz --help
# (so a new one is checked too) answers --help in Simplified Chinese and in
# Persian (right to left) with that script's letters, not the English text,
# and in every language with the same options as in English (--format,
# --json, ... verbatim, none lost); English stays the default.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
export LC_ALL=C.UTF-8

langs="zh_CN zh_TW ug bo fa ar ru tr vi my es fr"
en() { env -u LC_ALL -u LANGUAGE -u LC_MESSAGES -u LANG "$@"; }
in_lang() { l=$1; shift; env -u LC_ALL LANGUAGE="$l" "$@"; }
# The options a text names (--format, -o, ...), sorted: the same set in
# every language.
opts() { grep -oE -- '(^|[^[:alnum:]_-])--?[a-zA-Z][a-zA-Z-]*' "$1" | sed 's/^[^-]*//' | sort; }
# Past the first line (the description, not only "usage:"), Chinese
# characters / Arabic letters.
desc_cjk() { tail -n +2 "$1" | grep -qP '[\x{4e00}-\x{9fff}]'; }
desc_arabic() { tail -n +2 "$1" | grep -qP '[\x{0600}-\x{06ff}]'; }

en "$SMZ" --help >list.txt
cmds=$(awk '/^  [a-z]/ { print $1 }' list.txt)
check "smz --help lists the commands" test "$(echo "$cmds" | wc -w)" -ge 15
for c in $cmds; do
    en "$SMZ" "$c" --help >"$c-en.txt"
    check_grep "smz $c --help is English by default" "^usage: smz $c " "$c-en.txt"
    in_lang zh_CN "$SMZ" "$c" --help >"$c-zh_CN.txt"
    check_grep "smz $c --help in Simplified Chinese: its first line" "^用法：smz $c " "$c-zh_CN.txt"
    check "... its description in Chinese characters" desc_cjk "$c-zh_CN.txt"
    in_lang fa "$SMZ" "$c" --help >"$c-fa.txt"
    check_grep "smz $c --help in Persian: its first line" "^کاربرد: smz $c " "$c-fa.txt"
    check "... its description in Arabic script" desc_arabic "$c-fa.txt"
    for l in $langs; do
        in_lang "$l" "$SMZ" "$c" --help >"$c-$l.txt"
        if cmp -s "$c-$l.txt" "$c-en.txt"; then
            bad "smz $c --help in $l is translated"
        fi
        check_eq "smz $c --help in $l: every option of the English, verbatim" "$(opts "$c-$l.txt")" "$(opts "$c-en.txt")"
    done
done
check_grep "smz extract --help keeps --format and its values" '^ +smz extract 存档 .*--format tar\|tar.gz\|tar.zst\|zip -o FILE\|-$' extract-zh_CN.txt
check_grep "smz verify --help keeps its options' column (fa)" '^  --signature FILE  .*\.minisig' verify-fa.txt
check_grep "smz upgrade --help fills in the format versions (zh_CN)" '^以格式版本 [0-9]+ 写出 NEW\.smz' upgrade-zh_CN.txt
done_testing
