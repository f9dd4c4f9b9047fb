//! `kudos serve` and `kudos watch`: an initial build, then one rebuild per burst of saves.

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::{Ui, counted, render_diagnostic};
use crate::build::Project;
use crate::cli::{Cli, ServeArgs, WatchArgs};
use crate::error::{Error, Result, SourceError};
use crate::output;
use crate::serve::preview::Preview;
use crate::serve::server::{self, Live};
use crate::serve::session::{OutputMap, RebuildReport, Session};
use crate::serve::watcher::Watcher;
use crate::site::BuildOptions;
use crate::url::BaseUrl;

/// Runs `kudos serve` until Ctrl-C.
pub fn serve(cli: &Cli, args: &ServeArgs, ui: &Ui) -> Result<()> {
    let project = watched_project(cli)?;
    let config = project.config()?;
    let output_dir = project.root.join(&config.build.output_dir);
    let listener = bind(args.interface, args.port)?;
    let address = listener.local_addr().map_err(|e| Error::io("socket", e))?;
    let drafts = args.drafts || config.build.drafts;
    if drafts && !args.interface.is_loopback() {
        ui.info(&format!(
            "warning: serving drafts on {} makes them visible to every machine on the network",
            args.interface
        ));
    }
    let local = SocketAddr::new(local_host(args.interface), address.port());
    let base_url = BaseUrl::local(local, config.base_url.path());
    let options = BuildOptions {
        drafts,
        ..BuildOptions::default()
    };
    let mut session = Session::new(
        project.clone(),
        options,
        Box::new(move |c| {
            c.base_url = BaseUrl::local(local, c.base_url.path());
            c.build.fingerprint_assets = false;
        }),
    );
    session.index_search_in_background();
    let (indexed, finished_indexes) = std::sync::mpsc::channel();
    let live = Live::default();
    // Watch before the first build, so a save made while it runs is not lost.
    let mut watcher = Watcher::new(&project.root, &output_dir, &project.config_path)?;
    let mut shown = ShownWarnings::default();
    rebuild(
        &mut session,
        &[],
        ui,
        &mut shown,
        &|report| publish(&live, report),
        &|m| live.fail(m),
        Kept::Served,
    );
    start_search_index(&mut session, &indexed);
    ui.info(&format!(
        "Serving {} at {} (Ctrl-C to stop)",
        project.root.display(),
        listening_at(args.interface, address.port(), base_url.path()).join(" and ")
    ));
    if args.open {
        open_browser(&format!("{base_url}/"));
    }

    let stop = Arc::new(AtomicBool::new(false));
    let rebuild_live = live.clone();
    let rebuild_stop = Arc::clone(&stop);
    let ui_copy = *ui;
    let rebuilder = std::thread::spawn(move || {
        while !rebuild_stop.load(Ordering::Relaxed) {
            if let Some(changed) = watcher.next(Duration::from_millis(200)) {
                rebuild(
                    &mut session,
                    &changed,
                    &ui_copy,
                    &mut shown,
                    &|report| publish(&rebuild_live, report),
                    &|m| rebuild_live.fail(m),
                    Kept::Served,
                );
                start_search_index(&mut session, &indexed);
            }
            while let Ok(index) = finished_indexes.try_recv() {
                match index {
                    Ok(built) => {
                        if session.install_search(built) {
                            rebuild_live.publish(session.output(), &[]);
                        }
                    }
                    Err(e) => ui_copy.info(&format!("error: the search index: {e}")),
                }
            }
        }
    });

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io("tokio runtime", e))?;
    let served = runtime.block_on(async move {
        listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(listener)?;
        server::serve(listener, server::router(live), async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
    });
    stop.store(true, Ordering::Relaxed);
    let _ = rebuilder.join();
    served.map_err(|e| Error::io("server", e))?;
    ui.info("Stopped.");
    Ok(())
}

