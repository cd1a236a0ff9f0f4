"""Report plots from pooled out-of-fold predictions: roc.png, calibration.png, lift.png (matplotlib, Agg), and
curve_points(): the same curves as numbers for metrics.json's `curves` (the app's Models page draws them)."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.metrics import roc_auc_score, roc_curve  # noqa: E402

from leadscore import evaluate  # noqa: E402

STYLE = {"deep": ("C0", "-"), "deep_no_sequence": ("C1", "--"), "logistic_regression": ("C2", "-."),
         "gradient_boosting": ("C3", ":"), "mlp": ("C0", "-"), "mlp_no_text": ("C1", "--"),
         "logistic_regression_no_text": ("C4", ":")}

ROC_MAX_POINTS = 100          # curve_points(): the ROC curve thinned to at most this many points
CALIBRATION_MIN_ROWS = 5      # calibration() draws only bins with at least this many rows


def _style(name, i):
    return STYLE.get(name, (f"C{i + 4}", "-"))


def _finish(fig, ax, path, xlabel, ylabel, title, synthetic, legend_loc="best"):
    """Axis labels, title (flagged when the data are SYNTHETIC), legend; save to path and close."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title + ("\nSYNTHETIC data" if synthetic else ""), fontsize=10)
    ax.legend(loc=legend_loc, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def roc(path, y, oof, dataset, synthetic=False):
    fig, ax = plt.subplots(figsize=(5.5, 5))
    for i, (name, p) in enumerate(oof.items()):
        fpr, tpr, _ = roc_curve(y, p)
        color, ls = _style(name, i)
        ax.plot(fpr, tpr, color=color, ls=ls, label=f"{name} (AUC {roc_auc_score(y, p):.3f})")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, label="chance")
    _finish(fig, ax, path, "false positive rate", "true positive rate",
            f"ROC, pooled out-of-fold predictions: {dataset}", synthetic, "lower right")


def calibration(path, y, oof, dataset, synthetic=False, bins=10, outcome="conversion"):
    """Reliability diagram: mean predicted vs observed rate in equal-width bins (evaluate.calibration_bins, the
    bins of the ECE; bins with >= 5 rows)."""
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, label="perfect calibration")
    for i, (name, p) in enumerate(oof.items()):
        kept = [(m, r) for n, m, r in evaluate.calibration_bins(y, p, bins) if n >= CALIBRATION_MIN_ROWS]
        xs, ys = [m for m, _ in kept], [r for _, r in kept]
        color, ls = _style(name, i)
        ax.plot(xs, ys, color=color, ls=ls, marker="o", ms=3, label=name)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    _finish(fig, ax, path, "mean predicted probability", f"observed {outcome} rate",
            f"Calibration ({bins} bins), out-of-fold: {dataset}", synthetic, "upper left")


def lift(path, y, oof, dataset, synthetic=False, deciles=10, outcome="conversion"):
    """Lift per score decile (evaluate.decile_lifts: the outcome's rate in the decile / overall), best-scored decile
    first."""
    fig, ax = plt.subplots(figsize=(6, 4.5))
    width = 0.8 / max(1, len(oof))
    for i, (name, p) in enumerate(oof.items()):
        lifts = evaluate.decile_lifts(y, p, deciles)
        color, _ = _style(name, i)
        ax.bar(np.arange(1, deciles + 1) + (i - (len(oof) - 1) / 2) * width, lifts, width=width, color=color,
               label=name)
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.set_xticks(range(1, deciles + 1))
    _finish(fig, ax, path, "score decile (1 = highest scores)", f"lift (decile {outcome} rate / overall)",
            f"Lift by decile, out-of-fold: {dataset}", synthetic)


def _thin(n, at_most):
    """Indices of at most `at_most` of n points, evenly spaced by position, first and last always kept."""
    if n <= at_most:
        return np.arange(n)
    return np.unique(np.round(np.linspace(0, n - 1, at_most)).astype(int))


