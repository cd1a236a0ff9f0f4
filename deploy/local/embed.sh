#!/usr/bin/env bash
#
# Embed a JSONL file of texts with the serving text encoder, for training the text heads in ml/ on exactly the
# features the app computes. Input: {"id": ..., "text": "..."} per line ('-' for stdin). Output: OUT.npy (float32
# matrix, one row per input line, in order) and OUT.ids.jsonl (one JSON id per line).
#
#   deploy/local/embed.sh emails.jsonl --out /tmp/emails                   # the default encoder (BGE-small)
#   deploy/local/embed.sh emails.jsonl --out /tmp/emails --model minilm
#   deploy/local/embed.sh replies.jsonl --out /tmp/r --reply               # the new text of raw replies
#   deploy/local/embed.sh --help                                           # every option
#
#   /usr/bin/python3 -c 'import numpy; print(numpy.load("/tmp/emails.npy").shape)'
#
# Environment: CLOSER_TEXT_ENCODER (minilm or bge-small), CLOSER_EMBED_JAVA_OPTS.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

TARGET=$REPO/services/inference/target
ensure_built "$TARGET/embed.classpath" services/inference
JAR=$(compgen -G "$TARGET/closer-inference-*[0-9T].jar" | head -n1 || true)
[[ -n "$JAR" ]] || die "no closer-inference jar in $TARGET: rebuild with ./mvnw install -pl services/inference -am"
read -r -a JAVA_OPTS <<<"${CLOSER_EMBED_JAVA_OPTS:-}"
exec "$(java_bin)" "${JAVA_OPTS[@]}" -cp "$JAR:$(cat "$TARGET/embed.classpath")" dev.closer.inference.text.EmbedCommand "$@"
