"""reference.json: the training-data histograms the serving side's drift check bins against."""
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from leadscore import features, reference  # noqa: E402

MODELS = Path(__file__).resolve().parents[2] / "ml" / "models" / "lead-score"


def test_a_value_on_an_edge_goes_to_the_bin_above():
    assert reference.histogram([0.0, 1.0, 1.5, 2.0, 3.0], [1.0, 2.0]) == [1, 2, 2]


def test_deciles_merge_repeats():
    values = [0.0] * 80 + list(range(1, 21))       # 80% one imputed value
    edges = reference.numeric_edges(values)
    assert edges == sorted(set(edges)) and len(edges) < 9
    assert sum(reference.histogram(values, edges)) == 100


def test_build_counts_every_row_once():
    spec = {"categorical": [{"name": "source", "vocabulary": ["web", "ads"]}],
            "numeric": [{"name": "visits", "transform": "identity", "impute": 0.0, "mean": 0.0, "std": 1.0}]}
    rows = [{"source": "web", "visits": 1}, {"source": "ads", "visits": 5}, {"source": "fax", "visits": None}]
    ref = reference.build(spec, *features.encode(spec, rows), np.array([0.05, 0.5, 0.95]), trained_on="t",
                          synthetic=True)
    assert ref["categorical"]["source"] == [1, 1, 1]                  # unknown "fax" -> bucket 0
    assert sum(ref["numeric"]["visits"]["counts"]) == 3
    assert ref["probability"]["counts"] == [1, 0, 0, 0, 0, 1, 0, 0, 0, 1]


def test_every_committed_version_has_a_reference_that_fits_its_features():
    for folder in sorted(p for p in MODELS.iterdir() if (p / "model.onnx").exists()):
        ref = json.loads((folder / "reference.json").read_text())
        spec = json.loads((folder / "features.json").read_text())
        for c in spec["categorical"]:
            assert len(ref["categorical"][c["name"]]) == len(c["vocabulary"]) + 1, folder
            assert sum(ref["categorical"][c["name"]]) == ref["rows"], folder
        for n in spec["numeric"]:
            r = ref["numeric"][n["name"]]
            assert len(r["counts"]) == len(r["edges"]) + 1 and sum(r["counts"]) == ref["rows"], folder
        assert sum(ref["probability"]["counts"]) == ref["rows"], folder
