//! Finding the files images name, writing their elements, and listing the variants a
//! build must publish.
//!
//! An image in a body is found by where it is written: `@/posts/a/cat.jpg` and a relative
//! `cat.jpg` name a file under `content/` (relative to the body's own file), `/img/x.jpg`
//! an output path (a file of `static/`, the theme, or `content/`). URLs are written with
//! the base path, so a bundle's image works in listings, feeds and segment variants alike.
//! Photos the visibility decision withholds are never found.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use rayon::prelude::*;

use crate::config::ImagesConfig;
use crate::content::Source;
use crate::error::{Error, Result, SourceError};
use crate::images::cache::{DiskCache, Made};
use crate::images::{Catalog, ImageSource, OutFormat, Picture};
use crate::markdown::{ImageLookup, ImageRef};
use crate::output::{Contents, OutputFile};
use crate::site::Site;
use crate::theme::{StaticSource, Theme};
use crate::visibility::Photo;

use super::Renderer;
use super::context::Urls;

/// Extensions of files kudos measures and resizes.
const MEASURED: [&str; 6] = ["jpg", "jpeg", "png", "webp", "gif", "svg"];

/// The site's image files and how to show them.
pub struct ImageFinder {
    /// Output path (no leading slash) -> its bytes: content assets, theme and site static.
    by_output: FxHashMap<String, ImageSource>,
    /// Content path -> output path, for content assets.
    by_content: FxHashMap<String, String>,
    /// Output paths of customer photos the visibility decision withholds: never shown.
    withheld: rustc_hash::FxHashSet<String>,
    catalog: Arc<Catalog>,
    settings: ImagesConfig,
    urls: Urls,
}

/// Where an image reference points.
enum Place {
    /// Not a file of the site.
    Outside,
    /// A customer's photo that consent keeps out of the output.
    Withheld(String),
    /// The output path of a site file.
    File(String),
    /// A site file that is not there: what was looked for.
    Missing(String),
}

impl ImageFinder {
    /// For `site` with `theme`'s static files; `catalog` keeps measurements between
    /// rebuilds.
    pub fn new(site: &Site, theme: &Theme, catalog: Arc<Catalog>) -> ImageFinder {
        let mut by_output = FxHashMap::default();
        for (path, source) in &theme.static_files {
            let source = match source {
                StaticSource::Embedded(bytes) => ImageSource::Embedded(bytes),
                StaticSource::Disk(p) => ImageSource::Disk(p.clone()),
            };
            by_output.insert(path.clone(), source);
        }
        let mut by_content = FxHashMap::default();
        for asset in &site.assets {
            by_output.insert(asset.to.clone(), ImageSource::Disk(asset.from.clone()));
            by_content.insert(asset.content_path.clone(), asset.to.clone());
        }
        let withheld = by_output
            .keys()
            .filter(|path| !site.photos.may_copy(path))
            .cloned()
            .collect();
        by_output.retain(|path, _| site.photos.may_copy(path));
        ImageFinder {
            by_output,
            by_content,
            withheld,
            catalog,
            settings: site.config.images.clone(),
            urls: Urls::new(site),
        }
    }

    /// The element for `image` in the body of `from`.
    pub fn element(&self, image: &ImageRef, from: &Source) -> ImageLookup {
        let output = match self.place(image.src, &from.content_path) {
            Place::Outside => return ImageLookup::AsWritten,
            Place::Withheld(output) => return ImageLookup::Problem(withheld(&output)),
            Place::Missing(looked_for) => {
                return ImageLookup::Problem(format!(
                    "the image `{}` is not there: no file {looked_for}",
                    image.src
                ));
            }
            Place::File(output) => output,
        };
        if !is_measured(&output) {
            let html = plain_img(&self.urls.url(&output), image, None);
            return ImageLookup::Found {
                html,
                picture: None,
            };
        }
        match self.picture(&output) {
            Ok(picture) => ImageLookup::Found {
                html: self.picture_html(&picture, image),
                picture: Some(picture),
            },
            Err(why) => ImageLookup::Problem(why),
        }
    }

    /// Whether the build publishes a file (not a generated page) at output path `path`.
    pub fn is_published(&self, path: &str) -> bool {
        self.by_output.contains_key(path)
    }