/// Runs `kudos watch` until Ctrl-C: every successful rebuild is swapped into the output
/// folder atomically.
pub fn watch(cli: &Cli, args: &WatchArgs, ui: &Ui) -> Result<()> {
    let project = watched_project(cli)?;
    let config = project.config()?;
    let output_dir = project.root.join(&config.build.output_dir);
    let target = output::Target::check(&project.root, &project.config_path, &output_dir)?;
    let options = BuildOptions {
        drafts: args.drafts || config.build.drafts,
        ..BuildOptions::default()
    };
    let base_url = args.base_url.clone();
    let mut session = Session::new(
        project.clone(),
        options,
        Box::new(move |c| {
            if let Some(url) = &base_url {
                c.base_url = url.clone();
            }
        }),
    );
    let stop = Arc::new(AtomicBool::new(false));
    let handler_stop = Arc::clone(&stop);
    ctrlc_flag(handler_stop);
    let write = |report: &Published| {
        let files: Vec<output::OutputFile> = report.0.values().map(|f| (**f).clone()).collect();
        if let Err(e) = output::write_atomically(&target, &files) {
            ui.info(&format!("error: {e}"));
        }
    };
    // Watch before the first build, so a save made while it runs is not lost.
    let mut watcher = Watcher::new(&project.root, &output_dir, &project.config_path)?;
    let mut shown = ShownWarnings::default();
    rebuild(
        &mut session,
        &[],
        ui,
        &mut shown,
        &write,
        &|_| {},
        Kept::Written,
    );
    ui.info(&format!(
        "Watching {} (Ctrl-C to stop)",
        project.root.display()
    ));
    while !stop.load(Ordering::Relaxed) {
        if let Some(changed) = watcher.next(Duration::from_millis(200)) {
            rebuild(
                &mut session,
                &changed,
                ui,
                &mut shown,
                &write,
                &|_| {},
                Kept::Written,
            );
        }
    }
    ui.info("Stopped.");
    Ok(())
}

/// The project with an absolute root and config, so watcher events (absolute paths)
/// match them.
fn watched_project(cli: &Cli) -> Result<Project> {
    let root = cli
        .root
        .canonicalize()
        .map_err(|e| Error::io(&cli.root, e))?;
    let config = cli
        .config
        .as_deref()
        .map(|c| c.canonicalize().unwrap_or_else(|_| c.to_path_buf()));
    Ok(Project::new(&root, config.as_deref()))
}

/// A good rebuild: its output, the paths that changed, and (for `serve`) its preview bar.
type Published = (Arc<OutputMap>, Vec<String>, Option<Arc<Preview>>);

/// Makes the search index of the last rebuild on its own thread, so the browser reloads
/// without waiting for it; the serve loop installs it when it is done.
fn start_search_index(
    session: &mut Session,
    done: &std::sync::mpsc::Sender<Result<(u64, Vec<output::OutputFile>)>>,
) {
    if let Some(job) = session.take_search_job() {
        let done = done.clone();
        std::thread::spawn(move || {
            let _ = done.send(job.run());
        });
    }
}

/// Serves a good rebuild: the bar first, so the reload shows the new one.
fn publish(live: &Live, (files, changed, preview): &Published) {
    live.set_preview(preview.clone());
    live.publish(Arc::clone(files), changed);
}

/// What the terminal was last told about warnings: a rebuild prints its warnings only
/// when they differ from these (the first build always prints them).
#[derive(Debug, Default)]
struct ShownWarnings(Option<Vec<String>>);

impl ShownWarnings {
    /// Prints `warnings` if they are not the ones shown last.
    fn show(&mut self, warnings: &[SourceError], ui: &Ui) {
        let plain: Vec<String> = warnings
            .iter()
            .map(|w| render_diagnostic(w, false, "warning"))
            .collect();
        if self.0.as_ref() == Some(&plain) {
            return;
        }
        for warning in warnings {
            ui.warn(warning);
        }
        if warnings.is_empty() && self.0.is_some() {
            ui.info("No warnings left.");
        }
        self.0 = Some(plain);
    }
}

/// One rebuild with its log line: "content/posts/a.md changed: 9 pages in 14 ms". A
/// panic anywhere in it (a bug) is reported like a failed build, the session forgets its
/// caches, and the loop goes on: the next save rebuilds from the files.
fn rebuild(
    session: &mut Session,
    changed: &[PathBuf],
    ui: &Ui,
    shown: &mut ShownWarnings,
    on_success: &dyn Fn(&Published),
    on_error: &dyn Fn(String),
    kept: Kept,
) {
    let attempt = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rebuild_and_report(session, changed, ui, shown, on_success, on_error, kept)
    }));
    if let Err(panic) = attempt {
        session.reset();
        let message = format!(
            "error: kudos crashed while rebuilding (this is a bug in kudos: please report it): {}",
            panic_message(panic.as_ref())
        );
        eprintln!("{message}");
        ui.info(failed_line(session, kept));
        on_error(message);
    }
}

/// The text a panic was raised with.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into())
}

