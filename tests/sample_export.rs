//! The sample export generator and the bundled sample: determinism, scale, referential integrity
//! and every quirk the sample promises, checked on the actual bytes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crm_migrate::rsoft::generator::{self, BLOCK_ROWS, FILES};

const BIN: &str = env!("CARGO_BIN_EXE_crm-migrate");

fn bundled() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sample-export")
}

/// Every file under `dir`, by path relative to it, with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let bytes = fs::read(&path).unwrap();
                out.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn file_of(module: &str) -> &'static str {
    FILES.iter().find(|(m, _)| *m == module).unwrap().1
}

fn raw(dir: &Path, module: &str) -> Vec<u8> {
    fs::read(dir.join(file_of(module))).unwrap()
}

/// A table decoded the way its bytes say (BOM, else UTF-8, else Windows-1252).
struct Table {
    headers: Vec<String>,
    rows: Vec<HashMap<String, String>>,
}

impl Table {
    fn column(&self, name: &str) -> Vec<&str> {
        assert!(self.headers.iter().any(|h| h == name), "no column {name}");
        self.rows.iter().map(|r| r[name].as_str()).collect()
    }
}

fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let (text, malformed) = encoding_rs::UTF_16LE.decode_without_bom_handling(rest);
        assert!(!malformed);
        text.into_owned()
    } else if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        String::from_utf8(rest.to_vec()).unwrap()
    } else {
        match String::from_utf8(bytes.to_vec()) {
            Ok(text) => text,
            Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
        }
    }
}

