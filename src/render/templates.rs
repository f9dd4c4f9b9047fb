//! The Tera engine of one build: the theme's templates plus kudos's functions and filters.
//!
//! Functions that list content (`posts()`, `shoutouts()`, `get_segment()`) read views that
//! were turned into Tera values once per build and are shared by reference counting, so a
//! listing on every page costs a lookup, not a serialisation of the site.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use tera::{Kwargs, State, Tera, Value};

use crate::content::Date;
use crate::error::SourceError;
use crate::i18n::Strings;
use crate::slug::SlugStyle;
use crate::theme::Theme;

use super::assets::Assets;
use super::context::{Urls, reading_minutes};
use super::images::ImageFinder;

/// Post lists, known only once post bodies are rendered (after shortcodes ran).
#[derive(Default, Clone)]
pub struct PostLists {
    /// Post summaries, newest first.
    pub values: Vec<Value>,
    /// Tag slugs of each post, in tag order (shared: an edit in `serve` replaces only values).
    pub tags: Arc<[Vec<String>]>,
    /// Segment slugs of each post.
    pub segments: Arc<[Vec<String>]>,
}

/// Content lists shared by the template functions (cloned and replaced, never changed in
/// place, when `serve` patches a site: pages may be rendering from the old ones). What a
/// patch never changes is shared, so that clone is cheap.
#[derive(Clone)]
pub struct Lists {
    /// Filled after post bodies are rendered; `posts()` is not available in shortcodes.
    pub posts: OnceLock<PostLists>,
    /// Shout-out cards, wall order.
    pub shoutouts: Vec<Value>,
    /// Tag slugs of each shout-out (tags match by slug everywhere).
    pub shoutout_tags: Arc<[Vec<String>]>,
    /// Featured flag of each shout-out.
    pub shoutout_featured: Arc<[bool]>,
    /// Segment slug -> its shout-out indices (its own order).
    pub segment_shoutouts: Arc<HashMap<String, Vec<usize>>>,
    /// Segment slug -> segment summary.
    pub segments: Arc<HashMap<String, Value>>,
    /// The wall's path below the base URL, without slashes.
    pub wall_path: String,
    /// Rating statistics over every published shout-out.
    pub ratings: Value,
    /// How a `tag = "..."` argument becomes the slug it is matched by.
    pub slugs: SlugStyle,
}

impl Default for Lists {
    fn default() -> Self {
        Lists {
            posts: OnceLock::new(),
            shoutouts: Vec::new(),
            shoutout_tags: Arc::new([]),
            shoutout_featured: Arc::new([]),
            segment_shoutouts: Arc::default(),
            segments: Arc::default(),
            wall_path: "shoutouts".into(),
            ratings: Value::none(),
            slugs: SlugStyle::default(),
        }
    }
}

/// Which shout-outs a `shoutouts(segment=, tag=, featured=)` call asks for. Templates and
/// the shortcode parse their arguments their own way and select through this, so the two
/// can never disagree.
#[derive(Debug, Default)]
pub struct ShoutoutQuery<'a> {
    /// A segment slug: its members in the segment's order (featured ones first).
    pub segment: Option<&'a str>,
    /// A tag, by name or slug (compared by slug).
    pub tag: Option<&'a str>,
    /// Only featured ones, or only others.
    pub featured: Option<bool>,
}

impl ShoutoutQuery<'_> {
    /// Indices into the site's published shout-outs, in wall order or the segment's;
    /// `None` when the segment does not exist.
    pub fn select(&self, lists: &Lists) -> Option<Vec<usize>> {
        let order: Vec<usize> = match self.segment {
            Some(slug) => lists.segment_shoutouts.get(slug)?.clone(),
            None => (0..lists.shoutouts.len()).collect(),
        };
        let tag = self.tag.map(|t| lists.slugs.slugify(t));
        Some(
            order
                .into_iter()
                .filter(|&i| {
                    tag.as_ref()
                        .is_none_or(|t| lists.shoutout_tags[i].contains(t))
                })
                .filter(|&i| {
                    self.featured
                        .is_none_or(|f| lists.shoutout_featured[i] == f)
                })
                .collect(),
        )
    }
}

/// Template name -> file to name in errors.
pub type TemplateFiles = HashMap<String, PathBuf>;

