//! One record of the sheet read into a shout-out's fields, each cell checked.

use serde::Deserialize;
use serde::de::IntoDeserializer;

use super::columns::{Columns, Field, normalise};
use super::sheet::{Cell, Record};
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

/// Something wrong with one cell (or the whole record), named by its column so the
/// report can say where to look.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Problem {
    /// The column as the export names it; `None` for the record as a whole.
    pub(super) column: Option<String>,
    pub(super) text: String,
}

/// How cells are read: the site's slug rule and the command line's choices.
#[derive(Debug, Clone, Copy)]
pub(super) struct Reading {
    pub(super) slugs: SlugStyle,
    /// `--date-format`: how to read 03/04/2026.
    pub(super) date_order: Option<DateOrder>,
    /// `--nps-to-stars`.
    pub(super) nps_to_stars: bool,
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
    pub(super) video_url: Option<String>,
    pub(super) source_url: Option<String>,
    pub(super) source_name: Option<String>,
    pub(super) relationship: Option<String>,
    pub(super) disclosure: Option<String>,
    pub(super) consent: Option<Answer>,
    /// Cells that were changed or left out, for the report: the row is imported all the
    /// same, without them.
    pub(super) notes: Vec<Problem>,
}

/// A data record read against the columns.
#[derive(Debug)]
pub(super) enum Parsed {
    /// Every cell empty: left out without comment.
    Blank,
    /// Why it cannot be imported.
    Bad(Vec<Problem>),
    Good(Box<Row>),
}

/// Reads one record through the columns. A cell that cannot be read costs its field (a
/// note); only a missing customer or quote, or an unknown relationship, costs the row.
pub(super) fn parse_row(record: &Record, columns: &Columns, reading: Reading) -> Parsed {
    if let Some(why) = &record.unreadable {
        return Parsed::Bad(vec![Problem {
            column: None,
            text: why.clone(),
        }]);
    }
    if record.cells.iter().all(is_blank) {
        return Parsed::Blank;
    }
    let mut cells = Cells {
        record,
        columns,
        notes: Vec::new(),
        problems: Vec::new(),
    };
    let customer = cells.required(Field::Customer, "no customer name");
    let quote = cells
        .required(Field::Quote, "no quote")
        .replace("\r\n", "\n");
    let rating = cells.rating(reading.nps_to_stars);
    let date = cells.date(reading.date_order);
    // Without its relationship an insider's rating would count as a customer's: unlike
    // the other fields, an unknown one costs the row.
    let relationship = parse_relationship(cells.text(Field::Relationship)).unwrap_or_else(|e| {
        cells.bad(Field::Relationship, e);
        None
    });
    let (source_url, source_name) = cells.source();
    let avatar = cells.link(Field::Avatar, check_avatar, "a photo");
    let video_url = cells.link(Field::VideoUrl, check_link, "a video link");
    let consent = cells.consent();
    let segments = cells.list(Field::Segments);
    let mut row = Row {
        company: cells.optional(Field::Company),
        role: cells.optional(Field::Role),
        location: cells.optional(Field::Location),
        segments: segments.iter().map(|s| reading.slugs.slugify(s)).collect(),
        tags: cells.list(Field::Tags),
        product: cells.optional(Field::Product),
        disclosure: cells.optional(Field::Disclosure),
        customer,
        quote,
        rating,
        date,
        avatar,
        video_url,
        source_url,
        source_name,
        relationship,
        consent,
        notes: Vec::new(),
    };
    if !cells.problems.is_empty() {
        return Parsed::Bad(cells.problems);
    }
    row.notes = cells.notes;
    Parsed::Good(Box::new(row))
}

fn is_blank(cell: &Cell) -> bool {
    match cell {
        Cell::Text(text) => text.trim().is_empty(),
        Cell::List(items) => items.iter().all(|i| i.trim().is_empty()),
        Cell::Nested(_) => false,
    }
}

