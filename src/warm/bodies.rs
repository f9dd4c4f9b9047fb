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
//! slot; only the files whose bodies changed are written again (a build after one edit
//! rewrites one file of a few megabytes). A body's HTML goes into its shard's new file as
//! soon as it is rendered, and the body reads it back from there when shown: a clean
//! build at 10k posts would otherwise hold 200 MB of HTML from the markdown stage to the
//! last page. The index follows, on a thread of its own while pages render, and the file
//! then takes the shard's name.
//!
//! A build reads only the shards' indexes; a body's HTML stays in its file until a page,
//! a quote or an anchor check shows it ([`Html`]), since a build after one edit shows a
//! few of 10k bodies; a page reads it without keeping it ([`Html::read`]). The files stay
//! open for that (a shard this build rewrites is replaced by a rename, so its bodies
//! still read the old file). HTML read back is checked against its length and hash; when
//! that fails, the shard is removed (a new file with a failed read is never saved) and
//! the build fails before it changes the output ([`BodyStore::damage`]).

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
use crate::markdown::{Html, HtmlSource, Rendered};
use crate::render::{CachedBody, CachedView, KeptCard, RenderCache};

/// The first line of the file: the format, its version, and the binary that wrote it.
fn header() -> String {
    format!("kudos-bodies 3 {}\n", binary_identity())
}

/// A rendered body with less HTML than this keeps it in memory until the store is
/// written: a shout-out's quote is read on many pages and weighs less than the
/// bookkeeping of reading it back.
const SPILL_AT_LEAST: usize = 1024;

/// How the files a build is still writing start their names; one left by a build that
/// was stopped is removed by the next.
const PARTIAL_PREFIX: &str = "bodies-partial-";

/// Shard files, by slot: a build that changed one body rewrites one of them.
const SHARDS: u64 = 64;

/// The shard file `n` is written to: `.kudos-cache/build/bodies-NN`.
fn shard_name(n: u64) -> String {
    format!("bodies-{n:02}")
}

/// One body in a shard's index: its slot, the body without its HTML, and where the HTML
/// is in the shard (from the end of the header), its length and hash.
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
    /// The shard files this build writes, by shard, opened by the first body rendered
    /// into one.
    spills: Vec<Mutex<Spill>>,
    /// Their readers, which bodies read their HTML from (for [`BodyStore::damage`]).
    spill_readers: Mutex<Vec<Arc<ShardFile>>>,
}

/// A shard file this build writes.
enum Spill {
    /// No body has gone there yet.
    NotYet,
    /// Bodies go there.
    Open(SpillFile),
    /// It could not be made or written, or the store has been saved: bodies stay in
    /// memory.
    Closed,
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
        remove_partial_files(&cache);
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
            spills: (0..SHARDS).map(|_| Mutex::new(Spill::NotYet)).collect(),
            spill_readers: Mutex::default(),
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
        let spilled = lock(&self.spill_readers);
        let (shard, why) = self
            .shards
            .iter()
            .chain(spilled.iter())
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

