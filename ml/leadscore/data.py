"""Load the X Education leads dataset as Closer lead records.

The datasets directory is a setting: `--datasets` flag, else env CLOSER_DATASETS, else
`../shared/datasets`. Relative paths are resolved against the repository root. The file is
<datasets>/leads-x-education/Leads.csv; it is read in place, never copied into the repo.

Quick check (prints rows and class balance):
    /usr/bin/python3 ml/leadscore/data.py [--datasets DIR]
"""
import os
import sys
from pathlib import Path

import pandas as pd

REPO_ROOT = Path(__file__).resolve().parents[2]
DATASETS_ENV = "CLOSER_DATASETS"
DEFAULT_DATASETS = "../shared/datasets"
DATASET_NAME = "leads-x-education"
DATASET_FILE = "Leads.csv"
TARGET = "Converted"

# Closer lead field <- X Education column
COLUMN_MAP = {
    "source": "Lead Source",
    "origin": "Lead Origin",
    "occupation": "What is your current occupation",
    "country": "Country",
    "websiteVisits": "TotalVisits",
    "websiteSeconds": "Total Time Spent on Website",
    "pageViewsPerVisit": "Page Views Per Visit",
    "doNotEmail": "Do Not Email",
}
YES_NO = {"yes": True, "no": False}

_LEAK = "; not known when the lead is created and leaks the outcome"
# Columns that must never be used as features, with the reason (also listed in metrics.json and card.md).
DROPPED_COLUMNS = [
    {"column": "Unnamed: 37", "reason": "artefact of the trailing comma on every line; empty in every row"},
    {"column": "Tags", "reason": "sales team's status note written during/after follow-up, e.g. 'Closed by Horizzon', "
                                 "'Lost to EINS'" + _LEAK},
    {"column": "Lead Quality", "reason": "sales rep's judgement of the lead after contacting it" + _LEAK},
    {"column": "Lead Profile", "reason": "profile assigned by the sales team during follow-up" + _LEAK},
    {"column": "Last Activity", "reason": "the lead's latest activity, recorded during follow-up "
                                          "(e.g. 'Had a Phone Conversation')" + _LEAK},
    {"column": "Last Notable Activity", "reason": "latest notable activity, recorded during follow-up" + _LEAK},
] + [
    {"column": f"Asymmetrique {c}", "reason": "score assigned by the sales team during follow-up" + _LEAK}
    for c in ("Activity Index", "Profile Index", "Activity Score", "Profile Score")
]


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


def leads_csv_path(datasets_dir):
    return Path(datasets_dir) / DATASET_NAME / DATASET_FILE


def _missing_if_select(value):
    """Empty cells and the form placeholder 'Select' mean 'not given'."""
    if pd.isna(value):
        return None
    if isinstance(value, str) and value.strip().lower() in ("", "select"):
        return None
    return value


def _plain_number(value):
    """Integral floats -> int, so records look like what a CRM would send (5, not 5.0)."""
    if value is None or pd.isna(value):
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def load_leads(csv_path):
    """Read Leads.csv -> (leads: list of raw lead dicts keyed by Closer field, y: list of 0/1).

    Values stay raw (original case and whitespace, numbers as numbers, doNotEmail as bool);
    missing, empty and 'Select' become None. Normalisation is the encoder's job.
    """
    csv_path = Path(csv_path)
    if not csv_path.is_file():
        raise FileNotFoundError(
            f"dataset not found at {csv_path}; set {DATASETS_ENV} (or pass --datasets) to the directory "
            f"that contains {DATASET_NAME}/{DATASET_FILE}")
    frame = pd.read_csv(csv_path)
    frame = frame.drop(columns=[d["column"] for d in DROPPED_COLUMNS], errors="ignore")
    missing = [c for c in list(COLUMN_MAP.values()) + [TARGET] if c not in frame.columns]
    if missing:
        raise ValueError(f"{csv_path}: missing columns {missing}")
    leads = []
    for row in frame[list(COLUMN_MAP.values())].itertuples(index=False, name=None):
        lead = {}
        for (field, _), value in zip(COLUMN_MAP.items(), row):
            value = _missing_if_select(value)
            if field == "doNotEmail" and value is not None:
                value = YES_NO[str(value).strip().lower()]
            elif field in ("websiteVisits", "websiteSeconds", "pageViewsPerVisit"):
                value = _plain_number(value)
            lead[field] = value
        leads.append(lead)
    y = frame[TARGET].astype(int).tolist()
    return leads, y


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--datasets", default=None)
    args = ap.parse_args()
    path = leads_csv_path(resolve_datasets_dir(args.datasets))
    try:
        leads, y = load_leads(path)
    except FileNotFoundError as e:
        sys.exit(str(e))
    print(f"{path}: {len(leads)} rows, converted={sum(y)}, not converted={len(y) - sum(y)}")
    print("first lead:", leads[0])
