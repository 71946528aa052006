# shellcheck shell=bash
# The damaged and hostile archives of tests/corrupt/ in the reader
# (build-wasm/smz-reader.html in headless Chromium, tests/browser/
# reader_corrupt.py): each gives a message on the start screen or in the
# page, and no tab hangs.  Skipped when the reader is not built (make wasm).
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
need_reader "reader and damaged archives"
corrupt_cases
python3 "$TOP/tests/browser/reader_corrupt.py" "file://$READER" "$T/cases" "$TOP/tests/corrupt/cases.tsv" \
    "$FIRST" shots
rc=$?
[ $rc -eq 0 ] || bad "the reader with damaged archives (see shots/chromium-corrupt.log)"
done_testing
