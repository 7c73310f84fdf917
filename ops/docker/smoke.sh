#!/usr/bin/env bash
# End-to-end check of the compose stack: builds and starts it under its own project name, produces tasks, and checks
#   1. every task ends in a result or a dead letter (the services' counters, read through Prometheus),
#   2. Prometheus scrapes every service replica (each target up) and evaluates its rules without error,
#   3. the cluster-wide admin view, asked at any replica, holds every replica's rows and names no unreachable
#      instance and no missing partition,
#   4. every query of the Grafana dashboard answers from the live scrape of the replicas, without NaN but where a
#      ratio or quantile has no events to divide (0/0),
# then tears the stack down (--keep leaves it running). --three-brokers runs it on three Kafka nodes
# (ops/docker/three-brokers.yml). Needs docker, docker-compose (v1.29 or v2), curl and python3; the base images must
# exist or be pullable (without a registry: ops/docker/make-local-base-images.sh).
#   ops/docker/smoke.sh [--replicas N] [--tasks N] [--three-brokers] [--keep]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
REPLICAS=2
TASKS=60
KEEP=false
FILES=(-f "$ROOT/docker-compose.yml")
while [[ $# -gt 0 ]]; do
  case "$1" in
    --replicas) REPLICAS="$2"; shift 2 ;;
    --tasks) TASKS="$2"; shift 2 ;;
    --keep) KEEP=true; shift ;;
    --three-brokers) FILES+=(-f "$ROOT/ops/docker/three-brokers.yml"); shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown option $1 (allowed: --replicas N, --tasks N, --three-brokers, --keep)" >&2; exit 2 ;;
  esac
done
if docker compose version >/dev/null 2>&1; then COMPOSE=(docker compose); else COMPOSE=(docker-compose); fi
COMPOSE+=(--project-name marketprism-smoke --project-directory "$ROOT" "${FILES[@]}")
PROMETHEUS=http://127.0.0.1:9090

step() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }
teardown() {
  if $KEEP; then
    step "left running: ${COMPOSE[*]} down -v"
  else
    "${COMPOSE[@]}" down -v >/dev/null 2>&1 || true
  fi
}
trap teardown EXIT

