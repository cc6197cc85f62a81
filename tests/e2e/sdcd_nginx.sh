#!/usr/bin/env bash
# Two sdcd on one PostgreSQL database behind Debian's nginx on loopback, as
# docs/DEPLOY.md deploys them. Under load (wrk reading, writers enrolling
# through nginx) one sdcd is killed with SIGKILL: only requests in flight at
# that moment fail, every acknowledged enrollment is there afterwards, and a
# session made before the kill still works. Across the two processes: a
# password guessed wrong on both is locked out after the limit in total;
# a slot of one place booked at once through both is given once; each
# reminder is sent once although both sdcd run the sender. The verify
# page's files come compressed through nginx; its pages do not.
#
# Needs SDC_TEST_PG (scripts/pg-test-cluster.sh start) and nginx. Without
# them the test is skipped, unless SDC_REQUIRE_PG=1, when it fails.
set -euo pipefail
source "$(dirname "$0")/lib/sdcd.sh"
source "$(dirname "$0")/lib/pg.sh"
sdcd="$SDC_BIN/sdcd"
py=/usr/bin/python3
nginx_pid=""
cleanup_more() {
  # The master and its worker: the master is stopped first, so that it
  # cannot start a new worker for the one killed (a SIGKILLed master would
  # leave its workers behind).
  if [ -n "$nginx_pid" ]; then
    kill -STOP "$nginx_pid" 2>/dev/null || true
    pkill -KILL -P "$nginx_pid" 2>/dev/null || true
    kill -KILL "$nginx_pid" 2>/dev/null || true
  fi
}
pg_require wrk
[ -x /usr/sbin/nginx ] || unavailable "nginx is not installed (scripts/setup.sh --test)"
pg_new_database pg nginx

port_a=$(free_port)
port_b=$(free_port)
port_n=$(free_port)
front="http://127.0.0.1:$port_n"
data="$work/data"
"$sdcd" init --data "$data" --store postgres --postgres "$pg" --base-url "$front" 2> "$work/init.err" ||
  { cat "$work/init.err"; echo "FAIL sdcd init"; exit 1; }
password=$(sed -n 's/^password (shown once): //p' "$work/init.err")
# Reminders every second from both, into the folder's outbox.
cat >> "$data/sdcd.toml" << 'EOF'

[reminders]
interval_seconds = 1
EOF

start_sdcd() {  # NAME PORT
  "$sdcd" serve --data "$data" --listen "127.0.0.1:$2" 2>> "$work/$1.err" &
  pids+=("$!")
  eval "pid_$1=$!"
}
start_sdcd a "$port_a"
start_sdcd b "$port_b"
check "sdcd A comes up" "wait_up $port_a"
check "sdcd B comes up" "wait_up $port_b"

# nginx in front, from the configuration docs/DEPLOY.md shows (its upstream
# and location blocks), on loopback, in the work folder.
mkdir -p "$work/nginx/logs" "$work/nginx/tmp"
chmod -R 777 "$work/nginx"
user_line=""
[ "$(id -u)" = 0 ] && user_line="user root;"
cat > "$work/nginx/nginx.conf" << EOF
$user_line
worker_processes 1;
error_log $work/nginx/logs/error.log warn;
pid $work/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  $(sed -n '/^# --- upstream ---/,/^# --- end ---/p' "$(dirname "$0")/../../docs/nginx/sdc.conf" |
    grep -v '^# ---' | sed "s/127.0.0.1:8081/127.0.0.1:$port_a/; s/127.0.0.1:8082/127.0.0.1:$port_b/")
  server {
    listen 127.0.0.1:$port_n;
    $(sed -n '/^  # --- locations ---/,/^  # --- end ---/p' "$(dirname "$0")/../../docs/nginx/sdc.conf" | grep -v '# ---')
  }
}
EOF
/usr/sbin/nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' \
  > /dev/null 2> "$work/nginx/stderr" &
nginx_pid=$!
check "nginx comes up in front of both" "wait_up $front"
[ "$fails" = 0 ] || { cat "$work/nginx/stderr" "$work/nginx/logs/error.log" 2>/dev/null; exit 1; }

