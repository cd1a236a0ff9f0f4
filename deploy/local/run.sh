#!/usr/bin/env bash
#
# Run Closer locally: PostgreSQL and Kafka (started if needed), a build of the app, then the app
# itself, until Ctrl-C. On exit it stops the app and only what this run started.
#
# Environment (all optional):
#   CLOSER_PORT=8080          HTTP port of the app
#   PGPORT=5432               local PostgreSQL port (see postgres.sh)
#   KAFKA_PORT=9092           local Kafka port (see kafka.sh for its other settings)
#   CLOSER_SKIP_BUILD=1       run the existing build instead of `./mvnw package`
#   CLOSER_APP_JAR            the jar to run (services/app/target/quarkus-app/quarkus-run.jar)
#   CLOSER_ADMIN_KEY          bootstrap admin API key; default: generated once into .closer/admin.key
#   CLOSER_DB_USER, CLOSER_DB_PASSWORD  database credentials (closer/closer)
#   CLOSER_JAVA_OPTS          extra JVM options for the app
#   CLOSER_START_TIMEOUT=120  seconds to wait for /q/health/ready
#   CLOSER_DEMO=1             load the demo world (synthetic, ml/simulator) in the background; 0 skips it
#   CLOSER_DEMO_SEED=42       the demo world's seed
#   CLOSER_DEMO_START         the demo world's first day (default: 180 days before today, so its six months end
#                             today and scores, decay and activity recency look as they would in a live CRM)
#   CLOSER_VERBOSE=1          progress messages
set -euo pipefail

USAGE="usage: $(basename "$0")   (settings through the environment: see the head of this script)"
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

case "${1:-}" in
  "") ;;
  -h | --help) echo "$USAGE"; exit 0 ;;
  *) usage_error "unexpected argument '$1'" ;;
esac

PORT=${CLOSER_PORT:-8080}
export PGPORT=${PGPORT:-5432}
export KAFKA_PORT=${KAFKA_PORT:-9092}
DB_NAME=closer
DB_USER=${CLOSER_DB_USER:-closer}
DB_PASSWORD=${CLOSER_DB_PASSWORD:-closer}
START_TIMEOUT=${CLOSER_START_TIMEOUT:-120}
URL="http://localhost:$PORT"
APP_JAR=${CLOSER_APP_JAR:-$REPO/services/app/target/quarkus-app/quarkus-run.jar}
APP_LOG="$(state_dir)/app.log"
KEY_FILE="$CLOSER_STATE_DIR/admin.key"
DEMO=${CLOSER_DEMO:-1}
DEMO_SEED=${CLOSER_DEMO_SEED:-42}
DEMO_START=${CLOSER_DEMO_START:-$(date -u -d '180 days ago' +%F)}
DEMO_FILE="$CLOSER_STATE_DIR/demo-world-$DEMO_SEED-$DEMO_START.ndjson.gz"
DEMO_DONE="$CLOSER_STATE_DIR/demo-world-$DEMO_SEED.imported"
DEMO_LOG="$CLOSER_STATE_DIR/demo.log"

[[ "$PORT" =~ ^[0-9]+$ ]] || die "CLOSER_PORT must be a port number, got '$PORT'"

# admin_key: CLOSER_ADMIN_KEY, else the key in .closer/admin.key, generated on the first run as
# "ck_" + base64url (no padding) of 32 random bytes.
admin_key() {
  if [[ -n "${CLOSER_ADMIN_KEY:-}" ]]; then
    printf '%s\n' "$CLOSER_ADMIN_KEY"
    return
  fi
  if [[ ! -s "$KEY_FILE" ]]; then
    local key
    key="ck_$(head -c 32 /dev/urandom | base64 -w0 | tr '+/' '-_' | tr -d '=')"
    (umask 077 && printf '%s\n' "$key" >"$KEY_FILE.tmp")
    mv -f "$KEY_FILE.tmp" "$KEY_FILE"
  fi
  chmod 600 "$KEY_FILE"
  head -n1 "$KEY_FILE"
}

app_ready() { curl -fsS -m 3 -o /dev/null "$URL/q/health/ready" 2>/dev/null; }

print_banner() {
  local key=$1
  cat <<EOF

Closer is running at $URL
Admin API key: $key
App log: $APP_LOG

Try it (post a lead CloudEvent, then read the lead back):

KEY='$key'
curl -sS -X POST $URL/api/v1/events \\
  -H "Authorization: Bearer \$KEY" \\
  -H 'Content-Type: application/cloudevents+json' \\
  -d '{"specversion":"1.0","id":"evt-demo-1","source":"closer/demo","type":"closer.lead.upserted","subject":"lead-demo-1","time":"2026-01-01T09:00:00Z","datacontenttype":"application/json","data":{"id":"lead-demo-1","email":"ada@example.com","firstName":"Ada","lastName":"Lovelace","title":"VP Engineering","source":"Google","origin":"Landing Page Submission","country":"India","occupation":"Working Professional","websiteVisits":5,"websiteSeconds":1200,"pageViewsPerVisit":2.5,"doNotEmail":false}}'
curl -sS -H "Authorization: Bearer \$KEY" $URL/api/v1/leads/lead-demo-1

EOF
}

