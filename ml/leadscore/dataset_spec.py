"""Dataset specs: what a tabular CSV (or a Closer platform export) means, so one command can train on it.

A spec is a YAML or JSON file (see ml/specs/*.yaml and ml/README.md "Dataset specs"):

    name: leads-x-education          # report/dataset name
    synthetic: false                 # true for made-up data (labelled SYNTHETIC in cards)
    description: ...
    source: {format: csv, path: leads-x-education/Leads.csv}   # relative to the datasets setting
    #   or    {format: closer_export, path: null}               # a platform_export.py folder (--export DIR)
    id: [Prospect ID, Lead Number]   # id column(s): never features
    target: {column: Converted, positive: 1, negative: [0]}     # negative optional: default "everything else";
                                     # rows with a value in neither list are unlabelled and skipped
    as_of: status_changed_at         # closer_export: the decision time (timeline cut, scoring time)
    missing: [Select]                # extra missing markers (case-insensitive), besides empty cells
    categorical: [Lead Source, {column: Lead Origin, feature: origin, label: lead origin}]
    numeric: [{column: TotalVisits, feature: websiteVisits, transform: log1p}]   # identity or log1p
    boolean: [{column: Do Not Email, feature: doNotEmail}]  # yes/no, true/false, 1/0 -> numeric 1/0 (identity)
    text: [Notes]                    # accepted and listed; not used by the model
    timestamp: [Created]             # accepted and listed (parsed to check them); not used as tabular features
    drop: [{column: Tags, reason: written by sales after follow-up; leaks the outcome}]
    renames: {Lead Source: source}   # column -> feature name (an entry's `feature:` wins)
    sequence: {max_length: 32, min_count: 5, detail: {page_view: page}}   # closer_export only
    model: {epochs: 30, dropout: 0.2}   # optional hyperparameters (see pipeline.DEFAULTS); flags override them
    notes: [...]                     # optional: what was tried, copied into the card
    limits: [...]                    # optional: known limits, copied into the card

Every column of the file must be accounted for? No: columns the spec does not mention are ignored
and listed as such in metrics.json and the card. Errors (unknown column, missing target, a column
in two roles, a bad transform, too few of a class) raise SpecError with a message saying what to fix.
"""
import difflib
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from leadscore import data, features

FORMATS = ("csv", "closer_export")
TRANSFORMS = ("identity", "log1p")
TRUE_WORDS = {"yes", "true", "y", "t", "1"}
FALSE_WORDS = {"no", "false", "n", "f", "0"}
EXPORT_LEADS, EXPORT_ACTIVITIES, EXPORT_MANIFEST = "leads.csv", "activities.csv", "export.json"
TOP_KEYS = {"name", "synthetic", "description", "source", "id", "target", "as_of", "missing", "categorical",
            "numeric", "boolean", "text", "timestamp", "drop", "renames", "sequence", "labels", "license", "model",
            "notes", "limits"}


class SpecError(ValueError):
    """The dataset spec or the data it describes is unusable; the message says why and what to do."""


@dataclass
class Feature:
    column: str
    feature: str
    kind: str            # categorical | numeric | boolean
    transform: str = "identity"
    label: str = ""


@dataclass
class DatasetSpec:
    path: Path                       # the spec file
    name: str
    synthetic: bool
    description: str
    source_format: str
    source_path: str | None
    ids: list
    target: str
    positive: list
    negative: list | None
    as_of: str | None
    missing: list
    features: list                   # [Feature]
    text: list
    timestamp: list
    drop: list                       # [{"column", "reason"}]
    sequence: dict | None
    license: str = ""
    raw: dict = field(default_factory=dict)

    @property
    def categorical(self):
        return [f.feature for f in self.features if f.kind == "categorical"]

    @property
    def numeric(self):
        """(feature, transform) pairs in spec order: numeric columns, then booleans (identity)."""
        return [(f.feature, f.transform) for f in self.features if f.kind == "numeric"] + \
               [(f.feature, "identity") for f in self.features if f.kind == "boolean"]

    @property
    def labels(self):
        return {f.feature: f.label for f in self.features}

    def feature_spec_kwargs(self):
        """Arguments for features.build_spec (sequence settings included when the spec has a timeline)."""
        return {"categorical": self.categorical, "numeric": self.numeric, "labels": self.labels,
                "sequence": self.sequence}


