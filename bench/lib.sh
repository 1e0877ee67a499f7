# Shared by the load scripts: a release server on a fresh SQLite database
# with the demo data, and one wrk measurement printed as a Markdown row.
# Source it; it sets $port, $base and $work and stops the server on exit.

if [ -z "${BENCH_WITHOUT_WRK:-}" ]; then command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }; fi
seconds="${seconds:-10}"
# TRIBE_BENCH_PROFILE=debug runs the binaries `cargo test` already built: CI's
# smoke run of these scripts. Figures worth recording come from release.
profile="${TRIBE_BENCH_PROFILE:-release}"
bin="target/$profile"
port="${port:-8089}"
base="http://127.0.0.1:$port"

start_server() {
  if [ "$profile" = release ]; then cargo build --release -q --bin tribe; fi
  work=$(mktemp -d)
  export TRIBE_DATABASE_URL="sqlite:$work/bench.db" ROCKET_PROFILE=release ROCKET_ADDRESS=127.0.0.1 ROCKET_PORT=$port
  export ROCKET_SECRET_KEY="$(head -c 32 /dev/urandom | base64)" TRIBE_KEY_ENCRYPTION_KEY="$(head -c 32 /dev/urandom | base64)" TRIBE_LOG=warn TRIBE_BASE_URL="$base"
  $bin/tribe demo --attendees "${BENCH_ATTENDEES:-200}" >/dev/null
  $bin/tribe serve >"$work/serve.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null; rm -rf "$work"' EXIT
  for _ in $(seq 1 50); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
}

# measure PATH MODE NOTE — MODE is plain, gzip, or revalidate (If-None-Match with the current ETag).
measure() {
  local path=$1 mode=$2 note=$3 header=()
  case "$mode" in
    gzip) header=(-H "Accept-Encoding: gzip") ;;
    revalidate) header=(-H "If-None-Match: $(curl -sfI "$base$path" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')") ;;
  esac
  curl -sf -o /dev/null "$base$path"  # warm caches
  local result rps p50 p99 bytes
  result=$(wrk -t2 -c32 -d"${seconds}s" --latency "${header[@]}" "$base$path")
  rps=$(echo "$result" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$result" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$result" | awk '$1 == "99%" {print $2}')
  bytes=$(curl -s "${header[@]}" "$base$path" | wc -c)
  echo "| ${path%%\?*} ($mode) | $rps | $p50 | $p99 | $note, $bytes bytes per answer |"
}

header_row() {
  echo "| route | requests/s | p50 | p99 | notes |"
  echo "|---|---|---|---|---|"
}

# The demo conference `hitmc` grown to 400 sessions: its first day, from its
# own export, and 337 generated sessions imported as a frab file. Sets
# $sessions to the count the API reports.
grow_schedule() {
  local first_day
  first_day=$(curl -sf "$base/events/hitmc/schedule.json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["schedule"]["conference"]["start"])')
  python3 bench/make_frab.py 337 "$first_day" > "$work/extra.xml"
  $bin/tribe import frab "$work/extra.xml" --event hitmc >/dev/null
  sessions=$(curl -sf "$base/api/events/hitmc/sessions" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
}

# The demo attendee the personal benches act as: attendee002 is registered
# for hitmc with a role and a profile open to matching (attendee001's is
# hidden, which would measure the short "you are not matched" tribe page).
bench_attendee="${BENCH_ATTENDEE:-attendee002@example.org}"

# agenda_of_attendee N — puts sessions 1..N in $bench_attendee's agenda
# (through the API; a full workshop refuses, which is fine here).
agenda_of_attendee() {
  local token
  token=$(curl -sf -X POST "$base/api/tokens" -H 'Content-Type: application/json' \
    -d "{\"email\":\"$bench_attendee\",\"password\":\"tribe-demo\"}" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  for id in $(seq 1 "$1"); do curl -sf -o /dev/null -X PUT "$base/api/me/agenda/$id" -H "Authorization: Bearer $token" || true; done
}

# log_in_attendee — $bench_attendee's log-in through the form; sets $jar, the
# cookie file holding its session.
log_in_attendee() {
  jar="$work/cookies"
  local csrf
  csrf=$(curl -sf -c "$jar" -b "$jar" "$base/login" | grep -o 'name="_csrf" value="[^"]*"' | head -n 1 | sed 's/.*value="//; s/"$//')
  curl -sf -o /dev/null -c "$jar" -b "$jar" -X POST "$base/login" --data-urlencode "_csrf=$csrf" \
    --data-urlencode email="$bench_attendee" --data-urlencode password=tribe-demo
}

# start_nginx — nginx-light serving $www (files and their .gz twins) on
# $nginx_port, started for this run and stopped with the server on exit:
# the ceiling the speed benches compare with.
start_nginx() {
  command -v nginx >/dev/null || { echo "nginx is needed: apt-get install nginx-light" >&2; exit 2; }
  mkdir -p "$work/nginx"
  cat > "$work/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  open_file_cache max=20000;
  types { application/xml xml; application/json json; text/calendar ics; text/html html; }
  server {
    listen 127.0.0.1:$nginx_port;
    root $www;
    gzip_static on;
  }
}
CONF
  chmod 755 "$work" && chmod -R a+rX "$www"
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx"
  trap 'kill $server 2>/dev/null; nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" -s stop 2>/dev/null; rm -rf "$work"' EXIT
  sleep 0.5
}
