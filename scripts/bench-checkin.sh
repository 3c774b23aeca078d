#!/usr/bin/env bash
# Check-in load benchmark: 64 concurrent phones send check-in events through
# POST /api/v1/sync/events to a real server (release build) on a fresh PostgreSQL database, for
# MEASURE_SECS (15) after WARMUP_SECS (3); then pgbench, with 64 clients on the same database,
# inserts an equivalent single row into visit_events for as long. Prints events per second, p50
# and p99 latency, pgbench's inserts per second and the ratio API / raw.
#
#   scripts/bench-checkin.sh
#   LTCI_TEST_POSTGRES_URL=postgres://user@host:5432/postgres scripts/bench-checkin.sh
#
# POOL sets the server's connection pool; SHOW_METRICS=1 also prints the server's own latency
# histogram for the check-ins (from /metrics).
#
# Needs PostgreSQL (as the tests do) and pgbench, which comes with PostgreSQL's client tools.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v pgbench >/dev/null || { echo "pgbench not found: install PostgreSQL's client tools" >&2; exit 2; }
cargo build --release -q -p ltci-e2e --features bench --bin bench-checkin
exec target/release/bench-checkin
