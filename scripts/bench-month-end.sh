#!/usr/bin/env bash
# The month-end at city scale (`ltci-server month-end`, docs/settlement.md and the sizing in
# docs/architecture.md). For each N, a fresh PostgreSQL database with the demo and a city of N
# beneficiaries (`demo --scale N`), then, for the last whole month:
#  - the floor: scripts/month-end-floor.sql, one hand-written SQL statement computing the region's
#    lines and writing them into a plain table of one row per line;
#  - the month-end, timed (wall, CPU, peak memory), the lines of the drafts it computed compared
#    with the floor's line by line (`ltci-server bill-lines` writes them out, every column but the
#    explanation; none may differ; the demo's own bill, submitted before the city's policy change,
#    is left out), and the bytes a line takes (the packs' table, TOAST and indexes);
#  - two month-end processes at once on a copy of the database as it was before the run: every
#    bill computed once (version 1), the lines the two wrote together against one run's, their
#    wall and CPU time against one run's;
#  - the policy what-if (`ltci-server what-if`) of a draft — the demo policy with the institutional
#    daily cap raised to 66.00 — over every whole month of the city (MONTHS, default 2: the
#    what-if's target is 11 months at 100,000, `MONTHS=11`), timed;
# on SQLite (the embedded, one-machine mode) the month-end of a city of SQLITE_SCALES, timed,
# without a target; and the thirteenth month's ratio to the first (scripts/bench-settle.sh).
#
#   scripts/bench-month-end.sh                     # N = 10000 and 100000, release build
#   SCALES=10000 SQLITE_SCALES= scripts/bench-month-end.sh
#   BIN=/path/to/ltci-server scripts/bench-month-end.sh   # another build, for a before figure
#   PGURL=postgres://postgres@127.0.0.1:5432 (the default)
set -euo pipefail
cd "$(dirname "$0")/.."
scales="${SCALES:-10000 100000}"
sqlite_scales="${SQLITE_SCALES-10000}"
db="ltci_bench_month_end_$$"
copy="ltci_bench_month_end_copy_$$"
databases="$db $copy"
. scripts/bench-setup.sh
month=$(date -d "$(date +%Y-%m-01) -1 day" +%Y-%m)
first="$month-01"
last=$(date -d "$(date +%Y-%m-01) -1 day" +%Y-%m-%d)
months="${MONTHS:-2}"
from=$(date -d "$(date +%Y-%m-01) -$months month" +%Y-%m)
sed -e 's/^amount = "60.00"/amount = "66.00"/' -e "s/^effective_from = .*/effective_from = \"$from-01\"/" \
  -e '0,/^name = .*/s//name = "测算草案：机构日限额66元"/' server/policies/demo.toml >"$work/draft.toml"
echo "PostgreSQL $(psql -tA "$pg/postgres" -c 'SHOW server_version'), $(nproc) cores, $bin; month $month, what-if from $from"

secs_of() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
# Runs the month-end with $LTCI_DATABASE_URL; time figures into $work/$1.time, its output into $work/$1.out.
month_end() {
  /usr/bin/time -f "%e %M %U %S" -o "$work/$1.time" "$bin" month-end "$month" --as admin >"$work/$1.out" 2>"$work/$1.err" \
    || { cat "$work/$1.err"; exit 1; }
}

for n in $scales; do
  psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $db" -c "DROP DATABASE IF EXISTS $copy" -c "CREATE DATABASE $db" >/dev/null
  export LTCI_DATABASE_URL="$pg/$db" LTCI_DATA_DIR="$work/data-$n"
  "$bin" demo --no-serve >/dev/null
  "$bin" demo --scale "$n" --months "$months" --no-serve --out "$work/city-$n" >"$work/build" 2>&1 \
    || { cat "$work/build"; exit 1; }
  psql -q "$pg/$db" -c "VACUUM ANALYZE" >/dev/null
  psql -q "$pg/postgres" -c "CREATE DATABASE $copy TEMPLATE $db" >/dev/null
  region=$(psql -tA "$pg/$db" -c "SELECT region_id FROM users WHERE username = 'admin'")

  # The floor: one statement computing and writing the same lines.
  start=$(date +%s.%N)
  psql -q "$pg/$db" -v region="$region" -v first="$first" -v last="$last" -f scripts/month-end-floor.sql >/dev/null
  end=$(date +%s.%N)
  floor=$(secs_of "$start" "$end")

  month_end one
  read -r secs kb user sys <"$work/one.time"
  "$bin" bill-lines "$month" --as admin >"$work/lines.csv"
  read -r lines differing fund bytes <<<"$(psql -q -tA -F ' ' "$pg/$db" <<SQL
CREATE TEMP TABLE exported (institution_id uuid, line_no int, insured_person_id uuid, care_mode text, scheme text,
  level int, service_on date, source text, source_id uuid, item text, times int, policy_version_id uuid, rule text,
  claimed_fen bigint, allowed_fen bigint, fund_fen bigint, rejection text, adjusts_bill_id uuid);
\copy exported FROM '$work/lines.csv' CSV HEADER
CREATE TEMP VIEW app AS SELECT e.institution_id, e.line_no, e.insured_person_id, e.care_mode, e.scheme, e.level,
  e.service_on, e.source, e.source_id, e.item, e.times, e.policy_version_id, e.rule, e.claimed_fen, e.allowed_fen,
  e.fund_fen, e.rejection
  FROM exported e JOIN bills b ON b.institution_id = e.institution_id AND b.month = '$month'
  WHERE b.status = 'draft' AND e.adjusts_bill_id IS NULL;
