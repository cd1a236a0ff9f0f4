"""The shipped X Education spec on the real Leads.csv, when it is there (skipped otherwise)."""
import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from leadscore import data, dataset_spec, evaluate, pipeline
from test_leadscore_spec import SPECS


@pytest.fixture(scope="module")
def real():
    spec = dataset_spec.load_spec(SPECS / "leads-x-education.yaml")
    path = dataset_spec.resolve_source(spec)
    if not path.is_file():
        pytest.skip(f"dataset not found at {path}; set {data.DATASETS_ENV} to the directory that contains "
                    f"{spec.source_path} to run this test")
    return dataset_spec.load_dataset(spec)


def test_every_column_is_accounted_for_and_no_leakage_column_is_a_feature(real):
    assert len(real.y) == 9240 and int(real.y.sum()) == 3561 and real.unlabelled == 0
    assert real.ignored_columns == []                 # each column is a feature, an id, the target or dropped
    used = {f.column for f in real.spec.features}
    for leak in ("Tags", "Lead Quality", "Lead Profile", "Last Activity", "Last Notable Activity",
                 "Asymmetrique Activity Index", "Asymmetrique Profile Score", "Prospect ID", "Lead Number"):
        assert leak not in used


def test_select_is_missing_and_yes_no_are_booleans(real):
    assert not any(str(r["specialization"]).strip().lower() == "select" for r in real.records)
    assert sum(r["city"] is None for r in real.records) == 1420 + 2249      # empty + 'Select'
    assert all(isinstance(r["doNotEmail"], bool) for r in real.records)
    assert real.describe()["source"] == "<datasets>/leads-x-education/Leads.csv"


def test_quick_cv_beats_trivial_baseline(real):
    cfg = pipeline.config(["--spec", str(real.spec.path), "--folds", "2", "--epochs", "8", "--crossfit", "0"],
                          real.spec)
    with threadpool_limits(limits=cfg["threads"]):   # as pipeline.run does: GBM's OpenMP can stall a busy machine
        results, _, _ = evaluate.cross_validate_dataset(real, cfg, log=lambda *_: None)
    deep = results["deep"]
    assert deep["roc_auc"]["mean"] > 0.8                       # a constant score has ROC-AUC 0.5
    assert results["logistic_regression"]["roc_auc"]["mean"] > 0.75
    assert results["gradient_boosting"]["roc_auc"]["mean"] > 0.8
    base_rate = np.mean(real.y)
    assert deep["brier"]["mean"] < base_rate * (1 - base_rate)   # Brier of always predicting the base rate
    assert deep["lift_top_decile"]["mean"] > 1.5
