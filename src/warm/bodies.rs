//! `.kudos-cache/build/bodies`: every rendered body of the last build, so the next build
//! renders markdown (and highlights code) only for the bodies whose inputs changed.
//!
//! The store is a [`RenderCache`] like `serve`'s in-memory one, and reuse follows the
//! same rules (`render::bodies`): a body is taken only when its key (the file's content
//! path and text, the markdown options, the shortcodes' inputs) matches and every `@/`
//! link in it resolves as it did. What makes that safe across processes is that every
//! part of the key is a hash of content ([`crate::content::Source::revision`]), and the
//! file names the binary that wrote it (a new kudos may render differently, and its
//! hasher may differ). Bodies that show images are not stored (their lookups hold
//! measured pictures): they are rendered every time.
//!
//! After a build, the store holds exactly the bodies that build used; it is written only
//! when that set changed, on a thread of its own while pages render.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::record::binary_identity;
use crate::cache_dir::CacheDir;
use crate::images::Catalog;
use crate::render::{CachedBody, CachedView, RenderCache};

/// The first line of the file: the format, its version, and the binary that wrote it.
fn header() -> String {
    format!("kudos-bodies 1 {}\n", binary_identity())
}

/// The rendered bodies of the last build, and those of this one as they come.
pub struct BodyStore {
    cache: CacheDir,
    path: PathBuf,
    /// As read from disk.
    loaded: FxHashMap<u64, Arc<CachedBody>>,
    /// Rendered by this build.
    kept: Mutex<FxHashMap<u64, Arc<CachedBody>>>,
    /// Every slot this build asked for: the bodies it has.
    asked: Mutex<FxHashSet<u64>>,
    images: Arc<Catalog>,
}

impl BodyStore {
    /// The store of the site at `root`, and a note when a file there could not be used.
    pub fn load(root: &Path) -> (BodyStore, Option<String>) {
        let cache = CacheDir::of(root, "build");
        let mut store = BodyStore {
            path: cache.entry("bodies"),
            cache,
            loaded: FxHashMap::default(),
            kept: Mutex::default(),
            asked: Mutex::default(),
            images: Arc::default(),
        };
        let bytes = match std::fs::read(&store.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (store, None),
            Err(e) => {
                let note = format!(
                    "cannot read .kudos-cache/build/bodies ({e}): every body is rendered again"
                );
                return (store, Some(note));
            }
        };
        let Some(body) = bytes.strip_prefix(header().as_bytes()) else {
            // Another kudos wrote it: expected after an upgrade, no note.
            return (store, None);
        };
        match decode(body) {
            Some(entries) => {
                store.loaded = entries;
                (store, None)
            }
            None => {
                let shown = ".kudos-cache/build/bodies";
                let note =
                    format!("{shown} is damaged: it is ignored, and every body is rendered again");
                (store, Some(note))
            }
        }
    }

    /// Writes the bodies this build used, unless they are the ones already on disk. A
    /// store that cannot be written only costs the next build its reuse.
    pub fn save(&self) {
        let asked = lock(&self.asked);
        let kept = lock(&self.kept);
        let unchanged = kept.is_empty() && asked.len() == self.loaded.len();
        if unchanged {
            return;
        }
        let mut entries: Vec<(u64, &CachedBody)> = asked
            .iter()
            .filter_map(|slot| {
                let body = kept.get(slot).or_else(|| self.loaded.get(slot))?;
                body.storable().then_some((*slot, &**body))
            })
            .collect();
        entries.sort_unstable_by_key(|(slot, _)| *slot);
        // Streamed: the file is a few hundred megabytes at 10k posts with code.
        let _ = self.cache.write_whole_with(&self.path, |file| {
            let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
            out.write_all(header().as_bytes())?;
            encode(&entries, &mut out)?;
            out.flush()
        });
    }
}

/// Entries per chunk: chunks decode in parallel.
const CHUNK: usize = 512;

/// The entries in chunks of [`CHUNK`], each its length (8 bytes, little-endian) and its
/// postcard bytes.
fn encode(entries: &[(u64, &CachedBody)], out: &mut impl Write) -> std::io::Result<()> {
    for chunk in entries.chunks(CHUNK) {
        let bytes = postcard::to_stdvec(chunk).map_err(std::io::Error::other)?;
        out.write_all(&(bytes.len() as u64).to_le_bytes())?;
        out.write_all(&bytes)?;
    }
    Ok(())
}

/// What [`encode`] wrote; `None` if anything is off.
fn decode(mut bytes: &[u8]) -> Option<FxHashMap<u64, Arc<CachedBody>>> {
    let mut chunks = Vec::new();
    while !bytes.is_empty() {
        let (len, rest) = bytes.split_first_chunk::<8>()?;
        let len = usize::try_from(u64::from_le_bytes(*len)).ok()?;
        (len <= rest.len()).then_some(())?;
        let (chunk, rest) = rest.split_at(len);
        chunks.push(chunk);
        bytes = rest;
    }
    let decoded: Vec<Vec<(u64, Arc<CachedBody>)>> = chunks
        .into_par_iter()
        .map(|chunk| {
            let entries: Vec<(u64, CachedBody)> = postcard::from_bytes(chunk).ok()?;
            let ready = entries.into_iter();
            Some(ready.map(|(slot, body)| (slot, Arc::new(body))).collect())
        })
        .collect::<Option<_>>()?;
    Some(decoded.into_iter().flatten().collect())
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl RenderCache for BodyStore {
    fn body(&self, slot: u64) -> Option<Arc<CachedBody>> {
        lock(&self.asked).insert(slot);
        self.loaded.get(&slot).cloned()
    }

    fn keep_body(&self, slot: u64, body: CachedBody) {
        lock(&self.kept).insert(slot, Arc::new(body));
    }

    /// Template views are not kept across builds: they are quick to make.
    fn view(&self, _slot: u64) -> Option<Arc<CachedView>> {
        None
    }

    fn keep_view(&self, _slot: u64, _view: CachedView) {}

    fn images(&self) -> Arc<Catalog> {
        Arc::clone(&self.images)
    }
}
