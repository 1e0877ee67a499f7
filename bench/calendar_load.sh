#!/usr/bin/env bash
# Load test of the personal calendar feed (an attendee with 40 sessions in
# the agenda) and the conference's schedule.ics, beside a trivial route.
#
#   bash bench/calendar_load.sh [seconds per route, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
source bench/lib.sh
start_server

token=$(curl -sf -X POST "$base/api/tokens" -H 'Content-Type: application/json' \
  -d '{"email":"attendee001@example.org","password":"tribe-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
for id in $(seq 1 40); do curl -sf -o /dev/null -X PUT "$base/api/me/agenda/$id" -H "Authorization: Bearer $token"; done
# The feed's address is on the agenda page, behind a log-in.
jar="$work/cookies"
csrf=$(curl -sf -c "$jar" -b "$jar" "$base/login" | grep -o 'name="_csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
curl -sf -o /dev/null -c "$jar" -b "$jar" -X POST "$base/login" --data-urlencode "_csrf=$csrf" \
  --data-urlencode email=attendee001@example.org --data-urlencode password=tribe-demo
feed=$(curl -sf -b "$jar" "$base/agenda" | grep -o "value=\"$base/feeds/[^\"]*\"" | sed "s|value=\"$base||; s/\"$//")
events=$(curl -sf "$base$feed" | grep -c '^BEGIN:VEVENT')

header_row
measure /healthz plain "trivial route"
for mode in plain gzip revalidate; do measure "$feed" "$mode" "personal feed, $events VEVENTs" | sed "s|$feed|/feeds/<token>.ics|"; done
measure /events/hitmc/schedule.ics plain "63 sessions"
