//! Bounding how deep HTML nests before it reaches the sanitiser.
//!
//! html5ever (inside ammonia) checks "is an element in scope" by walking its stack of open
//! elements, so a fragment nested N deep costs O(N²) to parse: 20,000 nested `>` quotes took
//! seconds, 100,000 took minutes, and quotes are customer text that arrives by CSV. This
//! pass keeps the first [`MAX_HTML_DEPTH`] levels and drops the tags below them (their text
//! stays), in one linear scan. HTML that never nests that deep is returned untouched, so
//! every normal quote renders byte for byte as before.
//!
//! The scan is not a full HTML parser and need not be: it decides only which tags to keep,
//! the sanitiser still sees (and cleans) everything that is kept. It errs on the side of
//! counting too deep (a close tag that does not match the innermost open one is ignored),
//! so it can never let a deeper tree through than it counted.

use std::borrow::Cow;

/// Levels of elements kept in a quote. Real quotes nest a handful of levels (a list in a
/// blockquote in a paragraph); far below this, the sanitiser is linear.
pub const MAX_HTML_DEPTH: usize = 64;

/// Elements that never have children.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// `html` with elements nested deeper than `max_depth` unwrapped (tags dropped, text kept).
pub fn limit_html_nesting(html: &str, max_depth: usize) -> Cow<'_, str> {
    if deepest(html) <= max_depth {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut open = OpenElements::default();
    for piece in Pieces::new(html) {
        let keep = match piece {
            Piece::Open(name) => open.push(name) <= max_depth,
            Piece::Close(name) => open.pop(name).is_none_or(|depth| depth <= max_depth),
            Piece::Other(_) => true,
        };
        if keep {
            out.push_str(piece.text());
        }
    }
    Cow::Owned(out)
}

/// The deepest level of nesting in `html`, as [`limit_html_nesting`] counts it.
fn deepest(html: &str) -> usize {
    let mut open = OpenElements::default();
    let mut deepest = 0;
    for piece in Pieces::new(html) {
        match piece {
            Piece::Open(name) => deepest = deepest.max(open.push(name)),
            Piece::Close(name) => {
                open.pop(name);
            }
            Piece::Other(_) => {}
        }
    }
    deepest
}

/// The stack of open element names (lowercase ASCII compared), with the HTML rule that a
/// new `p` or `li` closes an open one of its kind.
#[derive(Default)]
struct OpenElements<'a> {
    names: Vec<&'a str>,
}

impl<'a> OpenElements<'a> {
    /// Opens `name` (a tag with its text); returns its depth (1 = top level).
    fn push(&mut self, tag: &'a str) -> usize {
        let name = tag_name(tag);
        let closes_previous = ["p", "li"].iter().any(|n| name.eq_ignore_ascii_case(n));
        if closes_previous
            && self
                .names
                .last()
                .is_some_and(|l| l.eq_ignore_ascii_case(name))
        {
            self.names.pop();
        }
        self.names.push(name);
        self.names.len()
    }

    /// Closes `name` if it is the innermost open element; returns the depth it had.
    fn pop(&mut self, tag: &str) -> Option<usize> {
        let name = tag_name(tag);
        let depth = self.names.len();
        if self.names.last()?.eq_ignore_ascii_case(name) {
            self.names.pop();
            Some(depth)
        } else {
            None
        }
    }
}

fn is_void(name: &str) -> bool {
    VOID.iter().any(|v| name.eq_ignore_ascii_case(v))
}

/// The name in `<name ...>` or `</name ...>`.
fn tag_name(tag: &str) -> &str {
    let inner = tag.strip_prefix('<').unwrap_or(tag);
    let inner = inner.strip_prefix('/').unwrap_or(inner);
    let end = inner
        .bytes()
        .position(|b| b.is_ascii_whitespace() || b == b'/' || b == b'>')
        .unwrap_or(inner.len());
    &inner[..end]
}

/// A run of the fragment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece<'a> {
    /// A start tag of an element that has children.
    Open(&'a str),
    /// An end tag.
    Close(&'a str),
    /// Text, comments, void and self-closing tags, doctypes.
    Other(&'a str),
}

impl<'a> Piece<'a> {
    fn text(self) -> &'a str {
        match self {
            Piece::Open(t) | Piece::Close(t) | Piece::Other(t) => t,
        }
    }
}

/// The pieces of an HTML fragment, in order; their texts concatenate to the fragment.
struct Pieces<'a> {
    html: &'a str,
    at: usize,
}

impl<'a> Pieces<'a> {
    fn new(html: &'a str) -> Self {
        Pieces { html, at: 0 }
    }

    /// The end of the tag starting at `start` (after its `>`). A quote starts a value only
    /// right after `=`, as in the HTML tokenizer (`<p don't>` is a tag, not an open quote).
    fn tag_end(&self, start: usize) -> usize {
        let bytes = self.html.as_bytes();
        let mut quote = None;
        let mut after_equals = false;
        for (i, &b) in bytes.iter().enumerate().skip(start + 1) {
            match (quote, b) {
                (Some(q), _) if q == b => quote = None,
                (Some(_), _) => {}
                (None, b'"' | b'\'') if after_equals => quote = Some(b),
                (None, b'>') => return i + 1,
                (None, b'=') => {
                    after_equals = true;
                    continue;
                }
                (None, c) if c.is_ascii_whitespace() && after_equals => continue,
                _ => {}
            }
            after_equals = false;
        }
        bytes.len()
    }

