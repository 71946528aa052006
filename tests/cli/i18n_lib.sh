# shellcheck shell=bash
# The library's own words in the reader's language (issue 21): the details
# of an error opening, reading or checking an archive (smz_reader_open_lang),
# smz-pack's input errors, a search's, and smz serve's pages and warnings
# follow LANGUAGE / Accept-Language like the rest; so do smz info's labels
# (lined up by the columns they take), smz check's problem lines (its JSON
# stays English), smz-zim's help, smz-pack's getopt messages and smz diff's
# summary; and the messages of updates (smz patch), signatures and key
# files (smz verify), smz upgrade, split sets' manifests and the entry
# table, with the words naming what the library was doing.  Each is
# checked for words of its catalogue in Simplified Chinese and in Persian
# (right to left); English, the default, stays as it was, word for word; a
# hostile file name inside a translated message is still shown escaped.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"
export LC_ALL=C.UTF-8

en() { env -u LC_ALL -u LANGUAGE -u LC_MESSAGES -u LANG "$@"; }
in_lang() { l=$1; shift; env -u LC_ALL LANGUAGE="$l" "$@"; }
SMZ_ZIM=$(dirname "$SMZ")/smz-zim

cp -r "$TOP/samples" s
"$SMZ_PACK" -q s -o s.smz
printf 'not an archive at all\n' >notes.smz

# ---- opening: the reader's message in the environment's language ----
en "$SMZ" cat notes.smz x 2>cat-en.err
check_eq "not an archive: English by default, word for word" "$(cat cat-en.err)" "smz: notes.smz: not an .smz archive"
in_lang zh_CN "$SMZ" cat notes.smz x 2>cat-cn.err
check_eq "... Simplified Chinese" "$(cat cat-cn.err)" "smz: notes.smz：不是 .smz 存档"
in_lang fa "$SMZ" cat notes.smz x 2>cat-fa.err
check_grep "... Persian" '^smz: notes.smz: بایگانی .*\.smz نیست$' cat-fa.err
in_lang zh_CN "$SMZ" ls notes.smz 2>ls-cn.err
check_grep "... smz ls too" '不是 .smz 存档' ls-cn.err
# A hostile name inside a translated message: escaped, never obeyed.
evil=$'evil\033]0;pwned\a\033[2J.smz'
cp notes.smz "$evil"
in_lang zh_CN "$SMZ" cat "$evil" x 2>evil-cn.err
check_grep "a hostile name in a Chinese message: the message" '不是 .smz 存档' evil-cn.err
check_grep "... the name escaped" 'evil\\x1B\]0;pwned\\x07\\x1B\[2J\.smz' evil-cn.err
check_fails "... no raw escape byte" grep -qP '\x1b|\x07' evil-cn.err
in_lang fa "$SMZ" info "$evil" 2>evil-fa.err
check_grep "... in Persian too" 'evil\\x1B\]0;pwned\\x07.*نیست' evil-fa.err
check_fails "... no raw escape byte" grep -qP '\x1b|\x07' evil-fa.err

