"""Datasets setting and the Leads.csv loader, on a SYNTHETIC file shaped like the real one."""
from pathlib import Path

import pytest

from leadscore import data


def test_datasets_setting_flag_env_default(monkeypatch, tmp_path):
    monkeypatch.delenv(data.DATASETS_ENV, raising=False)
    assert data.resolve_datasets_dir() == (data.REPO_ROOT / data.DEFAULT_DATASETS).resolve()
    monkeypatch.setenv(data.DATASETS_ENV, str(tmp_path / "from-env"))
    assert data.resolve_datasets_dir() == tmp_path / "from-env"
    assert data.resolve_datasets_dir(str(tmp_path / "from-flag")) == tmp_path / "from-flag"
    monkeypatch.setenv(data.DATASETS_ENV, "some/relative")
    assert data.resolve_datasets_dir() == data.REPO_ROOT / "some" / "relative"
    assert data.leads_csv_path(Path("/d")) == Path("/d") / "leads-x-education" / "Leads.csv"


def test_load_synthetic_csv(synthetic_datasets):
    datasets, leads, y = synthetic_datasets(n=120)
    loaded, loaded_y = data.load_leads(data.leads_csv_path(datasets))
    assert loaded_y == y
    assert loaded == leads  # 'Select' and empty -> None, Yes/No -> bool, numbers stay numbers
    assert set(loaded[0]) == set(data.COLUMN_MAP)
    assert all(isinstance(lead["doNotEmail"], bool) for lead in loaded)
    assert all(isinstance(lead["websiteSeconds"], int) for lead in loaded)


def test_leakage_columns_are_listed_with_reasons():
    dropped = {d["column"]: d["reason"] for d in data.DROPPED_COLUMNS}
    for column in ["Unnamed: 37", "Tags", "Lead Quality", "Lead Profile", "Last Activity", "Last Notable Activity",
                   "Asymmetrique Activity Index", "Asymmetrique Profile Index", "Asymmetrique Activity Score",
                   "Asymmetrique Profile Score"]:
        assert dropped[column]
    assert not set(dropped) & set(data.COLUMN_MAP.values())


def test_missing_file_says_how_to_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match=data.DATASETS_ENV):
        data.load_leads(data.leads_csv_path(tmp_path))
