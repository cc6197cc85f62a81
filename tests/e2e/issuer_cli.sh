#!/usr/bin/env bash
# The issuer's workflow through the real binary: pki init and rotate, issue,
# verify, publish and revoke through a status list, mrz, and usage errors.
set -euo pipefail
sdc="$SDC_BIN/sdc"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }

"$sdc" pki init --dir "$work/keys" --iss USA --status-uri https://registry.example/status/1 \
  --now 2026-01-01T00:00:00Z > "$work/init.json" 2> "$work/init.err"
check "pki init writes the key files" \
  "[ -f $work/keys/root.pem ] && [ -f $work/keys/root.key ] && [ -f $work/keys/signer.key ] && [ -f $work/keys/signers.pem ]"
check "private keys are 0600" \
  "[ \$(stat -c %a $work/keys/root.key) = 600 ] && [ \$(stat -c %a $work/keys/signer.key) = 600 ]"
check "pki init says root.key belongs offline" "grep -q offline $work/init.err"
check "no private key is printed" "! grep -q 'PRIVATE KEY' $work/init.json $work/init.err"
check "pki init refuses to overwrite keys" \
  "! $sdc pki init --dir $work/keys > /dev/null 2>&1"

# A real face from a Debian package, read in place (never committed).
photo=/usr/share/doc/libdlib19.1/examples/faces/Tom_Cruise_avp_2014_4.jpg
[ -f "$photo" ] || { echo "FAIL missing $photo (package libdlib19.1)"; exit 1; }
cat > "$work/holder.json" <<JSON
{"family_name": "ÅSTRÖM-O'NEIL", "given_names": "JOSÉ MARÍA", "date_of_birth": "1990-XX-XX",
 "sex": "X", "nationality": "XXA", "a_number": "A12-345-678", "portrait": "$photo"}
JSON
"$sdc" issue --keys "$work/keys" --holder "$work/holder.json" --now 2026-01-01T00:00:00Z \
  --status-index 10 --save-portrait "$work/enrolled.jpg" --render "$work/render" > "$work/card.json"
check "issue prints barcode, mrz, document number and holder" \
  "json $work/card.json \"d['barcode'][:5]=='SDC1:' and len(d['mrz'])==3 and len(d['document_number'])==9 and d['holder']['a_number']=='012345678'\" | grep -q True"
check "the portrait digest is the file's SHA-256" \
  "[ \"\$(json $work/card.json \"d['holder']['portrait_sha256']\")\" = \"\$(sha256sum $work/enrolled.jpg | cut -c1-64)\" ]"
check "the MRZ carries the transliterated name" \
  "json $work/card.json \"d['mrz'][2]\" | grep -q '^AASTROEM<ONEIL<<JOSE<MARIA'"
check "the barcode carries a thumbnail of at most 500 bytes" \
  "json $work/card.json \"0 < len(__import__('base64').b64decode(d['holder']['thumbnail'])) <= 500\" | grep -q True"
check "issue --render writes front, back, UV and PDF" \
  "[ -s $work/render/front.png ] && [ -s $work/render/back.png ] && [ -s $work/render/uv.png ] && pdfinfo $work/render/card.pdf | grep -q 'Pages: *2'"
barcode=$(json "$work/card.json" "d['barcode']")
set +e
"$sdc" verify --root "$work/keys/root.pem" --signers "$work/keys/signers.pem" --image "$work/render/back.png" \
  --now 2026-01-02T00:00:00Z > "$work/img.json"; rc=$?
set -e
docnum=$(json "$work/card.json" "d['document_number']")
check "verify --image reads the rendered back: authentic, same document" \
  "[ $rc = 3 ] && json $work/img.json \"d['result']=='VALID' and d['holder']['document_number']=='$docnum'\" | grep -q True"
printf 'not an image' > "$work/not-a-photo.jpg"
set +e
"$sdc" issue --keys "$work/keys" --holder "$work/holder.json" --portrait "$work/not-a-photo.jpg" > /dev/null 2> "$work/np.err"; rc=$?
set -e
check "a portrait that is no image is refused with a reason" "[ $rc = 2 ] && [ -s $work/np.err ]"

verify() { "$sdc" verify --root "$work/keys/root.pem" --signers "$work/keys/signers.pem" "$@"; }
set +e
verify --barcode "$barcode" --now 2026-01-02T00:00:00Z > "$work/v1.json"; rc=$?
set -e
check "verify without a list: VALID, validity UNKNOWN, exit 3" \
  "[ $rc = 3 ] && json $work/v1.json \"d['result']=='VALID' and d['validity']=='UNKNOWN' and bool(d['validity_reason'])\" | grep -q True"

printf '{"index": 10, "value": 1}\n' | "$sdc" status build --keys "$work/keys" --size 4096 \
  --uri https://registry.example/status/1 --now 2026-01-02T00:00:00Z --out "$work/revoked.cwt" > /dev/null
printf '' | "$sdc" status build --keys "$work/keys" --size 4096 \
  --uri https://registry.example/status/1 --now 2026-01-01T12:00:00Z --out "$work/older.cwt" > /dev/null
