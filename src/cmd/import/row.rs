//! One record of the sheet read into a shout-out's fields, each cell checked.

use serde::Deserialize;
use serde::de::IntoDeserializer;

use super::columns::{Columns, Field, normalise};
use crate::cli::DateOrder;
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

/// A rating as read: the stars, and a note when the cell had to be rounded.
type Rating = (u8, Option<String>);

/// Reads a rating cell: a number from 1 to 5, optionally written `N/5`; empty is no
/// rating. Stars are whole, so a decimal (`4.5`, `4,5`) is rounded to the nearest star,
/// halves down: an import never makes a rating better than the customer gave it.
fn parse_rating(cell: &str) -> Result<Option<Rating>, String> {
    let text = cell.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let number = match text.split_once('/') {
        Some((n, out_of)) if out_of.trim() == "5" => n.trim(),
        Some(_) => "",
        None => text,
    };
    let unsigned = !number.is_empty()
        && number
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b',');
    let value = unsigned
        .then(|| number.replace(',', ".").parse::<f64>().ok())
        .flatten();
    match value {
        Some(v) if (1.0..=5.0).contains(&v) => {
            let stars = (v - 0.5).ceil().max(1.0) as u8;
            let rounded = (f64::from(stars) != v).then(|| {
                format!(
                    "rating {} rounded to {stars} (stars are whole; halves are rounded down)",
                    shown_value(text)
                )
            });
            Ok(Some((stars, rounded)))
        }
        _ => Err(format!(
            "rating {} is not a number from 1 to 5",
            shown_value(text)
        )),
    }
}

/// Reads a date cell. ISO dates and datetimes (2026-03-14, 2026-03-14T09:30:00Z), and the
/// forms exports use that can only mean one day: `14.03.2026` (day first), `Mar 14, 2026`,
/// `14 March 2026`, and `03/14/2026` or `14/03/2026` when one number is above 12.
/// `03/04/2026` means different days in different countries: read in `order` when the
/// import says which, else an error asking for it.
fn parse_date(cell: &str, order: Option<DateOrder>) -> Result<Option<Date>, String> {
    let text = cell.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let unreadable = |why: &str| format!("date {} {why}", shown_value(text));
    if let Some(date) = Date::parse(text) {
        return Ok(Some(date));
    }
    let iso = |year: u32, month: u32, day: u32| {
        Date::parse(&format!("{year:04}-{month:02}-{day:02}"))
            .ok_or_else(|| unreadable("is not a day of the calendar"))
    };
    let numbers: Vec<&str> = text.split(['.', '/', '-']).map(str::trim).collect();
    if numbers.len() == 3
        && numbers
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    {
        let [a, b, year] =
            [numbers[0], numbers[1], numbers[2]].map(|n| n.parse::<u32>().unwrap_or(0));
        if numbers[2].len() != 4 {
            return Err(unreadable(
                "has no four-digit year: write it like 2026-03-14",
            ));
        }
        if text.contains('.') {
            return iso(year, b, a).map(Some);
        }
        return match (a > 12, b > 12, order) {
            (false, false, Some(DateOrder::DayFirst)) => iso(year, b, a).map(Some),
            (false, false, Some(DateOrder::MonthFirst)) => iso(year, a, b).map(Some),
            (true, false, Some(DateOrder::MonthFirst))
            | (false, true, Some(DateOrder::DayFirst)) => Err(unreadable(
                "does not fit --date-format: is it from another export?",
            )),
            (true, false, _) => iso(year, b, a).map(Some),
            (false, true, _) => iso(year, a, b).map(Some),
            (false, false, None) => Err(unreadable(
                "could be day/month or month/day: say which with --date-format day-first or month-first",
            )),
            (true, true, _) => Err(unreadable("is not a day of the calendar")),
        };
    }
    let words: Vec<String> = text
        .split([' ', ','])
        .filter(|w| !w.is_empty())
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .collect();
    let month_of = |word: &str| {
        const MONTHS: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        (word.len() >= 3)
            .then(|| MONTHS.iter().position(|m| word.starts_with(m)))
            .flatten()
            .map(|i| i as u32 + 1)
    };
    if let [first, second, year] = words.as_slice()
        && year.len() == 4
        && let Ok(year) = year.parse::<u32>()
    {
        let day_month = match (month_of(first), month_of(second)) {
            (Some(month), None) => second.parse::<u32>().ok().map(|d| (d, month)),
            (None, Some(month)) => first.parse::<u32>().ok().map(|d| (d, month)),
            _ => None,
        };
        if let Some((day, month)) = day_month {
            return iso(year, month, day).map(Some);
        }
    }
    Err(unreadable("is not a date like 2026-03-14"))
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
    /// Cells that were changed or left out, for the report: the row is imported all the
    /// same, without them.
    pub(super) notes: Vec<String>,
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
pub(super) fn parse_row(
    record: &csv::StringRecord,
    columns: &Columns,
    (slugs, date_order): (SlugStyle, Option<DateOrder>),
) -> Parsed {
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
    // A rating or date that cannot be read is left out of the file, and the report says
    // so: the row is still worth importing. A relationship is not: without it an
    // insider's rating would count as a customer's.
    let mut notes = Vec::new();
    let rating = match parse_rating(cell(Field::Rating)) {
        Ok(Some((stars, note))) => {
            notes.extend(note);
            Some(stars)
        }
        Ok(None) => None,
        Err(e) => {
            notes.push(format!("{e}: imported without a rating"));
            None
        }
    };
    let date = parse_date(cell(Field::Date), date_order).unwrap_or_else(|e| {
        notes.push(format!("{e}: imported without a date"));
        None
    });
    let relationship = parse_relationship(cell(Field::Relationship)).unwrap_or_else(|e| {
        problems.push(e);
        None
    });
    // A "source" column holds a site's name ("Google") as often as a link: a name becomes
    // `source_name`; anything that looks like a link stays a link, and is checked as one.
    let (source_url, source_name) = match (text(Field::SourceUrl), text(Field::SourceName)) {
        (Some(url), name) if looks_like_a_link(&url) => (Some(url), name),
        (Some(word), None) => (None, Some(word)),
        (Some(word), Some(name)) => {
            notes.push(format!(
                "source {} is not a link and the row already has a source name: left out",
                shown_value(&word)
            ));
            (None, Some(name))
        }
        (None, name) => (None, name),
    };
    problems.extend(url_problems(&source_url, &text(Field::Avatar)));
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
        source_url,
        source_name,
        relationship,
        disclosure: text(Field::Disclosure),
        consent: columns
            .index
            .contains_key(&Field::Consent)
            .then(|| parse_consent(cell(Field::Consent))),
        notes,
    }))
}

