#!/usr/bin/env bash
# Verify over HTTP: sdcd pinned to one core, wrk on the other, and in the
# same run the bare ECDSA P-256 verify rate of sdcd's core, so the result is
# a ratio (docs/PERFORMANCE.md, "Registry service"):
#
#   verify requests/s / bare ECDSA verify rate   goal >= 0.70
#   p99 latency at 64 connections                goal < 20 ms
#
#   bash scripts/bench-sdcd.sh
#
# Steps: builds sdcd and sdc_registry_gen (Release) in build-bench/; makes a
# demo data folder with `sdcd demo` (users of every role, specimen holders)
# unless DATA names one that exists; with HOLDERS=N fills it with N generated
# holders first; starts `sdcd serve` under `taskset -c SERVER_CORE`; logs in
# as the enrollment officer and issues CARDS cards to get real barcodes; then for
# each role in ROLES logs in and runs
#   taskset -c CLIENT_CORE wrk -t1 -cCONNECTIONS -dDURATIONs --latency
# POSTing those barcodes in turn to /v1/verify (scripts/bench-sdcd-verify.lua);
# then the same wrk on GET /healthz, the HTTP layer alone (no token, no
# body, no store); last, `openssl speed -elapsed ecdsap256` (wall-clock, like
# requests/s) on SERVER_CORE while sdcd is idle. From the last two it prints
# the ceiling: the ratio a server doing nothing but HTTP and the signature
# check would reach.
#
# Environment (defaults): SERVER_CORE (0), CLIENT_CORE (1), CONNECTIONS (64),
# DURATION (20, seconds per role), ROLES ("screener field"), THREADS (sdcd
# worker threads, the requests served at once: CONNECTIONS, since each
# verification waits for its audit record's group commit), PORT (18480),
# HOLDERS (0), DATA (a data folder to
# use and keep; default a temporary one, removed at the end), CARDS (32),
# POSTGRES (a libpq conninfo of an empty database: use PostgreSQL),
# HOLDER (the A-number of the holder the cards are issued to: A201-555-001,
# a demo specimen; for a folder of generated holders without demo data, one
# of theirs, e.g. A300000000, after `sdc_registry_gen --data DIR
# --bench-users` has added the logins),
# JOBS (2).
# Exits 0 whether or not a goal is met; the summary's last lines say which.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-bench
server_core=${SERVER_CORE:-0}
client_core=${CLIENT_CORE:-1}
connections=${CONNECTIONS:-64}
duration=${DURATION:-20}
roles=${ROLES:-screener field}
threads=${THREADS:-$connections}
port=${PORT:-18480}
holder_a_number=${HOLDER:-A201-555-001}
holders=${HOLDERS:-0}
cards=${CARDS:-32}
# POSTGRES=CONNINFO: the demo folder's store is that (empty) PostgreSQL
# database instead of SQLite.
store_args=()
[[ -n ${POSTGRES:-} ]] && store_args=(--store postgres --postgres "$POSTGRES")
base=http://127.0.0.1:$port

for tool in wrk curl jq taskset openssl; do
  command -v "$tool" >/dev/null || { echo "bench-sdcd: $tool is not installed" >&2; exit 2; }
done

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSDC_BENCH=ON >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target sdcd sdc_registry_gen

work=$(mktemp -d /tmp/sdc-bench-sdcd.XXXXXX)
data=${DATA:-$work/data}
sdcd_pid=
cleanup() {
  if [[ -n $sdcd_pid ]] && kill -0 "$sdcd_pid" 2>/dev/null; then
    kill -TERM "$sdcd_pid" 2>/dev/null || true
    wait "$sdcd_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

wait_healthy() {
  for _ in $(seq 1 300); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$sdcd_pid" 2>/dev/null || { echo "bench-sdcd: sdcd exited; see $1" >&2; exit 1; }
    sleep 0.1
  done
  echo "bench-sdcd: sdcd did not answer /healthz; see $1" >&2
  exit 1
}

stop_sdcd() {
  kill -TERM "$sdcd_pid"
  wait "$sdcd_pid" || true
  sdcd_pid=
}

if [[ ! -f $data/sdcd.toml ]]; then
  echo "bench-sdcd: creating a demo data folder in $data" >&2
  "$build/bin/sdcd" demo --data "$data" --listen "127.0.0.1:$port" "${store_args[@]}" \
    2>"$work/demo.log" &
  sdcd_pid=$!
  wait_healthy "$work/demo.log"
  stop_sdcd
  if ((holders > 0)); then
    "$build/bin/sdc_registry_gen" --data "$data" --holders "$holders"
  fi
elif ((holders > 0)); then
  echo "bench-sdcd: $data exists; HOLDERS is ignored (generated: $(cat "$data/generated.json" 2>/dev/null | jq -r .holders 2>/dev/null || echo 0))" >&2
fi

taskset -c "$server_core" "$build/bin/sdcd" serve --data "$data" --listen "127.0.0.1:$port" \
  --threads "$threads" "${store_args[@]}" 2>"$work/sdcd.log" &
sdcd_pid=$!
wait_healthy "$work/sdcd.log"

login() {
  curl -fsS -X POST "$base/v1/login" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\", \"password\": \"demo-$1-pass\"}" | jq -r .token
}

officer=$(login officer)
holder=$(curl -fsS -H "Authorization: Bearer $officer" "$base/v1/holders?a_number=$holder_a_number" |
  jq -r '.holders[0].id')
[[ -n $holder && $holder != null ]] || { echo "bench-sdcd: specimen holder not found" >&2; exit 1; }
# CARDS cards, issued one after another to a specimen holder (each with its
# own document number and status index). wrk sends them in turn, so the
# server does not answer one card over and over.
barcodes=$work/barcodes.txt
: >"$barcodes"
issue_start=$(date +%s.%N)
for _ in $(seq 1 "$cards"); do
  curl -fsS -X POST -H "Authorization: Bearer $officer" -H 'Content-Type: application/json' \
    -d '{}' "$base/v1/holders/$holder/cards" | jq -r .barcode >>"$barcodes"
done
issue_seconds=$(printf '%.3f' "$(echo "($(date +%s.%N) - $issue_start) / $cards" | bc -l)")
barcode=$(tail -n 1 "$barcodes")
[[ $barcode == SDC1:* && $(grep -c '^SDC1:' "$barcodes") == "$cards" ]] ||
  { echo "bench-sdcd: no barcode from card issuance" >&2; exit 1; }

to_ms() {  # wrk latency ("812.00us", "3.41ms", "1.20s") in milliseconds
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
    printf "%.2f", n }'
}