def curve_points(y, oof, served, outcome="conversion", bins=10, deciles=10, roc_max_points=ROC_MAX_POINTS):
    """The numbers roc(), calibration() and lift() draw, per model compared (oof {model: pooled out-of-fold
    probabilities}), for metrics.json's `curves`:

    roc          {model: {"auc", "fpr", "tpr", "points"}}: sklearn's roc_curve (its default drop_intermediate),
                 thinned to at most roc_max_points points evenly spaced along the curve (first and last kept;
                 `points` = how many the full curve has); auc = roc_auc_score on the pooled predictions (the
                 plot's legend; not the mean of the per-fold figures in `results`).
    calibration  {model: {"mean_predicted", "observed", "n"}}: evaluate.calibration_bins, the bins with
                 >= CALIBRATION_MIN_ROWS rows (the ones the plot keeps).
    lift         {model: [lift per decile, best-scored first]}: evaluate.decile_lifts (null for an empty decile:
                 fewer rows than deciles).
    served: the model exported (emphasised by the page); outcome: what y counts (axis labels)."""
    if served not in oof:
        raise ValueError(f"served model {served!r} is not among the compared {list(oof)}")
    roc_out, cal_out, lift_out = {}, {}, {}
    for name, p in oof.items():
        fpr, tpr, _ = roc_curve(y, p)
        keep = _thin(len(fpr), roc_max_points)
        roc_out[name] = {"auc": float(roc_auc_score(y, p)), "fpr": [float(v) for v in fpr[keep]],
                         "tpr": [float(v) for v in tpr[keep]], "points": int(len(fpr))}
        kept = [b for b in evaluate.calibration_bins(y, p, bins) if b[0] >= CALIBRATION_MIN_ROWS]
        cal_out[name] = {"mean_predicted": [m for _, m, _ in kept], "observed": [r for _, _, r in kept],
                         "n": [n for n, _, _ in kept]}
        lift_out[name] = [v if np.isfinite(v) else None for v in evaluate.decile_lifts(y, p, deciles)]
    return {"source": "pooled out-of-fold predictions of the cross-validation (what roc.png, calibration.png and "
                      "lift.png draw)",
            "served": served, "models": list(oof), "outcome": outcome, "rows": int(len(y)),
            "positives": int(np.asarray(y).sum()),
            "settings": {"roc_max_points": roc_max_points, "calibration_bins": bins,
                         "calibration_min_rows": CALIBRATION_MIN_ROWS, "lift_deciles": deciles},
            "roc": roc_out, "calibration": cal_out, "lift": lift_out}


class NotTheSameRun(Exception):
    """--curves-only: the committed metrics.json was made with other settings or data than this run."""


def check_committed(paths, rows, positives, same=None):
    """Before --curves-only runs the cross-validation again: each committed metrics.json must be about the same data
    (rows, positives) and hold the same settings. same: {key: {setting: value}} of this run (e.g. "model"): each of
    this run's settings must equal the committed one. Returns, per path, the parsed committed metrics.json and the
    committed settings this code no longer has ({key: {setting: value}}; a removed option, for the record):
    {path: (committed, unknown)}, for merge_curves (each file read once). Raises NotTheSameRun."""
    import json
    out = {}
    for path in paths:
        committed = json.loads(path.read_text())
        ds = committed.get("dataset", {})
        known = ds.get("converted", ds.get("positives"))
        if (ds.get("rows"), known) != (rows, positives):
            raise NotTheSameRun(f"{path}: {ds.get('rows')} rows ({known} positive) committed, {rows} ({positives}) "
                                "now: not the same data")
        unknown = {}
        for key, ours in (same or {}).items():
            theirs, ours = committed.get(key) or {}, json.loads(json.dumps(ours))
            differ = {k: (theirs.get(k, "(absent)"), v) for k, v in ours.items() if theirs.get(k, "(absent)") != v}
            if differ:
                raise NotTheSameRun(f"{path}: `{key}` differs (committed, this run): {differ}: not the same "
                                    "cross-validation")
            extra = {k: v for k, v in theirs.items() if k not in ours}
            if extra:
                unknown[key] = extra
        out[path] = (committed, unknown)
    return out


