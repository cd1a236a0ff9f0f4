"""What the text scripts share: reading SST-2, embedding texts through the serving encoder (deploy/local/embed.sh,
the Java code serving runs) with a cache under .closer/, and a few small helpers.

Embeddings are cached as <work>/<name>-<model>[-reply].npy with a .sha256 file beside it: the hash of the exact
JSONL handed to the encoder (texts, encoder and --reply). A cache is used only when that hash matches, so changed
texts are embedded again and an interrupted run (which writes no .sha256) is never read.
"""
import csv
import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from leadscore.data import REPO_ROOT, resolve_datasets_dir  # noqa: E402,F401  (re-exported for the scripts)

DEFAULT_ENCODER = "bge-small"
EMBED_SH = REPO_ROOT / "deploy/local/embed.sh"


def read_sst2(path):
    """(sentences, labels) of one SST-2 split: tab-separated, header `sentence<TAB>label`, no quoting."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r["sentence"].strip() for r in rows], np.array([int(r["label"]) for r in rows])


def _jsonl(texts, model, reply):
    head = json.dumps({"encoder": model, "reply": bool(reply)})
    body = "".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts))
    return head, body


def embed_texts(texts, work, name, model=DEFAULT_ENCODER, reply=False):
    """The encoder's vectors for texts (float32 [len(texts), dim]) and the seconds embedding took (None when the
    cache answered). reply=True hands the texts to embed.sh --reply, which embeds each raw reply's new text
    (ReplyText: no quoted chain, signature or HTML), as serving does."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    out = work / (f"{name}-{model}" + ("-reply" if reply else ""))
    npy, stamp = out.with_suffix(".npy"), out.with_suffix(".sha256")
    head, body = _jsonl(texts, model, reply)
    digest = hashlib.sha256((head + "\n" + body).encode("utf-8")).hexdigest()
    if stamp.exists() and stamp.read_text().strip() == digest:
        x = np.load(npy)
        if x.shape[0] == len(texts):
            return x, None
    src = out.with_suffix(".jsonl")
    src.write_text(body, encoding="utf-8")
    stamp.unlink(missing_ok=True)
    cmd = [str(EMBED_SH), str(src), "--out", str(out), "--model", model] + (["--reply"] if reply else [])
    started = time.time()
    subprocess.run(cmd, check=True)
    seconds = time.time() - started
    x = np.load(npy)
    if x.shape[0] != len(texts):
        raise RuntimeError(f"{npy}: {x.shape[0]} rows for {len(texts)} texts")
    stamp.write_text(digest + "\n")
    return x, seconds


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def per_class_report(y_true, y_pred, labels):
    """Per-class precision, recall, F1 and support, accuracy, macro F1 and the confusion matrix (rows: true label,
    columns: predicted, both in `labels` order), as plain JSON-ready numbers."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    k = len(labels)
    cm = np.zeros((k, k), dtype=int)
    for t, p in zip(y_true, y_pred):
        cm[t, p] += 1
    per = {}
    for i, name in enumerate(labels):
        tp, predicted, actual = cm[i, i], cm[:, i].sum(), cm[i, :].sum()
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per[name] = {"precision": round(float(precision), 4), "recall": round(float(recall), 4),
                     "f1": round(float(f1), 4), "support": int(actual), "predicted": int(predicted)}
    present = [per[n]["f1"] for n in labels if per[n]["support"]]
    return {"accuracy": round(float((y_true == y_pred).mean()), 4) if len(y_true) else None,
            "macro_f1": round(float(np.mean(present)), 4) if present else None,
            "n": int(len(y_true)), "per_class": per,
            "confusion": {"labels": list(labels), "rows_true_columns_predicted": cm.tolist()}}


def format_report(title, report):
    lines = [f"{title}: n={report['n']} accuracy {report['accuracy']:.4f} macro-F1 {report['macro_f1']:.4f}",
             f"  {'class':<16}{'precision':>10}{'recall':>8}{'f1':>8}{'support':>9}"]
    for name, m in report["per_class"].items():
        lines.append(f"  {name:<16}{m['precision']:>10.4f}{m['recall']:>8.4f}{m['f1']:>8.4f}{m['support']:>9}")
    cm = report["confusion"]
    lines.append("  confusion (rows true, columns predicted): " + " ".join(cm["labels"]))
    for name, row in zip(cm["labels"], cm["rows_true_columns_predicted"]):
        lines.append(f"    {name:<16}" + " ".join(f"{v:>5}" for v in row))
    return "\n".join(lines)
