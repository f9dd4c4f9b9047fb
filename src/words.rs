//! Counts in words, for every message kudos prints, in the CLI and in diagnostics.

/// A count with its noun, singular or plural: `counted(1, "page")` -> "1 page",
/// `counted(1234, "page")` -> "1,234 pages". Every count kudos prints goes through here.
pub fn counted(n: usize, noun: &str) -> String {
    let plural = match noun {
        "entry" => "entries",
        "copy" => "copies",
        _ => "",
    };
    match (n, plural) {
        (1, _) => format!("1 {noun}"),
        (_, "") => format!("{} {noun}s", thousands(n)),
        (_, plural) => format!("{} {plural}", thousands(n)),
    }
}

/// Thousands separators for summaries: 1234 -> "1,234".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separators() {
        assert_eq!(super::thousands(1234567), "1,234,567");
        assert_eq!(super::thousands(12), "12");
    }

    #[test]
    fn counts_are_singular_for_one_and_plural_otherwise() {
        assert_eq!(super::counted(1, "page"), "1 page");
        assert_eq!(super::counted(0, "page"), "0 pages");
        assert_eq!(super::counted(2_500, "warning"), "2,500 warnings");
        assert_eq!(super::counted(3, "entry"), "3 entries");
    }
}
