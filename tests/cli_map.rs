//! `crm-migrate map`, the real binary, on the bundled sample export: offline and against the
//! built-in sandbox; the operator's decisions survive a second run; `--json`; the stage map; and
//! the confirmation gate `migrate` applies to the written file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crm_migrate::mapping::catalogue::{ValueKind, ValueMapKind};
use crm_migrate::mapping::file;
use crm_migrate::mapping::model::{CONFIDENCE_THRESHOLD, FieldMap, Status, Target, stage_key};
use crm_migrate::mapping::validate::{accept_proposed, unconfirmed};
use crm_migrate::rsoft::Module;

mod mapping_support;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/sample-export");

/// A temp dir with a config for the sample export; `nutshell` is the `[nutshell]` section body.
fn setup(nutshell: &str) -> (tempfile::TempDir, PathBuf) {
    setup_export(SAMPLE, nutshell)
}

/// [`setup`] for the export at `export`.
fn setup_export(export: &str, nutshell: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("crm-migrate.toml");
    std::fs::write(
        &config,
        format!(
            "[source]\nexport = {export:?}\n[nutshell]\n{nutshell}\n[migration]\nstate_dir = \"state\"\n"
        ),
    )
    .unwrap();
    (dir, config)
}

/// Runs `map`; the state dir defaults to the config's folder, so nothing reaches the user's own.
fn map(config: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
        .env(
            "CRM_MIGRATE_STATE_DIR",
            config.parent().unwrap().join("state"),
        )
        .arg("map")
        .arg("--config")
        .arg(config)
        .args(extra)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// Every (module, header) of the sample's data files: the hand-labelled list, not discovery's
/// reading (which is what is under test).
fn sample_columns() -> Vec<(Module, String)> {
    let columns: Vec<_> = mapping_support::CANONICAL
        .iter()
        .map(|(m, h, _, _)| (*m, h.to_string()))
        .collect();
    assert_eq!(columns.len(), 100, "the sample has 100 data columns");
    columns
}

/// The sample's (pipeline, stage) pairs: its pipelines file plus "On Hold", seen only on deals.
const STAGE_PAIRS: [&str; 12] = [
    "Channel Partners / Enquiry",
    "Channel Partners / Evaluation",
    "Channel Partners / Agreement",
    "Channel Partners / Onboarded",
    "Channel Partners / Dropped",
    "Sales / Prospecting",
    "Sales / Qualification",
    "Sales / Proposal",
    "Sales / Negotiation",
    "Sales / Won",
    "Sales / Lost",
    "Sales / On Hold",
];

fn column_count(map: &FieldMap) -> usize {
    map.modules.values().map(|m| m.columns.len()).sum()
}

#[test]
fn offline_writes_the_map_and_keeps_the_operators_decisions() {
    let (dir, config) = setup("");
    let text = stdout(&map(&config, &[]));
    assert!(text.contains("destination: offline"), "{text}");
    assert!(text.contains("contacts: 23 columns"), "{text}");
    let path = dir.path().join("mapping.toml");
    let first = file::load(&path).unwrap();
    assert_eq!(column_count(&first), sample_columns().len());
    // Offline, no stage can be checked: every one is flagged, none silently accepted.
    let stages = &first.modules[&Module::Deals].values[&ValueMapKind::Stage];
    assert!(stages.iter().all(|v| v.confidence < CONFIDENCE_THRESHOLD));

    // The operator confirms one entry and changes another, by editing the file (contacts come
    // first in the file, so the first occurrence is theirs).
    let original = std::fs::read_to_string(&path).unwrap();
    let confirmed_line =
        r#""Email" = { target = "field", field = "Contacts.email", status = "proposed" }"#;
    let region_line = r#""Region" = { target = "custom", create = true, name = "Region", type = "text", status = "proposed" }"#;
    assert!(original.contains(confirmed_line) && original.contains(region_line));
    let edited = original
        .replacen(
            confirmed_line,
            &confirmed_line.replace("\"proposed\"", "\"confirmed\""),
            1,
        )
        .replacen(
            region_line,
            r#""Region" = { target = "note", label = "Sales region", status = "edited" }"#,
            1,
        );
    std::fs::write(&path, edited).unwrap();

    let text = stdout(&map(&config, &[]));
    assert!(text.contains("kept 2 entries you decided"), "{text}");
    let second = file::load(&path).unwrap();
    let contacts = &second.modules[&Module::Contacts];
    assert_eq!(contacts.column("Email").unwrap().status, Status::Confirmed);
    let lead_email = second.modules[&Module::Leads].column("Email").unwrap();
    assert_eq!(lead_email.status, Status::Proposed);
    let region = contacts.column("Region").unwrap();
    assert_eq!(
        (&region.target, region.status),
        (
            &Target::Note {
                label: "Sales region".into()
            },
            Status::Edited
        )
    );
    // Deals' Region was not touched: still the tool's proposal.
    let deal_region = second.modules[&Module::Deals].column("Region").unwrap();
    assert_eq!(deal_region.status, Status::Proposed);
    assert_eq!(column_count(&second), column_count(&first));

    // The next export (a fresh map file, the same state dir) is proposed the way the operator
    // decided: mapping memory.
    let next_config = dir.path().join("next.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &next_config,
        format!("{text}mapping = \"next-mapping.toml\"\n"),
    )
    .unwrap();
    stdout(&map(&next_config, &[]));
    let next = file::load(&dir.path().join("next-mapping.toml")).unwrap();
    let region = next.modules[&Module::Contacts].column("Region").unwrap();
    assert_eq!(
        region.target,
        Target::Note {
            label: "Sales region".into()
        }
    );
    assert_eq!(
        region.status,
        Status::Proposed,
        "still the operator's to confirm"
    );
    assert!(
        region.reason.contains("earlier export"),
        "{}",
        region.reason
    );
}

#[test]
fn against_the_sandbox_the_stage_map_covers_every_pair() {
    let (dir, config) = setup("endpoint = \"sandbox\"");
    let out = map(&config, &[]);
    let text = stdout(&out);
    assert!(text.contains("destination: the built-in sandbox"), "{text}");
    // The call to the destination is announced before it is made (a slow one is no hang).
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("reading fields, pipelines and activity types from the built-in sandbox"),
        "{err}"
    );
    // Sales / On Hold is only on deals and the sandbox lacks it: flagged, with the fix.
    assert!(
        text.contains("\"Sales / On Hold\": pipeline \"Sales\" has no stage \"On Hold\""),
        "{text}"
    );
    let written = file::load(&dir.path().join("mapping.toml")).unwrap();
    let stages = &written.modules[&Module::Deals].values[&ValueMapKind::Stage];
    let mut found: Vec<&str> = stages.iter().map(|v| v.from.as_str()).collect();
    let mut expected = STAGE_PAIRS.to_vec();
    found.sort_unstable();
    expected.sort_unstable();
    assert_eq!(found, expected);
    assert_eq!(stage_key("Sales", "On Hold"), "Sales / On Hold");
    let on_hold = stages.iter().find(|v| v.from == "Sales / On Hold").unwrap();
    assert!(on_hold.confidence < CONFIDENCE_THRESHOLD);
    assert!(
        on_hold.reason.contains("Setup → Pipelines"),
        "{}",
        on_hold.reason
    );
    let won = stages.iter().find(|v| v.from == "Sales / Won").unwrap();
    assert!(won.confidence >= CONFIDENCE_THRESHOLD && won.to == "Won");
    // SMS and WhatsApp, which the sandbox lacks, get a stated fallback.
    let types = &written.modules[&Module::Activities].values[&ValueMapKind::ActivityType];
    let sms = types.iter().find(|v| v.from == "SMS").unwrap();
    assert_eq!(sms.to, "Phone Call");
    assert!(sms.reason.starts_with("fallback"), "{}", sms.reason);
}

