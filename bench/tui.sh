#!/usr/bin/env bash
# Frame time of the wizard (release build): the Field map with 500 columns (and again with the
# record-builder preview open) and the Load screen with 100,000 holds (folded from engine
# events), median of 2000 frames each at 120x40, against the Connect screen as the baseline in
# the same run. Target: each median frame under 2 ms.
# Extra arguments go to the benchmark: --frames N --columns N --holds N.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release --example tui_bench -- "$@"
