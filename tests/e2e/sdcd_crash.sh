#!/usr/bin/env bash
# sdcd killed with SIGKILL under write load (SQLite): every acknowledged
# enrollment, card and audited read survives the restart, `sdc audit verify`
# passes, and an edited, deleted or cut-off audit record is then found. Then
# twenty kills more at random moments under enrollments, card changes,
# bookings and check-ins (lib/crash_storm.py), each restart checked.
set -euo pipefail
source "$(dirname "$0")/lib/sdcd.sh"
sdcd="$SDC_BIN/sdcd"
sdc="$SDC_BIN/sdc"
face=/usr/share/doc/libdlib19.1/examples/faces/Tom_Cruise_avp_2014_4.jpg
py=/usr/bin/python3
login() {
  curl -fs -X POST "$base/v1/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p'
}
# Runs `sdc audit verify` on a data folder: the report goes to $work/report.json,
# the exit status to stdout.
audit_verify() {
  set +e
  "$sdc" audit verify --data "$1" > "$work/report.json" 2> "$work/report.err"
  echo $?
  set -e
}
report() { $py -c "import json; d=json.load(open('$work/report.json')); print($1)"; }

[ -r "$face" ] || { echo "FAIL missing $face (package libdlib19.1)"; exit 1; }
base64 -w0 "$face" > "$work/portrait.b64"

port=$(free_port)
base="http://127.0.0.1:$port"
data="$work/data"

# 1. Demo data, then a clean stop: its checkpoint covers the chain so far.
"$sdcd" demo --data "$data" --listen "127.0.0.1:$port" 2> "$work/demo.err" &
pid=$!
pids+=("$pid")
check "demo comes up" "wait_up $port"
stop "$pid"
check "a checkpoint is signed at the clean stop" "[ -s $data/audit.checkpoints ]"

# 2. Serve and load it: four clients enroll, issue and read, each writing down
# only what the server acknowledged (2xx) before it was killed.
"$sdcd" serve --data "$data" --listen "127.0.0.1:$port" 2> "$work/serve1.err" &
pid=$!
pids+=("$pid")
check "serve comes up" "wait_up $port"
officer=$(login officer demo-officer-pass)
field=$(login field demo-field-pass)
check "officers log in" "[ -n '$officer' ] && [ -n '$field' ]"

client() {
  local n=$1 i=0 code id doc
  while [ ! -e "$work/stop" ]; do
    i=$((i + 1))
    printf '{"a_number":"A3%d%07d","family_name":"CRASH","given_names":"CLIENT %s","date_of_birth":"1980-01-15","sex":"X","nationality":"UTO","language":"en","contact":"","portrait_base64":"%s"}' \
      "$n" "$i" "$(echo ONE TWO THREE FOUR | cut -d' ' -f"$n")" "$(cat "$work/portrait.b64")" > "$work/body.$n"
    code=$(curl -s -o "$work/enrolled.$n" -w '%{http_code}' -X POST "$base/v1/holders" \
      -H "Authorization: Bearer $officer" -H 'Content-Type: application/json' \
      --data-binary "@$work/body.$n" 2> /dev/null) || code=000
    [ "$code" = 000 ] && { sleep 0.05; continue; }
    case "$code" in 2*) ;; *) echo "enroll $code $(head -c 300 "$work/enrolled.$n")" >> "$work/errors"; continue ;; esac
    id=$(grep -o '"id":"[0-9a-f]*"' "$work/enrolled.$n" | head -1 | cut -d'"' -f4)
    echo "$id" >> "$work/holders.$n"
    code=$(curl -s -o "$work/issued.$n" -w '%{http_code}' -X POST "$base/v1/holders/$id/cards" \
      -H "Authorization: Bearer $officer" -H 'Content-Type: application/json' -d '{}' \
      2> /dev/null) || code=000
    case "$code" in
      2*) grep -o '"document_number":"[0-9A-Z]*"' "$work/issued.$n" | head -1 | cut -d'"' -f4 >> "$work/cards.$n" ;;
      000) ;;
      *) echo "issue $code $(head -c 300 "$work/issued.$n")" >> "$work/errors" ;;
    esac
    code=$(curl -s -o /dev/null -w '%{http_code}' "$base/v1/holders/$id" \
      -H "Authorization: Bearer $field" 2> /dev/null) || code=000
    case "$code" in 2*) echo "$id" >> "$work/reads.$n" ;; esac
  done
}
clients=()
for n in 1 2 3 4; do
  client "$n" &
  pids+=("$!")
  clients+=("$!")
done
# Kill once a good number of writes has been acknowledged (at most 60 s).
for _ in $(seq 1 600); do
  [ "$(cat "$work"/cards.* 2> /dev/null | wc -l)" -ge 40 ] && break
  sleep 0.1
done
kill -KILL "$pid"
wait "$pid" 2> /dev/null || true
touch "$work/stop"
for c in "${clients[@]}"; do wait "$c" || true; done
cat "$work"/holders.* > "$work/holders" 2> /dev/null || true
cat "$work"/cards.* > "$work/cards" 2> /dev/null || true
cat "$work"/reads.* > "$work/reads" 2> /dev/null || true
echo "acknowledged before the kill: $(wc -l < "$work/holders") holders, $(wc -l < "$work/cards") cards, $(wc -l < "$work/reads") reads"
check "the load was acknowledged writes (>= 40 cards)" "[ \$(wc -l < $work/cards) -ge 40 ]"
check "no client saw an error other than the kill" "[ ! -s $work/errors ]"
if [ -s "$work/errors" ]; then head -5 "$work/errors"; fi

