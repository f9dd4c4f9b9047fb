//! The dev server: the in-memory site over HTTP, with live reload and an error overlay.
//!
//! Only files of the rendered site are ever served: a request path is decoded, refused
//! if it could step outside (`..`, backslashes, drive letters, NUL), and then only looked
//! up in the in-memory output map, never on disk. HTML responses get a small script that
//! listens to `/__kudos/events` (server-sent events) and reloads the page, swaps
//! stylesheets, or shows the last build error over the page, and the preview bar
//! ([`crate::serve::preview`]) of the page they are. The bar names shout-outs the site
//! holds back (withheld names, quotes without consent), so only a browser on this machine
//! gets it: `--interface 0.0.0.0` serves other machines the pages as published. A build
//! error can quote a line of a shout-out file, so other machines are told only that the
//! build failed ([`ERROR_SHOWN_ELSEWHERE`]), never the error itself.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, State};
use axum::http::{Extensions, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast;

use crate::output::OutputFile;
use crate::serve::preview::Preview;
use crate::serve::session::OutputMap;

const LIVE_RELOAD_JS: &str = include_str!("livereload.js");
const PREVIEW_JS: &str = include_str!("preview.js");
const PREVIEW_CSS: &str = include_str!("preview.css");
const SCRIPT_TAG: &str = "<script src=\"/__kudos/live.js\"></script>";

/// What browsers are told after a rebuild.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Reload the page.
    Reload,
    /// Only stylesheets changed: swap them.
    Css,
    /// The rebuild failed: show this over the page.
    BuildError(String),
}

/// Shared between the server and the rebuild loop.
#[derive(Clone)]
pub struct Live {
    files: Arc<RwLock<Arc<OutputMap>>>,
    error: Arc<RwLock<Option<String>>>,
    /// The preview bar's data of the last good build.
    preview: Arc<RwLock<Option<Arc<Preview>>>>,
    notices: broadcast::Sender<Notice>,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            files: Arc::default(),
            error: Arc::default(),
            preview: Arc::default(),
            notices: broadcast::channel(64).0,
        }
    }
}

impl Live {
    /// A successful rebuild: serve `files`, tell browsers.
    pub fn publish(&self, files: Arc<OutputMap>, changed: &[String]) {
        if let Ok(mut current) = self.files.write() {
            *current = files;
        }
        let had_error = self
            .error
            .write()
            .map(|mut e| e.take().is_some())
            .unwrap_or(false);
        let notice = if changed.is_empty() && !had_error {
            return;
        } else if !had_error && changed.iter().all(|p| p.ends_with(".css")) {
            Notice::Css
        } else {
            Notice::Reload
        };
        let _ = self.notices.send(notice);
    }

    /// The preview bar of a successful rebuild (before [`Live::publish`], so the reload
    /// it triggers shows the new bar).
    pub fn set_preview(&self, preview: Option<Arc<Preview>>) {
        if let Ok(mut current) = self.preview.write() {
            *current = preview;
        }
    }

    /// The bar for the page at output path `output`, if the session made a preview.
    fn bar(&self, output: &str) -> String {
        let preview = self.preview.read().ok().and_then(|p| p.clone());
        preview.map(|p| p.bar(output)).unwrap_or_default()
    }

    /// The base path of the last good build (`""` or `/shop`).
    fn base(&self) -> String {
        let preview = self.preview.read().ok().and_then(|p| p.clone());
        preview.map(|p| p.base().to_string()).unwrap_or_default()
    }

    /// A failed rebuild: keep serving the last good files, show `message`.
    pub fn fail(&self, message: String) {
        if let Ok(mut error) = self.error.write() {
            *error = Some(message.clone());
        }
        let _ = self.notices.send(Notice::BuildError(message));
    }

    /// A receiver of notices (for tests and the SSE endpoint).
    pub fn subscribe(&self) -> broadcast::Receiver<Notice> {
        self.notices.subscribe()
    }
}

/// The router of the dev server.
pub fn router(live: Live) -> Router {
    Router::new()
        .route("/__kudos/events", get(events))
        .route("/__kudos/live.js", get(live_js))
        .route("/__kudos/preview.js", get(preview_js))
        .route("/__kudos/preview.css", get(preview_css))
        .fallback(serve_file)
        .with_state(live)
}

async fn live_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        LIVE_RELOAD_JS,
    )
        .into_response()
}

async fn preview_js() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        PREVIEW_JS,
    )
        .into_response()
}

async fn preview_css() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        PREVIEW_CSS,
    )
        .into_response()
}

/// What a browser on another machine is told instead of a build error.
pub const ERROR_SHOWN_ELSEWHERE: &str = "kudos: the last change to this site did not build. \
The error is shown only on the machine running kudos serve; this is the last version that built.";

