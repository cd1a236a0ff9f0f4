"""Every committed version under ml/models/lead-score agrees with itself and with the encoder: its files are there,
features.json follows the contract, model.onnx's inputs match it and the numpy ONNX evaluator reproduces
parity.jsonl. A version the pipeline exported (metrics.json has `export`) must match its dataset spec and its report;
v0 predates dataset specs and stays frozen as it was built (its fields are pinned in PRE_SPEC). The reports in
ml/reports are complete."""
import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto

from leadscore import dataset_spec, evaluate, features, onnx_numpy, pipeline

ML = Path(__file__).resolve().parents[1]
MODELS = ML / "models" / "lead-score"
REPORTS = ML / "reports"
VERSIONS = sorted(p.name for p in MODELS.iterdir() if p.is_dir())
FILES = ("model.onnx", "features.json", "metrics.json", "parity.jsonl", "card.md")
METRICS = {"roc_auc", "pr_auc", "brier", "lift_top_decile", "ece"}
CONTRACT_KEYS = ["name", "version", "created_at", "trained_on", "inputs", "output", "categorical", "numeric", "labels"]
SEQUENCE_KEYS = ["field", "as_of_field", "inputs", "max_length", "detail", "vocabulary", "time", "labels"]
# What a version built before dataset specs was trained on (the fixed fields of the pre-spec recipe).
PRE_SPEC = {"v0": {"categorical": ["source", "origin", "occupation", "country"],
                   "numeric": [("websiteVisits", "log1p"), ("websiteSeconds", "log1p"),
                               ("pageViewsPerVisit", "log1p"), ("doNotEmail", "identity")],
                   "missing": ["select"], "sequence": None, "synthetic": False}}
# Per dataset: rows, leakage columns that must have been dropped, timeline tokens the model must know.
ROWS = {"leads-x-education": 9240, "sales-world": 9712}
LEAKS = {"leads-x-education": {"Tags", "Lead Quality", "Last Activity", "Unnamed: 37"},
         "sales-world": {"attributes"}}   # lifecycle_stage, disqualify_reason and the simulator's ground truth
TOKENS = {"sales-world": ("page_view", "page_view:pricing", "email_opened", "email_sent", "email_replied",
                          "demo_request", "meeting:demo", "form_fill:contact_sales")}


def _specs():
    return {s.name: s for s in map(dataset_spec.load_spec, sorted((ML / "specs").glob("*.yaml")))}


@pytest.fixture(scope="module", params=VERSIONS)
def art(request):
    """One version folder: its parsed files and what it must have been trained on."""
    folder = MODELS / request.param
    for name in FILES:
        assert (folder / name).is_file(), f"{request.param}/{name}"
    fspec = json.loads((folder / "features.json").read_text())
    metrics = json.loads((folder / "metrics.json").read_text())
    if "export" in metrics:
        spec = _specs()[fspec["trained_on"]]
        expected = {"categorical": spec.categorical, "numeric": spec.numeric, "missing": spec.missing,
                    "sequence": spec.sequence, "synthetic": spec.synthetic}
    else:
        assert request.param in PRE_SPEC, f"{request.param} was not exported by the pipeline: pin it in PRE_SPEC"
        expected = PRE_SPEC[request.param]
    parity = [json.loads(line) for line in (folder / "parity.jsonl").read_text().splitlines() if line.strip()]
    return {"version": request.param, "dir": folder, "fspec": fspec, "metrics": metrics, "parity": parity,
            "expected": expected}


def test_the_served_versions_are_there():
    assert {"v0", "v1"} <= set(VERSIONS)


def test_all_files_are_there(art):
    assert (art["dir"] / "model.onnx").stat().st_size < 2_000_000
    assert (art["dir"] / "parity.jsonl").stat().st_size < 1_500_000


def test_features_json(art):
    spec, expected = art["fspec"], art["expected"]
    assert list(spec) == CONTRACT_KEYS + (["sequence"] if expected["sequence"] else [])
    assert (spec["name"], spec["version"], spec["trained_on"]) == ("lead-score", art["version"],
                                                                   art["metrics"]["dataset"]["name"])
    assert spec["inputs"] == {"categorical": "cat", "numeric": "num"} and spec["output"] == "probability"
    assert [c["name"] for c in spec["categorical"]] == expected["categorical"]
    assert [(n["name"], n["transform"]) for n in spec["numeric"]] == [tuple(n) for n in expected["numeric"]]
    for c in spec["categorical"]:
        vocab = c["vocabulary"]
        assert vocab == [v.strip().lower() for v in vocab] and len(set(vocab)) == len(vocab) and "" not in vocab
        assert not set(vocab) & set(expected["missing"]), c["name"]
    for n in spec["numeric"]:
        assert set(n) == {"name", "transform", "impute", "mean", "std"} and n["std"] > 0
        assert n["transform"] in dataset_spec.TRANSFORMS
    assert list(spec["labels"]) == [c["name"] for c in spec["categorical"]] + [n["name"] for n in spec["numeric"]]
    assert all(spec["labels"].values())


