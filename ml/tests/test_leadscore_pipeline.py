"""End to end on SYNTHETIC data: `train.py --spec` on a generic CSV and on a platform export (activity timelines);
reports, exported artefacts, ONNX graph I/O, parity reproduction through the numpy ONNX evaluator, refusal."""
import json

import numpy as np
import onnx
import pytest
import yaml
from onnx import TensorProto

from leadscore import evaluate, features, model, onnx_numpy, pipeline, train
from platform_fixture import write_export
from synthetic import synthetic_leads
from test_leadscore_spec import SPECS

FAST = ["--folds", "2", "--epochs", "6", "--batch_size", "64", "--parity_real_rows", "25", "--min_count", "5",
        "--crossfit", "2", "--min_per_class", "20"]
METRICS = {"roc_auc", "pr_auc", "brier", "lift_top_decile", "ece"}
PNG = b"\x89PNG\r\n\x1a\n"


def _dims(value_info):
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


def _check_report(folder, models, rows, synthetic=True):
    for name in ("metrics.json", "card.md", "roc.png", "calibration.png", "lift.png"):
        assert (folder / name).is_file(), name
    for name in ("roc.png", "calibration.png", "lift.png"):
        assert (folder / name).read_bytes()[:8] == PNG
    m = json.loads((folder / "metrics.json").read_text())
    assert set(m["dataset"]) >= {"name", "rows", "synthetic", "dropped_columns"}
    assert m["dataset"]["rows"] == rows and m["dataset"]["synthetic"] is synthetic
    assert list(m["results"]) == models
    for name in models:
        assert set(m["results"][name]) == METRICS
        for r in m["results"][name].values():
            assert set(r) >= {"mean", "ci95"} and len(r["ci95"]) == 2 and r["ci95"][0] <= r["mean"] <= r["ci95"][1]
    c = m["curves"]                                   # the plots' points, for the app's Models page
    assert c["served"] == "deep" and c["models"] == models and c["rows"] == rows
    assert set(c["roc"]) == set(c["calibration"]) == set(c["lift"]) == set(models)
    for name in models:
        r = c["roc"][name]
        assert len(r["fpr"]) == len(r["tpr"]) <= 100 and r["fpr"][0] == 0 and (r["fpr"][-1], r["tpr"][-1]) == (1, 1)
        assert len(c["lift"][name]) == 10 and len(c["calibration"][name]["n"]) >= 1
    assert "reproduced" not in c                      # a full run's own predictions
    card = (folder / "card.md").read_text()
    assert ("SYNTHETIC" in card) is synthetic
    for d in m["dataset"]["dropped_columns"]:
        assert d["column"] in card and d["reason"] in card
    return m, card


def _check_parity(out, spec, exported=None):
    lines = [json.loads(line) for line in (out / "parity.jsonl").read_text().splitlines()]
    inputs = [line["input"] for line in lines]
    expected = np.array([line["probability"] for line in lines])
    encoded = features.encode_inputs(spec, inputs)
    if exported is not None:
        assert np.array_equal(model.probabilities(exported, encoded).astype(np.float64), expected)
    graph = onnx_numpy.run(out / "model.onnx", *encoded)["probability"]
    assert graph.shape == (len(lines), 1)
    np.testing.assert_allclose(graph[:, 0], expected, atol=1e-5)
    assert np.all((expected > 0) & (expected < 1))
    return inputs, encoded


