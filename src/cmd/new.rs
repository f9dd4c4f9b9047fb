//! `kudos new post|shoutout|segment|page`: a content file with its front matter filled
//! in. It never overwrites: an existing file is an error that names it.

use std::path::{Path, PathBuf};

use super::Ui;
use crate::build::Project;
use crate::cli::{Cli, NewCommand};
use crate::content::Date;
use crate::error::{Error, Result};
use crate::slug::SlugStyle;

/// Runs `kudos new`: only inside a site, and only below its `content/`.
pub fn run(cli: &Cli, what: &NewCommand, ui: &Ui) -> Result<()> {
    let project = Project::new(&cli.root, cli.config.as_deref());
    if !project.config_path.is_file() {
        return Err(project.missing_config());
    }
    let today = Date::now().format("%Y-%m-%d").unwrap_or_default();
    // Loading re-slugs the file name under the site's rule; a config that does not parse
    // yet is no reason to refuse a new file.
    let slugs = project
        .config()
        .map_or_else(|_| SlugStyle::default(), |c| c.build.slug_style());
    let (relative, text) = file_for(what, &today, slugs)?;
    let path = cli.root.join("content").join(&relative);
    create_new(&path, &text)?;
    ui.info(&format!(
        "Created {}",
        Path::new("content").join(relative).display()
    ));
    Ok(())
}

/// The file a `new` command creates: path below `content/`, and its text. A page path
/// that would leave `content/` is a usage error.
pub fn file_for(what: &NewCommand, today: &str, slugs: SlugStyle) -> Result<(PathBuf, String)> {
    let named =
        |name: &str, folder: &str| PathBuf::from(format!("{folder}/{}.md", slugs.slugify(name)));
    Ok(match what {
        NewCommand::Post { title } => (
            named(title, "posts"),
            format!(
                "+++\ntitle = {}\ndate = {today}\n# description = \"One sentence for search results and link previews.\"\ntags = []\ndraft = true\n+++\n\nWrite the first paragraph here; it becomes the summary.\n\n<!-- more -->\n\nThe rest of the post.\n",
                toml_string(title)
            ),
        ),
        NewCommand::Shoutout { customer } => (
            named(customer, "shoutouts"),
            format!(
                "+++\ncustomer = {}\n# company = \"Their company\"\n# The customer's own rating, 1 to 5, if they gave one:\n# rating =\ndate = {today}\nsegments = []\n# Fill in once the customer has agreed, then remove `draft`.\n# scope: \"quote\" (their words), \"name\" (their name), \"photo\" (their avatar; with \"name\", a `video_url` too),\n# \"social\" (a share card of their words for when the page is shared; the name and\n# photo appear on it only with \"name\" and \"photo\").\n# If the quote is too long for a card, share_excerpt names the exact part it shows:\n# share_excerpt = \"a piece of the quote, word for word\"\n# consent = {{ date = {today}, scope = [\"quote\", \"name\"], proof = \"email\" }}\ndraft = true\n+++\n\nThe customer's own words, exactly as they gave them.\n",
                toml_string(customer)
            ),
        ),
        NewCommand::Segment { name } => (
            named(name, "segments"),
            format!(
                "+++\ntitle = {}\nheadline = \"\"\nlede = \"\"\ncta = {{ label = \"See the shop\", url = \"/\" }}\nshoutout_limit = 6\nfeatured_shoutouts = []\n+++\n\nWhat this page says to {name}: why you care about them in particular.\n",
                toml_string(name)
            ),
        ),
        NewCommand::Page { path } => {
            let clean = path.trim_matches('/').trim_end_matches(".md");
            if let Some(why) = page_path_problem(clean) {
                return Err(Error::Usage(format!(
                    "cannot create the page \"{path}\": {why}; a page path is a path below content/, like \"legal/privacy\""
                )));
            }
            let title = clean
                .rsplit('/')
                .next()
                .unwrap_or(clean)
                .replace(['-', '_'], " ");
            let title = capitalise(&title);
            (
                PathBuf::from(format!("{clean}.md")),
                format!(
                    "+++\ntitle = {}\n# description = \"One sentence for search results and link previews.\"\n+++\n\nThe page's text.\n",
                    toml_string(&title)
                ),
            )
        }
    })
}

/// Why a `new page` path cannot be a file below `content/`: the same rule as every path
/// kudos writes (no `..`, `.`, empty segments, backslashes or control characters).
fn page_path_problem(clean: &str) -> Option<&'static str> {
    crate::output::paths::path_problem(clean).map(|why| {
        if why.starts_with("it has a `..`") {
            "it has a `..` segment, which would leave content/"
        } else {
            why
        }
    })
}

/// Creates `path` with `text`; refuses if anything is already there.
pub fn create_new(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => Error::Refused(format!(
                "{} already exists: kudos never overwrites a file",
                path.display()
            )),
            _ => Error::io(path, e),
        })?;
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io(path, e))
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_quoted_and_slugged() {
        let (path, text) = file_for(
            &NewCommand::Post {
                title: "Say \"thanks\" well".into(),
            },
            "2026-01-02",
            SlugStyle::KeepLetters,
        )
        .unwrap();
        assert_eq!(path, PathBuf::from("posts/say-thanks-well.md"));
        let front = text.split("+++").nth(1).unwrap();
        let parsed: toml::Table = toml::from_str(front).unwrap();
        assert_eq!(parsed["title"].as_str(), Some("Say \"thanks\" well"));
        assert!(text.contains("date = 2026-01-02"));
    }

    #[test]
    fn pages_take_their_path() {
        let (path, text) = file_for(
            &NewCommand::Page {
                path: "legal/privacy-policy".into(),
            },
            "x",
            SlugStyle::KeepLetters,
        )
        .unwrap();
        assert_eq!(path, PathBuf::from("legal/privacy-policy.md"));
        assert!(text.contains("title = \"Privacy policy\""));
    }

    #[test]
    fn page_paths_that_leave_content_are_refused() {
        for bad in ["../escape", "a/../../b", "a//b", "./x", "a\\..\\b", ".."] {
            let what = NewCommand::Page { path: bad.into() };
            assert!(
                matches!(
                    file_for(&what, "x", SlugStyle::KeepLetters),
                    Err(Error::Usage(_))
                ),
                "{bad:?} was accepted"
            );
        }
    }
}
