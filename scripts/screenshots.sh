#!/usr/bin/env bash
# Pictures of every web page at 360x740 (a phone) into docs/screenshots/:
# the holder portal in English and Spanish, the officers' sign-in and verify
# pages (valid, screener, revoked, forged, offline, list out of date), the
# console (enrollment, a card, a case status, a holder's schedule, the court
# calendar's import, the audit trail, users and offices). The browser tests
# run with a folder.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --test
bash scripts/build.sh
node tests/browser/portal.mjs build/bin/sdcd docs/screenshots
node tests/browser/verify.mjs build/bin/sdcd docs/screenshots
node tests/browser/console.mjs build/bin/sdcd docs/screenshots
node tests/browser/console_schedule.mjs build/bin/sdcd docs/screenshots
node tests/browser/console_admin.mjs build/bin/sdcd docs/screenshots
