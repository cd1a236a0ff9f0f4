"""Reply prediction before send: build the data, cross-validate, report, export a version. The one command:

    /usr/bin/python3 ml/replyscore/train.py --seed_world 7 --leads 5000 \\
        --report ml/reports/reply-score --out ml/models/reply-score/v1

Steps: the SYNTHETIC world of ml/simulator (cached under --work, default .closer/reply) -> one row per email sent
(dataset.build_rows) -> every email's "{subject}\\n\\n{body}" embedded by the serving encoder (deploy/local/embed.sh,
BGE-small; cached) -> stratified 5-fold CV grouped by lead (every email of a lead in one fold), the same folds for:
  mlp                          text vector + context (the model that is exported)
  mlp_no_text                  context and the derived text features only
  logistic_regression          the mlp's inputs (one-hot categoricals, z-scored numerics, the 384 text dims)
  logistic_regression_no_text  without the text vector
with the feature spec refitted on each training part -> how close each model's p comes to the simulator's true
synthetic_p_reply -> the sensitivity check (held-out rows scored with edited drafts, variants.py) -> metrics.json,
card.md, roc.png, calibration.png, lift.png into --report -> with --out: the mlp fitted on all rows, model.onnx,
features.json, parity.jsonl (probabilities from the exported graph run by leadscore/onnx_numpy.py), metrics.json,
card.md. With --curves-only: the CV alone, its curve points added to the metrics.json files already there
(curves_only).
"""
import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import onnx
import torch
from scipy import stats
from sklearn.model_selection import StratifiedGroupKFold
from threadpoolctl import threadpool_limits

from leadscore import dataset_spec, evaluate, features, onnx_numpy, plots
from leadscore.data import REPO_ROOT
from replyscore import contract, dataset, derived, model, variants

DEFAULTS = {
    "seed_world": 7,            # simulator seed
    "leads": 5000,              # simulator leads (about 4 emails each)
    "censor_days": 7.0,         # emails sent in the world's last days are dropped (replies could be cut off)
    "folds": 5,
    "seed": 1337,
    "min_count": features.MIN_COUNT,
    "emb_dim": 4,
    "text_hidden": 8,           # width of the text vector's projection (a narrow bottleneck: 384 dims, ~1k replies)
    "hidden": (64,),
    "dropout": 0.2,
    "num_bins": 8,
    "unknown_dropout": 0.05,
    "epochs": 10,
    "batch_size": 256,
    "lr": 2e-3,
    "weight_decay": 1e-3,
    "crossfit": 5,
    "opset": 17,
    "threads": 1,
    "sensitivity_rows": 1500,   # held-out rows scored with edited drafts
    "parity_real_rows": 14,
    "work": ".closer/reply",
    "version": None,
}
TYPES = {"hidden": "ints"}
NET_KEYS = ["emb_dim", "text_hidden", "hidden", "dropout", "num_bins", "unknown_dropout", "epochs", "batch_size",
            "lr", "weight_decay"]
MODELS = ["mlp", "mlp_no_text", "logistic_regression", "logistic_regression_no_text"]
SERVED = "mlp"                  # the model exported; the others are its baselines
DATASET = "sales-world-emails"


# ----------------------------------------------------------------------------- config
def parser():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--report", default=None, help="report dir (default ml/reports/reply-score)")
    ap.add_argument("--out", default=None, help="export the model fitted on all rows here (ml/models/reply-score/v1)")
    ap.add_argument("--curves-only", dest="curves_only", action="store_true",
                    help="add `curves` to the metrics.json already in --report (and --out) from the same seeded CV "
                         "run again: no sensitivity check, no export, no plots or card; every other key unchanged")
    for name, value in DEFAULTS.items():
        shown = ",".join(map(str, value)) if isinstance(value, tuple) else value
        ap.add_argument(f"--{name}", default=None, help=f"default {shown}")
    return ap


