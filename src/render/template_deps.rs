//! What each template reads: the templates it extends or includes, the parts of `site`
//! it uses and the functions it calls, found by scanning its text. Pages are fingerprinted
//! with it (`warm::fingerprints`), which also tells whether any template calls `posts()`
//! or `image()`.

use std::collections::{BTreeSet, HashMap};
use std::hash::{Hash, Hasher};

use crate::fingerprint::Fingerprint;
use crate::theme::Theme;

/// What one template (with its parents and includes) reads.
#[derive(Debug, Clone, Default)]
pub struct TemplateDeps {
    /// Hash of its text and of every template it extends or includes.
    pub text: u64,
    /// Keys of `site` it reads (`posts`, `pages`, ...).
    pub site_keys: BTreeSet<String>,
    /// It uses `site` as a whole.
    pub all_site: bool,
    /// Listing functions (and `asset`, `image`) it calls.
    pub functions: BTreeSet<&'static str>,
    /// It extends, includes or imports a template named by an expression, not a quoted
    /// name: what that template reads is unknown.
    pub unnamed_refs: bool,
}

/// Whether a template's text defines a Tera 2 component (`{% component ... %}`, with any
/// whitespace control): components are global, so any template may use one defined in
/// a file it neither extends nor includes.
pub fn defines_component(text: &str) -> bool {
    template_tags(text).any(|tag| {
        tag.trim_start_matches('-')
            .trim_start()
            .starts_with("component")
    })
}

/// The insides of a template's `{% %}` tags.
fn template_tags(text: &str) -> impl Iterator<Item = &str> {
    text.split("{%")
        .skip(1)
        .map(|rest| rest.split_once("%}").map_or(rest, |(inside, _)| inside))
}

/// Dependencies of every template of a theme.
pub fn template_deps(theme: &Theme) -> HashMap<String, TemplateDeps> {
    let direct: HashMap<&str, (Vec<String>, TemplateDeps)> = theme
        .templates
        .iter()
        .map(|(name, t)| {
            (
                name.as_str(),
                (referenced_templates(&t.text), scan(&t.text)),
            )
        })
        .collect();
    theme
        .templates
        .keys()
        .map(|name| {
            let mut seen = BTreeSet::new();
            let mut stack = vec![name.clone()];
            let mut deps = TemplateDeps::default();
            let mut hasher = Fingerprint::new();
            while let Some(current) = stack.pop() {
                if !seen.insert(current.clone()) {
                    continue;
                }
                let Some((refs, own)) = direct.get(current.as_str()) else {
                    continue;
                };
                current.hash(&mut hasher);
                theme.templates[&current].text.hash(&mut hasher);
                deps.site_keys.extend(own.site_keys.iter().cloned());
                deps.all_site |= own.all_site;
                deps.functions.extend(own.functions.iter().copied());
                deps.unnamed_refs |= own.unnamed_refs;
                stack.extend(refs.iter().cloned());
            }
            deps.text = hasher.finish();
            (name.clone(), deps)
        })
        .collect()
}

/// Each `extends`, `include` and `import` tag of `text`: the template it names in quotes,
/// or `None` when it names it by an expression (what that template reads is unknown).
fn references(text: &str) -> impl Iterator<Item = Option<&str>> {
    template_tags(text).filter_map(|tag| {
        let tag = tag.trim_start_matches('-').trim_start();
        let rest = ["extends", "include", "import"]
            .iter()
            .find_map(|keyword| {
                tag.strip_prefix(keyword)
                    .filter(|rest| rest.starts_with(char::is_whitespace))
            })?;
        let rest = rest.trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
        Some(quote.and_then(|quote| Some(&rest[1..1 + rest[1..].find(quote)?])))
    })
}

/// Templates named in `extends`, `include` and `import` tags.
fn referenced_templates(text: &str) -> Vec<String> {
    references(text).flatten().map(str::to_string).collect()
}

