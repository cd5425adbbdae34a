#!/usr/bin/env bash
# Finds the Temporal CLI (dev server) and prints its path; builds it from its Go module when needed.
# Order: TEMPORAL_CLI, `temporal` on PATH, .tools/bin, the per-user cache, `go install`.
# Progress goes to stderr; only the path goes to stdout.
set -euo pipefail
VERSION=v1.5.1   # later tags carry a `replace` directive that `go install` refuses
root="$(cd "$(dirname "$0")/.." && pwd)"
local_bin="$root/.tools/bin/temporal"
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/appraisal-supervision/temporal-cli-$VERSION"

if [ -n "${TEMPORAL_CLI:-}" ]; then
  [ -x "$TEMPORAL_CLI" ] || { echo "TEMPORAL_CLI=$TEMPORAL_CLI is not an executable" >&2; exit 1; }
  echo "temporal CLI: TEMPORAL_CLI ($TEMPORAL_CLI)" >&2; echo "$TEMPORAL_CLI"; exit 0
fi
if on_path="$(command -v temporal 2>/dev/null)"; then
  echo "temporal CLI: on PATH ($on_path)" >&2; echo "$on_path"; exit 0
fi
if [ -x "$local_bin" ]; then
  echo "temporal CLI: $local_bin" >&2; echo "$local_bin"; exit 0
fi
mkdir -p "$root/.tools/bin"
if [ -x "$cache_dir/temporal" ]; then
  ln -sf "$cache_dir/temporal" "$local_bin"
  echo "temporal CLI: cached build $cache_dir/temporal" >&2; echo "$local_bin"; exit 0
fi
go_bin="$(command -v go 2>/dev/null || true)"
[ -n "$go_bin" ] || { [ -x /usr/local/go/bin/go ] && go_bin=/usr/local/go/bin/go; }
if [ -z "$go_bin" ]; then
  echo "No Temporal CLI found and no Go toolchain to build one. Install Go (https://go.dev/dl) or the Temporal CLI," >&2
  echo "or set TEMPORAL_CLI to a temporal binary, or TEMPORAL_ADDRESS to a running server." >&2
  exit 1
fi
echo "temporal CLI: building github.com/temporalio/cli/cmd/temporal@$VERSION with $go_bin (a few minutes, once)" >&2
mkdir -p "$cache_dir"
log="$cache_dir/build.log"
if ! GOBIN="$cache_dir" GOFLAGS=-mod=mod "$go_bin" install "github.com/temporalio/cli/cmd/temporal@$VERSION" >"$log" 2>&1; then
  echo "Building the Temporal CLI failed:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
ln -sf "$cache_dir/temporal" "$local_bin"
echo "temporal CLI: built $cache_dir/temporal" >&2
echo "$local_bin"
