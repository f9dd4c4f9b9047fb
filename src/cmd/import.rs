//! `kudos import shoutouts FILE.csv`: a testimonial spreadsheet export turned into
//! shout-out files under `content/shoutouts/`.
//!
//! Testimonials usually start life in a spreadsheet, a form or a review tool, and every one
//! of them names its columns differently. So the columns are matched by meaning ("Full
//! name", "customer_name" and "Author" are all the customer), `--map COL=FIELD` covers the
//! rest, and a column nobody recognises is listed once rather than guessed at.
//!
//! The import is shaped around three promises:
//!
//! - **It never overwrites and can be repeated.** Each row is compared (customer and
//!   quote, ignoring spacing and the case of the name) with every shout-out already in the
//!   folder and with the rows above it, so re-importing next month's export of the same sheet adds
//!   only the new rows. A different person who shares a name gets `<slug>-2.md`.
//! - **It is honest by default.** A row gets a `consent` table only when its consent column
//!   clearly says yes; every other row is still written, so the owner can ask later, but
//!   stays unpublished until then. Email addresses are read (so the column is not reported
//!   as unknown) and never written anywhere, not even in the report. The quote is the
//!   customer's own words: only the whitespace around it is trimmed (and Windows line
//!   endings become `\n`). Front-matter strings are written as single-line, escaped TOML,
//!   so no cell can close the front matter early or add keys.
//! - **It reports like a spreadsheet.** Rows are numbered as a spreadsheet shows them (the
//!   header is row 1, blank lines count, a quote spanning lines is one row); bad rows are
//!   skipped, named with their reason, and never stop the others.
//!
//! Everything is planned before anything is written, so a file that cannot be read or a
//! bad `--map` writes nothing. Segment names become slugs but are not checked here: the
//! site's segments are known to `kudos build` and `kudos check`, which report any unknown
//! one.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use serde::de::IntoDeserializer;
use walkdir::WalkDir;

use super::Ui;
use super::new::create_new;
use crate::cli::{Cli, ImportCommand};
use crate::content::{
    Date, Relationship, ShoutoutMeta, check_avatar, check_link, front_matter, is_ignored, load_slug,
};
use crate::error::{Error, Result};
use crate::suggest::nearest;

/// Runs `kudos import`.
pub fn run(cli: &Cli, what: &ImportCommand, ui: &Ui) -> Result<()> {
    match what {
        ImportCommand::Shoutouts { file, map, dry_run } => {
            import_shoutouts(cli, file, map, *dry_run, ui)
        }
    }
}

/// `kudos import shoutouts`: check the maps, read the sheet, plan every row, then write.
fn import_shoutouts(cli: &Cli, file: &Path, map: &[String], dry_run: bool, ui: &Ui) -> Result<()> {
    let overrides = parse_overrides(map)?;
    if cli.config.is_none() && !cli.root.join("kudos.toml").is_file() {
        return Err(Error::NoConfig(cli.root.clone()));
    }
    let sheet = read_sheet(file)?;
    let columns = resolve_columns(file, &sheet.header, &overrides)?;
    let dir = cli.root.join(SHOUTOUTS);
    let existing = scan_existing(&dir)?;
    let file_name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let context = Context {
        dir: &dir,
        today: Date::now(),
        proof: format!("csv import: {file_name}"),
    };
    let outcome = plan(&sheet, &columns, &existing, &context);
    if !dry_run {
        for planned in &outcome.planned {
            create_new(&dir.join(format!("{}.md", planned.slug)), &planned.text)?;
        }
    }
    report(ui, &columns, &outcome, dry_run);
    Ok(())
}

/// Where shout-outs live, below the site root.
const SHOUTOUTS: &str = "content/shoutouts";

/// What a column can hold: a shout-out front-matter field, the quote, or an email address
/// (recognised so that it is dropped quietly, never written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Field {
    Customer,
    Quote,
    Company,
    Role,
    Location,
    Rating,
    Date,
    Segments,
    Tags,
    Product,
    Avatar,
    SourceUrl,
    SourceName,
    Relationship,
    Disclosure,
    Consent,
    Email,
}

impl Field {
    const ALL: [Field; 17] = [
        Field::Customer,
        Field::Quote,
        Field::Company,
        Field::Role,
        Field::Location,
        Field::Rating,
        Field::Date,
        Field::Segments,
        Field::Tags,
        Field::Product,
        Field::Avatar,
        Field::SourceUrl,
        Field::SourceName,
        Field::Relationship,
        Field::Disclosure,
        Field::Consent,
        Field::Email,
    ];

