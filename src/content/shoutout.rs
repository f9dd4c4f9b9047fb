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
    /// Their photo.
    Photo,
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
    /// Last URL segment, also the card's anchor on the wall.
    pub slug: String,
    /// URL path below the base URL.
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

    /// Whether the consent covers `scope`.
    pub fn allows(&self, scope: ConsentScope) -> bool {
        self.consent
            .as_ref()
            .is_some_and(|c| c.scope.contains(&scope))
    }
}