    /// Finishes the shards whose bodies changed: those holding a body this build rendered
    /// (but one that cannot be stored and was not stored before: bodies with images are
    /// rendered every build), or one it no longer has. Their new files already hold the
    /// HTML of the bodies rendered this build; the rest is copied in, then the index. A
    /// shard that cannot be written only costs the next build its reuse; a body whose HTML
    /// cannot be read back is left out. The share cards' names are written too, when they
    /// changed.
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
            // Nothing more goes into this shard's file: a body kept from now on stays in
            // memory.
            let spill = std::mem::replace(&mut *lock(&self.spills[n as usize]), Spill::Closed);
            let file = match spill {
                Spill::Open(file) => Ok(file),
                Spill::NotYet | Spill::Closed => SpillFile::create(&self.cache, n),
            };
            if let Ok(file) = file {
                let _ = file.finish(&entries, &self.cache.entry(&shard_name(n)));
            }
        });
    }

    /// `html`, rendered just now, written to its shard's new file, as the HTML to keep in
    /// its place; `None` keeps it in memory (it is short, or the file cannot be written).
    fn spill(&self, shard: u64, html: &Html) -> Option<Html> {
        let text = html.made().filter(|t| t.len() >= SPILL_AT_LEAST)?;
        let mut spill = lock(&self.spills[shard as usize]);
        if let Spill::NotYet = *spill {
            *spill = match SpillFile::create(&self.cache, shard) {
                Ok(file) => {
                    lock(&self.spill_readers).push(Arc::clone(&file.reader));
                    Spill::Open(file)
                }
                Err(_) => Spill::Closed,
            };
        }
        let Spill::Open(file) = &mut *spill else {
            return None;
        };
        match file.append(text) {
            Ok(at) => {
                let source = Arc::clone(&file.reader) as Arc<dyn HtmlSource>;
                Some(Html::stored(source, at, text.len(), Html::hash(text)))
            }
            Err(_) => {
                *spill = Spill::Closed;
                None
            }
        }
    }
}

