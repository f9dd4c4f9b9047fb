//! `kudos.toml`: the site's settings, with defaults for everything but the title.
//!
//! Every table denies unknown keys, so a typo (`paginte = 5`) is an error that names the
//! key, its line, and the nearest known key, instead of a setting silently ignored.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result, SourceError};
use crate::images::fonts::CardFonts;
use crate::slug::SlugStyle;
use crate::suggest::unknown_field_help;
use crate::url::BaseUrl;

/// The whole of `kudos.toml`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Site title, shown in every page's `<title>` and the feed.
    pub title: String,
    /// Where the site is published, possibly with a sub-path; every link honours it.
    pub base_url: BaseUrl,
    /// Default meta description.
    pub description: String,
    /// The `lang` of every page.
    pub language: String,
    /// Theme name; `kudos` is embedded in the binary.
    pub theme: String,
    /// `[build]`
    pub build: BuildConfig,
    /// `[markdown]`
    pub markdown: MarkdownConfig,
    /// `[feeds]`
    pub feeds: FeedsConfig,
    /// `[shoutouts]`
    pub shoutouts: ShoutoutsConfig,
    /// `[segments]`
    pub segments: SegmentsConfig,
    /// `[posts]`
    pub posts: PostsConfig,
    /// `[related]`
    pub related: RelatedConfig,
    /// `[search]`
    pub search: SearchConfig,
    /// `[deploy]`
    pub deploy: DeployConfig,
    /// `[images]`
    pub images: ImagesConfig,
    /// `[cards]`
    pub cards: CardsConfig,
    /// `[[menu.main]]`
    pub menu: MenuConfig,
    /// `[check]`
    pub check: CheckConfig,
    /// Anything the user wants in templates, as `config.extra`.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The file this was read from, so a problem found later (an unknown highlight theme,
    /// found when the CSS is made) can still point at its line. Not a setting.
    #[serde(skip)]
    pub file: ConfigFile,
    /// The fonts share cards are drawn with: the embedded ones and `[cards] fonts`, read
    /// by [`Config::load_card_fonts`] (the embedded ones only until then). Not a setting.
    #[serde(skip)]
    pub card_fonts: CardFonts,
}

/// The text of `kudos.toml` and the name errors call it by.
#[derive(Debug, Clone, Default)]
pub struct ConfigFile {
    /// As shown in messages (relative to the site root where possible).
    pub shown: PathBuf,
    /// The whole file.
    pub text: Arc<str>,
}

/// `[build]`: where output goes and how listings are cut.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BuildConfig {
    /// Output folder, relative to the site root.
    pub output_dir: String,
    /// Publish drafts and future-dated posts.
    pub drafts: bool,
    /// Posts per listing page.
    pub paginate: usize,
    /// Strip indentation and blank lines from HTML pages (never inside `<pre>`).
    pub minify: bool,
    /// Slugs in ASCII only (`日本語` -> `ri-ben-yu`) instead of keeping every script's
    /// letters; see [`crate::slug`].
    pub transliterate_slugs: bool,
    /// Publish stylesheets and scripts also under content-hashed names and link those
    /// with Subresource Integrity (see `render::Assets`). `serve` turns it off, so an
    /// edited stylesheet can be swapped into the open page without a reload.
    pub fingerprint_assets: bool,
    /// With `--drafts`, list drafts and future-dated items in feeds and the sitemap too.
    pub drafts_in_feeds: bool,
}

impl BuildConfig {
    /// How this site turns names into slugs.
    pub fn slug_style(&self) -> SlugStyle {
        if self.transliterate_slugs {
            SlugStyle::Transliterate
        } else {
            SlugStyle::KeepLetters
        }
    }
}

/// `[markdown]`: how bodies are turned into HTML.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    /// syntect theme for light mode.
    pub highlight_theme: String,
    /// syntect theme for `prefers-color-scheme: dark`.
    pub highlight_theme_dark: String,
    /// Curly quotes, dashes and ellipses.
    pub smart_punctuation: bool,
    /// A `#` link beside every heading.
    pub heading_anchors: bool,
}

