#!/usr/bin/env bash
# Load test of the schedule exports: the demo conference `hitmc` grown to 400
# sessions (a generated frab import), wrk against a trivial route and each
# export. Prints Markdown rows for bench/RESULTS.md.
#
#   bash bench/schedule_load.sh [seconds per route, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
source bench/lib.sh
start_server

# The conference's first day, from its own export; 337 more sessions make 400.
first_day=$(curl -sf "$base/events/hitmc/schedule.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["schedule"]["conference"]["start"])')
python3 bench/make_frab.py 337 "$first_day" > "$work/extra.xml"
$bin/tribe import frab "$work/extra.xml" --event hitmc >/dev/null
sessions=$(curl -sf "$base/api/events/hitmc/sessions" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')

header_row
measure /healthz plain "trivial route"
for path in /events/hitmc/schedule.json /events/hitmc/schedule.xml /events/hitmc/schedule.ics; do
  for mode in plain gzip revalidate; do measure "$path" "$mode" "$sessions sessions"; done
done
measure /events/hitmc/schedule plain "$sessions sessions, HTML"
