# shellcheck shell=bash
# The dates smz extract gives (issue 19): the format keeps no time for an
# entry, so files, links and tar/zip members get the archive's Date at 12:00
# UTC; an archive without a (valid) Date gets the .smz file's own time, with
# a note, never 1970-01-01.  Read back with Python's tarfile and zipfile
# (the zip's DOS time and its UTC "UT" extra field) and with stat.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
mkdir -p src/sub
cp "$TOP"/samples/*.txt src/
printf '<title>Page</title>A page.' >src/sub/page.html
ln -s ../000_ba2cec2ef95cd541.txt src/sub/link.txt
"$SMZ_PACK" src -o d.smz --articles --date 2022-02-01 --quiet 2>/dev/null
check "(packed with Date 2022-02-01)" sh -c "\"$SMZ\" info d.smz | grep -q '^Date  *2022-02-01$'"
noon=1643716800 # 2022-02-01T12:00:00Z
check_eq "(noon UTC that day)" "$(date -u -d @$noon +%FT%T)" "2022-02-01T12:00:00"

# times FILE: one line "name mtime" per member, as Python reads them; for a
# zip, "name Y-M-D h:m:s ut" with the DOS time and the UT extra field's
# UTC time (0x5455: flags, then mtime as a 32-bit little-endian number).
cat >times.py <<'PY'
import struct, sys, tarfile, zipfile
f = sys.argv[1]
if f.endswith(".zip"):
    for i in zipfile.ZipFile(f).infolist():
        ut, x = None, i.extra
        while len(x) >= 4:
            tag, n = struct.unpack("<HH", x[:4])
            if tag == 0x5455 and n >= 5 and x[4] & 1:
                ut = struct.unpack("<i", x[5:9])[0]
            x = x[4 + n:]
        print(i.filename, "%04d-%02d-%02d %02d:%02d:%02d" % i.date_time, ut)
else:
    t = tarfile.open(fileobj=sys.stdin.buffer, mode="r|*") if f == "-" else tarfile.open(f)
    for m in t:
        print(m.name, m.mtime)
PY
for f in tar tar.gz tar.zst; do
    "$SMZ" extract d.smz --format "$f" -o "x.$f" 2>"x.$f.err"
    if [ "$f" = tar.zst ]; then zstd -dcq x.tar.zst | python3 times.py - >"$f.times"; else python3 times.py "x.$f" >"$f.times"; fi
    check_eq "$f: every member is dated noon UTC of the archive's Date" \
        "$(awk '{ print $2 }' "$f.times" | sort -u)" "$noon"
    check_eq "... all $(wc -l <"$f.times") of them, links too" "$(wc -l <"$f.times")" "$("$SMZ" ls d.smz | wc -l)"
    check_eq "... without a note" "$(cat "x.$f.err")" ""
done
TZ=UTC "$SMZ" extract d.smz --format zip -o x.zip 2>/dev/null
python3 times.py x.zip >zip.times
check_eq "zip: every member's UTC time (UT field) is noon of the Date" "$(awk '{ print $4 }' zip.times | sort -u)" "$noon"
check_eq "... and its DOS time reads 2022-02-01 12:00 in UTC" "$(awk '{ print $2, $3 }' zip.times | sort -u)" "2022-02-01 12:00:00"
TZ=America/Los_Angeles "$SMZ" extract d.smz --format zip -o la.zip 2>/dev/null
check_eq "... the same day in Los Angeles (04:00)" "$(python3 times.py la.zip | awk '{ print $2, $3 }' | sort -u)" "2022-02-01 04:00:00"
"$SMZ" extract d.smz -o folder 2>folder.err
check_eq "a folder: every file's mtime is noon of the Date" \
    "$(find folder -type f -exec stat -c %Y {} + | sort -u)" "$noon"
check_eq "... and every link's" "$(find folder -type l -exec stat -c %Y {} + | sort -u)" "$noon"
check "(there is a link)" test -L folder/sub/link.txt

# --- without a Date: the archive file's time, said once ---
cp d.smz nodate.smz
python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("delete from metadata where key = ?", ("Date",)); d.commit()' nodate.smz
touch -d '2019-06-15 08:30:00 UTC' nodate.smz
then=$(date -u -d '2019-06-15 08:30:00' +%s)
"$SMZ" extract nodate.smz --format tar -o nodate.tar 2>nodate.err
check_eq "no Date: tar members get the .smz file's time" "$(python3 times.py nodate.tar | awk '{ print $2 }' | sort -u)" "$then"
check_grep "... with a note that says so" "nodate.smz has no Date: files get the time of the archive file" nodate.err
"$SMZ" extract nodate.smz -o nodate 2>/dev/null
check_eq "... and so do extracted files" "$(find nodate -type f -exec stat -c %Y {} + | sort -u)" "$then"
cp d.smz baddate.smz
python3 -c 'import sqlite3,sys; d=sqlite3.connect(sys.argv[1]); d.execute("update metadata set value = ? where key = ?", (b"2022-13-01", "Date")); d.commit()' baddate.smz
touch -d '2019-06-15 08:30:00 UTC' baddate.smz
"$SMZ" extract baddate.smz --format zip -o baddate.zip 2>baddate.err
check_eq "a Date that is no date counts as none" "$(python3 times.py baddate.zip | awk '{ print $4 }' | sort -u)" "$then"
check_grep "... with the note" "has no Date" baddate.err

# --- a split set dates by its first part ---
mkdir -p parts && cp nodate.smz parts/n.smz
"$SMZ" split parts/n.smz --size 8000 >split.out 2>&1 && rm parts/n.smz
if [ -f parts/n.smz.002 ]; then
    touch -d '2018-03-03 03:03:03 UTC' parts/n.smz.001
    touch -d '2017-01-01 00:00:00 UTC' parts/n.smz.00[2-9]
    "$SMZ" extract parts/n.smz.001 --format tar -o split.tar 2>/dev/null
    check_eq "a split set without a Date: its first part's time" "$(python3 times.py split.tar | awk '{ print $2 }' | sort -u)" \
        "$(date -u -d '2018-03-03 03:03:03' +%s)"
else
    bad "smz split made no parts: $(cat split.out; ls parts)"
fi
done_testing
