"""Shared fixtures; the data they make is SYNTHETIC (see synthetic.py)."""
import pytest

from leadscore import data
from synthetic import synthetic_leads, write_synthetic_csv


@pytest.fixture
def synthetic_datasets(tmp_path):
    """A SYNTHETIC datasets dir laid out like the real one: <dir>/leads-x-education/Leads.csv."""
    def make(n=300, seed=0):
        leads, y = synthetic_leads(n, seed)
        write_synthetic_csv(data.leads_csv_path(tmp_path / "datasets"), leads, y)
        return tmp_path / "datasets", leads, y
    return make
