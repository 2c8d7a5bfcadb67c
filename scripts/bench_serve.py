#!/usr/bin/env python3
"""Live preview: the time from saving a one-page edit to that page being served
with the new text, for `belong serve` and `hugo server`, in one run.

For each tool, one server at a time (the build machine has 2 cores: two servers
side by side would take CPU from each other), it:

1. starts the server on a free port and waits until the home page answers;
2. picks `--edits` case studies, every Nth by file name (the same pages for
   both tools: both corpora come from one generator and seed);
3. body edits: for each page, fetches it (warm, like an open browser tab),
   writes the Markdown file in place with a unique word added to its first
   paragraph, and polls the page's URL until the response holds that word; the
   time is from just before the write to the first response holding it;
4. title edits (front matter): the same with a word added to `title:`, on
   other pages, polling the page and the page of its section's list that
   links to it (both fetched first), each timed on its own. The section's
   first list page is fetched before each, as an author reaching page N of a
   list would have: Hugo's fast render leaves `/case-studies/page/N/` stale
   after such an edit unless `/case-studies/` is among the URLs it saw last;
5. between edits, waits until the server says it has finished (belong: its
   `search index made again` line; Hugo: its `Total in` line), then a pause,
   and at least `--gap` seconds from the write, so no edit queues behind the
   last one's work.

Prints a Markdown table with machine facts and writes it, with every figure,
to `--out`/results.{md,json}. It reports targets and never asserts them.

Python standard library only. `scripts/bench-serve` builds belong, installs
Hugo, generates both corpora and runs this; run it by hand as:

  scripts/bench_serve.py --belong target/release/belong --hugo HUGO \\
      --hub BELONG_CORPUS --hugo-site HUGO_SITE [--edits 20]
"""
import argparse
import datetime
import http.client
import json
import os
import platform
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

SECTION = "case-studies"
PAGE_SIZE = 20  # paginate = 20 in site.toml, pagerSize = 20 in bench/hugo/hugo.toml


def log(message):
    print(message, file=sys.stderr, flush=True)