    /// The front-matter name (`quote` is the body).
    fn name(self) -> &'static str {
        match self {
            Field::Customer => "customer",
            Field::Quote => "quote",
            Field::Company => "company",
            Field::Role => "role",
            Field::Location => "location",
            Field::Rating => "rating",
            Field::Date => "date",
            Field::Segments => "segments",
            Field::Tags => "tags",
            Field::Product => "product",
            Field::Avatar => "avatar",
            Field::SourceUrl => "source_url",
            Field::SourceName => "source_name",
            Field::Relationship => "relationship",
            Field::Disclosure => "disclosure",
            Field::Consent => "consent",
            Field::Email => "email",
        }
    }

    /// A field as `--map` names it: any case, `-` or a space for `_`, `body` for the quote.
    fn named(text: &str) -> Option<Field> {
        let key = normalise(text).replace(' ', "_");
        if key == "body" {
            return Some(Field::Quote);
        }
        Field::ALL.into_iter().find(|f| f.name() == key)
    }

    fn list() -> String {
        Field::ALL.map(Field::name).join(", ")
    }
}

/// Column names recognised without `--map`, as [`normalise`] leaves them. The help of
/// `kudos import shoutouts` lists the same names (a test keeps the two in step).
const KNOWN_COLUMNS: &[(&str, Field)] = &[
    ("customer", Field::Customer),
    ("name", Field::Customer),
    ("full name", Field::Customer),
    ("customer name", Field::Customer),
    ("your name", Field::Customer),
    ("author", Field::Customer),
    ("quote", Field::Quote),
    ("testimonial", Field::Quote),
    ("text", Field::Quote),
    ("review", Field::Quote),
    ("feedback", Field::Quote),
    ("comment", Field::Quote),
    ("comments", Field::Quote),
    ("message", Field::Quote),
    ("company", Field::Company),
    ("company name", Field::Company),
    ("organisation", Field::Company),
    ("organization", Field::Company),
    ("business", Field::Company),
    ("role", Field::Role),
    ("title", Field::Role),
    ("job title", Field::Role),
    ("position", Field::Role),
    ("location", Field::Location),
    ("city", Field::Location),
    ("rating", Field::Rating),
    ("stars", Field::Rating),
    ("score", Field::Rating),
    ("date", Field::Date),
    ("submitted", Field::Date),
    ("submitted at", Field::Date),
    ("created", Field::Date),
    ("created at", Field::Date),
    ("timestamp", Field::Date),
    ("product", Field::Product),
    ("segment", Field::Segments),
    ("segments", Field::Segments),
    ("tag", Field::Tags),
    ("tags", Field::Tags),
    ("avatar", Field::Avatar),
    ("photo", Field::Avatar),
    ("image", Field::Avatar),
    ("picture", Field::Avatar),
    ("source", Field::SourceUrl),
    ("source url", Field::SourceUrl),
    ("url", Field::SourceUrl),
    ("link", Field::SourceUrl),
    ("source name", Field::SourceName),
    ("platform", Field::SourceName),
    ("relationship", Field::Relationship),
    ("disclosure", Field::Disclosure),
    ("consent", Field::Consent),
    ("permission", Field::Consent),
    ("may publish", Field::Consent),
    ("can publish", Field::Consent),
    ("email", Field::Email),
    ("e mail", Field::Email),
    ("email address", Field::Email),
];

