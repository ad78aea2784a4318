//! `verify` as a library call: prove the migration from the journal, the export and Nutshell.
//!
//! 1. **Reconciliation** per phase: every source row of the export is in exactly one bucket —
//!    created, linked, merged, held (with its reasons) or failed (with its message). A row in no
//!    bucket (not in the journal, pending, or left `sending`), a record whose state disagrees with
//!    what it owns (created but owning no created record, held without a reason…), or two rows
//!    sharing one RSoft ID (one ledger entry standing for both) is a finding. When only sample
//!    runs are live, rows outside the sample are counted, not found wanting (a row a rolled-back
//!    run took and no live run took again is outside it too: a rollback puts the journal back
//!    as if that run had not loaded it). After a delta,
//!    the rows it found unchanged are their own bucket (source rows = created + linked +
//!    merged + held + failed + unchanged); the records it edited, and those loaded earlier but
//!    deleted in RSoft since, are counted beside the buckets.
//! 2. **Counts in Nutshell**: every Account, Contact and Lead carrying the legacy-id field, and
//!    every Activity and Task carrying the builder's `RSoft … ID:` line, read back with `find*`
//!    and matched to the journal: a record the journal created that Nutshell no longer has
//!    (deleted by hand) and a record carrying our id that the journal does not know (duplicated
//!    by hand) are findings. Notes cannot be listed through the API and are spot-checked only.
//! 3. **Spot-check**: N random created records per phase (seeded; the seed is in the report so a
//!    run can be repeated) are rebuilt by the record builder from today's source row and compared
//!    field by field with what Nutshell returns. Multi-value fields (emails, phones, links, tags)
//!    must contain every value the builder makes; a value a person added is not a difference.
//!    N random merged rows per phase too: the record each joined must hold the row's multi-value
//!    items, which the load added to it (its single-value fields were not sent).
//!
//! Memory does not grow with the export: the RSoft IDs seen, and the Nutshell records found
//! carrying our id, go to scratch tables in SQLite's temp store; journal lookups are indexed;
//! the spot-check's sample is drawn while streaming the journal (reservoir sampling, seeded).
//!
//! The engine never prints: [`verify`] returns a [`VerifyReport`] the CLI and the wizard show.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use rand::{SeedableRng, rngs::SmallRng};
use serde::Serialize;
use serde_json::{Map, Value};

use super::compare::differences;
use super::load_edit::multi_values;
use super::load_lookups::JournalLookups;
use super::load_run::{step_keys, unnamed_row_id};
use super::owners::{MatchedBy, OwnerDecision, Owners};
use super::schema::{Destination, SchemaError};
use crate::config::Config;
use crate::journal::{
    DeltaState, EntityRow, EntityState, Journal, JournalError, LedgerRow, Phase, RecordState,
    RunId, RunKind,
};
use crate::mapping::file::{self, MapFileError};
use crate::mapping::record::rsoft_id_line;
use crate::mapping::record::{BuildSettings, Built, FollowUp, Plan, build_record, rsoft_id};
use crate::nutshell::methods::{self, MethodSpec};
use crate::nutshell::{Client, EntityType, NutshellError, Params};
use crate::rsoft::{Export, ReadError};
use crate::vocabulary::{Vocabulary, VocabularyError};

/// Spot-checked records per phase unless told otherwise (issue 10).
pub const DEFAULT_SPOT_CHECK: usize = 25;

/// Why verify could not finish. A record that does not reconcile is not an error: it is a
/// [`Finding`] in the report.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// Verify needs the export to count source rows and rebuild records.
    #[error("the config has no [source] export: set it to the RSoft export folder or .zip")]
    NoExport,
    /// The export could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The config's `[vocabulary] file` could not be read or used.
    #[error(transparent)]
    Vocabulary(#[from] VocabularyError),
    /// `mapping.toml` could not be read or holds an error.
    #[error(transparent)]
    Map(#[from] MapFileError),
    /// The journal could not be opened or read.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The destination account's reference lists could not be read.
    #[error(transparent)]
    Schema(#[from] SchemaError),
    /// A `find*` or `get*` call failed while counting or spot-checking.
    #[error("reading Nutshell: {0}")]
    Nutshell(#[from] NutshellError),
}

/// How to verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifyOptions {
    /// Records spot-checked per phase.
    pub spot_check: usize,
    /// The spot-check's seed; `None` draws one (reported, so it can be given again).
    pub seed: Option<u64>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            spot_check: DEFAULT_SPOT_CHECK,
            seed: None,
        }
    }
}

