//! Whole wizard flows driven by actions and keys, no terminal: `update` folds them, the
//! headless driver performs the effects (reading the sample, the pre-flight against a sandbox
//! in this process, writing files) and folds their outcomes.

mod tui_support;

use std::path::PathBuf;

use crm_migrate::config::{Config, DateOrder};
use crm_migrate::mapping::file;
use crm_migrate::mapping::model::{CONFIDENCE_THRESHOLD, Status, Target};
use crm_migrate::mapping::object_map::Compatibility;
use crm_migrate::tui::{Action, ConfigSource, Effect, Notice, Outcome, Runner, Step, StepStatus};
use tui_support::{Harness, SAMPLE};

fn type_text(h: &mut Harness, text: &str) {
    for c in text.chars() {
        h.driver.send(Action::Insert(c));
    }
}

/// The operator's whole first session: connect, discover, map a column, accept the rest,
/// save — and the file `migrate` reads says exactly what the screen showed.
#[test]
fn connect_discover_map_accept_all_save() {
    let mut h = Harness::demo(120, 40);
    h.driver.start();
    assert!(matches!(
        h.driver.performed.as_slice(),
        [Effect::Discover { .. }, Effect::TestConnection { .. }]
    ));
    assert_eq!(h.state().step_status(Step::Connect).0, StepStatus::Done);

    h.keys(&["n"]);
    assert_eq!(h.state().step, Step::Discovery);
    let report = h.state().discovery.report().expect("discovered");
    assert_eq!(report.records, 210);
    // Drill into a file's columns and back.
    h.keys(&["down", "enter"]);
    assert_eq!(h.state().discovery.drill, Some(1));
    h.keys(&["esc"]);
    assert_eq!(h.state().discovery.drill, None);

    h.keys(&["n"]);
    assert_eq!(h.state().step, Step::FieldMap);
    assert!(
        h.driver
            .performed
            .iter()
            .any(|e| matches!(e, Effect::Propose { .. })),
        "entering the field map proposes"
    );
    let pending_before = h.state().field_map.pending;
    assert!(pending_before > 0);

    // Map one column: the second row, accepted.
    h.keys(&["down", "a"]);
    let module = h.state().field_map.module.unwrap();
    let entry = |h: &Harness, i: usize| {
        let proposal = h.state().field_map.proposal.ready().unwrap();
        proposal.map.modules[&module].columns[i].clone()
    };
    assert_eq!(entry(&h, 1).status, Status::Confirmed);
    assert_eq!(h.state().field_map.pending, pending_before - 1);
    // Undo takes it back; accept again.
    h.keys(&["u"]);
    assert_eq!(entry(&h, 1).status, Status::Proposed);
    h.keys(&["a"]);

    // Ignore the third column.
    h.keys(&["down", "x"]);
    assert_eq!(entry(&h, 2).status, Status::Ignored);
    assert_eq!(entry(&h, 2).target, Target::Ignore);

    // Accept all at or above the threshold: what is left below it needs attention.
    h.keys(&["A"]);
    let columns = h.state().field_map.proposal.ready().unwrap().map.modules[&module]
        .columns
        .clone();
    for c in &columns {
        if c.status == Status::Proposed {
            assert!(
                c.confidence < CONFIDENCE_THRESHOLD || c.target == Target::Unmapped,
                "{c:?}"
            );
        }
    }
    assert!(matches!(&h.state().notice, Some(Notice::Info(t)) if t.starts_with("accepted")));
    h.keys(&["f"]);
    let shown = h.state().field_map.visible_rows();
    assert!(shown.iter().all(|i| columns[*i].status == Status::Proposed));

    // Undo the accept-all in one step.
    h.keys(&["u"]);
    let after_undo = &h.state().field_map.proposal.ready().unwrap().map.modules[&module].columns;
    assert!(
        after_undo
            .iter()
            .filter(|c| c.status == Status::Proposed)
            .count()
            > 1
    );
    h.keys(&["A"]);

    // Save: mapping.toml now holds the decisions.
    assert!(h.state().field_map.unsaved());
    h.keys(&["s"]);
    assert!(!h.state().field_map.unsaved());
    let path = h.state().config.migration.mapping.clone();
    let saved = file::load(&path).unwrap();
    let on_screen = &h.state().field_map.proposal.ready().unwrap().map;
    assert_eq!(
        saved.modules[&module].columns.len(),
        on_screen.modules[&module].columns.len()
    );
    for (a, b) in saved.modules[&module]
        .columns
        .iter()
        .zip(&on_screen.modules[&module].columns)
    {
        assert_eq!(
            (&a.header, &a.target, a.status),
            (&b.header, &b.target, b.status)
        );
    }
    assert_eq!(saved.modules[&module].columns[2].status, Status::Ignored);
}

