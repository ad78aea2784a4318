//! The Schema and Owners steps driven by keys and actions, no terminal: the same `get_ready` call
//! `migrate` makes runs against a sandbox in this process; an owner is resolved from the fuzzy
//! list and the decision is in owners.toml, where `migrate` reads it. owners.toml lines giving one
//! owner two users wait on the Owners screen like any undecided owner; a pick keeps one line.

mod tui_support;

use crm_migrate::engine::blockers::BlockerKind;
use crm_migrate::engine::owners::{MatchedBy, OwnersFile, Unresolved};
use crm_migrate::engine::schema::DestinationUser;
use crm_migrate::tui::{Action, Effect, Notice, Outcome, Step, StepStatus};
use tui_support::Harness;

/// Demo opened, every module's proposals at or above the threshold accepted, the map saved.
fn mapped_and_saved(width: u16, height: u16) -> Harness {
    let mut h = Harness::demo(width, height);
    h.driver.start();
    h.keys(&["n", "n"]);
    let modules = h.state().field_map.modules().len();
    for _ in 0..modules {
        h.keys(&["A", "l"]);
    }
    h.keys(&["s"]);
    assert!(!h.state().field_map.unsaved());
    h
}

fn queue_keys(h: &Harness) -> Vec<String> {
    let c = h.state().ready_checked().expect("checked");
    c.readiness
        .owners
        .queue
        .owners
        .iter()
        .map(|o| o.key.clone())
        .collect()
}

#[test]
fn schema_and_owners_wait_for_a_saved_map() {
    let mut h = Harness::demo(120, 40);
    h.driver.start();
    h.keys(&["n", "n", "a", "n"]);
    assert_eq!(h.state().step, Step::Schema);
    let (status, why) = h.state().step_status(Step::Schema);
    assert_eq!(status, StepStatus::Blocked);
    assert!(why.contains("save the field map"), "{why}");
    assert!(
        !h.driver
            .performed
            .iter()
            .any(|e| matches!(e, Effect::Check { .. })),
        "no check on an unsaved map"
    );
    assert_eq!(h.state().step_status(Step::Owners).0, StepStatus::Blocked);
}

/// Schema shows the plan and the owner blocker; Owners lists Deepak Rao (inactive in RSoft) with
/// his records; the queue keeps the operator on the step; assigning from the filtered list
/// empties it and writes owners.toml; a re-check reads that decision back.
#[test]
fn resolve_an_owner_then_recheck() {
    let mut h = mapped_and_saved(120, 40);
    h.keys(&["n"]);
    assert_eq!(h.state().step, Step::Schema);
    let c = h.state().ready_checked().expect("entering Schema checks");
    assert!(
        c.readiness
            .house
            .create_fields
            .iter()
            .any(|f| f.name == "RSoft ID"),
        "the legacy-id field is planned: {:?}",
        c.readiness.house.create_fields
    );
    assert!(
        c.readiness
            .blockers
            .iter()
            .any(|b| b.kind == BlockerKind::UnmatchedOwner && b.item.contains("Deepak Rao"))
    );
    assert!(c.readiness.created.custom_fields.is_empty());
    let screen = h.screen();
    assert!(screen.contains("For the account's admin"), "{screen}");
    assert!(
        screen.contains("☐ pipeline \"Sales\": add stage(s) On Hold"),
        "{screen}"
    );
    assert!(screen.contains("Deepak Rao"), "{screen}");

    h.keys(&["n"]);
    assert_eq!(h.state().step, Step::Owners);
    assert_eq!(queue_keys(&h), ["Deepak Rao"]);
    let c = h.state().ready_checked().unwrap();
    let deepak = &c.readiness.owners.queue.owners[0];
    assert_eq!(deepak.why, Unresolved::NoMatch);
    assert_eq!(deepak.rsoft_status.as_deref(), Some("Inactive"));
    assert!(deepak.records > 0 && !deepak.samples.is_empty());
    assert_eq!(h.state().step_status(Step::Owners).0, StepStatus::Attention);
    // The queue must be empty to go on.
    h.keys(&["n"]);
    assert_eq!(h.state().step, Step::Owners);
    assert!(
        matches!(&h.state().notice, Some(Notice::Info(t)) if t.contains("queue must be empty"))
    );

    // Pick Ravi Kumar by typing part of his name; q types, it does not quit.
    h.keys(&["esc", "enter"]);
    assert!(h.state().owners.picker.is_some());
    for c in "rvi".chars() {
        h.driver.send(Action::Insert(c));
    }
    let (_, picker) = h.state().owners.picker.as_ref().unwrap();
    assert_eq!(picker.shown().len(), 1, "{picker:?}");
    h.keys(&["enter"]);
    assert!(h.state().owners.picker.is_none());
    assert!(queue_keys(&h).is_empty());
    assert_eq!(h.state().step_status(Step::Owners).0, StepStatus::Done);
    assert!(
        h.driver
            .performed
            .iter()
            .any(|e| matches!(e, Effect::SaveOwners { .. }))
    );
    let path = h.state().config.migration.owners.clone();
    let file = OwnersFile::load(&path).unwrap();
    assert_eq!(file.value("Deepak Rao"), Some("ravi@acme.in"));

    // A re-check (what migrate would do) reads the decision back from the file.
    h.keys(&["r"]);
    let c = h.state().ready_checked().unwrap();
    assert!(c.readiness.owners.queue.owners.is_empty());
    let d = c
        .readiness
        .owners
        .decisions
        .iter()
        .find(|d| d.key == "Deepak Rao")
        .unwrap();
    assert_eq!(
        (d.by, d.user_name.as_str()),
        (MatchedBy::OwnersFile, "Ravi Kumar")
    );
    assert!(
        !c.readiness
            .blockers
            .iter()
            .any(|b| b.kind == BlockerKind::UnmatchedOwner),
        "{:?}",
        c.readiness.blockers
    );

    // Clearing the decision puts him back in the queue and the file.
    let at = queue_rows_index(&h, "Deepak Rao");
    for _ in 0..at {
        h.keys(&["down"]);
    }
    h.keys(&["x"]);
    assert_eq!(queue_keys(&h), ["Deepak Rao"]);
    let file = OwnersFile::load(&path).unwrap();
    assert_eq!(file.value("Deepak Rao"), None);
}

