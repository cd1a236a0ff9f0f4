"""Metrics and stratified k-fold cross-validation of the deep model and its baselines on a dataset spec.

Per fold, the feature spec (vocabularies, medians, mean/std) is fitted on the training part
only, so no statistic of the held-out fold leaks into its score. Each metric is reported as
the mean over folds and a 95% t-interval: mean +- t(0.975, k-1) * sd / sqrt(k), sd with ddof=1.
"""
import math
import time

import numpy as np
from scipy import stats
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from leadscore import features, model

METRICS = ["roc_auc", "pr_auc", "brier", "lift_top_decile", "ece"]
METRIC_NAMES = {"roc_auc": "ROC-AUC", "pr_auc": "PR-AUC", "brier": "Brier", "lift_top_decile": "lift@10%",
                "ece": "ECE"}                # the cards' labels (format_table(labels=METRIC_NAMES))


def decile_lifts(y, p, deciles=10):
    """Lift per score decile, best-scored first: rows ordered by descending score (stable), cut into groups of
    ceil(N / deciles) rows; each group's conversion rate / the overall rate."""
    y, p = np.asarray(y, dtype=np.float64), np.asarray(p, dtype=np.float64)
    order = np.argsort(-p, kind="stable")
    size = -(-len(y) // deciles)
    groups = [order[d * size:(d + 1) * size] for d in range(deciles)]
    return [float(y[g].mean() / y.mean()) if len(g) else float("nan") for g in groups]


def lift_top_decile(y, p):
    """Conversion rate among the top 10% by score (ceil(N / 10) rows, stable order) / overall rate."""
    return decile_lifts(y, p)[0]


def calibration_bins(y, p, bins=10):
    """Equal-width bins of the scores on [0, 1] -> [(rows, mean score, observed rate)] per non-empty bin."""
    y, p = np.asarray(y, dtype=np.float64), np.asarray(p, dtype=np.float64)
    which = np.minimum((p * bins).astype(int), bins - 1)
    out = []
    for b in range(bins):
        mask = which == b
        if mask.any():
            out.append((int(mask.sum()), float(p[mask].mean()), float(y[mask].mean())))
    return out


def expected_calibration_error(y, p, bins=10):
    """ECE with `bins` equal-width bins on [0, 1]: sum_b n_b/N * |mean(y_b) - mean(p_b)|."""
    n = len(y)
    return float(sum(rows / n * abs(rate - mean_p) for rows, mean_p, rate in calibration_bins(y, p, bins)))


def score(y, p):
    return {
        "roc_auc": float(roc_auc_score(y, p)),
        "pr_auc": float(average_precision_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "lift_top_decile": lift_top_decile(y, p),
        "ece": expected_calibration_error(y, p),
    }


def t_interval(values):
    """Mean and 95% t-interval of per-fold values: (mean, [mean - h, mean + h]), h = t(0.975, k-1) * sd / sqrt(k)
    with sd of ddof=1; the interval is [nan, nan] for a single value."""
    v = np.asarray(values, dtype=np.float64)
    mean = float(v.mean())
    half = float(stats.t.ppf(0.975, len(v) - 1) * v.std(ddof=1) / math.sqrt(len(v))) if len(v) > 1 else float("nan")
    return mean, [mean - half, mean + half]


def paired(a, b):
    """Per-fold values of two models on the same folds: mean and 95% t-interval of the differences a - b (a paired
    comparison) and in how many folds a is better."""
    d = np.array(a, dtype=np.float64) - np.array(b, dtype=np.float64)
    mean, ci95 = t_interval(d)
    return {"difference": mean, "difference_ci95": ci95, "folds_a_better": int((d > 0).sum()), "folds": len(d)}


def paired_roc_auc(results, a, b):
    """paired() on the per-fold ROC-AUC of models a and b in summarised results, as the call-win and reply-score
    metrics.json write it."""
    p = paired(results[a]["roc_auc"]["folds"], results[b]["roc_auc"]["folds"])
    return {"a": a, "b": b, "roc_auc_difference": p["difference"], "difference_ci95": p["difference_ci95"],
            "folds_a_better": p["folds_a_better"], "folds": p["folds"]}


def summarise(per_fold):
    """[{metric: value}] over folds -> {metric: {"mean", "ci95": [lo, hi], "folds": [...]}}."""
    out = {}
    for m in METRICS:
        v = [float(f[m]) for f in per_fold]
        mean, ci95 = t_interval(v)
        out[m] = {"mean": mean, "ci95": ci95, "folds": v}
    return out


def format_table(results, labels=None, padded=True):
    """Metrics table, one row per metric and one column per model: mean [95% CI].

    padded (stdout, README): columns padded to a fixed width, metric keys as row names. padded=False gives the
    compact Markdown table of card.md. labels: {metric key: row name} instead of the keys."""
    names = list(results)
    first, cell = (16, 26) if padded else (0, 0)
    head = f"| {'metric':<{first}} | " + " | ".join(f"{n:<{cell}}" for n in names) + " |"
    rule = "|" + "-" * max(3, first + 2) + "|" + "|".join("-" * max(3, cell + 2) for _ in names) + "|"
    rows = [head, rule]
    for m in METRICS:
        cells = []
        for n in names:
            r = results[n][m]
            cells.append(f"{r['mean']:.4f} [{r['ci95'][0]:.4f}, {r['ci95'][1]:.4f}]".ljust(cell))
        label = (labels or {}).get(m, m)
        rows.append(f"| {label:<{first}} | " + " | ".join(cells) + " |")
    return "\n".join(rows)


# ============================================================================= dataset specs: deep + baselines
NEVER_HOURS = 24.0 * 365   # "hours since the last X" when X never happened (before the log1p)


def sequence_aggregates(seq, records):
    """Bag-of-tokens and recency features of each record's WHOLE timeline up to asOf (not cut to max_length), for
    the baselines: per vocabulary token (a "type:detail" token also counts for its bare type when that is in the
    vocabulary) log1p(count), log1p(count in the last 7 days) and log1p(hours since its last occurrence); plus
    log1p of the number of events, of events in the last 24 h, of hours since the newest and since the oldest
    event. float64 [N, 3 V + 4]."""
    vocab = seq["vocabulary"]
    index = {tok: i for i, tok in enumerate(vocab)}
    v = len(vocab)
    out = np.zeros((len(records), 3 * v + 4), dtype=np.float64)
    for row, record in enumerate(records):
        events = features.timeline(record, seq["field"], seq["as_of_field"])
        count, week, last = np.zeros(v), np.zeros(v), np.full(v, NEVER_HOURS)
        for activity, hours in events:
            t, td = features.activity_candidates(activity, seq.get("detail", {}))
            hits = {index[k] for k in (td, t) if k is not None and k in index}
            for i in hits:
                count[i] += 1
                week[i] += hours <= 24 * 7
                last[i] = min(last[i], hours)
        hours = np.array([h for _, h in events]) if events else np.array([NEVER_HOURS])
        out[row] = np.concatenate([np.log1p(count), np.log1p(week), np.log1p(last),
                                   np.log1p([len(events), float((hours <= 24).sum()) if events else 0.0,
                                             hours.min(), hours.max()])])
    return out


class Baselines:
    """Logistic regression and gradient boosting on the same encoded features as the deep model: one-hot (LR) or
    native categorical (GBM) codes of the categorical indices, the normalised numerics, and, when the data have
    timelines, sequence_aggregates (standardised for LR).

    GBM settings are the ones ml/tests/test_simulator_signal.py already used (150 iterations, learning rate 0.05,
    15 leaves, >= 20 rows per leaf), fixed before any lead-score result was seen. GBM's OpenMP threads are the
    caller's to limit (pipeline.run: threadpool_limits(cfg["threads"])). clip: LR's numerics clipped to
    [-clip, clip] (call-win: 10); none for lead-score. Data without categoricals get no one-hot part."""

    def __init__(self, spec, records, cat, num, y, seed, clip=None):
        self.spec, self.seed, self.clip = spec, seed, clip
        self.seconds = {}          # fit time of the timeline aggregates (when the data have timelines), LR, GBM
        t0 = time.time()
        agg = self._agg(records)
        if "sequence" in spec:
            self.seconds["sequence_aggregates"] = time.time() - t0
        t1 = time.time()
        self.onehot = OneHotEncoder(handle_unknown="ignore").fit(cat) if cat.shape[1] else None
        self.scaler = StandardScaler().fit(agg) if agg.shape[1] else None
        self.lr = LogisticRegression(max_iter=5000, random_state=seed).fit(self._lr_x(cat, num, agg), y)
        t2 = time.time()
        self.seconds["logistic_regression"] = t2 - t1
        n_cat = cat.shape[1]
        native = [n <= 255 for n in features.cardinalities(spec)]   # HGB's native categorical limit
        self.gbm = HistGradientBoostingClassifier(
            categorical_features=np.array(native + [False] * (num.shape[1] + agg.shape[1]), dtype=bool)
            if n_cat else None, max_iter=150, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=20,
            random_state=seed)
        self.gbm.fit(self._gbm_x(cat, num, agg), y)
        self.seconds["gradient_boosting"] = time.time() - t2

    def _agg(self, records):
        if "sequence" not in self.spec:
            return np.zeros((len(records), 0))
        return sequence_aggregates(self.spec["sequence"], records)

    def _lr_x(self, cat, num, agg):
        num = num.astype(np.float64)
        parts = [num if self.clip is None else np.clip(num, -self.clip, self.clip)]
        if self.onehot is not None:
            parts.insert(0, self.onehot.transform(cat).toarray())
        if agg.shape[1]:
            parts.append(self.scaler.transform(agg))
        return np.hstack(parts)

    @staticmethod
    def _gbm_x(cat, num, agg):
        return np.hstack([cat.astype(np.float64), num.astype(np.float64), agg])

    def predict(self, records, cat, num):
        agg = self._agg(records)
        return {"logistic_regression": self.lr.predict_proba(self._lr_x(cat, num, agg))[:, 1],
                "gradient_boosting": self.gbm.predict_proba(self._gbm_x(cat, num, agg))[:, 1]}


DEEP_KEYS = ["emb_dim", "hidden", "dropout", "num_bins", "seq_emb", "seq_hidden", "unknown_dropout",
             "seq_unknown_dropout", "epochs", "batch_size", "lr", "weight_decay", "seed", "ensemble",
             "calibration_fraction", "crossfit"]


def deep_kwargs(cfg):
    return {k: cfg[k] for k in DEEP_KEYS}


def fit_deep(spec, inputs, y, cfg, with_sequence=True):
    """Calibrated deep model on encoded inputs; with_sequence=False drops the timeline (deep_no_sequence)."""
    seq = spec.get("sequence") if with_sequence else None
    return model.fit_calibrated(inputs if seq else inputs[:2], y, features.cardinalities(spec),
                                seq_vocab=len(seq["vocabulary"]) if seq else None, **deep_kwargs(cfg))


def cross_validate_dataset(ds, cfg, log=print):
    """Stratified k-fold CV on a dataset_spec.Dataset of: deep (with the sequence encoder when the data have
    timelines), deep_no_sequence (then), logistic_regression and gradient_boosting, all on the same folds with
    the feature spec refitted on each training part.

    Returns (results {model: summary}, oof {model: probabilities in row order}, per-fold fit seconds {model: [...]},
    where the baselines' timeline aggregates have their own entry, sequence_aggregates, when the data have
    timelines; LR and GBM are timed without them).

    Thread limits are the caller's: pipeline.run wraps the whole run in threadpool_limits(cfg["threads"])."""
    records, y = ds.records, np.asarray(ds.y)
    kwargs = ds.spec.feature_spec_kwargs()
    has_seq = kwargs["sequence"] is not None
    names = ["deep"] + (["deep_no_sequence"] if has_seq else []) + ["logistic_regression", "gradient_boosting"]
    folds = StratifiedKFold(n_splits=cfg["folds"], shuffle=True, random_state=cfg["seed"])
    per_fold = {n: [] for n in names}
    oof = {n: np.zeros(len(y)) for n in names}
    timed = names[:-2] + (["sequence_aggregates"] if has_seq else []) + names[-2:]
    seconds = {n: [] for n in timed}
    for k, (tr, te) in enumerate(folds.split(np.zeros(len(y)), y)):
        rec_tr, rec_te = [records[i] for i in tr], [records[i] for i in te]
        spec = features.build_spec(rec_tr, cfg["min_count"], **kwargs)
        in_tr, in_te = features.encode_inputs(spec, rec_tr), features.encode_inputs(spec, rec_te)
        preds = {}
        for name, with_seq in (("deep", True), ("deep_no_sequence", False)):
            if name in names:
                t0 = time.time()
                m, _ = fit_deep(spec, in_tr, y[tr], cfg, with_seq)
                preds[name] = model.probabilities(m, in_te if with_seq else in_te[:2])
                seconds[name].append(time.time() - t0)
        base = Baselines(spec, rec_tr, in_tr[0], in_tr[1], y[tr], cfg["seed"])
        preds.update(base.predict(rec_te, in_te[0], in_te[1]))
        for name, s in base.seconds.items():
            seconds[name].append(s)
        for name in names:
            per_fold[name].append(score(y[te], preds[name]))
            oof[name][te] = preds[name]
        log(f"fold {k + 1}/{cfg['folds']}: roc_auc " + ", ".join(f"{n} {per_fold[n][-1]['roc_auc']:.4f}"
                                                                for n in names))
    return {n: summarise(v) for n, v in per_fold.items()}, oof, seconds