/// `[feeds]`: which feeds are written. Feed readers differ in what they take, and a
/// reader who follows one tag or one segment wants only that, so each can be switched.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FeedsConfig {
    /// Write `/atom.xml` (posts) and the wall's `atom.xml` (shout-outs).
    pub atom: bool,
    /// Write `/rss.xml` (posts, RSS 2.0).
    pub rss: bool,
    /// Write `/feed.json` (posts, JSON Feed 1.1).
    pub json: bool,
    /// Write an Atom feed per tag: `/tags/<tag>/atom.xml`.
    pub tags: bool,
    /// Write an Atom feed per segment: `/for/<segment>/atom.xml`.
    pub segments: bool,
    /// How many entries a feed holds.
    pub limit: usize,
}

/// `[posts]`: the blog. A shop that only wants a wall and landing pages switches it off.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PostsConfig {
    /// Publish posts, `/posts/`, tags and the posts feeds.
    pub enabled: bool,
}

impl Default for PostsConfig {
    fn default() -> Self {
        PostsConfig { enabled: true }
    }
}

/// `[related]`: the posts each post suggests next.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RelatedConfig {
    /// Related posts per post; 0 switches them off.
    pub limit: usize,
}

impl Default for RelatedConfig {
    fn default() -> Self {
        RelatedConfig { limit: 3 }
    }
}

/// `[search]`: the site's own search (a Pagefind index of the published pages) and which
/// kinds of page it finds. The default theme marks a page for the index only when its
/// kind is switched on here.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// Write the index and the `/search/` page (off unless asked for).
    pub enabled: bool,
    /// Index posts.
    pub posts: bool,
    /// Index plain pages (`content/about.md`).
    pub pages: bool,
    /// Index shout-out pages (each as its consent shows it).
    pub shoutouts: bool,
    /// Index segment landing pages.
    pub segments: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            // Opt-in: at 10k pages Pagefind's indexing costs several times the rest of the
            // build (docs/performance.md), and a blog that does not want search should not
            // pay for it.
            enabled: false,
            posts: true,
            pages: true,
            shoutouts: true,
            segments: true,
        }
    }
}

/// `[menu]`: the site's own header menu instead of the theme's list of every page.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct MenuConfig {
    /// `[[menu.main]]` entries, shown by weight.
    pub main: Vec<MenuItem>,
}

/// One `[[menu.main]]` entry.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub struct MenuItem {
    /// The link text.
    pub name: String,
    /// A site path (`/shoutouts/`), an `@/` link (`@/about.md`) or an http(s) URL.
    pub url: String,
    /// Lower first; equal weights keep the file's order.
    #[serde(default)]
    pub weight: i64,
}

/// `[images]`: the sizes and formats local images are published in.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct ImagesConfig {
    /// Widths in pixels each image is offered in (never wider than the image itself).
    pub widths: Vec<u32>,
    /// Encoder quality, 1-100, for WebP and JPEG.
    pub quality: u8,
    /// Offer WebP beside the fallback format.
    pub webp: bool,
    /// The `sizes` attribute of images in bodies: how wide they are shown.
    pub sizes: String,
}

impl Default for ImagesConfig {
    fn default() -> Self {
        ImagesConfig {
            widths: vec![480, 960, 1600],
            quality: 80,
            webp: true,
            // The theme's text column is 46rem wide less 2.5rem of padding.
            sizes: "(min-width: 46rem) 43.5rem, calc(100vw - 2.5rem)".into(),
        }
    }
}

/// `[check]`: how `kudos check --external` checks outside links.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct CheckConfig {
    /// Regular expressions; a URL any of them matches (anywhere in it) is never requested.
    pub skip: Vec<String>,
    /// Seconds one request may take, answer included.
    pub timeout: u64,
    /// Hours a link found working is not asked again; 0 asks every time.
    pub cache_hours: u64,
}

impl Default for CheckConfig {
    fn default() -> Self {
        CheckConfig {
            skip: Vec::new(),
            timeout: 10,
            cache_hours: 24,
        }
    }
}

