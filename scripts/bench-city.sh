#!/usr/bin/env bash
# How long `ltci-server demo --scale N` takes to build a city (docs/imports.md), on PostgreSQL:
# for each N, a fresh database seeded with the demo, then the city built; prints each stage's
# time (from the command's own summary), the whole run's wall and CPU time, peak memory, the rows
# it wrote and the database's size. The floor, in the same run: the finished database restored by
# pg_restore into a fresh one (PostgreSQL's bulk path: COPY, then the indexes and constraints) —
# the least any writer of the same rows could take.
#
#   scripts/bench-city.sh                  # N = 10000 and 100000, release build
#   SCALES="10000" scripts/bench-city.sh
#   PGURL=postgres://postgres@127.0.0.1:5432 (the default); PGSSLMODE as libpq reads it
set -euo pipefail
cd "$(dirname "$0")/.."
scales="${SCALES:-10000 100000}"
db="ltci_bench_city_$$"
floor="ltci_bench_city_floor_$$"
databases="$db $floor"
. scripts/bench-setup.sh
echo "PostgreSQL $(psql -tA "$pg/postgres" -c 'SHOW server_version') (PGSSLMODE=${PGSSLMODE:-prefer}), release build"

for n in $scales; do
  psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db" -c "DROP DATABASE IF EXISTS $floor" -c "CREATE DATABASE $db" >/dev/null
  export LTCI_DATABASE_URL="$pg/$db" LTCI_DATA_DIR="$work/data-$n"
  "$bin" demo --no-serve >/dev/null
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$bin" demo --scale "$n" --no-serve --out "$work/city-$n" \
    >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r secs kb user sys <"$work/time"
  rows=$(psql -tA "$pg/$db" -c "SELECT
      (SELECT count(*) FROM insured_persons) || ' persons, ' ||
      (SELECT count(*) FROM stays) || ' stays, ' ||
      (SELECT count(*) FROM stay_charges) || ' bed-day charges, ' ||
      (SELECT count(*) FROM care_plans) || ' plans, ' ||
      (SELECT count(*) FROM visits) || ' visits, ' ||
      (SELECT count(*) FROM visit_events) || ' visit events, ' ||
      (SELECT count(*) FROM ledger_postings) || ' postings, ' ||
      (SELECT count(*) FROM audit_events) || ' audit records, ' ||
      pg_size_pretty(pg_database_size(current_database()))")
  # The floor: the same database restored from a dump.
  pg_dump -Fc "$pg/$db" -f "$work/dump"
  psql -q "$pg/postgres" -c "CREATE DATABASE $floor" >/dev/null
  start=$(date +%s.%N)
  pg_restore --no-owner -d "$pg/$floor" "$work/dump"
  end=$(date +%s.%N)
  restore=$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
  echo
  echo "N = $n"
  grep -v '^城市规模\|^a city' "$work/out" | sed 's/^/  /'
  echo "  rows: $rows"
  awk -v s="$secs" -v k="$kb" -v u="$user" -v y="$sys" -v f="$restore" 'BEGIN {
    printf "  generation %.1f s (cpu %.1f s, peak %.0f MB); floor (pg_restore of the result) %.1f s; ratio %.1f\n", s, u + y, k / 1024, f, s / (f > 0 ? f : 0.001) }'
done
