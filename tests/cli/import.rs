//! `kudos import shoutouts FILE.csv` (issue 3, acceptance point 8): which files a
//! spreadsheet export becomes, what the report says about the rows it skipped, that no
//! email address is written anywhere, that importing again changes nothing, and that the
//! imported shout-outs build, with only the consented ones on the wall.
//!
//! The fixture `tests/fixtures/import/testimonials.csv` has, by spreadsheet row:
//! 2 Ada (consent yes), 3 Grace (a quote with a comma and a newline, no consent),
//! 4 Sam (consent "Y"), 5 Ada again (same quote, other spacing and case: a duplicate),
//! 6 no quote, 7 rating 7, 8 a different Ada (consent "no"), 9 a date written 14/03/2026.

use crate::common::Site;

const FIXTURE_CSV: &str = include_str!("../fixtures/import/testimonials.csv");

/// The path to give `kudos`, which runs from the folder that holds `site/`.
const CSV: &str = "site/testimonials.csv";

/// The `import/site` fixture (kudos.toml and a "regulars" segment) with the CSV beside
/// it, saved as Excel does: with a byte-order mark and Windows line endings.
fn site_with_export() -> Site {
    let site = Site::fixture("import/site");
    site.write(
        "testimonials.csv",
        format!("\u{feff}{}", FIXTURE_CSV.replace('\n', "\r\n")),
    );
    site
}

const ADA: &str = r#"+++
customer = "Ada Lovelace"
company = "Analytical Engines"
role = "Founder"
rating = 5
date = 2026-03-01
segments = ["regulars"]
consent = { date = 2026-03-01, scope = ["quote", "name"], proof = "csv import: testimonials.csv" }
+++

The rocking horse arrived beautifully wrapped.
"#;

const NO_CONSENT_COMMENT: &str =
    "# No consent recorded in the import: this shout-out is not published until the
# customer agrees and you add, e.g.:
# consent = { date = 2026-01-31, scope = [\"quote\", \"name\"], proof = \"email\" }
";

#[test]
fn import_writes_one_file_per_good_row_and_reports_the_rest() {
    let site = site_with_export();
    let run = site
        .run(&["import", "shoutouts", CSV])
        .success()
        .stderr_has("row 5: same customer and quote as row 2, skipped")
        .stderr_has("row 6, column \"Testimonial\": no quote, skipped")
        // A field that cannot be read costs the field, not the row, and the report names
        // both.
        .stderr_has("row 7, column \"Stars\": rating \"7\" is not a number from 1 to 5: imported without a rating")
        .stderr_lacks("row 9")
        .stderr_has("Ignored columns kudos does not know: \"Notes\"")
        .stderr_has("Segments are not checked on import")
        .stderr_has(
            "Imported 6 shout-outs into content/shoutouts/; skipped 1 duplicate (row 5) \
             and 1 bad row (row 6); 2 imported without consent (rows 3, 8) \
             will not be published until you add it.",
        );
    let stderr = run.stderr();

    let files: Vec<String> = site.tree("content/shoutouts").files.into_keys().collect();
    assert_eq!(
        files,
        [
            "ada-lovelace-2.md",
            "ada-lovelace.md",
            "bob-slash.md",
            "grace-hopper.md",
            "marie-seven.md",
            "sam-sample.md"
        ]
    );
    // `14/03/2026` can only be the 14th of March; a rating of 7 is left out, not made up.
    site.file("content/shoutouts/bob-slash.md")
        .contains("date = 2026-03-14\n");
    site.file("content/shoutouts/marie-seven.md")
        .lacks("rating")
        .contains("Seven stars if I could!");
    assert_eq!(site.read("content/shoutouts/ada-lovelace.md"), ADA);
    // The quote with a comma and a line break is kept word for word (Windows line
    // endings become \n); no consent column said yes, so there is no consent.
    assert_eq!(
        site.read("content/shoutouts/grace-hopper.md"),
        format!(
            "+++\ncustomer = \"Grace Hopper\"\nrating = 4\ndate = 2026-03-02\n{NO_CONSENT_COMMENT}+++\n\n\
             Fast, friendly, and\nthey fixed my order the same day.\n"
        )
    );
    assert_eq!(
        site.read("content/shoutouts/sam-sample.md"),
        "+++\ncustomer = \"Sam Sample\"\nrating = 5\ndate = 2026-03-03\nsegments = [\"regulars\"]\n\
         consent = { date = 2026-03-03, scope = [\"quote\", \"name\"], proof = \"csv import: testimonials.csv\" }\n\
         +++\n\nQuick replies and a handwritten note.\n"
    );
    // Another person with the same name gets the next free slug, and "no" is no consent.
    assert_eq!(
        site.read("content/shoutouts/ada-lovelace-2.md"),
        format!(
            "+++\ncustomer = \"Ada Lovelace\"\ncompany = \"Lovelace Bakes\"\nrating = 4\ndate = 2026-03-06\n\
             {NO_CONSENT_COMMENT}+++\n\nA different Ada, a different cake.\n"
        )
    );

    // Email addresses are read, and written nowhere: not in a file, not in the report.
    for (path, bytes) in site.tree("content").files {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains('@'),
            "content/{path} holds an email:\n{text}"
        );
    }
    assert!(
        !stderr.contains('@'),
        "the report shows an email:\n{stderr}"
    );
}

