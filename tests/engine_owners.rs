//! Owner reconciliation on the bundled sample against the sandbox: Deepak Rao (inactive in RSoft,
//! no Nutshell user) is queued with his record counts and written to owners.toml; filled in, he
//! resolves; an owners.toml value naming no user blocks; case-insensitive email matching; lines
//! of owners.toml giving one owner two users each block, all of them, and none is picked.

mod engine_support;

use std::collections::BTreeMap;

use crm_migrate::engine::blockers::{BlockerKind, render};
use crm_migrate::engine::owners::{
    MatchedBy, OwnersFile, OwnersFileError, Unresolved, reconcile, rsoft_users, write_owners_file,
};
use crm_migrate::engine::scan::scan;
use crm_migrate::engine::schema::Destination;
use crm_migrate::rsoft::Module;
use engine_support::{files, sample, sandbox};

#[tokio::test]
async fn the_sample_queues_deepak_rao_until_owners_toml_names_a_user() {
    let (_sb, client) = sandbox().await;
    let destination = Destination::read(&client).await.unwrap();
    let s = sample(&destination);
    let found = scan(&s.export, &s.map).unwrap();
    let rsoft = rsoft_users(&s.report);
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path());

    let owners = reconcile(
        &found.owners,
        &destination.users,
        &OwnersFile::default(),
        &rsoft,
    );
    let queued: Vec<&str> = owners.queue.owners.iter().map(|o| o.key.as_str()).collect();
    assert_eq!(queued, ["Deepak Rao"], "{owners:#?}");
    let deepak = &owners.queue.owners[0];
    assert_eq!(deepak.why, Unresolved::NoMatch);
    assert_eq!(deepak.rsoft_status.as_deref(), Some("Inactive"));
    assert_eq!(deepak.email.as_deref(), Some("deepak.rao@acme.in"));
    // Counted by hand in assets/sample-export (grep "Deepak Rao"; Tickets.csv is UTF-16).
    let want = BTreeMap::from([
        (Module::Companies, 1),
        (Module::Contacts, 2),
        (Module::Leads, 1),
        (Module::Deals, 1),
        (Module::Activities, 2),
        (Module::Tickets, 1),
    ]);
    assert_eq!(deepak.modules, want);
    assert_eq!(deepak.records, 8);
    assert_eq!(deepak.samples.len(), 3, "{deepak:?}");

    // Everyone else matched, never to the API user: by email in any case (the sandbox spells
    // Anil.Mehta@acme.in), and the name-only "Priya Sharma" through RSoft's users file.
    let user_of = |cell: &str| {
        let id = owners
            .user_for(cell)
            .unwrap_or_else(|| panic!("{cell} unresolved"));
        destination.user(id).unwrap().emails[0].clone()
    };
    assert_eq!(
        user_of("Anil Mehta <ANIL.MEHTA@acme.in>"),
        "Anil.Mehta@acme.in"
    );
    assert_eq!(user_of("Priya Sharma"), "priya.sharma@acme.in");
    assert_eq!(user_of("sneha.iyer@acme.in"), "sneha.iyer@acme.in");
    assert!(owners.decisions.iter().all(|d| d.by == MatchedBy::Email));
    assert!(owners.user_for("Deepak Rao").is_none());

    // The blocker names owners.toml, the counts and the RSoft status.
    let blockers = owners.blockers(&files);
    assert_eq!(blockers.len(), 1);
    assert_eq!(blockers[0].kind, BlockerKind::UnmatchedOwner);
    assert_eq!(blockers[0].file, files.owners);
    let message = render(&blockers);
    for part in [
        "owner \"Deepak Rao\"",
        "8 records",
        "Inactive",
        "owners.toml",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }

    // owners.toml: written with an empty value and the counts as a comment.
    write_owners_file(&files.owners, &OwnersFile::default(), &owners).unwrap();
    let text = std::fs::read_to_string(&files.owners).unwrap();
    assert!(text.contains("[owners]\n"), "{text}");
    assert!(text.contains("\"Deepak Rao\" = \"\""), "{text}");
    assert!(
        text.contains("# 8 records (companies 1, contacts 2"),
        "{text}"
    );
    assert!(!dir.path().join("owners.toml.tmp").exists());
    let read = OwnersFile::load(&files.owners).unwrap();
    assert_eq!(read.entries["Deepak Rao"], "");

    // Filled in with a user's email (another case): resolved, and said to come from the file.
    std::fs::write(
        &files.owners,
        text.replace("\"Deepak Rao\" = \"\"", "\"Deepak Rao\" = \"RAVI@acme.in\""),
    )
    .unwrap();
    let filled = OwnersFile::load(&files.owners).unwrap();
    let owners = reconcile(&found.owners, &destination.users, &filled, &rsoft);
    assert!(owners.queue.owners.is_empty(), "{owners:#?}");
    let ravi = destination.user_by_email("ravi@acme.in").unwrap().id;
    assert_eq!(owners.user_for("Deepak Rao"), Some(ravi));
    let decision = owners
        .decisions
        .iter()
        .find(|d| d.key == "Deepak Rao")
        .unwrap();
    assert_eq!(decision.by, MatchedBy::OwnersFile);
    assert_eq!(decision.records, 8);

    // A value naming no Nutshell user blocks and says so; rewriting keeps the value.
    let wrong = OwnersFile::parse(
        "[owners]\n\"Deepak Rao\" = \"deepak@nowhere.in\"\n",
        &files.owners,
    )
    .unwrap();
    let owners = reconcile(&found.owners, &destination.users, &wrong, &rsoft);
    let blockers = owners.blockers(&files);
    assert_eq!(blockers.len(), 1);
    assert_eq!(blockers[0].kind, BlockerKind::UnknownOwnerUser);
    assert!(
        blockers[0].problem.contains("\"deepak@nowhere.in\""),
        "{}",
        blockers[0]
    );
    write_owners_file(&files.owners, &wrong, &owners).unwrap();
    let text = std::fs::read_to_string(&files.owners).unwrap();
    assert!(
        text.contains("\"Deepak Rao\" = \"deepak@nowhere.in\""),
        "{text}"
    );
}

