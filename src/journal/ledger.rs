//! Batched writes to the ledger: registering source records, intents before creates, outcomes
//! after, holds and dedupe keys. One [`Batch`] is one transaction.

use rusqlite::{OptionalExtension, Transaction};

use crate::nutshell::EntityType;

use super::{
    DeltaState, EntityState, Journal, JournalError, KeyKind, Phase, RecordState, RunId, now,
};

/// A source record as the load first sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRecord {
    /// The phase (load order) the record belongs to.
    pub phase: Phase,
    /// The RSoft module's name (`rsoft::Module` in snake case), for reports.
    pub module: String,
    /// The record's RSoft ID (unique within its phase).
    pub rsoft_id: String,
    /// The record builder's content hash of the source row.
    pub content_hash: String,
    /// The export file holding the row, as the export names it (`Companies.csv`).
    pub file: String,
    /// The 1-based line the row starts on in `file`.
    pub line: u64,
}

/// Why a record failed: the API's (or the builder's) message and the payload field at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The API's (or the builder's) message, as given.
    pub message: String,
    /// The field of the payload (or the source column) at fault, when known.
    pub field: Option<String>,
}

/// A Nutshell entity a record now owns (created, linked or merged).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityOutcome {
    /// Created, linked or merged (or sending, for an intent).
    pub state: EntityState,
    /// Nutshell's entity type (`"Accounts"`, …).
    pub entity_type: String,
    /// The entity's Nutshell id.
    pub id: i64,
    /// The `rev` Nutshell returned, kept for a later edit or delete.
    pub rev: Option<String>,
}

#[derive(Debug, Clone)]
enum Op {
    Register(SourceRecord),
    Intent {
        phase: Phase,
        rsoft_id: String,
        step: u32,
        entity_type: String,
    },
    Entity {
        phase: Phase,
        rsoft_id: String,
        step: u32,
        outcome: EntityOutcome,
    },
    Forget {
        phase: Phase,
        rsoft_id: String,
        step: u32,
    },
    Finish {
        phase: Phase,
        rsoft_id: String,
        state: RecordState,
        failure: Option<Failure>,
    },
    Hold {
        phase: Phase,
        rsoft_id: String,
        reasons: Vec<String>,
        for_operator: bool,
    },
    /// The record's Nutshell entity is gone from Nutshell: forget it, and hold the record for
    /// the operator.
    DeletedInNutshell {
        phase: Phase,
        rsoft_id: String,
        entity_type: String,
        id: i64,
        reason: String,
    },
    Anchor {
        phase: Phase,
        rsoft_id: String,
        entity_type: String,
        id: i64,
    },
    Unkey {
        kind: KeyKind,
        key: String,
    },
    Key {
        kind: KeyKind,
        key: String,
        entity_type: String,
        id: i64,
        origin: String,
    },
    Seen {
        phase: Phase,
        rsoft_id: String,
    },
    Delta {
        phase: Phase,
        rsoft_id: String,
        state: DeltaState,
        content_hash: String,
        failure: Option<Failure>,
    },
    Release {
        phase: Phase,
        rsoft_id: String,
    },
    Note {
        phase: Phase,
        rsoft_id: String,
        /// `None` clears an earlier note.
        note: Option<String>,
    },
    Wrote {
        entity_type: String,
        id: i64,
        rev: Option<String>,
    },
}

/// Writes collected by the load and applied in one transaction by [`Journal::apply`].
#[derive(Debug, Default, Clone)]
pub struct Batch {
    ops: Vec<Op>,
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// No writes collected.
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// Writes collected.
    pub fn len(&self) -> usize {
        self.ops.len()
    }

    /// Move every write of `other` to the end of this batch.
    pub fn append(&mut self, mut other: Batch) {
        self.ops.append(&mut other.ops);
    }

    /// Add a source record as `pending` if the journal does not know it. A known record that
    /// is still pending or failed takes the new content hash; a settled one keeps its own. Every
    /// known record takes the row's place in the export (file and line), which a fresh export
    /// may have moved.
    pub fn register(&mut self, record: SourceRecord) {
        self.ops.push(Op::Register(record));
    }

