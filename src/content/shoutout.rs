//! Customer shout-outs (testimonials), with the honesty fields that decide whether and
//! how a person may appear: consent and its scope, withdrawal, and relationship.

use serde::{Deserialize, Serialize};

use super::{Date, Source};

/// What the customer allowed us to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConsentScope {
    /// Their words.
    Quote,
    /// Their name (and company and role).
    Name,
    /// Their photo (the avatar, and any file used as it).
    Photo,
    /// A share image of the quote: the card social sites show when the shout-out's page
    /// is shared (`render::cards`). The name and photo on it still need their own scopes.
    Social,
}

/// Recorded permission to publish a shout-out.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    /// When it was given.
    pub date: Date,
    /// What it covers.
    #[serde(default = "default_scope")]
    pub scope: Vec<ConsentScope>,
    /// How it was recorded ("email", "form", ...).
    #[serde(default)]
    pub proof: Option<String>,
}

fn default_scope() -> Vec<ConsentScope> {
    vec![ConsentScope::Quote, ConsentScope::Name]
}

/// How the person is related to the business; anything but `Customer` is disclosed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// A paying customer: no disclosure.
    #[default]
    Customer,
    /// Got the product for free.
    FreeProduct,
    /// Works for the business.
    Employee,
    /// Family of the owners.
    Family,
    /// Paid for the review.
    Paid,
    /// Earns a commission.
    Affiliate,
}

/// Front matter of a shout-out; the body is the quote.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShoutoutMeta {
    /// Required: who said it.
    pub customer: String,
    /// Their company.
    #[serde(default)]
    pub company: Option<String>,
    /// Their role.
    #[serde(default)]
    pub role: Option<String>,
    /// Where they are; shown instead of the name when the name is not in scope.
    #[serde(default)]
    pub location: Option<String>,
    /// 1 to 5.
    #[serde(default)]
    pub rating: Option<u8>,
    /// When it was given.
    #[serde(default)]
    pub date: Option<Date>,
    /// Segments whose landing pages show it.
    #[serde(default)]
    pub segments: Vec<String>,
    /// Tags for the wall's filters.
    #[serde(default)]
    pub tags: Vec<String>,
    /// A product it is about (review markup is only emitted for these).
    #[serde(default)]
    pub product: Option<String>,
    /// Photo URL, shown only with "photo" in the consent scope.
    #[serde(default)]
    pub avatar: Option<String>,
    /// A video of the customer (an http(s) link), shown as a plain link with "quote",
    /// "name" and "photo" in scope: a video shows their face and usually says their name.
    #[serde(default)]
    pub video_url: Option<String>,
    /// Where it was originally posted.
    #[serde(default)]
    pub source_url: Option<String>,
    /// What the source is called ("Google review").
    #[serde(default)]
    pub source_name: Option<String>,
    /// Shown first.
    #[serde(default)]
    pub featured: bool,
    /// Left out unless `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Permission to publish.
    #[serde(default)]
    pub consent: Option<Consent>,
    /// Consent withdrawn on this date: removed everywhere.
    #[serde(default)]
    pub withdrawn: Option<Date>,
    /// Relationship to the business.
    #[serde(default)]
    pub relationship: Relationship,
    /// Overrides the disclosure wording.
    #[serde(default)]
    pub disclosure: Option<String>,
    /// Overrides the slug taken from the file name.
    #[serde(default)]
    pub slug: Option<String>,
    /// The part of the quote its share card shows when the whole quote does not fit: an
    /// exact piece of the quote's text, so a card may shorten the customer's words but
    /// never reword them.
    #[serde(default)]
    pub share_excerpt: Option<String>,
    /// Anything, for templates.
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A shout-out as loaded from disk.
#[derive(Debug, Clone)]
pub struct Shoutout {
    /// Where it came from.
    pub source: Source,
    /// Its front matter.
    pub meta: ShoutoutMeta,
    /// From the file name or `slug`: what `shoutout(slug=...)` and `featured_shoutouts`
    /// name. Not necessarily public: see [`Shoutout::public_slug`].
    pub slug: String,
    /// URL path below the base URL. Loading sets `/<wall>/<slug>/`; resolving replaces it
    /// with a neutral one when the name may not be shown.
    pub path: String,
}

