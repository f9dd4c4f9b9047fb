//! The one helper every CLI test goes through.
//!
//! A [`Site`] is a fixture from `tests/fixtures/<name>/` copied into a fresh temporary
//! folder, so a test can build it, break it and build it again without ever writing into
//! the repository. [`Site::run`] runs the real `kudos` binary against it (as
//! `kudos --root site ...`, from the folder that holds `site/`), and the checks chain from
//! there, asserting only what a user sees: the exit code, what stderr says, and the files
//! that came out.
//!
//! ```ignore
//! Site::fixture("basic")
//!     .run(&["build"])
//!     .success()
//!     .stderr_has("Built ")
//!     .file("public/index.html")
//!     .contains("<title>");
//! ```
//!
//! Long-running commands (`serve`, `watch`) start with [`Site::spawn`] and are driven
//! through [`Running`].
//!
//! Each test binary uses only some of these methods.

pub mod browser;
pub mod http;
mod running;
#[allow(unused_imports)]
pub use running::{Events, REBUILD, Reply, Running, START, free_port};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::assert::Assert;
use predicates::prelude::*;
use tempfile::TempDir;

/// A site root inside a temporary folder that is deleted when the test ends.
pub struct Site {
    temp: TempDir,
}

impl Site {
    /// A copy of `tests/fixtures/<name>/`.
    pub fn fixture(name: &str) -> Site {
        let site = Site::blank();
        let from = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name);
        assert!(from.is_dir(), "no fixture {}", from.display());
        copy_dir(&from, &site.root());
        site
    }

    /// No site at all yet: the root folder does not exist (as before `kudos init`).
    pub fn blank() -> Site {
        Site {
            temp: tempfile::tempdir().expect("create a temporary folder"),
        }
    }

    /// The site root, `<temp>/site`.
    pub fn root(&self) -> PathBuf {
        self.temp.path().join("site")
    }

    /// A path below the site root.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root().join(relative)
    }

    /// Creates or replaces a file below the root (creating folders as needed).
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> &Site {
        let path = self.path(relative);
        std::fs::create_dir_all(path.parent().expect("a parent folder")).expect("create folders");
        std::fs::write(&path, contents).expect("write a fixture file");
        self
    }

    /// Replaces `from` with `to` in a file; `from` must be there.
    pub fn edit(&self, relative: &str, from: &str, to: &str) -> &Site {
        let text = self.read(relative);
        assert!(
            text.contains(from),
            "{relative} has no {from:?} to replace:\n{text}"
        );
        self.write(relative, text.replacen(from, to, 1))
    }

    /// Deletes a file below the root.
    pub fn remove(&self, relative: &str) -> &Site {
        std::fs::remove_file(self.path(relative)).expect("remove a fixture file");
        self
    }

    /// A file's text.
    pub fn read(&self, relative: &str) -> String {
        std::fs::read_to_string(self.path(relative))
            .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
    }

    /// A file's bytes.
    pub fn bytes(&self, relative: &str) -> Vec<u8> {
        std::fs::read(self.path(relative)).unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
    }

    /// Runs `kudos --root site <args>` from the folder that holds the site.
    pub fn run(&self, args: &[&str]) -> Run<'_> {
        let mut command = assert_cmd::cargo::cargo_bin_cmd!("kudos");
        // `check --external` honours proxy variables; the tests' servers are on loopback.
        for proxy in ["ALL_PROXY", "HTTP_PROXY", "HTTPS_PROXY"] {
            command
                .env_remove(proxy)
                .env_remove(proxy.to_ascii_lowercase());
        }
        let assert = command
            .current_dir(self.temp.path())
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE")
            .args(["--root", "site"])
            .args(args)
            .assert();
        Run { site: self, assert }
    }

    /// Starts `kudos --root site <args>` in the background (for `serve` and `watch`); it
    /// is killed when the returned [`Running`] is dropped.
    pub fn spawn(&self, args: &[&str]) -> Running {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_kudos"));
        command
            .current_dir(self.temp.path())
            .env("NO_COLOR", "1")
            .env_remove("CLICOLOR_FORCE")
            .args(["--root", "site"])
            .args(args);
        Running::start(command)
    }

    /// `kudos serve` on a free loopback port, once it answers.
    pub fn serve(&self) -> Running {
        let port = free_port().to_string();
        let mut server = self.spawn(&["serve", "--port", &port]);
        server.wait_until_serving();
        server
    }

    /// Renames a file below the root (replacing `to` if it exists, as editors do).
    pub fn rename(&self, from: &str, to: &str) -> &Site {
        std::fs::rename(self.path(from), self.path(to)).expect("rename a fixture file");
        self
    }

    /// `kudos build`.
    pub fn build(&self) -> Run<'_> {
        self.run(&["build"])
    }

    /// A `serve` session over the site (default options, the config's own base URL),
    /// for tests that rebuild after an edit and read what is served.
    pub fn session(&self) -> kudos::serve::session::Session {
        let project = kudos::build::Project::new(&self.root(), None);
        kudos::serve::session::Session::new(
            project,
            kudos::site::BuildOptions::default(),
            Box::new(|_| {}),
        )
    }

    /// The files of a clean build made in memory (as `kudos check` renders), by output
    /// path: what a serve session's output must equal (see [`served`]).
    pub fn rendered(&self) -> BTreeMap<String, Vec<u8>> {
        let project = kudos::build::Project::new(&self.root(), None);
        let config = project.config().expect("the config");
        let options = kudos::site::BuildOptions::default();
        let rendered = kudos::build::render(&project, config, &options).expect("a clean build");
        rendered
            .files
            .iter()
            .map(|f| (f.path.clone(), f.bytes().unwrap().into_owned()))
            .collect()
    }

    /// Checks on one file below the root, which must exist.
    pub fn file(&self, relative: &str) -> File<'_> {
        File::new(self, relative)
    }

    /// Every file below `relative` (a folder), by path with forward slashes; the image
    /// cache (`.kudos-cache/`) left out.
    pub fn tree(&self, relative: &str) -> Tree {
        let mut files = BTreeMap::new();
        let dir = self.path(relative);
        if dir.is_dir() {
            read_tree(&dir, &dir, &mut files);
        }
        Tree {
            dir: relative.to_string(),
            files,
        }
    }

    /// Every file an output folder holds but its manifest (whose stamps hold times and
    /// inodes), with its bytes: what two builds are compared by.
    pub fn output_files(&self, dir: &str) -> BTreeMap<String, Vec<u8>> {
        let mut files = self.tree(dir).files;
        files.remove(".kudos-manifest");
        files
    }

    /// Paths (relative to `dir`) of the files below `dir` whose text contains `needle`,
    /// as [`readable`] gives it: the search index is searched decompressed.
    pub fn files_containing(&self, dir: &str, needle: &str) -> Vec<String> {
        self.tree(dir)
            .files
            .into_iter()
            .filter(|(path, bytes)| {
                String::from_utf8_lossy(&readable(path, bytes)).contains(needle)
            })
            .map(|(path, _)| path)
            .collect()
    }

    /// Paths (relative to `dir`) of the files below `dir` whose bytes contain `needle`.
    pub fn files_holding(&self, dir: &str, needle: &[u8]) -> Vec<String> {
        self.tree(dir)
            .files
            .into_iter()
            .filter(|(_, bytes)| bytes.windows(needle.len()).any(|w| w == needle))
            .map(|(path, _)| path)
            .collect()
    }

    /// Paths (relative to `dir`) of the files below `dir` whose names end with `suffix`.
    pub fn files_ending(&self, dir: &str, suffix: &str) -> Vec<String> {
        self.tree(dir)
            .files
            .into_keys()
            .filter(|p| p.ends_with(suffix))
            .collect()
    }
}

