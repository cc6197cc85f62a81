#!/usr/bin/env bash
# The main job on embedded defaults: install, build, then
#  1. `sdc demo`: make demo issuer keys on first start, issue a SPECIMEN card,
#     render it, publish a validity list and verify the card offline;
#  2. `sdcd demo`: start the registry on localhost:8080 with SQLite under
#     var/sdcd, seeded on first start with users of every role and specimen
#     holders with cards; it prints the API address, /openapi.yaml and the
#     demo logins. Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh
build/bin/sdc demo --dir var/demo
exec build/bin/sdcd demo --data var/sdcd --listen 127.0.0.1:8080
