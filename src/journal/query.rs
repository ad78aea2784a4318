//! Reads: the id map (resolve, dedupe), resume (a record's state and entities), and what verify,
//! reports and rollback need (counts by phase and state, holds, failures, a run's creations
//! newest first).

use rusqlite::{OptionalExtension, Row};

use crate::nutshell::EntityType;
use serde::Serialize;

use super::{
    EntityState, Journal, JournalError, KeyKind, Phase, RecordState, RunId, RunKind, RunOutcome,
};

/// A source record's ledger row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerRow {
    /// The phase (load order) the record belongs to.
    pub phase: Phase,
    /// The record's RSoft ID (unique within its phase).
    pub rsoft_id: String,
    /// The RSoft module's name, snake case, for reports.
    pub module: String,
    /// The record builder's content hash of the source row when it was last written (delta compares it).
    pub content_hash: String,
    /// Where the record stands.
    pub state: RecordState,
    /// Sends tried so far.
    pub attempts: u32,
    /// The last failure's message, if any.
    pub last_error: Option<String>,
    /// The payload field the last failure named, if any.
    pub error_field: Option<String>,
    /// The run that last wrote the row; `None` before any run took it.
    pub run_id: Option<RunId>,
}

/// One Nutshell entity a record owns. `seq` orders creations across the whole journal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntityRow {
    /// Creation order across the whole journal (rollback deletes highest first).
    pub seq: i64,
    /// The phase of the owning record.
    pub phase: Phase,
    /// The owning record's RSoft ID.
    pub rsoft_id: String,
    /// The create's index in the record's plan (0 = the record itself).
    pub step: u32,
    /// Nutshell's `entityType` (`"Accounts"`…).
    pub entity_type: String,
    /// Sending, created, linked or merged.
    pub state: EntityState,
    /// `None` only while `state` is [`EntityState::Sending`].
    pub nutshell_id: Option<i64>,
    /// The `rev` Nutshell returned, for a later edit or delete.
    pub rev: Option<String>,
    /// The run that wrote it.
    pub run_id: RunId,
    /// When the intent (or the outcome) was written, RFC 3339 UTC.
    pub at: String,
}

/// What an RSoft ID of a phase resolves to, for the record builder's lookups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// The Nutshell id of the entity of the asked type.
    Id(i64),
    /// The record is held (its reasons are in the holds).
    Held,
    /// The record failed.
    Failed,
    /// Known but not yet loaded (pending or sending).
    NotYet,
    /// No such record in the journal.
    Missing,
}

/// What a dedupe key points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyHit {
    /// Nutshell's entity type (`"Accounts"`, `"Contacts"`).
    pub entity_type: String,
    /// The Nutshell id the key points at.
    pub id: i64,
    /// Who wrote the key: `"existing"` (in Nutshell before the migration) or `"created"`.
    pub origin: String,
}

/// Records of one phase in one state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhaseCount {
    /// The phase.
    pub phase: Phase,
    /// The state.
    pub state: RecordState,
    /// Records of the phase in that state.
    pub count: u64,
}

/// A held record and its active reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HoldRow {
    /// The held record's phase.
    pub phase: Phase,
    /// The held record's RSoft ID.
    pub rsoft_id: String,
    /// Its RSoft module's name.
    pub module: String,
    /// Its reasons, in the operator's words, in the order they were found, joined by `; `.
    pub reason: String,
}

/// A failed record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailureRow {
    /// The failed record's phase.
    pub phase: Phase,
    /// The failed record's RSoft ID.
    pub rsoft_id: String,
    /// Its RSoft module's name.
    pub module: String,
    /// Sends tried.
    pub attempts: u32,
    /// The last failure's message.
    pub message: String,
    /// The payload field it named, if any.
    pub field: Option<String>,
    /// The export file holding its row; `None` for a record journaled before schema 5.
    pub file: Option<String>,
    /// The 1-based line its row starts on in `file`.
    pub line: Option<u64>,
}

