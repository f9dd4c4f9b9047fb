//! Walking `content/` and turning each file into a model value.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use rayon::prelude::*;

use super::front_matter;
use super::{
    Asset, BrokenFile, Content, Page, PageKind, PageMeta, Section, SectionMeta, Segment,
    SegmentMeta, Shoutout, ShoutoutMeta, Source,
};
use crate::config::Config;
use crate::error::{Result, SourceError};
use crate::slug::SlugStyle;
use crate::url::UrlPath;
use crate::walk::{self, SiteBounds, is_ignored};

/// One file of `content/`, classified before it is read.
#[derive(Clone)]
enum Entry {
    Markdown(PathBuf),
    Asset(PathBuf),
}

impl Entry {
    fn classify(path: PathBuf) -> Entry {
        if path.extension().is_some_and(|x| x == "md") {
            Entry::Markdown(path)
        } else {
            Entry::Asset(path)
        }
    }

    fn path(&self) -> &Path {
        match self {
            Entry::Markdown(p) | Entry::Asset(p) => p,
        }
    }
}

/// Parsed files kept between loads (`serve`, `watch`): a file is parsed again only if it
/// was reported changed, or its size or modification time differ.
#[derive(Default)]
pub struct LoadCache {
    files: HashMap<PathBuf, CachedFile>,
    config: u64,
    /// The file list of the last load.
    entries: Option<Vec<Entry>>,
    /// The links its walk did not follow, as warnings.
    skipped: Vec<SourceError>,
}

struct CachedFile {
    stamp: Option<(SystemTime, u64)>,
    loaded: std::result::Result<Loaded, SourceError>,
}

/// Loads every file under `root/content`; files that cannot be parsed are listed in
/// [`Content::broken`], all of them, for resolving to report.
pub fn load(root: &Path, config: &Config) -> Result<Content> {
    load_cached(root, config, &mut LoadCache::default(), &HashSet::new())
}

/// Like [`load`], reusing `cache` for files that are not in `changed` and look unchanged.
pub fn load_cached(
    root: &Path,
    config: &Config,
    cache: &mut LoadCache,
    changed: &HashSet<PathBuf>,
) -> Result<Content> {
    let mut content = load_files(root, config, cache, changed)?;
    let bounds = SiteBounds::new(root, &config.build.output_dir)?;
    let (data, errors) = super::data::load(root, &bounds)?;
    content.data = data;
    content.data_errors = errors;
    let (strings, problems) = crate::i18n::Strings::load(root, config);
    content.strings = Arc::new(strings);
    content.data_errors.extend(problems.errors);
    content.warnings.extend(problems.warnings);
    Ok(content)
}

/// `content/`'s files, as [`load_cached`] says.
fn load_files(
    root: &Path,
    config: &Config,
    cache: &mut LoadCache,
    changed: &HashSet<PathBuf>,
) -> Result<Content> {
    let config_fp = config.fingerprint();
    if cache.config != config_fp {
        cache.files.clear();
        cache.entries = None;
        cache.config = config_fp;
    }
    let content_dir = root.join("content");
    if !content_dir.is_dir() {
        cache.files.clear();
        cache.entries = None;
        return Ok(Content::default());
    }
    // A rebuild told exactly which files changed patches the previous file list; the
    // first load, and anything involving folders, walks `content/` and checks every
    // file's size and time as well (a safety net for events the platform dropped).
    let patched = cache
        .entries
        .as_ref()
        .filter(|_| !changed.is_empty())
        .and_then(|previous| patch_entries(previous, &content_dir, changed));
    let walked = patched.is_none();
    let entries = match patched {
        Some(entries) => entries,
        None => {
            let (entries, skipped) = walk(root, &content_dir, config)?;
            cache.skipped = skipped;
            entries
        }
    };
    let markdown: Vec<&PathBuf> = entries
        .iter()
        .filter_map(|e| match e {
            Entry::Markdown(p) => Some(p),
            Entry::Asset(_) => None,
        })
        .collect();
    // Only a file loaded before is looked at here (on every core); the others are read
    // anyway, and stamped from the open file.
    let stale: Vec<&PathBuf> = if walked {
        markdown
            .par_iter()
            .copied()
            .filter(|p| {
                changed.contains(*p)
                    || cache
                        .files
                        .get(*p)
                        .is_none_or(|c| c.stamp.is_none() || c.stamp != stamp(p))
            })
            .collect()
    } else {
        markdown
            .iter()
            .copied()
            .filter(|p| changed.contains(*p))
            .collect()
    };
    let fresh: Vec<(PathBuf, CachedFile)> = stale
        .par_iter()
        .map(|p| {
            let (stamp, loaded) = load_markdown(root, &content_dir, p, config);
            ((*p).clone(), CachedFile { stamp, loaded })
        })
        .collect();
    cache.files.extend(fresh);
    if walked {
        let present: HashSet<&PathBuf> = markdown.iter().copied().collect();
        cache.files.retain(|p, _| present.contains(p));
    } else {
        for path in changed {
            if !path.exists() {
                cache.files.remove(path);
            }
        }
    }

    let mut content = Content {
        warnings: cache.skipped.clone(),
        ..Content::default()
    };
    let slugs = config.build.slug_style();
    for (path, cached) in &cache.files {
        match &cached.loaded {
            Ok(Loaded::Page(p)) => content.pages.push(p.clone()),
            Ok(Loaded::Shoutout(s)) => content.shoutouts.push(s.clone()),
            Ok(Loaded::Segment(s)) => content.segments.push(s.clone()),
            Ok(Loaded::Section(s)) => content.sections.push(s.clone()),
            Err(error) => {
                let content_path = slash_path(path.strip_prefix(&content_dir).unwrap_or(path));
                content.broken.push(BrokenFile {
                    slug: slugs.slugify(file_stem(&content_path)),
                    content_path,
                    error: error.clone(),
                });
            }
        }
    }
    content
        .broken
        .sort_by(|a, b| a.content_path.cmp(&b.content_path));
    let bundles: Vec<PathBuf> = markdown
        .iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "index.md"))
        .filter_map(|p| p.parent().map(Path::to_path_buf))
        .collect();
    for entry in &entries {
        if let Entry::Asset(path) = entry {
            content
                .assets
                .push(asset(&content_dir, path, &bundles, &content.pages));
        }
    }
    cache.entries = Some(entries);
    Ok(content)
}

