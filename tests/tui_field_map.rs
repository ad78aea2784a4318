//! The Field map's panels driven by actions, no terminal: the record-builder preview stepping
//! through real rows of the sample, the value-map panel changing a stage's target and undoing
//! it, and the problem list jumping to the cell a problem names.

mod tui_support;

use std::path::PathBuf;

use crm_migrate::config::{Config, SANDBOX_ENDPOINT};
use crm_migrate::mapping::catalogue::ValueMapKind;
use crm_migrate::mapping::model::{Status, ValueEntry};
use crm_migrate::rsoft::Module;
use crm_migrate::tui::screens::field_map::Panel;
use crm_migrate::tui::{Action, ConfigSource, Effect};
use tui_support::{Harness, SAMPLE};

/// The demo on the Field map, showing `module`.
fn on_module(module: Module, width: u16, height: u16) -> Harness {
    let mut h = Harness::demo(width, height);
    h.driver.start();
    h.keys(&["n", "n"]);
    for _ in 0..h.state().field_map.modules().len() {
        if h.state().field_map.module == Some(module) {
            return h;
        }
        h.keys(&["l"]);
    }
    panic!("the sample has no {module} in its map");
}

fn type_text(h: &mut Harness, text: &str) {
    for c in text.chars() {
        h.driver.send(Action::Insert(c));
    }
}

fn stage_entry(h: &Harness, from: &str) -> ValueEntry {
    let map = &h.state().field_map.proposal.ready().unwrap().map;
    map.modules[&Module::Deals].values[&ValueMapKind::Stage]
        .iter()
        .find(|v| v.from == from)
        .cloned()
        .unwrap()
}

fn problem_about(h: &Harness, item: &str) -> bool {
    h.state()
        .field_map
        .problems
        .iter()
        .any(|p| p.item.as_deref() == Some(item))
}

#[test]
fn the_preview_steps_through_real_rows_with_the_unsaved_map() {
    let mut h = on_module(Module::Contacts, 120, 40);
    h.keys(&["v"]);
    assert_eq!(h.state().field_map.panel, Some(Panel::Preview));
    let read = h.driver.performed.iter().find_map(|e| match e {
        Effect::ReadSample { module, rows, .. } => Some((*module, *rows)),
        _ => None,
    });
    assert_eq!(read, Some((Module::Contacts, 200)));
    let screen = h.screen();
    assert!(screen.contains("row 1/40 · line 2 of"), "{screen}");
    assert!(screen.contains("Contact ID: CONT-2001"), "{screen}");
    assert!(screen.contains("#1 newContact (Record)"), "{screen}");

    // Next row, a key away; the payload follows.
    let first = h.state().field_map.preview.payload_text().join("\n");
    h.keys(&["]"]);
    assert_eq!(h.state().field_map.preview.row, 1);
    let screen = h.screen();
    assert!(screen.contains("row 2/40 · line 3 of"), "{screen}");
    assert!(screen.contains("Contact ID: CONT-2002"), "{screen}");
    let second = h.state().field_map.preview.payload_text().join("\n");
    assert_ne!(first, second);
    assert!(second.contains("\"CONT-2002\""), "{second}");
    // Previous row, and it stays at the first.
    h.keys(&["[", "["]);
    assert_eq!(h.state().field_map.preview.row, 0);

    // Related records resolve at load time, and the screen says so.
    let payload = h.state().field_map.preview.payload_text().join("\n");
    assert!(payload.contains("resolved at load time"), "{payload}");
    assert!(
        payload.contains("user for owner") && payload.contains("(owners.toml)"),
        "{payload}"
    );

    // The payload is made with the map on screen, saved or not: ignore the job title column.
    assert!(payload.contains("\"jobTitle\""), "{payload}");
    let designation = h.state().field_map.proposal.ready().unwrap().map.modules[&Module::Contacts]
        .columns
        .iter()
        .position(|c| c.header == "Designation")
        .unwrap();
    for _ in 0..designation {
        h.keys(&["down"]);
    }
    h.keys(&["x"]);
    let without = h.state().field_map.preview.payload_text().join("\n");
    assert!(!without.contains("\"jobTitle\""), "{without}");
    h.keys(&["u"]);
    let back = h.state().field_map.preview.payload_text().join("\n");
    assert_eq!(back, payload);
}

