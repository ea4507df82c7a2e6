#!/usr/bin/env python3
"""Times whole processes (median of N runs) and writes BENCHMARKS.md.

Run from the repository, after `cargo build --release`:  python3 tools/bench.py [N]
CI runs it with N=3 as a smoke run (no thresholds). Cases: starting and ending the
process alone (`cvpdf --version`), the samples, a text-only copy, the sample again
with its prepared photo from the cache (every other case prepares it, as a first
render does), a 12-PDF batch, the text-only render, the sample again and the batch
one every PAUSE seconds, as a user renders (slower on a VM whose host takes back idle
memory), a large batch (PDFs per second), a profile ten times longer
(cost per unit of content), a 4000x5000 phone photo (needs Pillow), peak memory,
and, when installed, RenderCV on the same content (bench/rendercv/) and Typst on
RenderCV's Typst output. Per-stage figures: `cargo bench --bench stages`.

The binary timed is a copy of target/release/cvpdf, made at the start, as installing
it makes one (`cargo install` copies it): on the Linux 6.18 VMs measured, the file as
the linker writes it maps with about 60 more page faults per run than the same bytes
written in one go (339 against 281 for the text-only render), 0.4-0.5 ms of a 5 ms
render, so the linker's file stands for no binary a user runs."""
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import yaml

N = int(sys.argv[1]) if len(sys.argv) > 1 else 21
BUILT = os.path.abspath("./target/release/cvpdf")
BIN = os.path.join(tempfile.mkdtemp(), "cvpdf")
THEMES = "classic,studio,compact,homepage"
# Seconds between the runs of the paused cases: longer than the two seconds after which
# a VM's free-page reporting hands idle memory back to its host.
PAUSE = 3
NO_CACHE = os.path.join(tempfile.gettempdir(), f"cvpdf-bench-no-cache-{os.getpid()}")


