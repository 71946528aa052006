# shellcheck shell=bash
# Screenshots of the pages in Simplified Chinese, Uyghur, Persian and
# Russian (issue 21), in headless Chromium (tests/browser/i18n_shots.py):
# the library, an article with the bar, search results and an archive's
# generated index page; right to left for Uyghur and Persian.  The fonts
# are Debian's fonts-noto-core, fonts-noto-cjk and fonts-tibetan-machine
# (scripts/deps.sh test).  SMZ_SCREENSHOTS=DIR keeps the screenshots.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
. "$TOP/tests/browser/serve_common.sh"

cp -r "$TOP/samples" s
check "the samples pack" "$SMZ_PACK" s -o samples.smz --quiet
mkdir -p gen
printf 'A first note\n\nIt was written on 2 February 2022 in the morning, by a reader.\n' >gen/one.txt
printf 'A second note\n\nAnother day, another page.\n' >gen/two.txt
for l in ru:rus zh:zho ug:uig fa:fas; do
    check "a collection packs in ${l#*:}" "$SMZ_PACK" gen -o "${l%%:*}.smz" --language "${l#*:}" --quiet
done
ARTICLE=$("$SMZ" ls samples.smz | grep '\.html$' | grep -v '^index' | head -1)
check "an article to open" test -n "$ARTICLE"
start_server main samples.smz ru.smz zh.smz ug.smz fa.smz
check "smz serve starts" test -n "$URL"
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "ok - browser checks # SKIP no chromium"
else
    for f in "Noto Sans CJK SC" "Noto Sans Arabic" "Tibetan Machine Uni"; do
        check "the font $f is installed" sh -c "fc-list | grep -q '$f'"
    done
    python3 "$TOP/tests/browser/i18n_shots.py" "$URL" "$ARTICLE" shots ||
        bad "the browser checks (see shots/chromium.log)"
    if [ -n "${SMZ_SCREENSHOTS:-}" ]; then
        mkdir -p "$SMZ_SCREENSHOTS" && cp shots/*.png "$SMZ_SCREENSHOTS/"
    fi
fi
stop_server "$PID"
done_testing
