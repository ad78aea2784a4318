//! Steps 3 and 4 in one call on the bundled sample against the sandbox: the first run is blocked
//! on Deepak Rao only and sends nothing; with owners.toml filled in, the house is prepared; a
//! third run creates nothing. A dry run never writes to Nutshell. owners.toml lines giving one
//! owner two users are blockers gathered with the map's, not an error that stops at the first.

mod engine_support;

use crm_migrate::config::DateOrder;
use crm_migrate::engine::blockers::Files;
use crm_migrate::engine::blockers::{BlockerKind, render};
use crm_migrate::engine::ready::{Readiness, ReadyError, Writes, get_ready};
use crm_migrate::engine::schema::Destination;
use crm_migrate::mapping::model::Status;
use crm_migrate::nutshell::Client;
use crm_migrate::sandbox::RunningSandbox;
use engine_support::{Sample, files, sample, sandbox};
use tempfile::TempDir;

/// A started sandbox, our client, a temp dir with the run's files, and the sample proposed
/// against the sandbox.
async fn started() -> (RunningSandbox, Client, TempDir, Files, Sample) {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path());
    let destination = Destination::read(&client).await.unwrap();
    let s = sample(&destination);
    (sb, client, dir, files, s)
}

/// `get_ready` on the sample with the export's declared day-first dates.
async fn check(
    client: &Client,
    s: &Sample,
    files: &Files,
    writes: Writes,
) -> Result<Readiness, ReadyError> {
    get_ready(
        client,
        &s.map,
        &s.export,
        &s.report,
        files,
        DateOrder::Dmy,
        writes,
    )
    .await
}

#[tokio::test]
async fn blocked_on_the_owner_then_prepared_then_nothing_to_do() {
    let (sb, client, _dir, files, mut s) = started().await;
    // The operator decides what the threshold left open: here, not to move it.
    for m in s.map.modules.values_mut() {
        for c in m
            .columns
            .iter_mut()
            .filter(|c| c.status == Status::Proposed)
        {
            c.status = Status::Ignored;
        }
        for v in m.values.values_mut().flatten() {
            if v.status == Status::Proposed {
                v.status = Status::Ignored;
            }
        }
    }
    let run = |writes| check(&client, &s, &files, writes);

    let before = sb.stats().creates_committed;
    let first = run(Writes::Allowed).await.unwrap();
    let kinds: Vec<BlockerKind> = first.blockers.iter().map(|b| b.kind).collect();
    assert_eq!(
        kinds,
        [BlockerKind::UnmatchedOwner],
        "{}",
        render(&first.blockers)
    );
    assert_eq!(
        sb.stats().creates_committed,
        before,
        "nothing sent while blocked"
    );
    assert!(first.created.custom_fields.is_empty());
    assert!(!first.house.creates_nothing());
    let text = std::fs::read_to_string(&files.owners).unwrap();
    assert!(text.contains("\"Deepak Rao\" = \"\""), "{text}");

    // A dry run with the owner decided: nothing blocks, and still nothing is sent.
    std::fs::write(
        &files.owners,
        "[owners]\n\"Deepak Rao\" = \"ravi@acme.in\"\n",
    )
    .unwrap();
    let dry = run(Writes::None).await.unwrap();
    assert_eq!(dry.blockers, []);
    assert_eq!(
        sb.stats().creates_committed,
        before,
        "a dry run writes nothing"
    );
    assert!(!dry.house.creates_nothing());

    let second = run(Writes::Allowed).await.unwrap();
    assert_eq!(second.blockers, [], "{}", render(&second.blockers));
    assert!(!second.created.custom_fields.is_empty());
    assert!(second.owners.user_for("Deepak Rao").is_some());
    assert!(!files.checklist.exists());
    let after = sb.stats().creates_committed;
    assert!(after > before);

    let third = run(Writes::Allowed).await.unwrap();
    assert_eq!(third.blockers, []);
    assert!(third.house.creates_nothing(), "{:#?}", third.house);
    assert_eq!(
        sb.stats().creates_committed,
        after,
        "a second preparation creates nothing"
    );
}

#[tokio::test]
async fn conflicting_owners_toml_lines_are_blockers_beside_the_maps() {
    // The map keeps what the threshold left open: those entries block too.
    let (sb, client, _dir, files, s) = started().await;
    std::fs::write(
        &files.owners,
        "[owners]\n\"Deepak Rao\" = \"ravi@acme.in\"\n\"Rao, Deepak\" = \"anil.mehta@acme.in\"\n\"Priya Sharma\" = \"priya.sharma@acme.in\"\n\"priya  sharma\" = \"ravi@acme.in\"\n",
    )
    .unwrap();
    let before = sb.stats().creates_committed;
    let ready = check(&client, &s, &files, Writes::Allowed).await.unwrap();
    let count = |kind| ready.blockers.iter().filter(|b| b.kind == kind).count();
    let message = render(&ready.blockers);
    assert_eq!(count(BlockerKind::OwnerConflict), 2, "{message}");
    assert!(count(BlockerKind::UnconfirmedMapEntry) > 0, "{message}");
    for line in [
        "\"Rao, Deepak\" = \"anil.mehta@acme.in\"",
        "\"priya  sharma\" = \"ravi@acme.in\"",
    ] {
        assert!(message.contains(line), "{line}: {message}");
    }
    assert_eq!(
        sb.stats().creates_committed,
        before,
        "nothing sent while blocked"
    );
}