# Accounts and an office through the front.
login() {  # BASE USER PASSWORD -> token (empty if refused)
  curl -s -X POST "$1/v1/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$2\",\"password\":\"$3\"}" | $py -c 'import json,sys
try: print(json.load(sys.stdin)["token"])
except Exception: print("")'
}
call() {  # METHOD BASE PATH TOKEN [BODY] -> status; body in $work/out.json
  local args=(-s -o "$work/out.json" -w '%{http_code}' -X "$1" "$2$3" -H "Authorization: Bearer $4")
  [ $# -ge 5 ] && args+=(-H 'Content-Type: application/json' -d "$5")
  curl "${args[@]}"
}
jout() { $py -c "import json; d=json.load(open('$work/out.json')); print($1)"; }
admin=$(login "$front" admin "$password")
check "the administrator signs in through nginx" "[ -n '$admin' ]"
code=$(call POST "$front" /v1/offices "$admin" \
  '{"name":"Front Office","address":"1 Loopback Way","time_zone":"America/New_York","phone":"+15555550100","hours":{"mon":"09:00-17:00","tue":"09:00-17:00","wed":"09:00-17:00","thu":"09:00-17:00","fri":"09:00-17:00","sat":"09:00-17:00","sun":"09:00-17:00"},"slot_minutes":30,"slot_capacity":1}')
check "an office with one place a slot ($code)" "[ $code = 201 ]"
office=$(jout 'd["id"]')
code=$(call POST "$front" /v1/users "$admin" \
  "{\"username\":\"officer\",\"password\":\"officer-pass-123\",\"role\":\"enrollment_officer\",\"office_id\":\"$office\"}")
check "an enrollment officer at it ($code)" "[ $code = 201 ]"
officer=$(login "$front" officer officer-pass-123)
check "the officer signs in through nginx" "[ -n '$officer' ]"

# 1. Load: wrk reads through nginx while writers enroll; A is killed midway.
portrait=$(base64 -w0 < /usr/share/doc/libdlib19.1/examples/faces/Tom_Cruise_avp_2014_4.jpg 2>/dev/null ||
  printf 'portrait' | base64)
cat > "$work/writer.py" << 'EOF'
import json, sys, threading, time, urllib.request, urllib.error
front, token, portrait, seconds, out = sys.argv[1:6]
acked, failed, lock = [], [], threading.Lock()
def writer(w):
    n, end = 0, time.time() + float(seconds)
    while time.time() < end:
        n += 1
        a = "7%02d%06d" % (w, n)
        body = json.dumps({"a_number": a, "family_name": "LOAD", "given_names": "W%d" % w,
                           "date_of_birth": "1980-01-01", "sex": "X", "nationality": "UTO",
                           "language": "en", "portrait_base64": portrait}).encode()
        req = urllib.request.Request(front + "/v1/holders", data=body, method="POST",
                                     headers={"Authorization": "Bearer " + token,
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                got = json.load(r)
                with lock: acked.append([time.time(), got["id"], a])
        except Exception as e:
            with lock: failed.append([time.time(), a, str(getattr(e, "code", e))])
threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
for t in threads: t.start()
for t in threads: t.join()
json.dump({"acked": acked, "failed": failed}, open(out, "w"))
EOF
$py "$work/writer.py" "$front" "$officer" "$portrait" 8 "$work/writes.json" &
writer_pid=$!
wrk -t2 -c16 -d8s --latency "$front/status/validity" > "$work/wrk.txt" 2>&1 &
wrk_pid=$!
sleep 3
kill_at=$($py -c 'import time; print(time.time())')
kill -KILL "$pid_a"
wait "$writer_pid" || true
wait "$wrk_pid" || true
$py - "$work/writes.json" "$kill_at" > "$work/writes.txt" << 'EOF'
import json, sys
d = json.load(open(sys.argv[1])); k = float(sys.argv[2])
late = [f for f in d["failed"] if f[0] > k + 2]
print(len(d["acked"]), len(d["failed"]), len(late))
EOF
read -r acked failed late < "$work/writes.txt"
requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$work/wrk.txt")
errors=$(sed -n 's/^ *Non-2xx or 3xx responses: *//p' "$work/wrk.txt")
echo "load: $acked enrollments acknowledged, $failed failed (${late} more than 2 s after the kill); wrk: ${requests:-?} reads, ${errors:-0} not 2xx"
check "writes went on through nginx after the kill" "[ $acked -gt 20 ]"
check "only requests in flight at the kill failed ($failed failed, $late later)" "[ $late = 0 ] && [ $failed -le 8 ]"
check "wrk's reads all answered or failed only at the kill (${errors:-0} of ${requests:-?})" \
  "[ -n '$requests' ] && [ '${errors:-0}' -le 16 ]"
missing=$($py - "$work/writes.json" "http://127.0.0.1:$port_b" "$officer" << 'EOF'
import json, sys, urllib.request
d = json.load(open(sys.argv[1])); base, token = sys.argv[2], sys.argv[3]
missing = 0
for _, hid, a in d["acked"]:
    req = urllib.request.Request(base + "/v1/holders/" + hid, headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            if json.load(r)["a_number"] != a: missing += 1
    except Exception:
        missing += 1
print(missing)
EOF
)
check "every acknowledged enrollment is there, read from B ($missing missing)" "[ $missing = 0 ]"
check "the session made before the kill works on B" "[ $(call GET "http://127.0.0.1:$port_b" /v1/users "$admin") = 200 ]"
start_sdcd a "$port_a"
check "A comes back" "wait_up $port_a"

# 2. Throttling in the database: wrong passwords spread over A and B lock the
#    account after the limit in total; the right password is then refused too.
for i in 1 2 3 4 5; do
  [ $((i % 2)) = 0 ] && base="http://127.0.0.1:$port_a" || base="http://127.0.0.1:$port_b"
  curl -s -o /dev/null -X POST "$base/v1/login" -H 'Content-Type: application/json' \
    -d '{"username":"officer","password":"wrong-password-0"}'
done
code_a=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port_a/v1/login" \
  -H 'Content-Type: application/json' -d '{"username":"officer","password":"officer-pass-123"}')
check "5 wrong passwords over both lock the account on either ($code_a)" "[ $code_a = 429 ]"

# 3. Booking: a slot of one place, booked at once through A and through B.
tomorrow=$($py -c 'import datetime; print((datetime.date.today() + datetime.timedelta(days=3)).isoformat())')
holders=()
for who in 1 2; do
  code=$(call POST "$front" /v1/holders "$officer" \
    "{\"a_number\":\"80000000$who\",\"family_name\":\"BOOK\",\"given_names\":\"H$who\",\"date_of_birth\":\"1970-01-01\",\"sex\":\"F\",\"nationality\":\"UTO\",\"language\":\"es\",\"contact\":\"+1555555010$who\",\"portrait_base64\":\"$portrait\"}")
  holders+=("$(jout 'd["id"]')")
  call PUT "$front" "/v1/holders/${holders[-1]}/reporting" "$officer" \
    "{\"office_id\":\"$office\",\"cadence_days\":30,\"window_days\":5,\"anchor_date\":\"$tomorrow\"}" > /dev/null
done
call GET "$front" "/v1/offices/$office/slots?from=$tomorrow" "$officer" > /dev/null
slot=$(jout 'd["slots"][3]["starts_at"]')
bookers=()
for i in 0 1; do
  [ $i = 0 ] && base="http://127.0.0.1:$port_a" || base="http://127.0.0.1:$port_b"
  curl -s -o "$work/book$i.json" -w '%{http_code}\n' -X POST "$base/v1/holders/${holders[$i]}/appointments" \
    -H "Authorization: Bearer $officer" -H 'Content-Type: application/json' \
    -d "{\"starts_at\":\"$slot\"}" > "$work/book$i.code" &
  bookers+=("$!")
done
wait "${bookers[@]}"
codes=$(cat "$work/book0.code" "$work/book1.code" | sort | tr '\n' ' ')
check "one place, two bookings at once through A and B: one given, one refused ($codes)" "[ '$codes' = '201 409 ' ]"

# 4. Reminders: both sdcd send, each reminder goes out once.
for _ in $(seq 1 50); do
  [ -s "$data/outbox.jsonl" ] && break
  sleep 0.2
done
sleep 3
sent=$($py -c "
import json, collections
ids = [json.loads(l)['id'] for l in open('$data/outbox.jsonl') if l.strip()]
c = collections.Counter(ids)
print(len(ids), sum(1 for v in c.values() if v > 1))" 2>/dev/null || echo "0 0")
read -r total twice <<< "$sent"
check "reminders were sent ($total) and none twice ($twice)" "[ $total -ge 1 ] && [ $twice = 0 ]"

# The verify page's files come compressed through nginx, and whole; no page
# does (a page holds a session's CSRF token).
curl -s -D "$work/wasm.h" -o "$work/wasm.gz" -H 'Accept-Encoding: gzip' "$front/verify/zxing_reader.wasm"
curl -s -o "$work/wasm" "http://127.0.0.1:$port_b/verify/zxing_reader.wasm"
gz_size=$(stat -c %s "$work/wasm.gz")
size=$(stat -c %s "$work/wasm")
check "the QR reader's module comes compressed through nginx ($size -> $gz_size bytes)" \
  "grep -qi '^content-encoding: gzip' '$work/wasm.h' && [ $gz_size -lt $((size * 6 / 10)) ]"
check "and unpacks to the very module sdcd serves" "gunzip -c '$work/wasm.gz' | cmp -s - '$work/wasm'"
curl -s -D "$work/login.h" -o /dev/null -H 'Accept-Encoding: gzip' "$front/console/login"
check "a page is not compressed" "grep -q '^HTTP/1.1 200' '$work/login.h' && ! grep -qi '^content-encoding' '$work/login.h'"

stop "$pid_b" || true
echo "$fails failure(s)"
[ "$fails" = 0 ]
