#!/usr/bin/env bash
#
# Load test of POST /api/v1/score against a running Closer (deploy/local/run.sh), from `hey` on loopback:
# a fixed rate for a fixed time, then hey's latency distribution (p50, p90, p99, ...).
#
#   deploy/local/bench-score.sh [RATE=500] [SECONDS=30] [WORKERS=20]
#
# Environment: CLOSER_PORT (8080), CLOSER_ADMIN_KEY (default: .closer/admin.key).
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RATE=${1:-500}
DURATION=${2:-30}
WORKERS=${3:-20}
PORT=${CLOSER_PORT:-8080}
KEY=${CLOSER_ADMIN_KEY:-$(head -n1 "$CLOSER_STATE_DIR/admin.key")}
command -v hey >/dev/null 2>&1 || ensure_packages hey
((RATE % WORKERS == 0)) || die "RATE must be a multiple of WORKERS (hey paces each worker at RATE/WORKERS)"

hey -z "${DURATION}s" -c "$WORKERS" -q $((RATE / WORKERS)) -m POST -T application/json \
  -H "Authorization: Bearer $KEY" \
  -d '{"source":"Google","origin":"Landing Page Submission","country":"India","occupation":"Working Professional","websiteVisits":5,"websiteSeconds":1200,"pageViewsPerVisit":2.5,"doNotEmail":false}' \
  "http://localhost:$PORT/api/v1/score"
