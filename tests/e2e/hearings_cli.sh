#!/usr/bin/env bash
# sdc hearings import through the real binaries: a court calendar loaded into
# a demo registry's data folder while sdcd serves it; the summary, the exit
# statuses (0 all kept, 1 some rejected, 2 nothing imported), idempotent
# re-import, a refused account and a malformed calendar writing nothing; the
# hearings then read through the API, and the audit chain still intact.
set -euo pipefail
source "$(dirname "$0")/lib/sdcd.sh"
sdc="$SDC_BIN/sdc"
port=$(free_port)
"$SDC_BIN/sdcd" demo --data "$work/demo" --listen "127.0.0.1:$port" 2> "$work/demo.err" &
pids+=("$!")
check "demo comes up" "wait_up $port"

cat > "$work/calendar.csv" <<'CSV'
a_number,hearing_id,starts_at,time_zone,court_name,court_address,judge,hearing_type,status
A201-555-001,NYC-1,2030-03-10T09:00,America/New_York,New York Immigration Court,"26 Federal Plaza, 12th floor",J. Doe,master,scheduled
201555001,NYC-2,2030-06-01T13:30:00-04:00,America/New_York,New York Immigration Court,,,individual,
A12345678,NYC-3,2030-03-10T09:00,America/New_York,New York Immigration Court,,,master,
not-a-number,NYC-4,2030-03-10T09:00,America/New_York,New York Immigration Court,,,master,
CSV
import() { "$sdc" hearings import "$@" --data "$work/demo" --user officer; }
rc=0
import "$work/calendar.csv" > "$work/first.json" 2> "$work/first.err" || rc=$?
check "a calendar with a rejected row exits 1" "[ $rc = 1 ]"
check "the good rows are added" "jq -e '.added == 3 and .unmatched == 1' $work/first.json > /dev/null"
check "the rejected row is named by its line" \
  "jq -e '.rejected | length == 1 and .[0].line == 5 and (.[0].reasons[0] | startswith(\"a_number:\"))' $work/first.json > /dev/null"
rc=0
import "$work/calendar.csv" > "$work/again.json" 2> /dev/null || rc=$?
check "importing it again changes nothing" \
  "[ $rc = 1 ] && jq -e '.added == 0 and .changed == 0 and .unchanged == 3' $work/again.json > /dev/null"

head -n 2 "$work/calendar.csv" | sed 's/2030-03-10T09:00/2030-03-17T10:00/' > "$work/moved.csv"
rc=0
import "$work/moved.csv" > "$work/moved.json" || rc=$?
check "a calendar without bad rows exits 0 and flags the move" \
  "[ $rc = 0 ] && jq -e '.changed == 1 and .moved == 1' $work/moved.json > /dev/null"

printf 'a_number,hearing_id\nA201-555-001,"NYC-9\n' > "$work/broken.csv"
rc=0
import "$work/broken.csv" > /dev/null 2> "$work/broken.err" || rc=$?
check "a malformed calendar exits 2 and says where" \
  "[ $rc = 2 ] && grep -q 'line' $work/broken.err"
rc=0
"$sdc" hearings import "$work/calendar.csv" --data "$work/demo" --user field > /dev/null 2>&1 || rc=$?
check "a field officer's account may not import" "[ $rc = 2 ]"
rc=0
"$sdc" hearings import "$work/calendar.csv" --data "$work/demo" --user nobody > /dev/null 2>&1 || rc=$?
check "an unknown account is refused" "[ $rc = 2 ]"

login() {
  curl -s -X POST "http://127.0.0.1:$port/v1/login" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\", \"password\": \"$2\"}" | jq -r .token
}
officer=$(login officer demo-officer-pass)
field=$(login field demo-field-pass)
holder=$(curl -s -H "Authorization: Bearer $officer" \
  "http://127.0.0.1:$port/v1/holders?a_number=A201-555-001" | jq -r '.holders[0].id')
curl -s -H "Authorization: Bearer $officer" "http://127.0.0.1:$port/v1/holders/$holder/hearings" \
  > "$work/hearings.json"
# (The demo's own calendar gave this holder SPEC-1, three weeks from now.)
check "the holder's hearings are read through the API, the move with the date before" \
  "jq -e '[.hearings[] | select(.hearing_id | startswith(\"NYC\"))] as \$h | (\$h | length == 2) and \$h[0].hearing_id == \"NYC-1\" and \$h[0].starts_at == \"2030-03-17T14:00:00Z\" and \$h[0].previous.starts_at == \"2030-03-10T13:00:00Z\"' $work/hearings.json > /dev/null"
curl -s -H "Authorization: Bearer $field" "http://127.0.0.1:$port/v1/holders/$holder/hearings?next=1" \
  > "$work/next.json"
check "a field officer sees the next hearing only (the demo's, before 2030)" \
  "jq -e '(.hearings | length == 1) and .hearings[0].hearing_id == \"SPEC-1\"' $work/next.json > /dev/null"
check "the audit chain verifies" "$sdc audit verify --data $work/demo > /dev/null"

echo "$fails failed"
[ "$fails" = 0 ]
