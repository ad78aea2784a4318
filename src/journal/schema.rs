//! The journal's tables and their versioned migrations. `PRAGMA user_version` holds the version;
//! each migration runs once, in one transaction, in order. A journal written by a newer binary
//! (a version above [`SCHEMA_VERSION`]) is refused, never opened and half understood.

use rusqlite::Connection;

use super::JournalError;

/// The schema version this binary writes and understands.
pub const SCHEMA_VERSION: i64 = 6;

/// Migration `i` takes a journal from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: runs, the ledger (one row per source record), the Nutshell entities each record made
    // (in creation order, for rollback), holds, dedupe keys, owner decisions.
    r#"
    CREATE TABLE runs (
        id           INTEGER PRIMARY KEY,
        kind         TEXT NOT NULL,
        config_hash  TEXT NOT NULL,
        map_hash     TEXT NOT NULL,
        started_at   TEXT NOT NULL,
        finished_at  TEXT,
        outcome      TEXT
    );
    CREATE TABLE ledger (
        id            INTEGER PRIMARY KEY,
        phase         TEXT NOT NULL,
        rsoft_id      TEXT NOT NULL,
        module        TEXT NOT NULL,
        content_hash  TEXT NOT NULL,
        state         TEXT NOT NULL,
        attempts      INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT,
        error_field   TEXT,
        run_id        INTEGER REFERENCES runs(id),
        updated_at    TEXT NOT NULL,
        anchor_type   TEXT,
        anchor_id     INTEGER,
        UNIQUE (phase, rsoft_id)
    );
    CREATE INDEX ledger_state ON ledger (phase, state);
    CREATE TABLE entities (
        seq           INTEGER PRIMARY KEY AUTOINCREMENT,
        ledger_id     INTEGER NOT NULL REFERENCES ledger(id),
        step          INTEGER NOT NULL,
        entity_type   TEXT NOT NULL,
        state         TEXT NOT NULL,
        nutshell_id   INTEGER,
        rev           TEXT,
        run_id        INTEGER NOT NULL REFERENCES runs(id),
        at            TEXT NOT NULL,
        UNIQUE (ledger_id, step)
    );
    CREATE INDEX entities_run ON entities (run_id, state);
    CREATE TABLE holds (
        ledger_id     INTEGER NOT NULL REFERENCES ledger(id),
        reason        TEXT NOT NULL,
        run_id        INTEGER NOT NULL REFERENCES runs(id),
        at            TEXT NOT NULL,
        released_at   TEXT
    );
    CREATE INDEX holds_ledger ON holds (ledger_id);
    CREATE TABLE dedupe_keys (
        kind          TEXT NOT NULL,
        key           TEXT NOT NULL,
        entity_type   TEXT NOT NULL,
        nutshell_id   INTEGER NOT NULL,
        origin        TEXT NOT NULL,
        run_id        INTEGER NOT NULL REFERENCES runs(id),
        PRIMARY KEY (kind, key)
    );
    CREATE TABLE owner_decisions (
        owner         TEXT PRIMARY KEY,
        user_id       INTEGER NOT NULL,
        user_email    TEXT,
        basis         TEXT NOT NULL,
        run_id        INTEGER NOT NULL REFERENCES runs(id),
        at            TEXT NOT NULL
    );
    "#,
    // 2: rollback — each rollback's planned deletes with their intent and outcome (resumable),
    // and when a run was rolled back.
    r#"
    ALTER TABLE runs ADD COLUMN rolled_back_at TEXT;
    CREATE TABLE rollbacks (
        id           INTEGER PRIMARY KEY,
        runs         TEXT NOT NULL,
        started_at   TEXT NOT NULL,
        finished_at  TEXT
    );
    CREATE TABLE rollback_steps (
        rollback_id  INTEGER NOT NULL REFERENCES rollbacks(id),
        seq          INTEGER NOT NULL,
        rank         INTEGER NOT NULL,
        ledger_id    INTEGER NOT NULL,
        phase        TEXT NOT NULL,
        rsoft_id     TEXT NOT NULL,
        entity_type  TEXT NOT NULL,
        nutshell_id  INTEGER,
        run_id       INTEGER NOT NULL,
        ours_at      TEXT NOT NULL,
        intent_at    TEXT NOT NULL,
        state        TEXT NOT NULL,
        reason       TEXT,
        at           TEXT NOT NULL,
        PRIMARY KEY (rollback_id, seq)
    );
    CREATE INDEX rollback_steps_order ON rollback_steps (rollback_id, state, rank, seq);
    "#,
    // 3: the delta — which run last saw each record in the export (a settled record no delta
    // saw is reported as deleted in RSoft), what the last delta did with it (unchanged or
    // edited), and every run's tally per phase (for verify and the report); the entities by
    // Nutshell id, for verify's lookups.
    r#"
    ALTER TABLE ledger ADD COLUMN seen_run INTEGER;
    ALTER TABLE ledger ADD COLUMN delta_state TEXT;
    ALTER TABLE ledger ADD COLUMN delta_run INTEGER;
    ALTER TABLE ledger ADD COLUMN gone_run INTEGER;
    CREATE INDEX entities_nutshell ON entities (entity_type, nutshell_id);
    CREATE TABLE run_tallies (
        run_id        INTEGER NOT NULL REFERENCES runs(id),
        phase         TEXT NOT NULL,
        outcome       TEXT NOT NULL,
        count         INTEGER NOT NULL,
        PRIMARY KEY (run_id, phase, outcome)
    );
    "#,
    // 4: what a merged or linked row's values came to (added to the record it joined, or not
    // sent, with the differing fields), for the report.
    r#"
    ALTER TABLE ledger ADD COLUMN note TEXT;
    "#,
    // 5: where each record's row is in the export (file as the export names it, 1-based line
    // of the record's start), so failures.csv can point at the row to fix. NULL for records
    // journaled before version 5.
    r#"
    ALTER TABLE ledger ADD COLUMN source_file TEXT;
    ALTER TABLE ledger ADD COLUMN source_line INTEGER;
    "#,
    // 6: which holds wait for the operator (a note whose create may have reached Nutshell, a
    // record deleted in Nutshell) rather than for a parent or lookup, which every run tries
    // again. Before version 6 only an ambiguous note was held for the operator; its reason
    // asked for --release-holds.
    r#"
    ALTER TABLE holds ADD COLUMN for_operator INTEGER NOT NULL DEFAULT 0;
    UPDATE holds SET for_operator = 1 WHERE reason LIKE '%then run migrate --release-holds';
    "#,
];

/// Bring `conn` to [`SCHEMA_VERSION`], or refuse a journal from a newer binary.
pub(super) fn migrate(conn: &mut Connection, path: &std::path::Path) -> Result<(), JournalError> {
    let found: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(JournalError::TooNew {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", from as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_migration_is_counted() {
        assert_eq!(super::MIGRATIONS.len() as i64, super::SCHEMA_VERSION);
    }
}
