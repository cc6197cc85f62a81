#!/usr/bin/env bash
# Two sdcd on one PostgreSQL database and one data folder behave as one
# service: `sdcd init --store postgres` migrates a fresh database; a token
# from one works on the other; parallel issuance split over both never
# repeats a document number or a status index; the published validity list's
# iat never goes back and grows with every change, whichever sdcd is asked;
# a card revoked through one is REVOKED, offline, in the list fetched from the
# other; enrolment with a portrait, lookup and issuance work on PostgreSQL;
# the audit trail written by both verifies.
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
jget() { $py -c "import json,sys; d=json.load(open('$1')); print($2)"; }
# login BASE USER PASSWORD -> token
login() {
  curl -fs -X POST "$1/v1/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$2\",\"password\":\"$3\"}" | $py -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
# call METHOD BASE PATH TOKEN [BODY] -> body in $work/out.json, HTTP status on stdout
call() {
  local args=(-s -o "$work/out.json" -w '%{http_code}' -X "$1" "$2$3" -H "Authorization: Bearer $4")
  [ $# -ge 5 ] && args+=(-H 'Content-Type: application/json' -d "$5")
  curl "${args[@]}"
}
# The issued_at of the validity list that BASE publishes now.
list_iat() {
  curl -fs "$1/status/validity" -o "$work/list.cwt" &&
    "$sdc" status show "$work/list.cwt" | $py -c 'import json,sys; print(json.load(sys.stdin)["issued_at"])'
}

pg_require
pg_new_database pg e2e
db=$pg_name
[ -r "$face" ] || { echo "FAIL missing $face (package libdlib19.1)"; exit 1; }
base64 -w0 "$face" > "$work/portrait.b64"

port_a=$(free_port)
port_b=$(free_port)
a="http://127.0.0.1:$port_a"
b="http://127.0.0.1:$port_b"
data="$work/data"

# 1. init on PostgreSQL: the database is migrated, the folder keeps the keys.
#    A failed init (a --pki folder that is not one) leaves the database as it
#    found it, so the next init on it goes through.
mkdir -p "$work/not-pki"
rc=0
"$sdcd" init --data "$work/failed" --store postgres --postgres "$pg" --pki "$work/not-pki" \
  2> "$work/init0.err" || rc=$?
check "init with a --pki folder that is not one fails" "[ $rc != 0 ]"
check "and leaves no folder" "[ ! -e $work/failed ]"
tables=$(psql "$pg" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'" 2> /dev/null || echo "?")
check "and leaves the database empty" "[ '$tables' = 0 ]"
"$sdcd" init --data "$data" --store postgres --postgres "$pg" --base-url "$a" 2> "$work/init.err" ||
  { cat "$work/init.err"; echo "FAIL sdcd init --store postgres"; exit 1; }
password=$(sed -n 's/^password (shown once): //p' "$work/init.err")
check "init prints the administrator's password" "[ -n '$password' ]"
version=$(psql "$pg" -tAc 'SELECT max(version) FROM schema_migrations' 2> /dev/null || echo 0)
check "init migrated the PostgreSQL database" "[ '${version:-0}' -ge 1 ]"
check "no SQLite database in the folder" "[ ! -e $data/registry.db ]"
check "the folder keeps the keys" "[ -s $data/pii.keys ] && [ -s $data/checkpoint.key ] && [ -s $data/pki/signer.key ]"
check "sdcd.toml names the store and the conninfo" \
  "grep -q '^store = \"postgres\"' $data/sdcd.toml && grep -qF 'dbname=$db' $data/sdcd.toml"
rc=0
"$sdcd" init --data "$work/other" --store postgres --postgres "$pg" 2> "$work/init2.err" || rc=$?
check "a second init on the same database is refused" \
  "[ $rc != 0 ] && grep -q 'already holds a registry' $work/init2.err"
check "the refused init leaves no folder behind" "[ ! -e $work/other ]"
# A small list, so that parallel issuance has to avoid taken indices.
sed -i 's/^status_list_size = .*/status_list_size = 128/' "$data/sdcd.toml"

# 2. Two sdcd on the folder and the database: one from sdcd.toml and a flag,
#    the other with its address from the environment.
"$sdcd" serve --data "$data" --listen "127.0.0.1:$port_a" 2> "$work/a.err" &
pid_a=$!
pids+=("$pid_a")
SDCD_LISTEN="127.0.0.1:$port_b" "$sdcd" serve --data "$data" 2> "$work/b.err" &
pid_b=$!
pids+=("$pid_b")
check "sdcd A comes up" "wait_up $port_a"
check "sdcd B comes up (SDCD_LISTEN)" "wait_up $port_b"
check "both say they serve PostgreSQL" "grep -q 'store: postgres' $work/a.err && grep -q 'store: postgres' $work/b.err"

# 3. One service: a token from A works on B; accounts made on B log in on A.
admin_token=$(login "$a" admin "$password" || true)
check "admin logs in on A" "[ -n '$admin_token' ]"
code=$(call POST "$b" /v1/users "$admin_token" \
  '{"username":"officer","password":"officer-pass-123","role":"enrollment_officer"}')
check "A's token works on B (B creates a user with it)" "[ $code = 201 ]"
officer=$(login "$a" officer officer-pass-123 || true)
check "the user made on B logs in on A" "[ -n '$officer' ]"
code=$(call GET "$b" /v1/users "$admin_token")
check "A's token lists the users on B" "[ $code = 200 ] && grep -q officer $work/out.json"
logout_code=$(call POST "$b" /v1/logout "$admin_token" '{}')
code_b=$(call GET "$b" /v1/users "$admin_token")
check "a token revoked on B is refused on B at once ($code_b)" "[ $code_b = 401 ]"
sleep 1.2  # A remembers a checked session for at most 1 s (Accounts::kSessionRecheck)
code=$(call GET "$a" /v1/users "$admin_token")
check "a token revoked on B (logout: $logout_code) is refused on A ($code)" \
  "[ $logout_code = 204 ] && [ $code = 401 ]"

# 4. The API on PostgreSQL: enrol with a portrait, find, issue.
enrol() {
  printf '{"a_number":"%s","family_name":"PGTEST","given_names":"ANNA","date_of_birth":"1974-08-12","sex":"F","nationality":"UTO","language":"sv","portrait_base64":"%s"}' \
    "$1" "$(cat "$work/portrait.b64")" > "$work/enrol-$1.json"
  curl -s -o "$work/holder-$1.json" -w '%{http_code}' -X POST "$2/v1/holders" \
    -H "Authorization: Bearer $officer" -H 'Content-Type: application/json' -d @"$work/enrol-$1.json"
}
code=$(enrol A401000000 "$a")
check "enrol with a portrait on A" "[ $code = 201 ]"
holder=$(jget "$work/holder-A401000000.json" "d['id']" 2> /dev/null || echo none)
code=$(call GET "$b" "/v1/holders?a_number=A401-000-000" "$officer")
check "find by A-number on B" "[ $code = 200 ] && [ \"\$(jget $work/out.json \"d['holders'][0]['id']\")\" = '$holder' ]"
code=$(call GET "$b" "/v1/holders?family_name=pgtest&date_of_birth=1974-08-12" "$officer")
check "find by name and date of birth on B" "[ $code = 200 ] && grep -q '$holder' $work/out.json"
code=$(call POST "$b" "/v1/holders/$holder/cards" "$officer" '{}')
check "issue a card on B" "[ $code = 201 ] && grep -q '\"barcode\"' $work/out.json"
cp "$work/out.json" "$work/card0.json"

# 5. Parallel issuance split over both: 32 holders, 32 cards at once.
n=32
bg=()
wait_bg() {
  for j in "${bg[@]}"; do wait "$j" || true; done
  bg=()
}
for i in $(seq 1 $n); do
  an=$(printf 'A4010%05d' "$i")
  if [ $((i % 2)) = 0 ]; then base="$a"; else base="$b"; fi
  enrol "$an" "$base" > "$work/enrol-code-$i" &
  bg+=($!)
done
wait_bg
enrolled=0
for i in $(seq 1 $n); do [ "$(cat "$work/enrol-code-$i")" = 201 ] && enrolled=$((enrolled + 1)); done
check "$n parallel enrolments over both succeed" "[ $enrolled = $n ]"
for i in $(seq 1 $n); do
  an=$(printf 'A4010%05d' "$i")
  id=$(jget "$work/holder-$an.json" "d['id']" 2> /dev/null || echo none)
  if [ $((i % 2)) = 0 ]; then base="$b"; else base="$a"; fi
  curl -s -o "$work/card-$i.json" -w '%{http_code}' -X POST "$base/v1/holders/$id/cards" \
    -H "Authorization: Bearer $officer" -H 'Content-Type: application/json' -d '{}' > "$work/card-code-$i" &
  bg+=($!)
done
# Meanwhile, the list as both publish it never goes back.
: > "$work/iats"
for _ in $(seq 1 10); do
  list_iat "$a" >> "$work/iats" || true
  list_iat "$b" >> "$work/iats" || true
done
wait_bg
issued=0
for i in $(seq 1 $n); do [ "$(cat "$work/card-code-$i")" = 201 ] && issued=$((issued + 1)); done
check "$n parallel card issues over both succeed" "[ $issued = $n ]"
$py - "$work" "$n" > "$work/uniq.txt" << 'PY'
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
cards = [json.load(open(f"{work}/card0.json"))]
for i in range(1, n + 1):
    try:
        cards.append(json.load(open(f"{work}/card-{i}.json")))
    except Exception:
        pass
docs = [c.get("document_number") for c in cards]
idx = [c.get("issued", {}).get("status_index") for c in cards]
print(len(cards), len(set(docs)), len(set(idx)))
PY
read -r total uniq_docs uniq_idx < "$work/uniq.txt"
check "no document number repeats ($uniq_docs of $total)" "[ $total = $((n + 1)) ] && [ $uniq_docs = $total ]"
check "no status index repeats ($uniq_idx of $total)" "[ $total = $((n + 1)) ] && [ $uniq_idx = $total ]"
check "the list seen during issuance never went back in time" \
  "[ -s $work/iats ] && sort -c $work/iats"

# 6. Every change gives a strictly larger iat, whichever sdcd made it or is asked
# (each change waits for its publication, at most a second).
doc() { jget "$work/card-$1.json" "d['document_number']"; }
prev=$(list_iat "$b")
ok=1
step=0
for change in "a suspend 1" "b lift-suspension 1" "a suspend 2" "b revoke 3" "a revoke 4" "b suspend 5"; do
  read -r via what i <<< "$change"
  if [ "$via" = a ]; then made="$a"; asked="$b"; else made="$b"; asked="$a"; fi
  code=$(call POST "$made" "/v1/cards/$(doc "$i")/$what" "$officer" '{"reason":"test"}')
  [ "$code" = 200 ] || { echo "  $what through $via: HTTP $code $(cat "$work/out.json")"; ok=0; }
  # Published within about a second, by whichever sdcd's publisher is first.
  index=$(jget "$work/card-$i.json" "d['issued']['status_index']")
  case $what in suspend) want=2 ;; revoke) want=1 ;; *) want=0 ;; esac
  list_says "$asked" "$index" "$want" "$work/list.cwt" || { echo "  after $what: not in $asked's list"; ok=0; }
  list_says "$made" "$index" "$want" "$work/list.cwt" || { echo "  after $what: not in $made's list"; ok=0; }
  now=$(list_iat "$asked")
  again=$(list_iat "$made")
  [[ "$now" > "$prev" ]] || { echo "  after $what: iat $now is not after $prev"; ok=0; }
  [ "$now" = "$again" ] || { echo "  after $what: A and B publish different lists ($now, $again)"; ok=0; }
  prev=$now
  step=$((step + 1))
