#!/usr/bin/env python3
"""Allocation-failure sweep: runs `smz info`, `smz cat`, `smz search`,
`smz-pack` and `smz patch` (an HTML site's update, and an update of articles
whose pages patch renders again) with the k-th allocation failing (tests/tools/failmalloc.c,
LD_PRELOAD), for every k from 1 to the number of allocations a normal run
makes (every STRIDE-th with --stride).  Each run must end as a normal run
does (exit 0 and the same output; for a pack, the byte-identical archive)
or with a clean error: exit status 1 or 2, a message on standard error, no
signal, no hang, no sanitizer report (with an ASan build, leaks included),
and for a pack nothing left at the target path or beside it.  One exit
is not ours to change: when the failing allocation is made by glibc's
dynamic loader inside dlopen, glibc prints "out of memory" and exits 127;
such runs are confirmed by their stack and listed apart.  Nor is cmark's:
it aborts when an allocation fails (rendering a Markdown page, in smz
patch), leaving no more than the hidden file a kill would; listed apart.

usage: failures.py SMZ SMZ_PACK SHIM WORKDIR [--stride N] [--jobs N]
                   [--persist] [--only NAME]
Prints one "ok - " or "not ok - " line per workload (tests/run.sh counts
them) and the figures; exits 1 when a run failed."""
import concurrent.futures, os, shutil, subprocess, sys

SANITIZER_MARKS = (b"Sanitizer", b"runtime error:", b"LeakSanitizer")


