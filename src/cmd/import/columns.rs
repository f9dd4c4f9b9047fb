//! Which column holds which field: the built-in column names, matched by meaning, and
//! the `--map COL=FIELD` overrides.

use std::collections::HashMap;
use std::path::Path;

use super::sheet::{Cell, Record};
use crate::cli::ImportTool;
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
    /// A 0-10 "would you recommend us" score: stars only with `--nps-to-stars`.
    Nps,
    Segments,
    Tags,
    Product,
    Avatar,
    VideoUrl,
    SourceUrl,
    SourceName,
    Relationship,
    Disclosure,
    Consent,
    Email,
}

impl Field {
    const ALL: [Field; 19] = [
        Field::Customer,
        Field::Quote,
        Field::Company,
        Field::Role,
        Field::Location,
        Field::Rating,
        Field::Date,
        Field::Nps,
        Field::Segments,
        Field::Tags,
        Field::Product,
        Field::Avatar,
        Field::VideoUrl,
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
            Field::Nps => "nps",
            Field::Segments => "segments",
            Field::Tags => "tags",
            Field::Product => "product",
            Field::Avatar => "avatar",
            Field::VideoUrl => "video_url",
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

/// A column name, as [`normalise`] leaves it, and the field it holds.
type Names = &'static [(&'static str, Field)];

/// The names of spreadsheets and forms of one's own (`--from generic`).
const GENERIC: Names = &[
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
    ("review text", Field::Quote),
    ("company", Field::Company),
    ("company name", Field::Company),
    ("organisation", Field::Company),
    ("organization", Field::Company),
    ("business", Field::Company),
    ("role", Field::Role),
    ("title", Field::Role),
    ("job title", Field::Role),
    ("position", Field::Role),
    ("job role", Field::Role),
    ("location", Field::Location),
    ("city", Field::Location),
    ("rating", Field::Rating),
    ("stars", Field::Rating),
    ("score", Field::Rating),
    ("star rating", Field::Rating),
    ("nps", Field::Nps),
    ("nps score", Field::Nps),
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
    ("profile image url", Field::Avatar),
    ("video", Field::VideoUrl),
    ("video url", Field::VideoUrl),
    ("video link", Field::VideoUrl),
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

/// Senja's export.
const SENJA: Names = &[
    ("customer name", Field::Customer),
    ("customer email", Field::Email),
    ("customer avatar", Field::Avatar),
    ("customer company", Field::Company),
    ("customer tagline", Field::Role),
    ("text", Field::Quote),
    ("rating", Field::Rating),
    ("date", Field::Date),
    ("url", Field::SourceUrl),
    ("tags", Field::Tags),
    ("integration", Field::SourceName),
    ("video url", Field::VideoUrl),
];

/// Shapo's export: its `source` is the site's name ("Facebook"), `link` the review.
const SHAPO: Names = &[
    ("name", Field::Customer),
    ("title", Field::Role),
    ("company", Field::Company),
    ("message", Field::Quote),
    ("rating", Field::Rating),
    ("date", Field::Date),
    ("source", Field::SourceName),
    ("link", Field::SourceUrl),
    ("profileimage", Field::Avatar),
];

/// Trustmary's export: `reviewNps` is a 0-10 score, not stars.
const TRUSTMARY: Names = &[
    ("personname", Field::Customer),
    ("persontitle", Field::Role),
    ("personorganization", Field::Company),
    ("personpicture", Field::Avatar),
    ("personlocation", Field::Location),
    ("reviewnps", Field::Nps),
    ("text", Field::Quote),
    ("date", Field::Date),
];

/// Feedspace's export.
const FEEDSPACE: Names = &[
    ("review text", Field::Quote),
    ("review date", Field::Date),
    ("star rating", Field::Rating),
    ("name", Field::Customer),
    ("email", Field::Email),
    ("job role", Field::Role),
    ("company", Field::Company),
    ("profile image url", Field::Avatar),
];

/// Every table, the generic one first: without `--from` a name means what the first
/// table that has it says (`source` is a link there; Shapo's is mended in
/// [`resolve_columns`]).
const TOOLS: [ImportTool; 5] = [
    ImportTool::Generic,
    ImportTool::Senja,
    ImportTool::Shapo,
    ImportTool::Trustmary,
    ImportTool::Feedspace,
];

/// The column names `tool` exports.
fn names_of(tool: ImportTool) -> Names {
    match tool {
        ImportTool::Generic => GENERIC,
        ImportTool::Senja => SENJA,
        ImportTool::Shapo => SHAPO,
        ImportTool::Trustmary => TRUSTMARY,
        ImportTool::Feedspace => FEEDSPACE,
    }
}

/// The tool's name, for the report.
fn tool_name(tool: ImportTool) -> &'static str {
    match tool {
        ImportTool::Generic => "generic spreadsheet",
        ImportTool::Senja => "Senja",
        ImportTool::Shapo => "Shapo",
        ImportTool::Trustmary => "Trustmary",
        ImportTool::Feedspace => "Feedspace",
    }
}

