#!/usr/bin/env bash
#
# The local PostgreSQL server (Debian/Ubuntu pg_ctlcluster clusters) for running and testing Closer.
#
#   start           install PostgreSQL if missing, start the cluster on $PGPORT if it is down
#                   (creating one when there is no cluster at all); remembers that it started it
#   stop            stop the cluster, only if `start` started it
#   status          print whether it runs; exit 0 when it does, 3 when it does not
#   ensure-db NAME  create role $CLOSER_DB_USER (password $CLOSER_DB_PASSWORD) and database NAME
#                   owned by it when missing, then check a password login over TCP works
#
# Environment: PGPORT (5432), CLOSER_DB_USER (closer), CLOSER_DB_PASSWORD (closer),
#              CLOSER_VERBOSE=1 for progress messages.
set -euo pipefail

USAGE="usage: $(basename "$0") start|stop|status|ensure-db NAME"
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PGPORT=${PGPORT:-5432}
DB_USER=${CLOSER_DB_USER:-closer}
DB_PASSWORD=${CLOSER_DB_PASSWORD:-closer}
START_TIMEOUT=${CLOSER_PG_START_TIMEOUT:-60}

PG_STATE_DIR="$CLOSER_STATE_DIR/postgres"
# The marker holds "<version> <cluster>" of a cluster that `start` started, keyed by port.
MARKER="$PG_STATE_DIR/started-by-us-$PGPORT"

[[ "$PGPORT" =~ ^[0-9]+$ ]] || die "PGPORT must be a port number, got '$PGPORT'"

# cluster_on_port: print "<version> <name> <status>" of the pg_lsclusters cluster on $PGPORT.
cluster_on_port() {
  command -v pg_lsclusters >/dev/null 2>&1 || return 0
  pg_lsclusters --no-header 2>/dev/null | awk -v port="$PGPORT" '$3 == port { print $1, $2, $4; exit }'
}

cluster_count() {
  command -v pg_lsclusters >/dev/null 2>&1 || { echo 0; return; }
  pg_lsclusters --no-header 2>/dev/null | grep -c . || true
}

server_ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h localhost -p "$PGPORT" >/dev/null 2>&1
  else
    port_open 127.0.0.1 "$PGPORT"
  fi
}

wait_until_ready() {
  local deadline=$((SECONDS + START_TIMEOUT))
  until server_ready; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

cmd_start() {
  if ! command -v pg_lsclusters >/dev/null 2>&1 || ! command -v pg_ctlcluster >/dev/null 2>&1; then
    ensure_packages postgresql
  fi

  local cluster version name status
  cluster=$(cluster_on_port)
  if [[ -z "$cluster" ]]; then
    if server_ready; then
      log "a PostgreSQL server not managed by pg_ctlcluster answers on port $PGPORT; using it"
      return 0
    fi
    if [[ "$(cluster_count)" -gt 0 ]]; then
      die "no PostgreSQL cluster listens on port $PGPORT; existing clusters:
$(pg_lsclusters)
Set PGPORT to one of their ports."
    fi
    version=$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort -V | tail -n1)
    [[ -n "$version" ]] || die "PostgreSQL server binaries not found under /usr/lib/postgresql"
    say "creating PostgreSQL cluster $version/main on port $PGPORT"
    run_quietly "$(state_dir logs)/pg_createcluster.log" \
      as_root pg_createcluster --port "$PGPORT" "$version" main \
      || die "pg_createcluster failed"
    cluster=$(cluster_on_port)
    [[ -n "$cluster" ]] || die "created a cluster but pg_lsclusters does not show it on port $PGPORT"
  fi

  read -r version name status <<<"$cluster"
  if [[ "$status" == online* ]]; then
    log "PostgreSQL $version/$name already running on port $PGPORT"
    return 0
  fi

  mkdir -p "$PG_STATE_DIR"
  run_quietly "$(state_dir logs)/pg_ctlcluster.log" \
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$name" start \
    || die "could not start PostgreSQL $version/$name (server log: /var/log/postgresql/postgresql-$version-$name.log)"
  printf '%s %s\n' "$version" "$name" >"$MARKER"
  wait_until_ready || die "PostgreSQL $version/$name started but does not accept connections on port $PGPORT after ${START_TIMEOUT}s"
  say "started PostgreSQL $version/$name on port $PGPORT"
}