#[test]
fn importing_the_same_export_again_changes_nothing() {
    let site = site_with_export();
    site.run(&["import", "shoutouts", CSV]).success();
    let before = site.tree("content");
    site.run(&["import", "shoutouts", CSV])
        .success()
        .stderr_has(
            "Imported 0 shout-outs into content/shoutouts/; skipped 7 already imported \
             (rows 2-5, 7-9) and 1 bad row (row 6).",
        )
        .unchanged(&before);
    // With -v each row says which file it is already in.
    site.run(&["-v", "import", "shoutouts", CSV])
        .success()
        .stderr_has("row 2: already imported as content/shoutouts/ada-lovelace.md")
        .stderr_has("row 8: already imported as content/shoutouts/ada-lovelace-2.md")
        .unchanged(&before);
}

#[test]
fn a_byte_order_mark_and_windows_line_endings_make_no_difference() {
    let excel = site_with_export();
    excel.run(&["import", "shoutouts", CSV]).success();
    let plain = Site::fixture("import/site");
    plain.write("testimonials.csv", FIXTURE_CSV);
    plain.run(&["import", "shoutouts", CSV]).success();
    assert_eq!(
        excel.tree("content/shoutouts"),
        plain.tree("content/shoutouts")
    );
}

#[test]
fn imported_shoutouts_build_and_only_consented_ones_are_on_the_wall() {
    let site = site_with_export();
    site.run(&["import", "shoutouts", CSV]).success();
    site.build()
        .success()
        .file("public/shoutouts/index.html")
        .contains("The rocking horse arrived beautifully wrapped.")
        .contains("Quick replies and a handwritten note.")
        .lacks("Grace Hopper")
        .lacks("Fast, friendly")
        .lacks("A different Ada")
        .lacks("Lovelace Bakes")
        .file("public/shoutouts/ada-lovelace/index.html")
        .contains("Analytical Engines")
        .absent("public/shoutouts/grace-hopper/index.html")
        .absent("public/shoutouts/ada-lovelace-2/index.html");
}

#[test]
fn dry_run_reports_without_writing() {
    let site = site_with_export();
    site.run(&["import", "shoutouts", "--dry-run", CSV])
        .success()
        .stderr_has("Would import 6 shout-outs into content/shoutouts/")
        .stderr_has("row 6, column \"Testimonial\": no quote, skipped")
        .absent("content/shoutouts");
}

#[test]
fn map_names_columns_kudos_does_not_know() {
    let site = Site::fixture("import/site");
    site.write(
        "export.csv",
        "Who,What they said,Stars given,Contact,Internal,OK to quote\n\
         Priya Patel,Lovely service.,5,priya@example.com,vip list,Yes\n",
    );
    site.run(&[
        "import",
        "shoutouts",
        "site/export.csv",
        "--map",
        "Who=customer",
        "--map",
        "what_they_said=quote",
        "--map",
        "STARS GIVEN=rating",
        "--map",
        "Contact=email",
        "--map",
        "Internal=",
        "--map",
        "ok-to-quote=consent",
    ])
    .success()
    .stderr_lacks("Ignored columns")
    .stderr_has("Imported 1 shout-out into content/shoutouts/.")
    .file("content/shoutouts/priya-patel.md")
    .contains("customer = \"Priya Patel\"\nrating = 5\n")
    // No date in the row: consent is dated the day of the import.
    .contains("consent = { date = 20")
    .contains(", scope = [\"quote\", \"name\"], proof = \"csv import: export.csv\" }\n")
    .contains("\n+++\n\nLovely service.\n")
    .lacks("priya@")
    .lacks("vip");
}