/// Columns that say a review was approved or published by the business: moderation,
/// never consent, so they are read as nothing and said so.
const MODERATION_COLUMNS: &[&str] = &["approved", "is approved", "published"];

/// The testimonial tool whose export has these (normalised) columns, for the report.
fn recognised_tool(keys: &[String]) -> Option<ImportTool> {
    let has = |name: &str| keys.iter().any(|k| k == name);
    if has("customer name") && has("text") && (has("integration") || has("customer avatar")) {
        Some(ImportTool::Senja)
    } else if has("personname") {
        Some(ImportTool::Trustmary)
    } else if has("review text") && has("star rating") {
        Some(ImportTool::Feedspace)
    } else if has("profileimage") && has("message") {
        Some(ImportTool::Shapo)
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

/// The field a column header means, if kudos recognises it: among `from`'s names, or
/// all of them.
fn known_column(header: &str, from: Option<ImportTool>) -> Option<Field> {
    let key = normalise(header);
    let tools = from.as_ref().map_or(&TOOLS[..], std::slice::from_ref);
    tools
        .iter()
        .flat_map(|&tool| names_of(tool))
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
                let hint = known_column(field, None)
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
    /// The header as written, to name a column in the report.
    pub(super) header: Vec<String>,
    /// For each field, the index of its one column.
    pub(super) index: HashMap<Field, usize>,
    /// Headers nobody recognised, as written.
    pub(super) unknown: Vec<String>,
    /// The tool recognised, moderation columns, two columns that looked like the same
    /// field and which one was used.
    pub(super) notes: Vec<String>,
}

impl Columns {
    /// The cell of `field` in `record` (`None` when there is no such column or cell).
    pub(super) fn cell<'r>(&self, record: &'r Record, field: Field) -> Option<&'r Cell> {
        self.index.get(&field).and_then(|&i| record.cells.get(i))
    }

    /// The column that holds `field`, as the export names it.
    pub(super) fn name(&self, field: Field) -> Option<&str> {
        self.index.get(&field).map(|&i| self.header[i].as_str())
    }
}

/// For each column, the field it holds and whether `--map` said so.
type Chosen = Vec<Option<(Field, bool)>>;