/// `[cards]`: the 1200 × 630 share images (`og:image`) made for pages, by kind, and the
/// colours they are drawn in. Pages without a card of their own (and shout-outs whose
/// consent does not cover "social") share the site's card.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields, default)]
pub struct CardsConfig {
    /// A card per post (unless the post sets its own `image`).
    pub posts: bool,
    /// A card per segment page (unless the segment has a `hero`).
    pub segments: bool,
    /// A quote card per shout-out whose consent covers "social".
    pub shoutouts: bool,
    /// The site's card, for every other page.
    pub site: bool,
    /// Background, as `#rrggbb` or `#rgb`.
    pub background: String,
    /// Text.
    pub text: String,
    /// The accent: the bar, the quote mark and the site's name.
    pub accent: String,
    /// Secondary text: descriptions, the customer's name.
    pub muted: String,
    /// The site's own font files (TTF, OTF or TTC), relative to the site root, for text
    /// the embedded fonts cannot draw (CJK, Devanagari, ...): read at build time and
    /// tried after the embedded fonts, character by character.
    pub fonts: Vec<String>,
}

impl Default for CardsConfig {
    fn default() -> Self {
        // The default theme's light colours (themes/kudos/static/style.css).
        CardsConfig {
            posts: true,
            segments: true,
            shoutouts: true,
            site: true,
            background: "#fdfcf9".into(),
            text: "#1f1d1a".into(),
            accent: "#2f6b4f".into(),
            muted: "#5d5750".into(),
            fonts: Vec::new(),
        }
    }
}

impl CheckConfig {
    /// The `skip` patterns as one set, or the first one that is not a regular expression
    /// with why (what `regex` says).
    pub fn skip_set(&self) -> std::result::Result<regex::RegexSet, (String, String)> {
        if let Some((pattern, e)) = self
            .skip
            .iter()
            .find_map(|p| regex::Regex::new(p).err().map(|e| (p, e)))
        {
            return Err((pattern.clone(), e.to_string()));
        }
        regex::RegexSet::new(&self.skip).map_err(|e| (self.skip.join(", "), e.to_string()))
    }
}

/// `[deploy]`: where the site is published, so the build writes that host's own files.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeployConfig {
    /// The static host.
    pub host: Host,
}

/// A static host whose files kudos knows how to write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Host {
    /// No host files.
    #[default]
    None,
    /// Netlify: `_redirects` with a 301 per alias.
    Netlify,
    /// Cloudflare Pages: the same `_redirects` format.
    Cloudflare,
    /// GitHub Pages: `.nojekyll`, so folders starting with `_` are served.
    Github,
    /// S3 and plain web servers: nothing extra; aliases stay HTML redirect pages.
    S3,
}

/// `[shoutouts]`: the wall and the honesty rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ShoutoutsConfig {
    /// Without consent a shout-out is published nowhere.
    pub require_consent: bool,
    /// URL path of the wall.
    pub wall_path: String,
    /// `kudos check` calls older shout-outs stale.
    pub stale_after_months: u32,
    /// Cards per page of the wall.
    pub per_page: usize,
    /// Publish `/shoutouts/how-we-collect/`: how shout-outs are collected, checked and
    /// withdrawn, as the FTC's 16 CFR 465 and the EU Omnibus Directive expect a business
    /// to say.
    pub policy: bool,
    /// Where a customer asks to withdraw consent: an email address, a `mailto:` or an
    /// http(s) URL (shown on the policy page).
    pub contact: String,
    /// How shout-outs are collected, in the site's own words (else the theme's sentence).
    pub collection: String,
    /// How they are checked, in the site's own words (else the theme's sentence).
    pub verification: String,
    /// Publish `/shoutouts/embed/` and `/for/<segment>/embed/`: the wall as a page to put
    /// in an `<iframe>` on another site, with no script.
    pub embed: bool,
}

/// `[segments]`: segment landing pages.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SegmentsConfig {
    /// URL path under which segment pages live: `/for/<segment>/`.
    pub path: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: String::new(),
            base_url: BaseUrl::root(),
            description: String::new(),
            language: "en".into(),
            theme: "kudos".into(),
            build: BuildConfig::default(),
            markdown: MarkdownConfig::default(),
            feeds: FeedsConfig::default(),
            shoutouts: ShoutoutsConfig::default(),
            segments: SegmentsConfig::default(),
            posts: PostsConfig::default(),
            related: RelatedConfig::default(),
            search: SearchConfig::default(),
            deploy: DeployConfig::default(),
            images: ImagesConfig::default(),
            cards: CardsConfig::default(),
            menu: MenuConfig::default(),
            check: CheckConfig::default(),
            extra: serde_json::Map::new(),
            file: ConfigFile::default(),
            card_fonts: CardFonts::default(),
        }
    }
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            output_dir: "public".into(),
            drafts: false,
            paginate: 10,
            minify: false,
            transliterate_slugs: false,
            fingerprint_assets: true,
            drafts_in_feeds: false,
        }
    }
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            highlight_theme: "Coldark-Cold".into(),
            highlight_theme_dark: "Coldark-Dark".into(),
            smart_punctuation: true,
            heading_anchors: true,
        }
    }
}

