//! Share cards: time per card on one core, over the demo site and over 1,000 generated
//! posts.
//!
//!     cargo bench --bench cards            (numbers in docs/performance.md)
//!
//! For each site: a clean in-memory build renders every card's SVG (`build::render`),
//! then each card is drawn again on its own (usvg parse and
//! text layout, resvg, PNG encoding: `images::card::rasterise`, no cache) REPS times, and
//! the median per card is printed. Then the whole build is timed with cards on and with
//! `[cards]` all off, without cached cards (photo variants stay cached): the difference per card is everything a card
//! costs a clean build (fitting, the template, drawing, writing); and once more with the
//! cards cached, what a repeat build pays. Everything runs on one rayon thread.

use std::path::Path;
use std::time::{Duration, Instant};

use kudos::build::{self, Project};
use kudos::content::Date;
use kudos::site::BuildOptions;

const REPS: usize = 5;

fn options() -> BuildOptions {
    BuildOptions {
        drafts: false,
        strict: false,
        now: Date::parse("2026-12-01").expect("a date"),
    }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort_unstable();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// A clean in-memory build of `root` and how long it took, after removing the cache
/// entries of `cards` (output paths): photo variants stay cached, cards are drawn.
fn clean_build(root: &Path, cards: &[String]) -> (build::Rendered, Duration) {
    for card in cards {
        let hash = card.trim_start_matches("cards/").trim_end_matches(".png");
        let _ = std::fs::remove_file(root.join(format!(".kudos-cache/images/{hash}-1200.png")));
    }
    let project = Project::new(root, None);
    let config = project.config().expect("the site's config");
    let started = Instant::now();
    let rendered = build::render(&project, config, &options()).expect("the site builds");
    (rendered, started.elapsed())
}

fn bench(name: &str, root: &Path) {
    let (rendered, _) = clean_build(root, &[]);
    let outputs: Vec<String> = rendered.card_sources.keys().cloned().collect();
    let cards: Vec<&String> = rendered.card_sources.values().collect();
    let fonts = &rendered.site.config.card_fonts;
    let mut per_card = Vec::new();
    for svg in &cards {
        let mut times = Vec::with_capacity(REPS);
        for _ in 0..REPS {
            let started = Instant::now();
            let png = kudos::images::card::rasterise(svg, fonts, &|_| None).expect("a card");
            times.push(started.elapsed());
            std::hint::black_box(png);
        }
        per_card.push(median(times));
    }
    let mut sorted = per_card.clone();
    sorted.sort_unstable();
    let p90 = sorted[sorted.len() * 9 / 10];
    // The whole build with and without cards, best of REPS each.
    let toml = root.join("kudos.toml");
    let config = std::fs::read_to_string(&toml).expect("kudos.toml");
    let best = |root: &Path| {
        (0..REPS)
            .map(|_| clean_build(root, &outputs).1)
            .min()
            .expect("runs")
    };
    let with = best(root);
    // Cards cached (the entries the first run of `best` made are kept): what a repeat
    // build pays per card (the SVG, its hash, a look in the cache).
    let warm = (0..REPS)
        .map(|_| clean_build(root, &[]).1)
        .min()
        .expect("runs");
    std::fs::write(
        &toml,
        format!(
            "{config}\n[cards]\nposts = false\nsegments = false\nshoutouts = false\nsite = false\n"
        ),
    )
    .expect("write kudos.toml");
    let without = best(root);
    std::fs::write(&toml, &config).expect("restore kudos.toml");
    let added = with.saturating_sub(without);
    let count = u32::try_from(cards.len()).expect("few cards");
    println!(
        "{name}: {} cards; drawing one: median {}, p90 {}, max {}; clean build {} with cards, {} without: {} per card; with the cards cached {}: {} per card",
        cards.len(),
        ms(median(per_card)),
        ms(p90),
        ms(*sorted.last().expect("a card")),
        ms(with),
        ms(without),
        ms(added / count),
        ms(warm),
        ms(warm.saturating_sub(without) / count),
    );
}

/// A site of `posts` posts with titles and descriptions of every length.
fn generated(posts: usize) -> tempfile::TempDir {
    const WORDS: [&str; 16] = [
        "wooden",
        "toys",
        "workshop",
        "patience",
        "walnut",
        "customers",
        "wholesale",
        "boutique",
        "sanding",
        "grain",
        "gift",
        "parents",
        "letters",
        "ducks",
        "horse",
        "kindness",
    ];
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    std::fs::write(
        root.join("kudos.toml"),
        "title = \"Bench Shop\"\nbase_url = \"https://example.com\"\ndescription = \"A generated shop.\"\n",
    )
    .expect("kudos.toml");
    std::fs::create_dir_all(root.join("content/posts")).expect("content/posts");
    for i in 0..posts {
        let words = |n: usize, from: usize| -> String {
            (0..n)
                .map(|k| WORDS[(from + k * 7) % WORDS.len()])
                .collect::<Vec<_>>()
                .join(" ")
        };
        let title = format!("{i}: {}", words(1 + i % 23, i));
        let description = words(6 + i % 31, i + 3);
        std::fs::write(
            root.join(format!("content/posts/post-{i}.md")),
            format!(
                "+++\ntitle = \"{title}\"\ndate = 2025-01-01\ndescription = \"{description}\"\n+++\n\nPost {i}.\n"
            ),
        )
        .expect("a post");
    }
    dir
}

fn main() {
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build_global()
        .expect("one rayon thread");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let demo = tempfile::tempdir().expect("a temporary folder");
    for part in ["kudos.toml", "content", "static"] {
        let status = std::process::Command::new("cp")
            .args(["-a"])
            .arg(repo.join(part))
            .arg(demo.path())
            .status()
            .expect("cp");
        assert!(status.success());
    }
    bench("demo site", demo.path());
    let thousand = generated(1000);
    bench("1,000 generated posts", thousand.path());
}
