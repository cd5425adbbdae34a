# Sourced (by test-engine.sh and bench.sh, after setup.sh, from the repository's root): brings up the production
# Temporal engine and exports TEMPORAL_ADDRESS (its frontend), TEMPORAL_ENGINE_DIR (its run directory: config, one
# <service>.pid and <service>.log per service, start-service.sh to start one again) and TEMPORAL_ENGINE_PERSISTENCE
# (e.g. "PostgreSQL 15.14"). Stops what it started on EXIT (the trap replaces any EXIT trap of the caller).
# The engine: Temporal Server (the version the CLI embeds, built once by scripts/temporal-server.sh) on PostgreSQL,
# 8 history shards, frontend, history, matching and worker as separate processes on free ports, the namespace and the
# search attributes created with the CLI ($TEMPORAL_CLI_PATH, which setup.sh finds when TEMPORAL_ADDRESS is unset).
# PostgreSQL: 127.0.0.1:5432 (PG_PORT), installed from Debian's packages where missing, started where down, and stopped
# again at the end only when this script started it. Its databases $ENGINE_DB (default temporal_engine) and
# ${ENGINE_DB}_visibility are dropped and created afresh on every run (nothing else in that server is touched); one run
# per database name at a time (a lock per name), so runs on different names go side by side. Each service's pool to
# the main database holds up to ENGINE_SQL_MAX_CONNS connections (default the template's 20; 2 more to visibility).

PG_PORT="${PG_PORT:-5432}"
DB="${ENGINE_DB:-temporal_engine}"
VISIBILITY_DB="${DB}_visibility"
DB_USER=temporal_engine
DB_PASSWORD=temporal_engine # a local test role; the password lets it in under any host auth method (trust, scram)
NAMESPACE=default
SHARDS=8
SERVICES=(history matching frontend worker)
SQL_MAX_CONNS="${ENGINE_SQL_MAX_CONNS:-20}"

engine_say() { echo "engine: $*" >&2; }
engine_die() { engine_say "$*"; exit 1; }

[[ "$DB" =~ ^[a-z_][a-z0-9_]*$ ]] || engine_die "ENGINE_DB=$DB: lower-case letters, digits and _ only (it names PostgreSQL databases)"
[[ "$SQL_MAX_CONNS" =~ ^[1-9][0-9]*$ ]] || engine_die "ENGINE_SQL_MAX_CONNS=$SQL_MAX_CONNS: a number of connections"
[ -n "${TEMPORAL_CLI_PATH:-}" ] || engine_die "TEMPORAL_CLI_PATH is not set: source scripts/setup.sh first, with TEMPORAL_ADDRESS unset"

engine_lock="${TMPDIR:-/tmp}/appraisal-supervision-engine-$DB.lock"
exec 9>"$engine_lock"
flock -n 9 || engine_die "another engine run on the databases $DB and $VISIBILITY_DB holds $engine_lock"

server_dir="$(bash scripts/temporal-server.sh)"
cli="$TEMPORAL_CLI_PATH"
run_dir="$(mktemp -d "${TMPDIR:-/tmp}/temporal-engine.XXXXXX")"
started_postgres=""

