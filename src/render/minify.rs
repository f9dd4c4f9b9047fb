//! `[build] minify`: a deliberately conservative HTML minifier.
//!
//! It only removes what can never change how a page renders: the indentation at the start
//! of lines and blank lines, outside `<pre>` and `<textarea>` (where whitespace is
//! content). A run of whitespace that contains a line break still leaves that line break,
//! so words and inline elements keep their spacing. Templates are usually indented, so
//! this takes off most of the fat without parsing HTML.

/// `html` with leading indentation and blank lines removed outside `<pre>`/`<textarea>`.
pub fn minify_html(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut verbatim = false;
    for line in html.split_inclusive('\n') {
        let kept = if verbatim {
            line
        } else {
            line.trim_start_matches([' ', '\t'])
        };
        if !verbatim && kept.trim().is_empty() {
            continue;
        }
        out.push_str(kept);
        verbatim = ends_inside_verbatim(kept, verbatim);
    }
    out
}

/// Whether, after `line`, we are inside a `<pre>` or `<textarea>` element.
fn ends_inside_verbatim(line: &str, mut inside: bool) -> bool {
    let lower = line.to_ascii_lowercase();
    let mut at = 0;
    while at < lower.len() {
        let rest = &lower[at..];
        let next = if inside {
            ["</pre>", "</textarea>"]
                .iter()
                .filter_map(|t| rest.find(t).map(|i| (i, t.len())))
                .min()
        } else {
            ["<pre", "<textarea"]
                .iter()
                .filter_map(|t| {
                    rest.find(t)
                        .filter(|i| rest[i + t.len()..].starts_with(['>', ' ', '\n', '\t']))
                        .map(|i| (i, t.len()))
                })
                .min()
        };
        match next {
            Some((i, len)) => {
                inside = !inside;
                at += i + len;
            }
            None => break,
        }
    }
    inside
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indentation_and_blank_lines_go() {
        let html = "<ul>\n    <li>a</li>\n\n    <li>b</li>\n</ul>\n";
        assert_eq!(minify_html(html), "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
    }

    #[test]
    fn pre_and_textarea_are_left_alone() {
        let html = "<div>\n  <pre class=\"code\"><code>fn x() {\n    y();\n\n}\n</code></pre>\n  <p>after</p>\n<textarea>\n  keep\n</textarea>\n";
        assert_eq!(
            minify_html(html),
            "<div>\n<pre class=\"code\"><code>fn x() {\n    y();\n\n}\n</code></pre>\n<p>after</p>\n<textarea>\n  keep\n</textarea>\n"
        );
    }

    #[test]
    fn a_pre_opened_and_closed_on_one_line_does_not_leak() {
        let html = "<pre>x</pre>\n   <p>y</p>\n";
        assert_eq!(minify_html(html), "<pre>x</pre>\n<p>y</p>\n");
        assert_eq!(minify_html("<preview>\n  x\n"), "<preview>\nx\n");
    }
}