def config(argv):
    args = vars(parser().parse_args(argv))
    cfg = dict(DEFAULTS)
    for name, default in DEFAULTS.items():
        v = args[name]
        if v is None:
            continue
        if TYPES.get(name) == "ints":
            cfg[name] = tuple(int(h) for h in str(v).split(",") if h.strip())
        else:
            cfg[name] = type(default)(v) if default is not None else v
    cfg["report"], cfg["out"] = args["report"], args["out"]
    # the command, recorded in curves.reproduced
    cfg["curves_only"] = ("/usr/bin/python3 ml/replyscore/train.py " + " ".join(argv)) if args["curves_only"] else None
    if cfg["version"] is None:
        cfg["version"] = Path(cfg["out"]).name if cfg["out"] else "dev"
    return cfg


def net_kwargs(cfg):
    return {k: cfg[k] for k in NET_KEYS}


# ----------------------------------------------------------------------------- CV
def _fit_predict(name, tr_in, y_tr, te_inputs, cards, cfg):
    """Fit one model on encoded training inputs; probabilities for each list of encoded inputs in te_inputs."""
    if name.startswith("mlp"):
        m, _ = model.fit_calibrated(tr_in, y_tr, cards, crossfit=cfg["crossfit"], seed=cfg["seed"],
                                    use_text=name == "mlp", **net_kwargs(cfg))
        return [model.probabilities(m, x).astype(np.float64) for x in te_inputs]
    lr = model.LogisticBaseline(tr_in, y_tr, use_text=name == "logistic_regression", seed=cfg["seed"])
    return [lr.predict(x) for x in te_inputs]


def folds_of(rows, cfg):
    y = np.array([r["label"] for r in rows])
    groups = np.array([r["leadId"] for r in rows])
    cv = StratifiedGroupKFold(n_splits=cfg["folds"], shuffle=True, random_state=cfg["seed"])
    return list(cv.split(np.zeros(len(y)), y, groups))


def cross_validate(rows, text, sens, cfg, log=print):
    """CV of MODELS on the same lead-grouped folds. sens: {"index": row indices, "variants": {name: (mask over
    index, edited records, their text vectors)}}, or None (no sensitivity predictions: the folds' models and their
    out-of-fold predictions are the same). Returns (results, oof, seconds, sensitivity predictions
    {model: {"original": p over index, variant: p over index (nan where it does not apply)}})."""
    sens = sens or {"index": np.zeros(0, dtype=int), "variants": {}}
    y = np.array([r["label"] for r in rows])
    records = [r["record"] for r in rows]
    per_fold = {n: [] for n in MODELS}
    oof = {n: np.zeros(len(y)) for n in MODELS}
    seconds = {n: [] for n in MODELS}
    sidx = np.asarray(sens["index"])
    has_sens = len(sidx) > 0
    spred = {n: {"original": np.full(len(sidx), np.nan), **{v: np.full(len(sidx), np.nan) for v in sens["variants"]}}
             for n in MODELS}
    for k, (tr, te) in enumerate(folds_of(rows, cfg)):
        spec = contract.build_spec([records[i] for i in tr], cfg["min_count"])
        cards = features.cardinalities(spec)
        enc = lambda recs, vecs: list(contract.encode(spec, recs)) + [vecs]  # noqa: E731
        tr_in = enc([records[i] for i in tr], text[tr])
        te_in = enc([records[i] for i in te], text[te])
        in_te = np.isin(sidx, te)
        s_in = {}
        if has_sens:                            # no sampled rows: no sensitivity inputs, not even for the variants
            s_in["original"] = enc([records[i] for i in sidx[in_te]], text[sidx[in_te]])
            for v, (mask, recs, vecs) in sens["variants"].items():
                m = in_te & mask
                s_in[v] = (m, enc([recs[j] for j in np.flatnonzero(m)], vecs[m]))
        for name in MODELS:
            t0 = time.time()
            batches = [te_in] + ([s_in["original"]] + [s_in[v][1] for v in sens["variants"]] if has_sens else [])
            preds = _fit_predict(name, tr_in, y[tr], batches, cards, cfg)
            seconds[name].append(time.time() - t0)
            oof[name][te] = preds[0]
            per_fold[name].append(evaluate.score(y[te], preds[0]))
            if has_sens:
                spred[name]["original"][in_te] = preds[1]
                for v, p in zip(sens["variants"], preds[2:]):
                    spred[name][v][s_in[v][0]] = p
        log(f"fold {k + 1}/{cfg['folds']}: roc_auc " + ", ".join(f"{n} {per_fold[n][-1]['roc_auc']:.4f}"
                                                                for n in MODELS))
    return {n: evaluate.summarise(v) for n, v in per_fold.items()}, oof, seconds, spred


