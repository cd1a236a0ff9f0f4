"""How good are the serving text encoder's features? A linear probe on SST-2 (binary sentiment, the data the tone
head will be trained on): embed the splits with the Java encoder (deploy/local/embed.sh, the same code serving runs),
fit a logistic regression on the frozen train embeddings, pick C on dev, report accuracy on test.

    /usr/bin/python3 ml/text/sst2_probe.py                         # both encoders
    /usr/bin/python3 ml/text/sst2_probe.py --models minilm --train-limit 20000

Data: <datasets>/sst2/{train,dev,test}.tsv, where <datasets> is --datasets, else $CLOSER_DATASETS, else
../shared/datasets (relative to the repo root). test.tsv is GLUE's SST-2 dev split (872 sentences), the split usually
reported as "SST-2 accuracy". Embeddings are written under --work (default .closer/sst2-probe, ignored by git) and
reused when they have one row per text of the split (as read, after --train-limit); otherwise the split is
embedded again.
"""
import argparse
import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from leadscore.data import REPO_ROOT, resolve_datasets_dir  # noqa: E402

SPLITS = ("train", "dev", "test")


def read_split(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [r["sentence"].strip() for r in rows], np.array([int(r["label"]) for r in rows])


def cached(npy, rows):
    """The vectors in npy when it holds exactly rows of them, else None (missing, another --train-limit, or a run
    that was interrupted: the embed command writes the row count into the header last)."""
    try:
        x = np.load(npy)
    except (OSError, ValueError):
        return None
    return x if x.shape[0] == rows else None


def embed(model, split, texts, work):
    out = work / f"{model}-{split}"
    npy = out.with_suffix(".npy")
    x = cached(npy, len(texts))
    if x is not None:
        return x, None
    src = work / f"{split}.jsonl"
    with open(src, "w", encoding="utf-8") as f:
        for i, text in enumerate(texts):
            f.write(json.dumps({"id": i, "text": text}) + "\n")
    started = time.time()
    subprocess.run([str(REPO_ROOT / "deploy/local/embed.sh"), str(src), "--out", str(out), "--model", model],
                   check=True)
    return np.load(npy), time.time() - started


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", default=None)
    ap.add_argument("--models", default="minilm,bge-small")
    ap.add_argument("--work", default=str(REPO_ROOT / ".closer/sst2-probe"))
    ap.add_argument("--train-limit", type=int, default=0, help="first N train rows only (0: all)")
    args = ap.parse_args()

    root = resolve_datasets_dir(args.datasets) / "sst2"
    if not (root / "train.tsv").exists():
        sys.exit(f"no {root}/train.tsv: set --datasets or CLOSER_DATASETS")
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    data = {s: read_split(root / f"{s}.tsv") for s in SPLITS}
    if args.train_limit:
        data["train"] = (data["train"][0][:args.train_limit], data["train"][1][:args.train_limit])

    print(f"SST-2 from {root}: " + ", ".join(f"{s} {len(data[s][1])}" for s in SPLITS))
    for model in args.models.split(","):
        x = {}
        for s in SPLITS:
            x[s], seconds = embed(model, s, data[s][0], work)
            assert x[s].shape[0] == len(data[s][1]), (model, s, x[s].shape)
            if seconds:
                print(f"  {model} {s}: {len(data[s][1])} texts embedded in {seconds:.1f} s")
        best = None
        for c in (0.1, 1.0, 10.0):
            clf = LogisticRegression(C=c, max_iter=2000).fit(x["train"], data["train"][1])
            dev = clf.score(x["dev"], data["dev"][1])
            if best is None or dev > best[0]:
                best = (dev, c, clf)
        dev, c, clf = best
        test = clf.score(x["test"], data["test"][1])
        print(f"{model}: logistic regression C={c}: dev accuracy {dev:.4f}, test accuracy {test:.4f}")


if __name__ == "__main__":
    main()
