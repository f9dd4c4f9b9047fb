//! `kudos check --external`: does every outside link of the site still lead somewhere?
//!
//! The pipeline, one module per step:
//!
//! 1. [`collect`] lists every `http(s)` link the built site shows, with the file and
//!    place it is written, from what rendering already recorded;
//! 2. here, links are grouped by URL (a URL written a hundred times is asked once),
//!    `[check] skip` patterns drop what must never be asked, and [`cache`] drops what
//!    was found working less than `cache_hours` ago;
//! 3. [`probe`] asks about each remaining URL (`HEAD`, then `GET`; redirects, `429`s
//!    and timeouts handled), under the limits of [`schedule`];
//! 4. every place of every broken URL becomes an error at its line, as `@/` links are
//!    reported, and the working ones go into the cache.
//!
//! Nothing here runs unless `--external` is given: `kudos check` alone never touches
//! the network. Only `http` and `https` URLs are ever requested, redirects included.

pub mod cache;
pub mod collect;
pub mod probe;
pub mod schedule;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use regex::RegexSet;
use reqwest::Url;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::config::CheckConfig;
use crate::error::{Error, Result, SourceError};
use crate::render::bodies::MAX_LINK_ERRORS_PER_FILE;

pub use collect::{Found, Place, outside_links};
pub use probe::Broken;

use cache::WorkingLinks;
use probe::Prober;
use schedule::{IN_FLIGHT, Limits, PER_HOST, TOTAL, by_turns, host_key, run_all};

/// How links are checked: `[check]` in `kudos.toml`, read.
#[derive(Debug, Clone)]
pub struct Settings {
    /// URLs any of these match are never requested.
    pub skip: RegexSet,
    /// One request's time.
    pub timeout: Duration,
    /// How long a working link is not asked again.
    pub keep_for: Duration,
}

impl Settings {
    /// From `[check]` (whose patterns the config has already checked).
    pub fn from_config(check: &CheckConfig) -> Result<Settings> {
        let skip = check.skip_set().map_err(|(pattern, why)| {
            Error::Usage(format!("`[check] skip` has `{pattern}`: {why}"))
        })?;
        Ok(Settings {
            skip,
            timeout: Duration::from_secs(check.timeout),
            keep_for: Duration::from_secs(check.cache_hours.saturating_mul(3600)),
        })
    }
}

/// What a check found.
#[derive(Debug)]
pub struct Summary {
    /// Different URLs on the site, skipped ones aside.
    pub urls: usize,
    /// URLs found working in the cache.
    pub cached: usize,
    /// URLs a skip pattern matched.
    pub skipped: usize,
    /// URLs found broken.
    pub broken_urls: usize,
    /// One error per place a broken URL is written (a bounded number per file).
    pub errors: Vec<SourceError>,
}

/// One URL of the site and every place it is written.
struct Target {
    /// As written the first time (what messages show).
    written: String,
    /// What is asked, or why it cannot be.
    url: std::result::Result<Url, Broken>,
    places: Vec<Place>,
}

/// A URL's answer: it works, or why not.
type Outcome = std::result::Result<(), Broken>;

/// Checks `links` (of the site at `root`); `progress` hears (done, to do) as URLs are
/// answered.
pub fn check(
    root: &Path,
    links: Vec<Found>,
    settings: &Settings,
    progress: &dyn Fn(usize, usize),
) -> Result<Summary> {
    let (targets, skipped) = group(links, &settings.skip);
    let now = SystemTime::now();
    let mut cache = WorkingLinks::load(root, settings.keep_for, now);
    let in_cache = |t: &Target| t.url.as_ref().is_ok_and(|u| cache.has(u.as_str()));
    let cached = targets.iter().filter(|t| in_cache(t)).count();
    let mut outcomes: Vec<Option<Outcome>> = targets
        .iter()
        .map(|t| match &t.url {
            Err(broken) => Some(Err(broken.clone())),
            Ok(_) => in_cache(t).then_some(Ok(())),
        })
        .collect();
    let to_ask: Vec<(usize, Url)> = targets
        .iter()
        .enumerate()
        .filter(|(i, _)| outcomes[*i].is_none())
        .filter_map(|(i, t)| Some((i, t.url.clone().ok()?)))
        .collect();
    ask_all(to_ask, settings.timeout, &mut outcomes, progress)?;
    let mut broken = Vec::new();
    for (target, outcome) in targets.iter().zip(outcomes) {
        let key = target.url.as_ref().map(Url::as_str);
        match (outcome, key) {
            (Some(Ok(())), Ok(key)) => cache.record(key, now),
            (Some(Err(why)), key) => {
                if let Ok(key) = key {
                    cache.forget(key);
                }
                broken.push((target, why));
            }
            _ => {}
        }
    }
    // Best effort: without the file, the next check asks again.
    let _ = cache.save();
    Ok(Summary {
        urls: targets.len(),
        cached,
        skipped,
        broken_urls: broken.len(),
        errors: report(&broken),
    })
}