/// Decides each column's field: `--map` first, then the built-in names (`from`'s only,
/// when given). Each field takes one column; a `--map` naming no column, or a sheet
/// without a customer or quote column, is an error.
pub(super) fn resolve_columns(
    file: &Path,
    header: &[String],
    overrides: &[Override],
    from: Option<ImportTool>,
) -> Result<Columns> {
    let keys: Vec<String> = header.iter().map(|h| normalise(h)).collect();
    let shown_header = header
        .iter()
        .filter(|h| !h.is_empty())
        .map(|h| format!("{h:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    check_mapped_columns_exist(file, header, &keys, overrides, &shown_header)?;
    let (mut chosen, unknown) = choose_fields(header, &keys, overrides, from);
    if from.is_none() {
        mend_shapo_source(&keys, &mut chosen);
    }
    let mut notes = tool_notes(header, &keys, from);
    let index = assign_fields(header, &chosen, &mut notes)?;
    require_customer_and_quote(file, &index, &shown_header, from)?;
    Ok(Columns {
        header: header.to_vec(),
        index,
        unknown,
        notes,
    })
}

/// A `--map` naming a column the file lacks stops the import, with the nearest column.
fn check_mapped_columns_exist(
    file: &Path,
    header: &[String],
    keys: &[String],
    overrides: &[Override],
    shown_header: &str,
) -> Result<()> {
    let Some(o) = overrides.iter().find(|o| !keys.contains(&o.column)) else {
        return Ok(());
    };
    let hint = nearest(&o.column, keys.iter().map(String::as_str))
        .and_then(|k| header.iter().find(|h| normalise(h) == k))
        .map(|h| format!(" (did you mean {h:?}?)"))
        .unwrap_or_default();
    Err(Error::Refused(format!(
        "--map {:?}: {} has no such column{hint}; its columns are {shown_header}",
        o.given,
        file.display()
    )))
}

/// Each column's field by `--map` or by name, and the columns nobody recognised.
fn choose_fields(
    header: &[String],
    keys: &[String],
    overrides: &[Override],
    from: Option<ImportTool>,
) -> (Chosen, Vec<String>) {
    let mut unknown = Vec::new();
    let mut chosen = Vec::new();
    for (name, key) in header.iter().zip(keys) {
        let choice = if key.is_empty() {
            None
        } else if let Some(o) = overrides.iter().find(|o| &o.column == key) {
            o.field.map(|f| (f, true))
        } else if let Some(field) = known_column(key, from) {
            Some((field, false))
        } else if MODERATION_COLUMNS.contains(&key.as_str()) {
            None
        } else {
            unknown.push(name.clone());
            None
        };
        chosen.push(choice);
    }
    (chosen, unknown)
}

/// A `source` column beside a link column (Shapo: `source` = "Facebook", `link` = the
/// review) names the site: it is the source name, unless the sheet has one already.
fn mend_shapo_source(keys: &[String], chosen: &mut Chosen) {
    let claims = |field: Field, chosen: &Chosen| {
        chosen
            .iter()
            .filter(|c| c.is_some_and(|(f, _)| f == field))
            .count()
    };
    if claims(Field::SourceUrl, chosen) > 1
        && claims(Field::SourceName, chosen) == 0
        && let Some(at) = keys.iter().position(|k| k == "source")
        && chosen[at] == Some((Field::SourceUrl, false))
    {
        chosen[at] = Some((Field::SourceName, false));
    }
}

/// Which tool's columns are read, and which columns are moderation, not consent.
fn tool_notes(header: &[String], keys: &[String], from: Option<ImportTool>) -> Vec<String> {
    let mut notes = Vec::new();
    match from {
        Some(ImportTool::Generic) => notes.push(
            "Reading the columns of a generic spreadsheet (--from generic): a tool's own column names are not recognised."
                .to_string(),
        ),
        Some(tool) => notes.push(format!(
            "Reading the columns of a {} export (--from {}): other columns are not recognised.",
            tool_name(tool),
            tool_name(tool).to_lowercase()
        )),
        None => notes.extend(
            recognised_tool(keys)
                .map(|tool| format!("Recognised the columns of a {} export.", tool_name(tool))),
        ),
    }
    for (name, key) in header.iter().zip(keys) {
        if MODERATION_COLUMNS.contains(&key.as_str()) {
            notes.push(format!(
                "Column {name:?} is the tool's moderation flag, set by you, not the customer's consent: it is not imported as consent"
            ));
        }
    }
    notes
}

/// Gives each field one column: the one `--map` names, else the first that claims it
/// (with a note naming the others). Two maps for one field are a usage error.
fn assign_fields(
    header: &[String],
    chosen: &Chosen,
    notes: &mut Vec<String>,
) -> Result<HashMap<Field, usize>> {
    let mut index = HashMap::new();
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
    Ok(index)
}

/// A sheet must have a customer and a quote column; the error says how to name them.
fn require_customer_and_quote(
    file: &Path,
    index: &HashMap<Field, usize>,
    shown_header: &str,
    from: Option<ImportTool>,
) -> Result<()> {
    let missing: Vec<Field> = [Field::Customer, Field::Quote]
        .into_iter()
        .filter(|f| !index.contains_key(f))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
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
    let read_as = from
        .map(|tool| format!(" read as a {} export", tool_name(tool)))
        .unwrap_or_default();
    Err(Error::Refused(format!(
        "{}: no column for {what}{read_as}; its columns are {shown_header}: name the right one with {example}",
        file.display()
    )))
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
        assert_eq!(known_column("Full Name", None), Some(Field::Customer));
        assert_eq!(known_column("  full_name ", None), Some(Field::Customer));
        assert_eq!(known_column("FULL-NAME", None), Some(Field::Customer));
        assert_eq!(known_column("\u{feff}Name", None), Some(Field::Customer));
        assert_eq!(known_column("Testimonial", None), Some(Field::Quote));
        assert_eq!(known_column("Job Title", None), Some(Field::Role));
        assert_eq!(known_column("Stars", None), Some(Field::Rating));
        assert_eq!(known_column("Source URL", None), Some(Field::SourceUrl));
        assert_eq!(known_column("source_name", None), Some(Field::SourceName));
        assert_eq!(known_column("May publish", None), Some(Field::Consent));
        assert_eq!(known_column("E-mail", None), Some(Field::Email));
        assert_eq!(known_column("Segments", None), Some(Field::Segments));
        assert_eq!(known_column("Internal notes", None), None);
    }

    #[test]
    fn from_reads_only_that_tools_names() {
        assert_eq!(known_column("Title", None), Some(Field::Role));
        assert_eq!(known_column("Title", Some(ImportTool::Feedspace)), None);
        assert_eq!(
            known_column("Job Role", Some(ImportTool::Feedspace)),
            Some(Field::Role)
        );
        assert_eq!(known_column("personName", Some(ImportTool::Generic)), None);
        assert_eq!(
            known_column("source", Some(ImportTool::Shapo)),
            Some(Field::SourceName)
        );
        assert_eq!(known_column("source", None), Some(Field::SourceUrl));
        // Every tool's name means one field whichever table has it, but Shapo's `source`.
        for tool in TOOLS {
            for (name, field) in names_of(tool) {
                if *name != "source" {
                    assert_eq!(known_column(name, None), Some(*field), "{tool:?} {name}");
                }
            }
        }
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
        let columns = resolve_columns(Path::new("t.csv"), &h, &overrides, None).unwrap();
        assert_eq!(field_of(&columns, Field::Customer), Some(0));
        assert_eq!(field_of(&columns, Field::Quote), Some(2));
        assert_eq!(columns.unknown, vec!["Notes".to_string()]);
        assert!(columns.notes.is_empty());
    }

    #[test]
    fn two_columns_for_one_field_use_the_first_and_say_so() {
        let h = header(&["Name", "Testimonial", "Comment"]);
        let columns = resolve_columns(Path::new("t.csv"), &h, &[], None).unwrap();
        assert_eq!(field_of(&columns, Field::Quote), Some(1));
        assert_eq!(columns.notes.len(), 1);
        assert!(
            columns.notes[0].contains("\"Comment=quote\""),
            "{columns:?}"
        );
        // --map wins over the built-in names.
        let overrides = parse_overrides(&["comment=quote".into()]).unwrap();
        let columns = resolve_columns(Path::new("t.csv"), &h, &overrides, None).unwrap();
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
        let error = resolve_columns(
            Path::new("t.csv"),
            &header(&["Name", "Quote"]),
            &overrides,
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("\"Name\", \"Quote\""), "{error}");
        let overrides = parse_overrides(&["Testimonal=quote".into()]).unwrap();
        let h = header(&["Name", "Testimonial"]);
        let error = resolve_columns(Path::new("t.csv"), &h, &overrides, None)
            .unwrap_err()
            .to_string();
        assert!(error.contains("did you mean \"Testimonial\"?"), "{error}");
    }

    #[test]
    fn a_sheet_without_customer_or_quote_is_refused() {
        let error = resolve_columns(Path::new("t.csv"), &header(&["Foo", "Quote"]), &[], None)
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
        for (name, field) in TOOLS.iter().flat_map(|&tool| names_of(tool)) {
            assert!(help.contains(name), "the help does not list {name:?}");
            assert!(help.contains(&normalise(field.name())), "{field:?}");
        }
    }
}
