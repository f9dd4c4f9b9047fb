//! The disk cache of image variants and share cards: `.kudos-cache/images/` in the site
//! root.
//!
//! An entry is named like the variant it holds (`<hash>-<width>.<ext>`), and the hash
//! covers the source's bytes, the settings and the encoders' version, so an entry is
//! either right or never asked for again. Entries are written to a temporary file and
//! renamed into place ([`CacheDir`]): two builds at once may both make an entry, and each
//! reads a whole one. After a build, entries no build used for a day are pruned (not the
//! ones just unused: a second site config or branch may want them back). Deleting the
//! folder is always safe.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::{ImageError, Picture, Variant, make_variants};
use crate::cache_dir::CacheDir;

/// The cache's folder name in `.kudos-cache/`.
pub const CACHE_NAME: &str = "images";

/// Entries older than this that nothing touched are pruned.
const UNUSED_FOR: Duration = Duration::from_secs(24 * 60 * 60);

/// An entry used again is marked used only when its mark is older than this: a build
/// after a build would otherwise rewrite the time of every card (15k at 10k posts),
/// and an hour is nothing beside [`UNUSED_FOR`].
const MARKED_FOR: Duration = Duration::from_secs(60 * 60);

/// Where a variant's bytes are after [`DiskCache::variants`].
#[derive(Debug, Clone)]
pub enum Made {
    /// In the cache.
    Cached(PathBuf),
    /// In memory: the cache folder could not be written.
    Bytes(Vec<u8>),
}

/// The image cache of one site (variants and share cards).
#[derive(Debug, Clone)]
pub struct DiskCache {
    dir: CacheDir,
}

impl DiskCache {
    /// The cache of the site at `root` (created when first written).
    pub fn of(root: &Path) -> DiskCache {
        DiskCache {
            dir: CacheDir::of(root, CACHE_NAME),
        }
    }

    /// Every variant of `picture`, from the cache or made now (and cached).
    pub fn variants(
        &self,
        picture: &Picture,
        quality: u8,
        shown: &str,
    ) -> Result<Vec<(Variant, Made)>, ImageError> {
        let entries: Vec<PathBuf> = picture.variants.iter().map(|v| self.entry(v)).collect();
        let cached: Option<Vec<std::fs::Metadata>> = entries
            .iter()
            .map(|e| std::fs::metadata(e).ok().filter(std::fs::Metadata::is_file))
            .collect();
        if let Some(metas) = cached {
            for (entry, meta) in entries.iter().zip(&metas) {
                touch_unless_recent(entry, meta);
            }
            return Ok(picture
                .variants
                .iter()
                .cloned()
                .zip(entries.into_iter().map(Made::Cached))
                .collect());
        }
        let made = make_variants(picture, quality, shown)?;
        let writable = self.dir.prepare().is_ok();
        Ok(made
            .into_iter()
            .zip(entries)
            .map(|((variant, bytes), entry)| {
                if writable && self.dir.write_whole(&entry, &bytes).is_ok() {
                    (variant, Made::Cached(entry))
                } else {
                    (variant, Made::Bytes(bytes))
                }
            })
            .collect())
    }

    /// The entry `name` (`<16 hex digits>-<width>.<ext>`, as a variant's), from the cache
    /// or made by `make` now (and cached): how share cards are kept.
    pub fn file<E>(
        &self,
        name: &str,
        make: impl FnOnce() -> Result<Vec<u8>, E>,
    ) -> Result<Made, E> {
        debug_assert!(is_entry_name(name), "{name} would never be pruned");
        let entry = self.dir.entry(name);
        if let Ok(meta) = std::fs::metadata(&entry)
            && meta.is_file()
        {
            touch_unless_recent(&entry, &meta);
            return Ok(Made::Cached(entry));
        }
        let bytes = make()?;
        if self.dir.prepare().is_ok() && self.dir.write_whole(&entry, &bytes).is_ok() {
            Ok(Made::Cached(entry))
        } else {
            Ok(Made::Bytes(bytes))
        }
    }