    /// The intent: step `step` of the record is about to be sent as a create of `entity_type`.
    /// Marks the record `sending` and counts an attempt.
    pub fn intent(&mut self, phase: Phase, rsoft_id: &str, step: u32, entity_type: EntityType) {
        self.ops.push(Op::Intent {
            phase,
            rsoft_id: rsoft_id.to_owned(),
            step,
            entity_type: entity_type.as_str().to_owned(),
        });
    }

    /// Step `step` of the record is now `outcome` (created, linked or merged).
    pub fn entity(&mut self, phase: Phase, rsoft_id: &str, step: u32, outcome: EntityOutcome) {
        self.ops.push(Op::Entity {
            phase,
            rsoft_id: rsoft_id.to_owned(),
            step,
            outcome,
        });
    }

    /// Step `step` was surely not created (a definite refusal): drop its intent.
    pub fn forget(&mut self, phase: Phase, rsoft_id: &str, step: u32) {
        self.ops.push(Op::Forget {
            phase,
            rsoft_id: rsoft_id.to_owned(),
            step,
        });
    }

    /// The record's final state for this run (`failure` for [`RecordState::Failed`]).
    pub fn finish(
        &mut self,
        phase: Phase,
        rsoft_id: &str,
        state: RecordState,
        failure: Option<Failure>,
    ) {
        self.ops.push(Op::Finish {
            phase,
            rsoft_id: rsoft_id.to_owned(),
            state,
            failure,
        });
    }

    /// Hold the record with its reasons: what it waits for (a parent, a lookup). Every run
    /// builds it again, and loads it once they resolve.
    pub fn hold(&mut self, phase: Phase, rsoft_id: &str, reasons: Vec<String>) {
        self.ops.push(Op::Hold {
            phase,
            rsoft_id: rsoft_id.to_owned(),
            reasons,
            for_operator: false,
        });
    }

    /// Hold the record until the operator has looked (a note whose create may have reached
    /// Nutshell): no run sends it again until `migrate --release-holds`
    /// ([`Journal::release_holds`]).
    pub fn hold_for_operator(&mut self, phase: Phase, rsoft_id: &str, reason: String) {
        self.ops.push(Op::Hold {
            phase,
            rsoft_id: rsoft_id.to_owned(),
            reasons: vec![reason],
            for_operator: true,
        });
    }

    /// The record's Nutshell entity (`entity_type` `id`, which the journal had for it) no
    /// longer exists in Nutshell: its entity and the dedupe keys naming that id are forgotten
    /// (nothing links to it, merges into it or counts it as made), and the record is held for
    /// the operator with `reason` ([`Batch::hold_for_operator`]): `migrate --release-holds`
    /// creates it again.
    pub fn deleted_in_nutshell(
        &mut self,
        phase: Phase,
        rsoft_id: &str,
        entity_type: EntityType,
        id: i64,
        reason: String,
    ) {
        self.ops.push(Op::DeletedInNutshell {
            phase,
            rsoft_id: rsoft_id.to_owned(),
            entity_type: entity_type.as_str().to_owned(),
            id,
            reason,
        });
    }

    /// The record notes about this record attach to (a ticket's contact or account).
    pub fn anchor(&mut self, phase: Phase, rsoft_id: &str, entity_type: EntityType, id: i64) {
        self.ops.push(Op::Anchor {
            phase,
            rsoft_id: rsoft_id.to_owned(),
            entity_type: entity_type.as_str().to_owned(),
            id,
        });
    }

    /// A dedupe key now points at a Nutshell entity (`origin`: "created", "existing").
    /// The first writer of a key wins.
    pub fn key(
        &mut self,
        kind: KeyKind,
        key: &str,
        entity_type: EntityType,
        id: i64,
        origin: &str,
    ) {
        self.ops.push(Op::Key {
            kind,
            key: key.to_owned(),
            entity_type: entity_type.as_str().to_owned(),
            id,
            origin: origin.to_owned(),
        });
    }

    /// A dedupe key leads nowhere any more (a key that may be claimed once).
    pub fn unkey(&mut self, kind: KeyKind, key: &str) {
        self.ops.push(Op::Unkey {
            kind,
            key: key.to_owned(),
        });
    }
}

impl Batch {
    /// This run read the record in the export (a delta reports settled records it never saw as
    /// deleted in RSoft). A record the journal does not know yet is left alone.
    pub fn seen(&mut self, phase: Phase, rsoft_id: &str) {
        self.ops.push(Op::Seen {
            phase,
            rsoft_id: rsoft_id.to_owned(),
        });
    }