/// A later proposal (after a reconnect) keeps every decision made on screen.
#[test]
fn proposing_again_keeps_decisions() {
    let mut h = Harness::demo(120, 40);
    h.driver.start();
    h.keys(&["n", "n", "down", "down", "x", "r"]);
    let module = h.state().field_map.module.unwrap();
    let map = &h.state().field_map.proposal.ready().unwrap().map;
    assert_eq!(map.modules[&module].columns[2].status, Status::Ignored);
    // The working map was never saved: proposing again does not make it look saved.
    assert!(h.state().field_map.unsaved());
}

/// Quitting with unsaved changes asks once; Ctrl-C never asks.
#[test]
fn quit_asks_once_when_the_map_is_unsaved() {
    let mut h = Harness::demo(80, 24);
    h.driver.start();
    h.keys(&["n", "n", "a", "q"]);
    assert!(!h.state().quit);
    assert!(matches!(&h.state().notice, Some(Notice::Info(t)) if t.contains("unsaved")));
    h.keys(&["q"]);
    assert!(h.state().quit);

    let mut h = Harness::demo(80, 24);
    h.driver.start();
    h.keys(&["n", "n", "a", "ctrl-c"]);
    assert!(h.state().quit);
}

/// Starting with no config file: the operator types the export path, declares the date order,
/// and writes a config file the headless commands read.
#[test]
fn connect_without_a_config_writes_one() {
    let dir = tempfile::tempdir().unwrap();
    let config_path = dir.path().join("crm-migrate.toml");
    let source = ConfigSource::File {
        path: config_path.clone(),
        exists: false,
    };
    let mut h = Harness::with(Config::default(), source, dir, 80, 24);
    h.driver.start();
    assert!(h.driver.performed.is_empty(), "nothing to read or test yet");
    assert_eq!(
        h.state().step_status(Step::Discovery).0,
        StepStatus::Blocked
    );

    // Export: Enter, type, Enter → discovery runs.
    h.keys(&["enter"]);
    type_text(&mut h, SAMPLE);
    h.keys(&["enter"]);
    assert!(h.state().discovery.report().is_some());
    assert_eq!(h.state().config.source.export, Some(PathBuf::from(SAMPLE)));

    // A time zone that is not IANA is refused with the reason, and nothing changes.
    h.keys(&["down", "enter", "ctrl-u"]);
    type_text(&mut h, "India/Delhi");
    h.keys(&["enter"]);
    assert!(h.state().connect.field_error.is_some());
    assert_eq!(h.state().config.source.timezone.name(), "Asia/Kolkata");
    h.keys(&["esc"]);

    // Date order month-first contradicts the data: Connect says so.
    h.keys(&["down", "enter"]);
    assert_eq!(h.state().config.source.date_order, DateOrder::Mdy);
    let (status, why) = h.state().step_status(Step::Connect);
    assert_eq!(status, StepStatus::Attention);
    assert!(why.contains("day first"), "{why}");
    h.keys(&["enter", "enter"]);
    assert_eq!(h.state().config.source.date_order, DateOrder::Dmy);

    // Endpoint: the built-in sandbox; test it.
    h.keys(&["down", "enter"]);
    type_text(&mut h, "sandbox");
    h.keys(&["enter", "t"]);
    let preflight = h.state().connect.preflight.ready().expect("tested");
    assert!(preflight.is_ok(), "{preflight:?}");

    h.keys(&["w"]);
    let written = Config::load(&config_path).unwrap();
    // Written absolute: the file's relative paths would be read relative to the file.
    let sample = std::path::absolute(SAMPLE).unwrap();
    assert_eq!(written.source.export, Some(sample));
    assert_eq!(written.nutshell.endpoint.as_deref(), Some("sandbox"));
    assert_eq!(
        h.state().source,
        ConfigSource::File {
            path: config_path.clone(),
            exists: true
        }
    );
    // Never over an existing file.
    h.keys(&["w"]);
    assert!(matches!(&h.state().notice, Some(Notice::Info(t)) if t.contains("exists")));
}