# ----------------------------------------------------------------------------- sensitivity
def sensitivity_inputs(rows, text, cfg, embed):
    """Sampled rows and their edited drafts (variants.VARIANTS) with the edited texts embedded (text: the rows'
    vectors, kept where an edit leaves the text as it was). No variants when no rows are sampled (--sensitivity_rows 0):
    the check is skipped (metrics.json `sensitivity` {})."""
    rng = np.random.default_rng(cfg["seed"])
    index = np.sort(rng.choice(len(rows), size=min(cfg["sensitivity_rows"], len(rows)), replace=False))
    if not len(index):
        return {"index": index, "variants": {}}
    out = {}
    for v in variants.VARIANTS:
        mask = np.array([variants.applies(v, rows[i]["record"]) for i in index])
        recs = [variants.apply(v, rows[i]["record"]) if ok else rows[i]["record"] for i, ok in zip(index, mask)]
        out[v] = [mask, recs]
    text_changed = [v for v in out if v in variants.TEXT_EDITS]
    ids, texts = [], []
    for v in text_changed:
        mask, recs = out[v]
        for i, r, ok in zip(index, recs, mask):
            if ok:
                ids.append(f"{rows[i]['emailId']}|{v}")
                texts.append(derived.text_of(r))
    vecs = embed(ids, texts, f"variants-s{cfg['seed_world']}-{cfg['leads']}-n{len(index)}") if ids else None
    pos = {i: j for j, i in enumerate(ids)}
    return {"index": index, "variants": {v: (mask, recs, _variant_text(rows, text, index, v, mask, vecs, pos))
                                         for v, (mask, recs) in out.items()}}


def _variant_text(rows, text, index, v, mask, vecs, pos):
    """Per sampled row: the edited text's vector where the edit changed the text, else the row's own."""
    out = np.array(text[index], dtype=np.float32)
    for j, (i, ok) in enumerate(zip(index, mask)):
        if ok and v in variants.TEXT_EDITS:
            out[j] = vecs[pos[f"{rows[i]['emailId']}|{v}"]]
    return out


def sensitivity_report(rows, sens, spred):
    """Per variant: rows, mean model change in p per model, the simulator's mean true change, and per model the
    correlation of its per-row change with the true one."""
    index = np.asarray(sens["index"])
    out = {}
    for v, (mask, recs, _) in sens["variants"].items():
        true = np.array([variants.true_change(rows[i]["record"], recs[j], rows[i]["truth"]["p_reply"],
                                              bool(rows[i]["truth"]["personalised"]))
                         for j, i in enumerate(index) if mask[j]])
        entry = {"description": variants.VARIANTS[v], "rows": int(mask.sum()),
                 "true_mean_change": float(true.mean()) if len(true) else None, "models": {}}
        for name in MODELS:
            d = (spred[name][v] - spred[name]["original"])[mask]
            corr = float(stats.pearsonr(d, true)[0]) if len(d) > 2 and d.std() > 0 and true.std() > 0 else None
            entry["models"][name] = {"mean_change": float(d.mean()) if len(d) else None,
                                     "ci95": _mean_ci(d), "corr_with_true_change": corr,
                                     "same_sign_as_true": float(np.mean(np.sign(d) == np.sign(true))) if len(d) else None}
        out[v] = entry
    return out


