#!/usr/bin/env bash
# Ingest benchmark: how many signed webhook deliveries per second `gitops-bridge serve` stores,
# and how fast it answers, with GitHub out of reach (ingest must not need it).
#
#   scripts/bench-ingest.sh                       # wrk -t2 -c64 -d30s, as in BENCHMARKS.md
#   DURATION=10s WORKER_CONCURRENCY=1 scripts/bench-ingest.sh
#   MODE=registry scripts/bench-ingest.sh         # a CNCF distribution source (/api/registries/bench)
#
# It builds Release, starts the service on 127.0.0.1 with throwaway settings in a temporary
# directory (a fresh App key, webhook secret, admin token and database), runs wrk with
# scripts/bench/ingest.lua, checks that every delivery wrk saw acknowledged (2xx) is stored,
# reports bytes stored per delivery, then stops the service and deletes the directory and its
# database. Only loopback traffic; the load is bounded by DURATION and a hard timeout.
#
# Needs: the .NET 10 SDK, wrk, sqlite3, openssl, curl (as root: apt-get install -y wrk sqlite3).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

PORT=${PORT:-5181}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-30s}
WARMUP=${WARMUP:-5s}                         # an unmeasured run first: tiered JIT settles in ~15 s of load
WORKER_CONCURRENCY=${WORKER_CONCURRENCY:-}   # empty: the service's default (4)
LOG_LEVEL=${LOG_LEVEL:-}                     # empty: appsettings.json (Information)
DRAIN_SECONDS=${DRAIN_SECONDS:-0}            # after wrk, watch the worker alone this long
MODE=${MODE:-github}                         # github: signed webhooks; registry: a distribution source with a Bearer token
case "$MODE" in github|registry) ;; *) printf '[bench-ingest] MODE must be github or registry\n' >&2; exit 1 ;; esac

log() { printf '[bench-ingest] %s\n' "$*" >&2; }

for tool in wrk sqlite3 openssl curl dotnet; do
  command -v "$tool" >/dev/null 2>&1 || { log "missing $tool (as root: apt-get install -y wrk sqlite3)"; exit 1; }
done

case "$DURATION" in
  *s) seconds=${DURATION%s} ;;
  *m) seconds=$(( ${DURATION%m} * 60 )) ;;
  *) seconds=$DURATION ;;
esac

log "building Release"
dotnet build src/GitOpsBridge -c Release -v q -nologo -clp:ErrorsOnly >/dev/null
bin="$root/src/GitOpsBridge/bin/Release/net10.0/gitops-bridge"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gitops-bridge-bench.XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# Throwaway settings: nothing here is a real secret, and all of it is deleted on exit.
openssl genrsa -traditional -out "$tmp/app.pem" 2048 2>/dev/null
secret=$(openssl rand -hex 32)
admin=$(openssl rand -hex 24)
db="$tmp/data/bridge.db"
body="$root/scripts/bench/registry_package.json"
signature="sha256=$(openssl dgst -sha256 -hmac "$secret" -hex <"$body" | awk '{print $NF}')"
run_id=$(date +%s)
token=$(openssl rand -hex 32)
# The ids the bench's deliveries are stored under: GitHub's delivery header, or "{source}:{event id}".
id_prefix="bench-$run_id-"
bench_source=""
if [ "$MODE" = registry ]; then
  body="$root/scripts/bench/distribution_push.json"
  id_prefix="bench:bench-$run_id-"
  bench_source=bench
fi

log "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load average $(cut -d' ' -f1-3 /proc/loadavg)"
log "mode: $MODE; body: $(wc -c <"$body") bytes; wrk -t$THREADS -c$CONNECTIONS -d$DURATION; Worker__Concurrency=${WORKER_CONCURRENCY:-default}"

env GitHub__AppId=1 \
    GitHub__PrivateKey="$(cat "$tmp/app.pem")" \
    GitHub__WebhookSecret="$secret" \
    GitHub__ApiUrl=http://127.0.0.1:9 \
    Admin__Token="$admin" \
    Sources__bench__Kind=distribution \
    Sources__bench__Secret="$token" \
    Sources__bench__Owners__0=acme \
    Storage__Path="$db" \
    ${WORKER_CONCURRENCY:+Worker__Concurrency=$WORKER_CONCURRENCY} \
    ${LOG_LEVEL:+Logging__LogLevel__Default=$LOG_LEVEL} \
    ASPNETCORE_ENVIRONMENT=Production \
    "$bin" serve --urls "http://127.0.0.1:$PORT" >"$tmp/server.log" 2>&1 &
server_pid=$!

for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { log "the service exited:"; cat "$tmp/server.log" >&2; exit 1; }
  sleep 0.2
done