/// Builds the engine; template syntax errors are reported against their files.
pub fn engine(
    theme: &Theme,
    urls: &Urls,
    lists: Arc<Lists>,
    assets: Arc<Assets>,
    strings: Arc<Strings>,
    images: Option<Arc<ImageFinder>>,
) -> Result<(Tera, TemplateFiles), Vec<SourceError>> {
    let mut tera = Tera::new();
    // `.svg`: share cards (`card.svg`) show titles and customers' words as XML text.
    tera.autoescape_on(vec![".html", ".xml", ".svg"]);
    register(&mut tera, urls, lists, assets, strings);
    register_image(&mut tera, images);
    let files: TemplateFiles = theme
        .templates
        .values()
        .map(|t| (t.name.clone(), t.shown.clone()))
        .collect();
    let mut errors = Vec::new();
    // Each template on its own first, so every file with a syntax error is reported;
    // errors that need the other templates (a missing parent) are left to the full load.
    for template in theme.templates.values() {
        let mut probe = tera.clone();
        if let Err(e) = probe.add_raw_template(&template.name, &template.text)
            && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
        {
            errors.push(template_error(&e, &files, Some(&template.name)));
        }
    }
    if errors.is_empty()
        && let Err(e) = tera.add_raw_templates(
            theme
                .templates
                .values()
                .map(|t| (t.name.as_str(), t.text.as_str())),
        )
    {
        errors.extend(template_errors(&e, &files));
    }
    if errors.is_empty() {
        Ok((tera, files))
    } else {
        Err(errors)
    }
}

/// `asset(path="/style.css")`: `{ url, integrity }` of the fingerprinted copy, so a
/// page links a name that changes with the file and a browser checks its bytes.
fn register_asset(tera: &mut Tera, urls: &Urls, assets: Arc<Assets>) {
    let u = urls.clone();
    tera.register_function(
        "asset",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let path = kwargs.must_get::<&str>("path")?;
            let asset = assets.get(path).ok_or_else(|| {
                tera::Error::message(format!(
                    "asset(): `{path}` is not a stylesheet or script the site publishes (fingerprinted: {})",
                    assets.plain_paths().join(", ")
                ))
            })?;
            let mut map = tera::Map::new();
            map.insert("url".into(), Value::from(u.url(&asset.path)));
            map.insert("integrity".into(), Value::from(asset.integrity.as_str()));
            Ok(Value::from(map))
        },
    );
}

/// The most sizes one `image()` call may ask for: each is a file to make.
const MOST_WIDTHS: usize = 8;
/// The widest size `image()` may ask for (never more than the file's own width anyway).
const WIDEST: u32 = 8192;

/// `image(path="/img/team.jpg", widths=[320, 640])`: the image as an `ImageView` (`src`,
/// `srcset`, `webp_srcset`, `width`, `height`, `sizes`), its sizes published with the
/// page, so a theme shows any site image responsively without writing the markup of
/// `<picture>` by hand for each size.
fn register_image(tera: &mut Tera, images: Option<Arc<ImageFinder>>) {
    tera.register_function(
        "image",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let Some(images) = &images else {
                return Err(tera::Error::message("image() has no site images here"));
            };
            let path = kwargs.must_get::<&str>("path")?;
            let widths = match (kwargs.get::<u32>("width")?, kwargs.get::<Vec<u32>>("widths")?) {
                (Some(_), Some(_)) => {
                    return Err(tera::Error::message(
                        "image(): give `width` (one size) or `widths` (a list), not both",
                    ));
                }
                (Some(width), None) => Some(vec![width]),
                (None, widths) => widths,
            };
            if let Some(widths) = &widths
                && (widths.is_empty()
                    || widths.len() > MOST_WIDTHS
                    || widths.iter().any(|w| !(16..=WIDEST).contains(w)))
            {
                return Err(tera::Error::message(format!(
                    "image(): `widths` must list 1 to {MOST_WIDTHS} widths of 16 to {WIDEST} pixels, not {widths:?}"
                )));
            }
            let view = images
                .for_template(path, widths.as_deref())
                .map_err(tera::Error::message)?;
            if let Some(picture) = &view.picture {
                super::images::note_template_picture(picture).map_err(tera::Error::message)?;
            }
            Ok(Value::from_serializable(&view))
        },
    );
}

