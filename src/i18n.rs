//! The words of the site in the reader's language: every sentence the default theme and
//! kudos itself put on a page (headings, rating sentences, disclosures, "A customer in
//! Leeds", month names), from a table chosen by `language` in `kudos.toml`.
//!
//! Built-in tables (`src/i18n/<code>.toml`: en, de, fr, es, nl, pt) are layered: English,
//! then the language's own, then the site's `i18n/<language>.toml`, where any key may be
//! replaced and a theme author may add keys of their own. A key the chosen language lacks
//! falls back to English with a warning naming it, so a page never shows a key name.
//!
//! A leaf module: loading reads the override file, resolving and rendering look words up.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::config::Config;
use crate::error::SourceError;

/// The folder of the site's own tables, relative to the site root.
pub const I18N_DIR: &str = "i18n";

/// The built-in tables, by language code.
const BUILT_IN: [(&str, &str); 6] = [
    ("en", include_str!("i18n/en.toml")),
    ("de", include_str!("i18n/de.toml")),
    ("fr", include_str!("i18n/fr.toml")),
    ("es", include_str!("i18n/es.toml")),
    ("nl", include_str!("i18n/nl.toml")),
    ("pt", include_str!("i18n/pt.toml")),
];

/// One entry of a table: a sentence, its singular and plural forms, or a list (month
/// names).
#[derive(Debug, Clone, PartialEq, Deserialize, Hash)]
#[serde(untagged)]
pub enum Entry {
    /// A sentence with `{name}` placeholders.
    Text(String),
    /// Forms chosen by a count: `one` for the singular, `other` for the rest.
    Plural {
        /// The singular ("1 post").
        one: String,
        /// Every other count ("2 posts").
        other: String,
    },
    /// A list of words: `months` has twelve.
    List(Vec<String>),
}

/// The site's words: English overlaid with its language and its own table.
#[derive(Debug, Clone, Hash)]
pub struct Strings {
    /// The language code the plural rule follows (`de`, `pt`...).
    language: String,
    table: BTreeMap<String, Entry>,
}

/// What [`Strings::load`] found wrong: errors stop the build, warnings are shown.
#[derive(Debug, Default)]
pub struct Problems {
    /// A table that does not parse, or an entry of the wrong shape.
    pub errors: Vec<SourceError>,
    /// Keys that fell back to English.
    pub warnings: Vec<SourceError>,
}

impl Default for Strings {
    fn default() -> Self {
        Strings {
            language: "en".into(),
            table: english(),
        }
    }
}

impl Strings {
    /// The words for `language` (a code like `de` or `pt-BR`), with the site's own
    /// `i18n/<language>.toml` (or `i18n/<primary code>.toml`) below `root` over them.
    pub fn load(root: &Path, config: &Config) -> (Strings, Problems) {
        let language = config.language.as_str();
        let mut problems = Problems::default();
        let mut strings = Strings {
            language: primary(language).to_string(),
            table: english(),
        };
        let built_in = built_in(language);
        if let Some((_, text)) = built_in {
            strings
                .table
                .extend(parse_table(text, Path::new("built-in")).unwrap_or_default());
        }
        let own = own_table(root, language);
        if let Some((shown, text)) = &own {
            match parse_table(text, shown) {
                Ok(table) => strings.table.extend(table),
                Err(e) => problems.errors.push(e),
            }
        }
        if built_in.is_none() && primary(language) != "en" {
            problems.warnings.extend(
                strings.missing_keys(own.as_ref().map(|(shown, _)| shown.as_path()), config),
            );
        }
        problems.errors.extend(strings.wrong_shapes(own.as_ref()));
        (strings, problems)
    }

    /// One warning naming the English keys no table of the language gives.
    fn missing_keys(&self, own: Option<&Path>, config: &Config) -> Option<SourceError> {
        let own_keys: Vec<&String> = match own {
            Some(_) => self
                .table
                .iter()
                .filter(|(key, entry)| english().get(*key) == Some(*entry))
                .map(|(key, _)| key)
                .collect(),
            None => self.table.keys().collect(),
        };
        if own_keys.is_empty() {
            return None;
        }
        let codes: Vec<&str> = BUILT_IN.iter().map(|(code, _)| *code).collect();
        let file = format!("{I18N_DIR}/{}.toml", self.language);
        let warning = match own {
            Some(path) => SourceError::new(
                path,
                format!(
                    "{} has no translation for {} of the theme's strings, so they are in English: {}",
                    path.display(),
                    own_keys.len(),
                    join_keys(&own_keys)
                ),
            ),
            None => config.error_at_key(
                None,
                "language",
                format!(
                    "kudos has no built-in translation for language `{}` (built in: {}), so the theme's {} strings are in English",
                    self.language,
                    codes.join(", "),
                    own_keys.len()
                ),
            ),
        };
        Some(warning.with_help(format!(
            "translate them in {file}, with the keys of kudos's built-in English table (see docs/themes.md, \"Languages\")"
        )))
    }

