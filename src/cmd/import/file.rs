//! The text of a shout-out file made from a row.

use std::path::Path;
use std::sync::Arc;

use toml_writer::{TomlStringBuilder, WriteTomlValue};

use super::row::Row;
use crate::content::{Date, ShoutoutMeta, front_matter};

/// The text of a shout-out file: TOML front matter with the row's fields, then the quote.
pub(super) fn shoutout_file(row: &Row, consent: Option<&str>) -> String {
    let mut front = String::new();
    let mut line = |key: &str, value: String| {
        front.push_str(&format!("{key} = {value}\n"));
    };
    line("customer", toml_str(&row.customer));
    let strings = [
        ("company", &row.company),
        ("role", &row.role),
        ("location", &row.location),
    ];
    for (key, value) in strings {
        if let Some(value) = value {
            line(key, toml_str(value));
        }
    }
    if let Some(rating) = row.rating {
        line("rating", rating.to_string());
    }
    if let Some(date) = row.date {
        line("date", toml_date(date));
    }
    for (key, list) in [("segments", &row.segments), ("tags", &row.tags)] {
        if !list.is_empty() {
            let items: Vec<String> = list.iter().map(|s| toml_str(s)).collect();
            line(key, format!("[{}]", items.join(", ")));
        }
    }
    let strings = [
        ("product", &row.product),
        ("avatar", &row.avatar),
        ("video_url", &row.video_url),
        ("source_url", &row.source_url),
        ("source_name", &row.source_name),
        ("relationship", &row.relationship),
        ("disclosure", &row.disclosure),
    ];
    for (key, value) in strings {
        if let Some(value) = value {
            line(key, toml_str(value));
        }
    }
    match consent {
        Some(consent) => line("consent", consent.to_string()),
        None => front.push_str(
            "# No consent recorded in the import: this shout-out is not published until the\n\
             # customer agrees and you add, e.g.:\n\
             # consent = { date = 2026-01-31, scope = [\"quote\", \"name\"], proof = \"email\" }\n",
        ),
    }
    format!("+++\n{front}+++\n\n{}\n", row.quote)
}

/// The front matter of `text` loads as a shout-out: a guard against ever writing a file
/// the next build would refuse.
pub(super) fn check_front_matter(text: &str) -> std::result::Result<(), String> {
    let text: Arc<str> = Arc::from(text);
    let path = Path::new("import.md");
    let split = front_matter::split(path, &text).map_err(|e| e.message)?;
    front_matter::parse::<ShoutoutMeta>(path, &text, &split)
        .map(|_| ())
        .map_err(|e| e.message)
}

/// A TOML basic string on one line, written by the toml crate's writer: quotes,
/// backslashes and control characters escaped, and never the multi-line form, so a cell
/// can neither end the string, add a key, nor hold a `+++` line that closes the front
/// matter.
pub(super) fn toml_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    TomlStringBuilder::new(text)
        .as_basic()
        .write_toml_value(&mut out)
        .expect("writing into a String cannot fail");
    out
}

/// A TOML date (`2026-03-14`) when the time is midnight UTC, else a UTC datetime.
pub(super) fn toml_date(date: Date) -> String {
    match date.format("%H:%M:%S") {
        Ok(time) if time == "00:00:00" => date.format("%Y-%m-%d").unwrap_or_default(),
        _ => date.rfc3339(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Relationship;

    #[test]
    fn cells_are_one_line_strings_whatever_they_hold() {
        assert_eq!(toml_str("plain"), r#""plain""#);
        assert_eq!(toml_str("Ada\n+++\nx = 1"), r#""Ada\n+++\nx = 1""#);
        assert_eq!(toml_str("say \"hi\" \\ bye"), r#""say \"hi\" \\ bye""#);
        assert_eq!(toml_str("bell\u{7}"), r#""bell\u0007""#);
    }

    #[test]
    fn written_files_load_whatever_the_cells_hold() {
        let row = Row {
            customer: "Eve \"the\" Tester\n+++\nfeatured = true".into(),
            quote: "Great!\n\n+++\nStill the quote.".into(),
            company: Some("Back\\slash\u{7}Ltd".into()),
            rating: Some(4),
            date: Date::parse("2026-03-14"),
            segments: vec!["new-parents".into()],
            tags: vec!["gifts".into(), "a \"b\"".into()],
            relationship: Some("free_product".into()),
            video_url: Some("https://v.example/1".into()),
            ..Row::default()
        };
        let consent = crate::cmd::import::consent::Given {
            date: "2026-03-14".into(),
            proof: "csv import: x\".csv".into(),
        }
        .toml();
        for consent in [None, Some(consent.as_str())] {
            let text = shoutout_file(&row, consent);
            check_front_matter(&text).unwrap();
            let shared: Arc<str> = Arc::from(text.as_str());
            let split = front_matter::split(Path::new("x.md"), &shared).unwrap();
            let meta: ShoutoutMeta =
                front_matter::parse(Path::new("x.md"), &shared, &split).unwrap();
            assert_eq!(meta.customer, row.customer);
            assert_eq!(meta.company, row.company);
            assert!(!meta.featured);
            assert_eq!(meta.tags, row.tags);
            assert_eq!(meta.relationship, Relationship::FreeProduct);
            assert_eq!(meta.video_url, row.video_url);
            assert_eq!(split.body.trim(), row.quote);
            assert_eq!(meta.consent.is_some(), consent.is_some());
        }
    }
}
