#!/usr/bin/env bash
# Finds or builds the production Temporal server and its sql tool, and prints the directory holding them.
# The version is the one the CLI (scripts/temporal-cli.sh, v1.5.1) embeds as its dev server, so both engines run the
# same server code; only persistence and the process layout differ. Built once per user, like the CLI:
#   ~/.cache/appraisal-supervision/temporal-server-<ver>/{temporal-server,temporal-sql-tool,schema/postgresql/v12,config/}
# TEMPORAL_SERVER_DIR overrides with a directory of the same layout. Progress goes to stderr; only the path to stdout.
set -euo pipefail
VERSION=v1.29.1
MODULE=go.temporal.io/server
cache_dir="${XDG_CACHE_HOME:-$HOME/.cache}/appraisal-supervision/temporal-server-$VERSION"

complete() { [ -x "$1/temporal-server" ] && [ -x "$1/temporal-sql-tool" ] && [ -d "$1/schema/postgresql/v12" ] &&
  [ -f "$1/config/development-postgres12.yaml" ]; }

if [ -n "${TEMPORAL_SERVER_DIR:-}" ]; then
  complete "$TEMPORAL_SERVER_DIR" || {
    echo "TEMPORAL_SERVER_DIR=$TEMPORAL_SERVER_DIR lacks temporal-server, temporal-sql-tool, schema/ or config/" >&2
    exit 1
  }
  echo "temporal server: TEMPORAL_SERVER_DIR ($TEMPORAL_SERVER_DIR)" >&2; echo "$TEMPORAL_SERVER_DIR"; exit 0
fi
if complete "$cache_dir"; then
  echo "temporal server: cached build $cache_dir" >&2; echo "$cache_dir"; exit 0
fi

go_bin="$(command -v go 2>/dev/null || true)"
[ -n "$go_bin" ] || { [ -x /usr/local/go/bin/go ] && go_bin=/usr/local/go/bin/go; }
if [ -z "$go_bin" ]; then
  echo "No Go toolchain to build the Temporal server. Install Go (https://go.dev/dl) or set TEMPORAL_SERVER_DIR." >&2
  exit 1
fi
mkdir -p "$cache_dir"
log="$cache_dir/build.log"
: >"$log"
# Build into a scratch GOBIN and move into place last, so an interrupted build never looks complete.
tmp_bin="$(mktemp -d "$cache_dir/.build.XXXXXX")"
trap 'rm -rf "$tmp_bin"' EXIT
for pkg in cmd/server cmd/tools/sql; do
  echo "temporal server: building $MODULE/$pkg@$VERSION with $go_bin (about four minutes each, once)" >&2
  if ! GOBIN="$tmp_bin" GOFLAGS=-mod=mod "$go_bin" install "$MODULE/$pkg@$VERSION" >>"$log" 2>&1; then
    echo "Building $MODULE/$pkg@$VERSION failed:" >&2
    tail -n 40 "$log" >&2
    exit 1
  fi
done
# The schema files and config templates are not compiled in: copy them from the module just downloaded.
src="$("$go_bin" env GOMODCACHE)/$MODULE@$VERSION"
rm -rf "$cache_dir/schema" "$cache_dir/config"
mkdir -p "$cache_dir/schema/postgresql"
cp -R "$src/schema/postgresql/v12" "$cache_dir/schema/postgresql/v12"
cp -R "$src/config" "$cache_dir/config"
chmod -R u+w "$cache_dir/schema" "$cache_dir/config" # the module cache is read-only
mv "$tmp_bin/server" "$cache_dir/temporal-server"
mv "$tmp_bin/sql" "$cache_dir/temporal-sql-tool"
echo "temporal server: built $cache_dir" >&2
echo "$cache_dir"