def run(args, env=None, cwd=None):
    """Wall time in ms and peak resident memory in MB of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, cwd=cwd)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = (time.perf_counter() - start) * 1000
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def measure(args, n=N, env=None, pause=0, **kw):
    # Every case prepares its photo, as a first render does, unless given a cache:
    # a file where the cache's folder would be makes the cache unusable.
    env = env or dict(os.environ, XDG_CACHE_HOME=NO_CACHE)
    runs = []
    for _ in range(n):
        time.sleep(pause)
        runs.append(run(args, env=env, **kw))
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def write_yaml(path, data):
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(data, f, allow_unicode=True, sort_keys=False)


def main():
    shutil.copy2(BUILT, BIN)
    out = tempfile.mkdtemp()
    with open("profiles/camille-durand.yaml", encoding="utf-8") as f:
        sample = yaml.safe_load(f)
    text_only = {k: v for k, v in sample.items() if k != "photo"}
    write_yaml(f"{out}/text-only.yaml", text_only)
    # Ten times the content: every section's entries and items repeated ten times.
    longer = yaml.safe_load(yaml.safe_dump(text_only))
    for s in longer["sections"]:
        for key in ("entries", "items", "facts"):
            if key in s:
                s[key] = s[key] * 10
        if "ratings" in s:
            s["ratings"] = s["ratings"] * 10
    write_yaml(f"{out}/ten-times.yaml", longer)
    # A large batch: 10 profiles x 3 languages x 4 themes.
    os.makedirs(f"{out}/many")
    many = []
    for i in range(10):
        many.append(f"{out}/many/cv{i}.yaml")
        write_yaml(many[-1], text_only)

    rows, figures = [], {}

    def case(key, name, args, pdf=None, count=1, n=N, **kw):
        ms, mb = measure(args, n=n, **kw)
        figures[key] = ms
        pages = ""
        if pdf:
            info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
            pages = next((l.split()[-1] for l in info.splitlines() if l.startswith("Pages:")), "")
        size = f"{os.path.getsize(pdf) / 1024:.0f} KB" if pdf else "-"
        rows.append(f"| {name} | {ms:.1f} ms | {ms / count:.1f} ms | {count / ms * 1000:.0f} | {pages or '-'} | {size} | {mb:.0f} MB |")
        print(rows[-1], flush=True)

    with open(NO_CACHE, "w") as f:
        f.write("not a folder: no photo is cached\n")
    # What any run pays before and after its work: exec, the binary mapped, the exit.
    # On a shared VM this part swings most from one stretch to the next.
    case("start", "starting and ending the process alone (`cvpdf --version`)", [BIN, "--version"])
    case("photo", "three-page sample with its photo", [BIN, "render", "profiles/camille-durand.yaml", "-o", f"{out}/a.pdf"], f"{out}/a.pdf")
    # Rendered again with the same photo (an editor's save loop): prepared by the first run.
    warm = dict(os.environ, XDG_CACHE_HOME=f"{out}/photo-cache")
    run([BIN, "render", "profiles/camille-durand.yaml", "-o", f"{out}/a.pdf"], env=warm)
    case("again", "the same, rendered again (photo from the cache)", [BIN, "render", "profiles/camille-durand.yaml", "-o", f"{out}/a.pdf"], f"{out}/a.pdf", env=warm)
    case("text", "the same, text only", [BIN, "render", f"{out}/text-only.yaml", "-o", f"{out}/b.pdf"], f"{out}/b.pdf")
    # One render every few seconds, as a user saves and renders: on the VMs measured
    # the host takes back memory the guest has left free for two seconds, and a
    # process's first touch of such memory is slow (4.5 ms for a huge page).
    paused = dict(n=max(3, N // 3), pause=PAUSE)
    case("text-paused", f"the same, text only, one render every {PAUSE} s", [BIN, "render", f"{out}/text-only.yaml", "-o", f"{out}/b.pdf"], f"{out}/b.pdf", **paused)
    case("again-paused", f"the sample rendered again every {PAUSE} s (an editor's save loop)", [BIN, "render", "profiles/camille-durand.yaml", "-o", f"{out}/a.pdf"], f"{out}/a.pdf", env=warm, **paused)
    case("ten", "the same, ten times the content", [BIN, "render", f"{out}/ten-times.yaml", "-o", f"{out}/t.pdf"], f"{out}/t.pdf", n=max(3, N // 3))
    case("one", "one-page sample", [BIN, "render", "profiles/jonas-weber.yaml", "-o", f"{out}/c.pdf"], f"{out}/c.pdf")
    case("batch", "batch: 3 languages x 4 themes (12 PDFs)", [BIN, "render", "profiles/camille-durand.yaml", "--lang", "all", "--theme", THEMES, "-o", out + "/"], count=12)
    case("batch-paused", f"the same batch, one every {PAUSE} s", [BIN, "render", "profiles/camille-durand.yaml", "--lang", "all", "--theme", THEMES, "-o", out + "/"], count=12, **paused)
    case("large", "large batch: 10 profiles x 3 languages x 4 themes", [BIN, "render", *many, "--lang", "all", "--theme", THEMES, "-o", out + "/many/"], count=120, n=max(3, N // 3))
    # Made by another process: a child's peak memory counts the parent's at fork,
    # and this one would hold 60 MB of pixels.
    phone = f"{out}/phone"
    os.makedirs(phone)
    made = subprocess.run(
        [sys.executable, "-c", "import sys; from PIL import Image; Image.radial_gradient('L').resize((4000, 5000)).convert('RGB').save(sys.argv[1], quality=90)", f"{phone}/camille-durand.jpg"],
        capture_output=True,
    )
    if made.returncode == 0:
        shutil.copy("profiles/camille-durand.yaml", phone)
        case("phone", "with a 4000x5000 phone photo instead", [BIN, "render", f"{phone}/camille-durand.yaml", "-o", f"{out}/p.pdf"], f"{out}/p.pdf")
    else:
        print("Pillow not installed: the phone-photo case is skipped")

    peers = []
    if shutil.which("rendercv"):
        work = f"{out}/rendercv"
        os.makedirs(work)
        shutil.copy("bench/rendercv/camille-durand.yaml", work)
        # RenderCV's themes import a Typst package (icons) from packages.typst.org; an
        # offline stand-in draws an icon-sized space, so that no network is timed.
        stub = f"{out}/cache/typst/packages/preview/fontawesome/0.5.0"
        os.makedirs(stub)
        with open(f"{stub}/typst.toml", "w") as f:
            f.write('[package]\nname = "fontawesome"\nversion = "0.5.0"\nentrypoint = "lib.typ"\nauthors = ["cvpdf bench"]\nlicense = "MIT"\ndescription = "offline stand-in"\n')
        with open(f"{stub}/lib.typ", "w") as f:
            f.write("#let fa-icon(name, solid: false, ..args) = box(width: 1em)\n")
        env = dict(os.environ, XDG_CACHE_HOME=f"{out}/cache")
        args = ["rendercv", "render", "camille-durand.yaml", "--dont-generate-markdown", "--dont-generate-html", "--dont-generate-png"]
        ms, mb = measure(args, n=max(3, N // 3), env=env, cwd=work)
        pdf = f"{work}/rendercv_output/Camille_Durand_CV.pdf"
        said = subprocess.run(["rendercv", "--version"], capture_output=True, text=True).stdout
        # It prints its own version, and may announce a newer one after it.
        version = next(iter(re.findall(r"v\d+(?:\.\d+)+", said)), "?")
        peers.append(("RenderCV", version, ms, mb, os.path.getsize(pdf), figures["text"]))
        typ = f"{work}/rendercv_output/Camille_Durand_CV.typ"
        if shutil.which("typst") and os.path.exists(typ):
            tms, tmb = measure(["typst", "compile", typ, f"{out}/typst.pdf"], n=max(3, N // 3), env=env)
            peers.append(("Typst (RenderCV's output)", subprocess.run(["typst", "--version"], capture_output=True, text=True).stdout.strip(), tms, tmb, os.path.getsize(f"{out}/typst.pdf"), figures["text"]))
    for name, version, ms, mb, size, ours in peers:
        print(f"{name} ({version}): {ms:.0f} ms, {mb:.0f} MB, {size / 1024:.0f} KB; cvpdf text only is {ms / ours:.0f}x faster")

    # The hand-written history of the figures is kept across runs.
    history = ""
    if os.path.exists("BENCHMARKS.md"):
        with open("BENCHMARKS.md", encoding="utf-8") as f:
            text = f.read()
        if "\n## History" in text:
            history = text[text.index("\n## History"):]
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
    with open("BENCHMARKS.md", "w", encoding="utf-8") as f:
        f.write("# Benchmarks\n\n")
        f.write(f"Whole processes, median of {N} runs back to back (a third as many for the long cases and for those one\nevery {PAUSE} s), made by `python3 tools/bench.py {N}` after `cargo build --release`, on {cpu} ({os.cpu_count()} cores, {platform.system()}).\n")
        f.write("The binary timed is a copy of target/release/cvpdf, as installing it makes one (the script says why).\n")
        f.write("Peak memory is the largest resident set of the process over the runs.\n\n")
        f.write("| case | time | per PDF | PDFs/s | pages | PDF size | peak memory |\n|---|---|---|---|---|---|---|\n")
        f.write("\n".join(rows) + "\n\n")
        f.write(f"Of the text-only render's {figures['text']:.1f} ms, {figures['start']:.1f} ms is starting and ending a process (`cvpdf --version`).\n")
        f.write(f"Ten times the content costs {figures['ten'] / figures['text']:.1f} times the time of the text-only sample.\n")
        if "phone" in figures:
            f.write(f"A 4000x5000 phone photo adds {figures['phone'] - figures['text']:.0f} ms to the text-only render ({figures['photo'] - figures['text']:.0f} ms for the sample's 1600x2000 one).\n")
        f.write("\n## Against the tools users compare us with\n\n")
        if peers:
            f.write("The same content: `bench/rendercv/camille-durand.yaml` is the English text of the three-page sample in\nRenderCV's format (made by `bench/rendercv/convert.py`; RenderCV has no photo or stars, so it is compared\nwith cvpdf's text-only render). RenderCV's icon package is replaced by an offline stand-in.\n\n")
            f.write("| tool | time | peak memory | PDF size | cvpdf (text only) is |\n|---|---|---|---|---|\n")
            for name, version, ms, mb, size, ours in peers:
                f.write(f"| {name} {version} | {ms:.0f} ms | {mb:.0f} MB | {size / 1024:.0f} KB | {ms / ours:.0f}x faster |\n")
        else:
            f.write("RenderCV is not installed here (`pip install rendercv`), so it was not measured in this run.\n")
        f.write(
            "\nReference figures (issue 9): RenderCV 2.8 about 1.0-1.2 s per 2-3 page résumé as a whole process;\n"
            "a Typst template 80-185 ms cold; LaTeX seconds to over 15 s.\n"
        )
        f.write(history)
    shutil.rmtree(out, ignore_errors=True)
    os.remove(NO_CACHE)


if __name__ == "__main__":
    main()
