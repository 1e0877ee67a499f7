#!/usr/bin/env bash
# The whole morning at once (bench/morning.rs): door check-ins, schedule
# page and JSON, agenda changes and views, tickets, tribe pages and a live
# chat, each at its planned rate, open loop, on SQLite; then on PostgreSQL
# when TRIBE_BENCH_POSTGRES_URL names a server (its database is made anew).
#
#   bash bench/morning.sh [seconds, default 60] [attendees, default 2000]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
attendees="${2:-2000}"
# TRIBE_BENCH_PROFILE=debug: CI's smoke run on the binaries `cargo test` built.
profile="${TRIBE_BENCH_PROFILE:-release}"
if [ "$profile" = release ]; then cargo build --release -q --example morning; fi
# 200 chat readers and the pages' connections on both sides (as many as
# this machine allows, if that is fewer).
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
status=0
env -u TRIBE_BENCH_POSTGRES_URL "target/$profile/examples/morning" "$seconds" "$attendees" || status=$?
if [ -n "${TRIBE_BENCH_POSTGRES_URL:-}" ]; then
  admin="${TRIBE_BENCH_POSTGRES_URL%/*}/postgres"
  name="${TRIBE_BENCH_POSTGRES_URL##*/}"
  psql "$admin" -qc "drop database if exists \"$name\" with (force)"
  psql "$admin" -qc "create database \"$name\""
  echo
  "target/$profile/examples/morning" "$seconds" "$attendees" || status=$?
fi
exit $status
