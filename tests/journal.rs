//! The journal: ledger lifecycle, intents and outcomes, holds, dedupe keys, rollback order,
//! counts, and refusing a journal from a newer binary.

use crm_migrate::journal::{
    Batch, EntityOutcome, EntityState, Failure, Journal, JournalError, KeyKind, Phase, RecordState,
    Resolution, RunKind, RunOutcome, SCHEMA_VERSION, SourceRecord,
};
use crm_migrate::nutshell::EntityType;

fn record(phase: Phase, id: &str, hash: &str) -> SourceRecord {
    SourceRecord {
        phase,
        module: "companies".into(),
        rsoft_id: id.into(),
        content_hash: hash.into(),
        file: "Companies.csv".into(),
        line: 2,
    }
}

fn created(entity_type: &str, id: i64) -> EntityOutcome {
    EntityOutcome {
        state: EntityState::Created,
        entity_type: entity_type.into(),
        id,
        rev: Some("1".into()),
    }
}

#[test]
fn a_record_goes_from_pending_through_sending_to_created_and_resolves() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = Journal::open(dir.path()).unwrap();
    let run = j.start_run(RunKind::Full, "c1", "m1").unwrap();
    let mut b = Batch::new();
    b.register(record(Phase::Accounts, "COMP-1", "h1"));
    j.apply(run, b).unwrap();
    assert_eq!(
        j.record(Phase::Accounts, "COMP-1").unwrap().unwrap().state,
        RecordState::Pending
    );
    assert_eq!(
        j.resolve(Phase::Accounts, "COMP-1", EntityType::Accounts)
            .unwrap(),
        Resolution::NotYet
    );

    let mut b = Batch::new();
    b.intent(Phase::Accounts, "COMP-1", 0, EntityType::Accounts);
    j.apply(run, b).unwrap();
    let row = j.record(Phase::Accounts, "COMP-1").unwrap().unwrap();
    assert_eq!((row.state, row.attempts), (RecordState::Sending, 1));
    let sending = j.entities(Phase::Accounts, "COMP-1").unwrap();
    assert_eq!(sending.len(), 1);
    assert_eq!(
        (sending[0].state, sending[0].nutshell_id),
        (EntityState::Sending, None)
    );

    let mut b = Batch::new();
    b.entity(Phase::Accounts, "COMP-1", 0, created("Accounts", 77));
    b.finish(Phase::Accounts, "COMP-1", RecordState::Created, None);
    j.apply(run, b).unwrap();
    assert_eq!(
        j.resolve(Phase::Accounts, "COMP-1", EntityType::Accounts)
            .unwrap(),
        Resolution::Id(77)
    );
    assert_eq!(
        j.resolve(Phase::Accounts, "COMP-9", EntityType::Accounts)
            .unwrap(),
        Resolution::Missing
    );
    // The entity keeps its intent's sequence number.
    assert_eq!(
        j.entities(Phase::Accounts, "COMP-1").unwrap()[0].seq,
        sending[0].seq
    );

    // Registering again (a re-run) keeps a settled record's state and hash.
    let mut b = Batch::new();
    b.register(record(Phase::Accounts, "COMP-1", "h2"));
    j.apply(run, b).unwrap();
    let row = j.record(Phase::Accounts, "COMP-1").unwrap().unwrap();
    assert_eq!(
        (row.state, row.content_hash.as_str()),
        (RecordState::Created, "h1")
    );
}

#[test]
fn the_journal_survives_reopening_and_failures_keep_message_and_field() {
    let dir = tempfile::tempdir().unwrap();
    {
        let mut j = Journal::open(dir.path()).unwrap();
        let run = j.start_run(RunKind::Full, "c", "m").unwrap();
        let mut b = Batch::new();
        b.register(record(Phase::Deals, "DEAL-1", "h"));
        b.intent(Phase::Deals, "DEAL-1", 0, EntityType::Leads);
        b.forget(Phase::Deals, "DEAL-1", 0);
        b.finish(
            Phase::Deals,
            "DEAL-1",
            RecordState::Failed,
            Some(Failure {
                message: "newLead: Bad milestone".into(),
                field: Some("milestoneId".into()),
            }),
        );
        j.apply(run, b).unwrap();
        j.finish_run(run, RunOutcome::Failed).unwrap();
    }
    let j = Journal::open(dir.path()).unwrap();
    let failures = j.failures().unwrap();
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].message, "newLead: Bad milestone");
    assert_eq!(failures[0].field.as_deref(), Some("milestoneId"));
    assert_eq!(failures[0].attempts, 1);
    assert!(j.entities(Phase::Deals, "DEAL-1").unwrap().is_empty());
    let runs = j.runs().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].outcome, Some(RunOutcome::Failed));
}