/// `site.<key>` uses and listing-function calls in one template's text.
fn scan(template: &str) -> TemplateDeps {
    let mut deps = TemplateDeps {
        unnamed_refs: references(template).any(|name| name.is_none()),
        ..TemplateDeps::default()
    };
    // Only code reads data: HTML text like `class="site-header"` must not count.
    let text = &template_code(template);
    for (at, _) in text.match_indices("site") {
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let rest = &text[at + 4..];
        if rest.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        match rest.strip_prefix('.') {
            Some(key) => {
                let len = key
                    .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .unwrap_or(key.len());
                deps.site_keys.insert(key[..len].to_string());
            }
            None if binds_a_name(rest) => {}
            None => deps.all_site = true,
        }
    }
    for function in ["posts", "shoutouts", "get_segment", "asset", "image"] {
        let call = format!("{function}(");
        let called = text.match_indices(&call).any(|(at, _)| {
            !text[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
        });
        if called {
            deps.functions.insert(function);
        }
    }
    deps
}

/// Whether a name followed by `rest` is being bound, not read: a keyword argument
/// (`t(key="x", site=config.title)`) or the target of `{% set site = ... %}`. Taken for a
/// read of the whole `site`, such a name made every page of its template depend on every
/// post, page and shout-out. `site == x` compares, so it reads.
fn binds_a_name(rest: &str) -> bool {
    let rest = rest.trim_start();
    rest.starts_with('=') && !rest.starts_with("==")
}

/// The insides of a template's `{{ }}` and `{% %}` tags, joined by spaces.
fn template_code(template: &str) -> String {
    let mut code = String::new();
    let mut rest = template;
    while let Some(open) = rest.find("{{").into_iter().chain(rest.find("{%")).min() {
        let close = if rest[open..].starts_with("{{") {
            "}}"
        } else {
            "%}"
        };
        let inner = &rest[open + 2..];
        let end = inner.find(close).unwrap_or(inner.len());
        code.push_str(&inner[..end]);
        code.push(' ');
        rest = &inner[(end + close.len()).min(inner.len())..];
    }
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_finds_site_keys_functions_and_references() {
        let deps = scan(
            "{% extends \"base.html\" %}{{ site.posts | length }} {{ shoutouts(limit=3) }} {{ my_site }}",
        );
        assert!(deps.site_keys.contains("posts"));
        assert!(!deps.all_site);
        assert!(deps.functions.contains("shoutouts"));
        assert!(scan("{{ site | json_encode }}").all_site);
        assert!(!scan("<header class=\"site-header\">{{ site.pages }}</header>").all_site);
        // A keyword argument named `site` binds a name; it reads nothing of `site`.
        let argument = scan("{{ t(key=\"shoutouts_feed_title\", site=config.title) }}");
        assert!(!argument.all_site && argument.site_keys.is_empty());
        assert!(!scan("{% set site = config.title %}").all_site);
        assert!(scan("{% if site == other %}x{% endif %}").all_site);
        assert_eq!(
            referenced_templates("{% extends 'base.html' %}{% include \"partials/x.html\" %}"),
            ["base.html", "partials/x.html"]
        );
        assert!(!scan("{% include \"a.svg\" %}{%- import 'm.html' as m -%}").unnamed_refs);
        assert!(scan("{% include card.kind ~ \".svg\" %}").unnamed_refs);
        assert!(scan("{%- include [\"a.svg\", \"b.svg\"] %}").unnamed_refs);
        assert!(!scan("<p>{{ included }} includes</p>").unnamed_refs);
    }

    #[test]
    fn components_are_found_with_any_whitespace_control() {
        for text in [
            "{% component Button(label) %}x{% endcomponent %}",
            "{%- component Button(label) -%}x{% endcomponent %}",
            "{%component Button() %}",
        ] {
            assert!(defines_component(text), "{text}");
        }
        assert!(!defines_component(
            "{{ component }} {% if components %}{% endif %}"
        ));
    }
}
