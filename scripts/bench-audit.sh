#!/usr/bin/env bash
# Benchmark of the audit chain (docs/api.md, "The audit trail"): RECORDS (1,000,000) audit records
# written into the demo region as the application writes them, linked into the chain by
# `ltci-server migrate` (as records written before the chain are), then walked by
# `ltci-server audit verify`. The floor, in the same run: the same rows read in the chain's order
# and hashed as one stream (`COPY … TO STDOUT | sha256sum`). Prints seconds, records a second,
# peak memory and the ratio verify / floor, on PostgreSQL and on SQLite (the SQLite floor reads
# with the sqlite3 shell).
#
#   scripts/bench-audit.sh
#   RECORDS=100000 scripts/bench-audit.sh
#   PGURL=postgres://postgres@127.0.0.1:5432 (the default)
#
# Needs PostgreSQL (as the tests do) with psql, and the sqlite3 shell.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${RECORDS:-1000000}"
command -v sqlite3 >/dev/null || { echo "sqlite3 not found: install the SQLite shell" >&2; exit 2; }
db="ltci_bench_audit_$$"
databases="$db"
. scripts/bench-setup.sh

run() { # label args… → "label seconds peak-kB" (verify's exit code is checked by the caller)
  /usr/bin/time -f "%e %M" -o "$work/time" "$bin" "${@:2}" >"$work/out" 2>"$work/err" || true
  read -r secs kb <"$work/time"; echo "$1 $secs $kb"
}
seconds() { # command… → seconds
  local start end
  start=$(date +%s.%N); "$@" >/dev/null; end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { print b - a }'
}
report() { # backend link-line verify-line floor-seconds
  set -- "$1" $2 $3 "$4"
  local backend=$1 link=$3 verify=$6 kb=$7 floor=$8
  awk -v b="$backend" -v l="$link" -v v="$verify" -v k="$kb" -v f="$floor" -v n="$n" 'BEGIN {
    printf "%-10s %8d records  link %6.1f s  verify %6.1f s %9.0f records/s  peak %6.1f MB   floor (read + SHA-256) %5.1f s   ratio %4.1f\n",
      b, n, l, v, n / (v > 0 ? v : 0.001), k / 1024, f, v / (f > 0 ? f : 0.001) }'
}
sound() { grep -q "审计链完整\|audit chain sound" "$work/out" || { echo "the chain does not verify:" >&2; cat "$work/out" "$work/err" >&2; exit 1; }; }

# PostgreSQL: the schema and the demo region, then the records.
psql -q "$pg/postgres" -c "CREATE DATABASE $db" >/dev/null
LTCI_DATA_DIR="$work/pg" LTCI_DATABASE_URL="$pg/$db" "$bin" demo --no-serve >/dev/null
psql -v ON_ERROR_STOP=1 -q "$pg/$db" <<SQL
INSERT INTO audit_events (id, at, region_id, actor_user_id, actor_role, action, entity_type, entity_id,
                          request_id, changed_fields)
SELECT gen_random_uuid(), now() - make_interval(secs => ($n - g) * 0.5), r.id, u.id, 'agency_officer',
       'insured_person.update', 'insured_person', gen_random_uuid()::text, 'req-' || md5(g::text),
       '["address","phone"]'
FROM generate_series(1, $n) g, regions r, users u WHERE r.code = '990100' AND u.username = 'admin';
ANALYZE audit_events;
SQL
export LTCI_DATABASE_URL="$pg/$db"
pg_link=$(LTCI_DATA_DIR="$work/pg" run link migrate)
pg_verify=$(LTCI_DATA_DIR="$work/pg" run verify audit verify)
sound
pg_floor=$(seconds sh -c "psql -q '$pg/$db' -c \"COPY (SELECT * FROM audit_events ORDER BY region_id, seq) TO STDOUT\" | sha256sum")
unset LTCI_DATABASE_URL

# SQLite: the same, in the embedded database.
mkdir -p "$work/lite"
LTCI_DATA_DIR="$work/lite" "$bin" demo --no-serve >/dev/null
sqlite3 "$work/lite/ltci.db" <<SQL
WITH RECURSIVE g(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM g WHERE x < $n)
INSERT INTO audit_events (id, at, region_id, actor_user_id, actor_role, action, entity_type, entity_id,
                          request_id, changed_fields)
SELECT randomblob(16), strftime('%Y-%m-%dT%H:%M:%S', 'now', '-' || (($n - x) / 2) || ' seconds') || '.'
         || printf('%06d', x % 1000000) || '+00:00',
       r.id, u.id, 'agency_officer', 'insured_person.update', 'insured_person', lower(hex(randomblob(16))),
       'req-' || lower(hex(randomblob(8))), '["address","phone"]'
FROM g, regions r, users u WHERE r.code = '990100' AND u.username = 'admin';
ANALYZE;
SQL
lite_link=$(LTCI_DATA_DIR="$work/lite" run link migrate)
lite_verify=$(LTCI_DATA_DIR="$work/lite" run verify audit verify)
sound
lite_floor=$(seconds sh -c "sqlite3 '$work/lite/ltci.db' 'SELECT * FROM audit_events ORDER BY region_id, seq' | sha256sum")

echo "audit verify over $n records (plus the demo's own), release build; PostgreSQL $(psql -tA "$pg/postgres" -c 'SHOW server_version')"
report PostgreSQL "$pg_link" "$pg_verify" "$pg_floor"
report SQLite "$lite_link" "$lite_verify" "$lite_floor"
