//! Themes: where templates and theme static files come from.
//!
//! Three layers, later ones winning by file name: the default `kudos` theme embedded in
//! the binary (so a site needs no `themes/` folder), then `themes/<name>/` in the site when
//! `theme` names one, then the site's own `templates/`. A custom theme therefore only has
//! to contain the templates it changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use include_dir::{Dir, include_dir};

use crate::config::Config;
use crate::error::{Error, Result, SourceError};
use crate::walk::{self, Dotfiles, SiteBounds};

static DEFAULT_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/kudos");

/// One template's text and where it came from (for error messages).
#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// Name used in `extends`/`include` and by the renderer: `post.html`.
    pub name: String,
    /// Its text.
    pub text: String,
    /// The file to name in errors.
    pub shown: PathBuf,
}

/// Where a static file's bytes are.
#[derive(Debug, Clone)]
pub enum StaticSource {
    /// Inside the binary.
    Embedded(&'static [u8]),
    /// On disk.
    Disk(PathBuf),
}

/// The resolved theme of a site.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    /// By name.
    pub templates: BTreeMap<String, TemplateSource>,
    /// Output path (no leading slash) -> bytes, theme static files then the site's `static/`.
    pub static_files: BTreeMap<String, StaticSource>,
    /// Problems that do not stop the build: symbolic links that were not followed.
    pub warnings: Vec<SourceError>,
}

impl Theme {
    /// Layers the embedded theme, the site's theme folder and its overrides.
    pub fn load(root: &Path, config: &Config) -> Result<Theme> {
        let mut theme = Theme::default();
        theme.add_embedded(&DEFAULT_THEME);
        let bounds = SiteBounds::new(root, &config.build.output_dir)?;
        let [(theme_templates, theme_static), (own_templates, own_static)] =
            Theme::folders(root, config);
        if root.join("themes").join(&config.theme).is_dir() {
            theme.add_dir(root, &bounds, &theme_templates, &theme_static)?;
        } else if config.theme != "kudos" {
            let shown = Path::new("kudos.toml");
            return Err(SourceError::new(
                shown,
                format!(
                    "theme `{}` not found: expected a folder themes/{}/",
                    config.theme, config.theme
                ),
            )
            .with_help("use theme = \"kudos\" for the built-in theme")
            .into());
        }
        theme.add_dir(root, &bounds, &own_templates, &own_static)?;
        Ok(theme)
    }

    /// The folders a theme is read from, as (templates, static), in layering order: the
    /// theme's folder (`themes/<theme>/`), then the site's own overrides.
    pub fn folders(root: &Path, config: &Config) -> [(PathBuf, PathBuf); 2] {
        let theme_dir = root.join("themes").join(&config.theme);
        [&theme_dir, root].map(|dir| (dir.join("templates"), dir.join("static")))
    }

    /// A hash of every template's text and every static file's source: equal prints mean
    /// the same theme.
    pub fn fingerprint(&self) -> u64 {
        let templates: Vec<(&String, &String)> =
            self.templates.iter().map(|(n, t)| (n, &t.text)).collect();
        let statics: Vec<(&String, Option<&PathBuf>, usize)> = self
            .static_files
            .iter()
            .map(|(path, source)| match source {
                StaticSource::Embedded(bytes) => (path, None, bytes.as_ptr() as usize),
                StaticSource::Disk(from) => (path, Some(from), 0),
            })
            .collect();
        let skipped: Vec<&PathBuf> = self.warnings.iter().map(|w| &w.path).collect();
        crate::fingerprint::fingerprint(&(templates, statics, skipped))
    }

    fn add_embedded(&mut self, dir: &'static Dir<'static>) {
        for file in all_files(dir) {
            let path = file.path().to_string_lossy().replace('\\', "/");
            if let Some(name) = path.strip_prefix("templates/") {
                let text = file.contents_utf8().unwrap_or_default().to_string();
                let shown = PathBuf::from(format!("(built-in theme kudos)/templates/{name}"));
                self.templates.insert(
                    name.to_string(),
                    TemplateSource {
                        name: name.to_string(),
                        text,
                        shown,
                    },
                );
            } else if let Some(name) = path.strip_prefix("static/") {
                self.static_files
                    .insert(name.to_string(), StaticSource::Embedded(file.contents()));
            }
        }
    }

    fn add_dir(
        &mut self,
        root: &Path,
        bounds: &SiteBounds,
        templates: &Path,
        statics: &Path,
    ) -> Result<()> {
        for (name, path) in self.files_under(templates, bounds, Dotfiles::Skip)? {
            let shown = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            let text = std::fs::read_to_string(&path).map_err(|e| {
                Error::from(SourceError::new(
                    &shown,
                    format!("cannot read template: {e}"),
                ))
            })?;
            self.templates
                .insert(name.clone(), TemplateSource { name, text, shown });
        }
        // Published as they are, dotfiles included: hosts read `.nojekyll`, `.well-known/`.
        for (name, path) in self.files_under(statics, bounds, Dotfiles::Keep)? {
            self.static_files.insert(name, StaticSource::Disk(path));
        }
        Ok(())
    }

    /// Files below `dir` as (relative name with slashes, path); none if it is missing.
    /// The links not followed are kept as warnings.
    fn files_under(
        &mut self,
        dir: &Path,
        bounds: &SiteBounds,
        dotfiles: Dotfiles,
    ) -> Result<Vec<(String, PathBuf)>> {
        let walked = walk::walk(dir, bounds, dotfiles)?;
        self.warnings.extend(walked.skipped);
        Ok(walked
            .files
            .into_iter()
            .map(|path| {
                let rel = path.strip_prefix(dir).unwrap_or(&path);
                (crate::content::slash_path(rel), path)
            })
            .collect())
    }
}

/// A file of the built-in theme by its path in it (`fonts/NotoSans-Regular.ttf`): the
/// fonts share cards are drawn with live there, embedded once with the rest.
pub fn builtin_file(path: &str) -> Option<&'static [u8]> {
    DEFAULT_THEME
        .get_file(path)
        .map(include_dir::File::contents)
}

fn all_files(dir: &'static Dir<'static>) -> Vec<&'static include_dir::File<'static>> {
    let mut files: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        files.extend(all_files(sub));
    }
    files
}
