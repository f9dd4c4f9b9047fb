//! A tiny HTTP/1.1 server on 127.0.0.1 for the `kudos check --external` tests: the only
//! servers those tests talk to.
//!
//! Each connection gets a thread that reads one request, asks the test's route what to
//! answer (a status, headers, and how long to wait first), answers with no body and
//! closes. So every connection is one request, and the server can count what a test
//! wants to see: which requests came, when, and how many connections were open at once.
//! Everything is bounded: a request head is read for at most 5 s and 16 KiB, and the
//! server stops accepting after [`MAX_CONNECTIONS`].

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Connections a server accepts before it stops (a test that needs more is broken).
const MAX_CONNECTIONS: usize = 5_000;

/// What the route answers.
#[derive(Debug, Clone)]
pub struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    delay: Duration,
}

impl Answer {
    /// `status`, at once, no headers.
    pub fn status(status: u16) -> Answer {
        Answer {
            status,
            headers: Vec::new(),
            delay: Duration::ZERO,
        }
    }

    /// A redirect (`302`) to `location`.
    pub fn redirect(location: &str) -> Answer {
        Answer::status(302).header("Location", location)
    }

    /// With a header.
    pub fn header(mut self, name: &str, value: &str) -> Answer {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Answered only after `delay`.
    pub fn after(mut self, delay: Duration) -> Answer {
        self.delay = delay;
        self
    }
}

/// A request the server got.
#[derive(Debug, Clone)]
pub struct Request {
    /// `HEAD`, `GET`, ...
    pub method: String,
    /// The request target: `/missing`.
    pub path: String,
    /// When it came.
    pub at: Instant,
}

type Route = dyn Fn(&str, &str, usize) -> Answer + Send + Sync;

struct State {
    route: Box<Route>,
    log: Mutex<Vec<Request>>,
    open: AtomicUsize,
    most_open: AtomicUsize,
    stop: AtomicBool,
}

/// A running server; stopped when dropped.
pub struct HttpServer {
    address: SocketAddr,
    state: Arc<State>,
    accepting: Option<JoinHandle<()>>,
}

impl HttpServer {
    /// Starts a server on a free port; `route(method, path, n)` answers each request,
    /// where `n` is how many requests with that method and path came before it.
    pub fn start(route: impl Fn(&str, &str, usize) -> Answer + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let address = listener.local_addr().expect("the server's address");
        let state = Arc::new(State {
            route: Box::new(route),
            log: Mutex::default(),
            open: AtomicUsize::new(0),
            most_open: AtomicUsize::new(0),
            stop: AtomicBool::new(false),
        });
        let shared = Arc::clone(&state);
        let accepting = std::thread::spawn(move || {
            for stream in listener.incoming().take(MAX_CONNECTIONS) {
                if shared.stop.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let open = shared.open.fetch_add(1, Ordering::SeqCst) + 1;
                shared.most_open.fetch_max(open, Ordering::SeqCst);
                let state = Arc::clone(&shared);
                std::thread::spawn(move || serve(&state, stream));
            }
        });
        HttpServer {
            address,
            state,
            accepting: Some(accepting),
        }
    }

    /// `http://127.0.0.1:PORT<path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    /// Every request so far, in the order they came.
    pub fn requests(&self) -> Vec<Request> {
        self.state.log.lock().expect("log lock").clone()
    }

    /// How many requests (any method) asked for `path`.
    pub fn asked(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path == path).count()
    }

    /// The most connections that were open (and not yet answered) at once.
    pub fn most_at_once(&self) -> usize {
        self.state.most_open.load(Ordering::SeqCst)
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        // Wake the accepting thread so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_secs(1));
        if let Some(thread) = self.accepting.take() {
            let _ = thread.join();
        }
    }
}

/// One connection: read the request head, answer as the route says, close.
fn serve(state: &State, mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let Some((method, path)) = read_head(&mut stream) else {
        state.open.fetch_sub(1, Ordering::SeqCst);
        return;
    };
    let before = {
        let mut log = state.log.lock().expect("log lock");
        let before = log
            .iter()
            .filter(|r| r.method == method && r.path == path)
            .count();
        log.push(Request {
            method: method.clone(),
            path: path.clone(),
            at: Instant::now(),
        });
        before
    };
    let answer = (state.route)(&method, &path, before);
    std::thread::sleep(answer.delay);
    // Counted as open until answered: the client may connect again as soon as it has
    // the answer, before this thread gets to close.
    state.open.fetch_sub(1, Ordering::SeqCst);
    let mut head = format!(
        "HTTP/1.1 {} X\r\nContent-Length: 0\r\nConnection: close\r\n",
        answer.status
    );
    for (name, value) in &answer.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
}

/// The method and target of the request on `stream`, once its head has arrived.
fn read_head(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buffer).ok().filter(|n| *n > 0)?;
        head.extend_from_slice(&buffer[..n]);
        if head.len() > 16 * 1024 {
            return None;
        }
    }
    let head = String::from_utf8_lossy(&head);
    let mut words = head.lines().next()?.split(' ');
    Some((words.next()?.to_string(), words.next()?.to_string()))
}