/// owners.toml with two spellings of Deepak Rao given two users: the check lists the conflict
/// among the blockers (Schema shows them all) and the Owners queue; the picker offers the two
/// users first; the pick replaces both lines with one.
#[test]
fn conflicting_owners_toml_lines_wait_on_the_owners_screen() {
    let mut h = mapped_and_saved(120, 40);
    let path = h.state().config.migration.owners.clone();
    std::fs::write(
        &path,
        "[owners]\n\"Deepak Rao\" = \"anil.mehta@acme.in\"\n\"Rao, Deepak\" = \"ravi@acme.in\"\n",
    )
    .unwrap();
    h.keys(&["n"]);
    assert_eq!(h.state().step, Step::Schema);
    let c = h.state().ready_checked().expect("entering Schema checks");
    assert!(
        c.readiness
            .blockers
            .iter()
            .any(|b| b.kind == BlockerKind::OwnerConflict
                && b.problem.contains("\"Rao, Deepak\" = \"ravi@acme.in\"")),
        "{:#?}",
        c.readiness.blockers
    );
    h.keys(&["n"]);
    assert_eq!(h.state().step, Step::Owners);
    assert_eq!(queue_keys(&h), ["Deepak Rao"]);
    assert_eq!(h.state().step_status(Step::Owners).0, StepStatus::Attention);
    let screen = h.screen();
    assert!(
        screen.contains("2 owners.toml lines, different users: pick one"),
        "{screen}"
    );
    assert!(
        screen.contains("\"Rao, Deepak\" = \"ravi@acme.in\""),
        "{screen}"
    );

    // The two users the lines name come first; Enter takes the first (Anil, of "Deepak Rao").
    h.keys(&["enter"]);
    h.keys(&["enter"]);
    assert!(queue_keys(&h).is_empty());
    let file = OwnersFile::load(&path).unwrap();
    assert_eq!(file.entries.len(), 1, "{file:?}");
    assert_eq!(file.value("Rao, Deepak"), Some("Anil.Mehta@acme.in"));
}

/// The row of `key` in the Owners list (queued first, then resolved).
fn queue_rows_index(h: &Harness, key: &str) -> usize {
    let owners = &h.state().ready_checked().unwrap().readiness.owners;
    owners
        .queue
        .owners
        .iter()
        .map(|o| &o.key)
        .chain(owners.decisions.iter().map(|d| &d.key))
        .position(|k| k == key)
        .unwrap()
}

/// Users read again after the admin added Deepak: he matches by his email, no decision needed.
/// (The sandbox cannot add users, so the re-read's outcome is folded in as the loop would.)
#[test]
fn refetched_users_match_the_queue() {
    let mut h = mapped_and_saved(80, 24);
    h.keys(&["n", "n"]);
    assert_eq!(queue_keys(&h), ["Deepak Rao"]);
    // The real re-read, against the sandbox: the same five users.
    h.keys(&["u"]);
    assert!(
        h.driver
            .performed
            .iter()
            .any(|e| matches!(e, Effect::RefreshUsers { .. }))
    );
    assert_eq!(queue_keys(&h), ["Deepak Rao"]);
    let mut users = h
        .state()
        .ready_checked()
        .unwrap()
        .readiness
        .destination
        .users
        .clone();
    users.push(DestinationUser {
        id: 999,
        name: "Deepak Rao".into(),
        emails: vec!["deepak.rao@acme.in".into()],
        enabled: true,
    });
    h.driver.send(Action::Done(Outcome::Users(Ok(users))));
    assert!(queue_keys(&h).is_empty());
    let c = h.state().ready_checked().unwrap();
    let d = &c.readiness.owners.decisions;
    assert!(
        d.iter()
            .any(|d| d.key == "Deepak Rao" && d.user_id == 999 && d.by == MatchedBy::Email),
        "{d:?}"
    );
    h.keys(&["n"]);
    assert_eq!(
        h.state().step,
        Step::Rehearse,
        "an empty queue lets the operator on"
    );
}