#[test]
fn holds_carry_reasons_and_release_back_to_pending() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = Journal::open(dir.path()).unwrap();
    let run = j.start_run(RunKind::Full, "c", "m").unwrap();
    let mut b = Batch::new();
    b.register(record(Phase::Deals, "DEAL-9", "h"));
    b.register(record(Phase::Accounts, "COMP-1", "h"));
    b.hold(
        Phase::Deals,
        "DEAL-9",
        vec!["company COMP-404 is not in the export".into()],
    );
    j.apply(run, b).unwrap();
    assert_eq!(
        j.resolve(Phase::Deals, "DEAL-9", EntityType::Leads)
            .unwrap(),
        Resolution::Held
    );
    let holds = j.holds().unwrap();
    assert_eq!(holds.len(), 1);
    assert_eq!(holds[0].reason, "company COMP-404 is not in the export");
    assert_eq!(
        j.hold_reasons(Phase::Deals, "DEAL-9").unwrap(),
        vec!["company COMP-404 is not in the export".to_string()]
    );
    assert_eq!(j.release_holds(Some(Phase::Accounts)).unwrap(), 0);
    assert_eq!(j.release_holds(None).unwrap(), 1);
    assert!(j.holds().unwrap().is_empty());
    assert_eq!(
        j.record(Phase::Deals, "DEAL-9").unwrap().unwrap().state,
        RecordState::Pending
    );

    // A record held for two reasons is one held record, its reasons in the order found.
    let run = j.start_run(RunKind::Full, "c", "m").unwrap();
    let mut b = Batch::new();
    b.hold(
        Phase::Deals,
        "DEAL-9",
        vec![
            "company COMP-404 is not in the export".into(),
            "contact CONT-404 is not in the export".into(),
        ],
    );
    j.apply(run, b).unwrap();
    let holds = j.holds().unwrap();
    assert_eq!(holds.len(), 1, "{holds:?}");
    assert_eq!(
        holds[0].reason,
        "company COMP-404 is not in the export; contact CONT-404 is not in the export"
    );
}

#[test]
fn rollback_reads_a_runs_creations_newest_first_and_skips_links() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = Journal::open(dir.path()).unwrap();
    let first = j.start_run(RunKind::Sample, "c", "m").unwrap();
    let mut b = Batch::new();
    for (i, id) in ["COMP-1", "COMP-2", "COMP-3"].iter().enumerate() {
        b.register(record(Phase::Accounts, id, "h"));
        b.intent(Phase::Accounts, id, 0, EntityType::Accounts);
        b.entity(Phase::Accounts, id, 0, created("Accounts", 10 + i as i64));
    }
    b.register(record(Phase::Accounts, "COMP-4", "h"));
    b.entity(
        Phase::Accounts,
        "COMP-4",
        0,
        EntityOutcome {
            state: EntityState::Linked,
            entity_type: "Accounts".into(),
            id: 5,
            rev: None,
        },
    );
    j.apply(first, b).unwrap();
    let second = j.start_run(RunKind::Full, "c", "m").unwrap();
    let mut b = Batch::new();
    b.register(record(Phase::Contacts, "CONT-1", "h"));
    b.intent(Phase::Contacts, "CONT-1", 0, EntityType::Contacts);
    b.entity(Phase::Contacts, "CONT-1", 0, created("Contacts", 20));
    j.apply(second, b).unwrap();

    let mut ids = Vec::new();
    j.for_each_created_newest_first(first, |e| {
        ids.push(e.nutshell_id.unwrap());
        Ok(())
    })
    .unwrap();
    assert_eq!(ids, vec![12, 11, 10]);
}

