"""Dataset specs: loading, validation errors with clear messages, and the CSV / platform-export loaders.
All data here are SYNTHETIC (written by the tests)."""
import json
from pathlib import Path

import pytest
import yaml

from leadscore import data, dataset_spec, features
from platform_fixture import write_export

SPECS = Path(__file__).resolve().parents[1] / "specs"

CSV = """Id,Channel,Visits,Opt Out,Won,Notes,Created,Secret Score,Extra
a1,Web,3,No,yes,hello,2026-01-01T00:00:00Z,9,x
a2, web ,,Yes,no,,2026-01-02T00:00:00Z,1,x
a3,Select,5.5,no,maybe,,2026-01-03T00:00:00Z,1,x
a4,Phone,7,YES,YES,,2026-01-04T00:00:00Z,9,x
"""


def spec_dict(**over):
    base = {
        "name": "tiny",
        "synthetic": True,
        "source": {"format": "csv", "path": "tiny/tiny.csv"},
        "id": ["Id"],
        "target": {"column": "Won", "positive": ["yes"], "negative": ["no"]},
        "missing": ["Select"],
        "categorical": [{"column": "Channel", "feature": "channel"}],
        "numeric": [{"column": "Visits", "transform": "log1p"}],
        "boolean": [{"column": "Opt Out", "feature": "optOut", "label": "opted out"}],
        "text": ["Notes"],
        "timestamp": ["Created"],
        "drop": [{"column": "Secret Score", "reason": "written after the outcome"}],
        "renames": {"Visits": "visits"},
    }
    base.update(over)
    return base


def write(tmp_path, spec, csv_text=CSV, suffix=".yaml"):
    (tmp_path / "tiny").mkdir(exist_ok=True)
    (tmp_path / "tiny" / "tiny.csv").write_text(csv_text)
    path = tmp_path / f"spec{suffix}"
    path.write_text(json.dumps(spec) if suffix == ".json" else yaml.safe_dump(spec))
    return path


def test_loads_csv_with_roles_renames_missing_markers_and_labels(tmp_path):
    path = write(tmp_path, spec_dict())
    ds = dataset_spec.load_dataset(path, datasets=str(tmp_path))
    assert ds.y.tolist() == [1, 0, 1]                     # "maybe" is unlabelled and skipped
    assert ds.unlabelled == 1 and ds.ids == ["a1", "a2", "a4"]
    assert ds.records == [
        {"channel": "Web", "visits": 3, "optOut": False},
        {"channel": " web ", "visits": None, "optOut": True},     # raw value kept; empty cell -> None
        {"channel": "Phone", "visits": 7, "optOut": True},
    ]
    assert ds.ignored_columns == ["Extra"]
    s = ds.spec
    assert s.categorical == ["channel"] and s.numeric == [("visits", "log1p"), ("optOut", "identity")]
    assert s.labels == {"channel": "channel", "visits": "visits", "optOut": "opted out"}
    info = ds.describe()
    assert info["name"] == "tiny" and info["rows"] == 3 and info["synthetic"] is True
    assert info["dropped_columns"] == [{"column": "Secret Score", "reason": "written after the outcome"}]
    assert info["text_columns_not_used"] == ["Notes"] and info["ignored_columns"] == ["Extra"]


def test_json_spec_and_select_marker(tmp_path):
    path = write(tmp_path, spec_dict(target={"column": "Won", "positive": "yes"}), suffix=".json")
    ds = dataset_spec.load_dataset(path, datasets=str(tmp_path))
    assert ds.y.tolist() == [1, 0, 0, 1]                  # no negative list: everything else is 0
    assert ds.records[2]["channel"] is None               # "Select" is a missing marker


def test_datasets_setting_from_env(tmp_path, monkeypatch):
    path = write(tmp_path, spec_dict())
    monkeypatch.setenv(data.DATASETS_ENV, str(tmp_path))
    assert len(dataset_spec.load_dataset(path).y) == 3