@dataclass
class Dataset:
    spec: DatasetSpec
    records: list                    # one dict per labelled row: {feature: raw value} (+ activities, asOf)
    y: np.ndarray                    # 1 = converted (positive), 0 = not
    ids: list                        # row ids (first id column) for tracing
    location: str                    # where the rows came from
    ignored_columns: list            # columns the spec does not mention
    unlabelled: int                  # rows skipped because their target is neither positive nor negative
    extra: dict = field(default_factory=dict)

    def describe(self):
        """The `dataset` section of metrics.json."""
        s = self.spec
        return {
            "name": s.name,
            "rows": int(len(self.y)),
            "converted": int(self.y.sum()),
            "synthetic": bool(s.synthetic),
            "dropped_columns": s.drop,
            "source": self.location,
            "spec": display_path(s.path),
            "format": s.source_format,
            "target": {"column": s.target, "positive": s.positive, "negative": s.negative},
            "unlabelled_rows_skipped": int(self.unlabelled),
            "id_columns": s.ids,
            "features": [{"column": f.column, "feature": f.feature, "kind": f.kind, "transform": f.transform}
                         for f in s.features],
            "text_columns_not_used": s.text,
            "timestamp_columns_not_used": s.timestamp,
            "ignored_columns": self.ignored_columns,
            **self.extra,
        }


# ----------------------------------------------------------------------------- loading the spec
def display_path(path):
    try:
        return str(Path(path).resolve().relative_to(data.REPO_ROOT))
    except ValueError:
        return str(path)


def _as_list(value, what):
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, (str, dict, int, float, bool)):
        return [value]
    raise SpecError(f"{what} must be a list, got {type(value).__name__}")


def _entry(value, what):
    """A column entry: a string (the column) or a mapping with `column` and optional feature/transform/label."""
    if isinstance(value, str):
        return {"column": value}
    if isinstance(value, dict) and isinstance(value.get("column"), str):
        unknown = set(value) - {"column", "feature", "transform", "label", "reason"}
        if unknown:
            raise SpecError(f"{what}: unknown keys {sorted(unknown)} in {value}")
        return value
    raise SpecError(f"{what}: each entry must be a column name or a mapping with `column`, got {value!r}")


def default_label(column):
    """A readable phrase from a column name: 'Total Time Spent on Website' -> 'total time spent on website'."""
    s = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", str(column)).replace("_", " ")
    return re.sub(r"\s+", " ", s).strip().lower()


def read_spec_file(path):
    path = Path(path)
    if not path.is_file():
        raise SpecError(f"dataset spec not found: {path}")
    text = path.read_text()
    try:
        if path.suffix.lower() == ".json":
            raw = json.loads(text)
        else:
            import yaml
            raw = yaml.safe_load(text)
    except Exception as e:  # noqa: BLE001 - any parse error becomes a spec error with the file name
        raise SpecError(f"{path}: not valid {'JSON' if path.suffix.lower() == '.json' else 'YAML'}: {e}") from e
    if not isinstance(raw, dict):
        raise SpecError(f"{path}: a dataset spec must be a mapping at the top level")
    return raw


