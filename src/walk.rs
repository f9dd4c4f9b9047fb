//! Reading the site's folders the one way kudos reads them: `content/`, `static/`,
//! `templates/` and themes all go through [`walk`].
//!
//! Hidden files and editor leftovers are skipped. A symbolic link is followed when what it
//! points to is inside the site root and outside the output folder, so a folder or file
//! shared between two places of one site works, while a link to `/etc` or to another
//! project never puts outside files into the published site. A link that is not followed
//! (outside, into the output, dangling, or looping back to a folder being walked) is a
//! warning naming it, never a silent gap and never an endless walk.

use std::path::{Component, Path, PathBuf};

use walkdir::WalkDir;

use crate::error::{Error, Result, SourceError};

/// The folders of a site that hold what a build reads (beside its config file): `serve`
/// watches them, and a build record stamps every file in them.
pub const SITE_FOLDERS: [&str; 6] = ["content", "templates", "themes", "static", "data", "i18n"];

/// Linked folders followed in one walk at most: links can multiply a tree (two links to
/// one folder in every folder doubles it per level) without ever looping.
const MAX_LINKED_FOLDERS: usize = 1_000;

/// Where sources may come from: inside the site root, outside its output folder.
#[derive(Debug, Clone)]
pub struct SiteBounds {
    /// The root as given, for the paths in messages.
    shown_root: PathBuf,
    /// The root, normalised.
    root: PathBuf,
    /// The output folder, normalised (it need not exist).
    output: PathBuf,
}

impl SiteBounds {
    /// The bounds of the site at `root` that builds into `output_dir` (relative to it).
    pub fn new(root: &Path, output_dir: &str) -> Result<SiteBounds> {
        Ok(SiteBounds {
            shown_root: root.to_path_buf(),
            root: normalise(root).map_err(|e| Error::io(root, e))?,
            output: normalise(&root.join(output_dir)).map_err(|e| Error::io(root, e))?,
        })
    }

    /// Why the link at `link` is not followed, or what it leads to. `walking` holds the
    /// real folders being walked, innermost last.
    fn follow(&self, link: &Path, walking: &[PathBuf]) -> std::result::Result<Followed, String> {
        let Ok(real) = link.canonicalize() else {
            return Err("what it points to does not exist".into());
        };
        if !real.starts_with(&self.root) {
            return Err(format!("it points outside the site, to {}", real.display()));
        }
        if real.starts_with(&self.output) {
            return Err("it points into the output folder".into());
        }
        if !real.is_dir() {
            return Ok(Followed::File);
        }
        let parent = link.parent().and_then(|p| p.canonicalize().ok());
        let loops = parent
            .iter()
            .chain(walking)
            .any(|dir| dir.starts_with(&real));
        if loops {
            return Err(format!(
                "it points back to {}, a folder it is in",
                self.shown(&real).display()
            ));
        }
        Ok(Followed::Folder(real))
    }

    /// `path` relative to the root where it lies inside it.
    fn shown(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.shown_root)
            .or_else(|_| path.strip_prefix(&self.root))
            .unwrap_or(path)
            .to_path_buf()
    }

    fn skipped(&self, link: &Path, why: &str) -> SourceError {
        SourceError::new(
            self.shown(link),
            format!("symbolic link not followed: {why}"),
        )
        .with_help(
            "kudos follows links only to files and folders inside the site, outside its output folder; copy what it points to into the site instead",
        )
    }
}

enum Followed {
    File,
    Folder(PathBuf),
}

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walked {
    /// Every file, by the path it was reached through (a link's, not its target's), in
    /// file-name order.
    pub files: Vec<PathBuf>,
    /// One warning per link that was not followed.
    pub skipped: Vec<SourceError>,
}

/// The files below `dir` (none if it is missing), following links as the module says.
/// `dir` itself follows the same rule: a `static/` that is a link, or lies inside one,
/// is read only if it really is inside the site.
pub fn walk(dir: &Path, bounds: &SiteBounds, dotfiles: Dotfiles) -> Result<Walked> {
    let mut walked = Walked::default();
    if std::fs::symlink_metadata(dir).is_err() {
        return Ok(walked);
    }
    let mut walk = Walk {
        bounds,
        dotfiles,
        walking: Vec::new(),
        linked_folders: 0,
        walked: &mut walked,
    };
    match bounds.follow(dir, &[]) {
        Ok(Followed::Folder(real)) => {
            walk.walking.push(real);
            walk.descend(dir)?;
        }
        Ok(Followed::File) => {}
        Err(why) => walk.walked.skipped.push(bounds.skipped(dir, &why)),
    }
    Ok(walked)
}

