//! The staging folder: where a build writes its files before any of them reaches the
//! output.
//!
//! It sits beside the output folder (so moving a file into place is a `rename` on one
//! filesystem) and holds a marker file that the build keeps locked. A staging folder
//! whose marker is there but no longer locked belongs to a build that died: the next
//! build removes it. Folders with these names but no such marker are not provably
//! kudos's and are left alone.
//!
//! A file whose new bytes are already in the output is not staged at all: the previous
//! manifest lists it with a [`Stamp`], the file on disk still matches the stamp's
//! [`FileId`] (size, modification and change time, inode) and the new bytes hash the
//! same. When the id does not match (no stamp yet, a file touched or edited by hand) but
//! the size does, the bytes on disk are compared with the new ones instead. Such a file is
//! recorded as kept: the swap leaves it where it is, so its mtime and inode stay, which is
//! what `rsync` and other deploy tools go by.

use std::borrow::Cow;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use xxhash_rust::xxh3::xxh3_128;

use super::manifest::{FileId, Manifest, Stamp};
use super::paths::{check_path, describe, path_problem};
use super::swap::{Staged, swap_in};
use super::target::Target;
use super::{Contents, OutputFile};
use crate::error::{Error, Result};

/// Name prefixes of staging folders (and of the old-output folders earlier versions made).
const PREFIXES: [&str; 2] = [".kudos-staging-", ".kudos-old-"];
/// The marker's name inside a staging folder.
const MARKER: &str = ".kudos-staging";
/// The marker's whole text: written only after the lock is held, so a marker that says
/// this was locked by its build.
const MARKER_TEXT: &str =
    "kudos staging folder: deleted by the next kudos build once no build holds this file locked\n";

/// A folder beside the output that files are written into as they are ready; only
/// [`Staging::commit`] moves them into the output. Dropped without a commit (a failed
/// build), it is deleted and the output stays as it was.
pub struct Staging {
    dir: PathBuf,
    files: PathBuf,
    /// Held (and locked) for as long as the staging folder is in use.
    _marker: std::fs::File,
    target: Target,
    /// The output's manifest when the build started: only files it lists may be kept.
    previous: Option<Manifest>,
    written: Mutex<Vec<Staged>>,
}

