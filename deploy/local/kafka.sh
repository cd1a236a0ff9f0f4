#!/usr/bin/env bash
#
# A single-node KRaft Kafka broker (combined broker + controller) for running and testing Closer,
# run straight from the org.apache.kafka:kafka_2.13 jars on Maven Central: no Docker, no tarball.
#
#   start      fetch the jars (once), format the storage (once), start the broker in the
#              background and wait until it is up; a no-op when it already runs
#   stop       stop the broker, only if `start` started it (pid file)
#   status     print whether it runs; exit 0 when it does, 3 when it does not
#   logs [-f]  print (or follow) the broker log
#
# Environment (all optional):
#   KAFKA_VERSION          4.2.1 (keep in step with kafka-clients in the Quarkus BOM)
#   KAFKA_PORT             9092  client listener (PLAINTEXT)
#   KAFKA_CONTROLLER_PORT  9093  KRaft controller listener
#   KAFKA_LISTEN_HOST      127.0.0.1 (interface to bind; "" for all interfaces)
#   KAFKA_ADVERTISED_HOST  localhost
#   KAFKA_INSTANCE         name space for a second broker's state (e.g. "test" -> .closer/test-kafka)
#   KAFKA_STATE_DIR        .closer/kafka (or .closer/<instance>-kafka): pid file, log, config
#   KAFKA_DATA_DIR         $KAFKA_STATE_DIR/data: cluster id and log.dirs
#   KAFKA_CACHE_DIR        ${XDG_CACHE_HOME:-~/.cache}/closer/kafka-$KAFKA_VERSION (jars in libs/)
#   KAFKA_HEAP_OPTS        -Xms256m -Xmx512m
#   KAFKA_JVM_PERFORMANCE_OPTS  G1 settings of Kafka's own start script
#   KAFKA_OPTS             extra JVM options
#   KAFKA_LOG_LEVEL        INFO (root level of the broker log)
#   KAFKA_EXTRA_PROPERTIES extra server.properties lines (newline separated), appended last
#   KAFKA_START_TIMEOUT    90 seconds;  KAFKA_STOP_TIMEOUT 30 seconds
#   CLOSER_VERBOSE=1       progress messages
set -euo pipefail

USAGE="usage: $(basename "$0") start|stop|status|logs [-f]"
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_VERSION=${KAFKA_VERSION:-4.2.1}
KAFKA_PORT=${KAFKA_PORT:-9092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
KAFKA_LISTEN_HOST=${KAFKA_LISTEN_HOST-127.0.0.1}
KAFKA_ADVERTISED_HOST=${KAFKA_ADVERTISED_HOST:-localhost}
KAFKA_INSTANCE=${KAFKA_INSTANCE:-}
if [[ -n "$KAFKA_INSTANCE" ]]; then
  [[ "$KAFKA_INSTANCE" =~ ^[A-Za-z0-9_-]+$ ]] || die "KAFKA_INSTANCE may only hold letters, digits, '-' and '_'"
  KAFKA_STATE_DIR=${KAFKA_STATE_DIR:-$CLOSER_STATE_DIR/$KAFKA_INSTANCE-kafka}
else
  KAFKA_STATE_DIR=${KAFKA_STATE_DIR:-$CLOSER_STATE_DIR/kafka}
fi
KAFKA_DATA_DIR=${KAFKA_DATA_DIR:-$KAFKA_STATE_DIR/data}
KAFKA_CACHE_DIR=${KAFKA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/closer/kafka-$KAFKA_VERSION}
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}
KAFKA_JVM_PERFORMANCE_OPTS=${KAFKA_JVM_PERFORMANCE_OPTS:--XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true}
KAFKA_OPTS=${KAFKA_OPTS:-}
KAFKA_LOG_LEVEL=${KAFKA_LOG_LEVEL:-INFO}
KAFKA_EXTRA_PROPERTIES=${KAFKA_EXTRA_PROPERTIES:-}
KAFKA_START_TIMEOUT=${KAFKA_START_TIMEOUT:-90}
KAFKA_STOP_TIMEOUT=${KAFKA_STOP_TIMEOUT:-30}

