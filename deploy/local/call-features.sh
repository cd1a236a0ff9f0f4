#!/usr/bin/env bash
#
# Per-call numeric features of JSONL transcripts, computed by the serving code (CallMetrics + keyword trackers,
# ingest's dev.closer.ingest.call.CallFeaturesCommand), for training the call-win model in ml/ on exactly the
# numbers serving computes. Input: {"id": ..., "utterances": [{speaker, role, startMs, endMs, text}]} per line
# ('-' for stdin). Output: {"id": ..., <feature>: number or null} per line (an "error" instead for a rejected call).
#
#   deploy/local/call-features.sh calls.jsonl --out features.jsonl
#   deploy/local/call-features.sh calls.jsonl --tracker 'donation=donat*,charity' --tracker 'money=dollar*,cents'
#   deploy/local/call-features.sh --help                  # every option
#
# Environment: CLOSER_IMPORT_JAR (default ingest/target/closer-import.jar, built when missing).
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

JAR=${CLOSER_IMPORT_JAR:-$REPO/ingest/target/closer-import.jar}
ensure_built "$JAR" ingest
exec "$(java_bin)" -cp "$JAR" dev.closer.ingest.call.CallFeaturesCommand "$@"