/// A record the migration created with caveats: what its builder had to choose.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaveatRow {
    /// The record's phase.
    pub phase: Phase,
    /// Its RSoft ID.
    pub rsoft_id: String,
    /// Its RSoft module's name.
    pub module: String,
    /// The caveats, `; `-separated, as outcomes.csv shows them.
    pub caveats: String,
    /// Nutshell's entity type and id of the row's own record (its first step), once created.
    pub record: Option<(String, i64)>,
}

/// A run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    /// The run's id, increasing.
    pub id: RunId,
    /// Dry, sample, full or delta.
    pub kind: RunKind,
    /// Hash of the config the run used, to tell runs with changed settings apart.
    pub config_hash: String,
    /// Hash of mapping.toml as the run used it.
    pub map_hash: String,
    /// RFC 3339 UTC.
    pub started_at: String,
    /// RFC 3339 UTC; `None` while running or after a kill.
    pub finished_at: Option<String>,
    /// `None` while running, or when the process was killed.
    pub outcome: Option<RunOutcome>,
}

/// How an RSoft owner cell was resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnerDecision {
    /// The owner as written in the export (email, else name).
    pub owner: String,
    /// The Nutshell user the owner's records are assigned to.
    pub user_id: i64,
    /// That user's email, when Nutshell gave one.
    pub user_email: Option<String>,
    /// "email", "name" or "owners.toml".
    pub basis: String,
}

const LEDGER_COLUMNS: &str =
    "phase, rsoft_id, module, content_hash, state, attempts, last_error, error_field, run_id";

fn ledger_row(r: &Row<'_>) -> Result<LedgerRow, JournalError> {
    let phase: String = r.get(0)?;
    let state: String = r.get(4)?;
    Ok(LedgerRow {
        phase: Phase::parse(&phase)?,
        rsoft_id: r.get(1)?,
        module: r.get(2)?,
        content_hash: r.get(3)?,
        state: RecordState::parse(&state)?,
        attempts: r.get(5)?,
        last_error: r.get(6)?,
        error_field: r.get(7)?,
        run_id: r.get(8)?,
    })
}

/// Rows of `(phase, state, count)` as [`PhaseCount`]s.
pub(super) fn phase_counts(mut rows: rusqlite::Rows<'_>) -> Result<Vec<PhaseCount>, JournalError> {
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let phase: String = r.get(0)?;
        let state: String = r.get(1)?;
        out.push(PhaseCount {
            phase: Phase::parse(&phase)?,
            state: RecordState::parse(&state)?,
            count: r.get::<_, i64>(2)?.unsigned_abs(),
        });
    }
    Ok(out)
}

pub(super) const ENTITY_COLUMNS: &str = "e.seq, l.phase, l.rsoft_id, e.step, e.entity_type, e.state, e.nutshell_id, e.rev, e.run_id, e.at";

pub(super) fn entity_row(r: &Row<'_>) -> Result<EntityRow, JournalError> {
    let phase: String = r.get(1)?;
    let state: String = r.get(5)?;
    Ok(EntityRow {
        seq: r.get(0)?,
        phase: Phase::parse(&phase)?,
        rsoft_id: r.get(2)?,
        step: r.get(3)?,
        entity_type: r.get(4)?,
        state: EntityState::parse(&state)?,
        nutshell_id: r.get(6)?,
        rev: r.get(7)?,
        run_id: r.get(8)?,
        at: r.get(9)?,
    })
}

