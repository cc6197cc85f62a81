#!/usr/bin/env bash
# `sdcd backup` while sdcd serves and writes (SQLite), then `sdcd restore`
# into a new folder: every holder and card acknowledged before the backup
# began is there, the audit trail is the original's up to the backup and
# `sdc audit verify` passes, the validity list says the same, and the
# restored sdcd answers. A missing, garbled or cut-short backup, keys of
# another registry and a non-empty folder are refused, changing nothing.
set -euo pipefail
source "$(dirname "$0")/lib/sdcd.sh"
sdcd="$SDC_BIN/sdcd"
sdc="$SDC_BIN/sdc"
face=/usr/share/doc/libdlib19.1/examples/faces/Tom_Cruise_avp_2014_4.jpg
py=/usr/bin/python3
source "$(dirname "$0")/lib/backup_calls.sh"
[ -r "$face" ] || { echo "FAIL missing $face (package libdlib19.1)"; exit 1; }
base64 -w0 "$face" > "$work/portrait.b64"
port=$(free_port)
base="http://127.0.0.1:$port"
data="$work/data"

# 1. Demo users, then some holders with cards; one card revoked, one suspended.
"$sdcd" demo --data "$data" --listen "127.0.0.1:$port" 2> "$work/demo.err" &
pid=$!
pids+=("$pid")
check "demo comes up" "wait_up $port"
officer=$(login officer demo-officer-pass)
check "officer logs in" "[ -n '$officer' ]"
: > "$work/holders"
: > "$work/cards"
for i in $(seq 1 10); do
  id=$(enroll "$i")
  echo "$id" >> "$work/holders"
  issue "$id" >> "$work/cards"
done
check "10 holders with cards" "[ \$(wc -l < $work/holders) = 10 ] && [ \$(grep -c . $work/cards) = 10 ]"
revoked=$(sed -n 1p "$work/cards")
suspended=$(sed -n 2p "$work/cards")
check "revoke one card" "curl -fs -o /dev/null -X POST $base/v1/cards/$revoked/revoke -H 'Authorization: Bearer $officer' -H 'Content-Type: application/json' -d '{\"reason\":\"lost\"}'"
check "suspend one card" "curl -fs -o /dev/null -X POST $base/v1/cards/$suspended/suspend -H 'Authorization: Bearer $officer' -H 'Content-Type: application/json' -d '{\"reason\":\"check\"}'"

# 2. A write loop (enroll and issue) runs while the backup is taken; what it
# has acknowledged before the backup starts must be in the backup.
writer() {
  local i=1000 id doc
  while [ ! -e "$work/stop" ]; do
    i=$((i + 1))
    id=$(enroll "$i" 2> /dev/null) || continue
    [ -n "$id" ] || continue
    echo "$id" >> "$work/loop_holders"
    doc=$(issue "$id" 2> /dev/null) || continue
    [ -n "$doc" ] && echo "$doc" >> "$work/loop_cards"
  done
}
: > "$work/loop_holders"
: > "$work/loop_cards"
writer &
wpid=$!
pids+=("$wpid")
for _ in $(seq 1 300); do
  [ "$(wc -l < "$work/loop_cards")" -ge 5 ] && break
  sleep 0.1
done
cp "$work/loop_holders" "$work/acked_holders"
cp "$work/loop_cards" "$work/acked_cards"
cat "$work/holders" >> "$work/acked_holders"
cat "$work/cards" >> "$work/acked_cards"
start=$(date +%s.%N)
rc=$(run_rc "$sdcd" backup --data "$data" --out "$work/backup.sdcb")
end=$(date +%s.%N)
check "sdcd backup exits 0 while the writer runs" "[ $rc = 0 ]"
[ "$rc" = 0 ] || cat "$work/rc.err"
sleep 1
after=$(wc -l < "$work/loop_cards")
touch "$work/stop"
wait "$wpid" || true
echo "backup: $(stat -c %s "$work/backup.sdcb") bytes in $($py -c "print(round($end - $start, 2))") s; $(wc -l < "$work/acked_holders") holders acknowledged before, writes went on to $after loop cards"
check "the writer kept writing after the backup began" "[ $after -gt \$(($(wc -l < "$work/acked_cards") - 10)) ]"
check "the backup file is mode 0600" "[ \$(stat -c %a $work/backup.sdcb) = 600 ]"
# (Listed to a file: grep -q stopping early would fail tar under pipefail.)
tar tf "$work/backup.sdcb" > "$work/members.txt"
check "the backup lists its members (tar)" "grep -qx registry.db $work/members.txt && grep -qx audit.checkpoints $work/members.txt"
check "the data backup holds no private key" "! grep -q '\\.key' $work/members.txt"
rc=$(run_rc "$sdcd" backup --data "$data" --out "$work/backup.sdcb")
check "an existing backup file is not overwritten (exit 1)" "[ $rc = 1 ] && grep -q exists $work/rc.err"
check "the keys backup is written" "[ \$(run_rc $sdcd backup --data $data --out $work/keys.sdcb --keys) = 0 ] && [ \$(stat -c %a $work/keys.sdcb) = 600 ]"
tar tf "$work/keys.sdcb" > "$work/key-members.txt" || true
check "the keys backup holds the keys" "grep -qx pii.keys $work/key-members.txt && grep -qx pki/signer.key $work/key-members.txt"
original_entries=$(list_entries "$base")
check "the original list has the revoked and the suspended card" "[ \$(echo '$original_entries' | $py -c 'import json,sys; print(len(json.load(sys.stdin)))') = 2 ]"
stop "$pid"
check "sdc audit verify passes on the original" "$sdc audit verify --data $data > /dev/null"

