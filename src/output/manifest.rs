//! `.kudos-manifest`: the list of what kudos wrote into an output folder.
//!
//! It is what lets kudos share a folder with anything else: a file is kudos's to replace
//! or delete only if the previous build listed it, and a folder only if kudos made it.
//! The format is plain text, one path per line below the output folder, folders ending
//! in `/`, after a version line; paths are checked like every written path, so a
//! tampered manifest cannot make kudos delete anything outside the output.
//!
//! Version 2 adds a [`Stamp`] after a file's path (tab-separated: paths hold no control
//! characters): its size, modification and change times, inode and a hash of its bytes,
//! as they were when the build left the file there. A repeat build leaves a file alone
//! when the file on disk still matches its stamp and the new bytes hash the same, so
//! unchanged files keep their mtime (see [`super::staging`]). Version 1 manifests (no
//! stamps) are still read: every file counts as unknown, and is compared byte for byte.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::paths::path_problem;
use crate::error::{Error, Result};

/// The manifest's file name, inside the output folder.
pub const MANIFEST: &str = ".kudos-manifest";

/// The first line kudos writes: the format and its version.
const VERSION_LINE: &str = "kudos-manifest 2";
/// The first line of manifests from before stamps, still read.
const VERSION_1_LINE: &str = "kudos-manifest 1";

/// What kudos wrote into an output folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Files, as paths below the output folder.
    pub files: BTreeSet<String>,
    /// Folders kudos made (and may remove once they are empty and unused).
    pub dirs: BTreeSet<String>,
    /// What some of the files were when kudos last wrote or checked them; a file without
    /// a stamp is unknown (a version 1 manifest, a build killed mid-swap).
    pub stamps: BTreeMap<String, Stamp>,
}

/// A file in the output as kudos left it: what it looked like on disk, and its bytes'
/// hash. A file whose [`FileId`] still matches was not touched since (an edit changes
/// its change time, which no program can set back), so its bytes still hash to `hash`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub id: FileId,
    /// XXH3-128 of the bytes.
    pub hash: u128,
}

/// What a file looks like from its metadata, without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileId {
    pub len: u64,
    /// Modification time, nanoseconds since 1970.
    pub modified: i128,
    /// Status change time (ctime), nanoseconds since 1970; 0 where there is none.
    pub changed: i128,
    /// 0 where there is none.
    pub inode: u64,
}

impl FileId {
    /// The id of the file `metadata` describes.
    #[cfg(unix)]
    pub fn of(metadata: &std::fs::Metadata) -> FileId {
        use std::os::unix::fs::MetadataExt;
        let nanos = |secs: i64, nsecs: i64| i128::from(secs) * 1_000_000_000 + i128::from(nsecs);
        FileId {
            len: metadata.len(),
            modified: nanos(metadata.mtime(), metadata.mtime_nsec()),
            changed: nanos(metadata.ctime(), metadata.ctime_nsec()),
            inode: metadata.ino(),
        }
    }

    /// The id of the file `metadata` describes: size and modification time only.
    #[cfg(not(unix))]
    pub fn of(metadata: &std::fs::Metadata) -> FileId {
        let modified = metadata
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos() as i128);
        FileId {
            len: metadata.len(),
            modified,
            changed: 0,
            inode: 0,
        }
    }

    /// The id of the regular file at `path`, the path itself not followed if it is a
    /// link; `None` when there is no such file. Every "is this still the file kudos left
    /// there?" asks this.
    pub fn of_file(path: &Path) -> Option<FileId> {
        let metadata = std::fs::symlink_metadata(path).ok()?;
        metadata.is_file().then(|| FileId::of(&metadata))
    }

    /// `len modified changed inode`, tab-separated: the manifest's and the build
    /// record's form.
    pub fn render(&self) -> String {
        let mut text = String::with_capacity(64);
        self.render_into(&mut text);
        text
    }

    /// [`FileId::render`] at the end of `text`.
    fn render_into(&self, text: &mut String) {
        use std::fmt::Write;
        let FileId {
            len,
            modified,
            changed,
            inode,
        } = self;
        let _ = write!(text, "{len}\t{modified}\t{changed}\t{inode}");
    }

    /// What [`FileId::render`] wrote, exactly.
    pub fn parse(text: &str) -> Option<FileId> {
        let mut fields = text.split('\t');
        let mut next = || fields.next();
        let id = FileId {
            len: next()?.parse().ok()?,
            modified: next()?.parse().ok()?,
            changed: next()?.parse().ok()?,
            inode: next()?.parse().ok()?,
        };
        next().is_none().then_some(id)
    }
}

impl Stamp {
    /// `len modified changed inode hash`, tab-separated, the hash in hex.
    fn render(&self, text: &mut String) {
        use std::fmt::Write;
        text.push('\t');
        self.id.render_into(text);
        let _ = write!(text, "\t{:032x}", self.hash);
    }

