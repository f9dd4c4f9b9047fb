//! The consent an import records, and `--update-consent`: the one edit an import ever
//! makes to a file that already exists.
//!
//! Customers often agree after their testimonial was imported, and the export then says
//! so. Adding that consent must not cost the owner anything they wrote since: their
//! comments, their key order, their corrections. So the file is never re-serialised: one
//! `consent` line is inserted into the front matter text, at the end of its top-level keys
//! (before a `[table]` such as `[extra]` in TOML, so the key cannot land inside it), and
//! both versions are parsed to check that the only difference is that key. If they
//! differ in anything else, nothing is written and the report says what to add by hand.
//!
//! Consent is never narrowed or widened silently: a file that already has consent with
//! another scope, or whose consent was withdrawn, is reported and left as it is, and so is
//! a file with consent whose row no longer says yes (the customer may have withdrawn it:
//! only the owner can tell, and `withdrawn = DATE` is how they say so).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::existing::Found;
use super::file::toml_str;
use super::row::Answer;
use crate::content::front_matter::{self, Format};
use crate::error::{Error, Result};

/// The scope an import gives: the customer said yes to being quoted with their name.
/// A photo (or video) needs a "photo" the owner adds once the customer agreed to it.
const SCOPE: [&str; 2] = ["quote", "name"];

/// The consent recorded for a row whose consent cell says yes.
#[derive(Debug, Clone)]
pub(super) struct Given {
    /// `2026-03-14`: for a new file when the testimonial was given (else today), for a
    /// file already imported the day of the update.
    pub(super) date: String,
    /// "csv import: testimonials.csv".
    pub(super) proof: String,
}

impl Given {
    /// The value of the `consent` key in TOML: `{ date = ..., scope = [...], proof = ... }`.
    pub(super) fn toml(&self) -> String {
        let scope: Vec<String> = SCOPE.iter().map(|s| format!("\"{s}\"")).collect();
        format!(
            "{{ date = {}, scope = [{}], proof = {} }}",
            self.date,
            scope.join(", "),
            toml_str(&self.proof)
        )
    }

    /// The whole `consent` line in `format` (a TOML basic string is also a YAML
    /// double-quoted one).
    fn line(&self, format: Format) -> String {
        match format {
            Format::Toml => format!("consent = {}", self.toml()),
            Format::Yaml => format!(
                "consent: {{ date: {}, scope: [{}], proof: {} }}",
                self.date,
                SCOPE.join(", "),
                toml_str(&self.proof)
            ),
        }
    }
}

/// What `--update-consent` does (or, without it, could do) with an existing file.
#[derive(Debug)]
pub(super) enum Change {
    /// Adds this consent line: `text` is the whole new file.
    Add {
        file: String,
        path: PathBuf,
        line: String,
        text: String,
    },
    /// Leaves the file as it is, for this reason.
    Leave { file: String, why: String },
    /// Without `--update-consent`: the export gives consent the file lacks.
    Available { file: String },
}

/// What to do with `found`, the file a row was imported as, given what the row's consent
/// cell says now; `None` when there is nothing to do or say.
pub(super) fn change(
    found: &Found,
    answer: Option<&Answer>,
    given: &Given,
    update: bool,
) -> Option<Change> {
    let says_yes = answer == Some(&Answer::Yes);
    if !update {
        let open = found.consent.is_none() && !found.withdrawn;
        return (says_yes && open).then(|| Change::Available {
            file: found.shown.clone(),
        });
    }
    let why = match (&found.consent, says_yes) {
        _ if found.withdrawn => says_yes.then(|| {
            "records that consent was withdrawn: an export does not undo a withdrawal, only you can"
                .to_string()
        }),
        (None, true) => return Some(added(found, given)),
        (None, false) => None,
        (Some(_), false) => answer.is_some().then(|| {
            "has consent, but the export's consent cell does not say yes: if the customer withdrew it, add `withdrawn = DATE`"
                .to_string()
        }),
        (Some(scope), true) => (!same_scope(scope)).then(|| {
            format!(
                "already has consent with the scope {}, not the export's {}: change it by hand if the customer agreed to something else",
                words(scope.iter().map(String::as_str)),
                words(SCOPE.into_iter())
            )
        }),
    }?;
    Some(Change::Leave {
        file: found.shown.clone(),
        why,
    })
}

