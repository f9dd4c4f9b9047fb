//! `.kudos-manifest`: the list of what kudos wrote into an output folder.
//!
//! It is what lets kudos share a folder with anything else: a file is kudos's to replace
//! or delete only if the previous build listed it, and a folder only if kudos made it.
//! The format is plain text, one path per line below the output folder, folders ending
//! in `/`, after a version line; paths are checked like every written path, so a
//! tampered manifest cannot make kudos delete anything outside the output.

use std::collections::BTreeSet;
use std::path::Path;

use super::paths::path_problem;
use crate::error::{Error, Result};

/// The manifest's file name, inside the output folder.
pub const MANIFEST: &str = ".kudos-manifest";

/// The first line: the format and its version.
const VERSION_LINE: &str = "kudos-manifest 1";

/// What kudos wrote into an output folder.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Files, as paths below the output folder.
    pub files: BTreeSet<String>,
    /// Folders kudos made (and may remove once they are empty and unused).
    pub dirs: BTreeSet<String>,
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
        Manifest::parse(&text).map(Some).map_err(|why| {
            Error::Usage(format!(
                "{}: {why}; kudos cannot tell which files in {} are its own, so it changes nothing (delete the folder and build again)",
                path.display(),
                output.display()
            ))
        })
    }

    /// Parses a manifest's text; the error says which line is wrong.
    pub fn parse(text: &str) -> std::result::Result<Manifest, String> {
        let mut lines = text.lines();
        if lines.next() != Some(VERSION_LINE) {
            return Err(format!(
                "the first line is not `{VERSION_LINE}` (written by another version of kudos?)"
            ));
        }
        let mut manifest = Manifest::default();
        for (n, line) in lines.enumerate() {
            let (path, is_dir) = match line.strip_suffix('/') {
                Some(dir) => (dir, true),
                None => (line, false),
            };
            if let Some(why) = path_problem(path) {
                return Err(format!(
                    "line {}: `{line}` is not a path below the output folder: {why}",
                    n + 2
                ));
            }
            let set = if is_dir {
                &mut manifest.dirs
            } else {
                &mut manifest.files
            };
            set.insert(path.to_string());
        }
        Ok(manifest)
    }

    /// The manifest as text: the version line, then folders and files in order.
    pub fn render(&self) -> String {
        let mut text =
            String::with_capacity(16 + self.files.iter().map(|f| f.len() + 1).sum::<usize>());
        text.push_str(VERSION_LINE);
        text.push('\n');
        for dir in &self.dirs {
            text.push_str(dir);
            text.push_str("/\n");
        }
        for file in &self.files {
            text.push_str(file);
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
        }
    }

    #[test]
    fn round_trips_through_text() {
        let m = manifest(&["index.html", "posts/a/index.html"], &["posts", "posts/a"]);
        let text = m.render();
        assert_eq!(
            text,
            "kudos-manifest 1\nposts/\nposts/a/\nindex.html\nposts/a/index.html\n"
        );
        assert_eq!(Manifest::parse(&text), Ok(m));
    }

    #[test]
    fn an_unknown_version_is_refused() {
        assert!(Manifest::parse("kudos-manifest 9\nindex.html\n").is_err());
        assert!(Manifest::parse("").is_err());
    }

    #[test]
    fn a_path_that_climbs_out_is_refused() {
        let error =
            Manifest::parse("kudos-manifest 1\nindex.html\n../../home/me/notes.txt\n").unwrap_err();
        assert!(
            error.starts_with("line 3: `../../home/me/notes.txt`"),
            "{error}"
        );
        assert!(Manifest::parse("kudos-manifest 1\n/etc/\n").is_err());
    }

    #[test]
    fn read_finds_none_in_a_folder_without_one() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), None);
        let m = manifest(&["a.html"], &[]);
        m.write(dir.path()).unwrap();
        assert_eq!(Manifest::read(dir.path()).unwrap(), Some(m));
        assert!(!dir.path().join(".kudos-manifest.new").exists());
    }
}
