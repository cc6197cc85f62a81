#!/usr/bin/env bash
# Installs the Debian 12 packages SDC builds, runs and tests with.
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config git
  libssl-dev libsodium-dev zlib1g-dev nlohmann-json3-dev libcli11-dev libfmt-dev libspdlog-dev
  libtomlplusplus-dev libhowardhinnant-date-dev libcpp-httplib-dev
  libzint-dev libzxing-dev libjpeg62-turbo-dev libpng-dev libcairo2-dev fonts-ocr-b fonts-dejavu-core
  libdlib-dev libsqlite3-dev sqlite3 postgresql libpq-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libicu-dev libp11-kit-dev
)
test_packages=(
  clang-14 libclang-rt-14-dev poppler-utils imagemagick zbar-tools python3 python3-cryptography
  python3-cbor2 wrk python3-icalendar jq nginx
  python3-aiosmtpd
  chromium
  softhsm2 opensc
)
want=("${packages[@]}")
[ "${1:-}" = "--test" ] && want+=("${test_packages[@]}")
missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
# The npm packages, with the machine's Node.js; Debian's nodejs and npm where
# there is none: web/ (bundled into sdcd at build time) always, and the
# browser tests' (tests/browser/package-lock.json) for --test.
if ! command -v npm > /dev/null; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends nodejs npm
fi
web="$(dirname "$0")/../web"
if [ ! -d "$web/node_modules" ] || [ "$web/package-lock.json" -nt "$web/node_modules" ]; then
  (cd "$web" && npm ci --no-audit --no-fund)
  touch "$web/node_modules"
fi
if [ "${1:-}" = "--test" ]; then
  browser="$(dirname "$0")/../tests/browser"
  if [ ! -d "$browser/node_modules" ] || [ "$browser/package-lock.json" -nt "$browser/node_modules" ]; then
    (cd "$browser" && npm ci --no-audit --no-fund)
    touch "$browser/node_modules"
  fi
fi