    /// An entry of the site's table whose shape differs from the English one (a plain
    /// sentence where a count chooses the form) would fail at render time: say so now.
    fn wrong_shapes(&self, own: Option<&(PathBuf, Arc<str>)>) -> Vec<SourceError> {
        let Some((shown, text)) = own else {
            return Vec::new();
        };
        let english = english();
        let shape = |e: &Entry| match e {
            Entry::Text(_) => "a sentence",
            Entry::Plural { .. } => "a table with `one` and `other`",
            Entry::List(_) => "a list",
        };
        let mut errors: Vec<SourceError> = self
            .table
            .iter()
            .filter_map(|(key, entry)| {
                let expected = english.get(key)?;
                (std::mem::discriminant(expected) != std::mem::discriminant(entry)).then(|| {
                    at_key(
                        shown,
                        text,
                        key,
                        format!(
                            "`{key}` is {}, but it must be {} like in the English table",
                            shape(entry),
                            shape(expected)
                        ),
                    )
                })
            })
            .collect();
        if let Some(Entry::List(months)) = self.table.get("months")
            && months.len() != 12
        {
            errors.push(at_key(
                shown,
                text,
                "months",
                format!("`months` lists {} names; it must list twelve", months.len()),
            ));
        }
        errors
    }

    /// The sentence `key` with `{name}` placeholders filled from `args`; `None` for a key
    /// no table has.
    pub fn text(&self, key: &str, args: &[(&str, &str)]) -> Option<String> {
        match self.table.get(key)? {
            Entry::Text(text) => Some(fill(text, args)),
            Entry::Plural { other, .. } => Some(fill(other, args)),
            Entry::List(_) => None,
        }
    }

    /// The form of `key` for `count` (also given to the sentence as `{count}`).
    pub fn plural(&self, key: &str, count: i64, args: &[(&str, &str)]) -> Option<String> {
        let count_text = count.to_string();
        let mut all = vec![("count", count_text.as_str())];
        all.extend_from_slice(args);
        match self.table.get(key)? {
            Entry::Plural { one, other } => {
                let form = if self.is_singular(count) { one } else { other };
                Some(fill(form, &all))
            }
            Entry::Text(text) => Some(fill(text, &all)),
            Entry::List(_) => None,
        }
    }

    /// A sentence every table has (the English one is built in, and the site's entries
    /// are checked for shape when loaded).
    pub fn say(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.text(key, args).unwrap_or_else(|| key.to_string())
    }

    /// French and Portuguese count zero as singular ("0 avis"); the other built-in
    /// languages only one.
    fn is_singular(&self, count: i64) -> bool {
        match self.language.as_str() {
            "fr" | "pt" => count == 0 || count == 1,
            _ => count == 1,
        }
    }

    /// `format` (strftime) with `%B` and `%b` in the language's month names.
    pub fn date_format(&self, format: &str, month: i8) -> String {
        let months = match self.table.get("months") {
            Some(Entry::List(names)) if names.len() == 12 => names.as_slice(),
            _ => return format.to_string(),
        };
        let name = months[(month.clamp(1, 12) - 1) as usize].replace('%', "%%");
        let short: String = name.chars().take(3).collect();
        format.replace("%B", &name).replace("%b", &short)
    }

    /// Every key and entry, for the template function's error message and tests.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.table.keys().map(String::as_str)
    }
}

/// The English table, which every other layers over.
fn english() -> BTreeMap<String, Entry> {
    static ENGLISH: std::sync::OnceLock<BTreeMap<String, Entry>> = std::sync::OnceLock::new();
    ENGLISH
        .get_or_init(|| parse_table(BUILT_IN[0].1, Path::new("built-in en")).unwrap_or_default())
        .clone()
}

/// `de-AT` -> `de`.
fn primary(language: &str) -> &str {
    language.split(['-', '_']).next().unwrap_or(language)
}

fn built_in(language: &str) -> Option<(&'static str, &'static str)> {
    let lower = language.to_ascii_lowercase();
    BUILT_IN
        .iter()
        .find(|(code, _)| *code == lower || *code == primary(&lower))
        .copied()
}

/// The site's own table: `i18n/<language>.toml`, else `i18n/<primary code>.toml`.
fn own_table(root: &Path, language: &str) -> Option<(PathBuf, Arc<str>)> {
    let mut names = vec![language.to_string()];
    if primary(language) != language {
        names.push(primary(language).to_string());
    }
    names.into_iter().find_map(|name| {
        let shown = Path::new(I18N_DIR).join(format!("{name}.toml"));
        let text = std::fs::read_to_string(root.join(&shown)).ok()?;
        Some((shown, Arc::from(text)))
    })
}