    fn parse(fields: &str) -> Option<Stamp> {
        let (id, hex) = fields.rsplit_once('\t')?;
        if hex.len() != 32 {
            return None;
        }
        Some(Stamp {
            id: FileId::parse(id)?,
            hash: u128::from_str_radix(hex, 16).ok()?,
        })
    }
}

/// Whether a manifest's first line is that of version 2 (stamped) or 1; the error says
/// what it should be.
fn version(first_line: &str) -> std::result::Result<bool, String> {
    match first_line {
        VERSION_LINE => Ok(true),
        VERSION_1_LINE => Ok(false),
        _ => Err(format!(
            "the first line is not `{VERSION_LINE}` (written by another version of kudos?)"
        )),
    }
}

/// The error for a manifest in `output` that is not one, `why`.
fn unreadable(output: &Path, why: &str) -> Error {
    Error::Usage(format!(
        "{}: {why}; kudos cannot tell which files in {} are its own, so it changes nothing (delete the folder and build again)",
        output.join(MANIFEST).display(),
        output.display()
    ))
}

impl Manifest {
    /// The manifest in `output`, `None` if there is none (or no folder at all).
    pub fn read(output: &Path) -> Result<Option<Manifest>> {
        let path = output.join(MANIFEST);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(&path, e)),
        };
        Manifest::parse(&text)
            .map(Some)
            .map_err(|why| unreadable(output, &why))
    }

    /// Whether `output` holds a manifest, read only as far as its first line (a build
    /// checks its output folder before it starts, and reads the whole manifest when it
    /// writes: at 10k pages, a second whole read was 40 ms of a warm build). So a manifest
    /// whose first line is right but a later line is not fails the build only when it
    /// stages its files, after rendering; the output is untouched either way.
    pub fn is_in(output: &Path) -> Result<bool> {
        use std::io::BufRead;
        let path = output.join(MANIFEST);
        let file = match std::fs::File::open(&path) {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(Error::io(&path, e)),
        };
        let mut first = String::new();
        std::io::BufReader::new(file)
            .read_line(&mut first)
            .map_err(|e| Error::io(&path, e))?;
        version(first.trim_end_matches(['\n', '\r']))
            .map(|_| true)
            .map_err(|why| unreadable(output, &why))
    }

    /// Parses a manifest's text (version 1 or 2); the error says which line is wrong.
    pub fn parse(text: &str) -> std::result::Result<Manifest, String> {
        let mut lines = text.lines();
        let stamped = version(lines.next().unwrap_or_default())?;
        // Gathered in lists, then made into sets at once: the lines are sorted, and
        // building a B-tree from sorted entries costs a fraction of inserting them.
        let (mut files, mut dirs, mut stamps) = (Vec::new(), Vec::new(), Vec::new());
        for (n, line) in lines.enumerate() {
            let (entry, stamp) = match line.split_once('\t') {
                Some((entry, fields)) if stamped => match Stamp::parse(fields) {
                    Some(stamp) => (entry, Some(stamp)),
                    None => {
                        return Err(format!(
                            "line {}: `{line}` does not end in a size, two times, an inode and a hash",
                            n + 2
                        ));
                    }
                },
                _ => (line, None),
            };
            let (path, is_dir) = match entry.strip_suffix('/') {
                Some(dir) => (dir, true),
                None => (entry, false),
            };
            if let Some(why) = path_problem(path) {
                return Err(format!(
                    "line {}: `{line}` is not a path below the output folder: {why}",
                    n + 2
                ));
            }
            if is_dir {
                dirs.push(path.to_string());
                continue;
            }
            if let Some(stamp) = stamp {
                stamps.push((path.to_string(), stamp));
            }
            files.push(path.to_string());
        }
        Ok(Manifest {
            files: files.into_iter().collect(),
            dirs: dirs.into_iter().collect(),
            stamps: stamps.into_iter().collect(),
        })
    }

    /// The manifest as text: the version line, then folders, then files with their
    /// stamps, in order.
    pub fn render(&self) -> String {
        let mut text =
            String::with_capacity(16 + self.files.iter().map(|f| f.len() + 80).sum::<usize>());
        text.push_str(VERSION_LINE);
        text.push('\n');
        for dir in &self.dirs {
            text.push_str(dir);
            text.push_str("/\n");
        }
        // Both in path order: the stamps are walked beside the files, not looked up.
        let mut stamps = self.stamps.iter().peekable();
        for file in &self.files {
            text.push_str(file);
            while stamps.next_if(|(path, _)| *path < file).is_some() {}
            if let Some((_, stamp)) = stamps.next_if(|(path, _)| *path == file) {
                stamp.render(&mut text);
            }
            text.push('\n');
        }
        text
    }

    /// Writes the manifest into `output` atomically (a temporary file, then a rename), so
    /// a killed build leaves either the old or the new list, never half of one.
    pub fn write(&self, output: &Path) -> Result<()> {
        let path = output.join(MANIFEST);
        let temp = output.join(format!("{MANIFEST}.new"));
        std::fs::write(&temp, self.render()).map_err(|e| Error::io(&temp, e))?;
        std::fs::rename(&temp, &path).map_err(|e| Error::io(&path, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(files: &[&str], dirs: &[&str]) -> Manifest {
        Manifest {
            files: files.iter().map(|s| s.to_string()).collect(),
            dirs: dirs.iter().map(|s| s.to_string()).collect(),
            stamps: BTreeMap::new(),
        }
    }

    fn stamp(n: u64) -> Stamp {
        Stamp {
            id: FileId {
                len: n,
                modified: 1_700_000_000_123_456_789,
                changed: -5,
                inode: 42,
            },
            hash: 0xabc,
        }
    }

    #[test]
    fn round_trips_through_text() {
        let mut m = manifest(&["index.html", "posts/a/index.html"], &["posts", "posts/a"]);
        m.stamps.insert("index.html".into(), stamp(7));
        let text = m.render();
        assert_eq!(
            text,
            "kudos-manifest 2\nposts/\nposts/a/\nindex.html\t7\t1700000000123456789\t-5\t42\t00000000000000000000000000000abc\nposts/a/index.html\n"
        );
        assert_eq!(Manifest::parse(&text), Ok(m));
    }

    #[test]
    fn a_version_1_manifest_is_read_with_every_file_unknown() {
        let m = Manifest::parse("kudos-manifest 1\nposts/\nindex.html\nposts/a.html\n").unwrap();
        assert_eq!(m, manifest(&["index.html", "posts/a.html"], &["posts"]));
        assert!(m.stamps.is_empty());
        // Version 1 never had tabs: one there is a control character in a path.
        assert!(Manifest::parse("kudos-manifest 1\nindex.html\t7\t1\t1\t1\t0\n").is_err());
    }

    #[test]
    fn a_damaged_stamp_is_refused() {
        let good = "index.html\t7\t1\t2\t3\t00000000000000000000000000000abc";
        assert!(Manifest::parse(&format!("kudos-manifest 2\n{good}\n")).is_ok());
        for bad in [
            "index.html\t7\t1\t2\t3",
            "index.html\t7\t1\t2\t3\tabc",
            "index.html\tx\t1\t2\t3\t00000000000000000000000000000abc",
            "index.html\t7\t1\t2\t3\t00000000000000000000000000000abc\t9",
        ] {
            let error = Manifest::parse(&format!("kudos-manifest 2\n{bad}\n")).unwrap_err();
            assert!(error.starts_with("line 2: "), "{error}");
        }
    }

    #[test]
    fn an_unknown_version_is_refused() {
        assert!(Manifest::parse("kudos-manifest 9\nindex.html\n").is_err());
        assert!(Manifest::parse("").is_err());
    }

    #[test]
    fn a_manifest_is_found_by_its_first_line() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!Manifest::is_in(dir.path()).unwrap());
        for (text, is_one) in [
            ("kudos-manifest 2\nindex.html\n", true),
            ("kudos-manifest 1\r\nindex.html\n", true),
            ("kudos-manifest 2", true),
            ("kudos-manifest 9\nindex.html\n", false),
            ("", false),
        ] {
            std::fs::write(dir.path().join(MANIFEST), text).unwrap();
            match Manifest::is_in(dir.path()) {
                Ok(found) => assert!(found && is_one, "{text:?}"),
                Err(e) => {
                    assert!(!is_one, "{text:?}: {e}");
                    assert!(e.to_string().contains("the first line is not"), "{e}");
                }
            }
        }
    }

    #[test]
    fn a_path_that_climbs_out_is_refused() {
        let error =
            Manifest::parse("kudos-manifest 2\nindex.html\n../../home/me/notes.txt\n").unwrap_err();
        assert!(
            error.starts_with("line 3: `../../home/me/notes.txt`"),
            "{error}"
        );
        assert!(Manifest::parse("kudos-manifest 2\n/etc/\n").is_err());
        assert!(
            Manifest::parse(
                "kudos-manifest 2\n../x\t7\t1\t2\t3\t00000000000000000000000000000abc\n"
            )
            .is_err()
        );
    }

    #[test]
    fn read_finds_none_in_a_folder_without_one() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), None);
        let mut m = manifest(&["a.html"], &[]);
        m.stamps.insert("a.html".into(), stamp(1));
        m.write(dir.path()).unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), Some(m));
        assert!(!dir.path().join(".kudos-manifest.new").exists());
    }
}
