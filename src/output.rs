//! Writing a rendered site: into a staging folder next to the output, then swapped into
//! place, so a failed or interrupted build never leaves a half-written `public/`.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::error::{Error, Result};

/// Where an output file's bytes come from.
#[derive(Debug, Clone)]
pub enum Contents {
    /// Rendered in memory (shared: `serve` keeps outputs across rebuilds).
    Bytes(std::sync::Arc<[u8]>),
    /// Embedded in the binary (default theme assets).
    Static(&'static [u8]),
    /// Copied from disk (static/ and content assets).
    Copy(PathBuf),
}

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
            Contents::Copy(p) => std::fs::read(p)?.into(),
        })
    }
}

/// The output path of a page's URL path: `/posts/x/` -> `posts/x/index.html`.
pub fn index_file(url_path: &str) -> String {
    let trimmed = url_path.trim_matches('/');
    if trimmed.is_empty() {
        "index.html".into()
    } else {
        format!("{trimmed}/index.html")
    }
}

/// Writes `files` into `output` atomically: staging first, then a swap of folders.
pub fn write_atomically(output: &Path, files: &[OutputFile]) -> Result<()> {
    let staging = Staging::new(output)?;
    files.par_iter().try_for_each(|file| staging.write(file))?;
    staging.commit()
}

/// A folder next to the output that files are written into as they are ready; only
/// [`Staging::commit`] puts it in the output's place. Dropped without a commit (a failed
/// build), it is deleted and the output stays as it was.
pub struct Staging {
    dir: tempfile::TempDir,
    output: PathBuf,
}

impl Staging {
    /// A new, empty staging folder for `output`.
    pub fn new(output: &Path) -> Result<Staging> {
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        let dir = tempfile::Builder::new()
            .prefix(".kudos-staging-")
            .tempdir_in(parent)
            .map_err(|e| Error::io(parent, e))?;
        Ok(Staging {
            dir,
            output: output.to_path_buf(),
        })
    }

    /// Writes one file (safe to call from several threads).
    pub fn write(&self, file: &OutputFile) -> Result<()> {
        write_one(self.dir.path(), file)
    }

    /// Swaps the staged folder into the output's place.
    pub fn commit(self) -> Result<()> {
        swap_into_place(self.dir, &self.output)
    }
}

fn write_one(dir: &Path, file: &OutputFile) -> Result<()> {
    let target = dir.join(&file.path);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    match &file.contents {
        Contents::Bytes(b) => std::fs::write(&target, &**b),
        Contents::Static(b) => std::fs::write(&target, b),
        Contents::Copy(from) => std::fs::copy(from, &target).map(|_| ()),
    }
    .map_err(|e| Error::io(&target, e))
}

fn swap_into_place(staging: tempfile::TempDir, output: &Path) -> Result<()> {
    let staged = staging.keep();
    if output.exists() {
        let parent = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let old = tempfile::Builder::new()
            .prefix(".kudos-old-")
            .tempdir_in(parent)
            .map_err(|e| Error::io(parent, e))?;
        let old_path = old.path().join("previous");
        std::fs::rename(output, &old_path).map_err(|e| Error::io(output, e))?;
        if let Err(e) = std::fs::rename(&staged, output) {
            let _ = std::fs::rename(&old_path, output);
            let _ = std::fs::remove_dir_all(&staged);
            return Err(Error::io(output, e));
        }
        drop(old);
    } else if let Err(e) = std::fs::rename(&staged, output) {
        let _ = std::fs::remove_dir_all(&staged);
        return Err(Error::io(output, e));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_files() {
        assert_eq!(index_file("/"), "index.html");
        assert_eq!(index_file("/posts/a/"), "posts/a/index.html");
    }

    #[test]
    fn swap_replaces_the_whole_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("stale")).unwrap();
        std::fs::write(out.join("stale/x.html"), "old").unwrap();
        write_atomically(&out, &[OutputFile::rendered("index.html", "new".into())]).unwrap();
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "new"
        );
        assert!(!out.join("stale").exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "staging and old folders are cleaned up");
    }
}