def load():
    """The 1-minute load average: other work on the machine shows here."""
    try:
        return float(open("/proc/loadavg").read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A preview server in its own process group, its output (stdout and
    stderr together) read line by line into `lines` and a log file."""

    def __init__(self, name, command, cwd, log_path, pid_file):
        self.name = name
        self.command = command
        self.lines = []  # (perf_counter, text)
        self.changed = threading.Condition()
        self.log = open(log_path, "w", encoding="utf-8")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        self.pid_file = pid_file
        with open(pid_file, "a") as f:
            f.write(f"{self.process.pid}\n")
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for raw in self.process.stdout:
            text = raw.decode("utf-8", "replace").rstrip("\n")
            now = time.perf_counter()
            self.log.write(f"{now - self.started:10.3f} {text}\n")
            self.log.flush()
            with self.changed:
                self.lines.append((now, text))
                self.changed.notify_all()
        with self.changed:
            self.changed.notify_all()

    def mark(self):
        with self.changed:
            return len(self.lines)

    def wait_for(self, pattern, since=0, timeout=120.0):
        """The first line at or after index `since` matching `pattern` (a
        match object), or None after `timeout` seconds or when the server stops."""
        regex = re.compile(pattern)
        deadline = time.perf_counter() + timeout
        checked = since
        with self.changed:
            while True:
                for _, text in self.lines[checked:]:
                    found = regex.search(text)
                    if found:
                        return found
                checked = len(self.lines)
                left = deadline - time.perf_counter()
                if left <= 0 or self.process.poll() is not None:
                    return None
                self.changed.wait(min(left, 0.5))

    def text_since(self, since):
        with self.changed:
            return [text for _, text in self.lines[since:]]

    def stop(self):
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait()
        self.log.close()
        try:
            pids = [p for p in Path(self.pid_file).read_text().split() if p != str(self.process.pid)]
            Path(self.pid_file).write_text("".join(f"{p}\n" for p in pids))
        except OSError:
            pass


class Client:
    """GETs, each on a new connection, as a page's first request would be.

    Not keep-alive: on one kept-alive connection, every response from
    `belong serve` after the first takes ~44 ms (most likely its server
    writing a response's head and body separately without TCP_NODELAY while
    the client delays its ACK). That would be most of what is measured; a new
    connection to 127.0.0.1 costs under 1 ms."""

    def __init__(self, port):
        self.port = port

    def get(self, path):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers={
                "Cache-Control": "no-cache", "Pragma": "no-cache", "Accept-Encoding": "identity",
                "Connection": "close"})
            response = connection.getresponse()
            return response.status, response.read()
        except (OSError, http.client.HTTPException):
            return None, b""
        finally:
            connection.close()

    def close(self):
        pass


# ---------------------------------------------------------------------------
# The pages and the edits


def front_matter(text):
    """(title, date) from a page's YAML front matter, as the generator writes it."""
    title = re.search(r'^title: (".*")$', text, re.M)
    date = re.search(r"^date: (\S+)$", text, re.M)
    return json.loads(title.group(1)), date.group(1)


def section_order(root):
    """The section's pages as every list shows them: newest first, then by
    title, then by file (belong's order; Hugo's default is date, title, file)."""
    pages = []
    for path in sorted((root / "content" / SECTION).glob("*.md")):
        if path.name == "_index.md":
            continue
        title, date = front_matter(path.read_text(encoding="utf-8"))
        pages.append((date, title, path.name))
    pages.sort(key=lambda page: (page[1], page[2]))
    pages.sort(key=lambda page: page[0], reverse=True)
    return [name for _, _, name in pages]


def pick_pages(root, count):
    """`count` case studies for body edits and `count` others for title
    edits, every Nth file name, so the same for every run and both tools."""
    names = sorted(p.name for p in (root / "content" / SECTION).glob("*.md") if p.name != "_index.md")
    step = max(1, len(names) // count)
    body = [names[(i * step) % len(names)] for i in range(count)]
    title = [names[(i * step + step // 2) % len(names)] for i in range(count)]
    return body, title


def page_url(name):
    return f"/{SECTION}/{name[:-3]}/"


def list_url(number):
    return f"/{SECTION}/" if number == 1 else f"/{SECTION}/page/{number}/"


def add_to_body(text, word):
    """The page with ` Edited <word>.` at the end of its first paragraph."""
    start = text.index("\n---\n", 3) + len("\n---\n")
    while text.startswith("\n", start):
        start += 1
    end = text.find("\n\n", start)
    if end < 0:
        end = len(text.rstrip("\n"))
    return text[:end] + f" Edited {word}." + text[end:]


def add_to_title(text, word):
    match = re.search(r'^title: (".*")$', text, re.M)
    title = json.loads(match.group(1)) + f" {word}"
    return text[:match.start(1)] + json.dumps(title, ensure_ascii=False) + text[match.end(1):]


def write_in_place(path, text):
    """Saves as an editor that writes in place does: truncate, write, close.
    Returns the perf_counter time just before the write."""
    data = text.encode("utf-8")
    started = time.perf_counter()
    with open(path, "wb") as f:
        f.write(data)
    return started


# ---------------------------------------------------------------------------
# One tool


class Tool:
    def __init__(self, name, command, root, ready, done, rebuild_lines):
        self.name = name
        self.command = command
        self.root = root
        self.ready = ready  # pattern of the line said once it serves
        self.done = done  # pattern of the line said when an edit's work is over
        self.rebuild_lines = rebuild_lines  # {label: pattern capturing one number}


def run_tool(tool, args, port, body_pages, title_pages, out_dir):
    result = {"tool": tool.name, "command": tool.command, "body": [], "title": [], "startup_s": None}
    server = Server(tool.name, tool.command, tool.root, out_dir / f"{tool.name}-serve.log", args.pid_file)
    client = Client(port)
    try:
        if not server.wait_for(tool.ready, 0, timeout=600):
            raise RuntimeError(f"{tool.name} did not start: see {out_dir / (tool.name + '-serve.log')}")
        deadline = time.perf_counter() + 120
        while client.get("/")[0] != 200:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{tool.name}: the home page never answered 200")
            time.sleep(0.05)
        result["startup_s"] = time.perf_counter() - server.started
        result["startup_lines"] = server.text_since(0)[-40:]
        log(f"{tool.name}: serving after {result['startup_s']:.1f} s")

        order = section_order(tool.root)
        position = {name: i for i, name in enumerate(order)}

        def find_list_page(name):
            """The page of the section's list that links to `name`: the one its
            place in the order says, or a neighbour (ties sort alike, nearly)."""
            guess = position[name] // PAGE_SIZE + 1
            needle = f'href="{page_url(name)}"'.encode()
            for number in (guess, guess - 1, guess + 1, guess - 2, guess + 2):
                if number >= 1:
                    status, body = client.get(list_url(number))
                    if status == 200 and needle in body:
                        return list_url(number)
            return None

        def settle(mark, written):
            """Waits for the server to finish the edit's work, then the pause."""
            finished = server.wait_for(tool.done, mark, timeout=args.timeout)
            time.sleep(args.pause)
            left = args.gap - (time.perf_counter() - written)
            if left > 0:
                time.sleep(left)
            lines = server.text_since(mark)
            reported = {}
            for label, pattern in tool.rebuild_lines.items():
                numbers = [float(m.group(1)) for m in (re.search(pattern, line) for line in lines) if m]
                if numbers:
                    reported[label] = numbers
            return finished is not None, lines, reported

        for kind, pages in (("body", body_pages), ("title", title_pages)):
            result[f"load_before_{kind}"] = load()
            for i, name in enumerate(pages):
                path = tool.root / "content" / SECTION / name
                url = page_url(name)
                status, before = client.get(url)
                if status != 200:
                    raise RuntimeError(f"{tool.name}: {url} answered {status}; is that the page's address?")
                original = path.read_text(encoding="utf-8")
                title, _ = front_matter(original)
                # The page served is this file's: it shows the start of its title
                # (up to any character HTML might escape).
                start = re.match(r"[\w ,.-]*", title).group(0).strip()
                if start.encode() not in before:
                    raise RuntimeError(f"{tool.name}: {url} does not show its title {title!r}")
                word = f"benchedit{tool.name[0]}{kind[0]}{i:02d}{secrets.token_hex(4)}"
                listed = None
                if kind == "title":
                    # The list as an author reaches page N of it: from its first
                    # page. Hugo's fast render updates a list's later pages
                    # only while its first is among the last few URLs visited;
                    # without this, /case-studies/page/N/ stays stale.
                    client.get(list_url(1))
                    listed = find_list_page(name)
                edited = add_to_body(original, word) if kind == "body" else add_to_title(original, word)
                needle = word.encode()
                mark = server.mark()
                client.get(url)  # warm: the open tab
                written = write_in_place(path, edited)
                page_ms = list_ms = None
                deadline = written + args.timeout
                while (page_ms is None or (listed and list_ms is None)) and time.perf_counter() < deadline:
                    if page_ms is None:
                        status, body = client.get(url)
                        if needle in body:
                            page_ms = (time.perf_counter() - written) * 1000
                    if listed and list_ms is None:
                        status, body = client.get(listed)
                        if needle in body:
                            list_ms = (time.perf_counter() - written) * 1000
                    time.sleep(args.interval)
                finished, lines, reported = settle(mark, written)
                entry = {"page": url, "ms": page_ms, "server_said": reported, "finished": finished}
                if kind == "title":
                    entry.update({"list": listed, "list_ms": list_ms})
                result[kind].append(entry)
                shown = "never" if page_ms is None else f"{page_ms:.0f} ms"
                extra = ""
                if kind == "title":
                    extra = f", list {listed or 'not found'}: " + ("never" if list_ms is None else f"{list_ms:.0f} ms")
                said = "; ".join(f"{k} {', '.join(f'{v:.0f}' for v in vs)}" for k, vs in reported.items())
                log(f"{tool.name} {kind} edit {i + 1}/{len(pages)} {name}: {shown}{extra}  [{said}]")
                if not finished:
                    log(f"  {tool.name} did not say it had finished within {args.timeout:.0f} s; its lines: {lines[-5:]}")
        result["load_after"] = load()
        result["serving_mode"] = [t for t in server.text_since(0) if re.search(r"Serving pages from|Fast Render|serving http", t)]
    finally:
        client.close()
        server.stop()
    return result


# ---------------------------------------------------------------------------
# Report


def summary(values):
    got = [v for v in values if v is not None]
    if not got:
        return None
    return {"median": statistics.median(got), "min": min(got), "max": max(got), "n": len(got), "missed": len(values) - len(got)}


def fmt(value):
    if value is None:
        return "–"
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def machine_facts(args):
    def run(command, cwd=None):
        try:
            return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=60).stdout.strip()
        except OSError:
            return ""
    repo = Path(__file__).resolve().parent.parent
    commit = run(["git", "rev-parse", "--short", "HEAD"], repo)
    if run(["git", "status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock", "themes"], repo):
        commit += " (with uncommitted changes)"
    hugo = "not run"
    if args.hugo:
        hugo = next((line for line in run([args.hugo, "version"]).splitlines() if line.startswith("hugo v")), "?")
    cpu = ""
    try:
        cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        "date": datetime.date.today().isoformat(),
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "system": f"{platform.system()} {platform.release()}",
        "belong": commit,
        "hugo": hugo,
        "python": platform.python_version(),
    }


def report(results, facts, args):
    rows = []
    medians = {}

    def row(tool, kind, values, said):
        s = summary(values)
        medians[(tool, kind)] = s["median"] if s else None
        spread = f"{fmt(s['min'])}–{fmt(s['max'])}" if s else "–"
        n = f"{s['n']}" + (f" ({s['missed']} never shown)" if s and s["missed"] else "") if s else f"0 of {len(values)}"
        rows.append(f"| {tool} | {kind} | {fmt(s['median']) if s else '–'} | {spread} | {n} | {said} |")

    def said(entries, labels):
        parts = []
        for label in labels:
            values = [sum(e["server_said"][label]) for e in entries if label in e["server_said"]]
            if values:
                parts.append(f"{label} {fmt(statistics.median(values))}")
        return "; ".join(parts) or "–"

    for r in results:
        labels = list(r["labels"])
        row(r["tool"], "body edit: page", [e["ms"] for e in r["body"]], said(r["body"], labels))
        row(r["tool"], "title edit: page", [e["ms"] for e in r["title"]], said(r["title"], labels))
        row(r["tool"], "title edit: section list page", [e.get("list_ms") for e in r["title"]], "same edits")

    lines = [
        f"Live preview at {args.pages:,} pages: save to served page, {args.edits} edits of each kind per tool.",
        "",
        "| tool | edit | median ms | min–max ms | n | the server's own figures (medians) |",
        "|---|---|---:|---:|---:|---|",
        *rows,
        "",
    ]
    ratios = []
    for kind in ("body edit: page", "title edit: page", "title edit: section list page"):
        a, b = medians.get(("belong", kind)), medians.get(("hugo", kind))
        if a is not None and b:
            ratios.append(f"| {kind} | {a / b:.3f} |")
    if ratios:
        lines += ["| belong / Hugo, medians | ratio |", "|---|---:|", *ratios, ""]
    # The targets: a body edit under 50 ms, a front-matter (title) edit
    # reaching its section's list page in 100 ms or less; both at most a
    # tenth of Hugo's.
    for kind, limit in (("body edit: page", 50), ("title edit: section list page", 100)):
        mine, hugo = medians.get(("belong", kind)), medians.get(("hugo", kind))
        if mine is None:
            continue
        verdict = f"belong's {kind} median is {fmt(mine)} ms: target {limit} ms or less {'met' if mine <= limit else 'NOT met'}"
        if hugo:
            verdict += f"; {mine / hugo:.3f} of Hugo's: target 0.1 or less {'met' if mine <= hugo / 10 else 'NOT met'}"
        lines += [verdict + ".", ""]
    commands = {r["tool"]: " ".join(r["display_command"]) for r in results}
    modes = {r["tool"]: "; ".join(r.get("serving_mode", [])) for r in results}
    lines += [
        f"Machine: {facts['nproc']} cores ({facts['cpu'] or 'unknown CPU'}), {facts['system']}, {facts['date']}.",
        f"belong {facts['belong']}: `{commands.get('belong', '')}`.",
        f"Hugo: {facts['hugo']}: `{commands.get('hugo', '')}` (its defaults otherwise; it said: {modes.get('hugo', '?')}).",
        "Load average (1 min) before body edits, before title edits, at the end: "
        + "; ".join(f"{r['tool']} {r.get('load_before_body')}, {r.get('load_before_title')}, {r.get('load_after')}" for r in results) + ".",
        f"One server at a time, belong first, then Hugo. Each edit: the page fetched first, the file written in place, "
        f"then polled every {args.interval * 1000:.0f} ms, a new connection each time; time from just before the write "
        f"to the first response with the new word. Title edits: the section's first list page, the list page "
        f"that links to the page, and the page are fetched before the write (Hugo's fast render updates a list's later pages "
        f"only while its first is among the URLs last visited), then the page and that list page are polled in turn. Between edits: until the server said it had finished "
        f"(belong: `search index made again`; Hugo: `Total in`), then {args.pause:g} s, and at least {args.gap:g} s from the write.",
    ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--belong", required=True, help="the belong binary (a release build)")
    parser.add_argument("--hugo", help="the hugo command; without it, belong only")
    parser.add_argument("--hub", required=True, type=Path, help="belong's corpus (gen_corpus.py --flavour belong)")
    parser.add_argument("--hugo-site", type=Path, help="Hugo's site: the hugo flavour plus bench/hugo/")
    parser.add_argument("--pages", type=int, default=0, help="the corpus size, for the report")
    parser.add_argument("--edits", type=int, default=20, help="edits of each kind per tool (default 20)")
    parser.add_argument("--interval", type=float, default=0.003, help="seconds between polls (default 0.003)")
    parser.add_argument("--pause", type=float, default=1.5, help="seconds after a server has finished an edit (default 1.5)")
    parser.add_argument("--gap", type=float, default=2.0, help="at least this many seconds from one write to the next (default 2)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for an edit to show (default 60)")
    parser.add_argument("--out", type=Path, default=Path("target/bench-serve"), help="where results and server logs go")
    parser.add_argument("--pid-file", help="server process ids are listed here while they run (for a wrapper's cleanup)")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    args.pid_file = args.pid_file or str(args.out / "servers.pid")
    Path(args.pid_file).write_text("")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if not args.pages:
        args.pages = sum(1 for _ in (args.hub / "content").rglob("*.md") if _.name != "_index.md")

    body_pages, title_pages = pick_pages(args.hub, args.edits)
    tools = []
    port = free_port()
    belong_command = [str(Path(args.belong).resolve()), "serve", "--root", str(args.hub.resolve()), "--port", str(port)]
    tools.append((Tool("belong", belong_command, args.hub.resolve(), r"^serving http", r"search index made again|did not build",
                       {"rebuild ms": r"re-rendered, \d+ changed, in (\d+) ms", "bodies re-rendered": r"changed: (\d+) bod(?:y|ies) and",
                        "files re-rendered": r"and (\d+) files? re-rendered",
                        "search index ms": r"search index made again in (\d+) ms"}),
                  ["belong", "serve", "--root", "HUB", "--port", "PORT"], port))
    if args.hugo and args.hugo_site:
        port = free_port()
        # hugo server's defaults: fast render, live reload, its own choice of
        # memory or disk. Only where to find the site and which port.
        hugo_command = [args.hugo, "server", "--source", str(args.hugo_site.resolve()), "--port", str(port), "--bind", "127.0.0.1"]
        tools.append((Tool("hugo", hugo_command, args.hugo_site.resolve(), r"Web Server is available", r"Total in \d+ ms",
                           {"Total in ms": r"Total in (\d+) ms"}),
                      ["hugo", "server", "--source", "SITE", "--port", "PORT", "--bind", "127.0.0.1"], port))

    facts = machine_facts(args)
    results = []
    for tool, display, port in tools:
        # Hugo's corpus has the same file names (one generator, one seed).
        for name in body_pages + title_pages:
            if not (tool.root / "content" / SECTION / name).exists():
                sys.exit(f"{tool.name}: {SECTION}/{name} is missing: were both corpora made with the same --pages?")
        log(f"starting {tool.name} on port {port}…")
        result = run_tool(tool, args, port, body_pages, title_pages, args.out)
        result["display_command"] = display
        result["labels"] = list(tool.rebuild_lines)
        results.append(result)

    text = report(results, facts, args)
    (args.out / "results.md").write_text(text + "\n")
    (args.out / "results.json").write_text(json.dumps({"facts": facts, "pages": args.pages, "edits": args.edits,
                                                        "interval": args.interval, "pause": args.pause, "gap": args.gap,
                                                        "results": results}, indent=2))
    print(text)


if __name__ == "__main__":
    main()
