//! How many requests run at once: at most [`PER_HOST`] to one host (a small shop's server
//! should not notice a link check) and [`TOTAL`] in all.
//!
//! Each request, redirect hops included, takes a turn ([`Limits::acquire`]): its host's
//! semaphore first, then the shared one, so a request waiting for a busy host holds no
//! slot another host could use. Links are started in an order that takes one host after
//! another ([`by_turns`]) and only a few more at once than can run ([`IN_FLIGHT`]), so
//! a site with a thousand links to one host still checks its other hosts' links
//! alongside, and memory holds a bounded number of waiting requests whatever the number
//! of links.

use std::future::Future;
use std::sync::{Arc, Mutex};

use reqwest::Url;
use rustc_hash::FxHashMap;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

/// Requests at once to one host (name and port).
pub const PER_HOST: usize = 2;
/// Requests at once in all.
pub const TOTAL: usize = 16;
/// Links being checked at once (most of them waiting for their host's turn).
pub const IN_FLIGHT: usize = TOTAL * 4;

/// The semaphores every request goes through.
pub struct Limits {
    total: Arc<Semaphore>,
    per_host: usize,
    hosts: Mutex<FxHashMap<String, Arc<Semaphore>>>,
}

/// A request's turn: held while it runs.
pub struct Turn {
    _host: Option<OwnedSemaphorePermit>,
    _total: Option<OwnedSemaphorePermit>,
}

impl Limits {
    /// `per_host` requests at once to one host, `total` in all.
    pub fn new(per_host: usize, total: usize) -> Limits {
        Limits {
            total: Arc::new(Semaphore::new(total)),
            per_host,
            hosts: Mutex::default(),
        }
    }

    /// Waits for a turn to ask `url`'s host.
    pub async fn acquire(&self, url: &Url) -> Turn {
        let host = self.host(url);
        // The semaphores are never closed, so acquiring only ever waits.
        let host = host.acquire_owned().await.ok();
        let total = Arc::clone(&self.total).acquire_owned().await.ok();
        Turn {
            _host: host,
            _total: total,
        }
    }

    fn host(&self, url: &Url) -> Arc<Semaphore> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|e| e.into_inner());
        let semaphore = hosts
            .entry(host_key(url))
            .or_insert_with(|| Arc::new(Semaphore::new(self.per_host)));
        Arc::clone(semaphore)
    }
}

/// The host a limit applies to: name and port (two servers on one machine are two hosts).
pub fn host_key(url: &Url) -> String {
    format!(
        "{}:{}",
        url.host_str().unwrap_or_default(),
        url.port_or_known_default().unwrap_or_default()
    )
}

/// `items` reordered so that hosts take turns: the first link of each host (in order of
/// first appearance), then the second of each, and so on.
pub fn by_turns<T>(items: Vec<T>, host: impl Fn(&T) -> String) -> Vec<T> {
    let mut queues: Vec<Vec<T>> = Vec::new();
    let mut index: FxHashMap<String, usize> = FxHashMap::default();
    for item in items {
        let next = queues.len();
        let at = *index.entry(host(&item)).or_insert(next);
        if at == next {
            queues.push(Vec::new());
        }
        queues[at].push(item);
    }
    let longest = queues.iter().map(Vec::len).max().unwrap_or(0);
    let mut queues: Vec<std::vec::IntoIter<T>> = queues.into_iter().map(Vec::into_iter).collect();
    let mut out = Vec::new();
    for _ in 0..longest {
        out.extend(queues.iter_mut().filter_map(Iterator::next));
    }
    out
}

/// Runs `task` over `items`, at most `in_flight` at once, and hands each result to `done`
/// as it comes (with the item's index). A task that panicked reports nothing.
pub async fn run_all<T, R, F>(
    items: Vec<(usize, T)>,
    in_flight: usize,
    task: impl Fn(T) -> F,
    mut done: impl FnMut(usize, R),
) where
    F: Future<Output = R> + Send + 'static,
    R: Send + 'static,
{
    let mut running = JoinSet::new();
    for (index, item) in items {
        if running.len() >= in_flight.max(1)
            && let Some(Ok((i, result))) = running.join_next().await
        {
            done(i, result);
        }
        let work = task(item);
        running.spawn(async move { (index, work.await) });
    }
    while let Some(joined) = running.join_next().await {
        if let Ok((i, result)) = joined {
            done(i, result);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[test]
    fn hosts_take_turns_in_order_of_first_appearance() {
        let items = vec!["a1", "a2", "a3", "b1", "c1", "b2"];
        let ordered = by_turns(items, |s| s[..1].to_string());
        assert_eq!(ordered, ["a1", "b1", "c1", "a2", "b2", "a3"]);
    }

    #[test]
    fn the_host_is_its_name_and_port() {
        let key = |u: &str| host_key(&Url::parse(u).unwrap());
        assert_eq!(key("https://Shop.Example/a"), "shop.example:443");
        assert_eq!(key("http://shop.example/b"), "shop.example:80");
        assert_eq!(key("http://127.0.0.1:8080/"), "127.0.0.1:8080");
    }

    /// Counts requests running at once, per host and in all, over many tasks.
    #[tokio::test]
    async fn no_host_and_no_run_gets_more_than_its_turns() {
        let limits = Arc::new(Limits::new(2, 3));
        let now = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
        let most = Arc::new((AtomicUsize::new(0), AtomicUsize::new(0)));
        let urls: Vec<(usize, Url)> = (0..24)
            .map(|i| {
                let host = if i % 3 == 0 { "a.example" } else { "b.example" };
                let host = if i % 5 == 0 { "c.example" } else { host };
                (i, Url::parse(&format!("http://{host}/{i}")).unwrap())
            })
            .collect();
        let mut finished = 0;
        run_all(
            urls,
            IN_FLIGHT,
            |url: Url| {
                let (limits, now, most) = (limits.clone(), now.clone(), most.clone());
                async move {
                    let _turn = limits.acquire(&url).await;
                    let on_a = url.host_str() == Some("a.example");
                    let all = now.0.fetch_add(1, Ordering::SeqCst) + 1;
                    most.0.fetch_max(all, Ordering::SeqCst);
                    if on_a {
                        let a = now.1.fetch_add(1, Ordering::SeqCst) + 1;
                        most.1.fetch_max(a, Ordering::SeqCst);
                    }
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    if on_a {
                        now.1.fetch_sub(1, Ordering::SeqCst);
                    }
                    now.0.fetch_sub(1, Ordering::SeqCst);
                }
            },
            |_, ()| finished += 1,
        )
        .await;
        assert_eq!(finished, 24);
        assert_eq!(most.0.load(Ordering::SeqCst), 3, "in all");
        assert_eq!(most.1.load(Ordering::SeqCst), 2, "on one host");
    }
}
