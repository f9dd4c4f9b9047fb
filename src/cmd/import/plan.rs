//! Every row decided before anything is written: the file to create, or why it is skipped.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::columns::Columns;
use super::existing::{Existing, Key};
use super::file::{check_front_matter, shoutout_file, toml_str};
use super::row::{Answer, Parsed, parse_row};
use super::sheet::Sheet;
use crate::content::Date;
use crate::slug::SlugStyle;

/// What every file of one import shares.
pub(super) struct Context<'a> {
    /// `<root>/content/shoutouts`.
    pub(super) dir: &'a Path,
    /// Consent date for a row with consent but no date.
    pub(super) today: Date,
    /// `consent.proof`: "csv import: <file name>".
    pub(super) proof: String,
    /// The site's slug rule, for file names and segment names.
    pub(super) slugs: SlugStyle,
    /// `--date-format`: how to read 03/04/2026.
    pub(super) date_order: Option<crate::cli::DateOrder>,
}

/// A file to write.
#[derive(Debug)]
pub(super) struct Planned {
    pub(super) row: usize,
    pub(super) slug: String,
    pub(super) text: String,
    pub(super) consented: bool,
}

/// What happened to a row that is not simply written.
#[derive(Debug)]
pub(super) enum Skip {
    /// Same customer and quote as this file.
    Imported(String),
    /// Same customer and quote as this row above.
    Repeated(usize),
    /// Why the row is bad.
    Bad(String),
}

/// The whole import, decided before anything is written.
#[derive(Debug, Default)]
pub(super) struct Outcome {
    pub(super) planned: Vec<Planned>,
    pub(super) skipped: Vec<(usize, Skip)>,
    /// Rows written without consent because the consent cell was not a clear yes or no.
    pub(super) unclear: Vec<usize>,
    /// (row, what was changed or left out of it) for rows that are written.
    pub(super) notes: Vec<(usize, String)>,
    /// Some written row names segments.
    pub(super) segments: bool,
}

/// Decides every row: parsed, checked against what exists and the rows above, given a free slug.
pub(super) fn plan(
    sheet: &Sheet,
    columns: &Columns,
    existing: &Existing,
    context: &Context,
) -> Outcome {
    let mut outcome = Outcome::default();
    let mut seen: HashMap<Key, usize> = HashMap::new();
    let mut taken: HashSet<String> = existing.slugs.clone();
    // `index.md` would be read as the folder's own page, not as a shout-out.
    taken.insert("index".to_string());
    for (number, record) in &sheet.records {
        let number = *number;
        let row = match parse_row(record, columns, (context.slugs, context.date_order)) {
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
        let slug = free_slug(&context.slugs.slugify(&row.customer), &taken, context.dir);
        taken.insert(slug.clone());
        if row.consent == Some(Answer::Unclear) {
            outcome.unclear.push(number);
        }
        outcome
            .notes
            .extend(row.notes.iter().map(|note| (number, note.clone())));
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