def test_datasets_setting_flag_env_default(monkeypatch, tmp_path):
    monkeypatch.delenv(data.DATASETS_ENV, raising=False)
    assert data.resolve_datasets_dir() == (data.REPO_ROOT / data.DEFAULT_DATASETS).resolve()
    monkeypatch.setenv(data.DATASETS_ENV, str(tmp_path / "from-env"))
    assert data.resolve_datasets_dir() == tmp_path / "from-env"
    assert data.resolve_datasets_dir(str(tmp_path / "from-flag")) == tmp_path / "from-flag"
    monkeypatch.setenv(data.DATASETS_ENV, "some/relative")
    assert data.resolve_datasets_dir() == data.REPO_ROOT / "some" / "relative"


@pytest.mark.parametrize("change, message", [
    ({"categorical": [{"column": "Chanel"}]}, "unknown column 'Chanel'.*did you mean \\['Channel'\\]"),
    ({"target": {"column": "Outcome"}}, "target column 'Outcome' not found"),
    ({"target": {"column": "Won", "positive": ["won"], "negative": ["lost"]}}, "no labelled rows"),
    ({"numeric": [{"column": "Visits", "transform": "sqrt"}]}, "transform must be one of"),
    ({"numeric": [{"column": "Channel"}]}, "listed twice"),
    ({"drop": [{"column": "Secret Score"}]}, "needs a `reason`"),
    ({"drop": [{"column": "Channel", "reason": "x"}]}, "listed twice"),
    ({"categorical": [], "numeric": [], "boolean": []}, "no features"),
    ({"boolean": [{"column": "Notes"}], "text": []}, "cannot read 'hello' as yes/no"),
    ({"numeric": [{"column": "Channel"}], "categorical": []}, "'Web' is not a number"),
    ({"categorical": [{"column": "Channel", "feature": "visits"}]}, "feature names used twice"),
    ({"source": {"format": "excel", "path": "x"}}, "source.format must be one of"),
    ({"sequence": {"max_length": 8}}, "`sequence` needs source.format closer_export"),
    ({"colour": "blue"}, "unknown top-level keys \\['colour'\\]"),
    ({"categorical": [{"column": "Channel", "colour": "blue"}]}, "unknown keys"),
    ({"timestamp": ["Notes"], "text": []}, "timestamp column 'Notes'"),
    ({"categorical": [{"column": "Channel", "feature": "activities"}]}, "reserved for the timeline"),
])
def test_validation_errors_say_what_is_wrong(tmp_path, change, message):
    path = write(tmp_path, spec_dict(**change))
    with pytest.raises(dataset_spec.SpecError, match=message):
        dataset_spec.load_dataset(path, datasets=str(tmp_path))


