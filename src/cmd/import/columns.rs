//! Which column holds which field: the built-in column names, matched by meaning, and
//! the `--map COL=FIELD` overrides.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Error, Result};
use crate::suggest::nearest;

/// What a column can hold: a shout-out front-matter field, the quote, or an email address
/// (recognised so that it is dropped quietly, never written).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Field {
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
    pub(super) fn name(self) -> &'static str {
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
    pub(super) fn named(text: &str) -> Option<Field> {
        let key = normalise(text).replace(' ', "_");
        if key == "body" {
            return Some(Field::Quote);
        }
        Field::ALL.into_iter().find(|f| f.name() == key)
    }

    pub(super) fn list() -> String {
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
    ("personname", Field::Customer),
    ("quote", Field::Quote),
    ("testimonial", Field::Quote),
    ("text", Field::Quote),
    ("review", Field::Quote),
    ("feedback", Field::Quote),
    ("comment", Field::Quote),
    ("comments", Field::Quote),
    ("message", Field::Quote),
    ("review text", Field::Quote),
    ("company", Field::Company),
    ("company name", Field::Company),
    ("organisation", Field::Company),
    ("organization", Field::Company),
    ("business", Field::Company),
    ("customer company", Field::Company),
    ("personorganization", Field::Company),
    ("role", Field::Role),
    ("title", Field::Role),
    ("job title", Field::Role),
    ("position", Field::Role),
    ("job role", Field::Role),
    ("customer tagline", Field::Role),
    ("persontitle", Field::Role),
    ("location", Field::Location),
    ("city", Field::Location),
    ("personlocation", Field::Location),
    ("rating", Field::Rating),
    ("stars", Field::Rating),
    ("score", Field::Rating),
    ("star rating", Field::Rating),
    ("date", Field::Date),
    ("submitted", Field::Date),
    ("submitted at", Field::Date),
    ("created", Field::Date),
    ("created at", Field::Date),
    ("timestamp", Field::Date),
    ("review date", Field::Date),
    ("product", Field::Product),
    ("segment", Field::Segments),
    ("segments", Field::Segments),
    ("tag", Field::Tags),
    ("tags", Field::Tags),
    ("avatar", Field::Avatar),
    ("photo", Field::Avatar),
    ("image", Field::Avatar),
    ("picture", Field::Avatar),
    ("avatar url", Field::Avatar),
    ("customer avatar", Field::Avatar),
    ("profileimage", Field::Avatar),
    ("profile image url", Field::Avatar),
    ("personpicture", Field::Avatar),
    ("source", Field::SourceUrl),
    ("source url", Field::SourceUrl),
    ("url", Field::SourceUrl),
    ("link", Field::SourceUrl),
    ("source name", Field::SourceName),
    ("platform", Field::SourceName),
    ("integration", Field::SourceName),
    ("relationship", Field::Relationship),
    ("disclosure", Field::Disclosure),
    ("consent", Field::Consent),
    ("permission", Field::Consent),
    ("may publish", Field::Consent),
    ("can publish", Field::Consent),
    ("email", Field::Email),
    ("e mail", Field::Email),
    ("email address", Field::Email),
    ("customer email", Field::Email),
];

/// Columns that say a review was approved for display by the business: moderation, never
/// consent, so they are read as nothing and said so.
const MODERATION_COLUMNS: &[&str] = &["approved", "is approved"];

/// The testimonial tool whose export has these (normalised) columns, for the report.
fn recognised_tool(keys: &[String]) -> Option<&'static str> {
    let has = |name: &str| keys.iter().any(|k| k == name);
    if has("customer name") && has("text") && (has("integration") || has("customer avatar")) {
        Some("Senja")
    } else if has("personname") {
        Some("Trustmary")
    } else if has("review text") && has("star rating") {
        Some("Feedspace")
    } else if has("profileimage") && has("message") {
        Some("Shapo")
    } else {
        None
    }
}

/// A column name as it is compared: trimmed, lower case, `_`, `-` and runs of spaces
/// all one space.
pub(super) fn normalise(name: &str) -> String {
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
pub(super) struct Override {
    /// The column, normalised.
    pub(super) column: String,
    /// The argument as typed, for messages.
    pub(super) given: String,
    /// `None`: `COL=` ignores the column.
    pub(super) field: Option<Field>,
}

/// Checks every `--map` before anything is read.
pub(super) fn parse_overrides(args: &[String]) -> Result<Vec<Override>> {
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

/// Which column holds which field, after `--map` and the built-in names.
#[derive(Debug)]
pub(super) struct Columns {
    /// For each field, the index of its one column.
    pub(super) index: HashMap<Field, usize>,
    /// Headers nobody recognised, as written.
    pub(super) unknown: Vec<String>,
    /// Two columns that looked like the same field, and which one was used.
    pub(super) notes: Vec<String>,
}

impl Columns {
    /// The trimmed cell of `field` in `record` ("" when there is no such column or cell).
    pub(super) fn cell<'r>(&self, record: &'r csv::StringRecord, field: Field) -> &'r str {
        self.index
            .get(&field)
            .and_then(|&i| record.get(i))
            .map_or("", str::trim)
    }
}

/// Decides each column's field: `--map` first, then the built-in names. Each field takes
/// one column; a `--map` naming no column, or a sheet without a customer or quote column,
/// is an error.
pub(super) fn resolve_columns(
    file: &Path,
    header: &[String],
    overrides: &[Override],
) -> Result<Columns> {
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
        } else if MODERATION_COLUMNS.contains(&key.as_str()) {
            None
        } else {
            unknown.push(name.clone());
            None
        };
        chosen.push(choice);
    }
    // A `source` column beside a link column (Shapo: `source` = "Facebook", `link` = the
    // review) names the site: it is the source name, unless the sheet has one already.
    let claims = |field: Field, chosen: &[Option<(Field, bool)>]| {
        chosen
            .iter()
            .filter(|c| c.is_some_and(|(f, _)| f == field))
            .count()
    };
    if claims(Field::SourceUrl, &chosen) > 1
        && claims(Field::SourceName, &chosen) == 0
        && let Some(at) = keys.iter().position(|k| k == "source")
        && chosen[at] == Some((Field::SourceUrl, false))
    {
        chosen[at] = Some((Field::SourceName, false));
    }
    let mut index = HashMap::new();
    let mut notes = Vec::new();
    if let Some(tool) = recognised_tool(&keys) {
        notes.push(format!("Recognised the columns of a {tool} export."));
    }
    for (name, key) in header.iter().zip(&keys) {
        if MODERATION_COLUMNS.contains(&key.as_str()) {
            notes.push(format!(
                "Column {name:?} is the tool's moderation flag, set by you, not the customer's consent: it is not imported as consent"
            ));
        }
    }
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
