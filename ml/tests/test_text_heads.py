"""The text heads (ml/text): the reply generator is deterministic, balanced and keeps validation phrases apart; the
hand-written held-out set is well-formed and not in the generated text; the head helpers export graphs that compute
what they fitted; the neutral band and the unsubscribe threshold follow their rules; the embedding cache only
answers for the same texts; and each committed bundle (ml/models/tone, ml/models/reply-intent) is complete,
agrees with its metrics.json and reproduces its parity.jsonl through the numpy ONNX runner. None of it needs the
Java build; the SST-2 check skips without the datasets."""
import json
import os
import stat
import sys
from pathlib import Path

import numpy as np
import onnx
import pytest

import common
import heads
import intent
import intent_data
import tone
from leadscore import data

ML = Path(__file__).resolve().parents[1]
BUNDLES = {"tone": ML / "models/tone/v1", "reply-intent": ML / "models/reply-intent/v1"}
FILES = ("model.onnx", "features.json", "metrics.json", "card.md", "parity.jsonl")
FEATURE_KEYS = ("name", "version", "kind", "encoder", "dimension", "input", "output", "labels", "created_at",
                "trained_on", "head", "model_sha256")


# ---------------------------------------------------------------------------------------------------- generator

def test_generator_is_deterministic_balanced_and_labelled():
    a = intent_data.generate(40, "train", seed=3)
    assert a == intent_data.generate(40, "train", seed=3)
    assert a != intent_data.generate(40, "train", seed=4)
    labels = [r["label"] for r in a]
    assert tuple(sorted(set(labels), key=intent_data.LABELS.index)) == intent_data.LABELS == (
        "interested", "objection", "referral", "unsubscribe", "out_of_office", "not_interested")
    assert all(labels.count(label) == 40 for label in intent_data.LABELS)
    assert len({r["id"] for r in a}) == len(a)
    for label in intent_data.LABELS:
        texts = [" ".join(r["new_text"].lower().split()) for r in a if r["label"] == label]
        assert len(set(texts)) == len(texts)
    for r in a:
        assert r["new_text"].strip() and r["text"].strip() and r["split"] == "train"


def test_generator_makes_chains_signatures_html_and_one_liners():
    rows = intent_data.generate(200, "train")
    raw = [r["text"] for r in rows]
    assert sum(" wrote:" in t for t in raw) > 50
    assert sum("-----Original Message-----" in t for t in raw) > 10
    assert sum(t.startswith("<") for t in raw) > 20
    assert sum("Sent from my" in t for t in raw) > 20
    assert sum(len(r["new_text"]) < 25 for r in rows) > 50
    # the new text is a part of the raw reply (plain-text replies)
    assert all(r["new_text"].split("\n")[-1] in r["text"] for r in rows if not r["text"].startswith("<"))


def test_validation_uses_only_its_own_bank_entries():
    for label, kinds in intent_data.BANKS.items():
        for kind, entries in kinds.items():
            train = intent_data._split_entries(entries, "train")
            val = intent_data._split_entries(entries, "validation")
            assert train and val and not set(train) & set(val), (label, kind)
            assert sorted(train + val) == sorted(entries)
    train = {r["new_text"] for r in intent_data.generate(150, "train")}
    val = {r["new_text"] for r in intent_data.generate(150, "validation")}
    assert len(train & val) < 0.02 * len(val)


# ---------------------------------------------------------------------------------------------------- held-out

def _heldout():
    return common.read_jsonl(intent.HELDOUT)


def test_heldout_is_well_formed_with_every_label():
    rows = _heldout()
    assert len({r["id"] for r in rows}) == len(rows)
    for r in rows:
        assert set(r) == {"id", "text", "label", "new_text"}, r["id"]
        assert r["label"] in intent_data.LABELS, r["id"]
        assert r["new_text"].strip() == r["new_text"] and r["new_text"], r["id"]
    counts = {label: sum(r["label"] == label for r in rows) for label in intent_data.LABELS}
    assert min(counts.values()) >= 25, counts
    raw = [r["text"] for r in rows]
    assert sum(" wrote:" in t for t in raw) >= 5 and sum("-----Original Message-----" in t for t in raw) >= 5
    assert sum(t.lstrip().startswith("<") for t in raw) >= 5 and sum("Sent from my" in t for t in raw) >= 5
    assert sum("\n-- \n" in t or "\n--\n" in t for t in raw) >= 5


def test_heldout_is_not_generated_text():
    """Only stock one-liners ("unsubscribe", "please stop emailing me") may occur in both."""
    generated = {" ".join(r["new_text"].lower().rstrip(".!").split())
                 for split in intent_data.SPLITS for r in intent_data.generate(300, split)}
    held = [" ".join(r["new_text"].lower().rstrip(".!").split()) for r in _heldout()]
    shared = [h for h in held if h in generated]
    assert all(len(h.split()) <= 4 for h in shared) and len(shared) <= 3, shared


# ---------------------------------------------------------------------------------------------------- heads

