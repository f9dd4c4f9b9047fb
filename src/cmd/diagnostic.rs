//! Printing a [`SourceError`]: the headline with its location, then the offending line with
//! a caret under the problem, then the help.
//!
//! The snippet is an excerpt, never the file: at most one line of context on each side,
//! and each line cut to a window around the error's column. A 200,000-character line with
//! a thousand broken links then prints a thousand short excerpts, not the line a thousand
//! times, and miette (which cannot pad past column 65,535) only ever sees short lines.
//! Line numbers and the column in the snippet's header stay those of the real file.

use std::ops::Range;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::error::SourceError;

/// Characters of a line shown on each side of the error's column.
pub const WINDOW: usize = 60;
/// Longest headline message or help shown, in characters (a key or value quoted in a
/// message is user text and may be huge).
pub const MAX_MESSAGE: usize = 500;
/// Marks a cut.
const CUT: &str = "…";

/// A diagnostic as text: "severity: path:line:col: message", then the snippet and help.
pub fn render_diagnostic(error: &SourceError, color: bool, severity: &str) -> String {
    use miette::{GraphicalReportHandler, GraphicalTheme};
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let headline = format!("{}: {}", error.location(), bounded(&error.message));
    let mut out = format!("{severity}: {headline}\n");
    let help = error.help.as_deref().map(bounded);
    match error.snippet.as_ref() {
        Some((text, range)) => {
            let snippet = Snippet {
                headline: error.location(),
                help,
                excerpt: Excerpt::new(text, range.clone()),
            };
            let _ = handler.render_report(&mut out, &snippet);
        }
        None => {
            if let Some(help) = help {
                out.push_str(&format!("  help: {help}\n"));
            }
        }
    }
    out.trim_end().to_string()
}

/// `text` cut to [`MAX_MESSAGE`] characters.
fn bounded(text: &str) -> String {
    match text.char_indices().nth(MAX_MESSAGE) {
        Some((at, _)) => format!("{}{CUT} ({} more bytes)", &text[..at], text.len() - at),
        None => text.to_string(),
    }
}

/// The lines around an error, each cut to a window around the error's column.
#[derive(Debug)]
struct Excerpt {
    /// The excerpt's lines joined by `\n`.
    text: String,
    /// 0-based line number in the file of the excerpt's first line.
    first_line: usize,
    /// For each excerpt line: characters of the file's line left out before it, less the
    /// cut mark (so excerpt column + this = file column).
    shifts: Vec<usize>,
    /// The error's range in `text`.
    label: Range<usize>,
}

impl Excerpt {
    fn new(file: &str, range: Range<usize>) -> Excerpt {
        let start = floor_boundary(file, range.start);
        let line_start = file[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = file[start..].find('\n').map_or(file.len(), |i| start + i);
        let end = floor_boundary(file, range.end.clamp(start, line_end));
        // The window is taken on the error's line, in characters from its column; the
        // lines around it are cut to the same columns so the excerpt stays aligned.
        let column = file[line_start..start].chars().count();
        let from_column = column.saturating_sub(WINDOW);
        let to_column = column + (end - start).min(WINDOW) + WINDOW;
        let mut excerpt = Excerpt {
            text: String::new(),
            first_line: file[..line_start].matches('\n').count(),
            shifts: Vec::new(),
            label: 0..0,
        };
        let before = line_start
            .checked_sub(1)
            .map(|newline| file[..newline].rfind('\n').map_or(0, |i| i + 1));
        // A blank line before the error's is left out: miette drops a blank first line
        // of a snippet but keeps counting from it, which numbered every line one too low.
        let before = before.filter(|&previous| !file[previous..line_start - 1].trim().is_empty());
        if let Some(previous) = before {
            excerpt.first_line -= 1;
            excerpt.push_line(&file[previous..line_start - 1], from_column, to_column);
        }
        let label_in_line = (start - line_start)..(end - line_start);
        excerpt.push_error_line(
            &file[line_start..line_end],
            from_column,
            to_column,
            label_in_line,
        );
        if line_end < file.len() {
            let next_end = file[line_end + 1..]
                .find('\n')
                .map_or(file.len(), |i| line_end + 1 + i);
            excerpt.push_line(&file[line_end + 1..next_end], from_column, to_column);
        }
        excerpt
    }

    /// Adds `line` cut to columns `from..to`; returns where the kept part starts in the
    /// excerpt, and where it starts and ends in `line` (bytes).
    fn push_line(&mut self, line: &str, from: usize, to: usize) -> (usize, usize, usize) {
        if !self.text.is_empty() {
            self.text.push('\n');
        }
        let line = line.strip_suffix('\r').unwrap_or(line);
        let kept_start = char_offset(line, from);
        let kept_end = char_offset(line, to);
        let mut shift = from;
        if kept_start > 0 {
            self.text.push_str(CUT);
            shift -= 1;
        }
        self.shifts.push(shift);
        let in_excerpt = self.text.len();
        self.text
            .push_str(&line[kept_start..kept_end.max(kept_start)]);
        if kept_end < line.len() {
            self.text.push_str(CUT);
        }
        (in_excerpt, kept_start, kept_end.max(kept_start))
    }

    /// Adds the error's line and places the label (`label` is in bytes of `line`).
    fn push_error_line(&mut self, line: &str, from: usize, to: usize, label: Range<usize>) {
        let (in_excerpt, kept_start, kept_end) = self.push_line(line, from, to);
        let start = label.start.clamp(kept_start, kept_end);
        let end = label.end.clamp(start, kept_end);
        self.label = in_excerpt + (start - kept_start)..in_excerpt + (end - kept_start);
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        let line = inner.line();
        let shift = self.shifts.get(line).copied().unwrap_or(0);
        // miette counts columns in bytes; the headline counts characters, and so do we.
        let start = floor_boundary(&self.text, inner.span().offset());
        let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..start].chars().count();
        Ok(Box::new(MietteSpanContents::new(
            inner.data(),
            *inner.span(),
            self.first_line + line,
            column + shift,
            inner.line_count(),
        )))
    }
}

