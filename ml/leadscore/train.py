"""Train lead-score models: the deep model on any dataset spec, or (without --spec) reproduce v0.

From the repository root:
    /usr/bin/python3 ml/leadscore/train.py --spec ml/specs/leads-x-education.yaml [--report DIR] [--out DIR]
    /usr/bin/python3 ml/leadscore/train.py --spec ml/specs/platform.yaml --export /work/exports/sales-world \
        --report ml/reports/sales-world --out ml/models/lead-score/v1
With --spec, see leadscore/pipeline.py (`--help` lists every setting). Without it, the v0 recipe below:
    /usr/bin/python3 ml/leadscore/train.py --out ml/models/lead-score/v0

Every default below can be overridden by a flag of the same name, e.g. `--epochs 10 --folds 2`.
The data come from <datasets>/leads-x-education/Leads.csv, where <datasets> is `--datasets`, else
$CLOSER_DATASETS, else ../shared/datasets (relative paths resolved against the repo root).

Steps: load -> refuse if fewer than MIN_PER_CLASS converted or unconverted rows -> stratified
k-fold CV of the net and a logistic-regression baseline (printed as a table) -> fit the net on all
rows -> write model.onnx, features.json, metrics.json, parity.jsonl, card.md into --out, then
re-run the exported ONNX graph (numpy evaluator) on the parity inputs as a self-check.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # make `leadscore` importable as a script

from leadscore import data, evaluate, features, model, onnx_numpy  # noqa: E402

# ----------------------------------------------------------------------------- defaults
DATASETS = None                  # None -> $CLOSER_DATASETS -> ../shared/datasets
OUT = str(data.REPO_ROOT / "ml" / "models" / "lead-score" / "v0")
MIN_PER_CLASS = data.MIN_PER_CLASS  # refuse to train with fewer converted or unconverted rows than this (50)
FOLDS = 5
SEED = 1337
MIN_COUNT = features.MIN_COUNT   # vocabulary: keep levels seen at least this often
EMB_DIM = 4
HIDDEN = "32"                    # comma-separated hidden layer widths, e.g. "32,16"
DROPOUT = 0.1
UNKNOWN_DROPOUT = 0.05           # train-time chance of replacing a categorical by the unknown bucket 0
EPOCHS = 30
BATCH_SIZE = 256
LR = 3e-3
WEIGHT_DECAY = 1e-4
OPSET = 17
PARITY_REAL_ROWS = 150           # real rows in parity.jsonl (plus perturbed copies and edge cases)
THREADS = 1                      # torch intra-op threads; 1 keeps runs bit-for-bit repeatable


InsufficientDataError = data.InsufficientDataError


def check_class_counts(y, minimum=MIN_PER_CLASS):
    return data.check_class_counts(y, minimum)


# ----------------------------------------------------------------------------- parity
def _maybe_drop_missing(lead, rng):
    """Missing values are sent either as explicit null or as an absent key."""
    return {k: v for k, v in lead.items() if v is not None or rng.random() < 0.5}


def _messy(value, rng):
    """The same category as a CRM might type it: other case, stray whitespace."""
    variants = [str.upper, str.lower, str.swapcase, lambda s: f"  {s} ", lambda s: f"\t{s.upper()}\n"]
    return variants[rng.integers(len(variants))](value)


def parity_inputs(leads, spec, n_real, seed):
    """~200 raw lead dicts: real rows, messy copies, every vocabulary level, hand-made edge cases."""
    rng = np.random.default_rng(seed)
    pick = rng.choice(len(leads), size=min(n_real, len(leads)), replace=False)
    real = [_maybe_drop_missing(leads[i], rng) for i in sorted(pick)]
    messy = []
    for lead in real[:20]:
        lead = dict(lead)
        for name in features.CATEGORICAL:
            if isinstance(lead.get(name), str):
                lead[name] = _messy(lead[name], rng)
        messy.append(lead)
    levels = [{c["name"]: level.title()} for c in spec["categorical"] for level in c["vocabulary"]]
    edge = [
        {},                                                              # every field absent
        {f: None for f in features.FIELDS},                              # every field null
        {**{c: "" for c in features.CATEGORICAL}, **{n: None for n, _ in features.NUMERIC}},
        {c: "   " for c in features.CATEGORICAL},                        # whitespace only
        {"source": "Carrier Pigeon", "origin": "Telepathy", "occupation": "Astronaut", "country": "Atlantis",
         "websiteVisits": 4, "websiteSeconds": 300, "pageViewsPerVisit": 2.5, "doNotEmail": False},
        {"source": "Select", "origin": "select", "occupation": "SELECT", "country": "Select"},
        {"websiteVisits": 0, "websiteSeconds": 0, "pageViewsPerVisit": 0, "doNotEmail": False},
        {"websiteVisits": 0.0, "websiteSeconds": 0.0, "pageViewsPerVisit": 0.0, "doNotEmail": True},
        # huge, but not so huge that float32 sigmoid saturates to exactly 1.0 (no clipping in v0)
        {"websiteVisits": 1e4, "websiteSeconds": 1e6, "pageViewsPerVisit": 1e3, "doNotEmail": True},
        {"websiteVisits": 2147483647, "websiteSeconds": 100000, "pageViewsPerVisit": 99999},
        {"websiteVisits": -5, "websiteSeconds": -1.5, "pageViewsPerVisit": -0.25},
        {"websiteVisits": 5, "websiteSeconds": 123.456, "pageViewsPerVisit": 2.3333333333333335},
        {"websiteVisits": 5.0, "websiteSeconds": 1800.0, "pageViewsPerVisit": 1.0},
        {"websiteVisits": True, "websiteSeconds": False, "pageViewsPerVisit": True, "doNotEmail": True},
        {"source": "Google", "origin": "Landing Page Submission", "occupation": "Working Professional",
         "country": "India", "websiteVisits": 8, "websiteSeconds": 1500, "pageViewsPerVisit": 4,
         "doNotEmail": False, "email": "someone@example.com", "id": "lead-123", "score": 0.99},
        {"source": "google", "origin": "API", "occupation": "unemployed", "country": "INDIA", "doNotEmail": True},
        {"source": "Reference", "origin": "Lead Add Form", "occupation": "Student", "country": None,
         "websiteVisits": None, "websiteSeconds": 0, "pageViewsPerVisit": None, "doNotEmail": False},
    ]
    return real + messy + levels + edge


def write_parity(path, net, spec, inputs):
    cat, num = features.encode(spec, inputs)
    probs = model.predict(net, cat, num)
    with open(path, "w") as f:
        for lead, p in zip(inputs, probs):
            f.write(json.dumps({"input": lead, "probability": float(p)}) + "\n")
    return probs


# ----------------------------------------------------------------------------- card
def card_markdown(spec, metrics, table, cfg):
    ds = metrics["dataset"]
    dropped = "\n".join(f"| {d['column']} | {d['reason']} |" for d in ds["dropped_columns"])
    cats = "\n".join(f"| `{c['name']}` | {data.COLUMN_MAP[c['name']]} | categorical | "
                     f"{len(c['vocabulary'])} levels + unknown bucket 0 | {spec['labels'][c['name']]} |"
                     for c in spec["categorical"])
    nums = "\n".join(f"| `{n['name']}` | {data.COLUMN_MAP[n['name']]} | numeric | transform `{n['transform']}`, "
                     f"impute {n['impute']:g} | {spec['labels'][n['name']]} |" for n in spec["numeric"])
    return f"""# Model card: lead-score {spec['version']}

