#!/usr/bin/env bash
# Signer keys in a PKCS#11 token (SoftHSM2): sdc pki init --pkcs11 makes the
# key inside the token, sdc issue and sdcd sign with it, the private key is
# not extractable and no key file is written; sdc pki rotate --pkcs11 moves to
# a second token key and back to a file key. Fails (never skips) without
# softhsm2 and opensc (scripts/setup.sh --test installs them).
set -euo pipefail
. "$(dirname "$0")/lib/sdcd.sh"
sdc="$SDC_BIN/sdc"
sdcd="$SDC_BIN/sdcd"
module=/usr/lib/softhsm/libsofthsm2.so
for need in "$module" /usr/bin/softhsm2-util /usr/bin/pkcs11-tool; do
  [ -e "$need" ] || { echo "FAIL missing $need (packages softhsm2 and opensc)"; exit 1; }
done
export SOFTHSM2_CONF="$work/softhsm2.conf"
mkdir "$work/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' "$work/tokens" > "$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label sdc --so-pin 87654321 --pin 12345678 > /dev/null
# The PIN in a private file named by pin-source, never in the URI.
umask 077
printf '12345678\n' > "$work/token.pin"
uri="pkcs11:token=sdc;object=card-signer?module-path=$module&pin-source=file:$work/token.pin"

"$sdc" pki init --dir "$work/keys" --iss USA --pkcs11 "$uri" --now 2026-01-01T00:00:00Z \
  > "$work/init.json" 2> "$work/init.err"
check "pki init --pkcs11 succeeds" "[ -f $work/keys/signer.pem ] && [ -f $work/keys/signers.pem ]"
check "no signer key file is written" "[ ! -e $work/keys/signer.key ] && ! grep -rq 'PRIVATE KEY' $work/keys/signer.pem $work/keys/signers.pem $work/keys/signer.pkcs11"
check "the folder names the token key, without a PIN" \
  "grep -q '^pkcs11:token=sdc;object=card-signer' $work/keys/signer.pkcs11 && ! grep -q 12345678 $work/keys/signer.pkcs11"
pkcs11-tool --module "$module" --token-label sdc --login --pin 12345678 --list-objects --type privkey \
  > "$work/objects.txt" 2>&1 || true
check "the token holds the private key" "grep -q 'label: *card-signer' $work/objects.txt"
check "the private key is sensitive and not extractable" \
  "grep -q 'sensitive' $work/objects.txt && grep -q 'never extractable' $work/objects.txt"
check "pkcs11-tool cannot read the private key out" \
  "! pkcs11-tool --module $module --token-label sdc --login --pin 12345678 --read-object --type privkey --label card-signer > $work/leak.bin 2>/dev/null || [ ! -s $work/leak.bin ]"
check "pki init refuses a second key by the same name" \
  "! $sdc pki init --dir $work/keys2 --pkcs11 '$uri' > /dev/null 2>&1"
check "a wrong PIN is refused" \
  "printf 0000\\\\n > $work/bad.pin && ! $sdc pki init --dir $work/keys3 --pkcs11 'pkcs11:token=sdc;object=other?module-path=$module&pin-source=file:$work/bad.pin' > /dev/null 2>&1"

photo=/usr/share/doc/libdlib19.1/examples/faces/Tom_Cruise_avp_2014_4.jpg
[ -f "$photo" ] || { echo "FAIL missing $photo (package libdlib19.1)"; exit 1; }
cat > "$work/holder.json" <<JSON
{"family_name": "TOKEN", "given_names": "KEY", "date_of_birth": "1990-01-01",
 "sex": "X", "nationality": "XXA", "a_number": "A12-345-678", "portrait": "$photo"}
JSON
port=$(free_port)
"$sdc" issue --keys "$work/keys" --holder "$work/holder.json" --now 2026-01-01T00:00:00Z \
  --status-uri "http://127.0.0.1:$port/status/validity" --status-index 10 > "$work/card.json"
barcode=$(/usr/bin/python3 -c "import json; print(json.load(open('$work/card.json'))['barcode'])")
set +e
"$sdc" verify --root "$work/keys/root.pem" --signers "$work/keys/signers.pem" --barcode "$barcode" \
  --now 2026-01-02T00:00:00Z > "$work/v1.json"
set -e
check "a card signed in the token verifies against the root" "grep -q '\"VALID\"' $work/v1.json"

# sdcd takes the folder; the key stays in the token, the PIN from the file.
"$sdcd" init --data "$work/data" --pki "$work/keys" --base-url "http://127.0.0.1:$port" \
  --listen "127.0.0.1:$port" 2> "$work/sdcd-init.err"
check "sdcd init --pki copies no key file" "[ ! -e $work/data/pki/signer.key ] && [ -f $work/data/pki/signer.pkcs11 ]"
"$sdcd" serve --data "$work/data" 2> "$work/serve.err" &
pids+=("$!")
check "sdcd serves with the token key" "wait_up $port"
curl -fs "http://127.0.0.1:$port/status/validity" > "$work/list.cwt" || true
set +e
"$sdc" verify --root "$work/keys/root.pem" --signers "$work/keys/signers.pem" --barcode "$barcode" \
  --status "$work/list.cwt" --now "$(date -u +%Y-%m-%dT%H:%M:%SZ)" > "$work/v2.json"
rc=$?
set -e
check "the validity list sdcd signed in the token verifies, the card is valid" \
  "[ $rc = 0 ] && grep -q '\"VALID\"' $work/v2.json"
