#!/usr/bin/env bash
# `npm start`: installs what is missing (npm packages, the Temporal CLI, MariaDB), then runs everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-node-modules.sh
if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
  TEMPORAL_CLI_PATH="$(bash scripts/temporal-cli.sh)"
  export TEMPORAL_CLI_PATH
fi
bash scripts/ensure-mariadb.sh
exec node_modules/.bin/tsx scripts/dev.ts