impl Default for FeedsConfig {
    fn default() -> Self {
        FeedsConfig {
            atom: true,
            rss: true,
            json: true,
            tags: true,
            segments: true,
            limit: 20,
        }
    }
}

/// Why `[shoutouts] contact` (where customers withdraw consent, linked from the policy
/// page) is not an email address, a `mailto:` link or an http(s) URL; `None` when it is
/// one, or empty.
fn contact_problem(contact: &str) -> Option<&'static str> {
    let contact = contact.trim();
    let web = ["https://", "http://"].iter().any(|scheme| {
        contact
            .strip_prefix(scheme)
            .is_some_and(|rest| !rest.is_empty())
    });
    let address = contact.strip_prefix("mailto:").unwrap_or(contact);
    let email = address.split_once('@').is_some_and(|(user, host)| {
        !user.is_empty() && host.contains('.') && !host.contains(['@', ' ', '<', '>', '"'])
    });
    let ok = contact.is_empty() || web || (email && !address.contains(':'));
    (!ok).then_some("must be an email address, a mailto: link or an http(s) URL")
}

impl Default for ShoutoutsConfig {
    fn default() -> Self {
        ShoutoutsConfig {
            require_consent: true,
            wall_path: "shoutouts".into(),
            stale_after_months: 24,
            per_page: 30,
            policy: true,
            contact: String::new(),
            collection: String::new(),
            verification: String::new(),
            embed: true,
        }
    }
}

impl Default for SegmentsConfig {
    fn default() -> Self {
        SegmentsConfig { path: "for".into() }
    }
}

impl Config {
    /// A hash of every setting: caches kept between rebuilds compare it to know whether
    /// the config changed.
    pub fn fingerprint(&self) -> u64 {
        crate::fingerprint::fingerprint(&(
            serde_json::to_string(self).unwrap_or_default(),
            // A font file changed under the same name draws other cards.
            self.card_fonts.fingerprint(),
        ))
    }

    /// Reads the font files `[cards] fonts` names (relative to `root`, the site root)
    /// into [`Config::card_fonts`]. A file that cannot be read or is not a font is an
    /// error at the key.
    pub fn load_card_fonts(&mut self, root: &Path) -> Result<()> {
        let names = &self.cards.fonts;
        let paths: Vec<PathBuf> = names.iter().map(|name| root.join(name)).collect();
        let error = match crate::images::fonts::read_files(names, &paths) {
            Ok(fonts) => {
                self.card_fonts = fonts;
                return Ok(());
            }
            Err(error) => error,
        };
        Err(self
            .error_at_key(
                Some("cards"),
                "fonts",
                format!(
                    "`[cards] fonts`: cannot use `{}`: {}",
                    error.file, error.why
                ),
            )
            .with_help(error.help)
            .into())
    }

