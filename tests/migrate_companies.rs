//! One company-matching rule for discovery and the load (issue 12, trial findings r2 and r5),
//! through the real binary against the built-in sandbox: two rows are one account only when
//! their normalised names match AND a website domain, phone or email domain backs it, exactly
//! where discovery groups them; a reference by company name resolves where the load links it,
//! and one linked by name to an account only Nutshell has says so on its row.

use std::path::{Path, PathBuf};
use std::process::Command;

use crm_migrate::discovery::{Report, discover_path};
use crm_migrate::journal::{EntityState, Journal, Phase};
use crm_migrate::sandbox::{RecordKind, Sandbox, SandboxOptions};
use serde_json::Value;

fn case_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/cases")
        .join(name)
        .join("export")
}

/// A temp dir with a copy of `export`'s files (`extra_companies` appended to Companies.csv), a
/// config on the built-in sandbox and `owners` as owners.toml.
fn setup(export: &Path, extra_companies: &str, owners: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("export");
    std::fs::create_dir(&to).unwrap();
    for f in std::fs::read_dir(export).unwrap() {
        let f = f.unwrap().path();
        let mut text = std::fs::read_to_string(&f).unwrap();
        if f.file_name().unwrap() == "Companies.csv" {
            text.push_str(extra_companies);
        }
        std::fs::write(to.join(f.file_name().unwrap()), text).unwrap();
    }
    std::fs::write(
        dir.path().join("crm-migrate.toml"),
        "[source]\nexport = \"export\"\ntimezone = \"Asia/Kolkata\"\ndate_order = \"dmy\"\n\
         currency = \"INR\"\ncountry = \"IN\"\n[nutshell]\nendpoint = \"sandbox\"\n\
         username = \"admin@acme.in\"\napi_key_env = \"NUTSHELL_API_KEY\"\n[migration]\n\
         state_dir = \"state\"\nmapping = \"mapping.toml\"\nowners = \"owners.toml\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("owners.toml"), owners).unwrap();
    dir
}

/// `map`, then `migrate --yes --accept-proposed`, as a new user runs them; both must succeed.
fn migrate(dir: &Path) {
    run(dir, &[&["map"][..], &["migrate"]]);
}

/// Each command of `commands` with `--config crm-migrate.toml` (and, for `migrate`, `--yes
/// --accept-proposed`); each must succeed.
fn run(dir: &Path, commands: &[&[&str]]) {
    run_with(dir, commands, &[]);
}

/// [`run`] with `env` (name, value) set for each command; what the last printed (its standard
/// output, then its standard error: a record's outcome lines).
fn run_with(dir: &Path, commands: &[&[&str]], env: &[(&str, &str)]) -> String {
    let mut printed = String::new();
    for command in commands {
        let mut args = command.to_vec();
        args.extend(["--config", "crm-migrate.toml"]);
        if command[0] == "migrate" {
            args.extend(["--yes", "--accept-proposed"]);
        }
        let out = Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
            .current_dir(dir)
            .env("CRM_MIGRATE_STATE_DIR", dir.join("state"))
            .envs(env.iter().copied())
            .args(&args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: exit {:?}\n{}\n{}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    printed
}

/// The company's account: its ledger state and Nutshell id.
fn account(journal: &Journal, rsoft_id: &str) -> (EntityState, i64) {
    let e = journal.entities(Phase::Accounts, rsoft_id).unwrap();
    assert_eq!(e.len(), 1, "{rsoft_id}: {e:?}");
    (e[0].state, e[0].nutshell_id.unwrap())
}

/// The sandbox's record `id` as the load left it.
fn record(dir: &Path, id: i64) -> Value {
    let state: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("state/sandbox-state.json")).unwrap(),
    )
    .unwrap();
    state["records"][id.to_string()]["fields"].clone()
}

fn groups(r: &Report) -> Vec<Vec<String>> {
    r.integrity
        .duplicate_companies
        .iter()
        .map(|g| g.companies.iter().map(|c| c.id.clone()).collect())
        .collect()
}

/// A row of the same firm as C-4 (`Zen Traders Pvt Ltd`, Delhi): another legal form, its website.
const SAME_FIRM: &str = "C-6,Zen Traders Private Limited,Trading,https://zen.in/,,,\"2 CP\",Delhi,\
                         Delhi,India,110001,Ravi Kumar,,26-01-2025,27/01/2025 10:00 AM\n";

#[test]
fn same_name_firms_without_backing_are_two_accounts_and_no_group() {
    let export = case_dir("r2-same-name-firms");
    assert_eq!(
        groups(&discover_path(&export).unwrap()),
        Vec::<Vec<String>>::new()
    );

    let dir = setup(&export, "", "");
    migrate(dir.path());
    let journal = Journal::open(&dir.path().join("state")).unwrap();
    let (delhi_state, delhi) = account(&journal, "C-4");
    let (kolkata_state, kolkata) = account(&journal, "C-5");
    assert_eq!(delhi_state, EntityState::Created);
    assert_eq!(kolkata_state, EntityState::Created, "not merged into C-4");
    assert_ne!(delhi, kolkata);
    // Nothing of the Kolkata firm is lost.
    let k = record(dir.path(), kolkata);
    assert_eq!(k["name"], "ZEN TRADERS LTD", "{k:#}");
    assert!(k["url"].to_string().contains("zentraders.com"), "{k:#}");
    assert!(k["address"].to_string().contains("Kolkata"), "{k:#}");
}

#[test]
fn same_name_rows_sharing_a_website_are_one_account_and_one_group() {
    let dir = setup(&case_dir("r2-same-name-firms"), SAME_FIRM, "");
    let export = dir.path().join("export");
    assert_eq!(
        groups(&discover_path(&export).unwrap()),
        vec![vec!["C-4".to_string(), "C-6".to_string()]]
    );
    migrate(dir.path());
    let journal = Journal::open(&dir.path().join("state")).unwrap();
    let (_, delhi) = account(&journal, "C-4");
    assert_eq!(account(&journal, "C-6"), (EntityState::Merged, delhi));
    let (kolkata_state, kolkata) = account(&journal, "C-5");
    assert_eq!(kolkata_state, EntityState::Created);
    assert_ne!(kolkata, delhi);
}

#[test]
fn a_name_reference_resolves_where_the_load_links_it() {
    let export = case_dir("10-company-suffix-duplicates");
    let report = discover_path(&export).unwrap();
    // "Patil Steel Limited" is COMP-6 "Patil Steel Ltd." once legal forms are dropped: the load
    // links CONT-3 there, so discovery does not say the load will hold it.
    assert!(
        !report
            .integrity
            .unresolved
            .iter()
            .any(|u| u.record == "CONT-3"),
        "{:?}",
        report.integrity.unresolved
    );
    let owners = "[owners]\n\"Kavita Rao\" = \"ravi@acme.in\"\n\"Arjun Nair\" = \"ravi@acme.in\"\n\
                  \"Meera Pillai\" = \"ravi@acme.in\"\n";
    let dir = setup(&export, "", owners);
    migrate(dir.path());
    let journal = Journal::open(&dir.path().join("state")).unwrap();
    let contact = journal.entities(Phase::Contacts, "CONT-3").unwrap();
    assert_eq!(contact[0].state, EntityState::Created, "{contact:?}");
    let (_, patil) = account(&journal, "COMP-6");
    let c = record(dir.path(), contact[0].nutshell_id.unwrap());
    assert_eq!(c["accounts"], serde_json::json!([{ "id": patil }]), "{c:#}");

    // The load merges exactly the groups discovery lists; the other Patil firm stays apart.
    let mut by_account: std::collections::BTreeMap<i64, Vec<String>> = Default::default();
    for n in 1..=7 {
        let id = format!("COMP-{n}");
        by_account
            .entry(account(&journal, &id).1)
            .or_default()
            .push(id);
    }
    let mut merged: Vec<Vec<String>> = by_account.into_values().filter(|v| v.len() > 1).collect();
    merged.sort();
    let mut listed = groups(&report);
    listed.sort();
    assert_eq!(merged, listed);
    assert!(listed.iter().flatten().all(|id| id != "COMP-7"));
}

/// A deal naming its company only by a name two different firms share (`Zen Traders`: the
/// Delhi and the Kolkata firm, nothing else in common) is listed by discovery with both firms and
/// held by the load with that reason — never linked to whichever firm loaded first. A deal
/// giving the company's ID is linked as usual.
#[test]
fn a_name_different_firms_share_holds_the_record_that_names_it() {
    let export = case_dir("t7-shared-company-name");
    let report = discover_path(&export).unwrap();
    assert!(report.integrity.unresolved.is_empty());
    let shared = &report.integrity.shared_names;
    assert_eq!(shared.len(), 1);
    let named: Vec<&str> = shared[0]
        .first_references
        .iter()
        .map(|u| u.record.as_str())
        .collect();
    assert_eq!(
        (
            shared[0].normalized_name.as_str(),
            shared[0].references,
            named
        ),
        ("zen traders", 1, vec!["D-1"])
    );
    assert_eq!(
        report.integrity.shared_rows("zen traders"),
        "C-4 Zen Traders Pvt Ltd (line 2), C-5 ZEN TRADERS LTD (line 3)"
    );

    let dir = setup(&export, "", "");
    migrate(dir.path());
    let journal = Journal::open(&dir.path().join("state")).unwrap();
    assert!(journal.entities(Phase::Deals, "D-1").unwrap().is_empty());
    let reasons = journal.hold_reasons(Phase::Deals, "D-1").unwrap();
    assert!(
        reasons.iter().any(|r| r.contains("different firms")),
        "{reasons:?}"
    );
    let (_, kolkata) = account(&journal, "C-5");
    let deal = journal.entities(Phase::Deals, "D-2").unwrap();
    assert_eq!(deal.len(), 1, "{deal:?}");
    let d = record(dir.path(), deal[0].nutshell_id.unwrap());
    assert_eq!(d["primaryAccount"]["id"], kolkata, "{d:#}");
}

/// A lead naming its company only by a name two different firms share (`Kiran Exports` in
/// Mumbai and in Bengaluru, nothing else in common) is listed by discovery and held by the load,
/// in a sample run and in the full run after it: no account is made from its name, and each firm
/// is its own account. (Before, the sample run made an account of the name and the first firm's
/// row merged into it, whichever firm the lead meant.)
#[test]
fn a_lead_naming_a_name_different_firms_share_is_held() {
    let companies = "C-7,Kiran Exports,Trading,www.kiranexports.in,022-4444 5555,\
                     info@kiranexports.in,\"5, Fort\",Mumbai,Maharashtra,India,400001,Ravi Kumar,,\
                     26-01-2025,27/01/2025 10:00 AM\n\
                     C-8,KIRAN EXPORTS LIMITED,Trading,www.kiran.co.in,080-1111 2222,\
                     hello@kiran.co.in,\"8, MG Road\",Bengaluru,Karnataka,India,560001,Ravi Kumar,,\
                     27-01-2025,28/01/2025 10:00 AM\n";
    let dir = setup(&case_dir("r2-same-name-firms"), companies, "");
    std::fs::write(
        dir.path().join("export/Leads.csv"),
        "Lead ID,Lead Name,Email,Mobile,Company Name,Source,Status,Lead Score,Lead Owner,Tags,\
         Created On,Modified On\nLEAD-1,Asha Rao,asha@kiranexports.in,9876500001,\
         Kiran Exports Pvt Ltd,Website,New,40,Ravi Kumar,,20-01-2025,21/01/2025 10:00 AM\n",
    )
    .unwrap();
    let report = discover_path(dir.path().join("export")).unwrap();
    let listed: Vec<(&str, usize)> = report
        .integrity
        .shared_names
        .iter()
        .flat_map(|n| {
            n.first_references
                .iter()
                .map(move |u| (u.record.as_str(), n.firms))
        })
        .collect();
    assert_eq!(listed, vec![("LEAD-1", 2)]);
    run(
        dir.path(),
        &[&["map"], &["migrate", "--sample", "1"], &["migrate"]],
    );
    let journal = Journal::open(&dir.path().join("state")).unwrap();
    assert!(journal.entities(Phase::Leads, "LEAD-1").unwrap().is_empty());
    let reasons = journal.hold_reasons(Phase::Leads, "LEAD-1").unwrap();
    assert!(
        reasons.iter().any(|r| r.contains("different firms")),
        "{reasons:?}"
    );
    let (mumbai_state, mumbai) = account(&journal, "C-7");
    let (bengaluru_state, bengaluru) = account(&journal, "C-8");
    assert_eq!(
        (mumbai_state, bengaluru_state),
        (EntityState::Created, EntityState::Created)
    );
    assert_ne!(mumbai, bengaluru);
}

/// A CSV file of the export that cannot be opened (a dangling link here) stops `migrate` before
/// anything moves, with exit 1 naming the file: its rows could not be accounted for (a new-user
/// trial saw the load go on without the file and exit 0).
#[test]
fn an_unreadable_file_stops_the_load_before_anything_moves() {
    let dir = setup(&case_dir("r2-same-name-firms"), "", "");
    std::os::unix::fs::symlink(
        dir.path().join("export/gone.csv"),
        dir.path().join("export/Tickets.csv"),
    )
    .unwrap();
    run(dir.path(), &[&["map"][..]]);
    let out = Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
        .current_dir(dir.path())
        .env("CRM_MIGRATE_STATE_DIR", dir.path().join("state"))
        .args([
            "migrate",
            "--config",
            "crm-migrate.toml",
            "--yes",
            "--accept-proposed",
        ])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("Tickets.csv") && err.contains("so nothing is loaded"),
        "{err}"
    );
    assert!(
        !dir.path().join("state/sandbox-state.json").exists()
            || !std::fs::read_to_string(dir.path().join("state/sandbox-state.json"))
                .unwrap()
                .contains("RSoft ID"),
        "nothing may be loaded"
    );
}

