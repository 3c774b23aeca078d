#!/usr/bin/env bash
# Fuzzes the API from its own OpenAPI document with schemathesis (docs/api.md): a fresh demo
# server on SQLite, then every operation called with generated and boundary inputs as each of the
# demo's roles that do their work through the API (the agency officer, the institution's staff, an
# assessor, a caregiver). Passes when no answer is a server error and every answer matches its
# documented schema and status codes. Schemathesis comes from PyPI into target/schemathesis (a
# pinned version); nothing else is installed.
#
#   scripts/schemathesis.sh                 # 25 examples per operation and role
#   EXAMPLES=100 ROLES="admin" scripts/schemathesis.sh
#   SEED=7 scripts/schemathesis.sh          # another seed (default: a fixed one, to compare runs)
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.32.5
venv=target/schemathesis
examples="${EXAMPLES:-25}"
roles="${ROLES:-admin inst1 assessor1 carer1}"
seed="${SEED:-20261201}"

if [ ! -x "$venv/bin/st" ] || [ "$("$venv/bin/st" --version 2>/dev/null)" != "st, version $version" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$version"
fi
cargo build -q -p ltci-server
bin=target/debug/ltci-server

work="$(mktemp -d)"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
# The tokens must outlive the run; the fuzzer's own failed logins must not lock the demo's users.
export LTCI_DATA_DIR="$work/data" LTCI_LOG=warn LTCI_BIND=127.0.0.1:0 \
  LTCI_ACCESS_TOKEN_TTL_SECS=86400 LTCI_LOGIN_MAX_FAILURES=1000000
"$bin" demo >"$work/server.out" 2>"$work/server.err" &
server=$!
# The server prints the address it bound once it listens.
for _ in $(seq 1 3000); do
  base=$(grep -ho 'http://127\.0\.0\.1:[0-9]*' "$work/server.out" 2>/dev/null | head -1) || true
  [ -n "$base" ] && curl -sf "$base/healthz" >/dev/null 2>&1 && break
  kill -0 "$server" 2>/dev/null || { cat "$work/server.err"; exit 1; }
  sleep 0.1
done
[ -n "$base" ] || { echo "the server did not start" >&2; cat "$work/server.err"; exit 1; }
echo "demo server at $base; schemathesis $version, $examples examples per operation, seed $seed"

status=0
for role in $roles; do
  token=$(curl -sf "$base/api/v1/auth/login" -H 'content-type: application/json' \
    -d "{\"username\":\"$role\",\"password\":\"demo1234\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])')
  echo
  echo "== as $role"
  # Logging out would end the session the run is using; everything else is fair game.
  # From its own directory: schemathesis keeps a cache of what it found where it runs.
  (cd "$venv" && bin/st run "$base/api/v1/openapi.json" --url "$base" \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --exclude-path /api/v1/auth/logout \
    --phases examples,coverage,fuzzing --max-examples "$examples" --seed "$seed" \
    --workers 2 --request-timeout 30 --no-color) || status=1
done
if grep -q 'panicked' "$work/server.err"; then
  echo "the server panicked:" >&2
  grep -A3 'panicked' "$work/server.err" >&2
  status=1
fi
exit $status