impl Shoutout {
    /// The slug in its URL and wall anchor (neutral when the name may not be shown).
    pub fn public_slug(&self) -> &str {
        self.path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or(&self.slug)
    }

    /// Where the quote has an `@/` link, as a byte offset into the file. Quotes are never
    /// interpreted, so such a link would point nowhere: resolving warns about it.
    pub fn internal_link(&self) -> Option<usize> {
        self.source
            .body()
            .find("](@/")
            .map(|at| self.source.body_offset + at + 2)
    }
}

impl ShoutoutMeta {
    /// Published only with consent (when required) that was not withdrawn.
    pub fn has_consent(&self) -> bool {
        self.consent.is_some() && self.withdrawn.is_none()
    }

    /// Whether the consent covers `scope`. Only the visibility decision
    /// (`crate::visibility`) should ask: everything else reads the decision.
    pub fn allows(&self, scope: ConsentScope) -> bool {
        self.consent
            .as_ref()
            .is_some_and(|c| c.scope.contains(&scope))
    }
}

/// Checks a link taken from customer data (`source_url`, `video_url`): only `http://` and `https://`
/// URLs with a host are links; anything else (`javascript:`, `data:`, `//host`, a bare
/// word) could run code or go somewhere unexpected when clicked. `Err` says what was
/// expected.
pub fn check_link(url: &str) -> Result<(), String> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return Err(format!(
            "`{}` is not a web link: expected an http:// or https:// URL",
            shorten(url)
        ));
    };
    if rest.is_empty() || rest.starts_with(['/', '?', '#']) {
        return Err(format!(
            "`{}` has no host: expected an http:// or https:// URL like https://example.com/review",
            shorten(url)
        ));
    }
    if let Some(c) = url.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!(
            "`{}` contains {c:?}: expected a URL without spaces or control characters",
            shorten(url)
        ));
    }
    Ok(())
}

/// Checks an `avatar`: an http(s) link, a site path (`/img/ada.jpg`) or a file beside the
/// shout-out (`ada.jpg`). No other scheme, no `//host`, no `..`, so a photo is either
/// clearly elsewhere or clearly one file of this site.
pub fn check_avatar(value: &str) -> Result<(), String> {
    let first = value.split('/').next().unwrap_or("");
    if first.contains(':') {
        return check_link(value);
    }
    let expected = "expected an http(s) URL, a site path like /img/ada.jpg or a file name beside the shout-out";
    let problem = if value.is_empty() {
        Some("is empty")
    } else if value.starts_with("//") {
        Some("names another host without a scheme")
    } else if value.contains('\\') {
        Some("contains a backslash")
    } else if value.chars().any(char::is_control) {
        Some("contains a control character")
    } else if value.split('/').any(|part| part == "..") {
        Some("climbs out with `..`")
    } else if value.ends_with('/') {
        Some("names a folder, not a file")
    } else {
        None
    };
    match problem {
        Some(why) => Err(format!("`{}` {why}: {expected}", shorten(value))),
        None => Ok(()),
    }
}

/// At most 80 characters of `text`, for messages about a value that may be huge.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_http_links_with_a_host_are_links() {
        for good in [
            "https://example.com/r/1",
            "http://x.org",
            "HTTPS://Example.com",
        ] {
            assert_eq!(check_link(good), Ok(()), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,<script>",
            "//evil.example/x",
            "https://",
            "https:///path",
            "www.example.com",
            "https://exa mple.com",
            "vbscript:x",
        ] {
            assert!(check_link(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn avatars_are_links_site_paths_or_files() {
        for good in [
            "/img/ada.jpg",
            "ada.jpg",
            "photos/ada.png",
            "https://cdn.example/a.jpg",
        ] {
            assert_eq!(check_avatar(good), Ok(()), "{good}");
        }
        for bad in [
            "javascript:alert(1)",
            "data:image/png;base64,AAAA",
            "//evil.example/a.jpg",
            "../secret.jpg",
            "/img/../../x.jpg",
            "img\\a.jpg",
            "",
            "/img/",
        ] {
            assert!(check_avatar(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn long_values_are_shortened_in_messages() {
        let long = format!("javascript:{}", "a".repeat(10_000));
        let message = check_link(&long).unwrap_err();
        assert!(message.len() < 200, "{message}");
    }
}