# Waits up to $1 seconds for the command after it to succeed.
await() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    (( SECONDS < deadline )) || return 1
    sleep 2
  done
}
prom() { curl -fsS --get "$PROMETHEUS/api/v1/query" --data-urlencode "query=$1"; }
scalar() { prom "$1" | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(int(float(r[0]["value"][1])) if r else 0)'; }
replicas() { "${COMPOSE[@]}" ps -q service; }
healthy() {
  local ids; ids="$(replicas)"
  [[ $(wc -w <<<"$ids") -eq $REPLICAS ]] || return 1
  for id in $ids; do
    [[ "$(docker inspect -f '{{.State.Health.Status}}' "$id")" == healthy ]] || return 1
  done
}

step "building and starting the stack ($REPLICAS service replicas)"
"${COMPOSE[@]}" up -d --build --scale "service=$REPLICAS" >/dev/null
await 240 healthy || fail "service replicas not healthy within 240 s: $("${COMPOSE[@]}" ps)"
step "every replica ready"

# The simulator is strict (documented hosts, parameters and limits): a few tasks name a symbol the exchange does not
# list, so dead letters show on the dashboard too (non-retryable).
INVALID=5
step "producing $TASKS tasks and $INVALID with an unknown symbol"
produce() { "${COMPOSE[@]}" run --rm --no-deps service produce -b kafka:19092 --format json "$@" 2>/dev/null | sed 's/^/  /'; }
produce --count "$TASKS" --rate 20 --seed 7
produce --count "$INVALID" --exchanges binance --symbols binance=INVALID1 --id-prefix invalid
RESULTS='sum(marketprism_results_total) or vector(0)'
DEAD='sum(marketprism_dead_letters_total) or vector(0)'
all_terminal() { (( $(scalar "$RESULTS") + $(scalar "$DEAD") >= TASKS + INVALID )); }
await 180 all_terminal || fail "only $(scalar "$RESULTS") results and $(scalar "$DEAD") dead letters of $((TASKS + INVALID)) tasks within 180 s"
step "1. terminal records: $(scalar "$RESULTS") results, $(scalar "$DEAD") dead letters, $(scalar 'sum(marketprism_retries_total) or vector(0)') retries"

targets="$(curl -fsS "$PROMETHEUS/api/v1/targets" | python3 -c '
import json, sys
targets = [t for t in json.load(sys.stdin)["data"]["activeTargets"] if t["labels"]["job"] == "marketprism"]
print(" ".join(t["labels"]["instance"] + "=" + t["health"] for t in sorted(targets, key=lambda t: t["labels"]["instance"])))')"
up=$(grep -o '=up' <<<"$targets" | wc -l)
[[ $up -eq $REPLICAS ]] || fail "Prometheus targets: $targets (want $REPLICAS up)"
step "2. Prometheus targets: $targets"
rules="$(curl -fsS "$PROMETHEUS/api/v1/rules" | python3 -c '
import json, sys
rules = [r for g in json.load(sys.stdin)["data"]["groups"] for r in g["rules"]]
bad = [r["name"] + ": " + r.get("lastError", "") for r in rules if r.get("health") == "err"]
print("%d rules loaded, %d failing%s" % (len(rules), len(bad), "".join("\n  " + b for b in bad)))')"
[[ $rules == *", 0 failing" ]] || fail "Prometheus rules: $rules"
step "2. Prometheus rules: $rules"

for listing in breakers endpoints; do
  views=()
  for id in $(replicas); do
    views+=("$(docker exec "$id" /app/bin/run.sh http-get 8080 "/admin/$listing?local=true")")
  done
  ids="$(replicas)"
  first="${ids%%$'\n'*}"
  cluster="$(docker exec "$first" /app/bin/run.sh http-get 8080 "/admin/$listing")"
  verdict="$(python3 - "$cluster" "${views[@]}" <<'PYTHON'
import json, sys
cluster, *local = [json.loads(arg) for arg in sys.argv[1:]]
# Rows carry counters that may move between the reads: compare whose rows and of what, not their values.
key = lambda item: (item["instance"], item["exchange"], item["endpoint"])
got = sorted(map(key, cluster["items"]))
wanted = sorted(key(item) for view in local for item in view["items"])
problems = cluster["unreachable"] + cluster["problems"]
if got != wanted or problems:
    print("MISMATCH cluster=%s local=%s unreachable+problems=%s" % (got, wanted, problems))
else:
    print("%d rows, per replica %s, unreachable [], problems []" % (len(got),
          " + ".join(str(len(view["items"])) for view in local)))
PYTHON
)"
  [[ $verdict != MISMATCH* ]] || fail "/admin/$listing: $verdict"
  step "3. /admin/$listing asked at one replica: $verdict"
done

# One line per dashboard query: panel title, tab, the query with Grafana's interval variables replaced.
# shellcheck disable=SC2016  # the $__ names are Grafana's, replaced by python, not shell variables
dashboard_queries() {
  python3 -c '
import json, sys
for panel in json.load(open(sys.argv[1]))["panels"]:
    for target in panel.get("targets", []):
        print(panel["title"] + "\t" + target["expr"].replace("$__rate_interval", "1m").replace("$__interval", "15s"))
' "$ROOT/ops/docker/grafana/dashboards/marketprism.json"
}
bad=0
while IFS=$'\t' read -r title expr; do
  answer="$(prom "$expr" | python3 -c '
import json, math, sys
values = [float(r["value"][1]) for r in json.load(sys.stdin)["data"]["result"]]
print("%d series%s" % (len(values), ", NaN" if any(math.isnan(v) for v in values) else ""))')"
  # A ratio or quantile over no events (0/0) is NaN by definition, and Grafana shows it as no value. Any other NaN
  # is a defect, such as a sum that takes in the NaN gauges of domains another instance owns.
  if [[ $answer == *NaN* ]]; then
    if [[ $expr == *" / "* || $expr == *histogram_quantile* ]]; then answer="${answer/NaN/NaN: no events}"; else bad=$((bad + 1)); fi
  fi
  printf '  %-40s %-10s %s\n' "$title" "$answer" "$expr"
done < <(dashboard_queries)
[[ $bad -eq 0 ]] || fail "$bad dashboard queries answered NaN with events to count"
step "4. every dashboard query answers, NaN only where there were no events"
step "smoke test passed"