#[test]
fn json_has_an_entry_for_every_column() {
    let (dir, config) = setup("");
    let text = stdout(&map(&config, &["--json"]));
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(json["destination"].as_str().unwrap().starts_with("offline"));
    for (module, header) in sample_columns() {
        let columns = json["map"]["modules"][module.as_str()]["columns"]
            .as_array()
            .unwrap_or_else(|| panic!("no {module} in {text}"));
        let entry = columns.iter().find(|c| c["header"] == header.as_str());
        let entry = entry.unwrap_or_else(|| panic!("{module} {header:?} missing"));
        assert!(entry["confidence"].is_number() && entry["reason"].is_string());
    }
    let columns: usize = json["map"]["modules"]
        .as_object()
        .unwrap()
        .values()
        .map(|m| m["columns"].as_array().unwrap().len())
        .sum();
    assert_eq!(columns, 100, "no column beyond the sample's");
    // Offline nothing can be checked against an account, and the sample's map is valid.
    assert_eq!(json["problems"], serde_json::json!([]), "{text}");
    // No column fills a lead's description: the stated default is shown, not a problem.
    let defaults = json["defaults"].as_array().unwrap();
    let lead = defaults
        .iter()
        .find(|d| d["module"] == "leads" && d["field"] == "Leads.description");
    let lead = lead.unwrap_or_else(|| panic!("{defaults:?}"));
    assert!(
        lead["rule"]
            .as_str()
            .unwrap()
            .contains("person's name and source")
    );
    assert!(lead["change"].as_str().unwrap().contains("[columns.leads]"));
    // The object map: how each RSoft object lands, with counts, in the JSON and as Markdown.
    let objects = json["object_map"]["objects"].as_array().unwrap();
    let leads = objects.iter().find(|o| o["object"] == "Leads").unwrap();
    assert_eq!(leads["records"], 30);
    assert_eq!(leads["compatibility"], "one_to_many");
    assert_eq!(leads["lands_as"], "Contacts (the person) + Leads");
    let headline = json["object_map"]["headline"].as_str().unwrap();
    assert!(headline.contains(&format!("of {} objects map 1:1", objects.len())));
    let markdown = std::fs::read_to_string(dir.path().join("object-map.md")).unwrap();
    assert!(markdown.contains(headline), "{markdown}");
    assert_eq!(
        json["object_map_file"].as_str().unwrap(),
        dir.path().join("object-map.md").display().to_string()
    );
    // The file is written too, and says the same, entry for entry.
    let written = file::load(&dir.path().join("mapping.toml")).unwrap();
    let from_json: FieldMap = serde_json::from_value(json["map"].clone()).unwrap();
    assert_eq!(written.modules.len(), from_json.modules.len());
    for (module, in_json) in &from_json.modules {
        let in_file = &written.modules[module];
        let entries = |m: &crm_migrate::mapping::model::ModuleMap| {
            m.columns
                .iter()
                .map(|c| (c.header.clone(), c.target.clone(), c.status))
                .collect::<Vec<_>>()
        };
        assert_eq!(entries(in_file), entries(in_json), "{module}");
        assert_eq!(in_file.values, in_json.values, "{module}");
    }
}

