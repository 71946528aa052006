# shellcheck shell=bash
# The damaged and hostile archives of tests/corrupt/ in the reader
# (build-wasm/smz-reader.html in headless Chromium, tests/browser/
# reader_corrupt.py): each gives a message on the start screen or in the
# page, and no tab hangs.  Skipped when the reader is not built (make wasm).
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
need_reader "reader and damaged archives"
cp -r "$TOP/samples" s
"$SMZ_PACK" s -o good.smz --no-index --quiet --title "Samples" \
    --main-page "$(cd s && ls | head -1 | sed 's/\.txt$//').html" 2>/dev/null ||
"$SMZ_PACK" s -o good.smz --no-index --quiet --title "Samples" --main-page "$(cd s && ls | head -1)"
python3 "$TOP/tests/corrupt/make_cases.py" good.smz cases
first=$("$SMZ" ls good.smz | head -1)
python3 "$TOP/tests/browser/reader_corrupt.py" "file://$READER" "$T/cases" "$TOP/tests/corrupt/cases.tsv" \
    "$first" shots
rc=$?
[ $rc -eq 0 ] || bad "the reader with damaged archives (see shots/chromium-corrupt.log)"
done_testing
