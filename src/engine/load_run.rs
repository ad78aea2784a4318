//! The load of one run, phase by phase in dependency order (journal::Phase::ALL). Each phase
//! streams its module's rows: a row is built by the record builder (lookups over the journal),
//! deduped (companies by normalised name, contacts by email — against records of this export
//! and those already in Nutshell), and then either settled at once (held, failed, linked,
//! merged, done in an earlier run) or queued in a chunk. A chunk's intents (`sending`) are
//! written in one transaction, its records are sent concurrently (the client keeps the ceiling),
//! and its outcomes are written in one transaction. Memory holds one chunk, never the export.

use std::collections::{BTreeMap, HashMap, HashSet, hash_map::Entry};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::event::{Event, Events, RecordOutcome, Tally};
use super::load_edit::{Carried, lacking, texts};
use super::load_lookups::JournalLookups;
use super::load_send::{Made, Sender, StepEnd, emails_of, field_at_fault};
use super::owners::Owners;
use super::schema::Destination;
use crate::journal::{
    Batch, DeltaState, EntityOutcome, EntityState, Failure, Journal, JournalError, KeyHit, KeyKind,
    ORIGIN_CREATED, ORIGIN_EXISTING, Phase, RecordState, RunId, SourceRecord,
};
use crate::mapping::model::FieldMap;
use crate::mapping::record::{
    BuildSettings, Built, CellReason, ContentHash, Plan, Role, build_record, company_key,
    content_hash, rsoft_id,
};
use crate::mapping::transform::email::is_role_mailbox;
use crate::nutshell::{EntityType, Params, methods};
use crate::rsoft::company::{Backing, backing_of, match_keys, name_only_key};
use crate::rsoft::{Export, ReadError, Row};

/// Records sent per chunk: intents and outcomes are one transaction each.
const CHUNK: usize = 256;

/// Why the load stopped. A failed record is not an error: it is journaled and counted.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The journal could not be read or written.
    #[error(transparent)]
    Journal(#[from] JournalError),
    /// The export could not be read.
    #[error(transparent)]
    Read(#[from] ReadError),
    /// The accounts and contacts already in Nutshell (for dedupe) could not be read.
    #[error("reading the accounts and contacts already in Nutshell: {0}")]
    Existing(crate::nutshell::NutshellError),
}

/// The first row of each RSoft ID in one phase's pass: its file, line and content hash.
type FirstRows = HashMap<String, (Arc<str>, u64, ContentHash)>;

/// Everything one run of the load needs.
pub struct LoadRun<'a> {
    /// The export being loaded.
    pub export: &'a Export,
    /// The confirmed field map.
    pub map: &'a FieldMap,
    /// The record builder's settings (formats, zone, currency, legacy-id field).
    pub settings: &'a BuildSettings,
    /// The destination account as read before the run.
    pub destination: &'a Destination,
    /// Owner decisions (RSoft owner → Nutshell user).
    pub owners: &'a Owners,
    /// Sources the schema step will create (a dry run resolves them to a placeholder id).
    pub planned_sources: &'a HashSet<String>,
    /// Company names different firms of the export share ([`JournalLookups::shared_names`]).
    pub shared_names: &'a HashSet<String>,
    /// Where creates go (Nutshell, or nowhere for a dry run).
    pub sender: Arc<Sender>,
    /// The journal's id for this run.
    pub run: RunId,
    /// N records per phase (a sample run), or every record.
    pub sample: Option<u64>,
    /// A delta: compare each settled record's content hash with the ledger's, edit the
    /// changed ones and count the unchanged ones (held ones are built again by every run).
    pub delta: bool,
    /// Where progress goes (the CLI or the wizard).
    pub events: Events,
    /// Cancelled by the operator: the current chunk finishes, then the load stops.
    pub cancel: CancellationToken,
    /// Writes of records settled without a send (held, failed, linked, merged) and registrations,
    /// committed with the next chunk's intents: one transaction per chunk, not per row. Later
    /// rows of the same phase never look these up (dependencies cross phases; dedupe keys are
    /// written with outcomes), so deferring them changes no lookup.
    pub deferred: std::sync::Mutex<Batch>,
}

/// What the load did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LoadTotals {
    /// Records per outcome, per phase.
    pub phases: BTreeMap<Phase, Tally>,
    /// The run was cancelled before its end.
    pub cancelled: bool,
    /// Time spent in the journal (reads and writes), for the bench's per-record figure.
    pub journal_time: Duration,
}

/// One record queued for sending.
struct Job {
    phase: Phase,
    rsoft_id: String,
    plan: Plan,
    /// The journal step of each create (see [`step_keys`]).
    steps: Vec<u32>,
    /// Creates an earlier run finished.
    known: Vec<Option<Made>>,
    /// Creates an earlier run left `sending`: look up before sending (the intent's time).
    ambiguous: Vec<Option<DateTime<Utc>>>,
    /// A delta's edit of the record's own entity, made by an earlier run.
    edit: Option<Edit>,
    /// A merged or linked row: nothing is created; its values are carried to the record it
    /// joined instead.
    carry: Option<Carry>,
}

/// A merged or linked row's values, carried to the record it joined (`Sender::carry`): added to
/// a record this migration created, only listed for one that was in Nutshell before (an edit of
/// it could not be undone by rollback).
#[derive(Debug, Clone)]
struct Carry {
    entity_type: EntityType,
    id: i64,
    /// This migration created the record: add the row's values it lacks.
    add: bool,
    /// The record and the key that matched, as the outcome names it (`Accounts 12 (same …)`).
    target: String,
    /// The RSoft ID of the row whose record it is, when this migration created it.
    first: Option<String>,
    /// An earlier run already merged the row and may have sent this edit before it was killed
    /// (or lost the answer): a record that lacks nothing then holds the migration's own edit.
    resumed: bool,
    /// The row's own record body, from the record builder.
    body: Map<String, Value>,
    /// A delta's changed merged row: its new content hash, which the ledger takes (with delta
    /// state `edited`) once the values are carried.
    changed: Option<String>,
}

/// A delta edits create `index` (the row's own record, known from an earlier run) instead of
/// sending it; the ledger takes `hash` once the edit lands, and keeps `old_hash` if refused.
#[derive(Debug, Clone)]
struct Edit {
    index: usize,
    hash: String,
    old_hash: String,
}

/// How a job ended.
struct Done {
    job: Job,
    made: Vec<Option<Made>>,
    end: JobEnd,
}

enum JobEnd {
    Ok,
    /// Refused at create `step` (nothing made there), or in a follow-up (`None`: every create
    /// was made, and the next run retries the follow-up).
    Refused {
        step: Option<usize>,
        failure: Failure,
    },
    /// Create `step` may have been made and the lookup could not tell: left `sending`.
    Unknown {
        step: usize,
        message: String,
    },
    /// A delta's edit was refused (the record stays as it was in Nutshell).
    EditRefused(Failure),
    /// A carry's end: what the record lacked and the edit that added it (when one was sent),
    /// or why the record could not be read or edited.
    Carried(Result<(Carried, Option<Made>), String>),
}

