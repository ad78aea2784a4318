//! The operator's vocabulary extension (`[vocabulary] file` in the config) through the real
//! binary: a file the built-in vocabulary cannot place is classified by the spellings the
//! extension adds (`discover --config`), `map` proposes from them, and a malformed extension is
//! refused with its file, line and column.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crm_migrate::mapping::catalogue::ValueKind;
use crm_migrate::mapping::file;
use crm_migrate::mapping::model::Target;
use crm_migrate::rsoft::Module;

/// A file whose name names no module and whose header the built-in vocabulary knows one column
/// of (`Company ID`): too little to call it anything.
const PARTIES: &str = "Company ID,Party Title,Trade Sector,Party Phone,Party Mail,Party Town,Credit Days\n\
COMP-1,Sharma Textiles,Textiles,022-6016 5994,sales@sharma.in,Mumbai,30\n\
COMP-2,Indus Steel,Steel,044-2000 1000,info@indus.in,Chennai,45\n";

/// Adds the five spellings to built-in concepts, and one new concept.
const EXTENSION: &str = r#"
[[concept]]
id = "companies.company_name"
spellings = ["party title"]

[[concept]]
id = "companies.industry"
spellings = ["trade sector"]

[[concept]]
id = "companies.phone"
spellings = ["party phone"]

[[concept]]
id = "companies.email"
spellings = ["party mail"]

[[concept]]
id = "companies.city"
spellings = ["party town"]

[[concept]]
id = "acme.credit_days"
meaning = "the customer's credit period"
modules = ["companies"]
propose = { custom = { name = "Credit Days", kind = "number" } }
spellings = ["credit days", "credit period"]
"#;

/// A temp dir with the export (one file), a config and, when given, the vocabulary file it names.
fn setup(vocabulary: Option<&str>) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let export = dir.path().join("export");
    std::fs::create_dir(&export).unwrap();
    std::fs::write(export.join("parties.csv"), PARTIES).unwrap();
    let mut config = format!("[source]\nexport = {export:?}\n[migration]\nstate_dir = \"state\"\n");
    if let Some(text) = vocabulary {
        std::fs::write(dir.path().join("extra-vocabulary.toml"), text).unwrap();
        // Relative to the config file.
        config.push_str("[vocabulary]\nfile = \"extra-vocabulary.toml\"\n");
    }
    let path = dir.path().join("crm-migrate.toml");
    std::fs::write(&path, config).unwrap();
    (dir, path)
}

fn run(config: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_crm-migrate"))
        .env(
            "CRM_MIGRATE_STATE_DIR",
            config.parent().unwrap().join("state"),
        )
        .current_dir(config.parent().unwrap())
        .args(args)
        .arg("--config")
        .arg(config)
        .output()
        .unwrap()
}

