#!/usr/bin/env python3
"""Compares cvpdf binaries (two or more) on one render, runs interleaved (one of each in turn).

    python3 tools/compare.py OLD_BINARY NEW_BINARY [MORE_BINARIES...] [N] [-- RENDER ARGS...]

Default: 101 runs of each on the three-page sample. On a shared VM the time of the
same binary drifts by a third from one batch of runs to the next; interleaving
gives both binaries the same drift, so small changes show. Prints wall time
(10th percentile, quartile, median) and CPU time (user + system) per binary.
Make OLD_BINARY with `git worktree add /tmp/old REV` and a build there. Every binary
is copied afresh into a temporary folder first, all at once: on this VM a copy
written a minute before ran 0.5 ms faster than the same bytes written a quarter of
an hour earlier (the older file's pages in the page cache map with more faults),
which favoured whichever binary was built last.
cvpdf keeps prepared photos in its cache (`~/.cache/cvpdf/photos`); to time first
renders, point XDG_CACHE_HOME at a file (`touch /tmp/no-cache; XDG_CACHE_HOME=/tmp/no-cache ...`)."""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    args = sys.argv[1:]
    render = ["profiles/camille-durand.yaml"]
    if "--" in args:
        render = args[args.index("--") + 1:]
        args = args[: args.index("--")]
    runs = int(args.pop()) if args and args[-1].isdigit() else 101
    if len(args) < 2:
        raise SystemExit(__doc__)
    # Two binaries are old and new; more (a session's start, a midpoint, its end) by place.
    names = ["old", "new"] if len(args) == 2 else [f"#{i + 1}" for i in range(len(args))]
    source = {name: os.path.abspath(binary) for name, binary in zip(names, args)}
    fresh = tempfile.mkdtemp()
    binaries = {name: shutil.copy2(path, os.path.join(fresh, name)) for name, path in source.items()}
    out = tempfile.mkdtemp() + "/"  # a directory: right for one PDF and for a batch
    times = {name: ([], []) for name in binaries}
    for _ in range(runs):
        for name, binary in binaries.items():
            start = time.perf_counter()
            proc = subprocess.Popen([binary, "render", *render, "-o", out], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            _, status, usage = os.wait4(proc.pid, 0)
            wall = (time.perf_counter() - start) * 1000
            err = proc.stderr.read().decode(errors="replace")
            proc.stderr.close()
            if os.waitstatus_to_exitcode(status) != 0:
                raise SystemExit(f"{binary} failed:\n{err}")
            times[name][0].append(wall)
            times[name][1].append((usage.ru_utime + usage.ru_stime) * 1000)
    print(f"{runs} interleaved runs of cvpdf render {' '.join(render)}")
    for name, (wall, cpu) in times.items():
        wall.sort()
        print(
            f"{name}: wall p10 {wall[len(wall) // 10]:.2f} ms, p25 {wall[len(wall) // 4]:.2f}, "
            f"median {statistics.median(wall):.2f}; cpu median {statistics.median(cpu):.2f} ms  ({source[name]})"
        )


if __name__ == "__main__":
    main()
