# shellcheck shell=bash
# A split archive in the browser reader (tests/browser/reader_split.py):
# its parts, picked in any order, are one book whose search is the whole
# archive's; Download saves the whole archive; a missing part is named.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
need_reader "reader and split archives"
mkdir -p d/gap
check "the samples pack" "$SMZ_PACK" "$TOP/samples" -o d/news.smz --quiet
check "and split in parts of 10K (3 at least)" "$SMZ" split d/news.smz --size 10K
check "... three of them at least" test -f d/news.smz.003
cp d/news.smz.001 d/news.smz.003 d/gap/
python3 "$TOP/tests/browser/reader_split.py" "file://$READER" "$T/d" shots "$SMZ"
rc=$?
[ $rc -eq 0 ] || bad "the reader with a split archive (see shots/chromium-split.log)"
if [ -n "${SMZ_SCREENSHOTS:-}" ]; then
    mkdir -p "$SMZ_SCREENSHOTS" && cp shots/*.png "$SMZ_SCREENSHOTS/"
fi
done_testing
