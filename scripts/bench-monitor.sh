#!/usr/bin/env bash
# The monthly analysis (`ltci-server monitor`, docs/supervision.md) on a generated city, on
# PostgreSQL: for each N, a fresh database seeded with the demo, the city built with K frauds of
# each kind planted in its last whole month (`demo --scale N --frauds K`), then the month
# analysed twice (the second run updates, adds nothing). Prints the run's wall and CPU time and
# peak memory, how many planted frauds were found, every other finding by rule (the false
# positives on the generated, otherwise clean, city), and the floor in the same run: the reads
# the analysis makes, as hand-written SQL through psql (the month's checked-in visits and their
# check-in and check-out events, the four bed-day joins, the activity counts), to /dev/null.
#
#   scripts/bench-monitor.sh                  # N = 10000 and 100000, K = 20, release build
#   SCALES="10000" FRAUDS=5 scripts/bench-monitor.sh
#   PGURL=postgres://postgres@127.0.0.1:5432 (the default)
set -euo pipefail
cd "$(dirname "$0")/.."
scales="${SCALES:-10000 100000}"
k="${FRAUDS:-20}"
db="ltci_bench_monitor_$$"
databases="$db"
. scripts/bench-setup.sh
month=$(date -d "$(date +%Y-%m-01) -1 day" +%Y-%m)
first="$month-01"
last=$(date -d "$(date +%Y-%m-01) -1 day" +%Y-%m-%d)
echo "PostgreSQL $(psql -tA "$pg/postgres" -c 'SHOW server_version'), release build; month $month, $k frauds of each kind"

secs_of() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

for n in $scales; do
  psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  export LTCI_DATABASE_URL="$pg/$db" LTCI_DATA_DIR="$work/data-$n"
  "$bin" demo --no-serve >/dev/null
  "$bin" demo --scale "$n" --no-serve --out "$work/city-$n" --frauds "$k" >"$work/build" 2>&1 || { cat "$work/build"; exit 1; }
  psql -q "$pg/$db" -c "VACUUM ANALYZE" >/dev/null
  region=$(psql -tA "$pg/$db" -c "SELECT id FROM regions WHERE code = (SELECT r.code FROM regions r JOIN users u ON u.region_id = r.id WHERE u.username = 'admin')")

  # The floor: the analysis's reads as hand-written SQL.
  start=$(date +%s.%N)
  psql -q "$pg/$db" >/dev/null <<SQL
\copy (SELECT v.id, v.institution_id, v.caregiver_id, v.insured_person_id, v.scheduled_on, v.checked_in_at, v.checked_out_at, v.planned_items FROM visits v WHERE v.region_id = '$region' AND v.scheduled_on BETWEEN '$first' AND '$last' AND v.checked_in_at IS NOT NULL) TO '/dev/null'
\copy (SELECT e.visit_id, e.kind, e.body FROM visit_events e WHERE e.kind IN ('check_in', 'check_out') AND e.visit_id IN (SELECT id FROM visits WHERE region_id = '$region' AND scheduled_on BETWEEN '$first' AND '$last' AND checked_in_at IS NOT NULL)) TO '/dev/null'
\copy (SELECT s.id FROM stay_charges c JOIN stays s ON s.id = c.stay_id WHERE s.region_id = '$region' AND c.service_on BETWEEN '$first' AND '$last' AND EXISTS (SELECT 1 FROM stay_charges c2 JOIN stays s2 ON s2.id = c2.stay_id WHERE s2.insured_person_id = s.insured_person_id AND c2.service_on = c.service_on AND s2.institution_id <> s.institution_id)) TO '/dev/null'
\copy (SELECT s.id, v.id FROM stay_charges c JOIN stays s ON s.id = c.stay_id JOIN visits v ON v.insured_person_id = s.insured_person_id AND v.scheduled_on = c.service_on AND v.checked_in_at IS NOT NULL WHERE s.region_id = '$region' AND c.service_on BETWEEN '$first' AND '$last') TO '/dev/null'
\copy (SELECT s.id FROM stay_charges c JOIN stays s ON s.id = c.stay_id WHERE s.region_id = '$region' AND c.service_on BETWEEN '$first' AND '$last' AND EXISTS (SELECT 1 FROM hospitalisations h WHERE h.insured_person_id = s.insured_person_id AND h.admitted_on < c.service_on AND (h.discharged_on IS NULL OR c.service_on < h.discharged_on))) TO '/dev/null'
\copy (SELECT s.id FROM stay_charges c JOIN stays s ON s.id = c.stay_id JOIN insured_persons p ON p.id = s.insured_person_id WHERE s.region_id = '$region' AND c.service_on BETWEEN '$first' AND '$last' AND p.died_on < c.service_on) TO '/dev/null'
\copy (SELECT s.institution_id, date_trunc('month', c.service_on), count(*), count(DISTINCT s.insured_person_id) FROM stay_charges c JOIN stays s ON s.id = c.stay_id WHERE s.region_id = '$region' AND c.service_on BETWEEN date '$first' - interval '6 months' AND '$last' GROUP BY 1, 2) TO '/dev/null'
SQL
  end=$(date +%s.%N)
  floor=$(secs_of "$start" "$end")

  /usr/bin/time -f "%e %M %U %S" -o "$work/time1" "$bin" monitor "$month" --as admin >"$work/run1" 2>"$work/err1" \
    || { cat "$work/err1"; exit 1; }
  /usr/bin/time -f "%e %M %U %S" -o "$work/time2" "$bin" monitor "$month" --as admin >"$work/run2" 2>"$work/err2" \
    || { cat "$work/err2"; exit 1; }
  read -r secs kb user sys <"$work/time1"
  read -r again _ _ _ <"$work/time2"

  # What was planted, against what was found.
  psql -q "$pg/$db" >/dev/null <<SQL
CREATE TABLE planted (rule text, institution_id uuid, record_id uuid);
\copy planted FROM '$work/city-$n/frauds.csv' WITH (FORMAT csv, HEADER true)
SQL
  found=$(psql -tA "$pg/$db" -c "SELECT count(*) || ' of ' || (SELECT count(*) FROM planted) FROM planted p WHERE EXISTS (
      SELECT 1 FROM findings f JOIN finding_records r ON r.finding_id = f.id
      WHERE f.rule = p.rule AND f.institution_id = p.institution_id AND r.source_id = p.record_id AND r.affected)")
  others=$(psql -tA "$pg/$db" -c "SELECT coalesce(string_agg(rule || ' ' || n, ', ' ORDER BY rule), 'none') FROM (
      SELECT f.rule, count(*) AS n FROM findings f WHERE f.month = '$month' AND NOT EXISTS (
        SELECT 1 FROM planted p JOIN finding_records r ON r.source_id = p.record_id
        WHERE r.finding_id = f.id AND p.rule = f.rule AND r.affected) GROUP BY f.rule) x")
  total=$(psql -tA "$pg/$db" -c "SELECT count(*) FROM findings WHERE month = '$month'")
  echo
  echo "N = $n"
  sed 's/^/  /' "$work/run1"
  echo "  planted frauds found: $found; other findings (false positives on the generated city): $others; findings after the second run: $total"
  awk -v s="$secs" -v a="$again" -v k="$kb" -v u="$user" -v y="$sys" -v f="$floor" 'BEGIN {
    printf "  analysis %.1f s (cpu %.1f s, peak %.0f MB), again %.1f s; floor (the same reads in psql) %.1f s; ratio %.1f\n", s, u + y, k / 1024, a, f, s / (f > 0 ? f : 0.001) }'
done
