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

/// `mi_option_arena_eager_commit` in mimalloc 3's option enum (`mimalloc.h`), which the
/// bindings do not name; `Cargo.lock` pins the version it was read from.
const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;

fn main() -> ExitCode {
    // Arenas committed as they are used, not whole up front: the same speed with about
    // 15% less memory resident at 10k posts (docs/performance.md, "Memory").
    // SAFETY: sets one of mimalloc's options; called before any thread is started.
    unsafe {
        libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0);
    }
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