#[test]
fn dedupe_keys_keep_the_first_writer_and_counts_group_by_phase_and_state() {
    let dir = tempfile::tempdir().unwrap();
    let mut j = Journal::open(dir.path()).unwrap();
    let run = j.start_run(RunKind::Full, "c", "m").unwrap();
    let mut b = Batch::new();
    b.key(
        KeyKind::CompanyName,
        "sharma textiles",
        EntityType::Accounts,
        1,
        "existing",
    );
    b.key(
        KeyKind::CompanyName,
        "sharma textiles",
        EntityType::Accounts,
        2,
        "created",
    );
    b.register(record(Phase::Accounts, "COMP-1", "h"));
    b.register(record(Phase::Accounts, "COMP-2", "h"));
    b.finish(Phase::Accounts, "COMP-2", RecordState::Linked, None);
    j.apply(run, b).unwrap();
    assert_eq!(
        j.dedupe(KeyKind::CompanyName, "sharma textiles")
            .unwrap()
            .map(|hit| (hit.id, hit.origin)),
        Some((1, "existing".into()))
    );
    assert_eq!(j.dedupe(KeyKind::Email, "sharma textiles").unwrap(), None);
    let counts: Vec<_> = j
        .counts()
        .unwrap()
        .into_iter()
        .map(|c| (c.phase, c.state, c.count))
        .collect();
    assert_eq!(
        counts,
        vec![
            (Phase::Accounts, RecordState::Linked, 1),
            (Phase::Accounts, RecordState::Pending, 1)
        ]
    );
}

#[test]
fn a_journal_from_a_newer_binary_is_refused_with_the_versions() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.sqlite");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
            .unwrap();
    }
    let err = Journal::open_file(&path).unwrap_err();
    assert!(matches!(err, JournalError::TooNew { found, .. } if found == SCHEMA_VERSION + 1));
    assert!(err.to_string().contains("newer crm-migrate"), "{err}");
}

/// Verify's streamed reads: a seeded sample of created records (all of them when asked for
/// more), the export's RSoft IDs seen once, and created records not found in Nutshell.
#[test]
fn verify_reads_stream_through_sqlite() {
    use rand::SeedableRng;
    let dir = tempfile::tempdir().unwrap();
    let mut j = Journal::open(dir.path()).unwrap();
    let run = j.start_run(RunKind::Full, "c", "m").unwrap();
    let mut b = Batch::new();
    for n in 0..50 {
        let id = format!("COMP-{n:02}");
        b.register(record(Phase::Accounts, &id, "h"));
        b.entity(Phase::Accounts, &id, 0, created("Accounts", 100 + n));
        b.finish(Phase::Accounts, &id, RecordState::Created, None);
    }
    j.apply(run, b).unwrap();

    let draw = |seed, n| {
        let mut rng = rand::rngs::SmallRng::seed_from_u64(seed);
        j.sample_created(Phase::Accounts, n, &mut rng).unwrap()
    };
    let five = draw(7, 5);
    assert_eq!(five.len(), 5);
    assert_eq!(draw(7, 5), five, "the same seed draws the same records");
    assert!(five.windows(2).all(|w| w[0] < w[1]), "distinct, in order");
    assert_ne!(draw(8, 5), five);
    assert_eq!(draw(1, 80).len(), 50);
    assert!(draw(1, 0).is_empty());

    j.reset_scratch().unwrap();
    assert_eq!(
        j.seen_in_export(Phase::Accounts, "COMP-01", 2).unwrap(),
        None
    );
    assert_eq!(
        j.seen_in_export(Phase::Contacts, "COMP-01", 3).unwrap(),
        None
    );
    assert_eq!(
        j.seen_in_export(Phase::Accounts, "COMP-01", 9).unwrap(),
        Some(2)
    );

    assert_eq!(j.created_count(EntityType::Accounts).unwrap(), 50);
    for id in 100..149 {
        assert!(j.find_created(EntityType::Accounts, id).unwrap().is_some());
    }
    assert_eq!(j.find_created(EntityType::Accounts, 999).unwrap(), None);
    let mut missing = Vec::new();
    j.for_each_not_found(EntityType::Accounts, |e| {
        missing.push((e.rsoft_id, e.nutshell_id));
        Ok(())
    })
    .unwrap();
    assert_eq!(missing, [("COMP-49".to_string(), Some(149))]);
    j.reset_scratch().unwrap();
    assert_eq!(
        j.seen_in_export(Phase::Accounts, "COMP-01", 9).unwrap(),
        None
    );
}