/// The snippet part of a diagnostic (the headline is printed by us, with its location).
#[derive(Debug)]
struct Snippet {
    headline: String,
    help: Option<String>,
    excerpt: Excerpt,
}

impl std::fmt::Display for Snippet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.headline)
    }
}

impl std::error::Error for Snippet {}

impl miette::Diagnostic for Snippet {
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.excerpt)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span =
            miette::LabeledSpan::new_with_span(Some("here".into()), self.excerpt.label.clone());
        Some(Box::new(std::iter::once(span)))
    }
}

/// Byte offset of the `column`-th character of `line` (its length past the end).
fn char_offset(line: &str, column: usize) -> usize {
    line.char_indices()
        .nth(column)
        .map_or(line.len(), |(i, _)| i)
}

fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn error_at(text: &str, needle: &str) -> SourceError {
        let text: Arc<str> = Arc::from(text);
        let at = text.find(needle).unwrap();
        SourceError::at("content/a.md", &text, at..at + needle.len(), "broken")
    }

    #[test]
    fn a_short_file_is_shown_whole_with_its_line_numbers() {
        let printed = render_diagnostic(&error_at("one\ntwo bad\nthree\n", "bad"), false, "error");
        assert_eq!(
            printed,
            "error: content/a.md:2:5: broken\n  × content/a.md:2:5\n   ╭─[2:5]\n 1 │ one\n 2 │ two bad\n   ·     ─┬─\n   ·      ╰── here\n 3 │ three\n   ╰────"
        );
    }

    #[test]
    fn an_error_past_column_65535_is_printed_as_a_bounded_excerpt() {
        let line = format!("{} bad {}", "a".repeat(70_000), "z".repeat(70_000));
        let printed = render_diagnostic(&error_at(&line, "bad"), false, "error");
        assert!(printed.starts_with("error: content/a.md:1:70002: broken\n"));
        assert!(printed.contains("× content/a.md:1:70002\n"), "{printed}");
        assert!(
            printed.contains(&format!(
                "1 │ …{} bad {}…\n",
                "a".repeat(59),
                "z".repeat(59)
            )),
            "{printed}"
        );
        assert!(printed.len() < 1_000, "{} bytes", printed.len());
    }

    #[test]
    fn context_lines_are_cut_to_the_same_columns() {
        let long = "b".repeat(500);
        let text = format!("{long}\n{} bad\n{long}\n", "a".repeat(300));
        let printed = render_diagnostic(&error_at(&text, "bad"), false, "error");
        assert!(printed.contains("╭─[2:302]\n"), "{printed}");
        assert!(
            printed.contains(&format!("1 │ …{}…\n", "b".repeat(123))),
            "{printed}"
        );
        assert!(
            printed.contains(&format!("2 │ …{} bad\n", "a".repeat(59))),
            "{printed}"
        );
        assert!(printed.len() < 1_500, "{} bytes", printed.len());
    }

    #[test]
    fn a_huge_message_and_help_are_cut() {
        let text: Arc<str> = Arc::from("x");
        let error =
            SourceError::at("a.md", &text, 0..1, "k".repeat(10_000)).with_help("h".repeat(10_000));
        let printed = render_diagnostic(&error, false, "error");
        assert!(printed.contains(&format!("{}… (9500 more bytes)", "k".repeat(500))));
        assert!(printed.len() < 2_000, "{} bytes", printed.len());
    }

    #[test]
    fn multibyte_text_and_ranges_past_the_end_do_not_panic() {
        let text: Arc<str> = Arc::from("é\r\nü".repeat(40_000).as_str());
        for range in [0..1, 3..200_000, 79_999..80_001, 160_000..160_000] {
            let error = SourceError::at("a.md", &text, range, "m");
            assert!(render_diagnostic(&error, false, "error").len() < 2_000);
        }
    }
}