/// One walk in progress: `walking` holds the real folders being walked, innermost last.
struct Walk<'a> {
    bounds: &'a SiteBounds,
    dotfiles: Dotfiles,
    walking: Vec<PathBuf>,
    /// Linked folders followed so far (see [`MAX_LINKED_FOLDERS`]).
    linked_folders: usize,
    walked: &'a mut Walked,
}

impl Walk<'_> {
    fn descend(&mut self, dir: &Path) -> Result<()> {
        let dotfiles = self.dotfiles;
        let entries = WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !skips(&e.file_name().to_string_lossy(), dotfiles));
        for entry in entries {
            let entry = entry.map_err(|e| {
                let path = e.path().unwrap_or(dir).to_path_buf();
                Error::io(path, e.into())
            })?;
            let kind = entry.file_type();
            if kind.is_file() {
                self.walked.files.push(entry.into_path());
                continue;
            }
            if entry.depth() == 0 || !kind.is_symlink() {
                continue;
            }
            let bounds = self.bounds;
            match bounds.follow(entry.path(), &self.walking) {
                Ok(Followed::File) => self.walked.files.push(entry.into_path()),
                Ok(Followed::Folder(_)) if self.linked_folders >= MAX_LINKED_FOLDERS => {
                    let why = format!("more than {MAX_LINKED_FOLDERS} linked folders in one walk");
                    self.walked.skipped.push(bounds.skipped(entry.path(), &why));
                }
                Ok(Followed::Folder(real)) => {
                    self.linked_folders += 1;
                    self.walking.push(real);
                    self.descend(entry.path())?;
                    self.walking.pop();
                }
                Err(why) => self.walked.skipped.push(bounds.skipped(entry.path(), &why)),
            }
        }
        Ok(())
    }
}

/// What a walk does with names that start with a dot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dotfiles {
    /// Skip them: in `content/` and templates they are never sources.
    Skip,
    /// Keep them: `static/` is published as it is, and hosts read `.nojekyll` and
    /// `.well-known/`.
    Keep,
}

/// Hidden files, and what [`is_leftover`] names: never read from `content/` or templates.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.') || is_leftover(name)
}

/// Names no folder ever publishes: the temporary and lock files editors write while
/// saving, the operating system's folder metadata, and version-control folders.
pub fn is_leftover(name: &str) -> bool {
    name.starts_with('#')
        || name.starts_with(".#")
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913"
        || matches!(
            name,
            ".DS_Store" | "Thumbs.db" | ".git" | ".svn" | ".hg" | ".bzr" | "_darcs" | "CVS"
        )
}

impl Dotfiles {
    /// How the folder at `relative` (below the site root) is read: `static/` and a
    /// theme's `static/` are published with their dotfiles, every other folder without.
    pub fn of(relative: &Path) -> Dotfiles {
        let parts: Vec<_> = relative
            .components()
            .take(3)
            .map(|c| c.as_os_str())
            .collect();
        match parts.as_slice() {
            [first, ..] if *first == "static" => Dotfiles::Keep,
            [first, _, third] if *first == "themes" && *third == "static" => Dotfiles::Keep,
            _ => Dotfiles::Skip,
        }
    }
}

/// Whether a walk that treats dotfiles as `dotfiles` skips the file or folder `name`.
pub fn skips(name: &str, dotfiles: Dotfiles) -> bool {
    match dotfiles {
        Dotfiles::Skip => is_ignored(name),
        Dotfiles::Keep => is_leftover(name),
    }
}