/// A column name as it is compared: trimmed, lower case, `_`, `-` and runs of spaces
/// all one space.
fn normalise(name: &str) -> String {
    name.trim_start_matches('\u{feff}')
        .to_lowercase()
        .replace(['_', '-'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The field a column header means, if kudos recognises it.
fn known_column(header: &str) -> Option<Field> {
    let key = normalise(header);
    KNOWN_COLUMNS
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, field)| *field)
}

/// One `--map COL=FIELD`.
#[derive(Debug)]
struct Override {
    /// The column, normalised.
    column: String,
    /// The argument as typed, for messages.
    given: String,
    /// `None`: `COL=` ignores the column.
    field: Option<Field>,
}

/// Checks every `--map` before anything is read.
fn parse_overrides(args: &[String]) -> Result<Vec<Override>> {
    let mut overrides: Vec<Override> = Vec::new();
    for arg in args {
        let Some((column, field)) = arg.rsplit_once('=') else {
            return Err(Error::Usage(format!(
                "--map {arg:?}: expected COLUMN=FIELD, e.g. --map \"Your words=quote\""
            )));
        };
        let key = normalise(column);
        if key.is_empty() {
            return Err(Error::Usage(format!(
                "--map {arg:?}: no column name before `=`"
            )));
        }
        let field = if field.trim().is_empty() {
            None
        } else {
            let Some(known) = Field::named(field) else {
                let wanted = normalise(field).replace(' ', "_");
                let hint = known_column(field)
                    .or_else(|| {
                        nearest(&wanted, Field::ALL.map(Field::name)).and_then(Field::named)
                    })
                    .map(|f| format!(" (did you mean `{}`?)", f.name()))
                    .unwrap_or_default();
                return Err(Error::Usage(format!(
                    "--map {arg:?}: there is no field `{}`{hint}; the fields are {} (or nothing after `=` to ignore the column)",
                    field.trim(),
                    Field::list()
                )));
            };
            Some(known)
        };
        if let Some(earlier) = overrides.iter().find(|o| o.column == key) {
            return Err(Error::Usage(format!(
                "--map {arg:?} and --map {:?} name the same column",
                earlier.given
            )));
        }
        overrides.push(Override {
            column: key,
            given: arg.clone(),
            field,
        });
    }
    Ok(overrides)
}

/// The CSV's cells: the header, and each data record with its spreadsheet row number.
struct Sheet {
    header: Vec<String>,
    records: Vec<(usize, csv::StringRecord)>,
}

/// Reads and splits the CSV. A file that cannot be read, is not UTF-8 or has no header is
/// an error that names it.
fn read_sheet(file: &Path) -> Result<Sheet> {
    let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        Error::Refused(format!(
            "{}: not UTF-8 text (bad byte at offset {}): export the sheet as \"CSV UTF-8\"",
            file.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let delimiter = sniff_delimiter(text);
    let rows = spreadsheet_rows(text, delimiter);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut records = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| Error::Refused(format!("{}: cannot read: {e}", file.display())))?;
        // The csv crate's own positions point at the end of the previous record, so the
        // row numbers come from `spreadsheet_rows`, which follows the same rules.
        let row = rows.get(i).copied().unwrap_or(i + 1);
        records.push((row, record));
    }
    let mut records = records.into_iter();
    let header = records
        .next()
        .map(|(_, r)| r.iter().map(|c| c.trim().to_string()).collect::<Vec<_>>())
        .filter(|h| h.iter().any(|c| !c.is_empty()))
        .ok_or_else(|| {
            Error::Refused(format!(
                "{}: no header row: the first row must name the columns, e.g. `name,quote,rating`",
                file.display()
            ))
        })?;
    Ok(Sheet {
        header,
        records: records.collect(),
    })
}

/// Commas unless the first line has more semicolons (spreadsheets in many European
/// locales) or tabs (TSV).
fn sniff_delimiter(text: &str) -> u8 {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let count = |c: char| first.matches(c).count();
    let (commas, semicolons, tabs) = (count(','), count(';'), count('\t'));
    if semicolons > commas && semicolons >= tabs {
        b';'
    } else if tabs > commas && tabs > semicolons {
        b'\t'
    } else {
        b','
    }
}

/// The spreadsheet row number of each record the csv crate will return, in order.
///
/// A spreadsheet shows every line as a row, blank ones included, while a quoted cell that
/// spans lines stays in one row. The csv crate skips blank lines and treats `\r`, `\n` and
/// `\r\n` alike; a quote opens a quoted cell only at the start of a cell, and `""` inside
/// one is a literal quote. This follows the same rules, counting instead of parsing.
fn spreadsheet_rows(text: &str, delimiter: u8) -> Vec<usize> {
    let delimiter = char::from(delimiter);
    let mut rows = Vec::new();
    let mut row = 1;
    let mut has_content = false;
    let mut at_cell_start = true;
    let mut in_quotes = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    in_quotes = false;
                }
            }
            continue;
        }
        match c {
            '\r' | '\n' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                }
                if has_content {
                    rows.push(row);
                }
                row += 1;
                has_content = false;
                at_cell_start = true;
            }
            _ => {
                has_content = true;
                if c == delimiter {
                    at_cell_start = true;
                } else {
                    in_quotes = c == '"' && at_cell_start;
                    at_cell_start = false;
                }
            }
        }
    }
    if has_content {
        rows.push(row);
    }
    rows
}

/// Which column holds which field, after `--map` and the built-in names.
#[derive(Debug)]
struct Columns {
    /// For each field, the index of its one column.
    index: HashMap<Field, usize>,
    /// Headers nobody recognised, as written.
    unknown: Vec<String>,
    /// Two columns that looked like the same field, and which one was used.
    notes: Vec<String>,
}

