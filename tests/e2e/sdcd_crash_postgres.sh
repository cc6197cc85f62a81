#!/usr/bin/env bash
# sdcd on PostgreSQL killed with SIGKILL at least twenty times at random
# moments under enrollments, card changes (issue, suspend, lift, revoke),
# appointment bookings and check-ins (lib/crash_storm.py): after each kill the
# audit chain verifies; after each restart every acknowledged write is in the
# database, nothing is half-written and the published validity list says of
# every card what the database says.
#
# Needs SDC_TEST_PG (scripts/pg-test-cluster.sh start). Without it the test is
# skipped, unless SDC_REQUIRE_PG=1, when it fails.
set -euo pipefail
source "$(dirname "$0")/lib/sdcd.sh"
source "$(dirname "$0")/lib/pg.sh"
sdcd="$SDC_BIN/sdcd"
sdc="$SDC_BIN/sdc"
py=/usr/bin/python3
face=/usr/share/doc/libdlib19.1/examples/faces/Tom_Cruise_avp_2014_4.jpg

pg_require
pg_new_database pg crash
[ -r "$face" ] || { echo "FAIL missing $face (package libdlib19.1)"; exit 1; }

port=$(free_port)
data="$work/data"

# 1. The demo accounts and data on PostgreSQL, then a clean stop.
"$sdcd" demo --data "$data" --store postgres --postgres "$pg" --listen "127.0.0.1:$port" \
  2> "$work/demo.err" &
pid=$!
pids+=("$pid")
check "demo comes up on PostgreSQL" "wait_up $port"
stop "$pid"
check "the data folder names PostgreSQL and keeps no SQLite database" \
  "grep -q '^store = \"postgres\"' $data/sdcd.toml && [ ! -e $data/registry.db ]"

# 2. The storm: kill, check, restart, twenty times and more.
rc=0
$py "$(dirname "$0")/lib/crash_storm.py" --sdcd "$sdcd" --sdc "$sdc" --data "$data" \
  --port "$port" --db "postgres:$pg" --kills 20 --portrait "$face" --log "$work/storm" \
  > "$work/storm.json" 2> "$work/storm.err" || rc=$?
tail -n 20 "$work/storm.err"
cat "$work/storm.json"
storm() { $py -c "import json; d=json.load(open('$work/storm.json')); print($1)"; }
check "the storm ran to its end with no failure" "[ $rc = 0 ] && [ \$(storm \"d['failures']\") = 0 ]"
check "sdcd was killed at least 20 times, each restart checked" \
  "[ \$(storm \"d['kills'] >= 20 and d['restarts_checked'] == d['kills']\") = True ]"
check "every kind of write was acknowledged" \
  "[ \$(storm \"all(v > 0 for k, v in d['acknowledged'].items() if k != 'lifts')\") = True ]"

# The checks find damage: two kills more, then, offline, an acknowledged
# check-in deleted, a slot place taken without a booking and a card revoked
# in the store alone.
rc=0
$py "$(dirname "$0")/lib/crash_storm.py" --sdcd "$sdcd" --sdc "$sdc" --data "$data" \
  --port "$(free_port)" --db "postgres:$pg" --kills 2 --tamper --log "$work/tamper" \
  > "$work/tamper.json" 2> "$work/tamper.err" || rc=$?
check "damage done behind sdcd's back is found (exit 1)" \
  "[ $rc = 1 ] && [ \$($py -c \"import json; print(json.load(open('$work/tamper.json'))['failures'] >= 4)\") = True ]"
check "the deleted check-in, the stray slot place and the card's state are each named" \
  "grep -q 'acknowledged check-ins missing' $work/tamper.err && grep -q 'taken places are not their bookings' $work/tamper.err && grep -q 'is in state [0-9], acknowledged' $work/tamper.err && grep -q 'list entry is not their state' $work/tamper.err"
check "the store was PostgreSQL" "[ \$(storm \"d['store']\") = postgres ]"

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all sdcd-on-PostgreSQL crash checks passed"
