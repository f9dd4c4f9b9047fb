//! A `kudos serve` or `kudos watch` process that a test talks to while it runs.
//!
//! [`Running`] owns the child process: it collects stderr line by line on a thread, so a
//! test can wait for a log line and count them, and it kills the child when dropped, also
//! when the test panics (and then prints what kudos logged, to explain the failure).
//! [`Running::request`] speaks HTTP/1.1 over a plain `TcpStream`: the request target is
//! sent exactly as written, so `..` and `%2e%2e` reach the server un-normalised, which no
//! HTTP client library promises. [`Events`] reads the live-reload event stream the same way.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long a process may take to start, build and answer (debug builds on a busy CI).
pub const START: Duration = Duration::from_secs(60);

/// How long a rebuild after a save may take to be reported.
pub const REBUILD: Duration = Duration::from_secs(20);

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind a free loopback port")
        .port()
}

/// A running `kudos` child; killed on drop.
pub struct Running {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
    address: Option<SocketAddr>,
}

impl Running {
    /// Starts `command` (stdin closed, stderr collected).
    pub fn start(mut command: Command) -> Running {
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start kudos");
        let log = Arc::new(Mutex::new(Vec::new()));
        let stderr = child.stderr.take().expect("piped stderr");
        let lines = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                lines.lock().expect("log lock").push(line);
            }
        });
        Running {
            child,
            log,
            address: None,
        }
    }

    /// Every line logged so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log lock").clone()
    }

    /// The lines logged so far that contain `needle`.
    pub fn lines_with(&self, needle: &str) -> Vec<String> {
        self.log()
            .into_iter()
            .filter(|l| l.contains(needle))
            .collect()
    }

    /// Waits until a line containing `needle` is logged, and returns it; panics with the log
    /// after `timeout` or if kudos exits first.
    pub fn wait_for_line(&mut self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(line) = self.lines_with(needle).into_iter().next() {
                return line;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the reader thread catch up with the last lines.
                std::thread::sleep(Duration::from_millis(100));
                panic!(
                    "kudos exited ({status}) before logging {needle:?}; it logged:\n{}",
                    self.log().join("\n")
                );
            }
            assert!(
                Instant::now() < deadline,
                "kudos did not log {needle:?} within {timeout:?}; it logged:\n{}",
                self.log().join("\n")
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for `count` lines containing `needle` in all (see [`Running::wait_for_line`]).
    pub fn wait_for_lines(&mut self, needle: &str, count: usize, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while self.lines_with(needle).len() < count {
            assert!(
                Instant::now() < deadline,
                "kudos logged fewer than {count} lines with {needle:?} within {timeout:?}:\n{}",
                self.log().join("\n")
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// For `kudos serve`: waits for "Serving <root> at http://ADDR/" and for ADDR to answer
    /// `GET /` with 200; returns the base URL (`http://127.0.0.1:PORT/`).
    pub fn wait_until_serving(&mut self) -> String {
        let url = self.wait_for_address();
        let address = self.address();
        let deadline = Instant::now() + START;
        loop {
            // The URL's own path: a site with a sub-path is served under it.
            let path = url.trim_start_matches("http://");
            let path = path.find('/').map_or("/", |at| &path[at..]);
            if let Ok(reply) = try_request(address, "GET", path)
                && reply.status == 200
            {
                return url;
            }
            assert!(
                Instant::now() < deadline,
                "{url} did not answer 200 within {START:?}; kudos logged:\n{}",
                self.log().join("\n")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// For `kudos serve`: waits for "Serving <root> at http://ADDR/" and returns that
    /// URL, whatever the pages answer (a site whose first build failed answers 503).
    pub fn wait_for_address(&mut self) -> String {
        let line = self.wait_for_line("Serving ", START);
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"))
            .to_string();
        let address: SocketAddr = url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap_or_default()
            .parse()
            .unwrap_or_else(|e| panic!("no socket address in {line:?}: {e}"));
        self.address = Some(address);
        url
    }

    /// The server's address (after [`Running::wait_until_serving`]).
    pub fn address(&self) -> SocketAddr {
        self.address.expect("wait_until_serving first")
    }

    /// `METHOD target HTTP/1.1`, with `target` sent byte for byte as given.
    pub fn request(&self, method: &str, target: &str) -> Reply {
        try_request(self.address(), method, target)
            .unwrap_or_else(|e| panic!("{method} {target:?}: {e}"))
    }

    /// `GET target`.
    pub fn get(&self, target: &str) -> Reply {
        self.request("GET", target)
    }

    /// `GET target` from `address` (another of the server's addresses than the one
    /// [`Running::wait_until_serving`] found).
    pub fn get_at(&self, address: SocketAddr, target: &str) -> Reply {
        try_request(address, "GET", target).unwrap_or_else(|e| panic!("GET {target:?}: {e}"))
    }

    /// Subscribes to the live-reload events; returns once the server has answered, so
    /// every later rebuild is seen.
    pub fn events(&self) -> Events {
        self.events_at(self.address())
    }

    /// [`Running::events`], asked at `address` (another of the server's addresses).
    pub fn events_at(&self, address: SocketAddr) -> Events {
        let mut stream = TcpStream::connect(address).expect("connect for events");
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .expect("read timeout");
        write!(
            stream,
            "GET /__kudos/events HTTP/1.1\r\nHost: {address}\r\nAccept: text/event-stream\r\n\r\n"
        )
        .expect("send the events request");
        let mut events = Events {
            stream,
            seen: String::new(),
        };
        let deadline = Instant::now() + START;
        while !events.seen.contains("\r\n\r\n") {
            assert!(Instant::now() < deadline, "no answer from /__kudos/events");
            events.read_some();
        }
        assert!(
            events.seen.starts_with("HTTP/1.1 200"),
            "/__kudos/events answered {:?}",
            events.seen
        );
        events
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("--- kudos logged ---\n{}\n---", self.log().join("\n"));
        }
    }
}

/// A parsed HTTP response.
#[derive(Debug)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// Headers, names in lower case, in the order sent.
    pub headers: Vec<(String, String)>,
    /// Everything after the headers (the server closes the connection after it).
    pub body: Vec<u8>,
}

impl Reply {
    /// The value of header `name` (any case), if sent.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn try_request(address: SocketAddr, method: &str, target: &str) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect_timeout(&address, Duration::from_secs(5))?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    stream.write_all(
        format!("{method} {target} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n")
            .as_bytes(),
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    parse_reply(&raw).ok_or_else(|| {
        std::io::Error::other(format!(
            "not an HTTP response: {:?}",
            String::from_utf8_lossy(&raw)
        ))
    })
}

fn parse_reply(raw: &[u8]) -> Option<Reply> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).ok()?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next()?;
    let mut parts = status_line.split(' ');
    if !parts.next()?.starts_with("HTTP/1.") {
        return None;
    }
    let status = parts.next()?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Some(Reply {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    })
}

/// The live-reload event stream (`/__kudos/events`), read as raw text.
pub struct Events {
    stream: TcpStream,
    seen: String,
}

impl Events {
    fn read_some(&mut self) {
        let mut buffer = [0u8; 4096];
        match self.stream.read(&mut buffer) {
            Ok(0) => std::thread::sleep(Duration::from_millis(50)),
            Ok(n) => self.seen.push_str(&String::from_utf8_lossy(&buffer[..n])),
            Err(_) => {} // the read timeout: nothing new yet
        }
    }

    /// Waits for a whole `event: <name>` event and returns its data (lines joined with
    /// newlines); panics after `timeout`. What came before it, and the event itself, are
    /// consumed.
    pub fn expect(&mut self, name: &str, timeout: Duration) -> String {
        let wanted = format!("event: {name}\n");
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(at) = self.seen.find(&wanted)
                && let Some(length) = self.seen[at..].find("\n\n")
            {
                let event: String = self.seen.drain(..at + length + 2).skip(at).collect();
                return event
                    .lines()
                    .filter_map(|line| line.strip_prefix("data:"))
                    .map(|data| data.strip_prefix(' ').unwrap_or(data))
                    .collect::<Vec<_>>()
                    .join("\n");
            }
            assert!(
                Instant::now() < deadline,
                "no {name:?} event within {timeout:?}; the stream said:\n{}",
                self.seen
            );
            self.read_some();
        }
    }

    /// The names of the events that arrive within `wait` (keep-alive comments aside).
    pub fn names_within(&mut self, wait: Duration) -> Vec<String> {
        let deadline = Instant::now() + wait;
        while Instant::now() < deadline {
            self.read_some();
        }
        let names = self
            .seen
            .lines()
            .filter_map(|l| l.strip_prefix("event: "))
            .map(str::to_string)
            .collect();
        self.seen.clear();
        names
    }
}
