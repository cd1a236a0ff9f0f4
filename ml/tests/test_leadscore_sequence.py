"""Sequence (activity timeline) encoding rules on hand-computed values; the Java encoder implements the same."""
import math

import numpy as np
import pytest

from leadscore import features

SEQ = {
    "field": "activities",
    "as_of_field": "asOf",
    "inputs": {"tokens": "seq_tokens", "time": "seq_time"},
    "max_length": 4,
    "detail": {"page_view": "page", "form_fill": "form", "meeting": "kind"},
    # index:      2            3                  4               5                6
    "vocabulary": ["page_view", "page_view:pricing", "email_opened", "meeting:demo", "form_fill"],
    "time": {"transform": "log1p_hours", "mean": 1.0, "std": 2.0},
    "labels": {},
}
AS_OF = "2026-03-01T12:00:00Z"


def act(typ, when, **props):
    return {"type": typ, "occurredAt": when, "properties": props}


def encode(*records):
    return features.encode_sequence(SEQ, list(records))


def z(hours):
    return np.float32((math.log1p(hours) - 1.0) / 2.0)


def test_padding_order_and_time_values():
    tokens, time = encode({"asOf": AS_OF, "activities": [
        act("email_opened", "2026-03-01T11:00:00Z"),            # 1 h before asOf
        act("page_view", "2026-02-28T12:00:00Z", page="pricing"),  # 24 h before: older, so it comes first
    ]})
    assert tokens.dtype == np.int64 and time.dtype == np.float32 and tokens.shape == time.shape == (1, 4)
    assert tokens.tolist() == [[0, 0, 3, 4]]                   # left padding, oldest first, newest last
    assert time[0, 0] == 0.0 and time[0, 1] == 0.0              # padding time is exactly 0
    assert time[0, 2] == z(24.0) and time[0, 3] == z(1.0)


def test_truncation_keeps_the_newest_max_length():
    acts = [act("page_view", f"2026-02-{d:02d}T00:00:00Z") for d in range(1, 8)]   # 7 events
    acts[-1]["type"] = "email_opened"
    tokens, time = encode({"asOf": AS_OF, "activities": acts})
    assert tokens.tolist() == [[2, 2, 2, 4]]
    hours = [(datetime_h(f"2026-02-{d:02d}T00:00:00Z")) for d in (4, 5, 6, 7)]
    np.testing.assert_array_equal(time[0], [z(h) for h in hours])


def datetime_h(when):
    return features.hours_between(features.parse_time(when), features.parse_time(AS_OF))


def test_unsorted_input_is_sorted_and_ties_keep_list_order():
    tokens, _ = encode({"asOf": AS_OF, "activities": [
        act("form_fill", "2026-02-28T10:00:00Z"),
        act("email_opened", "2026-02-27T10:00:00Z"),
        act("meeting", "2026-02-28T10:00:00Z", kind="demo"),   # same time as the form fill: stays after it
        act("page_view", "2026-02-28T10:00:00Z"),              # and this one after both
    ]})
    assert tokens.tolist() == [[4, 6, 5, 2]]


def test_detail_fallback_and_unknown():
    tokens, _ = encode({"asOf": AS_OF, "activities": [
        act("page_view", "2026-02-20T00:00:00Z", page="moon"),       # unknown detail -> bare type
        act("meeting", "2026-02-21T00:00:00Z", kind="lunch"),        # meeting:lunch and bare meeting unknown -> 1
        act("podcast", "2026-02-22T00:00:00Z"),                       # unknown type -> 1
        act(" PAGE_VIEW\t", "2026-02-23T00:00:00Z", page="  Pricing "),   # normalised both
    ]})
    assert tokens.tolist() == [[2, 1, 1, 3]]


@pytest.mark.parametrize("activity, index", [
    ({"type": "page_view", "occurredAt": "2026-02-20T00:00:00Z"}, 2),                       # no properties
    ({"type": "page_view", "occurredAt": "2026-02-20T00:00:00Z", "properties": None}, 2),
    ({"type": "page_view", "occurredAt": "2026-02-20T00:00:00Z", "properties": {}}, 2),
    ({"type": "page_view", "occurredAt": "2026-02-20T00:00:00Z", "properties": {"page": None}}, 2),
    ({"type": "page_view", "occurredAt": "2026-02-20T00:00:00Z", "properties": {"page": "  "}}, 2),
    ({"type": "page_view", "occurredAt": "2026-02-20T00:00:00Z", "properties": {"url": "pricing"}}, 2),
    ({"type": "email_opened", "occurredAt": "2026-02-20T00:00:00Z", "properties": {"page": "pricing"}}, 4),
    ({"type": "meeting", "occurredAt": "2026-02-20T00:00:00Z", "properties": {"kind": "DEMO"}}, 5),
    ({"type": None, "occurredAt": "2026-02-20T00:00:00Z"}, 1),
    ({"type": "", "occurredAt": "2026-02-20T00:00:00Z"}, 1),
])
def test_token_of_one_activity(activity, index):
    assert features.token_index(activity, SEQ) == index
    tokens, _ = encode({"asOf": AS_OF, "activities": [activity]})
    assert tokens.tolist() == [[0, 0, 0, index]]


def test_as_of_filter_is_inclusive_and_respects_offsets():
    tokens, time = encode({"asOf": "2026-03-01T14:00:00+02:00", "activities": [     # asOf = 12:00Z
        act("page_view", "2026-03-01T12:00:00Z", page="pricing"),      # exactly asOf: kept, 0 hours
        act("email_opened", "2026-03-01T12:00:00.000001Z"),            # 1 microsecond after: dropped
        act("form_fill", "2026-03-01T08:30:00-05:00"),                 # 13:30Z: after, dropped
        act("meeting", "2026-03-01T13:30:00+02:00", kind="demo"),      # 11:30Z: kept, 0.5 h
    ]})
    assert tokens.tolist() == [[0, 0, 5, 3]]
    assert time[0, 2] == z(0.5) and time[0, 3] == z(0.0)