def test_missing_required_keys_and_bad_files(tmp_path):
    for key in ("name", "source", "target"):
        spec = spec_dict()
        del spec[key]
        with pytest.raises(dataset_spec.SpecError, match=f"`{key}` is required"):
            dataset_spec.load_spec(write(tmp_path, spec))
    with pytest.raises(dataset_spec.SpecError, match="not found"):
        dataset_spec.load_spec(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed")
    with pytest.raises(dataset_spec.SpecError, match="not valid YAML"):
        dataset_spec.load_spec(bad)


def test_missing_csv_names_the_setting(tmp_path):
    path = write(tmp_path, spec_dict())
    with pytest.raises(FileNotFoundError, match=data.DATASETS_ENV):
        dataset_spec.load_dataset(path, datasets=str(tmp_path / "elsewhere"))


def test_not_enough_of_each_class_is_refused():
    with pytest.raises(data.InsufficientDataError, match="at least 50 converted and 50 unconverted.*got 3 converted"):
        data.check_class_counts([1, 1, 1] + [0] * 100)
    assert data.check_class_counts([1] * 50 + [0] * 50) == (50, 50)


def test_shipped_specs_load_and_list_the_leakage_columns():
    x = dataset_spec.load_spec(SPECS / "leads-x-education.yaml")
    dropped = {d["column"] for d in x.drop}
    assert {"Tags", "Lead Quality", "Lead Profile", "Last Activity", "Last Notable Activity", "Unnamed: 37",
            "Asymmetrique Activity Index", "Asymmetrique Profile Index", "Asymmetrique Activity Score",
            "Asymmetrique Profile Score"} <= dropped
    assert x.ids == ["Prospect ID", "Lead Number"] and x.synthetic is False and x.sequence is None
    assert {"source", "origin", "occupation", "country", "websiteVisits", "doNotEmail"} <= {f.feature for f in x.features}
    used = {f.column for f in x.features}
    assert not used & dropped
    p = dataset_spec.load_spec(SPECS / "platform.yaml")
    assert p.synthetic is True and p.source_format == "closer_export" and p.as_of == "status_changed_at"
    assert p.categorical == ["source", "origin", "country", "occupation", "seniority", "department", "industry"]
    assert [n for n, _ in p.numeric] == ["websiteVisits", "websiteSeconds", "pageViewsPerVisit", "employees",
                                         "doNotEmail"]
    assert p.sequence == {"max_length": 32, "min_count": 5, "detail": features.DETAIL}


def test_platform_export_loader_cuts_at_as_of_and_recomputes_web_fields(tmp_path):
    leads, acts, labels = write_export(tmp_path / "export", n=60, seed=4)
    ds = dataset_spec.load_dataset(SPECS / "platform.yaml", export=str(tmp_path / "export"))
    assert len(ds.y) == 60 and ds.unlabelled == 5 and ds.y.tolist() == labels   # open leads skipped
    assert ds.extra["activities_at_or_after_as_of_dropped"] > 0
    for record, lead in zip(ds.records, leads):
        as_of = features.parse_time(lead["status_changed_at"])
        assert record["asOf"] == lead["status_changed_at"]
        assert all(features.parse_time(a["occurredAt"]) < as_of for a in record["activities"])
        views = [a for a in record["activities"] if a["type"] == "page_view"]
        sessions = {a["properties"]["sessionId"] for a in views}
        assert record["websiteVisits"] == len(sessions) != 99
        assert record["websiteSeconds"] == sum(a["properties"]["seconds"] for a in views)
        assert record["pageViewsPerVisit"] == (round(len(views) / len(sessions), 2) if sessions else 0)
        assert set(record) == {"source", "origin", "country", "occupation", "seniority", "department", "industry",
                               "websiteVisits", "websiteSeconds", "pageViewsPerVisit", "employees", "doNotEmail",
                               "activities", "asOf"}


def test_platform_spec_reads_its_export_from_the_exports_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("CLOSER_EXPORTS", str(tmp_path / "exports"))
    spec = dataset_spec.load_spec(SPECS / "platform.yaml")
    assert dataset_spec.resolve_source(spec) == tmp_path / "exports" / "sales-world"
    monkeypatch.delenv("CLOSER_EXPORTS")
    assert dataset_spec.resolve_source(spec) == data.REPO_ROOT / ".closer" / "exports" / "sales-world"
    assert dataset_spec.resolve_source(spec, export=str(tmp_path)) == tmp_path
    with pytest.raises(FileNotFoundError, match="platform_export.py"):
        dataset_spec.load_dataset(SPECS / "platform.yaml", export=str(tmp_path))


def test_web_stats_match_the_simulator_definition():
    acts = [{"type": "page_view", "properties": {"sessionId": "a", "seconds": 10}},
            {"type": "page_view", "properties": {"sessionId": "a", "seconds": 5}},
            {"type": "page_view", "properties": {"sessionId": "b", "seconds": 7}},
            {"type": "email_opened", "properties": {"sessionId": "c", "seconds": 100}}]
    assert dataset_spec.web_stats(acts) == {"websiteVisits": 2, "websiteSeconds": 22, "pageViewsPerVisit": 1.5}
    assert dataset_spec.web_stats([]) == {"websiteVisits": 0, "websiteSeconds": 0, "pageViewsPerVisit": 0}