def test_sequence_section(art):
    spec, expected = art["fspec"], art["expected"]
    if not expected["sequence"]:
        assert "sequence" not in spec                 # tabular only
        return
    seq = spec["sequence"]
    assert list(seq) == SEQUENCE_KEYS
    assert (seq["field"], seq["as_of_field"]) == ("activities", "asOf")
    assert seq["inputs"] == {"tokens": "seq_tokens", "time": "seq_time"}
    assert seq["max_length"] == expected["sequence"]["max_length"] and seq["detail"] == expected["sequence"]["detail"]
    assert seq["time"]["transform"] == "log1p_hours" and seq["time"]["std"] > 0
    vocab = seq["vocabulary"]
    assert len(set(vocab)) == len(vocab) and all(v == v.strip().lower() for v in vocab)
    for token in TOKENS.get(spec["trained_on"], ()):
        assert token in vocab, token
    for token in vocab:                               # a bare type for every type:detail token (the fallback)
        assert token.partition(":")[0] in vocab
    assert seq["labels"] == {t: features.token_label(t) for t in vocab} and all(seq["labels"].values())


def _dims(value_info):
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


def test_onnx_graph(art):
    spec = art["fspec"]
    m = onnx.load(str(art["dir"] / "model.onnx"))
    onnx.checker.check_model(m)
    assert max(o.version for o in m.opset_import if o.domain in ("", "ai.onnx")) == 17
    shapes = {i.name: (i.type.tensor_type.elem_type, _dims(i)) for i in m.graph.input}
    want = {"cat": (TensorProto.INT64, ["N", len(spec["categorical"])]),
            "num": (TensorProto.FLOAT, ["N", len(spec["numeric"])])}
    if "sequence" in spec:
        length = spec["sequence"]["max_length"]
        want.update(seq_tokens=(TensorProto.INT64, ["N", length]), seq_time=(TensorProto.FLOAT, ["N", length]))
    assert shapes == want and list(shapes) == features.input_names(spec)
    (out,) = m.graph.output
    assert out.name == "probability" and _dims(out) == ["N", 1]


def test_parity_inputs_encode_and_match_the_graph(art):
    spec, parity = art["fspec"], art["parity"]
    assert 150 <= len(parity) <= 400
    inputs = [line["input"] for line in parity]
    probs = np.array([line["probability"] for line in parity])
    assert np.all((probs > 0) & (probs < 1))
    encoded = features.encode_inputs(spec, inputs)
    cat, num = encoded[:2]
    assert np.isfinite(num).all()
    assert (cat == 0).any() and (cat > 0).any()       # unknown/missing and known levels
    if "sequence" in spec:
        tokens, time = encoded[2:]
        assert np.isfinite(time).all()
        assert (tokens == 0).any() and (tokens == 1).any() and (tokens > 1).any()
        assert set(range(2, len(spec["sequence"]["vocabulary"]) + 2)) <= set(tokens.ravel().tolist())
        assert any(r.get("activities") == [] for r in inputs) and any("+02:00" in str(r.get("asOf")) for r in inputs)
        assert any(len(r.get("activities") or []) > spec["sequence"]["max_length"] for r in inputs)
    graph = onnx_numpy.run(art["dir"] / "model.onnx", *encoded)["probability"][:, 0]
    np.testing.assert_allclose(graph, probs, atol=1e-5)


def _metrics(path, models=None):
    m = json.loads(path.read_text())
    assert set(m["dataset"]) >= {"name", "rows", "synthetic", "dropped_columns"}
    if models is not None:
        assert list(m["results"]) == models
    assert {"deep", "logistic_regression"} <= set(m["results"])
    for name in m["results"]:
        assert set(m["results"][name]) == METRICS
        for r in m["results"][name].values():
            assert set(r) >= {"mean", "ci95"}
    return m


