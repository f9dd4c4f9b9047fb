//! `.kudos-cache/build/record`: what a successful build read and wrote, so that a build
//! that would change nothing stops early.
//!
//! The record holds one digest of everything a build reads: the stamp (size, modification
//! and change time, inode) of every file in the site's folders, the config file and the
//! font files it names; the config as the command line left it (`--base-url`,
//! `--output`); the build options (`--drafts`, `--strict`); and which kudos binary ran.
//! Beside it, the stamp of the output's manifest, and until when the build's output
//! holds: the first date after the build at which a future-dated post comes out or a
//! consent's date arrives ([`crate::site::Site::changes_at`]). A build whose digest matches, whose manifest
//! is the one the record saw, and whose every output file still matches its stamp in that
//! manifest (`touch`ed, edited or deleted by hand: no match) would write the same bytes
//! to the same places, so it writes nothing.
//!
//! The record is never trusted beyond that. It is deleted before a build starts writing,
//! so a failed or killed build leaves none, and written only after a build succeeded,
//! with that build's warnings, which a build that stops early shows again. A file changed in the
//! same clock tick as it was stamped could keep its stamp: files changed within
//! [`RACY`] of the stamping are recorded with a hash of their bytes too, and checked by
//! their bytes next time (git's "racily clean" entries, solved the same way). A record
//! that does not parse is ignored with a note.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use walkdir::WalkDir;
use xxhash_rust::xxh3::xxh3_128;

use crate::cache_dir::CacheDir;
use crate::config::Config;
use crate::content::Date;
use crate::error::SourceError;
use crate::fingerprint::StableHasher;
use crate::output::{FileId, MANIFEST, Manifest};
use crate::site::BuildOptions;
use crate::walk::SITE_FOLDERS;

/// The record's first line: the format and its version.
const RECORD_LINE: &str = "kudos-build-record 1";

/// How close to the stamping a file's times may be before its stamp alone is not
/// trusted: well above any file system's clock tick (FAT's two seconds included).
pub const RACY: Duration = Duration::from_secs(3);

/// Every input of a build, stamped before any of them is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inputs {
    digest: u128,
    /// Files changed within [`RACY`] of the stamping, with the hash of their bytes.
    racy: Vec<(PathBuf, u128)>,
}

impl Inputs {
    /// Stamps the inputs of the site at `root` as `config` and `options` build it;
    /// `None` when a folder cannot be walked whole (a link loop, a file that vanished
    /// meanwhile): such a build is not recorded.
    pub fn stamp(
        root: &Path,
        config_path: &Path,
        config: &Config,
        options: &BuildOptions,
    ) -> Option<Inputs> {
        let stamped_at = nanos(SystemTime::now());
        let mut files = site_files(root)?;
        files.push(config_path.to_path_buf());
        files.extend(config.card_fonts.files().iter().map(|f| root.join(f)));
        files.sort();
        files.dedup();
        let stamps: Vec<(PathBuf, FileId)> = files
            .into_par_iter()
            .map(|path| {
                let id = FileId::of(&std::fs::metadata(&path).ok()?);
                Some((path, id))
            })
            .collect::<Option<_>>()?;
        let mut digest = StableHasher::default();
        digest.part(RECORD_LINE.as_bytes());
        digest.part(binary_identity().as_bytes());
        digest.part(&config.fingerprint().to_le_bytes());
        digest.part(format!("{} {}", options.drafts, options.strict).as_bytes());
        for (path, id) in &stamps {
            digest.part(path.as_os_str().as_encoded_bytes());
            digest.part(id.render().as_bytes());
        }
        let racy_after = stamped_at - RACY.as_nanos() as i128;
        let racy = stamps
            .par_iter()
            .filter(|(_, id)| id.modified.max(id.changed) >= racy_after)
            .map(|(path, _)| Some((path.clone(), content_hash(path)?)))
            .collect::<Option<_>>()?;
        Some(Inputs {
            digest: digest.digest128(),
            racy,
        })
    }
}

/// The files below the site's folders, links followed (a link's target is what a build
/// reads); `None` if the walk fails anywhere.
fn site_files(root: &Path) -> Option<Vec<PathBuf>> {
    let mut files = Vec::new();
    for folder in SITE_FOLDERS {
        let dir = root.join(folder);
        if std::fs::symlink_metadata(&dir).is_err() {
            continue;
        }
        for entry in WalkDir::new(&dir).follow_links(true) {
            let entry = entry.ok()?;
            if !entry.file_type().is_dir() {
                files.push(entry.into_path());
            }
        }
    }
    Some(files)
}

