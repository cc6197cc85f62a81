#!/usr/bin/env bash
# The registry in process, beside bare baselines (docs/PERFORMANCE.md,
# "Registry service"): builds sdc_registry_gen and sdc_registry_bench
# (Release) in build-bench/, makes a data folder with `sdcd init` and fills
# it with HOLDERS generated holders (once: the folder is kept and reused),
# runs the benchmarks against it and prints the ratios.
#
#   bash scripts/bench-registry.sh [extra sdc_registry_bench arguments]
#
# Environment: HOLDERS (1000000), DATA (the folder; default
# build-bench/registry-data-HOLDERS), CORES (taskset list, default 0-1),
# REPETITIONS (3), JOBS (2). Raw results: build-bench/registry-bench.json.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build-bench
holders=${HOLDERS:-1000000}
data=${DATA:-$build/registry-data-$holders}
cores=${CORES:-0-1}
repetitions=${REPETITIONS:-3}
python=/usr/bin/python3
[[ -x $python ]] || python=python3

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DSDC_BENCH=ON >/dev/null
cmake --build "$build" -j "${JOBS:-2}" --target sdcd sdc_registry_gen sdc_registry_bench

if [[ ! -f $data/generated.json ]]; then
  if [[ ! -f $data/sdcd.toml ]]; then
    "$build/bin/sdcd" init --data "$data" >/dev/null 2>&1
  fi
  echo "bench-registry: generating $holders holders in $data" >&2
  "$build/bin/sdc_registry_gen" --data "$data" --holders "$holders" | tee "$build/registry-gen.txt"
fi
echo "bench-registry: $(du -sh "$data" | cut -f1) in $data" >&2

out=$build/registry-bench.json
SDC_BENCH_DATA=$data taskset -c "$cores" "$build/bin/sdc_registry_bench" \
  --benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=true \
  --benchmark_out="$out" --benchmark_out_format=json "$@"

"$python" - "$out" <<'EOF'
import json
import re
import sys

with open(sys.argv[1]) as f:
    data = json.load(f)
med = {}
for b in data["benchmarks"]:
    if b.get("aggregate_name") == "median":
        # BM_X/min_time:2.000 and BM_X/iterations:3 are reported as BM_X.
        med[re.sub(r"/(min_time|iterations):[^/]*", "", b["run_name"])] = b


def ms(name, field="real_time"):
    b = med[name]
    scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[b["time_unit"]]
    return b[field] * scale


print()
print("medians (real time; CPU time for the validity lists, which are CPU-bound):")
for t in (1, 2, 4):
    e, bare = f"BM_RegistryEnroll/real_time/threads:{t}", f"BM_BareDurableInsert/real_time/threads:{t}"
    if e in med and bare in med:
        re, rb = med[e]["items_per_second"], med[bare]["items_per_second"]
        print(f"  enroll, {t} thread(s): {re:8.0f} /s   bare durable insert {rb:8.0f} /s   "
              f"ratio {re / rb:.3f}")
if "BM_FindByANumber" in med and "BM_BareSelectByHash" in med:
    f, b = med["BM_FindByANumber"], med["BM_BareSelectByHash"]
    print(f"  find_by_a_number: mean {ms('BM_FindByANumber'):.3f} ms, p50 {f['p50_us'] / 1000:.3f} ms, "
          f"p99 {f['p99_us'] / 1000:.3f} ms")
    print(f"  bare indexed SELECT: mean {ms('BM_BareSelectByHash'):.4f} ms, p50 {b['p50_us'] / 1000:.4f} ms, "
          f"p99 {b['p99_us'] / 1000:.4f} ms   (p99 ratio {f['p99_us'] / b['p99_us']:.0f} x)")
for n in (1000000, 10000000):
    t, z = f"BM_StatusListToken/{n}", f"BM_BareZlibStatusBits/cards:{n}/level:9"
    if t in med and z in med:
        print(f"  validity list, {n} cards ({int(med[t]['list_entries'])} entries): token "
              f"{ms(t, 'cpu_time'):.1f} ms, {int(med[t]['token_bytes'])} bytes;   bare zlib "
              f"{ms(z, 'cpu_time'):.1f} ms, {int(med[z]['compressed_bytes'])} bytes   "
              f"(time ratio {ms(t, 'cpu_time') / ms(z, 'cpu_time'):.2f})")
        for level in (6, 1):
            zl = f"BM_BareZlibStatusBits/cards:{n}/level:{level}"
            if zl in med:
                print(f"      zlib level {level}: {ms(zl, 'cpu_time'):.1f} ms, {int(med[zl]['compressed_bytes'])} bytes")
for name, label in (("BM_PublishStatusListStore", "publish_status_list on the store"),
                    ("BM_EnrollAndIssueLargeStore", "enroll + issue_card on the store")):
    if name in med:
        extra = f", {int(med[name]['token_bytes'])} bytes" if "token_bytes" in med[name] else ""
        print(f"  {label}: {ms(name):.0f} ms{extra}")
EOF
