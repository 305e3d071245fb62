#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL on 127.0.0.1 for the store tests and print its URL.
# Debian's server refuses to run as root, so the cluster belongs to the postgres user. Trust
# authentication on loopback only; fsync off: test data, not data to keep.
set -euo pipefail
port=${SUANGU_PG_PORT:-55432}
dir=${SUANGU_PG_DIR:-/var/tmp/suangu-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "test-postgres: PostgreSQL is not installed (scripts/deps.sh test installs it)" >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}
mkdir -p "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres "$dir"
if ! "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$bin/initdb -D '$dir/data' --auth=trust -U postgres >'$dir/initdb.log' 2>&1"
  fi
  as_owner "$bin/pg_ctl -D '$dir/data' -l '$dir/server.log' -w -t 60 \
    -o \"-p $port -k '$dir' -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200\" start >/dev/null"
fi
echo "postgres://postgres@127.0.0.1:$port/postgres"