def test_binary_logistic_regression_head_matches_sklearn_and_its_graph():
    rng = np.random.RandomState(0)
    x = rng.normal(size=(300, 16))
    y = (x[:, 0] + 0.5 * rng.normal(size=300) > 0).astype(int)
    layers = heads.logistic_regression(x, y, 1.0)
    from sklearn.linear_model import LogisticRegression
    expected = LogisticRegression(C=1.0, max_iter=5000, random_state=0).fit(x, y).predict_proba(x)
    assert np.abs(heads.forward(layers, x) - expected).max() < 1e-9
    assert np.abs(heads.run(heads.to_onnx(layers, "t"), x) - expected).max() < 1e-5


def test_mlp_graph_computes_the_numpy_head():
    rng = np.random.RandomState(1)
    layers = [(rng.normal(size=(384, 32)), rng.normal(size=32)), (rng.normal(size=(32, 6)), rng.normal(size=6))]
    x = rng.normal(size=(50, 384)).astype(np.float32)
    model = heads.to_onnx(layers, "t")
    assert model.opset_import[0].version <= 13
    got = heads.run(model, x)
    assert got.dtype == np.float32 and got.shape == (50, 6)
    assert np.abs(got - heads.forward(layers, x)).max() < 1e-5


def test_write_bundle_checks_the_graph_against_the_head(tmp_path):
    rng = np.random.RandomState(4)
    x = rng.normal(size=(200, 8))
    layers = heads.logistic_regression(x, (x[:, 0] > 0).astype(int), 1.0)
    texts = [f"t{i}" for i in range(5)]
    diff = heads.write_bundle(tmp_path / "ok", heads.to_onnx(layers, "t"), layers, {}, {}, "card", texts, x[:5])
    assert diff <= heads.PARITY_TOLERANCE and heads.check_parity(tmp_path / "ok") <= heads.PARITY_TOLERANCE
    other = [(layers[0][0] * 2, layers[0][1])]
    with pytest.raises(AssertionError, match="differs from the head"):
        heads.write_bundle(tmp_path / "bad", heads.to_onnx(layers, "t"), other, {}, {}, "card", texts, x[:5])


def test_choose_keeps_the_mlp_only_when_it_scores_strictly_higher():
    rng = np.random.RandomState(5)
    x, x_val = rng.normal(size=(200, 8)), rng.normal(size=(80, 8))
    y, y_val = (x[:, 0] > 0).astype(int), (x_val[:, 0] > 0).astype(int)
    tie = heads.choose(x, y, x_val, y_val, [0.1, 1.0], lambda yt, p: 0.5, ("score", "by_epoch"), 4, 2, 0,
                       log=lambda *a: None)
    candidates, selection, kept, timing = tie
    assert kept == "logistic_regression" and candidates[kept][2] == {"type": "logistic_regression", "C": 0.1}
    assert selection["logistic_regression"] == {"C=0.1": 0.5, "C=1": 0.5} and selection["mlp"]["by_epoch"] == [0.5] * 2
    assert set(timing) == {"logistic_regression_grid_s", "mlp_s"}
    accuracy = lambda yt, p: float((p.argmax(1) == yt).mean())      # noqa: E731
    candidates, _, kept, _ = heads.choose(x, y, x_val, y_val, [1.0], accuracy, ("score", "by_epoch"), 4, 2, 0,
                                          log=lambda *a: None)
    assert kept == max(candidates, key=lambda n: (candidates[n][0], n == "logistic_regression"))


def test_neutral_band_on_calibrated_scores():
    rng = np.random.RandomState(2)
    p = rng.uniform(size=20000)
    y = (rng.uniform(size=20000) < p).astype(int)       # calibrated: P(y = 1 | p) = p
    low, high = tone.neutral_band(p, y, window=501)
    assert 0.25 <= low <= 0.42 and 0.58 <= high <= 0.75     # the first crossing of 2/3 from 0.5 outwards
    assert list(tone.tone_of(np.array([0.1, 0.5, 0.9]), low, high)) == ["negative", "neutral", "positive"]


def test_unsubscribe_threshold_and_action():
    u = intent.UNSUB
    p = np.full((4, 6), 0.02)
    p[0, u], p[1, u], p[2, u], p[3, 0] = 0.9, 0.72, 0.62, 0.9
    p[:, 5] += 1 - p.sum(1)                                  # rows sum to 1, the named class stays on top
    y = np.array([u, u, 0, 0])                             # the 0.62 one is not an unsubscribe
    grid = [0.5, 0.55, 0.6, 0.65, 0.7]
    threshold, clean_from = intent.choose_threshold(p, y, grid, 0.1)
    assert clean_from == 0.65 and threshold == 0.75
    a = intent.unsubscribe_action(p, y, 0.7)
    assert (a["acted"], a["correct"], a["precision"], a["recall"], a["suspected_not_acted"]) == (2, 2, 1.0, 1.0, 1)


