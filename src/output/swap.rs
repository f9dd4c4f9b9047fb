//! Moving a staged build into the output folder so that a reader never notices.
//!
//! Each staged file is `rename`d over its place in the output: atomic per file, so a web
//! server reading `public/` sees the old file or the new one, never a missing or
//! half-written one. Files whose bytes did not change were never staged (see
//! [`super::staging`]): they stay as they are, mtime and inode included. The order makes
//! every moment safe:
//!
//! 1. plan: every file that would be replaced, and every folder in the way, must be
//!    kudos's (listed in the previous manifest), and every file kept as it is must still
//!    be as it was found; otherwise nothing is changed at all;
//! 2. write a manifest listing the old files *and* the new ones, so a build killed from
//!    here on leaves an output whose every file kudos can still recognise (only kept
//!    files keep their stamps in it: a replaced file is compared byte for byte next time);
//!    skipped when every changed file replaces one the previous manifest lists (a warm
//!    build after an edit), whose old stamp cannot match the replacement;
//! 3. make missing folders, move every changed file into place;
//! 4. remove what the previous build wrote and this one did not (and folders kudos made
//!    that are now empty);
//! 5. write the final manifest, with a stamp for every file, unless it is the previous
//!    one unchanged.
//!
//! A build that changes no file skips step 2 and, when nothing was stale either, leaves
//! the manifest alone too: the output folder is not touched at all. The first build into
//! a missing or empty folder skips all that: it renames the staged folder into place
//! whole.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::manifest::{FileId, Manifest, Stamp};
use super::paths::ancestors;
use super::target::Target;
use crate::error::{Error, Result};

/// One file of the build: staged, or kept as it is in the output.
#[derive(Debug, Clone)]
pub struct Staged {
    /// Its path below the output folder.
    pub path: String,
    /// The file it was copied from, for messages.
    pub copied_from: Option<PathBuf>,
    /// XXH3-128 of its bytes.
    pub hash: u128,
    /// `Some` when the output already holds exactly these bytes, with the file's id when
    /// that was found: nothing was staged, and the file stays where it is.
    pub kept: Option<FileId>,
}

