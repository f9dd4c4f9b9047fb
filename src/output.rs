//! Writing a rendered site into its output folder, safely.
//!
//! The output folder is kudos's, but only as far as kudos can prove it: [`Target`]
//! refuses folders that are (or hold, or sit in) the site's sources and non-empty folders
//! kudos did not write; the [`Manifest`] inside the output lists what kudos wrote, so a
//! build replaces or deletes only those files; every written path is checked to stay
//! inside the output ([`paths`]). A build writes into a [`Staging`] folder beside the
//! output and, only when everything succeeded, moves each file over its old version with
//! an atomic rename ([`swap`]): a failed build leaves the output byte-identical, a killed
//! one leaves every file whole, and a reader never finds a file missing.

mod manifest;
pub mod paths;
mod staging;
mod swap;
mod target;

use std::path::PathBuf;

use rayon::prelude::*;

use crate::error::Result;

pub use manifest::{FileId, MANIFEST, Manifest, Stamp};
pub use paths::check_layout;
pub use staging::Staging;
pub use target::Target;

/// Where an output file's bytes come from.
#[derive(Debug, Clone)]
pub enum Contents {
    /// Rendered in memory (shared: `serve` keeps outputs across rebuilds).
    Bytes(std::sync::Arc<[u8]>),
    /// Embedded in the binary (default theme assets).
    Static(&'static [u8]),
    /// Copied from disk (static/ and content assets).
    Copy(PathBuf),
    /// Copied from kudos's cache, where kudos made it earlier (a share card, an image
    /// variant): the file is named by its content, so an output file at its path that
    /// still matches its stamp already holds these bytes, and is kept without reading
    /// either ([`Staging::write`]).
    Made(PathBuf),
}

/// The bytes already published at an output path, asked only for files named by their
/// content (share cards), so the same path means the same bytes. `serve` answers from the
/// output it holds: a rebuild then skips looking for 10k cards in the image cache.
pub type Published<'a> = &'a (dyn Fn(&str) -> Option<std::sync::Arc<[u8]>> + Sync);

/// One file of the output.
#[derive(Debug, Clone)]
pub struct OutputFile {
    /// Path below the output folder, with forward slashes: `posts/hello/index.html`.
    pub path: String,
    /// Its bytes.
    pub contents: Contents,
}

impl OutputFile {
    /// A rendered file.
    pub fn rendered(path: impl Into<String>, text: String) -> Self {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(text.into_bytes().into()),
        }
    }

    /// The file's bytes (reading from disk for copies).
    pub fn bytes(&self) -> std::io::Result<std::borrow::Cow<'_, [u8]>> {
        Ok(match &self.contents {
            Contents::Bytes(b) => (**b).into(),
            Contents::Static(b) => (*b).into(),
            Contents::Copy(p) | Contents::Made(p) => published_copy(p)?.into(),
        })
    }
}

/// The bytes a copied file is published with: a photo (JPEG, PNG, WebP) without its
/// metadata (see [`crate::images::metadata`]), anything else as it is. Build and serve both read
/// copies through this, so neither can publish a camera's GPS position.
pub fn published_copy(from: &std::path::Path) -> std::io::Result<Vec<u8>> {
    let bytes = std::fs::read(from)?;
    crate::images::metadata::strip_metadata(bytes)
        .map_err(|damaged| std::io::Error::new(std::io::ErrorKind::InvalidData, damaged))
}