/// The files a serve session holds, by output path.
/// The paths whose bytes differ between two outputs, or that only one of them has.
pub fn differing<'a>(
    got: &'a BTreeMap<String, Vec<u8>>,
    want: &'a BTreeMap<String, Vec<u8>>,
) -> Vec<&'a String> {
    let paths: std::collections::BTreeSet<&String> = got
        .keys()
        .chain(want.keys())
        .filter(|path| got.get(*path) != want.get(*path))
        .collect();
    paths.into_iter().collect()
}

pub fn served(session: &kudos::serve::session::Session) -> BTreeMap<String, Vec<u8>> {
    session
        .output()
        .iter()
        .map(|(p, f)| (p.to_string(), f.bytes().unwrap().into_owned()))
        .collect()
}

/// What an output file says, for tests that search every file for what must not be
/// published: Pagefind's gzipped index files (`pagefind/**/*.pf_*`) decompressed, so the
/// words readers can find are searched; Pagefind's own UI scripts and styles left out
/// (empty), since they are the same bytes for every site and hold nothing of it (they
/// do contain words like "javascript:" and "Ada" of their own).
pub fn readable(path: &str, bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let in_index = path.starts_with("pagefind/") || path.contains("/pagefind/");
    if !in_index {
        return bytes.to_vec();
    }
    if !path.contains(".pf_") {
        let vendored =
            path.ends_with(".js") || path.ends_with(".css") || path.ends_with(".pagefind");
        return if vendored { Vec::new() } else { bytes.to_vec() };
    }
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap_or_else(|e| panic!("{path} is not gzip: {e}"));
    out
}

