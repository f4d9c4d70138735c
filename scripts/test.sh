#!/usr/bin/env bash
# Runs the whole test suite on a fresh Debian machine that has the .NET 10 SDK, git and Node.
# It installs the real peers the tests use when they are missing (as root, from Debian's
# packages; npm packages into .cache/npm), runs `dotnet test GitOpsBridge.sln`, and ends with
# one line: "N passed, N failed[, N skipped]".
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[test.sh] %s\n' "$*" >&2; }

# --- Debian peers -------------------------------------------------------------------------
missing=()
command -v git >/dev/null 2>&1 || missing+=(git)
# A real OCI registry (CNCF distribution) and skopeo to push to it, for the registry tests.
command -v docker-registry >/dev/null 2>&1 || missing+=(docker-registry)
command -v skopeo >/dev/null 2>&1 || missing+=(skopeo)
for extra in ${TEST_APT_PACKAGES:-}; do dpkg -s "$extra" >/dev/null 2>&1 || missing+=("$extra"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
      || log "could not install ${missing[*]}; the tests that need them will fail or skip"
  else
    log "missing ${missing[*]} and not root: install them, or the tests that need them fail or skip"
  fi
fi

# --- Chromium, for the dashboard's browser test (Playwright drives Debian's build; no playwright install) ---
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    log "installing chromium"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
      || log "could not install chromium; the browser test fails under CI and is skipped elsewhere"
  else
    log "chromium is missing and this is not root: the browser test fails under CI and is skipped elsewhere"
  fi
fi

# --- kustomize v5 (ships inside kubectl >= 1.27; Debian's kubernetes-client has v2) -----------
if command -v kubectl >/dev/null 2>&1 && kubectl version --client 2>/dev/null | grep -Eq 'Kustomize Version: v([5-9]|[1-9][0-9])\.'; then
  export GITOPS_BRIDGE_KUSTOMIZE="kubectl"
elif command -v kustomize >/dev/null 2>&1 && kustomize version 2>/dev/null | grep -Eq '^v?([5-9]|[1-9][0-9])\.'; then
  export GITOPS_BRIDGE_KUSTOMIZE="kustomize"
else
  export GITOPS_BRIDGE_KUSTOMIZE=""
  log "kustomize v5 or newer not found (kubectl >= 1.27 ships it); the rendering tests are reported as skipped"
fi

# --- npm packages the tests read (GitHub's OpenAPI description, webhook examples) ----------
if [ -x scripts/install-npm-deps.sh ]; then
  scripts/install-npm-deps.sh || log "npm packages could not be installed; the tests that need them will fail"
fi

# --- PostgreSQL: a throwaway cluster for the PostgreSQL store and scale-out tests -----------
# Debian's postgresql, a fresh cluster in a temp dir on a free loopback port, trust auth for
# 127.0.0.1 only, fsync off; stopped and deleted on exit. The tests read the admin connection
# string from GITOPS_BRIDGE_TEST_POSTGRES (set it yourself to use another server) and make a
# database per test class. initdb refuses root, so as root the cluster runs as user postgres.
if [ -z "${GITOPS_BRIDGE_TEST_POSTGRES:-}" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$pg_bin" ] && [ "$(id -u)" = 0 ]; then
    log "installing postgresql"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null \
      || log "could not install postgresql"
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  fi
  if [ -n "$pg_bin" ]; then
    pg_started=$(date +%s%N)
    pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/gitops-bridge-pg-XXXXXX")
    mkdir -p "$pg_dir/socket"
    pg_as=()
    if [ "$(id -u)" = 0 ]; then
      chown -R postgres:postgres "$pg_dir"
      pg_as=(runuser -u postgres --)
    fi
    pg_port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})')
    pg_stop() { "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1; rm -rf "$pg_dir"; }
    if "${pg_as[@]}" "$pg_bin/initdb" -D "$pg_dir/data" --locale=C.UTF-8 --username=postgres --auth-local=trust --auth-host=trust >"$pg_dir/initdb.log" 2>&1 \
      && "${pg_as[@]}" "$pg_bin/pg_ctl" -D "$pg_dir/data" -w -l "$pg_dir/server.log" \
           -o "-p $pg_port -k $pg_dir/socket -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null; then
      # Chain onto whatever exit trap is already set, so other throwaway services are stopped too.
      pg_previous_trap=$(trap -p EXIT | sed -E "s/^trap -- '(.*)' EXIT$/\1/")
      trap "${pg_previous_trap:+$pg_previous_trap; }pg_stop" EXIT
      export GITOPS_BRIDGE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
      log "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port, up in $(( ($(date +%s%N) - pg_started) / 1000000 )) ms"
    else
      log "the PostgreSQL cluster did not start (see below); the PostgreSQL tests will skip, or fail under CI"
      cat "$pg_dir/initdb.log" "$pg_dir/server.log" >&2 2>/dev/null
      pg_stop
    fi
  else
    log "PostgreSQL not found (Debian package postgresql); the PostgreSQL tests will skip, or fail under CI"
  fi
fi

# --- the suite ------------------------------------------------------------------------------
results="$root/.cache/test-results"
rm -rf "$results"
mkdir -p "$results"
# Each test assembly prints one "Passed!/Failed! - Failed: N, Passed: N, Skipped: N" line; sum them.
dotnet test GitOpsBridge.sln --logger "console;verbosity=minimal" --results-directory "$results" "$@" 2>&1 | tee "$results/console.log"
status=${PIPESTATUS[0]}

summary=$(node -e '
const text = require("fs").readFileSync(process.argv[1], "utf8");
let passed = 0, failed = 0, skipped = 0, files = 0;
for (const m of text.matchAll(/(?:Passed|Failed)!\s+-\s+Failed:\s+(\d+),\s+Passed:\s+(\d+),\s+Skipped:\s+(\d+)/g)) {
  files++; failed += +m[1]; passed += +m[2]; skipped += +m[3];
}
process.stdout.write(`${files} ${passed} ${failed} ${skipped}`);
' "$results/console.log")
read -r files passed failed skipped <<<"$summary"
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or a test host failed before any test could report: count it as a failure.
  failed=1
fi
line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