#[test]
fn the_gate_blocks_on_proposals_until_accepted() {
    let (dir, config) = setup("endpoint = \"sandbox\"");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&map(&config, &["--json"]))).unwrap();
    // Against the account the one problem is the stage it lacks, with its fix.
    assert_eq!(
        json["problems"],
        serde_json::json!([{
            "module": "deals",
            "item": "Sales / On Hold",
            "problem": "pipeline \"Sales\" has no stage \"On Hold\"",
            "fix": "add the stage in Nutshell, or set `to` to one of: Prospecting, Qualification, Proposal, Negotiation, Won, Lost",
        }])
    );
    let mut written = file::load(&dir.path().join("mapping.toml")).unwrap();
    let values: usize = written
        .modules
        .values()
        .flat_map(|m| m.values.values())
        .map(Vec::len)
        .sum();
    let waiting = unconfirmed(&written);
    assert_eq!(
        waiting.len(),
        column_count(&written) + values,
        "all proposed"
    );
    let blocking = accept_proposed(&mut written);
    assert!(!blocking.is_empty(), "On Hold and Note stay blocked");
    assert!(
        blocking.iter().all(|u| u.confidence < CONFIDENCE_THRESHOLD
            || u.proposal == "nothing"
            || u.proposal == "unmapped"),
        "{blocking:#?}"
    );
    assert!(blocking.iter().any(|u| u.key == "Sales / On Hold"));
    assert_eq!(unconfirmed(&written), blocking);
}