def main():
    args = sys.argv[1:]
    opts = {"--stride": "1", "--jobs": "2", "--only": ""}
    flags = set()
    pos = []
    i = 0
    while i < len(args):
        if args[i] in opts:
            opts[args[i]] = args[i + 1]
            i += 2
        elif args[i] == "--persist":
            flags.add("persist")
            i += 1
        else:
            pos.append(args[i])
            i += 1
    smz, pack, shim, work = pos
    stride, jobs = int(opts["--stride"]), int(opts["--jobs"])
    os.makedirs(work, exist_ok=True)

    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = "1700000000"
    env["LC_ALL"] = "C"
    asan = b"libasan" in subprocess.run(["ldd", smz], capture_output=True).stdout
    if asan:
        # full stacks, so that the suppressions find libxml2's frames
        env["ASAN_OPTIONS"] = ("verify_asan_link_order=0:detect_leaks=1:exitcode=86:abort_on_error=0:"
                               "fast_unwind_on_malloc=0")
        env["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1:exitcode=87"
        # libxml2's own leaks on its out-of-memory paths (lsan.supp says which)
        env["LSAN_OPTIONS"] = "exitcode=23:suppressions=" + os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "lsan.supp")

    # A small collection: an HTML page, a text file (stored as it is: the
    # source holds HTML, so no article is rendered), a stylesheet; known
    # extensions only (no libmagic database).
    src = os.path.join(work, "tiny")
    shutil.rmtree(src, ignore_errors=True)
    os.makedirs(os.path.join(src, "css"))
    with open(os.path.join(src, "index.html"), "w") as f:
        f.write("<html><head><title>Front page</title><link rel=stylesheet href=css/s.css></head>"
                "<body><h1>News</h1><p>Human rights reports from the river valley.</p>"
                "<p><a href=b.html>Second</a></p></body></html>")
    with open(os.path.join(src, "b.txt"), "w") as f:
        f.write("Second article\n\nA report about rivers, villages and human rights in 2022.\n")
    with open(os.path.join(src, "css", "s.css"), "w") as f:
        f.write("body { font-family: serif; }\n")
    ref = os.path.join(work, "ref.smz")
    if os.path.exists(ref):
        os.unlink(ref)
    pack_args = [pack, src, "-o", None, "--quiet", "--threads", "1", "--title", "Tiny"]
    r = subprocess.run([a if a else ref for a in pack_args], env=env, capture_output=True)
    if r.returncode != 0:
        print("not ok - the reference archive packs: %s" % r.stderr.decode(errors="replace"))
        return 1

    # An update to the same collection with a page more (docs/UPDATES.md):
    # smz patch rebuilds its search index from the pages.
    src2 = os.path.join(work, "tiny2")
    shutil.rmtree(src2, ignore_errors=True)
    shutil.copytree(src, src2)
    with open(os.path.join(src2, "c.html"), "w") as f:
        f.write("<html><head><title>Third</title></head><body><h2>Rivers</h2>"
                "<p>A third report about the valley's villages.</p></body></html>")
    new, upd = os.path.join(work, "new.smz"), os.path.join(work, "ref.smzup")
    # And one of articles (their pages rendered again by patch, op 5): a
    # text article changed, a Markdown one added.
    arts, arts2 = os.path.join(work, "arts"), os.path.join(work, "arts2")
    shutil.rmtree(arts, ignore_errors=True)
    shutil.rmtree(arts2, ignore_errors=True)
    os.makedirs(arts)
    for i in range(3):
        with open(os.path.join(arts, "report-%d.txt" % i), "w") as f:
            f.write("Report %d on the valley\n\nVillagers spoke of rivers and rights in 2022.\n" % i)
    shutil.copytree(arts, arts2)
    with open(os.path.join(arts2, "report-1.txt"), "a") as f:
        f.write("\nA paragraph added later.\n")
    with open(os.path.join(arts2, "report-3.md"), "w") as f:
        f.write("# Report 3\n\nA *new* report on the valley.\n")
    aref, anew, aupd = (os.path.join(work, n) for n in ("arts.smz", "arts2.smz", "arts.smzup"))
    for f in (new, upd, aref, anew, aupd):
        if os.path.exists(f):
            os.unlink(f)
    for argv in ([pack, src2, "-o", new, "--quiet", "--threads", "1", "--title", "Tiny"],
                 [smz, "diff", ref, new, "-o", upd],
                 [pack, arts, "-o", aref, "--quiet", "--threads", "1", "--title", "Valley"],
                 [pack, arts2, "-o", anew, "--quiet", "--threads", "1", "--title", "Valley"],
                 [smz, "diff", aref, anew, "-o", aupd]):
        r = subprocess.run(argv, env=env, capture_output=True)
        if r.returncode != 0:
            print("not ok - the update is made: %s" % r.stderr.decode(errors="replace"))
            return 1

    workloads = {
        "open (smz info)": [smz, "info", ref],
        "read (smz cat)": [smz, "cat", ref, "b.txt"],
        "search (smz search)": [smz, "search", ref, "rights"],
        "check (smz check)": [smz, "check", ref],
        "pack (smz-pack)": pack_args,
        "patch (smz patch)": [smz, "patch", ref, upd, "-o", None],
        "patch articles (smz patch, pages rendered again)": [smz, "patch", aref, aupd, "-o", None],
    }
    failed_any = False
    for name, cmd in workloads.items():
        if opts["--only"] and opts["--only"] not in name:
            continue
        is_pack = None in cmd  # writes a file: out.smz in a folder of its own

        def run(k, outdir=None):
            e = dict(env)
            e["LD_PRELOAD"] = shim
            if k:
                e["SMZ_FAIL_AT"] = str(k)
                if "persist" in flags:
                    e["SMZ_FAIL_PERSIST"] = "1"
            else:
                e["SMZ_FAIL_COUNT"] = os.path.join(work, "count")
            argv = list(cmd)
            if is_pack:
                os.makedirs(outdir, exist_ok=True)
                argv = [a if a else os.path.join(outdir, "out.smz") for a in cmd]
            try:
                p = subprocess.run(argv, env=e, capture_output=True, timeout=60)
                return p.returncode, p.stdout, p.stderr
            except subprocess.TimeoutExpired:
                return None, b"", b""

        refdir = os.path.join(work, "pack-ref")
        shutil.rmtree(refdir, ignore_errors=True)
        rc, want, err = run(0, refdir)
        total = int(open(os.path.join(work, "count")).read())
        if rc != 0:
            print("not ok - %s: the run without failures works: %s" % (name, err.decode(errors="replace")[:300]))
            failed_any = True
            continue
        if is_pack:
            want = open(os.path.join(refdir, "out.smz"), "rb").read()
        # Counts differ a little from run to run (threads): go a bit past.
        ks = list(range(1, total + 20, stride))

        def loader_failed(k, outdir):
            """1 when run k's failing allocation was made by glibc's dynamic
            loader inside dlopen (smz loads libxml2, libarchive and CivetWeb
            on first use: reader/lazy.c).  glibc treats some allocation
            failures there as fatal: it prints "out of memory" and exits 127,
            and no caller can turn that into an error.  The run is repeated
            with SMZ_FAIL_TRACE=1 to see where the allocation came from."""
            e = dict(env)
            e.update(LD_PRELOAD=shim, SMZ_FAIL_AT=str(k), SMZ_FAIL_TRACE="1")
            argv = list(cmd)
            if is_pack:
                argv = [a if a else os.path.join(outdir, "out.smz") for a in cmd]
            p = subprocess.run(argv, env=e, capture_output=True, timeout=60)
            frames = [l for l in p.stderr.decode(errors="replace").splitlines() if l.startswith("/")]
            callers = [f for f in frames if "failmalloc" not in f]
            if p.returncode != 127 or not callers or is_pack and os.listdir(outdir):
                return False
            return "ld-linux" in callers[0] and any("dlopen" in f for f in callers)

        loader_exits = []
        cmark_aborts = []

        def one(k):
            outdir = os.path.join(work, "pack-%d" % k) if is_pack else None
            if outdir:
                shutil.rmtree(outdir, ignore_errors=True)
            rc, out, err = run(k, outdir)
            problem = None
            if rc is None:
                problem = "hang (over 60 s)"
            elif any(m in err for m in SANITIZER_MARKS):
                problem = "sanitizer report (exit %d)" % rc
            elif (rc == -6 and b"[cmark] " in err and b"aborting" in err and
                  all(n.startswith(".out.smz.partial-") for n in (os.listdir(outdir) if outdir else []))):
                # cmark ends the process when an allocation fails (its
                # documented behaviour, lib/article/article.h), which smz
                # patch meets rendering a Markdown page again: a patch then
                # leaves its hidden file, as a kill would (docs/UPDATES.md).
                problem = None
                cmark_aborts.append(k)
            elif rc < 0:
                problem = "killed by signal %d" % -rc
            elif rc == 0:
                if is_pack:
                    names = sorted(os.listdir(outdir))
                    got = open(os.path.join(outdir, "out.smz"), "rb").read() if names == ["out.smz"] else None
                    if got != want:
                        problem = "exit 0 but the archive differs (files: %s)" % names
                elif out != want:
                    problem = "exit 0 but the output differs"
            elif rc in (1, 2):
                if not err.strip():
                    problem = "exit %d without a message" % rc
                elif is_pack and os.listdir(outdir):
                    problem = "failed pack left files: %s" % os.listdir(outdir)
            elif rc == 127 and err.strip() == b"out of memory" and loader_failed(k, outdir):
                problem = None  # glibc's dynamic loader's own exit (see loader_failed)
                loader_exits.append(k)
            else:
                problem = "exit status %d" % rc
            if outdir:
                shutil.rmtree(outdir, ignore_errors=True)
            return k, rc, problem, err

        results = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as ex:
            for res in ex.map(one, ks):
                results.append(res)
        bad = [r for r in results if r[2]]
        succ = sum(1 for r in results if not r[2] and r[1] == 0)
        errs = len(results) - succ - len(bad)
        print("# %s: %d allocations in a normal run; k = 1..%d step %d: %d runs, %d succeeded "
              "as normal, %d clean errors, %d bad" % (name, total, ks[-1], stride, len(results), succ, errs, len(bad)))
        for k, rc, problem, err in bad[:20]:
            tail = err.decode(errors="replace").strip().splitlines()[-12:]
            print("#   k=%d: %s\n#     %s" % (k, problem, "\n#     ".join(tail)))
        if loader_exits:
            print("#   %d runs ended in glibc's dynamic loader, inside dlopen: \"out of memory\", exit 127 "
                  "(k = %s)" % (len(loader_exits), ", ".join(map(str, sorted(loader_exits)))))
        if cmark_aborts:
            print("#   %d runs ended in cmark, which aborts when an allocation fails (k = %s)"
                  % (len(cmark_aborts), ", ".join(map(str, sorted(cmark_aborts)))))
        if bad:
            failed_any = True
            print("not ok - %s: every allocation failure ends cleanly (%d of %d runs did not)" % (name, len(bad), len(results)))
        else:
            print("ok - %s: every allocation failure ends cleanly (%d runs)" % (name, len(results)))
    return 1 if failed_any else 0


if __name__ == "__main__":
    sys.exit(main())
