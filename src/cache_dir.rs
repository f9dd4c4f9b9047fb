//! `.kudos-cache/` in the site root: what kudos keeps between runs because it is slow to
//! make again (image variants, outside links found working), one folder per cache.
//!
//! Every cache is disposable, so the folder is made to be left alone: it holds a
//! `CACHEDIR.TAG` (backup tools skip it) and a `.gitignore` of `*` (git ignores it and
//! that file too), written once, when the first cache folder is made. Entries are written
//! to a temporary file in the same folder and renamed into place, so two kudos runs at
//! once each read a whole entry, never half of one.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The folder of every cache, relative to the site root.
pub const CACHE_ROOT: &str = ".kudos-cache";

/// One cache's folder: `.kudos-cache/<name>/`.
#[derive(Debug, Clone)]
pub struct CacheDir {
    dir: PathBuf,
}

impl CacheDir {
    /// The cache `name` of the site at `root` (made when first written).
    pub fn of(root: &Path, name: &str) -> CacheDir {
        CacheDir {
            dir: root.join(CACHE_ROOT).join(name),
        }
    }

    /// The folder itself.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// `name` inside the folder.
    pub fn entry(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// Makes the folder, and with it `CACHEDIR.TAG` and `.gitignore` beside the caches.
    pub fn prepare(&self) -> std::io::Result<()> {
        if self.dir.is_dir() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir)?;
        let top = self.dir.parent().unwrap_or(&self.dir);
        let _ = std::fs::write(
            top.join("CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55\n# kudos's caches (image variants, checked links); safe to delete.\n",
        );
        let _ = std::fs::write(top.join(".gitignore"), "*\n");
        Ok(())
    }

    /// Writes `bytes` as `entry` (a path inside the folder) whole: a temporary file, then
    /// a rename over whatever was there.
    pub fn write_whole(&self, entry: &Path, bytes: &[u8]) -> std::io::Result<()> {
        self.prepare()?;
        let mut temp = tempfile::NamedTempFile::new_in(&self.dir)?;
        temp.as_file_mut().write_all(bytes)?;
        temp.persist(entry).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_write_tags_and_ignores_the_cache_root() {
        let site = tempfile::tempdir().unwrap();
        let cache = CacheDir::of(site.path(), "things");
        let entry = cache.entry("one");
        cache.write_whole(&entry, b"first").unwrap();
        cache.write_whole(&entry, b"second").unwrap();
        assert_eq!(std::fs::read(&entry).unwrap(), b"second");
        let root = site.path().join(CACHE_ROOT);
        assert_eq!(
            std::fs::read_to_string(root.join(".gitignore")).unwrap(),
            "*\n"
        );
        let tag = std::fs::read_to_string(root.join("CACHEDIR.TAG")).unwrap();
        assert!(tag.starts_with("Signature: 8a477f597d28d172789f06886806bc55\n"));
        let left: Vec<_> = std::fs::read_dir(cache.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "no temporary file is left behind");
    }
}
