# shellcheck shell=bash
# The samples' hand-judged relevance set (issue 20): for each query of
# tests/relevance/samples.tsv, `smz search --json` must list the judged
# articles, all of them, in the judged order (tier by tier: every article of a
# tier above every article of the next).  Articles the set does not judge for a
# query may come anywhere among the hits: only the judged ones are ordered
# (an article with a passing mention is neither wrong to show nor judged).
# The English queries run on samples/, the Chinese ones on the four Chinese
# articles of tests/relevance/zh/ (packed with language zho), since the
# samples hold no Chinese.  Fuzzy off (the default): the spellings are the
# articles' own.  Each failing query gets a "not ok" line with the order found;
# the last line lists the failing queries.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1

"$SMZ_PACK" "$TOP/samples" -o samples.smz --quiet --title Samples
"$SMZ_PACK" "$TOP/tests/relevance/zh" -o zh.smz --quiet --title "Chinese" --language zho
check "the samples pack" test -s samples.smz
check "the Chinese articles pack" test -s zh.smz

failed=()
while IFS=$'\t' read -r corpus query order reason; do
    case $corpus in '' | '#'*) continue ;; esac
    "$SMZ" search "$corpus.smz" "$query" --json --limit 20 --no-snippets >hits.json 2>err
    # judge ORDER HITS.JSON: "ok" or what went wrong, with the ids found
    verdict=$(python3 - "$order" hits.json <<'EOF'
import json, sys
tiers = [t.split() for t in sys.argv[1].split(" > ")]
try:
    hits = [h["path"][:3] for h in json.load(open(sys.argv[2]))["results"]]
except (ValueError, KeyError):
    print("no JSON answer"); sys.exit()
shown = " ".join(hits) or "nothing"
missing = [a for t in tiers for a in t if a not in hits]
if missing:
    print("%s not found; found: %s" % (" ".join(missing), shown)); sys.exit()
for upper, lower in zip(tiers, tiers[1:]):
    if max(hits.index(a) for a in upper) > min(hits.index(a) for a in lower):
        print("found in the order: %s" % shown); sys.exit()
print("ok")
EOF
)
    if [ "$verdict" = ok ]; then
        ok "$corpus: '$query': $order"
    else
        bad "$corpus: '$query': want $order ($reason); $verdict"
        failed+=("'$query'")
    fi
done <"$TOP/tests/relevance/samples.tsv"

n=$(grep -cv '^#' "$TOP/tests/relevance/samples.tsv")
if [ ${#failed[@]} -eq 0 ]; then
    ok "all $n judged queries in the judged order"
else
    bad "${#failed[@]} of $n judged queries out of order: ${failed[*]}"
fi
done_testing