def test_metrics_and_card(art):
    m, expected = art["metrics"], art["expected"]
    ds = m["dataset"]
    _metrics(art["dir"] / "metrics.json")
    assert ds["synthetic"] is expected["synthetic"] and m["cv"]["folds"] == 5
    assert ds["rows"] == ROWS.get(ds["name"], ds["rows"])
    assert LEAKS.get(ds["name"], set()) <= {d["column"] for d in ds["dropped_columns"]}
    card = (art["dir"] / "card.md").read_text()
    assert ("SYNTHETIC" in card) is expected["synthetic"]
    for d in ds["dropped_columns"]:
        assert d["column"] in card
    if "export" in m:                                 # exported by the pipeline together with its report
        assert m["export"]["version"] == art["version"]
        assert m["export"]["dir"] == f"ml/models/lead-score/{art['version']}"
        assert list(m["results"]) == ["deep"] + (["deep_no_sequence"] if expected["sequence"] else []) + [
            "logistic_regression", "gradient_boosting"]
        assert json.loads((REPORTS / ds["name"] / "metrics.json").read_text()) == m
    if expected["sequence"]:
        deep, plain = m["results"]["deep"]["roc_auc"]["mean"], m["results"]["deep_no_sequence"]["roc_auc"]["mean"]
        assert deep > plain                           # the sequence encoder helps
        assert "deep_no_sequence" in card


@pytest.mark.parametrize("name, models, synthetic", [
    ("sales-world", ["deep", "deep_no_sequence", "logistic_regression", "gradient_boosting"], True),
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
    assert m["dataset"]["rows"] == ROWS.get(name, m["dataset"]["rows"])
    assert LEAKS.get(name, set()) <= {d["column"] for d in m["dataset"]["dropped_columns"]}


@pytest.mark.parametrize("name, bundle", [("sales-world", MODELS / "v1"), ("leads-x-education", None),
                                          ("reply-score", ML / "models" / "reply-score" / "v1")])
def test_published_tables_are_the_formatter_output(name, bundle):
    """The README's table of each report is evaluate.format_table of its metrics.json byte for byte, and the
    card's table (the report's and the bundle's) is the same formatter's compact Markdown form (the one
    card_markdown / replyscore.card.markdown writes)."""
    results = json.loads((REPORTS / name / "metrics.json").read_text())["results"]
    assert evaluate.format_table(results) in (ML / "README.md").read_text()
    compact = evaluate.format_table(results, labels=evaluate.METRIC_NAMES, padded=False)
    assert f"\n{compact}\n" in (REPORTS / name / "card.md").read_text()
    if bundle is not None:
        assert f"\n{compact}\n" in (bundle / "card.md").read_text()


@pytest.mark.parametrize("name, module", [("sales-world", "leadscore"), ("leads-x-education", "leadscore"),
                                          ("sales-world-calls", "callwin"), ("persuasionforgood", "callwin"),
                                          ("reply-score", "replyscore")])
def test_comparisons_recompute_from_the_committed_results(name, module):
    """Each pipeline's comparison() (evaluate.paired under it) on a report's per-fold results gives its committed
    comparison, keys and order included."""
    import importlib
    m = json.loads((REPORTS / name / "metrics.json").read_text())
    got = importlib.import_module(f"{module}.pipeline").comparison(m["results"])
    assert json.dumps(got) == json.dumps(m["comparison"])


def test_the_sales_world_card_renders_from_its_committed_inputs():
    """card_markdown on v1's metrics.json and features.json and the platform spec writes the report's card.md and
    v1/card.md byte for byte. (Only v1's model.onnx is frozen once registered: the app's ModelRegistry.registerBundled
    stores a changed card or features.json in place of its copy and validates the version again.)"""
    spec = dataset_spec.load_spec(ML / "specs" / "platform.yaml")
    cfg = pipeline.config(["--spec", "ml/specs/platform.yaml", "--report", "ml/reports/sales-world",
                           "--out", "ml/models/lead-score/v1"], spec)
    metrics = json.loads((MODELS / "v1" / "metrics.json").read_text())
    fspec = json.loads((MODELS / "v1" / "features.json").read_text())
    card = pipeline.card_markdown(spec, fspec, metrics, cfg, [pipeline._command(cfg)])
    assert card == (REPORTS / "sales-world" / "card.md").read_text()
    assert card == (MODELS / "v1" / "card.md").read_text()