/// One phase's buckets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PhaseBuckets {
    /// Source rows of the phase's module in the export (read + unreadable).
    pub source_rows: u64,
    /// Rows for which the migration created a Nutshell record.
    pub created: u64,
    /// Rows matched to a record that already existed in Nutshell (nothing created).
    pub linked: u64,
    /// Rows merged into another row of this migration (a duplicate in the export).
    pub merged: u64,
    /// Rows held back for a reason (see `held_reasons`).
    pub held: u64,
    /// Rows whose load failed (see `failed_reasons`).
    pub failed: u64,
    /// Rows no live run took (only sample runs are live, or none): not loaded, not a finding.
    /// A row a rolled-back run loaded, held or failed, and no live run took again, is one.
    pub outside_sample: u64,
    /// Rows the last delta found as an earlier run loaded them (settled, nothing sent).
    pub unchanged: u64,
    /// Of `created`: records the last delta edited (changed in RSoft).
    pub edited: u64,
    /// Records loaded earlier that the last delta's export no longer had (deleted in RSoft,
    /// kept in Nutshell). Not source rows, so in no bucket.
    pub deleted_in_rsoft: u64,
    /// Hold reasons with how many records each.
    pub held_reasons: BTreeMap<String, u64>,
    /// Failure messages with how many records each.
    pub failed_reasons: BTreeMap<String, u64>,
}

impl PhaseBuckets {
    /// Rows in a bucket.
    pub fn accounted(&self) -> u64 {
        self.created
            + self.linked
            + self.merged
            + self.held
            + self.failed
            + self.outside_sample
            + self.unchanged
    }
}

/// Records carrying our legacy id in Nutshell against the journal, for one entity type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct EntityCount {
    /// Created by the migration, per the journal.
    pub journal: u64,
    /// Carrying our legacy id in Nutshell.
    pub nutshell: u64,
}

/// Something that does not reconcile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// A source row in no bucket (or sharing one with another row).
    Unaccounted {
        /// The phase whose module holds the row.
        phase: Phase,
        /// The row's RSoft ID.
        rsoft_id: String,
        /// Why it is in no bucket (not in the journal, pending, left `sending`…).
        why: String,
    },
    /// A record that failed to load.
    Failed {
        /// The phase whose module holds the row.
        phase: Phase,
        /// The row's RSoft ID.
        rsoft_id: String,
        /// The failure as the journal recorded it.
        message: String,
    },
    /// The journal created it; Nutshell no longer has it.
    Missing {
        /// The phase that created it.
        phase: Phase,
        /// The row's RSoft ID.
        rsoft_id: String,
        /// Nutshell's `entityType` of the record.
        entity_type: String,
        /// The id the journal recorded at create.
        nutshell_id: i64,
    },
    /// Nutshell has a record carrying our legacy id that the journal did not create.
    Unexpected {
        /// Nutshell's `entityType` of the record.
        entity_type: String,
        /// The record's Nutshell id.
        nutshell_id: i64,
        /// The legacy id it carries (an RSoft ID the journal did not create it for).
        legacy_id: String,
    },
    /// A spot-checked field differs from what the builder makes today.
    Differs {
        /// The phase that created it.
        phase: Phase,
        /// The row's RSoft ID.
        rsoft_id: String,
        /// Nutshell's `entityType` of the record.
        entity_type: String,
        /// The record's Nutshell id.
        nutshell_id: i64,
        /// The wire name of the field (`email`, `customFields.RSoft ID`…).
        field: String,
        /// What the builder makes from today's source row.
        expected: String,
        /// What Nutshell returned.
        found: String,
    },
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Finding::Unaccounted {
                phase,
                rsoft_id,
                why,
            } => write!(f, "{} {rsoft_id}: in no bucket: {why}", phase.as_str()),
            Finding::Failed {
                phase,
                rsoft_id,
                message,
            } => write!(f, "{} {rsoft_id}: failed: {message}", phase.as_str()),
            Finding::Missing {
                phase,
                rsoft_id,
                entity_type,
                nutshell_id,
            } => write!(
                f,
                "{} {rsoft_id}: {entity_type} {nutshell_id} is not in Nutshell (deleted by hand?)",
                phase.as_str()
            ),
            Finding::Unexpected {
                entity_type,
                nutshell_id,
                legacy_id,
            } => write!(
                f,
                "{entity_type} {nutshell_id} carries RSoft ID {legacy_id:?} but the migration did not create it (a duplicate made by hand?)"
            ),
            Finding::Differs {
                phase,
                rsoft_id,
                entity_type,
                nutshell_id,
                field,
                expected,
                found,
            } => write!(
                f,
                "{} {rsoft_id} ({entity_type} {nutshell_id}): {field}: expected {expected}, found {found}",
                phase.as_str()
            ),
        }
    }
}