def merge_curves(paths, curves, results, how, same=None, log=print, checked=None):
    """Add `curves` to committed metrics.json files without retraining (the pipelines' --curves-only): the
    out-of-fold predictions come from the same seeded cross-validation run again, so its per-fold results should
    equal the committed ones. Every other key is kept as it is; `curves.reproduced` says how the points were made
    and whether the recomputed per-fold figures match (max |difference| over every metric and fold, overall and per
    model), and `curves.note` says so when they do not. paths: the metrics.json files (report, bundle); results: the
    recomputed summaries {model: {metric: {"mean", "ci95", "folds"}}}; how: the command; same: as check_committed
    (committed settings the code no longer has are recorded); checked: what check_committed(paths, ...) returned
    before the CV (the files are not read again; None: checked here). Returns the largest difference."""
    import json
    if checked is None:
        checked = check_committed(paths, curves["rows"], curves["positives"], same)
    out = []
    for path in paths:
        committed, unknown = checked[path]
        old = committed.get("results", {})
        if list(old) != list(results):
            raise NotTheSameRun(f"{path}: models {list(old)} committed, {list(results)} recomputed")
        for n in results:
            for m in results[n]:
                if len(results[n][m]["folds"]) != len(old[n][m]["folds"]):
                    raise NotTheSameRun(f"{path}: {len(old[n][m]['folds'])} folds committed, "
                                        f"{len(results[n][m]['folds'])} recomputed: not the same cross-validation")
        by_model = {n: float(max(abs(a - b) for m in results[n]
                                 for a, b in zip(results[n][m]["folds"], old[n][m]["folds"]))) for n in results}
        worst = max(by_model.values())
        for n in results:
            log(f"{path}: {n} ROC-AUC committed {old[n]['roc_auc']['mean']:.6f} (folds "
                f"{', '.join(f'{v:.6f}' for v in old[n]['roc_auc']['folds'])}), recomputed "
                f"{results[n]['roc_auc']['mean']:.6f} (folds "
                f"{', '.join(f'{v:.6f}' for v in results[n]['roc_auc']['folds'])}); pooled out-of-fold "
                f"{curves['roc'][n]['auc']:.6f}; largest difference of any metric in any fold {by_model[n]:.3g}")
        reproduced = {"how": how, "matches_committed_results": bool(worst == 0.0), "max_abs_fold_difference": worst,
                      "max_abs_fold_difference_by_model": by_model}
        if unknown:
            reproduced["committed_settings_not_in_this_code"] = unknown
        c = dict(curves, reproduced=reproduced)
        if worst != 0.0:
            differ = [n for n, d in by_model.items() if d != 0.0]
            auc = ", ".join(f"{n} {results[n]['roc_auc']['mean']:.4f} (committed {old[n]['roc_auc']['mean']:.4f})"
                            for n in differ)
            c["note"] = ("The seeded cross-validation, run again to get these points, did not reproduce the committed "
                         f"per-fold figures exactly for {', '.join(differ)} (largest difference of any metric in any "
                         f"fold {worst:.2g}; mean ROC-AUC recomputed {auc}): the curves come from that re-run, every "
                         "other figure in this file from the original run.")
        committed.pop("curves", None)
        committed["curves"] = c
        path.write_text(json.dumps(committed, indent=2) + "\n")
        log(f"{path}: curves written; recomputed per-fold results "
            + ("equal the committed ones" if worst == 0.0 else f"differ by up to {worst:.3g}"))
        out.append(worst)
    return max(out) if out else 0.0


def write_all(folder, y, oof, dataset, synthetic=False, outcome="conversion"):
    """The three plots; `outcome` names what y counts in the axis labels (lead score: conversion)."""
    roc(folder / "roc.png", y, oof, dataset, synthetic)
    calibration(folder / "calibration.png", y, oof, dataset, synthetic, outcome=outcome)
    lift(folder / "lift.png", y, oof, dataset, synthetic, outcome=outcome)
    return ["roc.png", "calibration.png", "lift.png"]
