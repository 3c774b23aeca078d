#!/usr/bin/env bash
# Console render benchmark: the demo server (release build, fresh SQLite database) signed in as
# admin, then as the staff of an agency and of a nursing home (the demo's inst1 and inst2; with
# SCALE, the city's largest, 1,000 beneficiaries each); each main page requested N times in turn. Prints, per page, the server's answer time
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
BASE="http://127.0.0.1:$port" N="$N" SCALE="$SCALE" LOG="$work/server.log" python3 - <<'PY'
import datetime, http.cookiejar, os, re, statistics, time, urllib.parse, urllib.request

base, n, scale = os.environ["BASE"], int(os.environ["N"]), int(os.environ["SCALE"])
class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *a, **k):
        return None

def session():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect)

opener = session()

def fetch(path, data=None):
    req = urllib.request.Request(base + path, data=data)
    try:
        with opener.open(req) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()

def csrf(html):
    return re.search(r'name="_csrf" value="([^"]+)"', html).group(1)

def sign_in(username):
    global opener
    opener = session()
    _, login = fetch("/login")
    form = urllib.parse.urlencode({"_csrf": csrf(login), "username": username, "password": "demo1234"}).encode()
    status, _ = fetch("/login", form)
    assert status == 303, f"{username}: sign-in answered {status}"

sign_in("admin")

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

def measure(pages):
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
    return rows

rows = measure(pages)

# The institution's side: an agency's day (the exception queue first) and a nursing home's
# charges grid, this month's and last month's. With SCALE, the city's largest of each (their
# logins printed by the generator); otherwise the demo's inst1 and inst2.
logins = re.findall(r"\b\d{6}-jg\d{5}\b", open(os.environ["LOG"], encoding="utf-8").read()) if scale else []
agency, home = (logins[1], logins[0]) if len(logins) >= 2 else ("inst1", "inst2")
def served():
    _, html = fetch("/beneficiaries")
    m = re.search(r"(?:共|of) ([\d,]+)", html)
    return m.group(1) if m else "?"
last_month = (datetime.date.today().replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
sign_in(agency)
agency_served = served()
rows += measure([("/", f"工作台 ({agency})"), ("/visits/exceptions", "异常处理 (queue)"),
                 ("/visits/exceptions?kind=missed_check_in", "异常处理: 漏签到"), ("/visits", "上门服务 (today)"),
                 ("/caregivers", "护理人员"), ("/beneficiaries", "服务对象")])
sign_in(home)
home_served = served()
rows += measure([("/", f"工作台 ({home})"), ("/stays", "床位与费用"), ("/stays/charges", "每日费用 (this month)"),
                 (f"/stays/charges?month={last_month}", "每日费用 (last month)"), ("/settlements", "月度结算 (inst)")])
print(f"institutions measured: {agency} serving {agency_served}, {home} serving {home_served}")

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
