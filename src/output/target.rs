//! Which folders kudos may build into.
//!
//! The output folder is kudos's alone: a build replaces what it wrote there before. So a
//! folder that is (or holds, or sits inside) the site's sources, an existing file, or a
//! non-empty folder that kudos did not write is refused before anything is rendered.
//! Paths are compared after normalisation: `..` is resolved and symlinks are followed
//! (the deepest existing ancestor is canonicalised), so `--output ../site` or a symlink to
//! `content/` is recognised for what it is.

use std::path::{Path, PathBuf};

use super::manifest::{MANIFEST, Manifest};
use crate::error::{Error, Result};
use crate::walk::normalise;

/// The folders of a site that hold its sources.
const SOURCE_FOLDERS: [&str; 4] = ["content", "static", "templates", "themes"];

/// An output folder that passed the checks: only a `Target` can be staged into.
#[derive(Debug, Clone)]
pub struct Target {
    shown: PathBuf,
    real: PathBuf,
}

impl Target {
    /// Checks `output` as the output folder of the site at `root` with config file
    /// `config`; a refusal is a usage error that says why.
    pub fn check(root: &Path, config: &Path, output: &Path) -> Result<Target> {
        let refuse = |why: String| {
            Error::Usage(format!(
                "refusing to build into {}: {why}",
                output.display()
            ))
        };
        let io = |path: &Path, e| Error::io(path, e);
        let real = normalise(output).map_err(|e| io(output, e))?;
        let real_root = normalise(root).map_err(|e| io(root, e))?;
        if real == real_root {
            return Err(refuse("it is the site's own folder, and a build replaces what is in its output folder; use a folder of its own such as `public`".into()));
        }
        if real_root.starts_with(&real) {
            return Err(refuse(format!(
                "it contains the site ({}); use a folder of its own inside the site, such as `public`",
                root.display()
            )));
        }
        for name in SOURCE_FOLDERS {
            let source = normalise(&root.join(name)).map_err(|e| io(root, e))?;
            if real.starts_with(&source) {
                return Err(refuse(format!(
                    "it is inside the site's {name}/ folder, which holds sources; use a folder of its own such as `public`"
                )));
            }
            if source.starts_with(&real) {
                return Err(refuse(format!("it contains the site's {name}/ folder")));
            }
        }
        check_existing(&real, &refuse)?;
        let real_config = normalise(config).map_err(|e| io(config, e))?;
        if real_config.starts_with(&real) {
            return Err(refuse(format!(
                "it contains the config file {}",
                config.display()
            )));
        }
        Ok(Target {
            shown: output.to_path_buf(),
            real,
        })
    }

    /// The folder as the user named it, for messages.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    /// The folder with symlinks resolved: where files really go.
    pub fn real(&self) -> &Path {
        &self.real
    }
}

/// An existing output must be a folder, and empty or kudos's own (it has a manifest).
fn check_existing(real: &Path, refuse: &dyn Fn(String) -> Error) -> Result<()> {
    let metadata = match std::fs::metadata(real) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(real, e)),
    };
    if !metadata.is_dir() {
        return Err(refuse("it is a file, not a folder".into()));
    }
    if Manifest::is_in(real)? {
        return Ok(());
    }
    let mut entries = std::fs::read_dir(real).map_err(|e| Error::io(real, e))?;
    if entries.next().is_none() {
        return Ok(());
    }
    let hint = if looks_like_old_kudos_output(real) {
        format!(
            "it looks like the output of an earlier kudos, which did not yet list the files it wrote (in {MANIFEST}): delete the folder once and build again, and kudos keeps track of its files from then on"
        )
    } else {
        "kudos never overwrites or deletes files it did not write: choose an empty or new folder, or empty this one yourself".into()
    };
    Err(refuse(format!(
        "it is not empty and was not written by kudos (there is no {MANIFEST} in it); {hint}"
    )))
}

/// The files every kudos build writes are there: the feed names kudos as its generator,
/// or the sitemap, 404 page and highlighting stylesheet are all present. Only the
/// message depends on this: kudos never adopts a folder it cannot prove is its own.
fn looks_like_old_kudos_output(dir: &Path) -> bool {
    let feed = std::fs::read_to_string(dir.join("atom.xml")).unwrap_or_default();
    feed.contains("<generator uri=\"https://crates.io/crates/kudos\">")
        || ["sitemap.xml", "404.html", "syntax.css"]
            .iter()
            .all(|f| dir.join(f).is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        for folder in ["content/posts", "static", "templates"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        std::fs::write(root.join("kudos.toml"), "title = \"x\"").unwrap();
        dir
    }

    fn check(dir: &tempfile::TempDir, output: &str) -> Result<Target> {
        let root = dir.path().join("site");
        Target::check(&root, &root.join("kudos.toml"), &root.join(output))
    }

    fn refusal(dir: &tempfile::TempDir, output: &str) -> String {
        match check(dir, output) {
            Err(Error::Usage(message)) => message,
            other => panic!("{output} was not refused: {other:?}"),
        }
    }

    #[test]
    fn a_new_or_empty_folder_is_fine() {
        let dir = site();
        assert!(check(&dir, "public").is_ok());
        std::fs::create_dir(dir.path().join("site/public")).unwrap();
        assert!(check(&dir, "public").is_ok());
        assert!(check(&dir, "../elsewhere/out").is_ok());
    }

    #[test]
    fn the_site_its_parents_and_its_sources_are_refused() {
        let dir = site();
        assert!(refusal(&dir, ".").contains("the site's own folder"));
        assert!(refusal(&dir, "../site").contains("the site's own folder"));
        assert!(refusal(&dir, "..").contains("it contains the site"));
        assert!(refusal(&dir, "content").contains("inside the site's content/ folder"));
        assert!(refusal(&dir, "content/posts/out").contains("content/"));
        assert!(refusal(&dir, "static").contains("static/"));
        assert!(refusal(&dir, "templates/x/../y").contains("templates/"));
        assert!(refusal(&dir, "themes/out").contains("themes/"));
    }

    #[test]
    fn a_symlink_to_a_source_folder_is_seen_through() {
        let dir = site();
        std::os::unix::fs::symlink(dir.path().join("site/content"), dir.path().join("link"))
            .unwrap();
        assert!(refusal(&dir, "../link").contains("content/"));
        assert!(refusal(&dir, "../link/posts/x/..").contains("content/"));
    }

    #[test]
    fn a_file_and_a_foreign_folder_are_refused() {
        let dir = site();
        assert!(refusal(&dir, "kudos.toml").contains("it is a file, not a folder"));
        std::fs::write(dir.path().join("site/notes.txt"), "mine").unwrap();
        assert!(refusal(&dir, "notes.txt").contains("it is a file, not a folder"));
        std::fs::create_dir(dir.path().join("other")).unwrap();
        std::fs::write(dir.path().join("other/mine.txt"), "mine").unwrap();
        assert!(refusal(&dir, "../other").contains("was not written by kudos"));
    }

    #[test]
    fn old_kudos_output_gets_a_message_saying_what_to_do() {
        let dir = site();
        let public = dir.path().join("site/public");
        std::fs::create_dir(&public).unwrap();
        for f in ["sitemap.xml", "404.html", "syntax.css", "index.html"] {
            std::fs::write(public.join(f), "x").unwrap();
        }
        assert!(refusal(&dir, "public").contains("the output of an earlier kudos"));
        Manifest::default().write(&public).unwrap();
        assert!(
            check(&dir, "public").is_ok(),
            "with a manifest it is kudos's"
        );
    }
}