async fn events(
    State(live): State<Live>,
    extensions: Extensions,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let local = from_this_machine(&extensions);
    let current = live.error.read().ok().and_then(|e| e.clone());
    let initial = stream::iter(current.map(move |m| Ok(to_event(Notice::BuildError(m), local))));
    let updates = stream::unfold(live.subscribe(), move |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(notice) => return Some((Ok(to_event(notice, local)), rx)),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return None,
            }
        }
    });
    Sse::new(initial.chain(updates)).keep_alive(KeepAlive::default())
}

/// `notice` as an event for a browser; one on another machine (`local` false) gets
/// [`ERROR_SHOWN_ELSEWHERE`] instead of the error text.
fn to_event(notice: Notice, local: bool) -> Event {
    match notice {
        Notice::Reload => Event::default().event("reload").data("reload"),
        Notice::Css => Event::default().event("css").data("css"),
        Notice::BuildError(message) => Event::default()
            .event("build-error")
            .data(error_for(&message, local)),
    }
}

/// What a browser is told of the build error `message`: all of it on this machine
/// (`local`), else only [`ERROR_SHOWN_ELSEWHERE`] (an error can quote a shout-out).
fn error_for(message: &str, local: bool) -> &str {
    if local {
        message
    } else {
        ERROR_SHOWN_ELSEWHERE
    }
}

/// Why a request path is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum BadPath {
    /// Not UTF-8 after decoding, or with characters no site path has.
    Malformed,
    /// Tries to leave the site.
    Traversal,
}

/// The key in the output map a request path names, before index/redirect handling.
pub fn request_key(path: &str) -> Result<String, BadPath> {
    let decoded = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| BadPath::Malformed)?;
    if decoded.contains(['\\', '\0', ':']) {
        return Err(BadPath::Malformed);
    }
    let key = decoded.strip_prefix('/').unwrap_or(&decoded);
    if key.starts_with('/') || key.split('/').any(|s| s == ".." || s == ".") {
        return Err(BadPath::Traversal);
    }
    Ok(key.to_string())
}

/// Whether the request came from this machine: only then may a page carry the preview
/// bar. A request without its peer's address (a router not served by [`serve`]) is not.
fn from_this_machine(extensions: &Extensions) -> bool {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .is_some_and(|ConnectInfo(peer)| peer.ip().to_canonical().is_loopback())
}

/// Serves `router` on `listener` until `shutdown` completes, telling handlers who asks.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

async fn serve_file(
    State(live): State<Live>,
    method: Method,
    uri: Uri,
    extensions: Extensions,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    let local = from_this_machine(&extensions);
    let bar = |output: &str| {
        if local {
            live.bar(output)
        } else {
            String::new()
        }
    };
    let base = live.base();
    let Some(path) = below_base(uri.path(), &base) else {
        if uri.path() == "/" || uri.path() == base {
            return redirect(&format!("{base}/"), uri.query());
        }
        return not_found(&live, &method, &bar);
    };
    let key = match request_key(path) {
        Ok(key) => key,
        Err(BadPath::Malformed) => {
            return (StatusCode::BAD_REQUEST, "bad request path").into_response();
        }
        Err(BadPath::Traversal) => return not_found(&live, &method, &bar),
    };
    let files = live
        .files
        .read()
        .map(|f| Arc::clone(&f))
        .unwrap_or_default();
    if files.is_empty()
        && let Some(message) = live.error.read().ok().and_then(|e| e.clone())
    {
        return no_site_yet(error_for(&message, local), &method);
    }
    let lookup = if key.is_empty() || key.ends_with('/') {
        format!("{key}index.html")
    } else {
        key.clone()
    };
    if let Some(file) = files.get(lookup.as_str()) {
        return respond(StatusCode::OK, &lookup, file, &method, &bar(&lookup));
    }
    if files.contains_key(format!("{key}/index.html").as_str()) {
        return redirect(&format!("{}/", uri.path()), uri.query());
    }
    not_found(&live, &method, &bar)
}

/// `path` below the base path (`/shop/x/` -> `/x/`); `None` outside it.
fn below_base<'p>(path: &'p str, base: &str) -> Option<&'p str> {
    if base.is_empty() {
        return Some(path);
    }
    path.strip_prefix(base).filter(|rest| rest.starts_with('/'))
}

/// A permanent redirect to `location`, keeping the query.
fn redirect(location: &str, query: Option<&str>) -> Response {
    let location = match query {
        Some(query) => format!("{location}?{query}"),
        None => location.to_string(),
    };
    (
        StatusCode::MOVED_PERMANENTLY,
        [(header::LOCATION, location)],
    )
        .into_response()
}

/// Lead line of the overlay when no build has succeeded yet (the script keeps it).
pub const NO_SITE_YET: &str =
    "kudos: the build failed, and there is no earlier version to show. Fix the error and save.";