# 3. Bad input changes nothing.
rc=$(run_rc "$sdcd" restore --from "$work/nothing.sdcb" --keys "$work/keys.sdcb" --data "$work/r1")
check "a missing backup is refused (exit 1, named)" "[ $rc = 1 ] && grep -q 'no backup at' $work/rc.err && [ ! -e $work/r1 ]"
size=$(stat -c %s "$work/backup.sdcb")
head -c $((size / 2)) "$work/backup.sdcb" > "$work/cut.sdcb"
rc=$(run_rc "$sdcd" restore --from "$work/cut.sdcb" --keys "$work/keys.sdcb" --data "$work/r1")
check "a cut-short backup is refused (exit 1, cut short)" "[ $rc = 1 ] && grep -q 'cut short' $work/rc.err && [ ! -e $work/r1 ]"
cp "$work/backup.sdcb" "$work/garbled.sdcb"
printf 'XXXXXXXX' | dd of="$work/garbled.sdcb" bs=1 seek=$((size - 20000)) conv=notrunc status=none
rc=$(run_rc "$sdcd" restore --from "$work/garbled.sdcb" --keys "$work/keys.sdcb" --data "$work/r1")
check "a garbled backup is refused (exit 1, SHA-256)" "[ $rc = 1 ] && grep -q 'SHA-256' $work/rc.err && [ ! -e $work/r1 ]"
head -c 4096 /dev/urandom > "$work/noise.sdcb"
rc=$(run_rc "$sdcd" restore --from "$work/noise.sdcb" --keys "$work/keys.sdcb" --data "$work/r1")
check "a file that is no backup is refused (exit 1)" "[ $rc = 1 ] && grep -q 'not an sdc backup' $work/rc.err && [ ! -e $work/r1 ]"
"$sdcd" init --data "$work/other" --listen 127.0.0.1:1 --base-url http://127.0.0.1:1 2> /dev/null
"$sdcd" backup --data "$work/other" --out "$work/other-keys.sdcb" --keys 2> /dev/null
rc=$(run_rc "$sdcd" restore --from "$work/backup.sdcb" --keys "$work/other-keys.sdcb" --data "$work/r1")
check "keys of another registry are refused (exit 1)" "[ $rc = 1 ] && grep -q 'other keys' $work/rc.err && [ ! -e $work/r1 ]"
rc=$(run_rc "$sdcd" restore --from "$work/keys.sdcb" --keys "$work/keys.sdcb" --data "$work/r1")
check "a keys backup is no data backup (exit 1)" "[ $rc = 1 ] && [ ! -e $work/r1 ]"
mkdir -p "$work/full" && touch "$work/full/something"
rc=$(run_rc "$sdcd" restore --from "$work/backup.sdcb" --keys "$work/keys.sdcb" --data "$work/full")
check "a non-empty folder is refused (exit 1)" "[ $rc = 1 ] && grep -q 'not empty' $work/rc.err && [ \$(ls $work/full) = something ]"
check "nothing is left beside the folders" "[ -z \"\$(ls -A $work | grep '^\\.')\" ]"

# 4. Restore into an empty folder and serve it.
mkdir "$work/restored"
rc=$(run_rc "$sdcd" restore --from "$work/backup.sdcb" --keys "$work/keys.sdcb" --data "$work/restored")
check "sdcd restore exits 0" "[ $rc = 0 ]"
[ "$rc" = 0 ] || cat "$work/rc.err"
check "sdc audit verify passes on the restored folder" "$sdc audit verify --data $work/restored > $work/verify.json"
records=$(jget "$work/verify.json" "d['records']")
orig=$(sqlite3 "$data/registry.db" "SELECT group_concat(hex(hash), ',') FROM (SELECT hash FROM audit_log WHERE seq <= $records ORDER BY seq)")
rest=$(sqlite3 "$work/restored/registry.db" "SELECT group_concat(hex(hash), ',') FROM (SELECT hash FROM audit_log ORDER BY seq)")
check "the restored audit trail is the original's first $records records" "[ -n '$orig' ] && [ '$orig' = '$rest' ]"
"$sdcd" serve --data "$work/restored" --listen "127.0.0.1:$port" 2> "$work/serve2.err" &
pid=$!
pids+=("$pid")
check "the restored folder serves" "wait_up $port"
officer=$(login officer demo-officer-pass)
missing=0
while read -r id; do
  [ -n "$id" ] || continue
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base/v1/holders/$id" -H "Authorization: Bearer $officer")
  [ "$code" = 200 ] || { echo "holder $id: $code"; missing=$((missing + 1)); }
done < "$work/acked_holders"
check "every holder acknowledged before the backup is there ($(wc -l < "$work/acked_holders"))" "[ $missing = 0 ]"
expected=$(grep . "$work/acked_cards" | sort -u | wc -l)
list=$(grep . "$work/acked_cards" | sort -u | sed "s/.*/'&'/" | paste -sd, -)
found=$(sqlite3 "$work/restored/registry.db" "SELECT count(*) FROM cards WHERE document_number IN ($list)")
check "every card acknowledged before the backup is there ($expected)" "[ '$found' = '$expected' ]"
check "the restored validity list says the same" "[ '$(list_entries "$base")' = '$original_entries' ]"
curl -fs "$base/v1/holders?a_number=A400000001" -H "Authorization: Bearer $officer" > "$work/found.json"
check "a holder is found by A-number (personal data unsealed)" "grep -q '\"family_name\":\"BACKUP\"' $work/found.json"
stop "$pid"
check "and the restored trail verifies after serving" "$sdc audit verify --data $work/restored > /dev/null"
check "sdcd backup --help names --out and --keys" "$sdcd backup --help | grep -q -- --out && $sdcd backup --help | grep -q -- --keys"

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all sdcd backup checks passed"
