//! Build-time code highlighting with syntect, into CSS classes.
//!
//! Classes instead of inline styles keep pages small and let `/syntax.css` switch between
//! a light and a dark theme with `prefers-color-scheme`. The syntax set (two-face's, which
//! knows TOML and many more than syntect's defaults) is loaded once, on first use, so a
//! site without code blocks never pays for it.
//!
//! syntect marks every scope atom of every token (`z-source z-rust`, `z-meta z-function
//! z-rust`...), most of which no theme styles. Output is compacted: only atoms some bundled
//! theme's CSS mentions are kept, under short names (`z-1a`), and spans left without a
//! class are dropped. Pages shrink by about half, with identical colours.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;
use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, css_for_theme_with_class_style};
use syntect::parsing::{
    BasicScopeStackOp, ParseState, Scope, ScopeStack, ScopeStackOp, SyntaxReference, SyntaxSet,
};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "z-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

/// syntect's bundled themes plus two-face's Coldark pair, the defaults: Coldark keeps every
/// token at WCAG AA contrast (4.5:1) in both schemes, which none of syntect's own does.
fn themes() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(|| {
        use two_face::theme::EmbeddedThemeName::{ColdarkCold, ColdarkDark};
        let mut set = ThemeSet::load_defaults();
        let extra = two_face::theme::extra();
        for name in [ColdarkCold, ColdarkDark] {
            set.themes
                .insert(name.as_name().to_string(), extra.get(name).clone());
        }
        set
    })
}

/// Highlighted HTML for a code block: `<pre><code>` with classes, or escaped plain text
/// when the language is unknown or absent.
pub fn code_block(code: &str, lang: Option<&str>) -> String {
    let lang = lang.map(str::trim).filter(|l| !l.is_empty());
    let mut out = String::with_capacity(code.len() * 2 + 64);
    out.push_str("<pre class=\"code");
    if let Some(class) = background_class() {
        out.push(' ');
        out.push_str(class);
    }
    out.push('"');
    if let Some(lang) = lang {
        out.push_str(" data-lang=\"");
        pulldown_cmark_escape::escape_html(&mut out, lang).ok();
        out.push('"');
    }
    out.push_str("><code>");
    match lang.and_then(find_syntax) {
        Some(syntax) => {
            if !highlight_into(code, syntax, &mut out) {
                pulldown_cmark_escape::escape_html_body_text(&mut out, code).ok();
            }
        }
        None => {
            pulldown_cmark_escape::escape_html_body_text(&mut out, code).ok();
        }
    }
    out.push_str("</code></pre>\n");
    out
}

/// The compact class of syntect's `code` atom: themes put the block's background and
/// default colour on `.z-code`, which syntect's own HTML sets on `<pre>`. Without it a
/// theme's dark background never reaches the page. Every block gets it, highlighted or
/// not, so plain blocks match the highlighted ones.
fn background_class() -> Option<&'static str> {
    styled_atoms().get("code").map(String::as_str)
}

/// Appends the highlighted `code` to `out`: one span per scope that carries a styled atom,
/// with compact classes (matching what `compact_into` makes of syntect's own HTML). Going
/// straight from parse operations to spans avoids building the verbose HTML first.
/// Returns false (leaving `out` as it was) if the grammar fails on the input.
fn highlight_into(code: &str, syntax: &SyntaxReference, out: &mut String) -> bool {
    let start = out.len();
    let set = syntaxes();
    let mut state = ParseState::new(syntax);
    let mut stack = ScopeStack::new();
    // Per open scope: where its span tag starts and ends in `out`, if one was written.
    let mut open: Vec<Option<(usize, usize)>> = Vec::new();
    for line in LinesWithEndings::from(code) {
        let Some(parsed) = parse_line(&mut state, line, set) else {
            out.truncate(start);
            return false;
        };
        let mut done = 0;
        for &(at, ref op) in &parsed.ops {
            if at > done {
                pulldown_cmark_escape::escape_html_body_text(&mut *out, &line[done..at]).ok();
                done = at;
            }
            let applied = stack.apply_with_hook(op, |basic, _| match basic {
                BasicScopeStackOp::Push(scope) => match class_of(scope) {
                    Some(class) => {
                        let tag_start = out.len();
                        out.push_str("<span class=\"");
                        out.push_str(&class);
                        out.push_str("\">");
                        open.push(Some((tag_start, out.len())));
                    }
                    None => open.push(None),
                },
                BasicScopeStackOp::Pop => match open.pop().flatten() {
                    // Nothing inside: drop the empty span instead of closing it.
                    Some((tag_start, tag_end)) if out.len() == tag_end => out.truncate(tag_start),
                    Some(_) => out.push_str("</span>"),
                    None => {}
                },
            });
            if applied.is_err() {
                out.truncate(start);
                return false;
            }
        }
        pulldown_cmark_escape::escape_html_body_text(&mut *out, &line[done..]).ok();
    }
    for span in open.into_iter().rev().flatten() {
        if out.len() == span.1 {
            out.truncate(span.0);
        } else {
            out.push_str("</span>");
        }
    }
    true
}

