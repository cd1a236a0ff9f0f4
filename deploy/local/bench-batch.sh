#!/usr/bin/env bash
#
# Benchmark of the nightly rescore: N open leads rescored by one or two app instances; prints the run's wall time,
# rate and each instance's peak RSS.
#
#   deploy/local/bench-batch.sh prepare            # clone the sales world's open leads into closer_bench
#   deploy/local/bench-batch.sh run 1              # one instance: a first run (every lead new) then a rerun
#   deploy/local/bench-batch.sh run 2              # the same with two instances sharing each run
#
# prepare needs the demo world in the database closer_world (see ml/README.md, "platform export"): it copies that
# database to closer_bench and adds SYNTHETIC copies of its open leads ("bench-<k>-<id>", same fields and account,
# each with its newest BENCH_ACTIVITIES activities and its original's latest score) until BENCH_LEADS open leads
# exist: a night on which most leads did nothing new, as most nights are. closer_world must have been rescored
# once by the current version (deploy/local/batch.sh start) so those scores exist.
# run starts the packaged app (services/app/target/quarkus-app) against closer_bench with only the batch at work
# (no consumer, no event scoring), starts a run through the API and follows it. Kafka must be up on KAFKA_PORT
# (deploy/local/kafka.sh start) for the scores topic.
#
# Environment: BENCH_LEADS=1000000, BENCH_ACTIVITIES=16, BENCH_HEAP=1g (each instance's -Xmx), PGPORT=5432,
# KAFKA_PORT=9092, BENCH_PORT=8095 (the first instance; the second uses the next port).
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LEADS=${BENCH_LEADS:-1000000}
ACTIVITIES=${BENCH_ACTIVITIES:-16}
HEAP=${BENCH_HEAP:-1g}
PORT=${BENCH_PORT:-8095}
export PGPORT=${PGPORT:-5432}
KAFKA_PORT=${KAFKA_PORT:-9092}
export PGPASSWORD=${CLOSER_DB_PASSWORD:-closer}
PSQL=(psql -h localhost -p "$PGPORT" -U "${CLOSER_DB_USER:-closer}" -v ON_ERROR_STOP=1 -qAt)
APP_JAR=$REPO/services/app/target/quarkus-app/quarkus-run.jar
KEY=ck_bench_$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9)

prepare() {
  say "copying closer_world to closer_bench"
  as_user postgres psql -X -q -v ON_ERROR_STOP=1 -p "$PGPORT" -d postgres -c "drop database if exists closer_bench" \
    -c "create database closer_bench owner ${CLOSER_DB_USER:-closer} template closer_world"
  local open
  open=$("${PSQL[@]}" -d closer_bench -c "select count(*) from leads where status = 'open'")
  local copies=$(( (LEADS - open + open - 1) / open ))
  say "adding $copies SYNTHETIC copies of $open open leads (up to $LEADS), $ACTIVITIES newest activities each"
  "${PSQL[@]}" -d closer_bench <<SQL
\timing on
create temporary table base as select * from leads where status = 'open';
insert into leads (id, account_id, email, first_name, last_name, title, source, origin, country, occupation,
                   website_visits, website_seconds, page_views_per_visit, do_not_email, status, owner_id, attributes,
                   crm_created_at, event_time, created_at, updated_at, seniority, department, status_changed_at)
select 'bench-' || k || '-' || b.id, b.account_id, null, b.first_name, b.last_name, b.title, b.source, b.origin,
       b.country, b.occupation, b.website_visits, b.website_seconds, b.page_views_per_visit, b.do_not_email, 'open',
       b.owner_id, '{"synthetic_bench": true}'::jsonb, b.crm_created_at, now(), now(), now(), b.seniority,
       b.department, b.status_changed_at
  from base b, generate_series(1, $copies) as k
 limit $LEADS - $open;
insert into activities (id, lead_id, type, occurred_at, properties, event_id)
select 'bench-' || k || '-' || a.id, 'bench-' || k || '-' || a.lead_id, a.type, a.occurred_at, a.properties, 'bench'
  from (select a.*, row_number() over (partition by a.lead_id order by a.occurred_at desc) as n
          from activities a join base b on b.id = a.lead_id) as a, generate_series(1, $copies) as k
 where a.n <= $ACTIVITIES and exists (select 1 from leads l where l.id = 'bench-' || k || '-' || a.lead_id);
-- Each copy starts with its original's latest score, as a night after the first would find it.
insert into lead_scores (lead_id, model_name, model_version, probability, score, grade, factors, scored_at,
                         model_probability)
select 'bench-' || k || '-' || s.lead_id, s.model_name, s.model_version, s.probability, s.score, s.grade, s.factors,
       now(), s.model_probability
  from (select distinct on (lead_id) * from lead_scores order by lead_id, scored_at desc, id desc) as s
  join base b on b.id = s.lead_id, generate_series(1, $copies) as k
 where exists (select 1 from leads l where l.id = 'bench-' || k || '-' || s.lead_id);
analyze leads;
analyze activities;
select count(*) || ' open leads, ' || (select count(*) from activities) || ' activities' from leads
 where status = 'open';
SQL
}