# ---- reading and checking a damaged archive ----
corrupt_cases
en "$SMZ" cat cases/checksum-mismatch.smz "$FIRST" 2>cs-en.err
check_grep "a checksum mismatch: English" 'cluster [0-9]+: checksum mismatch at bytes 0-32767 of its data \(the archive is damaged\)$' cs-en.err
in_lang zh_CN "$SMZ" cat cases/checksum-mismatch.smz "$FIRST" 2>cs-cn.err
check_grep "... Simplified Chinese" '簇 [0-9]+：其数据第 0-32767 字节校验和不符（存档已损坏）$' cs-cn.err
in_lang fa "$SMZ" cat cases/checksum-mismatch.smz "$FIRST" 2>cs-fa.err
check_grep "... Persian" 'خوشهٔ [0-9]+: چک‌سام .*بایگانی خراب است' cs-fa.err
in_lang zh_CN "$SMZ" info cases/newer-version.smz 2>ver-cn.err
check_grep "a newer format version (zh_CN)" '格式版本 4；本阅读器只读版本 2 到 3' ver-cn.err
in_lang ru "$SMZ" cat cases/redirect-loop.smz loop-a 2>loop-ru.err
check_grep "a redirect loop (ru)" 'цикл перенаправлений или цепочка длиннее 16 перенаправлений' loop-ru.err
in_lang zh_CN "$SMZ" check cases/checksum-mismatch.smz >ck-cn.out 2>ck-cn.err
check_grep "smz check's problem lines (zh_CN)" '校验和不符（存档已损坏）' ck-cn.out
check_grep "... and its verdict" '发现问题' ck-cn.err
in_lang fa "$SMZ" check cases/checksum-mismatch.smz >ck-fa.out 2>/dev/null
check_grep "... Persian" 'چک‌سام' ck-fa.out
in_lang zh_CN "$SMZ" check --json cases/checksum-mismatch.smz >ck-cn.json 2>/dev/null
check_grep "... --json stays English under LANGUAGE=zh_CN" '"problem": "cluster [0-9]+: checksum mismatch at bytes 0-32767' ck-cn.json
check_fails "... with no Chinese in it" grep -qP '[\x{4e00}-\x{9fff}]' ck-cn.json
"$SMZ_PACK" -q s -o unsigned.smz
en "$SMZ" keygen -W -p k.pub -s k.key >/dev/null
in_lang zh_CN "$SMZ" check unsigned.smz --key k.pub >sig-cn.out 2>/dev/null
check_grep "smz check's own problem line (zh_CN): not signed" '^未签名（没有内嵌签名，旁边也没有 .minisig）$' sig-cn.out
in_lang zh_CN "$SMZ" check --json unsigned.smz --key k.pub >sig-cn.json 2>/dev/null
check_grep "... English in --json" '"problem": "not signed \(no embedded signature, no .minisig beside it\)"' sig-cn.json

# ---- smz check of a split set: the manifest step's lines ----
mkdir sp && cp s.smz sp/a.smz && "$SMZ" split sp/a.smz --size 16K >/dev/null && rm sp/a.smz
sed -i 's/^uuid ./uuid 0/' sp/a.parts
sed -i 's/^uuid 00/uuid 01/' sp/a.parts
en "$SMZ" check sp/a.smz >sp-en.out 2>&1
check_grep "a foreign manifest: English" '^sp/a.parts: describes another archive \(UUID [0-9a-f-]+; this one.s is [0-9a-f-]+\): not used$' sp-en.out
in_lang zh_CN "$SMZ" check sp/a.smz >sp-cn.out 2>&1
check_grep "... Simplified Chinese" '^sp/a.parts：描述的是另一个存档（UUID [0-9a-f-]+；本存档的是 [0-9a-f-]+）：未使用$' sp-cn.out
in_lang fa "$SMZ" check sp/a.smz >sp-fa.out 2>&1
check_grep "... Persian" 'بایگانی دیگری را توصیف می‌کند' sp-fa.out
in_lang zh_CN "$SMZ" check --json sp/a.smz >sp-cn.json 2>/dev/null
check_grep "... English in --json" '"problem": "sp/a.parts: describes another archive' sp-cn.json