engine_stop_all() { # SIGTERM, 30 s to go, then SIGKILL: only the processes whose pids this run wrote down
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
engine_cleanup() {
  local status=$?
  engine_stop_all
  if [ -n "$started_postgres" ]; then
    engine_say "stopping PostgreSQL $started_postgres (it was down when the run began)"
    pg_ctlcluster --skip-systemctl-redirect "$started_postgres" main stop || true
  fi
  if [ "$status" -eq 0 ]; then rm -rf "$run_dir"; else engine_say "kept the engine's logs in $run_dir"; fi
}
trap engine_cleanup EXIT
trap 'exit 130' INT TERM

# --- PostgreSQL -------------------------------------------------------------------------------------------------------
pg_up() { pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; }
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  engine_say "installing PostgreSQL (Debian's postgresql)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
fi
if ! pg_up; then
  cluster="$(ls /etc/postgresql | sort -V | tail -n 1)"
  engine_say "starting PostgreSQL $cluster"
  pg_ctlcluster --skip-systemctl-redirect "$cluster" main start
  started_postgres="$cluster"
  for _ in $(seq 1 60); do pg_up && break; sleep 0.5; done
  pg_up || engine_die "PostgreSQL did not answer at 127.0.0.1:$PG_PORT within 30 s"
fi
# As a superuser: over TCP where the server trusts local connections, else as the postgres OS user on its socket.
if psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
  pg_admin() { psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
else
  pg_admin() { runuser -u postgres -- psql -p "$PG_PORT" -d postgres -v ON_ERROR_STOP=1 -Atq "$@"; }
fi
engine_say "fresh databases $DB and $VISIBILITY_DB"
PGOPTIONS=--client-min-messages=warning pg_admin >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN CREATE ROLE $DB_USER LOGIN PASSWORD '$DB_PASSWORD'; END IF;
END \$\$;
DROP DATABASE IF EXISTS $DB WITH (FORCE);
DROP DATABASE IF EXISTS $VISIBILITY_DB WITH (FORCE);
CREATE DATABASE $DB OWNER $DB_USER;
CREATE DATABASE $VISIBILITY_DB OWNER $DB_USER;
SQL
TEMPORAL_ENGINE_PERSISTENCE="PostgreSQL $(pg_admin -c 'SHOW server_version' | cut -d' ' -f1)"
# Another engine on the same PostgreSQL (a test:engine run beside a bench) shares its max_connections: say so before
# a service fails on "too many clients" rather than after.
engine_free_connections="$(pg_admin -c "SELECT current_setting('max_connections')::int - current_setting('superuser_reserved_connections')::int - count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")"
if [ "$engine_free_connections" -lt $((${#SERVICES[@]} * (SQL_MAX_CONNS + 2))) ]; then
  engine_say "warning: PostgreSQL has $engine_free_connections connections free; this engine's pools may open up to $((${#SERVICES[@]} * (SQL_MAX_CONNS + 2))) (ENGINE_SQL_MAX_CONNS=$SQL_MAX_CONNS per service)"
fi
sql_tool() {
  "$server_dir/temporal-sql-tool" --plugin postgres12 --endpoint 127.0.0.1 --port "$PG_PORT" \
    --user "$DB_USER" --password "$DB_PASSWORD" --database "$1" "${@:2}" >>"$run_dir/schema.log" 2>&1 ||
    { tail -n 40 "$run_dir/schema.log" >&2; engine_die "the sql tool failed on $1: ${*:2}"; }
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
  DB_PASSWORD="$DB_PASSWORD" SHARDS="$SHARDS" SQL_MAX_CONNS="$SQL_MAX_CONNS" node - <<'JS'
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
Object.assign(config.persistence.datastores['postgres-default'].sql, { maxConns: Number(env.SQL_MAX_CONNS), maxIdleConns: Number(env.SQL_MAX_CONNS) });
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
  kill -0 "$(cat "$run_dir/${SERVICES[0]}.pid")" 2>/dev/null || { tail -n 30 "$run_dir/${SERVICES[0]}.log" >&2; engine_die "the ${SERVICES[0]} service exited"; }
  [ "$waited" -lt 240 ] || engine_die "the ${SERVICES[0]} service did not write the cluster metadata within 120 s"
  sleep 0.5; waited=$((waited + 1))
done
for service in "${SERVICES[@]:1}"; do bash "$run_dir/start-service.sh" "$service"; done
engine_say "Temporal Server $(basename "$server_dir" | sed 's/^temporal-server-//') on $TEMPORAL_ENGINE_PERSISTENCE ($DB): ${SERVICES[*]} as separate processes, $SHARDS history shards, frontend 127.0.0.1:$FRONTEND_PORT"

address="127.0.0.1:$FRONTEND_PORT"
temporal_cli() { "$cli" "$@" --address "$address" --command-timeout 10s; }
alive_all() {
  local service
  for service in "${SERVICES[@]}"; do
    kill -0 "$(cat "$run_dir/$service.pid")" 2>/dev/null ||
      { tail -n 30 "$run_dir/$service.log" >&2; engine_die "the $service service exited"; }
  done
}
waited=0
until temporal_cli operator cluster health >/dev/null 2>&1; do
  alive_all
  [ "$waited" -lt 240 ] || engine_die "the frontend did not report healthy within 120 s (logs in $run_dir)"
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
[ "${#attribute_args[@]}" -gt 0 ] || engine_die "could not read the search attributes from workflows/searchAttributes.ts"
temporal_cli operator search-attribute create --namespace "$NAMESPACE" "${attribute_args[@]}" >/dev/null
expected=$((${#attribute_args[@]} / 4))
listed() { temporal_cli operator search-attribute list --namespace "$NAMESPACE" -o json 2>/dev/null |
  node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>console.log(Object.keys(JSON.parse(s).customAttributes??{}).length))'; }
until [ "$(listed)" = "$expected" ]; do alive_all; sleep 0.5; done
# Each service caches namespaces (and with them the attributes' columns), refreshed every 2 s (system.namespaceCacheRefreshInterval).
sleep 5
alive_all
engine_say "namespace $NAMESPACE with $expected search attributes"

export TEMPORAL_ADDRESS="$address" TEMPORAL_ENGINE_DIR="$run_dir" TEMPORAL_ENGINE_PERSISTENCE