/// Links grouped by the URL asked (without its `#fragment`), in order of first
/// appearance, those a skip pattern matches (as written) left out and counted.
fn group(links: Vec<Found>, skip: &RegexSet) -> (Vec<Target>, usize) {
    let mut targets: Vec<Target> = Vec::new();
    let mut by_key: FxHashMap<String, usize> = FxHashMap::default();
    let mut skipped: FxHashSet<String> = FxHashSet::default();
    for found in links {
        if skip.is_match(&found.url) {
            skipped.insert(found.url);
            continue;
        }
        let url = parse(&found.url);
        let key = url
            .as_ref()
            .map_or_else(|_| found.url.clone(), |u| u.to_string());
        let next = targets.len();
        let at = *by_key.entry(key).or_insert(next);
        if at == next {
            targets.push(Target {
                written: found.url.clone(),
                url,
                places: Vec::new(),
            });
        }
        targets[at].places.push(found.place);
    }
    (targets, skipped.len())
}

/// The URL to ask for `written`: parsed, without its fragment (which never reaches the
/// server), and only if it is `http(s)` with a host.
fn parse(written: &str) -> std::result::Result<Url, Broken> {
    let mut url = Url::parse(written.trim()).map_err(|e| Broken::Invalid(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return Err(Broken::Invalid(
            "expected an http:// or https:// URL with a host".into(),
        ));
    }
    url.set_fragment(None);
    Ok(url)
}

/// Asks about every URL of `to_ask` (by index into `outcomes`) on a runtime of its own,
/// one thread: the work is waiting on the network.
fn ask_all(
    to_ask: Vec<(usize, Url)>,
    timeout: Duration,
    outcomes: &mut [Option<Outcome>],
    progress: &dyn Fn(usize, usize),
) -> Result<()> {
    if to_ask.is_empty() {
        return Ok(());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::LinkCheck(format!("cannot start the network runtime: {e}")))?;
    let total = to_ask.len();
    let ordered = by_turns(to_ask, |(_, url)| host_key(url));
    runtime.block_on(async {
        let prober = Prober::new(timeout, Limits::new(PER_HOST, TOTAL))
            .map(Arc::new)
            .map_err(|e| Error::LinkCheck(format!("cannot make the HTTP client: {e}")))?;
        let mut done = 0;
        run_all(
            ordered,
            IN_FLIGHT,
            |url| {
                let prober = Arc::clone(&prober);
                async move { prober.probe(url).await }
            },
            |i, result| {
                outcomes[i] = Some(result);
                done += 1;
                progress(done, total);
            },
        )
        .await;
        Ok(())
    })
}

/// One error per place a broken URL is written, in file order, at most
/// [`MAX_LINK_ERRORS_PER_FILE`] per file and the rest counted: lines are counted only
/// for the errors listed, so a file of a hundred thousand broken links is reported in
/// bounded time.
fn report(broken: &[(&Target, Broken)]) -> Vec<SourceError> {
    let mut places: Vec<(&Place, &Target, &Broken)> = broken
        .iter()
        .flat_map(|(target, why)| target.places.iter().map(move |p| (p, *target, why)))
        .collect();
    places.sort_by(|a, b| (&a.0.path, a.0.range.start).cmp(&(&b.0.path, b.0.range.start)));
    let mut errors = Vec::new();
    for file in places.chunk_by(|a, b| a.0.path == b.0.path) {
        for (place, target, why) in file.iter().take(MAX_LINK_ERRORS_PER_FILE) {
            let error = place.error(format!("broken link {}: {why}", target.written));
            errors.push(match help(why) {
                Some(help) => error.with_help(help),
                None => error,
            });
        }
        let more = file.len().saturating_sub(MAX_LINK_ERRORS_PER_FILE);
        if more > 0 {
            errors.push(SourceError::new(
                &file[0].0.path,
                format!("{more} more broken links in this file are not listed (fix the ones above first)"),
            ));
        }
    }
    errors
}

/// Advice for the failures that are often the server's choice, not a dead link.
fn help(broken: &Broken) -> Option<&'static str> {
    let refuses_robots = "some sites turn away programs; if the link works in a browser, skip it: `[check] skip = [\"example\\\\.com\"]` in kudos.toml";
    match broken {
        Broken::Status {
            status: 401 | 403 | 999,
            ..
        } => Some(refuses_robots),
        Broken::WaitTooLong(_) | Broken::StillRateLimited => Some(refuses_robots),
        Broken::Timeout(_) => {
            Some("a slow server may need longer: `[check] timeout = 30` (seconds) in kudos.toml")
        }
        _ => None,
    }
}
