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
        .stderr_has("row 6: no quote, skipped")
        // A field that cannot be read costs the field, not the row.
        .stderr_has("row 7: rating \"7\" is not a number from 1 to 5: imported without a rating")
        .stderr_lacks("row 9:")
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
        .stderr_has("row 6: no quote, skipped")
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
        .stderr_has("row 2: rating \"4.5\" rounded to 4 (stars are whole; halves are rounded down)")
        .stderr_has("row 4: date \"03/04/2026\" could be day/month or month/day: say which with --date-format day-first or month-first: imported without a date")
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
        .stderr_has("row 3: date \"14/03/2026\" does not fit --date-format: is it from another export?: imported without a date")
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
    .stderr_has("row 4: date \"03/14/2026\" does not fit --date-format");
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