    /// The measured picture of the site file at `output`, in the configured widths.
    pub fn picture(&self, output: &str) -> Result<Arc<Picture>, String> {
        self.picture_in(output, &self.settings.widths)
    }

    /// The measured picture of the site file at `output`, in `widths`.
    fn picture_in(&self, output: &str, widths: &[u32]) -> Result<Arc<Picture>, String> {
        let Some(source) = self.by_output.get(output) else {
            return Err(format!("no file for /{output}"));
        };
        let shown = match source {
            ImageSource::Disk(path) => path.display().to_string(),
            ImageSource::Embedded(_) => format!("the built-in theme's static/{output}"),
        };
        self.catalog
            .picture((source, output), &self.settings, widths, &shown)
            .map_err(|e| e.to_string())
    }

    /// A shout-out's photo at `width` CSS pixels (one variant of twice that), or the URL
    /// as it is for an outside photo.
    pub fn avatar(&self, photo: &Photo, width: u32) -> Result<Avatar, String> {
        let output = match photo {
            Photo::External(url) => return Ok(Avatar::plain(url.clone())),
            Photo::Site(output) => output,
        };
        if !self.by_output.contains_key(output) {
            let also = if output.contains('/') {
                String::new()
            } else {
                " (nor beside the shout-out)".to_string()
            };
            return Err(format!(
                "the photo /{output} is not there: no file static/{output} or content/{output}{also}"
            ));
        }
        if !is_measured(output) {
            return Ok(Avatar::plain(self.urls.url(output)));
        }
        // Twice the displayed size, for sharp screens.
        let picture = self.picture_in(output, &[width * 2])?;
        let url_of = |format| {
            picture
                .variants_in(format)
                .last()
                .map(|v| self.urls.url(&v.output))
        };
        let fallback = picture.fallback().and_then(url_of);
        Ok(Avatar {
            src: fallback.unwrap_or_else(|| self.urls.url(output)),
            webp: url_of(OutFormat::WebP),
            picture: Some(picture),
        })
    }

    /// The image `src` (as written in the front matter of `from`) as a template shows it;
    /// an outside URL as it is.
    pub fn view(&self, src: &str, from: &Source) -> Result<ImageView, String> {
        self.view_in(src, &from.content_path, &self.settings.widths)
    }

    /// The image `src` as a theme's `image()` call names it: `/`-rooted or `@/`, in
    /// `widths` (the configured ones when `None`). A relative path has no page to be
    /// relative to, so it is refused rather than guessed.
    pub fn for_template(&self, src: &str, widths: Option<&[u32]>) -> Result<ImageView, String> {
        let is_site_path = src.starts_with('/') && !src.starts_with("//") || src.starts_with("@/");
        if !is_site_path {
            return Err(format!(
                "image(): `{src}` is not a site path: write `/img/x.jpg` for a file of static/ (or its place in the output) or `@/posts/a/x.jpg` for a file of content/"
            ));
        }
        self.view_in(src, "", widths.unwrap_or(&self.settings.widths))
    }

    /// A fingerprint of every image file `image()` could name (path, size, time) and of
    /// the photos consent withholds: `serve` re-renders the pages that call `image()`
    /// when it changes.
    pub fn print(&self) -> u64 {
        let mut files: Vec<(&str, u64, Option<std::time::SystemTime>)> = self
            .by_output
            .iter()
            .filter(|(output, _)| is_measured(output))
            .map(|(output, source)| match source {
                ImageSource::Disk(path) => {
                    let meta = std::fs::metadata(path).ok();
                    let len = meta.as_ref().map_or(0, |m| m.len());
                    (output.as_str(), len, meta.and_then(|m| m.modified().ok()))
                }
                ImageSource::Embedded(bytes) => (output.as_str(), bytes.len() as u64, None),
            })
            .collect();
        files.sort_unstable();
        let mut withheld: Vec<&String> = self.withheld.iter().collect();
        withheld.sort_unstable();
        crate::fingerprint::fingerprint(&(files, withheld))
    }