# One request by hand first: a wrong secret or route would otherwise make 30 s of 401s.
if [ "$MODE" = registry ]; then
  check=$(sed "s/__ID__/check-$run_id/" "$body" | curl -sS -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/api/registries/bench" \
    -H 'Content-Type: application/vnd.docker.distribution.events.v1+json' -H "Authorization: Bearer $token" --data-binary @-)
else
  check=$(curl -sS -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$PORT/api/github/webhooks" \
    -H 'Content-Type: application/json' -H 'X-GitHub-Event: registry_package' \
    -H "X-GitHub-Delivery: check-$run_id" -H "X-Hub-Signature-256: $signature" --data-binary @"$body")
fi
[ "$check" = 202 ] || { log "a signed delivery got HTTP $check, not 202"; exit 1; }
sleep 2   # let the start-up GitHub calls fail and the check delivery settle

# Warm-up: the same load, not measured (its deliveries are stored under another prefix and not
# counted). Without it the first seconds are spent in the JIT's tier-up.
if [ "$WARMUP" != 0 ] && [ "$WARMUP" != 0s ]; then
  log "warming up for $WARMUP (not measured)"
  BENCH_BODY_FILE="$body" BENCH_SIGNATURE="$signature" BENCH_SOURCE="$bench_source" BENCH_TOKEN="$token" BENCH_RUN_ID="warmup$run_id" BENCH_ACKED_FILE="$tmp/warmup-acked.txt" \
    timeout 120 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s scripts/bench/ingest.lua "http://127.0.0.1:$PORT" >/dev/null
fi

# CPU accounting, so a figure taken on a busy machine can still be read: the server's own CPU
# time per delivery does not depend on what else runs.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }            # utime + stime, in clock ticks
busy_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9; exit}' /proc/stat; }
all_ticks() { awk '/^cpu /{print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit}' /proc/stat; }
hz=$(getconf CLK_TCK)
server_before=$(cpu_ticks "$server_pid"); busy_before=$(busy_ticks); all_before=$(all_ticks)

log "running wrk"
BENCH_BODY_FILE="$body" BENCH_SIGNATURE="$signature" BENCH_SOURCE="$bench_source" BENCH_TOKEN="$token" BENCH_RUN_ID="$run_id" BENCH_ACKED_FILE="$tmp/acked.txt" \
  timeout $(( seconds + 60 )) wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
  -s scripts/bench/ingest.lua "http://127.0.0.1:$PORT" | tee "$tmp/wrk.txt"

server_cpu=$(( $(cpu_ticks "$server_pid") - server_before )); busy=$(( $(busy_ticks) - busy_before )); all=$(( $(all_ticks) - all_before ))

# The background worker keeps processing what was stored; show how far behind ingest it is.
q() { sqlite3 -readonly "$db" "$1"; }
log "right after wrk: jobs waiting $(q 'SELECT COUNT(*) FROM jobs;'), deliveries by status: $(q "SELECT group_concat(status || '=' || n, ' ') FROM (SELECT status, COUNT(*) AS n FROM deliveries WHERE id LIKE '$id_prefix%' GROUP BY status);")"

if [ "$DRAIN_SECONDS" -gt 0 ]; then
  settled() { q "SELECT COUNT(*) FROM deliveries WHERE status <> 'pending';"; }
  before=$(settled); sleep "$DRAIN_SECONDS"; after=$(settled)
  log "worker alone for ${DRAIN_SECONDS}s: $(( (after - before) / DRAIN_SECONDS )) deliveries settled per second"
fi

kill -TERM "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=""

sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
stored=$(q "SELECT COUNT(*) FROM deliveries WHERE id LIKE '$id_prefix%';")
rows=$(q 'SELECT COUNT(*) FROM deliveries;')
acked=$(wc -l <"$tmp/acked.txt")
lost=$(sqlite3 "$db" <<SQL
CREATE TEMP TABLE acked (id TEXT PRIMARY KEY);
.mode csv
.import $tmp/acked.txt acked
SELECT COUNT(*) FROM acked WHERE id NOT IN (SELECT id FROM deliveries);
SQL
)
db_bytes=$(stat -c %s "$db")
wal_bytes=$(stat -c %s "$db-wal" 2>/dev/null || echo 0)
table_bytes=$(q "SELECT SUM(pgsize) FROM dbstat WHERE name IN ('deliveries', 'sqlite_autoindex_deliveries_1', 'deliveries_received_at');")
errors=$(grep -c -E '^(fail|crit)' "$tmp/server.log" || true)

log "stored $stored bench deliveries; wrk acknowledged (2xx) $acked; acknowledged but not stored: $lost"
log "stored but not acknowledged (in flight when wrk stopped, or timed out): $(( stored - acked + lost ))"
log "file: db $db_bytes + wal $wal_bytes bytes for $rows deliveries = $(( (db_bytes + wal_bytes) / rows )) bytes per delivery (after a checkpoint)"
log "deliveries table and its indexes: $table_bytes bytes = $(( table_bytes / rows )) bytes per delivery"
log "after shutdown: deliveries by status: $(q "SELECT group_concat(status || '/' || COALESCE(reason_code, '-') || '=' || n, ' ') FROM (SELECT status, reason_code, COUNT(*) AS n FROM deliveries GROUP BY status, reason_code);"); jobs left $(q 'SELECT COUNT(*) FROM jobs;')"
log "cpu during wrk: server $(awk -v t="$server_cpu" -v hz="$hz" 'BEGIN{printf "%.1f", t/hz}') s ($(awk -v t="$server_cpu" -v hz="$hz" -v n="$stored" 'BEGIN{printf "%.0f", t/hz*1e6/n}') us per stored delivery, worker included); machine busy $(( 100 * busy / all ))%, of which the server $(( 100 * server_cpu / all ))% (the rest: wrk and anything else running)"
log "server log: $(wc -l <"$tmp/server.log") lines, $errors fail/crit entries"
log "deleting $tmp (database included)"
[ "$lost" = 0 ] || { log "LOST $lost acknowledged deliveries"; exit 2; }