#[test]
fn a_sheet_without_known_columns_asks_for_map() {
    let site = Site::fixture("import/site");
    site.write("export.csv", "Who,What they said\nPriya,Lovely.\n");
    site.run(&["import", "shoutouts", "site/export.csv"])
        .code(1)
        .stderr_has("site/export.csv: no column for the customer's name or the quote")
        .stderr_has("\"Who\", \"What they said\"")
        .stderr_has("--map \"COLUMN=customer\"")
        .absent("content/shoutouts");
}

#[test]
fn map_to_an_unknown_field_lists_the_fields() {
    let site = site_with_export();
    site.run(&["import", "shoutouts", CSV, "--map", "Notes=nmae"])
        .code(2)
        .stderr_has("there is no field `nmae`")
        .stderr_has("the fields are customer, quote, company, role, location, rating, date")
        .absent("content/shoutouts");
}

#[test]
fn map_of_a_column_the_sheet_lacks_lists_the_columns() {
    let site = site_with_export();
    site.run(&["import", "shoutouts", CSV, "--map", "Testimonal=quote"])
        .code(1)
        .stderr_has("site/testimonials.csv has no such column (did you mean \"Testimonial\"?)")
        .stderr_has("its columns are \"Timestamp\", \"Full Name\", \"E-mail\"")
        .absent("content/shoutouts");
}

#[test]
fn a_missing_file_is_an_error_that_names_it() {
    let site = Site::fixture("import/site");
    site.run(&["import", "shoutouts", "site/nope.csv"])
        .code(1)
        .stderr_has("error: site/nope.csv: ")
        .absent("content/shoutouts");
}

#[test]
fn a_file_that_is_not_utf8_is_an_error_that_says_how_to_export() {
    let site = Site::fixture("import/site");
    site.write("latin1.csv", b"name,quote\nJos\xe9,Tr\xe8s bien\n");
    site.run(&["import", "shoutouts", "site/latin1.csv"])
        .code(1)
        .stderr_has("site/latin1.csv: not UTF-8 text")
        .stderr_has("CSV UTF-8")
        .absent("content/shoutouts");
}

#[test]
fn a_half_star_rating_or_a_us_date_dropped_the_whole_row() {
    let site = Site::fixture("import/site");
    site.write(
        "export.csv",
        "Name,Review,Rating,Date,Source,Approved\n\
         Ann Able,Lovely service.,4.5,03/14/2026,Google,yes\n\
         Ben Best,Quick and kind.,4,\"Mar 15, 2026\",https://reviews.example/ben,yes\n\
         Cat Cole,Would buy again.,5,03/04/2026,,yes\n",
    );
    site.run(&["import", "shoutouts", "site/export.csv"])
        .success()
        .stderr_has("row 2, column \"Rating\": rating \"4.5\" rounded to 4 (stars are whole; halves are rounded down)")
        .stderr_has("row 4, column \"Date\": date \"03/04/2026\" could be day/month or month/day: say which with --date-format day-first or month-first: imported without a date")
        .stderr_has("Imported 3 shout-outs");
    site.file("content/shoutouts/ann-able.md")
        .contains("rating = 4\n")
        .contains("date = 2026-03-14\n")
        .contains("source_name = \"Google\"")
        .lacks("source_url");
    site.file("content/shoutouts/ben-best.md")
        .contains("date = 2026-03-15\n")
        .contains("source_url = \"https://reviews.example/ben\"");
    site.file("content/shoutouts/cat-cole.md")
        .contains("rating = 5\n")
        .lacks("date = 2026-03-04")
        .lacks("date = 2026-04-03");
}

