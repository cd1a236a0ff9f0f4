"""Train and evaluate the deep lead-score model on any dataset spec; report; optionally export a version.

    /usr/bin/python3 ml/leadscore/train.py --spec ml/specs/leads-x-education.yaml \\
        [--report ml/reports/leads-x-education] [--out DIR]
    /usr/bin/python3 ml/leadscore/train.py --spec ml/specs/platform.yaml \\
        --report ml/reports/sales-world --out ml/models/lead-score/v1

Steps: load the rows the spec describes -> refuse below MIN_PER_CLASS converted or unconverted rows ->
stratified k-fold CV (same folds) of the deep model, the deep model without its sequence encoder (when the
data have timelines), logistic regression and gradient boosting -> metrics.json, card.md, roc.png,
calibration.png, lift.png into --report (default ml/reports/<dataset name>; metrics.json's `curves` holds the
plots' points) -> with --out, fit the deep model on all rows and write model.onnx, features.json, parity.jsonl,
metrics.json, card.md there, then re-run the exported graph (numpy evaluator) on the parity inputs as a self-check
(|diff| <= 1e-5).

--curves-only adds `curves` to the metrics.json files already in --report (and --out) from the same seeded CV run
again, without training the final model or exporting anything (plots.merge_curves).

Hyperparameters: DEFAULTS below, overridden by the spec's `model:` section, overridden by flags.
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import onnx
import torch
from threadpoolctl import threadpool_limits

from leadscore import data, dataset_spec, evaluate, features, model, onnx_numpy, plots, reference

DEFAULTS = {
    "folds": 5,
    "seed": 1337,
    "min_per_class": data.MIN_PER_CLASS,
    "min_count": features.MIN_COUNT,       # categorical levels kept if seen this often in training data
    "emb_dim": 4,                          # embedding width per categorical
    "hidden": (64,),                       # MLP hidden widths
    "dropout": 0.2,
    "num_bins": 8,                         # piecewise-linear bins per numeric (0 = off)
    "seq_emb": 16,                         # token embedding width
    "seq_hidden": 32,                      # GRU state width
    "unknown_dropout": 0.05,
    "seq_unknown_dropout": 0.02,
    "epochs": 30,
    "batch_size": 256,
    "lr": 3e-3,
    "weight_decay": 1e-4,
    "crossfit": 5,                         # K nets + Platt on their out-of-fold logits (0: holdout below)
    "ensemble": 1,                         # with crossfit 0: nets per model
    "calibration_fraction": 0.2,           # with crossfit 0: rows held out for Platt scaling
    "opset": 17,
    "threads": 1,                          # torch intra-op and OpenMP/BLAS threads (GBM, LR) for the whole run;
                                           # 1 keeps runs bit-for-bit repeatable
    "parity_real_rows": 150,
    "version": None,                       # None: the --out folder's name (e.g. v1), else "dev"
}
TYPES = {"hidden": "ints"}
MODEL_NAME = "lead-score"
SERVED = "deep"                            # the model exported; the others are its baselines


# ----------------------------------------------------------------------------- config
def _parse(name, value):
    kind = TYPES.get(name)
    if kind == "ints":
        if isinstance(value, (list, tuple)):
            return tuple(int(v) for v in value)
        return tuple(int(h) for h in str(value).split(",") if h.strip())
    default = DEFAULTS[name]
    return type(default)(value) if default is not None else value


def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec", required=True, help="dataset spec (YAML or JSON), e.g. ml/specs/leads-x-education.yaml")
    ap.add_argument("--datasets", default=None, help="datasets dir for csv specs (default: $CLOSER_DATASETS, "
                                                     "else ../shared/datasets)")
    ap.add_argument("--export", default=None, help="platform export folder for closer_export specs")
    ap.add_argument("--report", default=None, help="report dir (default: ml/reports/<dataset name>)")
    ap.add_argument("--out", default=None, help="export the model fitted on all rows here (e.g. "
                                                "ml/models/lead-score/v1); nothing is exported without it")
    ap.add_argument("--curves-only", dest="curves_only", action="store_true",
                    help="no training or export: run the seeded CV again and add its curve points (`curves`) to the "
                         "metrics.json already in --report (and --out), every other key unchanged; the recomputed "
                         "per-fold figures are compared with the committed ones")
    for name, value in DEFAULTS.items():
        shown = ",".join(map(str, value)) if isinstance(value, tuple) else value
        ap.add_argument(f"--{name}", default=None, help=f"default {shown} (or the spec's model: section)")
    return ap


def config(argv, spec):
    """DEFAULTS <- spec's `model:` section <- flags."""
    args = vars(parser().parse_args(argv))
    cfg = dict(DEFAULTS)
    for name, value in (spec.raw.get("model") or {}).items():
        if name not in DEFAULTS:
            raise dataset_spec.SpecError(f"{spec.path}: model.{name} is not a setting ({sorted(DEFAULTS)})")
        cfg[name] = _parse(name, value)
    for name in DEFAULTS:
        if args[name] is not None:
            cfg[name] = _parse(name, args[name])
    cfg.update({k: args[k] for k in ("spec", "datasets", "export", "report", "out", "curves_only")})
    if cfg["version"] is None:
        cfg["version"] = Path(cfg["out"]).name if cfg["out"] else "dev"
    return cfg


