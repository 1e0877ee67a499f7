#!/usr/bin/env bash
# Load test of the schedule exports (issue: events, sessions and schedules).
# A release build on a fresh SQLite database with the demo plus generated
# sessions (400 in the `hitmc` conference), then wrk against a trivial route
# and each export. Prints one Markdown row per route for bench/RESULTS.md.
#
#   bash bench/schedule_load.sh [seconds per route, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }

cargo build --release -q
work=$(mktemp -d)
port=8089
export TRIBE_DATABASE_URL="sqlite:$work/bench.db" ROCKET_PROFILE=release ROCKET_ADDRESS=127.0.0.1 ROCKET_PORT=$port
export ROCKET_SECRET_KEY="$(head -c 32 /dev/urandom | base64)" TRIBE_LOG=warn TRIBE_BASE_URL="http://127.0.0.1:$port"
target/release/tribe demo >/dev/null
target/release/tribe serve 2>"$work/serve.log" &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

# The conference's first day, from its own export; 337 more sessions make 400.
first_day=$(curl -sf "http://127.0.0.1:$port/events/hitmc/schedule.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["schedule"]["conference"]["start"])')
python3 bench/make_frab.py 337 "$first_day" > "$work/extra.xml"
target/release/tribe import frab "$work/extra.xml" --event hitmc >/dev/null
sessions=$(curl -sf "http://127.0.0.1:$port/api/events/hitmc/sessions" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')

echo "| route | requests/s | p50 | p99 | notes |"
echo "|---|---|---|---|---|"
# One row: route, how it was asked (plain, gzip, or revalidation with the ETag).
measure() {
  local path=$1 mode=$2 header=()
  case "$mode" in
    gzip) header=(-H "Accept-Encoding: gzip") ;;
    revalidate) header=(-H "If-None-Match: $(curl -sfI "http://127.0.0.1:$port$path" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')") ;;
  esac
  curl -sf -o /dev/null "http://127.0.0.1:$port$path"  # warm the per-revision cache
  local result rps p50 p99 bytes
  result=$(wrk -t2 -c32 -d"${seconds}s" --latency "${header[@]}" "http://127.0.0.1:$port$path")
  rps=$(echo "$result" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$result" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$result" | awk '$1 == "99%" {print $2}')
  bytes=$(curl -s "${header[@]}" "http://127.0.0.1:$port$path" | wc -c)
  echo "| $path ($mode) | $rps | $p50 | $p99 | $sessions sessions, $bytes bytes per answer |"
}

measure /healthz plain
for path in /events/hitmc/schedule.json /events/hitmc/schedule.xml; do
  for mode in plain gzip revalidate; do measure "$path" "$mode"; done
done
measure /events/hitmc/schedule plain
