#!/usr/bin/env bash
#
# Load test of POST /api/v1/score against a running Closer (deploy/local/run.sh), from `hey` on loopback:
# a fixed rate for a fixed time, then hey's latency distribution (p50, p90, p99, ...).
#
#   deploy/local/bench-score.sh [RATE=500] [SECONDS=30] [WORKERS=20]
#   BENCH_QUERY=factors=false deploy/local/bench-score.sh       # the score without its factors
#
# Environment: CLOSER_PORT (8080), CLOSER_ADMIN_KEY (default: .closer/admin.key), BENCH_QUERY (query string).
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RATE=${1:-500}
DURATION=${2:-30}
WORKERS=${3:-20}
PORT=${CLOSER_PORT:-8080}
KEY=${CLOSER_ADMIN_KEY:-$(head -n1 "$CLOSER_STATE_DIR/admin.key")}
# A lead as a CRM integration would send it: fields, its account, and a short timeline (read by v1's sequence).
DAY=86400
at() { date -u -d "@$(($(date +%s) - $1))" +%Y-%m-%dT%H:%M:%SZ; }
PAYLOAD=$(cat <<JSON
{"source":"webinar","origin":"webinar_registration","country":"United States","occupation":"working_professional",
 "seniority":"director","department":"engineering","websiteVisits":6,"websiteSeconds":1629,"pageViewsPerVisit":3.5,
 "doNotEmail":false,"account":{"industry":"Software","employees":3300},
 "activities":[{"type":"page_view","occurredAt":"$(at $((9 * DAY)))","properties":{"page":"pricing"}},
  {"type":"form_fill","occurredAt":"$(at $((9 * DAY)))","properties":{"form":"webinar_registration"}},
  {"type":"email_sent","occurredAt":"$(at $((8 * DAY)))"},{"type":"email_opened","occurredAt":"$(at $((8 * DAY)))"},
  {"type":"page_view","occurredAt":"$(at $((2 * DAY)))","properties":{"page":"docs"}},
  {"type":"page_view","occurredAt":"$(at $((2 * DAY)))","properties":{"page":"pricing"}},
  {"type":"email_replied","occurredAt":"$(at $DAY)"}]}
JSON
)
hey_paced "$RATE" "$DURATION" "$WORKERS" -m POST -T application/json \
  -H "Authorization: Bearer $KEY" \
  -d "$PAYLOAD" \
  "http://localhost:$PORT/api/v1/score${BENCH_QUERY:+?$BENCH_QUERY}"
