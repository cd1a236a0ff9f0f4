#!/usr/bin/env bash
# Load test of webhook intake (signature check + publish to Kafka with acks=all) against a running Closer, from
# `hey` on loopback, beside the same load on the app's cheapest endpoint (GET /q/health/live: no checks, no I/O),
# which is the ceiling this machine and server give any endpoint.
#   CLOSER_JAVA_OPTS="-Dcloser.webhooks.sources.bench.secret=whsec_bench_0123456789abcdef" deploy/local/run.sh
#   deploy/local/bench-webhooks.sh [RATE=5000] [SECONDS=30] [WORKERS=50]
# Environment: CLOSER_PORT (8080), BENCH_SECRET (the bench source's secret, as above).
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RATE=${1:-5000}
DURATION=${2:-30}
WORKERS=${3:-50}
PORT=${CLOSER_PORT:-8080}
SECRET=${BENCH_SECRET:-whsec_bench_0123456789abcdef}
command -v openssl >/dev/null 2>&1 || ensure_packages openssl
((DURATION < 240)) || die "SECONDS must stay under the 5-minute signature window"

# One lead upsert, as a CRM automation would send it. Every request carries the same event id: each is published
# (the work measured); the consumer's inbox applies it once.
BODY=$(mktemp)
trap 'rm -f "$BODY"' EXIT
printf '%s' '{"specversion":"1.0","id":"bench-webhook-1","source":"closer/bench","type":"closer.lead.upserted","subject":"bench-webhook-lead","time":"2026-01-01T09:00:00Z","datacontenttype":"application/json","data":{"id":"bench-webhook-lead","email":"ada@example.com","source":"Google","websiteVisits":5}}' >"$BODY"
T=$(date +%s)
SIG=$( (printf '%s.' "$T"; cat "$BODY") | openssl dgst -sha256 -hmac "$SECRET" -hex | sed 's/.* //')
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
  -H "X-Closer-Signature: t=$T,v1=$SIG" --data-binary @"$BODY" "http://localhost:$PORT/api/v1/webhooks/bench")
[[ "$code" == 202 ]] || die "a signed webhook got HTTP $code, not 202: start the app with the bench source (see the top of this script)"

section() { printf "\n== %s\n" "$*"; }
section "webhook intake: POST /api/v1/webhooks/bench at $RATE req/s for ${DURATION}s, $WORKERS workers"
hey_paced "$RATE" "$DURATION" "$WORKERS" -m POST -T application/json \
  -H "X-Closer-Signature: t=$T,v1=$SIG" -D "$BODY" "http://localhost:$PORT/api/v1/webhooks/bench"
section "ceiling: GET /q/health/live at $RATE req/s for ${DURATION}s, $WORKERS workers"
hey_paced "$RATE" "$DURATION" "$WORKERS" "http://localhost:$PORT/q/health/live"