/// A contact naming by company name an account only Nutshell has (the sandbox's "Sharma
/// Textiles Pvt Ltd"; no company of the export has that name) is linked to it with a caveat on
/// its row, in outcomes.csv and on the run's output; a contact naming an export company that
/// was itself linked to an account already in Nutshell ("Mehta Steel", C-9) is linked without
/// one: that link is reported on C-9's own row.
#[test]
fn a_contact_linked_by_name_to_an_account_only_nutshell_has_says_so() {
    let mehta = "C-9,Mehta Steel Pvt Ltd,Steel,,,,\"4, MIDC\",Pune,Maharashtra,India,411001,\
                 Ravi Kumar,,26-01-2025,27/01/2025 10:00 AM\n";
    let dir = setup(&case_dir("r2-same-name-firms"), mehta, "");
    std::fs::write(
        dir.path().join("export/Contacts.csv"),
        "Contact ID,First Name,Last Name,Email,Mobile No.,Phone,Designation,Company ID,\
         Company Name,Lifecycle Stage,Contact Owner,Tags,City,State,Country,Created On,\
         Modified On\n\
         CONT-1,Rohit,Gokhale,rohit.g@sharmatex.example,9876543210,,Buyer,,\
         Sharma Textiles Pvt Ltd,Customer,Ravi Kumar,,Pune,Maharashtra,India,\
         13/03/2025 10:15 AM,13/03/2025 11:00 AM\n\
         CONT-2,Sunita,Menon,sunita.m@mehtasteel.example,9876543211,,Owner,,\
         Mehta Steel Pvt Ltd,Customer,Ravi Kumar,,Pune,Maharashtra,India,\
         14/03/2025 10:15 AM,14/03/2025 11:00 AM\n",
    )
    .unwrap();
    // Discovery cannot see Nutshell: it says the name is not in the export, and what the load
    // does with such a name.
    let report = discover_path(dir.path().join("export")).unwrap();
    let said: Vec<&str> = report
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .filter(|m| m.contains("CONT-1"))
        .collect();
    assert!(
        said.len() == 1
            && said[0].contains("not in the export")
            && said[0].contains("unless Nutshell already has an account of this name"),
        "{said:?}"
    );
    // The sandbox's own data with a second account that was there before the migration.
    let data = dir.path().join("sandbox.toml");
    let builtin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/sandbox-default.toml"),
    )
    .unwrap();
    std::fs::write(
        &data,
        format!("{builtin}\n[[accounts]]\nname = \"Mehta Steel Pvt Ltd\"\n"),
    )
    .unwrap();
    let sb = Sandbox::start_blocking(SandboxOptions {
        data: Some(data),
        ..SandboxOptions::default()
    })
    .unwrap();
    let existing = |name: &str| {
        sb.records(RecordKind::Accounts)
            .iter()
            .find(|a| a["name"] == name)
            .and_then(|a| a["id"].as_i64())
            .unwrap()
    };
    let (sharma, mehta) = (
        existing("Sharma Textiles Pvt Ltd"),
        existing("Mehta Steel Pvt Ltd"),
    );
    let config = dir.path().join("crm-migrate.toml");
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "endpoint = \"sandbox\"",
        &format!("endpoint = {:?}", sb.endpoint()),
    );
    std::fs::write(&config, text).unwrap();
    let key = sb.credentials().api_key.expose().to_string();
    let printed = run_with(
        dir.path(),
        &[&["map"], &["migrate"]],
        &[("NUTSHELL_API_KEY", &key)],
    );

    let journal = Journal::open(&dir.path().join("state")).unwrap();
    assert_eq!(account(&journal, "C-9"), (EntityState::Linked, mehta));
    let outcomes = std::fs::read_to_string(dir.path().join("state/outcomes.csv")).unwrap();
    let row = |id: &str| {
        outcomes
            .lines()
            .find(|l| l.contains(&format!(",{id},")))
            .unwrap_or_else(|| panic!("{id}: {outcomes}"))
            .to_string()
    };
    let caveat = format!(
        "linked by name \"Sharma Textiles Pvt Ltd\" to account {sharma}, already in Nutshell, which no company of the export became"
    );
    // The CSV doubles the quotes inside a quoted cell.
    let in_csv = caveat.replace('"', "\"\"");
    assert!(row("CONT-1").contains(&in_csv), "{}", row("CONT-1"));
    assert!(
        printed.contains(&format!("contacts CONT-1 created; note: {caveat}")),
        "{printed}"
    );
    assert!(
        !row("CONT-2").contains("linked by name"),
        "{}",
        row("CONT-2")
    );
    // Both are linked where they name.
    let contact = |email: &str| {
        sb.records(RecordKind::Contacts)
            .into_iter()
            .find(|c| c["email"].to_string().contains(email))
            .unwrap_or_else(|| panic!("{email}"))
    };
    assert_eq!(
        contact("rohit.g@sharmatex.example")["accounts"][0]["id"],
        sharma
    );
    assert_eq!(
        contact("sunita.m@mehtasteel.example")["accounts"][0]["id"],
        mehta
    );
}