# ---- smz info: labels, lined up by display width ----
en "$SMZ" info s.smz >info-en.out
check_grep "smz info, English: the labels as they were" '^Title        Human Rights' info-en.out
check_grep "... Illustration" '^Illustration 48x48 PNG$' info-en.out
check_grep "... Entries" '^Entries      [0-9]+ \([0-9]+ redirects\)$' info-en.out
check_grep "... MIME types" '^MIME types:$' info-en.out
in_lang zh_CN "$SMZ" info s.smz >info-cn.out
check_grep "smz info in Simplified Chinese: Title" '^标题 +Human Rights' info-cn.out
check_grep "... the size line" '^大小 +内容 [0-9.]+ MB，文件 [0-9.]+ MB' info-cn.out
check_grep "... MIME types" '^MIME 类型：$' info-cn.out
in_lang fa "$SMZ" info s.smz >info-fa.out
check_grep "... Persian: Title" '^عنوان +Human Rights' info-fa.out
check_grep "... its signature line" '^امضا +ندارد$' info-fa.out
# Every value starts at the same column, counting a Chinese character as
# two (East Asian Wide) and a Persian ZWNJ as none.
col_check() {
    python3 - "$1" <<'EOF'
import sys, unicodedata
def width(t):
    return sum(0 if unicodedata.category(c) in ('Mn', 'Me', 'Cf') else
               2 if unicodedata.east_asian_width(c) in ('W', 'F') else 1 for c in t)
lines = []
for line in open(sys.argv[1], encoding='utf-8'):
    if line.startswith(' '):
        break
    lines.append(line.rstrip('\n'))
lines = lines[:-1]  # the MIME types' heading
common = None
for line in lines:
    # where a value may start: after a space, at a character that is not one
    starts = {width(line[:j]) for j in range(1, len(line)) if line[j - 1] == ' ' and line[j] != ' '}
    common = starts if common is None else common & starts
sys.exit(0 if len(lines) > 15 and common and min(common) >= 13 else 1)
EOF
}
for l in en cn fa; do check "smz info's values line up ($l)" col_check "info-$l.out"; done
in_lang ru "$SMZ" info s.smz >info-ru.out
check "... (ru)" col_check info-ru.out
# A test that can fail: a line shifted by one column.
sed '2s/ / x/' info-cn.out >info-bad.out
check_fails "... a misaligned line is found" col_check info-bad.out

# ---- searching: the query's errors ----
en "$SMZ" search s.smz ' -rivers' 2>q-en.err
check_grep "a query of exclusions only: English" 'the query only excludes words: add a word to search for' q-en.err
in_lang zh_CN "$SMZ" search s.smz ' -rivers' 2>q-cn.err
check_grep "... Simplified Chinese" '查询只排除了词：请加一个要搜索的词' q-cn.err
in_lang fa "$SMZ" search s.smz ' -rivers' 2>q-fa.err
check_grep "... Persian" 'پرسش فقط واژه‌ها را کنار می‌گذارد' q-fa.err

# ---- smz-pack: input errors, getopt's messages ----
mkdir -p src
printf 'A note\n\nSome text.\n' >src/a.txt
printf '{"Title": 3}\n' >m.json
en "$SMZ_PACK" src --metadata m.json -o o.smz 2>m-en.err
check_eq "a bad metadata file: English" "$(cat m-en.err)" "smz-pack: m.json: Title must be a string, not integer"
in_lang zh_CN "$SMZ_PACK" src --metadata m.json -o o.smz 2>m-cn.err
check_grep "... Simplified Chinese" '^smz-pack: m.json: Title 必须是字符串，而不是 integer$' m-cn.err
in_lang fa "$SMZ_PACK" src --date 2020-13-01 -o o.smz 2>d-fa.err
check_grep "a bad --date (fa)" '^smz-pack: --date: Date باید تاریخی واقعی به شکل YYYY-MM-DD باشد$' d-fa.err
in_lang zh_CN "$SMZ_PACK" src --redirects /nonexistent -o o.smz 2>r-cn.err
check_grep "a missing --redirects file (zh_CN)" '无法读取 /nonexistent：' r-cn.err
en "$SMZ_PACK" --bogus 2>g-en.err
check_eq "an unknown option: English" "$(head -1 g-en.err)" "smz-pack: unrecognized option '--bogus'"
en "$SMZ_PACK" -x 2>g-en2.err
check_eq "... an unknown short one" "$(head -1 g-en2.err)" "smz-pack: invalid option -- 'x'"
en "$SMZ_PACK" src -o 2>g-en3.err
check_eq "... a missing argument" "$(head -1 g-en3.err)" "smz-pack: option requires an argument -- 'o'"
en "$SMZ_PACK" src --title 2>g-en4.err
check_eq "... a long option's missing argument" "$(head -1 g-en4.err)" "smz-pack: option '--title' requires an argument"
in_lang zh_CN "$SMZ_PACK" --bogus 2>g-cn.err
check_eq "... Simplified Chinese" "$(head -1 g-cn.err)" "smz-pack: 无法识别的选项 '--bogus'"
check_grep "... then the usage, in Chinese" '^用法：smz-pack ' g-cn.err
in_lang zh_CN "$SMZ_PACK" src --title 2>g-cn4.err
check_eq "... a missing argument in Chinese" "$(head -1 g-cn4.err)" "smz-pack: 选项 '--title' 需要一个参数"
in_lang fa "$SMZ_PACK" -x 2>g-fa.err
check_eq "... Persian" "$(head -1 g-fa.err)" "smz-pack: گزینهٔ نامعتبر -- 'x'"
in_lang zh_CN "$SMZ_PACK" $'--\033]0;x\a' 2>g-evil.err
check_grep "... a hostile option, escaped" "无法识别的选项 '--\\\\x1B\]0;x\\\\x07'" g-evil.err
check_fails "... no raw escape byte" grep -qP '\x1b|\x07' g-evil.err

