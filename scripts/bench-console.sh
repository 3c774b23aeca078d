#!/usr/bin/env bash
# Console render benchmark: the demo server (release build, fresh SQLite database) signed in as
# admin; each main page requested N times in turn. Prints, per page, the server's answer time
# p50 / p95 in ms, the same as a ratio to the floor (GET /healthz, the HTTP round trip with no
# database work, measured in the same run), and the database statements the page ran (read from
# the server's ltci_db_statements_total before and after one request). Run with SCALE=10000 for a
# region of 10,000 beneficiaries built by `ltci-server demo --scale`; compare the statement counts
# of the two runs: a page whose count grows with the data issues queries per row.
#
#   scripts/bench-console.sh                # the demo data
#   SCALE=10000 scripts/bench-console.sh    # a city of 10,000 (building it takes a while)
#   N=50 scripts/bench-console.sh
#   BIN=/tmp/ltci-server-before scripts/bench-console.sh   # another build, for a before/after pair
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${SCALE:-0}" N="${N:-30}"
if [ -z "${BIN:-}" ]; then
  cargo build --release -q -p ltci-server
  BIN="${CARGO_TARGET_DIR:-target}/release/ltci-server"
fi
work=$(mktemp -d)
port=18281
args=(demo)
if [ "$SCALE" -gt 0 ]; then args+=(--scale "$SCALE"); fi
"$BIN" --data-dir "$work/data" --bind "127.0.0.1:$port" --log-filter warn "${args[@]}" \
  >"$work/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 7200); do
  curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
  kill -0 $pid 2>/dev/null || { tail -20 "$work/server.log"; exit 1; }
  sleep 0.5
done
BASE="http://127.0.0.1:$port" N="$N" SCALE="$SCALE" python3 - <<'PY'
import http.cookiejar, os, re, statistics, time, urllib.parse, urllib.request

base, n, scale = os.environ["BASE"], int(os.environ["N"]), int(os.environ["SCALE"])
jar = http.cookiejar.CookieJar()
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None
opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)

def fetch(path, data=None):
    req = urllib.request.Request(base + path, data=data)
    try:
        with opener.open(req) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()

def csrf(html):
    return re.search(r'name="_csrf" value="([^"]+)"', html).group(1)

_, login = fetch("/login")
form = urllib.parse.urlencode({"_csrf": csrf(login), "username": "admin", "password": "demo1234"}).encode()
status, _ = fetch("/login", form)
assert status == 303, f"sign-in answered {status}"

def link(path, pattern):
    _, html = fetch(path)
    m = re.search(pattern, html)
    return m.group(0).strip('"') if m else None

person = link("/persons", r"/persons/[0-9a-f-]{36}")
case = link("/cases", r"/cases/[0-9a-f-]{36}")
institution = link("/institutions", r"/institutions/[0-9a-f-]{36}")
policy = link("/policies", r"/policies/[0-9a-f-]{36}")
_, bills = fetch("/settlements")
bill = link("/settlements", r"/settlements/[0-9a-f-]{36}")
pages = [("/healthz", "floor (GET /healthz)"), ("/", "工作台"), ("/persons", "参保人员"), (person, "a person"),
         ("/cases", "失能评估"), (case, "a case"), ("/institutions", "定点机构"), (institution, "an institution"),
         ("/settlements", "月度结算"), (bill, "a bill (50 lines)"), ("/policies", "待遇政策"), (policy, "a policy"),
         ("/funds", "基金管理"), ("/funds/entries", "记账凭证"), ("/users", "用户管理"), ("/audit", "审计日志")]

def statements():
    _, text = fetch("/metrics")
    m = re.search(r"^ltci_db_statements_total (\d+)", text, re.M)
    return int(m.group(1))

rows = []
for path, label in pages:
    if not path:
        continue
    fetch(path)  # warm
    before = statements()
    status, _ = fetch(path)
    queries = statements() - before
    times = []
    for _ in range(n):
        t = time.perf_counter()
        status, _ = fetch(path)
        times.append((time.perf_counter() - t) * 1000)
        assert status == 200, f"{path} answered {status}"
    times.sort()
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    rows.append((label, path, p50, p95, queries))

floor = rows[0][3] or 0.001
target = 300 if scale >= 10000 else 100
region = f"a region of {scale:,} beneficiaries" if scale else "the demo data"
print(f"console pages on {region}, {n} requests each; target p95 < {target} ms")
print(f"{'page':<24} {'p50 ms':>8} {'p95 ms':>8} {'p95/floor':>10} {'statements':>11}")
worst = 0.0
for label, path, p50, p95, q in rows:
    worst = max(worst, p95) if path != "/healthz" else worst
    print(f"{label:<24} {p50:8.1f} {p95:8.1f} {p95 / floor:10.1f} {q:11d}")
print(f"slowest page p95 {worst:.1f} ms: {'within' if worst < target else 'OVER'} the target of {target} ms")
PY
