//! Output a new user found rough (issue 15): listings that grew without bound, old `.html`
//! URLs turned into folders, indexable variants of hidden segments, feeds that merged
//! authors, and titles that read oddly with a neutral name.

use crate::common::Site;

#[test]
fn alias_ending_in_html_became_a_folder_instead_of_the_file() {
    let site = Site::fixture("basic");
    site.edit(
        "content/posts/hello.md",
        "aliases = [\"/old-hello/\"]",
        "aliases = [\"/blog/2019/hello.html\", \"/old-hello/\"]",
    );
    site.build()
        .success()
        .absent("public/blog/2019/hello.html/index.html")
        .file("public/blog/2019/hello.html")
        .contains(
            "<meta http-equiv=\"refresh\" content=\"0; url=https://example.com/posts/hello/\">",
        );
    site.file("public/old-hello/index.html")
        .contains("url=https://example.com/posts/hello/");
}

#[test]
fn variant_of_a_noindex_segment_was_indexable() {
    let site = Site::fixture("segments");
    site.edit(
        "content/about.md",
        "variants = [\"wholesale\"]",
        "variants = [\"wholesale\", \"grandparents\"]",
    );
    site.build()
        .success()
        .file("public/for/grandparents/about/index.html")
        .contains("<meta name=\"robots\" content=\"noindex\">")
        .file("public/for/wholesale/about/index.html")
        .lacks("<meta name=\"robots\"")
        .file("public/sitemap.xml")
        .lacks("/for/grandparents/");
}

#[test]
fn posts_feed_put_several_authors_in_one_name() {
    let site = Site::fixture("basic");
    site.edit(
        "content/posts/hello.md",
        "tags = [",
        "authors = [\"Ada Oak\", \"Ben Juniper\"]\ntags = [",
    );
    site.build().success();
    let feed = crate::common::parse_feed(&site, "public/atom.xml");
    let hello = feed
        .entries
        .iter()
        .find(|e| e.title.as_ref().is_some_and(|t| t.content == "Hello, world"))
        .expect("the post is in the feed");
    let names: Vec<&str> = hello.authors.iter().map(|a| a.name.as_deref().unwrap_or("")).collect();
    assert_eq!(names, ["Ada Oak", "Ben Juniper"]);
    // A post without authors is the site's.
    let second = feed
        .entries
        .iter()
        .find(|e| e.id.ends_with("/posts/second/"))
        .expect("the second post is in the feed");
    let names: Vec<&str> = second.authors.iter().map(|a| a.name.as_deref().unwrap_or("")).collect();
    assert_eq!(names, ["Fixture Shop"]);
}

#[test]
fn neutral_name_was_capitalised_mid_sentence_in_the_title() {
    let site = Site::fixture("basic");
    let built = site.build().success();
    let neutral = site
        .files_containing("public/shoutouts", "A customer in Leeds")
        .into_iter()
        .find(|f| f.ends_with("/index.html") && f.contains("customer-"))
        .expect("the neutral shout-out page");
    built
        .file(&format!("public/shoutouts/{neutral}"))
        .contains("<title>What a customer in Leeds said · Fixture Shop</title>")
        .lacks("What A customer")
        .file("public/shoutouts/ada-lovelace/index.html")
        .contains("<title>What Ada Lovelace said · Fixture Shop</title>");
}
