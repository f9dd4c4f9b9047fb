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
    small_pages_only();
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

/// Asks the kernel for no transparent huge pages. mimalloc's heaps touch fresh memory in
/// many places at once (per thread, per size), and with huge pages on, the kernel clears
/// 2 MiB for each: `perf` put 25-40% of a warm build and of a `serve` rebuild in
/// `clear_page_erms`. Measured in docs/performance.md ("Huge pages, session 13"). The
/// setting passes to child processes: the browser `serve --open` starts has it too.
fn small_pages_only() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
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
