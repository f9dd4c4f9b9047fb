//! Asking about one outside URL.
//!
//! `HEAD` first: it answers the question without the page. Some servers refuse it
//! (`405`, `501`, or any other error for `HEAD` alone), so any error status or a
//! protocol failure is asked again with `GET`, whose body is never read. Redirects are
//! followed here, not by the client: so each hop waits for its own host's turn
//! ([`Limits`]), a hop to a scheme other than `http(s)` is refused before anything is
//! sent, and a loop is named as one. A `429 Too Many Requests` is waited out when the
//! server asks for a short wait ([`MAX_WAIT`]), at most twice; a longer one is reported.
//! Every step is bounded (hops, retries, one timeout per request), so one URL cannot
//! hold the check forever.

use std::time::Duration;

use reqwest::header::{HeaderMap, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};

use super::schedule::Limits;

/// Redirects followed before a link is called broken.
pub const MAX_REDIRECTS: usize = 10;
/// The longest `Retry-After` waited for.
pub const MAX_WAIT: Duration = Duration::from_secs(10);
/// Waits for one URL's `429`s before it is reported.
const RATE_LIMIT_RETRIES: usize = 2;
/// The wait when a `429` does not say how long.
const DEFAULT_WAIT: Duration = Duration::from_secs(1);

/// Why an outside link is broken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Broken {
    /// The server answered with an error status (at `at`, when redirects led there).
    #[error("{}{}", status_text(*.status), .at.as_ref().map(|u| format!(" (redirected to {u})")).unwrap_or_default())]
    Status {
        /// The status code.
        status: u16,
        /// The URL that answered it, when it is not the link's.
        at: Option<String>,
    },
    /// A `429` asking for a longer wait than kudos gives.
    #[error("429 Too Many Requests: the server asks to wait {0} s, and kudos waits at most {max} s", max = MAX_WAIT.as_secs())]
    WaitTooLong(u64),
    /// Still `429` after waiting as asked.
    #[error("429 Too Many Requests, still after waiting as the server asked")]
    StillRateLimited,
    /// No answer within the timeout.
    #[error("no answer within {0} s (timeout)")]
    Timeout(u64),
    /// The host name does not resolve.
    #[error("DNS: the host name was not found ({0})")]
    Dns(String),
    /// Nothing listens at the address.
    #[error("connection refused")]
    Refused,
    /// A TLS (https) failure, such as an expired or untrusted certificate.
    #[error("TLS: {0}")]
    Tls(String),
    /// More redirects than [`MAX_REDIRECTS`].
    #[error("too many redirects (more than {MAX_REDIRECTS})")]
    TooManyRedirects,
    /// A redirect back to a URL of its own chain.
    #[error("redirect loop: {}", .0.join(" -> "))]
    RedirectLoop(Vec<String>),
    /// A redirect elsewhere than an `http(s)` URL: not followed.
    #[error("redirected to `{0}`, which is not an http(s) URL (not followed)")]
    NotWeb(String),
    /// A redirect status without a usable `Location`.
    #[error("{} without a valid Location header", status_text(*.0))]
    BadRedirect(u16),
    /// The link is not a URL at all.
    #[error("not a valid URL: {0}")]
    Invalid(String),
    /// Any other failure to get an answer, with what the network stack said.
    #[error("{0}")]
    Connection(String),
}

impl Broken {
    /// Whether `GET` may fare better than the `HEAD` that got this: not when the server
    /// cannot be reached at all.
    fn worth_get(&self) -> bool {
        matches!(self, Broken::Connection(_))
    }
}