/// Whether `scope` says what an import gives, in any order.
fn same_scope(scope: &[String]) -> bool {
    let words: BTreeSet<&str> = scope.iter().map(String::as_str).collect();
    words == BTreeSet::from(SCOPE)
}

fn words<'a>(words: impl Iterator<Item = &'a str>) -> String {
    format!("[{}]", words.collect::<Vec<_>>().join(", "))
}

/// The file with the consent line added, or why it cannot be done safely.
fn added(found: &Found, given: &Given) -> Change {
    let file = found.shown.clone();
    let text = match std::fs::read_to_string(&found.path) {
        Ok(text) => text,
        Err(e) => {
            return Change::Leave {
                file,
                why: format!("cannot be read ({e})"),
            };
        }
    };
    match add_consent(&file, &text, given) {
        Ok((line, text)) => Change::Add {
            file,
            path: found.path.clone(),
            line,
            text,
        },
        Err(why) => {
            let yaml = text.trim_start_matches('\u{feff}').starts_with("---");
            let format = if yaml { Format::Yaml } else { Format::Toml };
            Change::Leave {
                why: format!(
                    "could not take a consent line without other changes ({why}): add `{}` by hand",
                    given.line(format)
                ),
                file,
            }
        }
    }
}

/// `text` with a consent line inserted among its top-level keys, nothing else changed,
/// and the line (as shown). Checked by parsing both versions.
fn add_consent(
    shown: &str,
    text: &str,
    given: &Given,
) -> std::result::Result<(String, String), String> {
    let shared: Arc<str> = Arc::from(text);
    let split = front_matter::split(Path::new(shown), &shared).map_err(|e| e.message)?;
    let line = given.line(split.format);
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let at = insertion_point(split.front, split.front_offset, split.format);
    let new = format!("{}{line}{newline}{}", &text[..at], &text[at..]);
    // The new front matter: the old one and the inserted line.
    let front_len = split.front.len() + line.len() + newline.len();
    let new_front = &new[split.front_offset..split.front_offset + front_len];
    let before = parse_front(split.front, split.format)?;
    let mut after = parse_front(new_front, split.format)?;
    let expected = parse_front(&line, split.format)?.remove("consent");
    let found = after.remove("consent");
    if found.is_none() || found != expected || before != after {
        return Err("the front matter would read differently".into());
    }
    Ok((line, new))
}

/// Where the new key goes: before the first line that opens a TOML table (`[extra]`), or
/// at the end of the front matter.
fn insertion_point(front: &str, front_offset: usize, format: Format) -> usize {
    let mut offset = front_offset;
    if format == Format::Toml {
        for line in front.split_inclusive('\n') {
            if line.trim_start().starts_with('[') {
                return offset;
            }
            offset += line.len();
        }
    }
    front_offset + front.len()
}

/// Front matter as plain data, to compare two versions of it.
fn parse_front(
    front: &str,
    format: Format,
) -> std::result::Result<serde_json::Map<String, serde_json::Value>, String> {
    match format {
        Format::Toml => toml::from_str(front).map_err(|e| e.message().to_string()),
        Format::Yaml => serde_saphyr::from_str(front).map_err(|e| e.to_string()),
    }
}

