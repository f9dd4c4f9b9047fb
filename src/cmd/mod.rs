//! One module per subcommand; [`run`] dispatches. Commands print through [`Ui`] so
//! `--quiet`, `--verbose` and `--color` mean the same everywhere.

mod build;
mod import;
mod init;
mod new;
mod serve;

use std::io::IsTerminal;

use crate::cli::{Cli, ColorChoice, Command};
use crate::error::{Result, SourceError};

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
        Command::Build(args) => build::run(cli, args, &ui, build::Mode::Write),
        Command::Check(args) => build::run(cli, args, &ui, build::Mode::Check),
        Command::Serve(args) => serve::serve(cli, args, &ui),
        Command::Watch(args) => serve::watch(cli, args, &ui),
        Command::New(what) => new::run(cli, what, &ui),
        Command::Import(what) => import::run(cli, what, &ui),
    }
}

/// A diagnostic as text: "severity: path:line:col: message", then the snippet and help.
pub fn render_diagnostic(error: &SourceError, color: bool, severity: &str) -> String {
    use miette::{GraphicalReportHandler, GraphicalTheme};
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
    let mut out = format!("{severity}: {error}\n");
    if error.snippet.is_some() {
        let _ = handler.render_report(&mut out, &Snippet(error));
    } else if let Some(help) = &error.help {
        out.push_str(&format!("  help: {help}\n"));
    }
    out.trim_end().to_string()
}

/// The snippet part of a diagnostic (the headline is printed by us, with its location).
#[derive(Debug)]
struct Snippet<'a>(&'a SourceError);

impl std::fmt::Display for Snippet<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.location())
    }
}

impl std::error::Error for Snippet<'_> {}

impl miette::Diagnostic for Snippet<'_> {
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        miette::Diagnostic::help(self.0)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        miette::Diagnostic::source_code(self.0)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        miette::Diagnostic::labels(self.0)
    }
}

/// Thousands separators for summaries: 1234 -> "1,234".
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separators() {
        assert_eq!(super::thousands(1234567), "1,234,567");
        assert_eq!(super::thousands(12), "12");
    }
}
