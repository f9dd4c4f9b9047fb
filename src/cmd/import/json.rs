//! Reading a JSON export into the same header and cells as a spreadsheet, so every
//! column name, check and report applies to it unchanged.
//!
//! The testimonials are the file itself when it is a list, or the one list of objects in
//! a wrapper object (`{"testimonials": [...]}`, `{"data": [...]}`, or one level deeper,
//! `{"data": {"reviews": [...]}}`): export APIs wrap their lists so, with paging or
//! counts beside them. Each object is a row, numbered from 1 in list order, and its keys
//! are the columns, in the order the file first names them (so "the first of two columns"
//! means the same as in a spreadsheet). A string, number or true/false is a cell's text
//! and `null` an empty cell; a list of such values is a list (tags); anything nested
//! deeper is kept as such, for the row to report against its column rather than guess at.

use std::fmt;
use std::path::Path;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use super::sheet::{Cell, Record, Sheet};
use crate::error::{Error, Result};

/// A JSON value whose objects keep their keys in file order (`serde_json::Value` sorts
/// them, and kudos does not turn on its `preserve_order` for the whole crate).
#[derive(Debug, Clone, PartialEq)]
enum Json {
    Null,
    /// A string, a number or a boolean, as text.
    Plain(String),
    List(Vec<Json>),
    Object(Vec<(String, Json)>),
}

/// Reads the testimonials of a JSON export.
pub(super) fn read_json(file: &Path, text: &str) -> Result<Sheet> {
    let refuse = |why: String| Error::Refused(format!("{}: {why}", file.display()));
    let value: Json =
        serde_json::from_str(text).map_err(|e| refuse(format!("not valid JSON: {e}")))?;
    let items = testimonials(value).map_err(refuse)?;
    if items.is_empty() {
        return Err(refuse("the list of testimonials is empty".into()));
    }
    let header = header_of(&items);
    let records = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| record(i + 1, item, &header))
        .collect();
    Ok(Sheet {
        header,
        records,
        format: "json",
    })
}

/// The list of testimonials: the document, or the one list of objects a wrapper holds.
fn testimonials(value: Json) -> std::result::Result<Vec<Json>, String> {
    const EXPECTED: &str = "expected a list of testimonials, or an object holding one (like {\"testimonials\": [...]})";
    let members = match value {
        Json::List(items) => return Ok(items),
        Json::Object(members) => members,
        other => return Err(format!("{EXPECTED}, found {}", other.kind())),
    };
    let mut found = lists_in(&members);
    if found.is_empty() {
        for (_, inner) in &members {
            if let Json::Object(inner) = inner {
                found.extend(lists_in(inner));
            }
        }
    }
    match found.len() {
        1 => Ok(found.remove(0).1.clone()),
        0 => Err(EXPECTED.to_string()),
        _ => {
            let names: Vec<String> = found.iter().map(|(k, _)| format!("{k:?}")).collect();
            Err(format!(
                "holds several lists ({}): expected one list of testimonials",
                names.join(", ")
            ))
        }
    }
}

/// The members of an object that are lists holding objects (a list of tags is not one;
/// a stray string among testimonials is a bad row, not a reason to miss the list).
fn lists_in(members: &[(String, Json)]) -> Vec<(&str, &Vec<Json>)> {
    members
        .iter()
        .filter_map(|(key, value)| match value {
            Json::List(items) if items.iter().any(|i| matches!(i, Json::Object(_))) => {
                Some((key.as_str(), items))
            }
            _ => None,
        })
        .collect()
}

/// Every key of every object, in the order first seen.
fn header_of(items: &[Json]) -> Vec<String> {
    let mut header: Vec<String> = Vec::new();
    for item in items {
        if let Json::Object(members) = item {
            for (key, _) in members {
                if !header.contains(key) {
                    header.push(key.clone());
                }
            }
        }
    }
    header
}

/// One testimonial as a row of cells in `header` order.
fn record(row: usize, item: Json, header: &[String]) -> Record {
    let Json::Object(mut members) = item else {
        return Record {
            row,
            cells: Vec::new(),
            unreadable: Some(format!(
                "{} where a testimonial (an object with named fields) was expected",
                item.kind()
            )),
        };
    };
    let cells = header
        .iter()
        .map(|key| match members.iter().position(|(k, _)| k == key) {
            Some(at) => cell(members.swap_remove(at).1),
            None => Cell::Text(String::new()),
        })
        .collect();
    Record {
        row,
        cells,
        unreadable: None,
    }
}