/// What verify found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    /// Reconciliation buckets per phase; every source row is in exactly one.
    pub phases: BTreeMap<Phase, PhaseBuckets>,
    /// Per Nutshell entity type (Notes are not countable through the API).
    pub counts: BTreeMap<String, EntityCount>,
    /// The spot-check's seed (give it again with `--seed` to check the same records).
    pub seed: u64,
    /// Records spot-checked, per phase.
    pub spot_checked: BTreeMap<Phase, u64>,
    /// Merged rows checked, per phase: the record each joined holds the row's multi-value items.
    pub merged_checked: BTreeMap<Phase, u64>,
    /// Everything that does not reconcile, in phase order; empty when the migration is proven.
    pub findings: Vec<Finding>,
}

impl VerifyReport {
    /// Everything reconciles and the spot-check matches.
    pub fn ok(&self) -> bool {
        self.findings.is_empty()
    }

    /// Rows no live run loaded, in every phase: outside a sample, or every row once every run
    /// is rolled back.
    pub fn unsampled(&self) -> u64 {
        self.phases.values().map(|b| b.outside_sample).sum()
    }

    /// Every source row is outside what live runs loaded: nothing of the migration stands.
    pub fn nothing_loaded(&self) -> bool {
        self.phases
            .values()
            .all(|b| b.accounted() == b.outside_sample)
    }

    /// Rows held in every phase: accounted for, but not in Nutshell yet.
    pub fn held(&self) -> u64 {
        self.phases.values().map(|b| b.held).sum()
    }
}

/// Verify the migration `config` names against Nutshell through `client`.
pub async fn verify(
    config: &Config,
    client: &Client,
    journal: &Journal,
    options: VerifyOptions,
) -> Result<VerifyReport, VerifyError> {
    let export_path = config
        .source
        .export
        .as_deref()
        .ok_or(VerifyError::NoExport)?;
    let export = Export::open_with(export_path, Vocabulary::of(config)?)?;
    let map = file::load(&config.migration.mapping)?;
    let settings = BuildSettings::from_config(config, Arc::clone(export.vocabulary()));
    let live = LiveRuns::of(journal)?;
    let mut findings = Vec::new();

    // 1. Reconciliation.
    journal.reset_scratch()?;
    let mut phases = BTreeMap::new();
    let last_delta = journal.last_delta()?;
    for phase in Phase::ALL {
        let mut buckets = reconcile(
            journal,
            &export,
            &map,
            phase,
            &live,
            last_delta,
            &mut findings,
        )?;
        if let Some(run) = last_delta {
            buckets.deleted_in_rsoft = journal.gone_count(phase, run)?;
        }
        phases.insert(phase, buckets);
    }

    // 2. Counts in Nutshell.
    let counts = count_in_nutshell(client, journal, &settings, &mut findings).await?;

    // 3. Spot-check.
    let seed = options.seed.unwrap_or_else(rand::random);
    let destination = Destination::read(client).await?;
    let owners = owners_of(journal)?;
    let planned = HashSet::new();
    // A record naming a company name different firms share was held, never created: the
    // records spot-checked here never resolve one.
    let shared_names = HashSet::new();
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut spot_checked = BTreeMap::new();
    let mut merged_checked = BTreeMap::new();
    for phase in Phase::ALL {
        let mut chosen: HashSet<String> = journal
            .sample_created(phase, options.spot_check, &mut rng)?
            .into_iter()
            .collect();
        // Merged rows too: their values were added to the record they joined.
        let merged: HashSet<String> = journal
            .sample_in_state(phase, RecordState::Merged, options.spot_check, &mut rng)?
            .into_iter()
            .collect();
        chosen.extend(merged.iter().cloned());
        if chosen.is_empty() {
            continue;
        }
        let module = phase.module();
        let mut plans: Vec<(String, Built)> = Vec::new();
        for f in export.files_of(module) {
            let mut reader = export.rows(f)?;
            while let Some(next) = reader.next_row() {
                let Ok(row) = next else { continue };
                let Some(id) = rsoft_id(module, &row, &map) else {
                    continue;
                };
                if !chosen.contains(&id) || plans.iter().any(|(p, _)| *p == id) {
                    continue;
                }
                let lookups =
                    JournalLookups::new(journal, &destination, &owners, &planned, &shared_names);
                let built = build_record(module, &row, &map, &settings, &lookups);
                if let Some(e) = lookups.take_error() {
                    return Err(e.into());
                }
                plans.push((id, built));
            }
        }
        for (id, built) in &plans {
            if merged.contains(id) {
                check_merged(client, journal, phase, id, built, &mut findings).await?;
            } else {
                spot_check(client, journal, phase, id, built, &mut findings).await?;
            }
        }
        let merged_rows = plans.iter().filter(|(id, _)| merged.contains(id)).count() as u64;
        spot_checked.insert(phase, plans.len() as u64 - merged_rows);
        if merged_rows > 0 {
            merged_checked.insert(phase, merged_rows);
        }
    }
    Ok(VerifyReport {
        phases,
        counts,
        seed,
        spot_checked,
        merged_checked,
        findings,
    })
}

