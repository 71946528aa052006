# shellcheck shell=bash
# The browser reader speaks its reader's language (issue 21): headless
# Chromium with navigator.languages set to Traditional Chinese, Chinese,
# Persian and German opens build-wasm/smz-reader.html and picks the
# samples (tests/browser/reader_i18n.py): the page's own words and the
# module's pages come from the same catalogues as smz serve's, in the
# language the server would choose; screenshots of each (SMZ_SCREENSHOTS=DIR
# keeps them).  Skipped when the reader is not built (make wasm).
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
need_reader "reader language test"
"$SMZ_PACK" "$TOP/samples" -o samples.smz --quiet
python3 "$TOP/tests/browser/reader_i18n.py" "file://$READER" "$T/samples.smz" shots ||
    bad "the browser checks (see shots/chromium.log)"
if [ -n "${SMZ_SCREENSHOTS:-}" ]; then
    mkdir -p "$SMZ_SCREENSHOTS" && cp shots/*.png "$SMZ_SCREENSHOTS/"
fi
done_testing