#[test]
fn config_and_map_file_errors_exit_1() {
    let dir = tempfile::tempdir().unwrap();
    let out = map(&dir.path().join("missing.toml"), &[]);
    assert_eq!(out.status.code(), Some(1));
    let config = dir.path().join("c.toml");
    std::fs::write(&config, "[migration]\nstate_dir = \"s\"\n").unwrap();
    let out = map(&config, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[source] export"));
    assert!(!dir.path().join("mapping.toml").exists());

    // A damaged map is reported, never overwritten.
    let (dir, config) = setup("");
    let path = dir.path().join("mapping.toml");
    std::fs::write(&path, "version = 1\nlegacy_id_field = [\n").unwrap();
    let out = map(&config, &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("mapping.toml"));
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "version = 1\nlegacy_id_field = [\n"
    );
}

/// `map` on a small export whose lead "Probability" column is fractions of one writes
/// `percent_scale = "fraction"` with its evidence; on one mixing `60%` with `0.6`, it lists the
/// fraction-looking values as a problem with count, file and line, never "problems: none".
#[test]
fn a_probability_column_gets_its_percent_scale_or_a_problem() {
    let case = |name: &str| format!("{}/tests/cases/{name}/export", env!("CARGO_MANIFEST_DIR"));
    let (dir, config) = setup_export(&case("t8-probability-fractions"), "");
    stdout(&map(&config, &[]));
    let text = std::fs::read_to_string(dir.path().join("mapping.toml")).unwrap();
    assert!(
        text.contains("read as fractions ×100\n\"Probability\" = { number_format = \"1,234,567.89\", percent_scale = \"fraction\", status = \"proposed\" }"),
        "{text}"
    );

    let (dir, config) = setup_export(&case("t9-probability-mixed"), "");
    let out = stdout(&map(&config, &[]));
    assert!(!out.contains("problems: none"), "{out}");
    assert!(
        out.contains("3 of 6 values fail as Percent")
            && out.contains("Leads.csv line 4 \"0.6\"")
            && out.contains("no decided percent scale"),
        "{out}"
    );
    let written = file::load(&dir.path().join("mapping.toml")).unwrap();
    let format = written.modules[&Module::Leads].column_format("Probability");
    assert_eq!(format.percent_scale, None);
}

/// A date column a spreadsheet saved as serial day numbers (`45231`) is decided per column:
/// when every value is one, `map` reads it as serials (`excel_serial = true` in
/// `[formats.deals]`, with its evidence) and its values read as dates; a column mixing written
/// dates and a serial lists the serial as a problem with its line (trial 10).
#[test]
fn a_column_of_excel_serials_is_read_as_dates_and_a_stray_serial_is_a_problem() {
    let export = tempfile::tempdir().unwrap();
    std::fs::write(
        export.path().join("Deals.csv"),
        "Deal ID,Deal Name,Pipeline,Stage,Amount,Expected Close Date,Created On\n\
         D1,Big,Sales,Won,1000,45231,25/04/2026 10:00 AM\n\
         D2,Small,Sales,Won,2000,45300,26/04/2026 11:00 AM\n\
         D3,Mid,Sales,Won,3000,45400,45231\n",
    )
    .unwrap();
    let (dir, config) = setup_export(export.path().to_str().unwrap(), "");
    let out = stdout(&map(&config, &[]));
    assert!(
        out.contains("deals \"Created On\": 1 of 3 values fail as DateTime: a spreadsheet serial day number (= 2023-11-01) among written dates")
            && out.contains("Deals.csv line 4 \"45231\""),
        "{out}"
    );
    assert!(!out.contains("\"Expected Close Date\": "), "{out}");
    let text = std::fs::read_to_string(dir.path().join("mapping.toml")).unwrap();
    assert!(
        text.contains("# all 3 values are spreadsheet serial day numbers (e.g. 45231 = 2023-11-01): read as days since 1899-12-30\n\"Expected Close Date\" = { excel_serial = true, status = \"proposed\" }"),
        "{text}"
    );
    let written = file::load(&dir.path().join("mapping.toml")).unwrap();
    let deals = &written.modules[&Module::Deals];
    assert!(deals.column_format("Expected Close Date").excel_serial);
    assert!(!deals.column_format("Created On").excel_serial);
    assert_eq!(
        deals.column("Expected Close Date").map(|c| &c.target),
        Some(&Target::Field {
            field: "Leads.dueTime".into()
        })
    );
}