/// What parsing one line did: its scope operations and the parser's state after it.
struct ParsedLine {
    ops: Vec<(usize, ScopeStackOp)>,
    after: ParseState,
}

/// Lines this thread parsed, by text, each with the state it was parsed from.
#[derive(Default)]
struct LineMemo {
    by_text: HashMap<String, Vec<(ParseState, Rc<ParsedLine>)>>,
    entries: usize,
}

/// Lines longer than this are rarely repeated: not remembered.
const LONGEST_REMEMBERED_LINE: usize = 160;
/// States remembered per line text (a blank line occurs in many contexts).
const STATES_PER_LINE: usize = 16;
/// Parsed lines remembered per thread; past it the memo starts over.
const MOST_REMEMBERED_LINES: usize = 2_048;

/// Parses `line` from `state` (which moves on past it), reusing what an earlier parse
/// of the same text from an equal state did: the parser is deterministic, so that is
/// exactly what parsing again would give. Code repeats lines (blank lines, braces,
/// imports, attributes), and parsing is most of a build's time. `None` if the grammar
/// fails on the line.
fn parse_line(state: &mut ParseState, line: &str, set: &SyntaxSet) -> Option<Rc<ParsedLine>> {
    thread_local! {
        static MEMO: RefCell<LineMemo> = RefCell::default();
    }
    let remember = line.len() <= LONGEST_REMEMBERED_LINE;
    if remember {
        let known = MEMO.with(|memo| {
            let memo = memo.borrow();
            let candidates = memo.by_text.get(line)?;
            candidates
                .iter()
                .find(|(before, _)| before == state)
                .map(|(_, parsed)| Rc::clone(parsed))
        });
        if let Some(parsed) = known {
            state.clone_from(&parsed.after);
            return Some(parsed);
        }
    }
    let before = remember.then(|| state.clone());
    let ops = state.parse_line(line, set).ok()?;
    let parsed = Rc::new(ParsedLine {
        ops,
        after: state.clone(),
    });
    if let Some(before) = before {
        MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            if memo.entries >= MOST_REMEMBERED_LINES {
                *memo = LineMemo::default();
            }
            let states = memo.by_text.entry(line.to_string()).or_default();
            if states.len() < STATES_PER_LINE {
                states.push((before, Rc::clone(&parsed)));
                memo.entries += 1;
            }
        });
    }
    Some(parsed)
}

/// The compact class list of a scope (`keyword.control.rust` -> `z-7 z-3`), or none when
/// no theme styles any of its atoms. Cached per thread: scopes repeat endlessly.
fn class_of(scope: Scope) -> Option<std::rc::Rc<str>> {
    thread_local! {
        static CLASSES: std::cell::RefCell<HashMap<Scope, Option<std::rc::Rc<str>>>> =
            Default::default();
    }
    CLASSES.with(|cache| {
        if let Some(hit) = cache.borrow().get(&scope) {
            return hit.clone();
        }
        let atoms = styled_atoms();
        let name = scope.build_string();
        let classes: Vec<&str> = name
            .split('.')
            .filter_map(|a| atoms.get(a))
            .map(String::as_str)
            .collect();
        let class = (!classes.is_empty()).then(|| std::rc::Rc::from(classes.join(" ")));
        cache.borrow_mut().insert(scope, class.clone());
        class
    })
}

/// Whether a fenced block's language is one kudos knows: a grammar, or one of the names of
/// plain text (`text`, `plain`, `txt`...), which is shown unhighlighted on purpose.
pub fn is_known_language(lang: &str) -> bool {
    const PLAIN: [&str; 5] = ["text", "plain", "plaintext", "none", "txt"];
    let set = syntaxes();
    PLAIN.contains(&lang.to_ascii_lowercase().as_str())
        || set.find_syntax_by_token(lang).is_some()
        || set.find_syntax_by_name(lang).is_some()
}

/// The short names a fence may use (`rs`, `toml`, `py`...), for suggestions.
pub fn language_tokens() -> impl Iterator<Item = &'static str> {
    syntaxes()
        .syntaxes()
        .iter()
        .flat_map(|s| s.file_extensions.iter().map(String::as_str))
}