/// The module `discover --json` gives `parties.csv`.
fn discovered_module(config: &Path) -> Option<String> {
    let export = config.parent().unwrap().join("export");
    let out = run(config, &["discover", export.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let objects = json["objects"].as_array().expect("objects in the report");
    let unknown = json["unknown_files"].to_string();
    let module = objects
        .iter()
        .find(|o| o["file"] == "parties.csv")
        .and_then(|o| o["module"].as_str())
        .map(str::to_string);
    // An unplaced file is reported as unknown, a placed one is not.
    assert_eq!(unknown.contains("parties.csv"), module.is_none(), "{json}");
    module
}

#[test]
fn an_extension_classifies_a_file_the_built_in_vocabulary_cannot() {
    let (_dir, without) = setup(None);
    assert_eq!(discovered_module(&without), None);
    let (_dir, with) = setup(Some(EXTENSION));
    assert_eq!(discovered_module(&with).as_deref(), Some("companies"));
}

#[test]
fn map_proposes_from_the_extension() {
    let (dir, config) = setup(Some(EXTENSION));
    let out = run(&config, &["map"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let map = file::load(&dir.path().join("mapping.toml")).unwrap();
    let companies = &map.modules[&Module::Companies];
    let target = |header: &str| {
        &companies
            .column(header)
            .unwrap_or_else(|| panic!("{header} in the map"))
            .target
    };
    let field = |f: &str| Target::Field { field: f.into() };
    assert_eq!(target("Party Title"), &field("Accounts.name"));
    assert_eq!(target("Trade Sector"), &field("Accounts.industry"));
    assert_eq!(target("Party Phone"), &field("Accounts.phone"));
    assert_eq!(target("Party Mail"), &field("Accounts.email"));
    assert_eq!(target("Party Town"), &field("Accounts.address.city"));
    assert_eq!(target("Company ID"), &Target::LegacyId);
    assert_eq!(
        target("Credit Days"),
        &Target::Custom {
            name: "Credit Days".into(),
            kind: ValueKind::Number,
            create: true
        }
    );
    let reason = &companies.column("Party Title").unwrap().reason;
    assert!(
        reason.contains("the company's name (\"party title\")"),
        "{reason}"
    );
}

#[test]
fn a_malformed_extension_names_its_file_line_and_column() {
    let broken = "[[concept]]\nid = \"companies.industry\"\nspellings = [\"trade sector\"\n";
    let (dir, config) = setup(Some(broken));
    let export = dir.path().join("export");
    for args in [vec!["discover", export.to_str().unwrap()], vec!["map"]] {
        let out = run(&config, &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("extra-vocabulary.toml"), "{stderr}");
        assert!(stderr.contains("line 3, column 28"), "{stderr}");
        assert!(stderr.contains("each entry is a [[concept]]"), "{stderr}");
    }
}

#[test]
fn an_extension_that_overrides_is_refused_by_name() {
    let overriding = "[[concept]]\nid = \"companies.industry\"\npropose = { note = \"Industry\" }\nspellings = [\"trade sector\"]\n";
    let (_dir, config) = setup(Some(overriding));
    let out = run(&config, &["map"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("extra-vocabulary.toml"), "{stderr}");
    assert!(
        stderr.contains(
            "\"companies.industry\" is a built-in concept: an extension only adds `spellings`"
        ),
        "{stderr}"
    );
}

/// Spells the companies' RSoft ID, name and owner, and the deals' company reference, as no
/// built-in spelling does.
const STANDARD_SPELLINGS: &str = r#"
[[concept]]
id = "every.rsoft_id"
spellings = ["party code"]

[[concept]]
id = "companies.company_name"
spellings = ["party title"]

[[concept]]
id = "every.owner"
spellings = ["key person"]

[[concept]]
id = "contacts.company_id"
spellings = ["buyer code"]
"#;

/// An export of two duplicate companies (one firm saved twice) and a deal whose company is
/// missing, with the headers `companies` and `deals` give, as (file, text).
fn integrity_export(companies: &str, deals: &str) -> [(&'static str, String); 2] {
    [
        (
            "Companies.csv",
            format!(
                "{companies}\n\
                 COMP-1,Sharma Textiles Pvt. Ltd.,www.sharmatextiles.in,Neha Rao\n\
                 COMP-2,SHARMA TEXTILES PRIVATE LIMITED,https://sharmatextiles.in/,Neha Rao\n\
                 COMP-3,Indus Steel Traders,www.indussteel.in,Vikram Das\n"
            ),
        ),
        (
            "Deals.csv",
            format!(
                "{deals}\n\
                 DEAL-1,Warehouse racking,COMP-3\n\
                 DEAL-2,Solar rooftop,COMP-99\n"
            ),
        ),
    ]
}

/// `discover --json` of `files`, with `vocabulary` as the config's extension when given.
fn discover_files(files: &[(&str, String)], vocabulary: Option<&str>) -> serde_json::Value {
    let (dir, config) = setup(vocabulary);
    let export = dir.path().join("export");
    std::fs::remove_file(export.join("parties.csv")).unwrap();
    for (name, text) in files {
        std::fs::write(export.join(name), text).unwrap();
    }
    let out = run(&config, &["discover", export.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The profile of column `header` in the `module` file: (canonical, inferred).
fn column<'a>(report: &'a serde_json::Value, module: &str, header: &str) -> (&'a str, &'a str) {
    let object = report["objects"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["module"] == module)
        .unwrap_or_else(|| panic!("no {module} file in {report}"));
    let c = object["columns"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["header"] == header)
        .unwrap_or_else(|| panic!("no column {header:?} in {object}"));
    (
        c["canonical"].as_str().unwrap_or("(none)"),
        c["inferred"].as_str().unwrap(),
    )
}

#[test]
fn integrity_reads_standard_columns_in_the_extensions_spelling() {
    let standard = discover_files(
        &integrity_export(
            "Company ID,Company Name,Website,Owner",
            "Deal ID,Deal Name,Company ID",
        ),
        None,
    );
    let extended = discover_files(
        &integrity_export(
            "Party Code,Party Title,Website,Key Person",
            "Deal ID,Deal Name,Buyer Code",
        ),
        Some(STANDARD_SPELLINGS),
    );
    // The findings are there, and the extension's spelling finds the same ones.
    let integrity = &extended["integrity"];
    let unresolved = integrity["unresolved"].as_array().unwrap();
    assert_eq!(unresolved.len(), 1, "{integrity}");
    assert_eq!(unresolved[0]["record"], "DEAL-2");
    assert_eq!(unresolved[0]["value"], "COMP-99");
    assert_eq!(unresolved[0]["refers_to"], "companies");
    let duplicates = integrity["duplicate_companies"].as_array().unwrap();
    assert_eq!(duplicates.len(), 1, "{integrity}");
    let ids: Vec<&str> = duplicates[0]["companies"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["id"].as_str())
        .collect();
    assert_eq!(ids, ["COMP-1", "COMP-2"]);
    assert_eq!(extended["integrity"], standard["integrity"]);
    // The owner column counts its owners as the standard one does.
    assert_eq!(extended["owners"], standard["owners"]);
    assert!(
        extended["owners"].to_string().contains("Neha Rao"),
        "{}",
        extended["owners"]
    );
    // Each profile knows the standard column it is, and the own ID from a reference.
    assert_eq!(
        column(&extended, "companies", "Party Code"),
        ("Company ID", "id")
    );
    assert_eq!(
        column(&extended, "companies", "Party Title").0,
        "Company Name"
    );
    assert_eq!(
        column(&extended, "deals", "Buyer Code"),
        ("Company ID", "reference")
    );
    assert_eq!(
        column(&standard, "deals", "Company ID"),
        ("Company ID", "reference")
    );
}