fn table(dir: &Path, module: &str) -> Table {
    let text = decode(&raw(dir, module));
    let delimiter = match module {
        "deals" => b';',
        "tickets" => b'\t',
        _ => b',',
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            assert_eq!(r.len(), headers.len(), "ragged row in {module}");
            headers
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect();
    Table { headers, rows }
}

/// Runs the binary with its own state dir, so the test never writes to the user's data dir.
fn run(args: &[&str]) -> std::process::Output {
    let state = tempfile::tempdir().unwrap();
    Command::new(BIN)
        .env("CRM_MIGRATE_STATE_DIR", state.path())
        .args(args)
        .output()
        .unwrap()
}

fn export_with_binary(dir: &Path, scale: u32, seed: u64) -> String {
    let out = run(&[
        "sample-export",
        "--out",
        dir.to_str().unwrap(),
        "--scale",
        &scale.to_string(),
        "--seed",
        &seed.to_string(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn bundled_sample_is_exactly_the_scale_1_seed_42_export() {
    let dir = tempfile::tempdir().unwrap();
    generator::generate(dir.path(), 1, generator::DEFAULT_SEED).unwrap();
    let fresh = tree(dir.path());
    let committed = tree(&bundled());
    assert_eq!(
        fresh.keys().collect::<Vec<_>>(),
        committed.keys().collect::<Vec<_>>(),
        "file lists differ: regenerate with `crm-migrate sample-export --out assets/sample-export`"
    );
    for (path, bytes) in &fresh {
        assert!(
            &committed[path] == bytes,
            "{} differs from a fresh export: regenerate with `crm-migrate sample-export --out assets/sample-export`",
            path.display()
        );
    }
}

#[test]
fn same_seed_gives_same_bytes_and_another_seed_differs() {
    let (a, b, c) = (
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
        tempfile::tempdir().unwrap(),
    );
    export_with_binary(a.path(), 2, 7);
    export_with_binary(b.path(), 2, 7);
    export_with_binary(c.path(), 2, 8);
    assert_eq!(tree(a.path()), tree(b.path()));
    let (first, other) = (tree(a.path()), tree(c.path()));
    for (module, file) in BLOCK_ROWS.iter().map(|(m, _)| (*m, file_of(m))) {
        assert_ne!(
            first[Path::new(file)],
            other[Path::new(file)],
            "{module} did not change with the seed"
        );
    }
}

#[test]
fn scale_multiplies_data_rows_and_keeps_definitions_fixed() {
    let one = tempfile::tempdir().unwrap();
    let three = tempfile::tempdir().unwrap();
    let s1 = generator::generate(one.path(), 1, 5).unwrap();
    let stdout = export_with_binary(three.path(), 3, 5);
    for (module, file) in FILES {
        let rows1 = table(one.path(), module).rows.len() as u64;
        let rows3 = table(three.path(), module).rows.len() as u64;
        assert_eq!(s1.rows(module), Some(rows1), "{module}");
        let grows = BLOCK_ROWS.iter().any(|(m, _)| *m == module);
        let expected = if grows { 3 * rows1 } else { rows1 };
        assert_eq!(rows3, expected, "{module}");
        let line = stdout
            .lines()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("no {file} in:\n{stdout}"));
        assert!(line.contains(&format!(" {expected} rows")), "{line}");
    }
    assert!(stdout.contains(three.path().to_str().unwrap()), "{stdout}");
}

#[test]
fn scale_1_has_the_documented_row_counts() {
    let s = generator::generate(tempfile::tempdir().unwrap().path(), 1, 42).unwrap();
    let counts: Vec<(&str, u64)> = s.tables.iter().map(|t| (t.module, t.rows)).collect();
    assert_eq!(
        counts,
        [
            ("companies", 25),
            ("contacts", 40),
            ("leads", 30),
            ("deals", 20),
            ("activities", 60),
            ("tickets", 10),
            ("ticket_messages", 25),
            ("users", 5),
            ("pipelines", 11),
            ("custom_fields", 9),
            ("workflows", 4),
        ]
    );
}

#[test]
fn references_resolve_except_the_deliberate_orphans() {
    let dir = tempfile::tempdir().unwrap();
    generator::generate(dir.path(), 3, 99).unwrap();
    let d = dir.path();
    let ids = |module: &str, column: &str| -> BTreeSet<String> {
        table(d, module)
            .column(column)
            .into_iter()
            .map(String::from)
            .collect()
    };
    let companies = table(d, "companies");
    let company_ids = ids("companies", "Company ID");
    let company_names: BTreeSet<&str> = companies.column("Company Name").into_iter().collect();
    let contact_ids = ids("contacts", "Contact ID");
    let lead_ids = ids("leads", "Lead ID");
    let deal_ids = ids("deals", "Deal ID");
    let ticket_ids = ids("tickets", "Ticket ID");
    assert_eq!(company_ids.len(), 75, "company IDs are unique");
    assert_eq!(contact_ids.len(), 120, "contact IDs are unique");

    // Contacts: every Company ID exists; a blank one is the unlinked contact, one per block,
    // whose Company Name still names an existing company.
    let contacts = table(d, "contacts");
    let mut unlinked = 0;
    for row in &contacts.rows {
        if row["Company ID"].is_empty() {
            unlinked += 1;
            assert!(
                company_names.contains(row["Company Name"].as_str()),
                "{row:?}"
            );
        } else {
            assert!(company_ids.contains(&row["Company ID"]), "{row:?}");
        }
    }
    assert_eq!(unlinked, 3);

    // Deals: exactly one orphan per block, whose company and contact exist nowhere.
    let mut orphans = 0;
    for row in &table(d, "deals").rows {
        let known = (
            company_ids.contains(&row["Company ID"]),
            contact_ids.contains(&row["Contact ID"]),
        );
        match known {
            (true, true) => {}
            (false, false) => orphans += 1,
            _ => panic!("half-orphan deal {row:?}"),
        }
    }
    assert_eq!(orphans, 3);

    for row in &table(d, "leads").rows {
        if row["Status"] == "Converted" {
            assert!(
                contact_ids.contains(&row["Converted Contact ID"]),
                "{row:?}"
            );
            let deal = &row["Converted Deal ID"];
            assert!(deal.is_empty() || deal_ids.contains(deal), "{row:?}");
        } else {
            assert!(row["Converted Contact ID"].is_empty(), "{row:?}");
        }
    }
    for row in &table(d, "activities").rows {
        let target = match row["Related To"].as_str() {
            "Contact" => &contact_ids,
            "Company" => &company_ids,
            "Lead" => &lead_ids,
            "Deal" => &deal_ids,
            other => panic!("unknown Related To {other}"),
        };
        assert!(target.contains(&row["Related ID"]), "{row:?}");
    }
    for row in &table(d, "tickets").rows {
        assert!(contact_ids.contains(&row["Contact ID"]), "{row:?}");
        assert!(company_ids.contains(&row["Company ID"]), "{row:?}");
    }
    for ticket in table(d, "ticket_messages").column("Ticket ID") {
        assert!(ticket_ids.contains(ticket), "{ticket}");
    }
}

#[test]
fn encodings_delimiters_and_line_endings_are_the_documented_ones() {
    let d = bundled();
    assert!(
        raw(&d, "contacts").starts_with(b"\xEF\xBB\xBF"),
        "contacts: UTF-8 BOM"
    );

    let companies = raw(&d, "companies");
    let has = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    assert!(
        has(&companies, b"Caf\xE9 Madras Foods"),
        "é as Windows-1252 0xE9"
    );
    assert!(has(&companies, b"Cr\xE8me Bakers"), "è as 0xE8");
    assert!(has(&companies, b"D\x92Souza"), "’ as 0x92");
    assert!(
        std::str::from_utf8(&companies).is_err(),
        "companies is not UTF-8"
    );
    let lf = companies.iter().filter(|&&b| b == b'\n').count();
    let crlf = companies.windows(2).filter(|w| w == b"\r\n").count();
    assert_eq!(lf, crlf, "every companies line ends CRLF");
    assert_eq!(lf, 26);

    let tickets = raw(&d, "tickets");
    assert!(tickets.starts_with(b"\xFF\xFE"), "tickets: UTF-16 LE BOM");
    assert!(
        tickets.starts_with(b"\xFF\xFET\0i\0c\0k\0e\0t\0 \0I\0D\0\t\0"),
        "tab-delimited UTF-16 LE"
    );
    let tickets = table(&d, "tickets");
    assert_eq!(tickets.headers.len(), 12);
    assert!(
        tickets
            .column("Subject")
            .iter()
            .any(|s| s.contains("भुगतान"))
    );

    let deals = decode(&raw(&d, "deals"));
    assert!(deals.starts_with("Deal ID;Deal Name;Company ID;"));
    assert_eq!(table(&d, "deals").headers.len(), 16);

    for module in [
        "leads",
        "activities",
        "ticket_messages",
        "users",
        "pipelines",
        "custom_fields",
        "workflows",
    ] {
        let bytes = raw(&d, module);
        assert!(
            std::str::from_utf8(&bytes).is_ok() && !bytes.starts_with(b"\xEF\xBB\xBF"),
            "{module}"
        );
        assert!(!has(&bytes, b"\r\n"), "{module} uses LF");
    }
}

#[test]
fn quoted_fields_carry_newlines_commas_and_quotes() {
    let d = bundled();
    let activities = table(&d, "activities");
    let notes = activities.column("Description");
    assert!(notes.iter().any(|n| n.contains('\n')));
    assert!(
        notes
            .iter()
            .any(|n| n.contains("\"call after the 15th\", busy"))
    );
    let bodies = table(&d, "ticket_messages");
    assert!(
        bodies
            .column("Body")
            .iter()
            .any(|b| b.matches('\n').count() >= 2)
    );
    let text = decode(&raw(&d, "activities"));
    assert!(text.contains("\"Customer said \"\"call after the 15th\"\", busy with audit\""));
}

fn day_month(value: &str) -> (u32, u32) {
    let sep = if value.contains('/') { '/' } else { '-' };
    let mut parts = value.split(sep);
    let day = parts.next().unwrap().parse().unwrap();
    let month = parts.next().unwrap().parse().unwrap();
    (day, month)
}

#[test]
fn dates_are_day_first_with_proof_and_ambiguity_and_a_few_iso() {
    let d = bundled();
    let companies = table(&d, "companies");
    let created = companies.column("Created On");
    assert!(
        created
            .iter()
            .all(|v| v.len() == 10 && v.as_bytes()[2] == b'-'),
        "DD-MM-YYYY"
    );
    let days: Vec<(u32, u32)> = created.iter().map(|v| day_month(v)).collect();
    assert!(
        days.iter().any(|&(day, _)| day > 12),
        "a day above 12 proves day-first"
    );
    assert!(days.iter().any(|&(day, _)| day <= 12), "an ambiguous date");
    assert!(days.iter().all(|&(_, month)| (1..=12).contains(&month)));

    let modified = companies.column("Modified On");
    assert!(
        modified
            .iter()
            .all(|v| v.ends_with(" AM") || v.ends_with(" PM")),
        "hh:mm AM"
    );
    assert!(
        modified.iter().all(|v| v.as_bytes()[2] == b'/'),
        "DD/MM/YYYY"
    );

    let starts = table(&d, "activities");
    let iso: Vec<&str> = starts
        .column("Start Time")
        .into_iter()
        .filter(|v| v.contains('T'))
        .collect();
    assert_eq!(iso.len(), 5);
    assert!(
        iso.iter()
            .all(|v| v.ends_with("+05:30") && v.as_bytes()[4] == b'-')
    );
}

#[test]
fn money_is_indian_with_symbols_and_a_couple_of_usd_deals() {
    let deals = table(&bundled(), "deals");
    let amounts = deals.column("Amount");
    let currencies = deals.column("Currency");
    for prefix in ["₹ ", "INR ", "Rs. "] {
        assert!(amounts.iter().any(|a| a.starts_with(prefix)), "{prefix}");
    }
    assert!(
        amounts
            .iter()
            .any(|a| a.starts_with("₹ ") && a.ends_with(".00") && a.matches(',').count() >= 2)
    );
    let usd: Vec<(&&str, &&str)> = amounts
        .iter()
        .zip(&currencies)
        .filter(|(a, _)| a.starts_with('$'))
        .collect();
    assert_eq!(usd.len(), 2);
    assert!(usd.iter().all(|(_, c)| **c == "USD"));
    assert!(
        amounts
            .iter()
            .zip(&currencies)
            .filter(|(a, _)| !a.starts_with('$'))
            .all(|(_, c)| *c == "INR")
    );
}

#[test]
fn phones_come_in_every_indian_form() {
    let d = bundled();
    let contacts = table(&d, "contacts");
    let mobiles = contacts.column("Mobile No.");
    let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
    assert!(
        mobiles.iter().any(|m| m.len() == 10 && digits(m)),
        "bare 98xxxxxxxx"
    );
    assert!(
        mobiles
            .iter()
            .any(|m| m.len() == 13 && m.starts_with("+91") && digits(&m[3..])),
        "+91…"
    );
    assert!(
        mobiles
            .iter()
            .any(|m| m.starts_with("+91-") && m.len() == 15 && m.as_bytes()[9] == b' '),
        "+91-98123 45678"
    );
    assert!(
        mobiles.iter().any(|m| m.starts_with("+91 ")),
        "+91 98123 45678"
    );
    let phones = table(&d, "companies");
    assert!(
        phones
            .column("Phone")
            .iter()
            .any(|p| p.starts_with("022-") && p.len() == 13),
        "022-2345 6789"
    );
}

#[test]
fn owners_come_in_several_forms_and_one_has_left() {
    let d = bundled();
    let mut owners: BTreeMap<String, usize> = BTreeMap::new();
    for (module, column) in [
        ("companies", "Owner"),
        ("contacts", "Contact Owner"),
        ("leads", "Lead Owner"),
        ("deals", "Deal Owner"),
        ("activities", "Owner"),
        ("tickets", "Assigned To"),
    ] {
        for owner in table(&d, module).column(column) {
            *owners.entry(owner.to_string()).or_default() += 1;
        }
    }
    let names: Vec<&str> = owners.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "Anil Mehta <ANIL.MEHTA@acme.in>",
            "Deepak Rao",
            "Priya Sharma",
            "ravi@acme.in",
            "sneha.iyer@acme.in"
        ]
    );
    assert_eq!(owners["Deepak Rao"], 8);
    let users = table(&d, "users");
    let deepak = users
        .rows
        .iter()
        .find(|u| u["Name"] == "Deepak Rao")
        .unwrap();
    assert_eq!(deepak["Status"], "Inactive");
    assert_eq!(
        users
            .rows
            .iter()
            .filter(|u| u["Status"] == "Active")
            .count(),
        4
    );
}

#[test]
fn duplicates_orphans_and_unknown_stages_are_present() {
    let d = bundled();
    let companies = table(&d, "companies");
    let normalized: Vec<String> = companies
        .column("Company Name")
        .iter()
        .map(|n| n.to_lowercase().replace(['.', ','], ""))
        .collect();
    assert!(normalized.contains(&"sharma textiles pvt ltd".to_string()));
    assert_eq!(
        normalized
            .iter()
            .filter(|n| *n == "sharma textiles pvt ltd")
            .count(),
        2
    );
    let gupta: Vec<&str> = companies
        .rows
        .iter()
        .filter(|r| r["Company Name"] == "Gupta & Sons")
        .map(|r| r["Company ID"].as_str())
        .collect();
    assert_eq!(gupta, ["COMP-1005", "COMP-1016"]);

    let deals = table(&d, "deals");
    let orphan = deals
        .rows
        .iter()
        .find(|r| r["Deal ID"] == "DEAL-4014")
        .unwrap();
    assert_eq!(
        (orphan["Company ID"].as_str(), orphan["Contact ID"].as_str()),
        ("COMP-1026", "CONT-2041")
    );

    let contacts = table(&d, "contacts");
    let unlinked = contacts
        .rows
        .iter()
        .find(|r| r["Company ID"].is_empty())
        .unwrap();
    assert_eq!(unlinked["Contact ID"], "CONT-2013");
    let named = companies
        .rows
        .iter()
        .find(|r| r["Company Name"] == unlinked["Company Name"])
        .unwrap();
    assert_eq!(named["Company ID"], "COMP-1010");

    let pipelines = table(&d, "pipelines");
    let known: BTreeSet<(&str, &str)> = pipelines
        .column("Pipeline")
        .into_iter()
        .zip(pipelines.column("Stage"))
        .collect();
    let unknown: Vec<(&str, &str)> = deals
        .column("Pipeline")
        .into_iter()
        .zip(deals.column("Stage"))
        .filter(|p| !known.contains(p))
        .collect();
    assert_eq!(unknown, [("Sales", "On Hold")]);
    assert_eq!(known.len(), 11);
}

#[test]
fn custom_fields_exceed_the_five_field_cap_on_contacts() {
    let d = bundled();
    let contacts = table(&d, "contacts");
    let custom = [
        "GST Number",
        "PAN",
        "Region",
        "Customer Type",
        "Referral Code",
        "Preferred Language",
    ];
    assert_eq!(&contacts.headers[17..], custom);
    let definitions = table(&d, "custom_fields");
    let on_contacts: Vec<&str> = definitions
        .rows
        .iter()
        .filter(|r| r["Module"] == "Contacts")
        .map(|r| r["Field Name"].as_str())
        .collect();
    assert_eq!(on_contacts, custom);
    for (module, field) in [
        ("Companies", "GST Number"),
        ("Companies", "Annual Turnover"),
        ("Deals", "Region"),
    ] {
        assert!(
            definitions
                .rows
                .iter()
                .any(|r| r["Module"] == module && r["Field Name"] == field)
        );
    }
    assert!(
        table(&d, "companies")
            .headers
            .ends_with(&["GST Number".to_string(), "Annual Turnover".to_string()])
    );
    assert_eq!(
        table(&d, "deals").headers.last().map(String::as_str),
        Some("Region")
    );
}

#[test]
fn leads_tickets_activities_and_workflows_cover_their_vocabularies() {
    let d = bundled();
    let leads = table(&d, "leads");
    let sources: BTreeSet<&str> = leads.column("Source").into_iter().collect();
    assert_eq!(
        sources,
        BTreeSet::from(["Website", "Referral", "IndiaMART", "Trade Show", "Walk-in"])
    );
    let statuses: BTreeSet<&str> = leads.column("Status").into_iter().collect();
    assert!(
        statuses.is_superset(&BTreeSet::from([
            "Contacted",
            "Qualified",
            "Converted",
            "Lost"
        ])),
        "{statuses:?}"
    );
    let converted: Vec<&HashMap<String, String>> = leads
        .rows
        .iter()
        .filter(|r| r["Status"] == "Converted")
        .collect();
    assert_eq!(converted.len(), 4);
    assert!(
        converted.iter().all(
            |r| !r["Converted On"].is_empty() && r["Converted Contact ID"].starts_with("CONT-")
        )
    );
    assert_eq!(
        converted
            .iter()
            .filter(|r| r["Converted Deal ID"].is_empty())
            .count(),
        1
    );
    let tags = leads.column("Tags");
    assert!(tags.iter().any(|t| t.contains(',')) && tags.iter().any(|t| t.contains(';')));

    let activities = table(&d, "activities");
    let types: BTreeSet<&str> = activities.column("Activity Type").into_iter().collect();
    assert_eq!(
        types,
        BTreeSet::from(["Call", "Email", "Meeting", "SMS", "WhatsApp", "Note"])
    );

    let tickets = table(&d, "tickets");
    for (column, allowed) in [
        ("Status", &["Open", "In Progress", "Resolved", "Closed"][..]),
        ("Priority", &["Low", "Medium", "High", "Urgent"][..]),
        ("Channel", &["email", "web", "phone", "chat", "social"][..]),
    ] {
        assert!(
            tickets.column(column).iter().all(|v| allowed.contains(v)),
            "{column}"
        );
    }
    for row in &tickets.rows {
        let closed = matches!(row["Status"].as_str(), "Resolved" | "Closed");
        assert_eq!(closed, !row["Closed On"].is_empty(), "{row:?}");
    }

    let workflows = table(&d, "workflows");
    assert_eq!(workflows.rows.len(), 4);
    assert!(
        workflows
            .column("Workflow Name")
            .contains(&"Deal won → send invoice email")
    );
}

#[test]
fn gap_files_are_named_after_records_in_the_export() {
    let d = bundled();
    let contacts = table(&d, "contacts");
    let mobiles: BTreeSet<String> = contacts
        .column("Mobile No.")
        .iter()
        .map(|m| {
            let digits: String = m.chars().filter(char::is_ascii_digit).collect();
            digits[digits.len() - 10..].to_string()
        })
        .collect();
    let files = tree(&d);
    let under = |folder: &str| -> Vec<String> {
        files
            .keys()
            .filter(|p| p.starts_with(folder))
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect()
    };
    let recordings = under("recordings");
    assert_eq!(recordings.len(), 3);
    for name in &recordings {
        assert!(name.starts_with("91") && name.ends_with(".mp3"), "{name}");
        assert!(
            mobiles.contains(&name[2..12]),
            "{name} names no contact's mobile"
        );
    }
    let chats = under("whatsapp");
    assert_eq!(chats.len(), 1);
    assert!(mobiles.contains(&chats[0][2..12]), "{}", chats[0]);
    let attachments = under("attachments");
    assert_eq!(attachments, ["DEAL-4008_quote.pdf", "TKT-6003_invoice.pdf"]);
    assert!(files[Path::new("attachments/DEAL-4008_quote.pdf")].starts_with(b"%PDF-"));
}

#[test]
fn a_zero_scale_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&[
        "sample-export",
        "--out",
        dir.path().to_str().unwrap(),
        "--scale",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        fs::read_dir(dir.path()).unwrap().next().is_none(),
        "nothing written"
    );
}

#[test]
fn an_unwritable_destination_is_reported_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("a-file");
    fs::write(&blocker, b"x").unwrap();
    let out = run(&["sample-export", "--out", blocker.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("a-file"), "{stderr}");
}
