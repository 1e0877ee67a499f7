#!/usr/bin/env bash
# Sustained free registrations per second through the API, on SQLite (and
# PostgreSQL when TRIBE_BENCH_POSTGRES_URL names an empty database), then a
# count of seats against confirmed registrations to show nothing oversold.
#
#   bash bench/registration_load.sh [seconds, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
# TRIBE_BENCH_PROFILE=debug: CI's smoke run on the binaries `cargo test` built.
profile="${TRIBE_BENCH_PROFILE:-release}"
bin="target/$profile"
if [ "$profile" = release ]; then cargo build --release -q --bin tribe --example registration_seed; fi
port=8090
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT

run() {
  local label=$1 url=$2
  export TRIBE_DATABASE_URL="$url" ROCKET_PROFILE=release ROCKET_ADDRESS=127.0.0.1 ROCKET_PORT=$port
  export ROCKET_SECRET_KEY="$(head -c 32 /dev/urandom | base64)" TRIBE_KEY_ENCRYPTION_KEY="$(head -c 32 /dev/urandom | base64)" TRIBE_LOG=warn TRIBE_OUTBOX_DIR="$work/outbox-$label" TRIBE_LOGIN_MAX_PER_IP=1000000
  local ticket
  ticket=$($bin/examples/registration_seed --users "${BENCH_USERS:-40000}" --capacity "${BENCH_CAPACITY:-30000}" --tokens "$work/tokens.txt")
  $bin/tribe serve >"$work/serve-$label.log" 2>&1 &
  server=$!
  for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  local result
  result=$(TOKENS="$work/tokens.txt" TICKET=$ticket THREADS=2 wrk -t2 -c32 -d"${seconds}s" --latency -s bench/register.lua "http://127.0.0.1:$port")
  kill $server; wait $server 2>/dev/null || true
  local rps p50 p99 counts
  counts=$($bin/examples/registration_seed --check)
  rps=$(echo "$result" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$result" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$result" | awk '$1 == "99%" {print $2}')
  echo "| $label | $rps | $p50 | $p99 | $counts |"
  echo "$result" | grep -E "requests in|Non-2xx" | sed 's/^/    /' >&2
}

echo "| database | registrations/s | p50 | p99 | after the run |"
echo "|---|---|---|---|---|"
run sqlite "sqlite:$work/bench.db"
if [ -n "${TRIBE_BENCH_POSTGRES_URL:-}" ]; then run postgresql "$TRIBE_BENCH_POSTGRES_URL"; fi