/// Registers kudos's functions and filters; again with new lists replaces the old ones.
pub(super) fn register(
    tera: &mut Tera,
    urls: &Urls,
    lists: Arc<Lists>,
    assets: Arc<Assets>,
    strings: Arc<Strings>,
) {
    register_asset(tera, urls, assets);
    register_words(tera, strings);
    let u = urls.clone();
    tera.register_function(
        "url",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kwargs.must_get::<&str>("path")?.to_string();
            let absolute = kwargs.get::<bool>("absolute")?.unwrap_or(false);
            Ok(if absolute {
                u.permalink(&path)
            } else {
                u.url(&path)
            })
        },
    );
    let l = Arc::clone(&lists);
    tera.register_function(
        "posts",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let segment = kwargs.get::<&str>("segment")?;
            let tag = kwargs.get::<&str>("tag")?.map(|t| l.slugs.slugify(t));
            let limit = kwargs.get::<usize>("limit")?.unwrap_or(usize::MAX);
            let posts = l.posts.get().ok_or_else(|| {
                tera::Error::message("posts() is not available inside shortcodes")
            })?;
            let items: Vec<Value> = (0..posts.values.len())
                .filter(|&i| segment.is_none_or(|s| posts.segments[i].iter().any(|x| x == s)))
                .filter(|&i| tag.as_ref().is_none_or(|t| posts.tags[i].contains(t)))
                .take(limit)
                .map(|i| posts.values[i].clone())
                .collect();
            Ok(Value::from(items))
        },
    );
    let l = Arc::clone(&lists);
    tera.register_function(
        "shoutouts",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let query = ShoutoutQuery {
                segment: kwargs.get::<&str>("segment")?,
                tag: kwargs.get::<&str>("tag")?,
                featured: kwargs.get::<bool>("featured")?,
            };
            let limit = kwargs.get::<usize>("limit")?.unwrap_or(usize::MAX);
            let selected = query.select(&l).ok_or_else(|| {
                let s = query.segment.unwrap_or_default();
                tera::Error::message(format!("unknown segment `{s}` in shoutouts()"))
            })?;
            let items: Vec<Value> = selected
                .into_iter()
                .take(limit)
                .map(|i| l.shoutouts[i].clone())
                .collect();
            Ok(Value::from(items))
        },
    );
    let l = Arc::clone(&lists);
    tera.register_function(
        "get_segment",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let slug = kwargs.must_get::<&str>("slug")?;
            l.segments.get(slug).cloned().ok_or_else(|| {
                tera::Error::message(format!("unknown segment `{slug}` in get_segment()"))
            })
        },
    );
    tera.register_filter("reading_time", |words: usize, _: Kwargs, _: &State| {
        reading_minutes(words)
    });
    // JSON Feed and other JSON outputs: any value as JSON text (strings quoted and escaped).
    tera.register_filter(
        "json",
        |value: Value, _: Kwargs, _: &State| -> tera::TeraResult<String> {
            serde_json::to_string(&value).map_err(|e| tera::Error::message(e.to_string()))
        },
    );
}

/// The functions and filters that put words on a page in the site's language: `t()`,
/// `date` and `stars`.
fn register_words(tera: &mut Tera, strings: Arc<Strings>) {
    let s = Arc::clone(&strings);
    tera.register_function(
        "t",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            Ok(Value::safe_string(&escape_words(&translate(&s, &kwargs)?)))
        },
    );
    let s = Arc::clone(&strings);
    tera.register_filter(
        "date",
        move |value: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<String> {
            let date = Date::parse(value).ok_or_else(|| {
                tera::Error::message(format!("date filter: `{value}` is not a date"))
            })?;
            let named = match kwargs.get::<&str>("style")? {
                None | Some("long") => "date_long",
                Some("month") => "date_month",
                Some(other) => {
                    return Err(tera::Error::message(format!(
                        "date filter: unknown style `{other}` (long or month)"
                    )));
                }
            };
            let format = match kwargs.get::<&str>("format")? {
                Some(format) => format.to_string(),
                None => s.say(named, &[]),
            };
            // RFC 822 dates (RSS) must name months in English, whatever the site's language.
            let format = if kwargs.get::<bool>("localize")?.unwrap_or(true) {
                s.date_format(&format, date.month())
            } else {
                format
            };
            date.format(&format).map_err(tera::Error::message)
        },
    );
    tera.register_filter("stars", move |rating: i64, _: Kwargs, _: &State| -> Value {
        stars(&strings, rating)
    });
}

