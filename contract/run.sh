#!/usr/bin/env bash
# The contract test: the public Python client `nutshell` 0.4.4 against `crm-migrate sandbox`.
# Makes a project-local virtualenv (.venv-contract, gitignored) holding nutshell==0.4.4, starts
# the sandbox binary on a free loopback port, runs contract/nutshell_client_contract.py, stops the
# sandbox. Fails loudly (exit 1) when it cannot run: no python3, no venv, pip cannot install, the
# sandbox does not start. It never skips. Needs network to PyPI on the first run only.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.venv-contract
python=${PYTHON:-python3}
command -v "$python" >/dev/null || { echo "contract: $python not found; install Python 3.11+" >&2; exit 1; }
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv" || { echo "contract: cannot create $venv (python3 -m venv)" >&2; exit 1; }
fi
if ! "$venv/bin/python" -c 'import importlib.metadata as m, sys; sys.exit(m.version("nutshell") != "0.4.4")' 2>/dev/null; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'nutshell==0.4.4' \
        || { echo "contract: pip could not install nutshell==0.4.4 into $venv" >&2; exit 1; }
fi

# The binary as `cargo test` builds it (dev-dependency features on): `cargo build` would build
# tokio and everything above it a second time with other features, doubling the target folder.
cargo test --locked --quiet --no-run
log=$(mktemp)
# A port of our own: bind 0 and read the endpoint the sandbox prints.
target/debug/crm-migrate sandbox --listen 127.0.0.1:0 >"$log" 2>&1 &
sandbox=$!
trap 'kill "$sandbox" 2>/dev/null || true; wait "$sandbox" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 100); do
    grep -q 'api key:' "$log" && break
    kill -0 "$sandbox" 2>/dev/null || { echo "contract: the sandbox exited:" >&2; cat "$log" >&2; exit 1; }
    sleep 0.1
done
grep -q 'api key:' "$log" || { echo "contract: the sandbox did not start in 10 s:" >&2; cat "$log" >&2; exit 1; }
endpoint=$(sed -n 's/^  endpoint: //p' "$log")
username=$(sed -n 's/^  username: //p' "$log")
key=$(sed -n 's/^  api key:  //p' "$log")

"$venv/bin/python" contract/nutshell_client_contract.py "$endpoint" "$username" "$key"
