#!/usr/bin/env bash
# `npm start`: installs what is missing (npm packages, the Temporal CLI, MariaDB), then runs everything.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
exec node_modules/.bin/tsx scripts/dev.ts
