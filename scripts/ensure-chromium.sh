#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the console's browser tests (test/browser/),
# which drive it with playwright-core: Playwright's own browser download is not reachable from here.
# Installs it only when missing; CHROMIUM_PATH names another binary to use instead.
set -euo pipefail
if [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then exit 0; fi
echo "Chromium: installing Debian's chromium (for the console's browser tests)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 && apt-get install -y -qq chromium >&2