#[test]
fn a_broken_owners_toml_names_file_line_and_column() {
    let path = std::path::Path::new("/x/owners.toml");
    let e = OwnersFile::parse(
        "[owners]\n\"Deepak Rao\" = \"\"\nPriya Sharma = \"p@x.in\"\n",
        path,
    )
    .unwrap_err();
    let OwnersFileError::Parse { line, column, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!((*line, *column), (3, 7), "{e}");
    let text = e.to_string();
    assert!(
        text.starts_with("/x/owners.toml: line 3, column 7:"),
        "{text}"
    );
    assert!(text.contains("Fix:"), "{text}");
    // A value that is not a string, and a section that is not [owners].
    let e = OwnersFile::parse("[owners]\n\"Deepak Rao\" = 5\n", path).unwrap_err();
    assert!(e.to_string().contains("line 2"), "{e}");
    let e = OwnersFile::parse("[owner]\n", path).unwrap_err();
    assert!(e.to_string().contains("line 1"), "{e}");
    // A missing file is an empty one.
    assert_eq!(
        OwnersFile::load(std::path::Path::new("/nonexistent/owners.toml")).unwrap(),
        OwnersFile::default()
    );
}

#[tokio::test]
async fn each_owner_whose_owners_toml_lines_disagree_waits_and_none_is_picked() {
    let (_sb, client) = sandbox().await;
    let destination = Destination::read(&client).await.unwrap();
    let s = sample(&destination);
    let found = scan(&s.export, &s.map).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path());
    // Priya Sharma matches by email on her own; the file's two lines must not change that into
    // either of them, nor leave her matched by email as if the operator had said nothing.
    let text = "[owners]\n\"Priya Sharma\" = \"priya.sharma@acme.in\"\n\"SHARMA, PRIYA (Sales)\" = \"ravi@acme.in\"\n\"Deepak Rao\" = \"ravi@acme.in\"\n\"rao,  deepak\" = \"anil.mehta@acme.in\"\n\"Gone Owner\" = \"ravi@acme.in\"\n\"owner, gone\" = \"sneha.iyer@acme.in\"\n";
    std::fs::write(&files.owners, text).unwrap();
    let file = OwnersFile::load(&files.owners).unwrap();
    let owners = reconcile(
        &found.owners,
        &destination.users,
        &file,
        &rsoft_users(&s.report),
    );
    assert!(owners.user_for("Priya Sharma").is_none(), "{owners:#?}");
    assert!(owners.user_for("Deepak Rao").is_none(), "{owners:#?}");
    let conflicts: Vec<(&str, u64)> = owners
        .queue
        .owners
        .iter()
        .filter(|o| matches!(o.why, Unresolved::Conflict { .. }))
        .map(|o| (o.key.as_str(), o.records))
        .collect();
    assert_eq!(conflicts.len(), 3, "{owners:#?}");
    assert!(conflicts.contains(&("Deepak Rao", 8)), "{conflicts:?}");
    assert!(conflicts.contains(&("Gone Owner", 0)), "{conflicts:?}");

    let blockers = owners.blockers(&files);
    assert_eq!(blockers.len(), 3, "{}", render(&blockers));
    assert!(
        blockers
            .iter()
            .all(|b| b.kind == BlockerKind::OwnerConflict && b.file == files.owners),
        "{blockers:#?}"
    );
    let message = render(&blockers);
    for line in [
        "\"Priya Sharma\" = \"priya.sharma@acme.in\"",
        "\"SHARMA, PRIYA (Sales)\" = \"ravi@acme.in\"",
        "\"Deepak Rao\" = \"ravi@acme.in\"",
        "\"rao,  deepak\" = \"anil.mehta@acme.in\"",
        "no record of this export has this owner",
        "owners.toml",
    ] {
        assert!(message.contains(line), "{line}: {message}");
    }

    // Rewritten because owners wait: every line the operator wrote is kept as written.
    write_owners_file(&files.owners, &file, &owners).unwrap();
    assert_eq!(OwnersFile::load(&files.owners).unwrap(), file);
    // One line deleted per owner: each resolves to the line kept.
    let kept = "[owners]\n\"SHARMA, PRIYA (Sales)\" = \"ravi@acme.in\"\n\"rao,  deepak\" = \"anil.mehta@acme.in\"\n\"Gone Owner\" = \"ravi@acme.in\"\n";
    let file = OwnersFile::parse(kept, &files.owners).unwrap();
    let owners = reconcile(
        &found.owners,
        &destination.users,
        &file,
        &rsoft_users(&s.report),
    );
    assert!(owners.queue.owners.is_empty(), "{owners:#?}");
    let ravi = destination.user_by_email("ravi@acme.in").unwrap().id;
    let anil = destination.user_by_email("anil.mehta@acme.in").unwrap().id;
    assert_eq!(owners.user_for("Priya Sharma"), Some(ravi));
    assert_eq!(owners.user_for("Deepak Rao"), Some(anil));
}
