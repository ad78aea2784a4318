//! What the journal had loaded that Nutshell no longer lists: each live run reads every account
//! and contact in Nutshell (for dedupe); their ids are kept in a TEMP table of this connection
//! (in SQLite, not in RAM, like the id map) and compared with the journal's, so a record
//! someone deleted or merged away in Nutshell is found before a row links to it.

use crate::nutshell::EntityType;

use super::{Journal, JournalError, Phase};

/// A record whose own Nutshell entity the listing did not have: a candidate for
/// [`super::Batch::deleted_in_nutshell`] once a read of it confirms it is gone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unlisted {
    /// The record's phase.
    pub phase: Phase,
    /// Its RSoft ID.
    pub rsoft_id: String,
    /// The Nutshell id the journal has for it.
    pub id: i64,
}

impl Journal {
    /// Start a listing of Nutshell's records: forget the ids an earlier listing of this
    /// connection kept.
    pub fn start_listing(&mut self) -> Result<(), JournalError> {
        self.conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS listed (
                 entity_type TEXT NOT NULL, id INTEGER NOT NULL, PRIMARY KEY (entity_type, id)
             ) WITHOUT ROWID;
             DELETE FROM temp.listed;",
        )?;
        Ok(())
    }

    /// Nutshell listed these ids of `entity_type` (one page of a find).
    pub fn listed(&mut self, entity_type: EntityType, ids: &[i64]) -> Result<(), JournalError> {
        let tx = self.conn.transaction()?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT OR IGNORE INTO temp.listed (entity_type, id) VALUES (?1, ?2)",
            )?;
            for id in ids {
                stmt.execute((entity_type.as_str(), id))?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Loaded records of `phase` (created, linked or merged) whose own entity of `entity_type`
    /// the listing since [`Journal::start_listing`] did not have, by RSoft ID.
    pub fn unlisted(
        &self,
        phase: Phase,
        entity_type: EntityType,
    ) -> Result<Vec<Unlisted>, JournalError> {
        self.rows(
            "SELECT l.rsoft_id, e.nutshell_id FROM entities e JOIN ledger l ON l.id = e.ledger_id
             WHERE l.phase = ?1 AND e.entity_type = ?2 AND e.state <> 'sending'
               AND e.nutshell_id > 0 AND l.state IN ('created', 'linked', 'merged')
               AND NOT EXISTS (SELECT 1 FROM temp.listed s
                               WHERE s.entity_type = e.entity_type AND s.id = e.nutshell_id)
             ORDER BY l.rsoft_id",
            (phase.as_str(), entity_type.as_str()),
            |r| {
                Ok(Unlisted {
                    phase,
                    rsoft_id: r.get(0)?,
                    id: r.get(1)?,
                })
            },
        )
    }

    /// The active reasons of one record's holds for the operator (empty when it is not held,
    /// or held only for a parent or lookup, which every run tries again).
    pub fn operator_holds(
        &self,
        phase: Phase,
        rsoft_id: &str,
    ) -> Result<Vec<String>, JournalError> {
        self.rows(
            "SELECT h.reason FROM holds h JOIN ledger l ON l.id = h.ledger_id
             WHERE l.phase = ?1 AND l.rsoft_id = ?2 AND l.state = 'held'
               AND h.released_at IS NULL AND h.for_operator = 1 ORDER BY h.rowid",
            (phase.as_str(), rsoft_id),
            |r| Ok(r.get(0)?),
        )
    }
}