fn parse_table(text: &str, shown: &Path) -> Result<BTreeMap<String, Entry>, SourceError> {
    toml::from_str(text).map_err(|e: toml::de::Error| {
        let message = format!("not a table of translations: {}", e.message().trim_end());
        match e.span() {
            Some(span) => SourceError::at(shown, &Arc::from(text), span, message),
            None => SourceError::new(shown, message),
        }
    })
}

/// An error at `key`'s line of a table.
fn at_key(shown: &Path, text: &Arc<str>, key: &str, message: String) -> SourceError {
    let at = text
        .match_indices(key)
        .find(|(at, _)| *at == 0 || text[..*at].ends_with('\n'))
        .map_or(0, |(at, _)| at);
    SourceError::at(shown, text, at..at + key.len(), message)
}

/// `{name}` -> its value.
fn fill(text: &str, args: &[(&str, &str)]) -> String {
    let mut out = text.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

fn join_keys(keys: &[&String]) -> String {
    const SHOWN: usize = 12;
    let mut text = keys
        .iter()
        .take(SHOWN)
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if keys.len() > SHOWN {
        text.push_str(&format!(" and {} more", keys.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(language: &str) -> Config {
        Config {
            language: language.into(),
            ..Config::default()
        }
    }

    #[test]
    fn every_built_in_table_has_every_english_key_in_the_same_shape() {
        let english = english();
        for (code, text) in BUILT_IN {
            let table = parse_table(text, Path::new(code)).unwrap();
            for (key, entry) in &english {
                let theirs = table
                    .get(key)
                    .unwrap_or_else(|| panic!("{code} lacks `{key}`"));
                assert_eq!(
                    std::mem::discriminant(theirs),
                    std::mem::discriminant(entry),
                    "{code}: `{key}`"
                );
                let placeholders = |t: &str| {
                    let mut names: Vec<String> = t
                        .split('{')
                        .skip(1)
                        .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_string()))
                        .collect();
                    names.sort();
                    names.dedup();
                    names
                };
                if let (Entry::Text(a), Entry::Text(b)) = (entry, theirs) {
                    assert_eq!(placeholders(a), placeholders(b), "{code}: `{key}`");
                }
                if let (Entry::Plural { other: a, .. }, Entry::Plural { other: b, .. }) =
                    (entry, theirs)
                {
                    assert_eq!(placeholders(a), placeholders(b), "{code}: `{key}`");
                }
            }
            for key in table.keys() {
                assert!(english.contains_key(key), "{code} has unknown key `{key}`");
            }
        }
    }

    #[test]
    fn plurals_follow_the_language() {
        let dir = tempfile::tempdir().unwrap();
        let (en, _) = Strings::load(dir.path(), &config("en"));
        assert_eq!(en.plural("post_count", 1, &[]).unwrap(), "1 post");
        assert_eq!(en.plural("post_count", 0, &[]).unwrap(), "0 posts");
        let (fr, _) = Strings::load(dir.path(), &config("fr-CA"));
        assert_eq!(fr.plural("post_count", 0, &[]).unwrap(), "0 article");
        assert_eq!(fr.plural("post_count", 2, &[]).unwrap(), "2 articles");
    }

    #[test]
    fn months_are_named_in_the_language() {
        let dir = tempfile::tempdir().unwrap();
        let (de, _) = Strings::load(dir.path(), &config("de"));
        assert_eq!(de.date_format("%-d. %B %Y", 12), "%-d. Dezember %Y");
        assert_eq!(de.date_format("%b", 3), "Mär");
    }

    #[test]
    fn a_site_table_overrides_and_a_language_without_a_table_warns_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("i18n")).unwrap();
        std::fs::write(
            dir.path().join("i18n/it.toml"),
            "latest_posts = \"Ultimi articoli\"\n",
        )
        .unwrap();
        let (it, problems) = Strings::load(dir.path(), &config("it"));
        assert_eq!(it.say("latest_posts", &[]), "Ultimi articoli");
        assert_eq!(it.say("tags", &[]), "Tags");
        assert!(problems.errors.is_empty());
        assert_eq!(problems.warnings.len(), 1);
        let warning = &problems.warnings[0];
        assert_eq!(warning.path, Path::new("i18n/it.toml"));
        assert!(
            warning.message.contains("`a_customer`"),
            "{}",
            warning.message
        );
        assert!(!warning.message.contains("`latest_posts`"));
    }

    #[test]
    fn an_entry_of_the_wrong_shape_is_an_error_naming_the_file_and_key() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("i18n")).unwrap();
        std::fs::write(
            dir.path().join("i18n/de.toml"),
            "post_count = \"Beiträge\"\n",
        )
        .unwrap();
        let (_, problems) = Strings::load(dir.path(), &config("de"));
        assert_eq!(problems.errors.len(), 1);
        assert!(problems.errors[0].message.contains("`post_count`"));
        assert!(problems.warnings.is_empty(), "de has a built-in table");
    }
}
