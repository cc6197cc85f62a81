#!/usr/bin/env bash
# No double booking, ever (threat 18): 1,000 holders book 10 places at once
# (5 slots of capacity 2) and exactly 10 bookings succeed, the other 990 are
# 409 "full", no slot is left and exactly 10 appointments are stored. On
# SQLite through one sdcd, and on PostgreSQL through two sdcd on one
# database, the bookings spread over both.
#
# The PostgreSQL half needs SDC_TEST_PG; without it that half is skipped,
# unless SDC_REQUIRE_PG=1, when it fails.
set -euo pipefail
source "$(dirname "$0")/lib/sdcd.sh"
sdcd="$SDC_BIN/sdcd"
py=/usr/bin/python3
storm="$(dirname "$0")/lib/booking_storm.py"
db=""
admin_conninfo="${SDC_TEST_PG:-} dbname=postgres"
cleanup_more() {
  if [ -n "$db" ]; then
    psql "$admin_conninfo" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" > /dev/null 2>&1 || true
  fi
}
login() {
  curl -fs -X POST "$1/v1/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$2\",\"password\":\"$3\"}" | $py -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
# storm NAME DATA_FOLDER BASE [BASE ...]: the folder's sdcd already serve BASEs.
storm() {
  local name=$1 data=$2
  shift 2
  local password admin officer
  password=$(sed -n 's/^password (shown once): //p' "$data.init.err")
  admin=$(login "$1" admin "$password")
  curl -fs -o /dev/null -X POST "$1/v1/users" -H "Authorization: Bearer $admin" \
    -H 'Content-Type: application/json' \
    -d '{"username":"officer","password":"officer-pass-123","role":"enrollment_officer"}'
  officer=$(login "$1" officer officer-pass-123)
  if ! $py "$storm" "$admin" "$officer" "$@" > "$work/$name.json" 2> "$work/$name.err"; then
    cat "$work/$name.err"
    echo "FAIL $name: the booking storm did not run"
    fails=$((fails + 1))
    return
  fi
  local r
  r=$(cat "$work/$name.json")
  echo "$name: $r"
  check "$name: exactly 10 of 1,000 bookings succeed" "$py -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(d[\"created\"] != 10)' '$r'"
  check "$name: the 990 others are 409, the slot full" "$py -c 'import json,sys; d=json.loads(sys.argv[1]); sys.exit(d[\"conflict\"] != 990 or d[\"other\"] != 0 or \"full\" not in d[\"sample_conflict\"][\"detail\"])' '$r'"
  check "$name: no free slot is left" "$py -c 'import json,sys; sys.exit(json.loads(sys.argv[1])[\"free_slots_left\"] != 0)' '$r'"
  check "$name: exactly 10 appointments are stored" "$py -c 'import json,sys; sys.exit(json.loads(sys.argv[1])[\"appointments_stored\"] != 10)' '$r'"
}

# SQLite, one sdcd.
port=$(free_port)
"$sdcd" init --data "$work/lite" --base-url "http://127.0.0.1:$port" 2> "$work/lite.init.err"
"$sdcd" serve --data "$work/lite" --listen "127.0.0.1:$port" 2> "$work/lite.err" &
pids+=($!)
check "sdcd on SQLite comes up" "wait_up $port"
storm sqlite "$work/lite" "http://127.0.0.1:$port"

# PostgreSQL, two sdcd on one database and folder.
if [ -z "${SDC_TEST_PG:-}" ] || ! command -v psql > /dev/null; then
  if [ "${SDC_REQUIRE_PG:-}" = 1 ]; then
    echo "FAIL PostgreSQL is required (SDC_REQUIRE_PG=1) but SDC_TEST_PG or psql is missing"
    exit 1
  fi
  echo "SKIP the PostgreSQL half: SDC_TEST_PG is not set"
else
  db="sdc_e2e_booking_$$_${RANDOM}"
  psql "$admin_conninfo" -v ON_ERROR_STOP=1 -qc "CREATE DATABASE $db" > /dev/null
  port_a=$(free_port)
  port_b=$(free_port)
  "$sdcd" init --data "$work/pg" --store postgres --postgres "$SDC_TEST_PG dbname=$db" \
    --base-url "http://127.0.0.1:$port_a" 2> "$work/pg.init.err"
  "$sdcd" serve --data "$work/pg" --listen "127.0.0.1:$port_a" 2> "$work/pg-a.err" &
  pids+=($!)
  "$sdcd" serve --data "$work/pg" --listen "127.0.0.1:$port_b" 2> "$work/pg-b.err" &
  pids+=($!)
  check "two sdcd on PostgreSQL come up" "wait_up $port_a && wait_up $port_b"
  storm postgres "$work/pg" "http://127.0.0.1:$port_a" "http://127.0.0.1:$port_b"
fi

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all booking checks passed"
