//! Finding and expanding shortcodes in a markdown body.
//!
//! Two forms, as in the design: `{{ name(arg=value, ...) }}` and
//! `{% name(arg=value) %}body{% end %}`. Text that merely looks similar (`{{ x }}` with no
//! parentheses) is left alone, and so is everything inside code blocks and inline code,
//! so a post can show shortcode syntax in an example.
//!
//! Expansion is a pre-pass: text results (the `segment` blocks, `segment_name`) are spliced
//! into the markdown, HTML results become placeholder tokens that are swapped in after
//! markdown rendering, so a card never gets wrapped or escaped by the markdown renderer.
//!
//! Bodies are untrusted (a quote may arrive by CSV), so every step is linear in the size of
//! the body, and block shortcodes nest at most [`MAX_NESTING`] deep: deeper nesting is a
//! located error, not a stack overflow or a quadratic pile of copies.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// How deep block shortcodes (and expansions that contain shortcodes again) may nest.
/// Real bodies nest two or three levels; the limit bounds the recursion of [`expand`] and
/// the copies it makes (at most this many of the body).
pub const MAX_NESTING: usize = 32;

/// The text between a placeholder's prefix and its `x`: `kudosshortcode12x`.
const TOKEN_PREFIX: &str = "kudosshortcode";

/// A literal argument value.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgValue {
    /// `"text"` or `'text'`.
    Str(String),
    /// `3`, `-1`.
    Int(i64),
    /// `true` / `false`.
    Bool(bool),
}

/// One shortcode call in a body.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Its name.
    pub name: String,
    /// Arguments in order.
    pub args: Vec<(String, ArgValue)>,
    /// The text between `{% name() %}` and `{% end %}`, for the block form.
    pub body: Option<String>,
    /// Byte range of the whole call in the body it was found in.
    pub range: Range<usize>,
}

impl Call {
    /// The argument `name`, if given.
    pub fn arg(&self, name: &str) -> Option<&ArgValue> {
        self.args.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// A problem at a byte offset of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShortcodeError {
    /// Where, in the body.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

/// What a shortcode expands to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expansion {
    /// Markdown spliced into the body (it is then rendered with the rest).
    Markdown(String),
    /// Finished HTML, inserted after markdown rendering.
    Html(String),
}

/// A body with its shortcodes expanded.
#[derive(Debug, Clone, Default)]
pub struct Expanded {
    /// Markdown with placeholders.
    pub markdown: String,
    /// (placeholder, HTML) pairs to swap in after rendering.
    pub html: Vec<(String, String)>,
    /// (offset in `markdown`, offset in the original body) at the start of each copied run,
    /// so positions found later (broken links) map back to the file.
    pub offsets: Vec<(usize, usize)>,
}

impl Expanded {
    /// The offset in the original body of an offset in the expanded markdown.
    pub fn original_offset(&self, offset: usize) -> usize {
        // `offsets` grows with the expanded markdown, so it is sorted: a binary search
        // keeps checking many links in a long body linear-logarithmic.
        let after = self
            .offsets
            .partition_point(|(expanded, _)| *expanded <= offset);
        match after.checked_sub(1).map(|at| self.offsets[at]) {
            Some((expanded, original)) => original + (offset - expanded),
            None => offset,
        }
    }

    /// Swaps the HTML results into rendered output; a placeholder alone in a paragraph
    /// replaces the paragraph. One pass over `html`: inserted HTML is never searched for
    /// placeholders again (a customer's quote inside a card cannot pull in another card).
    pub fn insert_html(&self, html: &mut String) {
        if self.html.is_empty() {
            return;
        }
        let mut out = String::with_capacity(html.len());
        let mut copied = 0;
        let mut from = 0;
        while let Some(found) = html[from..].find(TOKEN_PREFIX).map(|i| i + from) {
            from = found + TOKEN_PREFIX.len();
            let Some((index, end)) = placeholder_at(html, found) else {
                continue;
            };
            let Some((_, replacement)) = self.html.get(index) else {
                continue;
            };
            let paragraph = html[..found].ends_with("<p>") && html[end..].starts_with("</p>");
            let (start, end) = if paragraph {
                (found - "<p>".len(), end + "</p>".len())
            } else {
                (found, end)
            };
            out.push_str(&html[copied..start]);
            out.push_str(replacement);
            copied = end;
            from = end;
        }
        out.push_str(&html[copied..]);
        *html = out;
    }
}

/// The index and end of the placeholder `kudosshortcode<digits>x` starting at `at`.
fn placeholder_at(text: &str, at: usize) -> Option<(usize, usize)> {
    let rest = &text[at + TOKEN_PREFIX.len()..];
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || !rest[digits..].starts_with('x') {
        return None;
    }
    let index = rest[..digits].parse().ok()?;
    Some((index, at + TOKEN_PREFIX.len() + digits + 1))
}

fn placeholder(index: usize) -> String {
    format!("{TOKEN_PREFIX}{index}x")
}

/// Byte ranges of code (fenced, indented and inline) in `body`.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    let mut block_start = None;
    for (event, range) in Parser::new_ext(body, Options::empty()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => block_start = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                if let Some(start) = block_start.take() {
                    ranges.push(start..range.end);
                }
            }
            Event::Code(_) => ranges.push(range),
            _ => {}
        }
    }
    ranges
}