impl Staging {
    /// A new, empty staging folder for `target`, after removing what killed builds left.
    pub fn new(target: &Target) -> Result<Staging> {
        let previous = Manifest::read(target.real())?;
        let dir = make_staging_dir(target)?;
        let marker = match lock_marker(&dir) {
            Ok(marker) => marker,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(e);
            }
        };
        let files = dir.join("site");
        if let Err(e) = std::fs::create_dir(&files) {
            remove_staging(&dir);
            return Err(Error::io(&files, e));
        }
        Ok(Staging {
            dir,
            files,
            _marker: marker,
            target: target.clone(),
            previous,
            written: Mutex::new(Vec::new()),
        })
    }

    /// Writes one file (safe to call from several threads), unless the output already
    /// holds these bytes there (see the module docs). The path is checked first; errors
    /// name the output path and the source, never the staging folder.
    pub fn write(&self, file: &OutputFile) -> Result<()> {
        check_path(file)?;
        if matches!(file.contents, Contents::Made(_)) && self.keep(&file.path) {
            return Ok(());
        }
        let fail = |e: std::io::Error| self.write_error(file, e);
        let new = New::of(&file.contents).map_err(fail)?;
        let (hash, kept) = match self.unchanged(&file.path, &new) {
            Some(stamp) => (stamp.hash, Some(stamp.id)),
            None => (self.stage(&file.path, &new).map_err(fail)?, None),
        };
        let copied_from = match &file.contents {
            Contents::Copy(from) | Contents::Made(from) => Some(from.clone()),
            _ => None,
        };
        self.record(Staged {
            path: file.path.clone(),
            copied_from,
            hash,
            kept,
        });
        Ok(())
    }

    /// Keeps the output's file at `path` as it is, without its new bytes, when the caller
    /// knows they are the ones the previous build wrote there (a warm build whose page
    /// fingerprint did not change) and the file still matches its stamp: then `true`,
    /// and the file counts as written. Otherwise `false`, and the caller writes it.
    pub fn keep(&self, path: &str) -> bool {
        if path_problem(path).is_some() {
            return false;
        }
        let Some((id, Some(stamp))) = self.listed_file(path) else {
            return false;
        };
        if id != stamp.id {
            return false;
        }
        self.record(Staged {
            path: path.to_string(),
            copied_from: None,
            hash: stamp.hash,
            kept: Some(stamp.id),
        });
        true
    }

    /// A file of the previous build at `path` in the output, as it is on disk now, with
    /// its stamp in the manifest if it has one; `None` when the previous build did not
    /// list it or it is no longer a regular file.
    fn listed_file(&self, path: &str) -> Option<(FileId, Option<&Stamp>)> {
        let previous = self.previous.as_ref()?;
        if !previous.files.contains(path) {
            return None;
        }
        let id = FileId::of_file(&self.target.real().join(path))?;
        Some((id, previous.stamps.get(path)))
    }

    /// The stamp of the file at `path` in the output if it is kudos's and holds exactly
    /// the new bytes; `None` when anything is unsure (errors included: the file is then
    /// written, and a real problem shows there).
    fn unchanged(&self, path: &str, new: &New) -> Option<Stamp> {
        let (id, stamp) = self.listed_file(path)?;
        if id.len != new.len().ok()? {
            return None;
        }
        match stamp {
            Some(stamp) if stamp.id == id => (new.hash().ok()? == stamp.hash).then_some(*stamp),
            // Unknown or touched since: compare the bytes. The id was taken before the
            // bytes were read, so a change while reading shows as a mismatch next time.
            _ => {
                let there = self.target.real().join(path);
                if !new.same_as(&there).ok()? {
                    return None;
                }
                Some(Stamp {
                    id,
                    hash: new.hash().ok()?,
                })
            }
        }
    }

    /// Notes a file of this build: staged, or kept as it is.
    fn record(&self, staged: Staged) {
        self.written
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(staged);
    }

    /// Writes the new bytes into the staging folder; returns their hash.
    fn stage(&self, path: &str, new: &New) -> std::io::Result<u128> {
        let staged = self.files.join(path);
        if let Some(parent) = staged.parent() {
            std::fs::create_dir_all(parent)?;
        }
        match new {
            New::Memory(bytes) => {
                std::fs::write(&staged, bytes)?;
                Ok(xxh3_128(bytes))
            }
            New::File(from) => {
                std::fs::copy(from, &staged)?;
                // The staged copy's bytes, whatever happens to the source meanwhile.
                hash_file(&staged)
            }
        }
    }

    /// Moves every staged file into the output (see [`swap_in`]), then removes the
    /// staging folder.
    pub fn commit(self) -> Result<()> {
        let written = std::mem::take(
            &mut *self
                .written
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        swap_in(&self.target, &self.files, written, self.previous.as_ref())
        // Dropping removes the staging folder.
    }

    fn write_error(&self, file: &OutputFile, e: std::io::Error) -> Error {
        let why = format!("{e} (writing {})", describe(file));
        Error::io(
            self.target.shown().join(&file.path),
            std::io::Error::new(e.kind(), why),
        )
    }
}