    /// Reads and validates the config file at `path`; `shown_as` is the name used in errors.
    pub fn load(path: &Path, shown_as: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(shown_as, e))?;
        Config::parse(&text, shown_as)
    }

    /// Parses config text; errors point into it.
    pub fn parse(text: &str, shown_as: &Path) -> Result<Config> {
        let source: Arc<str> = Arc::from(text);
        let mut config: Config =
            toml::from_str(text).map_err(|e| parse_error(&e, shown_as, &source))?;
        config.file = ConfigFile {
            shown: shown_as.to_path_buf(),
            text: Arc::clone(&source),
        };
        config.validate(shown_as, &source)?;
        Ok(config)
    }

    /// An error at `key` of `[table]` (`None`: the top level), for problems found after
    /// parsing; without the file's text (a config made in code) it names the file only.
    pub fn error_at_key(
        &self,
        table: Option<&str>,
        key: &str,
        message: impl Into<String>,
    ) -> SourceError {
        let shown = if self.file.shown.as_os_str().is_empty() {
            Path::new("kudos.toml")
        } else {
            self.file.shown.as_path()
        };
        match key_offset_in(&self.file.text, table, key) {
            Some(at) => SourceError::at(shown, &self.file.text, at..at + key.len(), message),
            None => SourceError::new(shown, message),
        }
    }

    fn validate(&mut self, shown_as: &Path, source: &Arc<str>) -> Result<()> {
        let at_key = |key: &str, message: String| {
            let offset = key_offset(source, key);
            SourceError::at(shown_as, source, offset..offset + key.len(), message)
        };
        let mut errors = Vec::new();
        if self.build.paginate == 0 {
            errors.push(at_key("paginate", "`paginate` must be at least 1".into()));
        }
        if self.shoutouts.per_page == 0 {
            errors.push(at_key("per_page", "`per_page` must be at least 1".into()));
        }
        if let Some(why) = contact_problem(&self.shoutouts.contact) {
            errors.push(at_key("contact", format!("`[shoutouts] contact` {why}")));
        }
        let url_paths = [
            (
                "[shoutouts] wall_path",
                "wall_path",
                &self.shoutouts.wall_path,
            ),
            ("[segments] path", "path", &self.segments.path),
        ];
        for (name, key, value) in url_paths {
            if let Some(why) = url_path_problem(value) {
                errors.push(
                    at_key(
                        key,
                        format!("`{name}` = \"{value}\" is not a URL path below the site: {why}"),
                    )
                    .with_help("use plain path segments, like \"shoutouts\" or \"customers/love\""),
                );
            }
        }
        self.shoutouts.wall_path = self.shoutouts.wall_path.trim_matches('/').to_string();
        self.segments.path = self.segments.path.trim_matches('/').to_string();
        errors.extend(
            self.images_problem()
                .map(|(key, message)| at_key(key, message)),
        );
        errors.extend(
            self.cards_problem()
                .map(|(key, message)| at_key(key, message)),
        );
        if let Some(why) = output_dir_problem(&self.build.output_dir) {
            errors.push(at_key("output_dir", format!("`[build] output_dir` {why}")));
        }
        errors.extend(self.check_problem().map(|(key, message, help)| {
            let offset = key_offset_in(source, Some("check"), key).unwrap_or(0);
            SourceError::at(shown_as, source, offset..offset + key.len(), message).with_help(help)
        }));
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::Content(errors))
        }
    }
}

impl Config {
    /// What is wrong with `[check]`: (key, message, help).
    fn check_problem(&self) -> Option<(&'static str, String, String)> {
        if self.check.timeout == 0 {
            return Some((
                "timeout",
                "`[check] timeout` is 0: a request needs at least 1 second".into(),
                "the default is 10 seconds".into(),
            ));
        }
        let (pattern, why) = self.check.skip_set().err()?;
        Some((
            "skip",
            format!("`[check] skip` has `{pattern}`, which is not a regular expression: {why}"),
            r#"a pattern is searched for anywhere in the URL: "twitter\.com", "^https://example\.com/private/", ".*\.pdf$""#.into(),
        ))
    }

    /// What is wrong with `[images]`: (key, message).
    fn images_problem(&self) -> Option<(&'static str, String)> {
        let images = &self.images;
        if images.widths.is_empty() {
            return Some((
                "widths",
                "`[images] widths` needs at least one width".into(),
            ));
        }
        if let Some(bad) = images.widths.iter().find(|w| !(16..=8192).contains(*w)) {
            return Some((
                "widths",
                format!("`[images] widths` has {bad}: each width must be 16 to 8192 pixels"),
            ));
        }
        if !(1..=100).contains(&images.quality) {
            return Some((
                "quality",
                format!(
                    "`[images] quality` is {}: it must be 1 to 100",
                    images.quality
                ),
            ));
        }
        None
    }
}

impl Config {
    /// What is wrong with `[cards]`: a colour that is not `#rgb` or `#rrggbb`.
    fn cards_problem(&self) -> Option<(&'static str, String)> {
        let cards = &self.cards;
        let colours = [
            ("background", &cards.background),
            ("text", &cards.text),
            ("accent", &cards.accent),
            ("muted", &cards.muted),
        ];
        let (key, value) = colours.into_iter().find(|(_, v)| !is_hex_colour(v))?;
        Some((
            key,
            format!(
                "`[cards] {key}` is \"{value}\": expected a colour like \"#2f6b4f\" or \"#fff\""
            ),
        ))
    }
}

