//! The journal as the report's [`ReportSource`]: every number in a run section is read from the
//! journal (`src/journal/`), never counted by the report.
//!
//! Reconciliation per phase counts the journal's ledger: a phase's source rows are the rows the
//! journal registered (every row of the export a full run read; only the sample's rows after a
//! sample run), each in its state's bucket; after a delta, the rows it found unchanged are their
//! own bucket. Rows a rolled-back run took and no live run took again are left out while no full
//! or delta run is live, as if never registered ([`Journal::live_counts`]). Rows still pending or
//! sending are in no bucket, so the phase does not reconcile and the report says so. The journal keeps no row names, so holds, failures and merges carry the
//! RSoft ID and an empty label.

use std::collections::BTreeMap;

use super::source::{
    CaveatedRecord, FailedRecord, HeldRecord, MergeOrLink, NutshellRecord, OwnerDecision,
    PhaseTally, ReportSource, Reuse, RunInfo, SourceError,
};
use crate::journal::{Journal, JournalError, Phase, RecordState};
use crate::nutshell::EntityType;
use crate::rsoft::Module;

impl From<JournalError> for SourceError {
    fn from(e: JournalError) -> Self {
        SourceError(e.to_string())
    }
}

/// The report's name for a phase (the Nutshell object it lands as).
pub fn phase_name(phase: Phase) -> &'static str {
    match phase {
        Phase::Accounts => "Accounts",
        Phase::Contacts => "Contacts",
        Phase::Leads => "Leads (prospects)",
        Phase::Deals => "Leads (deals)",
        Phase::Activities => "Activities",
        Phase::Tasks => "Tasks",
        Phase::TicketNotes => "Notes (ticket messages)",
    }
}

/// The Nutshell entity types a phase's row becomes, the row's own record first.
fn landing_types(phase: Phase) -> &'static [EntityType] {
    use EntityType::{Accounts, Activities, Contacts, Leads, Notes, Tasks};
    match phase {
        Phase::Accounts => &[Accounts],
        Phase::Contacts => &[Contacts],
        Phase::Leads | Phase::Deals => &[Leads, Contacts, Accounts],
        Phase::Activities => &[Activities, Notes],
        Phase::Tasks => &[Tasks, Activities, Notes],
        Phase::TicketNotes => &[Notes],
    }
}

fn module_of(text: &str, phase: Phase) -> Module {
    Module::ALL
        .into_iter()
        .find(|m| m.as_str() == text)
        .unwrap_or_else(|| phase.module())
}

impl ReportSource for Journal {
    fn runs(&self) -> Result<Vec<RunInfo>, SourceError> {
        let mut out = Vec::new();
        for r in Journal::runs(self)? {
            let status = match (self.rolled_back_at(r.id)?, r.outcome, &r.finished_at) {
                (Some(at), _, _) => format!("rolled back at {at}"),
                (None, Some(o), _) => o.as_str().to_string(),
                (None, None, _) => "running or interrupted".to_string(),
            };
            out.push(RunInfo {
                id: r.id.to_string(),
                kind: r.kind.as_str().to_string(),
                started: r.started_at,
                finished: r.finished_at,
                status,
            });
        }
        Ok(out)
    }

    fn reconciliation(&self) -> Result<Vec<PhaseTally>, SourceError> {
        let mut tallies: BTreeMap<Phase, PhaseTally> = Phase::ALL
            .into_iter()
            .map(|p| {
                let tally = PhaseTally {
                    phase: phase_name(p).to_string(),
                    ..PhaseTally::default()
                };
                (p, tally)
            })
            .collect();
        for c in self.live_counts()? {
            let Some(t) = tallies.get_mut(&c.phase) else {
                continue;
            };
            t.source_rows += c.count;
            match c.state {
                RecordState::Created => t.created += c.count,
                RecordState::Linked => t.linked += c.count,
                RecordState::Merged => t.merged += c.count,
                RecordState::Held => t.held += c.count,
                RecordState::Failed => t.failed += c.count,
                RecordState::Pending | RecordState::Sending => {}
            }
        }
        if let Some(run) = self.last_delta()? {
            for c in self.unchanged_counts(run)? {
                let Some(t) = tallies.get_mut(&c.phase) else {
                    continue;
                };
                let bucket = match c.state {
                    RecordState::Created => &mut t.created,
                    RecordState::Linked => &mut t.linked,
                    RecordState::Merged => &mut t.merged,
                    _ => continue,
                };
                *bucket = bucket.saturating_sub(c.count);
                t.unchanged += c.count;
            }
        }
        Ok(tallies.into_values().collect())
    }