/// The record a merged row joined (Nutshell entity type and id of its step 0), as the journal
/// has it; `None` when it has none.
fn merged_into(
    journal: &Journal,
    phase: Phase,
    rsoft_id: &str,
) -> Result<Option<(String, i64)>, LoadError> {
    Ok(journal
        .entities(phase, rsoft_id)?
        .into_iter()
        .find(|e| e.step == 0 && e.state == EntityState::Merged)
        .and_then(|e| e.nutshell_id.map(|id| (e.entity_type, id))))
}

/// The journal's key of a row that has no RSoft ID of its own (unreadable, or its ID cell is
/// blank): `<file> line <n>`. Verify finds such rows again by it.
pub fn unnamed_row_id(file_name: &str, line: u64) -> String {
    format!("{file_name} line {line}")
}

/// A create's journal step: entity type and its ordinal among the plan's creates of that type.
/// Stable across rebuilds: a resumed lead whose person exists by now plans no person create,
/// yet its Lead stays step "Leads #0".
pub fn step_keys(plan: &Plan) -> Vec<u32> {
    let mut seen: BTreeMap<EntityType, u32> = BTreeMap::new();
    plan.creates
        .iter()
        .map(|c| {
            let n = seen.entry(c.entity_type).or_default();
            let key = type_code(c.entity_type) * 1000 + *n;
            *n += 1;
            key
        })
        .collect()
}

fn type_code(t: EntityType) -> u32 {
    EntityType::ALL.iter().position(|x| *x == t).unwrap_or(99) as u32
}

/// The dedupe keys a plan's creates claim: a new account's normalised name and its match keys
/// (the name with each website domain, phone and email domain: the rule discovery groups
/// duplicates by; for an account made for a company a lead names, its name-only key), a new
/// contact's emails.
fn claimed_keys(plan: &Plan) -> Vec<(KeyKind, String)> {
    let mut keys = Vec::new();
    for c in &plan.creates {
        let Some(body) = c
            .entity_type
            .methods()
            .and_then(|m| c.params.get(m.body_param()))
            .and_then(Value::as_object)
        else {
            continue;
        };
        match c.entity_type {
            EntityType::Accounts => {
                if let Some(name) = body.get("name").and_then(Value::as_str) {
                    let name = company_key(name);
                    let texts = |key: &str| body.get(key).map(texts).unwrap_or_default();
                    let (urls, phones) = (texts("url"), texts("phone"));
                    let matches = match_keys(
                        &name,
                        urls.iter().map(String::as_str),
                        phones.iter().map(String::as_str),
                        emails_of(body).iter().map(String::as_str),
                    );
                    if c.role == Role::Company {
                        keys.push((KeyKind::CompanyMatch, name_only_key(&name)));
                    }
                    keys.push((KeyKind::CompanyName, name));
                    keys.extend(matches.into_iter().map(|k| (KeyKind::CompanyMatch, k)));
                }
            }
            EntityType::Contacts => keys.extend(contact_email_keys(body)),
            _ => {}
        }
    }
    keys
}

/// The dedupe keys a contact body's emails give, ours or one read back from Nutshell: each
/// address but a shared inbox (`info@`), which is no person's identity, so two people reading
/// it stay two and neither is linked to an existing contact by it.
fn contact_email_keys(body: &Map<String, Value>) -> impl Iterator<Item = (KeyKind, String)> {
    emails_of(body)
        .into_iter()
        .filter(|e| !is_role_mailbox(e))
        .map(|e| (KeyKind::Email, e))
}

fn reasons_text(reasons: &[CellReason]) -> Vec<String> {
    reasons
        .iter()
        .map(|r| {
            if r.column.is_empty() {
                r.reason.clone()
            } else {
                format!("{} = {:?}: {}", r.column, r.value, r.reason)
            }
        })
        .collect()
}

