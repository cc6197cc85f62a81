#!/usr/bin/env bash
# sdcd's settings through the real binary: `init` writes a commented
# sdcd.toml; flags win over SDCD_* variables, which win over the file; bad
# settings are refused with the reason; base_url cannot drift from what cards
# carry; and with a certificate sdcd serves HTTPS (a throwaway self-signed
# certificate from openssl, checked by curl --cacert), refusing a key that
# group or others may read; without one, plain HTTP only on loopback unless
# told --insecure-http.
set -euo pipefail
source "$(dirname "$0")/lib/sdcd.sh"
sdcd="$SDC_BIN/sdcd"
# serve_on PORT LOG [env assignments...] -- [sdcd serve arguments...]: starts
# sdcd, checks that it answers on PORT, stops it; true when it answered.
serve_on() {
  local port=$1 log=$2
  shift 2
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  env "${envs[@]}" "$sdcd" serve --data "$data" "$@" 2> "$log" &
  local pid=$!
  pids+=("$pid")
  local up=1
  wait_up "http://127.0.0.1:$port" || up=0
  stop "$pid" || true
  [ "$up" = 1 ]
}

p1=$(free_port)
p2=$(free_port)
p3=$(free_port)
data="$work/data"

# 1. init writes a commented sdcd.toml from its flags.
"$sdcd" init --data "$data" --listen "127.0.0.1:$p1" --threads 3 2> "$work/init.err"
toml="$data/sdcd.toml"
check "init writes sdcd.toml, not config.json" "[ -s $toml ] && [ ! -e $data/config.json ]"
check "sdcd.toml is 0600" "[ \$(stat -c %a $toml) = 600 ]"
check "sdcd.toml keeps the flags given to init" \
  "grep -q '^listen = \"127.0.0.1:$p1\"' $toml && grep -q '^threads = 3' $toml && grep -q '^store = \"sqlite\"' $toml"
check "base_url comes from --listen when not given" "grep -q '^base_url = \"http://127.0.0.1:$p1\"' $toml"
check "sdcd.toml explains its settings" \
  "grep -q '^# .*status uri' $toml && grep -q 'SDCD_POSTGRES' $toml && grep -q '^# tls_cert' $toml"

# 2. Precedence: file, then environment over file, then flag over environment.
check "serve listens where sdcd.toml says" "serve_on $p1 $work/s1.err -- "
check "SDCD_LISTEN wins over the file" "serve_on $p2 $work/s2.err SDCD_LISTEN=127.0.0.1:$p2 -- "
check "--listen wins over SDCD_LISTEN" \
  "serve_on $p3 $work/s3.err SDCD_LISTEN=127.0.0.1:$p2 -- --listen 127.0.0.1:$p3"

# 3. Bad settings are refused with the reason.
cp "$toml" "$work/bad.toml"
echo 'listn = "127.0.0.1:1"' >> "$work/bad.toml"
rc=0
"$sdcd" serve --data "$data" --config "$work/bad.toml" 2> "$work/bad.err" || rc=$?
check "an unknown key in --config is refused, with its line" \
  "[ $rc = 1 ] && grep -q \"line [0-9]*: unknown key 'listn'\" $work/bad.err"
sed 's/^threads = 3/threads = "three"/' "$toml" > "$work/bad2.toml"
rc=0
"$sdcd" serve --data "$data" --config "$work/bad2.toml" 2> "$work/bad2.err" || rc=$?
check "a wrong type is refused" "[ $rc = 1 ] && grep -q 'threads: expected a whole number' $work/bad2.err"
rc=0
SDCD_STORE=mysql "$sdcd" serve --data "$data" 2> "$work/bad3.err" || rc=$?
check "a bad SDCD_STORE is refused" "[ $rc = 2 ] && grep -q \"SDCD_STORE: store: 'sqlite' or 'postgres'\" $work/bad3.err"
rc=0
"$sdcd" serve --data "$data" --store postgres 2> "$work/bad4.err" || rc=$?
check "store postgres without a conninfo says how to give one" \
  "[ $rc = 1 ] && grep -q 'SDCD_POSTGRES or --postgres' $work/bad4.err"
rc=0
"$sdcd" serve --data "$data" --listen nohost 2> "$work/bad5.err" || rc=$?
check "a bad --listen is refused" "[ $rc = 2 ] && grep -q 'listen: expected HOST:PORT' $work/bad5.err"
sed "s#^base_url = .*#base_url = \"https://elsewhere.example\"#" "$toml" > "$work/moved.toml"
rc=0
"$sdcd" serve --data "$data" --config "$work/moved.toml" 2> "$work/bad6.err" || rc=$?
check "a base_url that no longer matches the cards is refused" \
  "[ $rc = 1 ] && grep -q 'base_url is fixed' $work/bad6.err"