/// One record being read, and what was wrong with its cells so far.
struct Cells<'r> {
    record: &'r Record,
    columns: &'r Columns,
    /// Cells left out of a row that is imported all the same.
    notes: Vec<Problem>,
    /// Cells that make the row bad.
    problems: Vec<Problem>,
}

impl<'r> Cells<'r> {
    fn at(&self, field: Field, text: String) -> Problem {
        Problem {
            column: self.columns.name(field).map(str::to_string),
            text,
        }
    }

    fn note(&mut self, field: Field, text: String) {
        let problem = self.at(field, text);
        self.notes.push(problem);
    }

    fn bad(&mut self, field: Field, text: String) {
        let problem = self.at(field, text);
        self.problems.push(problem);
    }

    /// `field`'s cell as trimmed text ("" without such a column); `Err` says what else
    /// the cell holds (a JSON list or object).
    fn cell(&self, field: Field) -> Result<&'r str, &'static str> {
        match self.columns.cell(self.record, field) {
            None => Ok(""),
            Some(Cell::Text(text)) => Ok(text.trim()),
            Some(Cell::List(_)) => Err("a list"),
            Some(Cell::Nested(what)) => Err(what),
        }
    }

    /// `field`'s text; anything else in the cell is noted and the field left out.
    fn text(&mut self, field: Field) -> &'r str {
        self.cell(field).unwrap_or_else(|what| {
            self.note(
                field,
                format!("{what}, where one value was expected: left out"),
            );
            ""
        })
    }

    fn optional(&mut self, field: Field) -> Option<String> {
        Some(self.text(field).to_string()).filter(|s| !s.is_empty())
    }

    /// The customer or the quote: without it (or with something else than text in its
    /// cell) the row is bad.
    fn required(&mut self, field: Field, missing: &str) -> String {
        match self.cell(field) {
            Ok("") => self.bad(field, missing.to_string()),
            Ok(text) => return text.to_string(),
            Err(what) => self.bad(field, format!("{what}, where text was expected")),
        }
        String::new()
    }

    /// A list field: a cell split on `,` or `;`, or a JSON list as it is.
    fn list(&mut self, field: Field) -> Vec<String> {
        if let Some(Cell::List(items)) = self.columns.cell(self.record, field) {
            return items
                .iter()
                .map(|i| i.trim().to_string())
                .filter(|i| !i.is_empty())
                .collect();
        }
        split_list(self.text(field))
    }

    /// The stars: from the rating column, else (with `--nps-to-stars`) from an NPS
    /// score. A rating or score that cannot be read is left out, and the report says so:
    /// the row is still worth importing.
    fn rating(&mut self, nps_to_stars: bool) -> Option<u8> {
        match parse_rating(self.text(Field::Rating)) {
            Ok(Some((stars, note))) => {
                if let Some(note) = note {
                    self.note(Field::Rating, note);
                }
                return Some(stars);
            }
            Ok(None) => {}
            Err(e) => {
                self.note(Field::Rating, format!("{e}: imported without a rating"));
                return None;
            }
        }
        let (stars, note) = match parse_nps(self.text(Field::Nps)) {
            Ok(None) => return None,
            Ok(Some(score)) if nps_to_stars => {
                let stars = nps_stars(score);
                let note = format!(
                    "NPS {score} imported as {stars} {} (--nps-to-stars: half the score, rounded down, at least 1)",
                    if stars == 1 { "star" } else { "stars" }
                );
                (Some(stars), note)
            }
            Ok(Some(score)) => (
                None,
                format!(
                    "NPS {score} is a 0-10 recommendation score, not a star rating: imported without a rating (--nps-to-stars turns it into stars)"
                ),
            ),
            Err(e) => (None, format!("{e}: imported without a rating")),
        };
        self.note(Field::Nps, note);
        stars
    }

    fn date(&mut self, order: Option<DateOrder>) -> Option<Date> {
        parse_date(self.text(Field::Date), order).unwrap_or_else(|e| {
            self.note(Field::Date, format!("{e}: imported without a date"));
            None
        })
    }

    /// A "source" column holds a site's name ("Google") as often as a link: a name
    /// becomes `source_name`; anything that looks like a link stays a link, and is
    /// checked as one.
    fn source(&mut self) -> (Option<String>, Option<String>) {
        let name = self.optional(Field::SourceName);
        let Some(source) = self.optional(Field::SourceUrl) else {
            return (None, name);
        };
        if looks_like_a_link(&source) {
            let url = self.checked(Field::SourceUrl, source, check_link, "a source link");
            return (url, name);
        }
        if name.is_none() {
            return (None, Some(source));
        }
        self.note(
            Field::SourceUrl,
            format!(
                "source {} is not a link and the row already has a source name: left out",
                shown_value(&source)
            ),
        );
        (None, name)
    }

    /// A customer URL from `field`'s cell, if `check` accepts it.
    fn link(
        &mut self,
        field: Field,
        check: fn(&str) -> Result<(), String>,
        what: &str,
    ) -> Option<String> {
        let value = self.optional(field)?;
        self.checked(field, value, check, what)
    }

    /// `value` if `check` accepts it; else a note, and the row is imported without it:
    /// a `javascript:` link from an export must never reach a page.
    fn checked(
        &mut self,
        field: Field,
        value: String,
        check: fn(&str) -> Result<(), String>,
        what: &str,
    ) -> Option<String> {
        match check(&value) {
            Ok(()) => Some(value),
            Err(e) => {
                self.note(
                    field,
                    format!("{} {e}: imported without {what}", field.name()),
                );
                None
            }
        }
    }

    /// What the consent column says, if there is one; anything but a clear yes or no is
    /// noted (and is no consent).
    fn consent(&mut self) -> Option<Answer> {
        self.columns.index.get(&Field::Consent)?;
        let cell = self.text(Field::Consent);
        let answer = parse_consent(cell);
        if answer == Answer::Unclear {
            self.note(
                Field::Consent,
                format!(
                    "{} is not a clear yes: imported without consent",
                    shown_value(cell)
                ),
            );
        }
        Some(answer)
    }
}

