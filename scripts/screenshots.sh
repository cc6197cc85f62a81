#!/usr/bin/env bash
# Pictures of every holder portal page at 360x740 (a phone), in English and
# Spanish, into docs/screenshots/: the browser test run with a folder.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
bash scripts/build.sh
node tests/browser/portal.mjs build/bin/sdcd docs/screenshots