/// The owner decisions the load journaled, as the builder's lookups want them.
fn owners_of(journal: &Journal) -> Result<Owners, JournalError> {
    let decisions = journal
        .owner_decisions()?
        .into_iter()
        .map(|d| OwnerDecision {
            by: match d.basis.as_str() {
                "DisplayName" => MatchedBy::DisplayName,
                "OwnersFile" => MatchedBy::OwnersFile,
                _ => MatchedBy::Email,
            },
            key: d.owner,
            cells: Vec::new(),
            user_id: d.user_id,
            user_name: String::new(),
            records: 0,
            user_disabled: false,
        })
        .collect();
    Ok(Owners {
        decisions,
        queue: Default::default(),
    })
}

/// The runs that stand (not rolled back), which decide whether a row no run loaded is a finding.
struct LiveRuns {
    runs: HashSet<RunId>,
    /// Every live run is a sample (or none is live: every run was rolled back): a row no live
    /// run took is outside the sample, not a finding.
    samples_only: bool,
}

impl LiveRuns {
    fn of(journal: &Journal) -> Result<Self, JournalError> {
        let runs: HashSet<RunId> = journal.live_runs()?.into_iter().collect();
        let samples_only = journal
            .runs()?
            .iter()
            .filter(|r| runs.contains(&r.id))
            .all(|r| r.kind == RunKind::Sample);
        Ok(Self { runs, samples_only })
    }

    /// The rolled-back run that last wrote `record`, when no live run has written it since and
    /// it owns no Nutshell record: a rollback put it back (pending) or left its hold or failure,
    /// and no live run took it again.
    fn rolled_back(&self, record: &LedgerRow, entities: &[EntityRow]) -> Option<RunId> {
        let run = record.run_id?;
        (entities.is_empty() && !self.runs.contains(&run)).then_some(run)
    }
}