start_instance() { # port log -> pid
  "$(java_bin)" "-Xmx$HEAP" -Dquarkus.http.port="$1" \
    -Dquarkus.datasource.jdbc.url="jdbc:postgresql://localhost:$PGPORT/closer_bench" \
    -Dkafka.bootstrap.servers="localhost:$KAFKA_PORT" -Dcloser.topics.lead-scores=bench.lead-scores \
    -Dcloser.consumer.enabled=false -Dcloser.scoring.enabled=false -Dcloser.batch.cron=off \
    -Dcloser.batch.poll-interval=1s -Dcloser.auth.bootstrap-admin-key="$KEY" \
    -jar "$APP_JAR" >"$2" 2>&1 &
  echo $!
}

ready() { # url timeout
  local deadline=$((SECONDS + $2))
  until curl -fs "$1" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 1
  done
}

api() { curl -sS -H "Authorization: Bearer $KEY" "$@"; }

follow() { # run id -> prints the finished run's figures
  local id=$1 status=running body
  while [[ "$status" == running ]]; do
    sleep 2
    body=$(api "http://localhost:$PORT/api/v1/batch/runs/$id")
    status=$(jq -r .status <<<"$body")
    [[ -n "${CLOSER_VERBOSE:-}" ]] && jq -c '{done, total, leadsPerSecond, etaSeconds}' <<<"$body" >&2
  done
  jq -c '{run: .id, total, scored, changed, failed, seconds: .summary.counts.seconds,
          leadsPerSecond: .summary.counts.leadsPerSecond, chunks: .summary.counts.chunks,
          chunksRetried: .summary.counts.chunksRetried}' <<<"$body"
}

run() {
  local instances=${1:-1} pids=() i
  [[ -f "$APP_JAR" ]] || die "no $APP_JAR: ./mvnw -DskipTests package -pl services/app -am"
  for ((i = 0; i < instances; i++)); do
    pids+=("$(start_instance $((PORT + i)) "$(state_dir)/bench-batch-$i.log")")
  done
  trap 'kill "${pids[@]}" 2>/dev/null || true' EXIT
  for ((i = 0; i < instances; i++)); do
    ready "http://localhost:$((PORT + i))/q/health/ready" 180 || die "instance $i did not start"
  done
  local kind id
  for kind in first rerun; do
    id=$(api -X POST "http://localhost:$PORT/api/v1/batch/runs" | jq -r .id)
    say "$kind run $id with $instances instance(s)"
    echo "$kind: $(follow "$id")"
  done
  for ((i = 0; i < instances; i++)); do
    echo "instance $i: peak RSS $(awk '/VmHWM/ {printf "%.0f MiB", $2 / 1024}' "/proc/${pids[$i]}/status"), heap max $HEAP"
  done
}

case "${1:-}" in
  prepare) prepare ;;
  run) run "${2:-1}" ;;
  *) usage_error "usage: $(basename "$0") prepare | run [1|2]" ;;
esac
