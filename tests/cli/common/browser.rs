//! Running the Node scripts of `tests/e2e/` against headless Chromium.
//!
//! The browser tests (live reload, accessibility, Lighthouse) share one way to start a
//! script: from the repository (so `node_modules/` resolves), with a time limit that kills
//! a stuck run, and its output kept for the failure message. Missing tools fail the test with what to
//! install: it never skips silently.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Node, Chromium and the npm `packages` are all there, or the test fails saying how to get
/// them.
pub fn require_tools(packages: &[&str]) {
    let node = Command::new("node").arg("--version").output();
    assert!(
        node.is_ok_and(|o| o.status.success()),
        "the browser test needs Node.js on PATH (Debian: apt-get install nodejs npm)"
    );
    for package in packages {
        assert!(
            repository()
                .join("node_modules")
                .join(package)
                .join("package.json")
                .is_file(),
            "the browser test needs node_modules/{package}: run `npm ci` in {}",
            repository().display()
        );
    }
    assert!(
        Path::new(CHROMIUM).is_file(),
        "the browser test needs Debian's Chromium at {CHROMIUM}: apt-get install chromium"
    );
}

/// Runs `node tests/e2e/<script> <args>` and returns what it printed; panics with that
/// output if it fails or runs longer than `limit`.
pub fn run_node_script(script: &str, args: &[&std::ffi::OsStr], limit: Duration) -> String {
    let script = repository().join("tests/e2e").join(script);
    let mut node = Command::new("node")
        .arg(&script)
        .args(args)
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
        if started.elapsed() > limit {
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
        Some(status) if status.success() => output,
        Some(status) => panic!("{} failed ({status}):\n{output}", script.display()),
        None => panic!(
            "{} did not finish within {limit:?}:\n{output}",
            script.display()
        ),
    }
}

/// Reads a pipe to the end on a thread.
fn collect(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}
