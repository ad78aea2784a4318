//! Rollback in the journal: a rollback plans the deletes of every entity the chosen runs created
//! (one row each in `rollback_steps`, in deletion order), writes an intent (`deleting`) before
//! each delete and its outcome after, and — once every step has an outcome — puts the journal
//! back as if those runs had not loaded what was deleted: the records go back to `pending`, their
//! entities and the dedupe keys they claimed are dropped, and the runs are marked rolled back.
//! A rollback that was killed is found again by [`Journal::open_rollback`] and goes on from its
//! last outcome; nothing is planned twice.

use rusqlite::{OptionalExtension, Row, params_from_iter};
use serde::Serialize;

use super::{Journal, JournalError, Phase, RunId, now};

/// A rollback's id in the journal.
pub type RollbackId = i64;

/// Where one planned delete is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepState {
    /// Planned, not tried yet.
    Planned,
    /// The delete may have been sent; its outcome is unknown (a kill): read the record again.
    Deleting,
    /// Deleted by this rollback.
    Deleted,
    /// Not in Nutshell any more when the rollback looked (deleted by hand, or never created).
    Gone,
    /// Left in Nutshell on purpose (edited by a person since the migration wrote it).
    Kept,
    /// Could not be checked (a note whose create was ambiguous: no API call finds notes).
    Unknown,
}

impl StepState {
    const ALL: [StepState; 6] = [
        StepState::Planned,
        StepState::Deleting,
        StepState::Deleted,
        StepState::Gone,
        StepState::Kept,
        StepState::Unknown,
    ];

    /// The state as stored (`planned`, `deleting`, `deleted`, `gone`, `kept`, `unknown`).
    pub fn as_str(self) -> &'static str {
        match self {
            StepState::Planned => "planned",
            StepState::Deleting => "deleting",
            StepState::Deleted => "deleted",
            StepState::Gone => "gone",
            StepState::Kept => "kept",
            StepState::Unknown => "unknown",
        }
    }

    /// An outcome: the step is not tried again.
    pub fn is_final(self) -> bool {
        !matches!(self, StepState::Planned | StepState::Deleting)
    }

    fn parse(text: &str) -> Result<Self, JournalError> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == text)
            .ok_or_else(|| JournalError::Unknown(format!("rollback step state {text:?}")))
    }
}

/// One planned delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollbackStep {
    /// The entity's creation sequence ([`super::EntityRow::seq`]).
    pub seq: i64,
    /// The phase of the owning record.
    pub phase: Phase,
    /// The owning record's RSoft ID.
    pub rsoft_id: String,
    /// Nutshell's entity type (`"Accounts"`, …).
    pub entity_type: String,
    /// `None` when the create's outcome was never known (left `sending`): look it up first.
    pub nutshell_id: Option<i64>,
    /// The run that created it.
    pub run_id: RunId,
    /// The last time the migration wrote this record (RFC 3339 UTC): a `modifiedTime` later
    /// than this is a person's edit.
    pub ours_at: String,
    /// When the create's intent was written (the lookup of an unknown create starts there).
    pub intent_at: String,
    /// Where the delete stands.
    pub state: StepState,
    /// Why it is gone, kept or unknown, in the operator's words.
    pub reason: Option<String>,
}

/// A record of the rolled-back runs that owns no entity the migration created (linked to one
/// that existed before, or merged into another record's): left alone in Nutshell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftAlone {
    /// The record's phase.
    pub phase: Phase,
    /// The record's RSoft ID.
    pub rsoft_id: String,
    /// Nutshell's `entityType` of the record it points at.
    pub entity_type: String,
    /// That record's Nutshell id.
    pub nutshell_id: i64,
    /// `"linked"` or `"merged"`.
    pub how: String,
    /// What its values came to (added to that record, or not sent), when the load noted it.
    pub note: Option<String>,
    /// For a merged record: the RSoft ID of the record whose create in these same runs made
    /// the record it joined (so the rollback deletes that record); `None` when an earlier run
    /// made it, or for a linked record.
    pub created_by: Option<String>,
    /// What the rollback did to the record it points at, when it deleted (or tried to delete)
    /// it as `created_by`'s; `None` in a plan, and for a record the rollback does not touch.
    pub fate: Option<StepState>,
}

