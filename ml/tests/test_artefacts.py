"""The committed artefacts in ml/models/lead-score/v0 agree with each other and with the encoder."""
import json
from pathlib import Path

import numpy as np
import onnx
import pytest

from leadscore import features, onnx_numpy

V0 = Path(__file__).resolve().parents[1] / "models" / "lead-score" / "v0"


@pytest.fixture(scope="module")
def spec():
    return json.loads((V0 / "features.json").read_text())


@pytest.fixture(scope="module")
def parity():
    return [json.loads(line) for line in (V0 / "parity.jsonl").read_text().splitlines() if line.strip()]


def test_all_files_are_there():
    for name in ("model.onnx", "features.json", "metrics.json", "parity.jsonl", "card.md"):
        assert (V0 / name).is_file(), name
    assert (V0 / "model.onnx").stat().st_size < 100_000


def test_features_json(spec):
    assert list(spec) == ["name", "version", "created_at", "trained_on", "inputs", "output",
                          "categorical", "numeric", "labels"]
    assert (spec["name"], spec["version"], spec["trained_on"]) == ("lead-score", "v0", "leads-x-education")
    assert spec["inputs"] == {"categorical": "cat", "numeric": "num"} and spec["output"] == "probability"
    assert [c["name"] for c in spec["categorical"]] == features.CATEGORICAL
    assert [n["name"] for n in spec["numeric"]] == [n for n, _ in features.NUMERIC]
    for c in spec["categorical"]:
        assert c["vocabulary"] == [v.strip().lower() for v in c["vocabulary"]] and len(set(c["vocabulary"])) == \
            len(c["vocabulary"]) and "" not in c["vocabulary"] and "select" not in c["vocabulary"]
    for n in spec["numeric"]:
        assert n["transform"] in ("log1p", "identity") and n["std"] > 0
    assert set(spec["labels"]) == set(features.FIELDS)


def test_metrics_json():
    metrics = json.loads((V0 / "metrics.json").read_text())
    ds = metrics["dataset"]
    assert (ds["name"], ds["rows"], ds["synthetic"]) == ("leads-x-education", 9240, False)
    assert {"Tags", "Lead Quality", "Last Activity", "Unnamed: 37"} <= {d["column"] for d in ds["dropped_columns"]}
    assert metrics["cv"]["folds"] == 5
    for name in ("deep", "logistic_regression"):
        assert set(metrics["results"][name]) == {"roc_auc", "pr_auc", "brier", "lift_top_decile", "ece"}


def test_onnx_graph():
    m = onnx.load(str(V0 / "model.onnx"))
    onnx.checker.check_model(m)
    assert [i.name for i in m.graph.input] == ["cat", "num"]
    assert [o.name for o in m.graph.output] == ["probability"]


def test_parity_inputs_encode_and_match_the_graph(spec, parity):
    assert 150 <= len(parity) <= 300
    inputs = [line["input"] for line in parity]
    probs = np.array([line["probability"] for line in parity])
    assert np.all((probs > 0) & (probs < 1))
    cat, num = features.encode(spec, inputs)
    assert np.isfinite(num).all()
    assert (cat == 0).any() and (cat > 0).any()
    graph = onnx_numpy.run(V0 / "model.onnx", cat, num)["probability"][:, 0]
    np.testing.assert_allclose(graph, probs, atol=1e-5)