A first, simple lead-scoring model: the probability that a new lead converts, computed from fields
known when the lead is created. **Placeholder** until the deep model (sequence encoders, dataset
specs) replaces it.

## Data
- Dataset: `{ds['name']}` (X Education "Lead Scoring" case study, real anonymised leads of an
  online-education company; license unknown, see the dataset README), {ds['rows']} rows,
  {ds['converted']} converted / {ds['rows'] - ds['converted']} not. Not synthetic.
- Target: `Converted`. `Select` (form placeholder) and empty cells are treated as missing.
- Dropped columns:

| column | reason |
|---|---|
{dropped}

All other X Education columns are simply not used in v0.

## Features (contract in `features.json`, encoder in `ml/leadscore/features.py`)
| Closer field | X Education column | kind | encoding | label |
|---|---|---|---|---|
{cats}
{nums}

Categoricals: `str(v).strip().lower()`, vocabulary index + 1, anything else (unknown, null, empty) -> 0;
levels kept if seen >= {cfg['min_count']} times in training data. Numerics: null -> training median,
booleans -> 1/0, `log1p(max(x, 0))` where marked, then z-score with training mean/std.

## Model
Embedding (dim {cfg['emb_dim']}) per categorical + normalised numerics -> MLP (hidden {list(cfg['hidden'])}, ReLU,
dropout {cfg['dropout']}) -> sigmoid. While training, each categorical is replaced by the unknown bucket
with probability {cfg['unknown_dropout']}, so bucket 0 means "field unknown" rather than noise.
AdamW (lr {cfg['lr']}, weight decay {cfg['weight_decay']}), {cfg['epochs']} epochs, batch {cfg['batch_size']}, seed {cfg['seed']}.
ONNX opset {cfg['opset']}: inputs `cat` int64 [N, {len(spec['categorical'])}] and `num` float32 [N, {len(spec['numeric'])}],
output `probability` float32 [N, 1].

## Metrics
Stratified {cfg['folds']}-fold cross-validation (seed {cfg['seed']}); the feature statistics are refitted on
each training part. Mean over folds [95% t-interval: mean +- t(0.975, k-1) * sd / sqrt(k)].
Baseline: logistic regression on one-hot categoricals + the same numerics.

```
{table}
```
The exported model is then fitted on all {ds['rows']} rows (no held-out score for it).