/// A value as a cell: text, a list of plain values, or nested.
fn cell(value: Json) -> Cell {
    match value {
        Json::Null => Cell::Text(String::new()),
        Json::Plain(text) => Cell::Text(text),
        Json::List(items) => {
            let mut texts = Vec::new();
            for item in items {
                match item {
                    Json::Null => {}
                    Json::Plain(text) => texts.push(text),
                    _ => return Cell::Nested("a list of lists or objects"),
                }
            }
            Cell::List(texts)
        }
        Json::Object(_) => Cell::Nested("an object"),
    }
}

impl Json {
    /// What it is, for messages.
    fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Plain(_) => "a single value",
            Json::List(_) => "a list",
            Json::Object(_) => "an object",
        }
    }
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Json, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

/// Builds a [`Json`] from whatever serde_json reads (which also bounds the nesting).
struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> std::result::Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<Json, E> {
        Ok(Json::Plain(v.to_string()))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<Json, E> {
        Ok(Json::Plain(v.to_string()))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<Json, E> {
        Ok(Json::Plain(v.to_string()))
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<Json, E> {
        Ok(Json::Plain(v.to_string()))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<Json, E> {
        Ok(Json::Plain(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<Json, E> {
        Ok(Json::Plain(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Json, A::Error> {
        let mut members: Vec<(String, Json)> = Vec::new();
        while let Some((key, value)) = map.next_entry::<String, Json>()? {
            // A repeated key: the last one wins, as in serde_json's own maps.
            members.retain(|(k, _)| *k != key);
            members.push((key, value));
        }
        Ok(Json::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet(text: &str) -> std::result::Result<Sheet, String> {
        read_json(Path::new("x.json"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn keys_keep_their_order_and_values_become_cells() {
        let sheet = sheet(
            r#"[{"text": "Hi", "name": "Ada", "rating": 4.5, "ok": true, "tags": ["a", 2]},
                {"name": "Bob", "extra": {"x": 1}, "text": null}]"#,
        )
        .unwrap();
        assert_eq!(
            sheet.header,
            ["text", "name", "rating", "ok", "tags", "extra"]
        );
        let text = |s: &str| Cell::Text(s.into());
        assert_eq!(sheet.records[0].row, 1);
        assert_eq!(
            sheet.records[0].cells,
            [
                text("Hi"),
                text("Ada"),
                text("4.5"),
                text("true"),
                Cell::List(vec!["a".into(), "2".into()]),
                text("")
            ]
        );
        assert_eq!(sheet.records[1].row, 2);
        assert_eq!(sheet.records[1].cells[0], text(""));
        assert_eq!(sheet.records[1].cells[5], Cell::Nested("an object"));
    }

    #[test]
    fn wrappers_are_opened_when_they_hold_one_list() {
        for wrapped in [
            r#"{"testimonials": [{"name": "Ada"}], "count": 1}"#,
            r#"{"data": [{"name": "Ada"}, "stray"], "tags": ["not", "rows"]}"#,
            r#"{"data": {"reviews": [{"name": "Ada"}]}, "page": 1}"#,
        ] {
            assert_eq!(sheet(wrapped).unwrap().header, ["name"], "{wrapped}");
        }
        let error = sheet(r#"{"a": [{"x": 1}], "b": [{"x": 2}]}"#).unwrap_err();
        assert!(
            error.contains("holds several lists (\"a\", \"b\")"),
            "{error}"
        );
        let error = sheet(r#""just text""#).unwrap_err();
        assert!(error.contains("found a single value"), "{error}");
        assert!(sheet("[]").unwrap_err().contains("empty"));
        let error = sheet("[{\"name\": }]").unwrap_err();
        assert!(error.starts_with("x.json: not valid JSON: "), "{error}");
        assert!(error.contains("line 1 column"), "{error}");
    }

    #[test]
    fn an_item_that_is_not_an_object_is_an_unreadable_row() {
        let sheet = sheet(r#"[{"name": "Ada"}, "Bob said hi", [1]]"#).unwrap();
        assert_eq!(
            sheet.records[1].unreadable.as_deref(),
            Some("a single value where a testimonial (an object with named fields) was expected")
        );
        assert!(sheet.records[2].unreadable.is_some());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(sheet(&deep).unwrap_err().contains("recursion limit"));
    }
}