# ----------------------------------------------------------------------------- generic CSV
@pytest.fixture(scope="module")
def csv_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("csv")
    leads, y = synthetic_leads(n=500, seed=5)
    (root / "data" / "crm").mkdir(parents=True)
    with open(root / "data" / "crm" / "export.csv", "w") as f:
        f.write("Lead Id,Channel,Kind,Job,Country,Visits,Seconds,Pages,No Mail,Outcome,Comment,Created,Rep Verdict\n")
        for i, (lead, label) in enumerate(zip(leads, y)):
            cells = [f"L{i}", lead["source"], lead["origin"], lead["occupation"], lead["country"],
                     lead["websiteVisits"], lead["websiteSeconds"], lead["pageViewsPerVisit"],
                     "Yes" if lead["doNotEmail"] else "No", "Won" if label else "Lost", "a note",
                     "2026-01-01T00:00:00Z", "hot" if label else "cold"]
            f.write(",".join("" if c is None else str(c) for c in cells) + "\n")
    spec = {
        "name": "synthetic-crm", "synthetic": True, "description": "SYNTHETIC leads made up by the tests.",
        "source": {"format": "csv", "path": "crm/export.csv"}, "id": "Lead Id",
        "target": {"column": "Outcome", "positive": "Won", "negative": "Lost"},
        "categorical": ["Channel", "Kind", "Job", "Country"],
        "numeric": [{"column": "Visits", "transform": "log1p"}, {"column": "Seconds", "transform": "log1p"},
                    {"column": "Pages", "transform": "log1p"}],
        "boolean": ["No Mail"],
        "renames": {"Channel": "source", "Kind": "origin", "Job": "occupation", "Country": "country",
                    "Visits": "websiteVisits", "Seconds": "websiteSeconds", "Pages": "pageViewsPerVisit",
                    "No Mail": "doNotEmail"},
        "text": ["Comment"], "timestamp": ["Created"],
        "drop": [{"column": "Rep Verdict", "reason": "written by the rep after the outcome"}],
        "model": {"num_bins": 4},
    }
    (root / "spec.yaml").write_text(yaml.safe_dump(spec))
    args = ["--spec", str(root / "spec.yaml"), "--datasets", str(root / "data"), "--report", str(root / "report"),
            "--out", str(root / "out"), "--version", "v9"] + FAST
    assert train.main(args) == 0
    return root


def test_csv_report_and_export(csv_run):
    m, card = _check_report(csv_run / "report", ["deep", "logistic_regression", "gradient_boosting"], 500)
    assert m["dataset"]["dropped_columns"] == [{"column": "Rep Verdict", "reason": "written by the rep after the "
                                                                                    "outcome"}]
    assert m["model"]["num_bins"] == 4                           # the spec's model section applies
    assert m["results"]["deep"]["roc_auc"]["mean"] > 0.65        # the synthetic signal is learnable
    out = csv_run / "out"
    assert {p.name for p in out.iterdir()} == {"model.onnx", "features.json", "metrics.json", "parity.jsonl",
                                               "card.md", "reference.json"}
    assert json.loads((out / "metrics.json").read_text()) == m
    spec = json.loads((out / "features.json").read_text())
    assert list(spec) == ["name", "version", "created_at", "trained_on", "inputs", "output", "categorical",
                          "numeric", "labels"]                   # no timeline -> no sequence section
    assert (spec["name"], spec["version"], spec["trained_on"]) == ("lead-score", "v9", "synthetic-crm")
    assert [c["name"] for c in spec["categorical"]] == ["source", "origin", "occupation", "country"]
    assert [(n["name"], n["transform"]) for n in spec["numeric"]] == [
        ("websiteVisits", "log1p"), ("websiteSeconds", "log1p"), ("pageViewsPerVisit", "log1p"),
        ("doNotEmail", "identity")]
    g = onnx.load(str(out / "model.onnx"))
    onnx.checker.check_model(g)
    assert [i.name for i in g.graph.input] == ["cat", "num"] and _dims(g.graph.input[0]) == ["N", 4]
    assert [o.name for o in g.graph.output] == ["probability"] and _dims(g.graph.output[0]) == ["N", 1]
    inputs, _ = _check_parity(out, spec)
    assert {} in inputs and any("email" in i for i in inputs)


def test_report_only_without_out(csv_run, tmp_path):
    args = ["--spec", str(csv_run / "spec.yaml"), "--datasets", str(csv_run / "data"), "--report",
            str(tmp_path / "r")] + FAST
    assert train.main(args) == 0
    assert {p.name for p in (tmp_path / "r").iterdir()} == {"metrics.json", "card.md", "roc.png", "calibration.png",
                                                            "lift.png"}
    assert "export" not in json.loads((tmp_path / "r" / "metrics.json").read_text())