/// Contact cells as real exports write them: phones with an extension (`x12`, `ext. 12`, `#204`,
/// RFC 3966 `;ext=12`) and emails written `Name <address>` (a name holding a comma, a
/// bare `<address>`, `mailto:`) read as phones and emails in discovery and pass the map's value
/// check (they all failed it before); a cell that is a name alone fails with that reason.
#[test]
fn phone_extensions_and_named_addresses_read_as_phones_and_emails() {
    let export = tempfile::tempdir().unwrap();
    std::fs::write(
        export.path().join("Contacts.csv"),
        "Contact ID,First Name,Last Name,Email,Phone\n\
         C1,Ravi,Kumar,\"\"\"Kumar, Ravi\"\" <ravi@acme.in>\",+91 22 4000 1234 x12\n\
         C2,Priya,Shah,\"Shah, Accounts <ap@shah.in>\",022-4000-1234 ext. 12\n\
         C3,Asha,Rao,<asha@rao.in>,+1 (415) 555-0100 ext 7\n\
         C4,Vik,Jain,mailto:vik@jain.in,+44 20 7946 0000 #204\n\
         C5,Anu,Das,\"anu@das.in; Anu Das <anu.das@home.in>\",+1-415-555-0100;ext=12\n\
         C6,Raj,Roy,Raj Roy,98765 43210\n",
    )
    .unwrap();
    let (dir, config) = setup_export(export.path().to_str().unwrap(), "");
    let out = stdout(&map(&config, &[]));
    assert!(!out.contains("fail as Phone"), "{out}");
    assert!(
        out.contains("contacts \"Email\": 1 of 7 values fail as Email: a name without an address (1: Contacts.csv line 7 \"Raj Roy\")"),
        "{out}"
    );
    let text = std::fs::read_to_string(dir.path().join("mapping.toml")).unwrap();
    assert!(
        text.contains("100% of the column's 6 values read as Phone\n\"Phone\" = "),
        "{text}"
    );
    let written = file::load(&dir.path().join("mapping.toml")).unwrap();
    let contacts = &written.modules[&Module::Contacts];
    for (header, field) in [("Phone", "Contacts.phone"), ("Email", "Contacts.email")] {
        assert_eq!(
            contacts.column(header).map(|c| &c.target),
            Some(&Target::Field {
                field: field.into()
            }),
            "{header}"
        );
    }
}

