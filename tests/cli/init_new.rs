//! `kudos init` scaffolds a site that builds and never clobbers a folder; `kudos new`
//! creates content files with their front matter and never overwrites one.

use crate::common::Site;

#[test]
fn init_creates_a_site_that_builds() {
    let site = Site::blank();
    site.run(&["init", "site"])
        .success()
        .file("kudos.toml")
        .contains("base_url = ")
        .file("content/posts/hello.md")
        .contains("title = ")
        .file("content/about.md")
        .contains("title = ");
    assert_eq!(site.files_ending("content/shoutouts", ".md").len(), 2);
    assert_eq!(site.files_ending("content/segments", ".md").len(), 1);
    site.build()
        .success()
        .stderr_has("Built ")
        .file("public/index.html")
        .contains("<title>")
        .file("public/posts/hello/index.html")
        .contains("<h1>Hello</h1>")
        .file("public/about/index.html")
        .contains("<h1>About</h1>")
        .file("public/shoutouts/index.html")
        .contains("Ada Example")
        .file("public/for/regulars/index.html")
        .contains("Regulars")
        .file("public/atom.xml")
        .contains("<entry>");
}

#[test]
fn init_refuses_a_folder_that_is_not_empty() {
    let site = Site::blank();
    site.write("notes.txt", "my notes\n");
    let before = site.tree("");
    site.run(&["init", "site"])
        .code(1)
        .stderr_has("not empty")
        .stderr_has("--force")
        .unchanged(&before);
}

#[test]
fn init_with_force_fills_in_but_never_overwrites() {
    let site = Site::blank();
    site.write("notes.txt", "my notes\n");
    site.write("kudos.toml", "title = \"Mine\"\n");
    site.write(
        "content/about.md",
        "+++\ntitle = \"Our story\"\n+++\n\nOurs.\n",
    );
    site.run(&["init", "site", "--force"])
        .success()
        .stderr_has("kudos.toml")
        .file("kudos.toml")
        .contains("title = \"Mine\"")
        .lacks("My shop")
        .file("content/about.md")
        .contains("title = \"Our story\"")
        .file("notes.txt")
        .contains("my notes")
        .file("content/posts/hello.md")
        .contains("title = ");
    assert_eq!(site.read("kudos.toml"), "title = \"Mine\"\n");
    assert_eq!(
        site.read("content/about.md"),
        "+++\ntitle = \"Our story\"\n+++\n\nOurs.\n"
    );
    site.build()
        .success()
        .file("public/about/index.html")
        .contains("<h1>Our story</h1>");
}

#[test]
fn new_creates_files_with_front_matter() {
    let site = Site::fixture("basic");
    site.run(&["new", "post", "Spring Sale"])
        .success()
        .stderr_has("content/posts/spring-sale.md")
        .file("content/posts/spring-sale.md")
        .contains("+++\n")
        .contains("title = \"Spring Sale\"")
        .contains("date = ");
    site.run(&["new", "shoutout", "Grace Hopper"])
        .success()
        .stderr_has("content/shoutouts/grace-hopper.md")
        .file("content/shoutouts/grace-hopper.md")
        .contains("customer = \"Grace Hopper\"");
    site.run(&["new", "segment", "New parents"])
        .success()
        .stderr_has("content/segments/new-parents.md")
        .file("content/segments/new-parents.md")
        .contains("title = \"New parents\"");
    site.run(&["new", "page", "about/team"])
        .success()
        .stderr_has("content/about/team.md")
        .file("content/about/team.md")
        .contains("title = \"Team\"");
    // What `new` writes is valid content: the site still builds with all four in it.
    site.run(&["build", "--drafts"])
        .success()
        .file("public/posts/spring-sale/index.html")
        .contains("<h1>Spring Sale</h1>")
        .file("public/about/team/index.html")
        .contains("<h1>Team</h1>")
        .file("public/for/new-parents/index.html")
        .contains("New parents");
}

#[test]
fn new_never_overwrites_an_existing_file() {
    let site = Site::fixture("basic");
    for (args, existing) in [
        (["new", "post", "Hello"], "content/posts/hello.md"),
        (
            ["new", "shoutout", "Ada Lovelace"],
            "content/shoutouts/ada-lovelace.md",
        ),
        (
            ["new", "segment", "Regulars"],
            "content/segments/regulars.md",
        ),
        (["new", "page", "about"], "content/about.md"),
    ] {
        let before = site.tree("content");
        site.run(&args)
            .code(1)
            .stderr_has(existing)
            .stderr_has("already exists")
            .unchanged(&before);
    }
}
