"""Train lead-score models: the deep model on a dataset spec (the one way to train; see leadscore/pipeline.py).

From the repository root:
    # X Education Leads.csv (real data): cross-validation report; add --out DIR to export a version too
    /usr/bin/python3 ml/leadscore/train.py --spec ml/specs/leads-x-education.yaml --report ml/reports/leads-x-education
    # v1, the served version: the SYNTHETIC sales world exported from the platform
    /usr/bin/python3 ml/leadscore/train.py --spec ml/specs/platform.yaml \
        --report ml/reports/sales-world --out ml/models/lead-score/v1

`--spec` is required; `--help` lists every setting. ml/models/lead-score/v0 is frozen as it was built by the
pre-spec recipe (its card says how to rebuild it from git history); never export over a registered version.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # make `leadscore` importable as a script

from leadscore import pipeline  # noqa: E402


def main(argv=None):
    return pipeline.main(argv)


if __name__ == "__main__":
    sys.exit(main())