declare -A rps p99 p50 errors
for role in $roles; do
  token=$(login "$role")
  check=$(curl -fsS -X POST -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
    -d "{\"barcode\": \"$barcode\"}" "$base/v1/verify" | jq -r .result)
  [[ $check == VALID ]] || { echo "bench-sdcd: $role: verify answered $check" >&2; exit 1; }
  out=$work/wrk-$role.txt
  TOKEN=$token BARCODES=$barcodes taskset -c "$client_core" wrk -t1 -c"$connections" \
    -d"${duration}s" --latency -s "$root/scripts/bench-sdcd-verify.lua" "$base/v1/verify" | tee "$out" >&2
  rps[$role]=$(awk '/^Requests\/sec:/ {print $2}' "$out")
  p50[$role]=$(to_ms "$(awk '$1 == "50%" {print $2}' "$out")")
  p99[$role]=$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")
  errors[$role]=$(awk '/Non-2xx or 3xx responses:/ {printf "non-2xx %s; ", $NF}
    /Socket errors:/ {sub(/^ *Socket errors: /, ""); printf "socket errors: %s", $0}' "$out")
done

# The HTTP layer alone, same server, connections and cores.
healthz_out=$work/wrk-healthz.txt
taskset -c "$client_core" wrk -t1 -c"$connections" -d"${duration}s" --latency "$base/healthz" |
  tee "$healthz_out" >&2
healthz_rps=$(awk '/^Requests\/sec:/ {print $2}' "$healthz_out")

# The bare rate on the core sdcd ran on, now idle.
speed=$(taskset -c "$server_core" openssl speed -elapsed -seconds 5 ecdsap256 2>/dev/null |
  awk '/ecdsa \(nistp256\)/ {print $NF}')

if [[ -n ${POSTGRES:-} ]]; then
  audit_events=$(psql -At "$POSTGRES" -c 'SELECT seq FROM audit_head' 2>/dev/null || echo "?")
  store_name=PostgreSQL
else
  audit_events=$(sqlite3 "file:$data/registry.db?mode=ro" 'SELECT seq FROM audit_head' 2>/dev/null || echo "?")
  store_name=SQLite
fi
echo
echo "sdcd verify over HTTP, $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "  sdcd serve --threads $threads on core $server_core; wrk -t1 -c$connections -d${duration}s on core $client_core"
demo_note=$([[ $holder_a_number == A201-555-001 ]] && echo " + demo" || true)
echo "  store: $store_name, $(jq -r .holders "$data/generated.json" 2>/dev/null || echo 0) generated holders$demo_note; validity list $(awk -F'= *' '/^status_list_size/ {print $2}' "$data/sdcd.toml") entries"
echo "  card issuance over HTTP (POST /v1/holders/{id}/cards), mean of $cards: ${issue_seconds} s"
echo "  requests rotate over those $cards barcodes"
printf '  bare ECDSA P-256 verify (openssl speed -elapsed, core %s): %s /s\n' "$server_core" "$speed"
for role in $roles; do
  ratio=$(printf '%.3f' "$(echo "scale=4; ${rps[$role]} / $speed" | bc)")
  printf '  %-9s %9s req/s  p50 %7s ms  p99 %7s ms  ratio %s  %s\n' "$role" "${rps[$role]}" \
    "${p50[$role]}" "${p99[$role]}" "$ratio" "${errors[$role]}"
done
echo "  audit chain head after the run: seq $audit_events"
printf '  bare HTTP (GET /healthz, same settings): %s req/s, %.1f us each\n' "$healthz_rps" \
  "$(echo "1000000 / $healthz_rps" | bc -l)"
printf '  ceiling (HTTP + signature check only): %.0f req/s, ratio %.3f\n' \
  "$(echo "1 / (1 / $speed + 1 / $healthz_rps)" | bc -l)" \
  "$(echo "1 / (1 + $speed / $healthz_rps)" | bc -l)"
echo
for role in $roles; do
  ratio_ok=$(echo "${rps[$role]} / $speed >= 0.70" | bc)
  p99_ok=$(echo "${p99[$role]} < 20" | bc)
  printf 'goal %-9s rate >= 0.70 x bare: %s; p99 < 20 ms: %s\n' "$role" \
    "$([[ $ratio_ok == 1 ]] && echo met || echo MISSED)" "$([[ $p99_ok == 1 ]] && echo met || echo MISSED)"
done
