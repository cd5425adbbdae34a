# Sourced by start.sh and test.sh: installs what is missing (npm packages, the Temporal CLI unless
# TEMPORAL_ADDRESS names a server, MariaDB, a Chinese font for the printable documents), builds the operator console,
# and exports TEMPORAL_CLI_PATH.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/ensure-node-modules.sh
if [ -z "${TEMPORAL_ADDRESS:-}" ]; then
  TEMPORAL_CLI_PATH="$(bash scripts/temporal-cli.sh)"
  export TEMPORAL_CLI_PATH
fi
bash scripts/ensure-mariadb.sh
bash scripts/ensure-fonts.sh
node_modules/.bin/tsx scripts/build-console.ts
