#!/usr/bin/env bash
# Builds sdc_bench (Release) in build-bench/, runs it pinned to one core and
# prints the ratios the goals are stated in (docs/PERFORMANCE.md):
#
#   verify rate / bare ES256 verify rate   goal >= 0.95
#   issue rate  / bare ES256 sign rate     goal >= 0.60
#
#   scripts/bench.sh [extra sdc_bench arguments, e.g. --benchmark_filter=Verify]
#
# The registry's benchmarks have entry points of their own:
#   scripts/bench-registry.sh   sdc_registry_gen (a generated 1M-holder data
#                               folder) and sdc_registry_bench: enrollment,
#                               lookup by A-number, validity list for 1M/10M
#   scripts/bench-sdcd.sh       sdcd verify over HTTP under wrk, beside the
#                               bare ECDSA verify rate of sdcd's core
#
# Environment: CORE (the core to pin to, default 1), REPETITIONS (default 5),
# JOBS (build parallelism, default 2). The raw results are kept in
# build-bench/bench.json. Exits 0 whether or not a goal is met; the last lines
# say which.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-bench
core=${CORE:-1}
repetitions=${REPETITIONS:-5}
python=/usr/bin/python3
[[ -x $python ]] || python=python3

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSDC_BENCH=ON >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target sdc_bench

out=$build/bench.json
taskset -c "$core" "$build/bin/sdc_bench" \
  --benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=true \
  --benchmark_out="$out" --benchmark_out_format=json "$@"

"$python" - "$out" <<'EOF'
import json
import sys

with open(sys.argv[1]) as f:
    data = json.load(f)
median = {}
for b in data["benchmarks"]:
    if b.get("aggregate_name") == "median":
        scale = {"ns": 1.0, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
        median[b["run_name"]] = b["cpu_time"] * scale  # ns per operation


def rate(name):
    return 1e9 / median[name]


def line(label, name):
    print(f"  {label:<34} {median[name] / 1000:8.2f} us   {rate(name):9.0f} /s")


print()
print(f"medians of {data['context'].get('executable', 'sdc_bench')} runs (cpu time):")
for label, name in [("bare ES256 verify (EVP)", "BM_BareEs256Verify"),
                    ("verify_barcode, end to end", "BM_VerifyBarcode"),
                    ("decode only (all but the signature)", "BM_DecodeOnly"),
                    ("bare ES256 sign (EVP)", "BM_BareEs256Sign"),
                    ("issue_barcode, end to end", "BM_IssueBarcode")]:
    if name in median:
        line(label, name)

goals = [("verify / bare verify", "BM_VerifyBarcode", "BM_BareEs256Verify", 0.95),
         ("issue / bare sign", "BM_IssueBarcode", "BM_BareEs256Sign", 0.60)]
print()
for label, measured, bare, goal in goals:
    if measured in median and bare in median:
        ratio = rate(measured) / rate(bare)
        verdict = "met" if ratio >= goal else "MISSED"
        print(f"ratio {label:<22} {ratio:6.3f}   (goal >= {goal:.2f}: {verdict})")
EOF