/// An export that cannot be read: the error is on screen with the next step, later steps are
/// blocked, and nothing is proposed.
#[test]
fn an_unreadable_export_blocks_with_a_next_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.source.export = Some(dir.path().join("no-such-export"));
    let source = ConfigSource::File {
        path: dir.path().join("crm-migrate.toml"),
        exists: false,
    };
    let mut h = Harness::with(config, source, dir, 80, 24);
    h.driver.start();
    let Some(Notice::Error(text)) = &h.state().notice else {
        panic!("no error shown: {:?}", h.state().notice);
    };
    assert!(
        text.contains("no-such-export") && text.contains("Next:"),
        "{text}"
    );
    assert_eq!(
        h.state().step_status(Step::Discovery).0,
        StepStatus::Blocked
    );
    assert_eq!(h.state().step_status(Step::FieldMap).0, StepStatus::Blocked);
    h.keys(&["esc", "n", "n"]);
    assert_eq!(h.state().step, Step::FieldMap);
    assert!(
        !h.driver
            .performed
            .iter()
            .any(|e| matches!(e, Effect::Propose { .. }))
    );
    assert!(h.screen().contains("Discovery must read the export first"));
}

/// Writing the scope report from the Discovery screen.
#[test]
fn discovery_writes_the_scope_report() {
    let mut h = Harness::demo(80, 24);
    h.driver.start();
    h.keys(&["n", "w"]);
    let (md, json) = h.state().discovery.written.clone().expect("written");
    assert!(std::fs::read_to_string(md).unwrap().contains("Grade"));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    assert_eq!(report["records"], 210);
}

/// The runner reads the export and proposes its object map off the UI thread: the Discovered
/// outcome carries it, proposed with the config's legacy-id field, and `update` only stores it.
#[test]
fn discovered_outcome_carries_the_object_map() {
    let mut h = Harness::demo(80, 24);
    h.driver.start();
    let config = &h.state().config;
    let effect = h.driver.performed[0].clone();
    assert_eq!(
        effect,
        Effect::Discover {
            export: PathBuf::from(SAMPLE),
            vocabulary: None,
            legacy_id_field: config.migration.legacy_id_field.clone(),
        }
    );
    let runner = Runner::new(h.runtime.handle().clone(), None);
    let outcomes = std::cell::RefCell::new(Vec::new());
    runner.perform(effect, &|o| outcomes.borrow_mut().push(o));
    let outcomes = outcomes.into_inner();
    let [Outcome::Discovered { export, result }] = outcomes.as_slice() else {
        panic!("one Discovered outcome, got {outcomes:?}");
    };
    assert_eq!(export, &PathBuf::from(SAMPLE));
    let found = result.as_ref().expect("the sample reads");
    assert_eq!(found.report.records, 210);
    let map = &found.object_map;
    let compatibility = |object: &str| {
        map.objects
            .iter()
            .find(|r| r.object == object)
            .unwrap_or_else(|| panic!("{object} in {map:?}"))
            .compatibility
    };
    assert_eq!(compatibility("Leads"), Compatibility::OneToMany);
    assert_eq!(compatibility("Leads").label(), "1:many");
    // Offline, the deal stages are not in the destination yet: their values are to map.
    assert_eq!(compatibility("Deals"), Compatibility::MappingRequired);
    assert_eq!(compatibility("Workflows"), Compatibility::NotMigrated);
    assert_eq!(map.objects.len(), 14);
    assert!(
        map.headline.starts_with("3 of 14 objects map 1:1"),
        "{}",
        map.headline
    );
    // What the wizard folded in is that map, beside the report.
    assert_eq!(h.state().discovery.object_map(), Some(map));
    assert_eq!(h.state().discovery.report().map(|r| r.records), Some(210));
}