done
check "each of $step changes gives a strictly larger iat, the same on both" "[ $ok = 1 ]"

# 7. Revoke through A; B's list, fetched fresh, makes `sdc verify` say REVOKED offline.
barcode=$(jget "$work/card0.json" "d['barcode']")
code=$(call POST "$a" "/v1/cards/$(jget "$work/card0.json" "d['document_number']")/revoke" "$officer" '{"reason":"stolen"}')
check "revoke through A" "[ $code = 200 ]"
check "B publishes the revocation within about a second" \
  "list_says $b $(jget "$work/card0.json" "d['issued']['status_index']") 1 $work/validity.cwt"
curl -fs "$b/trust/root.pem" -o "$work/root.pem"
curl -fs "$b/trust/signers.pem" -o "$work/signers.pem"
rc=0
"$sdc" verify --root "$work/root.pem" --signers "$work/signers.pem" --status "$work/validity.cwt" \
  --barcode "$barcode" > "$work/verify.json" || rc=$?
check "sdc verify with B's list: REVOKED, offline" \
  "[ \"\$(jget $work/verify.json \"d['result']\")\" = REVOKED ] && [ $rc = 1 ]"
barcode1=$(jget "$work/card-6.json" "d['issued']['barcode']")
rc=0
"$sdc" verify --root "$work/root.pem" --signers "$work/signers.pem" --status "$work/validity.cwt" \
  --barcode "$barcode1" > "$work/verify1.json" || rc=$?
check "an untouched card in the same list: VALID" \
  "[ \"\$(jget $work/verify1.json \"d['result']\")\" = VALID ] && [ $rc = 0 ]"

# 8. Both stop cleanly; the trail both wrote verifies against their checkpoints.
rc_a=0
stop "$pid_a" || rc_a=$?
rc_b=0
stop "$pid_b" || rc_b=$?
check "SIGTERM stops both with exit 0" "[ $rc_a = 0 ] && [ $rc_b = 0 ]"
rc=0
"$sdc" audit verify --data "$data" --postgres "$pg" > "$work/audit.json" 2>&1 || rc=$?
check "sdc audit verify passes on the trail both wrote" \
  "[ $rc = 0 ] && [ \"\$(jget $work/audit.json \"d['intact']\")\" = True ]"
check "no password or conninfo in the logs" \
  "! grep -qF -- '$password' $work/a.err $work/b.err && ! grep -qF -- 'dbname=$db' $work/a.err $work/b.err"

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all sdcd-on-PostgreSQL checks passed"