/// A file's new bytes, as they are published: in memory (pages, embedded files, photos
/// rewritten without their metadata, recognised by their first bytes, not their name), or
/// a file copied as it is.
enum New<'a> {
    Memory(Cow<'a, [u8]>),
    File(&'a Path),
}

impl<'a> New<'a> {
    fn of(contents: &'a Contents) -> std::io::Result<New<'a>> {
        Ok(match contents {
            Contents::Bytes(b) => New::Memory(Cow::Borrowed(b)),
            Contents::Static(b) => New::Memory(Cow::Borrowed(b)),
            Contents::Copy(from) | Contents::Made(from)
                if crate::images::metadata::starts_like_photo(from)? =>
            {
                New::Memory(Cow::Owned(super::published_copy(from)?))
            }
            Contents::Copy(from) | Contents::Made(from) => New::File(from),
        })
    }

    fn len(&self) -> std::io::Result<u64> {
        match self {
            New::Memory(bytes) => Ok(bytes.len() as u64),
            New::File(from) => std::fs::metadata(from).map(|m| m.len()),
        }
    }

    fn hash(&self) -> std::io::Result<u128> {
        match self {
            New::Memory(bytes) => Ok(xxh3_128(bytes)),
            New::File(from) => hash_file(from),
        }
    }

    /// The file at `path` holds exactly these bytes.
    fn same_as(&self, path: &Path) -> std::io::Result<bool> {
        match self {
            New::Memory(bytes) => Ok(std::fs::read(path)? == **bytes),
            New::File(from) => same_files(from, path),
        }
    }
}

/// XXH3-128 of a file's bytes, read in blocks.
fn hash_file(path: &Path) -> std::io::Result<u128> {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    let mut file = std::fs::File::open(path)?;
    let mut block = vec![0; 64 * 1024];
    loop {
        match file.read(&mut block)? {
            0 => return Ok(hasher.digest128()),
            n => hasher.update(&block[..n]),
        }
    }
}

/// The two files hold the same bytes, read in blocks side by side.
fn same_files(a: &Path, b: &Path) -> std::io::Result<bool> {
    let (mut a, mut b) = (std::fs::File::open(a)?, std::fs::File::open(b)?);
    let (mut block_a, mut block_b) = (vec![0; 64 * 1024], vec![0; 64 * 1024]);
    loop {
        let n = read_full(&mut a, &mut block_a)?;
        if n != read_full(&mut b, &mut block_b)? || block_a[..n] != block_b[..n] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

/// Reads until `block` is full or the file ends; the number of bytes read.
fn read_full(file: &mut std::fs::File, block: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < block.len() {
        match file.read(&mut block[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// A new staging folder beside the real output folder (the same filesystem, so files
/// move with a rename). If that parent is not writable (an output that is a symlink
/// into a web server's tree), beside the output as the user named it instead; moving
/// then copies across filesystems, just as atomically for readers.
fn make_staging_dir(target: &Target) -> Result<PathBuf> {
    let parents = [target.real().parent(), target.shown().parent()];
    let mut last_error = None;
    for parent in parents.into_iter().flatten() {
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        if let Err(e) = std::fs::create_dir_all(parent) {
            last_error = Some(Error::io(parent, e));
            continue;
        }
        remove_abandoned(parent);
        match tempfile::Builder::new()
            .prefix(PREFIXES[0])
            .tempdir_in(parent)
        {
            Ok(dir) => return Ok(dir.keep()),
            Err(e) => last_error = Some(Error::io(parent, e)),
        }
    }
    Err(last_error.unwrap_or_else(|| {
        Error::Usage(format!("{} has no parent folder", target.shown().display()))
    }))
}

impl Drop for Staging {
    fn drop(&mut self) {
        remove_staging(&self.dir);
    }
}

/// Removes a staging folder with its marker last, so a build killed while removing it
/// leaves a folder the next build still recognises.
fn remove_staging(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir.join("site"));
    let _ = std::fs::remove_file(dir.join(MARKER));
    let _ = std::fs::remove_dir(dir);
}

/// Creates the marker, locks it, and only then writes its text.
fn lock_marker(dir: &Path) -> Result<std::fs::File> {
    let path = dir.join(MARKER);
    let mut marker = std::fs::File::create_new(&path).map_err(|e| Error::io(&path, e))?;
    marker.lock().map_err(|e| Error::io(&path, e))?;
    marker
        .write_all(MARKER_TEXT.as_bytes())
        .map_err(|e| Error::io(&path, e))?;
    Ok(marker)
}

/// Removes the staging folders in `parent` that killed builds left behind. Best effort:
/// a folder that cannot be removed now is tried again by the next build.
fn remove_abandoned(parent: &Path) {
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !PREFIXES.iter().any(|p| name.starts_with(p)) {
            continue;
        }
        let dir = entry.path();
        if is_abandoned(&dir) {
            remove_staging(&dir);
        } else if holds_nothing(&dir) && is_older_than(&dir, UNFINISHED_GRACE) {
            // A build killed while it made the folder, before its marker was complete.
            let _ = std::fs::remove_file(dir.join(MARKER));
            let _ = std::fs::remove_dir(&dir);
        }
    }
}

/// How long a staging folder may stay without a complete marker: making one takes
/// microseconds, so an older one belongs to a build that was killed while making it.
const UNFINISHED_GRACE: std::time::Duration = std::time::Duration::from_secs(60);

/// The folder is empty, or holds only an empty marker: removing it loses nothing.
fn holds_nothing(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.into_iter().all(|entry| {
        entry.is_ok_and(|e| {
            e.file_name() == MARKER && e.metadata().is_ok_and(|m| m.is_file() && m.len() == 0)
        })
    })
}

fn is_older_than(path: &Path, age: std::time::Duration) -> bool {
    std::fs::symlink_metadata(path)
        .and_then(|m| m.modified())
        .is_ok_and(|t| t.elapsed().is_ok_and(|elapsed| elapsed > age))
}

/// A real folder (not a symlink) with a complete marker that no process holds locked.
fn is_abandoned(dir: &Path) -> bool {
    let is_dir = std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir());
    let marker = dir.join(MARKER);
    if !is_dir || std::fs::read_to_string(&marker).ok().as_deref() != Some(MARKER_TEXT) {
        return false;
    }
    std::fs::File::open(&marker).is_ok_and(|file| file.try_lock().is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(dir: &Path) -> Target {
        let root = dir.join("site");
        std::fs::create_dir_all(&root).unwrap();
        Target::check(&root, &root.join("kudos.toml"), &root.join("public")).unwrap()
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".kudos"))
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_dropped_staging_folder_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = target(dir.path());
        let staging = Staging::new(&target).unwrap();
        staging
            .write(&OutputFile::rendered("index.html", "x".into()))
            .unwrap();
        drop(staging);
        assert!(leftovers(&dir.path().join("site")).is_empty());
        assert!(!dir.path().join("site/public").exists());
    }

    #[test]
    fn only_abandoned_marked_folders_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let target = target(dir.path());
        // A build that died: marker complete, nobody holds the lock.
        let dead = site.join(".kudos-staging-dead");
        std::fs::create_dir_all(dead.join("site")).unwrap();
        std::fs::write(dead.join(MARKER), MARKER_TEXT).unwrap();
        // Not provably kudos's: no marker.
        std::fs::create_dir_all(site.join(".kudos-old-unmarked/previous")).unwrap();
        // A build still running: its marker is locked.
        let running = Staging::new(&target).unwrap();
        let running_name = running
            .dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let next = Staging::new(&target).unwrap();
        let next_name = next.dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut expected = vec![".kudos-old-unmarked".to_string(), running_name, next_name];
        expected.sort();
        assert_eq!(leftovers(&site), expected);
    }

    #[test]
    fn a_folder_left_while_it_was_made_is_removed_once_it_is_old() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        let target = target(dir.path());
        let unfinished = site.join(".kudos-staging-unfinished");
        std::fs::create_dir(&unfinished).unwrap();
        std::fs::write(unfinished.join(MARKER), "").unwrap();
        drop(Staging::new(&target).unwrap());
        assert!(
            unfinished.exists(),
            "a young one may be a build starting up"
        );
        let an_hour_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::open(&unfinished)
            .unwrap()
            .set_modified(an_hour_ago)
            .unwrap();
        drop(Staging::new(&target).unwrap());
        assert!(!unfinished.exists());
    }

    #[test]
    fn write_errors_name_the_output_path_and_the_source() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(&target(dir.path())).unwrap();
        let missing = OutputFile {
            path: "logo.svg".into(),
            contents: Contents::Copy("static/logo.svg".into()),
        };
        let message = staging.write(&missing).unwrap_err().to_string();
        assert!(message.contains("site/public/logo.svg: "), "{message}");
        assert!(message.contains("(writing static/logo.svg)"), "{message}");
        assert!(!message.contains(".kudos-staging"), "{message}");
    }

    #[test]
    fn paths_that_climb_out_are_refused_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let staging = Staging::new(&target(dir.path())).unwrap();
        let escape = OutputFile::rendered("../../x/index.html", "x".into());
        assert!(staging.write(&escape).is_err());
        assert!(!dir.path().join("x").exists());
    }
}
