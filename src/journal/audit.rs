//! Reads verify needs beyond the load's: every entity the journal holds, and the settled records
//! of a phase, streamed so memory does not grow with the migration.

use super::query::{ENTITY_COLUMNS, entity_row};
use super::{EntityRow, Journal, JournalError, Phase};

impl Journal {
    /// Call `f` on every entity the journal holds (created, linked, merged or still sending), in
    /// creation order.
    pub fn for_each_entity(
        &self,
        mut f: impl FnMut(EntityRow) -> Result<(), JournalError>,
    ) -> Result<(), JournalError> {
        let mut stmt = self.conn.prepare(&format!(
            "SELECT {ENTITY_COLUMNS} FROM entities e JOIN ledger l ON l.id = e.ledger_id
             ORDER BY e.seq"
        ))?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            f(entity_row(r)?)?;
        }
        Ok(())
    }

    /// The RSoft IDs of `phase`'s records in state created, in RSoft ID order.
    pub fn created_ids(&self, phase: Phase) -> Result<Vec<String>, JournalError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT rsoft_id FROM ledger WHERE phase = ?1 AND state = 'created' ORDER BY rsoft_id",
        )?;
        let rows = stmt.query_map([phase.as_str()], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}
