//! Every built screen of the wizard, drawn at 80×24 and 120×40 and compared with its snapshot
//! (`cargo insta review` to accept a change). Paths are relative and times are not shown, so
//! nothing volatile is on these screens.

mod tui_support;

use crm_migrate::tui::{Action, Step};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Color;
use tui_support::Harness;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn snapshot(name: &str, (width, height): (u16, u16), keys: &[&str]) {
    let mut h = Harness::demo(width, height);
    h.driver.start();
    h.keys(keys);
    // The sandbox listens on a free port.
    insta::with_settings!({filters => vec![(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]")]}, {
        insta::assert_snapshot!(format!("{name}_{width}x{height}"), h.screen());
    });
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
fn help() {
    for size in SIZES {
        snapshot("help_field_map", size, &["n", "n", "?"]);
    }
}

/// A later step is in the bar but cannot be opened; the notice says so.
#[test]
fn later_steps_are_not_reachable() {
    let mut h = Harness::demo(80, 24);
    h.driver.start();
    h.keys(&["n", "n", "n"]);
    assert_eq!(h.state().step, Step::FieldMap);
    let text = h.screen();
    assert!(text.contains("Schema is not in this version"), "{text}");
    assert!(text.contains("· Schema"), "{text}");
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