# load_demo: generates the demo world once (ml/simulator, seeded) and imports it through Kafka with
# closer-import, the way any event file is loaded. Importing again is harmless (each event id is applied
# once); the marker only saves the time.
load_demo() {
  if [[ -f "$DEMO_DONE" ]] && PGPASSWORD=$DB_PASSWORD psql -h localhost -p "$PGPORT" -U "$DB_USER" -d "$DB_NAME" \
      -tAc "select 1 from ingested_events where source = 'closer/simulator' limit 1" 2>/dev/null | grep -q 1; then
    echo "the demo world (seed $DEMO_SEED) is already loaded"
    return 0
  fi
  if [[ ! -s "$DEMO_FILE" ]]; then
    echo "generating the demo world (synthetic, seed $DEMO_SEED) into $DEMO_FILE"
    # the simulator gzips by the .gz suffix, so the temporary name keeps it
    /usr/bin/python3 "$REPO/ml/simulator/simulate.py" --seed "$DEMO_SEED" --start "$DEMO_START" --out "${DEMO_FILE%.gz}.tmp.gz" &&
      mv -f "${DEMO_FILE%.gz}.tmp.gz" "$DEMO_FILE"
  fi
  KAFKA_BOOTSTRAP_SERVERS="localhost:$KAFKA_PORT" "$CLOSER_LOCAL_DIR/import.sh" --no-progress "$DEMO_FILE" &&
    touch "$DEMO_DONE"
}

command -v curl >/dev/null 2>&1 || ensure_packages curl
if [[ "$DEMO" == 1 ]]; then
  command -v /usr/bin/python3 >/dev/null 2>&1 || ensure_packages python3 # the simulator needs only the standard library
fi
ADMIN_KEY=$(admin_key)

# Running twice is safe: an app that already answers on the port is reused as it is.
if app_ready; then
  print_banner "$ADMIN_KEY"
  say "the app was already running; nothing started"
  exit 0
fi
if port_open 127.0.0.1 "$PORT"; then
  die "port $PORT is in use, but $URL/q/health/ready does not report ready (another program, or a Closer app still starting or unhealthy): stop it or set CLOSER_PORT"
fi

APP_PID=""
DEMO_PID=""
STARTED_PG=0
STARTED_KAFKA=0

# shellcheck disable=SC2317 # invoked through trap
cleanup() {
  local rc=$?
  trap '' INT TERM # a second Ctrl-C must not cut the clean-up short
  if pid_alive "$DEMO_PID"; then
    pkill -TERM -P "$DEMO_PID" 2>/dev/null || true
    kill -TERM "$DEMO_PID" 2>/dev/null || true
  fi
  if pid_alive "$APP_PID"; then
    say "stopping the app (pid $APP_PID)"
    stop_pid "$APP_PID" app 30
  fi
  if ((STARTED_KAFKA)); then "$CLOSER_LOCAL_DIR/kafka.sh" stop || rc=1; fi
  if ((STARTED_PG)); then "$CLOSER_LOCAL_DIR/postgres.sh" stop || rc=1; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# PostgreSQL and Kafka: remember whether this run is the one that starts them.
"$CLOSER_LOCAL_DIR/postgres.sh" status >/dev/null 2>&1 || STARTED_PG=1
"$CLOSER_LOCAL_DIR/postgres.sh" start
CLOSER_DB_USER=$DB_USER CLOSER_DB_PASSWORD=$DB_PASSWORD "$CLOSER_LOCAL_DIR/postgres.sh" ensure-db "$DB_NAME"

"$CLOSER_LOCAL_DIR/kafka.sh" status >/dev/null 2>&1 || STARTED_KAFKA=1
"$CLOSER_LOCAL_DIR/kafka.sh" start

if [[ "${CLOSER_SKIP_BUILD:-0}" != 1 ]]; then
  say "building (./mvnw -B -q -DskipTests package; CLOSER_SKIP_BUILD=1 skips this)"
  (cd "$REPO" && ./mvnw -B -q -DskipTests package) || die "the build failed"
fi
[[ -f "$APP_JAR" ]] || die "$APP_JAR not found: build the app first (./mvnw -DskipTests package)"

JAVA=$(java_bin)
read -r -a JAVA_OPTS <<<"${CLOSER_JAVA_OPTS:-}"
[[ -f "$APP_LOG" ]] && mv -f "$APP_LOG" "$APP_LOG.1"
(
  cd "$REPO"
  export QUARKUS_DATASOURCE_JDBC_URL="jdbc:postgresql://localhost:$PGPORT/$DB_NAME"
  export QUARKUS_DATASOURCE_USERNAME="$DB_USER"
  export QUARKUS_DATASOURCE_PASSWORD="$DB_PASSWORD"
  export KAFKA_BOOTSTRAP_SERVERS="localhost:$KAFKA_PORT"
  export QUARKUS_HTTP_PORT="$PORT"
  export CLOSER_AUTH_BOOTSTRAP_ADMIN_KEY="$ADMIN_KEY"
  exec "$JAVA" "${JAVA_OPTS[@]}" -jar "$APP_JAR"
) >"$APP_LOG" 2>&1 </dev/null &
APP_PID=$!

deadline=$((SECONDS + START_TIMEOUT))
until app_ready; do
  if ! pid_alive "$APP_PID"; then
    show_log_tail "$APP_LOG" 60
    die "the app exited during startup (log: $APP_LOG)"
  fi
  if ((SECONDS >= deadline)); then
    show_log_tail "$APP_LOG" 60
    die "the app did not report ready at $URL/q/health/ready within ${START_TIMEOUT}s (log: $APP_LOG)"
  fi
  sleep 1
done

print_banner "$ADMIN_KEY"
if [[ "$DEMO" == 1 ]]; then
  load_demo >"$DEMO_LOG" 2>&1 </dev/null &
  DEMO_PID=$!
  echo "Loading the demo world (synthetic data, seed $DEMO_SEED) in the background: $DEMO_LOG (CLOSER_DEMO=0 skips it)."
fi
echo "Press Ctrl-C to stop the app (and what this script started)."

app_rc=0
wait "$APP_PID" || app_rc=$?
APP_PID=""
say "the app exited with status $app_rc (log: $APP_LOG)"
exit "$app_rc"
