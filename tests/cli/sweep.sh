# shellcheck shell=bash
# Damage sweep, bounded (issue: hardening): the samples packed into an
# archive, then read damaged in thousands of ways by tests/tools/sweep.c
# (in one process: every page boundary, as is and with the header's page
# count rewritten; one truncation in 33 of the first 64 KiB; SWEEP_FLIPS
# random bit flips), and by the command line itself (`smz check`, `ls`,
# `cat`, `search`) on the page boundaries and a few hundred flips: every
# run ends in success or a documented error (exit 1 or 2 with a message),
# never a signal, a hang or a sanitizer report.  `make sweep` runs the full
# sweep (every byte of the first 64 KiB, 100,000 flips) under ASan.
. "$TOP/tests/lib.sh"
cd "$T" || exit 1
build=$TOP/${SMZ_BUILD:-build}
"$SMZ_PACK" "$TOP/samples" -o good.smz --quiet 2>pack.err
check "the samples pack" test -s good.smz

timeout 900 "$build/tests/tools/sweep" good.smz work.smz --bytes 65536 --every 33 \
    --flips "${SWEEP_FLIPS:-2000}" --seed "${SWEEP_SEED:-1}" >sweep.out 2>sweep.err
rc=$?
sed 's/^/# /' sweep.out
grep -E '^(FAIL|sweep:)' sweep.err | head -20 | sed 's/^/# /'
check_eq "the library meets every damaged copy cleanly (sweep exit status)" "$rc" 0
check_grep "... having read them all" '^sweep: 0 failures' sweep.out

python3 - "$SMZ" good.smz >cli.out 2>&1 <<'EOF'
import os, random, subprocess, sys
smz, good = sys.argv[1], sys.argv[2]
data = open(good, "rb").read()
page = int.from_bytes(data[16:18], "big")
page = 65536 if page == 1 else page
env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":exitcode=86",
           UBSAN_OPTIONS=os.environ.get("UBSAN_OPTIONS", "") + ":halt_on_error=1:exitcode=87")
main = subprocess.run([smz, "ls", good], capture_output=True, text=True).stdout.split()[0]
cases = [("truncated at page %d" % k, data[:k * page]) for k in range(len(data) // page + 1)]
rng = random.Random(int(os.environ.get("SWEEP_SEED", "1")))
for i in range(int(os.environ.get("SWEEP_CLI_FLIPS", "150"))):
    off, bit = rng.randrange(len(data)), rng.randrange(8)
    b = bytearray(data)
    b[off] ^= 1 << bit
    cases.append(("bit %d of byte %d" % (bit, off), bytes(b)))
commands = [["check"], ["ls"], ["cat", None, main], ["search", None, "china"]]
bad = runs = 0
for name, content in cases:
    with open("cli.smz", "wb") as f:
        f.write(content)
    for c in commands:
        argv = [smz, c[0], "cli.smz"] + c[2:]
        runs += 1
        try:
            p = subprocess.run(argv, capture_output=True, timeout=60, env=env)
        except subprocess.TimeoutExpired:
            print("# %s: smz %s hangs" % (name, c[0])); bad += 1; continue
        err = p.stderr.decode(errors="replace")
        problem = None
        if p.returncode < 0:
            problem = "signal %d" % -p.returncode
        elif "Sanitizer" in err or "runtime error:" in err:
            problem = "sanitizer report"
        elif p.returncode not in (0, 1, 2):
            problem = "exit status %d" % p.returncode
        elif p.returncode and not err.strip() and not (c[0] == "search" and p.returncode == 1):
            problem = "exit status %d without a message" % p.returncode
        if problem:
            bad += 1
            print("# %s: smz %s: %s: %s" % (name, c[0], problem, err.strip()[-500:]))
print("# %d command-line runs on %d damaged copies, %d bad" % (runs, len(cases), bad))
sys.exit(1 if bad else 0)
EOF
rc=$?
cat cli.out
check_eq "the command line meets damaged copies cleanly (check, ls, cat, search)" "$rc" 0
done_testing