/// One phase's buckets; rows in no bucket (or two) become findings. `last_delta`: the latest
/// finished delta run, whose unchanged rows are their own bucket.
fn reconcile(
    journal: &Journal,
    export: &Export,
    map: &crate::mapping::model::FieldMap,
    phase: Phase,
    live: &LiveRuns,
    last_delta: Option<crate::journal::RunId>,
    findings: &mut Vec<Finding>,
) -> Result<PhaseBuckets, VerifyError> {
    let module = phase.module();
    let mut b = PhaseBuckets::default();
    for f in export.files_of(module) {
        let mut reader = export.rows(f)?;
        let file_name = reader.file().to_string();
        while let Some(next) = reader.next_row() {
            b.source_rows += 1;
            let (mut id, line) = match next {
                Ok(row) => (
                    rsoft_id(module, &row, map)
                        .unwrap_or_else(|| unnamed_row_id(&file_name, row.line)),
                    row.line,
                ),
                Err(problem) => (unnamed_row_id(&file_name, problem.line), problem.line),
            };
            if let Some(first) = journal.seen_in_export(phase, &id, line)? {
                // The load settles a repeated RSoft ID by the row's place (failed, naming the
                // first row); a journal from before it did has no such entry.
                let place = unnamed_row_id(&file_name, line);
                if journal.record(phase, &place)?.is_some() {
                    id = place;
                } else {
                    findings.push(Finding::Unaccounted {
                    phase,
                    rsoft_id: id,
                    why: format!(
                            "{file_name} line {line} has the same RSoft ID as line {first}: one journal entry stands for both rows"
                        ),
                    });
                    continue;
                }
            }
            let Some(record) = journal.record(phase, &id)? else {
                if live.samples_only {
                    b.outside_sample += 1;
                } else {
                    findings.push(Finding::Unaccounted {
                        phase,
                        rsoft_id: id,
                        why: "not in the journal: no run loaded it (run migrate)".into(),
                    });
                }
                continue;
            };
            let entities = journal.entities(phase, &id)?;
            if let Some(run) = live.rolled_back(&record, &entities) {
                // As if no run had loaded it: the same as a row the journal does not know.
                if live.samples_only {
                    b.outside_sample += 1;
                    continue;
                }
                if record.state == RecordState::Pending {
                    findings.push(Finding::Unaccounted {
                        phase,
                        rsoft_id: id,
                        why: format!(
                            "rolled back with run {run} and not loaded by a live run since (run migrate)"
                        ),
                    });
                    continue;
                }
            }
            let owns = |s: EntityState| entities.iter().any(|e| e.state == s);
            let mut wrong = |why: &str| {
                findings.push(Finding::Unaccounted {
                    phase,
                    rsoft_id: id.clone(),
                    why: why.to_string(),
                })
            };
            if owns(EntityState::Sending) && record.state.is_settled() {
                wrong("a create of it is still unresolved (sending): run migrate to look it up");
            }
            let delta = match last_delta {
                Some(run) if record.state.is_settled() => journal.delta_state(phase, &id, run)?,
                _ => None,
            };
            if delta.as_deref() == Some(DeltaState::Unchanged.as_str()) {
                b.unchanged += 1;
                continue;
            }
            if delta.as_deref() == Some(DeltaState::Edited.as_str()) {
                b.edited += 1;
            }
            match record.state {
                RecordState::Created if owns(EntityState::Created) => b.created += 1,
                RecordState::Linked if owns(EntityState::Linked) => b.linked += 1,
                RecordState::Merged if owns(EntityState::Merged) => {
                    b.merged += 1;
                    if let Some(message) = record.last_error.clone() {
                        // Merged, but its values are not on the record it joined yet.
                        *b.failed_reasons.entry(message.clone()).or_default() += 1;
                        findings.push(Finding::Failed {
                            phase,
                            rsoft_id: id.clone(),
                            message,
                        });
                    }
                }
                RecordState::Held => {
                    let reasons = journal.hold_reasons(phase, &id)?;
                    if reasons.is_empty() {
                        wrong("held without a reason");
                    } else {
                        b.held += 1;
                        for r in reasons {
                            *b.held_reasons.entry(r).or_default() += 1;
                        }
                    }
                }
                RecordState::Failed => {
                    b.failed += 1;
                    let message = record.last_error.clone().unwrap_or_default();
                    *b.failed_reasons.entry(message.clone()).or_default() += 1;
                    findings.push(Finding::Failed {
                        phase,
                        rsoft_id: id.clone(),
                        message,
                    });
                }
                RecordState::Pending | RecordState::Sending => wrong(&format!(
                    "still {} in the journal: run migrate to finish it",
                    record.state.as_str()
                )),
                s => wrong(&format!(
                    "the journal says {} but it owns no {} Nutshell record",
                    s.as_str(),
                    s.as_str()
                )),
            }
        }
    }
    Ok(b)
}

/// Types counted by the legacy-id custom field, and by the description's ID line.
const BY_FIELD: [EntityType; 3] = [
    EntityType::Accounts,
    EntityType::Contacts,
    EntityType::Leads,
];
const BY_LINE: [EntityType; 2] = [EntityType::Activities, EntityType::Tasks];