def load_spec(path):
    """Read and check a dataset spec file (YAML or JSON) -> DatasetSpec. Columns are checked later, against data."""
    path = Path(path)
    raw = read_spec_file(path)
    where = str(path)
    unknown = set(raw) - TOP_KEYS
    if unknown:
        raise SpecError(f"{where}: unknown top-level keys {sorted(unknown)} (known: {sorted(TOP_KEYS)})")
    for key in ("name", "source", "target"):
        if key not in raw:
            raise SpecError(f"{where}: `{key}` is required")
    source = raw["source"]
    if isinstance(source, str):
        source = {"format": "csv", "path": source}
    fmt = source.get("format", "csv")
    if fmt not in FORMATS:
        raise SpecError(f"{where}: source.format must be one of {FORMATS}, got {fmt!r}")
    target = raw["target"]
    if isinstance(target, str):
        target = {"column": target}
    if not isinstance(target, dict) or not isinstance(target.get("column"), str):
        raise SpecError(f"{where}: target must be a column name or a mapping with `column`")
    positive = _as_list(target.get("positive", 1), "target.positive")
    negative = target.get("negative")
    negative = None if negative is None else _as_list(negative, "target.negative")
    renames = raw.get("renames") or {}
    if not isinstance(renames, dict):
        raise SpecError(f"{where}: renames must map column -> feature name")
    labels = raw.get("labels") or {}

    feats, roles = [], {}

    def claim(column, role):
        if column in roles:
            raise SpecError(f"{where}: column {column!r} is listed twice ({roles[column]} and {role}); "
                            f"give each column one role")
        roles[column] = role

    for kind in ("categorical", "numeric", "boolean"):
        for value in _as_list(raw.get(kind), kind):
            e = _entry(value, kind)
            claim(e["column"], kind)
            name = e.get("feature") or renames.get(e["column"]) or e["column"]
            transform = e.get("transform", "identity")
            if kind != "numeric" and "transform" in e:
                raise SpecError(f"{where}: {kind} column {e['column']!r} takes no transform")
            if transform not in TRANSFORMS:
                raise SpecError(f"{where}: numeric column {e['column']!r}: transform must be one of {TRANSFORMS}, "
                                f"got {transform!r}")
            label = e.get("label") or labels.get(name) or default_label(name if name != e["column"] else e["column"])
            feats.append(Feature(e["column"], name, kind, transform, label))
    names = [f.feature for f in feats]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise SpecError(f"{where}: feature names used twice: {dupes}")
    if not feats:
        raise SpecError(f"{where}: no features: list categorical, numeric or boolean columns")
    reserved = {features.SEQUENCE_FIELD, features.AS_OF_FIELD}
    if reserved & set(names):
        raise SpecError(f"{where}: feature names {sorted(reserved & set(names))} are reserved for the timeline")

    ids = [_entry(v, "id")["column"] for v in _as_list(raw.get("id"), "id")]
    text = [_entry(v, "text")["column"] for v in _as_list(raw.get("text"), "text")]
    timestamp = [_entry(v, "timestamp")["column"] for v in _as_list(raw.get("timestamp"), "timestamp")]
    drop = []
    for value in _as_list(raw.get("drop"), "drop"):
        e = _entry(value, "drop")
        if not str(e.get("reason", "")).strip():
            raise SpecError(f"{where}: dropped column {e['column']!r} needs a `reason`")
        drop.append({"column": e["column"], "reason": str(e["reason"]).strip()})
    for role, columns in (("id", ids), ("text", text), ("timestamp", timestamp),
                          ("drop", [d["column"] for d in drop])):
        for c in columns:
            claim(c, role)
    claim(target["column"], "target")
    as_of = raw.get("as_of")
    if as_of is not None:
        claim(as_of, "as_of")

    sequence = raw.get("sequence")
    if sequence is not None:
        if fmt != "closer_export":
            raise SpecError(f"{where}: `sequence` needs source.format closer_export (activity timelines)")
        if not as_of:
            raise SpecError(f"{where}: a timeline needs `as_of` (the column with each row's decision time)")
        sequence = {"max_length": int(sequence.get("max_length", features.MAX_LENGTH)),
                    "min_count": int(sequence.get("min_count", features.SEQ_MIN_COUNT)),
                    "detail": dict(sequence.get("detail", features.DETAIL))}
        if sequence["max_length"] < 1:
            raise SpecError(f"{where}: sequence.max_length must be at least 1")
    return DatasetSpec(
        path=path, name=str(raw["name"]), synthetic=bool(raw.get("synthetic", False)),
        description=str(raw.get("description", "")).strip(), source_format=fmt, source_path=source.get("path"),
        ids=ids, target=target["column"], positive=positive, negative=negative, as_of=as_of,
        missing=[str(m).strip().lower() for m in _as_list(raw.get("missing"), "missing")],
        features=feats, text=text, timestamp=timestamp, drop=drop, sequence=sequence,
        license=str(raw.get("license", "")).strip(), raw=raw)


# ----------------------------------------------------------------------------- loading the data
def _check_columns(spec, columns, where):
    columns = list(columns)
    if spec.target not in columns:
        raise SpecError(f"{where}: target column {spec.target!r} not found; columns are {columns}")
    wanted = [f.column for f in spec.features] + spec.ids + spec.text + spec.timestamp + \
        ([spec.as_of] if spec.as_of else [])
    for c in wanted:
        if c not in columns:
            close = difflib.get_close_matches(c, columns, n=3)
            hint = f"; did you mean {close}?" if close else f"; columns are {columns}"
            raise SpecError(f"{where}: unknown column {c!r} in spec {spec.path.name}{hint}")
    mentioned = set(wanted) | {d["column"] for d in spec.drop} | {spec.target}
    return [c for c in columns if c not in mentioned]


