"""Encoder rules on hand-computed values (the same rules the Java encoder implements)."""
import math

import numpy as np
import pytest

from leadscore import features

VOCAB = ["google", "direct traffic", "olark chat"]
LOG_SPEC = {"name": "websiteVisits", "transform": "log1p", "impute": 3.0, "mean": 1.0, "std": 0.5}
BOOL_SPEC = {"name": "doNotEmail", "transform": "identity", "impute": 0.0, "mean": 0.2, "std": 0.4}
FIELDS = {"categorical": ["source", "origin", "occupation", "country"],
          "numeric": [("websiteVisits", "log1p"), ("websiteSeconds", "log1p"), ("pageViewsPerVisit", "log1p"),
                      ("doNotEmail", "identity")]}


@pytest.mark.parametrize("value, index", [
    ("google", 1), ("direct traffic", 2), ("olark chat", 3),
    ("Google", 1), ("  GOOGLE \t", 1), ("Direct Traffic", 2), ("\nOlark Chat ", 3),  # case / whitespace
    ("bing", 0), ("googl", 0), ("google ads", 0), ("direct  traffic", 0),           # unknown -> 0
    (None, 0), (float("nan"), 0), ("", 0), ("   ", 0),                               # missing / empty -> 0
    ("select", 0), ("Select", 0),   # not in vocabulary -> 0 (encoder has no special case for it)
    (42, 0), (True, 0),             # non-strings are str()-ed, then unknown
])
def test_encode_category(value, index):
    assert features.encode_category(value, VOCAB) == index


def test_select_is_an_ordinary_string_for_the_encoder():
    assert features.encode_category("  SELECT ", ["select"]) == 1


def test_build_vocabulary_min_count_order_and_normalisation():
    values = ["B"] * 12 + ["b "] * 3 + ["a"] * 15 + ["c"] * 15 + ["rare"] * 9 + [None, "", "  "] * 20
    # b: 15 after normalisation ties with a and c -> alphabetical; rare (9) < min_count 10 is dropped
    assert features.build_vocabulary(values, min_count=10) == ["a", "b", "c"]
    assert features.build_vocabulary(["x"] * 2 + ["y"] * 3, min_count=1) == ["y", "x"]


@pytest.mark.parametrize("value, expected", [
    (None, (math.log1p(3.0) - 1.0) / 0.5),        # impute raw median 3, then transform
    (float("nan"), (math.log1p(3.0) - 1.0) / 0.5),
    (0, -2.0),                                    # log1p(0) = 0 -> (0 - 1) / 0.5
    (-7, -2.0),                                   # negatives clamp to 0 before log1p
    (math.e - 1, 0.0),                            # log1p(e - 1) = 1 = mean
    (True, (math.log1p(1.0) - 1.0) / 0.5),        # booleans are 1/0 before the transform
    (False, -2.0),
    (5, (math.log1p(5.0) - 1.0) / 0.5),
    (5.0, (math.log1p(5.0) - 1.0) / 0.5),
    (" 5 ", (math.log1p(5.0) - 1.0) / 0.5),       # convenience only: numeric strings parse
    ("", (math.log1p(3.0) - 1.0) / 0.5),
])
def test_encode_number_log1p(value, expected):
    assert features.encode_number(value, LOG_SPEC) == pytest.approx(expected, rel=1e-15, abs=1e-15)


@pytest.mark.parametrize("value, expected", [(True, 2.0), (False, -0.5), (None, -0.5), (1, 2.0), (0.5, 0.75)])
def test_encode_number_untransformed(value, expected):
    assert features.encode_number(value, BOOL_SPEC) == pytest.approx(expected)


def test_unknown_transform_is_an_error():
    with pytest.raises(ValueError):
        features.encode_number(1.0, {**BOOL_SPEC, "transform": "sqrt"})


def test_build_spec_statistics_and_encode():
    leads = [
        {"source": "Google", "websiteVisits": 1, "websiteSeconds": 0, "pageViewsPerVisit": 2, "doNotEmail": True},
        {"source": " google", "websiteVisits": 3, "websiteSeconds": 0, "doNotEmail": False},
        {"source": "Bing", "websiteVisits": None, "websiteSeconds": 0, "pageViewsPerVisit": None},
    ]
    spec = features.build_spec(leads, min_count=2, **FIELDS)
    assert spec["categorical"][0] == {"name": "source", "vocabulary": ["google"]}
    assert spec["categorical"][1] == {"name": "origin", "vocabulary": []}
    visits = spec["numeric"][0]
    assert visits["impute"] == 2.0                                    # median of raw 1, 3
    z = np.log1p([1.0, 3.0, 2.0])                                      # missing -> 2 before the stats
    assert visits["mean"] == pytest.approx(z.mean()) and visits["std"] == pytest.approx(z.std())
    assert spec["numeric"][1]["std"] == 1.0                           # constant column: std 0 -> 1
    assert spec["numeric"][3]["impute"] == 0.5                        # median of raw booleans 1, 0
    cat, num = features.encode(spec, leads + [{}])
    assert cat.dtype == np.int64 and cat.shape == (4, 4)
    assert num.dtype == np.float32 and num.shape == (4, 4)
    assert cat[:, 0].tolist() == [1, 1, 0, 0]
    assert num[3, 0] == np.float32((math.log1p(2.0) - visits["mean"]) / visits["std"])
    assert features.cardinalities(spec) == [2, 1, 1, 1]


def test_spec_has_the_json_contract_keys():
    spec = features.build_spec([{"source": "a"}] * 3, trained_on="tiny", version="v9",
                               labels={"source": "lead source"}, **FIELDS)
    assert list(spec) == ["name", "version", "created_at", "trained_on", "inputs", "output",
                          "categorical", "numeric", "labels"]
    assert (spec["name"], spec["version"], spec["trained_on"]) == ("lead-score", "v9", "tiny")
    assert spec["inputs"] == {"categorical": "cat", "numeric": "num"} and spec["output"] == "probability"
    assert [c["name"] for c in spec["categorical"]] == ["source", "origin", "occupation", "country"]
    assert [n["name"] for n in spec["numeric"]] == ["websiteVisits", "websiteSeconds", "pageViewsPerVisit",
                                                    "doNotEmail"]
    assert list(spec["labels"]) == FIELDS["categorical"] + [n for n, _ in FIELDS["numeric"]]
    assert spec["labels"]["source"] == "lead source" and spec["labels"]["origin"] == "origin"   # name by default
    assert spec["created_at"].endswith("Z")
