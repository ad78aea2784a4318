#!/usr/bin/env bash
# Throughput of the Nutshell client's throttle against the local sandbox (release build).
# Extra arguments go to the benchmark: --warmup SECS --measure SECS --creates N.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release --example throttle_bench -- "$@"