# ----------------------------------------------------------------------------- parity
def _messy(value, rng):
    variants = [str.upper, str.lower, str.swapcase, lambda s: f"  {s} ", lambda s: f"\t{s.upper()}\n"]
    return variants[rng.integers(len(variants))](value)


def _slim(activity, detail):
    """An activity as serving gets it, without the properties no encoder reads (keeps parity.jsonl small)."""
    t, _ = features.activity_candidates(activity, detail)
    keep = {detail[t]} if t in detail else set()
    props = {k: v for k, v in (activity.get("properties") or {}).items() if k in keep}
    return {"type": activity["type"], "occurredAt": activity["occurredAt"], "properties": props}


def parity_inputs(records, spec, n_real, seed):
    """Raw records for parity.jsonl: real rows, messy copies, every vocabulary level/token, edge cases."""
    rng = np.random.default_rng(seed)
    seq = spec.get("sequence")
    cat_names = [c["name"] for c in spec["categorical"]]
    num_names = [n["name"] for n in spec["numeric"]]
    pick = rng.choice(len(records), size=min(n_real, len(records)), replace=False)
    real = []
    for i in sorted(pick):
        r = {k: v for k, v in records[i].items() if v is not None or rng.random() < 0.5}
        if seq:
            r[seq["field"]] = [_slim(a, seq["detail"]) for a in records[i].get(seq["field"], [])]
        real.append(r)
    messy = []
    for r in real[:20]:
        r = dict(r)
        for name in cat_names:
            if isinstance(r.get(name), str):
                r[name] = _messy(r[name], rng)
        if seq:
            acts = []
            for a in r.get(seq["field"], []):
                a = dict(a, type=_messy(a["type"], rng), properties=dict(a["properties"]))
                for k, v in a["properties"].items():
                    if isinstance(v, str):
                        a["properties"][k] = _messy(v, rng)
                acts.append(a)
            r[seq["field"]] = acts
        messy.append(r)
    base = dict(real[0]) if real else {}
    tab = {k: v for k, v in base.items() if not seq or k not in (seq["field"], seq["as_of_field"])}
    levels = [{**tab, c["name"]: level.title()} for c in spec["categorical"] for level in c["vocabulary"]]
    edge = [
        {},
        {f: None for f in cat_names + num_names},
        {**{c: "" for c in cat_names}, **{n: None for n in num_names}},
        {c: "   " for c in cat_names},
        {**{c: "Nothing Like This" for c in cat_names}, **{n: 1 for n in num_names}},
        {c: "Select" for c in cat_names},
        {n: 0 for n in num_names},
        {n: 0.0 for n in num_names},
        {n: 1e4 for n in num_names},
        {n: -5 for n in num_names},
        {n: 2.3333333333333335 for n in num_names},
        {n: True for n in num_names},
        {n: False for n in num_names},
        {**base, "email": "someone@example.com", "id": "lead-123", "score": 0.99, "unrelated": {"a": 1}},
    ]
    inputs = real + messy + levels + edge
    if seq:
        inputs += sequence_edge_cases(tab, seq)
    return inputs


