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

grow_schedule

header_row
measure /healthz plain "trivial route"
for path in /events/hitmc/schedule.json /events/hitmc/schedule.xml /events/hitmc/schedule.ics; do
  for mode in plain gzip revalidate; do measure "$path" "$mode" "$sessions sessions"; done
done
measure /events/hitmc/schedule plain "$sessions sessions, HTML"
