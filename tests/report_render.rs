//! The customer report drawn from fixtures: a hostile export (markup, quotes, formulas in
//! company names, owners and workflows) and a journal stand-in. Markdown, HTML and CSVs are
//! checked for exact rows, escaping, neutralised spreadsheet cells, and the "no run recorded yet"
//! wording when the journal holds no run.

mod report_support;

use std::path::Path;

use crm_migrate::report::{self, NO_RUN, csv, html, markdown};
use report_support::{FixtureJournal, report, write_export};

fn read_csv(path: &Path) -> Vec<Vec<String>> {
    let mut r = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(path)
        .unwrap();
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn with_run() -> (tempfile::TempDir, report::MigrationReport) {
    let dir = tempfile::tempdir().unwrap();
    write_export(dir.path());
    let journal = FixtureJournal::one_run();
    let r = report(dir.path(), Some(&journal));
    (dir, r)
}

#[test]
fn html_escapes_every_value_and_loads_nothing() {
    let (_dir, r) = with_run();
    let page = html::render(&r).unwrap();
    let lower = page.to_lowercase();
    // Nothing from the export became markup.
    assert!(!lower.contains("<script"), "a script tag got through");
    assert!(!lower.contains("<img"), "an img tag got through");
    assert!(!page.contains("<b>Auto"), "a bold tag got through");
    assert!(page.contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;&#x2f;script&gt; Traders"));
    assert!(page.contains("Acme &quot;Quoted&quot; &amp; Sons"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    // Self-contained: no external resources, a CSP that forbids fetching any.
    assert!(page.contains(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
    ));
    for fetch in ["<link", " src=\"", "url(", "@import"] {
        assert!(
            !lower.contains(fetch),
            "the page fetches something: {fetch}"
        );
    }
    // The bar chart: Accounts is half created, half linked; Contacts shows its missing row.
    assert!(page.contains(
        "<div class=\"seg created\" style=\"width: 50.0%\" title=\"created: 1\"></div><div class=\"seg linked\" style=\"width: 50.0%\" title=\"linked: 1\"></div>"
    ));
    assert!(page.contains(
        "<div class=\"seg unaccounted\" style=\"width: 20.0%\" title=\"unaccounted: 1\"></div>"
    ));
    assert!(page.contains("Some phases do not reconcile"));
    // Records created with caveats are listed, escaped.
    assert!(page.contains(
        "<td>CONT-3</td><td>Contacts 23</td><td>Country: &quot;&lt;Atlantis&gt;&quot; is no country this tool knows</td>"
    ), "{page}");
    // The gap files link to their Nutshell records.
    assert!(page.contains(
        "<a href=\"https:&#x2f;&#x2f;app.nutshell.com&#x2f;company&#x2f;500\">Accounts 500</a>"
    ));
}

#[test]
fn markdown_has_the_run_sections_and_escapes_values() {
    let (_dir, r) = with_run();
    let md = markdown::render(&r);
    assert!(
        md.contains("| Accounts | 2 | 1 | 1 | 0 | 0 | 0 | 0 | 0 |"),
        "{md}"
    );
    assert!(
        md.contains("| Contacts | 5 | 2 | 0 | 0 | 1 | 1 | 0 | **1** |"),
        "{md}"
    );
    assert!(md.contains("**Some phases do not reconcile: see the Difference column.**"));
    assert!(
        md.contains("Accounts  ████████████████████▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓▓ 2"),
        "{md}"
    );
    assert!(md.contains(
        "| Contacts | contacts | CONT-9 | &lt;img src=x onerror=alert(1)&gt; | company COMP-404 is not in the export |"
    ));
    assert!(md.contains("| Contacts | contacts | CONT-8 | =2+5 | contacts.csv:9 | Email | permanent | @SUM(A1) is not an email address |"));
    assert!(
        md.contains(
            "| Contacts | contacts | CONT-3 | Contacts 23 | Country: \"&lt;Atlantis&gt;\" is no country this tool knows |"
        ),
        "{md}"
    );
    assert!(md.contains("| Deepak Rao | 8 | **unresolved** | no Nutshell user |"));
    assert!(md.contains("| ravi@acme.in | 1 | ravi@acme.in (user 11) | matched by email |"));
    assert!(md.contains(
        "| Accounts | companies | COMP-2 | Acme \"Quoted\" &amp; Sons | linked | Accounts 501 |"
    ));
    assert!(md.contains("&lt;script&gt;alert('x')&lt;/script&gt; Traders"));
    assert!(!md.contains("<script"));
    assert!(md.contains(
        "| IVR call recording | recordings/919876543210.mp3 | 3 | phone 919876543210 | companies COMP-1 &lt;script&gt;alert('x')&lt;/script&gt; Traders (by Phone +919876543210) | Accounts 500 <https://app.nutshell.com/company/500> |"
    ), "{md}");
    assert!(md.contains("| attachment | attachments/COMP-2\\_contract.pdf | 4 | record COMP-2 |"));
    assert!(!md.contains(NO_RUN));
}

#[test]
fn csv_cells_are_neutralised_and_rows_exact() {
    let (dir, r) = with_run();
    let out = dir.path().join("out");
    let written = report::write_all(&r, &out).unwrap();
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        [
            report::MARKDOWN_FILE,
            report::HTML_FILE,
            csv::SCOPE_FILE,
            csv::OWNERS_FILE,
            csv::CUSTOM_FIELDS_FILE,
            csv::PIPELINES_FILE,
            csv::WORKFLOWS_FILE,
            csv::GAPS_FILE,
            csv::RUNS_FILE,
            csv::RECONCILIATION_FILE,
            csv::HOLDS_FILE,
            csv::FAILURES_FILE,
            csv::OWNER_DECISIONS_FILE,
            csv::MERGES_FILE,
        ]
    );
    let failures = read_csv(&out.join(csv::FAILURES_FILE));
    assert_eq!(
        failures[1],
        [
            "Contacts",
            "contacts",
            "CONT-8",
            "'=2+5",
            "contacts.csv",
            "9",
            "Email",
            "permanent",
            "'@SUM(A1) is not an email address"
        ]
    );
    let reconciliation = read_csv(&out.join(csv::RECONCILIATION_FILE));
    assert_eq!(
        reconciliation[2],
        [
            "Contacts", "5", "2", "0", "0", "1", "1", "0", "4", "1", "no"
        ]
    );
    let workflows = read_csv(&out.join(csv::WORKFLOWS_FILE));
    assert_eq!(workflows[1][5], "'=HYPERLINK(\"http://evil\")");
    assert_eq!(workflows[1][0], "<b>Auto</b> assign");
    let owners = read_csv(&out.join(csv::OWNERS_FILE));
    assert!(
        owners.iter().any(|row| row[0] == "'=cmd|' /C calc'!A0"),
        "{owners:?}"
    );
    let gaps = read_csv(&out.join(csv::GAPS_FILE));
    let recording = gaps
        .iter()
        .find(|row| row[1] == "recordings/919876543210.mp3")
        .unwrap();
    assert_eq!(
        recording[4..],
        [
            "companies",
            "COMP-1",
            "<script>alert('x')</script> Traders",
            "Phone +919876543210",
            "Accounts",
            "500",
            "https://app.nutshell.com/company/500",
            ""
        ]
    );
}

#[test]
fn without_a_run_the_journal_sections_say_so() {
    let dir = tempfile::tempdir().unwrap();
    write_export(dir.path());
    let empty = FixtureJournal::no_runs();
    for r in [report(dir.path(), None), report(dir.path(), Some(&empty))] {
        assert!(r.run.is_none());
        let md = markdown::render(&r);
        assert_eq!(md.matches("_No run recorded yet_").count(), 5, "{md}");
        assert!(!md.contains("Source rows ="));
        let page = html::render(&r).unwrap();
        assert_eq!(page.matches("No run recorded yet").count(), 5);
        // Each gap still names its source record, and says it has no Nutshell record yet.
        assert!(
            md.contains("(by Phone +919876543210) | no run recorded yet |"),
            "{md}"
        );
        let out = dir.path().join("out");
        report::write_all(&r, &out).unwrap();
        for journal_csv in [
            csv::RECONCILIATION_FILE,
            csv::FAILURES_FILE,
            csv::HOLDS_FILE,
        ] {
            assert!(
                !out.join(journal_csv).exists(),
                "{journal_csv} written without a run"
            );
        }
        let gaps = read_csv(&out.join(csv::GAPS_FILE));
        assert_eq!(gaps[1][11], NO_RUN);
    }
}

/// Writes the fixture report (with a run) for `bench/html_render_check.sh` into
/// `$REPORT_FIXTURE_OUT`; ignored in the normal suite.
#[test]
#[ignore = "run by bench/html_render_check.sh"]
fn write_fixture_report() {
    let out = std::env::var_os("REPORT_FIXTURE_OUT").expect("set REPORT_FIXTURE_OUT to a folder");
    let (_dir, r) = with_run();
    let written = report::write_all(&r, Path::new(&out)).unwrap();
    assert!(written.iter().all(|p| p.exists()));
}