fn find_syntax(lang: &str) -> Option<&'static syntect::parsing::SyntaxReference> {
    let set = syntaxes();
    set.find_syntax_by_token(lang)
        .or_else(|| set.find_syntax_by_name(lang))
        .filter(|s| s.name != "Plain Text")
}

/// Scope atoms that some bundled theme styles, with their short class names.
fn styled_atoms() -> &'static HashMap<String, String> {
    static MAP: OnceLock<HashMap<String, String>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut atoms = BTreeSet::new();
        for theme in themes().themes.values() {
            if let Ok(css) = css_for_theme_with_class_style(theme, CLASS_STYLE) {
                atoms.extend(css_atoms(&css).map(str::to_string));
            }
        }
        atoms
            .into_iter()
            .enumerate()
            .map(|(i, atom)| (atom, format!("z-{i:x}")))
            .collect()
    })
}

/// The atoms named by `.z-<atom>` in a stylesheet.
fn css_atoms(css: &str) -> impl Iterator<Item = &str> {
    css.match_indices(".z-").map(move |(at, _)| {
        let rest = &css[at + 3..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        &rest[..len]
    })
}

/// Appends syntect's classed HTML to `out`, keeping only styled atoms (renamed short) and
/// dropping spans that end up with no class: the reference [`highlight_into`] must match.
#[cfg(test)]
fn compact_into(html: &str, out: &mut String) {
    const OPEN: &str = "<span class=\"";
    const CLOSE: &str = "</span>";
    let atoms = styled_atoms();
    let mut kept_spans: Vec<bool> = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix(OPEN)
            && let Some(end) = after.find("\">")
        {
            let classes: Vec<&str> = after[..end]
                .split(' ')
                .filter_map(|c| c.strip_prefix("z-").and_then(|a| atoms.get(a)))
                .map(String::as_str)
                .collect();
            kept_spans.push(!classes.is_empty());
            if !classes.is_empty() {
                out.push_str(OPEN);
                out.push_str(&classes.join(" "));
                out.push_str("\">");
            }
            rest = &after[end + 2..];
        } else if let Some(after) = rest.strip_prefix(CLOSE) {
            if kept_spans.pop().unwrap_or(true) {
                out.push_str(CLOSE);
            }
            rest = after;
        } else {
            out.push('<');
            rest = &rest[1..];
        }
    }
    out.push_str(rest);
}

/// A theme's CSS with `.z-<atom>` selectors renamed like [`compact_into`] renames classes.
fn compact_css(css: &str) -> String {
    let atoms = styled_atoms();
    let mut out = String::with_capacity(css.len());
    let mut rest = css;
    while let Some(at) = rest.find(".z-") {
        out.push_str(&rest[..at]);
        let atom = css_atoms(&rest[at..]).next().unwrap_or_default();
        match atoms.get(atom) {
            Some(short) => {
                out.push('.');
                out.push_str(short);
            }
            None => {
                out.push_str(".z-");
                out.push_str(atom);
            }
        }
        rest = &rest[at + 3 + atom.len()..];
    }
    out.push_str(rest);
    out
}

/// Names of the available highlight themes, for error messages.
pub fn theme_names() -> Vec<&'static str> {
    themes().themes.keys().map(String::as_str).collect()
}