impl LoadRun<'_> {
    /// Run every phase in order. Stops between chunks when cancelled; what was sent is
    /// journaled, and the next run goes on from there.
    pub async fn run(&self, journal: &mut Journal) -> Result<LoadTotals, LoadError> {
        let mut totals = LoadTotals::default();
        self.read_existing(journal, &mut totals).await?;
        for phase in Phase::ALL {
            if self.cancel.is_cancelled() {
                totals.cancelled = true;
                break;
            }
            let tally = self.phase(journal, phase, &mut totals).await?;
            totals.phases.insert(phase, tally);
            self.events.send(Event::PhaseFinished { phase, tally });
        }
        totals.cancelled |= self.cancel.is_cancelled();
        Ok(totals)
    }

    /// Accounts and contacts already in Nutshell become dedupe keys (link, don't create); an
    /// account or contact the journal loaded that Nutshell no longer has is found here
    /// ([`Self::deleted_in_nutshell`]), before any row links to it.
    async fn read_existing(
        &self,
        journal: &mut Journal,
        totals: &mut LoadTotals,
    ) -> Result<(), LoadError> {
        let Some(client) = self.sender.client() else {
            return Ok(());
        };
        for (entity_type, phase) in [
            (EntityType::Accounts, Phase::Accounts),
            (EntityType::Contacts, Phase::Contacts),
        ] {
            let Some(find) = entity_type.methods().and_then(|m| m.find) else {
                continue;
            };
            journal.start_listing()?;
            for page in 1.. {
                let params = Params::new(find)
                    .set(methods::QUERY, serde_json::Map::new())
                    .and_then(|p| p.set(methods::STUB_RESPONSES, false))
                    .and_then(|p| p.set(methods::LIMIT, 100))
                    .and_then(|p| p.set(methods::PAGE, page))
                    .map_err(LoadError::Existing)?;
                let records: Vec<Value> = client.call(params).await.map_err(LoadError::Existing)?;
                if records.is_empty() {
                    break;
                }
                let mut batch = Batch::new();
                let ids: Vec<i64> = records
                    .iter()
                    .filter_map(|r| r.get("id").and_then(Value::as_i64))
                    .collect();
                journal.listed(entity_type, &ids)?;
                for r in &records {
                    let Some(id) = r.get("id").and_then(Value::as_i64) else {
                        continue;
                    };
                    if self.made_by_this_migration(journal, r)? {
                        continue;
                    }
                    let keys = match entity_type {
                        EntityType::Accounts => r
                            .get("name")
                            .and_then(Value::as_str)
                            .map(|n| vec![(KeyKind::CompanyName, company_key(n))])
                            .unwrap_or_default(),
                        _ => r
                            .as_object()
                            .map(|o| contact_email_keys(o).collect())
                            .unwrap_or_default(),
                    };
                    for (kind, key) in keys {
                        batch.key(kind, &key, entity_type, id, ORIGIN_EXISTING);
                    }
                }
                let t = Instant::now();
                journal.apply(self.run, batch)?;
                totals.journal_time += t.elapsed();
            }
            self.deleted_in_nutshell(journal, client, phase, entity_type)
                .await?;
        }
        Ok(())
    }

    /// Records of `phase` whose own `entity_type` the listing just read did not have, read one
    /// by one: one Nutshell does not find (or returns with a `deletedTime`) was deleted or
    /// merged away there since it was loaded. It is held for the operator with that cause, and
    /// the journal forgets its id ([`Batch::deleted_in_nutshell`]): no row links to it, merges
    /// into it or counts it as loaded, so a delta does not call it unchanged, and
    /// `migrate --release-holds` creates it again.
    async fn deleted_in_nutshell(
        &self,
        journal: &mut Journal,
        client: &crate::nutshell::Client,
        phase: Phase,
        entity_type: EntityType,
    ) -> Result<(), LoadError> {
        let Some(m) = entity_type.methods() else {
            return Ok(());
        };
        let mut batch = Batch::new();
        for u in journal.unlisted(phase, entity_type)? {
            let get = Params::new(m.get)
                .set(m.id_param, u.id)
                .map_err(LoadError::Existing)?;
            let gone = match client.call::<Value>(get).await {
                Ok(record) => record.get("deletedTime").is_some_and(|t| !t.is_null()),
                Err(crate::nutshell::NutshellError::NotFound { .. }) => true,
                Err(e) => return Err(LoadError::Existing(e)),
            };
            if gone {
                let reason = format!(
                    "its Nutshell record {entity_type} {id}, loaded by an earlier run, no longer exists in Nutshell (deleted or merged away there): run `crm-migrate migrate --release-holds` to create it again (the rows that link to it then load in the same run), or leave it held",
                    id = u.id
                );
                batch.deleted_in_nutshell(phase, &u.rsoft_id, entity_type, u.id, reason);
            }
        }
        journal.apply(self.run, batch)?;
        Ok(())
    }

    /// Whether an account or contact found in Nutshell carries, in the legacy-id field, the
    /// RSoft ID of a company, contact or lead this journal knows: then a load of this migration
    /// made it, perhaps in a run killed before the create's answer was journaled. It is not a
    /// record that was there before: the journal owns it (the create left `sending` is resolved
    /// by lookup), so it is never linked as existing, which would also keep rollback from it.
    fn made_by_this_migration(&self, journal: &Journal, record: &Value) -> Result<bool, LoadError> {
        let legacy = self.settings.legacy_id_field.as_str();
        let Some(rsoft_id) = record
            .get("customFields")
            .and_then(|c| c.get(legacy))
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|id| !id.is_empty())
        else {
            return Ok(false);
        };
        for phase in [Phase::Accounts, Phase::Contacts, Phase::Leads] {
            if journal.record(phase, rsoft_id)?.is_some() {
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn phase(
        &self,
        journal: &mut Journal,
        phase: Phase,
        totals: &mut LoadTotals,
    ) -> Result<Tally, LoadError> {
        let module = phase.module();
        let files: Vec<_> = self.export.files_of(module).collect();
        let mut total = 0;
        for file in &files {
            let c = self.export.rows(file)?.drain();
            total += c.read + c.bad;
        }
        self.events.send(Event::PhaseStarted { phase, total });
        let mut tally = Tally::default();
        let mut chunk: Vec<Job> = Vec::new();
        let mut claimed: HashSet<(KeyKind, String)> = HashSet::new();
        let mut seen = FirstRows::new();
        let mut sampled = 0u64;
        for file in files {
            let mut reader = self.export.rows(file)?;
            let file_name = reader.file().to_string();
            let file_arc: Arc<str> = Arc::from(file_name.as_str());
            let mut n = 0u64;
            while let Some(next) = reader.next_row() {
                n += 1;
                if self.cancel.is_cancelled() || self.sample.is_some_and(|s| sampled >= s) {
                    break;
                }
                let row = match next {
                    Ok(row) => row.to_owned(),
                    Err(problem) => {
                        let id = unnamed_row_id(&file_name, problem.line);
                        let failure = Failure {
                            message: format!("the row cannot be read: {}", problem.reason),
                            field: None,
                        };
                        if self.sample.is_none() {
                            let place = (file_name.as_str(), problem.line);
                            self.settle_failed(phase, &id, "", place, failure, &mut tally);
                        }
                        continue;
                    }
                };
                let counted = self
                    .row(
                        journal,
                        phase,
                        (&file_arc, n),
                        &row,
                        &mut chunk,
                        (&mut claimed, &mut seen),
                        &mut tally,
                        totals,
                    )
                    .await?;
                if counted {
                    sampled += 1;
                }
                if chunk.len() >= CHUNK {
                    self.send_chunk(journal, std::mem::take(&mut chunk), &mut tally, totals)
                        .await?;
                    claimed.clear();
                }
            }
        }
        self.send_chunk(journal, chunk, &mut tally, totals).await?;
        Ok(tally)
    }

    /// Handle one row (the `n`th of its file); `true` when it counts toward a sample.
    #[allow(clippy::too_many_arguments)]
    async fn row(
        &self,
        journal: &mut Journal,
        phase: Phase,
        (file, n): (&Arc<str>, u64),
        row: &Row,
        chunk: &mut Vec<Job>,
        (claimed, seen): (&mut HashSet<(KeyKind, String)>, &mut FirstRows),
        tally: &mut Tally,
        totals: &mut LoadTotals,
    ) -> Result<bool, LoadError> {
        let file_name: &str = file;
        let module = phase.module();
        let digest = content_hash(
            module,
            row.headers()
                .names()
                .iter()
                .map(String::as_str)
                .zip(row.fields()),
        );
        let hash = digest.to_string();
        let Some(id) = rsoft_id(module, row, self.map) else {
            let id = unnamed_row_id(file_name, row.line);
            let failure = Failure {
                message: format!(
                    "row {n} has no RSoft ID (the column mapped to the legacy-id field is blank or unmapped)"
                ),
                field: None,
            };
            if self.sample.is_none() {
                self.settle_failed(phase, &id, &hash, (file_name, row.line), failure, tally);
            }
            return Ok(false);
        };
        // A second row with the RSoft ID of an earlier one in this pass is never a second
        // record (Nutshell would hold two, and the journal one): it fails, named by its place.
        match seen.entry(id.clone()) {
            Entry::Occupied(first) => {
                let (first_file, first_line, first_hash) = first.get();
                let message = if *first_hash == digest {
                    format!(
                        "repeats {first_file} line {first_line} (the same RSoft ID {id} with the same values): loaded once, from that line. Remove the repeated row from the export"
                    )
                } else {
                    format!(
                        "has the RSoft ID {id} of {first_file} line {first_line} with other values: only that line is loaded. Decide which row is right, correct the export and run migrate again"
                    )
                };
                if self.sample.is_none() {
                    let place = unnamed_row_id(file_name, row.line);
                    let failure = Failure {
                        message,
                        field: None,
                    };
                    self.settle_failed(phase, &place, &hash, (file_name, row.line), failure, tally);
                }
                return Ok(false);
            }
            Entry::Vacant(slot) => {
                slot.insert((Arc::clone(file), row.line, digest));
            }
        }
        let t = Instant::now();
        let known = journal.record(phase, &id)?;
        totals.journal_time += t.elapsed();
        let mut changed_from = None;
        // A delta's changed merged row: the Nutshell entity type and id of the record it joined.
        let mut recarry: Option<(String, i64)> = None;
        if let Some(k) = &known {
            if self.delta {
                let mut batch = Batch::new();
                batch.seen(phase, &id);
                self.defer(batch);
            }
            // A merged row whose values could not be added to the record it joined (the journal
            // keeps the failure on it) is carried again, like a row not yet loaded.
            let carry_pending = k.state == RecordState::Merged && k.last_error.is_some();
            if k.state.is_settled() && !carry_pending {
                if !self.delta {
                    self.report(phase, &id, RecordOutcome::AlreadyDone, tally);
                    return Ok(false);
                }
                if k.content_hash == hash {
                    let mut batch = Batch::new();
                    batch.delta(phase, &id, DeltaState::Unchanged, &hash, None);
                    self.defer(batch);
                    self.report(phase, &id, RecordOutcome::Unchanged, tally);
                    return Ok(false);
                }
                // A changed merged row carries its new values to the record it joined, as the
                // first run's merge did; any other row that owns no record is kept.
                recarry = match k.state {
                    RecordState::Created => None,
                    RecordState::Merged => merged_into(journal, phase, &id)?,
                    _ => None,
                };
                if k.state != RecordState::Created && recarry.is_none() {
                    let reason = format!(
                        "changed in RSoft, but its Nutshell record is not its own to edit (it was {} in an earlier run)",
                        k.state.as_str()
                    );
                    self.keep(phase, &id, &hash, reason, tally);
                    return Ok(false);
                }
                if recarry.is_none() {
                    changed_from = Some(k.content_hash.clone());
                }
            } else if k.state == RecordState::Held {
                // Every run but a sample builds a held record again: the export may have fixed
                // it, or its parent may have loaded since (earlier in this run, too: phases go
                // parents first). Built again, it is held again with the reasons true now, or
                // loaded. A hold for the operator waits for `--release-holds`, and a sample,
                // which stops early, leaves holds as they are.
                if self.sample.is_some() || !journal.operator_holds(phase, &id)?.is_empty() {
                    let reasons = journal.hold_reasons(phase, &id)?;
                    self.report(phase, &id, RecordOutcome::Held { reasons }, tally);
                    return Ok(false);
                }
                let mut batch = Batch::new();
                batch.release(phase, &id);
                self.defer(batch);
            }
        }
        let record = SourceRecord {
            phase,
            module: module.as_str().to_string(),
            rsoft_id: id.clone(),
            content_hash: hash,
            file: file_name.to_string(),
            line: row.line,
        };
        if changed_from.is_some() {
            // The fresh export may have moved the row: its place is what a failure points at.
            let mut batch = Batch::new();
            batch.register(record.clone());
            self.defer(batch);
        }
        loop {
            let built = {
                let lookups = JournalLookups::new(
                    journal,
                    self.destination,
                    self.owners,
                    self.planned_sources,
                    self.shared_names,
                );
                let t = Instant::now();
                let built = build_record(module, row, self.map, self.settings, &lookups);
                totals.journal_time += t.elapsed();
                if let Some(e) = lookups.take_error() {
                    return Err(e.into());
                }
                built
            };
            let plan = match built {
                Built::Problems { problems } => {
                    if self.sample.is_some() {
                        return Ok(false);
                    }
                    let field = problems
                        .iter()
                        .map(|p| p.column.clone())
                        .find(|c| !c.is_empty());
                    let failure = Failure {
                        message: reasons_text(&problems).join("; "),
                        field,
                    };
                    if let Some(old_hash) = &changed_from {
                        self.edit_failed(phase, &id, old_hash, failure, tally);
                        return Ok(false);
                    }
                    let mut batch = Batch::new();
                    batch.register(record);
                    self.fail(&mut batch, phase, &id, failure, tally);
                    self.defer(batch);
                    return Ok(false);
                }
                Built::Hold { reasons } => {
                    if self.sample.is_some() {
                        return Ok(false);
                    }
                    let reasons = reasons_text(&reasons);
                    if let Some(old_hash) = &changed_from {
                        let failure = Failure {
                            message: format!(
                                "changed in RSoft, and the new row would be held: {}",
                                reasons.join("; ")
                            ),
                            field: None,
                        };
                        self.edit_failed(phase, &id, old_hash, failure, tally);
                        return Ok(false);
                    }
                    let mut batch = Batch::new();
                    batch.register(record);
                    batch.hold(phase, &id, reasons.clone());
                    self.defer(batch);
                    self.report(phase, &id, RecordOutcome::Held { reasons }, tally);
                    return Ok(false);
                }
                Built::Plan(plan) => plan,
            };
            if let Some(old_hash) = &changed_from {
                return self
                    .queue_edit(
                        journal,
                        phase,
                        id,
                        record.content_hash.clone(),
                        old_hash,
                        plan,
                        chunk,
                        tally,
                    )
                    .map(|()| true);
            }
            let keys = claimed_keys(&plan);
            // An account row may also be the account a lead's company name made before the
            // row loaded (its name-only key): the first row of the name is that account.
            let named = (phase == Phase::Accounts)
                .then(|| keys.iter().find(|(k, _)| *k == KeyKind::CompanyName))
                .flatten()
                .map(|(_, name)| (KeyKind::CompanyMatch, name_only_key(name)));
            if keys.iter().chain(&named).any(|k| claimed.contains(k)) {
                // Another record of this chunk claims the same key: send the chunk (its
                // journal writes with it), then build this row again, so it merges into that
                // record or, for a key claimed once, is not matched by it again.
                self.send_chunk(journal, std::mem::take(chunk), tally, totals)
                    .await?;
                claimed.clear();
                continue;
            }
            // Dedupe the row's own record: an account by its match keys, a contact by email.
            if matches!(phase, Phase::Accounts | Phase::Contacts)
                && let Some(own) = plan.record().cloned()
            {
                let own_plan = Plan {
                    creates: vec![own],
                    ..plan.clone()
                };
                let mut hit = None;
                let own_keys = claimed_keys(&own_plan);
                for (kind, key) in own_keys.iter().chain(&named) {
                    if let Some(h) = journal.dedupe(*kind, key)? {
                        // The name alone links to an account that was in Nutshell before
                        // (docs/design.md §2); two rows of the export are one company only when
                        // a website, phone or email domain backs the name, as discovery groups
                        // them: two firms can share a name.
                        if *kind == KeyKind::CompanyName && h.origin != ORIGIN_EXISTING {
                            continue;
                        }
                        hit = Some((*kind, key.clone(), h));
                        break;
                    }
                }
                if let Some((kind, key, hit)) = hit {
                    if let Some((into_type, into)) = recarry
                        .as_ref()
                        .filter(|(t, into)| *into != hit.id || *t != hit.entity_type)
                    {
                        let reason = format!(
                            "changed in RSoft, and it now matches {} {} rather than the record it was merged into ({into_type} {into}): left as it is; merge or split the records by hand",
                            hit.entity_type, hit.id
                        );
                        self.keep(phase, &id, &record.content_hash, reason, tally);
                        return Ok(false);
                    }
                    if chunk.iter().any(|j| {
                        j.carry.as_ref().is_some_and(|c| {
                            c.id == hit.id && c.entity_type.as_str() == hit.entity_type
                        })
                    }) {
                        // Another row of this chunk carries its values to the same record:
                        // send that first, so the two edits do not race for its rev.
                        self.send_chunk(journal, std::mem::take(chunk), tally, totals)
                            .await?;
                        claimed.clear();
                        continue;
                    }
                    let step = step_keys(&own_plan)[0];
                    let new_hash = recarry.as_ref().map(|_| record.content_hash.clone());
                    let mut job = self.dedupe(
                        journal,
                        record,
                        step,
                        (kind, &key),
                        &own_keys,
                        hit,
                        own_plan,
                        tally,
                    )?;
                    if let Some(c) = job.as_mut().and_then(|j| j.carry.as_mut()) {
                        if new_hash.is_some() {
                            // Not a resumed carry: the earlier one finished.
                            c.resumed = false;
                        }
                        c.changed = new_hash;
                    }
                    chunk.extend(job);
                    claimed.extend(own_keys);
                    claimed.extend(named);
                    return Ok(true);
                }
            }
            if let Some((into_type, into)) = &recarry {
                let reason = format!(
                    "changed in RSoft, and it no longer matches the record it was merged into ({into_type} {into}): left as it is; check the row"
                );
                self.keep(phase, &id, &record.content_hash, reason, tally);
                return Ok(false);
            }
            claimed.extend(keys);
            let steps = step_keys(&plan);
            let entities = journal.entities(phase, &id)?;
            let mut known_made = vec![None; steps.len()];
            let mut ambiguous = vec![None; steps.len()];
            for e in entities {
                if let Some(i) = steps.iter().position(|s| *s == e.step) {
                    match (e.state, e.nutshell_id) {
                        (EntityState::Sending, _) => {
                            ambiguous[i] = Some(intent_time(&e));
                        }
                        (_, Some(nid)) => {
                            known_made[i] = Some(Made {
                                id: nid,
                                rev: e.rev.clone(),
                            });
                        }
                        _ => {}
                    }
                }
            }
            let mut batch = Batch::new();
            batch.register(record);
            self.defer(batch);
            chunk.push(Job {
                phase,
                rsoft_id: id,
                plan,
                steps,
                known: known_made,
                ambiguous,
                edit: None,
                carry: None,
            });
            return Ok(true);
        }
    }

    /// Queue a delta's edit of a changed record an earlier run created. A record whose own
    /// entity Nutshell cannot edit (a note), or that the journal has no entity for, is kept
    /// and reported instead.
    #[allow(clippy::too_many_arguments)]
    fn queue_edit(
        &self,
        journal: &Journal,
        phase: Phase,
        id: String,
        hash: String,
        old_hash: &str,
        plan: Plan,
        chunk: &mut Vec<Job>,
        tally: &mut Tally,
    ) -> Result<(), LoadError> {
        let steps = step_keys(&plan);
        let entities = journal.entities(phase, &id)?;
        let known: Vec<Option<Made>> = steps
            .iter()
            .map(|s| {
                entities
                    .iter()
                    .find(|e| e.step == *s && e.state == EntityState::Created)
                    .and_then(|e| {
                        e.nutshell_id.map(|nid| Made {
                            id: nid,
                            rev: e.rev.clone(),
                        })
                    })
            })
            .collect();
        let index = plan.creates.iter().position(|c| c.role == Role::Record);
        let editable = index.filter(|i| {
            known[*i].is_some()
                && plan.creates[*i]
                    .entity_type
                    .methods()
                    .is_some_and(|m| m.edit.is_some())
        });
        let Some(index) = editable else {
            let reason = match index.map(|i| plan.creates[i].entity_type) {
                Some(EntityType::Notes) => "changed in RSoft, but it is a Nutshell note, which only its author can edit and only for 24 hours: change it in Nutshell by hand".to_string(),
                _ => "changed in RSoft, but the journal has no Nutshell record of its own to edit".to_string(),
            };
            self.keep(phase, &id, &hash, reason, tally);
            return Ok(());
        };
        let ambiguous = vec![None; steps.len()];
        chunk.push(Job {
            phase,
            rsoft_id: id,
            plan,
            steps,
            known,
            ambiguous,
            edit: Some(Edit {
                index,
                hash,
                old_hash: old_hash.to_string(),
            }),
            carry: None,
        });
        Ok(())
    }

    /// Settle a changed record whose edit cannot be made: it stays loaded as it was, the
    /// ledger keeps `old_hash` (the next delta tries again) and the failure is reported.
    fn edit_failed(
        &self,
        phase: Phase,
        id: &str,
        old_hash: &str,
        failure: Failure,
        tally: &mut Tally,
    ) {
        let mut batch = Batch::new();
        batch.delta(
            phase,
            id,
            DeltaState::EditFailed,
            old_hash,
            Some(failure.clone()),
        );
        self.defer(batch);
        let outcome = RecordOutcome::Failed {
            message: failure.message,
            field: failure.field,
        };
        self.report(phase, id, outcome, tally);
    }

    /// Settle a changed record the delta leaves as it is in Nutshell, with the reason.
    fn keep(&self, phase: Phase, id: &str, hash: &str, reason: String, tally: &mut Tally) {
        let mut batch = Batch::new();
        batch.delta(phase, id, DeltaState::Kept, hash, None);
        self.defer(batch);
        self.report(phase, id, RecordOutcome::Kept { reason }, tally);
    }

    async fn send_chunk(
        &self,
        journal: &mut Journal,
        chunk: Vec<Job>,
        tally: &mut Tally,
        totals: &mut LoadTotals,
    ) -> Result<(), LoadError> {
        if chunk.is_empty() {
            // Still commit what was deferred: the phase ends here.
            return self.write(journal, Batch::new(), totals);
        }
        // Intents first, in one transaction, for every create not yet made.
        let mut intents = Batch::new();
        for job in chunk.iter().filter(|j| j.carry.is_none()) {
            for (i, c) in job.plan.creates.iter().enumerate() {
                if job.known[i].is_none() {
                    intents.intent(job.phase, &job.rsoft_id, job.steps[i], c.entity_type);
                }
            }
        }
        self.write(journal, intents, totals)?;
        let mut set = JoinSet::new();
        let legacy: Arc<str> = Arc::from(self.settings.legacy_id_field.as_str());
        for job in chunk {
            let sender = Arc::clone(&self.sender);
            let legacy = Arc::clone(&legacy);
            set.spawn(async move { send_job(&sender, &legacy, job).await });
        }
        let mut outcomes = Batch::new();
        let mut reports = Vec::new();
        let mut last_throttle = Instant::now();
        while let Some(done) = set.join_next().await {
            let Ok(done) = done else {
                continue;
            };
            reports.push(self.outcome(&mut outcomes, done));
            if last_throttle.elapsed() > Duration::from_millis(250)
                && let Some(c) = self.sender.client()
            {
                self.events.send(Event::Throttle(c.snapshot()));
                last_throttle = Instant::now();
            }
        }
        self.write(journal, outcomes, totals)?;
        for (phase, id, outcome) in reports {
            self.report(phase, &id, outcome, tally);
        }
        Ok(())
    }

    /// Write a finished job's outcome into `batch`; returns the event to report.
    fn outcome(&self, batch: &mut Batch, done: Done) -> (Phase, String, RecordOutcome) {
        let Done { job, made, end } = done;
        if let Some(carry) = &job.carry {
            return self.carry_outcome(batch, &job, carry, end);
        }
        let (phase, id) = (job.phase, job.rsoft_id.clone());
        let mut any_created = false;
        for (i, m) in made.iter().enumerate() {
            let Some(m) = m else { continue };
            any_created = true;
            if job.known[i].is_some() {
                continue;
            }
            let create = &job.plan.creates[i];
            batch.entity(
                phase,
                &id,
                job.steps[i],
                EntityOutcome {
                    state: EntityState::Created,
                    entity_type: create.entity_type.as_str().to_string(),
                    id: m.id,
                    rev: m.rev.clone(),
                },
            );
            for (kind, key) in claimed_keys(&Plan {
                creates: vec![create.clone()],
                ..job.plan.clone()
            }) {
                batch.key(kind, &key, create.entity_type, m.id, ORIGIN_CREATED);
            }
        }
        if let Some(anchor) = job.plan.anchor {
            batch.anchor(phase, &id, anchor.entity_type, anchor.id);
        }
        if let Some(edit) = &job.edit {
            return self.edit_outcome(batch, &job, edit, &made, end);
        }
        match end {
            JobEnd::Ok => {
                let state = if any_created || job.plan.creates.is_empty() {
                    RecordState::Created
                } else {
                    RecordState::Linked
                };
                batch.finish(phase, &id, state, None);
                if !job.plan.caveats.is_empty() {
                    // What the builder had to choose stays with the row: outcomes.csv shows it.
                    batch.caveats(phase, &id, &job.plan.caveats);
                }
                (
                    phase,
                    id,
                    RecordOutcome::Created {
                        caveats: job.plan.caveats.clone(),
                    },
                )
            }
            JobEnd::Refused { step, failure } => {
                if let Some(step) = step {
                    batch.forget(phase, &id, job.steps[step]);
                }
                let outcome = failed(batch, phase, &id, failure);
                (phase, id, outcome)
            }
            JobEnd::Unknown { step, message } => {
                if job.plan.creates[step].entity_type == EntityType::Notes {
                    let reason = format!(
                        "{message}; check the record it belongs to for this note, delete it if it is there, then run migrate --release-holds"
                    );
                    batch.forget(phase, &id, job.steps[step]);
                    batch.hold_for_operator(phase, &id, reason.clone());
                    (
                        phase,
                        id,
                        RecordOutcome::Held {
                            reasons: vec![reason],
                        },
                    )
                } else {
                    let failure = Failure {
                        message: format!(
                            "the outcome of a create is unknown ({message}); the next run looks the record up before sending anything"
                        ),
                        field: None,
                    };
                    let outcome = failed(batch, phase, &id, failure);
                    (phase, id, outcome)
                }
            }
            JobEnd::EditRefused(failure) => {
                let outcome = failed(batch, phase, &id, failure);
                (phase, id, outcome)
            }
            JobEnd::Carried(_) => {
                let failure = Failure {
                    message: "internal: a carry's end reached a create's outcome".into(),
                    field: None,
                };
                let outcome = failed(batch, phase, &id, failure);
                (phase, id, outcome)
            }
        }
    }

    /// Write a delta edit's outcome: the new rev and content hash, or the refusal (the ledger
    /// keeps the old hash so the next delta tries again; the record stays loaded).
    fn edit_outcome(
        &self,
        batch: &mut Batch,
        job: &Job,
        edit: &Edit,
        made: &[Option<Made>],
        end: JobEnd,
    ) -> (Phase, String, RecordOutcome) {
        let (phase, id) = (job.phase, job.rsoft_id.clone());
        let failure = match end {
            JobEnd::Ok => None,
            JobEnd::EditRefused(f) | JobEnd::Refused { failure: f, .. } => Some(f),
            JobEnd::Unknown { message, .. } | JobEnd::Carried(Err(message)) => Some(Failure {
                message,
                field: None,
            }),
            JobEnd::Carried(Ok(_)) => Some(Failure {
                message: "internal: a carry's end reached a delta edit's outcome".into(),
                field: None,
            }),
        };
        if let Some(failure) = failure {
            batch.delta(
                phase,
                &id,
                DeltaState::EditFailed,
                &edit.old_hash,
                Some(failure.clone()),
            );
            let outcome = RecordOutcome::Failed {
                message: failure.message,
                field: failure.field,
            };
            return (phase, id, outcome);
        }
        let create = &job.plan.creates[edit.index];
        if let Some(Some(m)) = made.get(edit.index) {
            batch.entity(
                phase,
                &id,
                job.steps[edit.index],
                EntityOutcome {
                    state: EntityState::Created,
                    entity_type: create.entity_type.as_str().to_string(),
                    id: m.id,
                    rev: m.rev.clone(),
                },
            );
        }
        batch.delta(phase, &id, DeltaState::Edited, &edit.hash, None);
        // The edited record's caveats are the new row's: the first run's no longer hold.
        batch.caveats(phase, &id, &job.plan.caveats);
        let fields = create
            .entity_type
            .methods()
            .and_then(|m| create.params.get(m.body_param()))
            .and_then(Value::as_object)
            .map(|b| b.keys().cloned().collect())
            .unwrap_or_default();
        (phase, id, RecordOutcome::Edited { fields })
    }

    /// A record that is an account or contact that exists already (`matched` is the key it
    /// matched by): linked to one that was in Nutshell, merged into one this migration
    /// created. Its other keys (`own_keys`) now lead to that record too, so a third row
    /// sharing any of them lands there as well. Nothing is created for it: the job returned
    /// carries its values to that record ([`Carry`]), and its outcome settles the row. Until
    /// then the row stays pending, so a run killed before the carry's outcome carries it again.
    #[allow(clippy::too_many_arguments)]
    fn dedupe(
        &self,
        journal: &Journal,
        record: SourceRecord,
        step: u32,
        (kind, key): (KeyKind, &str),
        own_keys: &[(KeyKind, String)],
        hit: KeyHit,
        own_plan: Plan,
        tally: &mut Tally,
    ) -> Result<Option<Job>, LoadError> {
        let (phase, id) = (record.phase, record.rsoft_id.clone());
        let existing = hit.origin == ORIGIN_EXISTING;
        let what = match kind {
            KeyKind::CompanyName => format!("company name {key:?}"),
            KeyKind::CompanyMatch => match backing_of(key) {
                Some((Backing::Phone, _)) => "company name and phone".to_string(),
                Some((backing, value)) => format!("company name and {} {value}", backing.label()),
                None => "company name, made for a lead that named it".to_string(),
            },
            KeyKind::Email => format!("email {key}"),
        };
        let mut target = format!("{} {} (same {what})", hit.entity_type, hit.id);
        if existing && kind == KeyKind::CompanyName {
            // Design §2 links an account already in Nutshell by name; say when nothing else
            // backs it, since two firms can share a name.
            let mut backed = false;
            for (k, v) in own_keys {
                if *k == KeyKind::CompanyMatch && backing_of(v).is_some() {
                    backed |= journal
                        .dedupe(*k, v)?
                        .is_some_and(|h| h.id == hit.id && h.entity_type == hit.entity_type);
                }
            }
            if !backed {
                target.push_str(
                    " by name alone: no website, phone or email domain of the row is on that \
                     account; check it is the same firm",
                );
            }
        }
        let entity_state = if existing {
            EntityState::Linked
        } else {
            EntityState::Merged
        };
        let mut batch = Batch::new();
        batch.register(record);
        if kind == KeyKind::CompanyMatch && backing_of(key).is_none() {
            // A name-only key is claimed once: a second row of the name is another firm.
            batch.unkey(kind, key);
        }
        let entity_type = EntityType::from_name(&hit.entity_type);
        if let Some(entity_type) = entity_type {
            for (k, v) in own_keys {
                batch.key(*k, v, entity_type, hit.id, &hit.origin);
            }
        }
        batch.entity(
            phase,
            &id,
            step,
            EntityOutcome {
                state: entity_state,
                entity_type: hit.entity_type.clone(),
                id: hit.id,
                rev: None,
            },
        );
        self.defer(batch);
        let body = own_plan.record_body().cloned();
        let (Some(entity_type), Some(body)) = (entity_type, body) else {
            // Nothing to carry (no body, or a record type this binary does not know).
            let (state, outcome) = if existing {
                let to = format!("{target}, already in Nutshell");
                let not_sent = Vec::new();
                (RecordState::Linked, RecordOutcome::Linked { to, not_sent })
            } else {
                let (added, not_sent) = (Vec::new(), Vec::new());
                let into = target;
                (
                    RecordState::Merged,
                    RecordOutcome::Merged {
                        into,
                        added,
                        not_sent,
                    },
                )
            };
            let mut batch = Batch::new();
            batch.finish(phase, &id, state, None);
            self.defer(batch);
            self.report(phase, &id, outcome, tally);
            return Ok(None);
        };
        let first = if existing {
            None
        } else {
            journal
                .creator_of(entity_type, hit.id)?
                .map(|(_, first)| first)
        };
        let resumed = journal
            .entities(phase, &id)?
            .iter()
            .any(|e| e.state == entity_state && e.nutshell_id == Some(hit.id));
        let steps = step_keys(&own_plan);
        Ok(Some(Job {
            phase,
            rsoft_id: id,
            known: vec![None; steps.len()],
            ambiguous: vec![None; steps.len()],
            steps,
            plan: own_plan,
            edit: None,
            carry: Some(Carry {
                entity_type,
                id: hit.id,
                add: !existing,
                target,
                first,
                resumed,
                body,
                changed: None,
            }),
        }))
    }

    /// Write a carry's outcome: a merged row settles merged (a delta's changed one also takes its
    /// new content hash, as edited), with what was added to the record
    /// it joined (that record's write time and rev updated when an edit was sent, see
    /// [`Batch::wrote`]) and its differing fields, which were not sent, noted; a carry that
    /// failed leaves the row merged with the failure, so the next run carries it again. A linked
    /// row settles linked, with the values the record lacks noted as not sent.
    fn carry_outcome(
        &self,
        batch: &mut Batch,
        job: &Job,
        carry: &Carry,
        end: JobEnd,
    ) -> (Phase, String, RecordOutcome) {
        let (phase, id) = (job.phase, job.rsoft_id.clone());
        let result = match end {
            JobEnd::Carried(result) => result,
            _ => Err("internal: a carry ended as a create".to_string()),
        };
        let legacy = self.settings.legacy_id_field.as_str();
        if !carry.add {
            let not_sent = match result {
                Ok((carried, _)) => {
                    let mut not_sent = carried.added;
                    not_sent.extend(carried.differing.into_iter().map(|(field, ours, theirs)| {
                        format!("{field} {ours} (the record has {theirs})")
                    }));
                    not_sent
                }
                Err(e) => {
                    // The record could not be read: every multi-value item of the row is
                    // listed, since which of them it lacks is not known.
                    let mut all = lacking(carry.entity_type, None, &carry.body, legacy).added;
                    all.push(format!("(the record could not be read: {e})"));
                    all
                }
            };
            if !not_sent.is_empty() {
                batch.note(
                    phase,
                    &id,
                    format!(
                        "not sent ({} was in Nutshell before the migration, which does not edit it): {}",
                        carry.target,
                        not_sent.join("; ")
                    ),
                );
            }
            batch.finish(phase, &id, RecordState::Linked, None);
            let to = format!("{}, already in Nutshell", carry.target);
            return (phase, id, RecordOutcome::Linked { to, not_sent });
        }
        match result {
            Ok((carried, made)) => {
                // The write time rollback compares `modifiedTime` with moves to now after this
                // edit, and after one a killed run may have sent (nothing is lacking now).
                if made.is_some() || (carry.resumed && carried.added.is_empty()) {
                    batch.wrote(carry.entity_type, carry.id, made.and_then(|m| m.rev));
                }
                let first = carry.first.as_deref().unwrap_or("the first row");
                let not_sent: Vec<String> = carried
                    .differing
                    .into_iter()
                    .map(|(field, ours, theirs)| {
                        format!("kept {first}'s {field} {theirs}; {id}'s {ours} not sent")
                    })
                    .collect();
                let mut note = Vec::new();
                if !carried.added.is_empty() {
                    note.push(format!("added to it: {}", carried.added.join(", ")));
                }
                note.extend(not_sent.iter().cloned());
                if !note.is_empty() {
                    batch.note(phase, &id, note.join("; "));
                }
                batch.finish(phase, &id, RecordState::Merged, None);
                if let Some(hash) = &carry.changed {
                    batch.delta(phase, &id, DeltaState::Edited, hash, None);
                }
                let outcome = RecordOutcome::Merged {
                    into: carry.target.clone(),
                    added: carried.added,
                    not_sent,
                };
                (phase, id, outcome)
            }
            Err(message) => {
                let failure = Failure {
                    message: format!(
                        "merged into {}, but adding its values to that record failed: {message}; the next run tries again",
                        carry.target
                    ),
                    field: None,
                };
                batch.finish(phase, &id, RecordState::Merged, Some(failure.clone()));
                let outcome = RecordOutcome::Failed {
                    message: failure.message,
                    field: None,
                };
                (phase, id, outcome)
            }
        }
    }

    fn fail(&self, batch: &mut Batch, phase: Phase, id: &str, failure: Failure, tally: &mut Tally) {
        let outcome = failed(batch, phase, id, failure);
        self.report(phase, id, outcome, tally);
    }

    #[allow(clippy::too_many_arguments)]
    fn settle_failed(
        &self,
        phase: Phase,
        id: &str,
        hash: &str,
        (file, line): (&str, u64),
        failure: Failure,
        tally: &mut Tally,
    ) {
        let mut batch = Batch::new();
        batch.register(SourceRecord {
            phase,
            module: phase.module().as_str().to_string(),
            rsoft_id: id.to_string(),
            content_hash: hash.to_string(),
            file: file.to_string(),
            line,
        });
        self.fail(&mut batch, phase, id, failure, tally);
        self.defer(batch);
    }

    /// Commit `batch` now, after any deferred writes.
    fn write(
        &self,
        journal: &mut Journal,
        batch: Batch,
        totals: &mut LoadTotals,
    ) -> Result<(), LoadError> {
        let mut all = self.take_deferred();
        all.append(batch);
        let t = Instant::now();
        journal.apply(self.run, all)?;
        totals.journal_time += t.elapsed();
        Ok(())
    }

    /// Queue `batch` for the next commit.
    fn defer(&self, batch: Batch) {
        if let Ok(mut d) = self.deferred.lock() {
            d.append(batch);
        }
    }

    fn take_deferred(&self) -> Batch {
        self.deferred
            .lock()
            .map(|mut d| std::mem::take(&mut *d))
            .unwrap_or_default()
    }

    fn report(&self, phase: Phase, id: &str, outcome: RecordOutcome, tally: &mut Tally) {
        tally.add(&outcome);
        self.events.send(Event::Record {
            phase,
            rsoft_id: id.to_string(),
            outcome,
        });
    }
}

/// Mark a record failed in `batch`; the event that says so.
fn failed(batch: &mut Batch, phase: Phase, id: &str, failure: Failure) -> RecordOutcome {
    batch.finish(phase, id, RecordState::Failed, Some(failure.clone()));
    RecordOutcome::Failed {
        message: failure.message,
        field: failure.field,
    }
}

fn intent_time(e: &crate::journal::EntityRow) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(&e.at)
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|_| Utc::now() - chrono::Duration::days(1))
}

