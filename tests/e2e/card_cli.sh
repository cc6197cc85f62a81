#!/usr/bin/env bash
# Card production through the real binary: portrait check verdicts and exit
# statuses, render and render-batch outputs, and a print run whose backs scan.
set -euo pipefail
sdc="$SDC_BIN/sdc"
faces=/usr/share/doc/libdlib19.1/examples/faces
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
json() { /usr/bin/python3 -c "import json,sys; d=json.load(open('$1')); print($2)"; }
rc_of() { set +e; "$@" > "$work/out.json" 2> "$work/err.txt"; echo $? > "$work/rc"; set -e; cat "$work/rc"; }

check "one face is accepted (exit 0)" "[ \$(rc_of $sdc portrait check $faces/Tom_Cruise_avp_2014_4.jpg --json) = 0 ] && json $work/out.json \"d['accepted']\" | grep -q True"
check "several faces are refused (exit 1) with the reason" "[ \$(rc_of $sdc portrait check $faces/bald_guys.jpg --json) = 1 ] && grep -q several_faces $work/out.json"
check "no face is refused (exit 1) with the reason" "[ \$(rc_of $sdc portrait check $faces/dogs.jpg --json) = 1 ] && grep -q no_face $work/out.json"
printf 'GIF89a' > "$work/x.gif"
check "an unreadable file is a usage error (exit 2)" "[ \$(rc_of $sdc portrait check $work/x.gif) = 2 ]"

"$sdc" pki init --dir "$work/keys" > /dev/null 2>&1
for i in 1 2; do
  name=$([ $i = 1 ] && echo ALPHA || echo BRAVO)
  cat > "$work/h$i.json" <<JSON
{"family_name": "HOLDER $name", "given_names": "TEST", "date_of_birth": "1980-0$i-15", "sex": "F",
 "nationality": "CAN", "a_number": "20155500$i"}
JSON
  "$sdc" issue --keys "$work/keys" --holder "$work/h$i.json" --portrait "$faces/Tom_Cruise_avp_2014_4.jpg" \
    --save-portrait "$work/p$i.jpg" > "$work/c$i.json"
  /usr/bin/python3 -c "import json; d=json.load(open('$work/c$i.json')); d['portrait']='p$i.jpg'; print(json.dumps(d))" >> "$work/cards.jsonl"
done
echo '{"broken": true}' >> "$work/cards.jsonl"
set +e
"$sdc" render-batch --cards "$work/cards.jsonl" --out "$work/run" --format png --dpi 300 > "$work/batch.json" 2> /dev/null; rc=$?
set -e
check "render-batch renders the good cards and reports the bad line" \
  "[ $rc = 1 ] && json $work/batch.json \"d['cards']==3 and d['rendered']==2 and len(d['failures'])==1\" | grep -q True"
d1=$(json "$work/c1.json" "d['document_number']")
check "each card gets its own folder of images" "[ -s $work/run/$d1/front.png ] && [ -s $work/run/$d1/back.png ] && [ -s $work/run/$d1/uv.png ]"
set +e
"$sdc" verify --root "$work/keys/root.pem" --signers "$work/keys/signers.pem" --image "$work/run/$d1/back.png" > "$work/v.json"; rc=$?
set -e
check "a back from the print run scans and verifies" "[ $rc = 3 ] && json $work/v.json \"d['holder']['family_name']\" | grep -q 'HOLDER ALPHA'"

"$sdc" render --card "$work/c2.json" --portrait "$work/p2.jpg" --out "$work/one" --format pdf > /dev/null
check "render --format pdf writes a two-page PDF that parses" \
  "pdfinfo $work/one/card.pdf | grep -q 'Pages: *2' && pdftoppm -r 50 -png $work/one/card.pdf $work/one/page && [ -s $work/one/page-1.png ] && [ ! -e $work/one/front.png ]"

echo "card cli: $fails failed"
[ $fails = 0 ]
