//! Discovery on the bundled sample export (assets/sample-export), with exact expectations.

mod common;

use std::io::Write;
use std::path::Path;

use crm_migrate::discovery::gaps::{GapKey, GapKind};
use crm_migrate::discovery::scope::Grade;
use crm_migrate::discovery::{Report, discover_path};
use crm_migrate::rsoft::{DateOrderVerdict, Delimiter, Module, TextEncoding};

fn sample() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/sample-export"))
}

fn report() -> Report {
    discover_path(sample()).unwrap()
}

#[test]
fn counts_encodings_and_delimiters_per_module() {
    let r = report();
    let got: Vec<(Module, &str, u64, u64, TextEncoding, Delimiter)> = r
        .objects
        .iter()
        .map(|o| {
            (
                o.module.unwrap(),
                o.file.as_str(),
                o.rows,
                o.bad_rows,
                o.encoding,
                o.delimiter,
            )
        })
        .collect();
    use Delimiter::*;
    use TextEncoding::*;
    assert_eq!(
        got,
        [
            (Module::Activities, "Activities.csv", 60, 0, Utf8, Comma),
            (
                Module::Companies,
                "Companies.csv",
                25,
                0,
                Windows1252,
                Comma
            ),
            (Module::CustomFields, "Custom Fields.csv", 9, 0, Utf8, Comma),
            (Module::Leads, "Leads.csv", 30, 0, Utf8, Comma),
            (Module::Pipelines, "Pipelines.csv", 11, 0, Utf8, Comma),
            (Module::Deals, "RSoft-Deals (1).csv", 20, 0, Utf8, Semicolon),
            (
                Module::TicketMessages,
                "Ticket Messages.csv",
                25,
                0,
                Utf8,
                Comma
            ),
            (Module::Tickets, "Tickets.csv", 10, 0, Utf16Le, Tab),
            (Module::Users, "Users.csv", 5, 0, Utf8, Comma),
            (Module::Workflows, "Workflows.csv", 4, 0, Utf8, Comma),
            (
                Module::Contacts,
                "contacts_export_2026-11-20.csv",
                40,
                0,
                Utf8,
                Comma
            ),
        ]
    );
    // Encodings by their WHATWG labels, a byte order mark said apart.
    let json = serde_json::to_value(&r).unwrap();
    let labels: Vec<(&str, bool)> = json["objects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["encoding"].as_str().unwrap(), o["bom"].as_bool().unwrap()))
        .collect();
    for want in [
        ("windows-1252", false),
        ("UTF-16LE", true),
        ("UTF-8", true),
        ("UTF-8", false),
    ] {
        assert!(labels.contains(&want), "{want:?} not in {labels:?}");
    }
    assert!(
        json["objects"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| ["CRLF", "LF", "mixed", "none"].contains(&o["line_ending"].as_str().unwrap())),
        "{json}"
    );
    assert_eq!(r.records, 210);
    assert!(r.unknown_files.is_empty());
    assert!(
        r.objects.iter().all(|o| o.confidence >= 0.85),
        "every file is recognised with confidence"
    );
    // The Windows-1252 file, with the lines whose characters were guessed; then integrity: the
    // orphan deal (its company and its contact) and the duplicate company.
    let messages: Vec<&str> = r.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(r.warnings.len(), 4, "{messages:#?}");
    assert_eq!(r.warnings[0].file, "Companies.csv");
    assert!(
        r.warnings[0].message.contains("3 line(s) (3, 12, 21)"),
        "{}",
        r.warnings[0].message
    );
    assert_eq!(
        messages.iter().filter(|m| m.contains("DEAL-4014")).count(),
        2,
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("probable duplicate companies \"gupta and sons\""))
    );
}

