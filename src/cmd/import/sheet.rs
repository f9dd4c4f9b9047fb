//! Reading the spreadsheet export: delimiter, header, records and the row numbers a
//! spreadsheet shows.

use std::path::Path;

use crate::error::{Error, Result};

/// The CSV's cells: the header, and each data record with its spreadsheet row number.
pub(super) struct Sheet {
    pub(super) header: Vec<String>,
    pub(super) records: Vec<(usize, csv::StringRecord)>,
}

/// Reads and splits the CSV. A file that cannot be read, is not UTF-8 or has no header is
/// an error that names it.
pub(super) fn read_sheet(file: &Path) -> Result<Sheet> {
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
