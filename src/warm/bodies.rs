//! `.kudos-cache/build/bodies-NN`: every rendered body of the last build, so the next build
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
//! After a build, the store holds exactly the bodies that build used, in 64 files by
//! slot; only the files whose bodies changed are written again, on a thread of their own
//! while pages render (a build after one edit rewrites one file of a few megabytes).

use std::io::{Read, Write};
use std::path::Path;
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

/// Shard files, by slot: a build that changed one body rewrites one of them.
const SHARDS: u64 = 64;

/// The shard file `n` is written to: `.kudos-cache/build/bodies-NN`.
fn shard_name(n: u64) -> String {
    format!("bodies-{n:02}")
}

/// The rendered bodies of the last build, and those of this one as they come.
pub struct BodyStore {
    cache: CacheDir,
    /// As read from disk.
    loaded: FxHashMap<u64, Arc<CachedBody>>,
    /// Rendered by this build.
    kept: Mutex<FxHashMap<u64, Arc<CachedBody>>>,
    /// Every slot this build asked for: the bodies it has.
    asked: Mutex<FxHashSet<u64>>,
    images: Arc<Catalog>,
}

/// Why a shard file was not used.
enum Unusable {
    /// Not there, or another kudos wrote it (expected after an upgrade): no note.
    Absent,
    /// Cannot be read or decoded: a note names it.
    Broken(String),
}

impl BodyStore {
    /// The store of the site at `root`, and a note when a file there could not be used.
    pub fn load(root: &Path) -> (BodyStore, Option<String>) {
        let cache = CacheDir::of(root, "build");
        // One read buffer per thread: fresh pages for hundreds of megabytes cost more
        // than decoding them.
        let shards: Vec<Result<Vec<(u64, CachedBody)>, Unusable>> = (0..SHARDS)
            .into_par_iter()
            .map_init(Vec::new, |buffer, n| {
                read_shard(&cache.entry(&shard_name(n)), buffer)
            })
            .collect();
        let mut loaded = FxHashMap::default();
        let mut broken = Vec::new();
        for shard in shards {
            match shard {
                Ok(entries) => loaded.extend(entries.into_iter().map(|(s, b)| (s, Arc::new(b)))),
                Err(Unusable::Broken(why)) => broken.push(why),
                Err(Unusable::Absent) => {}
            }
        }
        let note = (!broken.is_empty()).then(|| {
            format!(
                "{}: ignored, and the bodies kept there are rendered again",
                broken.join("; ")
            )
        });
        let store = BodyStore {
            cache,
            loaded,
            kept: Mutex::default(),
            asked: Mutex::default(),
            images: Arc::default(),
        };
        (store, note)
    }

    /// Writes the shards whose bodies changed: those holding a body this build rendered
    /// (but one that cannot be stored and was not stored before: bodies with images are
    /// rendered every build), or one it no longer has. A shard that cannot be written only
    /// costs the next build its reuse.
    pub fn save(&self) {
        let asked = lock(&self.asked);
        let kept = lock(&self.kept);
        let rendered = kept
            .iter()
            .filter(|(slot, body)| body.storable() || self.loaded.contains_key(slot))
            .map(|(slot, _)| slot);
        let gone = self.loaded.keys().filter(|slot| !asked.contains(slot));
        let stale: FxHashSet<u64> = rendered.chain(gone).map(|s| s % SHARDS).collect();
        let mut shards: FxHashMap<u64, Vec<(u64, &CachedBody)>> =
            stale.iter().map(|n| (*n, Vec::new())).collect();
        for slot in asked.iter() {
            let Some(shard) = shards.get_mut(&(slot % SHARDS)) else {
                continue;
            };
            let body = kept.get(slot).or_else(|| self.loaded.get(slot));
            if let Some(body) = body.filter(|b| b.storable()) {
                shard.push((*slot, &**body));
            }
        }
        shards.into_par_iter().for_each(|(n, mut entries)| {
            entries.sort_unstable_by_key(|(slot, _)| *slot);
            let _ = self
                .cache
                .write_whole_with(&self.cache.entry(&shard_name(n)), |file| {
                    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
                    out.write_all(header().as_bytes())?;
                    postcard::to_io(&entries, &mut out).map_err(std::io::Error::other)?;
                    out.flush()
                });
        });
    }
}

/// One shard file's bodies, read through `buffer`.
fn read_shard(path: &Path, buffer: &mut Vec<u8>) -> Result<Vec<(u64, CachedBody)>, Unusable> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let shown = format!(".kudos-cache/build/{name}");
    buffer.clear();
    let read = std::fs::File::open(path).and_then(|mut file| file.read_to_end(buffer));
    match read {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Unusable::Absent),
        Err(e) => return Err(Unusable::Broken(format!("{shown} cannot be read ({e})"))),
    }
    let body = buffer
        .strip_prefix(header().as_bytes())
        .ok_or(Unusable::Absent)?;
    postcard::from_bytes(body).map_err(|_| Unusable::Broken(format!("{shown} is damaged")))
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
