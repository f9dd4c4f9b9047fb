//! Splitting a content file into front matter and body, and parsing the front matter.
//!
//! TOML sits between `+++` lines, YAML between `---` lines. Parse errors from either
//! format are mapped back to a line and column of the whole file, so the user's editor
//! can jump straight to the mistake.

use std::path::Path;
use std::sync::Arc;

use serde::de::DeserializeOwned;

use crate::error::SourceError;
use crate::suggest::unknown_field_help;

/// Which syntax the front matter is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `+++`
    Toml,
    /// `---`
    Yaml,
}

/// A content file split at its front matter fences.
#[derive(Debug, Clone, Copy)]
pub struct Split<'a> {
    /// The syntax of `front`.
    pub format: Format,
    /// The text between the fences.
    pub front: &'a str,
    /// Byte offset of `front` in the file.
    pub front_offset: usize,
    /// Everything after the closing fence.
    pub body: &'a str,
    /// Byte offset of `body` in the file.
    pub body_offset: usize,
}

/// Splits `text` at its front matter fences.
pub fn split<'a>(path: &Path, text: &'a Arc<str>) -> Result<Split<'a>, SourceError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let content: &'a str = &text[start..];
    if content.trim().is_empty() {
        return Err(SourceError::new(
            path,
            "the file is empty: expected front matter between `+++` lines (TOML) or `---` lines (YAML)",
        ));
    }
    let (format, fence) = if content.starts_with("+++") {
        (Format::Toml, "+++")
    } else if content.starts_with("---") {
        (Format::Yaml, "---")
    } else {
        return Err(SourceError::at(
            path,
            text,
            start..start + content.find('\n').unwrap_or(content.len()),
            "no front matter: expected `+++` (TOML) or `---` (YAML) on the first line",
        )
        .with_help("start the file with\n+++\ntitle = \"...\"\n+++"));
    };
    let first_line_end = content.find('\n').map_or(content.len(), |i| i + 1);
    if content[..first_line_end].trim_end() != fence {
        return Err(SourceError::at(
            path,
            text,
            start..start + first_line_end,
            format!("expected `{fence}` alone on the first line"),
        ));
    }
    let front_offset = start + first_line_end;
    let mut offset = front_offset;
    for line in text[front_offset..].split_inclusive('\n') {
        if line.trim_end() == fence {
            let body_offset = offset + line.len();
            return Ok(Split {
                format,
                front: &text[front_offset..offset],
                front_offset,
                body: &text[body_offset..],
                body_offset,
            });
        }
        offset += line.len();
    }
    Err(SourceError::at(
        path,
        text,
        start..start + fence.len(),
        format!("the front matter is never closed: expected a line with `{fence}` after it"),
    ))
}

/// Parses the front matter of `split` into `T`, with errors pointing into the file.
pub fn parse<T: DeserializeOwned>(
    path: &Path,
    text: &Arc<str>,
    split: &Split<'_>,
) -> Result<T, SourceError> {
    match split.format {
        Format::Toml => toml::from_str(split.front).map_err(|e| {
            let range = e.span().unwrap_or(0..0);
            let range = split.front_offset + range.start..split.front_offset + range.end;
            with_help(
                SourceError::at(path, text, range, e.message().trim()),
                e.message(),
            )
        }),
        Format::Yaml => serde_saphyr::from_str(split.front).map_err(|e| {
            let message = yaml_message(&e);
            let error = match e.location() {
                Some(loc) if loc.line() > 0 => {
                    let first_line = crate::error::line_col(text, split.front_offset).0;
                    SourceError::at_line(
                        path,
                        text,
                        first_line + loc.line() as usize - 1,
                        loc.column().max(1) as usize,
                        message.clone(),
                    )
                }
                _ => SourceError::at(
                    path,
                    text,
                    split.front_offset..split.front_offset,
                    message.clone(),
                ),
            };
            with_help(error, &message)
        }),
    }
}

fn with_help(error: SourceError, message: &str) -> SourceError {
    match unknown_field_help(message) {
        Some(help) => error.with_help(help),
        None => error,
    }
}

/// serde-saphyr's own rendering includes a snippet; we show ours, so keep the first line.
pub(super) fn yaml_message(error: &serde_saphyr::Error) -> String {
    let full = error.to_string();
    let first = full.lines().next().unwrap_or("invalid YAML").trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    // "line 2 column 1: message": the position is reported separately.
    match first
        .strip_prefix("line ")
        .and_then(|rest| rest.split_once(": "))
    {
        Some((_, message)) => message.to_string(),
        None => first.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Meta {
        title: String,
        #[serde(default)]
        tags: Vec<String>,
    }

    fn parse_text(text: &str) -> Result<(Meta, String), SourceError> {
        let text: Arc<str> = Arc::from(text);
        let path = Path::new("a.md");
        let split = split(path, &text)?;
        let meta: Meta = parse(path, &text, &split)?;
        Ok((meta, split.body.to_string()))
    }

    #[test]
    fn toml_and_yaml_front_matter() {
        let (meta, body) = parse_text("+++\ntitle = \"Hi\"\n+++\nBody\n").unwrap();
        assert_eq!(meta.title, "Hi");
        assert_eq!(body, "Body\n");
        let (meta, _) = parse_text("---\ntitle: Hi\ntags: [a, b]\n---\nBody\n").unwrap();
        assert_eq!(meta.tags, ["a", "b"]);
    }

    #[test]
    fn toml_error_points_at_the_file_line() {
        let error = parse_text("+++\ntitle = \"Hi\"\ntagz = []\n+++\n").unwrap_err();
        assert_eq!(error.position, Some((3, 1)));
        assert_eq!(error.help.as_deref(), Some("did you mean `tags`?"));
    }

    #[test]
    fn yaml_error_points_at_the_file_line() {
        let error = parse_text("---\ntitle: Hi\ntagz: []\n---\n").unwrap_err();
        assert_eq!(error.position, Some((3, 1)), "{error}");
        assert!(error.message.starts_with("unknown field `tagz`"), "{error}");
        assert_eq!(error.help.as_deref(), Some("did you mean `tags`?"));
    }

    #[test]
    fn missing_or_unclosed_front_matter() {
        assert!(
            parse_text("just text")
                .unwrap_err()
                .message
                .contains("no front matter")
        );
        assert!(parse_text("").unwrap_err().message.contains("empty"));
        assert!(
            parse_text("+++\ntitle = \"x\"\n")
                .unwrap_err()
                .message
                .contains("never closed")
        );
    }
}
