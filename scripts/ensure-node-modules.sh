#!/usr/bin/env bash
# Installs the locked npm dependencies when node_modules is missing or older than the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "npm: installing dependencies (npm ci)" >&2
  npm ci --no-audit --no-fund >&2
fi