    /// What this delta did with a settled record; `content_hash` becomes the ledger's (the
    /// row as Nutshell now has it; the old one after a refused edit, so the next delta tries
    /// again). `failure`: why an edit was refused.
    pub fn delta(
        &mut self,
        phase: Phase,
        rsoft_id: &str,
        state: DeltaState,
        content_hash: &str,
        failure: Option<Failure>,
    ) {
        self.ops.push(Op::Delta {
            phase,
            rsoft_id: rsoft_id.to_owned(),
            state,
            content_hash: content_hash.to_owned(),
            failure,
        });
    }

    /// What a merged or linked record's values came to, or what the builder had to choose for a
    /// created one (its caveats), in the operator's words (shown with the merge in the report,
    /// and in outcomes.csv); replaces an earlier note.
    pub fn note(&mut self, phase: Phase, rsoft_id: &str, note: String) {
        self.ops.push(Op::Note {
            phase,
            rsoft_id: rsoft_id.to_owned(),
            note: Some(note),
        });
    }

    /// The note of a record the migration created, from what its builder had to choose
    /// (`caveats`), replacing any earlier note: a delta's edit of a record whose new row needs
    /// no caveat clears the first run's, so outcomes.csv never shows a stale one.
    pub fn caveats(&mut self, phase: Phase, rsoft_id: &str, caveats: &[String]) {
        self.ops.push(Op::Note {
            phase,
            rsoft_id: rsoft_id.to_owned(),
            note: (!caveats.is_empty()).then(|| caveats.join("; ")),
        });
    }

    /// The migration edited the entity it created as Nutshell's `entity_type` `id` (a merged
    /// row's values added to it): its write time becomes now, so rollback does not take this
    /// edit for a person's (a `modifiedTime` later than the migration's last write), and its
    /// rev becomes `rev` when Nutshell answered one.
    pub fn wrote(&mut self, entity_type: EntityType, id: i64, rev: Option<String>) {
        self.ops.push(Op::Wrote {
            entity_type: entity_type.as_str().to_owned(),
            id,
            rev,
        });
    }

    /// Release one record's hold (the fresh export changed it): back to `pending`, with the
    /// hold reasons marked released.
    pub fn release(&mut self, phase: Phase, rsoft_id: &str) {
        self.ops.push(Op::Release {
            phase,
            rsoft_id: rsoft_id.to_owned(),
        });
    }
}

impl Journal {
    /// Apply a batch in one transaction on behalf of `run`.
    pub fn apply(&mut self, run: RunId, batch: Batch) -> Result<(), JournalError> {
        if batch.ops.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        let at = now();
        for op in batch.ops {
            apply_op(&tx, run, &at, op)?;
        }
        tx.commit()?;
        Ok(())
    }
}

fn ledger_id(tx: &Transaction<'_>, phase: Phase, rsoft_id: &str) -> Result<i64, JournalError> {
    tx.prepare_cached("SELECT id FROM ledger WHERE phase = ?1 AND rsoft_id = ?2")?
        .query_row((phase.as_str(), rsoft_id), |r| r.get(0))
        .optional()?
        .ok_or_else(|| {
            JournalError::Unknown(format!(
                "{} record {rsoft_id} was written before it was registered",
                phase.as_str()
            ))
        })
}

/// Hold ledger row `id` with `reasons` (its earlier reasons released); `for_operator` keeps it
/// held until `migrate --release-holds`.
fn hold(
    tx: &Transaction<'_>,
    (run, at): (RunId, &str),
    id: i64,
    reasons: &[String],
    for_operator: bool,
) -> Result<(), JournalError> {
    tx.prepare_cached(
        "UPDATE holds SET released_at = ?1 WHERE ledger_id = ?2 AND released_at IS NULL",
    )?
    .execute((at, id))?;
    for reason in reasons {
        tx.prepare_cached(
            "INSERT INTO holds (ledger_id, reason, run_id, at, for_operator)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?
        .execute((id, reason, run, at, for_operator))?;
    }
    tx.prepare_cached(
        "UPDATE ledger SET state = 'held', last_error = NULL, error_field = NULL,
           run_id = ?1, updated_at = ?2 WHERE id = ?3",
    )?
    .execute((run, at, id))?;
    Ok(())
}

/// A record's outcome as one ledger UPDATE writes it: the load's (`state`, `run_id`) or a
/// delta's (`delta_state`, `delta_run`, and the content hash the delta leaves), with the failure
/// pair (`last_error`, `error_field`) cleared when there is no failure.
struct Outcome<'a> {
    update: &'static str,
    state: &'a str,
    content_hash: Option<&'a str>,
    failure: Option<Failure>,
}

