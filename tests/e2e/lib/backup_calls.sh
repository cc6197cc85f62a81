# The API calls of the backup scripts (tests/e2e/sdcd_backup*.sh); source
# it after lib/sdcd.sh. They use $base, $officer, $work, $py and $sdc as the
# script sets them when it calls them.
login() {
  curl -fs -X POST "$base/v1/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p'
}
jget() { $py -c "import json,sys; d=json.load(open('$1')); print($2)"; }
# enroll N -> holder id on stdout; issue ID -> the card's document number
enroll() {
  printf '{"a_number":"A4%08d","family_name":"BACKUP","given_names":"HOLDER %s","date_of_birth":"1980-01-15","sex":"X","nationality":"UTO","language":"en","contact":"","portrait_base64":"%s"}' \
    "$1" "$(echo "$1" | tr 0-9 A-J)" "$(cat "$work/portrait.b64")" > "$work/body.$1"
  curl -fs -X POST "$base/v1/holders" -H "Authorization: Bearer $officer" \
    -H 'Content-Type: application/json' --data-binary "@$work/body.$1" | $py -c 'import json,sys; print(json.load(sys.stdin)["id"])'
}
issue() {
  curl -fs -X POST "$base/v1/holders/$1/cards" -H "Authorization: Bearer $officer" \
    -H 'Content-Type: application/json' -d '{}' | $py -c 'import json,sys; print(json.load(sys.stdin)["document_number"])'
}
# status show of BASE's validity list: its non-zero entries, as JSON
list_entries() {
  curl -fs "$1/status/validity" -o "$work/list.cwt" &&
    "$sdc" status show "$work/list.cwt" | $py -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["entries"], sort_keys=True))'
}
# run_rc CMD...: the exit status on stdout, stderr in $work/rc.err
run_rc() {
  set +e
  "$@" > /dev/null 2> "$work/rc.err"
  echo $?
  set -e
}