# 4. TLS with a throwaway self-signed certificate.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 \
  -subj /CN=localhost -addext 'subjectAltName=DNS:localhost,IP:127.0.0.1' \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2> /dev/null
chmod 644 "$work/key.pem"
p4=$(free_port)
rc=0
"$sdcd" serve --data "$data" --listen "127.0.0.1:$p4" --tls-cert "$work/cert.pem" \
  --tls-key "$work/key.pem" 2> "$work/tls-open.err" || rc=$?
check "a TLS key others may read is refused" "[ $rc = 1 ] && grep -q 'chmod 600' $work/tls-open.err"
chmod 600 "$work/key.pem"
SDCD_TLS_CERT="$work/cert.pem" SDCD_TLS_KEY="$work/key.pem" \
  "$sdcd" serve --data "$data" --listen "127.0.0.1:$p4" 2> "$work/tls.err" &
pid=$!
pids+=("$pid")
check "HTTPS comes up (SDCD_TLS_CERT, SDCD_TLS_KEY)" "wait_up https://127.0.0.1:$p4 --cacert $work/cert.pem"
body=$(curl -fs --cacert "$work/cert.pem" "https://127.0.0.1:$p4/healthz" || true)
check "curl --cacert reaches /healthz over HTTPS" "[[ '$body' == *ok* ]]"
check "the certificate is checked: without --cacert curl refuses it" \
  "! curl -fs https://127.0.0.1:$p4/healthz > /dev/null 2>&1"
check "plain HTTP on the TLS port gets no answer" \
  "! curl -fs --max-time 5 http://127.0.0.1:$p4/healthz > /dev/null 2>&1"
check "the log names https" "grep -q 'listening on https://127.0.0.1:$p4' $work/tls.err"
rc=0
stop "$pid" || rc=$?
check "SIGTERM stops the HTTPS server with exit 0" "[ $rc = 0 ]"

# 5. Plain HTTP only on loopback, unless told --insecure-http; TLS anywhere;
#    the demo as it always was.
p5=$(free_port)
rc=0
"$sdcd" serve --data "$data" --listen "0.0.0.0:$p5" 2> "$work/open.err" || rc=$?
check "plain HTTP on 0.0.0.0 is refused, naming both ways out" \
  "[ $rc = 1 ] && grep -q 'not a loopback address' $work/open.err && grep -q -- '--tls-cert' $work/open.err && grep -q -- '--insecure-http' $work/open.err"
check "so it is on ::" \
  "! $sdcd serve --data $data --listen '[::]:$p5' 2> $work/open6.err && grep -q -- '--insecure-http' $work/open6.err"
check "with --insecure-http it serves on 0.0.0.0" \
  "serve_on $p5 $work/s5.err -- --listen 0.0.0.0:$p5 --insecure-http"
p7=$(free_port)
check "so with SDCD_INSECURE_HTTP=1" \
  "serve_on $p7 $work/s6.err SDCD_INSECURE_HTTP=1 -- --listen 0.0.0.0:$p7"
p8=$(free_port)
check "plain HTTP on localhost needs no flag" "serve_on $p8 $work/s7.err -- --listen localhost:$p8"
p9=$(free_port)
"$sdcd" serve --data "$data" --listen "0.0.0.0:$p9" --tls-cert "$work/cert.pem" \
  --tls-key "$work/key.pem" 2> "$work/tls-any.err" &
pid=$!
pids+=("$pid")
check "with a certificate it serves on 0.0.0.0" "wait_up https://127.0.0.1:$p9 --cacert $work/cert.pem"
stop "$pid" || true
# (A fresh demo needs a base URL for its cards, so the first start is on loopback.)
p6=$(free_port)
"$sdcd" demo --data "$work/demo" --listen "127.0.0.1:$p6" 2> "$work/demo.err" &
pid=$!
pids+=("$pid")
check "sdcd demo comes up" "wait_up $p6 || { tail -3 $work/demo.err; false; }"
stop "$pid" || true
p10=$(free_port)
"$sdcd" demo --data "$work/demo" --listen "0.0.0.0:$p10" 2> "$work/demo2.err" &
pid=$!
pids+=("$pid")
check "sdcd demo still serves plain HTTP on 0.0.0.0" "wait_up $p10"
stop "$pid" || true
check "and writes no insecure_http into its sdcd.toml" "grep -q '^# insecure_http = true' $work/demo/sdcd.toml"

[ "$fails" = 0 ] || { echo "$fails check(s) failed"; exit 1; }
echo "all sdcd configuration checks passed"
