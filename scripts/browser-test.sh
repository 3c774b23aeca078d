#!/usr/bin/env bash
# The browser test: the demo server (fresh SQLite database) and the phone app served through
# dioxus liveview (fresh local store), driven in Debian's Chromium by tests/browser/caregiver.mjs
# through a caregiver's visit. Screenshots in tests/browser/out. Needs scripts/install-browser-test.sh
# first. Prints one closing line: "browser: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p ltci-server
cargo build -q -p ltci-mobile --features liveview --bin ltci-app-liveview
target="${CARGO_TARGET_DIR:-target}"
work=$(mktemp -d)
server_port=18180
app_port=18190
cleanup() { kill "${server_pid:-}" "${app_pid:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$target/debug/ltci-server" --data-dir "$work/data" --bind "127.0.0.1:$server_port" --log-filter warn demo >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$server_port/readyz" >/dev/null && break; sleep 1; done
"$target/debug/ltci-app-liveview" --server "http://127.0.0.1:$server_port" --store "$work/phone.db" \
  --bind "127.0.0.1:$app_port" >"$work/app.log" 2>&1 &
app_pid=$!
for _ in $(seq 1 30); do curl -sf "http://127.0.0.1:$app_port/app" >/dev/null && break; sleep 1; done
rm -rf tests/browser/out
if node tests/browser/caregiver.mjs "http://127.0.0.1:$app_port/"; then
  echo "browser: 1 passed, 0 failed"
else
  echo "--- server log"; tail -20 "$work/server.log"; echo "--- app log"; tail -20 "$work/app.log"
  echo "browser: 0 passed, 1 failed"
  exit 1
fi