set +e
verify --barcode "$barcode" --now 2026-01-02T01:00:00Z --status "$work/revoked.cwt" > "$work/v2.json"; rc=$?
set -e
check "revoked in the list: REVOKED, exit 1" "[ $rc = 1 ] && json $work/v2.json \"d['result']\" | grep -q REVOKED"

set +e
verify --barcode "$barcode" --now 2026-01-02T01:00:00Z --status-cache "$work/cache" \
  --status "$work/revoked.cwt" > /dev/null
verify --barcode "$barcode" --now 2026-01-02T01:00:00Z --status-cache "$work/cache" \
  --status "$work/older.cwt" > "$work/v3.json"; rc=$?
set -e
check "an older list offered later does not replace the newer one" \
  "[ $rc = 1 ] && json $work/v3.json \"d['result']\" | grep -q REVOKED"

"$sdc" status show "$work/revoked.cwt" --root "$work/keys/root.pem" --signers "$work/keys/signers.pem" > "$work/show.json"
check "status show: counts, entries, signature" \
  "json $work/show.json \"d['counts']['invalid']==1 and d['entries']==[{'index':10,'value':1}] and d['signature']=='VALID' and d['size']==4096\" | grep -q True"

"$sdc" pki rotate --dir "$work/keys" --root-key "$work/keys/root.key" --now 2026-06-01T00:00:00Z > /dev/null
check "rotate keeps old signers in the bundle" "[ \$(grep -c 'BEGIN CERTIFICATE' $work/keys/signers.pem) = 2 ]"
set +e
verify --barcode "$barcode" --now 2026-06-02T00:00:00Z > /dev/null; rc=$?
set -e
check "cards of the old signer still verify after rotation" "[ $rc = 3 ]"
"$sdc" issue --keys "$work/keys" --holder "$work/holder.json" --now 2026-06-01T00:00:00Z > "$work/card2.json"
set +e
verify --barcode "$(json $work/card2.json "d['barcode']")" --now 2026-06-02T00:00:00Z > /dev/null; rc=$?
set -e
check "cards of the new signer verify" "[ $rc = 3 ]"
head -n 1 -q "$work/keys/signers.pem" > /dev/null
/usr/bin/python3 - "$work/keys/signers.pem" "$work/only-new.pem" <<'PY'
import sys
pem = open(sys.argv[1]).read().split("-----END CERTIFICATE-----")
open(sys.argv[2], "w").write(pem[1].strip() + "\n-----END CERTIFICATE-----\n")
PY
set +e
"$sdc" verify --root "$work/keys/root.pem" --signers "$work/only-new.pem" --barcode "$barcode" \
  --now 2026-06-02T00:00:00Z > "$work/v4.json"; rc=$?
set -e
check "removing a signer makes its cards UNKNOWN_SIGNER" \
  "[ $rc = 1 ] && json $work/v4.json \"d['result']\" | grep -q UNKNOWN_SIGNER"

cat "$work/keys/signers.pem" "$work/keys/signers.pem" > "$work/dup.pem"
set +e
"$sdc" verify --root "$work/keys/root.pem" --signers "$work/dup.pem" --barcode "$barcode" > /dev/null 2>&1; rc=$?
set -e
check "a bundle with a repeated kid is refused (exit 2)" "[ $rc = 2 ]"

echo '{"document_code":"I","issuing_state":"UTO","document_number":"D23145890","optional_data_1":"","date_of_birth":"740812","sex":"F","date_of_expiry":"120415","nationality":"UTO","optional_data_2":"","primary_identifier":"ERIKSSON","secondary_identifier":"ANNA MARIA"}' > "$work/mrz.json"
"$sdc" mrz --json "$work/mrz.json" > "$work/mrz.out"
check "sdc mrz prints the ICAO specimen" \
  "json $work/mrz.out \"d['mrz']\" | grep -q \"'I<UTOD231458907<<<<<<<<<<<<<<<', '7408122F1204159UTO<<<<<<<<<<<6', 'ERIKSSON<<ANNA<MARIA<<<<<<<<<<'\""

set +e
"$sdc" verify --root "$work/keys/root.pem" --signers "$work/keys/signers.pem" > /dev/null 2>&1; rc1=$?
"$sdc" issue --keys "$work/nowhere" --holder "$work/holder.json" > /dev/null 2>&1; rc2=$?
echo '{"family_name": "X", "bogus": 1}' > "$work/bad.json"
"$sdc" issue --keys "$work/keys" --holder "$work/bad.json" 2> "$work/bad.err" > /dev/null; rc3=$?
"$sdc" verify --root "$work/keys/root.pem" --signers "$work/keys/signers.pem" --barcode 'not a card' > /dev/null; rc4=$?
set -e
check "usage errors exit 2 and name the problem" \
  "[ $rc1 = 2 ] && [ $rc2 = 2 ] && [ $rc3 = 2 ] && grep -q bogus $work/bad.err && [ $rc4 = 1 ]"
for c in pki issue verify status mrz demo; do
  "$sdc" $c --help > /dev/null || { echo "FAIL $c --help"; fails=$((fails + 1)); }
done

echo "issuer cli: $fails failed"
[ $fails = 0 ]
