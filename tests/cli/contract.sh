# shellcheck shell=bash
# The public contract (issue 17, docs/HACKING.md): include/smz/ declares
# every smz_ function the library exports and nothing internal; internal
# functions are named smz__ and the front-ends (reader/, packer/, common/)
# call none of them; every public header compiles on its own with
# -Iinclude only.  The symbol checks are also run on made-up nm output
# with an undeclared smz_ name and a front-end calling an smz__ one,
# which they must refuse (a test that can fail).
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
build=$TOP/${SMZ_BUILD:-build}
cc=${CC:-cc}

grep -ohE '\bsmz_[a-z0-9_]+' "$TOP"/include/smz/*.h | sort -u >public.txt

# undeclared NM_OUTPUT: the smz_ (one underscore) symbols it defines that no
# public header names
undeclared() {
    awk '$2 ~ /^[TDBR]$/ {print $3}' "$1" | grep -E '^smz_[a-z0-9]' | sort -u | comm -23 - public.txt
}
# internal_calls NM_OUTPUT: the smz__ symbols it uses without defining
internal_calls() {
    awk '$1 == "U" {print $2}' "$1" | grep -E '^smz__' | sort -u
}

nm -g --defined-only "$build/libsmz.a" >lib.nm 2>/dev/null
check "the library's objects can be listed" test -s lib.nm
u=$(undeclared lib.nm)
check_eq "every smz_ function libsmz.a exports is declared in include/smz/" "$u" ""
n=$(grep -c ' smz__' lib.nm)
if [ "$n" -gt 50 ]; then ok "internal functions are named smz__ ($n of them)"; else bad "only $n smz__ symbols"; fi
i=$(grep -lE '\bsmz__[a-z]' "$TOP"/include/smz/*.h)
check_eq "no smz__ name in a public header" "$i" ""

fe=$(ls "$build"/reader/*.o "$build"/packer/*.o "$build"/common/*.o 2>/dev/null)
check "the front-ends' objects are built" test -n "$fe"
# shellcheck disable=SC2086  # one word a file
nm $fe >fe.nm 2>/dev/null
c=$(internal_calls fe.nm)
check_eq "smz and smz-pack's own code calls no internal smz__ function" "$c" ""
inc=$(grep -hE '^\s*#\s*include\s+"' "$TOP"/reader/*.c "$TOP"/reader/*.h "$TOP"/packer/*.c \
      "$TOP"/common/*.c "$TOP"/common/*.h | grep -vE '"(smz/[a-z0-9]+\.h|cli\.h|cli_sig\.h|\.\./common/[a-z0-9_]+\.h|[a-z0-9_]+\.h|\.\./server/server\.h)"')
check_eq "the front-ends include no header of lib/" "$inc" ""

odd=$(cd "$TOP" && ls lib/*.h lib/*/*.h server/*.h 2>/dev/null | grep -E '_(int|internal|private|impl)\.h$')
check_eq "private headers are NAME.h or NAME_priv.h (docs/HACKING.md)" "$odd" ""

for h in "$TOP"/include/smz/*.h; do
    name=smz/$(basename "$h")
    if printf '#include "%s"\n#include "%s"\n' "$name" "$name" |
        "$cc" -std=c11 -Wall -Wextra -Werror -fsyntax-only -I"$TOP/include" -x c - 2>err.txt; then
        ok "$name compiles alone (twice) with -Iinclude only"
    else
        bad "$name does not compile alone: $(head -3 err.txt)"
    fi
done

# The checks refuse what they must.
printf '0000000000000000 T smz_made_up_export\n0000000000000000 T smz__fine\n' >bad.nm
check_eq "an undeclared smz_ export is found" "$(undeclared bad.nm)" "smz_made_up_export"
printf '                 U smz__reader_fail\n                 U smz_reader_open\n' >badfe.nm
check_eq "a front-end's call of an smz__ function is found" "$(internal_calls badfe.nm)" "smz__reader_fail"
done_testing