def _label(value, spec):
    """1 / 0 / None (unlabelled) for a raw target value; values compare as stripped lower-case text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    s = _norm_target(value)
    if s in {_norm_target(p) for p in spec.positive}:
        return 1
    if spec.negative is None or s in {_norm_target(n) for n in spec.negative}:
        return 0
    return None


def _norm_target(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().lower()


def _cell(value, missing):
    """Raw cell -> None when empty, NaN or a missing marker; integral floats -> int; otherwise as is."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        if value.strip().lower() in missing or not value.strip():
            return None
        return value
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return int(value) if value.is_integer() else value
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def _boolean(value, column):
    if value is None or isinstance(value, bool):
        return value
    s = str(value).strip().lower()
    if s in TRUE_WORDS:
        return True
    if s in FALSE_WORDS:
        return False
    raise SpecError(f"boolean column {column!r}: cannot read {value!r} as yes/no (use numeric for other values)")


def _number(value, column):
    if value is None or isinstance(value, (int, float)):
        return value
    try:
        x = float(str(value).strip())
    except ValueError:
        raise SpecError(f"numeric column {column!r}: {value!r} is not a number "
                        f"(list it as categorical, or add it to `missing`)") from None
    return int(x) if x.is_integer() and abs(x) < 2 ** 53 else x


def resolve_source(spec, datasets=None, export=None):
    """Where the data are: csv -> <datasets>/<path>; closer_export -> --export, else the spec's path, else
    <exports>/<spec name> (data.resolve_exports_dir)."""
    if spec.source_format == "csv":
        if not spec.source_path:
            raise SpecError(f"{spec.path}: source.path is required for csv")
        p = Path(spec.source_path).expanduser()
        return p if p.is_absolute() else data.resolve_datasets_dir(datasets) / p
    value = export or spec.source_path
    if not value:
        return data.resolve_exports_dir() / spec.name
    p = Path(value).expanduser()
    return p if p.is_absolute() else (data.REPO_ROOT / p).resolve()


def load_dataset(spec, datasets=None, export=None):
    """Read the rows the spec describes -> Dataset (labelled rows only, raw values, missing -> None)."""
    if not isinstance(spec, DatasetSpec):
        spec = load_spec(spec)
    location = resolve_source(spec, datasets, export)
    if spec.source_format == "csv":
        return _load_csv(spec, location)
    return _load_export(spec, location)


def _frame_records(spec, frame, where):
    ignored = _check_columns(spec, frame.columns, where)
    labels = [_label(v, spec) for v in frame[spec.target].tolist()]
    keep = [i for i, lab in enumerate(labels) if lab is not None]
    if not keep:
        raise SpecError(f"{where}: no labelled rows: target {spec.target!r} never equals positive {spec.positive}"
                        + (f" or negative {spec.negative}" if spec.negative else ""))
    columns = [f.column for f in spec.features]
    values = frame[columns].to_numpy(dtype=object)
    records = []
    for i in keep:
        record = {}
        for f, value in zip(spec.features, values[i]):
            value = _cell(value, spec.missing)
            if f.kind == "boolean":
                value = _boolean(value, f.column)
            elif f.kind == "numeric":
                value = _number(value, f.column)
            record[f.feature] = value
        records.append(record)
    for c in spec.timestamp:
        parsed = pd.to_datetime(frame[c], errors="coerce", utc=True)
        bad = int((parsed.isna() & frame[c].notna()).sum())
        if bad:
            raise SpecError(f"{where}: timestamp column {c!r}: {bad} values are not times")
    ids = frame[spec.ids[0]].astype(str).tolist() if spec.ids else [str(i) for i in range(len(frame))]
    y = np.array([labels[i] for i in keep], dtype=np.int64)
    return records, y, [ids[i] for i in keep], ignored, len(labels) - len(keep), keep


