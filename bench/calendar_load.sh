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

agenda_of_attendee 40
# The feed's address is on the agenda page, behind a log-in.
log_in_attendee
# Only a hash of the address is kept: it is shown once, when it is made.
csrf=$(curl -sf -b "$jar" -c "$jar" "$base/agenda" | grep -o 'name="_csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
feed=$(curl -sL -b "$jar" -c "$jar" -X POST "$base/agenda/feed/regenerate" --data-urlencode "_csrf=$csrf" \
  | grep -o "value=\"$base/feeds/[^\"]*\"" | head -n 1 | sed "s|value=\"$base||; s/\"$//")
events=$(curl -sf "$base$feed" | grep -c '^BEGIN:VEVENT')

header_row
measure /healthz plain "trivial route"
for mode in plain gzip revalidate; do measure "$feed" "$mode" "personal feed, $events VEVENTs" | sed "s|$feed|/feeds/<token>.ics|"; done
measure /events/hitmc/schedule.ics plain "63 sessions"