def sequence_edge_cases(base, seq):
    """Hand-made timelines for every sequence rule (see features.py); `base` gives the tabular fields."""
    f, at = seq["field"], seq["as_of_field"]
    detail = seq["detail"]
    vocab = seq["vocabulary"]
    as_of = "2026-03-01T12:00:00Z"

    def act(typ, when, **props):
        return {"type": typ, "occurredAt": when, "properties": props}

    def every_token():
        out = []
        for i, tok in enumerate(vocab):
            t, _, d = tok.partition(":")
            props = {detail[t]: d} if d else {}
            out.append(act(t, f"2026-02-{1 + i % 27:02d}T{i % 24:02d}:15:00Z", **props))
        return out

    long = [act("page_view", f"2026-02-{1 + i // 24:02d}T{i % 24:02d}:00:00Z", page="pricing" if i % 7 == 0 else "blog",
                sessionId=f"s{i // 3}") for i in range(50)]
    cases = [
        {f: [], at: as_of},                                                    # no activities
        {at: as_of},                                                           # no activities field at all
        {f: None, at: as_of},                                                  # null activities
        {f: [act("page_view", "2026-03-02T09:00:00Z", page="pricing"),
             act("email_opened", "2026-03-01T12:00:01Z")], at: as_of},        # only after asOf
        {f: long, at: as_of},                                                  # more than max_length
        {f: every_token(), at: as_of},                                         # every vocabulary token once
        {f: [act("podcast_listened", "2026-02-27T10:00:00Z"),                  # unknown type
             act("page_view", "2026-02-27T11:00:00Z", page="moon-landing"),    # unknown detail -> bare type
             act("form_fill", "2026-02-27T12:00:00Z", form="tax_return"),
             act("meeting", "2026-02-27T13:00:00Z", kind="lunch")], at: as_of},
        {f: [{"type": "page_view", "occurredAt": "2026-02-28T10:00:00Z"},      # properties missing
             {"type": "page_view", "occurredAt": "2026-02-28T10:01:00Z", "properties": None},
             {"type": "page_view", "occurredAt": "2026-02-28T10:02:00Z", "properties": {}},
             {"type": "page_view", "occurredAt": "2026-02-28T10:03:00Z", "properties": {"page": None}},
             {"type": "page_view", "occurredAt": "2026-02-28T10:04:00Z", "properties": {"page": "   "}},
             {"type": "page_view", "occurredAt": "2026-02-28T10:05:00Z", "properties": {"page": ""}},
             {"type": "meeting", "occurredAt": "2026-02-28T10:06:00Z", "properties": {"page": "demo"}},
             {"type": None, "occurredAt": "2026-02-28T10:07:00Z"}], at: as_of},
        {f: [act("page_view", "2026-02-28T10:00:00Z", page="pricing"),         # ties: list order kept
             act("email_opened", "2026-02-28T10:00:00Z"),
             act("demo_request", "2026-02-28T10:00:00Z"),
             act("meeting", "2026-02-28T09:00:00Z", kind="demo")], at: as_of},
        {f: [act("page_view", "2026-03-01T13:30:00+02:00", page="pricing"),    # offsets: 11:30Z, before asOf
             act("page_view", "2026-03-01T08:00:00-05:00", page="docs"),       # 13:00Z: after asOf
             act("form_fill", "2026-03-01T06:59:59.5-05:00", form="contact_sales")],
         at: "2026-03-01T14:00:00+02:00"},                                      # asOf 12:00Z
        {f: [act("page_view", "2026-03-01T11:59:59.123456Z", page="pricing"),  # fractional seconds
             act("email_opened", "2026-03-01T11:59:59.5Z"),
             act("email_clicked", "2026-03-01T11:00:00.25Z"),
             act("page_view", "2026-03-01T12:00:00.000Z", page="case_study")],  # exactly asOf: kept
         at: "2026-03-01T12:00:00.000001Z"},
        {f: [act("page_view", "2026-03-01T12:00:00Z", page="pricing")], at: as_of},   # 0 hours before asOf
        {f: [act("page_view", "2016-03-01T12:00:00Z", page="pricing"),        # ten years before
             act("meeting", "2026-02-01T12:00:00Z", kind="demo")], at: as_of},
        {f: [act(" PAGE_VIEW ", "2026-02-26T10:00:00Z", page="  Pricing "),     # messy case and whitespace
             act("Email_Opened", "2026-02-26T10:05:00Z"),
             act("\tform_fill\n", "2026-02-26T10:06:00Z", form="CONTACT_SALES")], at: as_of},
        {f: [act("page_view", "2026-02-20T10:00:00Z", page="pricing", seconds=30, sessionId="x", url="https://x"),
             act("email_replied", "2026-02-21T10:00:00Z", emailId="e1", unrelated={"nested": [1, 2]})],
         at: as_of},
        {f: [act("page_view", f"2026-02-{1 + i // 24:02d}T{i % 24:02d}:30:00Z", page="pricing")
             for i in range(seq["max_length"])], at: as_of},                  # exactly max_length
    ]
    return [{**base, **c} for c in cases]


