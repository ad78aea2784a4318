//! Steps 3 and 4 in one call on the bundled sample against the sandbox: the first run is blocked
//! on Deepak Rao only and sends nothing; with owners.toml filled in, the house is prepared; a
//! third run creates nothing. A dry run never writes to Nutshell.

mod engine_support;

use crm_migrate::config::DateOrder;
use crm_migrate::engine::blockers::{BlockerKind, render};
use crm_migrate::engine::ready::{Writes, get_ready};
use crm_migrate::engine::schema::Destination;
use crm_migrate::mapping::model::Status;
use engine_support::{files, sample, sandbox};

#[tokio::test]
async fn blocked_on_the_owner_then_prepared_then_nothing_to_do() {
    let (sb, client) = sandbox().await;
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path());
    let destination = Destination::read(&client).await.unwrap();
    let mut s = sample(&destination);
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
    let run = |writes| {
        get_ready(
            &client,
            &s.map,
            &s.export,
            &s.report,
            &files,
            DateOrder::Dmy,
            writes,
        )
    };

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