#[test]
fn a_date_that_fits_both_orders_could_not_be_imported_at_all() {
    let export = "Name,Review,Date
         Cat Cole,Would buy again.,03/04/2026
         Dan Dale,Sturdy.,14/03/2026
         Eve Eld,Fast.,03/14/2026
";
    // A US export: 03/04/2026 is March 4; a day-first date in it is a mistake, reported.
    let site = Site::fixture("import/site");
    site.write("export.csv", export);
    site.run(&["import", "shoutouts", "site/export.csv", "--date-format", "month-first"])
        .success()
        .stderr_has("row 3, column \"Date\": date \"14/03/2026\" does not fit --date-format: is it from another export?: imported without a date")
        .stderr_has("Imported 3 shout-outs");
    site.file("content/shoutouts/cat-cole.md")
        .contains("date = 2026-03-04\n");
    site.file("content/shoutouts/eve-eld.md")
        .contains("date = 2026-03-14\n");
    // A European one: the same cell is 3 April.
    let site = Site::fixture("import/site");
    site.write("export.csv", export);
    site.run(&[
        "import",
        "shoutouts",
        "site/export.csv",
        "--date-format",
        "day-first",
    ])
    .success()
    .stderr_has("row 4, column \"Date\": date \"03/14/2026\" does not fit --date-format");
    site.file("content/shoutouts/cat-cole.md")
        .contains("date = 2026-04-03\n");
    site.file("content/shoutouts/dan-dale.md")
        .contains("date = 2026-03-14\n");
    site.run(&[
        "import",
        "shoutouts",
        "site/export.csv",
        "--date-format",
        "iso",
    ])
    .code(2)
    .stderr_has("day-first")
    .stderr_has("month-first");
}

#[test]
fn exports_of_testimonial_tools_needed_a_map_for_every_column() {
    let exports = [
        (
            "Senja",
            "customer_name,customer_email,customer_avatar,customer_company,customer_tagline,customer_url,text,rating,date,url,tags,integration,video_url,approved\n\
             Ann Able,ann@example.com,https://img.example/ann.jpg,Able Toys,Founder,https://able.example,Lovely service.,5,2026-03-14,https://senja.example/r/1,toys,Google,,true\n",
            "ann-able.md",
            &[
                "customer = \"Ann Able\"",
                "company = \"Able Toys\"",
                "role = \"Founder\"",
                "rating = 5",
                "tags = [\"toys\"]",
                "avatar = \"https://img.example/ann.jpg\"",
                "source_url = \"https://senja.example/r/1\"",
                "source_name = \"Google\"",
            ][..],
        ),
        (
            "Shapo",
            "name,title,company,message,rating,date,source,link,profileImage\n\
             Ben Best,Buyer,Best Shop,Quick and kind.,4,2026-03-15,Facebook,https://shapo.example/r/2,https://img.example/ben.png\n",
            "ben-best.md",
            &[
                "role = \"Buyer\"",
                "company = \"Best Shop\"",
                "rating = 4",
                "avatar = \"https://img.example/ben.png\"",
                "source_url = \"https://shapo.example/r/2\"",
            ][..],
        ),
        (
            "Trustmary",
            "personName,personTitle,personOrganization,personPicture,personLocation,reviewNps,text\n\
             Cat Cole,Owner,Cole & Co,https://img.example/cat.jpg,Leeds,9,Would buy again.\n",
            "cat-cole.md",
            &[
                "role = \"Owner\"",
                "company = \"Cole & Co\"",
                "location = \"Leeds\"",
                "avatar = \"https://img.example/cat.jpg\"",
            ][..],
        ),
        (
            "Feedspace",
            "Review Text,Review Date,Star Rating,Name,Email,Job Role,Company,Profile Image URL\n\
             Great gifts.,2026-03-16,5,Dan Dale,dan@example.com,Teacher,School,https://img.example/dan.jpg\n",
            "dan-dale.md",
            &[
                "role = \"Teacher\"",
                "rating = 5",
                "date = 2026-03-16",
                "avatar = \"https://img.example/dan.jpg\"",
            ][..],
        ),
    ];
    for (tool, csv, file, lines) in exports {
        let site = Site::fixture("import/site");
        site.write("export.csv", csv);
        let run = site
            .run(&["import", "shoutouts", "site/export.csv"])
            .success()
            .stderr_has(&format!("Recognised the columns of a {tool} export."))
            .stderr_has("Imported 1 shout-out");
        let text = site.read(&format!("content/shoutouts/{file}"));
        for line in lines {
            assert!(text.contains(line), "{tool}: no {line} in\n{text}");
        }
        assert!(!text.contains('@'), "{tool}: an email was written:\n{text}");
        assert!(
            !text.contains("\nconsent = {"),
            "{tool}: consent from nowhere:\n{text}"
        );
        if tool == "Senja" {
            run.stderr_has("Column \"approved\" is the tool's moderation flag, set by you, not the customer's consent: it is not imported as consent");
        }
    }
}

