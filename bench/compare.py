#!/usr/bin/env python3
"""Clean builds of the same hub by belong and Hugo (and Zola, where a `zola`
binary and bench/zola/ exist), timed alternately in one run.

For each place (`shm`: /dev/shm, a tmpfs that compares the tools; `disk`: the
repository's target/ folder, what a user sees) and each size, it generates the
corpus in each tool's flavour with ../shared/bench/gen_corpus.py (the same
pages and seed), adds Hugo's config and layouts from bench/hugo/, and then
`--runs` times builds each tool once, in alternating order, removing every
output folder before each build. Each build's wall time is measured around
the process, its peak memory from the kernel's rusage of that process
(os.wait4), and its output's files and bytes are counted.

Prints one Markdown table (pages, place, tool, wall median and min-max, peak
memory, output files and bytes, ratio of the median to Hugo's) with machine
facts, and writes it and every figure to --out/results.{md,json}. It reports
targets; it never asserts them.

Python standard library only. bench/compare.sh builds belong, installs Hugo
and runs this; by hand:

  bench/compare.py --belong target/release/belong --hugo HUGO [--sizes 1000,10000] [--runs 5]
"""
import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BASE_URL = "https://example.org/"


def log(message):
    print(message, file=sys.stderr, flush=True)


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--belong", required=True)
    parser.add_argument("--hugo", required=True)
    parser.add_argument("--zola", default=shutil.which("zola"))
    parser.add_argument("--sizes", default="1000,10000", help="pages, comma-separated (100000 takes an hour)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--where", default="shm,disk", help="shm (tmpfs), disk, or both")
    parser.add_argument("--corpus", default=os.environ.get("BELONG_CORPUS_SCRIPT", str(REPO.parent / "shared/bench/gen_corpus.py")))
    parser.add_argument("--out", default=str(REPO / "target/bench-compare"))
    return parser.parse_args()


def place_dir(where, out):
    if where == "shm":
        if not os.access("/dev/shm", os.W_OK):
            return None
        return Path("/dev/shm/belong-compare")
    return Path(out) / "work"


def generate(corpus, pages, flavour, site):
    """The corpus of `pages` in `flavour` at `site`, made again unless it is there."""
    marker = site / ".made"
    if not (marker.exists() and marker.read_text() == f"{pages} {flavour}"):
        shutil.rmtree(site, ignore_errors=True)
        log(f"generating {pages} pages ({flavour}) in {site}")
        subprocess.run([sys.executable, corpus, "--pages", str(pages), "--out", str(site), "--flavour", flavour],
                       check=True, stdout=subprocess.DEVNULL)
        marker.write_text(f"{pages} {flavour}")
    # The other tools' config and templates, copied afresh: a kept corpus
    # must not keep old templates.
    if flavour in ("hugo", "zola"):
        shutil.rmtree(site / "layouts", ignore_errors=True)
        shutil.rmtree(site / "templates", ignore_errors=True)
        shutil.copytree(REPO / "bench" / flavour, site, dirs_exist_ok=True)


def commands(args, site, output):
    return {
        "belong": [args.belong, "build", "--root", str(site["belong"]), "--output", str(output), "--base-url", BASE_URL],
        "hugo": [args.hugo, "--source", str(site["hugo"]), "--destination", str(output), "--quiet"],
        "zola": [args.zola or "zola", "--root", str(site.get("zola", "")), "build", "--output-dir", str(output), "--force"],
    }


def timed(command):
    """Runs `command`; its wall seconds, peak memory in bytes, exit status and stderr."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    stderr = process.stderr.read().decode("utf-8", "replace")
    process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is in kilobytes on Linux.
    return wall, usage.ru_maxrss * 1024, process.returncode, stderr


def size_of(folder):
    files = 0
    total = 0
    for directory, _, names in os.walk(folder):
        for name in names:
            files += 1
            total += os.path.getsize(os.path.join(directory, name))
    return files, total


def measure(args, tools, site, work, runs):
    results = {tool: {"wall": [], "memory": []} for tool in tools}
    outputs = {tool: work / f"out-{tool}" for tool in tools}
    for run in range(runs):
        # Alternate which tool goes first, so neither always meets a warm or a busy machine.
        order = tools if run % 2 == 0 else list(reversed(tools))
        for tool in order:
            shutil.rmtree(outputs[tool], ignore_errors=True)
            wall, memory, code, stderr = timed(commands(args, site, outputs[tool])[tool])
            if code != 0:
                raise SystemExit(f"{tool} failed (exit {code}):\n{stderr[-3000:]}")
            results[tool]["wall"].append(wall)
            results[tool]["memory"].append(memory)
            log(f"  run {run + 1}/{runs} {tool}: {wall:.2f} s, {memory / 2**20:.0f} MiB")
    for tool in tools:
        results[tool]["files"], results[tool]["bytes"] = size_of(outputs[tool])
        shutil.rmtree(outputs[tool], ignore_errors=True)
    return results


def version(command):
    try:
        return subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "unknown"


def table(rows, facts):
    lines = [
        "| pages | place | tool | wall median | min-max | peak memory (median) | output files | output bytes | wall vs Hugo |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['pages']:,} | {row['place']} | {row['tool']} | {row['median']:.2f} s | "
            f"{row['min']:.2f}-{row['max']:.2f} s | {row['memory'] / 2**20:,.0f} MiB | {row['files']:,} | "
            f"{row['bytes'] / 2**20:,.1f} MiB | {row['ratio']:.2f}x |"
        )
    return "\n".join(facts + [""] + lines) + "\n"


def main():
    args = arguments()
    tools = ["belong", "hugo"]
    if args.zola and (REPO / "bench/zola").is_dir():
        tools.append("zola")
    elif args.zola:
        log("zola is on PATH but bench/zola/ (its config and templates) is not in the repository: Zola is left out")
    rows = []
    for where in args.where.split(","):
        base = place_dir(where, args.out)
        if base is None:
            log(f"{where}: not writable here, skipped")
            continue
        for pages in (int(size) for size in args.sizes.split(",")):
            work = base / str(pages)
            work.mkdir(parents=True, exist_ok=True)
            site = {tool: work / f"site-{tool}" for tool in tools}
            for tool in tools:
                generate(args.corpus, pages, tool, site[tool])
            log(f"{pages} pages on {where}: {args.runs} runs, alternating {', '.join(tools)}")
            results = measure(args, tools, site, work, args.runs)
            hugo = statistics.median(results["hugo"]["wall"])
            for tool in tools:
                walls = results[tool]["wall"]
                rows.append({
                    "pages": pages, "place": where, "tool": tool,
                    "median": statistics.median(walls), "min": min(walls), "max": max(walls),
                    "memory": statistics.median(results[tool]["memory"]),
                    "files": results[tool]["files"], "bytes": results[tool]["bytes"],
                    "ratio": statistics.median(walls) / hugo, "walls": walls, "memories": results[tool]["memory"],
                })
    facts = [
        f"Run {datetime.date.today()} on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        f"belong: {version([args.belong, '--version'])}; Hugo: {version([args.hugo, 'version'])}.",
        f"{args.runs} clean builds a tool, alternating; every output folder removed before each build.",
    ]
    save(args.out, table(rows, facts), {"facts": facts, "rows": rows})


def save(folder, text, figures):
    """Prints the table and keeps it, with every figure, in `folder`."""
    print(text)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.md").write_text(text)
    (out / "results.json").write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