/// Which kudos made a record or a body file: its version and its executable's stamp (a
/// rebuilt binary may render differently under the same version number). Looked up once
/// per process: every body file's header names it.
pub(super) fn binary_identity() -> &'static str {
    static IDENTITY: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let exe = std::env::current_exe()
            .and_then(std::fs::metadata)
            .map(|m| FileId::of(&m));
        match exe {
            Ok(id) => format!("{} {}", env!("CARGO_PKG_VERSION"), id.render()),
            // Not knowing the binary, never match: a value no other process holds.
            Err(_) => format!("unknown {:?}", SystemTime::now()),
        }
    });
    &IDENTITY
}

fn content_hash(path: &Path) -> Option<u128> {
    std::fs::read(path).ok().map(|bytes| xxh3_128(&bytes))
}

fn nanos(time: SystemTime) -> i128 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128)
}

/// What the last successful build read and wrote.
#[derive(Debug, Clone)]
pub struct Record {
    inputs: Inputs,
    /// The output manifest as that build left it.
    manifest: FileId,
    /// When the same sources publish something else ([`crate::site::Site::changes_at`]).
    changes_at: Option<Date>,
    /// HTML pages and files in its output, for the report of a build that stops early.
    pub pages: usize,
    pub files: usize,
    /// The build's warnings, shown again by a build that stops early.
    pub warnings: Vec<SourceError>,
    /// The fingerprint of every page and feed it wrote ([`super::fingerprints`]), by
    /// output path: the next build renders only those whose fingerprint changed.
    pub page_prints: FxHashMap<String, u64>,
    /// What the prints leave out because `serve` never changes it while it runs: the
    /// binary, and what `--drafts` shows ([`page_context`]).
    pub page_context: u64,
}

/// What every page depends on beyond its fingerprint: the kudos binary that renders it,
/// whether drafts are published, and the "previewed on" date pages then show.
pub fn page_context(drafts: bool, preview: Option<Date>) -> u64 {
    crate::fingerprint::fingerprint(&(binary_identity(), drafts, preview))
}

/// A warning as the record keeps it (one JSON line).
#[derive(serde::Serialize, serde::Deserialize)]
struct KeptWarning {
    path: PathBuf,
    position: Option<(usize, usize)>,
    message: String,
    help: Option<String>,
    snippet: Option<(String, usize, usize)>,
}

impl KeptWarning {
    fn of(warning: &SourceError) -> KeptWarning {
        KeptWarning {
            path: warning.path.clone(),
            position: warning.position,
            message: warning.message.clone(),
            help: warning.help.clone(),
            snippet: warning
                .snippet
                .as_ref()
                .map(|(text, range)| (text.to_string(), range.start, range.end)),
        }
    }

    fn into_warning(self) -> SourceError {
        // A range that does not fit its text (a hand-edited record) loses the snippet only.
        let snippet = self.snippet.filter(|(text, start, end)| {
            start <= end && text.is_char_boundary(*start) && text.is_char_boundary(*end)
        });
        SourceError {
            path: self.path,
            position: self.position,
            message: self.message,
            help: self.help,
            snippet: snippet.map(|(text, start, end)| (std::sync::Arc::from(text), start..end)),
        }
    }
}

/// Why a record could not be used (shown as a note: it is rebuilt either way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable(pub String);

impl Record {
    /// A record of a build that read `inputs` and left `output` behind.
    pub fn of(
        inputs: Inputs,
        output: &Path,
        changes_at: Option<Date>,
        (pages, files): (usize, usize),
        warnings: Vec<SourceError>,
        (page_prints, page_context): (FxHashMap<String, u64>, u64),
    ) -> Option<Record> {
        Some(Record {
            inputs,
            manifest: FileId::of_file(&output.join(MANIFEST))?,
            changes_at,
            pages,
            files,
            warnings,
            page_prints,
            page_context,
        })
    }

