//! Reads verify needs beyond the load's, shaped so memory does not grow with the migration:
//! a seeded random sample of a phase's created records drawn while streaming, the journal's
//! created entity behind a Nutshell id (an indexed point lookup), and scratch tables in SQLite's
//! temp store (a file, not RAM) for the RSoft IDs seen in the export and the Nutshell records
//! found carrying our id.

use rand::Rng;
use rusqlite::OptionalExtension;

use crate::nutshell::EntityType;

use super::query::{ENTITY_COLUMNS, entity_row};
use super::{EntityRow, Journal, JournalError, Phase, RecordState};

impl Journal {
    /// Up to `n` RSoft IDs of `phase`'s records in state created, drawn uniformly by `rng` while
    /// streaming them in RSoft ID order (reservoir sampling: memory holds `n` IDs, and the same
    /// seed over the same journal draws the same IDs). Returned in RSoft ID order.
    pub fn sample_created(
        &self,
        phase: Phase,
        n: usize,
        rng: &mut impl Rng,
    ) -> Result<Vec<String>, JournalError> {
        self.sample_in_state(phase, RecordState::Created, n, rng)
    }

    /// Up to `n` RSoft IDs of `phase`'s records in `state`, drawn as [`Journal::sample_created`]
    /// draws them.
    pub fn sample_in_state(
        &self,
        phase: Phase,
        state: RecordState,
        n: usize,
        rng: &mut impl Rng,
    ) -> Result<Vec<String>, JournalError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT rsoft_id FROM ledger WHERE phase = ?1 AND state = ?2 ORDER BY rsoft_id",
        )?;
        let mut rows = stmt.query((phase.as_str(), state.as_str()))?;
        let mut chosen: Vec<(usize, String)> = Vec::with_capacity(n.min(1024));
        let mut seen = 0usize;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            if chosen.len() < n {
                chosen.push((seen, id));
            } else if n > 0 {
                let j = rng.random_range(0..=seen);
                if j < n {
                    chosen[j] = (seen, id);
                }
            }
            seen += 1;
        }
        chosen.sort();
        Ok(chosen.into_iter().map(|(_, id)| id).collect())
    }

    /// Empty the scratch tables verify keeps in SQLite's temp store (created on first use; they
    /// live as long as this connection and are never written to the journal file).
    pub fn reset_scratch(&self) -> Result<(), JournalError> {
        self.conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS verify_seen (
                 phase TEXT NOT NULL, rsoft_id TEXT NOT NULL, line INTEGER NOT NULL,
                 PRIMARY KEY (phase, rsoft_id));
             CREATE TEMP TABLE IF NOT EXISTS verify_found (
                 entity_type TEXT NOT NULL, nutshell_id INTEGER NOT NULL,
                 PRIMARY KEY (entity_type, nutshell_id));
             DELETE FROM verify_seen;
             DELETE FROM verify_found;",
        )?;
        Ok(())
    }

    /// Note that the export has `rsoft_id` of `phase` at `line`; the line of an earlier row
    /// with the same RSoft ID, if there was one (that row keeps its line).
    pub fn seen_in_export(
        &self,
        phase: Phase,
        rsoft_id: &str,
        line: u64,
    ) -> Result<Option<u64>, JournalError> {
        let first: Option<i64> = self
            .conn
            .prepare_cached("SELECT line FROM verify_seen WHERE phase = ?1 AND rsoft_id = ?2")?
            .query_row((phase.as_str(), rsoft_id), |r| r.get(0))
            .optional()?;
        if let Some(first) = first {
            return Ok(Some(first.unsigned_abs()));
        }
        self.conn
            .prepare_cached("INSERT INTO verify_seen (phase, rsoft_id, line) VALUES (?1, ?2, ?3)")?
            .execute((phase.as_str(), rsoft_id, line as i64))?;
        Ok(None)
    }

    /// The record whose created entity is Nutshell's `entity_type` `nutshell_id`, if the journal
    /// created it; also notes it found (see [`Journal::for_each_not_found`]).
    pub fn find_created(
        &self,
        entity_type: EntityType,
        nutshell_id: i64,
    ) -> Result<Option<(Phase, String)>, JournalError> {
        let Some(found) = self.creator_of(entity_type, nutshell_id)? else {
            return Ok(None);
        };
        let entity_type = entity_type.as_str();
        self.conn
            .prepare_cached(
                "INSERT OR IGNORE INTO verify_found (entity_type, nutshell_id) VALUES (?1, ?2)",
            )?
            .execute((entity_type, nutshell_id))?;
        Ok(Some(found))
    }

    /// How many entities of `entity_type` the journal created.
    pub fn created_count(&self, entity_type: EntityType) -> Result<u64, JournalError> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM entities WHERE entity_type = ?1 AND state = 'created'",
            [entity_type.as_str()],
            |r| r.get(0),
        )?;
        Ok(n.unsigned_abs())
    }

    /// Call `f` on every created entity of `entity_type` that [`Journal::find_created`] did not
    /// find since the last [`Journal::reset_scratch`], by Nutshell id.
    pub fn for_each_not_found(
        &self,
        entity_type: EntityType,
        mut f: impl FnMut(EntityRow) -> Result<(), JournalError>,
    ) -> Result<(), JournalError> {
        let entity_type = entity_type.as_str();
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ENTITY_COLUMNS} FROM entities e JOIN ledger l ON l.id = e.ledger_id
             WHERE e.entity_type = ?1 AND e.state = 'created' AND e.nutshell_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM verify_found f
                               WHERE f.entity_type = e.entity_type AND f.nutshell_id = e.nutshell_id)
             ORDER BY e.nutshell_id"
        ))?;
        let mut rows = stmt.query([entity_type])?;
        while let Some(r) = rows.next()? {
            f(entity_row(r)?)?;
        }
        Ok(())
    }
}