#[test]
fn owners_in_every_form_with_record_counts() {
    let r = report();
    let owners = common::owners(&r);
    assert_eq!(
        owners,
        [
            (
                "Anil Mehta <ANIL.MEHTA@acme.in>",
                Some("Anil Mehta"),
                Some("ANIL.MEHTA@acme.in"),
                52
            ),
            ("ravi@acme.in", None, Some("ravi@acme.in"), 43),
            ("Priya Sharma", Some("Priya Sharma"), None, 41),
            ("sneha.iyer@acme.in", None, Some("sneha.iyer@acme.in"), 41),
            ("Deepak Rao", Some("Deepak Rao"), None, 8),
        ]
    );
    // Each owner is found in Users.csv: by email in any case, else by name.
    let users: Vec<(&str, &str, &str)> = r
        .owners
        .iter()
        .map(|o| {
            let u = o.user.as_ref().unwrap();
            (u.id.as_str(), u.email.as_str(), u.status.as_str())
        })
        .collect();
    assert_eq!(
        users,
        [
            ("USR-03", "anil.mehta@acme.in", "Active"),
            ("USR-01", "ravi@acme.in", "Active"),
            ("USR-02", "priya.sharma@acme.in", "Active"),
            ("USR-04", "sneha.iyer@acme.in", "Active"),
            ("USR-05", "deepak.rao@acme.in", "Inactive"),
        ]
    );
}

#[test]
fn pipelines_custom_fields_and_workflows() {
    let r = report();
    let names: Vec<&str> = r.pipelines.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Channel Partners", "Sales"]);
    let sales = &r.pipelines[1];
    let stages: Vec<&str> = sales.stages.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        stages,
        [
            "Prospecting",
            "Qualification",
            "Proposal",
            "Negotiation",
            "Won",
            "Lost",
            "On Hold"
        ]
    );
    let only_on_deals: Vec<&str> = r
        .pipelines
        .iter()
        .flat_map(|p| {
            p.stages
                .iter()
                .filter(|s| s.only_on_deals)
                .map(|s| s.name.as_str())
        })
        .collect();
    assert_eq!(only_on_deals, ["On Hold"]);
    assert_eq!(r.pipelines.iter().map(|p| p.deals).sum::<u64>(), 20);

    let caps = common::caps(&r);
    assert_eq!(
        caps,
        [
            (Module::Companies, 2, false),
            (Module::Contacts, 6, true),
            (Module::Deals, 1, false)
        ]
    );
    assert!(r.custom_fields.iter().all(|f| f.in_export && f.defined));

    assert_eq!(r.workflows.count, 4);
    assert_eq!(r.workflows.inventory[0].name, "New lead auto-assign");
}

#[test]
fn gaps_dates_grade_estimate_and_plan() {
    let r = report();
    let gaps = common::gaps(&r);
    let phone = |p: &str| Some(GapKey::Phone(p.into()));
    let id = |p: &str| Some(GapKey::RecordId(p.into()));
    assert_eq!(
        gaps,
        [
            (
                GapKind::Attachment,
                "attachments/DEAL-4008_quote.pdf",
                id("DEAL-4008")
            ),
            (
                GapKind::Attachment,
                "attachments/TKT-6003_invoice.pdf",
                id("TKT-6003")
            ),
            (
                GapKind::IvrRecording,
                "recordings/918109359063_2024-06-13.mp3",
                phone("918109359063")
            ),
            (
                GapKind::IvrRecording,
                "recordings/918162967113_2024-06-08.mp3",
                phone("918162967113")
            ),
            (
                GapKind::IvrRecording,
                "recordings/918836413363_2026-06-22.mp3",
                phone("918836413363")
            ),
            (
                GapKind::WhatsappThread,
                "whatsapp/918853309145.txt",
                phone("918853309145")
            ),
        ]
    );
    assert_eq!(r.date_order.verdict, DateOrderVerdict::DayFirst);
    // 7 modules with records, over the cap, 2 pipelines, workflows, gaps: 5 points.
    assert_eq!(r.grade_score.points, 5);
    assert_eq!(r.grade, Grade::Complex);
    assert_eq!(
        (r.estimate.working_days_min, r.estimate.working_days_max),
        (8, 12)
    );
    assert_eq!(r.plan.plan, "Pro");
    assert_eq!(r.manual_steps.len(), 2 + 4 + 3);
}

#[test]
fn the_sample_zipped_gives_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("sample.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    let options = zip::write::SimpleFileOptions::default();
    let mut stack = vec![sample().to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(sample())
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                z.start_file(rel, options).unwrap();
                z.write_all(&std::fs::read(&p).unwrap()).unwrap();
            }
        }
    }
    z.finish().unwrap();
    let zipped = discover_path(&zip_path).unwrap();
    let folder = report();
    assert_eq!(zipped.objects, folder.objects);
    assert_eq!(zipped.owners, folder.owners);
    assert_eq!(zipped.gaps, folder.gaps);
    assert_eq!(zipped.grade, folder.grade);
}