fn rebuild_and_report(
    session: &mut Session,
    changed: &[PathBuf],
    ui: &Ui,
    shown: &mut ShownWarnings,
    on_success: &dyn Fn(&Published),
    on_error: &dyn Fn(String),
    kept: Kept,
) {
    match session.rebuild(changed) {
        Ok(report) => {
            shown.show(&report.warnings, ui);
            ui.info(&log_line(session, changed, &report));
            let how = if report.patched {
                " (the kept site was patched, not resolved again)"
            } else {
                ""
            };
            ui.detail(&format!("  stages: {}{how}", report.timings.summary()));
            let preview = match kept {
                Kept::Served => session.preview(&report.warnings).map(Arc::new),
                Kept::Written => None,
            };
            on_success(&(session.output(), report.changed, preview));
        }
        Err(error) => {
            let text = match &error {
                Error::Content(errors) => errors
                    .iter()
                    .map(|e| render_diagnostic(e, false, "error"))
                    .collect::<Vec<_>>()
                    .join("\n\n"),
                other => format!("error: {other}"),
            };
            eprintln!(
                "{}",
                match &error {
                    Error::Content(errors) => errors
                        .iter()
                        .map(|e| render_diagnostic(e, ui.color, "error"))
                        .collect::<Vec<_>>()
                        .join("\n\n"),
                    _ => text.clone(),
                }
            );
            ui.info(failed_line(session, kept));
            on_error(text);
        }
    }
}

/// Where the last good build is while a rebuild fails.
#[derive(Debug, Clone, Copy)]
enum Kept {
    /// `serve`: in memory, served.
    Served,
    /// `watch`: in the output folder, which a failed rebuild does not touch.
    Written,
}

/// What a failed build means for the site: the last good version is still served (or
/// still in the output folder), or (when no build has succeeded yet) there is none.
fn failed_line(session: &Session, kept: Kept) -> &'static str {
    match (kept, session.output().is_empty()) {
        (Kept::Served, true) => {
            "Build failed; there is no earlier version to serve: every page shows the error until it is fixed."
        }
        (Kept::Served, false) => "Rebuild failed; still serving the last good version.",
        (Kept::Written, true) => {
            "Build failed; nothing was written: the output folder is as it was before."
        }
        (Kept::Written, false) => "Rebuild failed; the output folder keeps the last good version.",
    }
}

fn log_line(session: &Session, changed: &[PathBuf], report: &RebuildReport) -> String {
    let ms = report.elapsed.as_secs_f64() * 1000.0;
    if changed.is_empty() {
        let pages = session
            .output()
            .keys()
            .filter(|k| k.ends_with(".html"))
            .count();
        return format!("Built {} in {ms:.0} ms", counted(pages, "page"));
    }
    let root = session.root().to_path_buf();
    let names: Vec<String> = changed
        .iter()
        .map(|p| p.strip_prefix(&root).unwrap_or(p).display().to_string())
        .collect();
    let what = match names.len() {
        1..=3 => names.join(", "),
        n => format!("{} and {} more", names[..2].join(", "), n - 2),
    };
    format!(
        "{what} changed: {} in {ms:.0} ms",
        counted(report.rendered.len(), "page")
    )
}

/// The address this machine itself reaches the server at: the interface, or loopback
/// when it listens on every interface.
fn local_host(interface: IpAddr) -> IpAddr {
    match interface {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::from([127, 0, 0, 1]),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::from(std::net::Ipv6Addr::LOCALHOST),
        other => other,
    }
}

/// The URLs the server really answers on (with the base path), for the "Serving" line: the interface's own,
/// or, on every interface (`0.0.0.0`, `::`), loopback and the address other machines
/// reach this one at, with a note that every interface is served.
fn listening_at(interface: IpAddr, port: u16, base: &str) -> Vec<String> {
    let url = |host: IpAddr| format!("http://{}{base}/", SocketAddr::new(host, port));
    if !interface.is_unspecified() {
        return vec![url(interface)];
    }
    let mut urls = vec![url(local_host(interface))];
    if let Some(lan) = network_address(interface) {
        urls.push(url(lan));
    }
    let last = urls.pop().unwrap_or_default();
    urls.push(format!(
        "{last} (listening on every interface, {interface})"
    ));
    urls
}

/// This machine's address on the network, as the system would pick it to reach another
/// one; a UDP "connect" only chooses the route and sends nothing.
fn network_address(interface: IpAddr) -> Option<IpAddr> {
    let (bind, probe): (SocketAddr, SocketAddr) = match interface {
        IpAddr::V4(_) => (([0, 0, 0, 0], 0).into(), ([192, 0, 2, 1], 9).into()),
        IpAddr::V6(_) => (
            (std::net::Ipv6Addr::UNSPECIFIED, 0).into(),
            ("2001:db8::1".parse::<IpAddr>().ok()?, 9).into(),
        ),
    };
    let socket = std::net::UdpSocket::bind(bind).ok()?;
    socket.connect(probe).ok()?;
    let ip = socket.local_addr().ok()?.ip();
    (!ip.is_loopback() && !ip.is_unspecified()).then_some(ip)
}

