//! Errors of the library.
//!
//! Content problems are the common case, and a writer wants to see all of them at once,
//! each pointing at the offending line. So the library collects [`SourceError`]s (file,
//! line, column, what was expected, a hint) into [`Error::Content`] instead of stopping at
//! the first one, and the binary renders them with their source line and a caret.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One problem in one input file, with enough context to show the user where it is.
#[derive(Debug, Clone)]
pub struct SourceError {
    /// The file, relative to the site root where possible.
    pub path: PathBuf,
    /// 1-based line and column, when the problem has a position.
    pub position: Option<(usize, usize)>,
    /// What is wrong and what was expected.
    pub message: String,
    /// A suggestion: the nearest known key, the list of known segments, ...
    pub help: Option<String>,
    /// The file's text and the byte range to underline, for the snippet.
    pub snippet: Option<(Arc<str>, Range<usize>)>,
}

impl SourceError {
    /// An error about a whole file, with no position in it.
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        SourceError {
            path: path.into(),
            position: None,
            message: message.into(),
            help: None,
            snippet: None,
        }
    }

    /// An error at a byte offset range of `text`, the full contents of `path`.
    pub fn at(
        path: impl Into<PathBuf>,
        text: &Arc<str>,
        range: Range<usize>,
        message: impl Into<String>,
    ) -> Self {
        let start = range.start.min(text.len());
        let end = range.end.clamp(start, text.len());
        SourceError {
            position: Some(line_col(text, start)),
            snippet: Some((Arc::clone(text), start..end)),
            ..SourceError::new(path, message)
        }
    }

    /// An error at a 1-based line and column of `text`.
    pub fn at_line(
        path: impl Into<PathBuf>,
        text: &Arc<str>,
        line: usize,
        column: usize,
        message: impl Into<String>,
    ) -> Self {
        let offset = offset_of(text, line, column);
        let mut error = SourceError::at(path, text, offset..offset, message);
        error.position = Some((line, column));
        error
    }

    /// Adds a hint shown under the snippet.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// "path:line:column", the way editors and terminals link to a place in a file.
    pub fn location(&self) -> String {
        match self.position {
            Some((line, column)) => format!("{}:{line}:{column}", self.path.display()),
            None => self.path.display().to_string(),
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

impl std::error::Error for SourceError {}

impl miette::Diagnostic for SourceError {
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.snippet
            .as_ref()
            .map(|(text, _)| text as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let (_, range) = self.snippet.as_ref()?;
        let span = miette::LabeledSpan::new_with_span(Some("here".into()), range.clone());
        Some(Box::new(std::iter::once(span)))
    }
}

/// Everything that can stop a kudos command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more input files are wrong; all of them are listed.
    #[error("{} problem{} found in the site", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Content(Vec<SourceError>),
    /// The site root has no config file.
    #[error("no kudos.toml in {}: is this a kudos site? (run `kudos init` to create one)", .0.display())]
    NoConfig(PathBuf),
    /// The config file given with `--config` is not there.
    #[error("config file {} not found (given with --config)", .0.display())]
    ConfigNotFound(PathBuf),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder involved.
        path: PathBuf,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A refusal that is not about a file's contents (e.g. `init` into a non-empty folder).
    #[error("{0}")]
    Refused(String),
    /// `kudos check --external` could not start checking (no HTTP client, no runtime).
    #[error("cannot check outside links: {0}")]
    LinkCheck(String),
    /// An argument is wrong whatever the files say (exit code 2, like clap's own errors).
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }
}

impl From<SourceError> for Error {
    fn from(error: SourceError) -> Self {
        Error::Content(vec![error])
    }
}

impl From<Vec<SourceError>> for Error {
    fn from(errors: Vec<SourceError>) -> Self {
        Error::Content(errors)
    }
}

/// Puts diagnostics in reading order: by file, then line and column, then message.
/// Files are loaded in parallel and kept in hash maps, so the order problems are found
/// in changes from run to run; the order they are printed in must not.
pub fn sort_by_place(list: &mut [SourceError]) {
    list.sort_by(|a, b| (&a.path, a.position, &a.message).cmp(&(&b.path, b.position, &b.message)));
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_char_boundary(text, offset);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Byte offset of a 1-based line and column.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    let rest = &text[line_start..];
    let within = rest
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(rest.find('\n').unwrap_or(rest.len()), |(i, _)| i);
    line_start + within
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let text = "ab\ncd\nef";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 4), (2, 2));
        assert_eq!(offset_of(text, 3, 2), 7);
    }

    #[test]
    fn location_names_file_line_and_column() {
        let text: Arc<str> = Arc::from("+++\ntitle = 3\n+++\n");
        let error = SourceError::at_line("content/a.md", &text, 2, 9, "expected a string");
        assert_eq!(error.to_string(), "content/a.md:2:9: expected a string");
    }
}
