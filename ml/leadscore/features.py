"""Lead-score feature contract: which lead fields the model reads and how they become tensors.

This module is the single source of truth for encoding. Training, the parity file and the
tests all go through `encode`; the Java serving side implements the same rules from the
`features.json` this module writes (see `spec_to_json`).

Rules (v0):
  categorical  null/missing -> 0. Otherwise s = str(value).strip().lower(); "" -> 0;
               s at position i of the vocabulary -> i + 1; anything else -> 0
               (index 0 is one shared unknown/missing bucket).
  numeric      null/missing -> `impute` (training median of the raw value);
               true/false -> 1.0/0.0; if transform == "log1p": x = log1p(max(x, 0));
               z = (x - mean) / std. float64 throughout, float32 at the end.
The encoder does NOT treat "select" as missing: that quirk of the X Education export is
handled by the dataset loader (data.py) only.

Quick check:
    /usr/bin/python3 -c "import sys; sys.path.insert(0, 'ml'); from leadscore import features; print(features.FIELDS)"
"""
import math
from collections import Counter
from datetime import datetime, timezone

import numpy as np

# ----------------------------------------------------------------------------- contract
# Closer lead fields (camelCase, as in the data of a `closer.lead.upserted` CloudEvent).
CATEGORICAL = ["source", "origin", "occupation", "country"]
NUMERIC = [  # (name, transform)
    ("websiteVisits", "log1p"),
    ("websiteSeconds", "log1p"),
    ("pageViewsPerVisit", "log1p"),
    ("doNotEmail", "identity"),
]
FIELDS = CATEGORICAL + [name for name, _ in NUMERIC]
# Short human phrases, used later to word score factors for sales reps.
LABELS = {
    "source": "lead source",
    "origin": "lead origin",
    "occupation": "current occupation",
    "country": "country",
    "websiteVisits": "website visits",
    "websiteSeconds": "time on website",
    "pageViewsPerVisit": "pages viewed per visit",
    "doNotEmail": "email opt-out",
}
INPUT_CAT, INPUT_NUM, OUTPUT = "cat", "num", "probability"
MIN_COUNT = 10  # keep a categorical level only if seen at least this often in training data


# ----------------------------------------------------------------------------- helpers
def is_missing(value):
    """None and float NaN (pandas' missing marker) count as missing."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def normalise_category(value):
    """Normalised category string, or None when missing/empty."""
    if is_missing(value):
        return None
    s = str(value).strip().lower()
    return s or None


def raw_number(value):
    """Raw numeric value as float, or None when missing. Booleans -> 1.0/0.0.

    JSON numbers and booleans are the contract. As a convenience, numeric strings are
    parsed ("" / blanks count as missing); they are not part of the parity file.
    """
    if is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return 1.0 if value else 0.0
    if isinstance(value, str):
        s = value.strip()
        return float(s) if s else None
    return float(value)


def encode_category(value, vocabulary):
    s = normalise_category(value)
    if s is None:
        return 0
    try:
        return vocabulary.index(s) + 1
    except ValueError:
        return 0


def encode_number(value, spec):
    x = raw_number(value)
    if x is None:
        x = float(spec["impute"])
    if spec["transform"] == "log1p":
        x = math.log1p(max(x, 0.0))
    elif spec["transform"] != "identity":
        raise ValueError(f"unknown transform {spec['transform']!r} for {spec['name']}")
    return (x - spec["mean"]) / spec["std"]


# ----------------------------------------------------------------------------- build / encode
def build_vocabulary(values, min_count=MIN_COUNT):
    counts = Counter(s for s in map(normalise_category, values) if s is not None)
    kept = [(s, n) for s, n in counts.items() if n >= min_count]
    kept.sort(key=lambda sn: (-sn[1], sn[0]))  # descending frequency, then alphabetical
    return [s for s, _ in kept]


def build_spec(leads, min_count=MIN_COUNT, trained_on="leads-x-education", version="v0"):
    """Fit vocabularies and numeric statistics on training leads (a list of dicts)."""
    categorical = [{"name": name, "vocabulary": build_vocabulary([lead.get(name) for lead in leads], min_count)}
                   for name in CATEGORICAL]
    numeric = []
    for name, transform in NUMERIC:
        raw = [raw_number(lead.get(name)) for lead in leads]
        present = np.array([x for x in raw if x is not None], dtype=np.float64)
        impute = float(np.median(present)) if len(present) else 0.0
        spec = {"name": name, "transform": transform, "impute": impute, "mean": 0.0, "std": 1.0}
        # mean/std of the transformed values after imputation (population std, ddof=0)
        z = np.array([encode_number(x, spec) for x in raw], dtype=np.float64)
        mean, std = float(z.mean()), float(z.std())
        spec["mean"], spec["std"] = mean, (std if std > 0 else 1.0)
        numeric.append(spec)
    return {
        "name": "lead-score",
        "version": version,
        "created_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "trained_on": trained_on,
        "inputs": {"categorical": INPUT_CAT, "numeric": INPUT_NUM},
        "output": OUTPUT,
        "categorical": categorical,
        "numeric": numeric,
        "labels": dict(LABELS),
    }


def encode(spec, leads):
    """Encode a list of lead dicts -> (cat int64 [N, C], num float32 [N, K]).

    A field absent from a dict is treated like null.
    """
    cat = np.array([[encode_category(lead.get(c["name"]), c["vocabulary"]) for c in spec["categorical"]]
                    for lead in leads], dtype=np.int64).reshape(len(leads), len(spec["categorical"]))
    num = np.array([[encode_number(lead.get(n["name"]), n) for n in spec["numeric"]]
                    for lead in leads], dtype=np.float64).reshape(len(leads), len(spec["numeric"]))
    return cat, num.astype(np.float32)


def cardinalities(spec):
    """Embedding table sizes: vocabulary + the shared unknown/missing bucket 0."""
    return [len(c["vocabulary"]) + 1 for c in spec["categorical"]]