/// `#rgb` or `#rrggbb`: what an SVG attribute takes, and nothing that could close it.
fn is_hex_colour(value: &str) -> bool {
    value
        .strip_prefix('#')
        .is_some_and(|hex| matches!(hex.len(), 3 | 6) && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// A TOML parse error with its place, and with the table an unknown key was found in:
/// a key added at the end of the file lands in the last table, which the user may not
/// have meant.
fn parse_error(e: &toml::de::Error, shown_as: &Path, source: &Arc<str>) -> Error {
    let range = e.span().unwrap_or(0..0);
    let mut message = e.message().trim().to_string();
    let mut help = unknown_field_help(&message);
    if message.starts_with("unknown field `")
        && let Some(table) = table_at(source, range.start)
    {
        let key = message.split('`').nth(1).unwrap_or_default().to_string();
        message = format!("in `[{table}]`: {message}");
        if TOP_LEVEL_KEYS.contains(&key.as_str()) {
            help = Some(format!(
                "`{key}` is a top-level key, but every key after a `[table]` line belongs to that table: move it above the first `[...]` line"
            ));
        }
    }
    let mut error = SourceError::at(shown_as, source, range, message);
    if let Some(help) = help {
        error = error.with_help(help);
    }
    Error::from(error)
}

/// Keys of [`Config`] itself (not of one of its tables).
const TOP_LEVEL_KEYS: [&str; 5] = ["title", "base_url", "description", "language", "theme"];

/// The `[table]` (or `[[table]]`) header that `offset` falls under, if any.
fn table_at(source: &str, offset: usize) -> Option<&str> {
    let before = source.get(..offset)?;
    before
        .lines()
        .rev()
        .find_map(table_header)
        .filter(|name| !name.is_empty())
}

/// `[name]` -> `name`, for a table header line.
fn table_header(line: &str) -> Option<&str> {
    let line = line.trim();
    let inner = line.strip_prefix('[')?;
    let end = inner.find(']')?;
    Some(inner[..end].trim_matches(['[', ' ']).trim())
}

/// Where `key` is set inside `[table]` (`None`: before any table), if it is.
fn key_offset_in(source: &str, table: Option<&str>, key: &str) -> Option<usize> {
    let mut offset = 0;
    let mut current: Option<&str> = None;
    for line in source.split_inclusive('\n') {
        if let Some(header) = table_header(line) {
            current = Some(header);
        } else if current == table {
            let trimmed = line.trim_start();
            let rest = trimmed.strip_prefix(key).unwrap_or("x");
            if rest.starts_with([' ', '\t', '=']) {
                return Some(offset + (line.len() - trimmed.len()));
            }
        }
        offset += line.len();
    }
    None
}

/// Where `key` is set: the first line that starts with it (so `path` does not find
/// `wall_path`), or the start of the file.
fn key_offset(source: &str, key: &str) -> usize {
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let rest = trimmed.strip_prefix(key).unwrap_or("x");
        if rest.starts_with([' ', '\t', '=']) {
            return offset + (line.len() - trimmed.len());
        }
        offset += line.len();
    }
    0
}

/// Why `path` (without its surrounding slashes) cannot be a URL path below the site:
/// every segment must be a plain name, so the path can neither climb out of the output
/// folder (`..`) nor name another page (`.`, `//`) nor be a URL elsewhere. The same
/// rule serves `wall_path`, `[segments] path` and aliases.
pub fn url_path_problem(path: &str) -> Option<&'static str> {
    if path.trim_matches('/').is_empty() {
        return Some("it is empty");
    }
    if path.contains("://") || path.starts_with("//") {
        return Some("it is an absolute URL, not a path on this site");
    }
    if path.contains('\\') {
        return Some("it contains a backslash");
    }
    if path.contains(['?', '#']) {
        return Some("it contains `?` or `#`, which a path of a static file cannot have");
    }
    if path.chars().any(char::is_control) {
        return Some("it contains a control character");
    }
    path.trim_matches('/')
        .split('/')
        .find_map(|segment| match segment {
            "" => Some("it has an empty segment (`//`)"),
            "." | ".." => Some("it has a `.` or `..` segment: write the path it leads to instead"),
            _ => None,
        })
}