/// What every URL answers while no build has succeeded: the error itself, as the
/// overlay, so the browser shows why instead of a 404 (503: try again after a fix).
fn no_site_yet(message: &str, method: &Method) -> Response {
    let page = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed</title></head><body><div id=\"kudos-error-overlay\" role=\"alert\" data-lead=\"{NO_SITE_YET}\" style=\"white-space:pre-wrap;font:15px/1.5 ui-monospace,monospace;padding:2rem\">{NO_SITE_YET}\n\n{}</div>{SCRIPT_TAG}</body></html>",
        escape_text(message)
    );
    let body = if method == Method::HEAD {
        String::new()
    } else {
        page
    };
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// `text` as HTML text (the error quotes the user's files).
pub(crate) fn escape_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The site's `404.html` (with `bar`'s preview bar for it), or a plain one.
fn not_found(live: &Live, method: &Method, bar: &dyn Fn(&str) -> String) -> Response {
    let files = live
        .files
        .read()
        .map(|f| Arc::clone(&f))
        .unwrap_or_default();
    match files.get("404.html") {
        Some(page) => respond(
            StatusCode::NOT_FOUND,
            "404.html",
            page,
            method,
            &bar("404.html"),
        ),
        None => {
            let page = format!(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head><body><h1>Not found</h1>{SCRIPT_TAG}</body></html>"
            );
            (
                StatusCode::NOT_FOUND,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                page,
            )
                .into_response()
        }
    }
}

/// `file` as the response; an HTML page gets the live-reload script and `bar`.
fn respond(
    status: StatusCode,
    path: &str,
    file: &OutputFile,
    method: &Method,
    bar: &str,
) -> Response {
    let Ok(bytes) = file.bytes() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let is_html = path.ends_with(".html");
    let content_type = if is_html {
        "text/html; charset=utf-8".to_string()
    } else {
        let mime = mime_guess::from_path(path).first_or_octet_stream();
        match mime.type_() {
            mime_guess::mime::TEXT => format!("{mime}; charset=utf-8"),
            _ if mime.subtype() == "xml" || mime.subtype() == "javascript" => {
                format!("{mime}; charset=utf-8")
            }
            _ => mime.to_string(),
        }
    };
    let body = if is_html {
        inject_script(&bytes, bar)
    } else {
        bytes.into_owned()
    };
    let length = body.len();
    let mut response = Response::new(if method == Method::HEAD {
        Body::empty()
    } else {
        Body::from(body)
    });
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The page with `extra` (the preview bar) and the live-reload script before `</body>`
/// (or at the end).
fn inject_script(html: &[u8], extra: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{extra}{SCRIPT_TAG}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{extra}{SCRIPT_TAG}").into_bytes(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_and_odd_paths_are_refused() {
        for path in [
            "/../etc/passwd",
            "/%2e%2e/secret",
            "/a/%2E%2E/%2e%2e/x",
            "/..%2fkudos.toml",
            "//etc/passwd",
            "/./index.html",
        ] {
            assert_eq!(request_key(path), Err(BadPath::Traversal), "{path}");
        }
        for path in ["/a\\..\\b", "/%5c..%5cb", "/C:/Windows", "/a%00b", "/%ff"] {
            assert_eq!(request_key(path), Err(BadPath::Malformed), "{path}");
        }
        assert_eq!(request_key("/posts/hello/").unwrap(), "posts/hello/");
        assert_eq!(request_key("/caf%C3%A9/").unwrap(), "café/");
    }

    #[test]
    fn only_paths_below_the_base_path_are_the_site() {
        assert_eq!(below_base("/shop/posts/", "/shop"), Some("/posts/"));
        assert_eq!(below_base("/shop/", "/shop"), Some("/"));
        assert_eq!(below_base("/shopping/", "/shop"), None);
        assert_eq!(below_base("/shop", "/shop"), None);
        assert_eq!(below_base("/posts/", ""), Some("/posts/"));
    }

    #[test]
    fn only_a_loopback_peer_is_this_machine() {
        let from = |peer: &str| {
            let mut extensions = Extensions::new();
            extensions.insert(ConnectInfo(peer.parse::<SocketAddr>().unwrap()));
            from_this_machine(&extensions)
        };
        for peer in [
            "127.0.0.1:5000",
            "127.3.2.1:80",
            "[::1]:5000",
            "[::ffff:127.0.0.1]:80",
        ] {
            assert!(from(peer), "{peer}");
        }
        for peer in [
            "192.168.1.20:5000",
            "10.0.0.2:80",
            "[fe80::1]:80",
            "[::ffff:10.0.0.2]:80",
        ] {
            assert!(!from(peer), "{peer}");
        }
        assert!(
            !from_this_machine(&Extensions::new()),
            "no peer address: no bar"
        );
    }

    #[test]
    fn script_goes_before_body_end() {
        let out = inject_script(b"<html><body><p>x</p></body></html>", "");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("<html><body><p>x</p>{SCRIPT_TAG}</body></html>")
        );
    }
}