impl Columns {
    /// The trimmed cell of `field` in `record` ("" when there is no such column or cell).
    fn cell<'r>(&self, record: &'r csv::StringRecord, field: Field) -> &'r str {
        self.index
            .get(&field)
            .and_then(|&i| record.get(i))
            .map_or("", str::trim)
    }
}

/// Decides each column's field: `--map` first, then the built-in names. Each field takes
/// one column; a `--map` naming no column, or a sheet without a customer or quote column,
/// is an error.
fn resolve_columns(file: &Path, header: &[String], overrides: &[Override]) -> Result<Columns> {
    let keys: Vec<String> = header.iter().map(|h| normalise(h)).collect();
    let shown_header = header
        .iter()
        .filter(|h| !h.is_empty())
        .map(|h| format!("{h:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    for o in overrides {
        if !keys.contains(&o.column) {
            let hint = nearest(&o.column, keys.iter().map(String::as_str))
                .and_then(|k| header.iter().find(|h| normalise(h) == k))
                .map(|h| format!(" (did you mean {h:?}?)"))
                .unwrap_or_default();
            return Err(Error::Refused(format!(
                "--map {:?}: {} has no such column{hint}; its columns are {shown_header}",
                o.given,
                file.display()
            )));
        }
    }
    let mut unknown = Vec::new();
    // (field, chosen with --map) for each column.
    let mut chosen: Vec<Option<(Field, bool)>> = Vec::new();
    for (name, key) in header.iter().zip(&keys) {
        let choice = if key.is_empty() {
            None
        } else if let Some(o) = overrides.iter().find(|o| &o.column == key) {
            o.field.map(|f| (f, true))
        } else if let Some(field) = known_column(key) {
            Some((field, false))
        } else {
            unknown.push(name.clone());
            None
        };
        chosen.push(choice);
    }
    let mut index = HashMap::new();
    let mut notes = Vec::new();
    for field in Field::ALL {
        let claimants: Vec<(usize, bool)> = chosen
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                c.filter(|(f, _)| *f == field)
                    .map(|(_, by_map)| (i, by_map))
            })
            .collect();
        let mapped: Vec<usize> = claimants
            .iter()
            .filter(|(_, by_map)| *by_map)
            .map(|(i, _)| *i)
            .collect();
        if mapped.len() > 1 {
            return Err(Error::Usage(format!(
                "--map gives the columns {:?} and {:?} the same field `{}`: a field takes one column",
                header[mapped[0]],
                header[mapped[1]],
                field.name()
            )));
        }
        let Some(&keep) = mapped.first().or(claimants.first().map(|(i, _)| i)) else {
            continue;
        };
        index.insert(field, keep);
        if field == Field::Email {
            continue;
        }
        for &(i, _) in claimants.iter().filter(|(i, _)| *i != keep) {
            notes.push(format!(
                "Columns {:?} and {:?} both look like the {}; using {:?} (to use the other: --map {:?})",
                header[keep],
                header[i],
                field.name(),
                header[keep],
                format!("{}={}", header[i], field.name())
            ));
        }
    }
    let missing: Vec<Field> = [Field::Customer, Field::Quote]
        .into_iter()
        .filter(|f| !index.contains_key(f))
        .collect();
    if !missing.is_empty() {
        let what = missing
            .iter()
            .map(|f| match f {
                Field::Customer => "the customer's name",
                _ => "the quote",
            })
            .collect::<Vec<_>>()
            .join(" or ");
        let example = missing
            .iter()
            .map(|f| format!("--map \"COLUMN={}\"", f.name()))
            .collect::<Vec<_>>()
            .join(" ");
        return Err(Error::Refused(format!(
            "{}: no column for {what}; its columns are {shown_header}: name the right one with {example}",
            file.display()
        )));
    }
    Ok(Columns {
        index,
        unknown,
        notes,
    })
}

/// What makes two shout-outs the same: the customer (case aside) and the quote, both with
/// whitespace collapsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key(String, String);

