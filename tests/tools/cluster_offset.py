#!/usr/bin/env python3
"""Prints the file offset of a byte in the middle of cluster N's stored data,
found by searching the file for the blob's bytes (for damage tests).
usage: cluster_offset.py ARCHIVE N"""
import sqlite3, sys
path, cid = sys.argv[1], int(sys.argv[2])
db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
data = db.execute("SELECT data FROM clusters WHERE id = ?", (cid,)).fetchone()[0]
probe = data[len(data) // 2: len(data) // 2 + 64]
raw = open(path, "rb").read()
pos = raw.find(probe)
assert pos >= 0, "cluster bytes not found"
print(pos + 10)
