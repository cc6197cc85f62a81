#!/usr/bin/env bash
# The main job on embedded defaults: install, build, make demo keys on first
# start, issue a SPECIMEN card, publish a validity list, verify it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
exec build/bin/sdc demo --dir var/demo
