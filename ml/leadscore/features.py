"""Lead-score feature contract: which lead fields the model reads and how they become tensors.

This module is the single source of truth for encoding. Training, the parity file and the
tests all go through `encode_inputs`; the Java serving side implements the same rules from the
`features.json` that `build_spec` fits (which fields: the dataset spec, see dataset_spec.py).

Rules:
  categorical  null/missing -> 0. Otherwise s = str(value).strip().lower(); "" -> 0;
               s at position i of the vocabulary -> i + 1; anything else -> 0
               (index 0 is one shared unknown/missing bucket).
  numeric      null/missing -> `impute` (training median of the raw value);
               true/false -> 1.0/0.0; if transform == "log1p": x = log1p(max(x, 0));
               z = (x - mean) / std. float64 throughout, float32 at the end.
The encoder does NOT treat "select" as missing: that quirk of the X Education export is
handled by the dataset loader (a spec's `missing` markers, dataset_spec.py) only.

Sequence (models trained on activity timelines; features.json has a `sequence` section):
  record["activities"] is a list of {"type", "occurredAt" (ISO-8601, Z or offset), "properties"?},
  record["asOf"] the scoring time. Keep activities with occurredAt <= asOf, sort ascending by
  occurredAt (stable), keep the LAST max_length. Token: t = type.strip().lower(); if detail[t]
  names a property whose str().strip().lower() = d is non-empty and "t:d" is in the vocabulary ->
  that; elif t in the vocabulary -> t; else unknown. Index 0 padding, 1 unknown, vocabulary[i] -> i+2.
  Left padding: the n real events fill the LAST n slots, oldest first; padding is token 0, time 0.0.
  Time: hours = (asOf - occurredAt) in microseconds / 1e6 / 3600; (log1p(hours) - mean) / std, float32.
"""
import math
from collections import Counter
from datetime import datetime, timezone

import numpy as np

# ----------------------------------------------------------------------------- contract
INPUT_CAT, INPUT_NUM, OUTPUT = "cat", "num", "probability"
MIN_COUNT = 10  # keep a categorical level only if seen at least this often in training data

# Sequence (activity timeline) part of the contract.
SEQUENCE_FIELD, AS_OF_FIELD = "activities", "asOf"
INPUT_SEQ_TOKENS, INPUT_SEQ_TIME = "seq_tokens", "seq_time"
MAX_LENGTH = 32
DETAIL = {"page_view": "page", "form_fill": "form", "meeting": "kind"}  # type -> property refining its token
SEQ_MIN_COUNT = 5   # keep a token if seen at least this often among the training events
UNKNOWN = 1         # token index of an activity outside the vocabulary (0 is padding)
TIME_TRANSFORM = "log1p_hours"


