//! The command line, as clap derive types. Parsing only; each command runs in `cmd/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// kudos: posts, honest customer shout-outs and segment landing pages, as a static site.
#[derive(Debug, Parser)]
#[command(name = "kudos", version, about, long_about = None)]
pub struct Cli {
    /// Site root (the folder with kudos.toml).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
    /// Config file (default: kudos.toml in the root).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about what happens.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// When to use colours.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// `--color`
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colours on a terminal.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a new site that builds.
    Init(InitArgs),
    /// Render the site into public/.
    Build(BuildArgs),
    /// Validate everything a build would, without writing output.
    Check(CheckCommandArgs),
    /// Serve the site from memory with live reload; rebuild on every save.
    Serve(ServeArgs),
    /// Rebuild into public/ on every save (for users with their own server).
    Watch(WatchArgs),
    /// Create a content file with its front matter filled in.
    #[command(subcommand)]
    New(NewCommand),
    /// Bring content in from other tools, such as a testimonial spreadsheet.
    #[command(subcommand)]
    Import(ImportCommand),
}

/// `kudos init`
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to create the site (default: the --root folder).
    pub dir: Option<PathBuf>,
    /// Create it even if the folder is not empty (existing files are never overwritten).
    #[arg(long)]
    pub force: bool,
}

/// `kudos build`: the flags of `check`, and where to write.
#[derive(Debug, Args, Clone, Default)]
pub struct BuildArgs {
    /// What `check` takes too.
    #[command(flatten)]
    pub check: CheckArgs,
    /// Output folder (default: build.output_dir, "public").
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,
}

/// `kudos check`: what `build` validates, and outside links on request.
#[derive(Debug, Args, Clone, Default)]
pub struct CheckCommandArgs {
    /// What `build` takes too.
    #[command(flatten)]
    pub site: CheckArgs,
    /// Also request every outside (http/https) link the site shows and report the broken
    /// ones; settings in kudos.toml's [check]. Without it, check uses no network.
    #[arg(long)]
    pub external: bool,
}

/// `kudos check` (and `build`): what decides what is published. `check` writes nothing,
/// so it has no `--output`.
#[derive(Debug, Args, Clone, Default)]
pub struct CheckArgs {
    /// Include drafts and future-dated posts.
    #[arg(long)]
    pub drafts: bool,
    /// Override base_url from the config.
    #[arg(long, value_name = "URL", value_parser = crate::url::BaseUrl::parse)]
    pub base_url: Option<crate::url::BaseUrl>,
    /// Treat warnings (such as a shout-out without consent) as errors.
    #[arg(long)]
    pub strict: bool,
}

/// `kudos serve`
#[derive(Debug, Args, Clone)]
pub struct ServeArgs {
    /// Port to listen on; the next free one is taken if it is busy.
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to bind. Anything but loopback shows the site (with --drafts, your drafts too)
    /// to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub interface: std::net::IpAddr,
    /// Open the site in a browser.
    #[arg(long)]
    pub open: bool,
    /// Include drafts and future-dated posts.
    #[arg(long)]
    pub drafts: bool,
}

/// `kudos watch`
#[derive(Debug, Args, Clone)]
pub struct WatchArgs {
    /// Include drafts and future-dated posts.
    #[arg(long)]
    pub drafts: bool,
    /// Override base_url from the config.
    #[arg(long, value_name = "URL", value_parser = crate::url::BaseUrl::parse)]
    pub base_url: Option<crate::url::BaseUrl>,
}

/// `kudos new ...`
#[derive(Debug, Subcommand)]
pub enum NewCommand {
    /// A blog post in content/posts/.
    Post {
        /// Its title.
        title: String,
    },
    /// A customer shout-out in content/shoutouts/.
    Shoutout {
        /// The customer's name.
        customer: String,
    },
    /// A segment landing page in content/segments/.
    Segment {
        /// The segment's name.
        name: String,
    },
    /// A plain page at content/PATH.md.
    Page {
        /// Path below content/, e.g. "about" or "legal/privacy".
        path: String,
    },
}

/// `kudos import ...`
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Shout-outs from a CSV or JSON export into content/shoutouts/, one file per row.
    ///
    /// Never overwrites: a row with the same customer and quote as an existing shout-out
    /// (or an earlier row) is skipped, so the same export can be imported again; only
    /// --update-consent adds, to such a file, the consent the export now records. Bad rows
    /// are skipped and reported by their row number; a cell that cannot be read costs that
    /// field, not the row, and is reported with its row and column. A row gets consent only
    /// when its consent column says yes; the others are written but not published.
    #[command(after_help = IMPORT_COLUMNS)]
    Shoutouts(ImportShoutouts),
}