## Limits
- Trained on leads of one online-education company (B2C course sign-ups, mostly India), **not B2B**
  sales leads: the absolute probabilities and the weight of each field will not transfer to
  Closer customers as is. Treat scores as a ranking aid, not as calibrated win rates.
- Only 8 lead fields; no activity history, no firmographics, no text.
- Rare categorical levels (< {cfg['min_count']} rows) share the unknown bucket with missing values.
- `parity.jsonl` pins the encoder + model behaviour for the Java serving side.

## Reproduce
    /usr/bin/python3 ml/leadscore/train.py --out ml/models/lead-score/v0
"""


# ----------------------------------------------------------------------------- pipeline
def run(leads, y, out_dir, cfg, dataset_name=data.DATASET_NAME, synthetic=False, log=print):
    """Check, cross-validate, fit on all rows, export. Returns (metrics, fitted net, feature spec)."""
    t0 = time.time()
    pos, _ = check_class_counts(y, cfg["min_per_class"])
    torch.set_num_threads(cfg["threads"])
    torch.use_deterministic_algorithms(True)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    log(f"{len(y)} leads, {pos} converted; {cfg['folds']}-fold CV ...")
    results = evaluate.cross_validate(leads, y, cfg, log=log)
    table = evaluate.format_table(results)
    log(table)

    spec = features.build_spec(leads, cfg["min_count"], trained_on=dataset_name)
    cat, num = features.encode(spec, leads)
    net = model.train_net(cat, num, np.asarray(y), features.cardinalities(spec), **evaluate.train_kwargs(cfg))
    model.export_onnx(net, cat.shape[1], num.shape[1], out_dir / "model.onnx", cfg["opset"])
    (out_dir / "features.json").write_text(json.dumps(spec, indent=2) + "\n")

    inputs = parity_inputs(leads, spec, cfg["parity_real_rows"], cfg["seed"])
    probs = write_parity(out_dir / "parity.jsonl", net, spec, inputs)
    onnx_probs = onnx_numpy.run(out_dir / "model.onnx", *features.encode(spec, inputs))[features.OUTPUT]
    max_diff = float(np.max(np.abs(onnx_probs.reshape(-1) - probs)))
    if max_diff > 1e-5:
        raise RuntimeError(f"exported ONNX graph disagrees with torch: max |diff| {max_diff:g}")

    metrics = {
        "dataset": {"name": dataset_name, "rows": len(y), "converted": pos, "synthetic": synthetic,
                    "dropped_columns": data.DROPPED_COLUMNS},
        "results": results,
        "cv": {"folds": cfg["folds"], "seed": cfg["seed"], "stratified": True,
               "interval": "95% t-interval over folds: mean +- t(0.975, k-1) * sd(ddof=1) / sqrt(k)"},
        "model": {k: cfg[k] for k in ("emb_dim", "hidden", "dropout", "unknown_dropout", "epochs",
                                      "batch_size", "lr", "weight_decay", "min_count", "opset")},
    }
    (out_dir / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    (out_dir / "card.md").write_text(card_markdown(spec, metrics, table, cfg))
    log(f"wrote {out_dir}: model.onnx ({(out_dir / 'model.onnx').stat().st_size} bytes), features.json, "
        f"metrics.json, parity.jsonl ({len(inputs)} lines, onnx-vs-torch max |diff| {max_diff:.2e}), card.md "
        f"in {time.time() - t0:.1f}s")
    return metrics, net, spec


def config(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", default=DATASETS,
                    help="datasets dir (default: $CLOSER_DATASETS, else ../shared/datasets)")
    ap.add_argument("--out", default=OUT)
    for name, value in [("min_per_class", MIN_PER_CLASS), ("folds", FOLDS), ("seed", SEED),
                        ("min_count", MIN_COUNT), ("emb_dim", EMB_DIM), ("hidden", HIDDEN),
                        ("dropout", DROPOUT), ("unknown_dropout", UNKNOWN_DROPOUT), ("epochs", EPOCHS),
                        ("batch_size", BATCH_SIZE), ("lr", LR), ("weight_decay", WEIGHT_DECAY),
                        ("opset", OPSET), ("parity_real_rows", PARITY_REAL_ROWS), ("threads", THREADS)]:
        ap.add_argument(f"--{name}", type=type(value), default=value)
    cfg = vars(ap.parse_args(argv))
    cfg["hidden"] = tuple(int(h) for h in str(cfg["hidden"]).split(",") if h.strip())
    return cfg


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    if any(a == "--spec" or a.startswith("--spec=") for a in argv):
        from leadscore import pipeline   # the deep model on a dataset spec (see pipeline.py)
        return pipeline.main(argv)
    cfg = config(argv)
    csv_path = data.leads_csv_path(data.resolve_datasets_dir(cfg["datasets"]))
    try:
        leads, y = data.load_leads(csv_path)
        run(leads, y, cfg["out"], cfg)
    except (FileNotFoundError, InsufficientDataError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
