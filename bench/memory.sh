#!/usr/bin/env bash
# Memory: the server's resident size when idle (demo data, nothing asked
# yet), then the public pages of the demo conference grown to 400 sessions
# kept in memory (every page asked once in each coding: plain, gzip,
# brotli), as the growth of the resident size, with the page count.
#
#   bash bench/memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BENCH_WITHOUT_WRK=1 source bench/lib.sh
start_server
rss() { awk '/^VmRSS/ {print $2}' "/proc/$server/status"; }
sleep 2
idle=$(rss)
grow_schedule
# The exports are kept too; ask them first so that only pages remain.
for file in schedule.xml schedule.json schedule.ics; do curl -sf -o /dev/null "$base/events/hitmc/$file"; done
sleep 1
before=$(rss)
pages=(/events/hitmc /events/hitmc/schedule "/events/hitmc/schedule?view=grid" /events/hitmc/people)
for id in $(curl -sf "$base/api/events/hitmc/sessions" | python3 -c 'import json,sys; print(" ".join(str(s["id"]) for s in json.load(sys.stdin)))'); do
  pages+=("/events/hitmc/sessions/$id")
done
for speaker in $(curl -sf "$base/events/hitmc/schedule" | grep -o 'href="/events/hitmc/speakers/[^"]*"' | sed 's/href="//; s/"$//' | sort -u); do
  pages+=("$speaker")
done
answered=0
for path in "${pages[@]}"; do
  for coding in identity gzip br; do
    answered=$((answered + $(curl -sf -o /dev/null -w '%{size_download}' -H "Accept-Encoding: $coding" "$base$path")))
  done
done
sleep 1
after=$(rss)
echo "| measure | resident size |"
echo "|---|---|"
echo "| idle, demo data, nothing asked yet | $((idle / 1024)) MiB |"
echo "| $sessions sessions, exports asked | $((before / 1024)) MiB |"
echo "| with ${#pages[@]} public pages kept (each asked plain, gzip and brotli: $((answered / 1024)) KiB of bodies) | $((after / 1024)) MiB (+$(((after - before) / 1024)) MiB) |"