    /// The end of a comment starting at `start`: `-->`, `--!>`, or the abrupt `<!-->`.
    fn comment_end(&self, start: usize) -> usize {
        let body = &self.html[start + 4..];
        if body.starts_with('>') {
            return start + 5;
        }
        if body.starts_with("->") {
            return start + 6;
        }
        // One scan to the first `--` that is followed by `>` or `!>`: searching for each
        // ending separately went to the end of the fragment for the one that was not there,
        // for every comment (quadratic; found by `fuzz/`).
        let mut from = 0;
        while let Some(dashes) = body[from..].find("--").map(|i| i + from) {
            let after = &body[dashes + 2..];
            if after.starts_with('>') {
                return start + 4 + dashes + 3;
            }
            if after.starts_with("!>") {
                return start + 4 + dashes + 4;
            }
            from = dashes + 1;
        }
        self.html.len()
    }

    /// The end of `<!...>`, `<?...>` or `</` + non-letter: the first `>`, quotes or not.
    fn bogus_end(&self, start: usize) -> usize {
        self.html[start..]
            .find('>')
            .map_or(self.html.len(), |i| start + i + 1)
    }
}

impl<'a> Iterator for Pieces<'a> {
    type Item = Piece<'a>;

    fn next(&mut self) -> Option<Piece<'a>> {
        let rest = &self.html[self.at..];
        if rest.is_empty() {
            return None;
        }
        let start = self.at;
        let Some(tag) = rest.strip_prefix('<') else {
            // Text up to the next `<` (or the end).
            self.at += rest.find('<').unwrap_or(rest.len());
            return Some(Piece::Other(&self.html[start..self.at]));
        };
        let mut chars = tag.chars();
        let (first, second) = (chars.next(), chars.next());
        let is_letter = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
        let (end, kind): (usize, fn(&'a str) -> Piece<'a>) = if tag.starts_with("!--") {
            (self.comment_end(start), Piece::Other)
        } else if first == Some('/') && is_letter(second) {
            (self.tag_end(start), Piece::Close)
        } else if is_letter(first) {
            (self.tag_end(start), Piece::Open)
        } else if matches!(first, Some('!' | '?' | '/')) {
            (self.bogus_end(start), Piece::Other)
        } else {
            // A `<` that starts no tag is text.
            (start + 1, Piece::Other)
        };
        self.at = end;
        let text = &self.html[start..end];
        Some(match kind(text) {
            Piece::Open(tag) if is_void(tag_name(tag)) => Piece::Other(tag),
            piece => piece,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shallow_html_is_returned_untouched() {
        let html = "<blockquote><p>Hi <em>there</em><br>\n<a href=\"x>y\">l</a></p>\n<ul><li>a<li>b</ul></blockquote><!-- c -->";
        assert!(matches!(limit_html_nesting(html, 3), Cow::Borrowed(h) if h == html));
    }

    #[test]
    fn levels_below_the_limit_are_unwrapped_and_their_text_kept() {
        let html = format!("{}x{}", "<div>".repeat(5), "</div>".repeat(5));
        assert_eq!(limit_html_nesting(&html, 2), "<div><div>x</div></div>");
    }

    #[test]
    fn unclosed_and_mismatched_tags_count_as_open() {
        // `</span>` closes nothing here, so the divs count as nested (as a browser nests them).
        let html = "<div></span>".repeat(4);
        assert_eq!(
            limit_html_nesting(&html, 2),
            "<div></span><div></span></span></span>"
        );
        assert_eq!(deepest("<p>a<p>b<p>c"), 1);
        assert_eq!(deepest("<b><i></b></i>"), 2);
    }

    #[test]
    fn pieces_concatenate_to_the_input() {
        let html = "a < b <p title='>'>x</p><!-- <div> --><br/><?x>é<!a=\"><div>\"</div><";
        let joined: String = Pieces::new(html).map(Piece::text).collect();
        assert_eq!(joined, html);
        assert_eq!(deepest(html), 1);
    }

    #[test]
    fn nothing_that_hides_tags_from_the_count_hides_them_from_the_sanitiser() {
        // Each of these ends where html5ever ends it, so the divs after it are counted.
        for prefix in [
            "<p don't>",
            "<!-- x --!>",
            "<!-->",
            "<!--->",
            "<!x=\">",
            "</ x>",
            "<div/>",
        ] {
            let html = format!("{prefix}{}", "<div>".repeat(10));
            assert!(deepest(&html) >= 10, "{prefix}: {}", deepest(&html));
        }
    }

    #[test]
    fn many_comments_are_scanned_in_linear_time() {
        let html = "<p>a<!-- note - -- --></p>".repeat(50_000);
        let started = std::time::Instant::now();
        assert_eq!(deepest(&html), 1);
        assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
        let joined: String = Pieces::new("<!-- a --!><!-- b -->x<!-- c")
            .map(Piece::text)
            .collect();
        assert_eq!(joined, "<!-- a --!><!-- b -->x<!-- c");
        let pieces: Vec<Piece> = Pieces::new("<!-- a --!>x").collect();
        assert_eq!(pieces, [Piece::Other("<!-- a --!>"), Piece::Other("x")]);
    }

    #[test]
    fn deep_nesting_is_linear() {
        let html = format!(
            "{}x{}",
            "<blockquote>\n".repeat(20_000),
            "</blockquote>\n".repeat(20_000)
        );
        let started = std::time::Instant::now();
        let limited = limit_html_nesting(&html, MAX_HTML_DEPTH);
        assert_eq!(limited.matches("<blockquote>").count(), MAX_HTML_DEPTH);
        assert_eq!(limited.matches("</blockquote>").count(), MAX_HTML_DEPTH);
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }
}
