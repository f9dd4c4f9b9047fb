#!/usr/bin/env python3
"""Helper for benches/compare.sh (stdlib only, Python 3.8+).

    bench_tool.py check --format kudos|hugo|zola --corpus DIR --out DIR
        Verify that a built site contains everything the corpus asks for, so
        no generator "wins" by doing less work.  Prints page counts; exits 1
        (listing every problem) if something is missing.

    bench_tool.py summarize RESULTS.tsv
        Markdown table of medians (wall, CPU, peak RSS) for every tool in it
        (kudos, kudos_nocards, hugo, zola) and the ratios of each kudos variant
        to Hugo and to Zola, followed by every individual run.

The expectations are read from the generated corpus itself (front matter of
content/posts, content/shoutouts, content/segments), not hard-coded, so the
check works for any --posts/--shoutouts/--segments.
"""
import argparse
import json
import os
import re
import statistics
import sys

# --------------------------------------------------------------------------
# corpus model
# --------------------------------------------------------------------------
FM_LIST = re.compile(r"^(tags|segments|labels) = (\[.*\])$", re.M)


def front_matter(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not text.startswith("+++\n"):
        raise SystemExit("%s: expected TOML front matter (+++)" % path)
    end = text.index("\n+++\n", 4)
    fm, body = text[4:end], text[end + 5:]
    # gen_corpus.py writes lists as JSON-compatible TOML arrays
    lists = {k: json.loads(v) for k, v in FM_LIST.findall(fm)}
    return lists, body


def load_corpus(corpus):
    c = os.path.join(corpus, "content")
    model = {"posts": {}, "shoutouts": {}, "segments": []}
    for name in sorted(os.listdir(os.path.join(c, "posts"))):
        if not name.endswith(".md") or name.startswith("_"):
            continue
        lists, body = front_matter(os.path.join(c, "posts", name))
        fences = sum(1 for line in body.splitlines() if line.startswith("```"))
        if fences % 2:
            raise SystemExit("%s: odd number of ``` fences" % name)
        model["posts"][name[:-3]] = {
            "tags": lists.get("tags", []),
            "segments": lists.get("segments", []),
            "code_blocks": fences // 2,
        }
    for name in sorted(os.listdir(os.path.join(c, "shoutouts"))):
        if not name.endswith(".md") or name.startswith("_"):
            continue
        lists, _ = front_matter(os.path.join(c, "shoutouts", name))
        model["shoutouts"][name[:-3]] = {"segments": lists.get("segments", [])}
    for name in sorted(os.listdir(os.path.join(c, "segments"))):
        if name.endswith(".md") and not name.startswith("_"):
            model["segments"].append(name[:-3])
    return model


# --------------------------------------------------------------------------
# output layout of each generator
# --------------------------------------------------------------------------
LAYOUT = {
    "kudos": {
        "segment": "for/{}/index.html",
        "segment_index": None,              # kudos has no /for/ index page
        "feed": "atom.xml",
        "feed_item": "<entry",
        "post_lists": ["posts/index.html", "posts/page"],  # /posts/ + /posts/page/N/
        "highlight_marker": 'class="z-',    # syntect classed spans
        # A segment page shows its newest shout-outs and posts, cut at shoutout_limit and
        # post_limit (docs/content.md, "Segments"); every shout-out of the segment is on its
        # wall filter (paginated), and the posts beyond the limit are on /posts/.
        "segment_shoutouts": "shoutouts/for/{}",
        "segment_posts_cut": True,
    },
    "hugo": {
        "segment": "segments/{}/index.html",
        "segment_index": "segments/index.html",
        "feed": "index.xml",
        "feed_item": "<item>",
        "post_lists": ["index.html", "page"],               # / + /page/N/
        "highlight_marker": '<span style="color:',  # Chroma, noClasses = true
        "segment_shoutouts": None,          # the segment page lists every one
        "segment_posts_cut": False,
    },
    # gen_corpus.py --format zola-tax (or zola): same site shape as Hugo's
    "zola": {
        "segment": "segments/{}/index.html",
        "segment_index": "segments/index.html",
        "feed": "posts/rss.xml",            # the posts section's feed (generate_feeds there)
        "feed_item": "<item>",
        "post_lists": ["index.html", "page"],               # / + /page/N/
        "highlight_marker": '<span style="color:',  # giallo, style = "inline"
        "segment_shoutouts": None,
        "segment_posts_cut": False,
    },
}

POST_LINK = re.compile(r'href="[^"]*?/posts/(p\d{5}-[^/"#?]*)/?(?:index\.html)?["#?]')
SHOUT_LINK = re.compile(r'href="[^"]*?/shoutouts/(s\d{5}-[^/"#?]*)/?(?:index\.html)?["#?]')
PRE_BLOCK = re.compile(r"<pre\b.*?</pre>", re.S)


def read(path):
    with open(path, encoding="utf-8", errors="replace") as f:
        return f.read()


def pages_under(out, rel):
    """rel is a file (index.html) or a pagination folder (page/N/index.html)."""
    p = os.path.join(out, rel)
    if os.path.isfile(p):
        return [p]
    found = []
    if os.path.isdir(p):
        for n in os.listdir(p):
            f = os.path.join(p, n, "index.html")
            if os.path.isfile(f):
                found.append(f)
    return found


def links(paths, rx):
    s = set()
    for p in paths:
        s.update(rx.findall(read(p)))
    return s


def check(fmt, corpus, out):
    lay = LAYOUT[fmt]
    m = load_corpus(corpus)
    errors = []

    def need(cond, msg):
        if not cond:
            errors.append(msg)

    def missing(what, expected, got, limit=5):
        miss = sorted(set(expected) - set(got))
        if miss:
            errors.append("%s: %d missing, e.g. %s" % (what, len(miss), ", ".join(miss[:limit])))

    # every HTML file, by top-level folder
    html = []
    pngs = 0
    for root, _, files in os.walk(out):
        for n in files:
            if n.endswith(".html"):
                html.append(os.path.relpath(os.path.join(root, n), out))
            elif n.endswith(".png"):
                pngs += 1                   # kudos's share cards; the corpus has no images
    by_top = {}
    for h in html:
        top = h.split(os.sep)[0] if os.sep in h else "(top level)"
        by_top[top] = by_top.get(top, 0) + 1

    # posts: page exists, every fenced block highlighted, table rendered
    posts_ok = blocks_total = blocks_hl = 0
    for slug, p in m["posts"].items():
        f = os.path.join(out, "posts", slug, "index.html")
        if not os.path.isfile(f):
            errors.append("post page missing: posts/%s/index.html" % slug)
            continue
        text = read(f)
        blocks = PRE_BLOCK.findall(text)
        hl = sum(1 for b in blocks if lay["highlight_marker"] in b)
        blocks_total += p["code_blocks"]
        blocks_hl += hl
        if hl < p["code_blocks"]:
            errors.append("posts/%s: %d code blocks in source, %d highlighted in output"
                          % (slug, p["code_blocks"], hl))
        elif "<table" not in text:
            errors.append("posts/%s: markdown table not rendered" % slug)
        else:
            posts_ok += 1

    # post listings (home/posts pagination) reach every post
    list_pages = []
    for rel in lay["post_lists"]:
        list_pages += pages_under(out, rel)
    missing("posts reachable from the paginated post list", m["posts"], links(list_pages, POST_LINK))

    # shout-out pages and the wall
    for slug in m["shoutouts"]:
        need(os.path.isfile(os.path.join(out, "shoutouts", slug, "index.html")),
             "shout-out page missing: shoutouts/%s/index.html" % slug)
    wall = pages_under(out, "shoutouts/index.html") + pages_under(out, "shoutouts/page")
    need(wall, "the wall (shoutouts/index.html) is missing")
    missing("shout-outs on the wall", m["shoutouts"], links(wall, SHOUT_LINK))

    # segment pages list their shout-outs and posts
    for seg in m["segments"]:
        f = os.path.join(out, lay["segment"].format(seg))
        if not os.path.isfile(f):
            errors.append("segment page missing: " + lay["segment"].format(seg))
            continue
        text = read(f)
        want_s = [s for s, v in m["shoutouts"].items() if seg in v["segments"]]
        want_p = [s for s, v in m["posts"].items() if seg in v["segments"]]
        shouts = set(SHOUT_LINK.findall(text))
        if lay["segment_shoutouts"]:
            rel = lay["segment_shoutouts"].format(seg)
            shouts |= links(pages_under(out, rel + "/index.html") + pages_under(out, rel + "/page"),
                            SHOUT_LINK)
        missing("segment %s: shout-outs listed" % seg, want_s, shouts)
        posts = set(POST_LINK.findall(text))
        if lay["segment_posts_cut"]:
            # the newest ones, as many as the page's limit: at least one, none from elsewhere
            need(posts or not want_p, "segment %s: no posts listed" % seg)
            extra = sorted(posts - set(want_p))
            need(not extra, "segment %s: lists posts of other segments, e.g. %s" % (seg, extra[:3]))
        else:
            missing("segment %s: posts listed" % seg, want_p, posts)
    if lay["segment_index"]:
        need(os.path.isfile(os.path.join(out, lay["segment_index"])),
             "segment index missing: " + lay["segment_index"])

    # tags: index and one page per tag, listing every post with that tag
    need(os.path.isfile(os.path.join(out, "tags", "index.html")), "tags/index.html missing")
    tags = sorted({t for p in m["posts"].values() for t in p["tags"]})
    for t in tags:
        pages = pages_under(out, "tags/%s/index.html" % t) + pages_under(out, "tags/%s/page" % t)
        if not pages:
            errors.append("tag page missing: tags/%s/index.html" % t)
            continue
        want = [s for s, p in m["posts"].items() if t in p["tags"]]
        missing("tag %s: posts listed" % t, want, links(pages, POST_LINK))

    # feed and sitemap
    feed = os.path.join(out, lay["feed"])
    feed_items = 0
    if os.path.isfile(feed):
        feed_items = read(feed).count(lay["feed_item"])
        need(feed_items == min(20, len(m["posts"])),
             "%s: %d items, expected %d" % (lay["feed"], feed_items, min(20, len(m["posts"]))))
    else:
        errors.append("feed missing: " + lay["feed"])
    sitemap = os.path.join(out, "sitemap.xml")
    locs = 0
    if os.path.isfile(sitemap):
        locs = read(sitemap).count("<loc>")
        least = len(m["posts"]) + len(m["shoutouts"]) + len(m["segments"])
        need(locs >= least, "sitemap.xml: %d URLs, expected at least %d" % (locs, least))
    else:
        errors.append("sitemap.xml missing")
    need(os.path.isfile(os.path.join(out, "index.html")), "home page index.html missing")

    report = {
        "format": fmt,
        "html_pages": len(html),
        "html_by_folder": dict(sorted(by_top.items())),
        "post_pages_ok": posts_ok,
        "posts_expected": len(m["posts"]),
        "code_blocks_expected": blocks_total,
        "code_blocks_highlighted": blocks_hl,
        "shoutouts_expected": len(m["shoutouts"]),
        "segments_expected": len(m["segments"]),
        "tags_expected": len(tags),
        "post_list_pages": len(list_pages),
        "feed_items": feed_items,
        "sitemap_urls": locs,
        "png_files": pngs,
        "errors": len(errors),
    }
    print(json.dumps(report))
    if errors:
        for e in errors[:40]:
            print("CHECK FAILED (%s): %s" % (fmt, e), file=sys.stderr)
        if len(errors) > 40:
            print("CHECK FAILED (%s): ... and %d more" % (fmt, len(errors) - 40), file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------
# summary
# --------------------------------------------------------------------------
def fmt_s(x):
    return "%.2f s" % x


def fmt_mib(kb):
    return "%.0f MiB" % (kb / 1024.0)


TOOL_NAMES = {"kudos": "kudos", "kudos_nocards": "kudos (no cards)", "hugo": "Hugo",
              "zola": "Zola"}


def summarize(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            if line.strip():
                rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    med = {}
    for tool in ("kudos", "hugo"):
        if not any(r["tool"] == tool for r in rows):
            raise SystemExit("no %s runs in %s" % (tool, path))
    for tool in TOOL_NAMES:
        rs = [r for r in rows if r["tool"] == tool]
        if not rs:
            continue
        wall = [float(r["wall_s"]) for r in rs]
        cpu = [float(r["user_s"]) + float(r["sys_s"]) for r in rs]
        rss = [float(r["maxrss_kb"]) for r in rs]
        other = [float(r["other_cpu_s"]) for r in rs]
        med[tool] = {
            "n": len(rs), "wall": statistics.median(wall), "cpu": statistics.median(cpu),
            "rss": statistics.median(rss), "wall_min": min(wall), "wall_max": max(wall),
            "other": statistics.median(other),
        }
    out = []
    out.append("| | median wall | median CPU (user+sys) | median peak RSS | wall min-max | runs |")
    out.append("|---|---:|---:|---:|---:|---:|")
    for tool, t in med.items():
        out.append("| %s | %s | %s | %s | %.2f-%.2f s | %d |" % (
            TOOL_NAMES[tool], fmt_s(t["wall"]), fmt_s(t["cpu"]), fmt_mib(t["rss"]),
            t["wall_min"], t["wall_max"], t["n"]))
    for k in ("kudos", "kudos_nocards"):
        for h in ("hugo", "zola"):
            if k in med and h in med:
                a, b = med[k], med[h]
                out.append("| **%s / %s** | **%.2fx** | %.2fx | %.2fx | | |" % (
                    TOOL_NAMES[k], TOOL_NAMES[h], a["wall"] / b["wall"], a["cpu"] / b["cpu"],
                    a["rss"] / b["rss"]))
    out.append("")
    out.append("Individual runs, in the order they ran (other CPU = CPU time used by other "
               "processes on the machine during the run, from /proc/stat):")
    out.append("")
    out.append("| # | tool | wall | user | sys | peak RSS | other CPU |")
    out.append("|---:|---|---:|---:|---:|---:|---:|")
    for i, r in enumerate(rows, 1):
        out.append("| %d | %s | %.2f s | %.2f s | %.2f s | %s | %.2f s |" % (
            i, r["tool"], float(r["wall_s"]), float(r["user_s"]), float(r["sys_s"]),
            fmt_mib(float(r["maxrss_kb"])), float(r["other_cpu_s"])))
    noisy = [i for i, r in enumerate(rows, 1)
             if float(r["other_cpu_s"]) > 0.1 * float(r["wall_s"])]
    if noisy:
        out.append("")
        out.append("WARNING: other processes used more than 10%% of a core during run(s) %s; "
                   "wall times there are inflated." % ", ".join(map(str, noisy)))
    print("\n".join(out))
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("--format", choices=sorted(LAYOUT), required=True)
    c.add_argument("--corpus", required=True)
    c.add_argument("--out", required=True)
    s = sub.add_parser("summarize")
    s.add_argument("results")
    a = ap.parse_args(argv)
    if a.cmd == "check":
        return check(a.format, a.corpus, a.out)
    return summarize(a.results)


if __name__ == "__main__":
    sys.exit(main())
