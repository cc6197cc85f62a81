#!/usr/bin/env bash
# Builds the libFuzzer targets into build-fuzz/ (clang 14, ASan + UBSan) and
# runs each for SECONDS seconds, one after the other.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      (default: 60 s, every target)
#
# Each target starts from its corpus kept in the repository
# (fuzz/corpus/<target>/), the small text seeds beside it (fuzz/seeds/<target>/)
# and seeds made from the shared vectors at each run (fuzz/make_corpus.py, and
# the fuzz_image_seeds tool for the image targets, into build-fuzz/seeds/).
# What a run finds goes to build-fuzz/corpus/<target>; after a clean run the
# inputs that reach new coverage are merged into fuzz/corpus/<target>
# (libFuzzer's -merge=1, so the kept corpus stays small), ready to commit, so
# that every run starts where the last one got to. SDC_FUZZ_MERGE=0 leaves the
# repository as it is (the test run does). Crash, leak, timeout and
# out-of-memory inputs land in build-fuzz/artifacts/<target>/, logs in
# build-fuzz/logs/.
#
# Prints one summary line per target; exits 1 if any target found anything
# (crash, leak, timeout, out of memory) or did not run, 0 otherwise.
#
# Environment: SDC_VECTORS (default ../shared/spec/vectors beside the
# checkout), CC / CXX (default clang-14 / clang++-14), JOBS (build
# parallelism, default 2), SDC_FUZZ_RUNS (stop each target after this many
# executions, or SECONDS, whichever comes first: a long run is
# SDC_FUZZ_RUNS=10000000 scripts/fuzz.sh 7200), SDC_FUZZ_FORK (run each
# target in libFuzzer's fork mode with this many worker processes, so a slow
# target's long run uses every core; the runs are counted over all workers).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
if ! [[ $seconds =~ ^[0-9]+$ ]] || [[ $seconds -eq 0 ]]; then
  echo "usage: $0 [SECONDS] [TARGET...]" >&2
  exit 2
fi
all_targets=(barcode_fuzz cose_cbor_fuzz status_list_fuzz base45_zlib_fuzz image_decode_fuzz qr_image_fuzz
  config_fuzz audit_filter_fuzz audit_checkpoint_fuzz http1_fuzz
  hearing_import_fuzz)