    fn holds(&self) -> Result<Vec<HeldRecord>, SourceError> {
        Ok(Journal::holds(self)?
            .into_iter()
            .map(|h| HeldRecord {
                phase: phase_name(h.phase).to_string(),
                module: module_of(&h.module, h.phase),
                rsoft_id: h.rsoft_id,
                label: String::new(),
                reason: h.reason,
            })
            .collect())
    }

    fn failures(&self) -> Result<Vec<FailedRecord>, SourceError> {
        Ok(Journal::failures(self)?
            .into_iter()
            .map(|f| FailedRecord {
                phase: phase_name(f.phase).to_string(),
                module: module_of(&f.module, f.phase),
                rsoft_id: f.rsoft_id,
                label: String::new(),
                field: f.field,
                file: f.file,
                line: f.line,
                class: format!("failed after {} attempts", f.attempts),
                reason: f.message,
            })
            .collect())
    }

    fn caveats(&self) -> Result<Vec<CaveatedRecord>, SourceError> {
        Ok(Journal::caveated(self)?
            .into_iter()
            .map(|c| CaveatedRecord {
                phase: phase_name(c.phase).to_string(),
                module: module_of(&c.module, c.phase),
                rsoft_id: c.rsoft_id,
                record: c.record.map(|(entity_type, id)| NutshellRecord {
                    entity_type,
                    id: id.unsigned_abs(),
                }),
                caveats: c.caveats,
            })
            .collect())
    }

    fn owner_decisions(&self) -> Result<Vec<OwnerDecision>, SourceError> {
        Ok(Journal::owner_decisions(self)?
            .into_iter()
            .map(|d| OwnerDecision {
                rsoft_owner: d.owner,
                // The journal keeps no count; `report::build` takes it from the export's scope.
                records: 0,
                nutshell_user: d.user_email,
                nutshell_user_id: u64::try_from(d.user_id).ok(),
                how: match d.basis.as_str() {
                    "Email" => "matched by email".to_string(),
                    "DisplayName" => "matched by display name".to_string(),
                    "OwnersFile" => "chosen by the operator in owners.toml".to_string(),
                    other => other.to_string(),
                },
            })
            .collect())
    }

    fn merges_and_links(&self) -> Result<Vec<MergeOrLink>, SourceError> {
        let runs: Vec<_> = Journal::runs(self)?.into_iter().map(|r| r.id).collect();
        Ok(self
            .left_alone(&runs)?
            .into_iter()
            .map(|l| {
                let outcome = if l.how == "linked" {
                    Reuse::Linked
                } else {
                    Reuse::Merged
                };
                let reason = match outcome {
                    Reuse::Linked => format!(
                        "the same company name or email as {} {}, already in Nutshell",
                        l.entity_type, l.nutshell_id
                    ),
                    Reuse::Merged => format!(
                        "the same company name or email as {} {}, created from another row of this export",
                        l.entity_type, l.nutshell_id
                    ),
                };
                let reason = match &l.note {
                    Some(note) => format!("{reason}; {note}"),
                    None => reason,
                };
                MergeOrLink {
                    phase: phase_name(l.phase).to_string(),
                    module: l.phase.module(),
                    rsoft_id: l.rsoft_id,
                    label: String::new(),
                    outcome,
                    record: NutshellRecord {
                        entity_type: l.entity_type,
                        id: l.nutshell_id.unsigned_abs(),
                    },
                    reason,
                }
            })
            .collect())
    }

    fn landed(
        &self,
        module: Module,
        rsoft_id: &str,
    ) -> Result<Option<NutshellRecord>, SourceError> {
        let Some(phase) = Phase::of(module) else {
            return Ok(None);
        };
        let entities = self.entities(phase, rsoft_id)?;
        let record = landing_types(phase).iter().find_map(|t| {
            entities
                .iter()
                .find(|e| e.entity_type == t.as_str())
                .and_then(|e| e.nutshell_id)
                .map(|id| NutshellRecord {
                    entity_type: t.as_str().to_string(),
                    id: id.unsigned_abs(),
                })
        });
        Ok(record)
    }
}
