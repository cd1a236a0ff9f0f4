"""Classifier heads on frozen sentence-encoder vectors, and their export as ONNX head bundles.

A head is a list of dense layers [(W [in, out], b [out])] with ReLU between them and a softmax at the end:
a multinomial logistic regression is one layer, the MLP two. The ONNX graph is exactly that: input `embedding`
float32 [N, dim] -> Gemm (-> Relu -> Gemm) -> Softmax -> output `probabilities` float32 [N, K], opset 13, which the
Java side runs with ONNX Runtime after its own encoder. Python has no ONNX runtime here, so the exported graph is run
with leadscore/onnx_numpy.py (which also checks the export) and every reported figure comes from that run.
"""
import datetime as dt
import hashlib
import json
import sys
import time
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from leadscore import onnx_numpy  # noqa: E402

OPSET = 13
INPUT, OUTPUT = "embedding", "probabilities"
PARITY_TOLERANCE = 1e-5


def logistic_regression(x, y, c, seed=0):
    """A multinomial (or, for two classes, binary) logistic regression as head layers."""
    clf = LogisticRegression(C=c, max_iter=5000, random_state=seed).fit(x, y)
    w, b = clf.coef_.T.astype(np.float64), clf.intercept_.astype(np.float64)
    if w.shape[1] == 1:  # binary: softmax([-z/2, z/2]) = [1 - sigmoid(z), sigmoid(z)]
        w, b = np.hstack([-w / 2, w / 2]), np.array([-b[0] / 2, b[0] / 2])
    return [(w, b)]


def mlp(x, y, x_val, y_val, hidden=256, epochs=30, lr=1e-3, weight_decay=1e-4, dropout=0.1, batch=256, seed=1337,
        score=None):
    """A one-hidden-layer MLP (torch, AdamW, cross-entropy), keeping the epoch that scores best on the validation
    set (score(y_val, probabilities), higher is better; default accuracy). Returns (layers, best epoch, scores)."""
    import torch
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    score = score or (lambda yt, p: float((p.argmax(1) == yt).mean()))
    k = int(max(y.max(), y_val.max())) + 1
    net = torch.nn.Sequential(torch.nn.Linear(x.shape[1], hidden), torch.nn.ReLU(), torch.nn.Dropout(dropout),
                              torch.nn.Linear(hidden, k))
    opt = torch.optim.AdamW(net.parameters(), lr=lr, weight_decay=weight_decay)
    xt, yt = torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.long)
    gen = torch.Generator().manual_seed(seed)
    best, scores = None, []
    for epoch in range(1, epochs + 1):
        net.train()
        for idx in torch.randperm(len(xt), generator=gen).split(batch):
            opt.zero_grad()
            torch.nn.functional.cross_entropy(net(xt[idx]), yt[idx]).backward()
            opt.step()
        layers = [(net[0].weight.detach().numpy().T.astype(np.float64), net[0].bias.detach().numpy().astype(np.float64)),
                  (net[3].weight.detach().numpy().T.astype(np.float64), net[3].bias.detach().numpy().astype(np.float64))]
        s = score(y_val, forward(layers, x_val))
        scores.append(round(s, 4))
        if best is None or s > best[0]:
            best = (s, epoch, [(w.copy(), b.copy()) for w, b in layers])
    return best[2], best[1], scores


MLP_OPTIMIZER = "AdamW lr 1e-3 weight decay 1e-4, dropout 0.1, batch 256"


def choose(x, y, x_val, y_val, c_grid, score, score_name, hidden, epochs, seed, log=print):
    """The head kept for a bundle: a logistic regression for each C in c_grid and one MLP (its best epoch), each
    scored on the validation set by score(y_val, probabilities) (higher is better); the MLP is kept only when it
    scores strictly higher than the best regression. score_name: (what the log calls the score, the selection key
    of the MLP's per-epoch scores).

    Returns (candidates {name: (score, layers, head)}, selection {name: ...}, kept, timing)."""
    label, by_epoch = score_name
    candidates, selection, timing = {}, {"logistic_regression": {}, "mlp": {}}, {}
    started = time.time()
    for c in c_grid:
        layers = logistic_regression(x, y, c, seed)
        s = score(y_val, forward(layers, x_val))
        selection["logistic_regression"][f"C={c:g}"] = round(s, 4)
        log(f"  logistic regression C={c:g}: {label} {s:.4f}")
        if "logistic_regression" not in candidates or s > candidates["logistic_regression"][0]:
            candidates["logistic_regression"] = (s, layers, {"type": "logistic_regression", "C": c})
    timing["logistic_regression_grid_s"] = round(time.time() - started, 1)
    started = time.time()
    layers, epoch, scores = mlp(x, y, x_val, y_val, hidden=hidden, epochs=epochs, seed=seed, score=score)
    timing["mlp_s"] = round(time.time() - started, 1)
    s = score(y_val, forward(layers, x_val))
    selection["mlp"] = {"hidden": hidden, "best_epoch": epoch, by_epoch: scores}
    log(f"  MLP {hidden} hidden: {label} {s:.4f} (epoch {epoch} of {epochs})")
    candidates["mlp"] = (s, layers, {"type": "mlp", "hidden": hidden, "activation": "relu", "epochs": epoch,
                                     "optimizer": MLP_OPTIMIZER})
    kept = "mlp" if candidates["mlp"][0] > candidates["logistic_regression"][0] else "logistic_regression"
    log(f"kept: {kept} ({label} {candidates[kept][0]:.4f})")
    return candidates, selection, kept, timing