/// The `import/site` fixture with `tests/fixtures/import/<name>` beside it, as
/// `site/<name>`.
fn site_with_fixture(name: &str) -> Site {
    let site = Site::fixture("import/site");
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name);
    site.write(name, std::fs::read(from).expect("the fixture"));
    site
}

#[test]
fn a_feedspace_review_title_was_read_as_the_customers_job() {
    // Feedspace's "Title" is the review's headline; generic sheets use "Title" for the
    // job, and it comes first, so recognising columns picks it (and says so).
    let site = site_with_fixture("feedspace.csv");
    site.run(&["import", "shoutouts", "--dry-run", "site/feedspace.csv"])
        .success()
        .stderr_has("Recognised the columns of a Feedspace export.")
        .stderr_has("Columns \"Title\" and \"Job Role\" both look like the role; using \"Title\"");
    // --from reads Feedspace's own names only: "Job Role" is the role, "Title" is left.
    site.run(&["import", "shoutouts", "--from", "feedspace", "site/feedspace.csv"])
        .success()
        .stderr_has("Reading the columns of a Feedspace export (--from feedspace): other columns are not recognised.")
        .stderr_has("Ignored columns kudos does not know: \"Title\"")
        .stderr_lacks("both look like")
        .stderr_has("Imported 2 shout-outs");
    assert_eq!(
        site.read("content/shoutouts/dan-dale.md"),
        format!(
            "+++\ncustomer = \"Dan Dale\"\ncompany = \"Hill School\"\nrole = \"Teacher\"\nrating = 5\n\
             date = 2026-03-16\navatar = \"https://img.example/dan.jpg\"\n{NO_CONSENT_COMMENT}+++\n\n\
             Our students love the wooden puzzles.\n"
        )
    );
    site.file("content/shoutouts/eva-eng.md")
        .contains("role = \"Buyer\"\n")
        .lacks("Fast shipping")
        .lacks("@");
    // --from generic: a tool's own names are not read.
    let site = site_with_fixture("trustmary.csv");
    site.run(&["import", "shoutouts", "--from", "generic", "site/trustmary.csv"])
        .code(1)
        .stderr_has("site/trustmary.csv: no column for the customer's name read as a generic spreadsheet export")
        .absent("content/shoutouts");
}

#[test]
fn a_tool_kudos_does_not_know_for_from_was_silently_guessed() {
    let site = site_with_fixture("feedspace.csv");
    site.run(&[
        "import",
        "shoutouts",
        "--from",
        "testimonial-to",
        "site/feedspace.csv",
    ])
    .code(2)
    .stderr_has("invalid value 'testimonial-to' for '--from <TOOL>'")
    .stderr_has("[possible values: senja, shapo, trustmary, feedspace, generic]")
    .absent("content/shoutouts");
}

