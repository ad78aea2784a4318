//! Classification of varied file names and header spellings.

use crm_migrate::rsoft::Module;
use crm_migrate::rsoft::modules::module_from_file_name;
use crm_migrate::vocabulary::Vocabulary;

fn classify(file_name: &str, headers: &[String]) -> crm_migrate::rsoft::Classification {
    Vocabulary::builtin().classify(file_name, headers)
}

fn h(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn file_names_seen_in_the_wild() {
    for (name, module) in [
        ("Leads.csv", Module::Leads),
        ("leads_export_2026-11-20.csv", Module::Leads),
        ("RSoft-Deals (1).csv", Module::Deals),
        ("export/Companies.csv", Module::Companies),
        ("organisations.csv", Module::Companies),
        ("ticket_messages.csv", Module::TicketMessages),
        ("Ticket Messages.csv", Module::TicketMessages),
        ("tickets_2026.csv", Module::Tickets),
        ("Pipeline Stages.csv", Module::Pipelines),
        ("custom_fields.csv", Module::CustomFields),
        ("Workflows.csv", Module::Workflows),
        ("users.csv", Module::Users),
        ("Activities (calls, notes).csv", Module::Activities),
    ] {
        assert_eq!(module_from_file_name(name), Some(module), "{name}");
    }
    assert_eq!(module_from_file_name("export_2026.csv"), None);
}

#[test]
fn lead_header_spellings_all_classify_as_leads() {
    for name_col in ["Lead Name", "Name", "Full Name"] {
        for mobile in ["Mobile", "Mobile No.", "Phone"] {
            for owner in ["Lead Owner", "Owner", "Assigned To"] {
                for created in ["Created On", "Created Date"] {
                    let headers = h(&[
                        "Lead ID", name_col, "Email", mobile, "Source", "Status", owner, created,
                    ]);
                    let c = classify("data.csv", &headers);
                    assert_eq!(
                        c.module,
                        Some(Module::Leads),
                        "{headers:?}: {:?}",
                        c.evidence
                    );
                    assert!(c.confidence >= 0.5, "{headers:?}: {}", c.confidence);
                }
            }
        }
    }
}

#[test]
fn canonical_header_maps_synonyms() {
    assert_eq!(
        Vocabulary::builtin().canonical_header(Module::Leads, "Mobile No."),
        Some("Mobile")
    );
    assert_eq!(
        Vocabulary::builtin().canonical_header(Module::Leads, "full name"),
        Some("Lead Name")
    );
    assert_eq!(
        Vocabulary::builtin().canonical_header(Module::Contacts, "Contact Owner"),
        Some("Owner")
    );
    assert_eq!(
        Vocabulary::builtin().canonical_header(Module::Companies, "Organisation"),
        Some("Company Name")
    );
    assert_eq!(
        Vocabulary::builtin().canonical_header(Module::Companies, "Created Date"),
        Some("Created On")
    );
    assert_eq!(
        Vocabulary::builtin().canonical_header(Module::Companies, "GST Number"),
        None
    );
}

#[test]
fn every_module_with_its_full_header_and_name_is_certain() {
    for (module, file) in Module::ALL.iter().zip([
        "Companies.csv",
        "contacts_export_2026-11-20.csv",
        "Leads.csv",
        "RSoft-Deals (1).csv",
        "Activities.csv",
        "Tickets.csv",
        "Ticket Messages.csv",
        "Users.csv",
        "Pipelines.csv",
        "Custom Fields.csv",
        "Workflows.csv",
    ]) {
        let headers: Vec<String> = Vocabulary::builtin()
            .standard_columns(*module)
            .iter()
            .map(|c| c.canonical.to_string())
            .collect();
        let c = classify(file, &headers);
        assert_eq!(c.module, Some(*module), "{file}: {:?}", c.evidence);
        assert_eq!(c.confidence, 1.0, "{file}");
        assert!(c.evidence[0].contains(&format!("says {module}")));
    }
}

#[test]
fn headers_win_over_a_misleading_name() {
    let c = classify(
        "contacts_old.csv",
        &h(&[
            "Ticket ID",
            "Subject",
            "Status",
            "Priority",
            "Channel",
            "Assigned To",
        ]),
    );
    assert_eq!(c.module, Some(Module::Tickets));
    assert!(
        c.evidence
            .iter()
            .any(|e| e.contains("headers outweigh the name (contacts)")),
        "{:?}",
        c.evidence
    );
}

#[test]
fn custom_columns_lower_but_do_not_break_classification() {
    let c = classify(
        "companies.csv",
        &h(&[
            "Company ID",
            "Company Name",
            "Industry",
            "Owner",
            "GST Number",
            "PAN",
            "Annual Turnover",
            "Region",
            "Segment",
            "Credit Days",
        ]),
    );
    assert_eq!(c.module, Some(Module::Companies));
}

#[test]
fn unknown_files_are_reported_with_evidence() {
    let c = classify("notes.csv", &h(&["foo", "bar"]));
    assert_eq!(c.module, None);
    assert!(c.evidence.iter().any(|e| e.contains("names no module")));
    assert!(c.evidence.iter().any(|e| e.contains("not enough evidence")));
}

#[test]
fn setup_files_by_header_alone() {
    let c = classify(
        "a.csv",
        &h(&["Pipeline", "Stage", "Stage Order", "Probability"]),
    );
    assert_eq!(c.module, Some(Module::Pipelines));
    let c = classify(
        "b.csv",
        &h(&["Module", "Field Name", "Field Type", "Options", "Required"]),
    );
    assert_eq!(c.module, Some(Module::CustomFields));
    let c = classify(
        "c.csv",
        &h(&[
            "Workflow ID",
            "Workflow Name",
            "Module",
            "Trigger",
            "Conditions",
            "Actions",
            "Status",
        ]),
    );
    assert_eq!(c.module, Some(Module::Workflows));
    let c = classify(
        "d.csv",
        &h(&[
            "Message ID",
            "Ticket ID",
            "From",
            "Sent On",
            "Body",
            "Channel",
        ]),
    );
    assert_eq!(c.module, Some(Module::TicketMessages));
}

#[test]
fn module_serde_names() {
    let names: Vec<String> = Module::ALL
        .iter()
        .map(|m| {
            serde_json::to_value(m)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            "companies",
            "contacts",
            "leads",
            "deals",
            "activities",
            "tickets",
            "ticket_messages",
            "users",
            "pipelines",
            "custom_fields",
            "workflows"
        ]
    );
    for m in Module::ALL {
        assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
    }
}