/// What is wrong with an `output_dir` before the file system is asked (that part is
/// [`crate::output::Target::check`]'s).
fn output_dir_problem(dir: &str) -> Option<&'static str> {
    if dir.trim().is_empty() {
        Some("is empty: it would be the site's own folder; the default is \"public\"")
    } else if dir.chars().any(char::is_control) {
        Some("contains a control character")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config> {
        Config::parse(text, Path::new("kudos.toml"))
    }

    #[test]
    fn defaults_fill_what_is_missing() {
        let config = parse("title = \"Shop\"").unwrap();
        assert_eq!(config.build.output_dir, "public");
        assert_eq!(config.segments.path, "for");
        assert!(config.shoutouts.require_consent);
    }

    #[test]
    fn a_base_url_is_checked_where_it_is_written() {
        let config = parse("base_url = \"https://example.com/shop/\"").unwrap();
        assert_eq!(config.base_url.path(), "/shop");
        let error = config_error("title = \"x\"\nbase_url = \"example.com\"\n");
        assert!(
            error.starts_with("kudos.toml:2:12: `base_url` must start with"),
            "{error}"
        );
    }

    fn config_error(text: &str) -> String {
        match parse(text) {
            Err(Error::Content(errors)) => errors[0].to_string(),
            other => panic!("{text:?} was accepted: {other:?}"),
        }
    }

    #[test]
    fn url_paths_that_climb_out_or_leave_the_site_are_refused() {
        let error = config_error("title = \"x\"\n[shoutouts]\nwall_path = \"../../x\"\n");
        assert!(
            error.starts_with("kudos.toml:3:1: `[shoutouts] wall_path` = \"../../x\""),
            "{error}"
        );
        let error =
            config_error("[shoutouts]\nwall_path = \"love\"\n[segments]\npath = \"a/./b\"\n");
        assert!(
            error.starts_with("kudos.toml:4:1: `[segments] path`"),
            "{error}"
        );
        for bad in [
            "https://evil.example/x",
            "//host/y",
            "a\\b",
            "",
            "/",
            "a//b",
            "x?y",
        ] {
            assert!(url_path_problem(bad).is_some(), "{bad:?} was accepted");
        }
        assert!(url_path_problem("customers/love").is_none());
        assert!(
            url_path_problem("/shoutouts/").is_none(),
            "surrounding slashes are fine"
        );
    }

    #[test]
    fn an_empty_output_dir_is_refused() {
        let error = config_error("[build]\noutput_dir = \"\"\n");
        assert!(
            error.starts_with("kudos.toml:2:1: `[build] output_dir` is empty"),
            "{error}"
        );
    }

    #[test]
    fn check_settings_have_defaults_and_are_checked_where_written() {
        let config = parse("title = \"x\"").unwrap();
        assert_eq!(config.check, CheckConfig::default());
        assert_eq!((config.check.timeout, config.check.cache_hours), (10, 24));
        let config = parse("[check]\nskip = [\"^https://a\\\\.example/\"]\ntimeout = 2\n").unwrap();
        assert!(
            config
                .check
                .skip_set()
                .unwrap()
                .is_match("https://a.example/x")
        );
        let error = config_error("title = \"x\"\n[check]\nskip = [\"ok\", \"*.example.com\"]\n");
        assert!(
            error.starts_with("kudos.toml:3:1: `[check] skip` has `*.example.com`, which is not a regular expression"),
            "{error}"
        );
        let error = config_error("[check]\ntimeout = 0\n");
        assert!(
            error.starts_with("kudos.toml:2:1: `[check] timeout` is 0"),
            "{error}"
        );
        let Err(Error::Content(errors)) = parse("[check]\nskipp = []\n") else {
            panic!("an unknown key is an error");
        };
        assert_eq!(errors[0].help.as_deref(), Some("did you mean `skip`?"));
    }

    #[test]
    fn unknown_key_names_line_and_suggests() {
        let Err(Error::Content(errors)) = parse("title = \"x\"\n[build]\npaginte = 3\n") else {
            panic!("expected an error");
        };
        let text = errors[0].to_string();
        assert!(text.starts_with("kudos.toml:3:1:"), "{text}");
        assert!(text.contains("paginte"), "{text}");
        assert_eq!(errors[0].help.as_deref(), Some("did you mean `paginate`?"));
    }
}
