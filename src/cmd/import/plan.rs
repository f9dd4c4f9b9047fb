//! Every row decided before anything is written: the file to create, or why it is skipped.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use super::columns::Columns;
use super::consent::{Change, Given, change};
use super::existing::{Existing, Key};
use super::file::{check_front_matter, shoutout_file};
use super::row::{Answer, Parsed, Problem, Reading, Row, parse_row};
use super::sheet::Sheet;
use crate::content::Date;

/// What every file of one import shares.
pub(super) struct Context<'a> {
    /// `<root>/content/shoutouts`.
    pub(super) dir: &'a Path,
    /// Consent date for a row with consent but no date.
    pub(super) today: Date,
    /// `consent.proof`: "csv import: <file name>".
    pub(super) proof: String,
    /// How cells are read.
    pub(super) reading: Reading,
    /// `--update-consent`: add consent to files already imported.
    pub(super) update_consent: bool,
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
    /// Why the row is bad, cell by cell.
    Bad(Vec<Problem>),
    /// The file would not load: a bug in the import, not in the row.
    Unwritable(String),
}

/// The whole import, decided before anything is written.
#[derive(Debug, Default)]
pub(super) struct Outcome {
    pub(super) planned: Vec<Planned>,
    pub(super) skipped: Vec<(usize, Skip)>,
    /// (row, a cell that was changed or left out of it) for rows that are written.
    pub(super) notes: Vec<(usize, Problem)>,
    /// What rows already imported mean for their files' consent.
    pub(super) consent: Vec<(usize, Change)>,
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
    let mut updated: HashSet<String> = HashSet::new();
    for record in &sheet.records {
        let number = record.row;
        let row = match parse_row(record, columns, context.reading) {
            Parsed::Blank => continue,
            Parsed::Bad(problems) => {
                outcome.skipped.push((number, Skip::Bad(problems)));
                continue;
            }
            Parsed::Good(row) => row,
        };
        let key = Key::new(&row.customer, &row.quote);
        if let Some(found) = existing.keys.get(&key) {
            outcome
                .skipped
                .push((number, Skip::Imported(found.shown.clone())));
            if updated.insert(found.shown.clone()) {
                // Dated today: the export says the customer has agreed by now, not when.
                let given = given(context.today, context);
                let change = change(found, row.consent.as_ref(), &given, context.update_consent);
                outcome.consent.extend(change.map(|c| (number, c)));
            }
            continue;
        }
        if let Some(&first) = seen.get(&key) {
            outcome.skipped.push((number, Skip::Repeated(first)));
            continue;
        }
        seen.insert(key, number);
        plan_file(number, &row, &mut taken, context, &mut outcome);
    }
    outcome
}

/// The consent recorded for a row whose consent cell says yes, dated `date`.
fn given(date: Date, context: &Context) -> Given {
    Given {
        date: date.format("%Y-%m-%d").unwrap_or_default(),
        proof: context.proof.clone(),
    }
}

/// Plans the new file of a row that is neither imported nor repeated.
fn plan_file(
    number: usize,
    row: &Row,
    taken: &mut HashSet<String>,
    context: &Context,
    outcome: &mut Outcome,
) {
    let consented = row.consent == Some(Answer::Yes);
    // A new file's consent is dated when the testimonial was given (the form's "may we
    // publish this?" is answered with it), or today.
    let consent = consented.then(|| given(row.date.unwrap_or(context.today), context).toml());
    let text = shoutout_file(row, consent.as_deref());
    if let Err(problem) = check_front_matter(&text) {
        outcome.skipped.push((
            number,
            Skip::Unwritable(format!(
                "cannot be written as valid front matter ({problem}); please report this"
            )),
        ));
        return;
    }
    let slug = free_slug(
        &context.reading.slugs.slugify(&row.customer),
        taken,
        context.dir,
    );
    taken.insert(slug.clone());
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