/// The key a record carries: its legacy-id field, or its `RSoft … ID:` line.
fn carried_key(entity_type: EntityType, record: &Value, legacy_field: &str) -> Option<String> {
    if BY_FIELD.contains(&entity_type) {
        return match record.get("customFields")?.get(legacy_field)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
    }
    let text = record.get("description")?.as_str()?;
    text.lines()
        .map(str::trim)
        .find(|l| l.starts_with("RSoft ") && l.contains(" ID: "))
        .map(str::to_string)
}

/// The key the journal expects on a record it created.
fn expected_key(entity_type: EntityType, phase: Phase, rsoft_id: &str) -> String {
    if BY_FIELD.contains(&entity_type) {
        rsoft_id.to_string()
    } else {
        rsoft_id_line(phase.module(), rsoft_id)
    }
}

/// Read every record of the counted types back from Nutshell, page by page, and match each to
/// the journal by its Nutshell id (an indexed lookup); the ones found are noted in the journal's
/// scratch table, and the journal's created records never found are then streamed out of
/// SQLite. Memory holds one page, never the migration.
async fn count_in_nutshell(
    client: &Client,
    journal: &Journal,
    settings: &BuildSettings,
    findings: &mut Vec<Finding>,
) -> Result<BTreeMap<String, EntityCount>, VerifyError> {
    let mut counts = BTreeMap::new();
    for t in BY_FIELD.into_iter().chain(BY_LINE) {
        let Some(find) = t.methods().and_then(|m| m.find) else {
            continue;
        };
        let mut count = EntityCount {
            journal: journal.created_count(t)?,
            nutshell: 0,
        };
        for page in 1.. {
            let params = Params::new(find)
                .set(methods::QUERY, Map::new())?
                .set(methods::STUB_RESPONSES, false)?
                .set(methods::LIMIT, 100)?
                .set(methods::ORDER_BY, "id")?
                .set(methods::ORDER_DIRECTION, methods::ASCENDING)?
                .set(methods::PAGE, page)?;
            let records: Vec<Value> = client.call(params).await?;
            if records.is_empty() {
                break;
            }
            for r in &records {
                let (Some(id), Some(key)) = (
                    r.get("id").and_then(Value::as_i64),
                    carried_key(t, r, &settings.legacy_id_field),
                ) else {
                    continue;
                };
                count.nutshell += 1;
                match journal.find_created(t, id)? {
                    Some((phase, rsoft_id)) => {
                        let want = expected_key(t, phase, &rsoft_id);
                        if want != key {
                            findings.push(Finding::Differs {
                                phase,
                                rsoft_id,
                                entity_type: t.as_str().into(),
                                nutshell_id: id,
                                field: "RSoft ID".into(),
                                expected: want,
                                found: key,
                            });
                        }
                    }
                    None => findings.push(Finding::Unexpected {
                        entity_type: t.as_str().into(),
                        nutshell_id: id,
                        legacy_id: key,
                    }),
                }
            }
        }
        journal.for_each_not_found(t, |e| {
            if let Some(id) = e.nutshell_id {
                findings.push(Finding::Missing {
                    phase: e.phase,
                    rsoft_id: e.rsoft_id,
                    entity_type: t.as_str().into(),
                    nutshell_id: id,
                });
            }
            Ok(())
        })?;
        counts.insert(t.as_str().to_string(), count);
    }
    Ok(counts)
}

