//! Where the site is published.

use std::fmt;
use std::net::SocketAddr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The site's base URL, checked once wherever it comes from (`kudos.toml`, `--base-url`,
/// the dev server's own address) and split once into the origin absolute URLs start with
/// and the path every link starts with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BaseUrl {
    /// As given.
    text: String,
    /// `https://example.com`, or empty for a path-only base URL.
    origin: String,
    /// `""` or `/shop`: never a trailing slash.
    path: String,
}

impl BaseUrl {
    /// Checks `text`: it must be absolute (`https://host/path`) or at least a path
    /// (`/shop`). The error says what was expected.
    pub fn parse(text: &str) -> Result<BaseUrl, String> {
        let trimmed = text.trim_end_matches('/');
        let after_scheme = trimmed
            .strip_prefix("https://")
            .or_else(|| trimmed.strip_prefix("http://"));
        let path = match after_scheme {
            Some(rest) => rest.find('/').map_or("", |i| &rest[i..]),
            None if text.starts_with('/') => trimmed,
            None => {
                return Err(format!(
                    "`base_url` must start with https://, http:// or /, found `{text}`"
                ));
            }
        };
        Ok(BaseUrl {
            text: text.to_string(),
            origin: trimmed[..trimmed.len() - path.len()].to_string(),
            path: path.to_string(),
        })
    }

    /// `/`: a site that does not know where it will be published.
    pub fn root() -> BaseUrl {
        BaseUrl {
            text: "/".into(),
            origin: String::new(),
            path: String::new(),
        }
    }

    /// The dev server at `address`, keeping `path` (`/shop`, or `""`): a site published
    /// under a sub-path is served under it too, so sub-path mistakes show while editing.
    pub fn local(address: SocketAddr, path: &str) -> BaseUrl {
        BaseUrl {
            text: format!("http://{address}{path}"),
            origin: format!("http://{address}"),
            path: path.to_string(),
        }
    }

    /// The scheme and host (`https://example.com`); empty for a path-only base URL.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The path every site URL starts with, without a trailing slash: `""` or `"/shop"`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// As it was given.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl Default for BaseUrl {
    fn default() -> Self {
        BaseUrl::root()
    }
}

impl fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Templates see `config.base_url` as the text it was given as.
impl Serialize for BaseUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for BaseUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        BaseUrl::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A path below the base URL with its slashes right: a leading slash always, and a
/// trailing one for a page (a folder served by its `index.html`) but not for a file
/// (`/atom.xml`, an alias naming `hello.html`). It knows the file it is written to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UrlPath(String);

impl UrlPath {
    /// A page, from its segments however they are slashed: `posts/a` -> `/posts/a/`, an
    /// empty path -> `/`.
    pub fn page(path: &str) -> UrlPath {
        let trimmed = path.trim_matches('/');
        if trimmed.is_empty() {
            UrlPath("/".into())
        } else {
            UrlPath(format!("/{trimmed}/"))
        }
    }

    /// A file: `atom.xml` -> `/atom.xml`.
    pub fn file(path: &str) -> UrlPath {
        UrlPath(format!("/{}", path.trim_matches('/')))
    }

    /// A page below this one: `/for/parents/` + `/posts/a/` -> `/for/parents/posts/a/`.
    pub fn join_page(&self, rest: &str) -> UrlPath {
        UrlPath::page(&format!(
            "{}/{}",
            self.0.trim_end_matches('/'),
            rest.trim_matches('/')
        ))
    }

    /// A file in this page's folder: `/tags/news/` + `atom.xml` -> `/tags/news/atom.xml`.
    pub fn join_file(&self, name: &str) -> UrlPath {
        UrlPath(format!(
            "{}/{}",
            self.0.trim_end_matches('/'),
            name.trim_matches('/')
        ))
    }

    /// Page `n` (1-based) of a listing whose first page this is: `/posts/` for 1,
    /// `/posts/page/2/` for 2.
    pub fn listing_page(&self, n: usize) -> UrlPath {
        if n <= 1 {
            self.clone()
        } else {
            self.join_page(&format!("page/{n}"))
        }
    }

    /// The file below the output folder it is written to: `/posts/a/` is
    /// `posts/a/index.html`, `/atom.xml` is `atom.xml`.
    pub fn output_file(&self) -> String {
        let trimmed = self.0.trim_matches('/');
        if trimmed.is_empty() {
            "index.html".into()
        } else if self.0.ends_with('/') {
            format!("{trimmed}/index.html")
        } else {
            trimmed.into()
        }
    }

    /// The path as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for UrlPath {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UrlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<UrlPath> for String {
    fn from(path: UrlPath) -> String {
        path.0
    }
}

impl PartialEq<&str> for UrlPath {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl Serialize for UrlPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_paths_have_their_slashes_right_and_know_their_file() {
        assert_eq!(UrlPath::page("posts/a"), "/posts/a/");
        assert_eq!(UrlPath::page("//posts//"), "/posts/");
        assert_eq!(UrlPath::page(""), "/");
        assert_eq!(UrlPath::file("atom.xml"), "/atom.xml");
        let for_parents = UrlPath::page("/for/parents/");
        assert_eq!(for_parents.join_page("/posts/a/"), "/for/parents/posts/a/");
        assert_eq!(for_parents.join_file("atom.xml"), "/for/parents/atom.xml");
        assert_eq!(UrlPath::page("/").join_file("rss.xml"), "/rss.xml");
        assert_eq!(UrlPath::page("posts").listing_page(1), "/posts/");
        assert_eq!(UrlPath::page("posts").listing_page(3), "/posts/page/3/");
        assert_eq!(UrlPath::page("/").output_file(), "index.html");
        assert_eq!(
            UrlPath::page("/posts/a/").output_file(),
            "posts/a/index.html"
        );
        assert_eq!(
            UrlPath::file("/old/hello.html").output_file(),
            "old/hello.html"
        );
    }

    fn split(text: &str) -> (String, String) {
        let url = BaseUrl::parse(text).unwrap();
        (url.origin().to_string(), url.path().to_string())
    }

    #[test]
    fn a_base_url_is_split_once_into_origin_and_path() {
        let both = |o: &str, p: &str| (o.to_string(), p.to_string());
        assert_eq!(
            split("https://example.com"),
            both("https://example.com", "")
        );
        assert_eq!(
            split("https://example.com/"),
            both("https://example.com", "")
        );
        assert_eq!(
            split("https://example.com/shop/"),
            both("https://example.com", "/shop")
        );
        assert_eq!(
            split("http://localhost:1111/a/b"),
            both("http://localhost:1111", "/a/b")
        );
        assert_eq!(split("/shop/"), both("", "/shop"));
        assert_eq!(split("/"), both("", ""));
        assert_eq!(BaseUrl::root(), BaseUrl::parse("/").unwrap());
        let local = BaseUrl::local("127.0.0.1:1111".parse().unwrap(), "");
        assert_eq!(local, BaseUrl::parse("http://127.0.0.1:1111").unwrap());
        let local = BaseUrl::local("127.0.0.1:1111".parse().unwrap(), "/shop");
        assert_eq!(local, BaseUrl::parse("http://127.0.0.1:1111/shop").unwrap());
    }

    #[test]
    fn a_base_url_without_a_scheme_or_slash_is_refused_saying_what_was_expected() {
        for text in ["example.com", "ftp://example.com", ""] {
            let error = BaseUrl::parse(text).unwrap_err();
            assert!(
                error.contains("must start with https://, http:// or /"),
                "{error}"
            );
        }
    }
}