# ---- smz diff's summary ----
cp -r s s2
printf 'One more\n\nA new page about rivers.\n' >s2/more.txt
"$SMZ_PACK" -q s -o old.smz --date 2024-01-01
"$SMZ_PACK" -q s2 -o new.smz --date 2024-01-02
en "$SMZ" diff old.smz new.smz -o u-en.smzup >diff-en.out
check_grep "smz diff's summary: English" '^u-en.smzup: .* \([0-9]+ bytes\) for .* \([0-9]+ bytes, [0-9.]+%\); clusters: [0-9]+ the same, [0-9]+ as deltas, [0-9]+ whole; the other pages [0-9]+ bytes$' diff-en.out
in_lang zh_CN "$SMZ" diff old.smz new.smz -o u-cn.smzup >diff-cn.out
check_grep "... Simplified Chinese" '^u-cn.smzup：.*（[0-9]+ 字节），对应 .*；簇：[0-9]+ 个不变，[0-9]+ 个为增量，[0-9]+ 个完整；其余页面 [0-9]+ 字节$' diff-cn.out
in_lang fa "$SMZ" diff old.smz new.smz -o u-fa.smzup >diff-fa.out
check_grep "... Persian" 'خوشه‌ها: [0-9]+ بی‌تغییر' diff-fa.out

# ---- smz-zim's help and messages ----
if [ -x "$SMZ_ZIM" ]; then
    en "$SMZ_ZIM" --help >zim-en.out
    check_grep "smz-zim --help: English" '^Writes the archive as a ZIM file for Kiwix' zim-en.out
    in_lang zh_CN "$SMZ_ZIM" --help >zim-cn.out
    check_grep "... Simplified Chinese" '^用法：smz extract 存档 --format zim -o FILE' zim-cn.out
    check_grep "... its description" '把存档写成供 Kiwix 使用的 ZIM 文件' zim-cn.out
    in_lang fa "$SMZ_ZIM" --help >zim-fa.out
    check_grep "... Persian" 'پرونده‌ای ZIM برای Kiwix' zim-fa.out
    in_lang zh_CN "$SMZ" extract s.smz --format zim --help >zim-cn2.out
    check "... also through smz extract --format zim --help" cmp zim-cn.out zim-cn2.out
    in_lang zh_CN "$SMZ_ZIM" notes.smz -o n.zim 2>zim-cn.err
    check_grep "... its open error (zh_CN)" '^smz extract: notes.smz：不是 .smz 存档$' zim-cn.err
    in_lang fa "$SMZ_ZIM" s.smz -o n.zim --bogus 2>zim-fa.err
    check_grep "... an unknown option (fa)" '^smz extract: گزینهٔ ناشناخته برای --format zim: --bogus$' zim-fa.err
