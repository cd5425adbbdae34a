#!/usr/bin/env bash
# `npm run test:engine`: the integration suite, then the engine fault test (test/engine), against the production
# Temporal server rather than the CLI's dev server: Temporal Server on PostgreSQL, 8 history shards, frontend, history,
# matching and worker as separate processes on free ports, brought up by scripts/engine.sh on the databases
# temporal_engine and temporal_engine_visibility (ENGINE_DB), dropped and created afresh on every run. The set-up is
# npm test's (scripts/setup.sh). Arguments replace what is run:
#   npm run test:engine -- test/integration/complaints.test.ts
set -euo pipefail
unset TEMPORAL_ADDRESS # engine.sh starts the engine; setup.sh must still find the CLI, which engine.sh uses to set it up
source "$(dirname "$0")/setup.sh"
# As npm test: the documents' tests read the PDFs' text with poppler's pdftotext.
bash scripts/ensure-pdf-tools.sh

ENGINE_DB="${ENGINE_DB:-temporal_engine}"
source scripts/engine.sh # exports TEMPORAL_ADDRESS and TEMPORAL_ENGINE_DIR; stops the engine on exit
echo "test:engine: running the suites" >&2

if [ "$#" -gt 0 ]; then
  npx vitest run "$@"
else
  npx vitest run test/integration
  npx vitest run -c vitest.engine.config.mts
fi