/// Reads an NPS cell: a whole number from 0 to 10; empty is none.
fn parse_nps(cell: &str) -> Result<Option<u8>, String> {
    let text = cell.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u8>() {
        Ok(score) if score <= 10 && text.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(score)),
        _ => Err(format!(
            "NPS {} is not a whole number from 0 to 10",
            shown_value(text)
        )),
    }
}

/// An NPS score as stars: half of it, halves rounded down like ratings (an import never
/// makes a customer sound happier than they were), and at least one star.
fn nps_stars(score: u8) -> u8 {
    (score / 2).clamp(1, 5)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cmd::import::file::toml_date;
    use std::path::Path;

    /// `cells` read under `header`, as a spreadsheet row 2.
    fn read(header: &[&str], cells: Vec<Cell>, nps_to_stars: bool) -> Parsed {
        let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        let columns =
            crate::cmd::import::columns::resolve_columns(Path::new("t.csv"), &header, &[], None)
                .unwrap();
        let record = Record {
            row: 2,
            cells,
            unreadable: None,
        };
        let reading = Reading {
            slugs: SlugStyle::default(),
            date_order: None,
            nps_to_stars,
        };
        parse_row(&record, &columns, reading)
    }

    fn texts(cells: &[&str]) -> Vec<Cell> {
        cells.iter().map(|c| Cell::Text(c.to_string())).collect()
    }

    fn good(parsed: Parsed) -> Row {
        match parsed {
            Parsed::Good(row) => *row,
            other => panic!("not a good row: {other:?}"),
        }
    }

    fn note(column: &str, text: &str) -> Problem {
        Problem {
            column: Some(column.into()),
            text: text.into(),
        }
    }

    #[test]
    fn unsafe_customer_urls_cost_the_field_not_the_row() {
        let row = good(read(
            &["Name", "Quote", "Source URL", "Avatar", "Video URL"],
            texts(&[
                "Eve",
                "Hi.",
                "javascript:alert(1)",
                "data:image/png,x",
                "ftp://files.example/v.mp4",
            ]),
            false,
        ));
        assert_eq!(
            (row.source_url, row.avatar, row.video_url),
            (None, None, None)
        );
        let columns: Vec<&str> = row
            .notes
            .iter()
            .filter_map(|n| n.column.as_deref())
            .collect();
        assert_eq!(columns, ["Source URL", "Avatar", "Video URL"]);
        assert!(
            row.notes[0]
                .text
                .starts_with("source_url `javascript:alert(1)` is not a web link"),
            "{:?}",
            row.notes
        );
        assert!(
            row.notes[2]
                .text
                .ends_with(": imported without a video link")
        );
        let row = good(read(
            &["Name", "Quote", "Source URL", "Avatar", "Video URL"],
            texts(&[
                "Ada",
                "Hi.",
                "https://g.co/r/1",
                "/img/a.jpg",
                "https://v.example/1",
            ]),
            false,
        ));
        assert_eq!(row.avatar.as_deref(), Some("/img/a.jpg"));
        assert_eq!(row.video_url.as_deref(), Some("https://v.example/1"));
        assert!(row.notes.is_empty(), "{:?}", row.notes);
    }

    #[test]
    fn an_nps_score_is_stars_only_when_asked() {
        let header = ["personName", "text", "reviewNps"];
        let row = good(read(&header, texts(&["Cat", "Fine.", "9"]), false));
        assert_eq!(row.rating, None);
        assert_eq!(
            row.notes,
            [note(
                "reviewNps",
                "NPS 9 is a 0-10 recommendation score, not a star rating: imported without a rating (--nps-to-stars turns it into stars)"
            )]
        );
        let row = good(read(&header, texts(&["Cat", "Fine.", "9"]), true));
        assert_eq!(row.rating, Some(4));
        assert_eq!(
            row.notes[0].text,
            "NPS 9 imported as 4 stars (--nps-to-stars: half the score, rounded down, at least 1)"
        );
        let stars: Vec<u8> = (0..=10).map(nps_stars).collect();
        assert_eq!(stars, [1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5]);
        for bad in ["11", "-1", "9.5", "nine"] {
            assert!(parse_nps(bad).is_err(), "{bad}");
        }
        // A star rating wins over the score, quietly.
        let header = ["Name", "Quote", "Rating", "NPS"];
        let row = good(read(&header, texts(&["Cat", "Fine.", "5", "3"]), true));
        assert_eq!((row.rating, row.notes.len()), (Some(5), 0));
    }

    #[test]
    fn json_lists_and_objects_are_read_or_reported_by_column() {
        let header = ["name", "text", "tags", "company", "segments"];
        let cells = vec![
            Cell::Text("Ada".into()),
            Cell::Text("Hi.".into()),
            Cell::List(vec!["toys".into(), " ".into(), "gifts, wrapped".into()]),
            Cell::Nested("an object"),
            Cell::List(vec!["New parents".into()]),
        ];
        let row = good(read(&header, cells, false));
        assert_eq!(row.tags, ["toys", "gifts, wrapped"]);
        assert_eq!(row.segments, ["new-parents"]);
        assert_eq!(row.company, None);
        assert_eq!(
            row.notes,
            [note(
                "company",
                "an object, where one value was expected: left out"
            )]
        );
        let cells = vec![Cell::Text("Ada".into()), Cell::Nested("an object")];
        let Parsed::Bad(problems) = read(&header[..2], cells, false) else {
            panic!("a quote that is an object is no quote");
        };
        assert_eq!(
            problems,
            [note("text", "an object, where text was expected")]
        );
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
