#!/usr/bin/env bash
# Personal calendar feeds as calendar apps poll them: 10,000 distinct feed
# addresses (each attendee's own) asked in random order, plain, gzip and
# revalidated with each feed's own ETag, beside nginx (Debian nginx-light,
# started here) serving a file of the same size under as many addresses,
# through the same wrk script.
#
#   bash bench/feeds.sh [seconds per mode, default 10]
#   BENCH_ATTENDEES=10000 (default) attendees, one feed each
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
export BENCH_ATTENDEES="${BENCH_ATTENDEES:-10000}"
command -v nginx >/dev/null || { echo "nginx is needed: apt-get install nginx-light" >&2; exit 2; }
source bench/lib.sh
start_server

# One feed address per attendee, made as the agenda page makes them (only
# the token's SHA-256 is stored); the addresses go to a file for wrk.
python3 - "$work/bench.db" "$work/tokens" <<'PY'
import hashlib, secrets, sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=30)
rows = db.execute("SELECT id, created_at FROM users WHERE email LIKE 'attendee%' ORDER BY id").fetchall()
with open(sys.argv[2], "w") as out:
    for user_id, created_at in rows:
        token = secrets.token_urlsafe(24)
        db.execute("INSERT INTO feed_tokens (user_id, token, created_at) VALUES (?, ?, ?)", (user_id, hashlib.sha256(token.encode()).hexdigest(), created_at))
        out.write(token + "\n")
db.commit()
PY
feeds=$(wc -l < "$work/tokens")

# Every feed asked once (rendered and kept), with its ETag and size noted.
python3 - "$port" "$work/tokens" "$work/etags" <<'PY'
import http.client, sys
port, tokens, etags = int(sys.argv[1]), sys.argv[2], sys.argv[3]
conn = http.client.HTTPConnection("127.0.0.1", port)
sizes = []
with open(tokens) as names, open(etags, "w") as out:
    for token in names.read().split():
        conn.request("GET", f"/feeds/{token}.ics")
        answer = conn.getresponse()
        body = answer.read()
        assert answer.status == 200, (answer.status, body[:200])
        sizes.append((len(body), token))
        out.write(f"{token} {answer.getheader('ETag')}\n")
by_size = sorted(sizes)
median = by_size[len(by_size) // 2]
print(f"{len(sizes)} feeds, median {median[0]} bytes, from {by_size[0][0]} to {by_size[-1][0]}", file=sys.stderr)
with open(etags + ".median", "w") as out:
    out.write(median[1])
PY
rss_kib=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")

# nginx: a feed of the median size, as Tribe sent it (plain and gzip),
# under every token's address (hard links), ETags its own.
median_token=$(cat "$work/etags.median")
nginx_port=$((port + 1))
www="$work/www"
mkdir -p "$www/feeds"
curl -sf "$base/feeds/$median_token.ics" -o "$work/median.ics"
curl -sf -H "Accept-Encoding: gzip" "$base/feeds/$median_token.ics" -o "$work/median.ics.gz"
while read -r token; do
  ln "$work/median.ics" "$www/feeds/$token.ics"
  ln "$work/median.ics.gz" "$www/feeds/$token.ics.gz"
done < "$work/tokens"
start_nginx
# nginx's own ETags, for its revalidation run.
first=$(sed -n 1p "$work/tokens")
etag=$(curl -sfI "http://127.0.0.1:$nginx_port/feeds/$first.ics" | awk -F': ' 'tolower($1)=="etag" {print $2}' | tr -d '\r')
awk -v e="$etag" '{print $1, e}' "$work/tokens" > "$work/etags.nginx"

rps() {  # rps BASE MODE ETAGS
  FEED_TOKENS="$3" FEED_MODE="$2" wrk -t2 -c32 -d"${seconds}s" -s bench/feeds.lua "$1" | awk '/Requests\/sec/ {print $2}'
}
echo "$feeds feeds kept (server resident size $((rss_kib / 1024)) MiB after rendering them all)"
echo "| mode | Tribe req/s | nginx req/s | Tribe / nginx |"
echo "|---|---|---|---|"
for mode in plain gzip revalidate; do
  t=$(rps "$base" "$mode" "$work/etags")
  n=$(rps "http://127.0.0.1:$nginx_port" "$mode" "$work/etags.nginx")
  echo "| $mode | $t | $n | $(awk -v t="$t" -v n="$n" 'BEGIN {printf "%.2f", t / n}') |"
done
echo "server resident size after the runs: $(( $(awk '/VmRSS/ {print $2}' "/proc/$server/status") / 1024 )) MiB"