/// `<`, `>`, `&` and `"` escaped: safe in text and in double-quoted attributes (the only
/// kind the theme writes), while an apostrophe stays one in the page's source.
fn escape_words(text: &str) -> String {
    let mut html = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => html.push_str("&lt;"),
            '>' => html.push_str("&gt;"),
            '&' => html.push_str("&amp;"),
            '"' => html.push_str("&quot;"),
            c => html.push(c),
        }
    }
    html
}

/// `t(key="read_all", count=12)`: the sentence `key` of the site's table, its
/// placeholders filled from the other arguments; `count` also chooses the plural form.
fn translate(strings: &Strings, kwargs: &Kwargs) -> tera::TeraResult<String> {
    let key = kwargs.must_get::<&str>("key")?;
    let args: Vec<(String, String)> = kwargs
        .iter()
        .filter(|(name, _)| name.to_string() != "key")
        .map(|(name, value)| {
            let text = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string);
            (name.to_string(), text)
        })
        .collect();
    let args: Vec<(&str, &str)> = args.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
    let said = match kwargs.get::<i64>("count")? {
        Some(count) => strings.plural(key, count, &args),
        None => strings.text(key, &args),
    };
    said.ok_or_else(|| {
        let near = crate::suggest::nearest(key, strings.keys());
        let hint = near
            .map(|k| format!(" (did you mean `{k}`?)"))
            .unwrap_or_default();
        tera::Error::message(format!(
            "t(): no sentence `{key}` in the translations{hint}; add it to i18n/<language>.toml"
        ))
    })
}

/// Accessible stars: the glyphs are decoration, the text says "4 out of 5 stars" in the
/// site's language.
fn stars(strings: &Strings, rating: i64) -> Value {
    let rating = rating.clamp(0, 5) as usize;
    let label = strings.say("stars", &[("rating", &rating.to_string())]);
    let escaped = escape_words(&label);
    let html = format!(
        "<span class=\"stars\" role=\"img\" aria-label=\"{escaped}\"><span aria-hidden=\"true\">{}{}</span></span>",
        "★".repeat(rating),
        "☆".repeat(5 - rating)
    );
    Value::safe_string(&html)
}

/// What every template error's message starts with.
const PREFIX: &str = "template error: ";

/// Whether `error` came from a template (see [`template_error`]).
pub fn is_template_error(error: &SourceError) -> bool {
    error.message.starts_with(PREFIX)
}

/// The errors of loading all templates at once. Tera checks every template's filters,
/// tests and blocks together and joins its reports into one text ("error: Unknown filter
/// ...\n --> page.html:4:23\n ..."); each report becomes its own error at its template's
/// file and line, so nothing is said twice.
fn template_errors(error: &tera::Error, files: &TemplateFiles) -> Vec<SourceError> {
    if let tera::ErrorKind::Msg(text) = error.kind() {
        let reports: Vec<SourceError> = text
            .split("\n\n")
            .filter_map(|report| from_report(report, files))
            .collect();
        if !reports.is_empty() {
            return reports;
        }
    }
    vec![template_error(error, files, None)]
}

/// One of Tera's text reports: "error: MESSAGE" then " --> NAME:LINE:COLUMN".
fn from_report(report: &str, files: &TemplateFiles) -> Option<SourceError> {
    let mut lines = report.lines();
    let message = lines.next()?.trim().strip_prefix("error: ")?;
    let place = lines.next()?.trim().strip_prefix("--> ")?;
    let mut parts = place.rsplitn(3, ':');
    let column: usize = parts.next()?.parse().ok()?;
    let line: usize = parts.next()?.parse().ok()?;
    let name = parts.next()?;
    let mut error = SourceError::new(shown_path(files, name), format!("{PREFIX}{message}"));
    error.position = Some((line, column));
    Some(error)
}

/// The file a template name was read from.
fn shown_path(files: &TemplateFiles, name: &str) -> PathBuf {
    files
        .get(name)
        .cloned()
        .unwrap_or_else(|| PathBuf::from(format!("templates/{name}")))
}

