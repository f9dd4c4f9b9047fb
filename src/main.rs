//! The `kudos` binary: parse arguments, run, print errors, set the exit code
//! (0 success, 1 content or build error, 2 usage error).

use std::process::ExitCode;

use clap::Parser;

use kudos::cli::Cli;
use kudos::cmd::{self, Ui, render_diagnostic};
use kudos::error::Error;

/// Rendering allocates many short-lived strings on every core; mimalloc's per-thread
/// heaps avoid the contention glibc's allocator showed in profiles.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ui = Ui::new(&cli);
    match cmd::run(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            report(&error, &ui);
            ExitCode::from(if matches!(error, Error::Usage(_)) {
                2
            } else {
                1
            })
        }
    }
}

fn report(error: &Error, ui: &Ui) {
    match error {
        Error::Content(errors) => {
            for e in errors {
                eprintln!("{}\n", render_diagnostic(e, ui.color, "error"));
            }
            eprintln!("error: {error}; nothing was written");
        }
        other => eprintln!("error: {other}"),
    }
}
