//! `kudos check`: everything `build` validates, rendered in memory and written nowhere,
//! plus advice; with `--external`, every outside link of the site asked whether it still
//! leads somewhere ([`crate::linkcheck`]). Without `--external`, nothing here touches
//! the network.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use super::build::{setup, spinner};
use super::{Ui, counted};
use crate::build::{self, Project, Rendered};
use crate::cli::{CheckCommandArgs, Cli};
use crate::error::{Error, Result, sort_by_place};
use crate::linkcheck::{self, Settings, Summary};

/// Runs `kudos check`.
pub fn run(cli: &Cli, args: &CheckCommandArgs, ui: &Ui) -> Result<()> {
    let started = Instant::now();
    let (project, config, options) = setup(cli, &args.site)?;
    let external = args
        .external
        .then(|| Settings::from_config(&config.check))
        .transpose()?;
    let spinner = spinner(ui, "Checking");
    let rendered = build::render(&project, config, &options);
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    let rendered = rendered?;
    let mut notes = rendered.warnings.clone();
    notes.extend(crate::advice::advise(&rendered.site, options.now));
    sort_by_place(&mut notes);
    for note in &notes {
        ui.warn(note);
    }
    ui.info(&format!(
        "Checked {} in {:.2} s: no errors{}",
        counted(rendered.page_count(), "page"),
        started.elapsed().as_secs_f64(),
        match notes.len() {
            0 => String::new(),
            n => format!(", {}", counted(n, "warning")),
        }
    ));
    match external {
        Some(settings) => check_outside_links(&project, &rendered, &settings, ui),
        None => Ok(()),
    }
}

/// `--external`: asks every outside link, and fails with one error per place a broken
/// one is written.
fn check_outside_links(
    project: &Project,
    rendered: &Rendered,
    settings: &Settings,
    ui: &Ui,
) -> Result<()> {
    let started = Instant::now();
    let links = linkcheck::outside_links(&rendered.site, &rendered.bodies);
    let bar = progress_bar(ui);
    let summary = linkcheck::check(&project.root, links, settings, &|done, total| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let summary = summary?;
    ui.info(&outcome(&summary, started.elapsed().as_secs_f64()));
    if summary.errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Content(summary.errors))
    }
}

/// "Checked 9 outside links in 1.20 s: 2 broken, 3 cached as working, 1 skipped".
fn outcome(summary: &Summary, seconds: f64) -> String {
    let skipped = match summary.skipped {
        0 => None,
        n => Some(format!("{} skipped", super::thousands(n))),
    };
    if summary.urls == 0 {
        return match skipped {
            Some(skipped) => format!("No outside links to check ({skipped})"),
            None => "No outside links to check".into(),
        };
    }
    let broken = match summary.broken_urls {
        0 => "none broken".to_string(),
        n => format!("{} broken", super::thousands(n)),
    };
    let cached = (summary.cached > 0)
        .then(|| format!("{} cached as working", super::thousands(summary.cached)));
    let parts: Vec<String> = [Some(broken), cached, skipped]
        .into_iter()
        .flatten()
        .collect();
    format!(
        "Checked {} in {seconds:.2} s: {}",
        counted(summary.urls, "outside link"),
        parts.join(", ")
    )
}

/// "Asking 12/40 outside links", on a terminal only.
fn progress_bar(ui: &Ui) -> Option<ProgressBar> {
    if ui.quiet || !ui.interactive {
        return None;
    }
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{spinner} Asking {pos}/{len} outside links {elapsed}")
            .ok()?,
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(80));
    Some(bar)
}
