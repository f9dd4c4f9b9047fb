//! Slugs: the one rule that turns a name (a file name, a tag, a folder, a heading) into a
//! URL segment or an id.
//!
//! By default letters of every script are kept, lowercased: `日本語` stays `日本語` and
//! `Привет` becomes `привет` (URLs carry them percent-encoded, see
//! [`crate::render::context::Urls`]), because a transliteration such as `ri-ben-yu` is
//! neither what the author wrote nor what a reader of that language would type. Latin
//! letters lose their accents (`Crème brûlée` -> `creme-brulee`), which is what readers of
//! Latin-script languages expect in a URL. Anything that is not a letter, digit or mark
//! becomes one `-`. `[build] transliterate_slugs = true` turns every letter into ASCII
//! instead, the rule of kudos before 0.2.

use deunicode::deunicode_char;
use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::CodePointMapData;
use icu_properties::props::{GeneralCategory, GeneralCategoryGroup, Script};

/// How names become slugs, from `[build] transliterate_slugs`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum SlugStyle {
    /// Letters of every script are kept; Latin letters lose their accents.
    #[default]
    KeepLetters,
    /// Every letter becomes ASCII (`日本語` -> `ri-ben-yu`).
    Transliterate,
}

impl SlugStyle {
    /// A URL segment for `name`: never empty (`untitled` when nothing of it is left).
    pub fn slugify(self, name: &str) -> String {
        if is_clean(name) {
            return name.to_string();
        }
        let slug = self.words(name);
        if slug.is_empty() {
            "untitled".into()
        } else {
            slug
        }
    }

    /// The letters and digits of `text` joined by `-`; empty when it has none. A name of
    /// symbols only (an emoji tag) falls back to their transliteration (`🎉` -> `tada`).
    pub fn words(self, text: &str) -> String {
        let mut slug = Slug::with_capacity(text.len());
        match self {
            SlugStyle::Transliterate => transliterate(text, &mut slug),
            SlugStyle::KeepLetters => keep_letters(text, &mut slug),
        }
        if slug.text.is_empty() && self == SlugStyle::KeepLetters {
            transliterate(text, &mut slug);
        }
        slug.finish()
    }
}

/// Already a slug: lowercase ASCII letters and digits between single dashes. Most names
/// are (file names, tags like `customer-success`), and they skip the Unicode tables.
fn is_clean(name: &str) -> bool {
    name.split('-').all(|part| {
        !part.is_empty()
            && part
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// A slug being written: no dash at the start, none doubled, none at the end.
struct Slug {
    text: String,
    after_dash: bool,
}

impl Slug {
    fn with_capacity(len: usize) -> Slug {
        Slug {
            text: String::with_capacity(len),
            after_dash: true,
        }
    }

    fn push_ascii(&mut self, byte: u8) {
        if byte.is_ascii_alphanumeric() {
            self.text.push(char::from(byte.to_ascii_lowercase()));
            self.after_dash = false;
        } else {
            self.dash();
        }
    }

    fn push_letter(&mut self, letter: char) {
        self.text.extend(letter.to_lowercase());
        self.after_dash = false;
    }

    fn push_transliterated(&mut self, c: char) {
        for byte in deunicode_char(c).unwrap_or("-").bytes() {
            self.push_ascii(byte);
        }
    }

    fn dash(&mut self) {
        if !self.after_dash {
            self.text.push('-');
            self.after_dash = true;
        }
    }

    fn finish(mut self) -> String {
        if self.text.ends_with('-') {
            self.text.pop();
        }
        self.text
    }
}

fn transliterate(text: &str, slug: &mut Slug) {
    for c in text.chars() {
        if c.is_ascii() {
            slug.push_ascii(c as u8);
        } else {
            slug.push_transliterated(c);
        }
    }
}

fn keep_letters(text: &str, slug: &mut Slug) {
    // Composed first, so `e` + combining acute is the one Latin letter `é`.
    let text = ComposingNormalizerBorrowed::new_nfc().normalize(text);
    let categories = CodePointMapData::<GeneralCategory>::new();
    let scripts = CodePointMapData::<Script>::new();
    // Characters shared by scripts (the Japanese long-vowel mark `ー`, combining marks)
    // follow the letter before them, as Unicode's script runs do.
    let mut in_other_script = false;
    for c in text.chars() {
        if c.is_ascii() {
            slug.push_ascii(c as u8);
            in_other_script = false;
            continue;
        }
        let category = categories.get(c);
        let is_word_part = GeneralCategoryGroup::Letter.contains(category)
            || GeneralCategoryGroup::Number.contains(category)
            || GeneralCategoryGroup::Mark.contains(category);
        if !is_word_part {
            slug.dash();
            in_other_script = false;
            continue;
        }
        let script = scripts.get(c);
        let shared = script == Script::Common || script == Script::Inherited;
        if script == Script::Latin || (shared && !in_other_script) {
            slug.push_transliterated(c);
            in_other_script = false;
        } else {
            slug.push_letter(c);
            in_other_script = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SlugStyle::{KeepLetters, Transliterate};

    #[test]
    fn clean_names_pass_through_and_others_are_cleaned() {
        for name in ["customer-success", "p00001-the-story", "a"] {
            assert_eq!(KeepLetters.slugify(name), name);
        }
        assert_eq!(KeepLetters.slugify("Workshop Life"), "workshop-life");
        assert_eq!(KeepLetters.slugify("-x-"), "x");
        assert_eq!(KeepLetters.slugify("a--b"), "a-b");
        assert_eq!(KeepLetters.slugify("C++"), "c");
        assert_eq!(KeepLetters.slugify("!!!"), "untitled");
    }

    #[test]
    fn letters_of_other_scripts_are_kept_and_latin_accents_dropped() {
        assert_eq!(KeepLetters.slugify("日本語"), "日本語");
        assert_eq!(KeepLetters.slugify("Привет, мир"), "привет-мир");
        assert_eq!(KeepLetters.slugify("Ελληνικά"), "ελληνικά");
        assert_eq!(KeepLetters.slugify("हिन्दी"), "हिन्दी");
        assert_eq!(KeepLetters.slugify("ラーメン"), "ラーメン");
        assert_eq!(KeepLetters.slugify("Crème brûlée"), "creme-brulee");
        // The same letter decomposed (e + U+0301) gives the same slug.
        assert_eq!(KeepLetters.slugify("Cre\u{300}me"), "creme");
        assert_eq!(KeepLetters.slugify("Straße"), "strasse");
        assert_eq!(KeepLetters.slugify("Tokyo 東京 2026"), "tokyo-東京-2026");
    }

    #[test]
    fn symbols_only_fall_back_to_their_transliteration() {
        assert_eq!(KeepLetters.slugify("🎉"), "tada");
        assert_eq!(KeepLetters.words("¿?"), "");
    }

    #[test]
    fn transliteration_turns_every_letter_into_ascii() {
        assert_eq!(Transliterate.slugify("日本語"), "ri-ben-yu");
        assert_eq!(Transliterate.slugify("Crème brûlée"), "creme-brulee");
        assert_eq!(Transliterate.slugify("Æúű--cool?"), "aeuu-cool");
        assert_eq!(Transliterate.slugify("You & Me"), "you-me");
    }
}