/// A Tera error as a [`SourceError`] naming the template file and line.
pub fn template_error(
    error: &tera::Error,
    files: &TemplateFiles,
    fallback: Option<&str>,
) -> SourceError {
    let report = match error.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    // The template a loop or a missing parent was found in.
    let named = match error.kind() {
        tera::ErrorKind::CircularInclude { tpl, .. }
        | tera::ErrorKind::CircularExtend { tpl, .. } => Some(tpl.clone()),
        tera::ErrorKind::MissingParent { current, .. } => Some(current.clone()),
        _ => None,
    };
    let name = report
        .map(|r| r.filename().to_string())
        .or(named)
        .filter(|n| !n.is_empty())
        .or(fallback.map(str::to_string))
        .unwrap_or_default();
    let shown = shown_path(files, &name);
    let mut message = match report {
        Some(r) => r.message().to_string(),
        None => error.kind().to_string(),
    }
    .trim_start_matches("error: ")
    .to_string();
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        source = inner.source();
    }
    let mut out = SourceError::new(shown, format!("{PREFIX}{message}"));
    if let Some(r) = report {
        out.position = Some((r.span().start_line, r.span().start_col + 1));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn theme_with(name: &str, text: &str) -> Theme {
        let mut theme = Theme::default();
        theme.templates.insert(
            name.into(),
            crate::theme::TemplateSource {
                name: name.into(),
                text: text.into(),
                shown: PathBuf::from(format!("templates/{name}")),
            },
        );
        theme
    }

    fn urls() -> Urls {
        Urls::at(crate::url::BaseUrl::parse("https://example.com/shop").unwrap())
    }

    /// The engine over `theme` under `/shop`, with empty lists, assets and English words.
    fn engine_for(theme: &Theme) -> Result<(Tera, TemplateFiles), Vec<SourceError>> {
        engine(
            theme,
            &urls(),
            Arc::default(),
            Arc::default(),
            Arc::default(),
            None,
        )
    }

    #[test]
    fn a_shoutout_query_selects_by_segment_tag_and_featured_in_order() {
        let lists = Lists {
            shoutouts: vec![Value::none(); 4],
            shoutout_tags: vec![vec!["toys".into()], vec![], vec!["toys".into()], vec![]].into(),
            shoutout_featured: vec![true, false, false, true].into(),
            segment_shoutouts: HashMap::from([("parents".to_string(), vec![3, 2, 0])]).into(),
            ..Lists::default()
        };
        let select = |segment, tag, featured| {
            ShoutoutQuery {
                segment,
                tag,
                featured,
            }
            .select(&lists)
        };
        assert_eq!(select(None, None, None), Some(vec![0, 1, 2, 3]));
        assert_eq!(select(None, Some("Toys"), None), Some(vec![0, 2]));
        assert_eq!(select(None, None, Some(true)), Some(vec![0, 3]));
        assert_eq!(select(Some("parents"), None, None), Some(vec![3, 2, 0]));
        assert_eq!(
            select(Some("parents"), Some("toys"), Some(false)),
            Some(vec![2])
        );
        assert_eq!(select(Some("nobody"), None, None), None);
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let theme = theme_with("page.html", "<p>\n{% if %}\n");
        let errors = engine_for(&theme).err().unwrap();
        assert_eq!(errors[0].path, PathBuf::from("templates/page.html"));
        assert_eq!(errors[0].position.map(|p| p.0), Some(2), "{}", errors[0]);
    }

    #[test]
    fn functions_and_filters() {
        let theme = theme_with(
            "t.html",
            "{{ url(path='/posts/') }} {{ 4 | stars }} {{ '2026-03-14' | date(format='%Y/%m') }} {{ 450 | reading_time }}",
        );
        let (tera, _) = engine_for(&theme).unwrap();
        let out = tera.render("t.html", &tera::Context::new()).unwrap();
        assert!(out.starts_with("/shop/posts/ "), "{out}");
        assert!(out.contains("aria-label=\"4 out of 5 stars\""), "{out}");
        assert!(out.contains("2026/03 3"), "{out}");
    }

    #[test]
    fn undefined_variables_are_errors() {
        let theme = theme_with("t.html", "line one\n{{ nope.title }}");
        let (tera, files) = engine_for(&theme).unwrap();
        let err = tera.render("t.html", &tera::Context::new()).unwrap_err();
        let error = template_error(&err, &files, Some("t.html"));
        assert_eq!(error.path, PathBuf::from("templates/t.html"));
        assert_eq!(error.position.map(|p| p.0), Some(2), "{error}");
    }
}
