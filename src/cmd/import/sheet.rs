//! Reading the export into one shape, whatever its format: a header and rows of cells.
//! A CSV export is read here (delimiter, header, records and the row numbers a
//! spreadsheet shows); a JSON one by [`super::json`].

use std::path::Path;

use crate::error::{Error, Result};

/// The export's cells: the header, and each data record.
#[derive(Debug)]
pub(super) struct Sheet {
    pub(super) header: Vec<String>,
    pub(super) records: Vec<Record>,
    /// `csv` or `json`, for the consent's `proof`.
    pub(super) format: &'static str,
}

/// One testimonial of the export.
#[derive(Debug)]
pub(super) struct Record {
    /// Its number in the report: the spreadsheet row, or the place in a JSON list.
    pub(super) row: usize,
    /// Its cells, in header order (a short row simply has fewer).
    pub(super) cells: Vec<Cell>,
    /// Why the record as a whole cannot be read (a JSON item that is not an object).
    pub(super) unreadable: Option<String>,
}

/// A cell as read. A CSV cell is always text; a JSON value may be a list, or something
/// nested that no field takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Cell {
    Text(String),
    /// A list of plain values (`"tags": ["toys", "gifts"]`).
    List(Vec<String>),
    /// An object, or a list holding lists or objects: what it is, for the report.
    Nested(&'static str),
}

/// Reads the export: a `.json` file as JSON, anything else as CSV. A file that cannot be
/// read, is not UTF-8 or has no header is an error that names it.
pub(super) fn read_sheet(file: &Path) -> Result<Sheet> {
    let bytes = std::fs::read(file).map_err(|e| Error::io(file, e))?;
    let json = file
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("json"));
    let text = String::from_utf8(bytes).map_err(|e| {
        let export = if json { "UTF-8" } else { "\"CSV UTF-8\"" };
        Error::Refused(format!(
            "{}: not UTF-8 text (bad byte at offset {}): export it as {export}",
            file.display(),
            e.utf8_error().valid_up_to()
        ))
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if json {
        super::json::read_json(file, text)
    } else {
        read_csv(file, text)
    }
}

/// Splits a CSV's text into its header and records.
fn read_csv(file: &Path, text: &str) -> Result<Sheet> {
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
        records.push(Record {
            row,
            cells: record.iter().map(|c| Cell::Text(c.to_string())).collect(),
            unreadable: None,
        });
    }
    let mut records = records.into_iter();
    let header = records
        .next()
        .map(|r| r.cells.into_iter().map(|c| c.text().trim().to_string()))
        .map(|h| h.collect::<Vec<_>>())
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
        format: "csv",
    })
}

impl Cell {
    /// The text of a text cell; "" for anything else.
    pub(super) fn text(&self) -> &str {
        match self {
            Cell::Text(text) => text,
            _ => "",
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