def write_parity(path, exported, inputs, encoded):
    """parity.jsonl: each raw input with the exported model's probability on its encoding (encoded: the inputs
    through features.encode_inputs, in graph order). Returns the probabilities."""
    probs = model.probabilities(exported, encoded)
    with open(path, "w") as fh:
        for record, p in zip(inputs, probs):
            fh.write(json.dumps({"input": record, "probability": float(p)}) + "\n")
    return probs


# ----------------------------------------------------------------------------- card
def _paired(a, b):
    """Mean and 95% t-interval of the per-fold differences a - b (same folds, so the comparison is paired)."""
    p = evaluate.paired(a, b)
    return {"difference": p["difference"], "difference_ci95": p["difference_ci95"],
            "folds_deep_better": p["folds_a_better"], "folds": p["folds"]}


def comparison(results):
    """Deep vs the better baseline on ROC-AUC (and vs deep_no_sequence): paired per-fold differences."""
    out = {}
    deep = results["deep"]["roc_auc"]
    base = max(("logistic_regression", "gradient_boosting"), key=lambda n: results[n]["roc_auc"]["mean"])
    b = results[base]["roc_auc"]
    out["deep_vs_best_baseline"] = {"baseline": base, "deep_roc_auc": deep["mean"], "baseline_roc_auc": b["mean"],
                                    **_paired(deep["folds"], b["folds"]), "met": bool(deep["mean"] >= b["mean"])}
    if "deep_no_sequence" in results:
        n = results["deep_no_sequence"]["roc_auc"]
        out["deep_vs_deep_no_sequence"] = {"deep_roc_auc": deep["mean"], "no_sequence_roc_auc": n["mean"],
                                           **_paired(deep["folds"], n["folds"]),
                                           "met": bool(deep["mean"] > n["mean"])}
    return out


def _verdict(c, target):
    lo, hi = c["difference_ci95"]
    significant = lo > 0 or hi < 0
    text = (f"difference {c['difference']:+.4f} (paired 95% interval over folds [{lo:+.4f}, {hi:+.4f}]"
            f"{'' if significant else ', not significant'}); deep better in {c['folds_deep_better']} of "
            f"{c['folds']} folds. ")
    if c["met"]:
        return text + f"{target} **met**" + ("." if significant else " at the mean, within fold noise.")
    return text + f"{target} **missed** by {-c['difference']:.4f}" + ("." if significant else
                                                                      " at the mean, within fold noise.")