/// A snapshot of a folder's files and their bytes, to prove a failed run left it alone.
#[derive(Debug, PartialEq, Eq)]
pub struct Tree {
    /// The folder, relative to the site root.
    pub dir: String,
    /// Relative path -> bytes.
    pub files: BTreeMap<String, Vec<u8>>,
}

impl Tree {
    /// What changed between `self` (before) and `after`, one line per file.
    fn changes(&self, after: &Tree) -> Vec<String> {
        let mut changes = Vec::new();
        for (path, bytes) in &self.files {
            match after.files.get(path) {
                None => changes.push(format!("removed {path}")),
                Some(now) if now != bytes => changes.push(format!("changed {path}")),
                Some(_) => {}
            }
        }
        for path in after.files.keys().filter(|p| !self.files.contains_key(*p)) {
            changes.push(format!("added {path}"));
        }
        changes
    }
}

/// A finished `kudos` run, with the site it ran on.
pub struct Run<'a> {
    site: &'a Site,
    assert: Assert,
}

impl<'a> Run<'a> {
    /// Exit code 0.
    pub fn success(self) -> Self {
        self.then(Assert::success)
    }

    /// Exit code `code`.
    pub fn code(self, code: i32) -> Self {
        self.then(|a| a.code(code))
    }

    /// stderr contains `text`.
    pub fn stderr_has(self, text: &str) -> Self {
        self.then(|a| a.stderr(predicate::str::contains(text)))
    }

    /// stderr does not contain `text`.
    pub fn stderr_lacks(self, text: &str) -> Self {
        self.then(|a| a.stderr(predicate::str::contains(text).not()))
    }

    fn then(self, check: impl FnOnce(Assert) -> Assert) -> Self {
        Run {
            site: self.site,
            assert: check(self.assert),
        }
    }

    /// What the run printed on stderr.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.assert.get_output().stderr).into_owned()
    }

    /// The folder `before` was taken of is byte-for-byte as it was, and no staging
    /// folder was left behind.
    pub fn unchanged(self, before: &Tree) -> Self {
        let after = self.site.tree(&before.dir);
        let changes = before.changes(&after);
        assert!(
            changes.is_empty(),
            "{} changed:\n{}\nstderr:\n{}",
            before.dir,
            changes.join("\n"),
            self.stderr()
        );
        let leftovers: Vec<String> = std::fs::read_dir(self.site.root())
            .expect("read the site root")
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            // The image cache is kudos's own and outlives builds on purpose.
            .filter(|name| name.starts_with(".kudos") && name != ".kudos-cache")
            .collect();
        assert!(leftovers.is_empty(), "left behind: {leftovers:?}");
        self
    }

    /// Checks on a file below the site root, which must exist.
    pub fn file(self, relative: &str) -> File<'a> {
        File::new(self.site, relative)
    }

    /// No file at `relative`.
    pub fn absent(self, relative: &str) -> Self {
        assert_absent(self.site, relative);
        self
    }
}

/// Checks on one file's text.
pub struct File<'a> {
    site: &'a Site,
    relative: String,
    text: String,
}

