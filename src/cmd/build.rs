//! `kudos build` and `kudos check`: the same pipeline; only build writes.

use std::path::Path;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Ui, counted};
use crate::build::{self, Project};
use crate::cli::{CheckArgs, Cli};
use crate::config::BuildConfig;
use crate::error::{Error, Result, sort_by_place};
use crate::output::Target;
use crate::site::BuildOptions;

/// Whether the output is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `kudos build`
    Write,
    /// `kudos check`
    Check,
}

/// Runs `build` (with `output`, the `--output` flag, if given) or `check` (`mode`).
pub fn run(cli: &Cli, args: &CheckArgs, output: Option<&Path>, ui: &Ui, mode: Mode) -> Result<()> {
    let started = Instant::now();
    let project = Project::new(&cli.root, cli.config.as_deref());
    let mut config = project.config_for_build()?;
    if let Some(url) = &args.base_url {
        config.base_url = url.clone();
    }
    if let Some(output) = output {
        config.build.output_dir = output.to_string_lossy().into_owned();
    }
    if mode == Mode::Write {
        let folder = project.root.join(&config.build.output_dir);
        Target::check(&project.root, &project.config_path, &folder)
            .map_err(|e| with_origin(e, output.is_some(), &config.build.output_dir))?;
    }
    let options = BuildOptions {
        drafts: args.drafts || config.build.drafts,
        strict: args.strict,
        ..BuildOptions::default()
    };
    let spinner = progress(ui, mode);
    let result = match mode {
        Mode::Write => build::build(&project, config, &options).map(|report| {
            ui.detail(&format!("Stages: {}", report.timings.summary()));
            (report.pages, report.warnings, Some(report.output))
        }),
        Mode::Check => build::render(&project, config, &options).map(|rendered| {
            let mut notes = rendered.warnings.clone();
            notes.extend(crate::advice::advise(&rendered.site, options.now));
            sort_by_place(&mut notes);
            (rendered.page_count(), notes, None)
        }),
    };
    if let Some(spinner) = spinner {
        spinner.finish_and_clear();
    }
    let (pages, warnings, output) = result?;
    for warning in &warnings {
        ui.warn(warning);
    }
    let seconds = started.elapsed().as_secs_f64();
    match output {
        Some(output) => ui.info(&format!(
            "Built {} in {seconds:.2} s into {}",
            counted(pages, "page"),
            output.display()
        )),
        None => ui.info(&format!(
            "Checked {} in {seconds:.2} s: no errors{}",
            counted(pages, "page"),
            match warnings.len() {
                0 => String::new(),
                n => format!(", {}", counted(n, "warning")),
            }
        )),
    }
    Ok(())
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

fn progress(ui: &Ui, mode: Mode) -> Option<ProgressBar> {
    if ui.quiet || !ui.interactive {
        return None;
    }
    let spinner = ProgressBar::new_spinner();
    spinner.set_style(ProgressStyle::with_template("{spinner} {msg} {elapsed}").ok()?);
    spinner.set_message(if mode == Mode::Write {
        "Building"
    } else {
        "Checking"
    });
    spinner.enable_steady_tick(std::time::Duration::from_millis(80));
    Some(spinner)
}