/// Moves the files staged in `staged` into `target`'s folder; `previous` is the output's
/// manifest that the staging read when the build started (`None`: there was none).
pub fn swap_in(
    target: &Target,
    staged: &Path,
    written: Vec<Staged>,
    previous: Option<&Manifest>,
) -> Result<()> {
    let out = target.real();
    let fresh = previous.is_none() && is_missing_or_empty(out);
    let none = Manifest::default();
    let had_manifest = previous.is_some();
    let previous = previous.unwrap_or(&none);
    let plan = Plan::make(target, previous, &written)?;
    if fresh && move_whole(&plan, staged, out)? {
        return Ok(());
    }
    std::fs::create_dir_all(out).map_err(|e| Error::io(target.shown(), e))?;
    if plan.adds_to(previous) {
        plan.union(previous).write(out)?;
    }
    plan.clear_way(out)?;
    plan.make_dirs(target)?;
    let placed = plan
        .moves
        .par_iter()
        .map(|(path, hash)| {
            let to = out.join(path);
            place(&staged.join(path), &to).map_err(|e| Error::io(target.shown().join(path), e))?;
            Ok(stamp_of(&to, *hash).map(|stamp| (path.clone(), stamp)))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut finished = plan.remove_stale(out, previous);
    finished.files.extend(plan.files.iter().cloned());
    finished
        .stamps
        .extend(plan.kept.iter().map(|(p, s)| (p.clone(), *s)));
    finished.stamps.extend(placed.into_iter().flatten());
    if had_manifest && finished == *previous {
        return Ok(());
    }
    finished.write(out)
}

/// The stamp of the file at `path`, whose bytes hash to `hash`; `None` if it cannot be
/// read (the next build then compares its bytes).
fn stamp_of(path: &Path, hash: u128) -> Option<Stamp> {
    FileId::of_file(path).map(|id| Stamp { id, hash })
}

/// Nothing is there yet, so there is nothing a reader could miss.
fn is_missing_or_empty(out: &Path) -> bool {
    match std::fs::read_dir(out) {
        Ok(mut entries) => entries.next().is_none(),
        Err(e) => e.kind() == std::io::ErrorKind::NotFound,
    }
}

/// The first build into a missing or empty folder: the staged folder, manifest
/// included, is renamed into place whole (one atomic rename; `rename` replaces an empty
/// folder). `false` if that was not possible (another filesystem, the folder filled up
/// meanwhile): the caller then moves file by file.
fn move_whole(plan: &Plan, staged: &Path, out: &Path) -> Result<bool> {
    // Moving a folder changes no time of the files in it: stamps taken here stay true.
    let stamps = plan
        .moves
        .par_iter()
        .filter_map(|(path, hash)| Some((path.clone(), stamp_of(&staged.join(path), *hash)?)))
        .collect();
    let manifest = Manifest {
        files: plan.files.clone(),
        dirs: plan.needed_dirs.clone(),
        stamps,
    };
    manifest.write(staged)?;
    if std::fs::rename(staged, out).is_ok() {
        return Ok(true);
    }
    let staged_manifest = staged.join(super::MANIFEST);
    std::fs::remove_file(&staged_manifest).map_err(|e| Error::io(&staged_manifest, e))?;
    Ok(false)
}

/// What a swap will do, worked out before anything is changed.
struct Plan {
    /// Every file of the new build.
    files: BTreeSet<String>,
    /// The staged files, to move into place, with their hashes.
    moves: Vec<(String, u128)>,
    /// The files kept as they are in the output, with their stamps.
    kept: BTreeMap<String, Stamp>,
    /// The folders the new files are in.
    needed_dirs: BTreeSet<String>,
    /// Needed folders that do not exist yet (kudos makes them, and records them).
    new_dirs: BTreeSet<String>,
    /// Previous kudos files and folders standing where the new build needs a folder or
    /// a file: removed just before the move.
    in_the_way: Vec<String>,
}

/// A file of the build, looked at just before the swap.
enum Looked {
    /// In the staging folder, to move into place.
    Staged,
    /// Kept, and still as the staging found it.
    AsFound(Stamp),
    /// Kept, but changed since the staging found it up to date.
    ChangedSince,
}

/// What is at a path in the output.
enum Found {
    Nothing,
    Folder,
    /// A file, a symlink, anything else that is not a real folder.
    Other,
}

fn found_at(path: &Path) -> Found {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => Found::Folder,
        Ok(_) => Found::Other,
        Err(_) => Found::Nothing,
    }
}

impl Plan {
    /// Checks every new file against what is in the output; lists every conflict.
    fn make(target: &Target, previous: &Manifest, written: &[Staged]) -> Result<Plan> {
        let out = target.real();
        let files: BTreeSet<String> = written.iter().map(|s| s.path.clone()).collect();
        let needed_dirs: BTreeSet<String> = files
            .iter()
            .flat_map(|f| ancestors(f))
            .map(str::to_string)
            .collect();
        let mut plan = Plan {
            files,
            moves: Vec::new(),
            kept: BTreeMap::new(),
            needed_dirs,
            new_dirs: BTreeSet::new(),
            in_the_way: Vec::new(),
        };
        let mut conflicts = Vec::new();
        let mut changed = Vec::new();
        // One `stat` per kept file, on every core: tens of thousands after a small edit.
        let looked: Vec<Looked> = written
            .par_iter()
            .map(|staged| match staged.kept {
                None => Looked::Staged,
                Some(id) => match stamp_of(&out.join(&staged.path), staged.hash) {
                    Some(stamp) if stamp.id == id => Looked::AsFound(stamp),
                    _ => Looked::ChangedSince,
                },
            })
            .collect();
        for (staged, looked) in written.iter().zip(looked) {
            match looked {
                Looked::Staged => plan.moves.push((staged.path.clone(), staged.hash)),
                Looked::AsFound(stamp) => _ = plan.kept.insert(staged.path.clone(), stamp),
                Looked::ChangedSince => {
                    changed.push(target.shown().join(&staged.path).display().to_string())
                }
            }
        }
        if !changed.is_empty() {
            return Err(Error::Usage(format!(
                "files in the output folder {} changed while kudos was building (something else writes into it?):\n  {}\nkudos had found them up to date, so this build holds no new copy of them; nothing was changed: build again",
                target.shown().display(),
                changed.join("\n  ")
            )));
        }
        let dirs_found: Vec<Found> = plan
            .needed_dirs
            .par_iter()
            .map(|dir| found_at(&out.join(dir)))
            .collect();
        let (mut new_dirs, mut in_the_way) = (Vec::new(), Vec::new());
        for (dir, found) in plan.needed_dirs.iter().zip(dirs_found) {
            match found {
                Found::Nothing => new_dirs.push(dir.clone()),
                Found::Folder => {}
                Found::Other if previous.files.contains(dir) => {
                    in_the_way.push(dir.clone());
                    new_dirs.push(dir.clone());
                }
                Found::Other => conflicts.push(format!(
                    "{}: this build needs a folder there (it is not a folder, and kudos did not write it)",
                    target.shown().join(dir).display()
                )),
            }
        }
        plan.new_dirs.extend(new_dirs);
        plan.in_the_way.extend(in_the_way);
        // A kept file was just found to be the file kudos left there: only the others
        // are looked at.
        let moved: Vec<&Staged> = written.iter().filter(|s| s.kept.is_none()).collect();
        let files_found: Vec<Found> = moved
            .par_iter()
            .map(|staged| found_at(&out.join(&staged.path)))
            .collect();
        for (staged, found) in moved.into_iter().zip(files_found) {
            let path = &staged.path;
            let source = match &staged.copied_from {
                Some(from) => format!("copied from {}", from.display()),
                None => "a page kudos generates".into(),
            };
            let shown = target.shown().join(path);
            match found {
                Found::Nothing => {}
                Found::Other if previous.files.contains(path) => {}
                Found::Other => conflicts.push(format!(
                    "{}: this build would overwrite it with {source}, and kudos did not write it",
                    shown.display()
                )),
                Found::Folder if only_kudos_entries(out, path, previous) => {
                    plan.in_the_way.push(path.clone())
                }
                Found::Folder => conflicts.push(format!(
                    "{}: this build writes a file there ({source}), but it is a folder that holds files kudos did not write",
                    shown.display()
                )),
            }
        }
        if conflicts.is_empty() {
            return Ok(plan);
        }
        Err(Error::Usage(format!(
            "the output folder {} holds files that kudos did not write and this build would replace:\n  {}\nkudos never overwrites or deletes a file it did not write: move them out of the output folder (or delete them) and build again; nothing was changed",
            target.shown().display(),
            conflicts.join("\n  ")
        )))
    }

    /// Whether a build killed during this swap could leave a file or folder the previous
    /// manifest does not list (a new one, or one in the way), so that step 2 (see the
    /// module docs) must write the union first. Files replaced where they were need no
    /// new manifest: a replacement is a new inode, so their old stamps never vouch for it
    /// and the next build compares its bytes (where files have no inode, every
    /// replacement writes the union, as before).
    fn adds_to(&self, previous: &Manifest) -> bool {
        let replaced_in_place = |path: &String| cfg!(unix) && previous.files.contains(path);
        !self.in_the_way.is_empty()
            || !self.new_dirs.is_empty()
            || !self.moves.iter().all(|(path, _)| replaced_in_place(path))
    }

    /// The previous manifest plus everything this build is about to write or make.
    /// Only kept files keep a stamp: the others may be replaced at any moment from here on.
    fn union(&self, previous: &Manifest) -> Manifest {
        let mut union = previous.clone();
        union.files.extend(self.files.iter().cloned());
        union.dirs.extend(self.new_dirs.iter().cloned());
        union.stamps = self.kept.clone();
        union
    }

    /// Removes the previous build's files and folders that stand where this one needs
    /// something else (a file that became a folder, or the other way round).
    fn clear_way(&self, out: &Path) -> Result<()> {
        for path in &self.in_the_way {
            let full = out.join(path);
            let removed = match found_at(&full) {
                Found::Folder => std::fs::remove_dir_all(&full),
                Found::Other => std::fs::remove_file(&full),
                Found::Nothing => Ok(()),
            };
            removed.map_err(|e| Error::io(&full, e))?;
        }
        Ok(())
    }

    /// Makes the folders that were missing, parents first (a parent sorts before its
    /// children). Cleared ones count as missing; existing ones are not asked again.
    fn make_dirs(&self, target: &Target) -> Result<()> {
        for dir in &self.new_dirs {
            let full = target.real().join(dir);
            match std::fs::create_dir(&full) {
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                    return Err(Error::io(target.shown().join(dir), e));
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Removes the previous build's files that this one did not write, then the folders
    /// kudos made that are no longer needed and are empty. Returns the manifest of what
    /// remains kudos's besides the new files: folders in use, and anything that could
    /// not be removed (a later build tries again).
    fn remove_stale(&self, out: &Path, previous: &Manifest) -> Manifest {
        let mut kept = Manifest::default();
        for path in previous.files.difference(&self.files) {
            let full = out.join(path);
            let inside = real_folders_all_the_way(out, path);
            if inside && remove_if_file(&full).is_err() {
                kept.files.insert(path.clone());
            }
        }
        let made: BTreeSet<&String> = previous.dirs.iter().chain(&self.new_dirs).collect();
        // Each folder made and each folder they lie in is looked at once (`posts` is in
        // ten thousand paths), on every core; removing waits for the sequential pass below.
        let looked: BTreeSet<&str> = made.iter().flat_map(|dir| and_ancestors(dir)).collect();
        let real: BTreeSet<&str> = looked
            .into_par_iter()
            .filter(|dir| matches!(found_at(&out.join(dir)), Found::Folder))
            .collect();
        let ours = made
            .iter()
            .map(|dir| and_ancestors(dir).all(|d| real.contains(d)));
        // Reverse order visits children before their parents. A folder emptied by this
        // pass was a folder a moment ago: still ours.
        for (&dir, still_ours) in made.iter().zip(ours).rev() {
            let full = out.join(dir);
            let in_use = self.needed_dirs.contains(dir);
            // A folder that still holds something (files kudos did not write) stays, and
            // stays kudos's, to be removed once it is empty.
            if still_ours && (in_use || std::fs::remove_dir(&full).is_err()) {
                kept.dirs.insert(dir.clone());
            }
        }
        kept
    }
}

/// Removes `path` if it is a file or a symlink; a missing file is already removed.
fn remove_if_file(path: &Path) -> std::io::Result<()> {
    match found_at(path) {
        Found::Other => std::fs::remove_file(path),
        Found::Nothing => Ok(()),
        // Not kudos's file any more: a folder stands there now (this build's, or someone's).
        Found::Folder => Ok(()),
    }
}

/// Every folder `path` lies in below `out` is a real folder, not a symlink: removing
/// through a symlink could delete a file outside the output.
fn real_folders_all_the_way(out: &Path, path: &str) -> bool {
    ancestors(path).all(|dir| matches!(found_at(&out.join(dir)), Found::Folder))
}

/// `dir` and every folder it lies in.
fn and_ancestors(dir: &str) -> impl Iterator<Item = &str> {
    std::iter::once(dir).chain(ancestors(dir))
}

/// The folder `dir` holds only what the previous build wrote or made.
fn only_kudos_entries(out: &Path, dir: &str, previous: &Manifest) -> bool {
    if !previous.dirs.contains(dir) {
        return false;
    }
    walkdir::WalkDir::new(out.join(dir))
        .min_depth(1)
        .into_iter()
        .all(|entry| {
            let Ok(entry) = entry else { return false };
            let Ok(relative) = entry.path().strip_prefix(out) else {
                return false;
            };
            let relative = relative.to_string_lossy().replace('\\', "/");
            if entry.file_type().is_dir() {
                previous.dirs.contains(&relative)
            } else {
                previous.files.contains(&relative)
            }
        })
}

/// Moves `from` over `to` atomically. Across filesystems (an output that is a mount
/// point), copies beside `to` first and renames that, which is just as atomic for readers.
fn place(from: &Path, to: &Path) -> std::io::Result<()> {
    match std::fs::rename(from, to) {
        Err(e) if e.kind() == std::io::ErrorKind::CrossesDevices => {
            let name = to.file_name().unwrap_or_default().to_string_lossy();
            let beside = to.with_file_name(format!(".{name}.kudos-new"));
            std::fs::copy(from, &beside)?;
            std::fs::rename(&beside, to)
        }
        other => other,
    }
}
