//! Data files: `data/*.toml|json|yaml|yml|csv`, read and checked, for templates as
//! `site.data.<name>` (a team list, opening hours, prices). A file's name without its
//! extension is its name; a folder is a table of its files (`data/shop/prices.csv` is
//! `site.data.shop.prices`). A CSV file is a list of rows, each a table keyed by the
//! header row. A file that does not parse is an error at its line, reported with every
//! other problem of the site.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::SourceError;
use crate::walk::{self, SiteBounds};

/// The folder, relative to the site root.
pub const DATA_DIR: &str = "data";

/// Every data file, by name, and the problems of those that could not be read.
pub fn load(
    root: &Path,
    bounds: &SiteBounds,
) -> crate::error::Result<(Map<String, Value>, Vec<SourceError>)> {
    let dir = root.join(DATA_DIR);
    let walked = walk::walk(&dir, bounds, walk::Dotfiles::Skip)?;
    let mut data = Map::new();
    let mut errors = walked.skipped;
    for file in walked.files {
        let shown = file.strip_prefix(root).unwrap_or(&file).to_path_buf();
        let Some((names, format)) = name_of(&dir, &file) else {
            continue;
        };
        let value = match std::fs::read_to_string(&file) {
            Ok(text) => parse(&shown, &Arc::from(text), format),
            Err(e) => Err(SourceError::new(&shown, format!("cannot read it: {e}"))),
        };
        match value.and_then(|value| insert(&mut data, &names, value, &shown)) {
            Ok(()) => {}
            Err(error) => errors.push(error),
        }
    }
    Ok((data, errors))
}

#[derive(Debug, Clone, Copy)]
enum Format {
    Toml,
    Json,
    Yaml,
    Csv,
}

/// The names leading to `file` below `dir` (folders, then the file's stem) and its format;
/// `None` for a file that is not data (a README beside the data is left alone).
fn name_of(dir: &Path, file: &Path) -> Option<(Vec<String>, Format)> {
    let format = match file.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "toml" => Format::Toml,
        "json" => Format::Json,
        "yaml" | "yml" => Format::Yaml,
        "csv" => Format::Csv,
        _ => return None,
    };
    let relative: PathBuf = file.strip_prefix(dir).ok()?.with_extension("");
    let names = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Some((names, format))
}

fn parse(shown: &Path, text: &Arc<str>, format: Format) -> Result<Value, SourceError> {
    match format {
        Format::Toml => toml::from_str::<toml::Table>(text)
            .map_err(|e| SourceError::at(shown, text, e.span().unwrap_or(0..0), e.message().trim()))
            .and_then(|table| {
                serde_json::to_value(table).map_err(|e| SourceError::new(shown, e.to_string()))
            }),
        Format::Json => serde_json::from_str(text).map_err(|e| {
            SourceError::at_line(shown, text, e.line(), e.column().max(1), e.to_string())
        }),
        Format::Yaml => serde_saphyr::from_str::<Value>(text).map_err(|e| {
            let message = super::front_matter::yaml_message(&e);
            match e.location() {
                Some(at) if at.line() > 0 => SourceError::at_line(
                    shown,
                    text,
                    at.line() as usize,
                    at.column().max(1) as usize,
                    message,
                ),
                _ => SourceError::new(shown, message),
            }
        }),
        Format::Csv => csv_rows(shown, text),
    }
}

/// A CSV file as a list of tables keyed by its header row.
fn csv_rows(shown: &Path, text: &Arc<str>) -> Result<Value, SourceError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let located = |e: csv::Error| {
        let line = e.position().map_or(1, |p| p.line() as usize);
        SourceError::at_line(shown, text, line.max(1), 1, e.to_string())
    };
    let header: Vec<String> = reader
        .headers()
        .map_err(located)?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(located)?;
        let row: Map<String, Value> = header
            .iter()
            .zip(record.iter())
            .map(|(name, cell)| (name.clone(), Value::String(cell.to_string())))
            .collect();
        rows.push(Value::Object(row));
    }
    Ok(Value::Array(rows))
}

/// Puts `value` at `names` in `data`; two files with one name are an error.
fn insert(
    data: &mut Map<String, Value>,
    names: &[String],
    value: Value,
    shown: &Path,
) -> Result<(), SourceError> {
    let clash = || {
        SourceError::new(
            shown,
            format!(
                "another data file is also named `site.data.{}`",
                names.join(".")
            ),
        )
        .with_help("rename one: data/team.toml and data/team.json cannot both be `team`")
    };
    let (last, folders) = names.split_last().ok_or_else(clash)?;
    let mut table = data;
    for folder in folders {
        let entry = table
            .entry(folder.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        table = match entry {
            Value::Object(map) => map,
            _ => return Err(clash()),
        };
    }
    if table.contains_key(last) {
        return Err(clash());
    }
    table.insert(last.clone(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> (tempfile::TempDir, Map<String, Value>, Vec<SourceError>) {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let bounds = SiteBounds::new(dir.path(), "public").unwrap();
        let (data, errors) = load(dir.path(), &bounds).unwrap();
        (dir, data, errors)
    }

    #[test]
    fn every_format_becomes_a_value_under_its_name() {
        let (_dir, data, errors) = site(&[
            ("data/hours.toml", "monday = \"9-5\"\n"),
            ("data/team.json", "[{\"name\": \"Wren\"}]"),
            ("data/shop/prices.csv", "item,price\nhorse,120\nducks,40\n"),
            ("data/faq.yaml", "- q: Do you ship?\n  a: Yes.\n"),
            ("data/README.md", "not data"),
        ]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(data["hours"]["monday"], "9-5");
        assert_eq!(data["team"][0]["name"], "Wren");
        assert_eq!(data["shop"]["prices"][1]["price"], "40");
        assert_eq!(data["faq"][0]["a"], "Yes.");
        assert_eq!(data.len(), 4);
    }

    #[test]
    fn broken_files_and_clashing_names_are_located_errors() {
        let (_dir, _data, errors) = site(&[
            ("data/hours.toml", "monday = \n"),
            ("data/team.json", "[\n  {\"name\": }\n]"),
            ("data/prices.csv", "item,price\nhorse,120,extra\n"),
            ("data/a.toml", "x = 1\n"),
            ("data/a.json", "{}"),
        ]);
        let shown: Vec<String> = errors.iter().map(|e| e.location()).collect();
        assert!(
            shown.iter().any(|l| l == "data/hours.toml:1:10"),
            "{shown:?}"
        );
        assert!(
            shown.iter().any(|l| l.starts_with("data/team.json:2:")),
            "{shown:?}"
        );
        assert!(
            shown.iter().any(|l| l.starts_with("data/prices.csv:2:")),
            "{shown:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.message.contains("also named `site.data.a`")),
            "{errors:?}"
        );
    }
}
