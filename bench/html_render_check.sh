#!/usr/bin/env bash
# Renders the HTML reports in headless Chromium and fails on any console message, refused load
# or network error; writes a PNG of each page to look at.
#
#   bash bench/html_render_check.sh [OUT_DIR]     (default: target/html-render-check)
#
# Pages: the fixture report with a recorded run (bar chart, holds, failures, links; from
# tests/report_render.rs::write_fixture_report) and `crm-migrate report` on the bundled sample
# export (no run yet). A control page that logs a console error is rendered first, to prove the
# detector sees console output; if it is not caught, the check fails.
#
# Exit 0: every page rendered with no console output; 1: a page failed; 2: no Chromium here
# (install it: apt-get install -y chromium) — never a silent pass.
set -euo pipefail
cd "$(dirname "$0")/.."

out="${1:-target/html-render-check}"
rm -rf "$out" && mkdir -p "$out"
out="$(cd "$out" && pwd)"

browser=""
for b in chromium chromium-browser google-chrome google-chrome-stable; do
  if command -v "$b" >/dev/null 2>&1; then browser="$(command -v "$b")"; break; fi
done
if [ -z "$browser" ]; then
  echo "############################################################" >&2
  echo "# HTML RENDER CHECK NOT RUN: no Chromium on this machine.  #" >&2
  echo "# Install it (apt-get install -y chromium) and run again.  #" >&2
  echo "############################################################" >&2
  exit 2
fi
echo "browser: $browser ($("$browser" --version 2>/dev/null | head -1))"

echo "building the reports…"
REPORT_FIXTURE_OUT="$out/fixture" cargo test -q --test report_render -- --ignored write_fixture_report >/dev/null
cargo build -q
cat > "$out/crm-migrate.toml" <<TOML
[source]
export = "$(pwd)/assets/sample-export"
[migration]
state_dir = "$out/state"
TOML
target/debug/crm-migrate report --config "$out/crm-migrate.toml" --out "$out/sample" >/dev/null

mkdir -p "$out/control"
cat > "$out/control/report.html" <<'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>control</title></head>
<body><h1>Migration report control</h1><script>console.error("control console error");</script></body></html>
HTML

# Console lines Chromium writes to stderr with --enable-logging=stderr, CSP refusals and failed
# fetches: any of these on a report page is a failure.
pattern='CONSOLE|Uncaught|Refused to|net::ERR_'

render() { # name html -> sets $found (matching log lines)
  local name="$1" html="$2" profile
  profile="$(mktemp -d)"
  local flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
    --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile"
    --enable-logging=stderr --v=0 --hide-scrollbars --window-size=1280,2600)
  timeout 120 "$browser" "${flags[@]}" --screenshot="$out/$name.png" "file://$html" \
    >"$out/$name.stdout" 2>"$out/$name.log" || true
  rm -rf "$profile"
  profile="$(mktemp -d)"
  timeout 120 "$browser" "${flags[@]/--user-data-dir=*/--user-data-dir=$profile}" --dump-dom "file://$html" \
    >"$out/$name.dom.html" 2>>"$out/$name.log" || true
  rm -rf "$profile"
  found="$(grep -E "$pattern" "$out/$name.log" || true)"
}

render control "$out/control/report.html"
if [ -z "$found" ]; then
  echo "FAIL: the control page's console error was not seen in $out/control.log: the detector is blind" >&2
  exit 1
fi
echo "control page: console error detected as expected ($(echo "$found" | head -1 | cut -c1-120))"

status=0
for name in fixture sample; do
  html="$out/$name/report.html"
  render "$name" "$html"
  size=$(stat -c %s "$out/$name.png" 2>/dev/null || echo 0)
  if [ -n "$found" ]; then
    echo "FAIL $name: console output or refused loads:" >&2; echo "$found" >&2; status=1
  elif [ "$size" -lt 20000 ]; then
    echo "FAIL $name: screenshot missing or blank ($size bytes): see $out/$name.log" >&2; status=1
  elif ! grep -q "Migration report: RSoft CRM" "$out/$name.dom.html"; then
    echo "FAIL $name: the rendered DOM lacks the report title: see $out/$name.dom.html" >&2; status=1
  else
    echo "ok $name: $out/$name.png ($size bytes), no console messages, DOM $(wc -c <"$out/$name.dom.html") bytes"
  fi
done
exit $status
