#!/usr/bin/env bash
# `npm run bench`: the same set-up as `npm start` (dependencies, Temporal CLI, MariaDB), then every benchmark.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
npx tsx bench/run.ts "$@"
