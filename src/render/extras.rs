//! Files that are copied, not rendered (theme and site static files, content assets), and
//! the check that no two outputs claim one path.

use rustc_hash::FxHashMap;

use crate::config::Host;
use crate::error::{Error, Result, SourceError};
use crate::output::paths::describe;
use crate::output::{Contents, OutputFile};
use crate::site::Site;
use crate::theme::{StaticSource, Theme};

use super::assets::Assets;
use super::context::Urls;

/// Two outputs at one path (a file in `static/` named like a generated page, a content
/// asset named like a static file) would race when written: an error naming both.
pub fn reject_collisions(files: &[OutputFile]) -> Result<()> {
    let mut seen: FxHashMap<&str, &OutputFile> = FxHashMap::default();
    seen.reserve(files.len());
    let mut errors = Vec::new();
    for file in files {
        if let Some(first) = seen.insert(&file.path, file) {
            errors.push(
                SourceError::new(
                    describe(file),
                    format!(
                        "two files claim the output {}: {} and {}",
                        file.path,
                        describe(first),
                        describe(file)
                    ),
                )
                .with_help("rename or remove one of them"),
            );
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Content(errors))
    }
}

/// The files that are not rendered from templates: `syntax.css` and the fingerprinted
/// stylesheets and scripts ([`Assets`]), the theme's and the site's static files, and
/// content assets, less the photo files the visibility decision withholds
/// ([`crate::visibility::Photos`]).
pub fn extra_files(site: &Site, theme: &Theme, assets: &Assets) -> Vec<OutputFile> {
    let mut files = assets.files().to_vec();
    for (path, source) in &theme.static_files {
        let contents = match source {
            StaticSource::Embedded(bytes) => Contents::Static(bytes),
            StaticSource::Disk(p) => Contents::Copy(p.clone()),
        };
        files.push(OutputFile {
            path: path.clone(),
            contents,
        });
    }
    // Photo files stay out unless a published shout-out's consent covers them.
    files.retain(|file| site.photos.may_copy(&file.path));
    for asset in site.assets.iter().filter(|a| site.photos.may_copy(&a.to)) {
        files.push(OutputFile {
            path: asset.to.clone(),
            contents: Contents::Copy(asset.from.clone()),
        });
    }
    let host_files = host_files(site, &files, assets);
    files.extend(host_files);
    files
}

/// The files `[deploy] host` reads, unless `static/` already has one (the site's own file
/// is published as it is). Aliases stay HTML redirect pages as well, for every host.
fn host_files(site: &Site, others: &[OutputFile], assets: &Assets) -> Vec<OutputFile> {
    let ours = |path: &str| !others.iter().any(|f| f.path == path);
    match site.config.deploy.host {
        Host::Github if ours(".nojekyll") => vec![OutputFile::rendered(".nojekyll", String::new())],
        Host::Netlify | Host::Cloudflare => {
            let mut files = Vec::new();
            if ours("_redirects") {
                files.push(OutputFile::rendered("_redirects", redirects(site)));
            }
            if ours("_headers") {
                files.push(OutputFile::rendered("_headers", headers(site, assets)));
            }
            files
        }
        _ => Vec::new(),
    }
}

/// `_headers` (Netlify, Cloudflare Pages): the image variants
/// (`/sized/<hash>-<width>.<ext>`), the share cards (`/cards/<hash>.png`) and the fingerprinted stylesheets and scripts
/// (`style.<hash>.css`) are named by their content, so a browser may keep them for a year
/// without asking again. Nothing else gets a rule: both hosts merge the headers of every
/// rule a path matches (two `Cache-Control` values would be joined into one nonsense
/// value), and their default for everything else already makes browsers revalidate on
/// every visit, which is what pages and the plain `style.css` need.
fn headers(site: &Site, assets: &Assets) -> String {
    const IMMUTABLE: &str = "  Cache-Control: public, max-age=31536000, immutable\n";
    let urls = Urls::new(site);
    let mut text = format!(
        "# Written by kudos for [deploy] host; put your own static/_headers to replace it.\n{}*\n{IMMUTABLE}{}*\n{IMMUTABLE}",
        urls.url("/sized/"),
        urls.url("/cards/")
    );
    for asset in assets.iter() {
        text.push_str(&format!("{}\n{IMMUTABLE}", urls.url(&asset.path)));
    }
    text
}

/// `_redirects` (Netlify, Cloudflare Pages): `FROM TO 301`, one line per alias, both with
/// the base path.
fn redirects(site: &Site) -> String {
    let urls = Urls::new(site);
    let mut text = String::new();
    for (_, page) in site.posts_and_pages() {
        for alias in &page.meta.aliases {
            let from = urls.url(&Site::alias_path(alias));
            text.push_str(&format!("{from} {} 301\n", urls.url(&page.path)));
        }
    }
    text
}
