//! Every built screen of the wizard, drawn at 80×24 and 120×40 and compared with its snapshot
//! (`cargo insta review` to accept a change). Paths are relative and times are not shown, so
//! nothing volatile is on these screens.

mod tui_support;

use std::time::Duration;

use crm_migrate::engine::event::{Event, RecordOutcome};
use crm_migrate::journal::{Phase, RunKind};
use crm_migrate::nutshell::ThrottleSnapshot;
use crm_migrate::tui::{Action, Job, Outcome, State, Step};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use tui_support::{Harness, ready_to_load};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn snapshot(name: &str, (width, height): (u16, u16), keys: &[&str]) {
    let mut h = Harness::demo(width, height);
    h.driver.start();
    h.keys(keys);
    assert_screen(name, &h);
}

fn assert_screen(name: &str, h: &Harness) {
    let (width, height) = h.state().size;
    // The sandbox listens on a free port; owners.toml and the checklist are in a temp folder.
    let filters = vec![
        (r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]"),
        (r"/tmp/\.tmp\w+", "[TMP]"),
        // The spot-check draws a new seed each verify.
        (r"seed \d+", "seed [SEED]"),
    ];
    insta::with_settings!({filters => filters}, {
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), h.screen());
    });
}

/// The demo with every module's proposals at or above the threshold accepted and the map
/// saved, then `keys`.
fn snapshot_after_map(name: &str, (width, height): (u16, u16), keys: &[&str]) {
    let mut h = Harness::demo(width, height);
    h.driver.start();
    h.keys(&["n", "n"]);
    for _ in 0..h.state().field_map.modules().len() {
        h.keys(&["A", "l"]);
    }
    h.keys(&["s", "esc"]);
    h.keys(keys);
    assert_screen(name, &h);
}

#[test]
fn connect() {
    for size in SIZES {
        snapshot("connect", size, &[]);
    }
}

#[test]
fn discovery() {
    for size in SIZES {
        snapshot("discovery", size, &["n"]);
    }
}

/// The object map (`o`) in place of the file list: the headline, the table and the first
/// object in full under it.
#[test]
fn discovery_object_map() {
    for size in SIZES {
        snapshot("discovery_object_map", size, &["n", "o"]);
    }
}

/// The object map with Pipelines selected: its to-decide text, the longest, in full under
/// the table (cut with `…` in the 80-column table).
#[test]
fn discovery_object_map_selected() {
    for size in SIZES {
        snapshot(
            "discovery_object_map_pipelines",
            size,
            &["n", "o", "end", "up", "up", "up", "up", "up"],
        );
    }
}

#[test]
fn discovery_columns() {
    for size in SIZES {
        snapshot("discovery_columns", size, &["n", "down", "enter"]);
    }
}

#[test]
fn field_map() {
    for size in SIZES {
        snapshot("field_map", size, &["n", "n", "down", "a"]);
    }
}

#[test]
fn field_map_needs_attention() {
    for size in SIZES {
        snapshot("field_map_attention", size, &["n", "n", "A", "f"]);
    }
}

#[test]
fn field_map_target_picker() {
    for size in SIZES {
        snapshot(
            "field_map_picker",
            size,
            &["n", "n", "down", "enter", "p", "h", "o"],
        );
    }
}

// --- Field map panels: preview, value maps, problem list ---

#[test]
fn field_map_preview() {
    for size in SIZES {
        // Contacts, its second row: the payload beside the row, owner and company ids resolved
        // at load time.
        snapshot(
            "field_map_preview",
            size,
            &["n", "n", "l", "v", "]", "down"],
        );
    }
}

#[test]
fn field_map_preview_deal() {
    for size in SIZES {
        // Deals: company, contact, owner, pipeline and stage ids are placeholders that resolve
        // at load time.
        snapshot(
            "field_map_preview_deals",
            size,
            &["n", "n", "l", "l", "l", "v"],
        );
    }
}

#[test]
fn field_map_value_maps() {
    for size in SIZES {
        snapshot(
            "field_map_value_maps",
            size,
            &["n", "n", "l", "l", "l", "m"],
        );
    }
}

#[test]
fn field_map_problems() {
    for size in SIZES {
        snapshot("field_map_problems", size, &["n", "n", "e"]);
    }
}

