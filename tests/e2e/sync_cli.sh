#!/usr/bin/env bash
# sdc sync against a real sdcd, and sdc verify --synced offline: first sync,
# a real card VALID, 304 on the next sync, a revocation and a suspension seen
# after syncing again, an older list put back never used, another root
# refused with the folder unchanged, HTTPS checked against a CA, unreachable
# servers, error answers, oversized bodies and redirects refused, and the
# ttl warning.
set -euo pipefail
source "$(dirname "$0")/lib/sdcd.sh"
sdc="$SDC_BIN/sdc"
sdcd="$SDC_BIN/sdcd"
py=/usr/bin/python3
jget() { $py -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
# A digest of every file of a folder, to show it did not change.
snapshot() { (cd "$1" && find . -type f | sort | xargs sha256sum); }

port=$(free_port)
"$sdcd" demo --data "$work/demo" --listen "127.0.0.1:$port" 2> "$work/demo.err" &
pids+=("$!")
check "demo comes up" "wait_up $port"
url="http://127.0.0.1:$port"
call() {  # METHOD PATH [BODY]: the answer in $work/out.json, the status printed
  curl -s -o "$work/out.json" -w '%{http_code}' -X "$1" "$url$2" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' ${3:+-d "$3"}
}
token=$(curl -fs -X POST "$url/v1/login" -H 'Content-Type: application/json' \
  -d '{"username":"officer","password":"demo-officer-pass"}' | $py -c 'import json,sys; print(json.load(sys.stdin)["token"])')
holder() { call GET "/v1/holders?a_number=$1" > /dev/null && jget "$work/out.json" "d['holders'][0]['id']"; }
h1=$(holder 201555001)
h2=$(holder 201555003)
check "two demo holders" "[ -n '$h1' ] && [ -n '$h2' ]"
code=$(call POST "/v1/holders/$h1/cards" '{}')
check "issue a card" "[ $code = 201 ]"
barcode1=$(jget "$work/out.json" "d['barcode']")
doc1=$(jget "$work/out.json" "d['document_number']")
code=$(call POST "/v1/holders/$h2/cards" '{}')
check "issue another card" "[ $code = 201 ]"
barcode2=$(jget "$work/out.json" "d['barcode']")
doc2=$(jget "$work/out.json" "d['document_number']")
index2=$(jget "$work/out.json" "d['issued']['status_index']")
# Their list entries are published within a second; sync once that is done,
# so that the next sync finds nothing new.
settled_after "$(date +%s)"

dir="$work/synced"
# 1. First sync: the root is pinned, everything kept.
rc=0
"$sdc" sync --from "$url" --dir "$dir" > "$work/s1.json" 2> "$work/s1.err" || rc=$?
check "first sync succeeds" "[ $rc = 0 ]"
check "first sync pins the root and fetches the list" \
  "jget $work/s1.json \"d['root'].startswith('pinned') and d['validity_list'].startswith('fetched')\" | grep -q True"
check "the summary gives the status as of, its age and ttl" \
  "jget $work/s1.json \"d['status_as_of'][:2]=='20' and d['status_list_age_seconds'] >= 0 and d['status_list_ttl_seconds']==3600 and 'status_list_warning' not in d\" | grep -q True"
check "the folder holds root, signers, list and state" \
  "[ -s $dir/root.pem ] && [ -s $dir/signers.pem ] && [ -s $dir/validity.cwt ] && [ -s $dir/sync.json ]"
curl -fs "$url/trust/root.pem" -o "$work/root.pem"
check "the kept root is the server's" "cmp -s $work/root.pem $dir/root.pem"
check "the state holds the ETag and the url" \
  "jget $dir/sync.json \"d['etag'].startswith('\\\"') and d['url']=='$url' and d['list']['ttl']==3600\" | grep -q True"
cp "$dir/validity.cwt" "$work/first.cwt"

rc=0
"$sdc" verify --synced "$dir" --barcode "$barcode1" > "$work/v1.json" || rc=$?
check "verify --synced: a real card is VALID, exit 0" \
  "[ $rc = 0 ] && jget $work/v1.json \"d['result']=='VALID' and d['validity']=='VALID'\" | grep -q True"
check "verify --synced gives the list's age and where it came from" \
  "jget $work/v1.json \"d['status_list_age_seconds'] >= 0 and d['synced_from']=='$url' and 'status_list_warning' not in d\" | grep -q True"

# 2. Nothing changed on the server: 304, the list kept.
rc=0
"$sdc" sync --from "$url" --dir "$dir" > "$work/s2.json" || rc=$?
check "second sync: 304, list unchanged" \
  "[ $rc = 0 ] && jget $work/s2.json \"'304' in d['validity_list'] and d['root']=='unchanged' and d['signers']=='unchanged'\" | grep -q True"
check "the kept list is the same file" "cmp -s $work/first.cwt $dir/validity.cwt"

# 3. Revoke one card and suspend the other; the next sync sees both.
code=$(call POST "/v1/cards/$doc1/revoke" '{"reason":"stolen"}')
check "revoke through the API" "[ $code = 200 ]"
code=$(call POST "/v1/cards/$doc2/suspend" '{"reason":"test"}')
check "suspend through the API" "[ $code = 200 ]"
check "both are in the published list within about a second" "list_says $url $index2 2 $work/published.cwt"
rc=0
"$sdc" verify --synced "$dir" --barcode "$barcode1" > /dev/null || rc=$?
check "before syncing, the kept list still says VALID" "[ $rc = 0 ]"
rc=0
"$sdc" sync --from "$url" --dir "$dir" > "$work/s3.json" || rc=$?
check "third sync fetches a newer list" \
  "[ $rc = 0 ] && jget $work/s3.json \"d['validity_list']=='fetched (newer)' and d['status_as_of'] > '$(jget "$work/s1.json" "d['status_as_of']")'\" | grep -q True"
rc=0
"$sdc" verify --synced "$dir" --barcode "$barcode1" > "$work/v3.json" || rc=$?
check "verify --synced: the revoked card is REVOKED, exit 1" \
  "[ $rc = 1 ] && jget $work/v3.json \"d['result']\" | grep -q REVOKED"
rc=0
"$sdc" verify --synced "$dir" --barcode "$barcode2" > "$work/v4.json" || rc=$?
check "verify --synced: the suspended card is SUSPENDED, exit 1" \
  "[ $rc = 1 ] && jget $work/v4.json \"d['result']\" | grep -q SUSPENDED"

# 4. An older list never replaces the kept one.
rc=0
"$sdc" verify --synced "$dir" --status "$work/first.cwt" --barcode "$barcode1" > "$work/v5.json" || rc=$?
check "an older list given with --status is not taken: still REVOKED" \
  "[ $rc = 1 ] && jget $work/v5.json \"d['result']=='REVOKED' and 'older' in d['status_list_problems'][0]\" | grep -q True"
cp "$dir/validity.cwt" "$work/newest.cwt"
cp "$work/first.cwt" "$dir/validity.cwt"
rc=0
"$sdc" verify --synced "$dir" --barcode "$barcode1" > "$work/v6.json" || rc=$?
check "an older list file put back in the folder is not used: not VALID, validity unknown (exit 3)" \
  "[ $rc = 3 ] && jget $work/v6.json \"d['validity']=='UNKNOWN' and 'older than the list last synced' in d['validity_reason']\" | grep -q True"
rc=0
"$sdc" sync --from "$url" --dir "$dir" > "$work/s4.json" || rc=$?
check "the next sync fetches the list whole again (no 304) and restores it" \
  "[ $rc = 0 ] && jget $work/s4.json \"d['validity_list']\" | grep -q '^fetched' && cmp -s $work/newest.cwt $dir/validity.cwt"
rc=0
"$sdc" verify --synced "$dir" --barcode "$barcode1" > /dev/null || rc=$?
check "after it, REVOKED again" "[ $rc = 1 ]"

# 5. The ttl warning, past iat + ttl.
iat=$(jget "$work/s4.json" "d['status_as_of']")
late=$($py -c 'import datetime,sys; t=datetime.datetime.fromisoformat(sys.argv[1].replace("Z","+00:00")); print(int(t.timestamp())+3601)' "$iat")
rc=0
"$sdc" verify --synced "$dir" --barcode "$barcode2" --now "$late" > "$work/v7.json" || rc=$?
check "verify --synced past the ttl warns, and gives the age" \
  "jget $work/v7.json \"d['status_list_age_seconds']==3601 and 'past its ttl of 3600 s' in d['status_list_warning']\" | grep -q True"
"$sdc" sync --from "$url" --dir "$dir" --now "$late" > "$work/s5.json"
check "sync at that time warns too" \
  "jget $work/s5.json \"'past its ttl' in d['status_list_warning']\" | grep -q True"

# 6. Another root (a second demo, over HTTPS) is refused; the folder is unchanged.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -subj /CN=localhost -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2> /dev/null
chmod 600 "$work/key.pem"
port2=$(free_port)
"$sdcd" demo --data "$work/other" --listen "127.0.0.1:$port2" --tls-cert "$work/cert.pem" \
  --tls-key "$work/key.pem" 2> "$work/other.err" &
pids+=("$!")
url2="https://127.0.0.1:$port2"
check "a second demo comes up over HTTPS" "wait_up $url2 --cacert $work/cert.pem"
snapshot "$dir" > "$work/before.sum"
rc=0
"$sdc" sync --from "$url2" --dir "$dir" --ca-file "$work/cert.pem" > /dev/null 2> "$work/root.err" || rc=$?
check "a server with another root is refused, exit 1, naming the pinned root" \
  "[ $rc = 1 ] && grep -q 'differs from the one pinned' $work/root.err"
check "the folder is unchanged" "snapshot $dir | cmp -s - $work/before.sum"
rc=0
"$sdc" sync --from "$url2" --dir "$work/tls" --ca-file "$work/cert.pem" > "$work/tls.json" || rc=$?
check "sync over HTTPS with --ca-file into a new folder" \
  "[ $rc = 0 ] && jget $work/tls.json \"d['root'].startswith('pinned')\" | grep -q True"
rc=0
"$sdc" sync --from "$url2" --dir "$work/tls-unchecked" > /dev/null 2> "$work/tls.err" || rc=$?
check "the server's certificate is checked: without its CA the sync is refused, nothing written" \
  "[ $rc = 2 ] && grep -qi 'ssl\|certificate' $work/tls.err && [ ! -e $work/tls-unchecked ]"

# 7. Unreachable, error answers, oversized bodies and redirects.
dead=$(free_port)
rc=0
"$sdc" sync --from "http://127.0.0.1:$dead" --dir "$dir" > /dev/null 2> "$work/dead.err" || rc=$?
check "an unreachable server: a clear error, exit 2, the folder unchanged" \
  "[ $rc = 2 ] && grep -q 'cannot fetch' $work/dead.err && snapshot $dir | cmp -s - $work/before.sum"
mkdir -p "$work/www/big/trust" "$work/www/none/trust" "$work/www/moved/trust/root.pem" "$work/www/bad/trust" "$work/www/bad/status"
head -c $((1024 * 1024 + 1)) /dev/zero > "$work/www/big/trust/root.pem"
cp "$work/root.pem" "$work/www/none/trust/root.pem"
cp "$work/root.pem" "$work/www/bad/trust/root.pem"
curl -fs "$url/trust/signers.pem" -o "$work/www/bad/trust/signers.pem"
echo "not a list" > "$work/www/bad/status/validity"
port3=$(free_port)
$py -m http.server --bind 127.0.0.1 --directory "$work/www" "$port3" > /dev/null 2>&1 &
pids+=("$!")
for _ in $(seq 1 100); do curl -s "http://127.0.0.1:$port3/" > /dev/null && break; sleep 0.1; done
plain="http://127.0.0.1:$port3"
rc=0
"$sdc" sync --from "$plain/big" --dir "$dir" > /dev/null 2> "$work/big.err" || rc=$?
check "an oversized body is refused" "[ $rc = 2 ] && grep -q 'larger than 1048576 bytes' $work/big.err"
rc=0
"$sdc" sync --from "$plain/none" --dir "$dir" > /dev/null 2> "$work/none.err" || rc=$?
check "a 404 is a clear error" "[ $rc = 2 ] && grep -q 'signers.pem answered HTTP 404' $work/none.err"
rc=0
"$sdc" sync --from "$plain/moved" --dir "$dir" > /dev/null 2> "$work/moved.err" || rc=$?
check "a redirect is not followed" "[ $rc = 2 ] && grep -q 'answered HTTP 301 (redirects are not followed)' $work/moved.err"
rc=0
"$sdc" sync --from "$plain/bad" --dir "$dir" > /dev/null 2> "$work/bad.err" || rc=$?
check "a list that does not verify is refused, exit 1" \
  "[ $rc = 1 ] && grep -q 'validity list from $plain/bad does not verify' $work/bad.err"
check "after all of these, the folder is unchanged" "snapshot $dir | cmp -s - $work/before.sum"

# 8. Usage.
rc=0
"$sdc" verify --synced "$dir" --root "$work/root.pem" --barcode "$barcode1" > /dev/null 2> "$work/u1.err" || rc=$?
check "--synced with --root is refused" "[ $rc = 2 ] && grep -q 'either --synced or --root' $work/u1.err"
rc=0
"$sdc" verify --barcode "$barcode1" > /dev/null 2> "$work/u2.err" || rc=$?
check "verify without --root, --signers or --synced is refused" "[ $rc = 2 ] && grep -q 'required' $work/u2.err"
rc=0
"$sdc" verify --synced "$work/empty" --barcode "$barcode1" > /dev/null 2> "$work/u3.err" || rc=$?
check "--synced on a folder never synced says to sync first" "[ $rc = 2 ] && grep -q 'run sdc sync' $work/u3.err"
rc=0
"$sdc" sync --from "ftp://127.0.0.1" --dir "$work/ftp" > /dev/null 2> "$work/u4.err" || rc=$?
check "a URL that is not http(s) is refused" "[ $rc = 2 ] && grep -q 'not an http:// or https:// URL' $work/u4.err"
"$sdc" sync --help > "$work/help.txt"
check "the help says the root is pinned on the first sync" "grep -q 'pinned' $work/help.txt"

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all sync checks passed"
