#!/bin/bash
# The figures of docs/UPDATES.md, "Figures" (issue 25): three cases, each
# OLD and NEW packed with smz-pack's defaults, `smz diff`, the update's
# bytes by kind of item, and "what changed" compressed alone (a tar of the
# changed and added source files, `zstd -19`); NEW is
# packed twice, without and with `--base OLD` (docs/UPDATES.md).
#  - samples + 1 article and pgdoc (PostgreSQL 15's HTML manual, 1,173
#    pages: 12 changed, 12 added): tests/cli/delta.sh's two cases;
#  - news: bench/pull_updates.sh's 1,000 articles, then 1,010.
# Usage: bench/update_figures.sh [WORKDIR] [PGDOC]   (from the top, after make)
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
T=${1:-$(mktemp -d /tmp/smz-updfig.XXXXXX)}
PG=${2:-/usr/share/doc/postgresql-doc-15/html}
mkdir -p "$T" && cd "$T"
SMZ=$TOP/bin/smz SMZ_PACK=$TOP/bin/smz-pack

breakdown() { # UPD: the header's and the table's lengths, the other pages, the payloads by kind
    python3 - "$1" "$TOP/tests/tools" <<'PY'
import sys
sys.path.insert(0, sys.argv[2])
import smzupd
b = open(sys.argv[1], "rb").read()
u = smzupd.read(b)
by = {}
ops = [0, 0, 0, 0, 0, 0]
for r in u["records"]:
    name = {0: "clusters", 1: "clusters", 2: "index", 3: "entry blocks"}[r["kind"]]
    by[name] = by.get(name, 0) + r["plen"]
    ops[r["op"]] += 1
print("update %d: header %d, table %d, other pages %d, payloads %d (%s); items same %d, delta %d "
      "(%d with pages rendered again), whole %d, rebuilt %d"
      % (len(b), u["header_len"], len(u["table_z"]), len(u["skeleton"]), len(u["payloads"]),
         ", ".join("%s %d" % kv for kv in sorted(by.items())), ops[0], ops[2] + ops[3] + ops[5], ops[5],
         ops[1], ops[4]))
PY
}
case_() { # NAME OLD_DIR NEW_DIR CHANGED_FILES...
    local name=$1 old=$2 new=$3
    shift 3
    "$SMZ_PACK" "$old" -o "$name-old.smz" --name "$name" --date 2024-01-01 --quiet
    "$SMZ_PACK" "$new" -o "$name-new.smz" --name "$name" --date 2024-01-02 --quiet
    "$SMZ_PACK" "$new" -o "$name-base.smz" --name "$name" --date 2024-01-02 --quiet --base "$name-old.smz"
    local alone
    alone=$(tar cf - --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner "$@" | zstd -19 -c | wc -c)
    echo "== $name: what changed, its files in a tar, zstd -19: $alone bytes"
    for n in new base; do
        "$SMZ" diff "$name-old.smz" "$name-$n.smz" -o "$name-$n.smzup" >/dev/null
        "$SMZ" patch "$name-old.smz" "$name-$n.smzup" -o "$name-$n-out.smz" >/dev/null
        cmp "$name-$n.smz" "$name-$n-out.smz"
        echo "NEW packed $([ $n = base ] && echo "with --base OLD" || echo "without --base"): $(stat -c %s "$name-$n.smz") bytes"
        breakdown "$name-$n.smzup"
    done
}

# samples + 1: tests/cli/delta.sh's added article
rm -rf s-old s-new && cp -r "$TOP/samples" s-old && cp -r s-old s-new
sed -n "/^cat >s\/zz_new_report.txt <<'EOF'$/,/^EOF$/p" "$TOP/tests/cli/delta.sh" | sed '1d;$d' >s-new/zz_new_report.txt
case_ samples s-old s-new s-new/zz_new_report.txt

# pgdoc: tests/cli/delta.sh's case (every 100th page from the 7th changed,
# from the 23rd copied as new-NAME with "New: " before its title)
rm -rf p-old p-new && cp -r "$PG" p-old && cp -r p-old p-new
changed=() added=()
for f in $(ls p-old | grep '\.html$' | awk 'NR % 100 == 7'); do
    sed -i 's|</body>|<p>Changed in this release: a note added to this page.</p></body>|' "p-new/$f"
    changed+=("p-new/$f")
done
for f in $(ls p-old | grep '\.html$' | awk 'NR % 100 == 23'); do
    sed 's|<title>|<title>New: |' "p-old/$f" >"p-new/new-$f"
    added+=("p-new/new-$f")
done
case_ pgdoc p-old p-new "${changed[@]}" "${added[@]}"

# news
python3 "$TOP/bench/news_pair.py" n-old n-new
case_ news n-old n-new n-new/*-report-100?.txt
