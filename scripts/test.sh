#!/usr/bin/env bash
# `npm test`: the same set-up as `npm start` (dependencies, Temporal CLI, MariaDB), then type check and the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-node-modules.sh
if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
  TEMPORAL_CLI_PATH="$(bash scripts/temporal-cli.sh)"
  export TEMPORAL_CLI_PATH
fi
bash scripts/ensure-mariadb.sh
npx tsc --noEmit -p .
npx vitest run "$@"
