#!/usr/bin/env bash
# pg.sh: a throwaway PostgreSQL 15 cluster for the API tests, in a temporary directory.
# Source it:   . tests/lib/pg.sh; pg_start   -> exports ZHILI_TEST_PG=postgresql://postgres@127.0.0.1:PORT/postgres
#              pg_stop (also run by the EXIT trap pg_start installs) stops it and removes the directory.
# Run it:      bash tests/lib/pg.sh   -> prints the URL, keeps the cluster up until Ctrl-C.
# initdb and pg_ctl refuse root, so they run as the postgres user (see shared/PLATFORM-NOTES.md).

PG_DIR=""

pg_free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

pg_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_start() {
  local bin port
  bin=$(pg_config --bindir)
  PG_DIR=$(mktemp -d /tmp/zhili-pg.XXXXXX)
  chmod 755 "$PG_DIR"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_DIR"
  trap pg_stop EXIT
  trap 'exit 130' INT TERM
  pg_as "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --data-checksums \
    >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; return 1; }
  for _ in 1 2 3 4 5; do
    port=$(pg_free_port)
    if pg_as "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
        -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null 2>&1; then
      export ZHILI_TEST_PG="postgresql://postgres@127.0.0.1:$port/postgres"
      export PG_DIR
      return 0
    fi
  done
  echo "pg.sh: PostgreSQL did not start; log:" >&2
  cat "$PG_DIR/log" >&2 2>/dev/null
  return 1
}

pg_stop() {
  [ -n "$PG_DIR" ] || return 0
  if [ -d "$PG_DIR/data" ]; then
    pg_as "$(pg_config --bindir)/pg_ctl" -D "$PG_DIR/data" -m fast stop >/dev/null 2>&1 || true
  fi
  rm -rf "$PG_DIR"
  PG_DIR=""
}

# Executed (not sourced): start, print the URL, wait until interrupted.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  pg_start
  echo "$ZHILI_TEST_PG"
  while :; do sleep 3600; done
fi
