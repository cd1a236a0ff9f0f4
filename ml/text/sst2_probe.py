"""How good are the serving text encoder's features? A linear probe on SST-2 (binary sentiment, the data the tone
head will be trained on): embed the splits with the Java encoder (deploy/local/embed.sh, the same code serving runs),
fit a logistic regression on the frozen train embeddings, pick C on dev, report accuracy on test.

    /usr/bin/python3 ml/text/sst2_probe.py                         # both encoders
    /usr/bin/python3 ml/text/sst2_probe.py --models minilm --train-limit 20000

Data: <datasets>/sst2/{train,dev,test}.tsv, where <datasets> is --datasets, else $CLOSER_DATASETS, else
../shared/datasets (relative to the repo root). test.tsv is GLUE's SST-2 dev split (872 sentences), the split usually
reported as "SST-2 accuracy". Embeddings are written under --work (default .closer/text, ignored by git, shared with
tone.py) and reused while the texts embedded (after --train-limit) and the encoder are the same (common.embed_texts).
"""
import argparse
import sys
from pathlib import Path

from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO_ROOT, embed_texts, read_sst2, resolve_datasets_dir  # noqa: E402

SPLITS = ("train", "dev", "test")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", default=None)
    ap.add_argument("--models", default="minilm,bge-small")
    ap.add_argument("--work", default=str(REPO_ROOT / ".closer/text"))
    ap.add_argument("--train-limit", type=int, default=0, help="first N train rows only (0: all)")
    args = ap.parse_args()

    root = resolve_datasets_dir(args.datasets) / "sst2"
    if not (root / "train.tsv").exists():
        sys.exit(f"no {root}/train.tsv: set --datasets or CLOSER_DATASETS")
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    data = {s: read_sst2(root / f"{s}.tsv") for s in SPLITS}
    if args.train_limit:
        data["train"] = (data["train"][0][:args.train_limit], data["train"][1][:args.train_limit])

    print(f"SST-2 from {root}: " + ", ".join(f"{s} {len(data[s][1])}" for s in SPLITS))
    for model in args.models.split(","):
        x = {}
        for s in SPLITS:
            name = f"sst2-{s}" + (f"-first{args.train_limit}" if s == "train" and args.train_limit else "")
            x[s], seconds = embed_texts(data[s][0], work, name, model)
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