/// Replaces the file with `text` through a temporary file beside it, so it is never
/// half-written, and keeps its permissions.
pub(super) fn write(path: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let target = std::fs::canonicalize(path).map_err(|e| Error::io(path, e))?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(&target)
        .map_err(|e| Error::io(path, e))?
        .permissions();
    let mut temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    temp.write_all(text.as_bytes())
        .and_then(|()| temp.as_file().set_permissions(permissions))
        .map_err(|e| Error::io(path, e))?;
    temp.persist(&target)
        .map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given() -> Given {
        Given {
            date: "2026-03-01".into(),
            proof: "csv import: x.csv".into(),
        }
    }

    const LINE: &str = "consent = { date = 2026-03-01, scope = [\"quote\", \"name\"], proof = \"csv import: x.csv\" }";

    #[test]
    fn the_line_goes_before_the_first_table_and_nothing_else_moves() {
        let text = "+++\n# mine\ncustomer = \"Ada\"  # her name\n\n[extra]\nmood = \"happy\"\n+++\n\nHi.\n";
        let (line, new) = add_consent("a.md", text, &given()).unwrap();
        assert_eq!(line, LINE);
        assert_eq!(
            new,
            format!(
                "+++\n# mine\ncustomer = \"Ada\"  # her name\n\n{LINE}\n[extra]\nmood = \"happy\"\n+++\n\nHi.\n"
            )
        );
        let text = "+++\r\ncustomer = \"Ada\"\r\n+++\r\nHi.\r\n";
        let (_, new) = add_consent("a.md", text, &given()).unwrap();
        assert_eq!(
            new,
            format!("+++\r\ncustomer = \"Ada\"\r\n{LINE}\r\n+++\r\nHi.\r\n")
        );
    }

    #[test]
    fn yaml_front_matter_gets_a_yaml_line() {
        let text = "---\ncustomer: Ada\ntags:\n  - toys\n---\nHi.\n";
        let (line, new) = add_consent("a.md", text, &given()).unwrap();
        assert_eq!(
            line,
            "consent: { date: 2026-03-01, scope: [quote, name], proof: \"csv import: x.csv\" }"
        );
        assert_eq!(
            new,
            format!("---\ncustomer: Ada\ntags:\n  - toys\n{line}\n---\nHi.\n")
        );
    }

    #[test]
    fn a_line_that_would_change_the_meaning_is_refused() {
        // A multi-line string with a line that looks like a table: inserting before it
        // would cut the string, which the check notices.
        let text =
            "+++\ncustomer = \"Ada\"\ndisclosure = \"\"\"\n[not a table]\n\"\"\"\n+++\nHi.\n";
        assert!(add_consent("a.md", text, &given()).is_err());
    }

    fn found(consent: Option<&[&str]>, withdrawn: bool) -> Found {
        Found {
            shown: "content/shoutouts/a.md".into(),
            path: PathBuf::from("/nonexistent/a.md"),
            consent: consent.map(|s| s.iter().map(|w| w.to_string()).collect()),
            withdrawn,
        }
    }

    #[test]
    fn consent_is_never_narrowed_widened_or_revived_silently() {
        let yes = Some(&Answer::Yes);
        let no = Some(&Answer::No);
        let why = |change: Option<Change>| match change {
            Some(Change::Leave { why, .. }) => why,
            other => panic!("{other:?}"),
        };
        let wider = found(Some(&["quote", "name", "photo"]), false);
        assert!(
            why(change(&wider, yes, &given(), true))
                .contains("[quote, name, photo], not the export's [quote, name]")
        );
        assert!(why(change(&found(None, true), yes, &given(), true)).contains("withdrawn"));
        assert!(
            why(change(&found(Some(&["quote"]), false), no, &given(), true))
                .contains("withdrawn = DATE")
        );
        let same = found(Some(&["name", "quote"]), false);
        assert!(change(&same, yes, &given(), true).is_none());
        // Without --update-consent only a hint, and only where consent could be added.
        assert!(matches!(
            change(&found(None, false), yes, &given(), false),
            Some(Change::Available { .. })
        ));
        assert!(change(&wider, no, &given(), false).is_none());
        assert!(change(&found(None, true), yes, &given(), false).is_none());
        // A file that cannot be read is left, with the reason.
        assert!(
            why(change(&found(None, false), yes, &given(), true)).starts_with("cannot be read")
        );
    }
}
