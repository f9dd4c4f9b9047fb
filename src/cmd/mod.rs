//! One module per subcommand; [`run`] dispatches. Commands print through [`Ui`] so
//! `--quiet`, `--verbose` and `--color` mean the same everywhere.

mod build;
mod check;
mod diagnostic;
mod import;
mod init;
mod new;
mod serve;

use std::io::IsTerminal;

use crate::cli::{Cli, ColorChoice, Command};
use crate::error::{Result, SourceError};

pub use crate::words::{counted, thousands};
pub use diagnostic::render_diagnostic;

/// How commands talk to the user.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    /// Only errors.
    pub quiet: bool,
    /// Extra detail.
    pub verbose: bool,
    /// Colours on stderr.
    pub color: bool,
    /// stderr is a terminal (progress is shown only then).
    pub interactive: bool,
}

impl Ui {
    /// From the global flags.
    pub fn new(cli: &Cli) -> Ui {
        let interactive = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
        let color = match cli.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Ui {
            quiet: cli.quiet,
            verbose: cli.verbose,
            color,
            interactive,
        }
    }

    /// A normal message, on stderr (stdout stays free for data).
    pub fn info(&self, message: &str) {
        if !self.quiet {
            eprintln!("{message}");
        }
    }

    /// Detail shown with `--verbose`.
    pub fn detail(&self, message: &str) {
        if self.verbose {
            eprintln!("{message}");
        }
    }

    /// A warning with its source snippet.
    pub fn warn(&self, warning: &SourceError) {
        if !self.quiet {
            eprintln!("{}", render_diagnostic(warning, self.color, "warning"));
        }
    }
}

/// Runs the parsed command line.
pub fn run(cli: &Cli) -> Result<()> {
    let ui = Ui::new(cli);
    match &cli.command {
        Command::Init(args) => init::run(cli, args, &ui),
        Command::Build(args) => build::run(cli, args, &ui),
        Command::Check(args) => check::run(cli, args, &ui),
        Command::Serve(args) => serve::serve(cli, args, &ui),
        Command::Watch(args) => serve::watch(cli, args, &ui),
        Command::New(what) => new::run(cli, what, &ui),
        Command::Import(what) => import::run(cli, what, &ui),
    }
}