    /// `src` as written in the file at `content_path`, in `widths`.
    fn view_in(&self, src: &str, content_path: &str, widths: &[u32]) -> Result<ImageView, String> {
        let output = match self.place(src, content_path) {
            Place::Outside => return Ok(ImageView::plain(self.urls.url(src))),
            Place::Withheld(output) => return Err(withheld(&output)),
            Place::Missing(looked_for) => {
                return Err(format!(
                    "the image `{src}` is not there: no file {looked_for}"
                ));
            }
            Place::File(output) => output,
        };
        if !is_measured(&output) {
            return Ok(ImageView::plain(self.urls.url(&output)));
        }
        let picture = self.picture_in(&output, widths)?;
        let srcset = |format| {
            let set: Vec<String> = picture
                .variants_in(format)
                .map(|v| format!("{} {}w", self.urls.url(&v.output), v.width))
                .collect();
            (!set.is_empty()).then(|| set.join(", "))
        };
        let largest = picture.largest();
        Ok(ImageView {
            src: self
                .urls
                .url(largest.map_or(&picture.output, |v| &v.output)),
            srcset: picture.fallback().and_then(srcset),
            webp_srcset: srcset(OutFormat::WebP),
            width: largest.map_or(picture.width, |v| v.width),
            height: largest.map_or(picture.height, |v| v.height),
            sizes: self.settings.sizes.clone(),
            picture: Some(picture),
        })
    }