cmd_stop() {
  if [[ ! -f "$MARKER" ]]; then
    log "PostgreSQL on port $PGPORT was not started by this script; leaving it alone"
    return 0
  fi
  local version name cluster status
  read -r version name <"$MARKER"
  cluster=$(cluster_on_port)
  status=$(awk '{ print $3 }' <<<"$cluster")
  if [[ "$cluster" == "$version $name "* && "$status" == online* ]]; then
    run_quietly "$(state_dir logs)/pg_ctlcluster.log" \
      as_root pg_ctlcluster --skip-systemctl-redirect "$version" "$name" stop \
      || die "could not stop PostgreSQL $version/$name"
    say "stopped PostgreSQL $version/$name"
  else
    log "PostgreSQL $version/$name is not running"
  fi
  rm -f "$MARKER"
}

cmd_status() {
  local cluster version name status owner="not started by this script"
  [[ -f "$MARKER" ]] && owner="started by this script"
  cluster=$(cluster_on_port)
  if [[ -n "$cluster" ]]; then
    read -r version name status <<<"$cluster"
    if [[ "$status" == online* ]]; then
      echo "PostgreSQL $version/$name: running on port $PGPORT ($owner)"
      return 0
    fi
    echo "PostgreSQL $version/$name: stopped (port $PGPORT)"
    return 3
  fi
  if server_ready; then
    echo "PostgreSQL: a server not managed by pg_ctlcluster is running on port $PGPORT"
    return 0
  fi
  echo "PostgreSQL: no server on port $PGPORT"
  return 3
}

# psql_quote VALUE: VALUE as a psql meta-command single-quoted argument body.
psql_quote() {
  local v=${1//\\/\\\\}
  printf '%s' "${v//\'/\'\'}"
}

cmd_ensure_db() {
  local db=$1
  [[ "$db" =~ ^[A-Za-z_][A-Za-z0-9_-]*$ ]] || die "invalid database name '$db'"
  [[ "$DB_USER" =~ ^[A-Za-z_][A-Za-z0-9_-]*$ ]] || die "invalid CLOSER_DB_USER '$DB_USER'"
  server_ready || die "PostgreSQL is not running on port $PGPORT (run: $0 start)"
  command -v psql >/dev/null 2>&1 || ensure_packages postgresql-client

  # Variables are set with \set from stdin so that the password never shows in `ps`.
  # The role's password is (re)set every time so that it always matches CLOSER_DB_PASSWORD.
  local out
  if ! out=$(as_user postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PGPORT" -d postgres 2>&1 <<SQL
\\set role_name '$(psql_quote "$DB_USER")'
\\set role_password '$(psql_quote "$DB_PASSWORD")'
\\set db_name '$(psql_quote "$db")'
SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', :'role_name', :'role_password')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role_name') \\gexec
SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', :'role_name', :'role_password') \\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db_name', :'role_name')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db_name') \\gexec
SQL
  ); then
    die "could not create role '$DB_USER' / database '$db':
$out"
  fi

  if ! out=$(PGPASSWORD="$DB_PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -q -w -h localhost -p "$PGPORT" \
      -U "$DB_USER" -d "$db" -tAc 'select 1' 2>&1); then
    local hba
    hba=$(as_user postgres psql -X -qtA -p "$PGPORT" -d postgres -c 'show hba_file' 2>/dev/null || echo 'pg_hba.conf')
    die "password login as '$DB_USER' to database '$db' over TCP (localhost:$PGPORT) failed:
$out
Password authentication must be allowed for local TCP connections: $hba needs
  host all all 127.0.0.1/32 scram-sha-256
  host all all ::1/128      scram-sha-256
before any other matching line (then reload: pg_ctlcluster <version> <name> reload)."
  fi
  log "database '$db' ready (user '$DB_USER', port $PGPORT)"
}

main() {
  case "${1:-}" in
    start) [[ $# -eq 1 ]] || usage_error "start takes no argument"; cmd_start ;;
    stop) [[ $# -eq 1 ]] || usage_error "stop takes no argument"; cmd_stop ;;
    status) [[ $# -eq 1 ]] || usage_error "status takes no argument"; cmd_status ;;
    ensure-db) [[ $# -eq 2 ]] || usage_error "ensure-db takes a database name"; cmd_ensure_db "$2" ;;
    -h | --help) echo "$USAGE" ;;
    *) usage_error "unknown or missing command '${1:-}'" ;;
  esac
}

main "$@"