else
    bad "smz-zim is built (make)"
fi

# ---- smz serve: its pages and its warnings ----
# start_lang NAME LANG ARGS...: smz serve under LANGUAGE=LANG (its
# "serving" line is in that language: the URL is found by asking).
start_lang() {
    n=$1 l=$2; shift 2
    LANGUAGE=$l start_server "$n" "$@"
    if [ -z "$URL" ]; then
        for _ in $(seq 100); do
            curl -sf -o /dev/null "http://127.0.0.1:$PORT/" && URL="http://127.0.0.1:$PORT" && break
            sleep 0.05
        done
    fi
}
mkdir -p lib
cp s.smz lib/good.smz
cp notes.smz lib/broken.smz
start_lang srv zh_CN lib
check "smz serve starts (LANGUAGE=zh_CN)" test -n "$URL"
check_grep "its warning in the command line's language" '^smz serve: lib/broken.smz：不是 .smz 存档$' srv.err
card() { curl -s -H "Accept-Language: $1" "$URL/" | grep -o '<p class="smz-desc">[^<]*<span[^>]*>[^<]*</span>'; }
check_eq "a broken archive's card, English page: as it was" "$(card en)" \
    '<p class="smz-desc">This archive cannot be read: <span dir="ltr" lang="en">not an .smz archive</span>'