    /// Removes entries that no build has used for a day. Best effort: a file another
    /// build is reading is gone for it only after it opened it (renames, not truncation).
    pub fn prune(&self) {
        let Ok(entries) = std::fs::read_dir(self.dir.path()) else {
            return;
        };
        let now = SystemTime::now();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if !is_entry_name(name) {
                continue;
            }
            let stale = entry
                .metadata()
                .and_then(|m| m.modified())
                .is_ok_and(|at| now.duration_since(at).unwrap_or_default() > UNUSED_FOR);
            if stale {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }

    fn entry(&self, variant: &Variant) -> PathBuf {
        let name = variant
            .output
            .rsplit_once('/')
            .map_or(variant.output.as_str(), |(_, name)| name);
        self.dir.entry(name)
    }
}

/// `<16 hex digits>-<width>.<webp|jpg|png>`: only such files are ever removed.
fn is_entry_name(name: &str) -> bool {
    let Some((hash, rest)) = name.split_once('-') else {
        return false;
    };
    let Some((width, ext)) = rest.split_once('.') else {
        return false;
    };
    hash.len() == 16
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
        && !width.is_empty()
        && width.bytes().all(|b| b.is_ascii_digit())
        && matches!(ext, "webp" | "jpg" | "png")
}

/// Marks an entry used, for pruning, unless it was marked within [`MARKED_FOR`].
fn touch_unless_recent(entry: &Path, meta: &std::fs::Metadata) {
    let recent = meta
        .modified()
        .ok()
        .and_then(|at| SystemTime::now().duration_since(at).ok())
        .is_some_and(|age| age < MARKED_FOR);
    if !recent {
        touch(entry);
    }
}

/// Marks an entry used, for pruning.
fn touch(entry: &Path) {
    if let Ok(file) = std::fs::File::options().append(true).open(entry) {
        let _ = file.set_modified(SystemTime::now());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_entry_names_are_pruned() {
        assert!(is_entry_name("0123456789abcdef-480.webp"));
        assert!(!is_entry_name("0123456789abcdef-480.html"));
        assert!(!is_entry_name("notes.txt"));
        assert!(!is_entry_name("CACHEDIR.TAG"));
        assert!(!is_entry_name("0123456789abcdeg-480.jpg"));
    }

    #[test]
    fn stale_entries_go_and_fresh_ones_and_other_files_stay() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::of(dir.path());
        cache.dir.prepare().unwrap();
        let old = cache.dir.entry("0123456789abcdef-480.webp");
        let fresh = cache.dir.entry("0123456789abcdef-960.webp");
        let mine = cache.dir.entry("notes.txt");
        for file in [&old, &fresh, &mine] {
            std::fs::write(file, b"x").unwrap();
        }
        let long_ago = SystemTime::now() - 2 * UNUSED_FOR;
        for file in [&old, &mine] {
            std::fs::File::options()
                .append(true)
                .open(file)
                .unwrap()
                .set_modified(long_ago)
                .unwrap();
        }
        cache.prune();
        assert!(!old.exists());
        assert!(fresh.exists());
        assert!(mine.exists());
        assert!(dir.path().join(".kudos-cache/.gitignore").exists());
    }

    #[test]
    fn an_entry_used_again_is_marked_used_unless_it_was_lately() {
        let dir = tempfile::tempdir().unwrap();
        let cache = DiskCache::of(dir.path());
        let modified = |name: &str| {
            std::fs::metadata(cache.dir.entry(name))
                .unwrap()
                .modified()
                .unwrap()
        };
        let set = |name: &str, at: SystemTime| {
            std::fs::File::options()
                .append(true)
                .open(cache.dir.entry(name))
                .unwrap()
                .set_modified(at)
                .unwrap();
        };
        let never = || -> Result<Vec<u8>, ()> { panic!("a cached entry is not made again") };
        for name in ["0123456789abcdef-480.png", "0123456789abcdef-960.png"] {
            cache.file(name, || Ok::<_, ()>(b"x".to_vec())).unwrap();
        }
        let lately = SystemTime::now() - MARKED_FOR / 2;
        let yesterday = SystemTime::now() - UNUSED_FOR / 2;
        set("0123456789abcdef-480.png", lately);
        set("0123456789abcdef-960.png", yesterday);
        cache.file("0123456789abcdef-480.png", never).unwrap();
        cache.file("0123456789abcdef-960.png", never).unwrap();
        assert_eq!(modified("0123456789abcdef-480.png"), lately, "left alone");
        assert!(
            modified("0123456789abcdef-960.png") > lately,
            "marked used now"
        );
    }
}