impl Key {
    fn new(customer: &str, quote: &str) -> Key {
        Key(collapse(customer).to_lowercase(), collapse(quote))
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The shout-outs already in the folder.
#[derive(Debug, Default)]
struct Existing {
    /// Who said what, and in which file (as shown to the user).
    keys: HashMap<Key, String>,
    /// Slugs in use, by file name or `slug` key.
    slugs: HashSet<String>,
}

/// Just the keys of an existing shout-out the import needs; a file this cannot read still
/// claims its slug.
#[derive(Deserialize)]
struct Who {
    #[serde(default)]
    customer: Option<String>,
    #[serde(default)]
    slug: Option<String>,
}

fn scan_existing(dir: &Path) -> Result<Existing> {
    let mut existing = Existing::default();
    if !dir.is_dir() {
        return Ok(existing);
    }
    let walker = WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = entry.map_err(|e| {
            let path = e.path().unwrap_or(dir).to_path_buf();
            Error::io(path, e.into())
        })?;
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let stem = if path.file_name().is_some_and(|n| n == "index.md") {
            path.parent().and_then(Path::file_name)
        } else {
            path.file_stem()
        };
        if let Some(stem) = stem {
            existing.slugs.insert(load_slug(&stem.to_string_lossy()));
        }
        let relative = path.strip_prefix(dir).unwrap_or(path);
        let shown = Path::new(SHOUTOUTS).join(relative);
        let shown = crate::content::slash_path(&shown);
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let text: Arc<str> = Arc::from(text);
        let Ok(split) = front_matter::split(Path::new(&shown), &text) else {
            continue;
        };
        let Ok(who) = front_matter::parse::<Who>(Path::new(&shown), &text, &split) else {
            continue;
        };
        if let Some(slug) = &who.slug {
            existing.slugs.insert(load_slug(slug));
        }
        if let Some(customer) = &who.customer {
            existing
                .keys
                .entry(Key::new(customer, split.body))
                .or_insert(shown);
        }
    }
    Ok(existing)
}

/// What the consent column says.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
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
struct Row {
    customer: String,
    quote: String,
    company: Option<String>,
    role: Option<String>,
    location: Option<String>,
    rating: Option<u8>,
    date: Option<Date>,
    segments: Vec<String>,
    tags: Vec<String>,
    product: Option<String>,
    avatar: Option<String>,
    source_url: Option<String>,
    source_name: Option<String>,
    relationship: Option<String>,
    disclosure: Option<String>,
    consent: Option<Answer>,
}

/// A data record read against the columns.
#[derive(Debug)]
enum Parsed {
    /// Every cell empty: left out without comment.
    Blank,
    /// Why it cannot be imported.
    Bad(Vec<String>),
    Good(Box<Row>),
}

fn parse_row(record: &csv::StringRecord, columns: &Columns) -> Parsed {
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
            .map(|s| load_slug(s))
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

/// What every file of one import shares.
struct Context<'a> {
    /// `<root>/content/shoutouts`.
    dir: &'a Path,
    /// Consent date for a row with consent but no date.
    today: Date,
    /// `consent.proof`: "csv import: <file name>".
    proof: String,
}

/// A file to write.
#[derive(Debug)]
struct Planned {
    row: usize,
    slug: String,
    text: String,
    consented: bool,
}

/// What happened to a row that is not simply written.
#[derive(Debug)]
enum Skip {
    /// Same customer and quote as this file.
    Imported(String),
    /// Same customer and quote as this row above.
    Repeated(usize),
    /// Why the row is bad.
    Bad(String),
}

/// The whole import, decided before anything is written.
#[derive(Debug, Default)]
struct Outcome {
    planned: Vec<Planned>,
    skipped: Vec<(usize, Skip)>,
    /// Rows written without consent because the consent cell was not a clear yes or no.
    unclear: Vec<usize>,
    /// Some written row names segments.
    segments: bool,
}

fn plan(sheet: &Sheet, columns: &Columns, existing: &Existing, context: &Context) -> Outcome {
    let mut outcome = Outcome::default();
    let mut seen: HashMap<Key, usize> = HashMap::new();
    let mut taken: HashSet<String> = existing.slugs.clone();
    // `index.md` would be read as the folder's own page, not as a shout-out.
    taken.insert("index".to_string());
    for (number, record) in &sheet.records {
        let number = *number;
        let row = match parse_row(record, columns) {
            Parsed::Blank => continue,
            Parsed::Bad(problems) => {
                outcome
                    .skipped
                    .push((number, Skip::Bad(problems.join("; "))));
                continue;
            }
            Parsed::Good(row) => row,
        };
        let key = Key::new(&row.customer, &row.quote);
        if let Some(file) = existing.keys.get(&key) {
            outcome.skipped.push((number, Skip::Imported(file.clone())));
            continue;
        }
        if let Some(&first) = seen.get(&key) {
            outcome.skipped.push((number, Skip::Repeated(first)));
            continue;
        }
        seen.insert(key, number);
        let consented = row.consent == Some(Answer::Yes);
        let consent = consented.then(|| {
            let date = row.date.unwrap_or(context.today);
            let day = date.format("%Y-%m-%d").unwrap_or_default();
            format!(
                "{{ date = {day}, scope = [\"quote\", \"name\"], proof = {} }}",
                toml_str(&context.proof)
            )
        });
        let text = shoutout_file(&row, consent.as_deref());
        if let Err(problem) = check_front_matter(&text) {
            outcome.skipped.push((
                number,
                Skip::Bad(format!(
                    "cannot be written as valid front matter ({problem}); please report this"
                )),
            ));
            continue;
        }
        let slug = free_slug(&load_slug(&row.customer), &taken, context.dir);
        taken.insert(slug.clone());
        if row.consent == Some(Answer::Unclear) {
            outcome.unclear.push(number);
        }
        outcome.segments |= !row.segments.is_empty();
        outcome.planned.push(Planned {
            row: number,
            slug,
            text,
            consented,
        });
    }
    outcome
}

/// `base`, or `base-2`, `base-3`, ... whichever no file or earlier row uses.
fn free_slug(base: &str, taken: &HashSet<String>, dir: &Path) -> String {
    let free = |slug: &str| {
        !taken.contains(slug)
            && !dir.join(format!("{slug}.md")).exists()
            && !dir.join(slug).exists()
    };
    if free(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|slug| free(slug))
        .unwrap_or_else(|| base.to_string())
}

/// The text of a shout-out file: TOML front matter with the row's fields, then the quote.
fn shoutout_file(row: &Row, consent: Option<&str>) -> String {
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
fn check_front_matter(text: &str) -> std::result::Result<(), String> {
    let text: Arc<str> = Arc::from(text);
    let path = Path::new("import.md");
    let split = front_matter::split(path, &text).map_err(|e| e.message)?;
    front_matter::parse::<ShoutoutMeta>(path, &text, &split)
        .map(|_| ())
        .map_err(|e| e.message)
}

/// A TOML basic string on one line: quotes, backslashes and control characters escaped,
/// so a cell can never end the string, add a key or close the front matter.
fn toml_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML date (`2026-03-14`) when the time is midnight UTC, else a UTC datetime.
fn toml_date(date: Date) -> String {
    match date.format("%H:%M:%S") {
        Ok(time) if time == "00:00:00" => date.format("%Y-%m-%d").unwrap_or_default(),
        _ => date.rfc3339(),
    }
}

/// Prints the column notes, each skipped row and the summary.
fn report(ui: &Ui, columns: &Columns, outcome: &Outcome, dry_run: bool) {
    for note in &columns.notes {
        ui.info(note);
    }
    if !columns.unknown.is_empty() {
        let names: Vec<String> = columns.unknown.iter().map(|c| format!("{c:?}")).collect();
        ui.info(&format!(
            "Ignored columns kudos does not know: {} (import one with --map \"COLUMN=FIELD\")",
            names.join(", ")
        ));
    }
    let verb = if dry_run { "would create" } else { "created" };
    let mut lines: Vec<(usize, bool, String)> = Vec::new();
    for p in &outcome.planned {
        let consent = if p.consented { "" } else { " (no consent)" };
        lines.push((
            p.row,
            true,
            format!("row {}: {verb} {SHOUTOUTS}/{}.md{consent}", p.row, p.slug),
        ));
    }
    for &row in &outcome.unclear {
        lines.push((
            row,
            false,
            format!(
                "row {row}: the consent cell is not a clear yes, so it is imported without consent"
            ),
        ));
    }
    for (row, skip) in &outcome.skipped {
        let (verbose, text) = match skip {
            Skip::Imported(file) => (true, format!("row {row}: already imported as {file}")),
            Skip::Repeated(first) => (
                false,
                format!("row {row}: same customer and quote as row {first}, skipped"),
            ),
            Skip::Bad(why) => (false, format!("row {row}: {why}, skipped")),
        };
        lines.push((*row, verbose, text));
    }
    lines.sort_by_key(|(row, _, _)| *row);
    for (_, verbose, text) in &lines {
        if *verbose {
            ui.detail(text);
        } else {
            ui.info(text);
        }
    }
    if outcome.segments {
        ui.info(
            "Segments are not checked on import: `kudos check` reports any that has no page in content/segments/.",
        );
    }
    ui.info(&summary(outcome, dry_run));
}

/// The closing sentence.
fn summary(outcome: &Outcome, dry_run: bool) -> String {
    let imported = outcome.planned.len();
    let mut text = format!(
        "{} {imported} shout-out{} into {SHOUTOUTS}/",
        if dry_run { "Would import" } else { "Imported" },
        plural(imported)
    );
    let rows_of = |pick: fn(&Skip) -> bool| -> Vec<usize> {
        outcome
            .skipped
            .iter()
            .filter(|(_, s)| pick(s))
            .map(|(r, _)| *r)
            .collect()
    };
    let already = rows_of(|s| matches!(s, Skip::Imported(_)));
    let repeated = rows_of(|s| matches!(s, Skip::Repeated(_)));
    let bad = rows_of(|s| matches!(s, Skip::Bad(_)));
    let mut skipped = Vec::new();
    if !already.is_empty() {
        skipped.push(format!(
            "{} already imported ({})",
            already.len(),
            rows_list(&already)
        ));
    }
    if !repeated.is_empty() {
        skipped.push(format!(
            "{} duplicate{} ({})",
            repeated.len(),
            plural(repeated.len()),
            rows_list(&repeated)
        ));
    }
    if !bad.is_empty() {
        skipped.push(format!(
            "{} bad row{} ({})",
            bad.len(),
            plural(bad.len()),
            rows_list(&bad)
        ));
    }
    if !skipped.is_empty() {
        text.push_str("; skipped ");
        text.push_str(&join_and(&skipped));
    }
    let unconsented: Vec<usize> = outcome
        .planned
        .iter()
        .filter(|p| !p.consented)
        .map(|p| p.row)
        .collect();
    if !unconsented.is_empty() {
        text.push_str(&format!(
            "; {} imported without consent ({}) will not be published until you add it",
            unconsented.len(),
            rows_list(&unconsented)
        ));
    }
    text.push('.');
    text
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// "a", "a and b", "a, b and c".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "row 5", "rows 2, 4", "rows 2-6, 9": runs of three or more shortened.
fn rows_list(rows: &[usize]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let mut j = i;
        while j + 1 < rows.len() && rows[j + 1] == rows[j] + 1 {
            j += 1;
        }
        if j >= i + 2 {
            parts.push(format!("{}-{}", rows[i], rows[j]));
        } else {
            parts.extend(rows[i..=j].iter().map(usize::to_string));
        }
        i = j + 1;
    }
    let word = if rows.len() == 1 { "row" } else { "rows" };
    format!("{word} {}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    fn field_of(columns: &Columns, field: Field) -> Option<usize> {
        columns.index.get(&field).copied()
    }

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
    fn column_names_match_by_meaning() {
        assert_eq!(known_column("Full Name"), Some(Field::Customer));
        assert_eq!(known_column("  full_name "), Some(Field::Customer));
        assert_eq!(known_column("FULL-NAME"), Some(Field::Customer));
        assert_eq!(known_column("\u{feff}Name"), Some(Field::Customer));
        assert_eq!(known_column("Testimonial"), Some(Field::Quote));
        assert_eq!(known_column("Job Title"), Some(Field::Role));
        assert_eq!(known_column("Stars"), Some(Field::Rating));
        assert_eq!(known_column("Source URL"), Some(Field::SourceUrl));
        assert_eq!(known_column("source_name"), Some(Field::SourceName));
        assert_eq!(known_column("May publish"), Some(Field::Consent));
        assert_eq!(known_column("E-mail"), Some(Field::Email));
        assert_eq!(known_column("Segments"), Some(Field::Segments));
        assert_eq!(known_column("Internal notes"), None);
    }

    #[test]
    fn map_overrides_and_ignores_columns() {
        let overrides = parse_overrides(&[
            "What they said=quote".into(),
            "Comment=".into(),
            "Who=Customer".into(),
        ])
        .unwrap();
        let h = header(&["Who", "Comment", "What they said", "Notes", ""]);
        let columns = resolve_columns(Path::new("t.csv"), &h, &overrides).unwrap();
        assert_eq!(field_of(&columns, Field::Customer), Some(0));
        assert_eq!(field_of(&columns, Field::Quote), Some(2));
        assert_eq!(columns.unknown, vec!["Notes".to_string()]);
        assert!(columns.notes.is_empty());
    }

    #[test]
    fn two_columns_for_one_field_use_the_first_and_say_so() {
        let h = header(&["Name", "Testimonial", "Comment"]);
        let columns = resolve_columns(Path::new("t.csv"), &h, &[]).unwrap();
        assert_eq!(field_of(&columns, Field::Quote), Some(1));
        assert_eq!(columns.notes.len(), 1);
        assert!(
            columns.notes[0].contains("\"Comment=quote\""),
            "{columns:?}"
        );
        // --map wins over the built-in names.
        let overrides = parse_overrides(&["comment=quote".into()]).unwrap();
        let columns = resolve_columns(Path::new("t.csv"), &h, &overrides).unwrap();
        assert_eq!(field_of(&columns, Field::Quote), Some(2));
    }

    #[test]
    fn bad_maps_are_refused_with_the_fields_or_columns() {
        let error = parse_overrides(&["Who=custmer".into()])
            .unwrap_err()
            .to_string();
        assert!(error.contains("did you mean `customer`"), "{error}");
        // A column name kudos knows, given as a field, points at its field.
        let error = parse_overrides(&["Who=testimonial".into()])
            .unwrap_err()
            .to_string();
        assert!(error.contains("did you mean `quote`"), "{error}");
        assert!(error.contains("source_url"), "{error}");
        assert!(parse_overrides(&["no equals sign".into()]).is_err());
        let overrides = parse_overrides(&["Nope=quote".into()]).unwrap();
        let error = resolve_columns(Path::new("t.csv"), &header(&["Name", "Quote"]), &overrides)
            .unwrap_err()
            .to_string();
        assert!(error.contains("\"Name\", \"Quote\""), "{error}");
        let overrides = parse_overrides(&["Testimonal=quote".into()]).unwrap();
        let h = header(&["Name", "Testimonial"]);
        let error = resolve_columns(Path::new("t.csv"), &h, &overrides)
            .unwrap_err()
            .to_string();
        assert!(error.contains("did you mean \"Testimonial\"?"), "{error}");
    }

    #[test]
    fn a_sheet_without_customer_or_quote_is_refused() {
        let error = resolve_columns(Path::new("t.csv"), &header(&["Foo", "Quote"]), &[])
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("t.csv: no column for the customer's name"),
            "{error}"
        );
        assert!(error.contains("--map \"COLUMN=customer\""), "{error}");
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

    #[test]
    fn rows_are_numbered_as_a_spreadsheet_shows_them() {
        let text =
            "name,quote\r\n\r\nAda,\"a, b\r\nc\"\r\nBob,\"say \"\"hi\"\"\nthere\"\n\nCy,x\"y\n";
        // Header, blank, Ada (two lines, one row), Bob (likewise), blank, Cy.
        assert_eq!(spreadsheet_rows(text, b','), vec![1, 3, 4, 6]);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        assert_eq!(reader.records().count(), 4);
    }

    #[test]
    fn delimiters_are_sniffed_from_the_header() {
        assert_eq!(sniff_delimiter("name,quote\n"), b',');
        assert_eq!(sniff_delimiter("name;quote;rating\n"), b';');
        assert_eq!(sniff_delimiter("name\tquote\n"), b'\t');
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
            ..Row::default()
        };
        let consent = format!(
            "{{ date = 2026-03-14, scope = [\"quote\", \"name\"], proof = {} }}",
            toml_str("csv import: x\".csv")
        );
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
            assert_eq!(split.body.trim(), row.quote);
            assert_eq!(meta.consent.is_some(), consent.is_some());
        }
    }