def _mean_ci(d):
    """evaluate.t_interval's interval; [nan, nan] for fewer than 2 rows."""
    return evaluate.t_interval(d)[1] if len(d) >= 2 else [float("nan"), float("nan")]


# ----------------------------------------------------------------------------- truth
def truth_report(rows, y, oof):
    """How close each model's out-of-fold p is to the simulator's true p (synthetic_p_reply), and the metrics of the
    true p itself and of the observable oracle (variants.oracle_p) as ceilings."""
    p_true = np.array([r["truth"]["p_reply"] for r in rows], dtype=np.float64)
    oracle = np.array([variants.oracle_p(r["record"], r["truth"]) for r in rows])
    out = {"reference": {"true_p": evaluate.score(y, p_true), "oracle_observable": evaluate.score(y, oracle),
                         "oracle_vs_true_p": _closeness(oracle, p_true),
                         "mean_true_p": float(p_true.mean()), "reply_rate": float(y.mean())},
           "models": {n: _closeness(p, p_true) for n, p in oof.items()}}
    for n, p in oof.items():
        out["models"][n]["pearson_with_oracle"] = float(stats.pearsonr(p, oracle)[0])
    return out


def _closeness(p, p_true):
    return {"pearson": float(stats.pearsonr(p, p_true)[0]), "spearman": float(stats.spearmanr(p, p_true)[0]),
            "mean_abs_diff": float(np.mean(np.abs(p - p_true))), "mean_sq_diff": float(np.mean((p - p_true) ** 2))}


