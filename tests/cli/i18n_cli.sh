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

# Usage and argument errors: the catalogue's words, the option and the
# argument given verbatim, the translated usage after them; English by
# default, as before.
mkdir -p src
printf 'A note\n\nSome text.\n' >src/a.txt
err() { # err NAME LANG COMMAND...: standard error of COMMAND in LANG ("en": none)
    n=$1 l=$2; shift 2
    if [ "$l" = en ]; then en "$@" >/dev/null 2>"$n.err"; else in_lang "$l" "$@" >/dev/null 2>"$n.err"; fi
}
err pack-o en "$SMZ_PACK" src
check_grep "smz-pack without -o: English by default" '^smz-pack: -o OUT.smz is required$' pack-o.err
err pack-o-cn zh_CN "$SMZ_PACK" src
check_grep "... Simplified Chinese" '^smz-pack：必须给出 -o 输出\.smz$' pack-o-cn.err
check_grep "... then the usage in Chinese" '^用法：smz-pack 来源' pack-o-cn.err
err pack-o-tw zh_TW "$SMZ_PACK" src
check_grep "... Traditional Chinese" '^smz-pack：必須指定 -o 輸出\.smz$' pack-o-tw.err
err pack-src zh_TW "$SMZ_PACK" -o x.smz
check_grep "smz-pack without a source (zh_TW)" '^smz-pack：沒有指定來源$' pack-src.err
err pack-level zh_CN "$SMZ_PACK" --level 99 -o x.smz src
check_grep "smz-pack --level 99 (zh_CN)" '^smz-pack：--level 的取值为 1 到 22$' pack-level.err
err info-arg en "$SMZ" info a.smz b
check_grep "smz info with two archives: English by default" "^smz info: unexpected argument 'b'$" info-arg.err
err info-arg-cn zh_CN "$SMZ" info a.smz b
check_grep "... Simplified Chinese" '^smz info：意外的参数“b”$' info-arg-cn.err
err info-arg-tw zh_TW "$SMZ" info a.smz b
check_grep "... Traditional Chinese" '^smz info：非預期的引數「b」$' info-arg-tw.err
err verify-opt zh_TW "$SMZ" verify --bogus
check_grep "smz verify --bogus (zh_TW): the option named" '^smz verify：未知的選項「--bogus」$' verify-opt.err
check_grep "... then its help in Traditional Chinese" '^用法：smz verify 封存檔 ' verify-opt.err
err cat-usage zh_CN "$SMZ" cat
check_grep "smz cat without arguments: its usage (zh_CN)" '^用法：smz cat 存档 路径$' cat-usage.err
err keygen-val zh_TW "$SMZ" keygen -p
check_grep "smz keygen -p without a value (zh_TW)" '^smz keygen：-p 需要一個值$' keygen-val.err
err serve-port zh_CN "$SMZ" serve --port 99999 .
check_grep "smz serve --port 99999 (zh_CN)" '^smz serve：--port：“99999”不是 0 到 65535 之间的数字$' serve-port.err
err search-limit fa "$SMZ" search x.smz q --limit z
check_grep "smz search --limit z (fa)" '^smz search: --limit به عددی از 0 تا 1000000 نیاز دارد$' search-limit.err
# An argument is shown as text, whatever the catalogue says around it.
err info-esc zh_CN "$SMZ" info a.smz "$(printf 'x\033[31my')"
check_grep "... an argument's control bytes escaped" '^smz info：意外的参数“x\\x1B\[31my”$' info-esc.err

# smz verify's verdict and smz search's count, what a reader acts on.
printf 'A note\n\nSome text about rivers.\n' >src/a.txt
"$SMZ_PACK" -q src -o plain.smz
en "$SMZ" verify plain.smz >v-en.out
check_grep "smz verify, an unsigned archive: English by default" '^plain.smz: not signed \(no embedded signature, no .minisig beside it\)$' v-en.out
in_lang zh_CN "$SMZ" verify plain.smz >v-cn.out
check_grep "... Simplified Chinese" '^plain.smz：没有签名（既无内嵌签名，旁边也没有 .minisig）$' v-cn.out
"$SMZ" keygen -W -p k.pub -s k.key >/dev/null
"$SMZ_PACK" -q src -o signed.smz --sign k.key
in_lang zh_TW "$SMZ" verify signed.smz --key k.pub >v-tw.out
check_grep "smz verify, signed by a trusted key (zh_TW): the verdict" '^signed.smz：驗證通過：由受信任的金鑰 [0-9A-F]+ 簽署$' v-tw.out
check_grep "... each signature's line" '^內嵌簽章：有效，金鑰 [0-9A-F]+（受信任）$' v-tw.out
in_lang ru "$SMZ" verify signed.smz >v-ru.out
check_grep "... without the key (ru): not trusted" '^signed.smz: не подписано доверенным ключом \(подписано ключом [0-9A-F]+\)$' v-ru.out
en "$SMZ" search plain.smz rivers >s-en.out
check_grep "smz search's count: English by default" '^1 match$' s-en.out
in_lang zh_TW "$SMZ" search plain.smz rivers >s-tw.out
check_grep "... Traditional Chinese" '^1 筆結果$' s-tw.out
in_lang ru "$SMZ" search plain.smz rivers >s-ru.out
check_grep "... Russian, its singular" '^1 совпадение$' s-ru.out
# The commands' reports too: smz keygen's (the key's line kept alone, for
# copying), smz upgrade's.
in_lang zh_TW "$SMZ" keygen -W -p k2.pub -s k2.key >kg-tw.out
check_grep "smz keygen's report (zh_TW)" '^金鑰 ID [0-9A-F]+$' kg-tw.out
check_eq "... the public key's line last, alone" "$(tail -n 1 kg-tw.out)" "$(tail -n 1 k2.pub)"
in_lang ru "$SMZ" upgrade plain.smz -o plain2.smz >up-ru.out
check_grep "smz upgrade's report (ru)" '^plain2.smz: версия формата [0-9] \(была [0-9]\), дайджест содержимого тот же$' up-ru.out
in_lang zh_CN "$SMZ" check plain.smz 2>ck-cn.err
check_grep "smz check's last line (zh_CN)" '^plain.smz：正常$' ck-cn.err
done_testing
