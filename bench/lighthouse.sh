#!/usr/bin/env bash
# Lighthouse (npm `lighthouse`, driving Debian's Chromium) on the five
# pages people open most, at its default phone emulation (Moto G class,
# slow 4G): performance, accessibility, best practices and SEO. The issue's
# bar: at least 95 in the first three and 100 in SEO.
#
#   bash bench/lighthouse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v chromium >/dev/null || { echo "chromium is needed: apt-get install chromium" >&2; exit 2; }
tools=target/bench-tools/lighthouse
if [ ! -x "$tools/node_modules/.bin/lighthouse" ]; then
  mkdir -p "$tools"
  npm install --silent --prefix "$tools" lighthouse@12 >/dev/null
fi
source bench/lib.sh
start_server

session=$(curl -sf "$base/api/events/hitmc/sessions" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
echo "| page | performance | accessibility | best practices | SEO | below 1 |"
echo "|---|---|---|---|---|---|"
for path in / /events/hitmc /events/hitmc/schedule "/events/hitmc/sessions/$session" /events/hcldr; do
  CHROME_PATH=$(command -v chromium) "$tools/node_modules/.bin/lighthouse" "$base$path" --quiet \
    --chrome-flags="--headless=new --no-sandbox" --only-categories=performance,accessibility,best-practices,seo \
    --output=json --output-path="$work/report.json" >/dev/null 2>&1
  python3 - "$path" "$work/report.json" <<'PY'
import json, sys
path, report = sys.argv[1], json.load(open(sys.argv[2]))
scores = [round(report["categories"][c]["score"] * 100) for c in ("performance", "accessibility", "best-practices", "seo")]
weak = sorted(a for a, v in report["audits"].items() if v.get("scoreDisplayMode") in ("binary", "numeric") and v.get("score") is not None and v["score"] < 1)
print(f"| {path} | " + " | ".join(map(str, scores)) + f" | {', '.join(weak[:6])} |")
PY
done