impl<'a> File<'a> {
    fn new(site: &'a Site, relative: &str) -> File<'a> {
        let path = site.path(relative);
        if !path.is_file() {
            let parent = Path::new(relative)
                .parent()
                .and_then(Path::to_str)
                .unwrap_or("");
            let near: Vec<String> = site.tree(parent).files.into_keys().collect();
            panic!("expected {relative} to exist; {parent}/ holds {near:#?}");
        }
        let text = String::from_utf8_lossy(&site.bytes(relative)).into_owned();
        File {
            site,
            relative: relative.to_string(),
            text,
        }
    }

    /// The file contains `needle`.
    pub fn contains(self, needle: &str) -> Self {
        assert!(
            self.text.contains(needle),
            "{} does not contain {needle:?}:\n{}",
            self.relative,
            self.text
        );
        self
    }

    /// The file does not contain `needle`.
    pub fn lacks(self, needle: &str) -> Self {
        assert!(
            !self.text.contains(needle),
            "{} contains {needle:?}:\n{}",
            self.relative,
            self.text
        );
        self
    }

    /// Slugs of the shout-out cards on the page (`data-shoutout="<slug>"`), in order.
    pub fn cards(&self) -> Vec<String> {
        self.text
            .match_indices("data-shoutout=\"")
            .filter_map(|(i, m)| {
                let rest = &self.text[i + m.len()..];
                rest.find('"').map(|end| rest[..end].to_string())
            })
            .collect()
    }

    /// The page shows exactly these shout-out cards, in this order.
    pub fn cards_are(self, slugs: &[&str]) -> Self {
        assert_eq!(
            self.cards(),
            slugs,
            "the shout-out cards on {}",
            self.relative
        );
        self
    }

    /// The file's text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Checks on another file.
    pub fn file(self, relative: &str) -> File<'a> {
        File::new(self.site, relative)
    }

    /// No file at `relative`.
    pub fn absent(self, relative: &str) -> Self {
        assert_absent(self.site, relative);
        self
    }
}

fn assert_absent(site: &Site, relative: &str) {
    assert!(!site.path(relative).exists(), "expected no {relative}");
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create a folder");
    for entry in std::fs::read_dir(from).expect("read a fixture folder") {
        let entry = entry.expect("read a fixture entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("file type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy a fixture file");
        }
    }
}

fn read_tree(base: &Path, dir: &Path, files: &mut BTreeMap<String, Vec<u8>>) {
    for entry in std::fs::read_dir(dir).expect("read a folder") {
        let path: PathBuf = entry.expect("read an entry").path();
        if path.ends_with(".kudos-cache") {
            // kudos's own cache: a failed build may fill it (image variants and share
            // cards made before the output was refused), and that is no change to the site.
            continue;
        }
        if path.is_dir() {
            read_tree(base, &path, files);
        } else {
            let relative = path.strip_prefix(base).expect("below base");
            let key = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.insert(key, std::fs::read(&path).expect("read a file"));
        }
    }
}

/// Every error the Nu Html Checker (vnu-jar from `npm ci`, run with Java) reports in
/// `files`; empty when they are all valid HTML5.
pub fn nu_html_errors(files: &[PathBuf]) -> String {
    let jar = Path::new(env!("CARGO_MANIFEST_DIR")).join("node_modules/vnu-jar/build/dist/vnu.jar");
    assert!(
        jar.is_file(),
        "the Nu Html Checker is missing: run `npm ci` first (see README)"
    );
    let result = std::process::Command::new("java")
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--stdout"])
        .args(files)
        .output()
        .expect("java runs the Nu Html Checker");
    let report = String::from_utf8_lossy(&result.stdout).to_string()
        + &String::from_utf8_lossy(&result.stderr);
    if result.status.success() && report.trim().is_empty() {
        String::new()
    } else {
        format!("{report}(exit {})", result.status)
    }
}

/// The feed at `relative` in `site`, parsed with a real feed parser; the test fails, showing
/// the XML, if it does not parse.
pub fn parse_feed(site: &Site, relative: &str) -> feed_rs::model::Feed {
    let xml = site.bytes(relative);
    feed_rs::parser::parse(xml.as_slice()).unwrap_or_else(|e| {
        panic!(
            "{relative} does not parse: {e}\n{}",
            String::from_utf8_lossy(&xml)
        )
    })
}

/// The `href`s of the links in the section of `html` that holds the element with `id`
/// (up to its `</section>`); none when there is no such element.
pub fn section_links(html: &str, id: &str) -> Vec<String> {
    let Some(start) = html.find(&format!("id=\"{id}\"")) else {
        return Vec::new();
    };
    let section = &html[start..start + html[start..].find("</section>").expect("section ends")];
    section
        .match_indices("<a href=\"")
        .map(|(at, open)| {
            let rest = &section[at + open.len()..];
            rest[..rest.find('"').expect("the href ends")].to_string()
        })
        .collect()
}
