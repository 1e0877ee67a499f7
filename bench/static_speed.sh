#!/usr/bin/env bash
# Tribe's cached exports against nginx serving the very same bytes, in one
# run on this machine: the 400-session schedule (the demo conference grown
# by a generated frab import) as XML, JSON and iCalendar, and the public
# pages kept per revision (event, schedule list and grid, a session, a
# speaker) as a visitor who is not logged in gets them; plain, gzip and as
# a 304. nginx (Debian's nginx-light, started here with sendfile and
# gzip_static) is the ceiling; the last column is Tribe's share of it.
# Brotli (which nginx-light cannot serve) is measured on Tribe alone.
#
#   bash bench/static_speed.sh [seconds per route, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
command -v nginx >/dev/null || { echo "nginx is needed: apt-get install nginx-light" >&2; exit 2; }
source bench/lib.sh
start_server

grow_schedule
# Export routes read a published event's row from a cache that lives up to a
# second: wait it out, so every copy below is of the imported schedule.
sleep 1.5

# The same bytes on disk for nginx: the plain file and its .gz, as Tribe sent them.
nginx_port=$((port + 1))
www="$work/www"
mkdir -p "$www/events/hitmc"
# The exports, and the public pages kept per revision (as a visitor who is
# not logged in gets them): the event page, the 400-session schedule as a
# list and as a grid, a session and a speaker.
first_session=$(curl -sf "$base/api/events/hitmc/sessions" | python3 -c 'import json,sys; print(min(s["id"] for s in json.load(sys.stdin)))')
speaker=$(curl -sf "$base/events/hitmc/sessions/$first_session" | grep -o '/events/hitmc/speakers/[^"]*' | head -1)
paths=(/events/hitmc/schedule.xml /events/hitmc/schedule.json /events/hitmc/schedule.ics
  /events/hitmc /events/hitmc/schedule "/events/hitmc/schedule?view=grid" "/events/hitmc/sessions/$first_session" "$speaker")
# Where nginx keeps the same bytes: pages get an .html name (a query becomes part of it).
file_of() {
  case "$1" in
    *.xml|*.json|*.ics) echo "$1" ;;
    *) echo "$(echo "$1" | tr '?=&' '___').html" ;;
  esac
}
for path in "${paths[@]}"; do
  file=$(file_of "$path")
  mkdir -p "$(dirname "$www$file")"
  curl -sf "$base$path" -o "$www$file"
  curl -sf -H "Accept-Encoding: gzip" "$base$path" -o "$www$file.gz"
done
start_nginx
# nginx must be serving the very bytes Tribe sends, or the ratio means nothing.
for path in "${paths[@]}"; do
  twin="http://127.0.0.1:$nginx_port$(file_of "$path")"
  curl -sf "$base$path" -o "$work/check" && curl -sf "$twin" -o "$work/check.nginx"
  cmp "$work/check" "$work/check.nginx" >&2 || { echo "nginx does not serve $path as Tribe does" >&2; exit 1; }
  cmp -s <(curl -sf -H "Accept-Encoding: gzip" "$base$path") <(curl -sf -H "Accept-Encoding: gzip" "$twin") \
    || { echo "nginx does not serve $path gzipped as Tribe does" >&2; exit 1; }
done

rps() {  # rps URL [header]
  local url=$1; shift
  wrk -t2 -c32 -d"${seconds}s" "$@" "$url" | awk '/Requests\/sec/ {print $2}'
}

echo "| route ($sessions sessions) | mode | bytes | Tribe req/s | nginx req/s | Tribe / nginx |"
echo "|---|---|---|---|---|---|"
for path in "${paths[@]}"; do
  twin="http://127.0.0.1:$nginx_port$(file_of "$path")"
  for mode in plain gzip 304; do
    tribe_header=() nginx_header=()
    case "$mode" in
      gzip) tribe_header=(-H "Accept-Encoding: gzip"); nginx_header=(-H "Accept-Encoding: gzip") ;;
      304)
        tribe_header=(-H "If-None-Match: $(curl -sfI "$base$path" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')")
        nginx_header=(-H "If-None-Match: $(curl -sfI "$twin" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')") ;;
    esac
    bytes=$(curl -s "${tribe_header[@]}" "$base$path" | wc -c)
    t=$(rps "$base$path" "${tribe_header[@]}")
    n=$(rps "$twin" "${nginx_header[@]}")
    echo "| $path | $mode | $bytes | $t | $n | $(python3 -c "print(f'{$t / $n:.2f}')") |"
  done
  bytes=$(curl -s -H "Accept-Encoding: br" "$base$path" | wc -c)
  echo "| $path | br | $bytes | $(rps "$base$path" -H "Accept-Encoding: br") | (nginx-light has no brotli) | |"
done
