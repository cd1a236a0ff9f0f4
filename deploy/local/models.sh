#!/usr/bin/env bash
#
# The model registry from the command line (closer-models, in the same jar as closer-import): list versions,
# upload a model folder, validate, activate, roll back, shadow and compare, through the running app's REST API.
#
#   deploy/local/models.sh list
#   deploy/local/models.sh upload ml/models/lead-score/v1 --validate
#   deploy/local/models.sh shadow v1 && deploy/local/models.sh compare v1
#   deploy/local/models.sh activate v1
#   deploy/local/models.sh rollback
#   deploy/local/models.sh --help                      # every command and option
#
# Environment: CLOSER_URL (default http://localhost:${CLOSER_PORT:-8080}), CLOSER_API_KEY (default: the admin key
# run.sh wrote to .closer/admin.key), CLOSER_IMPORT_JAR.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

closer_cli ModelsCommand "$@"
