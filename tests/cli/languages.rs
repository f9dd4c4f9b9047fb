//! A site in the reader's language (issue 12): with `language = "de"` every word the
//! default theme and kudos put on a page is German, dates read "1. Dezember 2026", plural
//! forms follow the count, and a site's own `i18n/<language>.toml` replaces any string.

use std::collections::BTreeSet;

use crate::common::Site;

/// The built-in English table, which every other language must replace completely.
const ENGLISH: &str = include_str!("../../src/i18n/en.toml");
/// The German one: where a word is the same in both ("August"), it is no English left over.
const GERMAN: &str = include_str!("../../src/i18n/de.toml");

/// Every sentence of a table by key, the forms of a plural and the words of a list each
/// on their own (`post_count.one`, `months.7`); strftime patterns left out.
fn sentences(table: &str) -> Vec<(String, String)> {
    let table: toml::Table = toml::from_str(table).expect("the table parses");
    let mut sentences = Vec::new();
    for (key, value) in &table {
        if key.starts_with("date_") {
            continue;
        }
        match value {
            toml::Value::String(s) => sentences.push((key.clone(), s.clone())),
            toml::Value::Table(forms) => sentences.extend(
                forms
                    .iter()
                    .filter_map(|(f, v)| Some((format!("{key}.{f}"), v.as_str()?.to_string()))),
            ),
            toml::Value::Array(words) => sentences.extend(
                words
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| Some((format!("{key}.{i}"), v.as_str()?.to_string()))),
            ),
            _ => {}
        }
    }
    sentences
}

/// The English words of the theme, as they would show on a page: every sentence of the
/// English table that German says differently, cut at its placeholders, each piece with
/// at least one word of three letters (so a lone "by" or a colon does not count, a
/// "min read" does).
fn english_pieces() -> BTreeSet<String> {
    let german: std::collections::BTreeMap<String, String> =
        sentences(GERMAN).into_iter().collect();
    let sentences: Vec<String> = sentences(ENGLISH)
        .into_iter()
        .filter(|(key, text)| german.get(key) != Some(text))
        .map(|(_, text)| text)
        .collect();
    let mut pieces = BTreeSet::new();
    for sentence in sentences {
        let mut rest = sentence.as_str();
        loop {
            let (piece, after) = match rest.find('{') {
                Some(open) => (
                    &rest[..open],
                    rest[open..]
                        .find('}')
                        .map(|close| &rest[open + close + 1..]),
                ),
                None => (rest, None),
            };
            let piece = piece.trim_matches(|c: char| !c.is_alphanumeric());
            if piece
                .split(|c: char| !c.is_alphabetic())
                .any(|word| word.chars().count() >= 3)
            {
                pieces.insert(piece.to_string());
            }
            match after {
                Some(after) => rest = after,
                None => break,
            }
        }
    }
    pieces
}