# ----------------------------------------------------------------------------- helpers
def is_missing(value):
    """None and float NaN (pandas' missing marker) count as missing."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def normalise_category(value):
    """Normalised category string, or None when missing/empty."""
    if is_missing(value):
        return None
    s = str(value).strip().lower()
    return s or None


def raw_number(value):
    """Raw numeric value as float, or None when missing. Booleans -> 1.0/0.0.

    JSON numbers and booleans are the contract. As a convenience, numeric strings are
    parsed ("" / blanks count as missing); they are not part of the parity file.
    """
    if is_missing(value):
        return None
    if isinstance(value, (bool, np.bool_)):
        return 1.0 if value else 0.0
    if isinstance(value, str):
        s = value.strip()
        return float(s) if s else None
    return float(value)


def encode_category(value, vocabulary):
    s = normalise_category(value)
    if s is None:
        return 0
    try:
        return vocabulary.index(s) + 1
    except ValueError:
        return 0


def encode_number(value, spec):
    x = raw_number(value)
    if x is None:
        x = float(spec["impute"])
    if spec["transform"] == "log1p":
        x = math.log1p(max(x, 0.0))
    elif spec["transform"] != "identity":
        raise ValueError(f"unknown transform {spec['transform']!r} for {spec['name']}")
    return (x - spec["mean"]) / spec["std"]


# ----------------------------------------------------------------------------- build / encode
def build_vocabulary(values, min_count=MIN_COUNT):
    counts = Counter(s for s in map(normalise_category, values) if s is not None)
    kept = [(s, n) for s, n in counts.items() if n >= min_count]
    kept.sort(key=lambda sn: (-sn[1], sn[0]))  # descending frequency, then alphabetical
    return [s for s, _ in kept]


def build_spec(leads, min_count=MIN_COUNT, trained_on="unknown", version="dev", *, categorical, numeric,
               labels=None, sequence=None, name="lead-score"):
    """Fit vocabularies and numeric statistics on training records (a list of dicts).

    categorical: feature names; numeric: (name, transform) pairs; labels: {feature: phrase for sales reps}
    (a feature without one is labelled by its name) - all three as a dataset spec gives them
    (DatasetSpec.feature_spec_kwargs). sequence: None (tabular only) or {"max_length", "detail", "min_count"}:
    adds the `sequence` section, fitted on the records' activity timelines (see build_sequence_spec).
    """
    categorical = list(categorical)
    numeric = [tuple(n) for n in numeric]
    labels = labels or {}
    cat_specs = [{"name": c, "vocabulary": build_vocabulary([lead.get(c) for lead in leads], min_count)}
                 for c in categorical]
    num_specs = []
    for field, transform in numeric:
        raw = [raw_number(lead.get(field)) for lead in leads]
        present = np.array([x for x in raw if x is not None], dtype=np.float64)
        impute = float(np.median(present)) if len(present) else 0.0
        spec = {"name": field, "transform": transform, "impute": impute, "mean": 0.0, "std": 1.0}
        # mean/std of the transformed values after imputation (population std, ddof=0)
        z = np.array([encode_number(x, spec) for x in raw], dtype=np.float64)
        mean, std = float(z.mean()), float(z.std())
        spec["mean"], spec["std"] = mean, (std if std > 0 else 1.0)
        num_specs.append(spec)
    spec = {
        "name": name,
        "version": version,
        "created_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "trained_on": trained_on,
        "inputs": {"categorical": INPUT_CAT, "numeric": INPUT_NUM},
        "output": OUTPUT,
        "categorical": cat_specs,
        "numeric": num_specs,
        "labels": {f: labels.get(f, f) for f in categorical + [n for n, _ in numeric]},
    }
    if sequence is not None:
        spec["sequence"] = build_sequence_spec(leads, **sequence)
    return spec


def encode(spec, leads):
    """Encode a list of lead dicts -> (cat int64 [N, C], num float32 [N, K]).

    A field absent from a dict is treated like null.
    """
    cat = np.array([[encode_category(lead.get(c["name"]), c["vocabulary"]) for c in spec["categorical"]]
                    for lead in leads], dtype=np.int64).reshape(len(leads), len(spec["categorical"]))
    num = np.array([[encode_number(lead.get(n["name"]), n) for n in spec["numeric"]]
                    for lead in leads], dtype=np.float64).reshape(len(leads), len(spec["numeric"]))
    return cat, num.astype(np.float32)


def input_names(spec):
    """ONNX input names in graph order: cat, num (+ seq_tokens, seq_time when the spec has a sequence)."""
    names = [spec["inputs"]["categorical"], spec["inputs"]["numeric"]]
    if "sequence" in spec:
        names += [spec["sequence"]["inputs"]["tokens"], spec["sequence"]["inputs"]["time"]]
    return names


def encode_inputs(spec, records):
    """All model inputs in graph order: (cat, num) or (cat, num, seq_tokens, seq_time)."""
    cat, num = encode(spec, records)
    if "sequence" not in spec:
        return cat, num
    return (cat, num) + encode_sequence(spec["sequence"], records)


def cardinalities(spec):
    """Embedding table sizes: vocabulary + the shared unknown/missing bucket 0."""
    return [len(c["vocabulary"]) + 1 for c in spec["categorical"]]


# ----------------------------------------------------------------------------- sequence
def parse_time(value):
    """ISO-8601 text with Z or an offset (or a datetime) -> aware datetime.

    Python keeps microseconds (extra fraction digits are cut); a time without an offset is read as
    UTC here, a convenience outside the contract (the Java encoder rejects it).
    """
    if isinstance(value, datetime):
        t = value
    else:
        s = str(value).strip()
        if s.endswith(("Z", "z")):
            s = s[:-1] + "+00:00"
        t = datetime.fromisoformat(s)
    return t if t.tzinfo is not None else t.replace(tzinfo=timezone.utc)


def hours_between(earlier, later):
    """(later - earlier) in hours, float64: whole microseconds / 1e6 / 3600 (as the Java encoder does)."""
    delta = later - earlier
    micros = (delta.days * 86400 + delta.seconds) * 1_000_000 + delta.microseconds
    return micros / 1e6 / 3600.0


def activity_candidates(activity, detail):
    """(bare type, "type:detail" or None) of an activity, normalised; the type is "" when missing."""
    t = activity.get("type")
    t = "" if t is None else str(t).strip().lower()
    prop = detail.get(t)
    props = activity.get("properties")
    d = None
    if prop is not None and isinstance(props, dict) and props.get(prop) is not None:
        d = str(props[prop]).strip().lower() or None
    return t, (f"{t}:{d}" if d else None)


def timeline(record, field=SEQUENCE_FIELD, as_of_field=AS_OF_FIELD):
    """The record's activities at or before asOf, oldest first (stable for ties), as (activity, hours before asOf).

    Not yet cut to max_length. A record without asOf is scored as of now (like the Java encoder).
    """
    activities = record.get(field) or []
    as_of = record.get(as_of_field)
    as_of = datetime.now(timezone.utc) if as_of is None else parse_time(as_of)
    timed = []
    for a in activities:
        when = parse_time(a["occurredAt"])
        if when <= as_of:
            timed.append((when, a))
    timed.sort(key=lambda wa: wa[0])   # list.sort is stable: ties keep their order
    return [(a, hours_between(when, as_of)) for when, a in timed]


def token_index(activity, seq, index=None):
    """Token index of one activity: type:detail if known, else type if known, else UNKNOWN (1)."""
    index = index if index is not None else {tok: i + 2 for i, tok in enumerate(seq["vocabulary"])}
    t, td = activity_candidates(activity, seq.get("detail", {}))
    if td is not None and td in index:
        return index[td]
    return index.get(t, UNKNOWN)


def time_value(hours, seq):
    return (math.log1p(hours) - seq["time"]["mean"]) / seq["time"]["std"]


def encode_sequence(seq, records):
    """-> (seq_tokens int64 [N, L], seq_time float32 [N, L]), left-padded, newest event last."""
    length = seq["max_length"]
    index = {tok: i + 2 for i, tok in enumerate(seq["vocabulary"])}
    tokens = np.zeros((len(records), length), dtype=np.int64)
    times = np.zeros((len(records), length), dtype=np.float64)
    for row, record in enumerate(records):
        events = timeline(record, seq["field"], seq["as_of_field"])[-length:] if length else []
        start = length - len(events)
        for j, (activity, hours) in enumerate(events):
            tokens[row, start + j] = token_index(activity, seq, index)
            times[row, start + j] = time_value(hours, seq)
    return tokens, times.astype(np.float32)


def build_sequence_spec(records, max_length=MAX_LENGTH, detail=None, min_count=SEQ_MIN_COUNT,
                        field=SEQUENCE_FIELD, as_of_field=AS_OF_FIELD):
    """Fit the sequence section on training records.

    Counted over the events the model sees (each record's last max_length events up to asOf): every
    "type:detail" and every bare type seen >= min_count times joins the vocabulary, by descending
    count then alphabetically. time.mean/std: of log1p(hours before asOf) over those events
    (population std; 0 -> 1).
    """
    detail = dict(DETAIL if detail is None else detail)
    counts, xs = Counter(), []
    for record in records:
        for activity, hours in timeline(record, field, as_of_field)[-max_length:]:
            t, td = activity_candidates(activity, detail)
            counts[t] += 1
            if td is not None:
                counts[td] += 1
            xs.append(math.log1p(hours))
    kept = sorted(((tok, n) for tok, n in counts.items() if n >= min_count and tok), key=lambda tn: (-tn[1], tn[0]))
    vocabulary = [tok for tok, _ in kept]
    xs = np.array(xs, dtype=np.float64)
    mean = float(xs.mean()) if len(xs) else 0.0
    std = float(xs.std()) if len(xs) else 1.0
    return {
        "field": field,
        "as_of_field": as_of_field,
        "inputs": {"tokens": INPUT_SEQ_TOKENS, "time": INPUT_SEQ_TIME},
        "max_length": int(max_length),
        "detail": detail,
        "vocabulary": vocabulary,
        "time": {"transform": TIME_TRANSFORM, "mean": mean, "std": std if std > 0 else 1.0},
        "labels": {tok: token_label(tok) for tok in vocabulary},
    }


# ----------------------------------------------------------------------------- token phrases
# Phrases for a sales rep; Java words factors like "viewed the pricing page 3 times in the last 7 days".
TYPE_PHRASES = {
    "page_view": "viewed a web page",
    "form_fill": "filled in a form",
    "meeting": "had a meeting",
    "email_sent": "was sent an email",
    "email_opened": "opened an email",
    "email_clicked": "clicked a link in an email",
    "email_replied": "replied to an email",
    "demo_request": "requested a demo",
    "webinar_attended": "attended a webinar",
    "call": "had a call",
}
DETAIL_PHRASES = {
    "page_view": {
        "pricing": "viewed the pricing page",
        "case_study": "read a case study",
        "docs": "read the documentation",
        "blog": "read the blog",
        "careers": "viewed the careers page",
        "integrations": "viewed the integrations page",
        "home": "visited the home page",
        "landing": "visited a landing page",
    },
    "form_fill": {
        "contact_sales": "filled in the contact-sales form",
        "free_trial": "signed up for a free trial",
        "newsletter": "subscribed to the newsletter",
        "ebook_download": "downloaded an ebook",
        "whitepaper_download": "downloaded a whitepaper",
        "benchmark_report": "downloaded the benchmark report",
        "webinar_registration": "registered for a webinar",
    },
}


def _words(s):
    return s.replace("_", " ").replace("-", " ").strip()


def token_label(token):
    """Phrase for a vocabulary token: known type/detail pairs, then per-type patterns, then "type detail"."""
    t, _, d = token.partition(":")
    if not d:
        return TYPE_PHRASES.get(t, _words(t))
    known = DETAIL_PHRASES.get(t, {}).get(d)
    if known:
        return known
    if t == "page_view":
        return f"viewed the {_words(d)} page"
    if t == "form_fill":
        return f"filled in the {_words(d)} form"
    if t == "meeting":
        return f"had a meeting ({_words(d)})"
    return f"{_words(t)} {_words(d)}"
