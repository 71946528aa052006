# shellcheck shell=bash
# Damaged and hostile archives (tests/corrupt/): each fails with its exact
# message, exit status 2 (an archive that cannot be read: smz(1), EXIT
# STATUS), and no crash; smz check answers no (1) for every one.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
corrupt_cases
n=0
while IFS=$'\t' read -r name cmd want; do
    case "$name" in ''|'#'*) continue ;; esac
    n=$((n + 1))
    a="cases/$name.smz"
    case "$cmd" in
        info) run=("$SMZ" info "$a") ;;
        cat) run=("$SMZ" cat "$a" "$FIRST") ;;
        catfirst) run=("$SMZ" cat "$a" "$FIRST") ;;
        catloop) run=("$SMZ" cat "$a" loop-a) ;;
        catdangling) run=("$SMZ" cat "$a" dangling) ;;
        metatitle) run=("$SMZ" info "$a") ;;
        check) run=("$SMZ" check "$a") ;;
    esac
    timeout 30 "${run[@]}" > out.txt 2> err.txt
    rc=$?
    want_rc=2
    [ "$cmd" = check ] && want_rc=1
    if [ $rc -ne $want_rc ]; then
        bad "$name: exit status $rc (want $want_rc): $(head -c 300 err.txt)"
    elif ! grep -qF -- "$want" err.txt out.txt; then
        bad "$name: message [$(head -c 300 err.txt)$(head -c 300 out.txt)] lacks [$want]"
    else
        ok "$name: $want"
    fi
    # smz check must also refuse every one of them, without crashing
    timeout 60 "$SMZ" check "$a" > /dev/null 2>&1
    rc=$?
    if [ $rc -eq 1 ]; then ok "$name: check fails cleanly"; else bad "$name: check exit status $rc"; fi
done < "$TOP/tests/corrupt/cases.tsv"
check "at least 20 crafted archives" test $n -ge 20
check "the good archive passes check" "$SMZ" check good.smz
done_testing
