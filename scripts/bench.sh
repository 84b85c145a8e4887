#!/usr/bin/env bash
# make bench: build ctap, load production-scale synthetic data into a fresh
# database, serve it on loopback and drive the main pages with the load
# generator in tools/bench, and PostgreSQL alone with the same statements.
# Figures go to bench/out/results.json.
set -euo pipefail
cd "$(dirname "$0")/.."
scale=${CTAP_BENCH_SCALE:-10}
port=${CTAP_BENCH_PORT:-8099}
server=$(scripts/postgres.sh)
export DATABASE_URL="${server%/postgres*}/ctap_bench?sslmode=disable"
go build -o bin/ctap ./cmd/ctap
go build -o bin/ctap-bench ./tools/bench
# CTAP_BENCH_REUSE=1 keeps the data of the previous run (loading it takes
# minutes), when there is one; the schema is still brought up to date.
if [ "${CTAP_BENCH_REUSE:-}" = 1 ] && psql "$DATABASE_URL" -qc 'SELECT 1' >/dev/null 2>&1; then
  bin/ctap migrate >/dev/null
else
  psql "$server" -qc 'DROP DATABASE IF EXISTS ctap_bench' -c 'CREATE DATABASE ctap_bench'
  bin/ctap migrate >/dev/null
  bin/ctap seed --demo
  bin/ctap seed --scale "$scale"
fi
# The memory limit recommended for deployment (README): the Go runtime
# collects harder rather than growing past it.
export GOMEMLIMIT=${GOMEMLIMIT:-40MiB}
export CTAP_ADDR=127.0.0.1:$port CTAP_BASE_URL=http://127.0.0.1:$port CTAP_DEV_IDP=true \
  CTAP_LOG_LEVEL=error CTAP_SIGNIN_RATE=1000 CTAP_API_RATE=1000000
# The server records a page's statements here when the bench asks
# (X-Bench-Record-SQL); the bench replays them against PostgreSQL alone
# (DATABASE_URL) for its "vs PG" column. bench/out is git-ignored.
export CTAP_BENCH_SQL_DIR=$PWD/bench/out/sql
mkdir -p "$CTAP_BENCH_SQL_DIR"
bin/ctap serve 2>bin/bench-server.log &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
  sleep 0.1
done
# Discovery of the development provider runs in the background.
for _ in $(seq 1 100); do
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/auth/login")
  [ "$code" = 302 ] && break
  sleep 0.1
done
bin/ctap-bench -url "http://127.0.0.1:$port" -pid "$pid" "$@"