/// Writes `files` into `target` atomically (see the module docs): `watch` writes each
/// rebuild this way; `build` streams pages into a [`Staging`] itself.
pub fn write_atomically(target: &Target, files: &[OutputFile]) -> Result<()> {
    check_layout(files)?;
    let staging = Staging::new(target)?;
    files.par_iter().try_for_each(|file| staging.write(file))?;
    staging.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, Target) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(&root).unwrap();
        let target = Target::check(&root, &root.join("kudos.toml"), &root.join("public")).unwrap();
        (dir, target)
    }

    fn page(path: &str, text: &str) -> OutputFile {
        OutputFile::rendered(path, text.to_string())
    }

    fn read(dir: &tempfile::TempDir, path: &str) -> String {
        std::fs::read_to_string(dir.path().join("site/public").join(path)).unwrap()
    }

    /// The manifest's lines without the stamps after each file's path.
    fn listed(dir: &tempfile::TempDir) -> String {
        read(dir, MANIFEST)
            .lines()
            .map(|line| line.split('\t').next().unwrap().to_string() + "\n")
            .collect()
    }

    fn beside(dir: &tempfile::TempDir) -> Vec<String> {
        std::fs::read_dir(dir.path().join("site"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn swap_replaces_the_whole_folder() {
        // What kudos wrote is replaced or removed; what it did not write stays.
        let (dir, target) = site();
        let first = [page("index.html", "old"), page("stale/x.html", "old")];
        write_atomically(&target, &first).unwrap();
        let public = dir.path().join("site/public");
        std::fs::write(public.join("mine.txt"), "mine").unwrap();
        std::fs::create_dir(public.join("empty-of-mine")).unwrap();
        write_atomically(&target, &[page("index.html", "new"), page("a/b.html", "b")]).unwrap();
        assert_eq!(read(&dir, "index.html"), "new");
        assert_eq!(read(&dir, "a/b.html"), "b");
        assert!(
            !public.join("stale").exists(),
            "kudos's emptied folder is removed"
        );
        assert_eq!(read(&dir, "mine.txt"), "mine");
        assert!(public.join("empty-of-mine").is_dir(), "not kudos's folder");
        assert_eq!(listed(&dir), "kudos-manifest 2\na/\na/b.html\nindex.html\n");
        assert_eq!(beside(&dir), ["public"], "staging folders are cleaned up");
    }

    #[test]
    fn the_first_build_into_an_empty_folder_moves_it_whole() {
        let (dir, target) = site();
        std::fs::create_dir(dir.path().join("site/public")).unwrap();
        write_atomically(&target, &[page("a/index.html", "a")]).unwrap();
        assert_eq!(read(&dir, "a/index.html"), "a");
        assert_eq!(listed(&dir), "kudos-manifest 2\na/\na/index.html\n");
        assert_eq!(beside(&dir), ["public"]);
    }

    #[test]
    fn a_kudos_folder_with_a_foreign_file_stays_until_it_is_empty() {
        let (dir, target) = site();
        write_atomically(&target, &[page("old/index.html", "old")]).unwrap();
        let public = dir.path().join("site/public");
        std::fs::write(public.join("old/notes.txt"), "mine").unwrap();
        write_atomically(&target, &[page("index.html", "new")]).unwrap();
        assert_eq!(read(&dir, "old/notes.txt"), "mine");
        assert!(!public.join("old/index.html").exists());
        std::fs::remove_file(public.join("old/notes.txt")).unwrap();
        write_atomically(&target, &[page("index.html", "new")]).unwrap();
        assert!(!public.join("old").exists(), "removed once empty");
    }

    #[test]
    fn a_foreign_file_in_the_way_stops_the_build_before_any_change() {
        let (dir, target) = site();
        write_atomically(&target, &[page("index.html", "old")]).unwrap();
        let public = dir.path().join("site/public");
        std::fs::write(public.join("about.html"), "mine").unwrap();
        let manifest = read(&dir, MANIFEST);
        let error = write_atomically(
            &target,
            &[page("index.html", "new"), page("about.html", "x")],
        )
        .unwrap_err();
        assert!(matches!(error, crate::Error::Usage(_)));
        let message = error.to_string();
        assert!(
            message.contains("site/public/about.html: this build would overwrite it"),
            "{message}"
        );
        assert_eq!(read(&dir, "index.html"), "old");
        assert_eq!(read(&dir, "about.html"), "mine");
        assert_eq!(read(&dir, MANIFEST), manifest);
        assert_eq!(beside(&dir), ["public"]);
    }

    #[test]
    fn a_swap_killed_after_replacing_files_in_place_leaves_nothing_trusted_wrongly() {
        // A swap that only replaces listed files writes no manifest before moving them:
        // killed before the final one, it leaves the previous manifest, whose stamps are
        // of the replaced files. The next build must not take them for the new ones.
        let (dir, target) = site();
        let public = dir.path().join("site/public");
        write_atomically(&target, &[page("index.html", "old"), page("a/b.html", "b")]).unwrap();
        let before = read(&dir, MANIFEST);
        write_atomically(&target, &[page("index.html", "new"), page("a/b.html", "b")]).unwrap();
        std::fs::write(public.join(MANIFEST), &before).unwrap();
        // Same length as the stamp's bytes and different ones: only a byte compare tells.
        write_atomically(&target, &[page("index.html", "old"), page("a/b.html", "b")]).unwrap();
        assert_eq!(read(&dir, "index.html"), "old");
        std::fs::write(public.join(MANIFEST), &before).unwrap();
        write_atomically(&target, &[page("index.html", "new"), page("a/b.html", "b")]).unwrap();
        assert_eq!(read(&dir, "index.html"), "new");
        assert_eq!(listed(&dir), "kudos-manifest 2\na/\na/b.html\nindex.html\n");
    }

    #[test]
    fn a_file_may_become_a_folder_and_back() {
        let (dir, target) = site();
        write_atomically(&target, &[page("a", "file")]).unwrap();
        write_atomically(&target, &[page("a/index.html", "in a folder")]).unwrap();
        assert_eq!(read(&dir, "a/index.html"), "in a folder");
        write_atomically(&target, &[page("a", "file again")]).unwrap();
        assert_eq!(read(&dir, "a"), "file again");
        assert_eq!(listed(&dir), "kudos-manifest 2\na\n");
    }

    #[test]
    fn removal_never_follows_a_symlink_out_of_the_output() {
        let (dir, target) = site();
        write_atomically(&target, &[page("posts/a.html", "a")]).unwrap();
        let public = dir.path().join("site/public");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&elsewhere).unwrap();
        std::fs::write(elsewhere.join("a.html"), "precious").unwrap();
        std::fs::remove_file(public.join("posts/a.html")).unwrap();
        std::fs::remove_dir(public.join("posts")).unwrap();
        std::os::unix::fs::symlink(&elsewhere, public.join("posts")).unwrap();
        write_atomically(&target, &[page("index.html", "x")]).unwrap();
        assert_eq!(
            std::fs::read_to_string(elsewhere.join("a.html")).unwrap(),
            "precious"
        );
    }

    /// A file's inode and modification time.
    fn seen(dir: &tempfile::TempDir, path: &str) -> (u64, std::time::SystemTime) {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(dir.path().join("site/public").join(path)).unwrap();
        (m.ino(), m.modified().unwrap())
    }

    fn an_hour_ago() -> std::time::SystemTime {
        std::time::SystemTime::now() - std::time::Duration::from_secs(3600)
    }

    /// Sets a file's modification time an hour into the past.
    fn age(dir: &tempfile::TempDir, path: &str) {
        std::fs::File::options()
            .write(true)
            .open(dir.path().join("site/public").join(path))
            .unwrap()
            .set_modified(an_hour_ago())
            .unwrap();
    }

    #[test]
    fn unchanged_files_are_left_alone_and_changed_ones_replaced() {
        let (dir, target) = site();
        let copied = dir.path().join("logo.svg");
        std::fs::write(&copied, "<svg/>").unwrap();
        let files = |index: &str| {
            vec![
                page("index.html", index),
                page("a/b.html", "b"),
                OutputFile {
                    path: "logo.svg".into(),
                    contents: Contents::Copy(copied.clone()),
                },
            ]
        };
        write_atomically(&target, &files("one")).unwrap();
        let manifest = seen(&dir, MANIFEST);
        let before: Vec<_> = ["index.html", "a/b.html", "logo.svg"]
            .iter()
            .map(|p| seen(&dir, p))
            .collect();
        write_atomically(&target, &files("one")).unwrap();
        for (path, was) in ["index.html", "a/b.html", "logo.svg"].iter().zip(&before) {
            assert_eq!(&seen(&dir, path), was, "{path} was rewritten");
        }
        assert_eq!(
            seen(&dir, MANIFEST),
            manifest,
            "nothing changed, nor did the manifest"
        );
        write_atomically(&target, &files("two")).unwrap();
        assert_eq!(read(&dir, "index.html"), "two");
        assert_ne!(seen(&dir, "index.html"), before[0]);
        assert_eq!(seen(&dir, "a/b.html"), before[1]);
        assert_eq!(seen(&dir, "logo.svg"), before[2]);
        assert_eq!(beside(&dir), ["public"]);
    }

    #[test]
    fn a_touched_file_is_compared_and_kept_an_edited_one_rewritten() {
        let (dir, target) = site();
        let files = [page("same.html", "same"), page("edited.html", "right")];
        write_atomically(&target, &files).unwrap();
        // Touched: only its mtime changed. Edited: same size, mtime set back as it was.
        age(&dir, "same.html");
        let (_, mtime) = seen(&dir, "edited.html");
        std::fs::write(dir.path().join("site/public/edited.html"), "wrong").unwrap();
        std::fs::File::options()
            .write(true)
            .open(dir.path().join("site/public/edited.html"))
            .unwrap()
            .set_modified(mtime)
            .unwrap();
        let touched = seen(&dir, "same.html");
        write_atomically(&target, &files).unwrap();
        assert_eq!(seen(&dir, "same.html"), touched, "equal bytes are kept");
        assert_eq!(read(&dir, "edited.html"), "right");
    }

    #[test]
    fn a_version_1_manifest_is_adopted_by_comparing_bytes() {
        let (dir, target) = site();
        write_atomically(&target, &[page("index.html", "x"), page("a/b.html", "b")]).unwrap();
        std::fs::write(
            dir.path().join("site/public").join(MANIFEST),
            "kudos-manifest 1\na/\na/b.html\nindex.html\n",
        )
        .unwrap();
        age(&dir, "index.html");
        let kept = seen(&dir, "index.html");
        write_atomically(&target, &[page("index.html", "x"), page("a/b.html", "new")]).unwrap();
        assert_eq!(seen(&dir, "index.html"), kept);
        assert_eq!(read(&dir, "a/b.html"), "new");
        let manifest = Manifest::read(&dir.path().join("site/public"))
            .unwrap()
            .unwrap();
        assert_eq!(
            manifest.stamps.keys().collect::<Vec<_>>(),
            ["a/b.html", "index.html"],
            "stamped from now on"
        );
    }

    #[test]
    fn a_kept_file_that_changes_during_the_build_fails_it_without_a_change() {
        let (dir, target) = site();
        write_atomically(&target, &[page("index.html", "x"), page("a.html", "a")]).unwrap();
        let staging = Staging::new(&target).unwrap();
        staging.write(&page("index.html", "x")).unwrap();
        staging.write(&page("a.html", "new")).unwrap();
        std::fs::write(dir.path().join("site/public/index.html"), "y").unwrap();
        let manifest = read(&dir, MANIFEST);
        let message = staging.commit().unwrap_err().to_string();
        assert!(
            message.contains("changed while kudos was building"),
            "{message}"
        );
        assert!(message.contains("site/public/index.html"), "{message}");
        assert_eq!(read(&dir, "a.html"), "a");
        assert_eq!(read(&dir, MANIFEST), manifest);
        assert_eq!(beside(&dir), ["public"]);
    }
}