/// Deletion order: children before parents (nutshell-api.md "Deletes": activities, tasks,
/// notes → leads → contacts → accounts), newest first within a type.
const RANK: &str = "CASE e.entity_type WHEN 'Accounts' THEN 3 WHEN 'Contacts' THEN 2 \
                    WHEN 'Leads' THEN 1 ELSE 0 END";

const STEP_COLUMNS: &str = "seq, phase, rsoft_id, entity_type, nutshell_id, run_id, ours_at, \
                            intent_at, state, reason";

fn step_row(r: &Row<'_>) -> Result<RollbackStep, JournalError> {
    let phase: String = r.get(1)?;
    let state: String = r.get(8)?;
    Ok(RollbackStep {
        seq: r.get(0)?,
        phase: Phase::parse(&phase)?,
        rsoft_id: r.get(2)?,
        entity_type: r.get(3)?,
        nutshell_id: r.get(4)?,
        run_id: r.get(5)?,
        ours_at: r.get(6)?,
        intent_at: r.get(7)?,
        state: StepState::parse(&state)?,
        reason: r.get(9)?,
    })
}

fn runs_text(runs: &[RunId]) -> String {
    runs.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn placeholders(n: usize) -> String {
    vec!["?"; n].join(", ")
}

impl Journal {
    /// Runs that wrote something to Nutshell (sample, full, delta) and are not rolled back,
    /// oldest first.
    pub fn live_runs(&self) -> Result<Vec<RunId>, JournalError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM runs WHERE kind != 'dry-run' AND rolled_back_at IS NULL ORDER BY id",
        )?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// When `run` was rolled back, if it was.
    pub fn rolled_back_at(&self, run: RunId) -> Result<Option<String>, JournalError> {
        Ok(self
            .conn
            .prepare_cached("SELECT rolled_back_at FROM runs WHERE id = ?1")?
            .query_row([run], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten())
    }

    /// Entities the runs created (or may have: left `sending`) that are still journaled, per
    /// Nutshell entity type.
    pub fn created_by(&self, runs: &[RunId]) -> Result<Vec<(String, u64)>, JournalError> {
        if runs.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT entity_type, COUNT(*) FROM entities WHERE run_id IN ({})
             AND state IN ('created', 'sending') GROUP BY entity_type ORDER BY entity_type",
            placeholders(runs.len())
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(params_from_iter(runs), |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?.unsigned_abs()))
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Rows `run` merged into a record another run created, with the values `run` added to it
    /// (the row's note says `added to it: …`): rolling back `run` alone would leave those values
    /// on a record it does not delete. Each as `(RSoft ID, entity type, Nutshell id, note)`.
    pub fn added_to_others(
        &self,
        run: RunId,
    ) -> Result<Vec<(String, String, i64, String)>, JournalError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.rsoft_id, e.entity_type, e.nutshell_id, l.note
             FROM ledger l JOIN entities e ON e.ledger_id = l.id AND e.state = 'merged'
             WHERE l.run_id = ?1 AND l.state = 'merged' AND l.note LIKE 'added to it:%'
               AND e.nutshell_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM entities c
                 WHERE c.entity_type = e.entity_type AND c.nutshell_id = e.nutshell_id
                   AND c.state IN ('created', 'sending') AND c.run_id = ?1)
             ORDER BY l.phase, l.rsoft_id",
        )?;
        let rows = stmt.query_map([run], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records of the runs that own linked or merged entities (left alone by a rollback).
    pub fn left_alone(&self, runs: &[RunId]) -> Result<Vec<LeftAlone>, JournalError> {
        if runs.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT l.phase, l.rsoft_id, e.entity_type, e.nutshell_id, e.state, l.note,
                    (SELECT l2.rsoft_id FROM entities e2 JOIN ledger l2 ON l2.id = e2.ledger_id
                      WHERE e.state = 'merged' AND e2.entity_type = e.entity_type
                        AND e2.nutshell_id = e.nutshell_id
                        AND e2.state IN ('created', 'sending') AND e2.run_id IN ({0})
                      ORDER BY e2.seq LIMIT 1)
             FROM entities e JOIN ledger l ON l.id = e.ledger_id
             WHERE e.run_id IN ({0}) AND e.state IN ('linked', 'merged')
               AND e.nutshell_id IS NOT NULL
             ORDER BY l.phase, l.rsoft_id",
            placeholders(runs.len())
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let mut rows = stmt.query(params_from_iter(runs.iter().chain(runs)))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let phase: String = r.get(0)?;
            out.push(LeftAlone {
                phase: Phase::parse(&phase)?,
                rsoft_id: r.get(1)?,
                entity_type: r.get(2)?,
                nutshell_id: r.get(3)?,
                how: r.get(4)?,
                note: r.get(5)?,
                created_by: r.get(6)?,
                fate: None,
            });
        }
        Ok(out)
    }

    /// The unfinished rollback of exactly these runs, or a new one with its deletes planned (in
    /// one transaction). Returns its id.
    pub fn open_rollback(&mut self, runs: &[RunId]) -> Result<RollbackId, JournalError> {
        let text = runs_text(runs);
        let found: Option<RollbackId> = self
            .conn
            .prepare_cached(
                "SELECT id FROM rollbacks WHERE runs = ?1 AND finished_at IS NULL
                 ORDER BY id DESC LIMIT 1",
            )?
            .query_row([&text], |r| r.get(0))
            .optional()?;
        if let Some(id) = found {
            return Ok(id);
        }
        let tx = self.conn.transaction()?;
        let at = now();
        tx.execute(
            "INSERT INTO rollbacks (runs, started_at) VALUES (?1, ?2)",
            (&text, &at),
        )?;
        let id = tx.last_insert_rowid();
        // "Ours" is the later of the entity's own write and the end of its run: a record linked
        // to later in the same run may be stamped modified by Nutshell while the run goes on.
        let sql = format!(
            "INSERT INTO rollback_steps (rollback_id, seq, rank, ledger_id, phase, rsoft_id,
               entity_type, nutshell_id, run_id, ours_at, intent_at, state, at)
             SELECT ?, e.seq, {RANK}, l.id, l.phase, l.rsoft_id, e.entity_type, e.nutshell_id,
               e.run_id, MAX(e.at, COALESCE(r.finished_at, e.at)), e.at, 'planned', ?
             FROM entities e JOIN ledger l ON l.id = e.ledger_id JOIN runs r ON r.id = e.run_id
             WHERE e.state IN ('created', 'sending') AND e.run_id IN ({})",
            placeholders(runs.len())
        );
        let mut values: Vec<rusqlite::types::Value> = vec![id.into(), at.clone().into()];
        values.extend(runs.iter().map(|r| rusqlite::types::Value::from(*r)));
        tx.execute(&sql, params_from_iter(values))?;
        tx.commit()?;
        Ok(id)
    }

    /// Up to `limit` steps of rollback `id` without an outcome, in deletion order, all of the
    /// same rank (so a chunk never mixes children and parents).
    pub fn next_rollback_steps(
        &self,
        id: RollbackId,
        limit: usize,
    ) -> Result<Vec<RollbackStep>, JournalError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {STEP_COLUMNS}, rank FROM rollback_steps
             WHERE rollback_id = ?1 AND state IN ('planned', 'deleting')
             ORDER BY rank, seq DESC LIMIT ?2"
        ))?;
        let mut rows = stmt.query((id, limit as i64))?;
        let mut out = Vec::new();
        let mut first_rank: Option<i64> = None;
        while let Some(r) = rows.next()? {
            let rank: i64 = r.get(10)?;
            if *first_rank.get_or_insert(rank) != rank {
                break;
            }
            out.push(step_row(r)?);
        }
        Ok(out)
    }

    /// Every step of rollback `id`, in deletion order.
    pub fn rollback_steps(&self, id: RollbackId) -> Result<Vec<RollbackStep>, JournalError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {STEP_COLUMNS} FROM rollback_steps WHERE rollback_id = ?1
             ORDER BY rank, seq DESC"
        ))?;
        let mut rows = stmt.query([id])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(step_row(r)?);
        }
        Ok(out)
    }

    /// Write states of steps of rollback `id` in one transaction: intents (`deleting`) before
    /// the deletes are sent, outcomes after. `nutshell_id` fills in an id found by lookup.
    pub fn mark_rollback_steps(
        &mut self,
        id: RollbackId,
        marks: &[(i64, StepState, Option<i64>, Option<String>)],
    ) -> Result<(), JournalError> {
        if marks.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        let at = now();
        for (seq, state, nutshell_id, reason) in marks {
            tx.prepare_cached(
                "UPDATE rollback_steps SET state = ?1, reason = ?2, at = ?3,
                   nutshell_id = COALESCE(?4, nutshell_id)
                 WHERE rollback_id = ?5 AND seq = ?6",
            )?
            .execute((state.as_str(), reason, &at, nutshell_id, id, seq))?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Close rollback `id` (every step has an outcome) and put the journal back, in one
    /// transaction: entities deleted or gone (and unknown notes) are dropped with the dedupe keys
    /// they claimed; linked and merged entities of the runs, and merged entities elsewhere that
    /// pointed at a deleted record, are dropped; every record left owning nothing goes back to
    /// `pending` (the next migrate loads it again); the runs are marked rolled back.
    pub fn finish_rollback(&mut self, id: RollbackId, runs: &[RunId]) -> Result<(), JournalError> {
        let tx = self.conn.transaction()?;
        let at = now();
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS rb_touched (ledger_id INTEGER PRIMARY KEY);
             DELETE FROM rb_touched;
             CREATE TEMP TABLE IF NOT EXISTS rb_removed (entity_type TEXT, nutshell_id INTEGER);
             DELETE FROM rb_removed;",
        )?;
        tx.execute(
            "INSERT OR IGNORE INTO rb_touched SELECT ledger_id FROM rollback_steps
             WHERE rollback_id = ?1 AND state IN ('deleted', 'gone', 'unknown')",
            [id],
        )?;
        tx.execute(
            "INSERT INTO rb_removed SELECT entity_type, nutshell_id FROM rollback_steps
             WHERE rollback_id = ?1 AND state IN ('deleted', 'gone') AND nutshell_id IS NOT NULL",
            [id],
        )?;
        tx.execute(
            "DELETE FROM entities WHERE seq IN (SELECT seq FROM rollback_steps
             WHERE rollback_id = ?1 AND state IN ('deleted', 'gone', 'unknown'))",
            [id],
        )?;
        let in_runs = placeholders(runs.len());
        let sql = format!(
            "INSERT OR IGNORE INTO rb_touched SELECT ledger_id FROM entities
             WHERE (run_id IN ({in_runs}) AND state IN ('linked', 'merged'))
                OR (state = 'merged' AND EXISTS (SELECT 1 FROM rb_removed x
                    WHERE x.entity_type = entities.entity_type
                      AND x.nutshell_id = entities.nutshell_id))"
        );
        tx.execute(&sql, params_from_iter(runs))?;
        let sql = format!(
            "DELETE FROM entities
             WHERE (run_id IN ({in_runs}) AND state IN ('linked', 'merged'))
                OR (state = 'merged' AND EXISTS (SELECT 1 FROM rb_removed x
                    WHERE x.entity_type = entities.entity_type
                      AND x.nutshell_id = entities.nutshell_id))"
        );
        tx.execute(&sql, params_from_iter(runs))?;
        tx.execute(
            "DELETE FROM dedupe_keys WHERE origin = 'created' AND EXISTS (SELECT 1 FROM rb_removed x
               WHERE x.entity_type = dedupe_keys.entity_type
                 AND x.nutshell_id = dedupe_keys.nutshell_id)",
            [],
        )?;
        tx.execute(
            "UPDATE ledger SET state = 'pending', last_error = NULL, error_field = NULL,
               anchor_type = NULL, anchor_id = NULL, updated_at = ?1
             WHERE id IN (SELECT ledger_id FROM rb_touched)
               AND NOT EXISTS (SELECT 1 FROM entities e WHERE e.ledger_id = ledger.id)",
            [&at],
        )?;
        let sql = format!("UPDATE runs SET rolled_back_at = ? WHERE id IN ({in_runs})");
        let mut values: Vec<rusqlite::types::Value> = vec![at.clone().into()];
        values.extend(runs.iter().map(|r| rusqlite::types::Value::from(*r)));
        tx.execute(&sql, params_from_iter(values))?;
        tx.execute(
            "UPDATE rollbacks SET finished_at = ?1 WHERE id = ?2",
            (&at, id),
        )?;
        tx.commit()?;
        Ok(())
    }
}
