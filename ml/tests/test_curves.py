"""plots.curve_points (metrics.json's `curves`, drawn by the app's Models page) gives the numbers the report's plots
draw: sklearn's ROC curve thinned with its ends kept, evaluate.calibration_bins with the plot's >= 5-row rule,
evaluate.decile_lifts; plots.merge_curves adds them to a committed metrics.json and changes nothing else."""
import json

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score, roc_curve

from leadscore import evaluate, plots


def _fixture(n=2000, seed=3):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    good = 1 / (1 + np.exp(-(1.2 * y - 1.2 + rng.normal(0, 1, n))))
    weak = np.clip(0.3 + 0.1 * y + rng.normal(0, 0.08, n), 0, 1)
    weak[:3] = [0.95, 0.97, 0.99]                       # a bin with fewer than 5 rows: the plot leaves it out
    return y, {"deep": good, "logistic_regression": weak}


def test_curve_points_are_what_sklearn_and_evaluate_compute():
    y, oof = _fixture()
    c = plots.curve_points(y, oof, "deep")
    assert c["served"] == "deep" and c["models"] == ["deep", "logistic_regression"] and c["outcome"] == "conversion"
    assert (c["rows"], c["positives"]) == (2000, int(y.sum()))
    json.dumps(c, allow_nan=False)                      # plain JSON: no NaN, no numpy types
    for name, p in oof.items():
        fpr, tpr, _ = roc_curve(y, p)
        r = c["roc"][name]
        assert r["auc"] == roc_auc_score(y, p) and r["points"] == len(fpr)
        assert len(fpr) > 100 and len(r["fpr"]) == len(r["tpr"]) <= 100
        assert (r["fpr"][0], r["tpr"][0], r["fpr"][-1], r["tpr"][-1]) == (fpr[0], tpr[0], 1.0, 1.0)
        full = list(zip(fpr.tolist(), tpr.tolist()))
        at = [full.index(pt) for pt in zip(r["fpr"], r["tpr"])]     # every point is one of the curve's, in order
        assert at == sorted(at) and at[0] == 0 and at[-1] == len(full) - 1
        assert max(np.diff(at)) <= -(-(len(full) - 1) // 99) + 1  # evenly spread, no long gap
        bins = [b for b in evaluate.calibration_bins(y, p) if b[0] >= 5]
        assert c["calibration"][name] == {"mean_predicted": [b[1] for b in bins], "observed": [b[2] for b in bins],
                                          "n": [b[0] for b in bins]}
        assert c["lift"][name] == evaluate.decile_lifts(y, p)
    assert sum(c["calibration"]["logistic_regression"]["n"]) < 2000   # the 3-row top bin was left out
    assert c["settings"] == {"roc_max_points": 100, "calibration_bins": 10, "calibration_min_rows": 5,
                             "lift_deciles": 10}


def test_a_short_curve_is_kept_whole_and_the_served_model_must_be_compared():
    y = np.array([0, 0, 1, 1, 0, 1, 0, 1, 1, 0, 0, 0])
    p = np.linspace(0.05, 0.95, 12)
    c = plots.curve_points(y, {"mlp": p}, "mlp", outcome="deal-won")
    fpr, tpr, _ = roc_curve(y, p)
    assert c["roc"]["mlp"]["fpr"] == fpr.tolist() and c["roc"]["mlp"]["tpr"] == tpr.tolist()
    assert c["outcome"] == "deal-won" and len(c["lift"]["mlp"]) == 10
    with pytest.raises(ValueError, match="served model"):
        plots.curve_points(y, {"mlp": p}, "deep")
    assert plots.curve_points(y[:8], {"mlp": p[:8]}, "mlp")["lift"]["mlp"][-1] is None   # 8 rows: empty deciles


def _committed(tmp_path, results):
    m = {"dataset": {"name": "t", "rows": 2000, "converted": 0}, "results": results,
         "model": {"epochs": 3, "seq_pool": False},
         "timing": {"total_seconds": 1.5}}
    path = tmp_path / "metrics.json"
    path.write_text(json.dumps(m, indent=2) + "\n")
    return path, m


def _results(y, oof, folds):
    return {n: evaluate.summarise([evaluate.score(y[f], p[f]) for f in folds]) for n, p in oof.items()}


def test_merge_curves_adds_curves_and_keeps_every_other_key(tmp_path):
    y, oof = _fixture()
    folds = [np.arange(0, 1000), np.arange(1000, 2000)]
    results = _results(y, oof, folds)
    curves = plots.curve_points(y, oof, "deep")
    path, m = _committed(tmp_path, results)
    m["dataset"]["converted"] = curves["positives"]
    path.write_text(json.dumps(m, indent=2) + "\n")
    before = path.read_text()
    assert plots.merge_curves([path], curves, results, "train.py --curves-only", same={"model": {"epochs": 3}},
                              log=lambda *_: None) == 0.0
    merged = json.loads(path.read_text())
    assert list(merged) == list(m) + ["curves"]
    assert json.dumps({k: v for k, v in merged.items() if k != "curves"}, indent=2) + "\n" == before
    assert merged["curves"]["reproduced"] == {
        "how": "train.py --curves-only", "matches_committed_results": True, "max_abs_fold_difference": 0.0,
        "max_abs_fold_difference_by_model": {"deep": 0.0, "logistic_regression": 0.0},
        "committed_settings_not_in_this_code": {"model": {"seq_pool": False}}}   # an option removed since: recorded
    assert "note" not in merged["curves"] and merged["curves"]["roc"] == curves["roc"]

    # a re-run that does not reproduce the committed figures says so; other settings or data are refused
    other = _results(y, {n: np.clip(p + 0.01 * np.sin(np.arange(2000)), 0, 1) for n, p in oof.items()}, folds)
    worst = plots.merge_curves([path], curves, other, "again", log=lambda *_: None)
    merged = json.loads(path.read_text())
    assert worst > 0 and merged["curves"]["reproduced"]["matches_committed_results"] is False
    assert merged["curves"]["reproduced"]["max_abs_fold_difference_by_model"]["deep"] > 0
    assert "did not reproduce the committed per-fold figures exactly for deep, logistic_regression" in \
        merged["curves"]["note"] and merged["results"] == json.loads(before)["results"]
    with pytest.raises(plots.NotTheSameRun, match="not the same cross-validation"):
        plots.merge_curves([path], curves, results, "x", same={"model": {"epochs": 4}}, log=lambda *_: None)
    with pytest.raises(plots.NotTheSameRun, match="not the same cross-validation"):     # a setting added since
        plots.check_committed([path], 2000, curves["positives"], same={"model": {"epochs": 3, "new": 1}})
    with pytest.raises(plots.NotTheSameRun, match="not the same data"):
        plots.merge_curves([path], dict(curves, rows=1999), results, "x", log=lambda *_: None)
    with pytest.raises(plots.NotTheSameRun, match="2 folds committed, 1 recomputed"):     # zip would stop at 1
        plots.merge_curves([path], curves, _results(y, oof, folds[:1]), "x", log=lambda *_: None)


@pytest.mark.parametrize("bundle, report, served", [("lead-score/v1", "sales-world", "deep"),
                                                     ("call-win/v1", "sales-world-calls", "mlp"),
                                                     (None, "persuasionforgood", "mlp"),
                                                     ("reply-score/v1", "reply-score", "mlp")])
def test_committed_curves_belong_to_their_metrics(bundle, report, served):
    """The curves added to committed metrics.json by --curves-only: one per model of `results`, the served model
    named, the same in the report and the bundle, and how they were made (reproduced) recorded."""
    from leadscore.data import REPO_ROOT
    m = json.loads((REPO_ROOT / "ml/reports" / report / "metrics.json").read_text())
    if bundle is not None:
        assert json.loads((REPO_ROOT / "ml/models" / bundle / "metrics.json").read_text())["curves"] == m["curves"]
    c = m["curves"]
    assert c["served"] == served and c["models"] == list(m["results"])
    ds = m["dataset"]
    assert (c["rows"], c["positives"]) == (ds["rows"], ds.get("converted", ds.get("positives")))
    assert c["reproduced"]["how"].endswith("--curves-only")
    assert ("note" in c) is (not c["reproduced"]["matches_committed_results"])
    for name in c["models"]:
        r = c["roc"][name]
        assert len(r["fpr"]) <= 100 and (r["fpr"][0], r["tpr"][0], r["fpr"][-1], r["tpr"][-1]) == (0, 0, 1, 1)
        assert r["fpr"] == sorted(r["fpr"]) and r["tpr"] == sorted(r["tpr"])
        assert abs(r["auc"] - m["results"][name]["roc_auc"]["mean"]) < 0.02      # pooled vs mean over folds
        assert abs(c["lift"][name][0] - m["results"][name]["lift_top_decile"]["mean"]) < 0.2
        assert sum(c["calibration"][name]["n"]) <= c["rows"] and min(c["calibration"][name]["n"]) >= 5
