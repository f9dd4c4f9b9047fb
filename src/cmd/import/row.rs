//! One record of the sheet read into a shout-out's fields, each cell checked.

use serde::Deserialize;
use serde::de::IntoDeserializer;

use super::columns::{Columns, Field, normalise};
use crate::content::{Date, Relationship, check_avatar, check_link};
use crate::slug::SlugStyle;

/// What the consent column says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Answer {
    /// yes, y, true, 1, x, agreed, granted.
    Yes,
    /// Empty, or no, n, false, 0, declined, denied.
    No,
    /// Anything else: treated as no, and reported.
    Unclear,
}

/// Reads a consent cell. Only a clear yes counts.
fn parse_consent(cell: &str) -> Answer {
    match cell.trim().to_lowercase().as_str() {
        "yes" | "y" | "true" | "1" | "x" | "agreed" | "granted" => Answer::Yes,
        "" | "no" | "n" | "false" | "0" | "declined" | "denied" => Answer::No,
        _ => Answer::Unclear,
    }
}

/// Reads a rating cell: a whole number from 1 to 5, optionally written `N/5`; empty is
/// no rating.
fn parse_rating(cell: &str) -> Result<Option<u8>, String> {
    let text = cell.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let number = match text.split_once('/') {
        Some((n, "5")) => n.trim(),
        Some((n, out_of)) if out_of.trim() == "5" => n.trim(),
        Some(_) => "",
        None => text,
    };
    match number.parse::<u8>() {
        Ok(n @ 1..=5) if number.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(n)),
        _ => Err(format!(
            "rating {} is not a whole number from 1 to 5",
            shown_value(text)
        )),
    }
}

/// Reads a date cell: ISO dates and datetimes only (2026-03-14, 2026-03-14T09:30:00Z),
/// because 03/04/2026 means different days in different countries.
fn parse_date(cell: &str) -> Result<Option<Date>, String> {
    if cell.trim().is_empty() {
        return Ok(None);
    }
    Date::parse(cell).map(Some).ok_or_else(|| {
        format!(
            "date {} is not a date like 2026-03-14",
            shown_value(cell.trim())
        )
    })
}

/// Reads a relationship cell ("free product", "Free-Product" and "free_product" alike).
fn parse_relationship(cell: &str) -> Result<Option<String>, String> {
    let key = normalise(cell).replace(' ', "_");
    if key.is_empty() {
        return Ok(None);
    }
    let parsed: std::result::Result<Relationship, serde::de::value::Error> =
        Relationship::deserialize(key.as_str().into_deserializer());
    match parsed {
        Ok(_) => Ok(Some(key)),
        Err(_) => Err(format!(
            "relationship {} is not one of customer, free_product, employee, family, paid, affiliate",
            shown_value(cell.trim())
        )),
    }
}

/// A list cell split on `,` or `;`.
fn split_list(cell: &str) -> Vec<String> {
    cell.split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// A cell's value quoted for a message, cut short if long.
fn shown_value(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        format!("{:?}", short + "…")
    } else {
        format!("{short:?}")
    }
}

/// A good row, ready to become a file.
#[derive(Debug, Default)]
pub(super) struct Row {
    pub(super) customer: String,
    pub(super) quote: String,
    pub(super) company: Option<String>,
    pub(super) role: Option<String>,
    pub(super) location: Option<String>,
    pub(super) rating: Option<u8>,
    pub(super) date: Option<Date>,
    pub(super) segments: Vec<String>,
    pub(super) tags: Vec<String>,
    pub(super) product: Option<String>,
    pub(super) avatar: Option<String>,
    pub(super) source_url: Option<String>,
    pub(super) source_name: Option<String>,
    pub(super) relationship: Option<String>,
    pub(super) disclosure: Option<String>,
    pub(super) consent: Option<Answer>,
}

/// A data record read against the columns.
#[derive(Debug)]
pub(super) enum Parsed {
    /// Every cell empty: left out without comment.
    Blank,
    /// Why it cannot be imported.
    Bad(Vec<String>),
    Good(Box<Row>),
}