#[test]
fn a_stage_target_changes_in_the_value_panel_and_undo_takes_it_back() {
    let mut h = on_module(Module::Deals, 120, 40);
    let before = stage_entry(&h, "Sales / On Hold");
    assert!(
        problem_about(&h, "Sales / On Hold"),
        "the sandbox has no On Hold stage"
    );

    h.keys(&["m"]);
    assert_eq!(h.state().field_map.panel, Some(Panel::ValueMaps));
    let entries = h.state().field_map.proposal.ready().unwrap().map.modules[&Module::Deals].values
        [&ValueMapKind::Stage]
        .clone();
    let at = entries
        .iter()
        .position(|v| v.from == "Sales / On Hold")
        .unwrap();
    for _ in 0..at {
        h.keys(&["down"]);
    }
    // Rows per value come from discovery's pipeline tally.
    assert!(h.screen().contains("Sales / On Hold"));
    h.keys(&["enter"]);
    assert!(h.state().field_map.values.picker.is_some());
    type_text(&mut h, "sales negot");
    h.keys(&["enter"]);
    assert!(h.state().field_map.values.picker.is_none());

    let after = stage_entry(&h, "Sales / On Hold");
    assert_eq!(after.to, "Negotiation");
    assert_eq!(after.stageset.as_deref(), Some("Sales"));
    assert_eq!(after.status, Status::Edited);
    assert!(
        !problem_about(&h, "Sales / On Hold"),
        "the stage exists now"
    );
    assert!(h.state().field_map.unsaved());

    h.keys(&["u"]);
    assert_eq!(stage_entry(&h, "Sales / On Hold"), before);
    assert!(problem_about(&h, "Sales / On Hold"));
}

#[test]
fn value_counts_are_rows_of_the_whole_module() {
    let mut h = on_module(Module::Deals, 120, 40);
    h.keys(&["m", "tab"]);
    let screen = h.screen();
    assert!(screen.contains("‹lead_status›"), "{screen}");
    // Count the sample's deals by status independently of the wizard.
    let path = std::fs::read_dir(SAMPLE)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.to_string_lossy().contains("Deals"))
        .unwrap();
    // The sample's deals file is semicolon-separated (a European spreadsheet's save).
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_path(path)
        .unwrap();
    let status = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "Status")
        .unwrap();
    let won = reader
        .records()
        .filter(|r| r.as_ref().unwrap().get(status).map(str::trim) == Some("Won"))
        .count();
    assert!(won > 0);
    // The panel's row: status, source value, rows, target, confidence.
    let cells: Vec<&str> = screen
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|cells| cells.get(1) == Some(&"Won"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert_eq!(cells[2], won.to_string(), "{cells:?}");
}