/// Case 01 of the export cases: the whole-column value check's problems (phones in scientific
/// notation), with count and examples by file and line.
#[test]
fn field_map_value_problems() {
    for (width, height) in SIZES {
        let dir = tempfile::tempdir().unwrap();
        let mut config = crm_migrate::config::Config::default();
        config.source.export = Some("tests/cases/01-sci-notation-phones/export".into());
        config.nutshell.endpoint = Some(crm_migrate::config::SANDBOX_ENDPOINT.into());
        let mut h = Harness::with(
            config,
            crm_migrate::tui::ConfigSource::Demo,
            dir,
            width,
            height,
        );
        h.driver.start();
        h.keys(&["n", "n", "e", "down"]);
        assert_screen("field_map_value_problems", &h);
    }
}

/// Without colour the panels keep every status and confidence as a symbol or a word.
#[test]
fn no_color_panels_say_everything_in_symbols() {
    for (keys, symbols) in [
        (
            &["n", "n", "l", "l", "l", "m"][..],
            &["?!", "○", "●", "?"][..],
        ),
        (&["n", "n", "e"][..], &["✗"][..]),
        (
            &["n", "n", "l", "l", "l", "v"][..],
            &["▶", "#1 newLead", "< 0"][..],
        ),
    ] {
        let mut h = Harness::demo(120, 40);
        h.driver.state.theme.color = false;
        h.driver.start();
        h.keys(keys);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        terminal
            .draw(|f| crm_migrate::tui::render(h.state(), f))
            .unwrap();
        let coloured = terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
            .count();
        assert_eq!(coloured, 0, "{keys:?}");
        let text = h.screen();
        for symbol in symbols {
            assert!(text.contains(symbol), "{symbol} missing:\n{text}");
        }
    }
}

#[test]
fn help() {
    for size in SIZES {
        snapshot("help_field_map", size, &["n", "n", "?"]);
    }
}

#[test]
fn schema() {
    for size in SIZES {
        snapshot_after_map("schema", size, &["n"]);
    }
}

#[test]
fn schema_scrolled_to_what_is_created() {
    for size in SIZES {
        snapshot_after_map("schema_scrolled", size, &["n", "pgdn"]);
    }
}

#[test]
fn owners() {
    for size in SIZES {
        snapshot_after_map("owners", size, &["n", "n"]);
    }
}

#[test]
fn owners_picker_filtered() {
    for size in SIZES {
        snapshot_after_map("owners_picker", size, &["n", "n", "enter", "r", "a"]);
    }
}

#[test]
fn owners_resolved() {
    for size in SIZES {
        snapshot_after_map(
            "owners_resolved",
            size,
            &["n", "n", "enter", "r", "a", "v", "enter"],
        );
    }
}

#[test]
fn schema_blocked_until_the_map_is_saved() {
    for size in SIZES {
        snapshot("schema_blocked", size, &["n", "n", "a", "n"]);
    }
}

/// Rehearse, Load and Verify open, and say what blocks them while Schema and Owners are not
/// done (no step is left "not in this version").
#[test]
fn later_steps_say_what_blocks_them() {
    let mut h = Harness::demo(80, 24);
    h.driver.start();
    h.keys(&["n", "n", "n", "n", "n"]);
    assert_eq!(h.state().step, Step::Rehearse);
    let text = h.screen();
    assert!(text.contains("Blocked: Schema first"), "{text}");
    assert!(text.contains("✗ Rehearse"), "{text}");
    assert!(text.contains("✗ Load"), "{text}");
    assert!(text.contains("✗ Verify"), "{text}");
    assert!(!text.contains("not in this version"), "{text}");
}

/// The layout holds when the terminal shrinks and grows again.
#[test]
fn resizes_cleanly() {
    let mut h = Harness::demo(120, 40);
    h.driver.start();
    h.keys(&["n", "n"]);
    for (width, height) in [(80, 24), (60, 15), (200, 60), (80, 24)] {
        h.driver.send(Action::Resize { width, height });
        let text = h.screen();
        assert_eq!(text.lines().count(), usize::from(height));
        assert!(text.contains("Field map") || text.contains("Map"), "{text}");
    }
}

