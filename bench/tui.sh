#!/usr/bin/env bash
# Frame time of the wizard (release build): the Field map with 500 columns, median of 2000
# frames at 120x40, against the Connect screen as the baseline in the same run. Target: the
# median Field map frame under 2 ms. Extra arguments go to the benchmark: --frames N --columns N.
# The Field map is measured a second time with the record-builder preview open.
# (The Load screen with 100,000 holds joins this bench when that screen exists.)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release --example tui_bench -- "$@"
