//! "Did you mean ...?" for unknown keys and names.
//!
//! serde reports an unknown field as "unknown field `tagz`, expected one of `title`, ...";
//! rather than re-validating keys by hand for every format, we read the name and the
//! expected list back out of that message, so TOML and YAML get the same suggestions.

/// The candidate closest to `name`, if any is close enough to be a plausible typo.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// For a serde "unknown field" or "unknown variant" message, a help line suggesting the
/// nearest known key (or value, for a variant), or listing them all when none is close.
pub fn unknown_field_help(message: &str) -> Option<String> {
    let (rest, kind) = match message.split_once("unknown field `") {
        Some((_, rest)) => (rest, "keys"),
        None => (message.split_once("unknown variant `")?.1, "values"),
    };
    let (name, rest) = rest.split_once('`')?;
    let list = rest.split_once("expected").map_or("", |(_, l)| l);
    let list = list.trim_start().trim_start_matches("one of").trim();
    let expected: Vec<&str> = list
        .split([',', '\n'])
        .flat_map(|item| item.split(" or "))
        .map(|item| item.trim().trim_matches('`'))
        .filter(|item| !item.is_empty())
        .collect();
    Some(match nearest(name, expected.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("known {kind}: {}", expected.join(", ")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_field() {
        let msg = "unknown field `tagz`, expected one of `title`, `date`, `tags`";
        assert_eq!(unknown_field_help(msg).unwrap(), "did you mean `tags`?");
    }

    #[test]
    fn reads_yaml_style_lists_and_variants() {
        let msg = "unknown field `tagz`, expected one of title, tags, date";
        assert_eq!(unknown_field_help(msg).unwrap(), "did you mean `tags`?");
        let msg = "unknown variant `nmae`, expected one of `quote`, `name`, `photo`";
        assert_eq!(unknown_field_help(msg).unwrap(), "did you mean `name`?");
    }

    #[test]
    fn lists_fields_when_nothing_is_close() {
        let msg = "unknown field `zzz`, expected `title` or `date`";
        assert_eq!(unknown_field_help(msg).unwrap(), "known keys: title, date");
    }

    #[test]
    fn an_unknown_variant_lists_the_known_values_not_keys() {
        let msg = "unknown variant `foto`, expected one of `quote`, `name`, `photo`, `social`";
        assert_eq!(
            unknown_field_help(msg).unwrap(),
            "known values: quote, name, photo, social"
        );
    }
}