def forward(layers, x):
    """The head in numpy float64 (for choosing settings; reported figures come from the exported graph)."""
    h = np.asarray(x, dtype=np.float64)
    for i, (w, b) in enumerate(layers):
        h = h @ w + b
        if i < len(layers) - 1:
            h = np.maximum(h, 0)
    h = h - h.max(axis=1, keepdims=True)
    e = np.exp(h)
    return e / e.sum(axis=1, keepdims=True)


def to_onnx(layers, name, doc=""):
    dim, k = layers[0][0].shape[0], layers[-1][0].shape[1]
    nodes, inits, prev = [], [], INPUT
    for i, (w, b) in enumerate(layers):
        inits += [numpy_helper.from_array(w.astype(np.float32), f"W{i}"),
                  numpy_helper.from_array(b.astype(np.float32), f"b{i}")]
        out = f"logits" if i == len(layers) - 1 else f"h{i}"
        nodes.append(helper.make_node("Gemm", [prev, f"W{i}", f"b{i}"], [out], name=f"dense{i}"))
        if i < len(layers) - 1:
            nodes.append(helper.make_node("Relu", [out], [f"a{i}"], name=f"relu{i}"))
            out = f"a{i}"
        prev = out
    nodes.append(helper.make_node("Softmax", [prev], [OUTPUT], name="softmax", axis=-1))
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info(INPUT, TensorProto.FLOAT, ["N", dim])],
                              [helper.make_tensor_value_info(OUTPUT, TensorProto.FLOAT, ["N", k])], inits)
    model = helper.make_model(graph, producer_name="closer-ml-text", opset_imports=[helper.make_opsetid("", OPSET)],
                              doc_string=doc)
    model.ir_version = 7  # ONNX Runtime 1.x reads IR 7 with opset 13
    onnx.checker.check_model(model)
    return model


def run(model, x):
    """The exported graph on x (float32 [N, dim]) through onnx_numpy: probabilities float32 [N, K]."""
    return onnx_numpy.run(model, np.asarray(x, dtype=np.float32))[OUTPUT]


def sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def now():
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def write_bundle(out, model, layers, features, metrics, card, parity_texts, parity_x, parity_extra=None):
    """model.onnx, features.json, metrics.json, card.md and parity.jsonl ({"text", "embedding", "probabilities"}
    from running the written graph, plus parity_extra[i]'s fields when given) in out. The written graph, re-read, is
    checked against the head's own forward pass (layers, numpy float64) on the parity rows; raises when they differ
    by more than PARITY_TOLERANCE. Returns the largest |difference|."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(out / "model.onnx"))
    written = onnx.load(str(out / "model.onnx"))
    probs = run(written, parity_x)
    with open(out / "parity.jsonl", "w", encoding="utf-8") as f:
        for i, (text, e, p) in enumerate(zip(parity_texts, parity_x, probs)):
            row = {"text": text, **(parity_extra[i] if parity_extra else {}),
                   "embedding": [float(v) for v in np.asarray(e, np.float32)], "probabilities": [float(v) for v in p]}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    diff = float(np.abs(probs - forward(layers, parity_x)).max())
    if diff > PARITY_TOLERANCE:
        raise AssertionError(f"{out}: the exported graph differs from the head by {diff}")
    features = dict(features, model_sha256=sha256(out / "model.onnx"))
    (out / "features.json").write_text(json.dumps(features, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / "card.md").write_text(card, encoding="utf-8")
    return diff


def check_parity(folder):
    """Largest |difference| between parity.jsonl's probabilities and the bundle's graph on its embeddings; raises
    when above PARITY_TOLERANCE."""
    folder = Path(folder)
    rows = [json.loads(line) for line in open(folder / "parity.jsonl", encoding="utf-8")]
    x = np.array([r["embedding"] for r in rows], dtype=np.float32)
    expected = np.array([r["probabilities"] for r in rows], dtype=np.float32)
    diff = float(np.abs(run(onnx.load(str(folder / "model.onnx")), x) - expected).max())
    if diff > PARITY_TOLERANCE:
        raise AssertionError(f"{folder}: parity differs by {diff}")
    return diff
