#!/usr/bin/env bash
# Benchmark: `crm-migrate migrate` on a generated RSoft export against the sandbox run as its own
# process (20 ms latency, 200 req/s rate limit), with the client's ceiling at 200 req/s:
#   - throughput of the full load (requests/s and records/s) as a ratio of the ceiling
#     (target >= 0.9),
#   - a load one request at a time (max_in_flight = 1, --sample 200) as the baseline, and the
#     full load's rate against it,
#   - the load's peak RSS (target < 150 MB) and journal time per record,
#   - kill-and-resume on the bundled sample: SIGKILL at KILLS random points of a load, resume,
#     count duplicates by RSoft ID (missing records are checked by tests/migrate_resume.rs),
#   - --dry-run on a ~1,000,000-row export: peak RSS (target < 200 MB).
#
# Usage: bench/load.sh [SCALE] [DRY_SCALE]   (defaults 420 ≈ 100,000 rows; 4200 ≈ 1,000,000)
# KILLS=N (default 20). SEED=N (default 42). Writes under ${BENCH_DIR:-/tmp/crm-migrate-load-bench}.
# Needs: cargo, python3 (bench/measure.py measures time and peak RSS).
set -euo pipefail

cd "$(dirname "$0")/.."
SCALE="${1:-420}"
DRY_SCALE="${2:-4200}"
KILLS="${KILLS:-20}"
SEED="${SEED:-42}"
DIR="${BENCH_DIR:-/tmp/crm-migrate-load-bench}"
BIN=target/release/crm-migrate
PREPARE=target/release/examples/load_prepare
PORT_BASE=$((20000 + RANDOM % 20000))

cargo build --release --quiet
cargo build --release --quiet --example load_prepare
rm -rf "$DIR"
mkdir -p "$DIR"

SANDBOX_PID=""
# The sandbox dies of the SIGTERM, so wait reports 143: expected, not a failure under set -e.
stop_sandbox() { if [ -n "$SANDBOX_PID" ]; then kill "$SANDBOX_PID" 2>/dev/null || true; wait "$SANDBOX_PID" 2>/dev/null || true; fi; SANDBOX_PID=""; }
trap stop_sandbox EXIT

# start_sandbox PORT EXTRA...: a fresh sandbox with the bench's latency and rate limit.
start_sandbox() {
  local port=$1; shift
  "$BIN" sandbox --listen "127.0.0.1:$port" --latency-ms 20 --rate-limit 200 "$@" > "$DIR/sandbox-$port.txt" &
  SANDBOX_PID=$!
  for _ in $(seq 300); do grep -q "api key" "$DIR/sandbox-$port.txt" 2>/dev/null && break; sleep 0.1; done
  grep -q "api key" "$DIR/sandbox-$port.txt" || { echo "sandbox on port $port did not start" >&2; exit 1; }
  ENDPOINT=$(awk '/endpoint:/ {print $2}' "$DIR/sandbox-$port.txt")
  USERNAME=$(awk '/username:/ {print $2}' "$DIR/sandbox-$port.txt")
  export CRM_MIGRATE_BENCH_KEY=$(awk '/api key:/ {print $3}' "$DIR/sandbox-$port.txt")
}

# run_migrate NAME CONFIG ARGS...: time and peak RSS of one migrate run, its summary kept.
# Exit 0 (all accounted for) and 4 (some records failed: counted, said) give figures; a run
# that was blocked or errored has none to give, so the bench stops there.
run_migrate() {
  local name=$1 config=$2 status=0; shift 2
  python3 bench/measure.py "$DIR/$name.measure" "$BIN" migrate --config "$config" --yes "$@" \
    > "$DIR/$name.out" 2> "$DIR/$name.err" || status=$?
  echo "$status" > "$DIR/$name.status"
  case $status in
    0) ;;
    4) echo "migrate $name: exit 4, $(grep -E '^failed:' "$DIR/$name.out" || echo 'some records failed')" ;;
    *) echo "migrate $name: exit $status, no figures; its output:" >&2
       tail -n 20 "$DIR/$name.out" "$DIR/$name.err" >&2
       exit 1 ;;
  esac
}
wall() { awk '/^wall_s/ {print $2}' "$1"; }
rss_mb() { awk '/^max_rss_kb/ {printf "%.1f", $2 / 1024}' "$1"; }
requests() { sed -n 's/.*requests sent: \([0-9]*\).*/\1/p' "$1"; }
records() { sed -n 's/^records: \([0-9]*\);.*/\1/p' "$1"; }
per_record() { sed -n 's/.*journal time: \([0-9.]*\) µs per record.*/\1/p' "$1"; }

echo "== $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== export: scale $SCALE"
"$BIN" sample-export --out "$DIR/export" --scale "$SCALE" | tail -n 2 | head -n 1