def test_curves_only_adds_the_same_curves_and_changes_nothing_else(csv_run, tmp_path):
    """--curves-only on a run's folders: the seeded CV again, its curves merged into both metrics.json files; no
    other file is written and every other key stays as it was (the run is repeatable, so the figures match)."""
    ran = json.loads((csv_run / "report" / "metrics.json").read_text())
    stripped = {k: v for k, v in ran.items() if k != "curves"}
    for d in ("r", "o"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "metrics.json").write_text(json.dumps(stripped, indent=2) + "\n")
    args = ["--spec", str(csv_run / "spec.yaml"), "--datasets", str(csv_run / "data"), "--report",
            str(tmp_path / "r"), "--out", str(tmp_path / "o"), "--version", "v9", "--curves-only"] + FAST
    assert train.main(args) == 0
    for d in ("r", "o"):
        assert [p.name for p in (tmp_path / d).iterdir()] == ["metrics.json"]
        m = json.loads((tmp_path / d / "metrics.json").read_text())
        reproduced = m["curves"].pop("reproduced")
        assert m == ran
        assert reproduced["matches_committed_results"] is True and reproduced["max_abs_fold_difference"] == 0
        assert reproduced["how"].endswith("--curves-only")
    assert train.main(args[:-len(FAST)] + FAST + ["--epochs", "7"]) == 2      # other settings: refused


def test_cli_errors_exit_2_with_a_message(csv_run, tmp_path, capsys):
    base = ["--spec", str(csv_run / "spec.yaml"), "--report", str(tmp_path / "r")]
    assert train.main(base + ["--datasets", str(tmp_path)]) == 2
    assert "dataset not found" in capsys.readouterr().err
    assert train.main(base + ["--datasets", str(csv_run / "data"), "--min_per_class", "400"]) == 2
    assert "refusing to train: need at least 400 converted" in capsys.readouterr().err
    assert not (tmp_path / "r").exists()
    assert train.main(["--spec", str(tmp_path / "missing.yaml")]) == 2
    assert "dataset spec not found" in capsys.readouterr().err


# ----------------------------------------------------------------------------- platform export (timelines)
@pytest.fixture(scope="module")
def platform_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("platform")
    write_export(root / "export", n=400, seed=2)
    args = ["--spec", str(SPECS / "platform.yaml"), "--export", str(root / "export"), "--report",
            str(root / "report"), "--out", str(root / "out"), "--version", "v7"] + FAST + ["--epochs", "12"]
    assert train.main(args) == 0
    return root


def test_platform_report_compares_with_and_without_the_sequence(platform_run):
    m, card = _check_report(platform_run / "report", ["deep", "deep_no_sequence", "logistic_regression",
                                                      "gradient_boosting"], 400)
    assert m["dataset"]["export"] == {"source": "synthetic test fixture"}
    c = m["comparison"]["deep_vs_deep_no_sequence"]
    deep, plain = m["results"]["deep"]["roc_auc"]["folds"], m["results"]["deep_no_sequence"]["roc_auc"]["folds"]
    lo, hi = c["difference_ci95"]
    assert lo < c["difference"] < hi                              # a paired interval around the mean difference
    assert c["folds"] == len(deep) == 2
    assert c["folds_deep_better"] == sum(d > p for d, p in zip(deep, plain))
    assert m["timing"]["cv_seconds"].keys() == {"deep", "deep_no_sequence", "sequence_aggregates",
                                                "logistic_regression", "gradient_boosting"}
    assert m["results"]["deep"]["roc_auc"]["mean"] > m["results"]["deep_no_sequence"]["roc_auc"]["mean"]
    assert "deep_no_sequence" in card and "viewed the pricing page" in card


def test_platform_features_json_sequence_contract(platform_run):
    spec = json.loads((platform_run / "out" / "features.json").read_text())
    assert list(spec) == ["name", "version", "created_at", "trained_on", "inputs", "output", "categorical",
                          "numeric", "labels", "sequence"]
    assert spec["trained_on"] == "sales-world" and spec["version"] == "v7"
    seq = spec["sequence"]
    assert list(seq) == ["field", "as_of_field", "inputs", "max_length", "detail", "vocabulary", "time", "labels"]
    assert (seq["field"], seq["as_of_field"], seq["max_length"]) == ("activities", "asOf", 32)
    assert seq["inputs"] == {"tokens": "seq_tokens", "time": "seq_time"}
    assert seq["detail"] == {"page_view": "page", "form_fill": "form", "meeting": "kind"}
    assert seq["time"]["transform"] == "log1p_hours" and seq["time"]["std"] > 0
    assert "page_view:pricing" in seq["vocabulary"] and "page_view" in seq["vocabulary"]
    assert set(seq["labels"]) == set(seq["vocabulary"]) and all(seq["labels"].values())
    assert seq["labels"]["page_view:pricing"] == "viewed the pricing page"
    assert set(spec["labels"]) == {c["name"] for c in spec["categorical"]} | {n["name"] for n in spec["numeric"]}


