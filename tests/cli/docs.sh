# shellcheck shell=bash
# The README is for users first (issue 19): its first screen says what
# Samizdat is for, gives the two commands and says they install with
# apt-get as root; it tells the receiver of a stick what to do on each
# system; every command and option its guide shows exists; and no link in
# the README or docs/ points at a file that is not there.  The checker is
# also run on a made-up README with a dead link and a made-up option, which
# it must refuse (a test that can fail).
. "$TOP/tests/lib.sh"
cd "$T" || exit 1

cat > docs.py <<'PY'
import os, re, subprocess, sys
top, smz, pack = sys.argv[1:4]
files = sys.argv[4:]
bad = 0
def say(ok, msg):
    global bad
    print(("ok - " if ok else "not ok - ") + msg)
    bad += not ok
for f in files:
    text = open(f, encoding="utf-8").read()
    dead = []
    for m in re.finditer(r"\]\(([^)\s]+)\)", text):
        url = m.group(1)
        if re.match(r"[a-z]+:", url) or url.startswith("#"):
            continue
        path = os.path.normpath(os.path.join(os.path.dirname(f), url.split("#")[0]))
        if not os.path.exists(path):
            dead.append(url)
    say(not dead, "%s: every relative link leads to a file%s" % (os.path.relpath(f, top), (": dead " + ", ".join(dead)) if dead else ""))
readme = files[0]
text = open(readme, encoding="utf-8").read()
first = "\n".join(text.split("\n")[:40])
say("make demo" in first and "make test" in first, "the first screen gives the two commands")
say("apt-get" in first and "root" in first, "and says they install with apt-get as root")
for system in ("Windows", "macOS", "Linux", "phone", "Kiwix"):
    say(system in text, "the README tells the receiver of a stick about " + system)
words = len(text.split())
say(words <= 1500, "the README is short enough to read (%d words)" % words)
# Every smz subcommand and every --option in the code blocks exists.
blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
helps = {}
def help_of(prog, sub):
    key = (prog, sub)
    if key not in helps:
        cmd = [smz, sub, "--help"] if prog == "smz" else [pack, "--help"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        helps[key] = (r.returncode, r.stdout + r.stderr)
    return helps[key]
missing = []
for block in blocks:
    for line in block.split("\n"):
        line = line.split("#")[0].strip()
        m = re.match(r"(smz-pack|smz)\s+(\S+)?(.*)", line)
        if not m:
            continue
        prog, sub = m.group(1), m.group(2) or ""
        if prog == "smz":
            rc, out = help_of(prog, sub)
            if rc != 0:
                missing.append("smz " + sub)
                continue
        else:
            rc, out = help_of(prog, "")
        for opt in re.findall(r"(?<![\w-])(--[a-z][a-z-]*)", line):
            if opt not in out:
                missing.append("%s %s %s" % (prog, sub, opt) if prog == "smz" else "%s %s" % (prog, opt))
say(not missing, "every command and option the README's guide shows exists%s" % ((": not " + ", ".join(missing)) if missing else ""))
sys.exit(1 if bad else 0)
PY

DOCS=("$TOP/README.md" "$TOP"/docs/*.md "$TOP/bench/README.md")
python3 docs.py "$TOP" "$SMZ" "$SMZ_PACK" "${DOCS[@]}" || fails=$((fails + 1))

# The checker refuses a dead link, a made-up subcommand and a made-up option.
mkdir -p fake
# shellcheck disable=SC2016 # the backquotes are Markdown, not a command
printf '# x\nmake demo make test apt-get root\n[a](nowhere.md)\n```sh\nsmz frobnicate x\nsmz-pack d -o x.smz --no-such-option\n```\n' > fake/README.md
python3 docs.py "$T/fake" "$SMZ" "$SMZ_PACK" fake/README.md > fake.out 2>&1
check_grep "the checker finds a dead link" "^not ok - README.md: every relative link leads to a file: dead nowhere.md" fake.out
check_grep "and a made-up subcommand and option" "^not ok - every command and option.*not smz frobnicate, smz-pack --no-such-option" fake.out
done_testing