CREATE TEMP VIEW flo AS SELECT bill_id, line_no, insured_person_id, care_mode::text, scheme::text, level, service_on,
  source::text, source_id, item::text, times, policy_version_id, rule::text, claimed_fen, allowed_fen, fund_fen,
  rejection::text FROM floor_lines
  WHERE bill_id IN (SELECT institution_id FROM bills WHERE month = '$month' AND status = 'draft');
SELECT (SELECT count(*) FROM app),
  (SELECT count(*) FROM (SELECT * FROM app EXCEPT ALL SELECT * FROM flo) a)
    + (SELECT count(*) FROM (SELECT * FROM flo EXCEPT ALL SELECT * FROM app) f),
  (SELECT sum(fund_fen) FROM app) - (SELECT sum(fund_fen) FROM flo),
  pg_total_relation_size('bill_line_packs') / greatest((SELECT sum(line_count) FROM bill_line_packs), 1);
SQL
)"
  # The what-if over the city's whole months.
  /usr/bin/time -f "%e %M %U %S" -o "$work/whatif.time" "$bin" what-if --policy "$work/draft.toml" --from "$from" \
    --to "$month" --as admin >"$work/whatif.out" 2>"$work/whatif.err" || { cat "$work/whatif.err"; exit 1; }
  read -r wsecs wkb wuser wsys <"$work/whatif.time"
  wlines=$(psql -tA "$pg/$db" -c "SELECT (SELECT count(*) FROM stay_charges WHERE service_on BETWEEN '$from-01' AND '$last')")

  # Two runs at once, on the database as it was before the run.
  export LTCI_DATABASE_URL="$pg/$copy"
  start=$(date +%s.%N)
  month_end a & pa=$!
  month_end b & pb=$!
  wait "$pa" "$pb"
  end=$(date +%s.%N)
  both=$(secs_of "$start" "$end")
  read -r _ _ ua sa <"$work/a.time"
  read -r _ _ ub sb <"$work/b.time"
  sleep 1 # the two processes' statistics reach pg_stat_user_tables when their connections close
  # The drafts the runs computed (the demo's own bill for the month was submitted before).
  read -r bills again written packs <<<"$(psql -tA -F ' ' "$pg/$copy" -c "SELECT count(*), count(*) FILTER (WHERE version <> 1),
    (SELECT n_tup_ins FROM pg_stat_user_tables WHERE relname = 'bill_line_packs'),
    (SELECT count(*) FROM bill_line_packs WHERE bill_id IN (SELECT id FROM bills WHERE month = '$month' AND status = 'draft'))
    FROM bills WHERE month = '$month' AND status = 'draft'")"
  psql -q "$pg/postgres" -c "DROP DATABASE $copy" >/dev/null

  echo
  echo "N = $n: $lines lines"
  sed -n '/^[^ ]/p' "$work/one.out" | tail -n +2 | sed 's/^/  /'
  awk -v s="$secs" -v k="$kb" -v u="$user" -v y="$sys" -v f="$floor" -v l="$lines" -v d="$differing" -v fd="$fund" -v b="$bytes" 'BEGIN {
    printf "  month-end %.1f s (server CPU %.1f s, peak %.0f MB), %.0f lines a second\n", s, u + y, k / 1024, l / s
    printf "  floor (one SQL statement) %.1f s; ratio %.2f (target 2 or less)\n", f, s / f
    printf "  against the floor: %d lines differ, fund total differs by %d fen; %d bytes a line (target 150 or less)\n", d, fd, b }'
  awk -v w="$both" -v s="$secs" -v ua="$ua" -v sa="$sa" -v ub="$ub" -v sb="$sb" -v u="$user" -v y="$sys" -v b="$bills" -v a="$again" -v i="$written" -v p="$packs" 'BEGIN {
    printf "  two runs at once: %d drafts, %d computed more than once; %d packs of lines written (one run: %d), wall %.1f s (one run: %.1f s), server CPU %.1f s (one run: %.1f s)\n", b, a, i, p, w, s, ua + sa + ub + sb, u + y }'
  awk -v s="$wsecs" -v k="$wkb" -v u="$wuser" -v y="$wsys" -v m="$months" -v b="$wlines" 'BEGIN {
    printf "  what-if over %d months: %.1f s (server CPU %.1f s, peak %.0f MB), %d bed-days among the lines priced twice\n", m, s, u + y, k / 1024, b }'
  sed -n '/^合计\|^in all/p' "$work/whatif.out" | sed 's/^/  /'
done

for n in $sqlite_scales; do
  unset LTCI_DATABASE_URL
  export LTCI_DATA_DIR="$work/sqlite-$n"
  "$bin" demo --no-serve >/dev/null
  "$bin" demo --scale "$n" --no-serve --out "$work/sqlite-city-$n" >"$work/build" 2>&1 || { cat "$work/build"; exit 1; }
  month_end sqlite
  read -r secs kb user sys <"$work/sqlite.time"
  lines=$(grep -o '[0-9]* lines computed\|明细 [0-9]* 行' "$work/sqlite.out" | grep -o '[0-9]*' | head -1)
  echo
  awk -v n="$n" -v s="$secs" -v k="$kb" -v u="$user" -v y="$sys" -v l="$lines" 'BEGIN {
    printf "SQLite, N = %d: %d lines, month-end %.1f s (CPU %.1f s, peak %.0f MB), %.0f lines a second\n", n, l, s, u + y, k / 1024, l / s }'
done

# The thirteenth month: an institution's draft with twelve approved months behind it, nothing
# changed, against its first (late corrections; a city's month-end is its institutions' drafts).
echo
echo "Late corrections (scripts/bench-settle.sh on PostgreSQL: 200 beds, thirteen months):"
DATABASE=postgres scripts/bench-settle.sh | sed -n '/^ratio\|^the check\|^one death/p' | sed 's/^/  /'
