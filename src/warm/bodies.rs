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
//!
//! A build reads only the shards' indexes; a body's HTML stays in its file until a page,
//! a quote or an anchor check shows it ([`Html`]), since a build after one edit shows a
//! few of 10k bodies. The files stay open for that (a shard this build rewrites is
//! replaced by a rename, so its bodies still read the old file). HTML read back is checked
//! against its length and hash; when that fails, the shard is removed and the build
//! fails before it changes the output ([`BodyStore::damage`]).

use std::io::{Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::card_names::CardNameStore;
use super::lock;
use super::record::binary_identity;
use crate::cache_dir::CacheDir;
use crate::images::Catalog;
use crate::markdown::{Html, HtmlSource};
use crate::render::{CachedBody, CachedView, RenderCache};

/// The first line of the file: the format, its version, and the binary that wrote it.
fn header() -> String {
    format!("kudos-bodies 2 {}\n", binary_identity())
}

/// Shard files, by slot: a build that changed one body rewrites one of them.
const SHARDS: u64 = 64;

/// The shard file `n` is written to: `.kudos-cache/build/bodies-NN`.
fn shard_name(n: u64) -> String {
    format!("bodies-{n:02}")
}

/// One body in a shard's index: its slot, the body without its HTML, and where the HTML
/// is in the shard (from the end of the index), its length and hash.
type Entry<B> = (u64, B, u64, u64, u64);

/// A shard as read: its open file and its bodies by slot.
type Shard = (Arc<ShardFile>, Vec<(u64, CachedBody)>);

/// The rendered bodies of the last build, and those of this one as they come.
pub struct BodyStore {
    cache: CacheDir,
    /// As read from disk (their HTML still there: see [`Html`]).
    loaded: FxHashMap<u64, Arc<CachedBody>>,
    /// The shard files they came from, kept open.
    shards: Vec<Arc<ShardFile>>,
    /// Rendered by this build.
    kept: Mutex<FxHashMap<u64, Arc<CachedBody>>>,
    /// Every slot this build asked for: the bodies it has.
    asked: Mutex<FxHashSet<u64>>,
    images: Arc<Catalog>,
    /// The share cards' names, kept beside the bodies.
    card_names: CardNameStore,
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
    /// Only the shards' indexes are read; each body's HTML is read when shown.
    pub fn load(root: &Path) -> (BodyStore, Option<String>) {
        let cache = CacheDir::of(root, "build");
        let shards: Vec<Result<Shard, Unusable>> = (0..SHARDS)
            .into_par_iter()
            .map_init(Vec::new, |buffer, n| {
                read_shard(&cache.entry(&shard_name(n)), buffer)
            })
            .collect();
        let mut loaded = FxHashMap::default();
        let mut files = Vec::new();
        let mut broken = Vec::new();
        for shard in shards {
            match shard {
                Ok((file, entries)) => {
                    files.push(file);
                    loaded.extend(entries.into_iter().map(|(s, b)| (s, Arc::new(b))));
                }
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
        let (card_names, names_note) = CardNameStore::load(&cache);
        let store = BodyStore {
            cache,
            loaded,
            shards: files,
            kept: Mutex::default(),
            asked: Mutex::default(),
            images: Arc::default(),
            card_names,
        };
        let note = match (note, names_note) {
            (Some(a), Some(b)) => Some(format!("{a}; {b}")),
            (a, b) => a.or(b),
        };
        (store, note)
    }

    /// Why HTML this build read from the store is not what was stored (a shard changed
    /// or was damaged since it was opened): the build must not publish what it made.
    /// The shard is gone already, so the next build renders its bodies again.
    pub fn damage(&self) -> Option<crate::error::Error> {
        let (shard, why) = self
            .shards
            .iter()
            .find_map(|s| Some((s, s.failed.get()?)))?;
        Some(crate::error::Error::io(
            &shard.shown,
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "a rendered body kept there {why}; it was removed and nothing was written: build again"
                ),
            ),
        ))
    }

    /// Writes the shards whose bodies changed: those holding a body this build rendered
    /// (but one that cannot be stored and was not stored before: bodies with images are
    /// rendered every build), or one it no longer has. A shard that cannot be written only
    /// costs the next build its reuse; a body whose HTML cannot be read back is left out.
    /// The share cards' names are written too, when they changed.
    pub fn save(&self) {
        self.card_names.save();
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
            let path = self.cache.entry(&shard_name(n));
            let _ = self
                .cache
                .write_whole_with(&path, |file| write_shard(file, &entries));
        });
    }
}

