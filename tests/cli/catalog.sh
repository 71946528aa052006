# shellcheck shell=bash
# smz catalog DIR (issue 25): the OPDS feed DIR/smz-catalog.xml that makes a
# folder a source for smz pull.  Every archive of the folder is listed with
# its file name (a link), size, BLAKE2b of the file, content digest, UUID,
# date, title and signer; the feed is well-formed XML whatever the titles
# hold; the same folder gives the same bytes; the file is replaced whole;
# what is no archive, and split archives, are left out with a line.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1

mkdir -p lib site
printf '<html><head><title>A</title></head><body><p>alpha page</p></body></html>' >site/a.html
"$SMZ_PACK" "$TOP/samples" -o lib/samples.smz --quiet
"$SMZ" keygen -W -p k.pub -s k.key >keygen.out 2>&1 || cat keygen.out
keyid=$(sed -n "s/^untrusted comment: .* key //p" k.pub)
"$SMZ_PACK" site -o "lib/odd name &.smz" --name odd --title '<script>x</script> & "q"' --date 2024-05-06 \
    --sign k.key --quiet
echo "not an archive" >lib/junk.smz
cp lib/samples.smz big.smz && "$SMZ" split big.smz --size 16K >/dev/null && mv big.smz.0* lib/ && rm big.smz

"$SMZ" catalog lib >out.txt 2>err.txt
check_eq "smz catalog succeeds" "$?" 0
check_grep "and says how many archives it listed" "smz-catalog.xml: 2 archives" out.txt
check_grep "a file that is no archive is skipped with its reason" "junk.smz: skipped" err.txt
check_grep "a split archive is skipped with a line" "big.smz.001: skipped: a split archive" err.txt
check "the catalog is well-formed XML" xmllint --noout lib/smz-catalog.xml
cp lib/smz-catalog.xml first.xml
"$SMZ" catalog lib --quiet 2>/dev/null
check "the same folder gives the same bytes" cmp first.xml lib/smz-catalog.xml
check_eq "no temporary file is left beside it" "$(ls -A lib | grep -c 'catalog.xml.')" 0

# Every field, read back with a real XML parser.
cat >read.py <<'PY'
import sys, xml.etree.ElementTree as ET
A = "{http://www.w3.org/2005/Atom}"
S = "{urn:samizdat:opds}"
D = "{http://purl.org/dc/terms/}"
root = ET.parse(sys.argv[1]).getroot()
for e in root.findall(A + "entry"):
    link = [l for l in e.findall(A + "link") if l.get("rel", "").startswith("http://opds-spec.org/acquisition")][0]
    sig = e.find(S + "signature")
    print("\t".join([link.get("href"), link.get("length"), e.find(A + "id").text, e.find(A + "title").text,
                     (e.find(D + "issued").text if e.find(D + "issued") is not None else "-"),
                     e.find(S + "digest").text, e.find(S + "blake2b").text, sig.get("status"),
                     sig.get("key-id") or "-", e.find(A + "name").text]))
PY
python3 read.py lib/smz-catalog.xml >entries.tsv
check_eq "the archives in file-name order" "$(cut -f1 entries.tsv | tr '\n' ' ')" "odd%20name%20%26.smz samples.smz "
odd=$(grep '^odd' entries.tsv)
samples=$(grep '^samples' entries.tsv)
check_eq "the length is the file's size" "$(echo "$samples" | cut -f2)" "$(stat -c %s lib/samples.smz)"
check_eq "the id is the archive's UUID" "$(echo "$samples" | cut -f3)" \
    "urn:uuid:$("$SMZ" info lib/samples.smz | sed -n 's/^UUID *//p')"
check_eq "the content digest is smz info's" "$(echo "$samples" | cut -f6)" \
    "$("$SMZ" info lib/samples.smz | sed -n 's/^Digest *//p')"
check_eq "the BLAKE2b is the file's (b2sum -l 256)" "$(echo "$samples" | cut -f7)" \
    "$(b2sum -l 256 lib/samples.smz | cut -d' ' -f1)"
check_eq "an unsigned archive says so" "$(echo "$samples" | cut -f8)" none
check_eq "a hostile title comes back as it was" "$(echo "$odd" | cut -f4)" '<script>x</script> & "q"'
check_eq "the date is the archive's" "$(echo "$odd" | cut -f5)" 2024-05-06
check_eq "a signed archive names its key" "$(echo "$odd" | cut -f8-9)" "signed	$keyid"
check_eq "its name" "$(echo "$odd" | cut -f10)" odd
check_grep "the feed's date is its newest archive's, not the time it was written" \
    "<updated>$(echo "$samples" | cut -f5)T00:00:00Z</updated><author>" lib/smz-catalog.xml

# A folder with no archive: an empty feed, still well-formed.
mkdir empty
"$SMZ" catalog empty --quiet
check "an empty folder gives an empty, well-formed feed" xmllint --noout empty/smz-catalog.xml
check_eq "with no entry" "$(grep -c '<entry>' empty/smz-catalog.xml)" 0

"$SMZ" catalog nosuch 2>nosuch.err
check_eq "a folder that does not exist is an error (2)" "$?" 2
check_grep "named in the message" "nosuch" nosuch.err
chmod 555 empty
if [ "$(id -u)" != 0 ]; then
    "$SMZ" catalog empty 2>ro.err
    check_eq "a folder that cannot be written is an error (2)" "$?" 2
else
    ok "# SKIP unwritable folder (root writes anyway)"
fi
chmod 755 empty
check "smz catalog --help" "$SMZ" catalog --help
done_testing
