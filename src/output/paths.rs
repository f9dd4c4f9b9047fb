//! The one rule every written path obeys: it names a place *inside* the output folder.
//!
//! Paths below the output are plain relative paths with forward slashes. Anything that
//! could climb out (`..`), jump elsewhere (an absolute path, a backslash on Windows) or
//! alias another path (`.`, empty segments) is refused before a byte is written, and so
//! are control characters, which would also break the one-path-per-line manifest.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{Contents, MANIFEST, OutputFile};
use crate::error::{Error, Result, SourceError};

/// Why `path` cannot be written below the output folder, or `None` if it can.
pub fn path_problem(path: &str) -> Option<&'static str> {
    if path.is_empty() {
        return Some("the path is empty");
    }
    if path.starts_with('/') {
        return Some("it is an absolute path");
    }
    if path.contains('\\') {
        return Some("it contains a backslash");
    }
    if path.chars().any(char::is_control) {
        return Some("it contains a control character");
    }
    path.split('/').find_map(|part| match part {
        "" => Some("it has an empty segment (`//` or a trailing `/`)"),
        "." => Some("it has a `.` segment"),
        ".." => Some("it has a `..` segment, which would climb out of the output folder"),
        _ => None,
    })
}

/// Checks one path, naming the source that produced it when the path is refused.
pub fn check_path(file: &OutputFile) -> Result<()> {
    match path_problem(&file.path) {
        None => Ok(()),
        Some(why) => Err(Error::from(SourceError::new(
            describe(file),
            format!("refusing to write the output `{}`: {why}", file.path),
        ))),
    }
}

/// What produced an output file, for messages: the copied file, or "a page kudos generates".
pub fn describe(file: &OutputFile) -> String {
    match &file.contents {
        Contents::Copy(from) => from.display().to_string(),
        Contents::Static(_) => format!("the built-in theme's static/{}", file.path),
        Contents::Bytes(_) => "a page kudos generates".to_string(),
        Contents::Made(_) => "a file kudos makes (a share card or an image size)".to_string(),
    }
}

/// Every path is safe, none is the manifest's name, and no path is both a file and a
/// folder (a `static/atom.xml/` folder against the generated feed): checked before
/// anything is written, so the error names the sources instead of a staging path.
pub fn check_layout(files: &[OutputFile]) -> Result<()> {
    let mut errors = Vec::new();
    let owners: FxHashMap<&str, &OutputFile> = files.iter().map(|f| (f.path.as_str(), f)).collect();
    // Each path on its own, on every core (30k of them at 10k posts), in order.
    let checked: Vec<Result<()>> = files.par_iter().map(check_path).collect();
    for (file, checked) in files.iter().zip(checked) {
        if let Err(Error::Content(mut found)) = checked {
            errors.append(&mut found);
            continue;
        }
        if file.path == MANIFEST {
            errors.push(SourceError::new(
                describe(file),
                format!("the output name `{MANIFEST}` is reserved for kudos's list of the files it wrote"),
            ).with_help("rename the file"));
        }
        if let Some(folder) = ancestors(&file.path).find(|a| owners.contains_key(a)) {
            let owner = owners[folder];
            errors.push(
                SourceError::new(
                    describe(file),
                    format!(
                        "the output {folder} would be both a file (from {}) and a folder (holding {}, from {})",
                        describe(owner),
                        file.path,
                        describe(file)
                    ),
                )
                .with_help("rename or remove one of them"),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Content(errors))
    }
}

/// Whether files at `new` paths can join an output that holds `existing` without a
/// problem [`check_layout`] would report: each path safe, not the manifest's name, not
/// taken, and no path both a file and a folder. For `serve`, which adds a few tag pages
/// to a kept output instead of checking all 30k paths of a 10k site again.
pub fn fit_beside<V, S: std::hash::BuildHasher>(
    new: &[&str],
    existing: &std::collections::HashMap<std::sync::Arc<str>, V, S>,
) -> bool {
    let added: rustc_hash::FxHashSet<&str> = new.iter().copied().collect();
    let taken = |path: &str| existing.contains_key(path) || added.contains(path);
    let each_fits = new.iter().all(|path| {
        path_problem(path).is_none()
            && *path != MANIFEST
            && !existing.contains_key(*path)
            && !ancestors(path).any(&taken)
    });
    each_fits
        && !existing
            .keys()
            .any(|k| ancestors(k).any(|a| added.contains(a)))
}

/// The folders `path` lies in, nearest first: `a/b/c` -> `a/b`, `a`.
pub fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    path.match_indices('/').rev().map(move |(i, _)| &path[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_relative_paths_pass() {
        for ok in [
            "index.html",
            "posts/a/index.html",
            "a b/ü.svg",
            ".well-known/x",
        ] {
            assert_eq!(path_problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn paths_that_could_leave_the_output_are_refused() {
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "a/./b",
            "a//b",
            "a/",
            "a\\..\\b",
            "a\nb",
        ] {
            assert!(path_problem(bad).is_some(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn a_file_that_is_also_a_folder_names_both_sources() {
        let files = [
            OutputFile::rendered("atom.xml", String::new()),
            OutputFile {
                path: "atom.xml/x.txt".into(),
                contents: Contents::Copy("static/atom.xml/x.txt".into()),
            },
        ];
        let Err(Error::Content(errors)) = check_layout(&files) else {
            panic!("the clash was not found");
        };
        assert_eq!(
            errors[0].to_string(),
            "static/atom.xml/x.txt: the output atom.xml would be both a file (from a page kudos generates) and a folder (holding atom.xml/x.txt, from static/atom.xml/x.txt)"
        );
    }

    #[test]
    fn new_paths_fit_beside_an_output_unless_check_layout_would_refuse_them() {
        let existing: rustc_hash::FxHashMap<std::sync::Arc<str>, ()> =
            ["index.html", "tags/news/index.html", "notes.txt"]
                .into_iter()
                .map(|p| (p.into(), ()))
                .collect();
        assert!(fit_beside(
            &["tags/fresh/index.html", "tags/fresh/atom.xml"],
            &existing
        ));
        let refused: [&[&str]; 6] = [
            &["tags/news/index.html"],
            &["notes.txt/index.html"],
            &["tags"],
            &["tags/a/../b.html"],
            &[MANIFEST],
            &["x", "x/index.html"],
        ];
        for new in refused {
            assert!(!fit_beside(new, &existing), "{new:?} was let in");
            // What a full build's checks say of the same paths: a clash or a layout error.
            let mut paths: Vec<String> = existing.keys().map(|p| p.to_string()).collect();
            paths.extend(new.iter().map(|p| p.to_string()));
            let files: Vec<OutputFile> = paths
                .iter()
                .map(|p| OutputFile::rendered(p.clone(), String::new()))
                .collect();
            paths.sort_unstable();
            let twice = paths.windows(2).any(|w| w[0] == w[1]);
            let whole = twice || check_layout(&files).is_err();
            assert!(whole, "{new:?}: refused here, but a full check lets it in");
        }
    }

    #[test]
    fn the_manifest_name_is_reserved() {
        let files = [OutputFile::rendered(MANIFEST, String::new())];
        assert!(check_layout(&files).is_err());
    }

    #[test]
    fn ancestors_nearest_first() {
        assert_eq!(ancestors("a/b/c").collect::<Vec<_>>(), ["a/b", "a"]);
        assert_eq!(ancestors("a").count(), 0);
    }
}