all_targets+=(i18n_catalogue_fuzz office_hours_fuzz)
all_targets+=(notify_contact_fuzz)
all_targets+=(portal_input_fuzz)
all_targets+=(sync_state_fuzz)
[[ $# -gt 0 ]] && targets=("$@") || targets=("${all_targets[@]}")

build=$root/build-fuzz
vectors=${SDC_VECTORS:-$(cd "$root/.." && pwd)/shared/spec/vectors}
export SDC_VECTORS=$vectors
python=/usr/bin/python3
[[ -x $python ]] || python=python3

# Largest input each target may be given (libFuzzer's -max_len).
declare -A max_len=(
  [barcode_fuzz]=8192        # barcode text; the vectors' longest is ~1 KB
  [cose_cbor_fuzz]=16384     # the inflated COSE_Sign1 is capped at 16 KiB
  [status_list_fuzz]=16384
  [base45_zlib_fuzz]=16384
  [image_decode_fuzz]=32768
  [qr_image_fuzz]=65536      # raw pixels: up to 256 x 256
  [config_fuzz]=8192         # sdcd.toml as sdcd init writes it is ~2.5 KB
  [audit_filter_fuzz]=2048   # a query string
  [audit_checkpoint_fuzz]=8192
  [http1_fuzz]=20480         # a few requests; heads are capped at 16 KiB
  [hearing_import_fuzz]=65536  # a court calendar of some hundred rows
)
max_len[office_hours_fuzz]=256  # seven days of hours are 83 bytes
max_len[notify_contact_fuzz]=1024  # a contact field of a few words
max_len[portal_input_fuzz]=8192  # a cookie header, a form body (4 KiB at most) and a language header
max_len[i18n_catalogue_fuzz]=16384  # a language byte and a catalogue; the real ones are ~20 KB
max_len[sync_state_fuzz]=4096  # sync.json as sdc sync writes it is ~300 bytes

# --- build -------------------------------------------------------------------
if [[ ! -f $build/build.ninja ]]; then
  cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_C_COMPILER="${CC:-clang-14}" -DCMAKE_CXX_COMPILER="${CXX:-clang++-14}" \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSDC_FUZZ=ON -DSDC_BENCH=OFF >/dev/null
fi
build_targets=("${targets[@]}")
for t in "${targets[@]}"; do
  [[ $t == image_decode_fuzz || $t == qr_image_fuzz ]] && build_targets+=(fuzz_image_seeds) && break
done
cmake --build "$build" -j "${JOBS:-2}" --target "${build_targets[@]}"

# --- seeds -------------------------------------------------------------------
seeds=$build/seeds
rm -rf "$seeds"
"$python" "$root/fuzz/make_corpus.py" "$vectors" "$seeds" >/dev/null
if [[ -x $build/bin/fuzz_image_seeds ]]; then
  ASAN_OPTIONS=detect_leaks=0 "$build/bin/fuzz_image_seeds" "$seeds" \
    "$seeds"/barcode_fuzz/valid_basic "$seeds"/barcode_fuzz/valid_unicode_names \
    "$seeds"/barcode_fuzz/valid_with_thumbnail >/dev/null
fi

# --- run -----------------------------------------------------------------------
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build/logs"
failed=0
summary=()
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t
  artifacts=$build/artifacts/$t
  log=$build/logs/$t.log
  mkdir -p "$corpus" "$artifacts"
  seed_dirs=()
  [[ -d $seeds/$t ]] && seed_dirs+=("$seeds/$t")
  [[ $t == image_decode_fuzz && -d $seeds/image_decode ]] && seed_dirs+=("$seeds/image_decode")
  [[ $t == qr_image_fuzz && -d $seeds/qr_image ]] && seed_dirs+=("$seeds/qr_image")
  # Hand-written text seeds and the kept corpus, in the repository.
  [[ -d $root/fuzz/seeds/$t ]] && seed_dirs+=("$root/fuzz/seeds/$t")
  kept=$root/fuzz/corpus/$t
  [[ -d $kept ]] && seed_dirs+=("$kept")
  echo "== $t: ${seconds}s" >&2
  set +e
  "$build/bin/$t" -max_total_time="$seconds" ${SDC_FUZZ_RUNS:+-runs="$SDC_FUZZ_RUNS"} \
    ${SDC_FUZZ_FORK:+-fork="$SDC_FUZZ_FORK"} \
    -rss_limit_mb=2048 -timeout=10 \
    -max_len="${max_len[$t]:-16384}" -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" "${seed_dirs[@]}" >"$log" 2>&1
  rc=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  if [[ -z $runs ]]; then  # fork mode prints no final stats: its last "#N" line counts all workers
    runs=$(sed -n 's/^#\([0-9][0-9]*\):.*/\1/p; s/^#\([0-9][0-9]*\)\t.*/\1/p' "$log" | tail -1)
  fi
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | cut -d' ' -f2)
  files=$(find "$corpus" -type f | wc -l)
  what=""
  if grep -q 'ERROR: libFuzzer: timeout' "$log"; then what="timeout"
  elif grep -q 'ERROR: libFuzzer: out-of-memory' "$log"; then what="out of memory"
  elif grep -q 'ERROR: LeakSanitizer' "$log"; then what="leak"
  elif grep -q 'ERROR: AddressSanitizer' "$log"; then what="address error"
  elif grep -q 'runtime error:' "$log"; then what="undefined behaviour"
  elif grep -qE 'ERROR: libFuzzer: (deadly signal|crash)' "$log"; then what="crash"
  fi
  if [[ $rc -ne 0 || -n $what ]]; then
    failed=1
    artifact=$(sed -n 's/.*Test unit written to //p' "$log" | tail -1)
    line=$(printf '%-18s FAIL %s (exit %d) after %s runs; input: %s; log: %s' \
      "$t" "${what:-error}" "$rc" "${runs:-?}" "${artifact:-none}" "$log")
  else
    merged=""
    if [[ ${SDC_FUZZ_MERGE:-1} != 0 ]]; then
      mkdir -p "$kept"
      before=$(find "$kept" -type f | wc -l)
      if "$build/bin/$t" -merge=1 -rss_limit_mb=2048 -timeout=10 -max_len="${max_len[$t]:-16384}" \
        "$kept" "$corpus" >"$build/logs/$t.merge.log" 2>&1; then
        merged=", kept corpus $before -> $(find "$kept" -type f | wc -l) files"
      else
        failed=1
        merged=", MERGE FAILED (log: $build/logs/$t.merge.log)"
      fi
    fi
    took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" | tail -1)
    [[ -z $took ]] && took=$(sed -n 's/^INFO: exiting: [0-9]* time: \([0-9]*\)s.*/\1/p' "$log" | tail -1)
    [[ -z $rate && -n $runs && ${took:-0} -gt 0 ]] && rate=$((runs / took))
    line=$(printf '%-18s ok   %s runs in %ss (%s/s), coverage %s, corpus %s files%s' \
      "$t" "${runs:-?}" "${took:-$seconds}" "${rate:-?}" "${cov:-?}" "$files" "$merged")
  fi
  summary+=("$line")
  echo "$line" >&2
done

echo
echo "fuzz summary (${seconds}s per target):"
printf '  %s\n' "${summary[@]}"
exit "$failed"
