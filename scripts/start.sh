#!/usr/bin/env bash
# `npm start`: installs what is missing (npm packages, the Temporal CLI, MariaDB), then runs everything.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
# Development mode: the built-in secrets, the demo sign-in and source maps exist only here.
export NODE_ENV="${NODE_ENV:-development}"
exec node_modules/.bin/tsx scripts/dev.ts
