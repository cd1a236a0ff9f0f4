"""Metrics and stratified k-fold cross-validation for the deep model and the LR baseline.

Per fold, the feature spec (vocabularies, medians, mean/std) is fitted on the training part
only, so no statistic of the held-out fold leaks into its score. Each metric is reported as
the mean over folds and a 95% t-interval: mean +- t(0.975, k-1) * sd / sqrt(k), sd with ddof=1.
"""
import math

import numpy as np
from scipy import stats
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import OneHotEncoder

from leadscore import features, model

METRICS = ["roc_auc", "pr_auc", "brier", "lift_top_decile", "ece"]


def lift_top_decile(y, p):
    """Conversion rate among the top 10% by score (ceil, stable order) / overall rate."""
    y, p = np.asarray(y, dtype=np.float64), np.asarray(p, dtype=np.float64)
    k = max(1, math.ceil(0.1 * len(y)))
    top = np.argsort(-p, kind="stable")[:k]
    return float(y[top].mean() / y.mean())


def expected_calibration_error(y, p, bins=10):
    """ECE with `bins` equal-width bins on [0, 1]: sum_b n_b/N * |mean(y_b) - mean(p_b)|."""
    y, p = np.asarray(y, dtype=np.float64), np.asarray(p, dtype=np.float64)
    which = np.minimum((p * bins).astype(int), bins - 1)
    ece = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            ece += mask.mean() * abs(y[mask].mean() - p[mask].mean())
    return float(ece)


def score(y, p):
    return {
        "roc_auc": float(roc_auc_score(y, p)),
        "pr_auc": float(average_precision_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "lift_top_decile": lift_top_decile(y, p),
        "ece": expected_calibration_error(y, p),
    }


def summarise(per_fold):
    """[{metric: value}] over folds -> {metric: {"mean", "ci95": [lo, hi], "folds": [...]}}."""
    out = {}
    for m in METRICS:
        v = np.array([f[m] for f in per_fold], dtype=np.float64)
        mean = float(v.mean())
        if len(v) > 1:
            half = float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v)))
        else:
            half = float("nan")
        out[m] = {"mean": mean, "ci95": [mean - half, mean + half], "folds": [float(x) for x in v]}
    return out


def fit_logistic(cat, num, y, seed=1337):
    """Baseline: logistic regression on one-hot(cat indices) + the same normalised numerics."""
    onehot = OneHotEncoder(handle_unknown="ignore").fit(cat)
    x = np.hstack([onehot.transform(cat).toarray(), num.astype(np.float64)])
    lr = LogisticRegression(max_iter=2000, random_state=seed).fit(x, y)
    return lambda c, n: lr.predict_proba(np.hstack([onehot.transform(c).toarray(), n.astype(np.float64)]))[:, 1]


def cross_validate(leads, y, cfg, log=print):
    """Stratified k-fold CV of both models; returns {"deep": summary, "logistic_regression": summary}."""
    y = np.asarray(y)
    folds = StratifiedKFold(n_splits=cfg["folds"], shuffle=True, random_state=cfg["seed"])
    per_fold = {"deep": [], "logistic_regression": []}
    for k, (tr, te) in enumerate(folds.split(np.zeros(len(y)), y)):
        spec = features.build_spec([leads[i] for i in tr], cfg["min_count"])
        cat_tr, num_tr = features.encode(spec, [leads[i] for i in tr])
        cat_te, num_te = features.encode(spec, [leads[i] for i in te])
        net = model.train_net(cat_tr, num_tr, y[tr], features.cardinalities(spec), **train_kwargs(cfg))
        per_fold["deep"].append(score(y[te], model.predict(net, cat_te, num_te)))
        lr = fit_logistic(cat_tr, num_tr, y[tr], cfg["seed"])
        per_fold["logistic_regression"].append(score(y[te], lr(cat_te, num_te)))
        log(f"fold {k + 1}/{cfg['folds']}: deep roc_auc {per_fold['deep'][-1]['roc_auc']:.4f}, "
            f"lr roc_auc {per_fold['logistic_regression'][-1]['roc_auc']:.4f}")
    return {name: summarise(v) for name, v in per_fold.items()}


def train_kwargs(cfg):
    keys = ["emb_dim", "hidden", "dropout", "unknown_dropout", "epochs", "batch_size", "lr", "weight_decay", "seed"]
    return {k: cfg[k] for k in keys}


def format_table(results):
    """Plain-text metrics table (mean [95% CI]) for stdout, card.md and README."""
    names = list(results)
    head = f"| {'metric':<16} | " + " | ".join(f"{n:<26}" for n in names) + " |"
    rule = "|" + "-" * 18 + "|" + "|".join("-" * 28 for _ in names) + "|"
    rows = [head, rule]
    for m in METRICS:
        cells = []
        for n in names:
            r = results[n][m]
            cells.append(f"{r['mean']:.4f} [{r['ci95'][0]:.4f}, {r['ci95'][1]:.4f}]".ljust(26))
        rows.append(f"| {m:<16} | " + " | ".join(cells) + " |")
    return "\n".join(rows)
