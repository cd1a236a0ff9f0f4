"""Shared training settings: where the datasets and platform exports live, and the refusal to train on too few
rows per class.

The datasets directory is a setting: `--datasets` flag, else env CLOSER_DATASETS, else
`../shared/datasets`. Relative paths are resolved against the repository root. Dataset files are
read in place (see dataset_spec.py), never copied into the repo.

Platform exports (platform_export.py) go under the exports directory, also a setting: env CLOSER_EXPORTS, else
`.closer/exports` (ignored by git, beside the app's other local state). A closer_export spec named N reads
`<exports>/N` unless `--export DIR` says otherwise.
"""
import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
DATASETS_ENV = "CLOSER_DATASETS"
DEFAULT_DATASETS = "../shared/datasets"
EXPORTS_ENV = "CLOSER_EXPORTS"
DEFAULT_EXPORTS = ".closer/exports"

MIN_PER_CLASS = 50   # refuse to train with fewer converted or unconverted rows than this


class InsufficientDataError(ValueError):
    pass


def check_class_counts(y, minimum=MIN_PER_CLASS):
    """(converted, unconverted) counts; raises InsufficientDataError below `minimum` of either class."""
    pos = int(sum(int(v) for v in y))
    neg = len(y) - pos
    if pos < minimum or neg < minimum:
        raise InsufficientDataError(
            f"refusing to train: need at least {minimum} converted and {minimum} unconverted leads, "
            f"got {pos} converted and {neg} unconverted")
    return pos, neg


def resolve_datasets_dir(flag=None):
    """Datasets directory from flag, else $CLOSER_DATASETS, else the default; relative -> repo root."""
    value = flag or os.environ.get(DATASETS_ENV) or DEFAULT_DATASETS
    path = Path(value).expanduser()
    return path if path.is_absolute() else (REPO_ROOT / path).resolve()


def resolve_exports_dir():
    """Exports directory from $CLOSER_EXPORTS, else .closer/exports; relative -> repo root."""
    path = Path(os.environ.get(EXPORTS_ENV) or DEFAULT_EXPORTS).expanduser()
    return path if path.is_absolute() else (REPO_ROOT / path).resolve()
