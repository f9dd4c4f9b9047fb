//! Live reload in headless Chromium (issue 4, acceptance 3).
//!
//! This test starts `kudos serve` on a copy of the basic fixture, on a free loopback port,
//! and hands the URL and the site folder to `tests/e2e/serve_reload.mjs`, which drives
//! Debian's Chromium through npm's `playwright-core`: edit a post, see the page change
//! within 2 s; break the front matter, see the overlay name the file; fix it, see the
//! overlay go; edit a stylesheet, see it swapped without a reload. The script's exit code
//! decides. Missing tools fail the test with what to install: it never skips silently.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{Site, free_port};

const CHROMIUM: &str = "/usr/bin/chromium";
/// The whole browser run, launch included; the script has its own 90 s watchdog.
const NODE_LIMIT: Duration = Duration::from_secs(150);

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Node, playwright-core and Chromium are all there, or the test fails saying how to get
/// them.
fn require_tools() {
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|o| o.status.success()),
        "the browser test needs Node.js on PATH (Debian: apt-get install nodejs npm)"
    );
    assert!(
        repository()
            .join("node_modules/playwright-core/package.json")
            .is_file(),
        "the browser test needs node_modules/playwright-core: run `npm ci` in {}",
        repository().display()
    );
    assert!(
        Path::new(CHROMIUM).is_file(),
        "the browser test needs Debian's Chromium at {CHROMIUM}: apt-get install chromium"
    );
}

#[test]
fn a_served_page_follows_edits_errors_and_stylesheets() {
    require_tools();
    let site = Site::fixture("basic");
    // A stylesheet of the site's own that overrides the theme's, with a probe the script
    // reads through getComputedStyle.
    let theme_css = std::fs::read_to_string(repository().join("themes/kudos/static/style.css"))
        .expect("read the default theme's style.css");
    site.write(
        "static/style.css",
        format!("{theme_css}\n:root {{ --kudos-e2e: one; }}\n"),
    );
    let port = free_port().to_string();
    let mut server = site.spawn(&["serve", "--port", &port]);
    let url = server.wait_until_serving();

    let script = repository().join("tests/e2e/serve_reload.mjs");
    let mut node = Command::new("node")
        .arg(&script)
        .arg(&url)
        .arg(site.root())
        .current_dir(repository())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start node");
    let out = collect(node.stdout.take().expect("piped stdout"));
    let err = collect(node.stderr.take().expect("piped stderr"));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = node.try_wait().expect("wait for node") {
            break Some(status);
        }
        if started.elapsed() > NODE_LIMIT {
            let _ = node.kill();
            let _ = node.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = format!(
        "{}{}",
        out.join().unwrap_or_default(),
        err.join().unwrap_or_default()
    );
    match status {
        Some(status) if status.success() => println!("{output}"),
        Some(status) => panic!("{} failed ({status}):\n{output}", script.display()),
        None => panic!(
            "{} did not finish within {NODE_LIMIT:?}:\n{output}",
            script.display()
        ),
    }
    // The terminal showed the broken save too, not only the page.
    assert!(
        server
            .log()
            .iter()
            .any(|l| l.contains("Rebuild failed; still serving the last good version.")),
        "{}",
        server.log().join("\n")
    );
}

/// Reads a pipe to the end on a thread.
fn collect(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}
