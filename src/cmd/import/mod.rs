//! `kudos import shoutouts FILE`: a testimonial export (CSV or JSON) turned into
//! shout-out files under `content/shoutouts/`.
//!
//! Testimonials usually start life in a spreadsheet, a form or a review tool, and every one
//! of them names its columns differently. So the columns are matched by meaning ("Full
//! name", "customer_name" and "Author" are all the customer), `--from TOOL` reads one
//! tool's names only when the guess is wrong, `--map COL=FIELD` covers the rest, and a
//! column nobody recognises is listed once rather than guessed at. A JSON export is read
//! into the same header and cells ([`json`]), so everything after reading is shared.
//!
//! The import is shaped around three promises:
//!
//! - **It never overwrites and can be repeated.** Each row is compared (customer and
//!   quote, ignoring spacing and the case of the name) with every shout-out already in the
//!   folder and with the rows above it, so re-importing next month's export of the same
//!   sheet adds only the new rows. A different person who shares a name gets
//!   `<slug>-2.md`. The one exception is asked for by name: `--update-consent` adds the
//!   consent an export now records to the file its row became, as one inserted line
//!   ([`consent`]).
//! - **It is honest by default.** A row gets a `consent` table only when its consent column
//!   clearly says yes; every other row is still written, so the owner can ask later, but
//!   stays unpublished until then. A tool's "approved" flag is the business's moderation,
//!   never consent, and an NPS score is not stars unless `--nps-to-stars` says so. Email
//!   addresses are read (so the column is not reported as unknown) and never written
//!   anywhere, not even in the report. The quote is the customer's own words: only the
//!   whitespace around it is trimmed (and Windows line endings become `\n`). Front-matter
//!   strings are written as single-line, escaped TOML, so no cell can close the front
//!   matter early or add keys.
//! - **It reports like a spreadsheet.** Rows are numbered as a spreadsheet shows them (the
//!   header is row 1, blank lines count, a quote spanning lines is one row; in JSON, the
//!   first testimonial is row 1). A cell that cannot be read costs its field, not the row,
//!   and is reported with its row and column; only a row without a customer or quote (or
//!   with an unknown relationship) is skipped, and it never stops the others.
//!
//! Everything is planned before anything is written, so a file that cannot be read or a
//! bad `--map` writes nothing. Segment names become slugs but are not checked here: the
//! site's segments are known to `kudos build` and `kudos check`, which report any unknown
//! one.

mod columns;
mod consent;
mod existing;
mod file;
mod json;
mod plan;
mod report;
mod row;
mod sheet;

use std::path::Path;

use self::columns::{parse_overrides, resolve_columns};
use self::consent::Change;
use self::existing::scan_existing;
use self::plan::{Context, Outcome, plan};
use self::report::report;
use self::row::Reading;
use self::sheet::read_sheet;
use super::Ui;
use super::new::create_new;
use crate::build::Project;
use crate::cli::{Cli, ImportCommand, ImportShoutouts};
use crate::content::Date;
use crate::error::Result;
use crate::walk::SiteBounds;

/// Runs `kudos import`.
pub fn run(cli: &Cli, what: &ImportCommand, ui: &Ui) -> Result<()> {
    match what {
        ImportCommand::Shoutouts(args) => import_shoutouts(cli, args, ui),
    }
}

/// `kudos import shoutouts`: check the maps, read the export, plan every row, then write.
fn import_shoutouts(cli: &Cli, args: &ImportShoutouts, ui: &Ui) -> Result<()> {
    let overrides = parse_overrides(&args.map)?;
    let project = Project::new(&cli.root, cli.config.as_deref());
    if !project.config_path.is_file() {
        return Err(project.missing_config());
    }
    let config = project.config()?;
    let slugs = config.build.slug_style();
    let bounds = SiteBounds::new(&cli.root, &config.build.output_dir)?;
    let file = &args.file;
    let sheet = read_sheet(file)?;
    let columns = resolve_columns(file, &sheet.header, &overrides, args.from)?;
    let dir = cli.root.join(SHOUTOUTS);
    let existing = scan_existing(&dir, &bounds, slugs)?;
    let file_name = file.file_name().map_or_else(
        || file.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let context = Context {
        dir: &dir,
        today: Date::now(),
        proof: format!("{} import: {file_name}", sheet.format),
        reading: Reading {
            slugs,
            date_order: args.date_format,
            nps_to_stars: args.nps_to_stars,
        },
        update_consent: args.update_consent,
    };
    let outcome = plan(&sheet, &columns, &existing, &context);
    if !args.dry_run {
        write(&dir, &outcome)?;
    }
    report(ui, &columns, &outcome, args.dry_run);
    Ok(())
}

/// Creates the new files, then adds the consent lines to existing ones.
fn write(dir: &Path, outcome: &Outcome) -> Result<()> {
    for planned in &outcome.planned {
        create_new(&dir.join(format!("{}.md", planned.slug)), &planned.text)?;
    }
    for (_, change) in &outcome.consent {
        if let Change::Add { path, text, .. } = change {
            consent::write(path, text)?;
        }
    }
    Ok(())
}

/// Where shout-outs live, below the site root.
const SHOUTOUTS: &str = "content/shoutouts";
