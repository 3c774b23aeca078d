#!/usr/bin/env bash
# The browser tests: the demo server (fresh SQLite database) and the phone app served through
# dioxus liveview — one app (fresh local store) per phone — driven in Debian's Chromium by
# tests/browser/caregiver.mjs through a caregiver's visit and by tests/browser/assessor.mjs through
# an assessor's form, and the web console by tests/browser/console.mjs (and, on a second server
# with a short idle timeout, tests/browser/console-idle.mjs; on a third, the institution's side,
# tests/browser/console-inst.mjs, whose bill flow returns the demo bill). Screenshots in tests/browser/out. Needs scripts/install-browser-test.sh first.
# Prints one closing line: "browser: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build -q -p ltci-server
cargo build -q -p ltci-mobile --features liveview --bin ltci-app-liveview
target="${CARGO_TARGET_DIR:-target}"
work=$(mktemp -d)
server_port=18180
app_ports=(18190 18191)
pids=()
cleanup() { kill "${server_pid:-}" "${idle_pid:-}" "${inst_pid:-}" "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$target/debug/ltci-server" --data-dir "$work/data" --bind "127.0.0.1:$server_port" --log-filter warn demo >"$work/server.log" 2>&1 &
server_pid=$!
# A second demo server whose console sessions idle out after a few seconds (console-idle.mjs).
idle_port=18181
idle_secs=5
LTCI_CONSOLE_IDLE_SECS=$idle_secs "$target/debug/ltci-server" --data-dir "$work/idle" --bind "127.0.0.1:$idle_port" \
  --log-filter warn demo >"$work/idle.log" 2>&1 &
idle_pid=$!
# A third, for the institution's side of the console (it returns and resubmits the demo bill).
inst_port=18182
"$target/debug/ltci-server" --data-dir "$work/inst" --bind "127.0.0.1:$inst_port" --log-filter warn demo \
  >"$work/inst.log" 2>&1 &
inst_pid=$!
# Wait until each one answers (seeding takes longer on a busy machine), or stop if it died.
wait_for() { # url pid log
  for _ in $(seq 1 600); do
    curl -sf "$1" >/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "it stopped:"; tail -20 "$3"; exit 1; }
    sleep 0.5
  done
  echo "no answer from $1"; exit 1
}
wait_for "http://127.0.0.1:$server_port/readyz" "$server_pid" "$work/server.log"
wait_for "http://127.0.0.1:$idle_port/readyz" "$idle_pid" "$work/idle.log"
wait_for "http://127.0.0.1:$inst_port/readyz" "$inst_pid" "$work/inst.log"
# One phone per test: the caregiver's and the assessor's, each with its own store.
for port in "${app_ports[@]}"; do
  "$target/debug/ltci-app-liveview" --server "http://127.0.0.1:$server_port" --store "$work/phone-$port.db" \
    --bind "127.0.0.1:$port" >"$work/app-$port.log" 2>&1 &
  pids+=($!)
done
for i in "${!app_ports[@]}"; do
  wait_for "http://127.0.0.1:${app_ports[$i]}/app" "${pids[$i]}" "$work/app-${app_ports[$i]}.log"
done
rm -rf tests/browser/out
passed=0
failed=0
run() {
  local script=$1 port=$2
  if node "tests/browser/$script" "http://127.0.0.1:$port/"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "--- server log"; tail -20 "$work/server.log"; echo "--- app log"; tail -20 "$work/app-$port.log"
  fi
}
run caregiver.mjs "${app_ports[0]}"
run assessor.mjs "${app_ports[1]}"
# The web console, on the server itself (after the phones: it works a case of its own).
if node tests/browser/console.mjs "http://127.0.0.1:$server_port/"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "--- server log"; tail -20 "$work/server.log"
fi
if node tests/browser/console-idle.mjs "http://127.0.0.1:$idle_port/" "$idle_secs"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "--- server log"; tail -20 "$work/idle.log"
fi
if node tests/browser/console-inst.mjs "http://127.0.0.1:$inst_port/"; then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); echo "--- server log"; tail -20 "$work/inst.log"
fi
echo "browser: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