def card_markdown(spec_obj, fspec, metrics, cfg, commands):
    ds = metrics["dataset"]
    synthetic = ds["synthetic"]
    table = evaluate.format_table(metrics["results"], labels=evaluate.METRIC_NAMES, padded=False)
    cmp_ = metrics["comparison"]
    c = cmp_["deep_vs_best_baseline"]
    verdict = [f"- **Deep vs the better baseline ({c['baseline']}), ROC-AUC:** {c['deep_roc_auc']:.4f} vs "
               f"{c['baseline_roc_auc']:.4f}, " + _verdict(c, "Target (deep >= better baseline)")]
    if "deep_vs_deep_no_sequence" in cmp_:
        s = cmp_["deep_vs_deep_no_sequence"]
        verdict.append(f"- **Sequence encoder (deep vs deep_no_sequence), ROC-AUC:** {s['deep_roc_auc']:.4f} vs "
                       f"{s['no_sequence_roc_auc']:.4f}, " + _verdict(s, "Target (deep > deep_no_sequence)"))
    dropped = "\n".join(f"| {d['column']} | {d['reason']} |" for d in ds["dropped_columns"]) or "| (none) | |"
    feats = []
    for f in spec_obj.features:
        if f.kind == "categorical":
            c_ = next(x for x in fspec["categorical"] if x["name"] == f.feature)
            n_levels = len(c_["vocabulary"])
            enc = f"{n_levels} level{'s' if n_levels != 1 else ''} + unknown bucket 0"
        else:
            n_ = next(x for x in fspec["numeric"] if x["name"] == f.feature)
            enc = ("yes/no -> 1/0, " if f.kind == "boolean" else "") + \
                f"`{n_['transform']}`, impute {n_['impute']:g}, z-score"
        feats.append(f"| `{f.feature}` | {f.column} | {f.kind} | {enc} | {f.label} |")
    seq_md = ""
    if "sequence" in fspec:
        s = fspec["sequence"]
        toks = "\n".join(f"| `{t}` | {i + 2} | {s['labels'][t]} |" for i, t in enumerate(s["vocabulary"]))
        seq_md = f"""
### Activity timeline (`sequence` in features.json)
Field `{s['field']}` (activities with `type`, `occurredAt`, `properties`), scored as of `{s['as_of_field']}`. The
last {s['max_length']} activities at or before asOf, oldest first, left-padded (0 = padding, 1 = unknown). Token =
`type:detail` when known (detail property per type: {', '.join(f'{k} -> `{v}`' for k, v in s['detail'].items())}),
else the bare type, else unknown. Time = (log1p(hours before asOf) - {s['time']['mean']:.4f}) / {s['time']['std']:.4f}.
Tokens seen >= {spec_obj.sequence['min_count']} times among the training events:

| token | index | phrase for reps |
|---|---|---|
{toks}
"""
    seq_model = ""
    if "sequence" in fspec:
        seq_model = (f" Timeline: token embedding ({cfg['seq_emb']}) + the time value -> GRU ({cfg['seq_hidden']}), "
                     "final state concatenated with the tabular part. While training, a real event's token is "
                     f"replaced by unknown with probability {cfg['seq_unknown_dropout']}.")
    calib = metrics.get("final_model", {})
    tried = "\n".join(f"- {t}" for t in (spec_obj.raw.get("notes") or [])) or "- (none recorded)"
    banner = ("\n> **SYNTHETIC TRAINING DATA.** Every lead, activity and outcome in this dataset was generated by "
              "ml/simulator (a made-up sales world). The metrics say how well the model recovers the simulator's "
              "designed signals, not how it will do on real sales data.\n") if synthetic else ""
    timing = metrics.get("timing", {})
    export = metrics.get("export")
    export_md = ""
    if export:
        export_md = (f"\nExported: `{export['dir']}` (model.onnx {export['onnx_bytes']} bytes, parity.jsonl "
                     f"{export['parity_lines']} lines, ONNX-vs-torch max |diff| {export['max_abs_diff']:.2e} with "
                     f"`leadscore/onnx_numpy.py`). Fitted on all {ds['rows']} rows: "
                     f"{calib.get('calibration', '')}, {calib.get('members', '')} net(s), Platt a = "
                     f"{calib.get('platt_a', float('nan')):.4f}, b = {calib.get('platt_b', float('nan')):.4f}.\n")
    inputs_desc = f"`cat` int64 [N, {len(fspec['categorical'])}], `num` float32 [N, {len(fspec['numeric'])}]"
    if "sequence" in fspec:
        L = fspec["sequence"]["max_length"]
        inputs_desc += f", `seq_tokens` int64 [N, {L}], `seq_time` float32 [N, {L}]"
    baseline_note = ("Baselines get the same encoded tabular features; because they cannot read a sequence, they also "
                     "get bag-of-token counts and recency aggregates of the WHOLE timeline before asOf (per token: "
                     "log1p count, log1p count in the last 7 days, log1p hours since its last occurrence; plus "
                     "event totals and the age of the newest/oldest event) - more history than the deep model's "
                     f"last {fspec['sequence']['max_length']} events." if "sequence" in fspec else
                     "Baselines get the same encoded features (LR: one-hot categoricals + normalised numerics; GBM: "
                     "categorical codes as native categoricals + normalised numerics).")
    return f"""# Model card: {MODEL_NAME} ({ds['name']}{', version ' + fspec['version'] if export else ''})
{banner}
The probability that a lead converts, from the lead's fields{' and its recent activity' if 'sequence' in fspec else ''}.

## Data
- Dataset `{ds['name']}`: {spec_obj.description or '(no description)'}
- Source: `{ds['source']}` (spec `{ds['spec']}`, format `{ds['format']}`). **{'SYNTHETIC' if synthetic else 'Real data, not synthetic'}.**{(' License: ' + spec_obj.license + '.') if spec_obj.license else ''}
- {ds['rows']} labelled rows, {ds['converted']} converted ({ds['converted'] / ds['rows']:.1%}); target `{ds['target']['column']}`
  positive {ds['target']['positive']}{', negative ' + str(ds['target']['negative']) if ds['target']['negative'] else ''}; {ds['unlabelled_rows_skipped']} unlabelled rows skipped.
- Ids (never features): {', '.join(f'`{c}`' for c in ds['id_columns']) or '(none)'}. Text columns accepted but not used: {', '.join(f'`{c}`' for c in ds['text_columns_not_used']) or '(none)'}. Timestamp columns not used as features: {', '.join(f'`{c}`' for c in ds['timestamp_columns_not_used']) or '(none)'}. Columns the spec does not mention (ignored): {', '.join(f'`{c}`' for c in ds['ignored_columns']) or '(none)'}.

### Dropped columns
| column | reason |
|---|---|
{dropped}

## Features (contract in `features.json`, encoder `ml/leadscore/features.py`)
| feature | column | kind | encoding | label |
|---|---|---|---|---|
{chr(10).join(feats)}

Categoricals: `str(v).strip().lower()`, vocabulary index + 1, anything else -> 0 (levels seen >= {cfg['min_count']} times).
Numerics: null -> training median, booleans -> 1/0, `log1p(max(x, 0))` where marked, z-score.
{seq_md}
## Model
Embedding ({cfg['emb_dim']}) per categorical + normalised numerics{f" + their piecewise-linear encoding ({cfg['num_bins']} quantile bins each, constants in the graph)" if cfg['num_bins'] else ''} -> MLP (hidden {list(cfg['hidden'])}, ReLU, dropout {cfg['dropout']}) -> logit -> Platt scaling sigmoid(a * logit + b), baked into the graph.{seq_model}
Training: AdamW (lr {cfg['lr']}, weight decay {cfg['weight_decay']}), {cfg['epochs']} epochs, batch {cfg['batch_size']}, seed {cfg['seed']}, categorical -> unknown with probability {cfg['unknown_dropout']}.
Calibration: {f"cross-fitted: {cfg['crossfit']} nets, net k trained on all rows but stratified fold k; Platt (a, b) fitted on the pooled out-of-fold logits; the model averages the nets' logits" if cfg['crossfit'] else f"{cfg['ensemble']} net(s) trained on {1 - cfg['calibration_fraction']:.0%} of the rows, Platt fitted on the held-out {cfg['calibration_fraction']:.0%}"}.
ONNX opset {cfg['opset']}: inputs {inputs_desc}; output `probability` float32 [N, 1].

## Metrics
Stratified {cfg['folds']}-fold cross-validation (seed {cfg['seed']}), all models on the same folds; the feature spec
(vocabularies, medians, statistics) is refitted on each training part, and the deep model's calibration uses only
the training part. Mean over folds [95% t-interval: mean +- t(0.975, k-1) * sd / sqrt(k)].
{baseline_note} LR: scikit-learn LogisticRegression (L2, C = 1); GBM: HistGradientBoostingClassifier (150 iterations,
learning rate 0.05, 15 leaves, min 20 rows per leaf, native categoricals).

{table}

{chr(10).join(verdict)}

Plots (pooled out-of-fold predictions): `roc.png`, `calibration.png`, `lift.png`.
CV time: {', '.join(f"{k} {v:.0f} s" for k, v in timing.get('cv_seconds', {}).items())}; total run {timing.get('total_seconds', 0):.0f} s on 2 CPU cores (1 torch thread).
{export_md}
### What was tried
{tried}

## Limits
{chr(10).join('- ' + x for x in _limits(ds, fspec, spec_obj))}

## Reproduce
{chr(10).join('    ' + c for c in commands)}
"""


