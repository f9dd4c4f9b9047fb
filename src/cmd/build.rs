//! `kudos build`: the pipeline, written into the output folder. [`setup`] and
//! [`spinner`] are shared with `kudos check`, which runs the same pipeline in memory.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Ui, counted};
use crate::build::{self, Project};
use crate::cli::{BuildArgs, CheckArgs, Cli};
use crate::config::{BuildConfig, Config};
use crate::error::{Error, Result};
use crate::output::Target;
use crate::site::BuildOptions;

/// Runs `kudos build`.
pub fn run(cli: &Cli, args: &BuildArgs, ui: &Ui) -> Result<()> {
    let started = Instant::now();
    let (project, mut config, options) = setup(cli, &args.check)?;
    let output = args.output.as_deref();
    if let Some(output) = output {
        config.build.output_dir = output.to_string_lossy().into_owned();
    }
    let folder = project.root.join(&config.build.output_dir);
    Target::check(&project.root, &project.config_path, &folder)
        .map_err(|e| with_origin(e, output.is_some(), &config.build.output_dir))?;
    let spinner = spinner(ui, "Building");
    let result = build::build(&project, config, &options);
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    let report = result?;
    ui.detail(&format!("Stages: {}", report.timings.summary()));
    for note in &report.notes {
        ui.info(&format!("note: {note}"));
    }
    for warning in &report.warnings {
        ui.warn(warning);
    }
    let pages = counted(report.pages, "page");
    let seconds = started.elapsed().as_secs_f64();
    let output = report.output.display();
    ui.info(&if report.up_to_date {
        format!(
            "Up to date: {pages} in {output}, nothing changed since the last build ({seconds:.2} s)"
        )
    } else {
        format!("Built {pages} in {seconds:.2} s into {output}")
    });
    report.leftovers.leave_to_exit();
    Ok(())
}

/// The site of the command line: its project, its config with `--base-url` applied, and
/// what decides what is published (`--drafts`, `--strict`).
pub(super) fn setup(cli: &Cli, args: &CheckArgs) -> Result<(Project, Config, BuildOptions)> {
    let project = Project::new(&cli.root, cli.config.as_deref());
    let mut config = project.config_for_build()?;
    if let Some(url) = &args.base_url {
        config.base_url = url.clone();
    }
    let options = BuildOptions {
        drafts: args.drafts || config.build.drafts,
        strict: args.strict,
        ..BuildOptions::default()
    };
    Ok((project, config, options))
}

/// A refused output folder, with where that folder was chosen, so the user knows what
/// to change.
fn with_origin(error: Error, from_flag: bool, output_dir: &str) -> Error {
    let origin = if from_flag {
        "it was given with --output"
    } else if output_dir == BuildConfig::default().output_dir {
        "it is the default; choose another with --output or `[build] output_dir` in kudos.toml"
    } else {
        "it is set by `[build] output_dir` in kudos.toml"
    };
    match error {
        Error::Usage(message) => Error::Usage(format!("{message}\n  ({origin})")),
        other => other,
    }
}

/// A spinner saying `message`, on a terminal only.
pub(super) fn spinner(ui: &Ui, message: &'static str) -> Option<ProgressBar> {
    if ui.quiet || !ui.interactive {
        return None;
    }
    let spinner = ProgressBar::new_spinner();
    spinner.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").ok()?);
    spinner.set_message(message);
    spinner.enable_steady_tick(std::time::Duration::from_millis(80));
    Some(spinner)
}
