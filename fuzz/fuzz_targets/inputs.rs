//! One fuzz target over every kudos entry point that takes untrusted text: front matter
//! (split, parse into each kind of item, and the diagnostic printed for a bad one),
//! shortcode expansion followed by the markdown render, and a customer quote's render
//! and sanitising. Every input goes through all three, so a crash in any of them is
//! found from the same corpus.
//!
//! Blow-ups (deep nesting, quadratic scans) need big inputs that libFuzzer's mutations
//! reach slowly, so an input starting with `R` is a recipe instead: its second byte times
//! 64 is a count, and the rest, split at the first NUL, is a unit repeated that many times
//! and a tail (`R`, 200, `{% segment(except="a") %}`, NUL, `x` is 12,800 nested blocks).
//! libFuzzer's `-timeout` and `-rss_limit_mb` turn a blow-up into a reported crash.

#![no_main]

use std::path::Path;
use std::sync::Arc;

use kudos::content::{PageMeta, SegmentMeta, ShoutoutMeta, front_matter};
use kudos::markdown::shortcodes::{self, Expansion};
use kudos::markdown::{self, MarkdownOptions};
use libfuzzer_sys::fuzz_target;

const OPTIONS: MarkdownOptions = MarkdownOptions {
    smart_punctuation: true,
    heading_anchors: true,
};

fuzz_target!(|data: &[u8]| {
    let data = expand_recipe(data);
    let text = String::from_utf8_lossy(&data);
    let text: Arc<str> = Arc::from(text.as_ref());
    front_matter_and_report(&text);
    body_with_shortcodes(&text);
    quote(&text);
});

/// The input itself, or for `R<count><unit>\0<tail>` the unit repeated `count * 64` times
/// then the tail.
fn expand_recipe(data: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    let [b'R', count, rest @ ..] = data else {
        return data.into();
    };
    let (unit, tail) = match rest.iter().position(|&b| b == 0) {
        Some(at) => (&rest[..at], &rest[at + 1..]),
        None => (rest, &[][..]),
    };
    let mut text = unit.repeat(usize::from(*count) * 64);
    text.extend_from_slice(tail);
    text.into()
}

/// Splits and parses `text` as each kind of content file; every error is rendered the way
/// the CLI prints it, so a panicking report is a crash here too.
fn front_matter_and_report(text: &Arc<str>) {
    let path = Path::new("content/fuzz.md");
    let split = match front_matter::split(path, text) {
        Ok(split) => split,
        Err(error) => return report(&error),
    };
    let errors = [
        front_matter::parse::<PageMeta>(path, text, &split).err(),
        front_matter::parse::<ShoutoutMeta>(path, text, &split).err(),
        front_matter::parse::<SegmentMeta>(path, text, &split).err(),
    ];
    for error in errors.iter().flatten() {
        report(error);
    }
}

fn report(error: &kudos::SourceError) {
    let printed = kudos::cmd::render_diagnostic(error, false, "error");
    assert!(
        printed.len() < 64 * 1024,
        "a diagnostic of {} bytes",
        printed.len()
    );
}

/// Expands shortcodes like the build does (blocks keep their body, calls become HTML),
/// renders the markdown and swaps the HTML in; errors are reported like the build's.
fn body_with_shortcodes(text: &Arc<str>) {
    let expanded = shortcodes::expand(text, &|call| {
        Ok(match call.body.clone() {
            Some(body) if call.name == "segment" => Expansion::Markdown(body),
            _ => Expansion::Html(format!("<div class=\"{}\"></div>", call.name)),
        })
    });
    match expanded {
        Ok(expanded) => {
            let mut rendered = markdown::render(&expanded.markdown, OPTIONS, &|_| None);
            for link in &rendered.links {
                let _ = expanded.original_offset(link.offset);
            }
            expanded.insert_html(&mut rendered.html);
        }
        Err(errors) => {
            for error in errors.into_iter().take(shortcodes::MAX_ERRORS) {
                let at = error.offset.min(text.len());
                report(&kudos::SourceError::at(
                    "content/fuzz.md",
                    text,
                    at..at + 2,
                    error.message,
                ));
            }
        }
    }
}

/// A customer quote: markdown, then the sanitiser.
fn quote(text: &str) {
    let rendered = markdown::render(text, OPTIONS, &|_| None);
    let clean = kudos::render::context::sanitize_quote(&rendered.html);
    assert!(!clean.contains("<script"), "a script survived: {clean}");
}
