//! Frame time of the wizard's Field map with 500 columns in one module, and of the Load screen
//! with 100,000 holds (target for each: median under 2 ms), against the Connect screen drawn in
//! the same run as the baseline. Each frame is a full
//! `render` into ratatui's `TestBackend` at 120×40 plus the buffer diff, with the cursor moving
//! so every frame differs. The Field map is measured again with the record-builder preview open
//! (200 rows of 500 cells read; the payload is built in `update`, so the frame only draws). Run it
//! with `bench/tui.sh` (a release build).
//!
//! Usage: tui_bench [--frames N] [--columns N] [--holds N]. Exit 1 when a median misses the
//! target.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crm_migrate::config::Config;
use crm_migrate::discovery;
use crm_migrate::engine::event::{Event, RecordOutcome};
use crm_migrate::journal::{Phase, RunKind};
use crm_migrate::mapping::model::{ColumnEntry, FieldMap, ModuleMap, Status, Target};
use crm_migrate::mapping::object_map::proposed_object_map;
use crm_migrate::mapping::schema::DestinationSchema;
use crm_migrate::nutshell::ThrottleSnapshot;
use crm_migrate::rsoft::Module;
use crm_migrate::tui::screens::field_map::preview::{ModuleSample, PREVIEW_ROWS, SampleRow};
use crm_migrate::tui::screens::load::LoadState;
use crm_migrate::tui::{
    Action, ConfigSource, Discovered, Job, Keymap, Outcome, Proposal, State, Step, Theme, render,
    update,
};
use crm_migrate::vocabulary::Vocabulary;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const TARGET: Duration = Duration::from_millis(2);
const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/sample-export");

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The sample's discovery with its companies file widened to `columns` columns, and a field
/// map of as many entries (a mix of statuses, confidences and targets).
fn wide_state(columns: usize) -> State {
    let mut report = discovery::discover_path(SAMPLE).expect("the bundled sample reads");
    let object = report
        .objects
        .iter_mut()
        .find(|o| o.module == Some(Module::Companies))
        .expect("the sample has companies");
    let template = object.columns[1].clone();
    object.columns = (0..columns)
        .map(|i| {
            let mut c = template.clone();
            c.header = format!("Custom Column {i:03}");
            c
        })
        .collect();
    let entries = (0..columns)
        .map(|i| ColumnEntry {
            header: format!("Custom Column {i:03}"),
            target: match i % 4 {
                0 => Target::Field {
                    field: "Accounts.name".into(),
                },
                1 => Target::Tags,
                2 => Target::Unmapped,
                _ => Target::Ignore,
            },
            confidence: (i % 100) as f64 / 100.0,
            reason: format!("header \"Custom Column {i:03}\" looks like nothing the tool knows"),
            status: [
                Status::Proposed,
                Status::Confirmed,
                Status::Edited,
                Status::Ignored,
            ][i % 4],
        })
        .collect();
    let mut map = FieldMap::new("RSoft ID");
    map.modules.insert(
        Module::Companies,
        ModuleMap {
            columns: entries,
            ..ModuleMap::default()
        },
    );
    let mut config = Config::default();
    config.source.export = Some(PathBuf::from(SAMPLE));
    let keymap = Keymap::defaults().expect("the default keymap parses");
    let mut state = State::new(config, ConfigSource::Demo, keymap, Theme { color: true });
    update(
        &mut state,
        Action::Resize {
            width: 120,
            height: 40,
        },
    );
    update(
        &mut state,
        Action::Done(Outcome::Discovered {
            export: PathBuf::from(SAMPLE),
            result: Ok(Box::new(Discovered {
                object_map: proposed_object_map(&report, &Vocabulary::builtin(), "RSoft ID"),
                report,
            })),
        }),
    );
    update(
        &mut state,
        Action::Done(Outcome::Proposed(Ok(Box::new(Proposal {
            map,
            schema: DestinationSchema::offline(),
            destination: "offline".into(),
            had_file: false,
            value_problems: Vec::new(),
            vocabulary: Vocabulary::builtin(),
        })))),
    );
    state
}

/// Open the preview pane on 200 rows of `columns` cells each (the rows the wizard reads for it).
fn open_preview(state: &mut State, columns: usize) {
    update(state, Action::TogglePreview);
    let rows = (0..PREVIEW_ROWS)
        .map(|r| SampleRow {
            file: "Companies.csv".into(),
            line: r as u64 + 2,
            cells: (0..columns)
                .map(|i| (format!("Custom Column {i:03}"), format!("value {r}/{i}")))
                .collect(),
        })
        .collect();
    update(
        state,
        Action::Done(Outcome::Sampled {
            export: PathBuf::from(SAMPLE),
            module: Module::Companies,
            result: Ok(Box::new(ModuleSample {
                rows,
                ..ModuleSample::default()
            })),
        }),
    );
}

