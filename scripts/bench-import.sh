#!/usr/bin/env bash
# Benchmark of the contributions import: a 10,000-line file (the baseline) and a 100,000-line file
# into a fresh demo database, then the 100,000-line file again (nothing to post), and the ledger
# check. Prints seconds, lines per second, peak memory, and the ratio of the large run to ten
# times the baseline (about 1.0 means the import scales linearly).
#
#   scripts/bench-import.sh            # release build (what production runs), embedded SQLite
#   PROFILE=debug scripts/bench-import.sh
#   DATABASE=postgres scripts/bench-import.sh   # a fresh database on PostgreSQL at
#                                               # ${PGURL:-postgres://postgres@127.0.0.1:5432}
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${PROFILE:-release}"
if [ "$profile" = release ]; then cargo build --release -q -p ltci-server; bin=target/release/ltci-server
else cargo build -q -p ltci-server; bin=target/debug/ltci-server; fi

work="$(mktemp -d)"
database="${DATABASE:-sqlite}"
pg="${PGURL:-postgres://postgres@127.0.0.1:5432}"
bench_db="ltci_bench_$$"
cleanup() {
  kill "${server:-0}" 2>/dev/null || true
  rm -rf "$work"
  if [ "$database" = postgres ]; then psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $bench_db" >/dev/null; fi
}
trap cleanup EXIT
export LTCI_DATA_DIR="$work/data" LTCI_LOG=warn LTCI_BIND=127.0.0.1:0
case "$database" in
  sqlite) ;;
  postgres) psql -q "$pg/postgres" -c "CREATE DATABASE $bench_db" >/dev/null
    export LTCI_DATABASE_URL="$pg/$bench_db" LTCI_JWT_SECRET="bench-jwt-secret-$(head -c 24 /dev/urandom | base64)" \
      LTCI_DATA_KEY="bench-data-key-$(head -c 24 /dev/urandom | base64)" ;;
  *) echo "DATABASE is sqlite or postgres" >&2; exit 2 ;;
esac

# Seed the demo region (five insured persons), then stop serving.
"$bin" demo >"$work/demo.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do grep -q "API docs" "$work/demo.log" && break; sleep 0.5; done
grep -q "API docs" "$work/demo.log" || { cat "$work/demo.log"; exit 1; }
kill "$server"; wait "$server" 2>/dev/null || true

# The demo persons' ID numbers (first 17 characters; check characters computed here).
ids=$(awk 'BEGIN {
  split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " "); c = "10X98765432"
  n = split("37020219380512002 37020219411103003 37028119450220004 37020319360918005 37028519500707006", f, " ")
  for (i = 1; i <= n; i++) { s = 0; for (j = 1; j <= 17; j++) s += substr(f[i], j, 1) * w[j]
    printf "%s%s ", f[i], substr(c, s % 11 + 1, 1) } }')
gen() { # lines prefix
  awk -v n="$1" -v p="$2" -v ids="$ids" 'BEGIN { split(ids, id, " ")
    print "reference,id_number,period,scheme,source,amount"
    for (i = 0; i < n; i++) printf "%s-%07d,%s,2026-%02d,resident,individual,%d.%02d\n", p, i, id[i % 5 + 1], i % 10 + 1, i % 97 + 1, i % 100 }'
}
gen 10000 BASE >"$work/base.csv"
gen 100000 BIG >"$work/big.csv"

run() { # label file → prints "label seconds peak-kB cpu-seconds"
  /usr/bin/time -f "%e %M %U %S" -o "$work/time" "$bin" "${@:2}" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  read -r secs kb user sys <"$work/time"; echo "$1 $secs $kb $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"
}
base=$(run baseline import contributions "$work/base.csv" --as admin)
big=$(run large import contributions "$work/big.csv" --as admin)
again=$(run repeat import contributions "$work/big.csv" --as admin)
check=$(run check ledger-check)

echo "profile: $profile, database: $database${LTCI_DATABASE_URL:+ (PGSSLMODE=${PGSSLMODE:-prefer})}"
for r in "$base" "$big" "$again" "$check"; do
  set -- $r
  case "$1" in baseline) n=10000 ;; large|repeat) n=100000 ;; check) n=110000 ;; esac
  awk -v l="$1" -v s="$2" -v k="$3" -v c="$4" -v n="$n" 'BEGIN { printf "%-9s %8.2f s  %9.0f lines/s  peak %6.1f MB  cpu %6.2f s\n", l, s, n / (s > 0 ? s : 0.001), k / 1024, c }'
done
set -- $base; b=$2; set -- $big
awk -v b="$b" -v s="$2" 'BEGIN { printf "ratio large / (10 × baseline): %.2f\n", s / (10 * (b > 0 ? b : 0.001)) }'