/// A file that changed without moving its item in the site, so the resolved site stays
/// right with the new version swapped in.
#[derive(Debug, Clone)]
pub enum ContentEdit {
    /// A post or page with the same placement, tags apart (see
    /// [`PageMeta::same_placement_apart_from_tags`](super::PageMeta::same_placement_apart_from_tags)).
    Page {
        /// As loaded before.
        old: Arc<Page>,
        /// As loaded now.
        new: Arc<Page>,
        /// Its tags changed: the site's tag lists must follow.
        retagged: bool,
    },
    /// A shout-out whose front matter is byte for byte the same: only the quote changed.
    Shoutout {
        /// As loaded before.
        old: Arc<Shoutout>,
        /// As loaded now.
        new: Arc<Shoutout>,
    },
}

impl LoadCache {
    /// Re-reads `changed` when every path is a post, page or shout-out this cache
    /// already holds and the edit leaves it in the same place in the site, and keeps the
    /// new versions. `None` (cache untouched) for anything else: a new, removed or
    /// unreadable file, another kind of file, an edit that moves an item (other than
    /// between tags), another config.
    ///
    /// This is what lets `serve` patch a retained site instead of resolving it again:
    /// such an edit cannot change what resolving decides.
    pub fn reread_edits(
        &mut self,
        root: &Path,
        config: &Config,
        changed: &HashSet<PathBuf>,
    ) -> Option<Vec<ContentEdit>> {
        if self.config != config.fingerprint() || self.entries.is_none() || changed.is_empty() {
            return None;
        }
        let content_dir = root.join("content");
        let mut fresh = Vec::with_capacity(changed.len());
        for path in changed {
            if !path.starts_with(&content_dir) || path.extension().is_none_or(|x| x != "md") {
                return None;
            }
            let old = match self.files.get(path) {
                Some(CachedFile {
                    loaded: Ok(old), ..
                }) => old,
                _ => return None,
            };
            let (stamp, new) = load_markdown(root, &content_dir, path, config);
            let (stamp, new) = (stamp?, new.ok()?);
            let edit = match (old, &new) {
                (Loaded::Page(old), Loaded::Page(new)) => {
                    if new.source.text == old.source.text {
                        continue;
                    }
                    let in_place = new.path == old.path
                        && new.kind == old.kind
                        && new.meta.same_placement_apart_from_tags(&old.meta);
                    in_place.then(|| ContentEdit::Page {
                        old: Arc::clone(old),
                        new: Arc::clone(new),
                        retagged: new.meta.tags != old.meta.tags,
                    })
                }
                (Loaded::Shoutout(old), Loaded::Shoutout(new)) => {
                    if new.source.text == old.source.text {
                        continue;
                    }
                    // An empty quote, or one with an `@/` link, is something resolving
                    // reports.
                    let in_place = new.source.front() == old.source.front()
                        && !new.source.body().trim().is_empty()
                        && new.internal_link().is_none()
                        && old.internal_link().is_none();
                    in_place.then(|| ContentEdit::Shoutout {
                        old: Arc::clone(old),
                        new: Arc::clone(new),
                    })
                }
                _ => None,
            }?;
            fresh.push((path.clone(), stamp, new, edit));
        }
        let mut edits = Vec::with_capacity(fresh.len());
        for (path, stamp, loaded, edit) in fresh {
            self.files.insert(
                path,
                CachedFile {
                    stamp: Some(stamp),
                    loaded: Ok(loaded),
                },
            );
            edits.push(edit);
        }
        Some(edits)
    }
}