/// Compare what the builder makes today for one created record with what Nutshell returns.
async fn spot_check(
    client: &Client,
    journal: &Journal,
    phase: Phase,
    rsoft_id: &str,
    built: &Built,
    findings: &mut Vec<Finding>,
) -> Result<(), VerifyError> {
    let Built::Plan(plan) = built else {
        let why = match built {
            Built::Hold { reasons } | Built::Problems { problems: reasons } => reasons
                .iter()
                .map(|r| r.reason.clone())
                .collect::<Vec<_>>()
                .join("; "),
            Built::Plan(_) => String::new(),
        };
        findings.push(Finding::Unaccounted {
            phase,
            rsoft_id: rsoft_id.to_string(),
            why: format!(
                "created, but the record builder no longer builds it from today's row: {why}"
            ),
        });
        return Ok(());
    };
    let entities = journal.entities(phase, rsoft_id)?;
    let steps = step_keys(plan);
    let ids: Vec<i64> = steps
        .iter()
        .map(|s| {
            entities
                .iter()
                .find(|e| e.step == *s)
                .and_then(|e| e.nutshell_id)
                .unwrap_or(0)
        })
        .collect();
    for (i, create) in plan.creates.iter().enumerate() {
        let Some(entity) = entities
            .iter()
            .find(|e| e.step == steps[i] && e.state == EntityState::Created)
        else {
            continue;
        };
        let Some(nutshell_id) = entity.nutshell_id else {
            continue;
        };
        let Some(params) = plan.params_with(i, &ids) else {
            continue;
        };
        let (get, id_param, body) = match create.entity_type {
            EntityType::Notes => (methods::NOTES_GET, "noteId", params.clone()),
            t => {
                let Some(m) = t.methods() else { continue };
                (
                    m.get,
                    m.id_param,
                    params.get(m.body_param()).cloned().unwrap_or(Value::Null),
                )
            }
        };
        let mut expected = body;
        if let Some(status) = closing_status(plan, i)
            && let Some(o) = expected.as_object_mut()
        {
            o.insert("status".into(), Value::from(status));
        }
        let record = RecordAt {
            phase,
            rsoft_id,
            entity_type: create.entity_type,
            nutshell_id,
        };
        compare_with_nutshell(client, (get, id_param), &record, &expected, findings).await?;
    }
    Ok(())
}

/// Check that the record a merged row joined holds the row's multi-value items (its emails,
/// phones, urls, addresses, tags, links), which the load added to it; its single-value fields
/// were not sent (the record keeps the first row's), so they are not compared.
async fn check_merged(
    client: &Client,
    journal: &Journal,
    phase: Phase,
    rsoft_id: &str,
    built: &Built,
    findings: &mut Vec<Finding>,
) -> Result<(), VerifyError> {
    let Built::Plan(plan) = built else {
        // A row the builder no longer builds carried nothing: reconciliation names its state.
        return Ok(());
    };
    let entities = journal.entities(phase, rsoft_id)?;
    let Some((entity_type, nutshell_id)) = entities
        .iter()
        .filter(|e| e.state == EntityState::Merged)
        .find_map(|e| Some((EntityType::from_name(&e.entity_type)?, e.nutshell_id?)))
    else {
        return Ok(());
    };
    let (Some(body), Some(m)) = (plan.record_body(), entity_type.methods()) else {
        return Ok(());
    };
    let expected = Value::Object(multi_values(body));
    let record = RecordAt {
        phase,
        rsoft_id,
        entity_type,
        nutshell_id,
    };
    compare_with_nutshell(client, (m.get, m.id_param), &record, &expected, findings).await
}

/// A record in Nutshell a source row is checked against.
struct RecordAt<'a> {
    phase: Phase,
    rsoft_id: &'a str,
    entity_type: EntityType,
    nutshell_id: i64,
}

/// Read `record` back with `get` (its id passed as `id_param`) and compare it with `expected`
/// ([`differences`]): each difference is a [`Finding::Differs`]; a record Nutshell no longer has
/// is a [`Finding::Missing`].
async fn compare_with_nutshell(
    client: &Client,
    (get, id_param): (MethodSpec, &str),
    record: &RecordAt<'_>,
    expected: &Value,
    findings: &mut Vec<Finding>,
) -> Result<(), VerifyError> {
    let found: Value = match client
        .call(Params::new(get).set(id_param, record.nutshell_id)?)
        .await
    {
        Ok(v) => v,
        Err(NutshellError::NotFound { .. }) => {
            findings.push(Finding::Missing {
                phase: record.phase,
                rsoft_id: record.rsoft_id.to_string(),
                entity_type: record.entity_type.as_str().into(),
                nutshell_id: record.nutshell_id,
            });
            return Ok(());
        }
        Err(e) => return Err(e.into()),
    };
    for (field, want, got) in differences(record.entity_type, expected, &found) {
        findings.push(Finding::Differs {
            phase: record.phase,
            rsoft_id: record.rsoft_id.to_string(),
            entity_type: record.entity_type.as_str().into(),
            nutshell_id: record.nutshell_id,
            field,
            expected: want,
            found: got,
        });
    }
    Ok(())
}

/// The status a follow-up closes create `index` with, if any.
fn closing_status(plan: &Plan, index: usize) -> Option<i64> {
    plan.follow_ups.iter().find_map(|f| match f {
        FollowUp::CloseLead { lead, status } if *lead == index => Some(status.code()),
        _ => None,
    })
}