/// `map`'s value check reads cells as the load does: a placeholder (`N/A`, `-`, `TBD`) in a
/// typed column is a blank, no problem, and so is one among a cell's phones; `=HYPERLINK("url", "label")` in a web-address column is
/// its url; any other formula is a failed value named as one, with its line.
#[test]
fn placeholders_are_blanks_and_formulas_fail_in_the_value_check() {
    let export = tempfile::tempdir().unwrap();
    std::fs::write(
        export.path().join("Companies.csv"),
        "Company ID,Company Name,Website,Phone\n\
         C1,Acme,acme.in,98200 12345\n\
         C2,Beta,\"=HYPERLINK(\"\"https://beta.in\"\",\"\"Beta\"\")\",-\n\
         C3,Gamma,N/A,N/A\n\
         C4,Delta,delta.in,+91 98200 12346 / N/A\n",
    )
    .unwrap();
    std::fs::write(
        export.path().join("Deals.csv"),
        "Deal ID,Deal Name,Company ID,Pipeline,Stage,Amount,Expected Close Date\n\
         D1,Big,C1,Sales,Won,1000,25/04/2026\n\
         D2,Small,C2,Sales,Won,N/A,TBD\n\
         D3,Mid,C3,Sales,Won,=F2*1.18,26/04/2026\n\
         D4,Tiny,C3,Sales,Won,2000,-\n",
    )
    .unwrap();
    let (_dir, config) = setup_export(export.path().to_str().unwrap(), "");
    let out = stdout(&map(&config, &[]));
    assert!(
        out.contains(
            "deals \"Amount\": 1 of 3 values fail as Money: a spreadsheet formula, not its value"
        ) && out.contains("Deals.csv line 4 \"=F2*1.18\""),
        "{out}"
    );
    for quiet in [
        "\"Website\": ",
        "\"Phone\": ",
        "\"Expected Close Date\": ",
        "N/A",
    ] {
        assert!(!out.contains(quiet), "{quiet}: {out}");
    }
}

/// A date column is judged on every value, never on three samples (issue 12, trial 10): the
/// first two of 18 close dates are ones the load refuses (`1st Oct 2025`, a two-digit year), so
/// the samples read 33% dates and the column was left unmapped with "problems: none"; read
/// whole, 16 of 18 are dates, so the close date is proposed below the threshold and the 2
/// cells are a map problem with their lines. A custom date field's column likewise (trial 1's
/// companies "Created On", proposed as text at 0.95 from its samples).
#[test]
fn a_date_column_is_judged_on_every_value_not_three_samples() {
    let export = tempfile::tempdir().unwrap();
    let mut deals = String::from(
        "Deal ID,Deal Name,Pipeline,Stage,Amount,Expected Close Date\n\
         D1,Deal 1,Sales,Won,1000,1st Oct 2025\n\
         D2,Deal 2,Sales,Won,1000,31-08-24\n",
    );
    for day in 13..29 {
        deals.push_str(&format!("D{day},Deal {day},Sales,Won,1000,{day}-10-2025\n"));
    }
    std::fs::write(export.path().join("Deals.csv"), deals).unwrap();
    std::fs::write(
        export.path().join("Companies.csv"),
        "Company ID,Company Name,Created On\n\
         C1,Alpha,01-02-2024\n\
         C2,Beta,1st Jan 2024\n\
         C3,Gamma,05-03-24\n\
         C4,Delta,12-12-2024\n",
    )
    .unwrap();
    let (dir, config) = setup_export(export.path().to_str().unwrap(), "");
    let out = stdout(&map(&config, &[]));
    assert!(!out.contains("problems: none"), "{out}");
    assert!(
        out.contains("deals \"Expected Close Date\": 2 of 18 values fail as Date")
            && out.contains("Deals.csv line 2 \"1st Oct 2025\"")
            && out.contains("Deals.csv line 3 \"31-08-24\""),
        "{out}"
    );
    assert!(
        out.contains("companies \"Created On\": 2 of 4 values fail as DateTime")
            && out.contains("Companies.csv line 3 \"1st Jan 2024\"")
            && out.contains("Companies.csv line 4 \"05-03-24\""),
        "{out}"
    );
    let written = file::load(&dir.path().join("mapping.toml")).unwrap();
    let close = written.modules[&Module::Deals]
        .column("Expected Close Date")
        .unwrap();
    assert_eq!(
        close.target,
        Target::Field {
            field: "Leads.dueTime".into()
        }
    );
    assert!(
        close.confidence < CONFIDENCE_THRESHOLD
            && close
                .reason
                .contains("only 89% of the column's 18 values read as Date")
            && !close.reason.contains("samples"),
        "{close:?}"
    );
    let created = written.modules[&Module::Companies]
        .column("Created On")
        .unwrap();
    assert!(
        matches!(
            created.target,
            Target::Custom {
                kind: ValueKind::DateTime,
                ..
            }
        ) && created.confidence < CONFIDENCE_THRESHOLD
            && created
                .reason
                .contains("only 50% of the column's 4 values read as DateTime"),
        "{created:?}"
    );
}