def _limits(ds, fspec, spec_obj):
    out = []
    if ds["synthetic"]:
        out.append("Trained and evaluated on SYNTHETIC data: the simulator's effect sizes are assumptions "
                   "(ml/SIMULATOR.md). Retrain on a customer's own decided leads before trusting absolute "
                   "probabilities.")
    for text in spec_obj.raw.get("limits") or []:
        out.append(text)
    if "sequence" in fspec:
        out.append(f"Only the last {fspec['sequence']['max_length']} activities are read; older history reaches "
                   "the model only through the lead's web fields.")
        out.append("Activity types or details not in the vocabulary share the unknown token; new page types fall "
                   "back to their bare type (e.g. page_view).")
    out.append(f"Rare categorical levels share the unknown bucket with missing values.")
    out.append("`parity.jsonl` pins encoder + model behaviour for the Java serving side.")
    return out


# ----------------------------------------------------------------------------- run
def run(ds, cfg, log=print):
    """CV + report (+ export with cfg['out']). Returns metrics.

    The whole run is held to cfg["threads"] OpenMP/BLAS threads (threadpoolctl; torch gets the same via
    set_num_threads): GBM's OpenMP on a busy 2-core machine can otherwise stall for minutes."""
    with threadpool_limits(limits=cfg["threads"]):
        return _run(ds, cfg, log)