#[test]
fn a_senja_json_export_could_not_be_imported() {
    let site = site_with_fixture("senja.json");
    site.run(&["import", "shoutouts", "site/senja.json"])
        .success()
        .stderr_has("Recognised the columns of a Senja export.")
        .stderr_has("Column \"approved\" is the tool's moderation flag")
        .stderr_has("Ignored columns kudos does not know: \"id\"")
        // JSON rows are the testimonials in list order, the first is row 1.
        .stderr_has("row 1, column \"rating\": rating \"4.5\" rounded to 4")
        // Nested values are a problem of their row and column, not of the file.
        .stderr_has("row 2, column \"customer_company\": an object, where one value was expected: left out")
        .stderr_has("row 3, column \"text\": an object, where text was expected, skipped")
        .stderr_has("row 4: a single value where a testimonial (an object with named fields) was expected, skipped")
        .stderr_has(
            "Imported 2 shout-outs into content/shoutouts/; skipped 2 bad rows (rows 3, 4); \
             2 imported without consent (rows 1, 2) will not be published until you add it.",
        );
    assert_eq!(
        site.read("content/shoutouts/ann-able.md"),
        format!(
            "+++\ncustomer = \"Ann Able\"\ncompany = \"Able Toys\"\nrole = \"Founder\"\nrating = 4\n\
             date = 2026-03-14T09:30:00Z\ntags = [\"toys\", \"gifts\"]\n\
             avatar = \"https://img.example/ann.jpg\"\nvideo_url = \"https://videos.example/ann.mp4\"\n\
             source_url = \"https://senja.example/r/1\"\nsource_name = \"Google\"\n\
             {NO_CONSENT_COMMENT}+++\n\nLovely service, and the horse is beautiful.\n"
        )
    );
    site.file("content/shoutouts/ben-best.md")
        .contains("customer = \"Ben Best\"\nrating = 5\ndate = 2026-03-15\n")
        .lacks("Best Shop")
        .lacks("tags");
    assert_eq!(
        site.files_ending("content/shoutouts", ".md"),
        ["ann-able.md", "ben-best.md"]
    );
    for (path, bytes) in site.tree("content").files {
        assert!(!String::from_utf8_lossy(&bytes).contains('@'), "{path}");
    }
    // A file that is not JSON, or holds no list of testimonials, writes nothing.
    site.write("broken.json", "{\"testimonials\": [{\"name\": \"Eve\",}]}");
    site.run(&["import", "shoutouts", "site/broken.json"])
        .code(1)
        .stderr_has("site/broken.json: not valid JSON: trailing comma at line 1 column 34");
    site.write(
        "two.json",
        "{\"a\": [{\"name\": \"Eve\"}], \"b\": [{\"name\": \"Fay\"}]}",
    );
    site.run(&["import", "shoutouts", "site/two.json"])
        .code(1)
        .stderr_has(
            "site/two.json: holds several lists (\"a\", \"b\"): expected one list of testimonials",
        );
}

#[test]
fn avatars_and_video_links_were_dropped_on_import() {
    let site = site_with_fixture("senja.csv");
    site.run(&["import", "shoutouts", "site/senja.csv"])
        .success()
        .stderr_has("Ignored columns kudos does not know: \"customer_url\"")
        // A link that is not http(s) costs that field, not the testimonial.
        .stderr_has("row 4, column \"video_url\": video_url `ftp://files.example/cat.mp4` is not a web link: expected an http:// or https:// URL: imported without a video link")
        .stderr_has("row 5, column \"customer_avatar\": avatar `javascript:alert(1)` is not a web link: expected an http:// or https:// URL: imported without a photo")
        .stderr_has("row 5, column \"video_url\": video_url `javascript:alert(document.cookie)` is not a web link")
        .stderr_has("Imported 4 shout-outs");
    site.file("content/shoutouts/ann-able.md")
        .contains("avatar = \"https://img.example/ann.jpg\"\nvideo_url = \"https://videos.example/ann.mp4\"\n");
    site.file("content/shoutouts/ben-best.md")
        .contains("video_url = \"https://videos.example/ben.mp4\"\n");
    site.file("content/shoutouts/cat-cole.md")
        .contains("Would buy again.")
        .lacks("video_url");
    site.file("content/shoutouts/dan-dale.md")
        .contains("Sturdy blocks.")
        .lacks("javascript")
        .lacks("avatar")
        .lacks("video_url");

    // The customers agree: Ann, Cat and Dan to their photo too, Ben only to quote and name.
    let agree = |file: &str, scope: &str| {
        site.edit(
            &format!("content/shoutouts/{file}"),
            "# consent = { date = 2026-01-31, scope = [\"quote\", \"name\"]",
            &format!("consent = {{ date = 2026-04-01, scope = [{scope}]"),
        );
    };
    for file in ["ann-able.md", "cat-cole.md", "dan-dale.md"] {
        agree(file, "\"quote\", \"name\", \"photo\"");
    }
    agree("ben-best.md", "\"quote\", \"name\"");
    site.build()
        .success()
        .file("public/shoutouts/ann-able/index.html")
        // A plain link in the site's words, never a player or a third party's script.
        .contains("<a class=\"video\" href=\"https://videos.example/ann.mp4\" rel=\"nofollow noopener\">Watch the video</a>")
        .contains("src=\"https://img.example/ann.jpg\"")
        .lacks("<iframe")
        .file("public/shoutouts/index.html")
        .contains("href=\"https://videos.example/ann.mp4\"");
    // Ben's consent does not cover his face: no video link anywhere, no photo either.
    for withheld in ["videos.example/ben", "img.example/ben"] {
        let found = site.files_containing("public", withheld);
        assert!(found.is_empty(), "{withheld} is in {found:?}");
    }
    for unsafe_link in ["ftp://", "javascript:"] {
        let found = site.files_containing("public", unsafe_link);
        assert!(found.is_empty(), "{unsafe_link} is in {found:?}");
    }
    // In German the link says so in German.
    site.edit(
        "kudos.toml",
        "title = \"Import Shop\"",
        "title = \"Import Shop\"\nlanguage = \"de\"",
    );
    site.build()
        .success()
        .file("public/shoutouts/ann-able/index.html")
        .contains(">Video ansehen</a>");
}