/// `o` shows the object map in place of the file list: the list keys move its selection, `w`
/// writes the scope report that opens with the map shown, `o` or Esc go back to the files.
#[test]
fn discovery_shows_the_object_map() {
    let mut h = Harness::demo(80, 24);
    h.driver.start();
    h.keys(&["n", "down"]);
    assert!(h.screen().contains("Objects       3 of 14 objects map 1:1"));
    h.keys(&["o"]);
    assert!(h.state().discovery.showing_objects);
    let screen = h.screen();
    assert!(
        screen.contains("Object map: 3 of 14 objects map 1:1"),
        "{screen}"
    );
    assert!(screen.contains(" Companies — 25 records "), "{screen}");
    // The last row, in full under the table.
    h.keys(&["end"]);
    let last = h.state().discovery.object_map().unwrap().objects.len() - 1;
    assert_eq!(h.state().discovery.objects.selected, last);
    let screen = h.screen();
    assert!(screen.contains(" Attachments — 2 records "), "{screen}");
    assert!(
        screen.contains("To decide: CSV and the API carry no files; listed in the gap"),
        "{screen}"
    );
    // Enter does not drill into a file from here.
    h.keys(&["enter"]);
    assert_eq!(h.state().discovery.drill, None);

    h.keys(&["w"]);
    let (_, json) = h.state().discovery.written.clone().expect("written");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    let shown = h.state().discovery.object_map().cloned().unwrap();
    assert_eq!(written["object_map"]["headline"], shown.headline);
    assert_eq!(
        written["object_map"]["objects"].as_array().map(Vec::len),
        Some(shown.objects.len())
    );

    h.keys(&["o"]);
    assert!(!h.state().discovery.showing_objects);
    // The file list kept its selection; the object map keeps its own.
    assert_eq!(h.state().discovery.files.selected, 1);
    h.keys(&["o"]);
    assert_eq!(h.state().discovery.objects.selected, last);
    // Esc closes the written notice first, then the object map.
    h.keys(&["esc"]);
    assert!(h.state().notice.is_none() && h.state().discovery.showing_objects);
    h.keys(&["esc"]);
    assert!(!h.state().discovery.showing_objects);
}

/// Mouse wheel and page keys move through a long list and keep the selection on screen.
#[test]
fn scrolling_keeps_the_selection_visible() {
    let mut h = Harness::demo(80, 24);
    h.driver.start();
    h.keys(&["n", "n"]);
    for _ in 0..10 {
        h.driver.send(Action::ScrollDown);
    }
    let rows = h.state().field_map.visible_rows().len();
    let cursor = h.state().field_map.rows;
    assert_eq!(cursor.selected, rows - 1);
    assert!(cursor.offset > 0 && cursor.offset <= cursor.selected);
    h.keys(&["home"]);
    assert_eq!(h.state().field_map.rows.selected, 0);
    assert_eq!(h.state().field_map.rows.offset, 0);
}

/// Discovery's column table shows the selected column in full under it: its samples uncut and
/// the warnings discovery gave about it (case 08: emails several to a cell), where they were
/// only in the scope report.
#[test]
fn a_columns_warnings_show_under_the_column_table() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.source.export = Some(PathBuf::from(
        "tests/cases/08-multiple-emails-in-cell/export",
    ));
    config.nutshell.endpoint = Some(crm_migrate::config::SANDBOX_ENDPOINT.into());
    let mut h = Harness::with(config, ConfigSource::Demo, dir, 120, 40);
    h.driver.start();
    h.keys(&["n"]);
    let report = h.state().discovery.report().unwrap();
    let file = report
        .objects
        .iter()
        .position(|o| o.file == "Contacts.csv")
        .unwrap();
    let column = report.objects[file]
        .columns
        .iter()
        .position(|c| c.header == "Email")
        .unwrap();
    for _ in 0..file {
        h.keys(&["down"]);
    }
    h.keys(&["enter"]);
    for _ in 0..column {
        h.keys(&["down"]);
    }
    assert_eq!(h.state().discovery.drill, Some(file));
    let screen = h.screen();
    assert!(
        screen.contains("Email: rohit.g@example.in; rohit.gokhale@gmail.example"),
        "{screen}"
    );
    assert!(screen.contains("⚠ 4 cells hold several values"), "{screen}");
}
