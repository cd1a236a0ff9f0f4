#!/usr/bin/env bash
#
# Bulk import: send a file of newline-delimited CloudEvents (.ndjson or .ndjson.gz; '-' for stdin) to Closer's
# CRM-events topic. Each line is validated as the platform validates events; bad lines are reported with their
# number and reason and skipped. Re-importing a file is safe: the platform applies each event id once.
#
#   deploy/local/import.sh world.ndjson.gz                 # as fast as Kafka takes it
#   deploy/local/import.sh --rate 500 world.ndjson.gz      # 500 events/s
#   deploy/local/import.sh --help                          # every option
#
# Environment: KAFKA_BOOTSTRAP_SERVERS (default localhost:${KAFKA_PORT:-9092}), CLOSER_IMPORT_JAR.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

JAR=${CLOSER_IMPORT_JAR:-$REPO/ingest/target/closer-import.jar}
if [[ ! -f "$JAR" ]]; then
  say "building the import command (./mvnw package -pl ingest)"
  (cd "$REPO" && ./mvnw -B -q -DskipTests package -pl ingest -am) || die "could not build $JAR"
fi
export KAFKA_BOOTSTRAP_SERVERS=${KAFKA_BOOTSTRAP_SERVERS:-localhost:${KAFKA_PORT:-9092}}
read -r -a JAVA_OPTS <<<"${CLOSER_IMPORT_JAVA_OPTS:-}"
exec "$(java_bin)" "${JAVA_OPTS[@]}" -jar "$JAR" "$@"
