//! Images in bodies: each `![alt](src "title")` is handed to the caller, which finds the
//! file and writes the element (`<picture>` with sizes, `width` and `height`), or leaves it
//! as written (an outside URL), or names what is wrong. Every image is recorded, so the
//! caller can report missing files and missing alt text with their line.

use std::hash::Hash;
use std::sync::Arc;

use pulldown_cmark::{Event, Tag, TagEnd};

use crate::images::Picture;

/// An image as the body writes it.
#[derive(Debug, Clone, Copy)]
pub struct ImageRef<'a> {
    /// The destination as written.
    pub src: &'a str,
    /// The alt text, flattened to plain text.
    pub alt: &'a str,
    /// The title, when there is one and it is not `decorative`.
    pub title: Option<&'a str>,
    /// Marked decorative (title `decorative`): an empty alt on purpose.
    pub decorative: bool,
    /// The first image of the body: not lazy, it is usually the largest paint.
    pub first: bool,
}

/// What the caller made of an image.
#[derive(Debug, Clone, Hash, PartialEq, Eq)]
pub enum ImageLookup {
    /// Not a file of the site (an outside URL): written as it is.
    AsWritten,
    /// Found: the element to write and the picture whose variants it names (none for a
    /// format kudos publishes as it is without measuring, such as AVIF).
    Found {
        /// The whole element.
        html: String,
        /// What it shows.
        picture: Option<Arc<Picture>>,
    },
    /// A site file that cannot be shown, and why.
    Problem(String),
}

/// One image of a body, for checks and for making its variants.
#[derive(Debug, Clone)]
pub struct ImageUse {
    /// The destination as written.
    pub src: String,
    /// Byte offset of the image in the body.
    pub offset: usize,
    /// The alt text.
    pub alt: String,
    /// The title (not `decorative`).
    pub title: Option<String>,
    /// Marked decorative.
    pub decorative: bool,
    /// The body's first image.
    pub first: bool,
    /// What the lookup gave.
    pub lookup: ImageLookup,
}

impl ImageUse {
    /// Whether alt text is missing (and the image is not marked decorative).
    pub fn missing_alt(&self) -> bool {
        self.alt.is_empty() && !self.decorative
    }

    /// The image as it was asked for, to ask again (is a cached body still right?).
    pub fn image_ref(&self) -> ImageRef<'_> {
        ImageRef {
            src: &self.src,
            alt: &self.alt,
            title: self.title.as_deref(),
            decorative: self.decorative,
            first: self.first,
        }
    }
}

/// What the element of a body's first image carries instead of `loading="lazy"`: on its
/// own page it is usually the largest paint. A summary (the same HTML, in a listing of
/// many) turns it back into `loading="lazy"`.
pub const FIRST_IMAGE: &str = " fetchpriority=\"high\"";

/// An event with where it is in the body.
pub type Located<'a> = (Event<'a>, std::ops::Range<usize>);

/// Replaces each image's events (start, alt text, end) by what `lookup` makes of it,
/// recording every image in `uses`.
pub fn replace_images<'a>(
    events: impl Iterator<Item = Located<'a>>,
    lookup: &dyn Fn(&ImageRef) -> ImageLookup,
    uses: &mut Vec<ImageUse>,
) -> Vec<Located<'a>> {
    let mut out = Vec::new();
    // The events of the image being read, and its offset.
    let mut open: Option<(Vec<Located<'a>>, usize)> = None;
    let mut depth = 0usize;
    for (event, range) in events {
        if let Some((held, _)) = &mut open {
            match &event {
                Event::Start(Tag::Image { .. }) => depth += 1,
                Event::End(TagEnd::Image) if depth > 0 => depth -= 1,
                Event::End(TagEnd::Image) => {
                    held.push((event, range));
                    let (held, offset) = open.take().unwrap_or_default();
                    out.extend(finish(held, offset, lookup, uses));
                    continue;
                }
                _ => {}
            }
            held.push((event, range));
            continue;
        }
        if let Event::Start(Tag::Image { .. }) = &event {
            open = Some((Vec::new(), range.start));
            depth = 0;
            if let Some((held, _)) = &mut open {
                held.push((event, range));
            }
            continue;
        }
        out.push((event, range));
    }
    if let Some((held, _)) = open {
        out.extend(held);
    }
    out
}

/// One image's events: looked up, then either its element or the events as they were.
fn finish<'a>(
    held: Vec<Located<'a>>,
    offset: usize,
    lookup: &dyn Fn(&ImageRef) -> ImageLookup,
    uses: &mut Vec<ImageUse>,
) -> Vec<Located<'a>> {
    let Some((
        Event::Start(Tag::Image {
            dest_url, title, ..
        }),
        range,
    )) = held.first().cloned()
    else {
        return held;
    };
    let mut alt = String::new();
    for (event, _) in &held[1..] {
        match event {
            Event::Text(t) | Event::Code(t) => alt.push_str(t),
            Event::SoftBreak | Event::HardBreak => alt.push(' '),
            _ => {}
        }
    }
    let alt = alt.trim();
    let decorative = title.trim().eq_ignore_ascii_case("decorative");
    let image = ImageRef {
        src: &dest_url,
        alt,
        title: (!title.is_empty() && !decorative).then_some(&*title),
        decorative,
        first: uses.is_empty(),
    };
    let found = lookup(&image);
    uses.push(ImageUse {
        src: dest_url.to_string(),
        offset,
        alt: alt.to_string(),
        title: image.title.map(str::to_string),
        decorative,
        first: image.first,
        lookup: found.clone(),
    });
    match found {
        ImageLookup::Found { html, .. } => vec![(Event::InlineHtml(html.into()), range)],
        _ if decorative => {
            // Drop the title "decorative" itself: it is an instruction, not a tooltip.
            let mut held = held;
            if let Some((Event::Start(Tag::Image { title, .. }), _)) = held.first_mut() {
                *title = "".into();
            }
            held
        }
        _ => held,
    }
}
