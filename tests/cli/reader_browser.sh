# shellcheck shell=bash
# Browser test of the reader (issue 18): headless Chromium opens
# build-wasm/smz-reader.html through file://, picks archives in its file
# input and uses it as a person would (tests/browser/reader_flow.py):
# library, links, a redirect, an image and a stylesheet, search in English
# and Chinese compared with `smz search --json`, suggestions, random, media
# read in ranges, a 10,000-entry archive, a damaged archive, phone width and
# dark mode, and the sandbox proof.  Screenshots stay in the scratch folder;
# SMZ_SCREENSHOTS=DIR keeps them.  Skipped when the reader is not built
# (make wasm).
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
need_reader "reader browser test"
check "the reader is one file under 4 MB" test "$(stat -c %s "$READER")" -le 4000000
check_grep "... whose build hash is the module's (sha256, 16 hex digits)" \
    "data-build=\"$(sha256sum "$TOP/build-wasm/smz-core.js" | cut -c1-16)\"" "$READER"
check_grep "... with a <noscript> line that points to smz serve" '<noscript>.*smz serve' "$READER"
check_fails "... that loads nothing from elsewhere" grep -qiE '<(script|link|img|iframe)[^>]+(src|href)="(https?:)?//' "$READER"

mkdir -p lib
"$SMZ_PACK" "$TOP/samples" -o lib/samples.smz --quiet
python3 "$TOP/tests/browser/reader_site.py" site/root
"$SMZ_PACK" site/root -o lib/site.smz --name site --redirects site/redirects.tsv --quiet
cp site/root/media/tone.wav lib/tone.wav
# The serve tests' hostile site (titles that try to break out, an Arabic
# archive: right to left).
python3 "$TOP/tests/browser/site.py" hostile/root
"$SMZ_PACK" hostile/root -o lib/hostile.smz --name hostile --language ara --redirects hostile/redirects.tsv \
    --title '<script>alert("title")</script> Hostile & Co' --quiet 2>/dev/null
python3 "$TOP/tests/tools/gen_collection.py" gen 10000 >/dev/null
"$SMZ_PACK" gen/site -o lib/gen.smz --name gen --quiet 2>/dev/null
cp gen/expected.tsv lib/gen-expected.tsv
check "the test archives are packed" test -s lib/samples.smz -a -s lib/site.smz -a -s lib/gen.smz -a -s lib/hostile.smz
python3 "$TOP/scripts/web-build.py" --module "$TOP/build-wasm/smz-core.js" --out a.html >/dev/null
python3 "$TOP/scripts/web-build.py" --module "$TOP/build-wasm/smz-core.js" --out b.html >/dev/null
check "the reader builds byte-identical twice" cmp -s a.html b.html
head -c 20000 lib/samples.smz >lib/bad.smz
"$SMZ" keygen -W -p lib/k.pub -s k.key | sed -n 's/^key id //p' >lib/k.id
"$SMZ_PACK" "$TOP/samples" -o lib/signed.smz --name signed --sign k.key --quiet

python3 "$TOP/tests/browser/reader_flow.py" "file://$READER" "$T/lib" shots "$SMZ"
rc=$?
[ $rc -eq 0 ] || bad "the reader's browser flow (see shots/chromium.log)"
for f in start library article site search search-zh suggest about library-phone-dark corrupt probe; do
    check "screenshot $f.png saved" python3 -c "
import struct
d = open('shots/$f.png', 'rb').read(24)
assert d[:8] == b'\x89PNG\r\n\x1a\n' and struct.unpack('>II', d[16:24])[0] >= 390"
done
if [ -n "${SMZ_SCREENSHOTS:-}" ]; then
    mkdir -p "$SMZ_SCREENSHOTS" && for f in shots/*.png; do cp "$f" "$SMZ_SCREENSHOTS/reader-$(basename "$f")"; done
fi
done_testing