def test_no_activities_only_later_ones_or_none():
    for record in ({"asOf": AS_OF, "activities": []}, {"asOf": AS_OF}, {"asOf": AS_OF, "activities": None},
                   {"asOf": AS_OF, "activities": [act("page_view", "2026-03-02T00:00:00Z")]}):
        tokens, time = encode(record)
        assert tokens.tolist() == [[0, 0, 0, 0]] and time.tolist() == [[0.0, 0.0, 0.0, 0.0]]


def test_fractional_seconds_and_time_transform():
    tokens, time = encode({"asOf": "2026-03-01T12:00:00.5Z", "activities": [
        act("email_opened", "2026-03-01T11:00:00.25Z")]})
    hours = 3600.25 / 3600
    assert time[0, 3] == np.float32((math.log1p(hours) - 1.0) / 2.0)
    assert features.hours_between(features.parse_time("2026-03-01T00:00:00Z"),
                                  features.parse_time("2026-03-02T01:30:00+00:00")) == 25.5


def test_several_records_in_one_batch():
    tokens, _ = encode({"asOf": AS_OF, "activities": [act("form_fill", "2026-02-01T00:00:00Z")]},
                       {"asOf": AS_OF, "activities": []})
    assert tokens.tolist() == [[0, 0, 0, 6], [0, 0, 0, 0]]


def test_build_sequence_spec_vocabulary_order_min_count_and_time_stats():
    as_of = "2026-03-01T00:00:00Z"
    records = []
    for i in range(3):
        records.append({"asOf": as_of, "activities": [
            act("page_view", "2026-02-28T00:00:00Z", page="pricing"),   # 24 h
            act("page_view", "2026-02-28T23:00:00Z", page="blog"),      # 1 h
            act("Email_Opened", "2026-02-28T23:00:00Z"),                 # 1 h
        ] + ([act("meeting", "2026-02-28T00:00:00Z", kind="demo")] if i == 0 else [])
          + [act("page_view", "2026-03-02T00:00:00Z", page="careers")]})   # after asOf: not counted
    seq = features.build_sequence_spec(records, max_length=3, min_count=3)
    # counted over each record's last 3 events up to asOf. Record 0 (4 events; pricing and meeting tie at 00:00,
    # list order kept) sees meeting, blog, email; records 1 and 2 see pricing, blog, email. So page_view 5,
    # email_opened 3, page_view:blog 3 (tie: alphabetical), page_view:pricing 2 and meeting 1 (< min_count 3).
    assert seq["vocabulary"] == ["page_view", "email_opened", "page_view:blog"]
    assert seq["max_length"] == 3 and seq["detail"] == features.DETAIL
    xs = np.log1p([24.0, 1.0, 1.0] * 2 + [24.0, 1.0, 1.0])
    assert seq["time"] == {"transform": "log1p_hours", "mean": pytest.approx(xs.mean()), "std": pytest.approx(xs.std())}
    assert seq["labels"] == {"page_view": "viewed a web page", "email_opened": "opened an email",
                             "page_view:blog": "read the blog"}
    assert list(seq) == ["field", "as_of_field", "inputs", "max_length", "detail", "vocabulary", "time", "labels"]


def test_vocabulary_ties_are_alphabetical():
    records = [{"asOf": AS_OF, "activities": [act("b_type", "2026-02-01T00:00:00Z"),
                                               act("a_type", "2026-02-02T00:00:00Z")]}]
    assert features.build_sequence_spec(records, min_count=1)["vocabulary"] == ["a_type", "b_type"]


@pytest.mark.parametrize("token, phrase", [
    ("page_view:pricing", "viewed the pricing page"),
    ("page_view", "viewed a web page"),
    ("page_view:release_notes", "viewed the release notes page"),
    ("email_replied", "replied to an email"),
    ("email_opened", "opened an email"),
    ("demo_request", "requested a demo"),
    ("meeting:demo", "had a meeting (demo)"),
    ("form_fill:contact_sales", "filled in the contact-sales form"),
    ("form_fill:tax_return", "filled in the tax return form"),
    ("webinar_attended", "attended a webinar"),
    ("podcast_listened", "podcast listened"),
    ("chat:started_by_bot", "chat started by bot"),
])
def test_token_labels(token, phrase):
    assert features.token_label(token) == phrase


def test_spec_with_sequence_has_the_contract_keys_and_inputs():
    records = [{"source": "a", "asOf": AS_OF, "activities": [act("page_view", "2026-02-01T00:00:00Z")]}] * 6
    spec = features.build_spec(records, min_count=1, categorical=["source"], numeric=[], labels={},
                               sequence={"max_length": 8, "min_count": 1})
    assert list(spec) == ["name", "version", "created_at", "trained_on", "inputs", "output", "categorical",
                          "numeric", "labels", "sequence"]
    assert features.input_names(spec) == ["cat", "num", "seq_tokens", "seq_time"]
    cat, num, tokens, time = features.encode_inputs(spec, records[:2])
    assert cat.shape == (2, 1) and num.shape == (2, 0) and tokens.shape == time.shape == (2, 8)
    assert tokens[:, -1].tolist() == [2, 2]
    tabular = features.build_spec(records, min_count=1, categorical=["source"], numeric=[], labels={})
    assert "sequence" not in tabular and features.input_names(tabular) == ["cat", "num"]
    assert len(features.encode_inputs(tabular, records)) == 2
