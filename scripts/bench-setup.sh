# Sourced by the benchmark scripts (not run on its own): builds the release server, makes a
# scratch directory ($work) and drops the scratch databases named in $databases on exit, and sets
# the server's environment for a run. Sets $bin, $pg, $work. BIN=path runs another build (a
# "before" figure) instead of building this checkout.
if [ -z "${BIN:-}" ]; then
  cargo build --release -q -p ltci-server
fi
bin="${BIN:-target/release/ltci-server}"
pg="${PGURL:-postgres://postgres@127.0.0.1:5432}"
work="$(mktemp -d)"
cleanup() {
  rm -rf "$work"
  for d in $databases; do
    psql -q "$pg/postgres" -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT
export LTCI_LOG=warn LTCI_BIND=127.0.0.1:0 \
  LTCI_JWT_SECRET="bench-jwt-secret-$(head -c 24 /dev/urandom | base64)" \
  LTCI_DATA_KEY="bench-data-key-$(head -c 24 /dev/urandom | base64)"
