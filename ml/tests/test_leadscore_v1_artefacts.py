"""The committed artefacts in ml/models/lead-score/v1 (the sales-world model with the sequence encoder, trained on
SYNTHETIC data) agree with each other, with the platform spec and with the encoder; the reports are complete."""
import json
from pathlib import Path

import numpy as np
import onnx
import pytest

from leadscore import dataset_spec, features, onnx_numpy

ML = Path(__file__).resolve().parents[1]
V1 = ML / "models" / "lead-score" / "v1"
REPORTS = ML / "reports"
MODELS = ["deep", "deep_no_sequence", "logistic_regression", "gradient_boosting"]
METRICS = {"roc_auc", "pr_auc", "brier", "lift_top_decile", "ece"}


@pytest.fixture(scope="module")
def spec():
    return json.loads((V1 / "features.json").read_text())


@pytest.fixture(scope="module")
def parity():
    return [json.loads(line) for line in (V1 / "parity.jsonl").read_text().splitlines() if line.strip()]


def test_all_files_are_there():
    for name in ("model.onnx", "features.json", "metrics.json", "parity.jsonl", "card.md"):
        assert (V1 / name).is_file(), name
    assert (V1 / "model.onnx").stat().st_size < 2_000_000
    assert (V1 / "parity.jsonl").stat().st_size < 1_500_000


def test_features_json_matches_the_platform_spec(spec):
    platform = dataset_spec.load_spec(ML / "specs" / "platform.yaml")
    assert list(spec) == ["name", "version", "created_at", "trained_on", "inputs", "output", "categorical",
                          "numeric", "labels", "sequence"]
    assert (spec["name"], spec["version"], spec["trained_on"]) == ("lead-score", "v1", "sales-world")
    assert spec["inputs"] == {"categorical": "cat", "numeric": "num"} and spec["output"] == "probability"
    assert [c["name"] for c in spec["categorical"]] == platform.categorical
    assert [(n["name"], n["transform"]) for n in spec["numeric"]] == platform.numeric
    for c in spec["categorical"]:
        assert c["vocabulary"] == [v.strip().lower() for v in c["vocabulary"]] and "" not in c["vocabulary"]
        assert len(set(c["vocabulary"])) == len(c["vocabulary"])
    for n in spec["numeric"]:
        assert set(n) == {"name", "transform", "impute", "mean", "std"} and n["std"] > 0
    assert set(spec["labels"]) == set(platform.categorical) | {n for n, _ in platform.numeric}
    seq = spec["sequence"]
    assert list(seq) == ["field", "as_of_field", "inputs", "max_length", "detail", "vocabulary", "time", "labels"]
    assert (seq["field"], seq["as_of_field"]) == ("activities", "asOf")
    assert seq["inputs"] == {"tokens": "seq_tokens", "time": "seq_time"}
    assert seq["max_length"] == platform.sequence["max_length"] and seq["detail"] == platform.sequence["detail"]
    assert seq["time"]["transform"] == "log1p_hours" and seq["time"]["std"] > 0
    vocab = seq["vocabulary"]
    assert len(set(vocab)) == len(vocab) and all(v == v.strip().lower() for v in vocab)
    for token in ("page_view", "page_view:pricing", "email_opened", "email_sent", "email_replied", "demo_request",
                  "meeting:demo", "form_fill:contact_sales"):
        assert token in vocab, token
    for token in vocab:                               # a bare type for every type:detail token (the fallback)
        assert token.partition(":")[0] in vocab
    assert set(seq["labels"]) == set(vocab) and all(seq["labels"].values())
    assert seq["labels"]["page_view:pricing"] == "viewed the pricing page"
    assert seq["labels"]["email_replied"] == "replied to an email"
    assert seq["labels"]["demo_request"] == "requested a demo"


def test_onnx_graph(spec):
    m = onnx.load(str(V1 / "model.onnx"))
    onnx.checker.check_model(m)
    assert max(o.version for o in m.opset_import if o.domain in ("", "ai.onnx")) == 17
    dims = {i.name: [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim] for i in m.graph.input}
    L = spec["sequence"]["max_length"]
    assert dims == {"cat": ["N", len(spec["categorical"])], "num": ["N", len(spec["numeric"])],
                    "seq_tokens": ["N", L], "seq_time": ["N", L]}
    assert [o.name for o in m.graph.output] == ["probability"]


def test_parity_inputs_encode_and_match_the_graph(spec, parity):
    assert 200 <= len(parity) <= 400
    inputs = [line["input"] for line in parity]
    probs = np.array([line["probability"] for line in parity])
    assert np.all((probs > 0) & (probs < 1))
    encoded = features.encode_inputs(spec, inputs)
    cat, num, tokens, time = encoded
    assert np.isfinite(num).all() and np.isfinite(time).all()
    assert (tokens == 0).any() and (tokens == 1).any() and (tokens > 1).any()
    assert set(range(2, len(spec["sequence"]["vocabulary"]) + 2)) <= set(tokens.ravel().tolist())
    graph = onnx_numpy.run(V1 / "model.onnx", *encoded)["probability"][:, 0]
    np.testing.assert_allclose(graph, probs, atol=1e-5)
    assert any(r.get("activities") == [] for r in inputs) and any("+02:00" in str(r.get("asOf")) for r in inputs)
    assert any(len(r.get("activities") or []) > spec["sequence"]["max_length"] for r in inputs)


def _metrics(path, models):
    m = json.loads(path.read_text())
    assert set(m["dataset"]) >= {"name", "rows", "synthetic", "dropped_columns"}
    assert list(m["results"]) == models
    for name in models:
        assert set(m["results"][name]) == METRICS
        for r in m["results"][name].values():
            assert set(r) >= {"mean", "ci95"}
    return m


def test_v1_metrics_and_card():
    m = _metrics(V1 / "metrics.json", MODELS)
    assert m["dataset"]["name"] == "sales-world" and m["dataset"]["synthetic"] is True
    assert m["cv"]["folds"] == 5 and m["export"]["version"] == "v1"
    deep, plain = m["results"]["deep"]["roc_auc"]["mean"], m["results"]["deep_no_sequence"]["roc_auc"]["mean"]
    assert deep > plain                                # the sequence encoder helps
    card = (V1 / "card.md").read_text()
    assert "SYNTHETIC" in card and "deep_no_sequence" in card
    assert json.loads((REPORTS / "sales-world" / "metrics.json").read_text()) == m


@pytest.mark.parametrize("name, models, synthetic", [
    ("sales-world", MODELS, True),
    ("leads-x-education", ["deep", "logistic_regression", "gradient_boosting"], False),
])
def test_reports(name, models, synthetic):
    folder = REPORTS / name
    for f in ("metrics.json", "card.md", "roc.png", "calibration.png", "lift.png"):
        assert (folder / f).is_file(), f
    m = _metrics(folder / "metrics.json", models)
    assert m["dataset"]["name"] == name and m["dataset"]["synthetic"] is synthetic
    card = (folder / "card.md").read_text()
    for d in m["dataset"]["dropped_columns"]:
        assert d["column"] in card
    if not synthetic:
        assert {"Tags", "Lead Quality", "Last Activity", "Unnamed: 37"} <= {d["column"] for d in
                                                                           m["dataset"]["dropped_columns"]}
        assert m["dataset"]["rows"] == 9240