/// What a reader sees or hears of a page: text between tags (script and JSON-LD
/// included) and the `title`, `alt` and `aria-label` attributes, entities decoded, less
/// URLs and JSON syntax (`/posts/page/2/`, `home_page_url`, `"@type":"Rating"`), which
/// are no words.
fn reader_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        text.push(' ');
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        let tag = &rest[open..close];
        for attribute in ["aria-label=\"", "alt=\"", "title=\""] {
            if let Some(at) = tag.find(attribute) {
                let value = &tag[at + attribute.len()..];
                text.push_str(&value[..value.find('"').unwrap_or(value.len())]);
                text.push(' ');
            }
        }
        rest = &rest[close..];
    }
    text.push_str(rest);
    let text = text
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    text.split_whitespace()
        .filter(|token| !token.contains('/') && !token.contains('_') && !token.contains("\":"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// `piece` stands in `text` as whole words.
fn has_words(text: &str, piece: &str) -> bool {
    text.match_indices(piece).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + piece.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[test]
fn a_german_site_still_said_latest_posts_min_read_and_december_1() {
    let site = Site::fixture("german");
    site.build().success();
    let pieces = english_pieces();
    assert!(
        pieces.contains("min read") && pieces.contains("Latest posts"),
        "the English pieces are read from the table: {pieces:?}"
    );
    // An English word the German content itself uses ("Tag" is a day) is no leftover.
    let content: String = site
        .tree("content")
        .files
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    let pieces: BTreeSet<String> = pieces
        .into_iter()
        .filter(|piece| !has_words(&content, piece))
        .collect();
    let pages = site.tree("public");
    let mut checked = 0;
    let mut english = Vec::new();
    for (path, bytes) in &pages.files {
        if !(path.ends_with(".html") || path.ends_with(".xml") || path.ends_with(".json")) {
            continue;
        }
        checked += 1;
        let text = reader_text(&String::from_utf8_lossy(bytes));
        for piece in &pieces {
            if has_words(&text, piece) {
                english.push(format!("{path}: {piece:?}"));
            }
        }
    }
    assert!(checked > 20, "only {checked} pages and feeds were built");
    assert!(
        english.is_empty(),
        "English theme strings on a German site:\n{}",
        english.join("\n")
    );
    site.file("public/posts/werkbank/index.html")
        .contains("<html lang=\"de\">")
        .contains(">1. Dezember 2026</time>")
        .contains("· aktualisiert <time datetime=\"2026-12-03T00:00:00Z\">3. Dezember 2026</time>")
        .contains("1 Min. Lesezeit")
        .contains("von Greta")
        .contains("\"name\":\"Beiträge\"");
    // Names, disclosures, stars, card dates and rating sentences, wherever the wall's
    // pages put each card.
    for german in [
        "Ein Kunde aus Leipzig",
        "Was ein Kunde aus Leipzig sagte",
        "Arbeitet bei Holzwerkstatt Linde",
        "Hat ein Produkt geschenkt bekommen",
        "aria-label=\"5 von 5 Sternen\"",
        ">Oktober 2026</time>",
        "2 nicht mitgezählt",
        "aus allen 2 Kundenbewertungen",
        "Kreisel: 4.5 von 5 aus 2 Kundenbewertungen",
    ] {
        assert!(
            !site.files_containing("public", german).is_empty(),
            "no page says {german:?}"
        );
    }
    // RSS dates are RFC 822, English whatever the language.
    site.file("public/rss.xml")
        .contains("<pubDate>Tue, 01 Dec 2026 00:00:00 +0000</pubDate>");
    site.file("public/shoutouts/atom.xml")
        .contains("<title>Kundenstimmen für Holzwerkstatt Linde</title>")
        .contains("(5 von 5)");
    site.file("public/shoutouts/page/2/index.html")
        .contains("<title>Was unsere Kunden sagen, Seite 2 · Holzwerkstatt Linde</title>");
    site.file("public/tags/index.html")
        .contains("(2 Beiträge)")
        .contains("(1 Beitrag)");
    site.file("public/for/eltern/index.html")
        .contains("Alle 2 Kundenstimmen in „Für junge Eltern“ lesen")
        .contains("Für junge Eltern");
}

#[test]
fn a_site_table_replaced_a_string_and_an_unknown_language_fell_back_with_a_warning() {
    let site = Site::fixture("german");
    site.write(
        "i18n/de.toml",
        "latest_posts = \"Frisch aus der Werkstatt\"\n",
    );
    site.build().success().stderr_lacks("warning");
    site.file("public/index.html")
        .contains(">Frisch aus der Werkstatt</h2>")
        .lacks("Neueste Beiträge");

    site.edit("kudos.toml", "language = \"de\"", "language = \"it\"");
    site.write("i18n/it.toml", "latest_posts = \"Ultimi articoli\"\n");
    site.build()
        .success()
        .stderr_has("i18n/it.toml")
        .stderr_has("so they are in English")
        .stderr_has("`a_customer`");
    site.file("public/index.html")
        .contains("<html lang=\"it\">")
        .contains(">Ultimi articoli</h2>")
        .contains(">Tags</a>");

    site.remove("i18n/it.toml");
    site.build()
        .success()
        .stderr_has("kudos.toml:4:1")
        .stderr_has("no built-in translation for language `it` (built in: en, de, fr, es, nl, pt)");
}

#[test]
fn a_translation_of_the_wrong_shape_is_a_located_error_and_the_output_is_kept() {
    let site = Site::fixture("german");
    site.build().success();
    let before = site.tree("public");
    site.write(
        "i18n/de.toml",
        "# Unsere Wörter\nlatest_posts = \"Neu\"\npost_count = \"Beiträge\"\n",
    );
    site.build()
        .code(1)
        .stderr_has("i18n/de.toml:3:1")
        .stderr_has("`post_count` is a sentence, but it must be a table with `one` and `other`")
        .unchanged(&before);
    site.write("i18n/de.toml", "latest_posts = [\"Neu\"\n");
    site.build()
        .code(1)
        .stderr_has("i18n/de.toml:1")
        .stderr_has("not a table of translations")
        .unchanged(&before);
}

#[test]
fn a_template_asking_for_a_missing_sentence_names_the_key_and_the_nearest_one() {
    let site = Site::fixture("basic");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block content %}{{ t(key=\"latest_post\") }}{% endblock content %}",
    );
    site.build()
        .code(1)
        .stderr_has("templates/page.html")
        .stderr_has("no sentence `latest_post`")
        .stderr_has("did you mean `latest_posts`?");
}

#[test]
fn serve_kept_the_old_words_after_a_translation_file_changed() {
    let site = Site::fixture("german");
    let root = site.root();
    let mut session = site.session();
    session.rebuild(&[]).expect("serve builds");
    site.write("i18n/de.toml", "share = \"Weitersagen\"\n");
    let report = session
        .rebuild(&[root.join("i18n/de.toml")])
        .expect("serve rebuilds");
    let page = |path: &str| {
        String::from_utf8(session.output()[path].bytes().unwrap().into_owned()).unwrap()
    };
    assert!(page("shoutouts/index.html").contains(">Weitersagen</a>"));
    assert!(!page("shoutouts/index.html").contains(">Teilen</a>"));
    assert!(
        report.changed.contains(&"shoutouts/index.html".to_string()),
        "{:?}",
        report.changed
    );
}

#[test]
fn the_german_site_is_valid_html5() {
    let site = Site::fixture("german");
    site.build().success();
    let pages: Vec<std::path::PathBuf> = site
        .files_ending("public", ".html")
        .iter()
        .map(|p| site.path(&format!("public/{p}")))
        .collect();
    let errors = crate::common::nu_html_errors(&pages);
    assert!(errors.is_empty(), "{errors}");
}
