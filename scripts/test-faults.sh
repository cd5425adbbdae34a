#!/usr/bin/env bash
# `npm run test:faults`: the same set-up as `npm test`, then the fault-injection suite (test/faults), which
# runs its own MariaDB, Temporal dev server, SMTP server and worker process and breaks each in turn.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
npx vitest run -c vitest.faults.config.mts "$@"