/// The load's end of a record: its state and the run that set it. `?3` keeps the content hash.
const FINISH: &str = "UPDATE ledger SET state = ?1, run_id = ?2,
       content_hash = COALESCE(?3, content_hash), last_error = ?4, error_field = ?5,
       updated_at = ?6 WHERE phase = ?7 AND rsoft_id = ?8";

/// A delta's end of a record: its delta state, the delta's run and the content hash it leaves.
const DELTA: &str = "UPDATE ledger SET delta_state = ?1, delta_run = ?2,
       content_hash = COALESCE(?3, content_hash), last_error = ?4, error_field = ?5,
       updated_at = ?6 WHERE phase = ?7 AND rsoft_id = ?8";

fn set_outcome(
    tx: &Transaction<'_>,
    run: RunId,
    at: &str,
    phase: Phase,
    rsoft_id: &str,
    outcome: Outcome<'_>,
) -> Result<(), JournalError> {
    let (message, field) = match outcome.failure {
        Some(f) => (Some(f.message), f.field),
        None => (None, None),
    };
    tx.prepare_cached(outcome.update)?.execute((
        outcome.state,
        run,
        outcome.content_hash,
        message,
        field,
        at,
        phase.as_str(),
        rsoft_id,
    ))?;
    Ok(())
}

