# shellcheck shell=bash
# The build (issue 17): plain `make` only builds, and installs nothing; the
# README's commands (`make test`, `make demo`) and the everyday ones
# (`make check-quick`, `make lint`) install what is missing first; a
# missing library stops `make` with one line that names `make deps`.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1

runs_deps() { # TARGET: the dry run of make TARGET runs scripts/deps.sh
    make -C "$TOP" -n -B "$1" 2>/dev/null | grep -v 'echo' | grep -qE '(^|[;&| ])scripts/deps\.sh '
}
check_fails "plain make (all) installs nothing" runs_deps all
for t in test demo check-quick lint; do
    check "make $t installs what is missing first" runs_deps "$t"
done
if make -C "$TOP" -n -B all 2>/dev/null | grep -v echo | grep -q 'apt-get'; then
    bad "plain make runs apt-get"
else
    ok "plain make runs no apt-get"
fi

# A library that is not there: one line naming make deps, and no build.
out=$(make -C "$TOP" BUILD="$T/b" BIN="$T/bin" PKGS="libzstd smz-no-such-library" all 2>&1)
rc=$?
check_eq "a missing library stops make" "$([ $rc -ne 0 ] && echo stopped)" "stopped"
check_grep "and says which and what to run" "missing libraries: smz-no-such-library; run 'make deps'" <(echo "$out")
check_fails "and builds nothing" test -e "$T/bin/smz"
done_testing
