#!/usr/bin/env bash
# `npm run bench`: the same set-up as `npm start` (dependencies, Temporal CLI, MariaDB), then every benchmark on each
# Temporal engine in turn (BENCH_ENGINE=dev|server|both, default both): `dev`, the CLI's dev server that bench/run.ts
# starts itself; `server`, the production engine brought up by scripts/engine.sh (as `npm run test:engine` does) on the
# PostgreSQL databases temporal_bench and temporal_bench_visibility (BENCH_ENGINE_DB), so it can run beside a
# test:engine run, and stopped after its run. Both engines share PostgreSQL's 100 connections (Debian's default), so
# the bench's services pool 8 connections each (BENCH_ENGINE_SQL_MAX_CONNS) instead of the template's 20. Each
# engine's run writes bench/results/<time>-<engine>.json; at the end the tables of the engines are printed together
# (and written into BENCHMARKS.md by a complete full-scale run of both).
set -euo pipefail
case "${BENCH_ENGINE:-both}" in
  dev) engines=(dev) ;;
  server) engines=(server) ;;
  both) engines=(dev server) ;;
  *) echo "bench: BENCH_ENGINE=$BENCH_ENGINE: dev, server or both" >&2; exit 2 ;;
esac
unset TEMPORAL_ADDRESS # the engines are the ones this script starts; setup.sh must find the CLI for both
source "$(dirname "$0")/setup.sh"

invocation="$(date -u +%Y-%m-%dT%H-%M-%SZ)"
files=()
for engine in "${engines[@]}"; do
  file="bench/results/$invocation-$engine.json"
  echo "bench: measuring on the $engine engine" >&2
  if [ "$engine" = dev ]; then
    BENCH_RESULTS_FILE="$file" npx tsx bench/run.ts
  else
    # A subshell: engine.sh's EXIT trap stops the server when its run ends, before anything else runs.
    (
      ENGINE_DB="${BENCH_ENGINE_DB:-temporal_bench}"
      ENGINE_SQL_MAX_CONNS="${BENCH_ENGINE_SQL_MAX_CONNS:-8}"
      source scripts/engine.sh
      export ENGINE_DB # bench/env.ts finds the PostgreSQL backends serving the engine by these databases
      BENCH_RESULTS_FILE="$file" npx tsx bench/run.ts
    )
  fi
  files+=("$file")
done
npx tsx bench/run.ts publish "${files[@]}"
