#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the store tests, without systemd
# (STACK.md). Port 54329, trust authentication, listening on 127.0.0.1 only.
#
#   scripts/pg-test-cluster.sh start   # prints the conninfo for SDC_TEST_PG
#   scripts/pg-test-cluster.sh stop
#   scripts/pg-test-cluster.sh status
#
# `start` is idempotent: a running cluster is reused. The cluster lives in a
# temporary folder recorded in $SDC_PG_STATE (default /tmp/sdc-pg-test-54329.dir).
set -euo pipefail

port=${SDC_PG_PORT:-54329}
state=${SDC_PG_STATE:-/tmp/sdc-pg-test-${port}.dir}
bin=${SDC_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
conninfo="host=127.0.0.1 port=${port} user=postgres"

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

running() {
  [ -f "$state" ] || return 1
  local d; d=$(cat "$state")
  [ -d "$d/data" ] && as_postgres "$bin/pg_ctl" -D "$d/data" status >/dev/null 2>&1
}

case "${1:-}" in
  start)
    if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
      echo "pg-test-cluster: PostgreSQL server binaries not found (install postgresql)" >&2
      exit 1
    fi
    if running; then echo "$conninfo"; exit 0; fi
    d=$(mktemp -d /tmp/sdc-pg-test.XXXXXX)
    chmod 755 "$d"
    [ "$(id -u)" -eq 0 ] && chown postgres "$d"
    as_postgres "$bin/initdb" -D "$d/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
      >"$d/initdb.log" 2>&1 || { cat "$d/initdb.log" >&2; exit 1; }
    as_postgres "$bin/pg_ctl" -D "$d/data" -l "$d/log" -w \
      -o "-p $port -k $d -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
      || { cat "$d/log" >&2; exit 1; }
    echo "$d" >"$state"
    echo "$conninfo"
    ;;
  stop)
    if [ -f "$state" ]; then
      d=$(cat "$state")
      if [ -d "$d/data" ]; then
        as_postgres "$bin/pg_ctl" -D "$d/data" -m fast stop >/dev/null 2>&1 || true
      fi
      rm -rf -- "$d"
      rm -f -- "$state"
    fi
    ;;
  status)
    if running; then echo "running: $conninfo"; else echo "stopped"; exit 3; fi
    ;;
  *)
    echo "usage: $0 start|stop|status" >&2
    exit 2
    ;;
esac
