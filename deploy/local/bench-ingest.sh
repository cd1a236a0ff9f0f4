#!/usr/bin/env bash
#
# Ingest benchmark against a running Closer (deploy/local/run.sh): imports FILE with closer-import, then waits
# until every event of it is applied in PostgreSQL (rows in ingested_events), and prints both rates:
#   import     events/s from reading the file to Kafka's last acknowledgement
#   end-to-end events/s from the start of the import to the last event applied in PostgreSQL
#
#   deploy/local/bench-ingest.sh FILE [EVENTS]     EVENTS: how many valid events FILE holds (counted if absent)
#
# Environment: PGPORT, CLOSER_DB_USER, CLOSER_DB_PASSWORD, KAFKA_PORT as for run.sh.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -ge 1 && -f "$1" ]] || usage_error "usage: $(basename "$0") FILE [EVENTS]"
FILE=$1
EVENTS=${2:-$( (gzip -cdf "$FILE" | grep -c .) )}
export PGPASSWORD=${CLOSER_DB_PASSWORD:-closer}
sql() { psql -h localhost -p "${PGPORT:-5432}" -U "${CLOSER_DB_USER:-closer}" -d closer -tAc "$1"; }

before=$(sql "select count(*) from ingested_events")
start=$(date +%s.%N)
"$CLOSER_LOCAL_DIR/import.sh" --no-progress "$FILE"
imported=$(date +%s.%N)
target=$((before + EVENTS))
while :; do
  now=$(sql "select count(*) from ingested_events")
  ((now >= target)) && break
  sleep 0.2
done
done_at=$(date +%s.%N)
awk -v n="$EVENTS" -v s="$start" -v i="$imported" -v d="$done_at" 'BEGIN {
  printf "events: %d\nimport into Kafka: %.1f s, %.0f events/s\nend to end into PostgreSQL: %.1f s, %.0f events/s\n",
         n, i - s, n / (i - s), d - s, n / (d - s) }'
