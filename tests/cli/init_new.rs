//! `kudos init` scaffolds a site that builds and never clobbers a folder; `kudos new`
//! creates content files with their front matter and never overwrites one.

use serde_json::{Value, json};

use crate::common::Site;

/// Where `kudos init` writes the GitHub Pages workflow.
const WORKFLOW: &str = ".github/workflows/pages.yml";

/// The workflow as GitHub reads it: YAML, here into JSON values.
fn workflow(site: &Site) -> Value {
    serde_saphyr::from_str(&site.read(WORKFLOW))
        .unwrap_or_else(|e| panic!("{WORKFLOW} is not valid YAML: {e}"))
}

/// The one step of `job` that `is` picks out, and its position.
fn step<'a>(
    workflow: &'a Value,
    job: &str,
    what: &str,
    is: &dyn Fn(&Value) -> bool,
) -> (usize, &'a Value) {
    let steps = workflow["jobs"][job]["steps"]
        .as_array()
        .expect("a list of steps");
    let found: Vec<_> = steps.iter().enumerate().filter(|(_, s)| is(s)).collect();
    assert_eq!(
        found.len(),
        1,
        "job {job} needs one step that {what}: {steps:#?}"
    );
    found[0]
}

/// Whether a step runs `action` (at any version).
fn uses(step: &Value, action: &str) -> bool {
    step["uses"]
        .as_str()
        .is_some_and(|uses| uses.starts_with(&format!("{action}@")))
}

/// What a step runs in the shell ("" for an action).
fn run(step: &Value) -> &str {
    step["run"].as_str().unwrap_or_default()
}

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
    // The scaffold says it is published on GitHub Pages.
    assert!(site.path("public/.nojekyll").is_file());
}

#[test]
fn init_writes_a_github_pages_workflow_that_builds_uploads_and_deploys() {
    let site = Site::blank();
    site.run(&["init", "site"])
        .success()
        .file("kudos.toml")
        .contains("host = \"github\"");
    let flow = workflow(&site);
    assert_eq!(flow["on"]["push"]["branches"], json!(["main"]));
    assert!(flow["on"].get("workflow_dispatch").is_some());
    assert_eq!(flow["permissions"]["pages"], "write");
    assert_eq!(flow["permissions"]["id-token"], "write");

    let base_url = "${{ steps.pages.outputs.base_url }}";
    let install = format!(
        "cargo install --locked kudos --version {}",
        env!("CARGO_PKG_VERSION")
    );
    let build = |what, is: &dyn Fn(&Value) -> bool| step(&flow, "build", what, is);
    let steps = [
        build("checks out", &|s| uses(s, "actions/checkout")),
        build("configures Pages as `pages`", &|s| {
            uses(s, "actions/configure-pages") && s["id"] == "pages"
        }),
        build("installs this kudos", &|s| run(s) == install),
        build("builds with GitHub's base URL", &|s| {
            run(s).starts_with("kudos build --base-url ") && run(s).contains(base_url)
        }),
        build("uploads public/", &|s| {
            uses(s, "actions/upload-pages-artifact") && s["with"]["path"] == "public"
        }),
    ];
    let order = steps.map(|(at, _)| at);
    assert!(order.is_sorted(), "build steps out of order: {order:?}");
    let build_command = run(steps[3].1);

    assert_eq!(flow["jobs"]["deploy"]["needs"], "build");
    step(&flow, "deploy", "deploys", &|s| {
        uses(s, "actions/deploy-pages") && s["id"] == "deployment"
    });
    assert_eq!(
        flow["jobs"]["deploy"]["environment"]["url"],
        "${{ steps.deployment.outputs.page_url }}"
    );

    // The workflow's own build command, given what GitHub gives a project page, builds
    // the new site under its sub-path into the folder the workflow uploads.
    let command = build_command.replace(base_url, "https://octocat.github.io/my-shop");
    let args: Vec<&str> = command
        .split_whitespace()
        .map(|a| a.trim_matches('"'))
        .collect();
    site.run(&args[1..])
        .success()
        .file("public/index.html")
        .contains("<link rel=\"canonical\" href=\"https://octocat.github.io/my-shop/\">")
        .contains("href=\"/my-shop/posts/\"");
    assert!(site.path("public/.nojekyll").is_file());
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
    // The site's own workflow, with bytes a rewrite would not keep.
    let own_workflow = "name: Ours\r\non: [push]\r\njobs: {}";
    site.write(WORKFLOW, own_workflow);
    site.write(
        "content/about.md",
        "+++\ntitle = \"Our story\"\n+++\n\nOurs.\n",
    );
    site.run(&["init", "site", "--force"])
        .success()
        .stderr_has("kept existing kudos.toml")
        .stderr_has("kept existing .github/workflows/pages.yml")
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
    assert_eq!(site.bytes(WORKFLOW), own_workflow.as_bytes());
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