/// Send one record's creates in order, resolving ambiguous ones by lookup, then its follow-ups.
async fn send_job(sender: &Sender, legacy: &str, job: Job) -> Done {
    if let Some(c) = &job.carry {
        let result = sender
            .carry(c.entity_type, c.id, &c.body, c.add, legacy)
            .await
            .map_err(|e| e.to_string());
        return Done {
            job,
            made: Vec::new(),
            end: JobEnd::Carried(result),
        };
    }
    let mut made = job.known.clone();
    for i in 0..job.plan.creates.len() {
        if let Some(edit) = job.edit.as_ref().filter(|e| e.index == i) {
            let ids: Vec<i64> = made
                .iter()
                .map(|m| m.as_ref().map_or(0, |m| m.id))
                .collect();
            let create = &job.plan.creates[i];
            let body = job.plan.params_with(i, &ids).and_then(|p| {
                let param = create.entity_type.methods()?.body_param();
                p.get(param)?.as_object().cloned()
            });
            let (Some(body), Some(Some(own))) = (body, made.get(edit.index)) else {
                let failure = Failure {
                    message: "internal: the edit has no body or no record to edit".into(),
                    field: None,
                };
                return Done {
                    job,
                    made,
                    end: JobEnd::EditRefused(failure),
                };
            };
            match sender.edit(create.entity_type, own.id, &body).await {
                Ok(m) => made[i] = Some(m),
                Err(e) => {
                    let failure = Failure {
                        field: field_at_fault(&e),
                        message: format!("the edit failed: {e}"),
                    };
                    return Done {
                        job,
                        made,
                        end: JobEnd::EditRefused(failure),
                    };
                }
            }
            continue;
        }
        if made[i].is_some() {
            continue;
        }
        let ids: Vec<i64> = made
            .iter()
            .map(|m| m.as_ref().map_or(0, |m| m.id))
            .collect();
        let create = &job.plan.creates[i];
        let Some(params) = job.plan.params_with(i, &ids) else {
            let failure = Failure {
                message: "internal: a create refers to one that was not made".into(),
                field: None,
            };
            return Done {
                job,
                made,
                end: JobEnd::Refused {
                    step: Some(i),
                    failure,
                },
            };
        };
        let mut since = job.ambiguous[i];
        let mut attempts = 0;
        loop {
            if let Some(when) = since {
                match sender
                    .find_made(create.entity_type, &params, legacy, &job.rsoft_id, when)
                    .await
                {
                    Ok(Some(m)) => {
                        made[i] = Some(m);
                        break;
                    }
                    Ok(None) => {}
                    Err(message) => {
                        return Done {
                            job,
                            made,
                            end: JobEnd::Unknown { step: i, message },
                        };
                    }
                }
            }
            attempts += 1;
            let started = Utc::now();
            match sender.create(create.entity_type, &params).await {
                StepEnd::Made(m) => {
                    made[i] = Some(m);
                    break;
                }
                StepEnd::Refused(e) => {
                    let failure = Failure {
                        field: field_at_fault(&e),
                        message: e.to_string(),
                    };
                    return Done {
                        job,
                        made,
                        end: JobEnd::Refused {
                            step: Some(i),
                            failure,
                        },
                    };
                }
                StepEnd::Unknown(message) if attempts >= 3 => {
                    return Done {
                        job,
                        made,
                        end: JobEnd::Unknown { step: i, message },
                    };
                }
                // Look it up on the spot before anything is sent again.
                StepEnd::Unknown(_) => since = Some(started),
            }
        }
    }
    if job
        .plan
        .creates
        .iter()
        .any(|c| c.role == Role::Record || c.role == Role::Person)
        && let Err(e) = sender.follow_ups(&job.plan, &made).await
    {
        let failure = Failure {
            field: field_at_fault(&e),
            message: format!("created, but the follow-up failed: {e}"),
        };
        return Done {
            job,
            made,
            end: JobEnd::Refused {
                step: None,
                failure,
            },
        };
    }
    Done {
        job,
        made,
        end: JobEnd::Ok,
    }
}
