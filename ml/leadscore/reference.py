"""The training-data reference a served model's drift is measured against: reference.json in a model folder.

For every model input the serving side can histogram, the distribution over the training rows, as the encoder
sees them (after vocabulary lookup and normalisation), and the distribution of the model's own probabilities:

    {"rows": N, "trained_on": ..., "synthetic": bool,
     "categorical": {feature: [count of index 0 (unknown/missing), 1, 2, ...]},
     "numeric": {feature: {"edges": [e1 < e2 < ...], "counts": [...]}},   # bin i: edges[i-1] <= v < edges[i]
     "probability": {"edges": [0.1, ..., 0.9], "counts": [10 counts]}}

Numeric edges are the deciles of the encoded training values (repeated deciles merged, so a feature imputed
for most rows has fewer bins). A value's bin is the number of edges <= it, in Python as in Java
(services/app: scoring.batch.Drift). The nightly batch compares what the open leads fed the model with this
through the population stability index.

Written by pipeline.py beside every exported model; for a model folder exported before reference.json existed:
    /usr/bin/python3 ml/leadscore/reference.py --spec ml/specs/platform.yaml \
        --model ml/models/lead-score/v1
"""
import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # make `leadscore` importable as a script

from leadscore import dataset_spec, features, onnx_numpy  # noqa: E402

FILE = "reference.json"
BINS = 10


def numeric_edges(values, bins=BINS):
    """Inner decile edges of the values, repeated ones merged."""
    qs = np.quantile(np.asarray(values, dtype=np.float64), [i / bins for i in range(1, bins)])
    return sorted({float(np.float32(q)) for q in qs})


def histogram(values, edges):
    """Counts per bin, a value's bin being the number of edges <= it."""
    which = np.searchsorted(np.asarray(edges, dtype=np.float64), np.asarray(values, dtype=np.float64), side="right")
    return np.bincount(which, minlength=len(edges) + 1).astype(int).tolist()


def build(fspec, cat, num, probabilities, *, trained_on, synthetic):
    """The reference of the training rows already encoded with fspec (cat int64 [N, C], num float32 [N, K], as
    features.encode gives them) and the model's probabilities on them."""
    ref = {"rows": len(cat), "trained_on": trained_on, "synthetic": bool(synthetic), "categorical": {},
           "numeric": {}}
    for j, c in enumerate(fspec["categorical"]):
        ref["categorical"][c["name"]] = np.bincount(cat[:, j], minlength=len(c["vocabulary"]) + 1).astype(int).tolist()
    for j, n in enumerate(fspec["numeric"]):
        edges = numeric_edges(num[:, j])
        ref["numeric"][n["name"]] = {"edges": edges, "counts": histogram(num[:, j], edges)}
    p_edges = [round(i / BINS, 1) for i in range(1, BINS)]
    ref["probability"] = {"edges": p_edges, "counts": histogram(np.asarray(probabilities).reshape(-1), p_edges)}
    return ref


def write(folder, ref):
    (Path(folder) / FILE).write_text(json.dumps(ref, indent=1) + "\n")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec", required=True, help="the dataset spec the model was trained with")
    ap.add_argument("--datasets", default=None, help="datasets dir for csv specs")
    ap.add_argument("--export", default=None, help="platform export folder for closer_export specs")
    ap.add_argument("--model", required=True, help="the model folder (features.json, model.onnx)")
    args = ap.parse_args(argv)
    try:
        spec = dataset_spec.load_spec(args.spec)
        ds = dataset_spec.load_dataset(spec, args.datasets, args.export)
    except (FileNotFoundError, dataset_spec.SpecError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    folder = Path(args.model)
    if not (folder / "features.json").is_file() or not (folder / "model.onnx").is_file():
        print(f"error: {folder} is not a model folder (features.json and model.onnx)", file=sys.stderr)
        return 2
    fspec = json.loads((folder / "features.json").read_text())
    encoded = features.encode_inputs(fspec, ds.records)
    probs = onnx_numpy.run(folder / "model.onnx", *encoded)[features.OUTPUT]
    ref = build(fspec, *encoded[:2], probs, trained_on=spec.name, synthetic=spec.synthetic)
    write(folder, ref)
    print(f"wrote {folder / FILE}: {ref['rows']} rows, {len(ref['categorical'])} categorical and "
          f"{len(ref['numeric'])} numeric features, probability deciles {ref['probability']['counts']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
