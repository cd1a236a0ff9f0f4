#!/usr/bin/env bash
#
# The nightly rescore from the command line (closer-batch, in the same jar as closer-import): start a run now and
# follow its progress, look at a run or the list of them, the leads a run could not score, and the drift the last
# run measured, through the running app's REST API.
#
#   deploy/local/batch.sh start --wait                 # start a run, draw its progress, print its summary
#   deploy/local/batch.sh status                       # the newest run (or: status 3)
#   deploy/local/batch.sh list
#   deploy/local/batch.sh failures 3
#   deploy/local/batch.sh drift
#   deploy/local/batch.sh --help                       # every command and option
#
# Environment: CLOSER_URL (default http://localhost:${CLOSER_PORT:-8080}), CLOSER_API_KEY (default: the admin key
# run.sh wrote to .closer/admin.key), CLOSER_IMPORT_JAR.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

closer_cli BatchCommand "$@"
