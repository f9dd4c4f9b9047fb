//! Incremental rebuilds (what `serve` and `watch` do) always equal a clean build.
//!
//! A seeded random walk of edits over the `basic` fixture: edit, create, delete and
//! rename posts, shout-outs, segments, templates, the config and static files, then
//! rebuild through the incremental path and compare every output byte with a clean build
//! of the same files. Many seeds, so orderings that matter get tried.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::Site;
use kudos::build::{self, Project};
use kudos::content::Date;
use kudos::serve::session::{RebuildReport, Session};
use kudos::site::BuildOptions;

fn options() -> BuildOptions {
    BuildOptions {
        drafts: false,
        strict: false,
        now: Date::parse("2026-06-01").unwrap(),
    }
}

fn session(root: &Path) -> Session {
    Session::new(Project::new(root, None), options(), Box::new(|_| {}))
}

/// Every output file's bytes after a clean build, or the error text.
fn clean_build(root: &Path) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let project = Project::new(root, None);
    let config = project.config().map_err(|e| e.to_string())?;
    let rendered = build::render(&project, config, &options()).map_err(|e| e.to_string())?;
    Ok(rendered
        .files
        .iter()
        .map(|f| (f.path.clone(), f.bytes().unwrap().into_owned()))
        .collect())
}

fn incremental(session: &Session) -> BTreeMap<String, Vec<u8>> {
    session
        .output()
        .iter()
        .map(|(p, f)| (p.to_string(), f.bytes().unwrap().into_owned()))
        .collect()
}

/// The `basic` fixture, its root and a session that built it once.
fn built_basic() -> (Site, PathBuf, Session) {
    let site = Site::fixture("basic");
    let root = site.root();
    let mut session = session(&root);
    session.rebuild(&[]).unwrap();
    (site, root, session)
}

/// Rebuilds after `edited` changed and checks the output against a clean build.
fn rebuild_as_clean(session: &mut Session, root: &Path, edited: &str) -> RebuildReport {
    let report = session.rebuild(&[edited.into()]).unwrap();
    assert_eq!(incremental(session), clean_build(root).unwrap());
    report
}

