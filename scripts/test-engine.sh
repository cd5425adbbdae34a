#!/usr/bin/env bash
# `npm run test:engine`: the integration suite, then the engine fault test (test/engine), against the production
# Temporal server rather than the CLI's dev server: Temporal Server (the version the CLI embeds, built once by
# scripts/temporal-server.sh) on PostgreSQL, 8 history shards, frontend, history, matching and worker as separate
# processes on free ports. The set-up is npm test's (scripts/setup.sh). Arguments replace what is run:
#   npm run test:engine -- test/integration/complaints.test.ts
# PostgreSQL: 127.0.0.1:5432 (PG_PORT), installed from Debian's packages where missing, started where down, and stopped
# again at the end only when this script started it. Its databases temporal_engine and temporal_engine_visibility are
# dropped and created afresh on every run (nothing else in that server is touched); one run at a time.
set -euo pipefail
unset TEMPORAL_ADDRESS # this script starts the engine; setup.sh must still find the CLI, used below to set it up
source "$(dirname "$0")/setup.sh"
# As npm test: the documents' tests read the PDFs' text with poppler's pdftotext.
bash scripts/ensure-pdf-tools.sh

PG_PORT="${PG_PORT:-5432}"
DB=temporal_engine
VISIBILITY_DB=temporal_engine_visibility
DB_USER=temporal_engine
DB_PASSWORD=temporal_engine # a local test role; the password lets it in under any host auth method (trust, scram)
NAMESPACE=default
SHARDS=8
SERVICES=(history matching frontend worker)

say() { echo "test:engine: $*" >&2; }
die() { say "$*"; exit 1; }

exec 9>"${TMPDIR:-/tmp}/appraisal-supervision-test-engine.lock"
flock -n 9 || die "another test:engine run holds ${TMPDIR:-/tmp}/appraisal-supervision-test-engine.lock (its databases are the same)"

server_dir="$(bash scripts/temporal-server.sh)"
cli="$TEMPORAL_CLI_PATH"
run_dir="$(mktemp -d "${TMPDIR:-/tmp}/temporal-engine.XXXXXX")"
started_postgres=""

