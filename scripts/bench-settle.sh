#!/usr/bin/env bash
# Settlement benchmark: one institution with BEDS (200) residents charged every day for thirteen
# months; each month is computed (then submitted and approved), so each carries the late-correction
# check of every approved month before it. Prints lines, milliseconds and lines per second per
# month, the ratio of the last month (twelve approved months behind it, nothing changed since they
# were checked) to the first (none), and the last month again after a death reported late.
#
#   scripts/bench-settle.sh                     # embedded SQLite
#   DATABASE=postgres scripts/bench-settle.sh   # a fresh database on the local PostgreSQL
#   BEDS=500 scripts/bench-settle.sh
#   MARGIN_SECS=40000000 scripts/bench-settle.sh   # every approved month priced again (the old way)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -q -p ltci-e2e --features bench --bin bench-settle
exec target/release/bench-settle
