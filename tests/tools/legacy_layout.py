#!/usr/bin/env python3
"""Rewrites an archive, in place, in the layout smz-pack gave before it put the
clusters last (docs/FORMAT.md, "Layout"): the clusters first, the search
group after them, the entry table last, which is what smz pull's tail first
(smz:tail) is for.  The tables, rows and content digest stay the same (a
signature stays good): VACUUM copies the tables in the order of their rows
in sqlite_schema, which this puts in that order first.
Usage: legacy_layout.py ARCHIVE.smz"""
import sqlite3
import sys

path = sys.argv[1]
db = sqlite3.connect(path, isolation_level=None)
db.executescript(
    "PRAGMA writable_schema=ON; BEGIN;"
    "CREATE TEMP TABLE moved AS SELECT rowid AS r FROM sqlite_master WHERE name NOT IN "
    "('metadata', 'mimetypes', 'clusters') ORDER BY name = 'entry_blocks', rowid;"
    "UPDATE sqlite_master SET rowid = 1000 + (SELECT m.rowid FROM temp.moved m WHERE "
    "m.r = sqlite_master.rowid) WHERE rowid IN (SELECT r FROM temp.moved);"
    "COMMIT; PRAGMA writable_schema=OFF;")
db.close()
db = sqlite3.connect(path, isolation_level=None)
db.execute("VACUUM")
ok = db.execute("PRAGMA integrity_check").fetchone()[0]
db.close()
if ok != "ok":
    sys.exit("legacy_layout.py: %s: %s" % (path, ok))
