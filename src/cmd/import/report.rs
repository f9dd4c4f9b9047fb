//! What the import tells the user: column notes, each row that was not simply written, a summary.

use super::SHOUTOUTS;
use super::columns::Columns;
use super::plan::{Outcome, Skip};
use crate::cmd::{Ui, counted};

/// Prints the column notes, each skipped row and the summary.
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
    for (row, note) in &outcome.notes {
        lines.push((*row, false, format!("row {row}: {note}")));
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
}