/// `kudos import shoutouts`
#[derive(Debug, Args)]
pub struct ImportShoutouts {
    /// The export: a CSV file (UTF-8, comma-, semicolon- or tab-separated, column names in
    /// the first row), or a .json file holding a list of objects (or an object wrapping
    /// one list, such as {"testimonials": [...]}).
    pub file: PathBuf,
    /// Read column COL as FIELD (customer, quote, company, role, location, rating, date,
    /// nps, segments, tags, product, avatar, video_url, source_url, source_name,
    /// relationship, disclosure, consent, email); `COL=` ignores the column. Repeatable.
    #[arg(long = "map", value_name = "COL=FIELD")]
    pub map: Vec<String>,
    /// Read the columns as this tool names them, instead of recognising them: only its
    /// column names (and --map) are read.
    #[arg(long, value_enum, value_name = "TOOL")]
    pub from: Option<ImportTool>,
    /// Report what would be imported without writing any file.
    #[arg(long)]
    pub dry_run: bool,
    /// How to read numeric dates that fit both orders, such as 03/04/2026: the
    /// export's country decides. Without it such dates are left out (and reported).
    #[arg(long, value_enum, value_name = "ORDER")]
    pub date_format: Option<DateOrder>,
    /// Turn an NPS score (0-10, "how likely are you to recommend us") into stars: half
    /// the score, halves rounded down, at least 1 (10 is 5 stars, 8 and 9 are 4). Without
    /// it a row with only an NPS score is imported without a rating.
    #[arg(long)]
    pub nps_to_stars: bool,
    /// For rows already imported, add the consent the export now records to their files
    /// (only the consent line is added; a file with other consent, or a withdrawal, is
    /// reported and left as it is). Without it no existing file is touched.
    #[arg(long)]
    pub update_consent: bool,
}

/// The testimonial tools whose exports `--from` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ImportTool {
    /// Senja (customer_name, text, customer_avatar, video_url...).
    Senja,
    /// Shapo (name, message, profileImage, source, link...).
    Shapo,
    /// Trustmary (personName, personTitle, reviewNps...).
    Trustmary,
    /// Feedspace ("Review Text", "Star Rating", "Profile Image URL"...).
    Feedspace,
    /// A spreadsheet or form of your own: the common column names, none of a tool's own.
    Generic,
}

/// Which number comes first in a date like 03/04/2026.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DateOrder {
    /// 03/04/2026 is 3 April (most of the world).
    DayFirst,
    /// 03/04/2026 is March 4 (the United States).
    MonthFirst,
}

/// The columns `kudos import shoutouts` recognises (case, `_`, `-` and spaces aside).
const IMPORT_COLUMNS: &str = "\
Columns recognised without --map (Senja, Shapo, Trustmary and Feedspace exports included;
--from TOOL reads only that tool's names):
  customer      name, customer, full name, customer name, your name, author,
                personName
  quote         quote, testimonial, text, review, feedback, comment, comments,
                message, review text
  company       company, company name, organisation, organization, business,
                customer company, personOrganization
  role          role, title, job title, position, job role, customer tagline,
                personTitle
  location      location, city, personLocation
  rating        rating, stars, score, star rating: a number 1-5, or N/5 (decimals
                are rounded to whole stars, halves down)
  nps           nps, nps score, reviewNps: a 0-10 score, not stars: left out unless
                --nps-to-stars
  date          date, submitted, submitted at, created, created at, timestamp,
                review date: ISO (2026-03-14), or a form that names one day only
                (14.03.2026, Mar 14, 2026, 03/14/2026); 03/04/2026 needs
                --date-format day-first or month-first; others are left out
  product       product
  segments      segment, segments: separated by , or ; (New parents -> new-parents)
  tags          tag, tags: separated by , or ;
  avatar        avatar, photo, image, picture, avatar url, customer avatar,
                profileImage, profile image url, personPicture
  video_url     video, video url, video link: an http(s) link
  source_url    source, source url, url, link (a name like Google becomes source_name)
  source_name   source name, platform, integration
  relationship  relationship (customer, free_product, employee, family, paid, affiliate)
  disclosure    disclosure
  consent       consent, permission, may publish, can publish: consent only for
                yes, y, true, 1, x, agreed or granted
  email         email, e-mail, email address, customer email: read, never written
                anywhere
Approval columns (approved, is approved, published) are moderation, not consent: not
imported. Other columns are ignored and listed.";