def test_platform_onnx_graph_io(platform_run):
    g = onnx.load(str(platform_run / "out" / "model.onnx"))
    onnx.checker.check_model(g)
    assert max(o.version for o in g.opset_import if o.domain in ("", "ai.onnx")) == 17
    inputs = {i.name: i for i in g.graph.input}
    assert list(inputs) == ["cat", "num", "seq_tokens", "seq_time"]
    types = {n: inputs[n].type.tensor_type.elem_type for n in inputs}
    assert types == {"cat": TensorProto.INT64, "num": TensorProto.FLOAT, "seq_tokens": TensorProto.INT64,
                     "seq_time": TensorProto.FLOAT}
    assert _dims(inputs["cat"]) == ["N", 7] and _dims(inputs["num"]) == ["N", 5]
    assert _dims(inputs["seq_tokens"]) == ["N", 32] and _dims(inputs["seq_time"]) == ["N", 32]
    (out,) = g.graph.output
    assert out.name == "probability" and _dims(out) == ["N", 1]
    assert "GRU" in {n.op_type for n in g.graph.node}


def test_platform_parity_reproduces_through_the_numpy_onnx_evaluator(platform_run):
    out = platform_run / "out"
    spec = json.loads((out / "features.json").read_text())
    inputs, (cat, num, tokens, time) = _check_parity(out, spec)
    assert len(inputs) > 25 + 20 + 16
    assert any(r.get("activities") == [] for r in inputs)                             # no activities
    assert any(len(r.get("activities") or []) > 32 for r in inputs)                  # truncation
    assert any("+02:00" in str(r.get("asOf")) for r in inputs)                       # offsets
    assert (tokens == 1).any() and (tokens == 0).any() and (tokens > 1).any()        # unknown, padding, known
    assert np.all(time[tokens == 0] == 0.0)
    assert all("asOf" in r for r in inputs if r.get("activities"))


def test_platform_refusal_below_minimum(tmp_path, capsys):
    write_export(tmp_path / "export", n=60, seed=3)
    args = ["--spec", str(SPECS / "platform.yaml"), "--export", str(tmp_path / "export"), "--report",
            str(tmp_path / "r"), "--out", str(tmp_path / "o")]
    assert train.main(args) == 2
    assert "refusing to train: need at least 50 converted and 50 unconverted" in capsys.readouterr().err
    assert not (tmp_path / "o").exists() and not (tmp_path / "r").exists()


def test_calibration_and_determinism():
    rng = np.random.default_rng(0)
    cat = rng.integers(0, 3, size=(300, 2))
    num = rng.normal(size=(300, 3)).astype(np.float32)
    y = (num[:, 0] + rng.normal(0, 0.5, 300) > 0).astype(int)
    kw = dict(epochs=3, batch_size=64, crossfit=2, num_bins=4)
    a, info = model.fit_calibrated([cat, num], y, [3, 3], **kw)
    b, _ = model.fit_calibrated([cat, num], y, [3, 3], **kw)
    pa, pb = model.probabilities(a, [cat, num]), model.probabilities(b, [cat, num])
    assert np.array_equal(pa, pb)
    logits = model.logits_of(a.net, [cat, num])
    np.testing.assert_allclose(pa, 1 / (1 + np.exp(-(info["platt_a"] * logits + info["platt_b"]))), atol=1e-6)
    assert info["members"] == 2 and info["calibration_rows"] == 300
    h, hinfo = model.fit_calibrated([cat, num], y, [3, 3], epochs=2, crossfit=0, calibration_fraction=0.25)
    assert hinfo["calibration_rows"] == 75 and hinfo["members"] == 1