impl Journal {
    /// Every row `sql` gives for `params`, each read by `read`: this file's list reads share
    /// it, so a row that does not parse (an unknown phase or state) fails the read the same way.
    pub(super) fn rows<T>(
        &self,
        sql: &str,
        params: impl rusqlite::Params,
        mut read: impl FnMut(&Row) -> Result<T, JournalError>,
    ) -> Result<Vec<T>, JournalError> {
        let mut stmt = self.conn.prepare_cached(sql)?;
        let mut rows = stmt.query(params)?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(read(r)?);
        }
        Ok(out)
    }

    /// The ledger row of one source record.
    pub fn record(&self, phase: Phase, rsoft_id: &str) -> Result<Option<LedgerRow>, JournalError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {LEDGER_COLUMNS} FROM ledger WHERE phase = ?1 AND rsoft_id = ?2"
        ))?;
        let mut rows = stmt.query((phase.as_str(), rsoft_id))?;
        rows.next()?.map(ledger_row).transpose()
    }

    /// The entities one record owns, by step.
    pub fn entities(&self, phase: Phase, rsoft_id: &str) -> Result<Vec<EntityRow>, JournalError> {
        self.rows(
            &format!(
                "SELECT {ENTITY_COLUMNS} FROM entities e JOIN ledger l ON l.id = e.ledger_id
                 WHERE l.phase = ?1 AND l.rsoft_id = ?2 ORDER BY e.step"
            ),
            (phase.as_str(), rsoft_id),
            entity_row,
        )
    }

    /// The Nutshell id of the `entity_type` entity that the record `rsoft_id` of `phase` owns.
    pub fn resolve(
        &self,
        phase: Phase,
        rsoft_id: &str,
        entity_type: EntityType,
    ) -> Result<Resolution, JournalError> {
        let entity_type = entity_type.as_str();
        let mut stmt = self.conn.prepare_cached(
            "SELECT l.state, (SELECT e.nutshell_id FROM entities e WHERE e.ledger_id = l.id
                AND e.entity_type = ?3 AND e.state != 'sending' ORDER BY e.step LIMIT 1)
             FROM ledger l WHERE l.phase = ?1 AND l.rsoft_id = ?2",
        )?;
        let found: Option<(String, Option<i64>)> = stmt
            .query_row((phase.as_str(), rsoft_id, entity_type), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        let Some((state, id)) = found else {
            return Ok(Resolution::Missing);
        };
        Ok(match (RecordState::parse(&state)?, id) {
            (s, Some(id)) if s.is_settled() => Resolution::Id(id),
            (RecordState::Held, _) => Resolution::Held,
            (RecordState::Failed, _) => Resolution::Failed,
            _ => Resolution::NotYet,
        })
    }

    /// The record notes about a record attach to, when the load set one ([`super::Batch::anchor`]).
    pub fn anchor(
        &self,
        phase: Phase,
        rsoft_id: &str,
    ) -> Result<Option<(String, i64)>, JournalError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT anchor_type, anchor_id FROM ledger WHERE phase = ?1 AND rsoft_id = ?2
               AND anchor_id IS NOT NULL",
        )?;
        Ok(stmt
            .query_row((phase.as_str(), rsoft_id), |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?)
    }

    /// The Nutshell entity a dedupe key points at.
    pub fn dedupe(&self, kind: KeyKind, key: &str) -> Result<Option<KeyHit>, JournalError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT entity_type, nutshell_id, origin FROM dedupe_keys WHERE kind = ?1 AND key = ?2",
        )?;
        Ok(stmt
            .query_row((kind.as_str(), key), |r| {
                Ok(KeyHit {
                    entity_type: r.get(0)?,
                    id: r.get(1)?,
                    origin: r.get(2)?,
                })
            })
            .optional()?)
    }

    /// The record (phase and RSoft ID) whose created entity is Nutshell's `entity_type`
    /// `nutshell_id`, if this migration created it (an indexed point lookup).
    pub fn creator_of(
        &self,
        entity_type: EntityType,
        nutshell_id: i64,
    ) -> Result<Option<(Phase, String)>, JournalError> {
        let hit: Option<(String, String)> = self
            .conn
            .prepare_cached(
                "SELECT l.phase, l.rsoft_id FROM entities e JOIN ledger l ON l.id = e.ledger_id
                 WHERE e.entity_type = ?1 AND e.nutshell_id = ?2 AND e.state = 'created'",
            )?
            .query_row((entity_type.as_str(), nutshell_id), |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()?;
        hit.map(|(phase, id)| Ok((Phase::parse(&phase)?, id)))
            .transpose()
    }

    /// Whether a record of this journal landed on Nutshell's `entity_type` `nutshell_id`: created
    /// it, or was linked or merged into it (an indexed point lookup). An account no record landed
    /// on, yet found by a dedupe key, is one that was in Nutshell before the migration and that
    /// no row of the export became.
    pub fn landed_on(
        &self,
        entity_type: EntityType,
        nutshell_id: i64,
    ) -> Result<bool, JournalError> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT 1 FROM entities WHERE entity_type = ?1 AND nutshell_id = ?2 LIMIT 1",
            )?
            .query_row((entity_type.as_str(), nutshell_id), |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Records per phase and state, over the whole journal.
    pub fn counts(&self) -> Result<Vec<PhaseCount>, JournalError> {
        self.counts_where("1")
    }

    /// Records per phase and state that live runs account for. While no full or delta run is
    /// live (only samples, or every run rolled back), a record a rolled-back run last wrote that
    /// owns no Nutshell record is left out: the rollback put it back (pending) or left its hold
    /// or failure, and no live run took it, so it counts as a row the journal never registered,
    /// as verify counts it outside the sample.
    pub fn live_counts(&self) -> Result<Vec<PhaseCount>, JournalError> {
        self.counts_where(
            "NOT (NOT EXISTS (SELECT 1 FROM runs r WHERE r.rolled_back_at IS NULL
                                AND r.kind IN ('full', 'delta'))
                  AND l.run_id IN (SELECT id FROM runs WHERE rolled_back_at IS NOT NULL)
                  AND NOT EXISTS (SELECT 1 FROM entities e WHERE e.ledger_id = l.id))",
        )
    }

    /// Ledger records per phase and state where the SQL condition `filter` (over `l`) holds.
    fn counts_where(&self, filter: &str) -> Result<Vec<PhaseCount>, JournalError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT phase, state, COUNT(*) FROM ledger l WHERE {filter} GROUP BY phase, state"
        ))?;
        let mut out = phase_counts(stmt.query([])?)?;
        out.sort_by_key(|c| (c.phase, c.state.as_str()));
        Ok(out)
    }

    /// Call `f` on every entity `run` created (state created), newest first: rollback's order.
    /// Streams: memory does not grow with the run.
    pub fn for_each_created_newest_first(
        &self,
        run: RunId,
        mut f: impl FnMut(EntityRow) -> Result<(), JournalError>,
    ) -> Result<(), JournalError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ENTITY_COLUMNS} FROM entities e JOIN ledger l ON l.id = e.ledger_id
             WHERE e.run_id = ?1 AND e.state = 'created' ORDER BY e.seq DESC"
        ))?;
        let mut rows = stmt.query([run])?;
        while let Some(r) = rows.next()? {
            f(entity_row(r)?)?;
        }
        Ok(())
    }

    /// Call `f` on every ledger row of `phase` in `state` (e.g. `sending` ones to resolve on
    /// resume), in RSoft ID order.
    pub fn for_each_in_state(
        &self,
        phase: Phase,
        state: RecordState,
        mut f: impl FnMut(LedgerRow) -> Result<(), JournalError>,
    ) -> Result<(), JournalError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {LEDGER_COLUMNS} FROM ledger WHERE phase = ?1 AND state = ?2 ORDER BY rsoft_id"
        ))?;
        let mut rows = stmt.query((phase.as_str(), state.as_str()))?;
        while let Some(r) = rows.next()? {
            f(ledger_row(r)?)?;
        }
        Ok(())
    }

    /// Held records with their active (not released) reasons, one row per record, by phase and
    /// RSoft ID: a deal held for its company and its contact is one held deal, not two.
    pub fn holds(&self) -> Result<Vec<HoldRow>, JournalError> {
        self.rows(
            "SELECT l.phase, l.rsoft_id, l.module, group_concat(h.reason, '; ' ORDER BY h.rowid)
             FROM holds h JOIN ledger l ON l.id = h.ledger_id
             WHERE h.released_at IS NULL AND l.state = 'held'
             GROUP BY l.id
             ORDER BY l.phase, l.rsoft_id",
            [],
            |r| {
                Ok(HoldRow {
                    phase: Phase::parse(&r.get::<_, String>(0)?)?,
                    rsoft_id: r.get(1)?,
                    module: r.get(2)?,
                    reason: r.get(3)?,
                })
            },
        )
    }

    /// The active hold reasons of one record.
    pub fn hold_reasons(&self, phase: Phase, rsoft_id: &str) -> Result<Vec<String>, JournalError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT h.reason FROM holds h JOIN ledger l ON l.id = h.ledger_id
             WHERE l.phase = ?1 AND l.rsoft_id = ?2 AND h.released_at IS NULL ORDER BY h.rowid",
        )?;
        let rows = stmt.query_map((phase.as_str(), rsoft_id), |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Records in state failed, loaded records whose last delta edit was refused (they stay
    /// loaded; the next delta tries the edit again), and merged records whose values could not
    /// be added to the record they joined (the next run tries again), with the last error.
    pub fn failures(&self) -> Result<Vec<FailureRow>, JournalError> {
        self.rows(
            "SELECT phase, rsoft_id, module, attempts, COALESCE(last_error, ''), error_field,
                    source_file, source_line
             FROM ledger WHERE state = 'failed' OR delta_state = 'edit_failed'
               OR (state = 'merged' AND last_error IS NOT NULL)
             ORDER BY phase, rsoft_id",
            [],
            |r| {
                Ok(FailureRow {
                    phase: Phase::parse(&r.get::<_, String>(0)?)?,
                    rsoft_id: r.get(1)?,
                    module: r.get(2)?,
                    attempts: r.get(3)?,
                    message: r.get(4)?,
                    field: r.get(5)?,
                    file: r.get(6)?,
                    line: r
                        .get::<_, Option<i64>>(7)?
                        .and_then(|l| u64::try_from(l).ok()),
                })
            },
        )
    }

    /// Every record the migration created whose builder noted caveats, by phase and RSoft ID.
    pub fn caveated(&self) -> Result<Vec<CaveatRow>, JournalError> {
        self.rows(
            "SELECT l.phase, l.rsoft_id, l.module, l.note, e.entity_type, e.nutshell_id
             FROM ledger l LEFT JOIN entities e ON e.ledger_id = l.id
               AND e.step = (SELECT MIN(step) FROM entities WHERE ledger_id = l.id)
             WHERE l.state = 'created' AND l.note IS NOT NULL
             ORDER BY l.phase, l.rsoft_id",
            [],
            |r| {
                let entity_type: Option<String> = r.get(4)?;
                let id: Option<i64> = r.get(5)?;
                Ok(CaveatRow {
                    phase: Phase::parse(&r.get::<_, String>(0)?)?,
                    rsoft_id: r.get(1)?,
                    module: r.get(2)?,
                    caveats: r.get(3)?,
                    record: entity_type.zip(id),
                })
            },
        )
    }

    /// Every run, oldest first.
    pub fn runs(&self) -> Result<Vec<Run>, JournalError> {
        self.rows(
            "SELECT id, kind, config_hash, map_hash, started_at, finished_at, outcome
             FROM runs ORDER BY id",
            [],
            |r| {
                let outcome: Option<String> = r.get(6)?;
                Ok(Run {
                    id: r.get(0)?,
                    kind: RunKind::parse(&r.get::<_, String>(1)?)?,
                    config_hash: r.get(2)?,
                    map_hash: r.get(3)?,
                    started_at: r.get(4)?,
                    finished_at: r.get(5)?,
                    outcome: outcome.as_deref().map(RunOutcome::parse).transpose()?,
                })
            },
        )
    }

    /// Every owner decision, by owner.
    pub fn owner_decisions(&self) -> Result<Vec<OwnerDecision>, JournalError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT owner, user_id, user_email, basis FROM owner_decisions ORDER BY owner",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(OwnerDecision {
                owner: r.get(0)?,
                user_id: r.get(1)?,
                user_email: r.get(2)?,
                basis: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