/// `path` made absolute, with `.` and `..` resolved and every symlink along its existing
/// part followed; the part that does not exist yet is appended as written.
pub fn normalise(path: &Path) -> std::io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut real = PathBuf::new();
    let mut exists = true;
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => real.push(component),
            Component::CurDir => {}
            Component::ParentDir => {
                real.pop();
                exists = std::fs::symlink_metadata(&real).is_ok();
            }
            Component::Normal(name) => {
                real.push(name);
                if exists {
                    match std::fs::symlink_metadata(&real) {
                        Ok(_) => real = real.canonicalize()?,
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => exists = false,
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    }
    Ok(real)
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::symlink;

    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf, SiteBounds) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content/posts")).unwrap();
        std::fs::write(root.join("content/posts/a.md"), "a").unwrap();
        let bounds = SiteBounds::new(&root, "public").unwrap();
        (dir, root, bounds)
    }

    fn names(walked: &Walked, root: &Path) -> Vec<String> {
        walked
            .files
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn editor_leftovers_are_ignored() {
        for name in [".a.md.swp", "a.md~", "#a.md#", "4913", ".hidden", "x.tmp"] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("hello.md"));
    }

    #[test]
    fn a_static_walk_keeps_dotfiles_but_not_leftovers_or_version_control() {
        let (_dir, root, bounds) = site();
        for file in [
            "static/.nojekyll",
            "static/.well-known/security.txt",
            "static/.git/config",
            "static/.DS_Store",
            "static/.#style.css",
            "static/style.css.swp",
            "static/style.css",
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x").unwrap();
        }
        let kept = walk(&root.join("static"), &bounds, Dotfiles::Keep).unwrap();
        assert_eq!(
            names(&kept, &root),
            [
                "static/.nojekyll",
                "static/.well-known/security.txt",
                "static/style.css"
            ]
        );
        let skipped = walk(&root.join("static"), &bounds, Dotfiles::Skip).unwrap();
        assert_eq!(names(&skipped, &root), ["static/style.css"]);
    }

    #[test]
    fn links_inside_the_site_are_followed_by_their_own_path() {
        let (_dir, root, bounds) = site();
        std::fs::create_dir_all(root.join("shared")).unwrap();
        std::fs::write(root.join("shared/b.md"), "b").unwrap();
        symlink(root.join("shared"), root.join("content/posts/shared")).unwrap();
        symlink(root.join("shared/b.md"), root.join("content/c.md")).unwrap();
        let walked = walk(&root.join("content"), &bounds, Dotfiles::Skip).unwrap();
        assert_eq!(
            names(&walked, &root),
            [
                "content/c.md",
                "content/posts/a.md",
                "content/posts/shared/b.md"
            ]
        );
        assert!(walked.skipped.is_empty(), "{:?}", walked.skipped);
    }

    #[test]
    fn links_outside_into_the_output_dangling_or_looping_are_skipped_with_a_warning() {
        let (dir, root, bounds) = site();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        std::fs::create_dir_all(root.join("public")).unwrap();
        symlink(
            dir.path().join("secret.txt"),
            root.join("content/secret.txt"),
        )
        .unwrap();
        symlink(root.join("public"), root.join("content/out")).unwrap();
        symlink(root.join("nowhere"), root.join("content/gone")).unwrap();
        symlink(root.join("content"), root.join("content/posts/up")).unwrap();
        let walked = walk(&root.join("content"), &bounds, Dotfiles::Skip).unwrap();
        assert_eq!(names(&walked, &root), ["content/posts/a.md"]);
        let messages: Vec<String> = walked
            .skipped
            .iter()
            .map(|e| format!("{}: {}", e.path.display(), e.message))
            .collect();
        assert_eq!(
            messages,
            [
                "content/gone: symbolic link not followed: what it points to does not exist"
                    .to_string(),
                "content/out: symbolic link not followed: it points into the output folder"
                    .to_string(),
                "content/posts/up: symbolic link not followed: it points back to content, a folder it is in"
                    .to_string(),
                format!(
                    "content/secret.txt: symbolic link not followed: it points outside the site, to {}",
                    dir.path().canonicalize().unwrap().join("secret.txt").display()
                ),
            ]
        );
    }

    #[test]
    fn links_that_point_at_each_other_end() {
        let (_dir, root, bounds) = site();
        for folder in ["content/x", "content/y"] {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        symlink(root.join("content/y"), root.join("content/x/to-y")).unwrap();
        symlink(root.join("content/x"), root.join("content/y/to-x")).unwrap();
        let walked = walk(&root.join("content/x"), &bounds, Dotfiles::Skip).unwrap();
        assert!(walked.files.is_empty());
        assert_eq!(walked.skipped.len(), 1, "{:?}", walked.skipped);
        assert!(
            walked.skipped[0]
                .message
                .contains("points back to content/x")
        );
    }

    #[test]
    fn a_linked_start_folder_follows_the_same_rule() {
        let (dir, root, bounds) = site();
        std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
        std::fs::write(dir.path().join("elsewhere/x.css"), "x").unwrap();
        symlink(dir.path().join("elsewhere"), root.join("static")).unwrap();
        let walked = walk(&root.join("static"), &bounds, Dotfiles::Skip).unwrap();
        assert!(walked.files.is_empty());
        assert_eq!(walked.skipped[0].path, Path::new("static"));
        std::fs::remove_file(root.join("static")).unwrap();
        symlink(root.join("content"), root.join("static")).unwrap();
        let walked = walk(&root.join("static"), &bounds, Dotfiles::Skip).unwrap();
        assert_eq!(names(&walked, &root), ["static/posts/a.md"]);
    }
}