/// A shard: the header, the index's length (8 bytes, little-endian), the index, then
/// every body's HTML one after another.
fn write_shard(file: &mut std::fs::File, bodies: &[(u64, &CachedBody)]) -> std::io::Result<()> {
    let readable = bodies
        .iter()
        .filter_map(|(slot, body)| Some((*slot, *body, body.html().try_str()?)));
    let mut at = 0u64;
    let mut index: Vec<Entry<&CachedBody>> = Vec::with_capacity(bodies.len());
    let mut texts = Vec::with_capacity(bodies.len());
    for (slot, body, text) in readable {
        index.push((slot, body, at, text.len() as u64, Html::hash(text)));
        at += text.len() as u64;
        texts.push(text);
    }
    let index = postcard::to_allocvec(&index).map_err(std::io::Error::other)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    out.write_all(header().as_bytes())?;
    out.write_all(&(index.len() as u64).to_le_bytes())?;
    out.write_all(&index)?;
    for text in texts {
        out.write_all(text.as_bytes())?;
    }
    out.flush()
}

/// One shard file's index (read through `buffer`), with the file kept open for the
/// bodies' HTML.
fn read_shard(path: &Path, buffer: &mut Vec<u8>) -> Result<Shard, Unusable> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let shown = format!(".kudos-cache/build/{name}");
    let broken = |why: String| Unusable::Broken(format!("{shown} {why}"));
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Unusable::Absent),
        Err(e) => return Err(broken(format!("cannot be read ({e})"))),
    };
    let size = file
        .metadata()
        .map_err(|e| broken(format!("cannot be read ({e})")))?
        .len();
    let header = header();
    let mut head = vec![0; header.len()];
    if file.read_exact(&mut head).is_err() || head != header.as_bytes() {
        return Err(Unusable::Absent);
    }
    let damaged = || broken("is damaged".into());
    let mut index_len = [0; 8];
    file.read_exact(&mut index_len).map_err(|_| damaged())?;
    let index_len = u64::from_le_bytes(index_len);
    let html_start = (header.len() as u64 + 8)
        .checked_add(index_len)
        .filter(|end| *end <= size)
        .ok_or_else(damaged)?;
    buffer.clear();
    buffer.resize(index_len as usize, 0);
    file.read_exact(buffer).map_err(|_| damaged())?;
    let index: Vec<Entry<CachedBody>> = postcard::from_bytes(buffer).map_err(|_| damaged())?;
    let shard = Arc::new(ShardFile {
        path: path.to_path_buf(),
        shown: shown.clone(),
        file: Mutex::new(file),
        failed: OnceLock::new(),
    });
    let html_size = size - html_start;
    let mut bodies = Vec::with_capacity(index.len());
    for (slot, body, at, len, hash) in index {
        let fits = at.checked_add(len).is_some_and(|end| end <= html_size);
        let len = usize::try_from(len)
            .ok()
            .filter(|_| fits)
            .ok_or_else(damaged)?;
        let source = Arc::clone(&shard) as Arc<dyn HtmlSource>;
        let html = Html::stored(source, html_start + at, len, hash);
        bodies.push((slot, body.with_html(html)));
    }
    Ok((shard, bodies))
}

/// An open shard file that bodies read their HTML from.
struct ShardFile {
    path: std::path::PathBuf,
    shown: String,
    file: Mutex<std::fs::File>,
    /// Why the first read that failed did.
    failed: OnceLock<&'static str>,
}

impl ShardFile {
    fn read_at(&self, at: u64, len: usize) -> Result<String, &'static str> {
        let mut file = lock(&self.file);
        let mut bytes = vec![0; len];
        file.seek(SeekFrom::Start(at))
            .and_then(|_| file.read_exact(&mut bytes))
            .map_err(|_| "could not be read")?;
        String::from_utf8(bytes).map_err(|_| "is not what was stored")
    }

    /// Remembers why a read failed, and removes the file: nothing in it is trusted again.
    fn fail(&self, why: &'static str) {
        if self.failed.set(why).is_ok() {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl HtmlSource for ShardFile {
    fn read(&self, at: u64, len: usize, hash: u64) -> Option<String> {
        let text = self.read_at(at, len).and_then(|text| {
            if Html::hash(&text) == hash {
                Ok(text)
            } else {
                Err("is not what was stored")
            }
        });
        text.map_err(|why| self.fail(why)).ok()
    }
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

    fn card_name(&self, key: u64) -> Option<u64> {
        self.card_names.get(key)
    }

    fn keep_card_name(&self, key: u64, name: u64) {
        self.card_names.keep(key, name);
    }
}