LIBS="$KAFKA_CACHE_DIR/libs"
PID_FILE="$KAFKA_STATE_DIR/kafka.pid" # also the "started by us" marker
LOG_FILE="$KAFKA_STATE_DIR/kafka.log"
SERVER_PROPERTIES="$KAFKA_STATE_DIR/server.properties"
LOG4J2_PROPERTIES="$KAFKA_STATE_DIR/log4j2.properties"
TOOLS_LOG4J2_PROPERTIES="$KAFKA_STATE_DIR/tools-log4j2.properties"
CLUSTER_ID_FILE="$KAFKA_DATA_DIR/cluster.id"
LOG_DIRS="$KAFKA_DATA_DIR/kraft-combined-logs"
# Written by KafkaRaftServer once the broker and controller are up.
STARTED_MESSAGE="Kafka Server started"
# Where to probe the ports: the bound interface, loopback when bound to all of them.
PROBE_HOST=${KAFKA_LISTEN_HOST:-127.0.0.1}
[[ "$PROBE_HOST" == 0.0.0.0 ]] && PROBE_HOST=127.0.0.1

check_settings() {
  local port
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    [[ "$port" =~ ^[0-9]+$ ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must be port numbers, got '$port'"
  done
  [[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"
}

running_pid() { read_pid_file "$PID_FILE" "$SERVER_PROPERTIES"; }

# fetch_libs: copy kafka_2.13 and its runtime dependencies from Maven Central into $LIBS, once.
# Fetched into a temporary directory that is renamed at the end, so a half-done fetch never
# looks cached.
fetch_libs() {
  [[ -f "$LIBS/.complete" ]] && return 0
  say "fetching Kafka $KAFKA_VERSION jars from Maven Central into $LIBS (first run only)"
  mkdir -p "$KAFKA_CACHE_DIR"
  local tmp="$KAFKA_CACHE_DIR/libs.tmp.$$"
  rm -rf "$tmp"
  # shellcheck disable=SC2016 # $1/$@ belong to the inner bash
  if ! run_quietly "$KAFKA_CACHE_DIR/fetch.log" \
    bash -c 'cd "$1" && shift && exec ./mvnw "$@"' _ "$REPO" \
    -B -q -f "$CLOSER_LOCAL_DIR/kafka/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$tmp"; then
    rm -rf "$tmp"
    die "could not fetch the Kafka $KAFKA_VERSION jars (is KAFKA_VERSION right? Maven Central reachable?)"
  fi
  [[ -f "$tmp/kafka_2.13-$KAFKA_VERSION.jar" ]] || { rm -rf "$tmp"; die "kafka_2.13-$KAFKA_VERSION.jar missing after the fetch"; }
  touch "$tmp/.complete"
  if [[ -f "$LIBS/.complete" ]]; then # another run fetched it meanwhile
    rm -rf "$tmp"
  else
    rm -rf "$LIBS"
    mv "$tmp" "$LIBS"
  fi
}

write_config() {
  mkdir -p "$KAFKA_STATE_DIR"
  local listen=$KAFKA_LISTEN_HOST adv=$KAFKA_ADVERTISED_HOST
  cat >"$SERVER_PROPERTIES" <<EOF
# Generated by deploy/local/kafka.sh on every start: edits are overwritten.
# Single-node KRaft: this process is both the broker and the (only) controller.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=$adv:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://$listen:$KAFKA_PORT,CONTROLLER://$listen:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$adv:$KAFKA_PORT,CONTROLLER://$adv:$KAFKA_CONTROLLER_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$LOG_DIRS

# The application creates its topics itself.
auto.create.topics.enable=false
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
EOF
  if [[ -n "$KAFKA_EXTRA_PROPERTIES" ]]; then
    printf '\n# KAFKA_EXTRA_PROPERTIES\n%s\n' "$KAFKA_EXTRA_PROPERTIES" >>"$SERVER_PROPERTIES"
  fi

  # Kafka 4.x logs through SLF4J 1.7 -> Log4j 2 (log4j-slf4j-impl); everything goes to stdout,
  # which start() sends to $LOG_FILE.
  cat >"$LOG4J2_PROPERTIES" <<EOF
# Generated by deploy/local/kafka.sh on every start: edits are overwritten.
status = warn
name = closer-local-kafka
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = $KAFKA_LOG_LEVEL
rootLogger.appenderRef.stdout.ref = STDOUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.requestchannel.name = kafka.network.RequestChannel\$
logger.requestchannel.level = WARN
EOF

  # Command-line tools (storage format, random-uuid): warnings only, on stderr, so that their
  # stdout stays clean.
  cat >"$TOOLS_LOG4J2_PROPERTIES" <<EOF
# Generated by deploy/local/kafka.sh on every start: edits are overwritten.
status = warn
name = closer-local-kafka-tools
appender.stderr.type = Console
appender.stderr.name = STDERR
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = WARN
rootLogger.appenderRef.stderr.ref = STDERR
EOF
}

# kafka_tool CLASS ARGS...: run a Kafka command-line tool on the cached jars (foreground).
kafka_tool() {
  local java
  java=$(java_bin)
  "$java" -Dlog4j2.configurationFile="$TOOLS_LOG4J2_PROPERTIES" -cp "$LIBS/*" "$@"
}

# format_storage: once per data dir. The cluster id is kept in the data dir so that a re-format
# (e.g. after log.dirs was deleted by hand) keeps the same id.
format_storage() {
  [[ -f "$LOG_DIRS/meta.properties" ]] && return 0
  mkdir -p "$KAFKA_DATA_DIR"
  if [[ ! -s "$CLUSTER_ID_FILE" ]]; then
    local new_id
    new_id=$(kafka_tool kafka.tools.StorageTool random-uuid) || die "could not generate a Kafka cluster id"
    printf '%s\n' "$new_id" >"$CLUSTER_ID_FILE"
  fi
  local cluster_id
  cluster_id=$(<"$CLUSTER_ID_FILE")
  # A Kafka Uuid: 16 bytes in base64url without padding.
  [[ "$cluster_id" =~ ^[A-Za-z0-9_-]{22}$ ]] \
    || die "$CLUSTER_ID_FILE holds no valid cluster id ('$cluster_id'): delete $KAFKA_DATA_DIR to start afresh"
  log "formatting $LOG_DIRS (cluster id $cluster_id)"
  # --standalone: a single-voter dynamic KRaft quorum (controller.quorum.bootstrap.servers).
  run_quietly "$KAFKA_STATE_DIR/format.log" \
    kafka_tool kafka.tools.StorageTool format --standalone \
    --cluster-id "$cluster_id" --config "$SERVER_PROPERTIES" \
    || die "formatting the Kafka storage in $LOG_DIRS failed"
}

cmd_start() {
  check_settings
  local pid
  if pid=$(running_pid); then
    log "Kafka already running on $KAFKA_ADVERTISED_HOST:$KAFKA_PORT (pid $pid)"
    return 0
  fi
  if port_open "$PROBE_HOST" "$KAFKA_PORT"; then
    log "port $KAFKA_PORT already in use: assuming a Kafka broker not started by this script runs there"
    return 0
  fi
  if port_open "$PROBE_HOST" "$KAFKA_CONTROLLER_PORT"; then
    die "controller port $KAFKA_CONTROLLER_PORT is already in use (set KAFKA_CONTROLLER_PORT)"
  fi

  local java
  java=$(java_bin)
  fetch_libs
  write_config
  format_storage

  local heap_opts perf_opts extra_opts
  read -r -a heap_opts <<<"$KAFKA_HEAP_OPTS"
  read -r -a perf_opts <<<"$KAFKA_JVM_PERFORMANCE_OPTS"
  read -r -a extra_opts <<<"$KAFKA_OPTS"

  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  rm -f "$PID_FILE"
  # setsid: own session and process group, so a Ctrl-C in the terminal does not reach the broker
  # (whoever started it stops it) and stop can signal the whole group. The child writes its own
  # pid before exec'ing java, so the pid file is right whether or not setsid had to fork.
  (
    cd "$KAFKA_STATE_DIR"
    # shellcheck disable=SC2016 # $$/$0/$@ belong to the inner bash
    exec setsid bash -c 'echo $$ >"$0" && exec "$@"' "$PID_FILE" \
      "$java" "${heap_opts[@]}" "${perf_opts[@]}" "${extra_opts[@]}" \
      -Dlog4j2.configurationFile="$LOG4J2_PROPERTIES" -Dkafka.logs.dir="$KAFKA_STATE_DIR" \
      -cp "$LIBS/*" kafka.Kafka "$SERVER_PROPERTIES"
  ) >"$LOG_FILE" 2>&1 </dev/null &

  local deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  pid=""
  while :; do
    [[ -z "$pid" && -s "$PID_FILE" ]] && pid=$(<"$PID_FILE")
    if [[ -n "$pid" ]] && ! pid_alive "$pid"; then
      rm -f "$PID_FILE"
      show_log_tail "$LOG_FILE" 40
      die "Kafka exited during startup (log: $LOG_FILE)"
    fi
    if [[ -n "$pid" ]] && port_open "$PROBE_HOST" "$KAFKA_PORT" \
      && grep -q "$STARTED_MESSAGE" "$LOG_FILE" 2>/dev/null; then
      break
    fi
    if ((SECONDS >= deadline)); then
      show_log_tail "$LOG_FILE" 40
      [[ -n "$pid" ]] && stop_pid "$pid" Kafka 10
      rm -f "$PID_FILE"
      die "Kafka did not start within ${KAFKA_START_TIMEOUT}s (log: $LOG_FILE)"
    fi
    sleep 1
  done
  say "started Kafka $KAFKA_VERSION on $KAFKA_ADVERTISED_HOST:$KAFKA_PORT (pid $pid, log $LOG_FILE)"
}

cmd_stop() {
  local pid
  if ! pid=$(running_pid); then
    if port_open "$PROBE_HOST" "$KAFKA_PORT"; then
      log "the broker on port $KAFKA_PORT was not started by this script; leaving it alone"
    else
      log "Kafka is not running"
    fi
    return 0
  fi
  stop_pid "$pid" Kafka "$KAFKA_STOP_TIMEOUT"
  rm -f "$PID_FILE"
  say "stopped Kafka on port $KAFKA_PORT (pid $pid)"
}

cmd_status() {
  check_settings
  local pid
  if pid=$(running_pid); then
    echo "Kafka: running on $KAFKA_ADVERTISED_HOST:$KAFKA_PORT (pid $pid, started by this script; log $LOG_FILE)"
    return 0
  fi
  if port_open "$PROBE_HOST" "$KAFKA_PORT"; then
    echo "Kafka: port $KAFKA_PORT is in use by a process not started by this script"
    return 0
  fi
  echo "Kafka: not running (port $KAFKA_PORT)"
  return 3
}

cmd_logs() {
  [[ -f "$LOG_FILE" ]] || die "no Kafka log yet ($LOG_FILE)"
  if [[ "${1:-}" == -f ]]; then
    exec tail -n 50 -F "$LOG_FILE"
  fi
  tail -n 200 "$LOG_FILE"
}

main() {
  case "${1:-}" in
    start) [[ $# -eq 1 ]] || usage_error "start takes no argument"; cmd_start ;;
    stop) [[ $# -eq 1 ]] || usage_error "stop takes no argument"; cmd_stop ;;
    status) [[ $# -eq 1 ]] || usage_error "status takes no argument"; cmd_status ;;
    logs)
      [[ $# -eq 1 || ($# -eq 2 && "$2" == -f) ]] || usage_error "logs takes only -f"
      cmd_logs "${2:-}"
      ;;
    -h | --help) echo "$USAGE" ;;
    *) usage_error "unknown or missing command '${1:-}'" ;;
  esac
}

main "$@"