fn apply_op(tx: &Transaction<'_>, run: RunId, at: &str, op: Op) -> Result<(), JournalError> {
    match op {
        Op::Register(r) => {
            tx.prepare_cached(
                "INSERT INTO ledger (phase, rsoft_id, module, content_hash, state, run_id, updated_at,
                                     source_file, source_line)
                 VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?6, ?7, ?8)
                 ON CONFLICT (phase, rsoft_id) DO UPDATE SET
                   content_hash = CASE WHEN ledger.state IN ('pending', 'failed')
                                  THEN excluded.content_hash ELSE ledger.content_hash END,
                   source_file = excluded.source_file,
                   source_line = excluded.source_line",
            )?
            .execute((
                r.phase.as_str(),
                &r.rsoft_id,
                &r.module,
                &r.content_hash,
                run,
                at,
                &r.file,
                r.line as i64,
            ))?;
        }
        Op::Intent {
            phase,
            rsoft_id,
            step,
            entity_type,
        } => {
            let id = ledger_id(tx, phase, &rsoft_id)?;
            tx.prepare_cached(
                "INSERT INTO entities (ledger_id, step, entity_type, state, run_id, at)
                 VALUES (?1, ?2, ?3, 'sending', ?4, ?5)
                 ON CONFLICT (ledger_id, step) DO UPDATE SET entity_type = excluded.entity_type,
                   state = 'sending', run_id = excluded.run_id, at = excluded.at
                 WHERE entities.state = 'sending'",
            )?
            .execute((id, step, &entity_type, run, at))?;
            tx.prepare_cached(
                "UPDATE ledger SET state = 'sending', attempts = attempts + 1, run_id = ?1,
                   updated_at = ?2 WHERE id = ?3",
            )?
            .execute((run, at, id))?;
        }
        Op::Entity {
            phase,
            rsoft_id,
            step,
            outcome,
        } => {
            let id = ledger_id(tx, phase, &rsoft_id)?;
            // A linked or merged entity never had an intent; a created one keeps its intent's
            // sequence number, so rollback order is send order.
            tx.prepare_cached(
                "INSERT INTO entities (ledger_id, step, entity_type, state, nutshell_id, rev, run_id, at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (ledger_id, step) DO UPDATE SET entity_type = excluded.entity_type,
                   state = excluded.state, nutshell_id = excluded.nutshell_id,
                   rev = excluded.rev, at = excluded.at",
            )?
            .execute((
                id,
                step,
                &outcome.entity_type,
                outcome.state.as_str(),
                outcome.id,
                &outcome.rev,
                run,
                at,
            ))?;
        }
        Op::Forget {
            phase,
            rsoft_id,
            step,
        } => {
            let id = ledger_id(tx, phase, &rsoft_id)?;
            tx.prepare_cached(
                "DELETE FROM entities WHERE ledger_id = ?1 AND step = ?2 AND state = 'sending'",
            )?
            .execute((id, step))?;
        }
        Op::Finish {
            phase,
            rsoft_id,
            state,
            failure,
        } => {
            let outcome = Outcome {
                update: FINISH,
                state: state.as_str(),
                content_hash: None,
                failure,
            };
            set_outcome(tx, run, at, phase, &rsoft_id, outcome)?;
        }
        Op::Hold {
            phase,
            rsoft_id,
            reasons,
            for_operator,
        } => {
            let id = ledger_id(tx, phase, &rsoft_id)?;
            hold(tx, (run, at), id, &reasons, for_operator)?;
        }
        Op::DeletedInNutshell {
            phase,
            rsoft_id,
            entity_type,
            id: nutshell_id,
            reason,
        } => {
            let id = ledger_id(tx, phase, &rsoft_id)?;
            tx.prepare_cached(
                "DELETE FROM entities WHERE ledger_id = ?1 AND entity_type = ?2 AND nutshell_id = ?3",
            )?
            .execute((id, &entity_type, nutshell_id))?;
            tx.prepare_cached(
                "DELETE FROM dedupe_keys WHERE entity_type = ?1 AND nutshell_id = ?2",
            )?
            .execute((&entity_type, nutshell_id))?;
            hold(tx, (run, at), id, &[reason], true)?;
            tx.prepare_cached("UPDATE ledger SET delta_state = NULL, note = NULL WHERE id = ?1")?
                .execute([id])?;
        }
        Op::Anchor {
            phase,
            rsoft_id,
            entity_type,
            id,
        } => {
            tx.prepare_cached(
                "UPDATE ledger SET anchor_type = ?1, anchor_id = ?2 WHERE phase = ?3 AND rsoft_id = ?4",
            )?
            .execute((&entity_type, id, phase.as_str(), &rsoft_id))?;
        }
        Op::Key {
            kind,
            key,
            entity_type,
            id,
            origin,
        } => {
            tx.prepare_cached(
                "INSERT OR IGNORE INTO dedupe_keys (kind, key, entity_type, nutshell_id, origin, run_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute((kind.as_str(), &key, &entity_type, id, &origin, run))?;
        }
        Op::Unkey { kind, key } => {
            tx.prepare_cached("DELETE FROM dedupe_keys WHERE kind = ?1 AND key = ?2")?
                .execute((kind.as_str(), &key))?;
        }
        Op::Seen { phase, rsoft_id } => {
            tx.prepare_cached(
                "UPDATE ledger SET seen_run = ?1, gone_run = NULL WHERE phase = ?2 AND rsoft_id = ?3",
            )?
            .execute((run, phase.as_str(), &rsoft_id))?;
        }
        Op::Delta {
            phase,
            rsoft_id,
            state,
            content_hash,
            failure,
        } => {
            let outcome = Outcome {
                update: DELTA,
                state: state.as_str(),
                content_hash: Some(&content_hash),
                failure,
            };
            set_outcome(tx, run, at, phase, &rsoft_id, outcome)?;
        }
        Op::Note {
            phase,
            rsoft_id,
            note,
        } => {
            tx.prepare_cached("UPDATE ledger SET note = ?1 WHERE phase = ?2 AND rsoft_id = ?3")?
                .execute((&note, phase.as_str(), &rsoft_id))?;
        }
        Op::Wrote {
            entity_type,
            id,
            rev,
        } => {
            tx.prepare_cached(
                "UPDATE entities SET at = ?1, rev = COALESCE(?2, rev)
                 WHERE entity_type = ?3 AND nutshell_id = ?4 AND state = 'created'",
            )?
            .execute((at, &rev, &entity_type, id))?;
        }
        Op::Release { phase, rsoft_id } => {
            let id = ledger_id(tx, phase, &rsoft_id)?;
            tx.prepare_cached(
                "UPDATE holds SET released_at = ?1 WHERE ledger_id = ?2 AND released_at IS NULL",
            )?
            .execute((at, id))?;
            tx.prepare_cached(
                "UPDATE ledger SET state = 'pending', updated_at = ?1 WHERE id = ?2 AND state = 'held'",
            )?
            .execute((at, id))?;
        }
    }
    Ok(())
}