# ----------------------------------------------------------------------------- parity
def parity_records(rows, cfg):
    """Raw records for parity.jsonl: real rows (both labels, with and without the company named) and edge cases."""
    rng = np.random.default_rng(cfg["seed"])
    pos = [i for i, r in enumerate(rows) if r["label"]]
    neg = [i for i, r in enumerate(rows) if not r["label"]]
    n = cfg["parity_real_rows"]
    pick = sorted(rng.choice(pos, size=min(n // 2, len(pos)), replace=False).tolist() +
                  rng.choice(neg, size=min(n - n // 2, len(neg)), replace=False).tolist())
    real = [dict(rows[i]["record"]) for i in pick]
    base = dict(real[0])
    edge = [
        {"subject": base["subject"], "body": base["body"], "sentAt": base["sentAt"]},        # no context at all
        {**base, "subject": None, "body": None},                                               # empty draft
        {**base, "recipientTimezone": "Mars/Olympus_Mons", "seniority": "  VP ", "source": "REFERRAL"},
        {**base, "recipientTimezone": None, "sequenceStep": 9, "industry": "Space Mining"},
        {**base, "sentAt": "2026-03-29T01:30:00.250+02:00", "recipientTimezone": "Europe/Berlin"},  # DST night
        {**base, "subject": "RE: Fwd:  re:Quick question", "accountName": "Acme Corp.",
         "body": "Hi Sam,\n\nI saw ACME is hiring?\nMore at www.example.com/x\n\nCheers"},
        {**base, "accountName": "Hart & Cole, Inc.", "body": "Hello,\n\nhart & cole are hiring?? Really???\n\nBest"},
        {**base, "priorEmailsSent": 10000, "priorOpens": -3, "priorClicks": None, "webSessions3d": True,
         "employees": 0, "employeeBand": None},
    ]
    return real + edge


def write_parity(path, exported_path, records, inputs):
    """parity.jsonl: {"input": raw record, "derived": derived features, "text": vector, "probability"} with the
    probability of the exported graph (onnx_numpy). inputs: [cat, num, text] encoded from records. Returns the
    probabilities [N]."""
    cat, num, vecs = inputs
    probs = onnx_numpy.run(str(exported_path), cat, num, vecs)[features.OUTPUT].reshape(-1)
    with open(path, "w") as fh:
        for r, v, p in zip(records, vecs, probs):
            fh.write(json.dumps({"input": r, "derived": derived.derive(r), "text": [float(x) for x in v],
                                 "probability": float(p)}) + "\n")
    return probs


def export_version(rows, text, cfg, embed, log=print):
    """Fit the mlp on all rows, write model.onnx, features.json, parity.jsonl to cfg["out"]; check the graph."""
    out = Path(cfg["out"])
    out.mkdir(parents=True, exist_ok=True)
    records = [r["record"] for r in rows]
    y = np.array([r["label"] for r in rows])
    spec = contract.build_spec(records, cfg["min_count"], trained_on=DATASET, version=cfg["version"])
    inputs = list(contract.encode(spec, records)) + [text]
    m, info = model.fit_calibrated(inputs, y, features.cardinalities(spec), crossfit=cfg["crossfit"],
                                   seed=cfg["seed"], use_text=True, **net_kwargs(cfg))
    model.export(m, len(spec["categorical"]), len(spec["numeric"]), contract.TEXT_DIM, out / "model.onnx",
                 cfg["opset"])
    onnx.checker.check_model(onnx.load(str(out / "model.onnx")))
    (out / "features.json").write_text(json.dumps(spec, indent=2) + "\n")
    p_records = parity_records(rows, cfg)
    p_vecs = embed([f"parity-{i}" for i in range(len(p_records))], [derived.text_of(r) for r in p_records],
                   f"parity-s{cfg['seed_world']}-{cfg['leads']}")
    p_inputs = list(contract.encode(spec, p_records)) + [np.asarray(p_vecs, dtype=np.float32)]
    graph = write_parity(out / "parity.jsonl", out / "model.onnx", p_records, p_inputs)
    max_diff = float(np.max(np.abs(graph - model.probabilities(m, p_inputs))))
    # a sample of the training set through the graph too (a larger self-check than parity.jsonl), before the check
    sample = np.arange(0, len(rows), max(1, len(rows) // 500))
    g_all = onnx_numpy.run(str(out / "model.onnx"), *[x[sample] for x in inputs])[features.OUTPUT].reshape(-1)
    max_diff = max(max_diff, float(np.max(np.abs(g_all - model.probabilities(m, [x[sample] for x in inputs])))))
    if not max_diff <= 1e-5:
        raise RuntimeError(f"exported graph disagrees with torch: max |diff| {max_diff:g}")
    log(f"exported {out}: model.onnx, features.json, parity.jsonl ({len(p_records)} lines); graph vs torch max "
        f"|diff| {max_diff:.2e}")
    return spec, info, {"dir": dataset_spec.display_path(out), "version": cfg["version"],
                        "onnx_bytes": (out / "model.onnx").stat().st_size,
                        "parity_lines": len(p_records), "max_abs_diff": max_diff, "output_shape": "[N, 1]"}


# ----------------------------------------------------------------------------- run
def comparison(results):
    pairs = {"mlp_vs_logistic_regression": ("mlp", "logistic_regression"), "mlp_vs_mlp_no_text": ("mlp", "mlp_no_text"),
             "logistic_regression_vs_no_text": ("logistic_regression", "logistic_regression_no_text")}
    return {k: evaluate.paired_roc_auc(results, a, b) for k, (a, b) in pairs.items()}


def model_settings(cfg):
    """metrics.json `model`: the settings the cross-validation and the fit read."""
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in cfg.items()
            if k in NET_KEYS + ["crossfit", "min_count", "opset", "seed", "threads"]}


def curves_only(rows, text, cfg, log=print):
    """--curves-only: the seeded CV again (without the sensitivity edits, which do not change its models), its curve
    points added to the metrics.json already in report (and out) by plots.merge_curves, which checks the recomputed
    per-fold figures against the committed ones; nothing else is written."""
    y = np.array([r["label"] for r in rows])
    report = Path(cfg["report"] or REPO_ROOT / "ml" / "reports" / "reply-score")
    paths = [report / "metrics.json"] + ([Path(cfg["out"]) / "metrics.json"] if cfg["out"] else [])
    same = {"model": model_settings(cfg), "cv": {"folds": cfg["folds"], "seed": cfg["seed"]}}
    checked = plots.check_committed(paths, int(len(y)), int(y.sum()), same)      # refuse before the CV
    results, oof, _, _ = cross_validate(rows, text, None, cfg, log)
    log(evaluate.format_table(results))
    curves = plots.curve_points(y, oof, SERVED, outcome="reply")
    plots.merge_curves(paths, curves, results, cfg["curves_only"], same=same, log=log, checked=checked)
    return curves


def run(rows, text, cfg, embed, world=None, log=print):
    """CV + truth + sensitivity + report (+ export). rows: dataset.build_rows; text: float32 [N, 384] aligned with
    rows; embed(ids, texts, cache name) -> vectors (the serving encoder; tests pass a stand-in)."""
    with threadpool_limits(limits=cfg["threads"]):
        torch.set_num_threads(cfg["threads"])
        torch.use_deterministic_algorithms(True)
        if cfg.get("curves_only"):
            return curves_only(rows, text, cfg, log)
        return _run(rows, text, cfg, embed, world or {}, log)


def _run(rows, text, cfg, embed, world, log):
    t0 = time.time()
    y = np.array([r["label"] for r in rows])
    desc = dataset.describe(rows)
    log(f"{DATASET}: {desc['rows']} emails to {desc['leads']} leads, {desc['positives']} human replies "
        f"({desc['reply_rate']:.2%}) (SYNTHETIC); {cfg['folds']}-fold CV grouped by lead ...")
    ts = time.time()
    sens = sensitivity_inputs(rows, text, cfg, embed)
    sens_embed_seconds = time.time() - ts
    results, oof, seconds, spred = cross_validate(rows, text, sens, cfg, log)
    log(evaluate.format_table(results))
    truth = truth_report(rows, y, oof)
    sensitivity = sensitivity_report(rows, sens, spred)
    log(truth_table(truth))
    log(sensitivity_table(sensitivity))
    report = Path(cfg["report"] or REPO_ROOT / "ml" / "reports" / "reply-score")
    report.mkdir(parents=True, exist_ok=True)
    metrics = {
        "dataset": {"name": DATASET, **desc, "synthetic": True,
                    "source": f"ml/simulator world --seed {cfg['seed_world']} --leads {cfg['leads']} (demo profile)",
                    "label": "a closer.email.replied with the email's id whose synthetic_intent is not out_of_office "
                             "(synthetic_intent used for the label only)",
                    "censor_days": cfg["censor_days"], **{k: v for k, v in world.items() if k != "timing"}},
        "results": results,
        "comparison": comparison(results),
        "truth": truth,
        "sensitivity": sensitivity,
        "cv": {"folds": cfg["folds"], "seed": cfg["seed"], "stratified": True, "grouped_by": "leadId",
               "interval": "95% t-interval over folds: mean +- t(0.975, k-1) * sd(ddof=1) / sqrt(k)",
               "same_folds_for_all_models": True},
        "model": model_settings(cfg),
        "baselines": {"logistic_regression": "LogisticRegression(C=1, max_iter=5000) on one-hot categoricals + "
                                             "z-scored numerics (clipped to +-10) + the 384 text dimensions",
                      "logistic_regression_no_text": "the same without the text dimensions",
                      "mlp_no_text": "the mlp without its text input"},
        "timing": {"cv_seconds": {k: round(sum(v), 1) for k, v in seconds.items()},
                   "sensitivity_embedding_seconds": round(sens_embed_seconds, 1), **world.get("timing", {})},
    }
    if cfg["out"]:
        t1 = time.time()
        fspec, info, export = export_version(rows, text, cfg, embed, log)
        metrics["final_model"] = info
        metrics["export"] = export
        metrics["timing"]["final_fit_and_export_seconds"] = round(time.time() - t1, 1)
    else:
        fspec = contract.build_spec([r["record"] for r in rows], cfg["min_count"], trained_on=DATASET,
                                    version=cfg["version"])
    metrics["timing"]["pipeline_seconds"] = round(time.time() - t0, 1)
    metrics["curves"] = plots.curve_points(y, oof, SERVED, outcome="reply")   # the plots' points
    plots.write_all(report, y, oof, DATASET, synthetic=True, outcome="reply")
    from replyscore import card
    text_md = card.markdown(metrics, fspec, cfg)
    for folder in [report] + ([Path(cfg["out"])] if cfg["out"] else []):
        (folder / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
        (folder / "card.md").write_text(text_md)
    log(f"wrote {report}: metrics.json, card.md, roc.png, calibration.png, lift.png "
        f"({metrics['timing']['pipeline_seconds']:.0f} s after the data)")
    return metrics


def truth_table(truth):
    ref = truth["reference"]
    lines = ["| p | ROC-AUC | Brier | Pearson r with true p | mean abs diff to true p |", "|---|---|---|---|---|",
             f"| simulator's true p (ceiling, knows the per-lead noise) | {ref['true_p']['roc_auc']:.4f} | "
             f"{ref['true_p']['brier']:.4f} | 1 | 0 |",
             f"| observable oracle (formula + fit, noise averaged) | {ref['oracle_observable']['roc_auc']:.4f} | "
             f"{ref['oracle_observable']['brier']:.4f} | {ref['oracle_vs_true_p']['pearson']:.4f} | "
             f"{ref['oracle_vs_true_p']['mean_abs_diff']:.4f} |"]
    for n, c in truth["models"].items():
        lines.append(f"| {n} (out of fold) | | | {c['pearson']:.4f} | {c['mean_abs_diff']:.4f} |")
    return "\n".join(lines)


def sensitivity_table(sensitivity):
    names = MODELS
    lines = ["| edit | rows | simulator (true) | " + " | ".join(names) + " |",
             "|---|---|---|" + "---|" * len(names)]
    for v, e in sensitivity.items():
        cells = []
        for n in names:
            m = e["models"][n]
            corr = m["corr_with_true_change"]
            cells.append(f"{m['mean_change']:+.4f} (r {corr:.2f})" if corr is not None else f"{m['mean_change']:+.4f}")
        lines.append(f"| {v} | {e['rows']} | {e['true_mean_change']:+.4f} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    cfg = config(argv)
    t0 = time.time()
    work = Path(cfg["work"])
    work = work if work.is_absolute() else REPO_ROOT / work
    path, wcfg = dataset.ensure_world(work, cfg["seed_world"], cfg["leads"])
    tw = time.time()
    sent = [0]

    def counted(events):                    # the emails sent, counted while build_rows streams the world
        for e in events:
            sent[0] += e["type"] == "closer.email.sent"
            yield e

    rows = dataset.build_rows(counted(dataset.read_events(path)), end=dataset.world_end(wcfg),
                              censor_days=cfg["censor_days"])
    emails_sent = sent[0]
    rows_seconds = time.time() - tw
    embeds = {}

    def embed(i, t, name):
        x, meta = dataset.embed_texts(i, t, work, name)
        embeds[name] = meta
        return x

    # only the kept rows (the censored last days' emails are never used); text_of(record) is the sent email's text
    text = embed([r["emailId"] for r in rows], [derived.text_of(r["record"]) for r in rows],
                 f"rows-s{cfg['seed_world']}-{cfg['leads']}").astype(np.float32)
    world = {"world_file": dataset_spec.display_path(path), "emails_sent": emails_sent,
             "timing": {"rows_seconds": round(rows_seconds, 1), "embedding": embeds}}
    try:
        metrics = run(rows, text, cfg, embed, world)
    except plots.NotTheSameRun as e:                 # a refused --curves-only: a message, not a traceback
        print(f"error: {e}", file=sys.stderr)
        return 2
    total = time.time() - t0
    log_total = f"total wall time {total:.0f} s (embeddings: " + ", ".join(
        f"{k} {v.get('seconds')} s{' cached' if v.get('cached') else ''}" for k, v in embeds.items()) + ")"
    print(log_total)
    return 0 if metrics else 1
