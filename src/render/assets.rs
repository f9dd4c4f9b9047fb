//! Fingerprinted stylesheets and scripts: every `.css` and `.js` file the site publishes
//! from a `static/` folder (the theme's or its own), and the generated `syntax.css`, is
//! also published under a name that carries a hash of its bytes (`style.1a2b3c4d5e.css`).
//! Pages link that name with a Subresource Integrity hash, so a host may cache it for a
//! year (`_headers` says so) and a browser refuses a file that was changed on the way.
//!
//! The plain name stays published beside it: a hand-written link, an old bookmark or
//! another site's `<link>` to `/style.css` keeps working.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use sha2::{Digest, Sha384};

use crate::error::{Error, Result};
use crate::markdown;
use crate::output::{Contents, OutputFile};
use crate::site::Site;
use crate::theme::{StaticSource, Theme};

/// One fingerprinted file.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Asset {
    /// Its fingerprinted output path: `style.1a2b3c4d5e.css`.
    pub path: String,
    /// `sha384-<base64>`, for the `integrity` attribute; empty when fingerprinting is off.
    pub integrity: String,
}

/// The site's fingerprinted files by their plain output path (`style.css`), with the
/// generated `syntax.css`'s bytes.
#[derive(Debug, Default)]
pub struct Assets {
    by_path: BTreeMap<String, Asset>,
    /// Fingerprinting is off: plain names, no integrity, no copies.
    plain: bool,
    /// The fingerprinted copies and `syntax.css`, to publish.
    files: Vec<OutputFile>,
}

/// The extensions whose files are fingerprinted: what pages load as subresources.
const FINGERPRINTED: [&str; 2] = ["css", "js"];

impl Assets {
    /// Hashes `syntax.css` and every stylesheet and script among `theme`'s static files
    /// (read from disk for the site's own). An unknown highlight theme is an error at its
    /// key in `kudos.toml`.
    /// With `[build] fingerprint_assets` off, pages link the plain names, with no
    /// integrity hash (an edited file must still load).
    pub fn collect(site: &Site, theme: &Theme) -> Result<Assets> {
        let mut assets = Assets {
            plain: !site.config.build.fingerprint_assets,
            ..Assets::default()
        };
        assets.add("syntax.css", syntax_css(site)?.into_bytes().into());
        for (path, source) in &theme.static_files {
            let fingerprinted = path
                .rsplit_once('.')
                .is_some_and(|(_, ext)| FINGERPRINTED.contains(&ext));
            if !fingerprinted {
                continue;
            }
            let bytes: Arc<[u8]> = match source {
                StaticSource::Embedded(bytes) => Arc::from(*bytes),
                StaticSource::Disk(from) => {
                    std::fs::read(from).map_err(|e| Error::io(from, e))?.into()
                }
            };
            assets.add(path, bytes);
        }
        Ok(assets)
    }

    /// Adds `path` with `bytes`; `syntax.css` (generated) is published under both names.
    fn add(&mut self, path: &str, bytes: Arc<[u8]>) {
        if path == "syntax.css" {
            self.files.push(OutputFile {
                path: path.to_string(),
                contents: Contents::Bytes(Arc::clone(&bytes)),
            });
        }
        if self.plain {
            let asset = Asset {
                path: path.to_string(),
                integrity: String::new(),
            };
            self.by_path.insert(path.to_string(), asset);
            return;
        }
        let digest = Sha384::digest(&bytes);
        let hex: String = digest[..5].iter().map(|b| format!("{b:02x}")).collect();
        let hashed = match path.rsplit_once('.') {
            Some((stem, ext)) => format!("{stem}.{hex}.{ext}"),
            None => format!("{path}.{hex}"),
        };
        let integrity = format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(digest)
        );
        self.files.push(OutputFile {
            path: hashed.clone(),
            contents: Contents::Bytes(bytes),
        });
        self.by_path.insert(
            path.to_string(),
            Asset {
                path: hashed,
                integrity,
            },
        );
    }

    /// The fingerprinted file for a plain path (`/style.css` or `style.css`).
    pub fn get(&self, path: &str) -> Option<&Asset> {
        self.by_path.get(path.trim_start_matches('/'))
    }

    /// Every fingerprinted file, in path order.
    pub fn iter(&self) -> impl Iterator<Item = &Asset> {
        self.by_path.values()
    }

    /// The plain paths that have a fingerprinted twin, for error messages.
    pub fn plain_paths(&self) -> Vec<&str> {
        self.by_path.keys().map(String::as_str).collect()
    }

    /// What to publish: the fingerprinted copies and `syntax.css`.
    pub fn files(&self) -> &[OutputFile] {
        &self.files
    }

    /// A fingerprint of the table, so `serve` renders pages again when a file changed.
    pub fn print(&self) -> u64 {
        crate::fingerprint::fingerprint(&self.by_path.values().collect::<Vec<_>>())
    }
}

/// `/syntax.css` for the configured highlight themes.
fn syntax_css(site: &Site) -> Result<String> {
    let markdown = &site.config.markdown;
    markdown::highlight::syntax_css(&markdown.highlight_theme, &markdown.highlight_theme_dark)
        .map_err(|name| {
            let key = if name == markdown.highlight_theme {
                "highlight_theme"
            } else {
                "highlight_theme_dark"
            };
            let message = format!("unknown highlight theme `{name}`");
            Error::from(
                site.config
                    .error_at_key(Some("markdown"), key, message)
                    .with_help(format!(
                        "available: {}",
                        markdown::highlight::theme_names().join(", ")
                    )),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_carries_the_hash_of_the_bytes_and_integrity_is_sha384() {
        let mut assets = Assets::default();
        assets.add("css/site.css", Arc::from(&b"body{color:red}"[..]));
        let asset = assets.get("/css/site.css").unwrap();
        // sha384("body{color:red}") starts with these bytes; the name takes the first five.
        let digest = Sha384::digest(b"body{color:red}");
        let hex: String = digest[..5].iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(asset.path, format!("css/site.{hex}.css"));
        assert!(asset.integrity.starts_with("sha384-"));
        assert_eq!(asset.integrity.len(), "sha384-".len() + 64);
        let mut other = Assets::default();
        other.add("css/site.css", Arc::from(&b"body{color:blue}"[..]));
        assert_ne!(other.get("css/site.css").unwrap().path, asset.path);
        assert_ne!(other.print(), assets.print());
    }

    #[test]
    fn with_fingerprinting_off_pages_link_the_plain_name_without_integrity() {
        let mut assets = Assets {
            plain: true,
            ..Assets::default()
        };
        assets.add("style.css", Arc::from(&b"body{}"[..]));
        let asset = assets.get("/style.css").unwrap();
        assert_eq!(
            (asset.path.as_str(), asset.integrity.as_str()),
            ("style.css", "")
        );
        assert!(assets.files().is_empty(), "no fingerprinted copy");
    }
}
