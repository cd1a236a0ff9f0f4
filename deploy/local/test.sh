#!/usr/bin/env bash
#
# Run every test of the project:
#   java    ./mvnw -B verify against the local PostgreSQL (database closer_test) and a throwaway
#           Kafka broker on localhost:19092 (fresh data each run), both started as needed; it builds
#           web-ui/ with the machine's npm (node 20+) and runs its browser tests in Debian's chromium
#           (installed with apt when missing)
#   python  /usr/bin/python3 -m pytest ml -q (Debian packages for torch, scikit-learn, onnx, ...)
# Both parts run even when the first fails; the exit status is non-zero when either failed.
# Everything this script started is stopped at the end, however it ends.
#
# Arguments other than the flags go to ./mvnw, e.g.  test.sh -pl services/app -Dtest=LeadIT
#
# Environment (all optional): PGPORT (5432), CLOSER_DB_USER / CLOSER_DB_PASSWORD (closer/closer),
#   CLOSER_TEST_KAFKA_PORT (19092), CLOSER_TEST_KAFKA_CONTROLLER_PORT (19093), CLOSER_VERBOSE=1.
# The tests get CLOSER_TEST_JDBC_URL, CLOSER_TEST_JDBC_USERNAME, CLOSER_TEST_JDBC_PASSWORD and
# CLOSER_TEST_KAFKA_BOOTSTRAP.
set -euo pipefail

USAGE="usage: $(basename "$0") [--skip-java] [--skip-python] [--] [extra ./mvnw arguments...]"
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RUN_JAVA=1
RUN_PYTHON=1
MVN_ARGS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --skip-java) RUN_JAVA=0 ;;
    --skip-python) RUN_PYTHON=0 ;;
    -h | --help) echo "$USAGE"; exit 0 ;;
    --) shift; MVN_ARGS+=("$@"); break ;;
    *) MVN_ARGS+=("$1") ;;
  esac
  shift
done
((RUN_JAVA || RUN_PYTHON)) || usage_error "nothing to do: both parts skipped"

PYTHON=/usr/bin/python3
PYTHON_PACKAGES=(python3-torch python3-sklearn python3-onnx python3-pandas python3-pytest python3-yaml)
export PGPORT=${PGPORT:-5432}
TEST_DB=closer_test
DB_USER=${CLOSER_DB_USER:-closer}
DB_PASSWORD=${CLOSER_DB_PASSWORD:-closer}
TEST_KAFKA_PORT=${CLOSER_TEST_KAFKA_PORT:-19092}
TEST_KAFKA_CONTROLLER_PORT=${CLOSER_TEST_KAFKA_CONTROLLER_PORT:-19093}
TEST_KAFKA_STATE_DIR="$CLOSER_STATE_DIR/test-kafka"
TEST_KAFKA_DATA_DIR="$TEST_KAFKA_STATE_DIR/data"

STARTED_PG=0
STARTED_KAFKA=0
JAVA_RESULT="skipped"
PYTHON_RESULT="skipped"

# test_kafka CMD: kafka.sh for the test broker, whatever the caller's KAFKA_* settings are.
test_kafka() {
  KAFKA_INSTANCE=test KAFKA_PORT="$TEST_KAFKA_PORT" KAFKA_CONTROLLER_PORT="$TEST_KAFKA_CONTROLLER_PORT" \
    KAFKA_STATE_DIR="$TEST_KAFKA_STATE_DIR" KAFKA_DATA_DIR="$TEST_KAFKA_DATA_DIR" \
    KAFKA_EXTRA_PROPERTIES="" "$CLOSER_LOCAL_DIR/kafka.sh" "$1"
}

