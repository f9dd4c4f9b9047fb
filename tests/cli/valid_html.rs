//! The Nu Html Checker finds no error in the pages of the shout-out fixtures (issue 3,
//! acceptance 10): consent-hidden and sanitised cards, disclosures, JSON-LD, the wall with
//! its filter pages and pagination, segment pages, variants and shortcodes.
//!
//! Needs the checker from `npm ci` (see README), as `tests/demo_site.rs` does.

use crate::common::{Site, nu_html_errors};

/// Every error the Nu Html Checker reports in the HTML pages of `sites` (built first).
fn html_errors(sites: &[Site]) -> String {
    let mut files = Vec::new();
    for site in sites {
        site.build().success();
        files.extend(
            site.files_ending("public", ".html")
                .into_iter()
                .map(|page| site.path(&format!("public/{page}"))),
        );
    }
    nu_html_errors(&files)
}

#[test]
fn shoutout_fixtures_are_valid_html5() {
    let honesty = Site::fixture("honesty");
    // The `javascript:` link of the hostile quote is left out here: see the next test.
    honesty.edit(
        "content/shoutouts/xss.md",
        ", see [x](javascript:alert(1)) for proof",
        "",
    );
    let sites = [honesty, Site::fixture("segments")];
    let errors = html_errors(&sites);
    let pages: usize = sites
        .iter()
        .map(|s| s.files_ending("public", ".html").len())
        .sum();
    assert!(pages > 45, "both sites were checked: {pages} pages");
    assert!(errors.is_empty(), "HTML errors:\n{errors}");
}

#[test]
fn a_quote_with_a_javascript_link_is_still_valid_html5() {
    let errors = html_errors(&[Site::fixture("honesty")]);
    assert!(errors.is_empty(), "HTML errors:\n{errors}");
}

#[test]
fn a_shoutout_embedded_twice_on_a_page_is_still_valid_html5() {
    let site = Site::fixture("segments");
    site.write(
        "content/posts/twice.md",
        "+++\ntitle = \"Twice\"\ndate = 2025-01-01\n+++\n\nOur favourite:\n\n{{ shoutout(slug=\"cara-cole\") }}\n\nAnd all from new parents:\n\n{{ shoutouts(segment=\"new-parents\") }}\n",
    );
    let errors = html_errors(&[site]);
    assert!(errors.is_empty(), "HTML errors:\n{errors}");
}

#[test]
fn responsive_images_are_valid_html5() {
    // <picture> with a WebP <source>, srcset with sizes, SVGs, avatars and a hero.
    let site = Site::fixture("images");
    let errors = html_errors(std::slice::from_ref(&site));
    assert!(site.files_ending("public", ".html").len() >= 8);
    assert!(errors.is_empty(), "HTML errors:\n{errors}");
}