#[test]
fn an_nps_score_was_taken_for_a_star_rating() {
    let site = site_with_fixture("trustmary.csv");
    site.run(&["import", "shoutouts", "site/trustmary.csv"])
        .success()
        .stderr_has("Recognised the columns of a Trustmary export.")
        .stderr_has("Column \"published\" is the tool's moderation flag")
        .stderr_has("row 2, column \"reviewNps\": NPS 9 is a 0-10 recommendation score, not a star rating: imported without a rating (--nps-to-stars turns it into stars)")
        .stderr_has("row 5, column \"reviewNps\": NPS \"eleven\" is not a whole number from 0 to 10: imported without a rating")
        .stderr_has("Imported 4 shout-outs");
    for file in ["cat-cole.md", "dan-dale.md", "eve-eld.md", "fay-fox.md"] {
        site.file(&format!("content/shoutouts/{file}"))
            .lacks("rating");
    }
    // Asked for, the score becomes stars: half of it, rounded down, at least one.
    let site = site_with_fixture("trustmary.csv");
    site.run(&["import", "shoutouts", "--nps-to-stars", "site/trustmary.csv"])
        .success()
        .stderr_has("row 2, column \"reviewNps\": NPS 9 imported as 4 stars (--nps-to-stars: half the score, rounded down, at least 1)")
        .stderr_has("row 3, column \"reviewNps\": NPS 10 imported as 5 stars")
        .stderr_has("row 4, column \"reviewNps\": NPS 3 imported as 1 star ")
        .stderr_has("row 5, column \"reviewNps\": NPS \"eleven\" is not a whole number from 0 to 10");
    site.file("content/shoutouts/cat-cole.md")
        .contains("location = \"Leeds\"\nrating = 4\n");
    site.file("content/shoutouts/dan-dale.md")
        .contains("rating = 5\n");
    site.file("content/shoutouts/eve-eld.md")
        .contains("rating = 1\n");
    site.file("content/shoutouts/fay-fox.md").lacks("rating");
}

/// Grace's file after the owner edited it: a comment, keys moved, an `[extra]` table.
const GRACE_EDITED: &str = "+++
# Grace called on 2 March; she prefers \"Grace\" on the phone.
date = 2026-03-02
customer = \"Grace Hopper\"
rating = 4   # she said 4/5
# No consent recorded in the import: this shout-out is not published until the
# customer agrees and you add, e.g.:
# consent = { date = 2026-01-31, scope = [\"quote\", \"name\"], proof = \"email\" }

[extra]
called = true
+++

Fast, friendly, and
they fixed my order the same day.
";

