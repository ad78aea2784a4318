//! Fixtures for the report tests: a tiny export whose values are hostile (markup, quotes,
//! spreadsheet formulas) and a journal stand-in ([`FixtureJournal`]) implementing `ReportSource`.

use std::path::Path;

use crm_migrate::report::source::{
    CaveatedRecord, FailedRecord, HeldRecord, MergeOrLink, NutshellRecord, OwnerDecision,
    PhaseTally, ReportSource, Reuse, RunInfo, SourceError,
};
use crm_migrate::report::{MigrationReport, ReportOptions, generate};
use crm_migrate::rsoft::{Export, Module};

/// Writes the hostile export into `dir`.
pub fn write_export(dir: &Path) {
    std::fs::write(
        dir.join("Companies.csv"),
        "Company ID,Company Name,Phone,Owner\n\
         COMP-1,<script>alert('x')</script> Traders,9876543210,ravi@acme.in\n\
         COMP-2,\"Acme \"\"Quoted\"\" & Sons\",022-1234 5678,=cmd|' /C calc'!A0\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("Workflows.csv"),
        "Workflow ID,Workflow Name,Module,Trigger,Conditions,Actions,Status\n\
         WF-1,<b>Auto</b> assign,Leads,Lead created,,\"=HYPERLINK(\"\"http://evil\"\")\",Active\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.join("recordings")).unwrap();
    std::fs::write(dir.join("recordings/919876543210.mp3"), b"ID3").unwrap();
    std::fs::create_dir_all(dir.join("attachments")).unwrap();
    std::fs::write(dir.join("attachments/COMP-2_contract.pdf"), b"%PDF").unwrap();
}

/// A journal after one run: Accounts reconcile, Contacts miss one row.
pub struct FixtureJournal {
    pub runs: Vec<RunInfo>,
}

impl FixtureJournal {
    pub fn one_run() -> Self {
        FixtureJournal {
            runs: vec![RunInfo {
                id: "run-1".into(),
                kind: "full".into(),
                started: "2026-11-30T04:00:00Z".into(),
                finished: Some("2026-11-30T04:05:00Z".into()),
                status: "finished".into(),
            }],
        }
    }

    pub fn no_runs() -> Self {
        FixtureJournal { runs: Vec::new() }
    }
}

impl ReportSource for FixtureJournal {
    fn runs(&self) -> Result<Vec<RunInfo>, SourceError> {
        Ok(self.runs.clone())
    }

    fn reconciliation(&self) -> Result<Vec<PhaseTally>, SourceError> {
        Ok(vec![
            PhaseTally {
                phase: "Accounts".into(),
                source_rows: 2,
                created: 1,
                linked: 1,
                ..PhaseTally::default()
            },
            PhaseTally {
                phase: "Contacts".into(),
                source_rows: 5,
                created: 2,
                held: 1,
                failed: 1,
                ..PhaseTally::default()
            },
        ])
    }

    fn holds(&self) -> Result<Vec<HeldRecord>, SourceError> {
        Ok(vec![HeldRecord {
            phase: "Contacts".into(),
            module: Module::Contacts,
            rsoft_id: "CONT-9".into(),
            label: "<img src=x onerror=alert(1)>".into(),
            reason: "company COMP-404 is not in the export".into(),
        }])
    }

    fn failures(&self) -> Result<Vec<FailedRecord>, SourceError> {
        Ok(vec![FailedRecord {
            phase: "Contacts".into(),
            module: Module::Contacts,
            rsoft_id: "CONT-8".into(),
            label: "=2+5".into(),
            field: Some("Email".into()),
            file: Some("contacts.csv".into()),
            line: Some(9),
            class: "permanent".into(),
            reason: "@SUM(A1) is not an email address".into(),
        }])
    }

    fn caveats(&self) -> Result<Vec<CaveatedRecord>, SourceError> {
        Ok(vec![CaveatedRecord {
            phase: "Contacts".into(),
            module: Module::Contacts,
            rsoft_id: "CONT-3".into(),
            record: Some(NutshellRecord {
                entity_type: "Contacts".into(),
                id: 23,
            }),
            caveats: "Country: \"<Atlantis>\" is no country this tool knows".into(),
        }])
    }

    fn owner_decisions(&self) -> Result<Vec<OwnerDecision>, SourceError> {
        Ok(vec![
            OwnerDecision {
                rsoft_owner: "ravi@acme.in".into(),
                records: 1,
                nutshell_user: Some("ravi@acme.in".into()),
                nutshell_user_id: Some(11),
                how: "matched by email".into(),
            },
            OwnerDecision {
                rsoft_owner: "Deepak Rao".into(),
                records: 8,
                nutshell_user: None,
                nutshell_user_id: None,
                how: "no Nutshell user".into(),
            },
        ])
    }

    fn merges_and_links(&self) -> Result<Vec<MergeOrLink>, SourceError> {
        Ok(vec![MergeOrLink {
            phase: "Accounts".into(),
            module: Module::Companies,
            rsoft_id: "COMP-2".into(),
            label: "Acme \"Quoted\" & Sons".into(),
            outcome: Reuse::Linked,
            record: NutshellRecord {
                entity_type: "Accounts".into(),
                id: 501,
            },
            reason: "same normalised name as the Nutshell account \"Acme Quoted and Sons\"".into(),
        }])
    }

    fn landed(
        &self,
        module: Module,
        rsoft_id: &str,
    ) -> Result<Option<NutshellRecord>, SourceError> {
        let id = match (module, rsoft_id) {
            (Module::Companies, "COMP-1") => 500,
            (Module::Companies, "COMP-2") => 501,
            _ => return Ok(None),
        };
        Ok(Some(NutshellRecord {
            entity_type: "Accounts".into(),
            id,
        }))
    }
}

pub fn options() -> ReportOptions {
    ReportOptions {
        country: "IN".into(),
        web_base: Some("https://app.nutshell.com".into()),
        generated_at: "2026-11-30T05:00:00Z".into(),
    }
}

/// The report of the hostile export with `journal` (or none).
pub fn report(export_dir: &Path, journal: Option<&dyn ReportSource>) -> MigrationReport {
    let export = Export::open(export_dir).unwrap();
    generate(&export, journal, &options()).unwrap()
}
