# Shared by the sdcd end-to-end scripts; source it after `set -euo pipefail`.
# Gives a work folder removed on exit, server processes (append their pids
# to `pids`) killed on exit, `check NAME CONDITION` counting failures in
# `fails`, free ports, waiting for /healthz and a graceful stop. A script
# with more to undo defines cleanup_more().
work=$(mktemp -d)
pids=()
fails=0
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  if declare -F cleanup_more > /dev/null; then cleanup_more; fi
  if declare -F pg_cleanup > /dev/null; then pg_cleanup; fi
  rm -rf "$work"
}
trap cleanup EXIT
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_up PORT|URL [curl options...]: at most 20 s for /healthz to answer.
wait_up() {
  local url=$1
  shift
  [[ $url =~ ^[0-9]+$ ]] && url="http://127.0.0.1:$url"
  for _ in $(seq 1 200); do
    curl -fs "$@" "$url/healthz" > /dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}
# Sends SIGTERM and waits (at most 10 s) for the exit status.
stop() {
  kill -TERM "$1"
  for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
  wait "$1"
}
# sdcd publishes the validity list at most once a second (publish_interval),
# so a card change is in the published list within about a second.
# list_says URL INDEX VALUE OUT: fetches URL/status/validity into OUT until its
# entry INDEX is VALUE (0 valid, 1 invalid, 2 suspended; at most 20 s).
# Needs $SDC_BIN/sdc.
list_says() {
  for _ in $(seq 1 100); do
    if curl -fs "$1/status/validity" -o "$4" &&
      "$SDC_BIN/sdc" status show "$4" | /usr/bin/python3 -c '
import json, sys
entries = {e["index"]: e["value"] for e in json.load(sys.stdin)["entries"]}
sys.exit(0 if entries.get(int(sys.argv[1]), 0) == int(sys.argv[2]) else 1)' "$2" "$3"; then
      return 0
    fi
    sleep 0.2
  done
  return 1
}
# settled_after SECONDS: waits until the clock is 3 s past SECONDS (Unix
# time), by when a change answered in that second has been published and
# nothing it queued is left to publish.
settled_after() {
  while [ "$(date +%s)" -le $(($1 + 3)) ]; do sleep 0.2; done
}
