//! What the import tells the user: column notes, each row that was not simply written, a summary.

use super::SHOUTOUTS;
use super::columns::Columns;
use super::consent::Change;
use super::plan::{Outcome, Skip};
use super::row::Problem;
use crate::cmd::{Ui, counted};

/// Prints the column notes, each row that was not simply written, and the summary.
pub(super) fn report(ui: &Ui, columns: &Columns, outcome: &Outcome, dry_run: bool) {
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
    let mut lines = row_lines(outcome, dry_run);
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

/// One line per row worth a word: (row, shown only with -v, text).
fn row_lines(outcome: &Outcome, dry_run: bool) -> Vec<(usize, bool, String)> {
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
    for (row, note) in &outcome.notes {
        lines.push((*row, false, at_row(*row, std::slice::from_ref(note))));
    }
    for (row, skip) in &outcome.skipped {
        let (verbose, text) = match skip {
            Skip::Imported(file) => (true, format!("row {row}: already imported as {file}")),
            Skip::Repeated(first) => (
                false,
                format!("row {row}: same customer and quote as row {first}, skipped"),
            ),
            Skip::Bad(problems) => (false, format!("{}, skipped", at_row(*row, problems))),
            Skip::Unwritable(why) => (false, format!("row {row}: {why}, skipped")),
        };
        lines.push((*row, verbose, text));
    }
    for (row, change) in &outcome.consent {
        lines.push((*row, false, consent_line(*row, change, dry_run)));
    }
    lines
}

/// `row 7, column "Stars": rating "7" is ...`; several problems of one row in one line,
/// each with its column.
fn at_row(row: usize, problems: &[Problem]) -> String {
    let mut text = format!("row {row}");
    for (i, problem) in problems.iter().enumerate() {
        let separator = match (i, &problem.column) {
            (0, Some(column)) => format!(", column {column:?}: "),
            (0, None) => ": ".to_string(),
            (_, Some(column)) => format!("; column {column:?}: "),
            (_, None) => "; ".to_string(),
        };
        text.push_str(&separator);
        text.push_str(&problem.text);
    }
    text
}

/// What `--update-consent` did, or would do, to a file.
fn consent_line(row: usize, change: &Change, dry_run: bool) -> String {
    match change {
        Change::Add { file, line, .. } => {
            let verb = if dry_run { "would add" } else { "added" };
            format!("row {row}: {verb} consent to {file}: {line}")
        }
        Change::Leave { file, why } => {
            format!("row {row}: {file} {why}; left as it is")
        }
        Change::Available { file } => format!(
            "row {row}: the export now gives consent that {file} lacks: --update-consent adds it"
        ),
    }
}

/// The closing sentence.
fn summary(outcome: &Outcome, dry_run: bool) -> String {
    let imported = outcome.planned.len();
    let mut text = format!(
        "{} {} into {SHOUTOUTS}/",
        if dry_run { "Would import" } else { "Imported" },
        counted(imported, "shout-out")
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
    let bad = rows_of(|s| matches!(s, Skip::Bad(_) | Skip::Unwritable(_)));
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
            "{} ({})",
            counted(repeated.len(), "duplicate"),
            rows_list(&repeated)
        ));
    }
    if !bad.is_empty() {
        skipped.push(format!(
            "{} ({})",
            counted(bad.len(), "bad row"),
            rows_list(&bad)
        ));
    }
    if !skipped.is_empty() {
        text.push_str("; skipped ");
        text.push_str(&join_and(&skipped));
    }
    let added: Vec<usize> = outcome
        .consent
        .iter()
        .filter(|(_, c)| matches!(c, Change::Add { .. }))
        .map(|(r, _)| *r)
        .collect();
    if !added.is_empty() {
        text.push_str(&format!(
            "; {} consent to {} ({})",
            if dry_run { "would add" } else { "added" },
            counted(added.len(), "existing shout-out"),
            rows_list(&added)
        ));
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
    use crate::cmd::import::plan::Planned;

    #[test]
    fn every_problem_names_its_row_and_column() {
        let problem = |column: Option<&str>, text: &str| Problem {
            column: column.map(String::from),
            text: text.into(),
        };
        assert_eq!(
            at_row(7, &[problem(Some("Stars"), "rating \"7\" is not a number")]),
            "row 7, column \"Stars\": rating \"7\" is not a number"
        );
        assert_eq!(
            at_row(
                6,
                &[
                    problem(Some("Name"), "no customer name"),
                    problem(Some("Quote"), "no quote")
                ]
            ),
            "row 6, column \"Name\": no customer name; column \"Quote\": no quote"
        );
        assert_eq!(
            at_row(3, &[problem(None, "null where a testimonial was expected")]),
            "row 3: null where a testimonial was expected"
        );
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
                (6, Skip::Bad(vec![])),
                (7, Skip::Unwritable("rating".into())),
            ],
            ..Outcome::default()
        };
        assert_eq!(
            summary(&outcome, false),
            "Imported 2 shout-outs into content/shoutouts/; skipped 1 duplicate (row 5) and 2 bad rows (rows 6, 7); 1 imported without consent (row 3) will not be published until you add it."
        );
    }
}
