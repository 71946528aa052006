# shellcheck shell=bash
# The WebAssembly build's libraries (scripts/wasm-deps.sh), each checked
# under Node against known answers as lib/ uses it: SQLite's FTS5, JSON
# and dbstat, zstd frames of the native tool, BLAKE2b, Ed25519 and scrypt
# test vectors and a forged signature, libxml2's SAX events and charsets
# (tests/wasm/deps_smoke.c).
. "$TOP/tests/lib.sh"
smoke="$TOP/build-wasm/deps_smoke.js"
if [ ! -s "$smoke" ]; then
    echo "ok - wasm libraries # SKIP $smoke not built (make wasm-deps-test)"
    done_testing
fi
node "$smoke"