# 3. Right after the crash, offline: the chain is intact up to its last record.
check "sdc audit verify passes after the crash (exit 0)" "[ \$(audit_verify $data) = 0 ] && [ \$(report \"d['intact']\") = True ]"

# 4. Restart: every acknowledged write is there.
"$sdcd" serve --data "$data" --listen "127.0.0.1:$port" 2> "$work/serve2.err" &
pid=$!
pids+=("$pid")
check "serve restarts on the crashed data" "wait_up $port"
officer=$(login officer demo-officer-pass)
auditor=$(login auditor demo-auditor-pass)
missing=0
while read -r id; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base/v1/holders/$id" -H "Authorization: Bearer $officer")
  [ "$code" = 200 ] || { echo "holder $id: $code"; missing=$((missing + 1)); }
done < "$work/holders"
check "every acknowledged holder is there (GET 200)" "[ $missing = 0 ]"
expected=$(sort -u "$work/cards" | wc -l)
list=$(sort -u "$work/cards" | sed "s/.*/'&'/" | paste -sd, -)
found=$(sqlite3 "$data/registry.db" "SELECT count(*) FROM cards WHERE document_number IN ($list)")
check "every acknowledged card is there ($expected)" "[ '$found' = '$expected' ]"
unaudited=0
while read -r id; do
  curl -s "$base/v1/audit?holder=$id&order=oldest&limit=50" -H "Authorization: Bearer $auditor" > "$work/trail.json"
  $py -c "import json,sys; e=json.load(open('$work/trail.json'))['events']; sys.exit(0 if any(x['action']=='read_holder_name' and x['role']=='field_officer' and x['outcome']=='ok' for x in e) else 1)" ||
    { echo "read of $id not in the trail"; unaudited=$((unaudited + 1)); }
done < "$work/reads"
check "every acknowledged read is in the audit trail" "[ $unaudited = 0 ]"
stop "$pid"

# 5. After the clean stop (and its checkpoint over the whole chain).
check "sdc audit verify passes after restart and stop (exit 0)" \
  "[ \$(audit_verify $data) = 0 ] && [ \$(report \"d['intact']\") = True ] && [ \$(report \"d['records'] > 100\") = True ]"
records=$(report "d['records']")

# 6. Tampering, each on a copy of the data folder.
cp -a "$data" "$work/edited"
sqlite3 "$work/edited/registry.db" "UPDATE audit_log SET outcome = 'denied' WHERE seq = 20"
check "an edited record is found (exit 1, seq 20, altered)" \
  "[ \$(audit_verify $work/edited) = 1 ] && [ \$(report \"d['first_bad_seq']\") = 20 ] && report \"d['problem']\" | grep -q altered"

cp -a "$data" "$work/deleted"
sqlite3 "$work/deleted/registry.db" "DELETE FROM audit_log WHERE seq = 30"
check "a deleted record is found (exit 1, seq 30)" \
  "[ \$(audit_verify $work/deleted) = 1 ] && [ \$(report \"d['first_bad_seq']\") = 30 ] && report \"d['problem']\" | grep -q missing"

cp -a "$data" "$work/cut"
sqlite3 "$work/cut/registry.db" "DELETE FROM audit_log WHERE seq > $((records - 5)); UPDATE audit_head SET seq = $((records - 5)), hash = (SELECT hash FROM audit_log WHERE seq = $((records - 5)))"
check "a cut-off tail is found (exit 1, cut off)" \
  "[ \$(audit_verify $work/cut) = 1 ] && report \"d['problem']\" | grep -q 'cut off'"

cp -a "$data" "$work/inserted"
sqlite3 "$work/inserted/registry.db" "INSERT INTO audit_log SELECT $((records + 1)), at, 'u-intruder', role, action, holder_id, outcome, detail, hash, hash FROM audit_log WHERE seq = $records"
check "an appended forgery is found (exit 1)" \
  "[ \$(audit_verify $work/inserted) = 1 ] && [ \$(report \"d['first_bad_seq']\") = $((records + 1)) ]"

# 7. At least twenty kills at random moments under every kind of write; after
# each, the chain verifies offline; after each restart every acknowledged
# write is there, nothing is half-written and the validity list is the cards'.
storm_port=$(free_port)
rc=0
$py "$(dirname "$0")/lib/crash_storm.py" --sdcd "$sdcd" --sdc "$sdc" --data "$data" \
  --port "$storm_port" --db "sqlite:$data/registry.db" --kills 20 \
  --portrait "$face" --log "$work/storm" > "$work/storm.json" 2> "$work/storm.err" || rc=$?
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
cp -a "$data" "$work/tampered"
rc=0
$py "$(dirname "$0")/lib/crash_storm.py" --sdcd "$sdcd" --sdc "$sdc" --data "$work/tampered" \
  --port "$(free_port)" --db "sqlite:$work/tampered/registry.db" --kills 2 --tamper --log "$work/tamper" \
  > "$work/tamper.json" 2> "$work/tamper.err" || rc=$?
check "damage done behind sdcd's back is found (exit 1)" \
  "[ $rc = 1 ] && [ \$($py -c \"import json; print(json.load(open('$work/tamper.json'))['failures'] >= 4)\") = True ]"
check "the deleted check-in, the stray slot place and the card's state are each named" \
  "grep -q 'acknowledged check-ins missing' $work/tamper.err && grep -q 'taken places are not their bookings' $work/tamper.err && grep -q 'is in state [0-9], acknowledged' $work/tamper.err && grep -q 'list entry is not their state' $work/tamper.err"

# 8. Usage errors are exit 2.
check "a folder without a database is a usage error (exit 2)" "[ \$(audit_verify $work/nowhere) = 2 ]"
check "--help works" "$sdc audit verify --help | grep -q -- --public-key"

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all sdcd crash checks passed"
