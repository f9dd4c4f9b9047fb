//! Where the Pagefind library's time goes (issue 11), outside kudos's render: feeds the
//! pages a `kudos build` with search wrote (those marking `data-pagefind-body`) to
//! `pagefind::api::PagefindIndex` in one of several ways, and prints wall and process CPU
//! time of each phase.
//!
//!     cargo run --release --example search_probe -- MODE <public dir> [language]
//!
//! MODE:
//!   html      `add_html_file` per page, one after another (what kudos 0.1 does)
//!   custom    `add_custom_record` per page with the text of the marked element, tags
//!             stripped by the probe (in parallel, before the timed phase)
//!   dir       `add_directory` over a copy of the folder holding only the marked pages
//!             (Pagefind parses them in parallel, as the CLI does)
//!   split:N   N `PagefindIndex`es fed `add_html_file` from N threads (N bundles: what
//!             parallel parsing through the API would take; they cannot be merged)
//!
//! Then `build_indexes` and `get_files` (which builds again, then gzips every file).

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let fields: Vec<&str> = stat.rsplit(") ").next().unwrap().split(' ').collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks / 100.0
}

struct Lap {
    wall: Instant,
    cpu: f64,
}

impl Lap {
    fn start() -> Lap {
        Lap {
            wall: Instant::now(),
            cpu: cpu_seconds(),
        }
    }
    fn report(&mut self, what: &str, pages: usize) {
        let wall = self.wall.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - self.cpu;
        println!(
            "{what:<28} wall {wall:7.2} s  cpu {cpu:7.2} s  per page: wall {:6.3} ms cpu {:6.3} ms",
            wall * 1e3 / pages as f64,
            cpu * 1e3 / pages as f64
        );
        *self = Lap::start();
    }
}

fn marked_pages(root: &Path) -> Vec<(PathBuf, String, String)> {
    let mut pages = Vec::new();
    for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
        let entry = entry.unwrap();
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "html") || path.starts_with(root.join("pagefind")) {
            continue;
        }
        let html = std::fs::read_to_string(path).unwrap();
        if !html.contains("data-pagefind-body") {
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let url = match rel.strip_suffix("index.html") {
            Some(dir) => format!("/{dir}"),
            None => format!("/{rel}"),
        };
        pages.push((PathBuf::from(rel), url, html));
    }
    pages
}

/// The text of the element marked `data-pagefind-body`, tags stripped (roughly: up to the
/// end of the enclosing `<main>`).
fn body_text(html: &str) -> String {
    let start = html.find("data-pagefind-body").unwrap();
    let start = html[start..].find('>').map_or(start, |i| start + i + 1);
    let end = html[start..]
        .find("</main>")
        .map_or(html.len(), |i| start + i);
    let mut text = String::with_capacity(end - start);
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let mode = args[1].as_str();
    let root = PathBuf::from(&args[2]);
    let language = args.get(3).cloned().unwrap_or_else(|| "en".into());
    let pages = marked_pages(&root);
    let n = pages.len();
    println!("{n} marked pages in {}", root.display());
    let options = || {
        pagefind::options::PagefindServiceConfig::builder()
            .force_language(language.clone())
            .build()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut lap = Lap::start();
        let mut indexes = vec![pagefind::api::PagefindIndex::new(Some(options())).unwrap()];
        match mode {
            "html" => {
                for (_, url, html) in pages {
                    indexes[0]
                        .add_html_file(None, Some(url), html)
                        .await
                        .unwrap();
                }
                lap.report("add_html_file, serial", n);
            }
            "custom" => {
                let texts: Vec<(String, String)> = pages
                    .into_par_iter()
                    .map(|(_, url, html)| (url, body_text(&html)))
                    .collect();
                lap.report("(probe: strip tags, parallel)", n);
                for (url, text) in texts {
                    indexes[0]
                        .add_custom_record(url, text, language.clone(), None, None, None)
                        .await
                        .unwrap();
                }
                lap.report("add_custom_record, serial", n);
            }
            "dir" => {
                let dir = tempfile::tempdir().unwrap();
                for (rel, _, html) in &pages {
                    let path = dir.path().join(rel);
                    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                    std::fs::write(path, html).unwrap();
                }
                drop(pages);
                lap.report("(probe: write marked copy)", n);
                let count = indexes[0]
                    .add_directory(dir.path().to_string_lossy().into_owned(), None)
                    .await
                    .unwrap();
                assert_eq!(count, n);
                lap.report("add_directory (parallel)", n);
            }
            split if split.starts_with("split:") => {
                let k: usize = split[6..].parse().unwrap();
                indexes = (0..k)
                    .map(|_| pagefind::api::PagefindIndex::new(Some(options())).unwrap())
                    .collect();
                let mut shares: Vec<Vec<(String, String)>> = vec![Vec::new(); k];
                for (i, (_, url, html)) in pages.into_iter().enumerate() {
                    shares[i % k].push((url, html));
                }
                let handles: Vec<_> = indexes
                    .into_iter()
                    .zip(shares)
                    .map(|(mut index, share)| {
                        tokio::spawn(async move {
                            for (url, html) in share {
                                index.add_html_file(None, Some(url), html).await.unwrap();
                            }
                            index
                        })
                    })
                    .collect();
                indexes = Vec::new();
                for h in handles {
                    indexes.push(h.await.unwrap());
                }
                lap.report(&format!("add_html_file, {k} indexes"), n);
            }
            other => panic!("unknown mode {other}"),
        }
        let mut files = 0;
        let mut bytes = 0;
        for index in &mut indexes {
            index.build_indexes().await.unwrap();
        }
        lap.report("build_indexes", n);
        for index in &mut indexes {
            let out = index.get_files().await.unwrap();
            files += out.len();
            bytes += out.iter().map(|f| f.contents.len()).sum::<usize>();
        }
        lap.report("get_files (build again + gzip)", n);
        println!("{files} files, {bytes} bytes");
    });
}
