//! What a delta run reads and writes besides the ledger ops: the records the fresh export no
//! longer has (reported, never deleted in Nutshell), and each run's tally per phase, kept so
//! verify and the report can say what a run did after the fact.

use serde::Serialize;

use super::{Journal, JournalError, Phase, PhaseCount, RecordState, RunId};

/// A record loaded by an earlier run that the export a delta read no longer has (deleted in
/// RSoft since). Nutshell keeps it; the operator decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoneRow {
    /// The phase that loaded it.
    pub phase: Phase,
    /// The RSoft module's name.
    pub module: String,
    /// Its RSoft ID.
    pub rsoft_id: String,
    /// Its ledger state (`created`, `linked`, `merged`).
    pub state: String,
    /// The Nutshell entities it owns: (entity type, id), in creation order.
    pub nutshell: Vec<(String, i64)>,
}

/// One phase's count of one outcome in one run (`outcome`: "created", "edited", "unchanged",
/// "gone", … as the engine's tally names them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TallyRow {
    /// The run.
    pub run: RunId,
    /// The phase.
    pub phase: Phase,
    /// The outcome counted.
    pub outcome: String,
    /// How many records had it.
    pub count: u64,
}

impl Journal {
    /// Settled records (created, linked, merged) of `phases` that `run` did not see in the
    /// export and did not settle itself (a record it created is new, not gone), marked gone by
    /// `run`, in phase and RSoft ID order. Only phases the run read in
    /// full may be passed: a record of a phase it stopped early in would look deleted.
    pub fn mark_gone(
        &mut self,
        run: RunId,
        phases: &[Phase],
    ) -> Result<Vec<GoneRow>, JournalError> {
        let tx = self.conn.transaction()?;
        let mut out = Vec::new();
        for phase in phases {
            tx.execute(
                "UPDATE ledger SET gone_run = ?1 WHERE phase = ?2
                   AND state IN ('created', 'linked', 'merged')
                   AND (seen_run IS NULL OR seen_run <> ?1) AND run_id <> ?1",
                (run, phase.as_str()),
            )?;
            let mut stmt = tx.prepare(
                "SELECT l.rsoft_id, l.module, l.state, e.entity_type, e.nutshell_id
                 FROM ledger l LEFT JOIN entities e
                   ON e.ledger_id = l.id AND e.nutshell_id IS NOT NULL
                 WHERE l.phase = ?1 AND l.gone_run = ?2
                 ORDER BY l.rsoft_id, e.seq",
            )?;
            let mut rows = stmt.query((phase.as_str(), run))?;
            while let Some(r) = rows.next()? {
                let rsoft_id: String = r.get(0)?;
                let entity: Option<(String, i64)> = match (r.get(3)?, r.get(4)?) {
                    (Some(t), Some(id)) => Some((t, id)),
                    _ => None,
                };
                match out.last_mut() {
                    Some(GoneRow {
                        phase: p,
                        rsoft_id: last,
                        nutshell,
                        ..
                    }) if p == phase && *last == rsoft_id => nutshell.extend(entity),
                    _ => out.push(GoneRow {
                        phase: *phase,
                        module: r.get(1)?,
                        rsoft_id,
                        state: r.get(2)?,
                        nutshell: entity.into_iter().collect(),
                    }),
                }
            }
        }
        tx.commit()?;
        Ok(out)
    }

    /// Keep `run`'s tally of `phase`: (outcome, count) pairs, zero counts included.
    pub fn record_tally(
        &mut self,
        run: RunId,
        phase: Phase,
        counts: &[(&str, u64)],
    ) -> Result<(), JournalError> {
        let tx = self.conn.transaction()?;
        for (outcome, count) in counts {
            tx.execute(
                "INSERT INTO run_tallies (run_id, phase, outcome, count) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (run_id, phase, outcome) DO UPDATE SET count = excluded.count",
                (run, phase.as_str(), outcome, *count as i64),
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Every run's kept tallies, by run, phase and outcome.
    pub fn tallies(&self) -> Result<Vec<TallyRow>, JournalError> {
        let mut stmt = self.conn.prepare(
            "SELECT run_id, phase, outcome, count FROM run_tallies ORDER BY run_id, phase, outcome",
        )?;
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let phase: String = r.get(1)?;
            out.push(TallyRow {
                run: r.get(0)?,
                phase: Phase::parse(&phase)?,
                outcome: r.get(2)?,
                count: r.get::<_, i64>(3)?.unsigned_abs(),
            });
        }
        Ok(out)
    }

    /// The latest delta run that finished, if any: verify counts its unchanged records apart.
    pub fn last_delta(&self) -> Result<Option<RunId>, JournalError> {
        Ok(self.conn.query_row(
            "SELECT MAX(id) FROM runs WHERE kind = 'delta' AND finished_at IS NOT NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// Per phase and ledger state, the records `run` (a delta) found unchanged.
    pub fn unchanged_counts(&self, run: RunId) -> Result<Vec<PhaseCount>, JournalError> {
        let mut stmt = self.conn.prepare(
            "SELECT phase, state, COUNT(*) FROM ledger
             WHERE delta_run = ?1 AND delta_state = 'unchanged' GROUP BY phase, state",
        )?;
        let mut rows = stmt.query([run])?;
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

    /// Records of `phase` that `run` (a delta) found deleted in RSoft.
    pub fn gone_count(&self, phase: Phase, run: RunId) -> Result<u64, JournalError> {
        let n: i64 = self.conn.query_row(
            "SELECT COUNT(*) FROM ledger WHERE phase = ?1 AND gone_run = ?2",
            (phase.as_str(), run),
            |r| r.get(0),
        )?;
        Ok(n.unsigned_abs())
    }

    /// The delta state `run` left on a record (`None`: that run did not compare it).
    pub fn delta_state(
        &self,
        phase: Phase,
        rsoft_id: &str,
        run: RunId,
    ) -> Result<Option<String>, JournalError> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn
            .prepare_cached(
                "SELECT delta_state FROM ledger WHERE phase = ?1 AND rsoft_id = ?2 AND delta_run = ?3",
            )?
            .query_row((phase.as_str(), rsoft_id, run), |r| r.get(0))
            .optional()?
            .flatten())
    }
}
