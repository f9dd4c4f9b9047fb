//! `kudos init [DIR]`: a small site that builds, to start from, and a workflow that
//! publishes it on GitHub Pages.

use std::path::Path;

use super::new::create_new;
use super::{Ui, counted};
use crate::cli::{Cli, InitArgs};
use crate::content::Date;
use crate::error::{Error, Result};

/// Runs `kudos init`.
pub fn run(cli: &Cli, args: &InitArgs, ui: &Ui) -> Result<()> {
    let dir = args.dir.clone().unwrap_or_else(|| cli.root.clone());
    let non_empty = std::fs::read_dir(&dir).is_ok_and(|mut entries| entries.next().is_some());
    if non_empty && !args.force {
        return Err(Error::Refused(format!(
            "{} is not empty: run `kudos init` in a new folder, or add --force (existing files are kept)",
            dir.display()
        )));
    }
    let today = Date::now().format("%Y-%m-%d").unwrap_or_default();
    let (mut added, mut kept) = (Vec::new(), Vec::new());
    for (path, text) in scaffold(&today) {
        let target = dir.join(path);
        if target.exists() {
            kept.push(path);
            continue;
        }
        create_new(&target, &text)?;
        added.push(path);
    }
    for path in &kept {
        ui.info(&format!("kept existing {path}"));
    }
    ui.info(&summary(&dir, &added, kept.len()));
    Ok(())
}

/// The closing line: a new site, or (with `--force` over an existing folder) exactly
/// what was added, so nobody reads "Created" when nothing was.
fn summary(dir: &Path, added: &[&str], kept: usize) -> String {
    let next = format!("Next: cd {} && kudos build", dir.display());
    if kept == 0 {
        format!("Created a kudos site in {}. {next}", dir.display())
    } else if added.is_empty() {
        format!(
            "Added nothing to {}: it already has every file `kudos init` writes.",
            dir.display()
        )
    } else {
        format!(
            "Added {} to {} ({}); kept {}. {next}",
            counted(added.len(), "file"),
            dir.display(),
            added.join(", "),
            counted(kept, "existing file"),
        )
    }
}

/// The GitHub Pages workflow. It installs the very version of kudos that wrote it, so a
/// site keeps building the same way until its owner changes the version on purpose.
const PAGES_WORKFLOW: &str = include_str!("pages.yml");

/// Every file of a new site.
fn scaffold(today: &str) -> Vec<(&'static str, String)> {
    vec![
        ("kudos.toml", "title = \"My shop\"\n# Where the site is published (.github/workflows/pages.yml passes GitHub's own address).\nbase_url = \"https://example.com\"\ndescription = \"Things we make, and what our customers say about them.\"\nlanguage = \"en\"\ntheme = \"kudos\"\n\n[build]\npaginate = 10\n\n[shoutouts]\nrequire_consent = true\n\n[deploy]\n# The host, so the build adds its own files: \"github\" (GitHub Pages), \"netlify\",\n# \"cloudflare\", \"s3\" or \"none\".\nhost = \"github\"\n".into()),
        ("content/_index.md", "+++\ntitle = \"My shop\"\n+++\n\nWelcome. This is the home page's copy: edit `content/_index.md`.\n".into()),
        ("content/about.md", "+++\ntitle = \"About\"\ndescription = \"Who we are.\"\n+++\n\n## Who we are\n\nTell visitors who makes what you sell, and why you care.\n".into()),
        ("content/posts/hello.md", format!("+++\ntitle = \"Hello\"\ndate = {today}\ndescription = \"Our first post.\"\ntags = [\"news\"]\nsegments = [\"regulars\"]\n+++\n\nThe first paragraph is the summary.\n\n<!-- more -->\n\n## Why we started\n\nWrite the rest here. See [the about page](@/about.md).\n")),
        ("content/shoutouts/ada-example.md", format!("+++\ncustomer = \"Ada Example\"\ncompany = \"Example Ltd\"\nrating = 5\ndate = {today}\nsegments = [\"regulars\"]\nfeatured = true\nconsent = {{ date = {today}, scope = [\"quote\", \"name\"], proof = \"email\" }}\n+++\n\nThey remembered my order from last year and asked how it held up.\n")),
        ("content/shoutouts/sam-sample.md", format!("+++\ncustomer = \"Sam Sample\"\nlocation = \"Leeds\"\nrating = 4\ndate = {today}\nsegments = [\"regulars\"]\nconsent = {{ date = {today}, scope = [\"quote\"], proof = \"form\" }}\n+++\n\nQuick replies, and a handwritten note in the parcel.\n")),
        ("content/segments/regulars.md", "+++\ntitle = \"Regulars\"\nheadline = \"For the people who keep coming back\"\nlede = \"You know us already; here is what is new.\"\ncta = { label = \"Read the latest\", url = \"/posts/\" }\n+++\n\nA page for returning customers.\n".into()),
        (".github/workflows/pages.yml", PAGES_WORKFLOW.replace("{version}", env!("CARGO_PKG_VERSION"))),
    ]
}
