# shellcheck shell=bash
# The layers of server/ (issue 17): each file sits on a layer, includes
# only headers of its own layer or below, and no chain of #include "..."
# lines comes back to where it started.  The layers, bottom to top (also
# told at the top of server/server.c):
#   1 limits json gate guard       caps, JSON, the
#                                  compute gate, the slow-client guard
#   2 library                      the registry of archives
#   3 pool                         the reader pool
#   4 http                         request parsing, framing, responses
#   5 site sigcheck                the server's shared state; signatures
#   6 pages                        our HTML
#   7 content query opds assets    the handlers
#   8 server dispatch              start and stop; state and routing
# A new file of server/ must be given its layer here.  The checker is also
# run on a small tree with an upward include and a cycle, which it must
# refuse (a test that can fail).
. "$TOP/tests/lib.sh"
cd "$T" || exit 1

cat > layers.py <<'PY'
import os, re, sys
LAYERS = {"limits": 1, "json": 1, "gate": 1, "guard": 1, "library": 2, "pool": 3,
          "http": 4, "site": 5, "sigcheck": 5, "pages": 6, "content": 7, "query": 7, "opds": 7,
          "assets": 7, "server": 8, "dispatch": 8}
top = sys.argv[1]
files = sorted(f for f in os.listdir(top) if f.endswith((".c", ".h")))
edges = {}
bad = 0
def say(ok, msg):
    global bad
    print(("ok - " if ok else "not ok - ") + msg)
    bad += not ok
for f in files:
    mod = f.rsplit(".", 1)[0]
    if mod not in LAYERS:
        say(False, "%s has no layer (add it to tests/cli/layers.sh)" % f)
        continue
    ups = []
    for line in open(os.path.join(top, f), encoding="utf-8"):
        m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
        if not m or not os.path.exists(os.path.join(top, m.group(1))):
            continue  # lib/ and include/ headers, found through -I
        dep = m.group(1).rsplit(".", 1)[0]
        if dep != mod:
            edges.setdefault(mod, set()).add(dep)
        if LAYERS.get(dep, 99) > LAYERS[mod]:
            ups.append("%s (layer %s)" % (m.group(1), LAYERS.get(dep, "none")))
    say(not ups, "%s (layer %d) includes nothing above it%s" % (f, LAYERS[mod], ": " + ", ".join(ups) if ups else ""))
# Cycles among modules (a file and its header are one module).
state, stack, cycle = {}, [], []
def visit(m):
    state[m] = 1
    stack.append(m)
    for d in sorted(edges.get(m, ())):
        if state.get(d) == 1 and not cycle:
            cycle.extend(stack[stack.index(d):] + [d])
        elif d not in state:
            visit(d)
    stack.pop()
    state[m] = 2
for m in sorted(edges):
    if m not in state:
        visit(m)
say(not cycle, "no include cycle in %s%s" % (os.path.basename(top.rstrip("/")), ": " + " -> ".join(cycle) if cycle else ""))
sys.exit(1 if bad else 0)
PY

python3 layers.py "$TOP/server"

# The checker itself must catch an upward include and a cycle.
mkdir -p bad
printf '#include "http.h"\n' > bad/gate.h
printf '#include "gate.h"\n' > bad/http.h
printf '#include "pages.h"\n' > bad/pool.c
: > bad/pages.h
python3 layers.py bad > bad.out
check "the checker refuses a tree with an upward include and a cycle" test $? -ne 0
check_grep "it names the upward include" "not ok - gate.h \(layer 1\) includes nothing above it: http.h" bad.out
check_grep "it names the cycle" "not ok - no include cycle in bad: gate -> http -> gate" bad.out
check_grep "it names a file included from below" "not ok - pool.c \(layer 3\) includes nothing above it: pages.h" bad.out
