# shellcheck shell=bash
# Where smz-pack puts the tables' pages (docs/FORMAT.md, "Layout"): every
# table but the clusters first (the metadata with its Digest, UUID and
# Signature rows among them), then the clusters' b-tree pages in key order,
# then the clusters' bytes; SQLite finds the file sound, smz check too, and
# smz catalog gives such a file no smz:tail.  A cluster table three levels
# deep (3,000 clusters in pages of 2 KiB), a signed archive with its index,
# and one in format 2.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1

# pages ARCHIVE SQL: one value of SQL over dbstat
pages() { python3 -c "
import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$1" "$2"; }
# laid_out ARCHIVE LABEL: the checks every packed archive passes
laid_out() {
    local a=$1 l=$2 root last others first tree_hi tree_n bytes_lo
    root=$(pages "$a" "SELECT rootpage FROM sqlite_schema WHERE name = 'clusters'")
    last=$(pages "$a" "PRAGMA page_count")
    others=$(pages "$a" "SELECT max(pageno) FROM dbstat WHERE name NOT IN ('clusters', 'sqlite_schema')")
    first=$(pages "$a" "SELECT min(pageno) FROM dbstat WHERE name = 'clusters' AND pageno <> $root")
    tree_hi=$(pages "$a" "SELECT coalesce(max(pageno), $first - 1) FROM dbstat WHERE name = 'clusters' AND pagetype <> 'overflow' AND pageno <> $root")
    tree_n=$(pages "$a" "SELECT count(*) FROM dbstat WHERE name = 'clusters' AND pagetype <> 'overflow' AND pageno <> $root")
    bytes_lo=$(pages "$a" "SELECT min(pageno) FROM dbstat WHERE name = 'clusters' AND pagetype = 'overflow'")
    check_eq "$l: SQLite finds it sound" "$(pages "$a" "PRAGMA integrity_check")" ok
    check "$l: every other table's pages, the metadata's too, lie before the clusters' (to page $others; clusters from $first)" \
        test "$others" -lt "$first"
    check_eq "$l: the clusters' $tree_n b-tree pages besides the root are one run, before their bytes" \
        "$((tree_hi - first + 1)) $((tree_hi + 1))" "$tree_n $bytes_lo"
    check_eq "$l: the clusters' bytes end the file" \
        "$(pages "$a" "SELECT max(pageno) FROM dbstat WHERE name = 'clusters'")" "$last"
}

# --- 3,000 clusters of one incompressible file each: a tree of three levels ---
mkdir -p deep
python3 -c "
import random
r = random.Random(7)
for i in range(3000):
    open('deep/f%04d.bin' % i, 'wb').write(bytes(r.getrandbits(8) for _ in range(1500)))
open('deep/index.html', 'w').write('<html><head><title>Deep</title></head><body>deep</body></html>')"
"$SMZ_PACK" deep -o deep.smz --cluster-size 4096 --no-index --quiet
check_eq "3,000 files in clusters of 4 KiB: packed" "$?" 0
check "the cluster table is three levels deep" test "$(pages deep.smz "SELECT count(*) FROM dbstat WHERE name = 'clusters' AND pagetype = 'internal'")" -gt 1
laid_out deep.smz deep
"$SMZ" check deep.smz >deep.check 2>&1
check_eq "smz check finds it sound" "$?" 0
"$SMZ" cat deep.smz f2999.bin >f2999.out 2>&1
check "and its last file reads back" cmp deep/f2999.bin f2999.out

# --- signed, with its index ---
"$SMZ" keygen -W -p k.pub -s k.key >/dev/null 2>&1
"$SMZ_PACK" "$TOP/samples" -o signed.smz --sign k.key --quiet
laid_out signed.smz signed
"$SMZ" verify signed.smz --keyring k.pub >verify.out 2>&1
check_eq "its signatures verify (embedded and detached)" "$?" 0
"$SMZ" check signed.smz >/dev/null 2>&1
check_eq "smz check finds it sound" "$?" 0

# --- format 2 ---
"$SMZ_PACK" "$TOP/samples" -o v2.smz --format-version 2 --quiet
laid_out v2.smz "format 2"

# --- the same bytes each time ---
mkdir -p again && "$SMZ_PACK" deep -o again/deep.smz --cluster-size 4096 --no-index --quiet
check "packed again: the same bytes" cmp deep.smz again/deep.smz

# --- no tail: smz catalog gives none ---
mkdir -p cat && cp signed.smz deep.smz cat/
"$SMZ" catalog cat --quiet
check_eq "smz catalog: no smz:tail for a file whose clusters lie last" "$(grep -c 'smz:tail' cat/smz-catalog.xml)" 0
python3 "$TOP/tests/tools/legacy_layout.py" cat/deep.smz
"$SMZ" catalog cat --quiet
check_grep "the same archive in the layout before: its entry table is its tail" 'href="deep.smz" length="[0-9]+" smz:tail="[0-9]+"' cat/smz-catalog.xml
check_eq "... and the other still has none" "$(grep -c 'smz:tail' cat/smz-catalog.xml)" 1

# --- smz upgrade lays an old archive out again, the same content ---
cp signed.smz old.smz && python3 "$TOP/tests/tools/legacy_layout.py" old.smz
"$SMZ" upgrade old.smz -o relaid.smz >/dev/null 2>&1
check_eq "smz upgrade of an archive in the layout before succeeds" "$?" 0
laid_out relaid.smz "smz upgrade"
check_eq "with the same content digest" "$("$SMZ" info relaid.smz | grep '^Digest')" "$("$SMZ" info signed.smz | grep '^Digest')"
"$SMZ" verify relaid.smz --keyring k.pub >/dev/null 2>&1
check_eq "and its embedded signature still good" "$?" 0

done_testing