/// A tiny deterministic PRNG (xorshift), so failures replay from the seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// One random edit; returns the paths it touched (relative to the root).
fn random_edit(site: &Site, rng: &mut Rng, step: usize) -> Vec<PathBuf> {
    let root = site.root();
    let posts = files(&root, "content/posts", ".md");
    let shoutouts = files(&root, "content/shoutouts", ".md");
    let pick = |list: &[String], rng: &mut Rng| list[rng.below(list.len())].clone();
    let post = |title: &str, date: &str, tags: &str, segments: &str, body: &str| {
        format!(
            "+++\ntitle = \"{title}\"\ndate = {date}\ntags = [{tags}]\nsegments = [{segments}]\n+++\n\n{body}\n\n<!-- more -->\n\n## Part {step}\n\nMore.\n"
        )
    };
    match rng.below(26) {
        0 if !posts.is_empty() => {
            let p = pick(&posts, rng);
            append(&root, &p, &format!("\nAn added line {step}.\n"));
            vec![p.into()]
        }
        1 if !posts.is_empty() => {
            let p = pick(&posts, rng);
            replace_line(
                &root,
                &p,
                "title = ",
                &format!("title = \"Retitled {step}\""),
            );
            vec![p.into()]
        }
        2 => {
            let p = format!("content/posts/new-{step}.md");
            let tags = ["\"news\"", "\"fresh\"", ""][rng.below(3)];
            let segments = ["\"regulars\"", ""][rng.below(2)];
            let date = ["2025-03-01", "2024-12-31", "2026-05-30", "2027-01-01"][rng.below(4)];
            write(
                &root,
                &p,
                &post(
                    &format!("New {step}"),
                    date,
                    tags,
                    segments,
                    &format!("Fresh post {step}. See [hello](@/posts/hello.md)."),
                ),
            );
            vec![p.into()]
        }
        3 if posts.len() > 3 => {
            let p = pick(&posts, rng);
            if p.ends_with("hello.md") || p.ends_with("second.md") || p.ends_with("index.md") {
                return vec![];
            }
            std::fs::remove_file(root.join(&p)).unwrap();
            vec![p.into()]
        }
        4 if posts.len() > 3 => {
            let p = pick(&posts, rng);
            if !p.contains("/new-") {
                return vec![];
            }
            let to = format!("content/posts/renamed-{step}.md");
            std::fs::rename(root.join(&p), root.join(&to)).unwrap();
            vec![p.into(), to.into()]
        }
        5 if !shoutouts.is_empty() => {
            let s = pick(&shoutouts, rng);
            let rating = 1 + rng.below(5);
            replace_line(&root, &s, "rating = ", &format!("rating = {rating}"));
            append(&root, &s, &format!("\nAnd one more thing ({step}).\n"));
            vec![s.into()]
        }
        6 => {
            let s = format!("content/shoutouts/customer-{step}.md");
            let consent = if rng.below(3) == 0 {
                ""
            } else {
                "consent = { date = 2025-02-01, scope = [\"quote\", \"name\"] }\n"
            };
            let featured = if rng.below(2) == 0 {
                "featured = true\n"
            } else {
                ""
            };
            write(
                &root,
                &s,
                &format!(
                    "+++\ncustomer = \"Customer {step}\"\nrating = {}\ndate = 2025-02-0{}\nsegments = [\"regulars\"]\ntags = [\"t{}\"]\nproduct = \"Widget\"\n{featured}{consent}+++\n\nKind words number {step}.\n",
                    1 + rng.below(5),
                    1 + rng.below(9),
                    rng.below(3)
                ),
            );
            vec![s.into()]
        }
        7 if shoutouts.len() > 2 => {
            let s = pick(&shoutouts, rng);
            std::fs::remove_file(root.join(&s)).unwrap();
            vec![s.into()]
        }
        8 => {
            let p = "content/segments/regulars.md";
            replace_line(
                &root,
                p,
                "headline = ",
                &format!("headline = \"Headline {step}\""),
            );
            vec![p.into()]
        }
        9 => {
            let t = "templates/partials/post_item.html";
            write(
                &root,
                t,
                &format!(
                    "<article class=\"post-item\"><h2><a href=\"{{{{ post.url }}}}\">{{{{ post.title }}}}</a></h2><p>variant {step}</p></article>\n"
                ),
            );
            vec![t.into()]
        }
        10 => {
            replace_line(
                &root,
                "kudos.toml",
                "title = ",
                &format!("title = \"Shop {step}\""),
            );
            vec!["kudos.toml".into()]
        }
        11 => {
            // A whole folder moved (a page bundle with its image), as a file manager does.
            let (from, to) = if root.join("content/posts/bundle").exists() {
                ("content/posts/bundle", "content/posts/moved-bundle")
            } else {
                ("content/posts/moved-bundle", "content/posts/bundle")
            };
            std::fs::rename(root.join(from), root.join(to)).unwrap();
            vec![from.into(), to.into()]
        }
        13 if !posts.is_empty() => {
            // Into the summary: every listing shows it.
            let p = pick(&posts, rng);
            replace_line(
                &root,
                &p,
                "<!-- more -->",
                &format!("Summary addition {step}.\n\n<!-- more -->"),
            );
            vec![p.into()]
        }
        14 if !posts.is_empty() => {
            // A new anchor other pages could link to.
            let p = pick(&posts, rng);
            append(&root, &p, &format!("\n## Heading {step}\n"));
            vec![p.into()]
        }
        15 => {
            // Links from a body: one to an anchor, one broken (toggled, so the walk goes on).
            let p = ["content/posts/hello.md", "content/about.md"][rng.below(2)];
            if rng.below(2) == 0 {
                append(
                    &root,
                    p,
                    &format!("\nSee [the details {step}](@/posts/second.md#the-details).\n"),
                );
            } else {
                toggle_line(&root, p, "A [broken link](@/posts/nowhere.md).");
            }
            vec![p.into()]
        }
        16 => {
            // A plain page's body, and its summary (shown in `site.pages`).
            if rng.below(3) == 0 {
                toggle_line(&root, "content/about.md", "<!-- more -->");
            } else {
                append(
                    &root,
                    "content/about.md",
                    &format!("\nA page edit {step}.\n"),
                );
            }
            vec!["content/about.md".into()]
        }
        17 => {
            // Segment variants (front matter), then segment blocks in the body.
            let p = "content/posts/hello.md";
            if rng.below(2) == 0 {
                toggle_line(&root, p, "variants = [\"regulars\"]");
            } else {
                append(
                    &root,
                    p,
                    &format!(
                        "\n{{% segment(only=\"regulars\") %}}Only for regulars, {step}.{{% end %}}\n"
                    ),
                );
            }
            vec![p.into()]
        }
        18 => {
            // The heading hello.md links to comes and goes.
            let p = "content/posts/second.md";
            toggle_line(&root, p, "## The details");
            vec![p.into()]
        }
        19 => {
            // A draft's body is on no page.
            let p = "content/posts/unfinished.md";
            if !root.join(p).exists() {
                write(
                    &root,
                    p,
                    "+++\ntitle = \"A draft\"\ndate = 2025-01-05\ndraft = true\n+++\n",
                );
            }
            append(&root, p, &format!("\nStill drafting {step}.\n"));
            vec![p.into()]
        }
        20 if !posts.is_empty() => {
            // Placement: tags.
            let p = pick(&posts, rng);
            let tags = ["[\"news\"]", "[\"fresh\", \"news\"]", "[]"][rng.below(3)];
            replace_line(&root, &p, "tags = ", &format!("tags = {tags}"));
            vec![p.into()]
        }
        21 if !posts.is_empty() => {
            // Placement: the date, which orders every listing.
            let p = pick(&posts, rng);
            let date = ["2025-03-02", "2024-11-30", "2026-05-31"][rng.below(3)];
            replace_line(&root, &p, "date = ", &format!("date = {date}"));
            vec![p.into()]
        }
        22 if !shoutouts.is_empty() => {
            // Only the quote: its card, wherever it is shown.
            let s = pick(&shoutouts, rng);
            append(&root, &s, &format!("\nKind words, again ({step}).\n"));
            vec![s.into()]
        }
        23 if !shoutouts.is_empty() => {
            // Featured or not: segments without their own shout-outs show the featured.
            let s = pick(&shoutouts, rng);
            toggle_line(&root, &s, "featured = true");
            vec![s.into()]
        }
        24 if !shoutouts.is_empty() => {
            // Tags: the wall's filters and their counts.
            let s = pick(&shoutouts, rng);
            let tags = ["[\"t0\"]", "[\"t1\", \"t2\"]", "[]"][rng.below(3)];
            let text = std::fs::read_to_string(root.join(&s)).unwrap();
            if text.contains("\ntags = ") {
                replace_line(&root, &s, "tags = ", &format!("tags = {tags}"));
            } else {
                toggle_line(&root, &s, &format!("tags = {tags}"));
            }
            vec![s.into()]
        }
        25 if !shoutouts.is_empty() => {
            // A body embedding a shout-out's card: quote edits must reach it.
            let p = ["content/posts/hello.md", "content/about.md"][rng.below(2)];
            let text = std::fs::read_to_string(root.join(p)).unwrap();
            let embedded = |l: &str| l.starts_with("{{ shoutout(");
            let new_text = if text.lines().any(embedded) {
                text.lines()
                    .filter(|l| !embedded(l))
                    .map(|l| format!("{l}\n"))
                    .collect()
            } else {
                let s = pick(&shoutouts, rng);
                let slug = s.rsplit('/').next().unwrap().trim_end_matches(".md");
                format!("{text}\n{{{{ shoutout(slug=\"{slug}\") }}}}\n")
            };
            write(&root, p, &new_text);
            vec![p.into()]
        }
        _ => {
            let f = format!("static/file-{}.txt", rng.below(3));
            if rng.below(3) == 0 && root.join(&f).exists() {
                std::fs::remove_file(root.join(&f)).unwrap();
            } else {
                write(&root, &f, &format!("static {step}\n"));
            }
            vec![f.into()]
        }
    }
}

