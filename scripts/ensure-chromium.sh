#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium, with a font for Chinese, for the console's browser
# tests (test/browser/), which drive it with playwright-core: Playwright's own browser download is not
# reachable from here. Installs only what is missing; CHROMIUM_PATH names another binary to use instead.
set -euo pipefail
have_chromium() { [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; }
have_cjk_font() { command -v fc-list >/dev/null && [ -n "$(fc-list :lang=zh 2>/dev/null)" ]; }
if have_chromium && have_cjk_font; then exit 0; fi
packages=()
have_chromium || packages+=(chromium)
have_cjk_font || packages+=(fonts-wqy-microhei)
echo "Chromium: installing ${packages[*]} (for the console's browser tests)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2 && apt-get install -y -qq "${packages[@]}" >&2
