#!/usr/bin/env bash
# sdcd through the real binary: init, serve on a free port, health, API
# description, login, demo seeding, and a clean exit (0) on SIGTERM.
set -euo pipefail
source "$(dirname "$0")/lib/sdcd.sh"
sdcd="$SDC_BIN/sdcd"

port=$(free_port)
"$sdcd" init --data "$work/data" --base-url "http://127.0.0.1:$port" 2> "$work/init.err"
password=$(sed -n 's/^password (shown once): //p' "$work/init.err")
check "init prints the administrator's password once" "[ -n '$password' ]"
check "key files are 0600" \
  "[ \$(stat -c %a $work/data/pii.keys) = 600 ] && [ \$(stat -c %a $work/data/checkpoint.key) = 600 ]"
# Accounts live in the database: an Argon2id hash there, no users file, and
# the password nowhere in the clear (database dump or any file of the folder).
check "no users file" "[ ! -e $work/data/users.json ]"
sqlite3 "$work/data/registry.db" .dump > "$work/dump.sql"
check "the administrator's account is in the database, as an Argon2id hash" \
  "grep -q \"'admin','u-[0-9a-f]*','administrator','\\\$argon2id\\\$v=\" $work/dump.sql"
check "no password is stored in the clear" \
  "[ \$(grep -c -F -- '$password' $work/dump.sql) = 0 ] && ! grep -rqF -- '$password' $work/data"
check "init refuses an existing data folder" "! $sdcd init --data $work/data > /dev/null 2>&1"

"$sdcd" serve --data "$work/data" --listen "127.0.0.1:$port" 2> "$work/serve.err" &
pid=$!
pids+=("$pid")
check "serve comes up" "wait_up $port"
curl -fs "http://127.0.0.1:$port/healthz" > "$work/healthz" || true
check "healthz" "grep -q ok $work/healthz"
curl -fs "http://127.0.0.1:$port/openapi.yaml" > "$work/openapi.yaml" || true
check "openapi.yaml" "grep -q '^openapi: 3' $work/openapi.yaml"
curl -fs -X POST "http://127.0.0.1:$port/v1/login" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$password\"}" > "$work/login.json" || true
check "admin logs in" "grep -q '\"token\"' $work/login.json"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/v1/login" \
  -H 'Content-Type: application/json' -d '{"username":"admin","password":"wrong-password"}')
check "wrong password is 401" "[ $code = 401 ]"
check "status list is served" \
  "[ \$(curl -s -o /dev/null -w '%{content_type}' http://127.0.0.1:$port/status/validity) = application/statuslist+cwt ]"
check "a checkpoint is signed when serving starts" "[ -s $work/data/audit.checkpoints ]"
check "the audit chain verifies while serving" "$SDC_BIN/sdc audit verify --data $work/data > /dev/null"
signed_before=$(wc -l < "$work/data/audit.checkpoints")
rc=0
stop "$pid" || rc=$?
check "SIGTERM stops serve with exit 0" "[ $rc = 0 ]"
check "another checkpoint is signed at shutdown" "[ \$(wc -l < $work/data/audit.checkpoints) -gt $signed_before ]"
check "the log holds no password" "! grep -q '$password' $work/serve.err"

port2=$(free_port)
"$sdcd" demo --data "$work/demo" --listen "127.0.0.1:$port2" 2> "$work/demo.err" &
pid=$!
pids+=("$pid")
check "demo comes up" "wait_up $port2"
check "demo prints the logins" "grep -q 'demo-officer-pass' $work/demo.err"
token=$(curl -fs -X POST "http://127.0.0.1:$port2/v1/login" -H 'Content-Type: application/json' \
  -d '{"username":"officer","password":"demo-officer-pass"}' | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' || true)
check "demo officer logs in" "[ -n '$token' ]"
curl -fs -H "Authorization: Bearer $token" \
  "http://127.0.0.1:$port2/v1/holders?family_name=specimen&date_of_birth=1974-08-12" > "$work/found.json" || true
check "demo specimens are enrolled" "grep -q SPECIMEN $work/found.json"
curl -fs -H "Authorization: Bearer $token" "http://127.0.0.1:$port2/v1/offices" > "$work/offices.json" || true
check "demo offices are seeded in three zones, with hours" \
  "grep -q 'America/New_York' $work/offices.json && grep -q 'America/Phoenix' $work/offices.json && grep -q 'Pacific/Honolulu' $work/offices.json && grep -q '08:00-16:00' $work/offices.json"
# The holder the demo prints signs in with document number and PIN, and
# finds the booked appointment and the hearings, one of them moved.
doc=$(sed -n 's/.*with document number \([0-9A-Z]*\) and PIN \([0-9]*\)$/\1/p' "$work/demo.err")
pin=$(sed -n 's/.*with document number \([0-9A-Z]*\) and PIN \([0-9]*\)$/\2/p' "$work/demo.err")
check "demo prints a holder's document number and PIN" "[ -n '$doc' ] && [ -n '$pin' ]"
htoken=$(curl -fs -X POST "http://127.0.0.1:$port2/v1/me/login" -H 'Content-Type: application/json' \
  -d "{\"document_number\":\"$doc\",\"pin\":\"$pin\"}" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])' || true)
check "the demo holder logs in" "[ -n '$htoken' ]"
curl -fs -H "Authorization: Bearer $htoken" "http://127.0.0.1:$port2/v1/me/appointments" > "$work/appts.json" || true
check "the demo holder has a booked appointment" "grep -q '\"state\":\"booked\"' $work/appts.json"
curl -fs -H "Authorization: Bearer $htoken" "http://127.0.0.1:$port2/v1/me/hearings" > "$work/hearings.json" || true
check "the demo holder's hearing was moved" "grep -q '\"previous\"' $work/hearings.json"
curl -fs -H "Authorization: Bearer $htoken" "http://127.0.0.1:$port2/v1/me/calendar.ics" > "$work/demo.ics" || true
check "the demo holder's calendar has the appointment and the hearing" \
  "grep -q '^UID:appointment-' $work/demo.ics && grep -q '^UID:hearing-' $work/demo.ics"
rc=0
stop "$pid" || rc=$?
check "SIGTERM stops demo with exit 0" "[ $rc = 0 ]"

# init --pki takes existing issuer keys (never root.key), and refuses a
# signer key others can read.
"$SDC_BIN/sdc" pki init --dir "$work/keys" > /dev/null 2>&1
chmod 644 "$work/keys/signer.key"
check "init --pki refuses a signer key others can read" \
  "! $sdcd init --data $work/taken --pki $work/keys 2> $work/pki.err && grep -q 'chmod 600' $work/pki.err && [ ! -e $work/taken ]"
chmod 600 "$work/keys/signer.key"
port3=$(free_port)
"$sdcd" init --data "$work/taken" --pki "$work/keys" --listen "127.0.0.1:$port3" 2> /dev/null
check "init --pki copies the signer key 0600 and leaves root.key behind" \
  "cmp -s $work/keys/signer.key $work/taken/pki/signer.key && [ \$(stat -c %a $work/taken/pki/signer.key) = 600 ] && [ ! -e $work/taken/pki/root.key ]"
"$sdcd" serve --data "$work/taken" 2> "$work/taken.err" &
pid=$!
pids+=("$pid")
check "a service on taken keys comes up" "wait_up $port3"
curl -fs "http://127.0.0.1:$port3/trust/root.pem" > "$work/taken-root.pem" || true
check "it publishes the taken root" "cmp -s $work/keys/root.pem $work/taken-root.pem"
stop "$pid" || true

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all sdcd checks passed"