fn files(root: &Path, dir: &str, suffix: &str) -> Vec<String> {
    let mut found: Vec<String> = walkdir::WalkDir::new(root.join(dir))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().to_string_lossy().ends_with(suffix))
        .map(|e| {
            e.path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    found.sort();
    found
}

fn write(root: &Path, relative: &str, text: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn append(root: &Path, relative: &str, text: &str) {
    let mut current = std::fs::read_to_string(root.join(relative)).unwrap();
    current.push_str(text);
    write(root, relative, &current);
}

/// Removes `line` if the file has it; otherwise adds it (in the front matter when it
/// is a `key = value` line, else at the end).
fn toggle_line(root: &Path, relative: &str, line: &str) {
    let current = std::fs::read_to_string(root.join(relative)).unwrap();
    let text = if current.lines().any(|l| l == line) {
        current
            .lines()
            .filter(|l| *l != line)
            .map(|l| format!("{l}\n"))
            .collect()
    } else if line.contains(" = ") {
        current.replacen("+++\n", &format!("+++\n{line}\n"), 1)
    } else {
        format!("{current}\n{line}\n")
    };
    write(root, relative, &text);
}

fn replace_line(root: &Path, relative: &str, prefix: &str, line: &str) {
    let current = std::fs::read_to_string(root.join(relative)).unwrap();
    let replaced: Vec<String> = current
        .lines()
        .map(|l| {
            if l.starts_with(prefix) {
                line.to_string()
            } else {
                l.to_string()
            }
        })
        .collect();
    write(root, relative, &(replaced.join("\n") + "\n"));
}

/// How each rebuild of the walk went.
#[derive(Default, Debug)]
struct Tally {
    patched: usize,
    full: usize,
    failed: usize,
}

/// Rebuilds incrementally after `touched` and compares with a clean build: the same
/// bytes, or both failing. Returns whether the site built.
fn rebuild_and_compare(
    session: &mut Session,
    root: &Path,
    touched: &[PathBuf],
    tally: &mut Tally,
    at: &str,
) -> bool {
    let incremental_result = session.rebuild(touched);
    let clean = clean_build(root);
    match (&incremental_result, &clean) {
        (Ok(report), Ok(clean)) => {
            if report.patched {
                tally.patched += 1;
            } else {
                tally.full += 1;
            }
            let got = incremental(session);
            let missing: Vec<_> = clean.keys().filter(|k| !got.contains_key(*k)).collect();
            let extra: Vec<_> = got.keys().filter(|k| !clean.contains_key(*k)).collect();
            let differ: Vec<_> = clean
                .keys()
                .filter(|k| got.get(*k).is_some_and(|g| g != &clean[*k]))
                .collect();
            assert!(
                missing.is_empty() && extra.is_empty() && differ.is_empty(),
                "{at} after {touched:?}: missing {missing:?}, extra {extra:?}, differ {differ:?}"
            );
            true
        }
        (Err(_), Err(_)) => {
            tally.failed += 1;
            false
        }
        (a, b) => panic!(
            "{at}: incremental {:?} vs clean {:?}",
            a.as_ref().err().map(ToString::to_string),
            b.as_ref().err()
        ),
    }
}

/// Undoes the edits that break the build (a broken link, the heading a link needs).
fn repair(root: &Path) -> Vec<PathBuf> {
    let mut touched = Vec::new();
    for p in ["content/posts/hello.md", "content/about.md"] {
        let text = std::fs::read_to_string(root.join(p)).unwrap();
        if text.contains("nowhere.md") {
            toggle_line(root, p, "A [broken link](@/posts/nowhere.md).");
            touched.push(p.into());
        }
        // An embedded shout-out that was deleted since.
        let text = std::fs::read_to_string(root.join(p)).unwrap();
        if text.contains("{{ shoutout(") {
            let kept: String = text
                .lines()
                .filter(|l| !l.starts_with("{{ shoutout("))
                .map(|l| format!("{l}\n"))
                .collect();
            write(root, p, &kept);
            touched.push(p.into());
        }
    }
    let second = "content/posts/second.md";
    if !std::fs::read_to_string(root.join(second))
        .unwrap()
        .contains("## The details")
    {
        toggle_line(root, second, "## The details");
        touched.push(second.into());
    }
    touched
}

#[test]
fn random_edits_rebuild_to_the_same_bytes_as_a_clean_build() {
    let mut tally = Tally::default();
    for seed in 1..=12u64 {
        let site = Site::fixture("basic");
        let root = site.root();
        // Small wall pages, so cards move between pages, and a segment with no
        // shout-outs of its own, which shows the featured ones instead.
        append(&root, "kudos.toml", "\n[shoutouts]\nper_page = 2\n");
        write(
            &root,
            "content/segments/newcomers.md",
            "+++\ntitle = \"Newcomers\"\n+++\n\nWelcome.\n",
        );
        // A template showing what `site.pages` knows of each page.
        write(
            &root,
            "templates/404.html",
            "{% for p in site.pages %}{{ p.title }} {{ p.reading_time }} {{ p.summary }}\n{% endfor %}",
        );
        let mut session = session(&root);
        session.rebuild(&[]).expect("the fixture builds");
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        for step in 0..25 {
            let touched = random_edit(&site, &mut rng, step);
            let at = format!("seed {seed} step {step}");
            if !rebuild_and_compare(&mut session, &root, &touched, &mut tally, &at) {
                // Recovering from a failed build is a rebuild like any other.
                let touched = repair(&root);
                rebuild_and_compare(&mut session, &root, &touched, &mut tally, &at);
            }
        }
    }
    // Both ways of rebuilding were exercised, and failures too.
    assert!(
        tally.patched >= 70 && tally.full >= 150 && tally.failed >= 10,
        "{tally:?}"
    );
}

#[test]
fn editing_one_post_rerenders_its_page_and_its_listings_only() {
    let site = Site::fixture("basic");
    let root = site.root();
    let mut session = session(&root);
    let first = session.rebuild(&[]).unwrap();
    assert_eq!(
        first.rendered.len(),
        first.jobs,
        "the first build renders everything"
    );

    replace_line(
        &root,
        "content/posts/hello.md",
        "title = ",
        "title = \"Hello again\"",
    );
    let report = session.rebuild(&["content/posts/hello.md".into()]).unwrap();
    assert!(
        report.rendered.len() < report.jobs,
        "{} of {} re-rendered",
        report.rendered.len(),
        report.jobs
    );
    for listing in [
        "posts/hello/index.html",
        "posts/page/2/index.html",
        "tags/news/index.html",
        "tags/workshop-life/index.html",
        "for/regulars/index.html",
        "atom.xml",
    ] {
        assert!(
            report.changed.iter().any(|c| c == listing),
            "{listing} was not updated: {:?}",
            report.changed
        );
    }
    assert!(
        !report
            .changed
            .iter()
            .any(|c| c == "shoutouts/ada-lovelace/index.html")
    );
    assert!(
        !report.changed.iter().any(|c| c == "index.html"),
        "hello is not among the newest posts on the home page"
    );
    assert_eq!(incremental(&session), clean_build(&root).unwrap());

    assert!(
        report.patched,
        "a title edit leaves the post in place: the kept site is patched"
    );

    // A new tag moves the post into another listing and makes that listing's page: the
    // kept site's tag lists and routes follow.
    replace_line(
        &root,
        "content/posts/hello.md",
        "tags = ",
        "tags = [\"news\", \"Workshop Life\", \"fresh\"]",
    );
    let report = session.rebuild(&["content/posts/hello.md".into()]).unwrap();
    assert!(report.patched);
    assert!(report.changed.iter().any(|c| c == "tags/fresh/index.html"));
    assert_eq!(incremental(&session), clean_build(&root).unwrap());

    // A body-only edit changes the post and the full-content feed, not the listings,
    // and patches the kept site instead of resolving it again.
    append(&root, "content/posts/hello.md", "\nA new closing line.\n");
    let report = session.rebuild(&["content/posts/hello.md".into()]).unwrap();
    assert!(report.patched);
    // The post and every feed that carries it whole; no listing shows the body.
    let mut changed = report.changed.clone();
    changed.sort();
    assert_eq!(
        changed,
        [
            "atom.xml",
            "feed.json",
            "for/regulars/atom.xml",
            "posts/hello/index.html",
            "rss.xml",
            "tags/fresh/atom.xml",
            "tags/news/atom.xml",
            "tags/workshop-life/atom.xml",
        ],
        "rendered {:?}",
        report.rendered
    );
    assert_eq!(incremental(&session), clean_build(&root).unwrap());
}

#[test]
fn editing_a_component_file_rerenders_the_pages_that_use_it() {
    // Tera 2 components are global: page.html uses one from a file it does not include.
    let site = Site::fixture("basic");
    let root = site.root();
    write(
        &root,
        "templates/components.html",
        "{% component greeting(name) %}<p class=\"greeting\">Hello, {{ name }}</p>{% endcomponent greeting %}\n",
    );
    write(
        &root,
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{{ <greeting name=\"reader\"/> }}{{ page.content | safe }}{% endblock content %}\n",
    );
    let mut session = session(&root);
    session
        .rebuild(&[])
        .expect("the fixture builds with a component");
    assert!(
        String::from_utf8(incremental(&session)["about/index.html"].clone())
            .unwrap()
            .contains("Hello, reader")
    );
    write(
        &root,
        "templates/components.html",
        "{% component greeting(name) %}<p class=\"greeting\">Welcome, {{ name }}</p>{% endcomponent greeting %}\n",
    );
    session
        .rebuild(&["templates/components.html".into()])
        .unwrap();
    assert_eq!(incremental(&session), clean_build(&root).unwrap());
    assert!(
        String::from_utf8(incremental(&session)["about/index.html"].clone())
            .unwrap()
            .contains("Welcome, reader")
    );
}

/// The stages a rebuild went through, by name.
fn stages(report: &RebuildReport) -> Vec<&'static str> {
    report
        .timings
        .stages
        .iter()
        .map(|(name, _)| *name)
        .collect()
}

#[test]
fn a_template_edit_renders_from_the_resolved_site_and_equals_a_clean_build() {
    let site = Site::fixture("basic");
    let root = site.root();
    // A theme warning: a static file that links out of the site is not followed.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "not for the web").unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        root.join("static/secret.txt"),
    )
    .unwrap();
    let post = "{% extends \"base.html\" %}{% block content %}<h1>{{ page.title }}</h1>{{ page.content | safe }}{% endblock content %}\n";
    write(&root, "templates/post.html", post);
    let mut session = session(&root);
    let first = session.rebuild(&[]).unwrap();
    let linked = |report: &RebuildReport| {
        let warnings = report.warnings.iter().map(ToString::to_string);
        warnings.filter(|w| w.contains("symbolic link")).count()
    };
    assert_eq!(linked(&first), 1, "{:?}", first.warnings);
    let resolved = |report: &RebuildReport| stages(report).contains(&"resolve");
    let same_as_clean_showing = |session: &Session, shown: &str| {
        let output = incremental(session);
        assert_eq!(output, clean_build(&root).unwrap());
        let page = String::from_utf8(output["posts/hello/index.html"].clone()).unwrap();
        assert!(page.contains(shown), "{page}");
    };

    // A template alone: nothing the site is resolved from changed.
    write(
        &root,
        "templates/post.html",
        &post.replace("<h1>", "<h1 class=\"title\">"),
    );
    let report = session.rebuild(&["templates/post.html".into()]).unwrap();
    assert!(!stages(&report).contains(&"load"), "{:?}", stages(&report));
    assert!(!resolved(&report), "{:?}", stages(&report));
    same_as_clean_showing(&session, "<h1 class=\"title\">Hello, world</h1>");
    assert_eq!(
        linked(&report),
        1,
        "the theme's warning, once: {:?}",
        report.warnings
    );
    // The theme's warnings are the theme's of now, not those the site was resolved with.
    std::fs::remove_file(root.join("static/secret.txt")).unwrap();
    let report = session.rebuild(&["static/secret.txt".into()]).unwrap();
    assert!(!resolved(&report), "{:?}", stages(&report));
    assert_eq!(linked(&report), 0, "{:?}", report.warnings);
    same_as_clean_showing(&session, "<h1 class=\"title\">Hello, world</h1>");

    // A template and a post in one batch: the post is loaded and the site resolved.
    std::os::unix::fs::symlink(
        outside.path().join("secret.txt"),
        root.join("static/secret.txt"),
    )
    .unwrap();
    write(&root, "templates/post.html", post);
    replace_line(
        &root,
        "content/posts/hello.md",
        "title = ",
        "title = \"Hello again\"",
    );
    let report = session
        .rebuild(&[
            "templates/post.html".into(),
            "static/secret.txt".into(),
            "content/posts/hello.md".into(),
        ])
        .unwrap();
    assert!(resolved(&report), "{:?}", stages(&report));
    same_as_clean_showing(&session, "<h1>Hello again</h1>");
    assert_eq!(linked(&report), 1, "{:?}", report.warnings);
}

#[test]
fn a_patched_body_fails_like_a_clean_build_when_a_shortcode_lists_posts() {
    // posts() is not available inside shortcodes (bodies render before the lists exist);
    // the serve shortcut must not let an edited body get away with it.
    let site = Site::fixture("basic");
    let root = site.root();
    write(
        &root,
        "templates/shortcodes/latest.html",
        "{% for p in posts(limit=1) %}{{ p.title }}{% endfor %}\n",
    );
    let mut session = session(&root);
    session.rebuild(&[]).expect("the fixture builds");
    append(&root, "content/posts/hello.md", "\n{{ latest() }}\n");
    let patched = session.rebuild(&["content/posts/hello.md".into()]);
    let clean = clean_build(&root);
    let clean_error = clean.expect_err("a clean build fails");
    assert!(clean_error.contains("problem"), "{clean_error}");
    assert!(patched.is_err(), "the incremental rebuild fails too");
}

#[test]
fn serve_rerenders_a_tag_or_segment_feed_only_when_its_entries_change() {
    let site = Site::fixture("basic");
    let root = site.root();
    let mut session = session(&root);
    session.rebuild(&[]).unwrap();
    // `second` is tagged `news` only and lists no segment.
    append(&root, "content/posts/second.md", "\nOne more sentence.\n");
    let report = session
        .rebuild(&["content/posts/second.md".into()])
        .unwrap();
    let mut changed = report.changed.clone();
    changed.sort();
    assert_eq!(
        changed,
        [
            "atom.xml",
            "feed.json",
            "posts/second/index.html",
            "rss.xml",
            "tags/news/atom.xml",
        ]
    );
    let mut rendered: Vec<&str> = report.rendered.iter().map(|path| &**path).collect();
    rendered.sort();
    assert_eq!(rendered, changed, "only what changed was rendered");
    assert_eq!(incremental(&session), clean_build(&root).unwrap());
    // A new segment makes its feed; the others stay as they are.
    site.write(
        "content/segments/makers.md",
        "+++\ntitle = \"Makers\"\n+++\n\nFor people who build things.\n",
    );
    replace_line(
        &root,
        "content/posts/second.md",
        "tags: ",
        "tags: [news]\nsegments: [makers]",
    );
    let report = session
        .rebuild(&[
            "content/segments/makers.md".into(),
            "content/posts/second.md".into(),
        ])
        .unwrap();
    assert!(report.changed.iter().any(|c| c == "for/makers/atom.xml"));
    assert!(!report.changed.iter().any(|c| c == "for/regulars/atom.xml"));
    assert!(
        !report
            .changed
            .iter()
            .any(|c| c == "tags/workshop-life/atom.xml")
    );
    assert_eq!(incremental(&session), clean_build(&root).unwrap());
}

/// `kudos build` into `public/` with the options every build here uses: the files it
/// left (its manifest aside) and whether it stopped early, or the error text.
fn warm_build(site: &Site) -> Result<(BTreeMap<String, Vec<u8>>, bool), String> {
    let project = Project::new(&site.root(), None);
    let config = project.config().map_err(|e| e.to_string())?;
    let report = build::build(&project, config, &options()).map_err(|e| e.to_string())?;
    Ok((site.output_files("public"), report.up_to_date))
}

/// Warm builds (issue 14): the same random walk through real `kudos build`s, each one
/// reusing the last one's record and rendered bodies from `.kudos-cache/build/`, every
/// output compared byte for byte with a clean build made in memory.
#[test]
fn warm_builds_after_random_edits_equal_clean_builds() {
    let (mut stopped_early, mut built, mut failed) = (0, 0, 0);
    for seed in 1..=6u64 {
        let site = Site::fixture("basic");
        let root = site.root();
        append(&root, "kudos.toml", "\n[shoutouts]\nper_page = 2\n");
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        for step in 0..20 {
            // Every fifth build follows no edit at all.
            let touched = if step % 5 == 4 {
                Vec::new()
            } else {
                random_edit(&site, &mut rng, step)
            };
            let at = format!("seed {seed} step {step} after {touched:?}");
            match (warm_build(&site), clean_build(&root)) {
                (Ok((got, early)), Ok(clean)) => {
                    let differ = crate::common::differing(&got, &clean);
                    assert!(
                        differ.is_empty(),
                        "{at}: these differ from a clean build: {differ:?}"
                    );
                    if early {
                        stopped_early += 1;
                    } else {
                        built += 1;
                    }
                }
                (Err(_), Err(_)) => {
                    failed += 1;
                    repair(&root);
                }
                (a, b) => panic!("{at}: warm {:?} vs clean {:?}", a.err(), b.err()),
            }
        }
    }
    assert!(
        stopped_early >= 10 && built >= 60 && failed >= 3,
        "{stopped_early} stopped early, {built} built, {failed} failed"
    );
}

/// The pages rendered again after a title edit and then a tags edit of `hello.md`, with
/// `extra` more shout-outs in the fixture; each rebuild is checked against a clean build.
fn pages_rendered_by_post_edits(extra: usize) -> Vec<usize> {
    let site = Site::fixture("basic");
    let root = site.root();
    for n in 0..extra {
        write(
            &root,
            &format!("content/shoutouts/customer-{n}.md"),
            &format!(
                "+++\ncustomer = \"Customer {n}\"\nrating = 5\ndate = 2025-03-0{}\nconsent = {{ date = 2025-03-01, scope = [\"quote\", \"name\"], proof = \"form\" }}\n+++\n\nThank you, {n} times.\n",
                1 + n % 9
            ),
        );
    }
    let mut session = session(&root);
    session.rebuild(&[]).unwrap();
    let edits = [
        ("title = ", "title = \"Hello again\""),
        ("tags = ", "tags = [\"news\"]"),
    ];
    edits
        .into_iter()
        .map(|(prefix, line)| {
            replace_line(&root, "content/posts/hello.md", prefix, line);
            let report = session.rebuild(&["content/posts/hello.md".into()]).unwrap();
            assert_eq!(incremental(&session), clean_build(&root).unwrap());
            report.rendered.len()
        })
        .collect()
}

#[test]
fn a_post_edit_renders_as_many_pages_however_many_shoutouts_there_are() {
    // No shout-out, wall or embed page shows a post. The theme's templates for them pass
    // `site=config.title` to t(), which once counted as reading all of `site`: at 10k
    // posts a tags save rendered the 5,000 shout-out pages again.
    assert_eq!(
        pages_rendered_by_post_edits(12),
        pages_rendered_by_post_edits(0)
    );
}

#[test]
fn a_new_newest_post_renders_only_the_pages_it_changes() {
    // Routes are fingerprinted by what they show, not by their index among the posts,
    // which a new newest post moves by one for every other post.
    let (_site, root, mut session) = built_basic();
    write(
        &root,
        "content/posts/newest.md",
        "+++\ntitle = \"Newest\"\ndate = 2026-05-01\ntags = [\"fresh\"]\n+++\n\nJust in.\n",
    );
    let report = rebuild_as_clean(&mut session, &root, "content/posts/newest.md");
    let pages: Vec<&String> = report
        .changed
        .iter()
        .filter(|path| !path.starts_with("cards/"))
        .collect();
    assert_eq!(report.rendered.len(), pages.len(), "{pages:?}");
}

#[test]
fn a_tags_edit_that_moves_no_url_leaves_the_sitemap_alone() {
    // The sitemap lists every URL with its date, nothing a post's tags change: at 10k
    // posts rendering it again took 56 ms of every tags save.
    let (_site, root, mut session) = built_basic();
    // `workshop-life` keeps a post (`bundle`) and its one page.
    replace_line(
        &root,
        "content/posts/hello.md",
        "tags = ",
        "tags = [\"news\"]",
    );
    let report = rebuild_as_clean(&mut session, &root, "content/posts/hello.md");
    assert!(
        report
            .changed
            .iter()
            .any(|c| c == "tags/workshop-life/index.html"),
        "{:?}",
        report.changed
    );
    assert!(!report.changed.iter().any(|c| c == "sitemap.xml"));
    assert!(
        !report.rendered.iter().any(|r| &**r == "sitemap.xml"),
        "{:?}",
        report.rendered
    );
}

#[test]
fn a_tags_save_is_patched_and_posts_by_tag_follow_it() {
    // A tags save moves the post between the tag lists of the kept site instead of
    // resolving it again, and adds or drops the files of tag pages that come or go;
    // `posts(tag=...)` must follow.
    let site = Site::fixture("basic");
    let root = site.root();
    write(
        &root,
        "templates/fresh.html",
        "<!DOCTYPE html><title>Fresh</title>{% for p in posts(tag=\"Workshop Life\") %}<p>{{ p.title }}</p>{% endfor %}",
    );
    write(
        &root,
        "content/fresh.md",
        "+++\ntitle = \"Fresh\"\ntemplate = \"fresh.html\"\n+++\n\nNew in the workshop.\n",
    );
    // A third post in `news`: with hello, two listing pages at the fixture's two a page.
    write(
        &root,
        "content/posts/third.md",
        "+++\ntitle = \"Third\"\ndate = 2025-01-01\ntags = [\"news\"]\n+++\n\nMore news.\n",
    );
    let mut session = session(&root);
    session.rebuild(&[]).unwrap();
    let listed = |session: &Session| {
        String::from_utf8(incremental(session)["fresh/index.html"].clone()).unwrap()
    };
    assert!(listed(&session).contains("<p>Hello, world</p>"));
    // `workshop-life` keeps a post (`bundle`) and `news` two (its second page goes and
    // comes back); `brand new` comes with its page and goes again. Per step: whether
    // `brand new`'s page and `news`'s second page come or go.
    let steps = [
        ("[\"news\"]", false, false),
        ("[\"Workshop Life\"]", false, true),
        ("[]", false, false),
        ("[\"Brand New\", \"Workshop Life\"]", true, false),
        ("[\"news\"]", true, true),
    ];
    for (tags, brand_new_moves, news_page_moves) in steps {
        replace_line(
            &root,
            "content/posts/hello.md",
            "tags = ",
            &format!("tags = {tags}"),
        );
        let report = rebuild_as_clean(&mut session, &root, "content/posts/hello.md");
        assert!(report.patched, "{tags}: {:?}", report.rendered);
        let shown = listed(&session).contains("<p>Hello, world</p>");
        assert_eq!(shown, tags.contains("Workshop"), "{tags}");
        let moved = |path: &str| report.changed.iter().any(|c| c == path);
        let brand_new = moved("tags/brand-new/index.html");
        assert_eq!(brand_new, brand_new_moves, "{tags}: {:?}", report.changed);
        let news_page = moved("tags/news/page/2/index.html");
        assert_eq!(news_page, news_page_moves, "{tags}: {:?}", report.changed);
    }
}

#[test]
fn a_new_slug_moves_the_target_of_the_posts_alias_page() {
    // `hello` has the alias `/old-hello/`, whose redirect page names the post's URL.
    let site = Site::fixture("basic");
    let root = site.root();
    let mut session = session(&root);
    session.rebuild(&[]).unwrap();
    toggle_line(&root, "content/posts/hello.md", "slug = \"hello-there\"");
    session.rebuild(&["content/posts/hello.md".into()]).unwrap();
    let served = incremental(&session);
    let alias = String::from_utf8(served["old-hello/index.html"].clone()).unwrap();
    assert!(alias.contains("/posts/hello-there/"), "{alias}");
    assert_eq!(served, clean_build(&root).unwrap());
}