/// Whether `at` is inside one of `ranges` (sorted by start, not overlapping), in
/// logarithmic time: a body may hold many code spans and many `{{`.
fn in_ranges(ranges: &[Range<usize>], at: usize) -> bool {
    let after = ranges.partition_point(|r| r.start <= at);
    after > 0 && ranges[after - 1].contains(&at)
}

/// Whether `body` may contain shortcodes at all (a cheap check before parsing).
pub fn may_contain(body: &str) -> bool {
    body.contains("{{") || body.contains("{%")
}

/// Every top-level shortcode call in `body`, outside code; the first malformed one is the
/// error.
pub fn find(body: &str) -> Result<Vec<Call>, ShortcodeError> {
    let (calls, mut errors) = find_all(body);
    if errors.is_empty() {
        Ok(calls)
    } else {
        Err(errors.swap_remove(0))
    }
}

/// Malformed calls reported per body: a writer fixes them all in one go, and each one may
/// cost a scan to the end of the body (an unclosed string or block), so a body of many
/// broken calls stays linear in its size.
pub const MAX_ERRORS: usize = 100;

/// Every well-formed top-level call in `body`, outside code, and every malformed one (up to
/// [`MAX_ERRORS`]): after a malformed call the search goes on just past its opening.
pub fn find_all(body: &str) -> (Vec<Call>, Vec<ShortcodeError>) {
    let mut calls = Vec::new();
    let mut errors = Vec::new();
    if !may_contain(body) {
        return (calls, errors);
    }
    let code = code_ranges(body);
    let in_code = |at: usize| in_ranges(&code, at);
    let mut at = 0;
    while let Some(found) = next_open(body, at) {
        at = found + 2;
        if in_code(found) {
            continue;
        }
        match parse_at(body, found, &in_code) {
            Ok(Some(call)) => {
                at = call.range.end;
                calls.push(call);
            }
            Ok(None) => {}
            Err(error) => {
                errors.push(error);
                if errors.len() == MAX_ERRORS {
                    break;
                }
            }
        }
    }
    (calls, errors)
}

/// The next `{{` or `{%` at or after `from`. One scan up to it: looking for each of the
/// two separately went to the end of the body for the one that was not there, on every
/// call (a body of many `{{ ... }}` and no `{%` was quadratic; found by `fuzz/`).
fn next_open(body: &str, from: usize) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut at = from;
    while let Some(brace) = body[at..].find('{').map(|i| i + at) {
        if matches!(bytes.get(brace + 1), Some(b'{' | b'%')) {
            return Some(brace);
        }
        at = brace + 1;
    }
    None
}

/// Parses a call starting at `start` (`{{` or `{%`); `None` if it is not shortcode-shaped.
fn parse_at(
    body: &str,
    start: usize,
    in_code: &dyn Fn(usize) -> bool,
) -> Result<Option<Call>, ShortcodeError> {
    let block = body[start..].starts_with("{%");
    let close = if block { "%}" } else { "}}" };
    let mut cursor = Cursor {
        text: body,
        at: start + 2,
    };
    cursor.skip_ws();
    let Some(name) = cursor.ident() else {
        return Ok(None);
    };
    if name == "end" || !cursor.eat("(") {
        return Ok(None);
    }
    let args = cursor.args()?;
    cursor.skip_ws();
    if !cursor.eat(close) {
        return Err(cursor.error(format!(
            "expected `{close}` to close the shortcode `{name}`"
        )));
    }
    let open_end = cursor.at;
    if !block {
        return Ok(Some(Call {
            name,
            args,
            body: None,
            range: start..open_end,
        }));
    }
    let (body_end, end) = find_end(body, open_end, in_code).ok_or_else(|| ShortcodeError {
        offset: start,
        message: format!("the block shortcode `{name}` is never closed: expected `{{% end %}}`"),
    })?;
    Ok(Some(Call {
        name,
        args,
        body: Some(body[open_end..body_end].to_string()),
        range: start..end,
    }))
}

