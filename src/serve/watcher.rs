//! Turning file-system events into rebuilds.
//!
//! Editors save in many ways: write in place, write a temporary file and rename it over
//! the original (vim, most IDEs), leave swap, backup and lock files (`.swp`, `~`, `4913`,
//! `.#file`). A debouncer folds each burst into one batch; editor leftovers and the
//! output folder are ignored; the rest becomes one rebuild. The rebuild itself re-walks
//! `content/`, so even an event the platform dropped cannot leave the site stale for long.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, new_debouncer};

use crate::error::{Error, Result};
use crate::walk::{Dotfiles, SITE_FOLDERS, skips};

/// How long the events of a save may be apart and still be handled as one. An editor's
/// save (a write, or a temporary file renamed over the original) comes as one burst well
/// inside it; every save waits this long (plus up to a quarter of it: the debouncer's tick)
/// before its rebuild starts, so it is kept short (it was 30 ms until session 14).
pub const DEBOUNCE: Duration = Duration::from_millis(10);

/// Watches a site and yields batches of changed paths.
pub struct Watcher {
    debouncer: notify_debouncer_full::Debouncer<
        notify::RecommendedWatcher,
        notify_debouncer_full::RecommendedCache,
    >,
    batches: mpsc::Receiver<Vec<PathBuf>>,
    root: PathBuf,
    /// Site folders watched so far.
    watched: Vec<PathBuf>,
}

impl Watcher {
    /// Watches `root`'s content, templates, themes, static, data and translation files and
    /// `kudos.toml`, and
    /// `config` wherever it is; `output` is never reported.
    pub fn new(root: &Path, output: &Path, config: &Path) -> Result<Watcher> {
        let (tx, rx) = mpsc::channel();
        let root_owned = root.to_path_buf();
        let output = output.to_path_buf();
        let config_owned = config.to_path_buf();
        let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
            let Ok(events) = result else { return };
            let mut paths: Vec<PathBuf> = events
                .into_iter()
                .filter(|e| changes_contents(&e.event.kind))
                .flat_map(|e| e.event.paths)
                .filter(|p| *p == config_owned || is_relevant(&root_owned, &output, p))
                .collect();
            paths.sort();
            paths.dedup();
            if !paths.is_empty() {
                let _ = tx.send(paths);
            }
        })
        .map_err(|e| Error::Refused(format!("cannot watch {}: {e}", root.display())))?;
        debouncer
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| Error::Refused(format!("cannot watch {}: {e}", root.display())))?;
        // A config elsewhere: its folder, as editors replace the file rather than write it.
        if let Some(folder) = config.parent().filter(|f| *f != root && f.is_dir()) {
            debouncer
                .watch(folder, RecursiveMode::NonRecursive)
                .map_err(|e| Error::Refused(format!("cannot watch {}: {e}", folder.display())))?;
        }
        let mut watcher = Watcher {
            debouncer,
            batches: rx,
            root: root.to_path_buf(),
            watched: Vec::new(),
        };
        watcher.watch_site_folders()?;
        Ok(watcher)
    }

    /// Starts watching the site folders that exist and are not watched yet: a
    /// `templates/` created while `serve` runs is followed from then on. (The rebuild its
    /// creation triggers reads whatever was put in it before the watch started.)
    fn watch_site_folders(&mut self) -> Result<()> {
        // A folder deleted and created again needs a new watch.
        self.watched.retain(|path| path.is_dir());
        for dir in SITE_FOLDERS {
            let path = self.root.join(dir);
            if path.is_dir() && !self.watched.contains(&path) {
                self.debouncer
                    .watch(&path, RecursiveMode::Recursive)
                    .map_err(|e| Error::Refused(format!("cannot watch {}: {e}", path.display())))?;
                self.watched.push(path);
            }
        }
        Ok(())
    }

    /// The next batch of changed paths, waiting at most `timeout`.
    pub fn next(&mut self, timeout: Duration) -> Option<Vec<PathBuf>> {
        let mut batch = self.batches.recv_timeout(timeout).ok()?;
        let _ = self.watch_site_folders();
        // Anything that arrived meanwhile belongs to the same rebuild.
        while let Ok(more) = self.batches.try_recv() {
            batch.extend(more);
        }
        batch.sort();
        batch.dedup();
        Some(batch)
    }
}

/// Writes, creations, removals and renames; not reads (our own rebuild reads every
/// file) nor metadata such as access times.
fn changes_contents(kind: &EventKind) -> bool {
    !matches!(
        kind,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_))
    )
}

/// Whether a changed path can affect the site.
fn is_relevant(root: &Path, output: &Path, path: &Path) -> bool {
    if path.starts_with(output) {
        return false;
    }
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let mut components = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy());
    let Some(first) = components.next() else {
        return false;
    };
    let in_site = first == "kudos.toml" || SITE_FOLDERS.contains(&first.as_ref());
    // Read as the walk reads each folder: static folders keep their dotfiles.
    let dotfiles = Dotfiles::of(relative);
    in_site
        && !relative.components().any(|c| {
            skips(&c.as_os_str().to_string_lossy(), dotfiles)
                || c.as_os_str().to_string_lossy().starts_with(".kudos-")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_site_files_count() {
        let root = Path::new("/site");
        let out = Path::new("/site/public");
        assert!(is_relevant(
            root,
            out,
            Path::new("/site/content/posts/a.md")
        ));
        assert!(is_relevant(root, out, Path::new("/site/kudos.toml")));
        assert!(is_relevant(root, out, Path::new("/site/data/team.toml")));
        assert!(is_relevant(root, out, Path::new("/site/i18n/de.toml")));
        // kudos's own image cache is written by builds, never read as the site.
        assert!(!is_relevant(
            root,
            out,
            Path::new("/site/.kudos-cache/images/0123456789abcdef-480.webp")
        ));
        assert!(!is_relevant(
            root,
            out,
            Path::new("/site/public/index.html")
        ));
        assert!(!is_relevant(
            root,
            out,
            Path::new("/site/content/posts/.a.md.swp")
        ));
        // Static folders are published with their dotfiles, so saves there count.
        for published in [
            "/site/static/.well-known/security.txt",
            "/site/themes/shop/static/.nojekyll",
        ] {
            assert!(is_relevant(root, out, Path::new(published)), "{published}");
        }
        assert!(!is_relevant(
            root,
            out,
            Path::new("/site/content/.notes.md")
        ));
        assert!(!is_relevant(
            root,
            out,
            Path::new("/site/static/.git/config")
        ));
        assert!(!is_relevant(
            root,
            out,
            Path::new("/site/content/posts/4913")
        ));
        assert!(!is_relevant(
            root,
            out,
            Path::new("/site/content/posts/a.md~")
        ));
        assert!(!is_relevant(root, out, Path::new("/site/target/debug/x")));
    }
}
