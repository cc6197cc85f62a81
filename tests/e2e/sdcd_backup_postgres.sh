#!/usr/bin/env bash
# `sdcd backup` of a PostgreSQL registry while sdcd writes (pg_dump, custom
# format), then `sdcd restore --postgres` into an empty database: every
# holder and card acknowledged before the backup began is there, the trail
# verifies (`sdc audit verify --postgres`), the validity list says the same;
# a database that already holds a registry is refused.
#
# Needs SDC_TEST_PG (scripts/pg-test-cluster.sh start). Without it the test is
# skipped, unless SDC_REQUIRE_PG=1, when it fails.
set -euo pipefail
source "$(dirname "$0")/lib/sdcd.sh"
source "$(dirname "$0")/lib/pg.sh"
sdcd="$SDC_BIN/sdcd"
sdc="$SDC_BIN/sdc"
face=/usr/share/doc/libdlib19.1/examples/faces/Tom_Cruise_avp_2014_4.jpg
py=/usr/bin/python3
source "$(dirname "$0")/lib/backup_calls.sh"
pg_require pg_dump pg_restore
pg_new_database pg bk
db=$pg_name
pg_new_database pg2 bk
db2=$pg_name
[ -r "$face" ] || { echo "FAIL missing $face (package libdlib19.1)"; exit 1; }
base64 -w0 "$face" > "$work/portrait.b64"
port=$(free_port)
base="http://127.0.0.1:$port"
data="$work/data"

# 1. A registry on PostgreSQL with holders and cards, one revoked.
"$sdcd" init --data "$data" --store postgres --postgres "$pg" --base-url "$base" 2> "$work/init.err" ||
  { cat "$work/init.err"; echo "FAIL sdcd init --store postgres"; exit 1; }
password=$(sed -n 's/^password (shown once): //p' "$work/init.err")
"$sdcd" serve --data "$data" --listen "127.0.0.1:$port" 2> "$work/serve.err" &
pid=$!
pids+=("$pid")
check "serve comes up on PostgreSQL" "wait_up $port"
admin=$(login admin "$password")
curl -fs -o /dev/null -X POST "$base/v1/users" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d '{"username":"officer","password":"officer-password-1","role":"enrollment_officer"}'
officer=$(login officer officer-password-1)
check "an officer logs in" "[ -n '$officer' ]"
: > "$work/holders"
: > "$work/cards"
for i in $(seq 1 6); do
  id=$(enroll "$i")
  echo "$id" >> "$work/holders"
  issue "$id" >> "$work/cards"
done
revoked=$(sed -n 1p "$work/cards")
check "revoke one card" "curl -fs -o /dev/null -X POST $base/v1/cards/$revoked/revoke -H 'Authorization: Bearer $officer' -H 'Content-Type: application/json' -d '{\"reason\":\"lost\"}'"

# 2. Backup while a writer runs.
writer() {
  local i=1000 id doc
  while [ ! -e "$work/stop" ]; do
    i=$((i + 1))
    id=$(enroll "$i" 2> /dev/null) || continue
    echo "$id" >> "$work/loop_holders"
    doc=$(issue "$id" 2> /dev/null) || continue
    echo "$doc" >> "$work/loop_cards"
  done
}
: > "$work/loop_holders"
: > "$work/loop_cards"
writer &
wpid=$!
pids+=("$wpid")
for _ in $(seq 1 300); do
  [ "$(wc -l < "$work/loop_cards")" -ge 3 ] && break
  sleep 0.1
done
cat "$work/holders" "$work/loop_holders" > "$work/acked_holders"
cat "$work/cards" "$work/loop_cards" > "$work/acked_cards"
start=$(date +%s.%N)
rc=$(run_rc "$sdcd" backup --data "$data" --out "$work/backup.sdcb")
end=$(date +%s.%N)
check "sdcd backup (pg_dump) exits 0 while the writer runs" "[ $rc = 0 ]"
[ "$rc" = 0 ] || cat "$work/rc.err"
sleep 1
touch "$work/stop"
wait "$wpid" || true
echo "backup: $(stat -c %s "$work/backup.sdcb") bytes in $($py -c "print(round($end - $start, 2))") s"
# (Listed to a file: grep -q stopping early would fail tar under pipefail.)
tar tf "$work/backup.sdcb" > "$work/members.txt" || true
check "the backup holds the dump, mode 0600" "grep -qx registry.pgdump $work/members.txt && [ \$(stat -c %a $work/backup.sdcb) = 600 ]"
check "the keys backup is written" "[ \$(run_rc $sdcd backup --data $data --out $work/keys.sdcb --keys) = 0 ]"
original_entries=$(list_entries "$base")
stop "$pid"

# 3. Restoring into a database that holds a registry is refused.
rc=$(run_rc "$sdcd" restore --from "$work/backup.sdcb" --keys "$work/keys.sdcb" --data "$work/r1" --postgres "$pg")
check "a database that holds a registry is refused (exit 1)" "[ $rc = 1 ] && grep -q 'already holds' $work/rc.err && [ ! -e $work/r1 ]"

# 4. Restore into the empty database and serve it.
rc=$(run_rc "$sdcd" restore --from "$work/backup.sdcb" --keys "$work/keys.sdcb" --data "$work/restored" --postgres "$pg2")
check "sdcd restore --postgres exits 0" "[ $rc = 0 ]"
[ "$rc" = 0 ] || cat "$work/rc.err"
check "the restored sdcd.toml names the new database" "grep -q '$db2' $work/restored/sdcd.toml"
check "sdc audit verify passes on the restored database" "$sdc audit verify --data $work/restored --postgres '$pg2' > /dev/null"
"$sdcd" serve --data "$work/restored" --listen "127.0.0.1:$port" 2> "$work/serve2.err" &
pid=$!
pids+=("$pid")
check "the restored folder serves" "wait_up $port"
officer=$(login officer officer-password-1)
missing=0
while read -r id; do
  [ -n "$id" ] || continue
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base/v1/holders/$id" -H "Authorization: Bearer $officer")
  [ "$code" = 200 ] || { echo "holder $id: $code"; missing=$((missing + 1)); }
done < "$work/acked_holders"
check "every holder acknowledged before the backup is there ($(wc -l < "$work/acked_holders"))" "[ $missing = 0 ]"
expected=$(grep . "$work/acked_cards" | sort -u | wc -l)
list=$(grep . "$work/acked_cards" | sort -u | sed "s/.*/'&'/" | paste -sd, -)
found=$(psql "$pg2" -tAc "SELECT count(*) FROM cards WHERE document_number IN ($list)")
check "every card acknowledged before the backup is there ($expected)" "[ '$found' = '$expected' ]"
check "the restored validity list says the same" "[ '$(list_entries "$base")' = '$original_entries' ]"
stop "$pid"

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all sdcd backup (PostgreSQL) checks passed"