/// With NO_COLOR nothing is drawn in colour; with colour, confidence and status have colours
/// and the same symbols.
#[test]
fn no_color_draws_no_colour_and_keeps_every_symbol() {
    let draw = |color: bool| {
        let mut h = Harness::demo(120, 40);
        h.driver.state.theme.color = color;
        h.driver.start();
        h.keys(&["n", "n"]);
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
        terminal
            .draw(|f| crm_migrate::tui::render(h.state(), f))
            .unwrap();
        (
            terminal.backend().buffer().clone(),
            tui_support::scrub_port(&h.screen()),
        )
    };
    let (plain, plain_text) = draw(false);
    let (coloured, coloured_text) = draw(true);
    assert_eq!(
        plain_text, coloured_text,
        "the text must not depend on colour"
    );
    let colours = |b: &ratatui::buffer::Buffer| {
        b.content()
            .iter()
            .filter(|c| c.fg != Color::Reset || c.bg != Color::Reset)
            .count()
    };
    assert_eq!(colours(&plain), 0);
    assert!(colours(&coloured) > 0);
    for symbol in ["●", "✓", "?"] {
        assert!(
            plain_text.contains(symbol),
            "{symbol} missing:\n{plain_text}"
        );
    }
}

/// What moves between two runs of the same load (the pace, the time) pinned to fixed values,
/// so a snapshot shows them without depending on the machine.
fn pin_pace(state: &mut State) {
    for progress in [
        &mut state.load.progress,
        &mut state.rehearse.dry_run.progress,
        &mut state.rehearse.sample.progress,
    ] {
        progress.elapsed = Duration::from_secs(42);
        progress.throttle = Some(ThrottleSnapshot {
            current_rps: 38.5,
            ceiling_rps: 40.0,
            in_flight: 3,
            max_in_flight: 8,
            ..Default::default()
        });
    }
}

/// Rehearse after the dry run and a sample of 2 per phase; Load after the whole load; Verify
/// after verifying and writing the reports.
#[test]
fn rehearse_load_verify() {
    for size in SIZES {
        let mut h = ready_to_load(size.0, size.1, 400.0);
        h.keys(&["n", "d", "e", "ctrl-u", "2", "enter", "s", "esc"]);
        pin_pace(&mut h.driver.state);
        assert_screen("rehearse", &h);
        h.keys(&["left"]);
        assert_screen("rehearse_dry_run", &h);
        h.keys(&["n", "s", "esc"]);
        pin_pace(&mut h.driver.state);
        assert_screen("load_finished", &h);
        h.keys(&["n", "w", "esc"]);
        assert_screen("verify", &h);
        h.keys(&["R"]);
        assert_screen("verify_rollback", &h);
    }
}

/// The Load screen mid-run, from events alone: a phase going, holds and failures listed, the
/// server asking to back off.
#[test]
fn load_running() {
    for size in SIZES {
        let mut h = ready_to_load(size.0, size.1, 400.0);
        h.keys(&["n", "n"]);
        let state = &mut h.driver.state;
        crm_migrate::tui::update(state, Action::StartLoad);
        let mut events = vec![
            Event::RunStarted {
                run: Some(1),
                kind: RunKind::Full,
            },
            Event::PhaseStarted {
                phase: Phase::Accounts,
                total: 12,
            },
        ];
        for i in 0..12 {
            events.push(Event::Record {
                phase: Phase::Accounts,
                rsoft_id: format!("COMP-{}", 1001 + i),
                outcome: RecordOutcome::Created { caveats: vec![] },
            });
        }
        events.push(Event::PhaseStarted {
            phase: Phase::Contacts,
            total: 30,
        });
        for i in 0..9 {
            events.push(Event::Record {
                phase: Phase::Contacts,
                rsoft_id: format!("CONT-{}", 2001 + i),
                outcome: match i % 3 {
                    0 => RecordOutcome::Held {
                        reasons: vec![format!("account COMP-{} is not in the export", 9000 + i)],
                    },
                    1 => RecordOutcome::Failed {
                        message: "not a valid email address".into(),
                        field: Some("email".into()),
                    },
                    _ => RecordOutcome::Created { caveats: vec![] },
                },
            });
        }
        events.push(Event::Throttle(ThrottleSnapshot {
            current_rps: 12.0,
            ceiling_rps: 40.0,
            in_flight: 1,
            max_in_flight: 8,
            backoff_ms: 2500,
            http_429: 3,
            ..Default::default()
        }));
        crm_migrate::tui::update(
            state,
            Action::Done(Outcome::Progress {
                events,
                elapsed: Duration::from_secs(7),
            }),
        );
        assert_eq!(state.job, Some(Job::Load));
        assert_screen("load_running", &h);
    }
}