echo "== full load (max_in_flight 16, ceiling 200 req/s)"
start_sandbox $PORT_BASE
"$PREPARE" "$DIR/export" "$ENDPOINT" "$USERNAME" "$DIR/full" 200 16 > /dev/null
run_migrate full "$DIR/full/crm-migrate.toml"
stop_sandbox
FULL_S=$(wall "$DIR/full.measure"); FULL_REQ=$(requests "$DIR/full.out"); FULL_REC=$(records "$DIR/full.out")
FULL_RATIO=$(python3 -c "print(round($FULL_REQ / $FULL_S / 200, 3))")
echo "records $FULL_REC in ${FULL_S}s = $(python3 -c "print(round($FULL_REC/$FULL_S,1))") records/s; at that rate 100,000 records take $(python3 -c "print(round(100000/($FULL_REC/$FULL_S)/60,1))") min"
echo "requests $FULL_REQ in ${FULL_S}s = $(python3 -c "print(round($FULL_REQ/$FULL_S,1))") req/s; ratio of ceiling $FULL_RATIO (target >= 0.9)"
echo "peak RSS $(rss_mb "$DIR/full.measure") MB (target < 150); journal $(per_record "$DIR/full.out") µs per record"
sed -n "/^  phase /,/^records:/p" "$DIR/full.out" | sed "\$d"

echo "== sequential baseline (max_in_flight 1, --sample 200)"
start_sandbox $((PORT_BASE + 1))
"$PREPARE" "$DIR/export" "$ENDPOINT" "$USERNAME" "$DIR/seq" 200 1 > /dev/null
run_migrate seq "$DIR/seq/crm-migrate.toml" --sample 200
stop_sandbox
SEQ_S=$(wall "$DIR/seq.measure"); SEQ_REQ=$(requests "$DIR/seq.out"); SEQ_REC=$(records "$DIR/seq.out")
SEQ_RPS=$(python3 -c "print(round($SEQ_REQ/$SEQ_S,1))")
echo "records $SEQ_REC in ${SEQ_S}s = $(python3 -c "print(round($SEQ_REC/$SEQ_S,1))") records/s; requests $SEQ_REQ = $SEQ_RPS req/s; ratio of ceiling $(python3 -c "print(round($SEQ_RPS/200,3))")"
echo "concurrent vs sequential: $(python3 -c "print(round(($FULL_REQ/$FULL_S)/$SEQ_RPS,2))")x in req/s, $(python3 -c "print(round(($FULL_REC/$FULL_S)/($SEQ_REC/$SEQ_S),2))")x in records/s"

echo "== kill and resume: $KILLS kills (seed $SEED), on the sample export"
start_sandbox $((PORT_BASE + 2)) --drop-after-commit-rate 0.02 --fault-rate 0.02 --seed "$SEED"
"$PREPARE" "$PWD/assets/sample-export" "$ENDPOINT" "$USERNAME" "$DIR/kill" 200 8 > /dev/null
python3 - "$BIN" "$DIR/kill/crm-migrate.toml" "$KILLS" "$SEED" <<'PY'
import random, subprocess, sys, time
bin_, config, kills, seed = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rng = random.Random(seed)
killed = 0
for _ in range(kills):
    p = subprocess.Popen([bin_, "migrate", "--config", config, "--yes"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        p.wait(timeout=rng.uniform(0.2, 2.0))
    except subprocess.TimeoutExpired:
        p.kill(); p.wait(); killed += 1
print(f"killed {killed} of {kills} runs mid-load")
for attempt in range(4):
    r = subprocess.run([bin_, "migrate", "--config", config, "--yes"], capture_output=True, text=True)
    if r.returncode == 0:
        break
print(f"resume: exit {r.returncode}")
PY
python3 - "$ENDPOINT" "$USERNAME" <<'PY'
import base64, json, os, sys, urllib.request
endpoint, user = sys.argv[1], sys.argv[2]
auth = base64.b64encode(f"{user}:{os.environ['CRM_MIGRATE_BENCH_KEY']}".encode()).decode()
def call(method, params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(endpoint, body, {"Content-Type": "application/json", "Authorization": "Basic " + auth})
    return json.load(urllib.request.urlopen(req))["result"]
seen, dup = {}, 0
for method in ["findAccounts", "findContacts", "findLeads"]:
    page = 1
    while True:
        rows = call(method, {"query": {}, "stubResponses": False, "limit": 100, "page": page})
        if not rows: break
        for r in rows:
            key = (method, (r.get("customFields") or {}).get("RSoft ID"))
            if key[1] is None: continue
            seen[key] = seen.get(key, 0) + 1
        page += 1
dup = sum(n - 1 for n in seen.values() if n > 1)
print(f"accounts/contacts/leads by RSoft ID: {len(seen)} distinct, {dup} duplicates")
if not seen:
    sys.exit("nothing was loaded: the kill-and-resume check measured nothing")
PY
stop_sandbox
echo "(reference, a clean run of the sample: see tests/migrate_resume.rs for the same check against a clean run)"

echo "== dry run: scale $DRY_SCALE"
"$BIN" sample-export --out "$DIR/export-dry" --scale "$DRY_SCALE" | tail -n 2 | head -n 1
start_sandbox $((PORT_BASE + 3))
"$PREPARE" "$DIR/export-dry" "$ENDPOINT" "$USERNAME" "$DIR/dry" 200 16 > /dev/null
run_migrate dry "$DIR/dry/crm-migrate.toml" --dry-run
stop_sandbox
echo "dry run: $(wall "$DIR/dry.measure")s, peak RSS $(rss_mb "$DIR/dry.measure") MB (target < 200); $(grep -E '^records:' "$DIR/dry.out" || true)"