# shellcheck disable=SC2317 # invoked through trap
cleanup() {
  local rc=$?
  trap '' INT TERM
  if ((STARTED_KAFKA)); then test_kafka stop || rc=1; fi
  if ((STARTED_PG)); then "$CLOSER_LOCAL_DIR/postgres.sh" stop || rc=1; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

elapsed() { printf '%dm%02ds' $((($1) / 60)) $((($1) % 60)); }

# start_test_infra: PostgreSQL + database, and a fresh test broker. Returns 1 with a message.
start_test_infra() {
  "$CLOSER_LOCAL_DIR/postgres.sh" status >/dev/null 2>&1 || STARTED_PG=1
  "$CLOSER_LOCAL_DIR/postgres.sh" start || return 1
  CLOSER_DB_USER=$DB_USER CLOSER_DB_PASSWORD=$DB_PASSWORD \
    "$CLOSER_LOCAL_DIR/postgres.sh" ensure-db "$TEST_DB" || return 1

  test_kafka stop || return 1 # a broker left over by an interrupted run
  if port_open 127.0.0.1 "$TEST_KAFKA_PORT"; then
    warn "port $TEST_KAFKA_PORT is in use by something test.sh did not start (set CLOSER_TEST_KAFKA_PORT)"
    return 1
  fi
  rm -rf "$TEST_KAFKA_DATA_DIR"
  STARTED_KAFKA=1
  test_kafka start || return 1
}

run_java() {
  local start=$SECONDS rc=0
  if ! start_test_infra; then
    JAVA_RESULT="FAIL  could not start PostgreSQL/Kafka for the tests (see above)"
    return 1
  fi
  export CLOSER_TEST_JDBC_URL="jdbc:postgresql://localhost:$PGPORT/$TEST_DB"
  export CLOSER_TEST_JDBC_USERNAME="$DB_USER"
  export CLOSER_TEST_JDBC_PASSWORD="$DB_PASSWORD"
  export CLOSER_TEST_KAFKA_BOOTSTRAP="localhost:$TEST_KAFKA_PORT"
  # The web UI: Quinoa builds it with the machine's npm; WebUiE2EIT drives Debian's chromium over it and
  # generates its small world with ml/simulator (standard library only). Here a missing browser fails the test
  # instead of skipping it.
  if ! command -v npm >/dev/null 2>&1; then
    JAVA_RESULT="FAIL  npm not found: node 20+ with npm is needed to build web-ui/"
    return 1
  fi
  if ! (ensure_packages chromium); then
    JAVA_RESULT="FAIL  could not install chromium for the web UI's browser tests"
    return 1
  fi
  if [[ ! -x /usr/bin/python3 ]] && ! (ensure_packages python3); then
    JAVA_RESULT="FAIL  could not install python3 for the simulator the web UI's browser tests use"
    return 1
  fi
  export CLOSER_E2E_REQUIRED=1
  (cd "$REPO" && ./mvnw -B -ntp verify "${MVN_ARGS[@]}") || rc=$?
  if ((rc == 0)); then
    JAVA_RESULT="PASS  ./mvnw verify ($(elapsed $((SECONDS - start))))"
  else
    JAVA_RESULT="FAIL  ./mvnw verify exited with $rc ($(elapsed $((SECONDS - start))))"
  fi
  return "$rc"
}

run_python() {
  local start=$SECONDS rc=0
  # In a subshell: a failed install must not end the script before the summary.
  if ! (ensure_packages "${PYTHON_PACKAGES[@]}"); then
    PYTHON_RESULT="FAIL  could not install ${PYTHON_PACKAGES[*]}"
    return 1
  fi
  if [[ ! -d "$REPO/ml" ]]; then
    PYTHON_RESULT="FAIL  no ml/ directory"
    return 1
  fi
  (cd "$REPO" && "$PYTHON" -m pytest ml -q) || rc=$?
  case "$rc" in
    0) PYTHON_RESULT="PASS  pytest ml ($(elapsed $((SECONDS - start))))" ;;
    5) PYTHON_RESULT="FAIL  pytest collected no tests in ml/ (exit 5): the suite is missing" ;;
    *) PYTHON_RESULT="FAIL  pytest exited with $rc ($(elapsed $((SECONDS - start))))" ;;
  esac
  return "$rc"
}

failed=0
if ((RUN_JAVA)); then run_java || failed=1; fi
if ((RUN_PYTHON)); then run_python || failed=1; fi

printf '\ntest summary\n  java    %s\n  python  %s\n' "$JAVA_RESULT" "$PYTHON_RESULT"
exit "$failed"
