#!/usr/bin/env python3
"""Save-to-reload latency of `kudos serve` on a generated corpus.

    benches/serve_latency.py KUDOS_BINARY CORPUS_DIR [--edits 20] [--edit KIND[,KIND...]]

Copies the corpus (a kudos site, e.g. from ../shared/bench/gen_corpus.py --format kudos)
to a temporary folder, starts `kudos serve` on a free loopback port, listens to the
live-reload event stream like a browser does, then edits one file at a time and measures the time from the file being written to the `reload`
event arriving. The edit is one of: `body` (a line appended to a post's body, the
common case while writing), `title` (a post's title changed: every listing of it
changes), `tags` (a post moved to other tags: the site is resolved again) or `quote` (a line appended to a shout-out: its card on the wall, its segments'
pages), `new-post` (a new post, the newest of the site: every page of the posts listing
moves along) or `template` (a paragraph added to the site's own copy of the theme's
`segment.html`, placed before the server starts: the theme changes, the content does
not, so the last resolved site is kept and rendered again, and the segment pages change). Several kinds, comma-separated, run
one after the other against one server (one initial build). Also reads kudos's per-rebuild log line ("...: N pages in M ms", "1 page" for one) for the
number of pages re-rendered and the rebuild time. Prints medians. Stdlib only.
"""
import argparse
import http.client
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_log(stream, lines):
    for raw in stream:
        lines.put((time.perf_counter(), raw.decode("utf-8", "replace").rstrip()))


def read_events(port, events):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=None)
    conn.request("GET", "/__kudos/events")
    response = conn.getresponse()
    event = None
    while True:
        line = response.fp.readline()
        if not line:
            return
        line = line.decode().rstrip("\r\n")
        if line.startswith("event:"):
            event = line.split(":", 1)[1].strip()
        elif line == "" and event:
            events.put((time.perf_counter(), event))
            event = None


def wait_for(lines, pattern, timeout):
    return wait_for_at(lines, pattern, timeout)[1]


def wait_for_at(lines, pattern, timeout):
    """The first line matching `pattern`, with the time it was read."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            at, line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if re.search(pattern, line):
            return at, line
    raise SystemExit(f"timed out waiting for {pattern!r}")


KINDS = ["body", "title", "tags", "quote", "new-post", "template"]
THEME_TEMPLATES = Path(__file__).resolve().parent.parent / "themes" / "kudos" / "templates"
TEMPLATE = "segment.html"


def edit_file(kind, site, files, i, step):
    """Makes edit number `i` of `kind`; returns the file written and its new text."""
    if kind == "new-post":
        path = site / "content" / "posts" / f"zz-bench-new-{i}.md"
        return path, (f'+++\ntitle = "A new post, number {i}"\ndate = 2026-01-{1 + i % 28:02}T10:00:00Z\n'
                      f'tags = ["performance"]\n+++\n\nWritten by the benchmark, number {i}.\n')
    if kind == "template":
        path = site / "templates" / TEMPLATE
        text = path.read_text()
        at = text.rindex("{% endblock")
        return path, text[:at] + f"<p>Benchmark edit {i}.</p>\n" + text[at:]
    path = files[(i * step) % len(files)]
    text = path.read_text()
    if kind == "tags":
        tags = '["performance"]' if 'tags = ["performance"]' not in text else '["startups"]'
        return path, re.sub(r'^tags = .*$', f'tags = {tags}', text, count=1, flags=re.M)
    if kind == "title":
        return path, re.sub(r'^title = "(.*)"$', rf'title = "\1 (edit {i})"', text, count=1, flags=re.M)
    return path, text + f"\nA benchmark edit, number {i}.\n"


def measure(kind, site, args, lines, events):
    """Saves `args.edits` files of `kind` one at a time; prints each and the medians."""
    folder = "shoutouts" if kind == "quote" else "posts"
    files = sorted((site / "content" / folder).glob("*.md"))
    latencies, rebuilds, pages, after_log = [], [], [], []
    step = max(1, len(files) // args.edits)
    for i in range(args.edits):
        path, edited = edit_file(kind, site, files, i, step)
        while not lines.empty():
            lines.get_nowait()
        while not events.empty():
            events.get_nowait()
        path.write_text(edited)
        written = time.perf_counter()
        while True:
            at, event = events.get(timeout=60)
            if event == "reload":
                break
        latencies.append((at - written) * 1000)
        logged, line = wait_for_at(lines, r"changed: [\d,]+ pages? in \d+ ms", 60)
        after_log.append((at - logged) * 1000)
        match = re.search(r"changed: ([\d,]+) pages? in (\d+) ms", line)
        pages.append(int(match.group(1).replace(",", "")))
        rebuilds.append(int(match.group(2)))
        stages = ""
        if args.stages:
            stages = " [" + wait_for(lines, r"stages:", 30).split("stages:", 1)[1].strip() + "]"
        print(f"  edit {i:2}: {path.name}: reload after {latencies[-1]:.0f} ms; {line}{stages}")
        time.sleep(0.3)
    print(f"edits: {args.edits} saves ({kind}), {len(files)} {folder} in the corpus")
    print(f"save -> reload event: median {statistics.median(latencies):.0f} ms "
          f"(min {min(latencies):.0f}, max {max(latencies):.0f})")
    print(f"rebuild (kudos's own log): median {statistics.median(rebuilds):.0f} ms "
          f"(min {min(rebuilds)}, max {max(rebuilds)})")
    print(f"log line -> reload event (the preview bar, publishing): median "
          f"{statistics.median(after_log):.0f} ms (min {min(after_log):.0f}, max {max(after_log):.0f})")
    print(f"pages re-rendered per edit: median {statistics.median(pages):.0f} "
          f"(min {min(pages)}, max {max(pages)})")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("kudos")
    parser.add_argument("corpus")
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--edit", default="body",
                        help="body, title, tags, quote, new-post or template; comma-separated for several")
    parser.add_argument("--stages", action="store_true", help="print kudos's per-stage times")
    args = parser.parse_args()

    kinds = args.edit.split(",")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise SystemExit(f"unknown --edit {unknown}; one of {', '.join(KINDS)}")
    work = Path(tempfile.mkdtemp(prefix="kudos-serve-bench-"))
    site = work / "site"
    shutil.copytree(args.corpus, site, ignore=shutil.ignore_patterns("public", ".kudos-cache"))
    if "template" in kinds:
        (site / "templates").mkdir(exist_ok=True)
        shutil.copy(THEME_TEMPLATES / TEMPLATE, site / "templates" / TEMPLATE)
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [args.kudos, *(["-v"] if args.stages else []), "--root", str(site), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    lines = queue.Queue()
    threading.Thread(target=read_log, args=(server.stderr, lines), daemon=True).start()
    try:
        first = wait_for(lines, r"^Built .* pages in", 600)
        wait_for(lines, r"^Serving ", 60)
        print(f"initial in-memory build: {first} (process up after {time.perf_counter() - started:.1f} s)")
        events = queue.Queue()
        threading.Thread(target=read_events, args=(port, events), daemon=True).start()
        time.sleep(1.0)
        for kind in kinds:
            measure(kind, site, args, lines, events)
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