/// The previous file list with `changed` applied, or `None` when that cannot be done
/// safely (a folder was created, moved or deleted): then the caller walks.
fn patch_entries(
    previous: &[Entry],
    content_dir: &Path,
    changed: &HashSet<PathBuf>,
) -> Option<Vec<Entry>> {
    let mut entries: Vec<Entry> = previous.to_vec();
    for path in changed.iter().filter(|p| p.starts_with(content_dir)) {
        let relative = path.strip_prefix(content_dir).unwrap_or(path);
        if relative
            .components()
            .any(|c| is_ignored(&c.as_os_str().to_string_lossy()))
        {
            continue;
        }
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            // Only a walk decides whether a link is followed.
            return None;
        }
        let known = entries.iter().position(|e| e.path() == path);
        if path.is_file() {
            if known.is_none() {
                entries.push(Entry::classify(path.clone()));
            }
        } else if path.exists() {
            return None;
        } else if let Some(at) = known {
            entries.remove(at);
        } else if path.extension().is_none() {
            // Perhaps a folder that went away: only a walk knows what was in it.
            return None;
        }
    }
    entries.sort_by(|a, b| a.path().cmp(b.path()));
    Some(entries)
}

/// Size and modification time, to notice edits the watcher did not report.
fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    stamp_of(&std::fs::metadata(path).ok()?)
}

/// The stamp of a file with `meta`: its modification time and size.
fn stamp_of(meta: &std::fs::Metadata) -> Option<(SystemTime, u64)> {
    Some((meta.modified().ok()?, meta.len()))
}

/// Files under `dir` as [`walk::walk`] finds them, and its warnings.
fn walk(root: &Path, dir: &Path, config: &Config) -> Result<(Vec<Entry>, Vec<SourceError>)> {
    let bounds = SiteBounds::new(root, &config.build.output_dir)?;
    let walked = walk::walk(dir, &bounds, walk::Dotfiles::Skip)?;
    let entries = walked.files.into_iter().map(Entry::classify).collect();
    Ok((entries, walked.skipped))
}

#[derive(Clone)]
enum Loaded {
    Page(Arc<Page>),
    Shoutout(Arc<Shoutout>),
    Segment(Arc<Segment>),
    Section(Arc<Section>),
}

/// What names an item in its path: the file name without `.md`, or a bundle's folder.
fn file_stem(content_path: &str) -> &str {
    let mut parts = content_path.rsplit('/');
    let file_name = parts.next().unwrap_or("");
    match parts.next() {
        Some(folder) if file_name == "index.md" => folder,
        _ => file_name.trim_end_matches(".md"),
    }
}

/// The markdown file at `path`, loaded, with its stamp as it was when read (`None` if it
/// could not be opened).
fn load_markdown(
    root: &Path,
    content_dir: &Path,
    path: &Path,
    config: &Config,
) -> (
    Option<(SystemTime, u64)>,
    std::result::Result<Loaded, SourceError>,
) {
    let (stamp, bytes) = read_stamped(path);
    (
        stamp,
        parse_markdown(root, content_dir, path, bytes, config),
    )
}

/// A file's bytes and its stamp, taken from the open file before reading it (so a change
/// while reading shows as a different stamp next time): one look at the file, not two.
fn read_stamped(path: &Path) -> (Option<(SystemTime, u64)>, std::io::Result<Vec<u8>>) {
    use std::io::Read;
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) => return (None, Err(e)),
    };
    let stamp = file.metadata().ok().as_ref().and_then(stamp_of);
    let capacity = stamp.map_or(0, |(_, len)| usize::try_from(len).unwrap_or(0));
    let mut bytes = Vec::with_capacity(capacity);
    // Through `take`: `File`'s own `read_to_end` would look at the file again for its size.
    let read = (&mut file)
        .take(u64::MAX)
        .read_to_end(&mut bytes)
        .map(|_| bytes);
    (stamp, read)
}