/// Reads one record through the columns; a bad cell makes the row bad, with the reason.
pub(super) fn parse_row(record: &csv::StringRecord, columns: &Columns, slugs: SlugStyle) -> Parsed {
    if record.iter().all(|c| c.trim().is_empty()) {
        return Parsed::Blank;
    }
    let cell = |field| columns.cell(record, field);
    let text = |field| Some(cell(field).to_string()).filter(|s| !s.is_empty());
    let mut problems = Vec::new();
    let customer = cell(Field::Customer).to_string();
    if customer.is_empty() {
        problems.push("no customer name".to_string());
    }
    let quote = cell(Field::Quote).replace("\r\n", "\n");
    if quote.is_empty() {
        problems.push("no quote".to_string());
    }
    let rating = parse_rating(cell(Field::Rating)).unwrap_or_else(|e| {
        problems.push(e);
        None
    });
    let date = parse_date(cell(Field::Date)).unwrap_or_else(|e| {
        problems.push(e);
        None
    });
    let relationship = parse_relationship(cell(Field::Relationship)).unwrap_or_else(|e| {
        problems.push(e);
        None
    });
    problems.extend(url_problems(&text(Field::SourceUrl), &text(Field::Avatar)));
    if !problems.is_empty() {
        return Parsed::Bad(problems);
    }
    Parsed::Good(Box::new(Row {
        customer,
        quote,
        company: text(Field::Company),
        role: text(Field::Role),
        location: text(Field::Location),
        rating,
        date,
        segments: split_list(cell(Field::Segments))
            .iter()
            .map(|s| slugs.slugify(s))
            .collect(),
        tags: split_list(cell(Field::Tags)),
        product: text(Field::Product),
        avatar: text(Field::Avatar),
        source_url: text(Field::SourceUrl),
        source_name: text(Field::SourceName),
        relationship,
        disclosure: text(Field::Disclosure),
        consent: columns
            .index
            .contains_key(&Field::Consent)
            .then(|| parse_consent(cell(Field::Consent))),
    }))
}

/// A `source_url` that is not an http(s) link, or an `avatar` that is neither a link nor
/// a file of the site: `kudos build` would refuse the file, and a `javascript:` link
/// from a spreadsheet must never reach a page.
fn url_problems(source_url: &Option<String>, avatar: &Option<String>) -> Vec<String> {
    let checks = [
        ("source_url", source_url.as_deref().map(check_link)),
        ("avatar", avatar.as_deref().map(check_avatar)),
    ];
    checks
        .into_iter()
        .filter_map(|(field, result)| Some(format!("{field} {}", result?.err()?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::import::file::toml_date;

    #[test]
    fn rows_with_unsafe_customer_urls_are_bad() {
        let some = |s: &str| Some(s.to_string());
        let problems = url_problems(&some("javascript:alert(1)"), &some("data:image/png,x"));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems[0].starts_with("source_url `javascript:alert(1)` is not a web link"));
        assert!(problems[1].starts_with("avatar `data:image/png,x`"));
        assert!(url_problems(&some("https://g.co/r/1"), &some("/img/a.jpg")).is_empty());
        assert!(url_problems(&None, &None).is_empty());
    }

    #[test]
    fn ratings_are_whole_numbers_from_one_to_five() {
        assert_eq!(parse_rating(""), Ok(None));
        assert_eq!(parse_rating(" 4 "), Ok(Some(4)));
        assert_eq!(parse_rating("5/5"), Ok(Some(5)));
        assert_eq!(parse_rating("3 / 5"), Ok(Some(3)));
        for bad in [
            "0",
            "6",
            "7",
            "4.5",
            "4.0",
            "+4",
            "four",
            "4/10",
            "★★★★",
            "-1",
        ] {
            assert!(parse_rating(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_rating("7").unwrap_err(),
            "rating \"7\" is not a whole number from 1 to 5"
        );
    }

    #[test]
    fn only_a_clear_yes_is_consent() {
        for yes in [
            "yes", "YES", " y ", "True", "1", "x", "X", "agreed", "Granted",
        ] {
            assert_eq!(parse_consent(yes), Answer::Yes, "{yes}");
        }
        for no in ["", "no", "N", "false", "0", "declined"] {
            assert_eq!(parse_consent(no), Answer::No, "{no}");
        }
        assert_eq!(parse_consent("maybe later"), Answer::Unclear);
    }

    #[test]
    fn dates_must_be_iso() {
        assert!(parse_date("2026-03-14").unwrap().is_some());
        assert!(parse_date("").unwrap().is_none());
        assert_eq!(
            parse_date("14/03/2026").unwrap_err(),
            "date \"14/03/2026\" is not a date like 2026-03-14"
        );
        assert_eq!(toml_date(Date::parse("2026-03-14").unwrap()), "2026-03-14");
        assert_eq!(
            toml_date(Date::parse("2026-03-14 09:30:00").unwrap()),
            "2026-03-14T09:30:00Z"
        );
    }

    #[test]
    fn relationships_are_checked() {
        assert_eq!(
            parse_relationship("Free product"),
            Ok(Some("free_product".into()))
        );
        assert_eq!(parse_relationship(""), Ok(None));
        assert!(parse_relationship("cousin").is_err());
    }
}