/// Removes the files of builds that were stopped while writing the store.
fn remove_partial_files(cache: &CacheDir) {
    let Ok(entries) = std::fs::read_dir(cache.path()) else {
        return;
    };
    for entry in entries.flatten() {
        if entry
            .file_name()
            .to_string_lossy()
            .starts_with(PARTIAL_PREFIX)
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// A shard file being written: the header, then every body's HTML as it is rendered,
/// then (when the store is saved) the index and the index's length (8 bytes,
/// little-endian), and it takes the shard's name. Dropped unfinished, it is removed.
struct SpillFile {
    file: tempfile::NamedTempFile,
    /// Bytes written so far.
    len: u64,
    /// The same file opened for reading.
    reader: Arc<ShardFile>,
}

impl SpillFile {
    /// A new file for shard `n`, its header written.
    fn create(cache: &CacheDir, n: u64) -> std::io::Result<SpillFile> {
        cache.prepare()?;
        let mut file = tempfile::Builder::new()
            .prefix(PARTIAL_PREFIX)
            .tempfile_in(cache.path())?;
        let header = header();
        file.write_all(header.as_bytes())?;
        let reader = std::fs::File::open(file.path())?;
        let reader = Arc::new(ShardFile::new(cache.entry(&shard_name(n)), reader));
        Ok(SpillFile {
            file,
            len: header.len() as u64,
            reader,
        })
    }

    /// Writes `text`; returns where it starts in the file.
    fn append(&mut self, text: &str) -> std::io::Result<u64> {
        let at = self.len;
        self.file.write_all(text.as_bytes())?;
        self.len += text.len() as u64;
        Ok(at)
    }

    /// Writes the index of `bodies` (whose HTML not yet here is written first) and moves
    /// the file to `path`.
    fn finish(mut self, bodies: &[(u64, &CachedBody)], path: &Path) -> std::io::Result<()> {
        let here = Arc::clone(&self.reader) as Arc<dyn HtmlSource>;
        let html_start = header().len() as u64;
        let mut index: Vec<Entry<&CachedBody>> = Vec::with_capacity(bodies.len());
        for (slot, body) in bodies {
            let (at, len, hash) = match body.html().stored_in(&here) {
                Some(place) => place,
                None => {
                    let Some(text) = body.html().try_read() else {
                        continue;
                    };
                    (self.append(&text)?, text.len(), Html::hash(&text))
                }
            };
            index.push((*slot, *body, at - html_start, len as u64, hash));
        }
        let index = postcard::to_allocvec(&index).map_err(std::io::Error::other)?;
        self.file.write_all(&index)?;
        self.file.write_all(&(index.len() as u64).to_le_bytes())?;
        // HTML read back from this file was not what was written: the build fails, and
        // the file is not kept to fail the next one too.
        if let Some(why) = self.reader.failed.get() {
            return Err(std::io::Error::new(std::io::ErrorKind::InvalidData, *why));
        }
        self.file.persist(path).map_err(|e| e.error)?;
        if self.reader.failed.get().is_some() {
            // It failed while the file was being moved: `fail` may have missed it.
            let _ = std::fs::remove_file(path);
        }
        Ok(())
    }
}

/// One shard file's index (read through `buffer`), with the file kept open for the
/// bodies' HTML.
fn read_shard(path: &Path, buffer: &mut Vec<u8>) -> Result<Shard, Unusable> {
    let shown = shown(path);
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
    let html_start = header.len() as u64;
    let mut index_len = [0; 8];
    let trailer = size
        .checked_sub(8)
        .filter(|t| *t >= html_start)
        .ok_or_else(damaged)?;
    file.seek(SeekFrom::Start(trailer))
        .and_then(|_| file.read_exact(&mut index_len))
        .map_err(|_| damaged())?;
    let index_start = trailer
        .checked_sub(u64::from_le_bytes(index_len))
        .filter(|start| *start >= html_start)
        .ok_or_else(damaged)?;
    buffer.clear();
    buffer.resize((trailer - index_start) as usize, 0);
    file.seek(SeekFrom::Start(index_start))
        .and_then(|_| file.read_exact(buffer))
        .map_err(|_| damaged())?;
    let index: Vec<Entry<CachedBody>> = postcard::from_bytes(buffer).map_err(|_| damaged())?;
    let shard = Arc::new(ShardFile::new(path.to_path_buf(), file));
    let html_size = index_start - html_start;
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

/// How messages name the shard file at `path`.
fn shown(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    format!(".kudos-cache/build/{name}")
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
    /// `file`, open for reading, which is (or will be moved to) `path`.
    fn new(path: std::path::PathBuf, file: std::fs::File) -> ShardFile {
        ShardFile {
            shown: shown(&path),
            path,
            file: Mutex::new(file),
            failed: OnceLock::new(),
        }
    }

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

    /// A body that can be stored has its HTML written to its shard's new file at once
    /// and read back from there when shown.
    fn keep_body(&self, slot: u64, mut body: CachedBody) -> Arc<Rendered> {
        if body.storable()
            && let Some(html) = self.spill(slot % SHARDS, body.html())
        {
            body = body.with_html(html);
        }
        let rendered = body.rendered();
        lock(&self.kept).insert(slot, Arc::new(body));
        rendered
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

    /// A build makes each card once.
    fn card(&self, _print: u64, _key: u64) -> Option<Arc<KeptCard>> {
        None
    }

    fn keep_card(&self, _print: u64, _key: u64, _card: KeptCard) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markdown::MarkdownOptions;
    use crate::slug::SlugStyle;

    fn rendered(text: &str) -> Rendered {
        let options = MarkdownOptions {
            smart_punctuation: false,
            heading_anchors: false,
            slugs: SlugStyle::Transliterate,
        };
        crate::markdown::render(text, options, &|_: &str| None)
    }

    fn body(path: &str, text: &str) -> CachedBody {
        CachedBody::new((path.into(), None), 7, Vec::new(), rendered(text))
    }

    fn partial_files(root: &Path) -> usize {
        std::fs::read_dir(root.join(".kudos-cache/build"))
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.file_name().to_string_lossy().starts_with(PARTIAL_PREFIX))
                    .count()
            })
            .unwrap_or(0)
    }

    #[test]
    fn a_rendered_body_leaves_memory_at_once_and_comes_back_from_the_saved_store() {
        let site = tempfile::tempdir().unwrap();
        let long_text = "Knowledge, responsibility, respect and care. ".repeat(60);
        let long_html = rendered(&long_text).html.to_string();
        let (store, note) = BodyStore::load(site.path());
        assert_eq!(note, None);
        assert!(store.body(1).is_none() && store.body(2).is_none());
        let long = store.keep_body(1, body("posts/a.md", &long_text));
        let short = store.keep_body(2, body("shoutouts/b.md", "Thank you!"));
        assert_eq!(
            long.html.made(),
            None,
            "long HTML is on disk, not in memory"
        );
        assert_eq!(long.html.read(), long_html);
        assert_eq!(long.html.read(), long_html, "and can be read again");
        assert_eq!(
            short.html.made(),
            Some("<p>Thank you!</p>\n"),
            "short HTML stays"
        );
        assert_eq!(
            partial_files(site.path()),
            1,
            "one shard file being written"
        );
        store.save();
        assert_eq!(
            partial_files(site.path()),
            0,
            "saved under the shards' names"
        );
        assert_eq!(long.html.read(), long_html, "still readable once saved");
        assert!(store.damage().is_none());
        drop(store);

        let (again, note) = BodyStore::load(site.path());
        assert_eq!(note, None);
        let long = again.body(1).expect("the long body was kept");
        assert_eq!(long.html().read(), long_html);
        let short = again.body(2).expect("the short body was kept");
        assert_eq!(short.html().read(), "<p>Thank you!</p>\n");
        // Kept bodies that this build did not render are copied into the shards it writes.
        assert!(again.body(1 + SHARDS).is_none());
        again.keep_body(1 + SHARDS, body("posts/c.md", &long_text));
        again.save();
        drop(again);
        let (third, _) = BodyStore::load(site.path());
        for slot in [1, 2, 1 + SHARDS] {
            assert!(third.body(slot).is_some(), "slot {slot}");
        }
        assert_eq!(third.body(1).unwrap().html().read(), long_html);
    }

    #[test]
    fn a_new_shard_whose_html_did_not_read_back_is_not_saved() {
        let site = tempfile::tempdir().unwrap();
        let (store, _) = BodyStore::load(site.path());
        let text = "Respect is letting a customer say no. ".repeat(60);
        assert!(store.body(5).is_none());
        let kept = store.keep_body(5, body("posts/a.md", &text));
        let build = site.path().join(".kudos-cache/build");
        let partial = std::fs::read_dir(&build)
            .unwrap()
            .flatten()
            .find(|e| e.file_name().to_string_lossy().starts_with(PARTIAL_PREFIX))
            .expect("a file being written")
            .path();
        // Changed behind the build's back: the first byte of the HTML.
        let mut bytes = std::fs::read(&partial).unwrap();
        let at = header().len();
        bytes[at] = b' ';
        std::fs::write(&partial, bytes).unwrap();
        assert_eq!(
            kept.html.read(),
            "",
            "what was read is not what was written"
        );
        let damage = store.damage().expect("the build must fail").to_string();
        assert!(damage.contains("bodies-05"), "{damage}");
        store.save();
        assert!(
            !build.join("bodies-05").exists(),
            "the damaged file is not kept"
        );
        assert_eq!(partial_files(site.path()), 0);
    }

    #[test]
    fn files_of_an_unfinished_build_are_removed() {
        let site = tempfile::tempdir().unwrap();
        {
            let (store, _) = BodyStore::load(site.path());
            let long = "Give away a little of the awesome first. ".repeat(60);
            store.keep_body(3, body("posts/a.md", &long));
            assert_eq!(partial_files(site.path()), 1);
        }
        assert_eq!(
            partial_files(site.path()),
            0,
            "a build that fails leaves none"
        );
        let build = site.path().join(".kudos-cache/build");
        std::fs::write(
            build.join(format!("{PARTIAL_PREFIX}x1")),
            "left by a stopped build",
        )
        .unwrap();
        let (_store, note) = BodyStore::load(site.path());
        assert_eq!(note, None);
        assert_eq!(partial_files(site.path()), 0, "one left behind is removed");
    }
}
