#!/usr/bin/env bash
# `npm test`: the same set-up as `npm start` (dependencies, Temporal CLI, MariaDB), then type check, lint, format check and the whole suite.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
# Only the console's browser tests need Chromium; running the system does not.
bash scripts/ensure-chromium.sh
# The documents' tests read the PDFs' text with poppler's pdftotext.
bash scripts/ensure-pdf-tools.sh
npx tsc --noEmit -p .
npx tsc --noEmit -p console   # the browser code: its own tsconfig, with the DOM types
# Lint (eslint.config.mjs: floating promises, what workflow and domain code may import) and formatting, before the
# suite. Both cache under node_modules/.cache; a fresh clone (CI) lints every file against the current types.
npm run --silent lint
npm run --silent format:check
npx vitest run "$@"