def test_per_class_report():
    r = common.per_class_report([0, 0, 1, 1, 2], [0, 1, 1, 1, 0], ["a", "b", "c"])
    assert r["accuracy"] == 0.6 and r["per_class"]["b"] == {"precision": 0.6667, "recall": 1.0, "f1": 0.8,
                                                            "support": 2, "predicted": 3}
    assert r["per_class"]["c"]["recall"] == 0.0
    assert r["confusion"]["rows_true_columns_predicted"] == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]


def test_embedding_cache_answers_only_for_the_same_texts(tmp_path, monkeypatch):
    calls = tmp_path / "calls"
    fake = tmp_path / "embed.sh"
    fake.write_text(f"""#!{sys.executable}
import json, sys, numpy as np
src, out = sys.argv[1], sys.argv[3]
open({str(calls)!r}, "a").write(" ".join(sys.argv[1:]) + "\\n")
texts = [json.loads(l)["text"] for l in open(src, encoding="utf-8")]
np.save(out + ".npy", np.array([[len(t), float("--reply" in sys.argv)] for t in texts], dtype=np.float32))
""")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(common, "EMBED_SH", fake)
    x, seconds = common.embed_texts(["ab", "c"], tmp_path, "t")
    assert x.tolist() == [[2, 0], [1, 0]] and seconds is not None
    assert common.embed_texts(["ab", "c"], tmp_path, "t")[1] is None              # cached
    assert common.embed_texts(["ab", "d"], tmp_path, "t")[1] is not None          # same count, other text
    x, _ = common.embed_texts(["ab", "d"], tmp_path, "t", reply=True)              # --reply is another input
    assert x[:, 1].tolist() == [1, 1]
    assert len(calls.read_text().splitlines()) == 3


def test_sst2_splits_when_present():
    root = data.resolve_datasets_dir(None) / "sst2"
    if not (root / "test.tsv").exists():
        pytest.skip(f"SST-2 not found at {root}; set {data.DATASETS_ENV} to the directory that contains sst2/")
    texts, labels = common.read_sst2(root / "test.tsv")
    assert len(texts) == 872 and int(labels.sum()) == 444
    assert texts[0] == "it 's a charming and often affecting journey ."


# ---------------------------------------------------------------------------------------------------- bundles

@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_bundle_is_complete_and_consistent(name):
    folder = BUNDLES[name]
    for f in FILES:
        assert (folder / f).is_file(), f
    features = json.loads((folder / "features.json").read_text())
    metrics = json.loads((folder / "metrics.json").read_text())
    for key in FEATURE_KEYS:
        assert key in features, key
    assert (features["name"], features["version"], features["kind"], features["encoder"], features["dimension"],
            features["input"], features["output"]) == (name, "v1", "text-classifier", "bge-small", 384, "embedding",
                                                       "probabilities")
    assert features["model_sha256"] == heads.sha256(folder / "model.onnx")
    model = onnx.load(str(folder / "model.onnx"))
    onnx.checker.check_model(model)
    assert max(o.version for o in model.opset_import) <= 13
    (inp,), (out,) = model.graph.input, model.graph.output
    assert inp.name == "embedding" and out.name == "probabilities"
    assert inp.type.tensor_type.elem_type == out.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert inp.type.tensor_type.shape.dim[1].dim_value == 384
    assert out.type.tensor_type.shape.dim[1].dim_value == len(features["labels"])
    kept = metrics["results"][metrics["kept"]]
    assert kept["head"] == features["head"]
    if name == "tone":
        assert features["labels"] == ["negative", "positive"]
        band = kept["test"]["neutral"]
        assert features["neutral"] == {"low": band["low"], "high": band["high"]}
        assert 0 < features["neutral"]["low"] <= 0.5 <= features["neutral"]["high"] < 1
        assert metrics["dataset"]["name"] == "sst2" and metrics["dataset"]["test_rows"] == 872
        assert kept["test"]["n"] == 872 and kept["test"]["accuracy"] >= 0.85
    else:
        assert features["labels"] == list(intent_data.LABELS)
        assert features["act"] == {"unsubscribe": kept["act_unsubscribe"]}
        assert 0.5 <= features["act"]["unsubscribe"] < 1
        for key in ("generated_validation", "heldout_new_text", "heldout_raw_via_reply_text", "simulator"):
            assert set(kept[key]["per_class"]) == set(intent_data.LABELS), key
            assert kept[key]["unsubscribe_action"]["threshold"] == features["act"]["unsubscribe"]
        assert metrics["datasets"]["train"]["synthetic"] and metrics["datasets"]["simulator"]["synthetic"]
        assert not metrics["datasets"]["heldout"]["synthetic"]
        assert kept["heldout_new_text"]["n"] == len(_heldout())


@pytest.mark.parametrize("name", sorted(BUNDLES))
def test_bundle_graph_reproduces_parity(name):
    folder = BUNDLES[name]
    rows = common.read_jsonl(folder / "parity.jsonl")
    assert 15 <= len(rows) <= 40
    assert any(r["text"] == "" for r in rows)
    for r in rows:
        assert len(r["embedding"]) == 384 and abs(sum(r["probabilities"]) - 1) < 1e-5
    assert heads.check_parity(folder) <= heads.PARITY_TOLERANCE
