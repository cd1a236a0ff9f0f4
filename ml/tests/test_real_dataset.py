"""On the real X Education data, when it is there: a quick CV run must beat a trivial baseline."""
import numpy as np
import pytest

from leadscore import data, evaluate, train


@pytest.fixture(scope="module")
def real_leads():
    path = data.leads_csv_path(data.resolve_datasets_dir())
    if not path.is_file():
        pytest.skip(f"dataset not found at {path}; set {data.DATASETS_ENV} to the directory that contains "
                    f"{data.DATASET_NAME}/{data.DATASET_FILE} to run this test")
    return data.load_leads(path)


def test_shape_and_balance(real_leads):
    leads, y = real_leads
    assert len(leads) == len(y) == 9240
    assert sum(y) == 3561
    assert not any(lead["source"] is not None and lead["source"].strip().lower() == "select" for lead in leads)


def test_quick_cv_beats_trivial_baseline(real_leads):
    leads, y = real_leads
    cfg = train.config(["--folds", "2", "--epochs", "8"])
    results = evaluate.cross_validate(leads, y, cfg, log=lambda *_: None)
    deep, lr = results["deep"], results["logistic_regression"]
    assert deep["roc_auc"]["mean"] > 0.8          # a constant score has ROC-AUC 0.5
    assert lr["roc_auc"]["mean"] > 0.75
    base_rate = np.mean(y)
    assert deep["brier"]["mean"] < base_rate * (1 - base_rate)   # Brier of always predicting the base rate
    assert deep["lift_top_decile"]["mean"] > 1.5
