#!/usr/bin/env bash
# Finds or brings up a PostgreSQL server for `make run` and `make test`, and
# prints its URL (database "postgres") on stdout. In order:
#   1. DATABASE_URL's server, when DATABASE_URL is set;
#   2. the usual local server on 127.0.0.1:5432 (user postgres, trust);
#   3. a private cluster under .data/pg, started from the installed
#      PostgreSQL binaries;
#   4. as root on Debian, `apt-get install postgresql` first, then 3.
# Otherwise it stops with a sentence saying what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { echo "postgres: $*" >&2; }

# reachable URL: can we run a query there?
reachable() {
  command -v psql >/dev/null 2>&1 || return 1
  psql "$1" -Atqc 'SELECT 1' >/dev/null 2>&1
}

server_url() { # DATABASE_URL with its database replaced by "postgres"
  python3 - "$1" <<'PY' 2>/dev/null || echo "$1"
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/postgres")))
PY
}

if [ -n "${DATABASE_URL:-}" ]; then
  url=$(server_url "$DATABASE_URL")
  if reachable "$url" || reachable "$DATABASE_URL"; then
    echo "$url"; exit 0
  fi
  say "DATABASE_URL is set but its server does not answer: $DATABASE_URL"
  exit 1
fi

default="postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
if reachable "$default"; then
  echo "$default"; exit 0
fi

find_bin() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) ; do
    if [ -x "$d/initdb" ]; then echo "$d"; return 0; fi
  done
  command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)" && return 0
  return 1
}

bin=$(find_bin || true)
if [ -z "$bin" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing PostgreSQL with apt-get (once)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin=$(find_bin || true)
  fi
fi
if [ -z "$bin" ]; then
  say "PostgreSQL is not installed. Install PostgreSQL 15 or later (on Debian: sudo apt-get install postgresql), or set DATABASE_URL to a server you can use."
  exit 1
fi

# A private cluster: trust authentication on loopback, port 5433.
data="$PWD/.data/pg"
port=5433
url="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
if reachable "$url"; then
  echo "$url"; exit 0
fi
as_pg=()
if [ "$(id -u)" = 0 ]; then
  # initdb refuses to run as root.
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql postgres
  as_pg=(runuser -u postgres --)
fi
mkdir -p "$PWD/.data"
if [ ! -f "$data/PG_VERSION" ]; then
  say "creating a private cluster in .data/pg"
  mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown postgres "$data" "$PWD/.data"
  "${as_pg[@]}" "$bin/initdb" --no-sync -U postgres -A trust -D "$data" >/dev/null
fi
mkdir -p "$PWD/.data/run"
[ "$(id -u)" = 0 ] && chown postgres "$PWD/.data/run"
"${as_pg[@]}" "$bin/pg_ctl" -D "$data" -l "$PWD/.data/pg.log" -w \
  -o "-p $port -k $PWD/.data/run -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
if ! reachable "$url"; then
  say "the private cluster did not start; see .data/pg.log"
  exit 1
fi
echo "$url"