def _load_csv(spec, path):
    if not path.is_file():
        raise FileNotFoundError(
            f"dataset not found at {path}; set {data.DATASETS_ENV} (or pass --datasets) to the directory that "
            f"contains {spec.source_path}")
    frame = pd.read_csv(path, dtype=object, keep_default_na=False, na_values=[""])
    records, y, ids, ignored, unlabelled, _ = _frame_records(spec, frame, str(path))
    shown = f"<datasets>/{spec.source_path}" if not Path(spec.source_path).is_absolute() else str(path)
    return Dataset(spec, records, y, ids, shown, ignored, unlabelled)


# ----------------------------------------------------------------------------- Closer platform export
def web_stats(activities):
    """websiteVisits, websiteSeconds, pageViewsPerVisit from page views, as the simulator and the platform define
    them: distinct sessionId of page_view activities, the sum of their `seconds`, views / visits (2 decimals)."""
    sessions, seconds, views = set(), 0.0, 0
    for a in activities:
        if features.activity_candidates(a, {})[0] != "page_view":
            continue
        props = a.get("properties") or {}
        views += 1
        if props.get("sessionId") is not None:
            sessions.add(props["sessionId"])
        s = props.get("seconds")
        if isinstance(s, (int, float)) and not isinstance(s, bool):
            seconds += s
    visits = len(sessions)
    seconds = int(seconds) if float(seconds).is_integer() else seconds
    return {"websiteVisits": visits, "websiteSeconds": seconds,
            "pageViewsPerVisit": round(views / visits, 2) if visits else 0}


def _load_export(spec, folder):
    leads_path, acts_path = folder / EXPORT_LEADS, folder / EXPORT_ACTIVITIES
    for p in (leads_path, acts_path):
        if not p.is_file():
            raise FileNotFoundError(f"platform export not found: {p} is missing; write the folder with "
                                    f"`/usr/bin/python3 ml/leadscore/platform_export.py --out {folder}`")
    frame = pd.read_csv(leads_path, dtype=object, keep_default_na=False, na_values=[""])
    records, y, ids, ignored, unlabelled, keep = _frame_records(spec, frame, str(leads_path))
    as_of = frame[spec.as_of].tolist()
    acts = pd.read_csv(acts_path, dtype=object, keep_default_na=False, na_values=[""])
    need = {"lead_id", "type", "occurred_at", "properties"}
    if not need <= set(acts.columns):
        raise SpecError(f"{acts_path}: needs columns {sorted(need)}, has {list(acts.columns)}")
    by_lead = {}
    for lead_id, typ, at, props in acts[["lead_id", "type", "occurred_at", "properties"]].itertuples(
            index=False, name=None):
        props = json.loads(props) if isinstance(props, str) and props else {}
        by_lead.setdefault(lead_id, []).append({"type": typ, "occurredAt": at, "properties": props})
    dropped_after, recompute = 0, set(spec.categorical) | {n for n, _ in spec.numeric}
    for record, lead_id, i in zip(records, ids, keep):
        t = as_of[i]
        if t is None or (isinstance(t, float) and math.isnan(t)):
            raise SpecError(f"{leads_path}: lead {lead_id} has no {spec.as_of}")
        cut = features.parse_time(t)
        timeline = [a for a in by_lead.get(lead_id, []) if features.parse_time(a["occurredAt"]) < cut]
        dropped_after += len(by_lead.get(lead_id, [])) - len(timeline)
        # Kept in file order (the export writes each lead's activities by time): features.timeline sorts by time
        # (stable) wherever the order matters.
        # What the lead's web fields were at the decision: the stored ones are its latest state.
        for k, v in web_stats(timeline).items():
            if k in recompute:
                record[k] = v
        record[features.SEQUENCE_FIELD] = timeline
        record[features.AS_OF_FIELD] = str(t)
    manifest = folder / EXPORT_MANIFEST
    extra = {"export": json.loads(manifest.read_text()) if manifest.is_file() else None,
             "activities_at_or_after_as_of_dropped": int(dropped_after),
             "activities": int(sum(len(r[features.SEQUENCE_FIELD]) for r in records))}
    return Dataset(spec, records, y, ids, _export_location(folder), ignored, unlabelled, extra)


def _export_location(folder):
    """How metrics and cards name an export folder: `<exports>/NAME` under the exports setting, else its path."""
    try:
        return f"<exports>/{Path(folder).resolve().relative_to(data.resolve_exports_dir())}"
    except ValueError:
        return display_path(folder)