/// Binds `port`, or the next free one of the ten after it.
fn bind(interface: IpAddr, port: u16) -> Result<TcpListener> {
    let mut last = None;
    for candidate in port..port.saturating_add(10) {
        match TcpListener::bind(SocketAddr::new(interface, candidate)) {
            Ok(listener) => {
                if candidate != port {
                    eprintln!("Port {port} is in use; using {candidate} instead.");
                }
                return Ok(listener);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(Error::io(
        Path::new(&format!("{interface}:{port}")),
        last.unwrap_or_else(|| std::io::Error::other("no free port")),
    ))
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let _ = std::process::Command::new(opener).arg(url).spawn();
}

/// Sets `flag` on Ctrl-C (watch has no async runtime of its own).
fn ctrlc_flag(flag: Arc<AtomicBool>) {
    std::thread::spawn(move || {
        if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            runtime.block_on(async {
                let _ = tokio::signal::ctrl_c().await;
            });
            flag.store(true, Ordering::Relaxed);
        }
    });
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::sync::atomic::AtomicUsize;

    use super::*;

    const QUIET: Ui = Ui {
        quiet: true,
        verbose: false,
        color: false,
        interactive: false,
    };

    /// A session over a one-post site whose config read panics on the `panic_on`-th call.
    fn session(root: &Path, panic_on: usize) -> Session {
        std::fs::create_dir_all(root.join("content/posts")).unwrap();
        std::fs::write(root.join("kudos.toml"), "title = \"T\"\n").unwrap();
        std::fs::write(
            root.join("content/posts/a.md"),
            "+++\ntitle = \"A\"\ndate = 2026-01-01\n+++\nHello.\n",
        )
        .unwrap();
        let calls = AtomicUsize::new(0);
        Session::new(
            Project::new(root, None),
            BuildOptions::default(),
            Box::new(move |_| {
                if calls.fetch_add(1, Ordering::Relaxed) + 1 == panic_on {
                    panic!("injected for the test");
                }
            }),
        )
    }

    #[test]
    fn a_panicking_rebuild_is_reported_and_the_next_one_succeeds() {
        let dir = tempfile::tempdir().unwrap();
        let mut session = session(dir.path(), 2);
        let errors = RefCell::new(Vec::new());
        let built = RefCell::new(0);
        let mut shown = ShownWarnings::default();
        let mut once = |session: &mut Session| {
            rebuild(
                session,
                &[],
                &QUIET,
                &mut shown,
                &|_| *built.borrow_mut() += 1,
                &|m| errors.borrow_mut().push(m),
                Kept::Served,
            )
        };
        once(&mut session);
        once(&mut session);
        assert_eq!(*built.borrow(), 1);
        assert_eq!(
            *errors.borrow(),
            [
                "error: kudos crashed while rebuilding (this is a bug in kudos: please report it): injected for the test"
            ]
        );
        std::fs::write(
            dir.path().join("content/posts/a.md"),
            "+++\ntitle = \"A\"\ndate = 2026-01-01\n+++\nHello again.\n",
        )
        .unwrap();
        once(&mut session);
        assert_eq!(*built.borrow(), 2);
        let page = session.output()["posts/a/index.html"]
            .bytes()
            .unwrap()
            .into_owned();
        assert!(String::from_utf8(page).unwrap().contains("Hello again."));
    }

    #[test]
    fn warnings_are_shown_again_only_when_they_change() {
        let text: Arc<str> = Arc::from("x");
        let one = SourceError::at("content/shoutouts/a.md", &text, 0..1, "no consent");
        let two = SourceError::at("content/shoutouts/b.md", &text, 0..1, "no consent");
        let mut shown = ShownWarnings::default();
        shown.show(std::slice::from_ref(&one), &QUIET);
        let first = shown.0.clone();
        shown.show(std::slice::from_ref(&one), &QUIET);
        assert_eq!(shown.0, first);
        shown.show(&[one.clone(), two], &QUIET);
        assert_eq!(shown.0.as_ref().map(Vec::len), Some(2));
        shown.show(&[], &QUIET);
        assert_eq!(shown.0, Some(Vec::new()));
    }
}