    /// `<picture>` with a WebP `<source>` and the fallback `<img>`.
    fn picture_html(&self, picture: &Picture, image: &ImageRef) -> String {
        let Some(largest) = picture.largest() else {
            let size = (picture.width > 0).then_some((picture.width, picture.height));
            return plain_img(&self.urls.url(&picture.output), image, size);
        };
        let srcset = |format| {
            picture
                .variants_in(format)
                .map(|v| format!("{} {}w", self.urls.url(&v.output), v.width))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let sizes = attr(&self.settings.sizes);
        let mut html = String::from("<picture>");
        if picture.variants_in(OutFormat::WebP).next().is_some() {
            html.push_str(&format!(
                "<source type=\"image/webp\" srcset=\"{}\" sizes=\"{sizes}\">",
                attr(&srcset(OutFormat::WebP))
            ));
        }
        let fallback = picture.fallback().unwrap_or(OutFormat::Jpeg);
        html.push_str(&format!(
            "<img src=\"{}\" srcset=\"{}\" sizes=\"{sizes}\" width=\"{}\" height=\"{}\"{}>",
            attr(&self.urls.url(&largest.output)),
            attr(&srcset(fallback)),
            largest.width,
            largest.height,
            common_attributes(image)
        ));
        html.push_str("</picture>");
        html
    }

    /// Where `src`, written in the file at `content_path`, points.
    fn place(&self, src: &str, content_path: &str) -> Place {
        let src = src.split(['?', '#']).next().unwrap_or_default();
        let is_outside =
            src.is_empty() || src.starts_with("//") || src.contains(':') && !src.starts_with("@/");
        if is_outside {
            return Place::Outside;
        }
        let decoded = percent_encoding::percent_decode_str(src).decode_utf8_lossy();
        if let Some(path) = decoded.strip_prefix("@/") {
            return self.in_content(path);
        }
        if let Some(path) = decoded.strip_prefix('/') {
            let Some(path) = normalise("", path) else {
                return Place::Missing(format!("for {src} (it leaves the site)"));
            };
            return if self.by_output.contains_key(&path) {
                Place::File(path)
            } else if self.withheld.contains(&path) {
                Place::Withheld(path)
            } else {
                Place::Missing(format!("static/{path} or content/{path}"))
            };
        }
        let dir = content_path.rsplit_once('/').map_or("", |(dir, _)| dir);
        match normalise(dir, &decoded) {
            Some(path) => self.in_content(&path),
            None => Place::Missing(format!("for {src} (it leaves content/)")),
        }
    }

    fn in_content(&self, path: &str) -> Place {
        let path = normalise("", path).unwrap_or_default();
        match self.by_content.get(&path) {
            Some(output) if self.withheld.contains(output) => Place::Withheld(output.clone()),
            Some(output) => Place::File(output.clone()),
            None => Place::Missing(format!("content/{path}")),
        }
    }
}

/// The size cards show photos at, in CSS pixels.
const AVATAR_WIDTH: u32 = 48;

/// Per shout-out, its photo as cards show it (when one is shown), and an error for each
/// photo file that is missing or cannot be read.
pub(super) fn avatars(
    site: &Site,
    images: &ImageFinder,
) -> (Vec<Option<Avatar>>, Vec<SourceError>) {
    let mut errors = Vec::new();
    let avatars = site
        .shoutouts
        .iter()
        .zip(&*site.shown)
        .map(|(shoutout, shown)| {
            let photo = shown.photo.as_ref()?;
            match images.avatar(photo, AVATAR_WIDTH) {
                Ok(avatar) => Some(avatar),
                Err(why) => {
                    errors.push(crate::site::at_key(&shoutout.source, "avatar", why));
                    None
                }
            }
        })
        .collect();
    (avatars, errors)
}

/// Where a picture is first shown, for errors in making its variants.
enum ShownAt<'a> {
    /// In a body, at a byte offset of the body.
    Body(&'a Source, usize),
    /// As a shout-out's photo.
    Avatar(&'a Source),
    /// As a segment's hero.
    Hero(&'a Source),
    /// By a template's `image()` call, on the page written at this output path.
    Template(&'a str),
}

impl ShownAt<'_> {
    fn error(&self, message: String, picture: &Picture) -> SourceError {
        match self {
            ShownAt::Body(source, offset) => {
                let at = source.body_offset + offset;
                SourceError::at(&source.path, &source.text, at..at + 2, message)
            }
            ShownAt::Avatar(source) => crate::site::at_key(source, "avatar", message),
            ShownAt::Hero(source) => crate::site::at_key(source, "hero", message),
            ShownAt::Template(page) => {
                let file = match &picture.source {
                    ImageSource::Disk(path) => path.clone(),
                    ImageSource::Embedded(_) => format!("static/{}", picture.output).into(),
                };
                SourceError::new(file, format!("{message} (named by image() on /{page})"))
            }
        }
    }
}

thread_local! {
    /// The pictures `image()` returned while this thread renders one page; `None` when
    /// it renders no page (a shortcode, a share card).
    static ASKED_BY_TEMPLATES: std::cell::RefCell<Option<Vec<Arc<Picture>>>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `render` (one page, on this thread) and returns what it returned with the
/// pictures its templates asked for through `image()`.
pub(super) fn collecting<T>(render: impl FnOnce() -> T) -> (T, Vec<Arc<Picture>>) {
    let outer = ASKED_BY_TEMPLATES.with(|asked| asked.replace(Some(Vec::new())));
    let result = render();
    let pictures = ASKED_BY_TEMPLATES.with(|asked| asked.replace(outer));
    (result, pictures.unwrap_or_default())
}

/// Notes that the page being rendered shows `picture`; an error outside a page.
pub(super) fn note_template_picture(picture: &Arc<Picture>) -> Result<(), String> {
    ASKED_BY_TEMPLATES.with(|asked| match asked.borrow_mut().as_mut() {
        Some(pictures) => {
            pictures.push(Arc::clone(picture));
            Ok(())
        }
        None => Err("image() works in page templates only: in a shortcode or in card.svg, use an image of the body or the card's own fields".to_string()),
    })
}

/// Per page (by output path), the pictures its templates asked for with `image()`:
/// what a build publishes besides the pictures of bodies, photos and heroes.
#[derive(Default)]
pub struct TemplatePictures {
    by_page: std::sync::Mutex<FxHashMap<String, Vec<Arc<Picture>>>>,
}

impl Clone for TemplatePictures {
    fn clone(&self) -> Self {
        let by_page = self.by_page.lock().map(|m| m.clone()).unwrap_or_default();
        TemplatePictures {
            by_page: std::sync::Mutex::new(by_page),
        }
    }
}

impl TemplatePictures {
    /// What the page at `page` asked for when it was last rendered.
    pub(super) fn record(&self, page: &str, pictures: Vec<Arc<Picture>>) {
        let Ok(mut by_page) = self.by_page.lock() else {
            return;
        };
        if pictures.is_empty() {
            by_page.remove(page);
        } else {
            by_page.insert(page.to_string(), pictures);
        }
    }

    /// Takes over `earlier`'s pages that `keep` accepts: `serve` renders again only the
    /// pages whose inputs changed, and the others still show what they showed.
    pub fn adopt(&self, earlier: &TemplatePictures, keep: impl Fn(&str) -> bool) {
        let (Ok(mut mine), Ok(theirs)) = (self.by_page.lock(), earlier.by_page.lock()) else {
            return;
        };
        for (page, pictures) in theirs.iter().filter(|(page, _)| keep(page)) {
            mine.entry(page.clone()).or_insert_with(|| pictures.clone());
        }
    }

    /// Every picture asked for, once per file and set of widths, with the first page
    /// (in path order) that shows it.
    fn all(&self) -> Vec<(Arc<Picture>, String)> {
        let Ok(by_page) = self.by_page.lock() else {
            return Vec::new();
        };
        let mut pages: Vec<(&String, &Vec<Arc<Picture>>)> = by_page.iter().collect();
        pages.sort_unstable_by(|a, b| a.0.cmp(b.0));
        pages
            .into_iter()
            .flat_map(|(page, pictures)| {
                pictures.iter().map(move |p| (Arc::clone(p), page.clone()))
            })
            .collect()
    }

    /// The variant files of the pictures asked for that are not among `published`
    /// (the paths the build already writes), made or taken from `cache`.
    pub fn files(
        &self,
        quality: u8,
        cache: &DiskCache,
        published: &rustc_hash::FxHashSet<&str>,
    ) -> Result<Vec<OutputFile>> {
        // A picture a body already shows in the same sizes needs nothing made again.
        let asked: Vec<(Arc<Picture>, String)> = self
            .all()
            .into_iter()
            .filter(|(picture, _)| {
                !picture
                    .variants
                    .iter()
                    .all(|v| published.contains(v.output.as_str()))
            })
            .collect();
        if asked.is_empty() {
            return Ok(Vec::new());
        }
        let shown = asked
            .iter()
            .map(|(picture, page)| (Arc::clone(picture), ShownAt::Template(page)))
            .collect();
        let mut files = make_variants(dedup(shown), quality, cache)?;
        files.retain(|f| !published.contains(f.path.as_str()));
        Ok(files)
    }
}

/// Every picture `renderer`'s site shows, once, with where it is first shown.
fn pictures_shown(renderer: &Renderer) -> Vec<(Arc<Picture>, ShownAt<'_>)> {
    let site = &*renderer.site;
    let in_bodies = renderer
        .bodies
        .with_sources(site)
        .flat_map(|(source, body)| {
            body.images
                .iter()
                .filter_map(move |image| match &image.lookup {
                    ImageLookup::Found {
                        picture: Some(picture),
                        ..
                    } => Some((Arc::clone(picture), ShownAt::Body(source, image.offset))),
                    _ => None,
                })
        });
    let as_photos =
        renderer
            .avatars
            .iter()
            .zip(&site.shoutouts)
            .filter_map(|(avatar, shoutout)| {
                let picture = avatar.as_ref()?.picture.as_ref()?;
                Some((Arc::clone(picture), ShownAt::Avatar(&shoutout.source)))
            });
    let as_heroes = renderer
        .heroes
        .iter()
        .zip(&site.segments)
        .filter_map(|(hero, segment)| {
            let picture = hero.as_ref()?.picture.as_ref()?;
            Some((Arc::clone(picture), ShownAt::Hero(&segment.source)))
        });
    dedup(in_bodies.chain(as_photos).chain(as_heroes).collect())
}

/// One file may be shown in two sets of widths (a photo on a card and in a post): the
/// same bytes and the same sizes are one picture, other sizes another.
fn dedup(shown: Vec<(Arc<Picture>, ShownAt<'_>)>) -> Vec<(Arc<Picture>, ShownAt<'_>)> {
    let mut seen = rustc_hash::FxHashSet::default();
    shown
        .into_iter()
        .filter(|(picture, _)| {
            let widths: Vec<u32> = picture.variants.iter().map(|v| v.width).collect();
            seen.insert((picture.hash, widths))
        })
        .collect()
}

/// The variant files of every picture the site shows, made in parallel (one source
/// decoded per core at a time) or taken from `cache`; a picture whose pixels do not
/// decode is an error where it is first shown.
pub fn variant_files(renderer: &Renderer, cache: &DiskCache) -> Result<Vec<OutputFile>> {
    let quality = renderer.site.config.images.quality;
    make_variants(pictures_shown(renderer), quality, cache)
}

/// The variant files of `pictures`, made in parallel or taken from `cache`.
fn make_variants(
    pictures: Vec<(Arc<Picture>, ShownAt<'_>)>,
    quality: u8,
    cache: &DiskCache,
) -> Result<Vec<OutputFile>> {
    let made: Vec<std::result::Result<Vec<OutputFile>, SourceError>> = pictures
        .into_par_iter()
        .map(|(picture, at)| {
            let shown = match &picture.source {
                ImageSource::Disk(path) => path.display().to_string(),
                ImageSource::Embedded(_) => {
                    format!("the built-in theme's static/{}", picture.output)
                }
            };
            let variants = cache
                .variants(&picture, quality, &shown)
                .map_err(|e| at.error(e.to_string(), &picture))?;
            Ok(variants
                .into_iter()
                .map(|(variant, made)| OutputFile {
                    path: variant.output,
                    contents: match made {
                        Made::Cached(path) => Contents::Made(path),
                        Made::Bytes(bytes) => Contents::Bytes(bytes.into()),
                    },
                })
                .collect())
        })
        .collect();
    let mut files = Vec::new();
    let mut errors = Vec::new();
    // A variant's name is its bytes' and its width's, so two pictures of one file whose
    // widths overlap (a 90-pixel photo is 90 wide in both sets) make one file, once.
    let mut written = rustc_hash::FxHashSet::default();
    for result in made {
        match result {
            Ok(more) => files.extend(more.into_iter().filter(|f| written.insert(f.path.clone()))),
            Err(error) => errors.push(error),
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        crate::error::sort_by_place(&mut errors);
        Err(Error::Content(errors))
    }
}

/// An image as a template shows it: what a responsive `<img>` needs. `width` and
/// `height` are 0 when unknown (an outside URL, an SVG without a size).
#[derive(Debug, Clone, serde::Serialize)]
pub struct ImageView {
    /// The largest fallback variant, or the file or URL as it is.
    pub src: String,
    /// Fallback variants, `url 480w, ...`.
    pub srcset: Option<String>,
    /// WebP variants.
    pub webp_srcset: Option<String>,
    /// Of `src`, in pixels.
    pub width: u32,
    /// Of `src`, in pixels.
    pub height: u32,
    /// `[images] sizes`.
    pub sizes: String,
    /// The measured file, for publishing its variants.
    #[serde(skip)]
    pub picture: Option<Arc<Picture>>,
}

impl ImageView {
    fn plain(src: String) -> ImageView {
        ImageView {
            src,
            srcset: None,
            webp_srcset: None,
            width: 0,
            height: 0,
            sizes: String::new(),
            picture: None,
        }
    }
}

/// Per segment, its hero image (when it has one), and an error for each hero file that
/// is missing or cannot be read.
pub(super) fn heroes(
    site: &Site,
    images: &ImageFinder,
) -> (Vec<Option<ImageView>>, Vec<SourceError>) {
    let mut errors = Vec::new();
    let heroes = site
        .segments
        .iter()
        .map(|segment| {
            let hero = segment.meta.hero.as_deref()?;
            match images.view(hero, &segment.source) {
                Ok(view) => Some(view),
                Err(why) => {
                    errors.push(crate::site::at_key(&segment.source, "hero", why));
                    None
                }
            }
        })
        .collect();
    (heroes, errors)
}

/// A photo as cards show it.
#[derive(Debug, Clone)]
pub struct Avatar {
    /// The `src`: a fallback variant, or the URL as given.
    pub src: String,
    /// The WebP variant, when there is one.
    pub webp: Option<String>,
    /// The measured file, for publishing its variants.
    pub picture: Option<Arc<Picture>>,
}

impl Avatar {
    fn plain(src: String) -> Avatar {
        Avatar {
            src,
            webp: None,
            picture: None,
        }
    }
}

/// Why a withheld photo cannot be shown elsewhere.
fn withheld(output: &str) -> String {
    format!(
        "the image /{output} is a customer's photo that their consent keeps off the site (no \"photo\" in its scope, or the shout-out is not published)"
    )
}

/// `dir` joined with `path`, `.` and `..` resolved; `None` when it climbs out.
fn normalise(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

fn is_measured(output: &str) -> bool {
    output
        .rsplit_once('.')
        .is_some_and(|(_, ext)| MEASURED.contains(&ext.to_ascii_lowercase().as_str()))
}

/// `<img>` for a file that is not resized.
fn plain_img(url: &str, image: &ImageRef, size: Option<(u32, u32)>) -> String {
    let size = size.map_or(String::new(), |(w, h)| {
        format!(" width=\"{w}\" height=\"{h}\"")
    });
    format!(
        "<img src=\"{}\"{size}{}>",
        attr(url),
        common_attributes(image)
    )
}

/// alt, title, loading and decoding.
fn common_attributes(image: &ImageRef) -> String {
    let mut out = format!(" alt=\"{}\"", attr(image.alt));
    if let Some(title) = image.title {
        out.push_str(&format!(" title=\"{}\"", attr(title)));
    }
    if image.first {
        out.push_str(crate::markdown::images::FIRST_IMAGE);
    } else {
        out.push_str(" loading=\"lazy\"");
    }
    out.push_str(" decoding=\"async\"");
    out
}

/// Escaped for a double-quoted attribute.
fn attr(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    pulldown_cmark_escape::escape_html(&mut out, value).ok();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalised_and_may_not_climb_out() {
        assert_eq!(
            normalise("posts/a", "./cat.jpg").as_deref(),
            Some("posts/a/cat.jpg")
        );
        assert_eq!(
            normalise("posts/a", "../b/x.png").as_deref(),
            Some("posts/b/x.png")
        );
        assert_eq!(normalise("posts", "../../x.png"), None);
        assert_eq!(normalise("", "img//x.png").as_deref(), Some("img/x.png"));
    }

    fn picture(output: &str) -> Arc<Picture> {
        let svg = b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"2\"></svg>";
        let file = (ImageSource::Embedded(svg), output.to_string());
        Arc::new(
            crate::images::probe(svg, file, &ImagesConfig::default(), &[480], output)
                .expect("an SVG"),
        )
    }

    #[test]
    fn image_calls_count_only_inside_a_page_and_per_page() {
        assert!(note_template_picture(&picture("a.svg")).is_err());
        let ((), asked) = collecting(|| {
            note_template_picture(&picture("a.svg")).unwrap();
            // A page rendered inside another (never done, but safe) keeps its own list.
            let ((), inner) = collecting(|| note_template_picture(&picture("b.svg")).unwrap());
            assert_eq!(inner.len(), 1);
        });
        assert_eq!(asked.len(), 1);
        assert_eq!(asked[0].output, "a.svg");
        assert!(note_template_picture(&picture("a.svg")).is_err());
    }

    #[test]
    fn serve_keeps_what_pages_not_rendered_again_asked_for() {
        let earlier = TemplatePictures::default();
        earlier.record("a/index.html", vec![picture("a.svg")]);
        earlier.record("gone/index.html", vec![picture("g.svg")]);
        earlier.record("b/index.html", vec![picture("old.svg")]);
        let now = TemplatePictures::default();
        now.adopt(&earlier, |page| page != "gone/index.html");
        now.record("b/index.html", vec![picture("new.svg")]);
        now.record("a/index.html", Vec::new());
        let all: Vec<(String, String)> = now
            .all()
            .into_iter()
            .map(|(p, page)| (p.output.clone(), page))
            .collect();
        assert_eq!(all, [("new.svg".to_string(), "b/index.html".to_string())]);
    }

    #[test]
    fn only_known_raster_and_svg_files_are_measured() {
        assert!(is_measured("a/b.JPG"));
        assert!(is_measured("x.svg"));
        assert!(!is_measured("x.avif"));
        assert!(!is_measured("README"));
    }
}
