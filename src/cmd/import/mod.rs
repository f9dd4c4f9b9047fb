//! `kudos import shoutouts FILE.csv`: a testimonial spreadsheet export turned into
//! shout-out files under `content/shoutouts/`.
//!
//! Testimonials usually start life in a spreadsheet, a form or a review tool, and every one
//! of them names its columns differently. So the columns are matched by meaning ("Full
//! name", "customer_name" and "Author" are all the customer), `--map COL=FIELD` covers the
//! rest, and a column nobody recognises is listed once rather than guessed at.
//!
//! The import is shaped around three promises:
//!
//! - **It never overwrites and can be repeated.** Each row is compared (customer and
//!   quote, ignoring spacing and the case of the name) with every shout-out already in the
//!   folder and with the rows above it, so re-importing next month's export of the same sheet adds
//!   only the new rows. A different person who shares a name gets `<slug>-2.md`.
//! - **It is honest by default.** A row gets a `consent` table only when its consent column
//!   clearly says yes; every other row is still written, so the owner can ask later, but
//!   stays unpublished until then. Email addresses are read (so the column is not reported
//!   as unknown) and never written anywhere, not even in the report. The quote is the
//!   customer's own words: only the whitespace around it is trimmed (and Windows line
//!   endings become `\n`). Front-matter strings are written as single-line, escaped TOML,
//!   so no cell can close the front matter early or add keys.
//! - **It reports like a spreadsheet.** Rows are numbered as a spreadsheet shows them (the
//!   header is row 1, blank lines count, a quote spanning lines is one row); bad rows are
//!   skipped, named with their reason, and never stop the others.
//!
//! Everything is planned before anything is written, so a file that cannot be read or a
//! bad `--map` writes nothing. Segment names become slugs but are not checked here: the
//! site's segments are known to `kudos build` and `kudos check`, which report any unknown
//! one.

mod columns;
mod existing;
mod file;
mod plan;
mod report;
mod row;
mod sheet;

use std::path::Path;

use self::columns::{parse_overrides, resolve_columns};
use self::existing::scan_existing;
use self::plan::{Context, plan};
use self::report::report;
use self::sheet::read_sheet;
use super::Ui;
use super::new::create_new;
use crate::build::Project;
use crate::cli::{Cli, DateOrder, ImportCommand};
use crate::content::Date;
use crate::error::Result;
use crate::walk::SiteBounds;

/// Runs `kudos import`.
pub fn run(cli: &Cli, what: &ImportCommand, ui: &Ui) -> Result<()> {
    match what {
        ImportCommand::Shoutouts {
            file,
            map,
            dry_run,
            date_format,
        } => import_shoutouts(cli, file, (map, *date_format), *dry_run, ui),
    }
}

/// `kudos import shoutouts`: check the maps, read the sheet, plan every row, then write.
fn import_shoutouts(
    cli: &Cli,
    file: &Path,
    (map, date_order): (&[String], Option<DateOrder>),
    dry_run: bool,
    ui: &Ui,
) -> Result<()> {
    let overrides = parse_overrides(map)?;
    let project = Project::new(&cli.root, cli.config.as_deref());
    if !project.config_path.is_file() {
        return Err(project.missing_config());
    }
    let config = project.config()?;
    let slugs = config.build.slug_style();
    let bounds = SiteBounds::new(&cli.root, &config.build.output_dir)?;
    let sheet = read_sheet(file)?;
    let columns = resolve_columns(file, &sheet.header, &overrides)?;
    let dir = cli.root.join(SHOUTOUTS);
    let existing = scan_existing(&dir, &bounds, slugs)?;
    let file_name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let context = Context {
        dir: &dir,
        today: Date::now(),
        proof: format!("csv import: {file_name}"),
        slugs,
        date_order,
    };
    let outcome = plan(&sheet, &columns, &existing, &context);
    if !dry_run {
        for planned in &outcome.planned {
            create_new(&dir.join(format!("{}.md", planned.slug)), &planned.text)?;
        }
    }
    report(ui, &columns, &outcome, dry_run);
    Ok(())
}

/// Where shout-outs live, below the site root.
const SHOUTOUTS: &str = "content/shoutouts";
