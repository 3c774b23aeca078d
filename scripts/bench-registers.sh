#!/usr/bin/env bash
# Benchmark of the go-live imports (docs/imports.md) on PostgreSQL: a city's 110,000 insured persons
# and 100,000 certificates (the register of `demo --scale 100000`) imported with
# `ltci-server import`, then imported again (nothing to write). The floor, in the same run: the
# very rows the imports wrote (persons, assessment cases, certificates, their audit records) copied
# with PostgreSQL's COPY into a fresh database with the same schema and indexes. Prints seconds,
# lines per second, peak memory and the ratio of each import to its floor.
#
#   scripts/bench-registers.sh                # N=100000, release build
#   SCALE=10000 scripts/bench-registers.sh
#   PGURL=postgres://postgres@127.0.0.1:5432 (the default)
set -euo pipefail
cd "$(dirname "$0")/.."
scale="${SCALE:-100000}"
db="ltci_bench_reg_$$"
floor="ltci_bench_floor_$$"
databases="$db $floor"
. scripts/bench-setup.sh
psql -q "$pg/postgres" -c "CREATE DATABASE $db" >/dev/null
export LTCI_DATA_DIR="$work/data"

# The schema and the demo region (its officer `admin` imports); the floor's database a copy of it.
export LTCI_DATABASE_URL="$pg/$db"
"$bin" demo --no-serve >/dev/null
psql -q "$pg/postgres" -c "CREATE DATABASE $floor TEMPLATE $db" >/dev/null
"$bin" demo --scale "$scale" --files-only --out "$work/city" >/dev/null

run() { # label args… → "label seconds peak-kB cpu-seconds"
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$bin" "${@:2}" >"$work/out" 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r secs kb user sys <"$work/time"; echo "$1 $secs $kb $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
}
persons=$(run persons import persons "$work/city/persons.csv" --as admin)
certificates=$(run certificates import certificates "$work/city/certificates.csv" --as admin)
persons_again=$(run persons-again import persons "$work/city/persons.csv" --as admin)
certificates_again=$(run certificates-again import certificates "$work/city/certificates.csv" --as admin)

# The floor: the same rows, copied into the second database.
copy() { # label "table:where" … → "label seconds"
  local label=$1; shift
  local start end
  for spec in "$@"; do
    psql -v ON_ERROR_STOP=1 -q "$pg/$db" -c "\\copy (SELECT * FROM ${spec%%:*} WHERE ${spec#*:}) TO '$work/${spec%%:*}.copy'"
  done
  start=$(date +%s.%N)
  for spec in "$@"; do psql -v ON_ERROR_STOP=1 -q "$pg/$floor" -c "\\copy ${spec%%:*} FROM '$work/${spec%%:*}.copy'"; done
  end=$(date +%s.%N)
  echo "$label $(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
}
floor_persons=$(copy persons \
  "insured_persons:id IN (SELECT entity_id::uuid FROM audit_events WHERE action = 'insured_person.import')" \
  "audit_events:action = 'insured_person.import'")
floor_certificates=$(copy certificates \
  "assessment_cases:certificate_id IN (SELECT id FROM certificates WHERE external_ref IS NOT NULL)" \
  "certificates:external_ref IS NOT NULL" \
  "audit_events:action = 'certificate.import'")

lines() { wc -l <"$work/city/$1.csv" | awk '{ print $1 - 1 }'; }
np=$(lines persons); nc=$(lines certificates)
echo "N = $scale on PostgreSQL ($(psql -tA "$pg/postgres" -c 'SHOW server_version')), release build"
report() { # import-line floor-line lines
  set -- $1 $2 $3
  local label=$1 secs=$2 kb=$3 cpu=$4 floor_secs=$6 n=$7
  awk -v l="$label" -v s="$secs" -v k="$kb" -v c="$cpu" -v f="$floor_secs" -v n="$n" 'BEGIN {
    printf "%-13s %7d lines %7.2f s %7.0f lines/s  cpu %6.2f s  peak %6.1f MB   floor (COPY) %6.2f s   ratio %5.2f\n", l, n, s, n / (s > 0 ? s : 0.001), c, k / 1024, f, s / (f > 0 ? f : 0.001) }'
}
report "$persons" "$floor_persons" "$np"
report "$certificates" "$floor_certificates" "$nc"
for r in "$persons_again" "$certificates_again"; do
  set -- $r
  awk -v l="$1" -v s="$2" -v k="$3" -v c="$4" 'BEGIN { printf "%-18s %7.2f s (nothing written)  cpu %6.2f s  peak %6.1f MB\n", l, s, c, k / 1024 }'
done
set -- $persons; p=$2; set -- $certificates
awk -v a="$p" -v b="$2" 'BEGIN { printf "both files: %.1f s (target: under 60 s)\n", a + b }'