/// "404 Not Found", or the bare code when it has no standard name.
fn status_text(status: u16) -> String {
    match StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

/// What one request got back: the status, and the headers that decide what is next.
struct Answer {
    status: StatusCode,
    location: Option<String>,
    retry_after: Option<String>,
}

/// Asks about URLs, under [`Limits`].
pub struct Prober {
    client: reqwest::Client,
    limits: Limits,
    timeout: Duration,
}

impl Prober {
    /// A prober whose every request may take `timeout`.
    pub fn new(timeout: Duration, limits: Limits) -> Result<Prober, reqwest::Error> {
        let client = reqwest::Client::builder()
            .user_agent(concat!(
                "kudos/",
                env!("CARGO_PKG_VERSION"),
                " (link check)"
            ))
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout)
            // No idle connections kept: every open socket is a request in flight, so
            // `Limits` bounds the sockets too, whatever the number of hosts.
            .pool_max_idle_per_host(0)
            .build()?;
        Ok(Prober {
            client,
            limits,
            timeout,
        })
    }

    /// Whether `url` answers with a success, following redirects.
    pub async fn probe(&self, link: Url) -> Result<(), Broken> {
        let mut url = link.clone();
        let mut chain = vec![link];
        let mut method = Method::HEAD;
        let mut waits = 0;
        loop {
            let answer = match self.send(&method, &url).await {
                Err(broken) if method == Method::HEAD && broken.worth_get() => {
                    method = Method::GET;
                    continue;
                }
                answer => answer?,
            };
            let status = answer.status;
            if status == StatusCode::TOO_MANY_REQUESTS {
                let wait = retry_wait(answer.retry_after.as_deref(), jiff::Timestamp::now());
                if wait > MAX_WAIT {
                    return Err(Broken::WaitTooLong(wait.as_secs()));
                }
                if waits == RATE_LIMIT_RETRIES {
                    return Err(Broken::StillRateLimited);
                }
                waits += 1;
                tokio::time::sleep(wait).await;
            } else if status.is_redirection() {
                url = next_hop(&url, answer.location.as_deref(), status)?;
                follow(&mut chain, url.clone())?;
            } else if status.is_success() {
                return Ok(());
            } else if method == Method::HEAD {
                method = Method::GET;
            } else {
                let at = (chain.len() > 1).then(|| url.to_string());
                return Err(Broken::Status {
                    status: status.as_u16(),
                    at,
                });
            }
        }
    }

    /// One request, in its host's turn; the answer's body is never read.
    async fn send(&self, method: &Method, url: &Url) -> Result<Answer, Broken> {
        let _turn = self.limits.acquire(url).await;
        let response = self
            .client
            .request(method.clone(), url.clone())
            .send()
            .await
            .map_err(|e| classify(&e, self.timeout))?;
        let headers = response.headers();
        Ok(Answer {
            status: response.status(),
            location: header(headers, LOCATION),
            retry_after: header(headers, RETRY_AFTER),
        })
    }
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Where a redirect from `from` leads: its `Location`, resolved against `from`, and only
/// if that is an `http(s)` URL.
fn next_hop(from: &Url, location: Option<&str>, status: StatusCode) -> Result<Url, Broken> {
    let next = location
        .and_then(|l| from.join(l).ok())
        .ok_or(Broken::BadRedirect(status.as_u16()))?;
    if matches!(next.scheme(), "http" | "https") {
        Ok(next)
    } else {
        Err(Broken::NotWeb(next.to_string()))
    }
}

/// Adds `next` to the redirect `chain`, unless it closes a loop or the chain is too long.
fn follow(chain: &mut Vec<Url>, next: Url) -> Result<(), Broken> {
    if chain.contains(&next) {
        let mut hops: Vec<String> = chain.iter().map(Url::to_string).collect();
        hops.push(next.to_string());
        return Err(Broken::RedirectLoop(hops));
    }
    if chain.len() > MAX_REDIRECTS {
        return Err(Broken::TooManyRedirects);
    }
    chain.push(next);
    Ok(())
}

/// How long a `429` asks to wait: `Retry-After` in seconds or as an HTTP date (from
/// `now`), [`DEFAULT_WAIT`] when it is missing or unreadable.
fn retry_wait(value: Option<&str>, now: jiff::Timestamp) -> Duration {
    static DATES: jiff::fmt::rfc2822::DateTimeParser = jiff::fmt::rfc2822::DateTimeParser::new();
    let Some(value) = value.map(str::trim) else {
        return DEFAULT_WAIT;
    };
    if let Ok(seconds) = value.parse::<u64>() {
        return Duration::from_secs(seconds);
    }
    match DATES.parse_timestamp(value) {
        Ok(at) => Duration::try_from(at.duration_since(now)).unwrap_or(Duration::ZERO),
        Err(_) => DEFAULT_WAIT,
    }
}

/// A failed request as a [`Broken`]: what a user can act on (a timeout, an unknown host,
/// a refused connection, a certificate problem) named as such, the rest as the network
/// stack words it.
fn classify(error: &reqwest::Error, timeout: Duration) -> Broken {
    if error.is_timeout() {
        return Broken::Timeout(timeout.as_secs());
    }
    // The first error of the chain only says "error sending request for url (...)".
    let causes = std::iter::successors(std::error::Error::source(error), |e| e.source());
    let mut said: Vec<String> = Vec::new();
    for cause in causes {
        if let Some(io) = cause.downcast_ref::<std::io::Error>() {
            if io.kind() == std::io::ErrorKind::ConnectionRefused {
                return Broken::Refused;
            }
            if let Some(tls) = io.get_ref().and_then(|e| e.downcast_ref::<rustls::Error>()) {
                return Broken::Tls(tls.to_string());
            }
        }
        if let Some(tls) = cause.downcast_ref::<rustls::Error>() {
            return Broken::Tls(tls.to_string());
        }
        let text = cause.to_string();
        if !said.contains(&text) {
            said.push(text);
        }
    }
    if said.iter().any(|s| s == "dns error") {
        return Broken::Dns(said.last().cloned().unwrap_or_default());
    }
    if said.is_empty() {
        said.push(error.to_string());
    }
    Broken::Connection(said.join(": "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn retry_after_is_read_in_seconds_or_as_a_date() {
        let now: jiff::Timestamp = "2026-03-01T12:00:00Z".parse().unwrap();
        assert_eq!(retry_wait(Some("3"), now), Duration::from_secs(3));
        assert_eq!(retry_wait(Some(" 120 "), now), Duration::from_secs(120));
        assert_eq!(
            retry_wait(Some("Sun, 01 Mar 2026 12:00:05 GMT"), now),
            Duration::from_secs(5)
        );
        assert_eq!(
            retry_wait(Some("Sun, 01 Mar 2026 11:00:00 GMT"), now),
            Duration::ZERO,
            "a date in the past asks for no wait"
        );
        assert_eq!(retry_wait(None, now), DEFAULT_WAIT);
        assert_eq!(retry_wait(Some("soon"), now), DEFAULT_WAIT);
    }

    #[test]
    fn redirects_resolve_relative_locations_and_refuse_other_schemes() {
        let from = url("https://a.example/x/y");
        let found = StatusCode::FOUND;
        assert_eq!(
            next_hop(&from, Some("../z"), found).unwrap().as_str(),
            "https://a.example/z"
        );
        assert_eq!(
            next_hop(&from, Some("ftp://files.example/f"), found),
            Err(Broken::NotWeb("ftp://files.example/f".into()))
        );
        assert_eq!(
            next_hop(&from, Some("javascript:alert(1)"), found),
            Err(Broken::NotWeb("javascript:alert(1)".into()))
        );
        assert_eq!(next_hop(&from, None, found), Err(Broken::BadRedirect(302)));
    }

    #[test]
    fn a_chain_ends_at_a_loop_or_past_the_limit() {
        let mut chain = vec![url("http://a.example/1")];
        follow(&mut chain, url("http://a.example/2")).unwrap();
        assert_eq!(
            follow(&mut chain, url("http://a.example/1")),
            Err(Broken::RedirectLoop(vec![
                "http://a.example/1".into(),
                "http://a.example/2".into(),
                "http://a.example/1".into()
            ]))
        );
        let mut long = vec![url("http://a.example/0")];
        for n in 1..=MAX_REDIRECTS {
            follow(&mut long, url(&format!("http://a.example/{n}"))).unwrap();
        }
        assert_eq!(
            follow(&mut long, url("http://a.example/last")),
            Err(Broken::TooManyRedirects)
        );
    }

    #[test]
    fn messages_name_the_status_and_where_it_came_from() {
        let gone = Broken::Status {
            status: 404,
            at: None,
        };
        assert_eq!(gone.to_string(), "404 Not Found");
        let moved = Broken::Status {
            status: 500,
            at: Some("https://b.example/".into()),
        };
        assert_eq!(
            moved.to_string(),
            "500 Internal Server Error (redirected to https://b.example/)"
        );
        let odd = Broken::Status {
            status: 999,
            at: None,
        };
        assert_eq!(odd.to_string(), "999");
    }

    #[tokio::test]
    async fn a_closed_port_is_a_refused_connection_and_not_asked_again_with_get() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let prober = Prober::new(Duration::from_secs(5), Limits::new(2, 16)).unwrap();
        let link = url(&format!("http://127.0.0.1:{port}/"));
        assert_eq!(prober.probe(link).await, Err(Broken::Refused));
        assert!(!Broken::Refused.worth_get());
    }
}