#[test]
fn a_problem_jumps_to_its_value_map_entry() {
    let mut h = Harness::demo(80, 24);
    h.driver.start();
    h.keys(&["n", "n", "e"]);
    assert_eq!(h.state().field_map.panel, Some(Panel::Problems));
    let problem = h.state().field_map.problems[0].clone();
    assert_eq!(problem.item.as_deref(), Some("Sales / On Hold"));
    h.keys(&["enter"]);
    let view = &h.state().field_map;
    assert_eq!(view.module, Some(Module::Deals));
    assert_eq!(view.panel, Some(Panel::ValueMaps));
    let screen = h.screen();
    let selected = screen
        .lines()
        .find(|l| l.contains("Sales / On Hold"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(selected.starts_with("?!"), "{selected}");
    let entries =
        &view.proposal.ready().unwrap().map.modules[&Module::Deals].values[&ValueMapKind::Stage];
    assert_eq!(entries[view.values.cursor.selected].from, "Sales / On Hold");
}

/// Case 01 of the export cases: phones written in scientific notation (the Phone column). The whole-column value
/// check's problem is listed with count and examples by file and line, and jumps to its column.
#[test]
fn value_problems_are_listed_and_jump_to_their_column() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.source.export = Some(PathBuf::from("tests/cases/01-sci-notation-phones/export"));
    config.nutshell.endpoint = Some(SANDBOX_ENDPOINT.into());
    let mut h = Harness::with(config, ConfigSource::Demo, dir, 120, 40);
    h.driver.start();
    h.keys(&["n", "n", "e"]);
    let view = &h.state().field_map;
    assert!(view.value_problem_count() > 0, "{:?}", view.problems);
    let at = view
        .problems
        .iter()
        .position(|p| p.item.as_deref() == Some("Phone") && p.problem.contains("line"))
        .unwrap_or_else(|| panic!("{:?}", view.problems));
    assert!(
        view.problems[at].problem.contains("Contacts.csv line 2")
            && view.problems[at].problem.contains("2.22E+10"),
        "{}",
        view.problems[at].problem
    );
    for _ in 0..at {
        h.keys(&["down"]);
    }
    h.keys(&["enter"]);
    let view = &h.state().field_map;
    assert_eq!(view.panel, None);
    assert_eq!(view.module, Some(Module::Contacts));
    let rows = view.visible_rows();
    let column = &view.proposal.ready().unwrap().map.modules[&Module::Contacts].columns
        [rows[view.rows.selected]];
    assert_eq!(column.header, "Phone");
    // The preview of that row says what the load would do with it: nothing is sent.
    h.keys(&["v"]);
    let payload = h.state().field_map.preview.payload_text().join("\n");
    assert!(payload.starts_with("✗ NOT SENT"), "{payload}");
    assert!(payload.contains("Phone = \"2.22E+10\""), "{payload}");
    h.keys(&["esc"]);
    // Ignoring the column ends the problem: the load would not read those values.
    h.keys(&["x"]);
    assert!(!problem_about(&h, "Phone"));
    h.keys(&["u"]);
    assert!(problem_about(&h, "Phone"));
}

/// Each panel holds its layout as the terminal shrinks and grows: stacked under the table on a
/// tall terminal, in its place on a short one.
#[test]
fn panels_hold_their_layout_when_resized() {
    let mut h = on_module(Module::Deals, 120, 40);
    for (key, title) in [("v", "Preview"), ("m", "Value maps"), ("e", "Problems")] {
        h.keys(&[key]);
        for (width, height) in [(80, 24), (60, 15), (200, 60), (120, 40)] {
            h.driver.send(Action::Resize { width, height });
            let text = h.screen();
            assert_eq!(text.lines().count(), usize::from(height));
            assert!(text.contains(title), "{title} at {width}x{height}:\n{text}");
            // The table shows above the panel only where there is room for both.
            assert_eq!(
                text.contains("Source column"),
                height >= 40,
                "{width}x{height}:\n{text}"
            );
        }
        h.keys(&["esc"]);
        assert_eq!(h.state().field_map.panel, None);
    }
}

/// A wizard on one of the export cases (tests/cases/NAME/export), against the sandbox.
fn on_case(name: &str, (width, height): (u16, u16)) -> Harness {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::default();
    config.source.export = Some(PathBuf::from(format!("tests/cases/{name}/export")));
    config.nutshell.endpoint = Some(SANDBOX_ENDPOINT.into());
    let mut h = Harness::with(config, ConfigSource::Demo, dir, width, height);
    h.driver.start();
    h
}

/// Selects `header` of `module` in the Field map's table.
fn select_column(h: &mut Harness, module: Module, header: &str) {
    for _ in 0..h.state().field_map.modules().len() {
        if h.state().field_map.module == Some(module) {
            break;
        }
        h.keys(&["l"]);
    }
    assert_eq!(h.state().field_map.module, Some(module));
    let header_at = |h: &Harness, row: usize| {
        let view = &h.state().field_map;
        let columns = &view.proposal.ready().unwrap().map.modules[&module].columns;
        columns[view.visible_rows()[row]].header.clone()
    };
    let rows = h.state().field_map.visible_rows().len();
    let at = (0..rows)
        .position(|row| header_at(h, row) == header)
        .unwrap_or_else(|| panic!("no {header} in {module}"));
    let from = h.state().field_map.rows.selected;
    let key = if at > from { "down" } else { "up" };
    for _ in 0..at.abs_diff(from) {
        h.keys(&[key]);
    }
    assert_eq!(header_at(h, h.state().field_map.rows.selected), header);
}

/// The selected column's detail says how the load reads its values (its decided number format)
/// and what discovery warned of it (cells holding several emails), so
/// the operator decides the column with both in view, not only in the scope report.
#[test]
fn the_detail_shows_a_columns_formats_and_warnings() {
    // The first lines of the detail, so a short terminal shows them too.
    for size in [(80, 24), (120, 40)] {
        let mut h = on_case("12-european-resave-semicolon-decimal-comma", size);
        h.keys(&["n", "n"]);
        select_column(&mut h, Module::Deals, "Amount");
        let screen = h.screen();
        assert!(
            screen.contains("Amount: Leads.value · read as: numbers like 1.234.567,89"),
            "{screen}"
        );

        let mut h = on_case("08-multiple-emails-in-cell", size);
        h.keys(&["n", "n"]);
        select_column(&mut h, Module::Contacts, "Email");
        let screen = h.screen();
        assert!(screen.contains("⚠ 4 cells hold several values"), "{screen}");
    }
}