def test_sequence_aggregates_for_the_baselines():
    seq = {"field": "activities", "as_of_field": "asOf", "detail": {"page_view": "page"},
           "vocabulary": ["page_view", "page_view:pricing", "email_opened"]}
    rec = {"asOf": "2026-03-01T00:00:00Z", "activities": [
        {"type": "page_view", "occurredAt": "2026-02-28T00:00:00Z", "properties": {"page": "pricing"}},
        {"type": "page_view", "occurredAt": "2026-02-01T00:00:00Z", "properties": {"page": "blog"}},
        {"type": "page_view", "occurredAt": "2026-03-05T00:00:00Z", "properties": {"page": "pricing"}}]}
    a = evaluate.sequence_aggregates(seq, [rec, {"asOf": "2026-03-01T00:00:00Z"}])
    v = seq["vocabulary"]
    names = ([f"count:{t}" for t in v] + [f"count_7d:{t}" for t in v] + [f"hours_since:{t}" for t in v]
             + ["events", "events_24h", "hours_since_newest", "hours_since_oldest"])
    assert a.shape == (2, len(names))
    row = dict(zip(names, a[0]))
    assert row["count:page_view"] == pytest.approx(np.log1p(2)) and row["count:page_view:pricing"] == pytest.approx(
        np.log1p(1))
    assert row["count:email_opened"] == 0 and row["hours_since:email_opened"] == pytest.approx(
        np.log1p(evaluate.NEVER_HOURS))
    assert row["hours_since:page_view:pricing"] == pytest.approx(np.log1p(24))
    assert row["count_7d:page_view"] == pytest.approx(np.log1p(1)) and row["events"] == pytest.approx(np.log1p(2))
    assert dict(zip(names, a[1]))["events"] == 0


def test_lift_and_calibration_helpers():
    y = np.array([1, 0, 1, 0, 0, 0, 1, 0, 0, 0] * 3, dtype=float)       # 30 rows, 9 converted
    p = np.linspace(0.95, 0.05, 30)
    lifts = evaluate.decile_lifts(y, p)
    assert len(lifts) == 10 and lifts[0] == pytest.approx((2 / 3) / 0.3)   # top 3 rows (ceil(30 / 10)): 1, 0, 1
    assert evaluate.lift_top_decile(y, p) == lifts[0]
    bins = evaluate.calibration_bins(y, p)
    assert sum(n for n, _, _ in bins) == 30 and all(0 <= m <= 1 and 0 <= r <= 1 for _, m, r in bins)
    assert evaluate.expected_calibration_error(y, p) == pytest.approx(sum(n / 30 * abs(r - m) for n, m, r in bins))
    assert evaluate.expected_calibration_error([0, 1], [0.25, 0.75]) == pytest.approx(0.25)


def test_t_interval_and_paired_comparison():
    mean, (lo, hi) = evaluate.t_interval([0.8, 0.82, 0.84])
    assert mean == pytest.approx(0.82) and hi - mean == pytest.approx(mean - lo) == pytest.approx(
        4.302652729911275 * 0.02 / np.sqrt(3))
    assert np.isnan(evaluate.t_interval([0.5])[1]).all()
    c = pipeline._paired([0.9, 0.8, 0.7], [0.85, 0.82, 0.6])
    assert c["difference"] == pytest.approx(0.13 / 3) and c["folds_deep_better"] == 2 and c["folds"] == 3
    assert (c["difference"], c["difference_ci95"]) == evaluate.t_interval(np.array([0.9, 0.8, 0.7])
                                                                          - np.array([0.85, 0.82, 0.6]))


def test_pipeline_config_precedence(tmp_path):
    spec = type("S", (), {"raw": {"model": {"epochs": 7, "hidden": [8, 4]}}, "path": tmp_path})()
    cfg = pipeline.config(["--spec", "x", "--epochs", "9"], spec)
    assert cfg["epochs"] == 9 and cfg["hidden"] == (8, 4) and cfg["dropout"] == pipeline.DEFAULTS["dropout"]


def test_train_needs_a_spec(capsys):
    with pytest.raises(SystemExit) as e:
        train.main(["--out", "ml/models/lead-score/v0"])
    assert e.value.code == 2 and "the following arguments are required: --spec" in capsys.readouterr().err