    #[test]
    fn summaries_name_rows() {
        assert_eq!(rows_list(&[5]), "row 5");
        assert_eq!(rows_list(&[2, 3, 4, 5, 7, 9, 10]), "rows 2-5, 7, 9, 10");
        let outcome = Outcome {
            planned: vec![
                Planned {
                    row: 2,
                    slug: "a".into(),
                    text: String::new(),
                    consented: true,
                },
                Planned {
                    row: 3,
                    slug: "b".into(),
                    text: String::new(),
                    consented: false,
                },
            ],
            skipped: vec![
                (5, Skip::Repeated(2)),
                (6, Skip::Bad("no quote".into())),
                (7, Skip::Bad("rating".into())),
            ],
            ..Outcome::default()
        };
        assert_eq!(
            summary(&outcome, false),
            "Imported 2 shout-outs into content/shoutouts/; skipped 1 duplicate (row 5) and 2 bad rows (rows 6, 7); 1 imported without consent (row 3) will not be published until you add it."
        );
    }

    #[test]
    fn the_help_lists_every_known_column() {
        use clap::CommandFactory;
        let command = crate::cli::Cli::command();
        let help = command
            .find_subcommand("import")
            .and_then(|c| c.find_subcommand("shoutouts"))
            .and_then(|c| c.get_after_help())
            .map(|h| normalise(&h.to_string()))
            .unwrap_or_default();
        for (name, field) in KNOWN_COLUMNS {
            assert!(help.contains(name), "the help does not list {name:?}");
            assert!(help.contains(&normalise(field.name())), "{field:?}");
        }
    }
}
