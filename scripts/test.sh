#!/usr/bin/env bash
# The whole test suite: install, build with warnings as errors, run every test
# (unit, vectors, end-to-end), again under ASan+UBSan, then time-boxed fuzzing.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
bash scripts/setup.sh --test

echo "== build (warnings are errors)"
bash scripts/build.sh -DSDC_WERROR=ON

cleanup() { [ -f scripts/pg-test-cluster.sh ] && bash scripts/pg-test-cluster.sh stop >/dev/null 2>&1 || true; }
trap cleanup EXIT
if [ -f scripts/pg-test-cluster.sh ]; then
  export SDC_TEST_PG="$(bash scripts/pg-test-cluster.sh start)"
  export SDC_REQUIRE_PG=1
fi

echo "== tests"
ctest --test-dir build --output-on-failure -j 2

echo "== tests under AddressSanitizer + UndefinedBehaviorSanitizer"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSDC_WERROR=ON -DSDC_SANITIZE=ON \
  -DSDC_BENCH=OFF >/dev/null
ninja -C build-asan -j "$(nproc)"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  LSAN_OPTIONS="suppressions=$PWD/tests/lsan.supp:print_suppressions=0" \
  ctest --test-dir build-asan --output-on-failure -j 2

if [ -f scripts/fuzz.sh ] && [ "$FUZZ_SECONDS" -gt 0 ]; then
  echo "== fuzzing, ${FUZZ_SECONDS}s per target"
  SDC_FUZZ_MERGE=0 bash scripts/fuzz.sh "$FUZZ_SECONDS"
fi
echo "== all tests passed"
