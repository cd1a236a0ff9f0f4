"""Reply prediction before send: the one command that builds the data, cross-validates, reports and exports.

From the repository root:
    /usr/bin/python3 ml/replyscore/train.py --seed_world 7 --leads 5000 \
        --report ml/reports/reply-score --out ml/models/reply-score/v1

`--help` lists every setting (replyscore/pipeline.py DEFAULTS). The world, the rows' embeddings and the variants'
embeddings are cached under --work (default .closer/reply, ignored by git); never export over a registered version.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `leadscore`, `replyscore`, `simulator` importable

from replyscore import pipeline  # noqa: E402

if __name__ == "__main__":
    sys.exit(pipeline.main())
