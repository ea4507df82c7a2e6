#!/usr/bin/env python3
"""Times whole cvpdf processes (median of N runs) on the sample profiles and a
batch, and writes BENCHMARKS.md. Run from the repository: python3 tools/bench.py [N]
(after `cargo build --release`). CI runs it with N=3 as a smoke run."""
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

N = int(sys.argv[1]) if len(sys.argv) > 1 else 21
BIN = "./target/release/cvpdf"


def median_ms(args, n=N):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    out = tempfile.mkdtemp()
    text_only = os.path.join(out, "camille-text-only.yaml")
    with open("profiles/camille-durand.yaml", encoding="utf-8") as f:
        lines = [l for l in f if not l.startswith("photo:")]
    with open(text_only, "w", encoding="utf-8") as f:
        f.writelines(lines)
    cases = [
        ("three-page sample with its photo", [BIN, "render", "profiles/camille-durand.yaml", "-o", f"{out}/a.pdf"], f"{out}/a.pdf", 1),
        ("the same, text only", [BIN, "render", text_only, "-o", f"{out}/b.pdf"], f"{out}/b.pdf", 1),
        ("one-page sample", [BIN, "render", "profiles/jonas-weber.yaml", "-o", f"{out}/c.pdf"], f"{out}/c.pdf", 1),
        ("batch: 3 languages x 4 themes (12 PDFs)", [BIN, "render", "profiles/camille-durand.yaml", "--lang", "all", "--theme", "classic,studio,compact,homepage", "-o", out + "/"], None, 12),
    ]
    rows = []
    for name, args, pdf, count in cases:
        ms = median_ms(args)
        size = f"{os.path.getsize(pdf) / 1024:.0f} KB" if pdf else "-"
        rows.append(f"| {name} | {ms:.1f} ms | {ms / count:.1f} ms | {size} |")
        print(rows[-1])
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    with open("BENCHMARKS.md", "w", encoding="utf-8") as f:
        f.write("# Benchmarks\n\nWhole processes, median of %d runs, made by `python3 tools/bench.py` on %s (%d cores, %s).\n\n" % (N, cpu, os.cpu_count(), platform.system()))
        f.write("| case | time | per PDF | PDF size |\n|---|---|---|---|\n")
        f.write("\n".join(rows) + "\n")
        f.write(
            "\nReference figures for the tools users compare us with (issue 9): RenderCV 2.8 takes about\n"
            "1.0–1.2 s per 2–3 page résumé as a whole process; a Typst template 80–185 ms cold; LaTeX\n"
            "seconds. Neither is installed here, so they are not measured side by side yet.\n"
        )


if __name__ == "__main__":
    main()
