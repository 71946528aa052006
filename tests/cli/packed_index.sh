# shellcheck shell=bash
# Version 3's packed index (issue 22, docs/FORMAT.md "The packed index"): a
# small archive's search group goes into one compressed row; search,
# suggestions, fuzzy answers and smz check work on it as on tables; a large
# index stays in tables; smz upgrade carries it both ways; and every hostile
# packed index (rows, sizes, frames, headers, schemas, damaged pages) is a
# clear error, never a crash nor a query run on what failed its checks.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
export PYTHONPATH="$TOP/tests/tools"
tables_of() { sqlite3 "$1" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE name LIKE 'search%' ORDER BY name)"; }

mkdir v3 v2
"$SMZ_PACK" "$TOP/samples" -o v3/s.smz --quiet
"$SMZ_PACK" "$TOP/samples" -o v2/s.smz --quiet --format-version 2
check_eq "the samples' index is packed" "$(tables_of v3/s.smz)" "search_packed"
check_eq "... version 2 keeps the tables" "$(tables_of v2/s.smz)" \
    "search_fts search_fts_config search_fts_data search_fts_docsize search_fts_idx search_text search_title search_title_config search_title_data search_title_docsize search_title_idx"
check "smz check passes on it" "$SMZ" check v3/s.smz
for q in china "human rights" '"winter olympics"' uyghur xinjiang; do
    check_eq "search '$q': the same answers packed and not" "$("$SMZ" search v3/s.smz "$q" --limit 20)" \
        "$("$SMZ" search v2/s.smz "$q" --limit 20)"
done
check_eq "the same suggestions" "$("$SMZ" suggest v3/s.smz "hu")" "$("$SMZ" suggest v2/s.smz "hu")"
"$SMZ" search v3/s.smz "humn rihgts" >fz.out 2>&1
check_grep "a misspelt search is answered from the packed vocabulary" "did you mean: human rights" fz.out
"$SMZ" info --json v3/s.smz >info.json
check "smz info counts the packed index" python3 -c 'import json,sys; d=json.load(open("info.json")); assert d["has_index"] and d["index_bytes"] > 0, d'
check "the packed archive is smaller" test "$(stat -c %s v3/s.smz)" -lt "$(stat -c %s v2/s.smz)"

# smz upgrade both ways, the index carried
"$SMZ" upgrade v3/s.smz -o to2.smz --format-version 2 >/dev/null 2>&1
check_eq "upgrade to version 2 unpacks it into tables" "$(tables_of to2.smz | wc -w)" 11
check_eq "... with the same answers" "$("$SMZ" search to2.smz china --limit 20)" "$("$SMZ" search v3/s.smz china --limit 20)"
"$SMZ" upgrade to2.smz -o back3.smz >/dev/null 2>&1
check_eq "and back to version 3 packs it again" "$(tables_of back3.smz)" "search_packed"
check_eq "... with the same answers" "$("$SMZ" search back3.smz china --limit 20)" "$("$SMZ" search v3/s.smz china --limit 20)"
"$SMZ" upgrade v3/s.smz -o same3.smz >/dev/null 2>&1
check_eq "version 3 to 3 keeps it packed" "$(tables_of same3.smz)" "search_packed"

# a large index stays in tables
python3 "$TOP/bench/gen_articles.py" big 6000 >/dev/null 2>&1
"$SMZ_PACK" big -o big.smz --quiet
check "an index over 1 MiB stays in tables" test "$(tables_of big.smz | wc -w)" = 11
check "... and is searched" test -n "$("$SMZ" search big.smz the --limit 1)"

# --- hostile packed indexes ---
cp v3/s.smz base.smz
python3 - <<'PY'
import sqlite3, shutil, entryblocks as eb
def edit(name, fn):
    shutil.copy("base.smz", name)
    db = sqlite3.connect(name)
    fn(db)
    db.commit()
    db.close()
raw = eb.decompress(sqlite3.connect("base.smz").execute("SELECT data FROM search_packed").fetchone()[0])
def with_raw(new_raw, usize=None):
    return lambda db: db.execute("UPDATE search_packed SET usize = ?, data = ?",
                                 (len(new_raw) if usize is None else usize, eb.compress(new_raw)))
def with_db(sql):
    mem = sqlite3.connect(":memory:")
    mem.deserialize(raw)
    try:
        mem.executescript(sql)
    except sqlite3.Error:
        mem.execute("PRAGMA writable_schema=ON")
        mem.executescript(sql.replace("--WS", ""))
    return with_raw(mem.serialize())
edit("h-tworows.smz", lambda db: db.execute("INSERT INTO search_packed SELECT 2, usize, data FROM search_packed"))
edit("h-norows.smz", lambda db: db.execute("DELETE FROM search_packed"))
edit("h-usize.smz", lambda db: db.execute("UPDATE search_packed SET usize = usize + 4096"))
edit("h-huge.smz", lambda db: db.execute("UPDATE search_packed SET usize = 1073741824"))
edit("h-notzstd.smz", lambda db: db.execute("UPDATE search_packed SET data = randomblob(2000)"))
edit("h-trailing.smz", lambda db: db.execute("UPDATE search_packed SET data = data || x'00'"))
edit("h-textdata.smz", lambda db: db.execute("UPDATE search_packed SET data = CAST(data AS TEXT)"))
edit("h-notsqlite.smz", with_raw(b"x" * len(raw)))
edit("h-header.smz", with_raw(raw[:28] + (10**6).to_bytes(4, "big") + raw[32:]))
edit("h-extra.smz", with_db("CREATE TABLE evil(x); INSERT INTO evil VALUES(1);"))
edit("h-trigger.smz", with_db("CREATE TRIGGER t AFTER INSERT ON search_text BEGIN SELECT 1; END;"))
edit("h-view.smz", with_db("CREATE VIEW entries AS SELECT 'evil.html' AS path;"))
edit("h-tokenizer.smz", with_db("UPDATE sqlite_schema SET sql = replace(sql, 'smz porter', 'trigram') WHERE name = 'search_fts';"))
# FTS5's own structure record (id 10) destroyed: a query fails, cleanly
edit("h-ftsdata.smz", with_db("UPDATE search_fts_data SET block = randomblob(length(block)) WHERE id = 10;"))
PY
for f in h-*.smz; do
    name=${f#h-}; name=${name%.smz}
    "$SMZ" check "$f" >chk.out 2>&1
    check_eq "packed index '$name': smz check fails (status 1)" "$?" 1
    check_fails "... with no sanitizer or crash report" grep -qE "runtime error|AddressSanitizer|Segmentation" chk.out
    "$SMZ" search "$f" china >srch.out 2>&1
    rc=$?
    if [ "$name" = ftsdata ]; then
        check "... search fails or finds nothing ($rc)" test "$rc" -le 2
    else
        check_eq "... search fails with status 2" "$rc" 2
        check_grep "... saying why" "packed index|schema" srch.out
    fi
    check_eq "... and reading entries still works" "$("$SMZ" cat "$f" "$("$SMZ" ls base.smz | head -1)" | md5sum)" \
        "$("$SMZ" cat base.smz "$("$SMZ" ls base.smz | head -1)" | md5sum)"
done
check_grep "two rows: named" "more than one row" <("$SMZ" check h-tworows.smz 2>&1; echo)
check_grep "a view where entries would be: refused by the pinned schema" "schema differs" <("$SMZ" check h-view.smz 2>&1; echo)
check_fails "... and never answers from it" grep -q "evil.html" <("$SMZ" search h-view.smz china 2>&1)
done_testing