/// The matching `{% end %}` after `from`, counting nested blocks: (body end, call end).
fn find_end(body: &str, from: usize, in_code: &dyn Fn(usize) -> bool) -> Option<(usize, usize)> {
    let mut depth = 0;
    let mut at = from;
    while let Some(i) = body[at..].find("{%").map(|i| i + at) {
        if in_code(i) {
            at = i + 2;
            continue;
        }
        let mut cursor = Cursor {
            text: body,
            at: i + 2,
        };
        cursor.skip_ws();
        match cursor.ident().as_deref() {
            Some("end") => {
                cursor.skip_ws();
                if cursor.eat("%}") {
                    if depth == 0 {
                        return Some((i, cursor.at));
                    }
                    depth -= 1;
                }
            }
            Some(_)
                if {
                    cursor.skip_ws();
                    cursor.eat("(")
                } =>
            {
                depth += 1
            }
            _ => {}
        }
        at = i + 2;
    }
    None
}

struct Cursor<'a> {
    text: &'a str,
    at: usize,
}

impl Cursor<'_> {
    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    fn skip_ws(&mut self) {
        let trimmed = self.rest().trim_start();
        self.at = self.text.len() - trimmed.len();
    }

    fn eat(&mut self, token: &str) -> bool {
        if self.rest().starts_with(token) {
            self.at += token.len();
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<String> {
        let len = self
            .rest()
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(self.rest().len());
        if len == 0 || self.rest().starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let ident = self.rest()[..len].to_string();
        self.at += len;
        Some(ident)
    }

    fn error(&self, message: String) -> ShortcodeError {
        ShortcodeError {
            offset: self.at,
            message,
        }
    }

    /// `name=value, ...)`
    fn args(&mut self) -> Result<Vec<(String, ArgValue)>, ShortcodeError> {
        let mut args = Vec::new();
        loop {
            self.skip_ws();
            if self.eat(")") {
                return Ok(args);
            }
            let name = self.ident().ok_or_else(|| {
                self.error("expected an argument name, like `slug=\"...\"`".into())
            })?;
            self.skip_ws();
            if !self.eat("=") {
                return Err(self.error(format!("expected `=` after the argument `{name}`")));
            }
            self.skip_ws();
            let value = self.value(&name)?;
            args.push((name, value));
            self.skip_ws();
            if !self.eat(",") && !self.rest().starts_with(')') {
                return Err(self.error("expected `,` or `)` after an argument".into()));
            }
        }
    }

    fn value(&mut self, name: &str) -> Result<ArgValue, ShortcodeError> {
        for quote in ['"', '\''] {
            if self.rest().starts_with(quote) {
                let inner = &self.rest()[1..];
                let end = inner.find(quote).ok_or_else(|| {
                    self.error(format!("the string for `{name}` is never closed"))
                })?;
                let value = inner[..end].to_string();
                self.at += end + 2;
                return Ok(ArgValue::Str(value));
            }
        }
        for (word, value) in [("true", true), ("false", false)] {
            if self.eat(word) {
                return Ok(ArgValue::Bool(value));
            }
        }
        let len = self
            .rest()
            .find(|c: char| !(c.is_ascii_digit() || c == '-'))
            .unwrap_or(self.rest().len());
        let number = self.rest()[..len].parse::<i64>().map_err(|_| {
            self.error(format!(
                "the value of `{name}` must be a \"string\", a whole number, true or false"
            ))
        })?;
        self.at += len;
        Ok(ArgValue::Int(number))
    }
}

/// Expands the calls of `body` with `expand`, recursing into the markdown it returns.
/// Every problem is reported, not only the first: a malformed or failing call expands to
/// nothing and the rest of the body is expanded as usual.
pub fn expand(
    body: &str,
    expand: &dyn Fn(&Call) -> Result<Expansion, ShortcodeError>,
) -> Result<Expanded, Vec<ShortcodeError>> {
    let mut out = Expanded::default();
    let mut errors = Vec::new();
    expand_into(body, 0, 1, expand, &mut out, &mut errors);
    if errors.is_empty() {
        Ok(out)
    } else {
        errors.sort_by_key(|e| e.offset);
        errors.dedup();
        Err(errors)
    }
}

/// Expands `body` (at `base` in the original, `depth` levels down) into `out`, adding
/// problems to `errors`.
fn expand_into(
    body: &str,
    base: usize,
    depth: usize,
    expand: &dyn Fn(&Call) -> Result<Expansion, ShortcodeError>,
    out: &mut Expanded,
    errors: &mut Vec<ShortcodeError>,
) {
    let shift = |mut e: ShortcodeError| {
        e.offset += base;
        e
    };
    let (calls, malformed) = find_all(body);
    errors.extend(malformed.into_iter().map(shift));
    if let Some(first) = calls.first().filter(|_| depth > MAX_NESTING) {
        errors.push(too_deep(base + first.range.start));
        return;
    }
    let mut copied = 0;
    for call in calls {
        out.offsets.push((out.markdown.len(), base + copied));
        out.markdown.push_str(&body[copied..call.range.start]);
        copied = call.range.end;
        match expand(&call) {
            Err(mut e) => {
                e.offset = call.range.start;
                errors.push(shift(e));
            }
            Ok(Expansion::Markdown(text)) => {
                // Text from a block body keeps its own positions for later errors.
                let inner_base = match &call.body {
                    Some(inner) if text == *inner => {
                        base + call.range.start
                            + body[call.range.start..].find(inner.as_str()).unwrap_or(0)
                    }
                    _ => base + call.range.start,
                };
                expand_into(&text, inner_base, depth + 1, expand, out, errors);
            }
            Ok(Expansion::Html(html)) => {
                let token = placeholder(out.html.len());
                out.markdown.push_str(&token);
                out.html.push((token, html));
            }
        }
    }
    out.offsets.push((out.markdown.len(), base + copied));
    out.markdown.push_str(&body[copied..]);
}

fn too_deep(offset: usize) -> ShortcodeError {
    ShortcodeError {
        offset,
        message: format!(
            "shortcodes nested more than {MAX_NESTING} deep: expected at most {MAX_NESTING} levels of `{{% ... %}}` blocks inside each other"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_both_forms_with_arguments() {
        let calls = find("Hi {{ segment_name(default=\"friend\") }}!\n\n{% segment(only='a') %}Bulk.{% end %}\n{{ shoutouts(limit=3, featured=true) }}").unwrap();
        assert_eq!(calls.len(), 3);
        assert_eq!(
            calls[0].arg("default"),
            Some(&ArgValue::Str("friend".into()))
        );
        assert_eq!(calls[1].body.as_deref(), Some("Bulk."));
        assert_eq!(calls[2].arg("limit"), Some(&ArgValue::Int(3)));
        assert_eq!(calls[2].arg("featured"), Some(&ArgValue::Bool(true)));
    }

    #[test]
    fn code_and_lookalikes_are_left_alone() {
        let body = "`{{ shoutout(slug=\"a\") }}`\n\n```\n{% segment(only=\"b\") %}x{% end %}\n```\n\n{{ not_a_call }}";
        assert!(find(body).unwrap().is_empty());
    }

    #[test]
    fn malformed_calls_are_errors_with_offsets() {
        let err = find("ab {{ shoutout(slug=) }}").unwrap_err();
        assert!(err.message.contains("slug"), "{err:?}");
        let err = find("x {% segment(only=\"a\") %} never closed").unwrap_err();
        assert_eq!(err.offset, 2);
        assert!(err.message.contains("never closed"));
    }

    #[test]
    fn nested_blocks_and_expansion() {
        let body = "A {% segment(only=\"x\") %}B {% segment(except=\"y\") %}C{% end %}{% end %} {{ card(n=1) }}";
        let expanded = expand(body, &|call| {
            Ok(match call.name.as_str() {
                "segment" => Expansion::Markdown(call.body.clone().unwrap_or_default()),
                _ => Expansion::Html("<div>card</div>".into()),
            })
        })
        .unwrap();
        assert_eq!(expanded.markdown, "A B C kudosshortcode0x");
        let mut html = "<p>A B C kudosshortcode0x</p>".to_string();
        expanded.insert_html(&mut html);
        assert_eq!(html, "<p>A B C <div>card</div></p>");
    }

    #[test]
    fn offsets_map_back_to_the_original() {
        let body = "{{ a(x=1) }} then [l](@/x.md)";
        let expanded = expand(body, &|_| Ok(Expansion::Markdown(String::new()))).unwrap();
        let in_expanded = expanded.markdown.find("[l]").unwrap();
        assert_eq!(
            expanded.original_offset(in_expanded),
            body.find("[l]").unwrap()
        );
    }

    /// Blocks keep their body, anything else becomes a card: how the build expands.
    fn like_the_build(call: &Call) -> Result<Expansion, ShortcodeError> {
        Ok(match &call.body {
            Some(body) => Expansion::Markdown(body.clone()),
            None => Expansion::Html(format!("<div>{}</div>", call.name)),
        })
    }

    fn nested(depth: usize) -> String {
        let open = "{% segment(except=\"w\") %}";
        format!("{}x{}", open.repeat(depth), "{% end %}".repeat(depth))
    }

    #[test]
    fn nesting_up_to_the_limit_expands() {
        let expanded = expand(&nested(MAX_NESTING), &like_the_build).unwrap();
        assert_eq!(expanded.markdown, "x");
    }

    #[test]
    fn nesting_past_the_limit_is_an_error_at_the_first_block_too_deep() {
        let body = nested(5_000);
        // On a small stack, like a render thread's: no overflow, an error.
        let err = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || expand(&body, &like_the_build).unwrap_err().remove(0))
            .unwrap()
            .join()
            .unwrap();
        let open_len = "{% segment(except=\"w\") %}".len();
        assert_eq!(err.offset, MAX_NESTING * open_len);
        assert!(
            err.message
                .starts_with("shortcodes nested more than 32 deep: expected at most 32 levels"),
            "{err:?}"
        );
    }

    #[test]
    fn an_expansion_that_expands_to_itself_stops_at_the_limit() {
        let err = expand("a {{ me() }}", &|_| {
            Ok(Expansion::Markdown("{{ me() }}".into()))
        })
        .unwrap_err()
        .remove(0);
        assert!(err.message.contains("nested more than"), "{err:?}");
    }

    #[test]
    fn every_malformed_and_failing_call_is_reported_in_body_order() {
        let body =
            "{{ a(x=) }} {{ bad() }} {{ good() }} {% b(y=1) %} never closed {{ c(z=\"open) }}";
        let errors = expand(body, &|call| match call.name.as_str() {
            "bad" => Err(ShortcodeError {
                offset: 0,
                message: "bad fails".into(),
            }),
            _ => Ok(Expansion::Html(String::new())),
        })
        .unwrap_err();
        let offsets: Vec<usize> = errors.iter().map(|e| e.offset).collect();
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert_eq!(offsets[1], body.find("{{ bad").unwrap(), "{errors:?}");
        assert_eq!(offsets[2], body.find("{% b").unwrap(), "{errors:?}");
        assert!(errors[3].message.contains("never closed"), "{errors:?}");
    }

    #[test]
    fn malformed_calls_stop_being_collected_at_the_limit() {
        let body = "{{ a(x=\"open) }} ".repeat(MAX_ERRORS * 3);
        let (calls, errors) = find_all(&body);
        assert!(calls.is_empty());
        assert_eq!(errors.len(), MAX_ERRORS);
    }

    #[test]
    fn inserted_html_is_not_searched_for_placeholders_again() {
        let body = "{{ a() }}\n\n{{ b() }} and text";
        let expanded = expand(body, &|call| {
            Ok(Expansion::Html(match call.name.as_str() {
                "a" => "<q>kudosshortcode1x</q>".into(),
                _ => "<b>card</b>".into(),
            }))
        })
        .unwrap();
        let mut html = "<p>kudosshortcode0x</p>\n<p>kudosshortcode1x and text</p>\n".to_string();
        expanded.insert_html(&mut html);
        assert_eq!(
            html,
            "<q>kudosshortcode1x</q>\n<p><b>card</b> and text</p>\n"
        );
    }

    #[test]
    fn lookalike_placeholders_are_left_alone() {
        let expanded = expand("{{ a() }}", &|_| Ok(Expansion::Html("A".into()))).unwrap();
        let mut html =
            "kudosshortcode kudosshortcode9x kudosshortcode0 <p>kudosshortcode0x</p>".to_string();
        expanded.insert_html(&mut html);
        assert_eq!(html, "kudosshortcode kudosshortcode9x kudosshortcode0 A");
    }

    #[test]
    fn many_calls_without_a_block_are_found_in_linear_time() {
        let body = "{{ a() }}".repeat(20_000);
        let started = std::time::Instant::now();
        assert_eq!(find(&body).unwrap().len(), 20_000);
        assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
        // The fuzzer's case: many `{%` that open nothing, and no `{{`.
        let body = "{%# segment(except=\"a\")\n".repeat(20_000);
        let started = std::time::Instant::now();
        assert!(find(&body).unwrap().is_empty());
        assert!(started.elapsed().as_secs() < 2, "{:?}", started.elapsed());
        let body = "{ {{ b() }} {%x".repeat(3);
        assert_eq!(find(&body).unwrap().len(), 3);
    }

    #[test]
    fn calls_between_many_code_spans_are_found() {
        let body = "`{{ a() }}` {{ b() }} ".repeat(2_000);
        let calls = find(&body).unwrap();
        assert_eq!(calls.len(), 2_000);
        assert!(calls.iter().all(|c| c.name == "b"));
    }
}
