"""End to end on SYNTHETIC leads: train a few epochs, export to tmp_path, check every artefact."""
import json

import numpy as np
import onnx
import pytest
from onnx import TensorProto

from leadscore import features, model, onnx_numpy, train
from synthetic import synthetic_leads

FAST = ["--folds", "2", "--epochs", "15", "--batch_size", "64", "--parity_real_rows", "40", "--min_count", "5"]


@pytest.fixture(scope="module")
def synthetic_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("synthetic-v0")
    leads, y = synthetic_leads(n=600, seed=1)
    metrics, net, spec = train.run(leads, y, out, train.config(FAST), dataset_name="synthetic-leads",
                                   synthetic=True, log=lambda *_: None)
    return out, metrics, net, spec


def _dims(value_info):
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


def test_onnx_graph_contract(synthetic_run):
    out, *_ = synthetic_run
    m = onnx.load(str(out / "model.onnx"))
    onnx.checker.check_model(m)
    assert max(o.version for o in m.opset_import if o.domain in ("", "ai.onnx")) <= 17
    inputs = {i.name: i for i in m.graph.input}
    assert list(inputs) == ["cat", "num"]
    assert inputs["cat"].type.tensor_type.elem_type == TensorProto.INT64
    assert inputs["num"].type.tensor_type.elem_type == TensorProto.FLOAT
    assert _dims(inputs["cat"]) == ["N", 4] and _dims(inputs["num"]) == ["N", 4]
    (output,) = m.graph.output
    assert output.name == "probability" and output.type.tensor_type.elem_type == TensorProto.FLOAT
    assert _dims(output) == ["N", 1]
    assert (out / "model.onnx").stat().st_size < 100_000


def test_features_json(synthetic_run):
    out, _, _, spec = synthetic_run
    saved = json.loads((out / "features.json").read_text())
    assert saved == spec
    assert list(saved) == ["name", "version", "created_at", "trained_on", "inputs", "output",
                           "categorical", "numeric", "labels"]
    assert saved["trained_on"] == "synthetic-leads"
    for n in saved["numeric"]:
        assert set(n) == {"name", "transform", "impute", "mean", "std"} and n["std"] > 0


def test_parity_reproduces_with_torch_and_onnx_graph(synthetic_run):
    out, _, net, _ = synthetic_run
    spec = json.loads((out / "features.json").read_text())   # round-trip through JSON, as Java reads it
    lines = [json.loads(line) for line in (out / "parity.jsonl").read_text().splitlines()]
    assert len(lines) > 40 + 17
    inputs = [line["input"] for line in lines]
    expected = np.array([line["probability"] for line in lines])
    cat, num = features.encode(spec, inputs)
    again = model.predict(net, cat, num).astype(np.float64)
    assert np.array_equal(again, expected)                  # exact: same encoder, same net, eval mode
    graph = onnx_numpy.run(out / "model.onnx", cat, num)["probability"]
    assert graph.shape == (len(lines), 1)
    np.testing.assert_allclose(graph[:, 0], expected, atol=1e-5)
    assert np.all((expected >= 0) & (expected <= 1))
    assert {} in inputs and any("email" in i for i in inputs)   # edge cases are there


def test_metrics_json(synthetic_run):
    out, metrics, *_ = synthetic_run
    saved = json.loads((out / "metrics.json").read_text())
    assert saved == json.loads(json.dumps(metrics))
    assert saved["dataset"]["synthetic"] is True and saved["dataset"]["rows"] == 600
    assert saved["cv"]["folds"] == 2
    for name in ("deep", "logistic_regression"):
        for m in ("roc_auc", "pr_auc", "brier", "lift_top_decile", "ece"):
            r = saved["results"][name][m]
            assert r["ci95"][0] <= r["mean"] <= r["ci95"][1]
    for name in ("deep", "logistic_regression"):                 # the synthetic signal is learnable
        assert saved["results"][name]["roc_auc"]["mean"] > 0.65, name
    assert "Tags" in (out / "card.md").read_text()


def test_training_is_deterministic():
    leads, y = synthetic_leads(n=200, seed=2)
    spec = features.build_spec(leads, min_count=5)
    cat, num = features.encode(spec, leads)
    a, b = (model.train_net(cat, num, np.array(y), features.cardinalities(spec), epochs=2, seed=7) for _ in "ab")
    assert np.array_equal(model.predict(a, cat, num), model.predict(b, cat, num))


def test_refuses_below_minimum_class_counts(tmp_path):
    leads, y = synthetic_leads(n=300, seed=3)
    y = [0] * 251 + [1] * 49
    with pytest.raises(train.InsufficientDataError, match="at least 50 converted"):
        train.run(leads, y, tmp_path / "out", train.config(FAST), log=lambda *_: None)
    assert not (tmp_path / "out" / "model.onnx").exists()
    train.check_class_counts([0] * 50 + [1] * 50)  # exactly the minimum is fine


def test_cli_refusal_and_missing_dataset(synthetic_datasets, tmp_path, capsys, monkeypatch):
    datasets, _, _ = synthetic_datasets(n=80)   # too few of each class for the default minimum of 50
    assert train.main(["--datasets", str(datasets), "--out", str(tmp_path / "o")] + FAST) == 2
    assert "refusing to train" in capsys.readouterr().err
    monkeypatch.setenv("CLOSER_DATASETS", str(tmp_path / "nowhere"))
    assert train.main(["--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "dataset not found" in err and "CLOSER_DATASETS" in err


def test_cli_trains_on_synthetic_csv(synthetic_datasets, tmp_path):
    datasets, _, _ = synthetic_datasets(n=400)
    assert train.main(["--datasets", str(datasets), "--out", str(tmp_path / "o")] + FAST) == 0
    assert {p.name for p in (tmp_path / "o").iterdir()} == {"model.onnx", "features.json", "metrics.json",
                                                             "parity.jsonl", "card.md"}
