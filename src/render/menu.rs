//! `[[menu.main]]`: the header menu a site chooses, each link checked like a link in a
//! body: a site path must be a page or a file the build publishes, an `@/` link must name
//! published content, and anything else must be an http(s) URL.

use crate::error::SourceError;
use crate::site::Site;

use super::bodies::item_path;
use super::context::{LinkView, Urls};
use super::images::ImageFinder;

/// The menu in weight order, and an error for every entry whose link leads nowhere.
pub(super) fn main_menu(
    site: &Site,
    files: &ImageFinder,
    urls: &Urls,
) -> (Vec<LinkView>, Vec<SourceError>) {
    if site.config.menu.main.is_empty() {
        // Without a menu nothing is checked: the route set below costs a string per page.
        return (Vec::new(), Vec::new());
    }
    let pages: rustc_hash::FxHashSet<String> = site
        .routes
        .iter()
        .map(|route| route.url_path(site).as_str().to_string())
        .collect();
    let mut entries: Vec<&crate::config::MenuItem> = site.config.menu.main.iter().collect();
    entries.sort_by_key(|item| item.weight);
    let mut menu = Vec::new();
    let mut errors = Vec::new();
    for item in entries {
        match target(site, &pages, files, &item.url) {
            Ok(path) => menu.push(LinkView {
                name: item.name.clone(),
                slug: String::new(),
                url: urls.url(&path),
            }),
            Err(why) => errors.push(at_value(site, &item.url, why)),
        }
    }
    (menu, errors)
}

/// The site path or URL `url` leads to.
fn target(
    site: &Site,
    pages: &rustc_hash::FxHashSet<String>,
    files: &ImageFinder,
    url: &str,
) -> Result<String, String> {
    if url.starts_with("https://") || url.starts_with("http://") || url.starts_with("mailto:") {
        return Ok(url.to_string());
    }
    if let Some(content_path) = url.strip_prefix("@/") {
        return item_path(site, content_path).ok_or_else(|| {
            format!("menu link `{url}`: there is no published content/{content_path}")
        });
    }
    let Some(path) = url.strip_prefix('/') else {
        return Err(format!(
            "menu link `{url}` is not a site path (/about/), an @/ link (@/about.md) or an http(s) URL"
        ));
    };
    let path = path.split(['#', '?']).next().unwrap_or_default();
    let page = format!("/{}", path.trim_end_matches('/'));
    let as_page = if page == "/" {
        page.clone()
    } else {
        format!("{page}/")
    };
    if pages.contains(&as_page) {
        return Ok(url.to_string());
    }
    if !path.is_empty() && files.is_published(path) {
        return Ok(url.to_string());
    }
    Err(format!(
        "menu link `{url}`: the site has no page or file there"
    ))
}

/// An error at `url`'s value in `kudos.toml`.
fn at_value(site: &Site, url: &str, message: String) -> SourceError {
    let file = &site.config.file;
    let quoted = format!("\"{url}\"");
    match file.text.find(&quoted) {
        Some(at) => SourceError::at(&file.shown, &file.text, at..at + quoted.len(), message),
        None => site.config.error_at_key(Some("menu.main"), "url", message),
    }
    .with_help("link to a page the site has (/shoutouts/, /posts/), an @/ link to content, or an https:// URL")
}