/// Create asks once more (any other key cancels), then runs get_ready with writes allowed: while
/// anything blocks (here the owner, the stage the admin must add and the map entry sending deals
/// there) it creates nothing, as migrate would not.
#[test]
fn create_asks_twice_and_creates_nothing_while_blocked() {
    let mut h = mapped_and_saved(120, 40);
    h.keys(&["n"]);
    let before = h.driver.performed.len();
    h.keys(&["C"]);
    assert!(h.state().schema.confirm_create);
    assert!(matches!(&h.state().notice, Some(Notice::Info(t)) if t.starts_with("C again creates")));
    h.keys(&["down"]);
    assert!(!h.state().schema.confirm_create, "another key cancels");
    assert_eq!(h.driver.performed.len(), before, "nothing ran");
    h.keys(&["C", "C"]);
    assert!(matches!(
        h.driver.performed.last(),
        Some(Effect::Check {
            writes: crm_migrate::engine::ready::Writes::Allowed,
            ..
        })
    ));
    let c = h.state().ready_checked().unwrap();
    assert!(c.readiness.created.custom_fields.is_empty());
    assert!(matches!(&h.state().notice, Some(Notice::Info(t)) if t.starts_with("nothing created")));
    let kinds: Vec<BlockerKind> = c.readiness.blockers.iter().map(|b| b.kind).collect();
    assert!(kinds.contains(&BlockerKind::MissingStage), "{kinds:?}");
    assert_eq!(h.state().step_status(Step::Schema).0, StepStatus::Attention);
    let checklist = &c.readiness.house.checklist;
    assert_eq!(checklist.pipelines[0].stages[0].name, "On Hold");
    assert!(
        c.files.checklist.exists(),
        "the admin's checklist is written"
    );
}

/// A decision written into owners.toml outside the wizard (by hand, as for `migrate`) is read by
/// a re-check.
#[test]
fn recheck_reads_owners_toml_again() {
    let mut h = mapped_and_saved(80, 24);
    h.keys(&["n"]);
    let checks = |h: &Harness| {
        h.driver
            .performed
            .iter()
            .filter(|e| matches!(e, Effect::Check { .. }))
            .count()
    };
    assert_eq!(checks(&h), 1);
    assert!(
        h.state()
            .ready_checked()
            .unwrap()
            .readiness
            .blockers
            .iter()
            .any(|b| b.kind == BlockerKind::UnmatchedOwner)
    );
    let path = h.state().config.migration.owners.clone();
    std::fs::write(
        &path,
        "[owners]\n\"Deepak Rao\" = \"priya.sharma@acme.in\"\n",
    )
    .unwrap();
    h.keys(&["r"]);
    assert_eq!(checks(&h), 2);
    let c = h.state().ready_checked().unwrap();
    assert!(c.readiness.owners.queue.owners.is_empty());
    assert_eq!(
        c.readiness.owners.user_for("Deepak Rao"),
        c.readiness
            .destination
            .user_by_email("priya.sharma@acme.in")
            .map(|u| u.id)
    );
    assert_eq!(h.state().step_status(Step::Owners).0, StepStatus::Done);
}

/// Field map: Enter opens the target picker for the selected column; typing narrows it; the pick
/// is an edit (undoable) and is saved as written.
#[test]
fn pick_a_target_from_the_filtered_list() {
    let mut h = Harness::demo(120, 40);
    h.driver.start();
    h.keys(&["n", "n", "down", "down", "enter"]);
    let (index, picker) = h.state().field_map.picker.as_ref().expect("picker open");
    assert_eq!(*index, 2);
    let all = picker.shown().len();
    for c in "tags".chars() {
        h.driver.send(Action::Insert(c));
    }
    let (_, picker) = h.state().field_map.picker.as_ref().unwrap();
    assert!(picker.shown().len() < all);
    h.keys(&["enter"]);
    assert!(h.state().field_map.picker.is_none());
    let module = h.state().field_map.module.unwrap();
    let column = |h: &Harness| {
        h.state().field_map.proposal.ready().unwrap().map.modules[&module].columns[2].clone()
    };
    assert_eq!(column(&h).target, crm_migrate::mapping::model::Target::Tags);
    assert_eq!(
        column(&h).status,
        crm_migrate::mapping::model::Status::Edited
    );
    h.keys(&["u"]);
    assert_ne!(
        column(&h).status,
        crm_migrate::mapping::model::Status::Edited
    );
    // Esc closes the picker without a change.
    h.keys(&["enter", "esc"]);
    assert!(h.state().field_map.picker.is_none());
}