/// `https://...`, `javascript:...`, `//host`, `www.host`: anything a browser or a reader
/// could take for a link, as opposed to a name like "Google review".
fn looks_like_a_link(text: &str) -> bool {
    let scheme = text.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    scheme || text.starts_with("//") || text.to_ascii_lowercase().starts_with("www.")
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
    fn ratings_are_whole_stars_and_decimals_round_halves_down() {
        let stars = |cell: &str| parse_rating(cell).map(|r| r.map(|(n, _)| n));
        assert_eq!(stars(""), Ok(None));
        assert_eq!(stars(" 4 "), Ok(Some(4)));
        assert_eq!(stars("5/5"), Ok(Some(5)));
        assert_eq!(stars("3 / 5"), Ok(Some(3)));
        assert_eq!(stars("4.0"), Ok(Some(4)));
        assert_eq!(stars("4.5"), Ok(Some(4)), "never rounded up");
        assert_eq!(stars("4,6"), Ok(Some(5)));
        assert_eq!(stars("1.2"), Ok(Some(1)));
        assert_eq!(
            parse_rating("4").unwrap().unwrap().1,
            None,
            "no note for whole stars"
        );
        assert_eq!(
            parse_rating("4.5").unwrap().unwrap().1.unwrap(),
            "rating \"4.5\" rounded to 4 (stars are whole; halves are rounded down)"
        );
        for bad in [
            "0",
            "6",
            "7",
            "5.5",
            "+4",
            "four",
            "4/10",
            "★★★★",
            "-1",
            ".",
        ] {
            assert!(parse_rating(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_rating("7").unwrap_err(),
            "rating \"7\" is not a number from 1 to 5"
        );
    }

    #[test]
    fn a_source_word_is_a_name_and_anything_like_a_link_is_a_link() {
        for name in ["Google", "Google review", "Trustpilot (UK)", "Email"] {
            assert!(!looks_like_a_link(name), "{name}");
        }
        for link in [
            "https://g.co/r/1",
            "javascript:alert(1)",
            "//evil.example",
            "www.google.com/maps",
            "data:text/html,x",
        ] {
            assert!(looks_like_a_link(link), "{link}");
        }
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
    fn dates_are_read_when_they_can_mean_one_day_only() {
        let day_in = |cell: &str, order| {
            parse_date(cell, order).map(|d| d.map(|d| d.format("%Y-%m-%d").unwrap_or_default()))
        };
        let day = |cell: &str| day_in(cell, None);
        assert!(parse_date("", None).unwrap().is_none());
        for cell in [
            "2026-03-14",
            "14/03/2026",
            "03/14/2026",
            "14.03.2026",
            "14.3.2026",
            "Mar 14, 2026",
            "March 14, 2026",
            "14 March 2026",
            "14 mar. 2026",
        ] {
            assert_eq!(day(cell), Ok(Some("2026-03-14".into())), "{cell}");
        }
        assert_eq!(
            parse_date("03/04/2026", None).unwrap_err(),
            "date \"03/04/2026\" could be day/month or month/day: say which with --date-format day-first or month-first"
        );
        // --date-format settles 03/04/2026, and refuses a date it does not fit.
        let day_first = Some(DateOrder::DayFirst);
        let month_first = Some(DateOrder::MonthFirst);
        assert_eq!(
            day_in("03/04/2026", day_first),
            Ok(Some("2026-04-03".into()))
        );
        assert_eq!(
            day_in("03/04/2026", month_first),
            Ok(Some("2026-03-04".into()))
        );
        assert_eq!(
            day_in("14/03/2026", day_first),
            Ok(Some("2026-03-14".into()))
        );
        assert!(day_in("14/03/2026", month_first).is_err());
        assert!(day_in("03/14/2026", day_first).is_err());
        for bad in ["31/02/2026", "14/03/26", "Smarch 14, 2026", "soon"] {
            assert!(parse_date(bad, None).is_err(), "{bad}");
        }
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