def _run(ds, cfg, log):
    t0 = time.time()
    pos, _ = data.check_class_counts(ds.y, cfg["min_per_class"])
    torch.set_num_threads(cfg["threads"])
    torch.use_deterministic_algorithms(True)
    spec_obj = ds.spec
    report = Path(cfg["report"] or data.REPO_ROOT / "ml" / "reports" / spec_obj.name)
    report.mkdir(parents=True, exist_ok=True)
    log(f"{spec_obj.name}: {len(ds.y)} rows, {pos} converted{' (SYNTHETIC)' if spec_obj.synthetic else ''}; "
        f"{cfg['folds']}-fold CV ...")
    settings = {k: (list(v) if isinstance(v, tuple) else v) for k, v in cfg.items()
                if k in evaluate.DEEP_KEYS + ["min_count", "opset", "folds"]}
    paths = [report / "metrics.json"] + ([Path(cfg["out"]) / "metrics.json"] if cfg["out"] else [])
    if cfg.get("curves_only"):                       # refuse before the long part
        checked = plots.check_committed(paths, len(ds.y), pos, same={"model": settings})
    results, oof, seconds = evaluate.cross_validate_dataset(ds, cfg, log=log)
    table = evaluate.format_table(results)
    log(table)
    curves = plots.curve_points(ds.y, oof, SERVED)
    if cfg.get("curves_only"):
        plots.merge_curves(paths, curves, results, _command(cfg) + " --curves-only", same={"model": settings},
                           log=log, checked=checked)
        return curves
    metrics = {
        "dataset": ds.describe(),
        "results": results,
        "comparison": comparison(results),
        "cv": {"folds": cfg["folds"], "seed": cfg["seed"], "stratified": True,
               "interval": "95% t-interval over folds: mean +- t(0.975, k-1) * sd(ddof=1) / sqrt(k)",
               "same_folds_for_all_models": True},
        "model": settings,
        "baselines": {"logistic_regression": "LogisticRegression(C=1, max_iter=5000) on one-hot categoricals + "
                                             "normalised numerics (+ standardised sequence aggregates)",
                      "gradient_boosting": "HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, "
                                           "max_leaf_nodes=15, min_samples_leaf=20), native categoricals",
                      "sequence_aggregates": "per token: log1p count, log1p count in 7 days, log1p hours since "
                                             "last; totals; whole timeline before asOf" if spec_obj.sequence else None},
        "timing": {"cv_seconds": {k: round(sum(v), 1) for k, v in seconds.items()}},
    }
    fspec = features.build_spec(ds.records, cfg["min_count"], trained_on=spec_obj.name, version=cfg["version"],
                                name=MODEL_NAME, **spec_obj.feature_spec_kwargs())
    if cfg["out"]:
        t1 = time.time()
        out = Path(cfg["out"])
        out.mkdir(parents=True, exist_ok=True)
        inputs = features.encode_inputs(fspec, ds.records)
        exported, info = evaluate.fit_deep(fspec, inputs, ds.y, cfg, with_sequence=True)
        model.export_model(exported, fspec, out / "model.onnx", cfg["opset"])
        graph_proto = onnx.load(str(out / "model.onnx"))
        onnx.checker.check_model(graph_proto)
        (out / "features.json").write_text(json.dumps(fspec, indent=2) + "\n")
        p_inputs = parity_inputs(ds.records, fspec, cfg["parity_real_rows"], cfg["seed"])
        p_encoded = features.encode_inputs(fspec, p_inputs)
        probs = write_parity(out / "parity.jsonl", exported, p_inputs, p_encoded)
        graph = onnx_numpy.run(graph_proto, *p_encoded)[features.OUTPUT]
        max_diff = float(np.max(np.abs(graph.reshape(-1) - probs)))
        if not max_diff <= 1e-5:
            raise RuntimeError(f"exported ONNX graph disagrees with torch: max |diff| {max_diff:g}")
        reference.write(out, reference.build(fspec, *inputs[:2], model.probabilities(exported, inputs),
                                             trained_on=spec_obj.name, synthetic=spec_obj.synthetic))
        metrics["final_model"] = info
        metrics["export"] = {"dir": dataset_spec.display_path(out), "version": cfg["version"],
                             "onnx_bytes": (out / "model.onnx").stat().st_size, "parity_lines": len(p_inputs),
                             "max_abs_diff": max_diff}
        metrics["timing"]["final_fit_and_export_seconds"] = round(time.time() - t1, 1)
        log(f"exported {out}: model.onnx, features.json, reference.json, parity.jsonl ({len(p_inputs)} lines, onnx-vs-torch max "
            f"|diff| {max_diff:.2e})")
    metrics["timing"]["total_seconds"] = round(time.time() - t0, 1)
    metrics["curves"] = curves
    plots.write_all(report, ds.y, oof, spec_obj.name, spec_obj.synthetic)
    commands = [_command(cfg)]
    card = card_markdown(spec_obj, fspec, metrics, cfg, commands)
    for folder in [report] + ([Path(cfg["out"])] if cfg["out"] else []):
        (folder / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
        (folder / "card.md").write_text(card)
    log(f"wrote {report}: metrics.json, card.md, roc.png, calibration.png, lift.png "
        f"({metrics['timing']['total_seconds']:.0f} s in all)")
    return metrics


def _command(cfg):
    parts = ["/usr/bin/python3 ml/leadscore/train.py", f"--spec {dataset_spec.display_path(cfg['spec'])}"]
    if cfg.get("export"):
        parts.append(f"--export {cfg['export']}")
    if cfg.get("report"):
        parts.append(f"--report {dataset_spec.display_path(cfg['report'])}")
    if cfg.get("out"):
        parts.append(f"--out {dataset_spec.display_path(cfg['out'])}")
    return " ".join(parts)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        ns, _ = parser().parse_known_args(argv)
        spec = dataset_spec.load_spec(ns.spec)
        cfg = config(argv, spec)
        ds = dataset_spec.load_dataset(spec, cfg["datasets"], cfg["export"])
        run(ds, cfg)
    except (FileNotFoundError, data.InsufficientDataError, dataset_spec.SpecError, plots.NotTheSameRun) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    return 0