stop_all() { # SIGTERM, 30 s to go, then SIGKILL: only the processes whose pids this run wrote down
  local pids=() f pid
  for f in "$run_dir"/*.pid; do [ -f "$f" ] && pids+=("$(cat "$f")"); done
  [ "${#pids[@]}" -gt 0 ] || return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for _ in $(seq 1 60); do
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && break; pid=""; done
    [ -z "$pid" ] && return 0
    sleep 0.5
  done
  kill -KILL "${pids[@]}" 2>/dev/null || true
}
cleanup() {
  local status=$?
  stop_all
  if [ -n "$started_postgres" ]; then
    say "stopping PostgreSQL $started_postgres (it was down when the run began)"
    pg_ctlcluster --skip-systemctl-redirect "$started_postgres" main stop || true
  fi
  if [ "$status" -eq 0 ]; then rm -rf "$run_dir"; else say "kept the engine's logs in $run_dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- PostgreSQL -------------------------------------------------------------------------------------------------------
pg_up() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; }
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  say "installing PostgreSQL (Debian's postgresql)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
fi
if ! pg_up; then
  cluster="$(ls /etc/postgresql | sort -V | tail -n 1)"
  say "starting PostgreSQL $cluster"
  pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
  started_postgres="$cluster"
  for _ in $(seq 1 60); do pg_up && break; sleep 0.5; done
  pg_up || die "PostgreSQL did not answer at 127.0.0.1:$PG_PORT within 30 s"
fi
# As a superuser: over TCP where the server trusts local connections, else as the postgres OS user on its socket.
if psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
  pg_admin() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
else
  pg_admin() { runuser -u postgres -- psql -p "$PG_PORT" -d postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
fi
say "fresh databases $DB and $VISIBILITY_DB"
PGOPTIONS=--client-min-messages=warning pg_admin >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'; END IF;
END \$\$;
DROP DATABASE IF EXISTS $DB WITH (FORCE);
DROP DATABASE IF EXISTS $VISIBILITY_DB WITH (FORCE);
CREATE DATABASE $DB OWNER $DB_USER;
CREATE DATABASE $VISIBILITY_DB OWNER $DB_USER;
SQL
sql_tool() {
  "$server_dir/temporal-sql-tool" --plugin postgres12 --endpoint 127.0.0.1 --port "$PG_PORT" \
    --user "$DB_USER" --password "$DB_PASSWORD" --database "$1" "${@:2}" >>"$run_dir/schema.log" 2>&1 ||
    { tail -n 40 "$run_dir/schema.log" >&2; die "the sql tool failed on $1: ${*:2}"; }
}
for pair in "$DB:temporal" "$VISIBILITY_DB:visibility"; do
  sql_tool "${pair%%:*}" setup-schema -v 0.0
  sql_tool "${pair%%:*}" update-schema -d "$server_dir/schema/postgresql/v12/${pair##*:}/versioned"
done

# --- Server configuration: the module's development-postgres12.yaml, moved onto this run's databases and ports ----------
mkdir -p "$run_dir/config"
read -r -a ports <<<"$(node -e '
  // Below 32768: the PostgreSQL schema keeps the port of a service in a smallint (cluster_membership.rpc_port), so the
  // ephemeral ports of the kernel will not do. All nine are held open at once, so no two are the same.
  const net = require("node:net");
  const held = [];
  const take = () => new Promise((ok) => {
    const s = net.createServer().once("error", () => ok(take())).listen(20000 + Math.floor(Math.random() * 12000), "127.0.0.1", () => ok(s));
  });
  (async () => { for (let i = 0; i < 9; i++) held.push(await take()); console.log(held.map((s) => s.address().port).join(" ")); held.forEach((s) => s.close()); })();
')"
FRONTEND_PORT="${ports[0]}"
TEMPLATE="$server_dir/config/development-postgres12.yaml" DYNAMIC_TEMPLATE="$server_dir/config/dynamicconfig/development-sql.yaml" \
  RUN_DIR="$run_dir" PORTS="${ports[*]}" PG_PORT="$PG_PORT" DB="$DB" VISIBILITY_DB="$VISIBILITY_DB" DB_USER="$DB_USER" \
  DB_PASSWORD="$DB_PASSWORD" SHARDS="$SHARDS" node - <<'JS'
const fs = require('node:fs');
const YAML = require('yaml');
const env = process.env;
const [frontend, frontendMembership, frontendHttp, history, historyMembership, matching, matchingMembership, worker, workerMembership] =
  env.PORTS.split(' ').map(Number);
const config = YAML.parse(fs.readFileSync(env.TEMPLATE, 'utf8'));
config.log = { stdout: true, level: 'warn' };
config.persistence.numHistoryShards = Number(env.SHARDS);
for (const [name, database] of [['postgres-default', env.DB], ['postgres-visibility', env.VISIBILITY_DB]]) {
  Object.assign(config.persistence.datastores[name].sql, {
    databaseName: database,
    connectAddr: `127.0.0.1:${env.PG_PORT}`,
    user: env.DB_USER,
    password: env.DB_PASSWORD,
  });
}
// Four processes on one host: the template's single pprof and metrics ports would collide, and the suite reads neither.
delete config.global.pprof;
delete config.global.metrics;
const rpc = (grpcPort, membershipPort, extra = {}) => ({ rpc: { grpcPort, membershipPort, bindOnLocalHost: true, ...extra } });
config.services = {
  frontend: rpc(frontend, frontendMembership, { httpPort: frontendHttp }),
  history: rpc(history, historyMembership),
  matching: rpc(matching, matchingMembership),
  worker: rpc(worker, workerMembership),
};
config.clusterMetadata.clusterInformation.active.rpcAddress = `127.0.0.1:${frontend}`;
config.dynamicConfigClient = { filepath: `${env.RUN_DIR}/config/dynamicconfig.yaml`, pollInterval: '10s' };
fs.writeFileSync(`${env.RUN_DIR}/config/development.yaml`, YAML.stringify(config));
// The development dynamic config as it is, but for the Nexus callback address, which names the frontend's HTTP port.
const dynamic = fs.readFileSync(env.DYNAMIC_TEMPLATE, 'utf8').replace('http://localhost:7243/', `http://127.0.0.1:${frontendHttp}/`);
fs.writeFileSync(`${env.RUN_DIR}/config/dynamicconfig.yaml`, dynamic);
JS

# One service per process. The engine fault test restarts a service it killed with the same script (TEMPORAL_ENGINE_DIR).
cat >"$run_dir/start-service.sh" <<SH
#!/usr/bin/env bash
# Starts one Temporal service of this run in the background; its pid goes to <service>.pid, its output to <service>.log.
set -euo pipefail
cd "$run_dir"
"$server_dir/temporal-server" --root "$run_dir" --config config --env development --allow-no-auth start --service "\$1" \
  >>"$run_dir/\$1.log" 2>&1 &
echo \$! >"$run_dir/\$1.pid"
SH
chmod +x "$run_dir/start-service.sh"
# The first process to start writes the cluster's metadata; on a fresh database, processes starting together race to
# insert it and the losers exit. So one first, the others once the record is there.
bash "$run_dir/start-service.sh" "${SERVICES[0]}"
waited=0
until [ "$(psql "postgresql://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/$DB" -Atqc 'SELECT count(*) FROM cluster_metadata_info' 2>/dev/null)" = 1 ]; do
  kill -0 "$(cat "$run_dir/${SERVICES[0]}.pid")" 2>/dev/null || { tail -n 30 "$run_dir/${SERVICES[0]}.log" >&2; die "the ${SERVICES[0]} service exited"; }
  [ "$waited" -lt 240 ] || die "the ${SERVICES[0]} service did not write the cluster metadata within 120 s"
  sleep 0.5; waited=$((waited + 1))
done
for service in "${SERVICES[@]:1}"; do bash "$run_dir/start-service.sh" "$service"; done
say "Temporal Server $(basename "$server_dir" | sed 's/^temporal-server-//') on PostgreSQL: ${SERVICES[*]} as separate processes, $SHARDS history shards, frontend 127.0.0.1:$FRONTEND_PORT"

address="127.0.0.1:$FRONTEND_PORT"
temporal_cli() { "$cli" "$@" --address "$address" --command-timeout 10s; }
alive_all() {
  local service
  for service in "${SERVICES[@]}"; do
    kill -0 "$(cat "$run_dir/$service.pid")" 2>/dev/null ||
      { tail -n 30 "$run_dir/$service.log" >&2; die "the $service service exited"; }
  done
}
waited=0
until temporal_cli operator cluster health >/dev/null 2>&1; do
  alive_all
  [ "$waited" -lt 240 ] || die "the frontend did not report healthy within 120 s (logs in $run_dir)"
  sleep 0.5; waited=$((waited + 1))
done

# Namespace and search attributes, as an operator creates them (the CLI), named and typed by workflows/searchAttributes.ts.
temporal_cli operator namespace create --namespace "$NAMESPACE" >/dev/null
until temporal_cli operator namespace describe --namespace "$NAMESPACE" >/dev/null 2>&1; do alive_all; sleep 0.5; done
mapfile -t attribute_args < <(node --import tsx -e '
  const { ALL_SEARCH_ATTRIBUTES } = require("./workflows/searchAttributes.ts");
  // KEYWORD_LIST -> KeywordList: the CLI names of the SDK types.
  const cli = (type) => type.split("_").map((w) => w[0] + w.slice(1).toLowerCase()).join("");
  for (const key of ALL_SEARCH_ATTRIBUTES) console.log(`--name\n${key.name}\n--type\n${cli(key.type)}`);
')
[ "${#attribute_args[@]}" -gt 0 ] || die "could not read the search attributes from workflows/searchAttributes.ts"
temporal_cli operator search-attribute create --namespace "$NAMESPACE" "${attribute_args[@]}" >/dev/null
expected=$((${#attribute_args[@]} / 4))
listed() { temporal_cli operator search-attribute list --namespace "$NAMESPACE" -o json 2>/dev/null |
  node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(Object.keys(JSON.parse(s).customAttributes??{}).length))'; }
until [ "$(listed)" = "$expected" ]; do alive_all; sleep 0.5; done
# Each service caches namespaces (and with them the attributes' columns), refreshed every 2 s (system.namespaceCacheRefreshInterval).
sleep 5
alive_all
say "namespace $NAMESPACE with $expected search attributes; running the suites"

export TEMPORAL_ADDRESS="$address" TEMPORAL_ENGINE_DIR="$run_dir"
if [ "$#" -gt 0 ]; then
  npx vitest run "$@"
else
  npx vitest run test/integration
  npx vitest run -c vitest.engine.config.mts
fi