/// Only what the load accepts is proposed (trial 2): a header the file repeats (`Phone`,
/// `Phone`, read as `Phone (2)`) is a second phone of the account, which takes several, not a
/// new Phone custom field on Accounts, which Nutshell does not create and `migrate` refused;
/// and an operator who writes that field gets a map problem, not "problems: none".
#[test]
fn a_repeated_phone_header_goes_to_the_accounts_phones() {
    let export = tempfile::tempdir().unwrap();
    std::fs::write(
        export.path().join("Companies.csv"),
        "Company ID,Company Name,Phone,Phone,City ,Fax,Owner,Website\n\
         COMP-1,Alpha Traders,022-60165994,9810000001,Mumbai,,ravi@acme.in,alpha.in\n\
         COMP-2,Beta Foods,044-20639710,9810000002,Chennai,,ravi@acme.in,beta.in\n\
         COMP-3,Gamma Labs,0712-5089119,,Nagpur,,ravi@acme.in,gamma.in\n",
    )
    .unwrap();
    let (dir, config) = setup_export(export.path().to_str().unwrap(), "endpoint = \"sandbox\"");
    let out = stdout(&map(&config, &[]));
    assert!(!out.contains("custom fields to create: Phone (2)"), "{out}");
    let path = dir.path().join("mapping.toml");
    let written = file::load(&path).unwrap();
    let companies = &written.modules[&Module::Companies];
    for header in ["Phone", "Phone (2)"] {
        assert_eq!(
            companies.column(header).map(|c| &c.target),
            Some(&Target::Field {
                field: "Accounts.phone".into()
            }),
            "{header}"
        );
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replace(
        "\"Phone (2)\" = { target = \"field\", field = \"Accounts.phone\", status = \"proposed\" }",
        "\"Phone (2)\" = { target = \"custom\", create = true, name = \"Phone (2)\", type = \"phone\", status = \"confirmed\" }",
    );
    assert_ne!(edited, text, "{text}");
    std::fs::write(&path, edited).unwrap();
    let out = stdout(&map(&config, &[]));
    assert!(
        out.contains("companies \"Phone (2)\": custom field \"Phone (2)\" is Phone, and Nutshell creates Phone custom fields only on Leads")
            && out.contains("field = \"Accounts.phone\", which takes several"),
        "{out}"
    );
}

/// An amount is checked in its row's currency, as the load reads it (trial 12): `1,200 USD` and
/// `$500` beside a Currency column saying `INR` fail the load, so they are a map problem with
/// their lines; `3,000` beside `EUR` and `₹ 25,000` beside a blank Currency are not.
#[test]
fn an_amount_in_another_currency_than_its_row_is_a_map_problem() {
    let export = tempfile::tempdir().unwrap();
    std::fs::write(
        export.path().join("Deals.csv"),
        "Deal ID,Deal Name,Pipeline,Stage,Amount,Currency\n\
         DEAL-1,Usd deal,Sales,Proposal,\"1,200 USD\",INR\n\
         DEAL-2,Dollar deal,Sales,Proposal,$500,INR\n\
         DEAL-3,Rupee deal,Sales,Proposal,\"₹ 25,000\",\n\
         DEAL-4,Euro deal,Sales,Proposal,\"3,000\",EUR\n",
    )
    .unwrap();
    let (_dir, config) = setup_export(export.path().to_str().unwrap(), "");
    let out = stdout(&map(&config, &[]));
    assert!(
        out.contains("deals \"Amount\": 2 of 4 values fail as Money: the amount is in USD but the Currency column says INR (2: Deals.csv line 2 \"1,200 USD\", Deals.csv line 3 \"$500\")"),
        "{out}"
    );
}