/// The markdown file at `path`, whose bytes were read as `bytes`.
fn parse_markdown(
    root: &Path,
    content_dir: &Path,
    path: &Path,
    bytes: std::io::Result<Vec<u8>>,
    config: &Config,
) -> std::result::Result<Loaded, SourceError> {
    let shown = path.strip_prefix(root).unwrap_or(path).to_path_buf();
    let content_path = slash_path(path.strip_prefix(content_dir).unwrap_or(path));
    let text = utf8(bytes, &shown)?;
    let split = front_matter::split(&shown, &text)?;
    let source = Source {
        path: shown.clone(),
        content_path: content_path.clone(),
        text: Arc::clone(&text),
        body_offset: split.body_offset,
        revision: crate::fingerprint::stable_hash(&[content_path.as_bytes(), text.as_bytes()]),
        has_shortcodes: crate::markdown::shortcodes::may_contain(split.body),
    };
    let slugs = config.build.slug_style();
    let parts: Vec<&str> = content_path.split('/').collect();
    let file_name = *parts.last().unwrap_or(&"");
    if file_name == "_index.md" {
        let meta: SectionMeta = front_matter::parse(&shown, &text, &split)?;
        let dir = parts[..parts.len() - 1].join("/");
        return Ok(Loaded::Section(Arc::new(Section { source, meta, dir })));
    }
    let stem = file_stem(&content_path);
    match parts[0] {
        "shoutouts" if parts.len() > 1 => {
            let mut meta: ShoutoutMeta = front_matter::parse(&shown, &text, &split)?;
            for list in [&mut meta.tags, &mut meta.segments] {
                dedup_keep_order(list);
            }
            let slug = slugs.slugify(meta.slug.as_deref().unwrap_or(stem));
            // Resolving makes it neutral when the consent does not cover the name.
            let path = UrlPath::page(&config.shoutouts.wall_path)
                .join_page(&slug)
                .into();
            Ok(Loaded::Shoutout(Arc::new(Shoutout {
                source,
                meta,
                slug,
                path,
            })))
        }
        "segments" if parts.len() > 1 => {
            let mut meta: SegmentMeta = front_matter::parse(&shown, &text, &split)?;
            for list in [&mut meta.tags, &mut meta.featured_shoutouts] {
                dedup_keep_order(list);
            }
            let slug = slugs.slugify(stem);
            let path = UrlPath::page(&config.segments.path).join_page(&slug).into();
            Ok(Loaded::Segment(Arc::new(Segment {
                source,
                meta,
                slug,
                path,
            })))
        }
        first => {
            let mut meta: PageMeta = front_matter::parse(&shown, &text, &split)?;
            for list in [&mut meta.tags, &mut meta.segments, &mut meta.variants] {
                dedup_keep_order(list);
            }
            let kind = if first == "posts" && parts.len() > 1 {
                PageKind::Post
            } else {
                PageKind::Page
            };
            if kind == PageKind::Post && meta.date.is_none() {
                return Err(missing_date(&shown, &text, &split));
            }
            let slug = slugs.slugify(meta.slug.as_deref().unwrap_or(stem));
            let path = match kind {
                PageKind::Post => UrlPath::page("posts").join_page(&slug).into(),
                PageKind::Page => page_path(&parts, &slug, slugs),
            };
            Ok(Loaded::Page(Arc::new(Page {
                source,
                kind,
                meta,
                slug,
                path,
            })))
        }
    }
}

/// Drops repeated entries of a front matter list, keeping the first of each in order:
/// `tags = ["news", "news", ...]` a million times is one tag, and costs one tag's work
/// (and memory) in every later stage.
fn dedup_keep_order(list: &mut Vec<String>) {
    if list.len() < 2 {
        return;
    }
    let mut seen: HashSet<String> = HashSet::new();
    list.retain(|item| {
        if seen.contains(item) {
            return false;
        }
        seen.insert(item.clone());
        true
    });
}

fn missing_date(shown: &Path, text: &Arc<str>, split: &front_matter::Split) -> SourceError {
    let range = split.front_offset..split.front_offset;
    SourceError::at(
        shown,
        text,
        range,
        "missing field `date`: every post needs a date",
    )
    .with_help("add a line like `date = 2026-03-14` to the front matter")
}