check_eq "... Chinese page" "$(card zh-CN)" '<p class="smz-desc">无法读取这个存档： <span dir="auto">不是 .smz 存档</span>'
check_grep "... Persian page" 'بایگانی .*\.smz نیست</span>' <(card fa)
check_grep "... Burmese page (its separator stripped too)" '<span dir="auto">\.smz မော်ကွန်း မဟုတ်ပါ</span>' <(card my)
err_p() { curl -s -H "Accept-Language: $1" "$URL/search?pattern=-rivers" | grep -o '<div class="smz-error">.*</p>'; }
check_grep "a bad search's page: English" '<h1>Bad search</h1><p>the query only excludes words: add a word to search for</p>' <(err_p en)
check_grep "... Chinese" '<h1>搜索有误</h1><p>查询只排除了词：请加一个要搜索的词</p>' <(err_p zh-CN)
check_grep "... Persian" '<p>پرسش فقط واژه‌ها را کنار می‌گذارد: واژه‌ای برای جست‌وجو بیفزایید</p>' <(err_p fa)
curl -s -H "Accept-Language: zh-CN" "$URL/suggest?content=good&term=$(printf 'x%.0s' $(seq 300))" >sug.json
check_fails "the JSON API's errors stay English (no Chinese)" grep -qP '[\x{4e00}-\x{9fff}]' sug.json
# A hostile archive name on a card: escaped in the translated message.
cp notes.smz "lib/<i>x&y.smz"
stop_server "$PID"
start_lang srv2 fa lib
check_grep "a hostile file name in a Persian warning" 'smz serve: lib/<i>x&y.smz: بایگانی' srv2.err
curl -s -H "Accept-Language: zh-CN" "$URL/" >lib-cn.html
check_grep "... its card on a Chinese page, the reason translated" '<h2>&lt;i&gt;x&amp;y</h2><p class="smz-desc">无法读取这个存档： <span dir="auto">不是 .smz 存档</span>' lib-cn.html
check_fails "... no markup of its name" grep -q '<i>x' lib-cn.html
# ---- the writer's own words and smz check's problem lines (session 15) ----
mkdir -p rd && echo "<title>x</title>x" >rd/index.html
printf 'x.html\tX\tnothere.html\n' >rd.tsv
en "$SMZ_PACK" rd -o rd.smz --redirects rd.tsv 2>rd-en.err
check_grep "a writer's warning: English, word for word" '^warning: redirect x.html -> nothere.html: no such target; left out$' rd-en.err
in_lang zh_CN "$SMZ_PACK" rd -o rd.smz --redirects rd.tsv 2>rd-cn.err
check_grep "... Simplified Chinese" '重定向 x.html -> nothere.html：目标不存在；已略去' rd-cn.err
in_lang fa "$SMZ_PACK" rd -o rd.smz --redirects rd.tsv 2>rd-fa.err
check_grep "... Persian" 'چنین مقصدی نیست' rd-fa.err
en "$SMZ_PACK" s -o big.smz --max-size 10K 2>max-en.err
check_grep "a writer's error: English" 'over its size limit of 10240 bytes \([0-9]+ bytes so far(, and the next entry would not fit)?\)' max-en.err
in_lang zh_CN "$SMZ_PACK" s -o big.smz --max-size 10K 2>max-cn.err
check_grep "... Simplified Chinese, whole (no English piece inside)" '存档将超过 10240 字节的大小上限（目前已有 [0-9]+ 字节(，下一个条目也放不下)?）' max-cn.err
check_fails "... with no English word in it" grep -qE 'next entry|so far' max-cn.err
cp s.smz baddate.smz
sqlite3 baddate.smz "UPDATE metadata SET value = CAST('2022-13-45' AS BLOB) WHERE key = 'Date'"
en "$SMZ" check baddate.smz >bd-en.out 2>&1
check_grep "a problem line of smz check: English" 'metadata Date is not a date written YYYY-MM-DD: 2022-13-45' bd-en.out
in_lang zh_CN "$SMZ" check baddate.smz >bd-cn.out 2>&1
check_grep "... Simplified Chinese" '元数据 Date 不是以 YYYY-MM-DD 书写的日期：2022-13-45' bd-cn.out
in_lang fa "$SMZ" check baddate.smz >bd-fa.out 2>&1
check_grep "... Persian" 'فرادادهٔ Date تاریخی به شکل YYYY-MM-DD نیست' bd-fa.out
in_lang zh_CN "$SMZ" check --json baddate.smz >bd-cn.json 2>&1
check_grep "... and English in --json" 'metadata Date is not a date written YYYY-MM-DD' bd-cn.json
# ---- updates, signatures, keys, upgrade, split sets, the entry table ----
cp -r s s2
printf 'One more article.\n\nIts body, a sentence or two.\n' >s2/extra.txt
"$SMZ_PACK" -q s2 -o s2.smz
"$SMZ" diff s.smz s2.smz -o u.smzup >/dev/null
en "$SMZ" patch s2.smz u.smzup -o x.smz 2>pw-en.err
check_grep "an update for another base: English" 'u.smzup was made for another archive: the base it needs has digest' pw-en.err
in_lang zh_CN "$SMZ" patch s2.smz u.smzup -o x.smz 2>pw-cn.err
check_grep "... Simplified Chinese" 'u.smzup 是为另一个存档制作的：它需要的基础存档摘要为 [0-9a-f]{64}，而 s2.smz 的摘要为' pw-cn.err
in_lang fa "$SMZ" patch s2.smz u.smzup -o x.smz 2>pw-fa.err
check_grep "... Persian" 'u.smzup برای بایگانی دیگری ساخته شده است' pw-fa.err
check "... and nothing written" test ! -e x.smz
printf 'not an update\n' >junk.smzup
in_lang zh_CN "$SMZ" patch s.smz junk.smzup -o x.smz 2>pj-cn.err
check_fails "not an update (zh_CN): no English words" grep -qE 'not an|update' pj-cn.err
"$SMZ" keygen -W -p a.pub -s a.key >/dev/null 2>&1
"$SMZ" keygen -W -p b.pub -s b.key >/dev/null 2>&1
"$SMZ_PACK" -q s -o signed.smz --sign a.key
en "$SMZ" verify signed.smz --key b.pub >vk-en.out 2>&1
check_grep "a signature by an untrusted key: English" 'signed by key [0-9A-F]{1,16}, not by the trusted key: wrong key id' vk-en.out
in_lang zh_CN "$SMZ" verify signed.smz --key b.pub >vk-cn.out 2>&1
check_grep "... Simplified Chinese" '由密钥 [0-9A-F]{1,16} 签名，而不是由受信任的密钥签名：密钥 ID 不符' vk-cn.out
in_lang ru "$SMZ" verify signed.smz --key b.pub >vk-ru.out 2>&1
check_grep "... Russian" 'подписано ключом [0-9A-F]{1,16}, а не доверенным ключом' vk-ru.out
: >empty.pub
en "$SMZ" verify signed.smz --key empty.pub 2>ek-en.err
check_grep "an empty public key file: English" 'public key: empty$' ek-en.err
in_lang zh_CN "$SMZ" verify signed.smz --key empty.pub 2>ek-cn.err
check_grep "... Simplified Chinese" '公钥：内容为空' ek-cn.err
printf 'untrusted comment: x\nnot base64!\n' >bad.pub
in_lang zh_TW "$SMZ" verify signed.smz --key bad.pub 2>bk-tw.err
check_grep "a damaged public key (zh_TW): the line and the key named in Chinese" '第 2 行' bk-tw.err
check_fails "... no English word for the key" grep -q 'public key' bk-tw.err
cp s.smz bd2.smz
sqlite3 bd2.smz "UPDATE metadata SET value = CAST('$(printf '0%.0s' {1..64})' AS BLOB) WHERE key = 'Digest'"
en "$SMZ" upgrade bd2.smz -o up.smz 2>ug-en.err
check_grep "an upgrade whose digest does not match: English" 'the content digest of the new archive is not the one bd2.smz states' ug-en.err
in_lang zh_CN "$SMZ" upgrade bd2.smz -o up.smz 2>ug-cn.err
check_grep "... Simplified Chinese" '新存档的内容摘要与 bd2.smz 所声明的不符' ug-cn.err
check "... and nothing written" test ! -e up.smz
mkdir set && cp s.smz set/a.smz && "$SMZ" split set/a.smz --size 8K >/dev/null && rm set/a.smz
sed -i '2s/.*/garbage here/' set/a.parts
en "$SMZ" check set/a.smz.001 >sp-en.out 2>&1
check_grep "a damaged split manifest: English" 'set/a.parts: malformed manifest, line 2: not "uuid" and a UUID in lowercase hex' sp-en.out
in_lang zh_CN "$SMZ" check set/a.smz.001 >sp-cn.out 2>&1
check_grep "... Simplified Chinese" 'set/a.parts：清单格式错误，第 2 行' sp-cn.out
check_fails "... with no English word in it" grep -qE 'malformed|lowercase' sp-cn.out
cp s.smz eb.smz
python3 -c "import sqlite3; d = sqlite3.connect('eb.smz'); d.execute(\"UPDATE entry_blocks SET data = x'00' WHERE id = 1\"); d.commit()"
en "$SMZ" check eb.smz >eb-en.out 2>&1
check_grep "a damaged entry block: English" '^listing entries: entry block 1 is damaged \(not a zstd frame of a size allowed\)$' eb-en.out
in_lang zh_CN "$SMZ" check eb.smz >eb-cn.out 2>&1
check_grep "... Simplified Chinese" '条目块 1 已损坏' eb-cn.out
check_fails "... with no English word in it" grep -qE 'entry|listing|looking up' eb-cn.out
in_lang fa "$SMZ" check eb.smz >eb-fa.out 2>&1
check_fails "... nor in Persian" grep -qE 'entry|listing|looking up' eb-fa.out
# ---- smz serve's start-up errors, smz catalog, an update's verify ----
python3 - "$SMZ" s.smz >busy-cn.out <<'PY'
import os, socket, subprocess, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
port = s.getsockname()[1]
env = dict(os.environ, LANGUAGE="zh_CN")
p = subprocess.run([sys.argv[1], "serve", sys.argv[2], "--port", str(port)], capture_output=True,
                   text=True, timeout=20, env=env)
