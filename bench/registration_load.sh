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
trap 'kill "${servers[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
servers=()

# BENCH_INSTANCES=2 runs two `tribe serve` on the one database, each sent
# half of the load by its own wrk (one thread, 16 connections each).
instances="${BENCH_INSTANCES:-1}"

run() {
  local label=$1 url=$2
  export TRIBE_DATABASE_URL="$url" ROCKET_PROFILE=release ROCKET_ADDRESS=127.0.0.1
  export ROCKET_SECRET_KEY="$(head -c 32 /dev/urandom | base64)" TRIBE_KEY_ENCRYPTION_KEY="$(head -c 32 /dev/urandom | base64)" TRIBE_LOG=warn TRIBE_OUTBOX_DIR="$work/outbox-$label" TRIBE_LOGIN_MAX_PER_IP=1000000
  local ticket
  ticket=$($bin/examples/registration_seed --users "${BENCH_USERS:-40000}" --capacity "${BENCH_CAPACITY:-30000}" --tokens "$work/tokens.txt")
  servers=()
  for i in $(seq 0 $((instances - 1))); do
    ROCKET_PORT=$((port + i)) $bin/tribe serve >"$work/serve-$label-$i.log" 2>&1 &
    servers+=($!)
  done
  for i in $(seq 0 $((instances - 1))); do
    for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$((port + i))/healthz" >/dev/null && break; sleep 0.2; done
  done
  if [ "$instances" = 1 ]; then
    TOKENS="$work/tokens.txt" TICKET=$ticket STRIDE=2 wrk -t2 -c32 -d"${seconds}s" --latency -s bench/register.lua "http://127.0.0.1:$port" > "$work/wrk-0"
  else
    local loads=()
    for i in $(seq 0 $((instances - 1))); do
      TOKENS="$work/tokens.txt" TICKET=$ticket STRIDE=$instances FIRST=$i \
        wrk -t1 -c$((32 / instances)) -d"${seconds}s" --latency -s bench/register.lua "http://127.0.0.1:$((port + i))" > "$work/wrk-$i" &
      loads+=($!)
    done
    wait "${loads[@]}"
  fi
  for pid in "${servers[@]}"; do kill "$pid"; wait "$pid" 2>/dev/null || true; done
  local rps p50 p99 counts
  counts=$($bin/examples/registration_seed --check)
  rps=$(cat "$work"/wrk-* | awk '/Requests\/sec/ {sum += $2} END {printf "%.2f", sum}')
  p50=$(cat "$work"/wrk-* | awk '$1 == "50%" {print $2}' | paste -sd/)
  p99=$(cat "$work"/wrk-* | awk '$1 == "99%" {print $2}' | paste -sd/)
  echo "| $label, $instances instance(s) | $rps | $p50 | $p99 | $counts |"
  cat "$work"/wrk-* | grep -E "requests in|Non-2xx" | sed 's/^/    /' >&2
  rm -f "$work"/wrk-*
}

echo "| database | registrations/s | p50 | p99 | after the run |"
echo "|---|---|---|---|---|"
run sqlite "sqlite:$work/bench.db"
if [ -n "${TRIBE_BENCH_POSTGRES_URL:-}" ]; then run postgresql "$TRIBE_BENCH_POSTGRES_URL"; fi