/// `/syntax.css`: the light theme under `prefers-color-scheme: light` and the dark one
/// under `dark`. Each theme sits in its own block so that a rule of the light theme the dark
/// one does not restate (a dark grey on a dark page) never reaches a dark page.
/// Returns the name of an unknown theme as the error.
pub fn syntax_css(light: &str, dark: &str) -> Result<String, String> {
    let css_for = |name: &str| {
        let theme = themes().themes.get(name).ok_or_else(|| name.to_string())?;
        css_for_theme_with_class_style(theme, CLASS_STYLE)
            .map(|css| compact_css(&css))
            .map_err(|_| name.to_string())
    };
    let light = css_for(light)?;
    let dark = css_for(dark)?;
    Ok(format!(
        "/* Generated by kudos from syntect themes. */\n@media (prefers-color-scheme: light) {{\n{light}\n}}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_rules_never_reach_a_dark_page() {
        let css = syntax_css("Coldark-Cold", "Coldark-Dark").unwrap();
        let light = css.find("@media (prefers-color-scheme: light) {").unwrap();
        let dark = css.find("@media (prefers-color-scheme: dark) {").unwrap();
        let before_light = &css[..light];
        assert!(
            !before_light.contains('{'),
            "a rule outside both blocks:\n{css}"
        );
        assert!(light < dark);
    }

    #[test]
    fn known_languages_get_classes() {
        let html = code_block("fn main() {}\n", Some("rust"));
        assert!(html.contains("class=\"z-"), "{html}");
        let html = code_block("[build]\npaginate = 5\n", Some("toml"));
        assert!(html.contains("class=\"z-"), "{html}");
    }

    #[test]
    fn compaction_keeps_styled_atoms_and_balances_spans() {
        let atoms = styled_atoms();
        let keyword = &atoms["keyword"];
        let mut out = String::new();
        compact_into(
            "<span class=\"z-source z-nonsense\"><span class=\"z-keyword z-nonsense\">fn</span> x &lt; y</span>",
            &mut out,
        );
        let source = atoms.get("source").map(|s| format!("<span class=\"{s}\">"));
        let expected = format!("<span class=\"{keyword}\">fn</span> x &lt; y");
        match source {
            Some(open) => assert_eq!(out, format!("{open}{expected}</span>")),
            None => assert_eq!(out, expected),
        }
    }

    #[test]
    fn direct_spans_match_compacted_syntect_html() {
        let samples = [
            (
                "rust",
                "fn main() {\n    let s = \"a < b\"; // note\n    println!(\"{s}\");\n}\n",
            ),
            (
                "python",
                "def f(x):\n    \"\"\"doc\"\"\"\n    return x ** 2  # sq\n",
            ),
            ("toml", "[build]\npaginate = 5\nname = \"x\"\n"),
            ("js", "const a = () => { return `t${1}`; };\n"),
        ];
        for (lang, code) in samples {
            let syntax = find_syntax(lang).unwrap();
            let mut generator = syntect::html::ClassedHTMLGenerator::new_with_class_style(
                syntax,
                syntaxes(),
                CLASS_STYLE,
            );
            for line in LinesWithEndings::from(code) {
                generator
                    .parse_html_for_line_which_includes_newline(line)
                    .unwrap();
            }
            let mut reference = String::new();
            compact_into(
                &generator.finalize().replace("&quot;", "\""),
                &mut reference,
            );
            let mut direct = String::new();
            assert!(highlight_into(code, syntax, &mut direct));
            assert_eq!(direct, reference, "{lang}");
        }
    }

    #[test]
    fn a_remembered_line_is_highlighted_as_its_state_says() {
        // `let x = 1;` and `}` occur in code, in a block comment and in a raw string:
        // the same text in three states, parsed again after the memo knows it.
        let primer = "fn f() {\n    let x = 1;\n}\n";
        let mixed = "/*\n    let x = 1;\n}\n*/\nconst S: &str = r#\"\n    let x = 1;\n}\n\"#;\nfn g() {\n    let x = 1;\n}\n";
        let fresh = |code: &'static str| {
            std::thread::spawn(move || code_block(code, Some("rust")))
                .join()
                .unwrap()
        };
        let expected = fresh(mixed);
        code_block(primer, Some("rust"));
        assert_eq!(code_block(mixed, Some("rust")), expected);
        assert_eq!(
            code_block(mixed, Some("rust")),
            expected,
            "all from the memo"
        );
        assert_eq!(code_block(primer, Some("rust")), fresh(primer));
        assert!(
            expected.matches("let x = 1;").count() == 2,
            "comment and string are plain runs"
        );
    }

    #[test]
    fn css_and_html_use_the_same_short_names() {
        let html = code_block("fn main() { let x = 1; }\n", Some("rust"));
        let css = syntax_css("InspiredGitHub", "base16-ocean.dark").unwrap();
        assert!(!html.contains("z-source"), "{html}");
        for class in html
            .split("class=\"")
            .skip(2)
            .map(|c| &c[..c.find('"').unwrap()])
        {
            for name in class.split(' ') {
                assert!(
                    css.contains(&format!(".{name}")),
                    "{name} is not in the CSS"
                );
            }
        }
    }

    #[test]
    fn unknown_languages_fall_back_to_escaped_text() {
        let html = code_block("<b>grain</b>\n", Some("woodgrain"));
        assert!(html.contains("&lt;b&gt;grain&lt;/b&gt;"), "{html}");
        // The block keeps the theme's background class on `<pre>`, but no token spans.
        assert!(!html.contains("<span class=\"z-"), "{html}");
    }

    #[test]
    fn plain_text_names_and_grammars_are_known_languages() {
        for lang in ["rust", "toml", "Python", "text", "TXT", "plain"] {
            assert!(is_known_language(lang), "{lang}");
        }
        assert!(!is_known_language("woodgrain"));
    }

    #[test]
    fn css_has_both_schemes() {
        let css = syntax_css("InspiredGitHub", "base16-ocean.dark").unwrap();
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(css.contains(".z-"));
        assert_eq!(syntax_css("Nope", "base16-ocean.dark").unwrap_err(), "Nope");
    }
}