print(p.returncode)
print(p.stderr.strip())
PY
check_eq "a busy port (zh_CN): status 2" "$(sed -n 1p busy-cn.out)" 2
check_grep "... the reason in Chinese, the option named" '^smz serve: 127\.0\.0\.1:[0-9]+.*--port' busy-cn.out
check_fails "... with no English word in it" grep -qE 'already|choose|another' busy-cn.out
mkdir cat && cp s.smz s2.smz cat/
in_lang ru "$SMZ" catalog cat >cat-ru.out 2>&1
check_grep "smz catalog's count in Russian, its plural form" 'smz-catalog\.xml: 2 архива' cat-ru.out
"$SMZ" diff s.smz s2.smz -o su.smzup --sign a.key >/dev/null 2>&1
in_lang zh_CN "$SMZ" verify su.smzup --key a.pub >uv-cn.out 2>&1
check_grep "a good update's verdict (zh_CN)" '^su\.smzup：' uv-cn.out
check_fails "... with no English word in it" grep -qE 'good|update|signed|trusted' uv-cn.out
# ---- smz pull, and smz serve's refusal of a malformed request ----
mkdir -p src mirror
cp s.smz src/ && "$SMZ" catalog src --quiet
in_lang zh_CN "$SMZ" pull src mirror --dry-run >pd-cn.out 2>&1
check_grep "smz pull --dry-run (zh_CN): the archive named" '^s\.smz' pd-cn.out
check_fails "... with no English word in it" grep -qE 'would|fetch|new' pd-cn.out
in_lang zh_CN "$SMZ" pull src mirror >pl-cn.out 2>&1
check "... and the pull itself" cmp -s mirror/s.smz s.smz
check_fails "... said with no English word" grep -qE 'fetched|verified|new' pl-cn.out
in_lang ru "$SMZ" pull src mirror >pu-ru.out 2>&1
check_fails "a second pull (ru): no English word" grep -qE 'up to date' pu-ru.out
mkdir -p bad
cp s.smz bad/s.smz && "$SMZ" catalog bad --quiet
printf 'X' | dd of=bad/s.smz bs=1 seek=5000 conv=notrunc 2>/dev/null
mkdir -p mirror2
in_lang zh_CN "$SMZ" pull bad mirror2 >pb-cn.out 2>&1
check "a damaged source archive is refused (zh_CN)" test ! -e mirror2/s.smz
check_fails "... in Chinese: no English word" grep -qE 'refused|nothing replaced|damaged on the way' pb-cn.out
start_server badreq s.smz
printf 'PUT / HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Language: zh-CN\r\nConnection: close\r\n\r\n' |
    timeout 10 python3 -c "import socket, sys; s = socket.create_connection(('127.0.0.1', $PORT)); s.sendall(sys.stdin.buffer.read()); print(s.makefile('rb').read().decode('utf-8', 'replace'))" >put-cn.out
check_grep "a method refused (405) in the request's language" '^HTTP/1\.1 405' put-cn.out
check_fails "... its text not English" grep -q 'Only GET and HEAD are served' put-cn.out
check_grep "... but GET and HEAD named" 'GET.*HEAD' put-cn.out
printf 'PUT / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' |
    timeout 10 python3 -c "import socket, sys; s = socket.create_connection(('127.0.0.1', $PORT)); s.sendall(sys.stdin.buffer.read()); print(s.makefile('rb').read().decode('utf-8', 'replace'))" >put-en.out
check_grep "... English without Accept-Language" 'Only GET and HEAD are served\.' put-en.out
stop_server "$PID"
done_testing
