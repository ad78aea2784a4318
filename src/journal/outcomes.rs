//! Every record's outcome as the journal has it, one row per source row, for the load's
//! per-row outcome report (`outcomes.csv`, and a dry run's preview of it).

use serde::Serialize;

use super::{Journal, JournalError, Phase, RecordState};

/// One source record: where its row is, where it stands, and what it became in Nutshell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutcomeRow {
    /// The record's phase.
    pub phase: Phase,
    /// Its RSoft module's name.
    pub module: String,
    /// Its RSoft ID (`<file> line <n>` for a row without one).
    pub rsoft_id: String,
    /// The export file holding its row; `None` for a record journaled before schema 5.
    pub file: Option<String>,
    /// The 1-based line its row starts on in `file`.
    pub line: Option<u64>,
    /// Where the record stands.
    pub state: RecordState,
    /// What the last delta did with it (`unchanged`, `edited`, `kept`, `edit_failed`), when
    /// the journal's newest run is that delta.
    pub delta_state: Option<String>,
    /// The last failure's message.
    pub last_error: Option<String>,
    /// What a merged or linked record's values came to, or a created record's caveats.
    pub note: Option<String>,
    /// The active hold reasons, `; `-joined.
    pub hold_reasons: Option<String>,
    /// The Nutshell entity type of the record itself: the row's first plan step (steps are
    /// keyed by entity type, so a contact's own step is not 0; see `load_run::step_keys`).
    pub entity_type: Option<String>,
    /// Its Nutshell id (negative in a dry run's scratch journal: made up, never sent).
    pub nutshell_id: Option<i64>,
    /// For a merged record, the RSoft ID of the row whose create made the record it joined.
    pub joined: Option<String>,
}

impl Journal {
    /// Call `visit` with every record, in the order the load first took them; streams, so a
    /// journal of millions of records is never held in memory.
    pub fn each_outcome(
        &self,
        mut visit: impl FnMut(OutcomeRow) -> Result<(), JournalError>,
    ) -> Result<(), JournalError> {
        let mut stmt = self.conn.prepare(
            "SELECT l.phase, l.module, l.rsoft_id, l.source_file, l.source_line, l.state,
                    CASE WHEN l.delta_run = (SELECT MAX(id) FROM runs) THEN l.delta_state END,
                    l.last_error, l.note,
                    (SELECT group_concat(h.reason, '; ') FROM holds h
                      WHERE h.ledger_id = l.id AND h.released_at IS NULL),
                    e.entity_type, e.nutshell_id,
                    (SELECT l2.rsoft_id FROM entities e2 JOIN ledger l2 ON l2.id = e2.ledger_id
                      WHERE e.state = 'merged' AND e2.entity_type = e.entity_type
                        AND e2.nutshell_id = e.nutshell_id AND e2.state = 'created'
                      ORDER BY e2.seq LIMIT 1)
             FROM ledger l LEFT JOIN entities e ON e.ledger_id = l.id
               AND e.step = (SELECT MIN(e3.step) FROM entities e3 WHERE e3.ledger_id = l.id)
             ORDER BY l.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let phase: String = r.get(0)?;
            let state: String = r.get(5)?;
            visit(OutcomeRow {
                phase: Phase::parse(&phase)?,
                module: r.get(1)?,
                rsoft_id: r.get(2)?,
                file: r.get(3)?,
                line: r
                    .get::<_, Option<i64>>(4)?
                    .and_then(|l| u64::try_from(l).ok()),
                state: RecordState::parse(&state)?,
                delta_state: r.get(6)?,
                last_error: r.get(7)?,
                note: r.get(8)?,
                hold_reasons: r.get(9)?,
                entity_type: r.get(10)?,
                nutshell_id: r.get(11)?,
                joined: r.get(12)?,
            })?;
        }
        Ok(())
    }
}