#[test]
fn consent_given_after_the_import_could_not_be_added() {
    let site = site_with_export();
    site.run(&["import", "shoutouts", CSV]).success();
    site.write("content/shoutouts/grace-hopper.md", GRACE_EDITED);
    // Next month's export: Grace (row 3) has said yes since.
    let export = FIXTURE_CSV.replace(
        "they fixed my order the same day.\",4/5,,,",
        "they fixed my order the same day.\",4/5,,yes,",
    );
    assert_ne!(export, FIXTURE_CSV);
    site.write("testimonials.csv", &export);
    let before = site.tree("content");

    // Without --update-consent nothing that exists is touched, byte for byte; the
    // report says what the flag would do.
    site.run(&["import", "shoutouts", CSV])
        .success()
        .stderr_has("row 3: the export now gives consent that content/shoutouts/grace-hopper.md lacks: --update-consent adds it")
        .stderr_has("Imported 0 shout-outs")
        .unchanged(&before);
    site.run(&["import", "shoutouts", "--update-consent", "--dry-run", CSV])
        .success()
        .stderr_has(
            "row 3: would add consent to content/shoutouts/grace-hopper.md: consent = { date = ",
        )
        .stderr_has("; would add consent to 1 existing shout-out (row 3).")
        .unchanged(&before);

    // With it, one line is added to Grace's file and nothing else changes anywhere.
    let today = kudos::content::Date::now().format("%Y-%m-%d").unwrap();
    let line = format!(
        "consent = {{ date = {today}, scope = [\"quote\", \"name\"], proof = \"csv import: testimonials.csv\" }}"
    );
    site.run(&["import", "shoutouts", "--update-consent", CSV])
        .success()
        .stderr_has(&format!(
            "row 3: added consent to content/shoutouts/grace-hopper.md: {line}"
        ))
        .stderr_has(
            "Imported 0 shout-outs into content/shoutouts/; skipped 7 already imported \
             (rows 2-5, 7-9) and 1 bad row (row 6); added consent to 1 existing shout-out (row 3).",
        );
    assert_eq!(
        site.read("content/shoutouts/grace-hopper.md"),
        GRACE_EDITED.replace("\n[extra]\n", &format!("\n{line}\n[extra]\n")),
        "only the consent line is new, above the [extra] table"
    );
    let mut after = site.tree("content");
    after.files.remove("shoutouts/grace-hopper.md");
    let mut expected = before;
    expected.files.remove("shoutouts/grace-hopper.md");
    assert_eq!(after, expected, "no other file changed");
    // Grace is published now, and the same run again changes nothing.
    site.build()
        .success()
        .file("public/shoutouts/grace-hopper/index.html")
        .contains("they fixed my order the same day.");
    let now = site.tree("content");
    site.run(&["import", "shoutouts", "--update-consent", CSV])
        .success()
        .stderr_lacks("added consent")
        .unchanged(&now);
}

#[test]
fn an_old_export_narrowed_widened_or_revived_consent() {
    let site = site_with_export();
    site.run(&["import", "shoutouts", CSV]).success();
    // Since the import: Ada agreed to her photo too, Sam withdrew, and Ada's namesake
    // (row 8, "no" in the export) agreed by email.
    site.edit(
        "content/shoutouts/ada-lovelace.md",
        "scope = [\"quote\", \"name\"]",
        "scope = [\"quote\", \"name\", \"photo\"]",
    );
    site.edit(
        "content/shoutouts/sam-sample.md",
        "+++\n\n",
        "withdrawn = 2026-04-01\n+++\n\n",
    );
    site.edit(
        "content/shoutouts/ada-lovelace-2.md",
        "# consent = { date = 2026-01-31, scope = [\"quote\", \"name\"], proof = \"email\" }",
        "consent = { date = 2026-04-02, scope = [\"quote\", \"name\"], proof = \"email\" }",
    );
    let before = site.tree("content");
    site.run(&["import", "shoutouts", "--update-consent", CSV])
        .success()
        .stderr_has("row 2: content/shoutouts/ada-lovelace.md already has consent with the scope [quote, name, photo], not the export's [quote, name]: change it by hand if the customer agreed to something else; left as it is")
        .stderr_has("row 4: content/shoutouts/sam-sample.md records that consent was withdrawn: an export does not undo a withdrawal, only you can; left as it is")
        .stderr_has("row 8: content/shoutouts/ada-lovelace-2.md has consent, but the export's consent cell does not say yes: if the customer withdrew it, add `withdrawn = DATE`; left as it is")
        .stderr_lacks("added consent")
        .unchanged(&before);
}