/// `about.md` -> `/about/`, `legal/privacy.md` -> `/legal/privacy/`, `legal/index.md` -> `/legal/`.
fn page_path(parts: &[&str], slug: &str, slugs: SlugStyle) -> String {
    let is_index = parts.last() == Some(&"index.md");
    let dirs = if is_index {
        &parts[..parts.len().saturating_sub(2)]
    } else {
        &parts[..parts.len() - 1]
    };
    let mut path = String::from("/");
    for dir in dirs {
        path.push_str(&slugs.slugify(dir));
        path.push('/');
    }
    if !(is_index && parts.len() == 1) {
        path.push_str(slug);
        path.push('/');
    }
    path
}

/// The text of the file `shown`, or why it is not text.
fn utf8(
    bytes: std::io::Result<Vec<u8>>,
    shown: &Path,
) -> std::result::Result<Arc<str>, SourceError> {
    let bytes = bytes.map_err(|e| SourceError::new(shown, format!("cannot read: {e}")))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Arc::from(text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() + 1;
            let column = valid
                - bytes[..valid]
                    .iter()
                    .rposition(|b| *b == b'\n')
                    .map_or(0, |i| i + 1)
                + 1;
            let mut error = SourceError::new(
                shown,
                format!("the file is not valid UTF-8 (bad byte at offset {valid})"),
            )
            .with_help("save the file with UTF-8 encoding");
            error.position = Some((line, column));
            Err(error)
        }
    }
}

fn asset(content_dir: &Path, path: &Path, bundles: &[PathBuf], pages: &[Arc<Page>]) -> Asset {
    let bundle = bundles
        .iter()
        .filter(|b| path.starts_with(b) && b.as_path() != content_dir)
        .max_by_key(|b| b.as_os_str().len());
    if let Some(bundle) = bundle {
        let index = slash_path(bundle.strip_prefix(content_dir).unwrap_or(bundle)) + "/index.md";
        if let Some(page) = pages.iter().find(|p| p.source.content_path == index) {
            let rest = slash_path(path.strip_prefix(bundle).unwrap_or(path));
            return Asset {
                from: path.to_path_buf(),
                content_path: slash_path(path.strip_prefix(content_dir).unwrap_or(path)),
                to: format!("{}{rest}", &page.path[1..]),
            };
        }
    }
    let content_path = slash_path(path.strip_prefix(content_dir).unwrap_or(path));
    Asset {
        from: path.to_path_buf(),
        to: content_path.clone(),
        content_path,
    }
}

/// A relative path with forward slashes on every platform.
pub fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_paths_follow_folders() {
        assert_eq!(
            page_path(&["about.md"], "about", SlugStyle::KeepLetters),
            "/about/"
        );
        assert_eq!(
            page_path(&["legal", "privacy.md"], "privacy", SlugStyle::KeepLetters),
            "/legal/privacy/"
        );
        assert_eq!(
            page_path(&["legal", "index.md"], "legal", SlugStyle::KeepLetters),
            "/legal/"
        );
    }

    #[test]
    fn repeated_list_entries_keep_their_first_place() {
        let mut tags: Vec<String> = ["b", "a", "b", "c", "a", "B"].map(String::from).to_vec();
        dedup_keep_order(&mut tags);
        assert_eq!(tags, ["b", "a", "c", "B"]);
    }

    #[test]
    fn every_list_of_names_is_deduplicated_at_load() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let files = [
            (
                "posts/p.md",
                "+++\ntitle = \"P\"\ndate = 2026-01-01\ntags = [\"x\", \"y\", \"x\"]\nsegments = [\"s\", \"s\"]\nvariants = [\"s\", \"s\"]\n+++\n",
            ),
            (
                "shoutouts/q.md",
                "+++\ncustomer = \"Q\"\ntags = [\"t\", \"t\"]\nsegments = [\"s\", \"s\"]\n+++\nHi\n",
            ),
            (
                "segments/s.md",
                "+++\ntitle = \"S\"\ntags = [\"t\", \"t\"]\nfeatured_shoutouts = [\"q\", \"q\"]\n+++\n",
            ),
        ];
        for (path, text) in files {
            let path = root.join("content").join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let config: Config = toml::from_str("title = \"T\"").unwrap();
        let content = load(root, &config).unwrap();
        let post = &content.pages[0].meta;
        assert_eq!(post.tags, ["x", "y"]);
        assert_eq!(post.segments, ["s"]);
        assert_eq!(post.variants, ["s"]);
        let shoutout = &content.shoutouts[0].meta;
        assert_eq!(shoutout.tags, ["t"]);
        assert_eq!(shoutout.segments, ["s"]);
        let segment = &content.segments[0].meta;
        assert_eq!(segment.tags, ["t"]);
        assert_eq!(segment.featured_shoutouts, ["q"]);
    }
}