# A card issued through sdcd's API is signed in the token too.
base="http://127.0.0.1:$port"
token_of() {
  curl -fs -X POST "$base/v1/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
password=$(sed -n 's/^password (shown once): //p' "$work/sdcd-init.err")
admin=$(token_of admin "$password" || true)
curl -fs -o /dev/null -X POST "$base/v1/users" -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
  -d '{"username":"officer","password":"officer-pass-123","role":"enrollment_officer"}' || true
officer=$(token_of officer officer-pass-123 || true)
printf '{"a_number":"A12-345-679","family_name":"TOKEN","given_names":"API","date_of_birth":"1990-01-01","sex":"X","nationality":"UTO","language":"en","contact":"","portrait_base64":"%s"}' \
  "$(base64 -w0 "$photo")" > "$work/enroll.json"
holder=$(curl -fs -X POST "$base/v1/holders" -H "Authorization: Bearer $officer" -H 'Content-Type: application/json' \
  --data-binary "@$work/enroll.json" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])' || true)
curl -fs -X POST "$base/v1/holders/$holder/cards" -H "Authorization: Bearer $officer" -H 'Content-Type: application/json' \
  -d '{}' > "$work/api-card.json" || true
api_barcode=$(/usr/bin/python3 -c "import json; print(json.load(open('$work/api-card.json'))['issued']['barcode'])" 2> /dev/null || true)
curl -fs "$base/status/validity" -o "$work/list2.cwt" || true
set +e
"$sdc" verify --root "$work/keys/root.pem" --signers "$work/keys/signers.pem" --barcode "$api_barcode" \
  --status "$work/list2.cwt" > "$work/v3.json"
rc=$?
set -e
check "a card issued through sdcd's API, signed in the token, verifies VALID with its list" \
  "[ -n '$api_barcode' ] && [ $rc = 0 ] && grep -q '\"VALID\"' $work/v3.json"
stop "${pids[-1]}" || true
mv "$work/token.pin" "$work/token.pin.away"
set +e
timeout 20 "$sdcd" serve --data "$work/data" > /dev/null 2> "$work/nopin.err"
rc=$?
set -e
check "without its PIN file sdcd refuses to start and says why" "[ $rc != 0 ] && [ $rc != 124 ] && grep -q pin-source $work/nopin.err"
# signer_pkcs11 in sdcd.toml names the key; the PIN from SDC_PKCS11_PIN.
printf 'signer_pkcs11 = "pkcs11:token=sdc;object=card-signer?module-path=%s"\n' "$module" >> "$work/data/sdcd.toml"
SDC_PKCS11_PIN=12345678 "$sdcd" serve --data "$work/data" 2> "$work/serve2.err" &
pids+=("$!")
check "sdcd serves with the key its config names, PIN from the environment" "wait_up $port"
stop "${pids[-1]}" || true

# Rotation to a new key in the token, with the offline root: the old signer
# stays in the bundle, the new one alone signs new cards.
mv "$work/token.pin.away" "$work/token.pin"
uri2="pkcs11:token=sdc;object=card-signer-2?module-path=$module&pin-source=file:$work/token.pin"
set +e
"$sdc" pki rotate --dir "$work/keys" --root-key "$work/keys/root.key" --pkcs11 "$uri2" \
  --now 2026-06-01T00:00:00Z > "$work/rotate.json" 2> "$work/rotate.err"
rc=$?
set -e
check "pki rotate --pkcs11 succeeds and names the new token key" \
  "[ $rc = 0 ] && grep -q 'object=card-signer-2' $work/rotate.json && grep -q '^pkcs11:token=sdc;object=card-signer-2' $work/keys/signer.pkcs11"
check "rotation keeps the old signer in the bundle and writes no key file" \
  "[ \$(grep -c 'BEGIN CERTIFICATE' $work/keys/signers.pem) = 2 ] && [ ! -e $work/keys/signer.key ]"
pkcs11-tool --module "$module" --token-label sdc --login --pin 12345678 --list-objects --type privkey \
  > "$work/objects2.txt" 2>&1 || true
check "the token holds both signer keys" \
  "grep -q 'label: *card-signer\$' $work/objects2.txt && grep -q 'label: *card-signer-2' $work/objects2.txt"
"$sdc" issue --keys "$work/keys" --holder "$work/holder.json" --now 2026-06-01T00:00:00Z > "$work/card2.json"
barcode2=$(/usr/bin/python3 -c "import json; print(json.load(open('$work/card2.json'))['barcode'])")
verify_with() {
  set +e
  "$sdc" verify --root "$work/keys/root.pem" --signers "$1" --barcode "$2" --now 2026-06-02T00:00:00Z > "$work/vr.json"
  set -e
  grep -q '"VALID"' "$work/vr.json"
}
check "a card signed with the new token key verifies against the new signer alone" \
  "verify_with $work/keys/signer.pem '$barcode2'"
check "a card of the old signer no longer verifies against the new signer alone" \
  "! verify_with $work/keys/signer.pem '$barcode'"
check "a card of the old signer still verifies against the bundle" "verify_with $work/keys/signers.pem '$barcode'"
cp -r "$work/keys" "$work/keys-before"
check "rotating to a key name the token already holds is refused and changes nothing" \
  "! $sdc pki rotate --dir $work/keys --root-key $work/keys/root.key --pkcs11 '$uri2' > /dev/null 2>&1 && diff -r $work/keys-before $work/keys > /dev/null"
"$sdc" pki rotate --dir "$work/keys" --root-key "$work/keys/root.key" --now 2026-07-01T00:00:00Z > /dev/null
check "rotating back to a file key writes signer.key (0600) and drops signer.pkcs11" \
  "[ \$(stat -c %a $work/keys/signer.key) = 600 ] && [ ! -e $work/keys/signer.pkcs11 ] && [ \$(grep -c 'BEGIN CERTIFICATE' $work/keys/signers.pem) = 3 ]"
[ "$fails" = 0 ] && echo "all passed" || { echo "$fails failed"; exit 1; }