    /// The record of the site at `root`: `Ok(None)` when there is none.
    pub fn load(root: &Path) -> Result<Option<Record>, Unreadable> {
        let path = record_path(root);
        match std::fs::read_to_string(&path) {
            Ok(text) => Record::parse(&text).map(Some).ok_or_else(|| {
                Unreadable(format!(
                    "{} was not written by this version of kudos (or is damaged): it is ignored, and every page is built",
                    shown(root, &path)
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(Unreadable(format!(
                "{} cannot be read ({e}): it is ignored, and every page is built",
                shown(root, &path)
            ))),
        }
    }

    /// Whether a build of `inputs` into `output` at `now` would write exactly what is
    /// there.
    pub fn still_holds(&self, inputs: &Inputs, output: &Path, now: Date) -> bool {
        self.inputs.digest == inputs.digest
            && self.changes_at.is_none_or(|date| now < date)
            && self
                .inputs
                .racy
                .par_iter()
                .all(|(path, hash)| content_hash(path) == Some(*hash))
            && self.output_untouched(output)
    }

    /// The manifest is the one this record saw and every file it lists matches its stamp.
    fn output_untouched(&self, output: &Path) -> bool {
        if !self.left_the_manifest_in(output) {
            return false;
        }
        let Ok(Some(manifest)) = Manifest::read(output) else {
            return false;
        };
        manifest.files.par_iter().all(|file| {
            let Some(stamp) = manifest.stamps.get(file) else {
                return false;
            };
            FileId::of_file(&output.join(file)) == Some(stamp.id)
        })
    }

    /// Writes the record (whole, or not at all); a record that cannot be written only
    /// costs the next build its shortcut.
    pub fn save(&self, root: &Path) {
        let dir = CacheDir::of(root, "build");
        let _ = dir.write_whole(&record_path(root), self.render().as_bytes());
    }

    /// Deletes the record: called before a build changes anything.
    pub fn forget(root: &Path) {
        let _ = std::fs::remove_file(record_path(root));
    }

    fn render(&self) -> String {
        let changes_at = self
            .changes_at
            .map_or_else(|| "never".to_string(), |date| date.to_string());
        let mut text = format!(
            "{RECORD_LINE}\ndigest {:032x}\nmanifest {}\ncontext {:016x}\nchanges {changes_at}\npages {}\nfiles {}\n",
            self.inputs.digest,
            self.manifest.render(),
            self.page_context,
            self.pages,
            self.files
        );
        let warnings: Vec<KeptWarning> = self.warnings.iter().map(KeptWarning::of).collect();
        let warnings = serde_json::to_string(&warnings).unwrap_or_default();
        text.push_str(&format!("warnings {warnings}\n"));
        for (path, hash) in &self.inputs.racy {
            // A path with a line break cannot be written: such a record never matches.
            let path = path.to_string_lossy().replace('\n', "\u{fffd}");
            text.push_str(&format!("racy {hash:032x} {path}\n"));
        }
        let mut prints: Vec<_> = self.page_prints.iter().collect();
        prints.sort_unstable();
        for (path, print) in prints {
            // Output paths hold no line breaks (`crate::output::paths`).
            text.push_str(&format!("page {print:016x} {path}\n"));
        }
        text
    }

    fn parse(text: &str) -> Option<Record> {
        let mut lines = text.lines();
        (lines.next()? == RECORD_LINE).then_some(())?;
        let mut field = |name: &str| lines.next()?.strip_prefix(name)?.strip_prefix(' ');
        let digest = u128::from_str_radix(field("digest")?, 16).ok()?;
        let manifest = FileId::parse(field("manifest")?)?;
        let page_context = u64::from_str_radix(field("context")?, 16).ok()?;
        let changes_at = match field("changes")? {
            "never" => None,
            date => Some(Date::parse(date)?),
        };
        let pages = field("pages")?.parse().ok()?;
        let files = field("files")?.parse().ok()?;
        let warnings: Vec<KeptWarning> = serde_json::from_str(field("warnings")?).ok()?;
        let warnings = warnings
            .into_iter()
            .map(KeptWarning::into_warning)
            .collect();
        let mut racy = Vec::new();
        let mut page_prints = FxHashMap::default();
        for line in lines {
            let (kind, rest) = line.split_once(' ')?;
            let (hash, path) = rest.split_once(' ')?;
            match kind {
                "racy" => racy.push((PathBuf::from(path), u128::from_str_radix(hash, 16).ok()?)),
                "page" => {
                    page_prints.insert(path.to_string(), u64::from_str_radix(hash, 16).ok()?);
                }
                _ => return None,
            }
        }
        Some(Record {
            inputs: Inputs { digest, racy },
            manifest,
            changes_at,
            pages,
            files,
            warnings,
            page_prints,
            page_context,
        })
    }

    /// The fingerprint the page or feed at `path` had when this record's build wrote it.
    pub fn page_print(&self, path: &str) -> Option<u64> {
        self.page_prints.get(path).copied()
    }

    /// Whether this record's page fingerprints describe the files in `output`: the
    /// output's manifest is the one this record's build left (nothing else wrote there
    /// since, `kudos watch` or a build into another folder included), and pages are
    /// rendered in the same `context` ([`page_context`]).
    pub fn describes_pages_in(&self, output: &Path, context: u64) -> bool {
        self.page_context == context && self.left_the_manifest_in(output)
    }

    /// Whether `output`'s manifest is the very file this record's build left there.
    fn left_the_manifest_in(&self, output: &Path) -> bool {
        FileId::of_file(&output.join(MANIFEST)) == Some(self.manifest)
    }
}

fn record_path(root: &Path) -> PathBuf {
    CacheDir::of(root, "build").entry("record")
}

fn shown(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/posts")).unwrap();
        std::fs::write(dir.path().join("kudos.toml"), "title = \"t\"\n").unwrap();
        std::fs::write(dir.path().join("content/posts/a.md"), "+++\n+++\nhi\n").unwrap();
        dir
    }

    fn stamp(dir: &Path, options: &BuildOptions) -> Inputs {
        let config = Config::default();
        Inputs::stamp(dir, &dir.join("kudos.toml"), &config, options).unwrap()
    }

    #[test]
    fn a_record_reads_back_as_written() {
        let dir = site();
        let inputs = stamp(dir.path(), &BuildOptions::default());
        assert!(!inputs.racy.is_empty(), "files written just now are racy");
        let record = Record {
            inputs,
            manifest: FileId {
                len: 1,
                modified: -2,
                changed: 3,
                inode: 4,
            },
            changes_at: Date::parse("2031-02-03T04:05:06Z"),
            pages: 5,
            files: 6,
            warnings: vec![
                SourceError::new("content/a.md", "whole file"),
                SourceError::at(
                    "content/b.md",
                    &"line one\nline två\n".into(),
                    9..15,
                    "at a place",
                )
                .with_help("do this"),
            ],
            page_prints: [("index.html", 7), ("a b/index.html", u64::MAX)]
                .into_iter()
                .map(|(path, print)| (path.to_string(), print))
                .collect(),
            page_context: 9,
        };
        record.save(dir.path());
        let back = Record::load(dir.path()).unwrap().unwrap();
        assert_eq!(format!("{back:?}"), format!("{record:?}"));
    }

    #[test]
    fn every_input_and_option_changes_the_digest() {
        let dir = site();
        let options = BuildOptions::default();
        let first = stamp(dir.path(), &options);
        assert_eq!(first.digest, stamp(dir.path(), &options).digest);
        let drafts = BuildOptions {
            drafts: true,
            ..options.clone()
        };
        assert_ne!(first.digest, stamp(dir.path(), &drafts).digest);
        std::fs::write(dir.path().join("content/posts/b.md"), "new").unwrap();
        let added = stamp(dir.path(), &options);
        assert_ne!(first.digest, added.digest);
        std::fs::remove_file(dir.path().join("content/posts/b.md")).unwrap();
        assert_eq!(first.digest, stamp(dir.path(), &options).digest);
        // Same size, written again: the change time moves even if the clock tick did not.
        std::fs::write(dir.path().join("content/posts/a.md"), "+++\n+++\nho\n").unwrap();
        let edited = stamp(dir.path(), &options);
        let racy = &edited.racy;
        let a = racy.iter().find(|(p, _)| p.ends_with("a.md")).unwrap();
        assert_eq!(a.1, xxh3_128(b"+++\n+++\nho\n"), "the bytes back the stamp");
    }

    #[test]
    fn a_damaged_record_is_a_note_not_a_failure() {
        let dir = site();
        let path = record_path(dir.path());
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "kudos-build-record 1\ndigest zz\n").unwrap();
        let Unreadable(why) = Record::load(dir.path()).unwrap_err();
        assert!(
            why.starts_with(".kudos-cache/build/record was not written by this version"),
            "{why}"
        );
        Record::forget(dir.path());
        assert!(matches!(Record::load(dir.path()), Ok(None)));
    }

    #[test]
    fn page_prints_describe_only_the_output_their_build_left() {
        let dir = site();
        let output = dir.path().join("public");
        std::fs::create_dir_all(&output).unwrap();
        std::fs::write(output.join(MANIFEST), "kudos-manifest 2\n").unwrap();
        let inputs = stamp(dir.path(), &BuildOptions::default());
        let prints = [("index.html".to_string(), 1)].into_iter().collect();
        let context = page_context(false, None);
        let record = Record::of(inputs, &output, None, (1, 1), Vec::new(), (prints, context));
        let record = record.unwrap();
        assert!(record.describes_pages_in(&output, context));
        assert!(!record.describes_pages_in(&output, page_context(true, None)));
        let preview = Date::parse("2026-12-06T10:00:00Z");
        assert_ne!(page_context(true, preview), page_context(true, None));
        // Another writer (`kudos watch`, a build into this folder from elsewhere).
        std::fs::write(output.join(MANIFEST), "kudos-manifest 2\n").unwrap();
        assert!(!record.describes_pages_in(&output, context));
    }
}