/// Median time of `frames` frames, moving down the list between frames.
fn median_frame(state: &mut State, frames: usize) -> Duration {
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("a test terminal");
    let mut times = Vec::with_capacity(frames);
    for i in 0..frames {
        // Down through the list and back up, so the table scrolls.
        let action = if (i / 600) % 2 == 0 {
            Action::Down
        } else {
            Action::Up
        };
        update(state, action);
        let start = Instant::now();
        terminal.draw(|f| render(state, f)).expect("draw");
        times.push(start.elapsed());
    }
    times.sort();
    times[times.len() / 2]
}

// ---- The Load screen with many holds ----

/// The Load screen mid-run with `holds` held records (and a failure for every hundred) folded
/// in from engine events, as a load of a large export reports them.
fn load_state(holds: usize) -> State {
    let mut state = wide_state(1);
    state.step = Step::Load;
    state.job = Some(Job::Load);
    state.load.state = LoadState::Running;
    let per_phase = (holds / Phase::ALL.len()) as u64 + 1;
    let mut events = vec![Event::RunStarted {
        run: Some(1),
        kind: RunKind::Full,
    }];
    for phase in Phase::ALL {
        events.push(Event::PhaseStarted {
            phase,
            total: per_phase * 2,
        });
    }
    for i in 0..holds {
        let phase = Phase::ALL[i % Phase::ALL.len()];
        events.push(Event::Record {
            phase,
            rsoft_id: format!("DEAL-{:06}", i),
            outcome: if i % 100 == 0 {
                RecordOutcome::Failed {
                    message: "Nutshell refused the record: invalid email".into(),
                    field: Some("email".into()),
                }
            } else {
                RecordOutcome::Held {
                    reasons: vec![format!("account COMP-{:06} is not in the export", i)],
                }
            },
        });
    }
    events.push(Event::Throttle(ThrottleSnapshot {
        current_rps: 9.5,
        ceiling_rps: 10.0,
        in_flight: 4,
        max_in_flight: 8,
        ..Default::default()
    }));
    update(
        &mut state,
        Action::Done(Outcome::Progress {
            events,
            elapsed: Duration::from_secs(600),
        }),
    );
    state
}

// ---- end of the Load screen ----

fn main() {
    let frames = arg("--frames", 2000);
    let columns = arg("--columns", 500);
    let holds = arg("--holds", 100_000);
    let mut state = wide_state(columns);

    state.step = Step::Connect;
    let baseline = median_frame(&mut state, frames);
    state.step = Step::FieldMap;
    let rows = state.field_map.visible_rows().len();
    let field_map = median_frame(&mut state, frames);
    open_preview(&mut state, columns);
    let with_preview = median_frame(&mut state, frames);

    println!("frames per screen: {frames} at 120x40");
    println!(
        "baseline (Connect screen): median {:.3} ms",
        baseline.as_secs_f64() * 1e3
    );
    println!(
        "Field map, {columns} columns ({rows} rows): median {:.3} ms (target < {:.1} ms)",
        field_map.as_secs_f64() * 1e3,
        TARGET.as_secs_f64() * 1e3
    );
    println!(
        "ratio Field map / baseline: {:.2}",
        field_map.as_secs_f64() / baseline.as_secs_f64()
    );
    println!(
        "Field map with the preview open: median {:.3} ms (target < {:.1} ms), ratio / baseline {:.2}",
        with_preview.as_secs_f64() * 1e3,
        TARGET.as_secs_f64() * 1e3,
        with_preview.as_secs_f64() / baseline.as_secs_f64()
    );

    let mut load = load_state(holds);
    let held = load.load.progress.holds.len();
    let load_frame = median_frame(&mut load, frames);
    println!(
        "Load, {held} holds listed: median {:.3} ms (target < {:.1} ms)",
        load_frame.as_secs_f64() * 1e3,
        TARGET.as_secs_f64() * 1e3
    );
    println!(
        "ratio Load / baseline: {:.2}",
        load_frame.as_secs_f64() / baseline.as_secs_f64()
    );
    let mut missed = false;
    for (name, median) in [
        ("Field map", field_map),
        ("Field map with the preview", with_preview),
        ("Load", load_frame),
    ] {
        if median >= TARGET {
            println!("MISSED: the {name} median frame is not under {TARGET:?}");
            missed = true;
        }
    }
    if missed {
        std::process::exit(1);
    }
    println!("ok");
}
