#!/usr/bin/env bash
# Pages as a logged-in attendee gets them, beside the page everyone gets:
# the schedule as the copy kept for members plus the personal request
# (`me.json`) a browser that runs the pages' script makes, the same page
# rendered for them alone (a browser without script), and the personal
# pages (event, tribe, people directory, agenda).
#
#   bash bench/personal_pages.sh [seconds per route, default 10]
#   BENCH_ATTENDEES=2000 bash bench/personal_pages.sh   (the demo with 2,000 attendees)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
source bench/lib.sh
start_server

# The bench attendee is registered for hitmc; eight sessions in their agenda.
agenda_of_attendee 8
log_in_attendee
# The flash of logging in is shown once; the page after it gives the
# browser its form token's cookie (a log-in renews it).
curl -sf -o /dev/null -b "$jar" -c "$jar" "$base/"
session=$(awk '$6 == "tribe_session" {print $7}' "$jar")
csrf=$(awk '$6 == "tribe_csrf" {print $7}' "$jar")
[ -n "$session" ] && [ -n "$csrf" ] || { echo "log-in failed" >&2; exit 1; }

rps() {  # rps PATH COOKIE
  curl -sf -o /dev/null -H "Cookie: $2" "$base$1"
  wrk -t2 -c32 -d"${seconds}s" -H "Cookie: $2" -H "Accept-Encoding: gzip" "$base$1" | awk '/Requests\/sec/ {print $2}'
}
bytes() { curl -sf -H "Cookie: $2" -H "Accept-Encoding: gzip" "$base$1" | wc -c; }

# A browser keeps its form token's cookie with the session's.
member="tribe_session=$session; tribe_csrf=$csrf; tribe_js=1"
own="tribe_session=$session; tribe_csrf=$csrf"
echo "| page (gzip) | visitor | bytes | requests/s |"
echo "|---|---|---|---|"
for path in /events/hitmc/schedule /events/hitmc/me.json; do
  echo "| $path | member (script) | $(bytes "$path" "$member") | $(rps "$path" "$member") |"
done
echo "| /events/hitmc/schedule | not logged in | $(bytes /events/hitmc/schedule "") | $(rps /events/hitmc/schedule "") |"
# A member's whole visit: the kept copy, then their own state, in turn;
# a visit is two requests. Beside it the anonymous page through the same
# Lua script (bench/visit.lua), like for like.
curl -sf -o /dev/null -H "Cookie: $member" "$base/events/hitmc/me.json"
through_lua() {  # through_lua "PATHS" COOKIE
  VISIT_PATHS="$1" wrk -t2 -c32 -d"${seconds}s" -H "Cookie: $2" -H "Accept-Encoding: gzip" -s bench/visit.lua "$base" | awk '/Requests\/sec/ {print $2}'
}
alone=$(through_lua "/events/hitmc/schedule" "")
visits=$(awk -v r="$(through_lua "/events/hitmc/schedule /events/hitmc/me.json" "$member")" 'BEGIN {printf "%.0f", r / 2}')
echo "| /events/hitmc/schedule | not logged in, through visit.lua | — | $alone |"
echo "| schedule + me.json | member (script), one visit = both, through visit.lua | — | $visits visits/s = $(awk -v v="$visits" -v a="$alone" 'BEGIN {printf "%.2f", v / a}') of the anonymous page |"
for path in /events/hitmc/schedule /events/hitmc /events/hitmc/tribe /events/hitmc/people /agenda; do
  echo "| $path | logged in, own page | $(bytes "$path" "$own") | $(rps "$path" "$own") |"
done
