"""Reply model (ml/replyscore): the rows use only what happened before the send, the derived text features follow
their documented rules, and an exported bundle's features.json, graph and parity.jsonl agree. A tiny SYNTHETIC world
(ml/simulator) and random unit vectors in place of the encoder's embeddings: no Java, no embedding calls."""
import copy
import functools
import hashlib
import io
import json
import math
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto

from leadscore import evaluate, onnx_numpy, plots
from replyscore import contract, dataset, derived, pipeline, variants
from simulator import simulate

ML = Path(__file__).resolve().parents[1]
BUNDLE = ML / "models" / "reply-score" / "v1"
FILES = ("model.onnx", "features.json", "metrics.json", "parity.jsonl", "card.md")


@functools.lru_cache(maxsize=None)
def tiny_world(seed=5, leads=220):
    cfg = simulate.Config(seed=seed, leads=leads)
    buf = io.BytesIO()
    simulate.generate(cfg, buf.write)
    return [json.loads(x) for x in buf.getvalue().decode().splitlines()], dataset.world_end(cfg)


def event_time(e):
    d = e["data"]
    key = {"closer.activity.recorded": "occurredAt", "closer.email.sent": "sentAt",
           "closer.email.replied": "receivedAt"}.get(e["type"])
    return dataset.ts(d[key] if key else e["time"])


def fake_embed(ids, texts, name=None):
    """A random unit vector per text, the same for the same text (stands in for the Java encoder)."""
    out = []
    for t in texts:
        r = np.random.default_rng(int(hashlib.sha256(t.encode()).hexdigest()[:12], 16)).normal(size=contract.TEXT_DIM)
        out.append(r / np.linalg.norm(r))
    return np.array(out, dtype=np.float32).reshape(len(texts), contract.TEXT_DIM)


# ----------------------------------------------------------------------------- leakage
def test_rows_have_labels_context_and_no_ground_truth_in_the_record():
    events, end = tiny_world()
    rows = dataset.build_rows(events, end=end)
    sent = [e for e in events if e["type"] == "closer.email.sent"]
    assert 0 < len(rows) <= len(sent) and 0 < sum(r["label"] for r in rows) < len(rows)
    assert all(dataset.ts(r["sentAt"]) < end - 7 * dataset.DAY for r in rows)
    for r in rows:
        assert set(r["record"]) == set(derived.RECORD_FIELDS)
        assert not any("synthetic" in k for k in r["record"])
        assert r["truth"]["p_reply"] is not None
    human = {e["data"]["emailId"] for e in events if e["type"] == "closer.email.replied"
             and e["data"]["attributes"]["synthetic_intent"] != "out_of_office"}
    assert [r["label"] for r in rows] == [int(r["emailId"] in human) for r in rows]


def test_a_row_is_built_only_from_events_strictly_before_its_send():
    """Cut the stream at a send (keeping only earlier events and the email itself): the row's record is the same.
    Then add events at and after the send: still the same."""
    events, _ = tiny_world()
    full = {r["emailId"]: r for r in dataset.build_rows(events)}
    picked = [r for r in full.values() if r["record"]["priorEmailsSent"] >= 2][:4] + \
        [r for r in full.values() if r["record"]["webSessions30d"] >= 1][:4]
    assert len(picked) == 8
    for row in picked:
        t = dataset.ts(row["sentAt"])
        lead = row["leadId"]
        email = next(e for e in events if e["type"] == "closer.email.sent" and e["data"]["id"] == row["emailId"])
        cut = [e for e in events if event_time(e) < t] + [email]
        assert dataset.build_rows(cut)[-1]["record"] == row["record"]
        upsert = next(e for e in events if e["type"] == "closer.lead.upserted" and e["data"]["id"] == lead)
        future = copy.deepcopy(upsert)
        future["time"] = row["sentAt"]   # a state change AT the send does not count
        future["data"].update(seniority="c_level", department="hr", source="referral", occupation="student")
        stamp = row["sentAt"]
        later = [future,
                 _activity(lead, "page_view", stamp, sessionId="new-session", page="pricing"),
                 _activity(lead, "email_opened", stamp, emailId=row["emailId"]),
                 _activity(lead, "email_clicked", stamp, emailId=row["emailId"]),
                 {"type": "closer.email.replied", "time": stamp,
                  "data": {"emailId": row["emailId"], "leadId": lead, "receivedAt": stamp,
                           "attributes": {"synthetic_intent": "interested"}}}]
        got = dataset.build_rows(cut + later)
        assert got[-1]["record"] == row["record"] and got[-1]["label"] == 1


def _activity(lead, typ, when, **props):
    return {"type": "closer.activity.recorded", "time": when,
            "data": {"leadId": lead, "type": typ, "occurredAt": when, "properties": props}}


def test_counts_match_a_direct_count_of_earlier_events():
    events, _ = tiny_world()
    rows = dataset.build_rows(events)
    for row in rows[::15]:
        t, lead = dataset.ts(row["sentAt"]), row["leadId"]
        acts = [e["data"] for e in events if e["type"] == "closer.activity.recorded" and e["data"]["leadId"] == lead]
        before = lambda typ, lo=-1e18: [a for a in acts if a["type"] == typ and lo <= dataset.ts(a["occurredAt"]) < t]  # noqa
        rec = row["record"]
        assert rec["priorOpens"] == len(before("email_opened"))
        assert rec["priorClicks"] == len(before("email_clicked"))
        assert rec["webSessions3d"] == len({a["properties"]["sessionId"] for a in before("page_view", t - 3 * 86400)})
        assert rec["webSessions30d"] == len({a["properties"]["sessionId"] for a in before("page_view", t - 30 * 86400)})
        assert rec["priorEmailsSent"] == sum(1 for e in events if e["type"] == "closer.email.sent"
                                             and e["data"]["leadId"] == lead and dataset.ts(e["data"]["sentAt"]) < t)


# ----------------------------------------------------------------------------- derived rules
@pytest.mark.parametrize("text,n", [("", 0), (None, 0), ("one", 1), ("  two\twords\n", 2), ("a\r\nb\fc\vd", 4),
                                    ("non\u00a0breaking space", 2), ("- bullet\n- list", 4), ("Hi Sam,\n\nok.", 3)])
def test_words(text, n):
    assert derived.words(text) == n


@pytest.mark.parametrize("subject,n", [("Quick question, Sam", 3), ("Re: Quick question", 2), ("RE:  Fwd: re:x y", 2),
                                       ("Fw:Re:", 0), ("Re: ", 0), ("Reply to this", 3), ("Regarding: pricing", 2),
                                       ("  re : spaced", 1), ("Idea - Re: later", 4), (None, 0)])
def test_subject_words_drop_a_leading_run_of_reply_prefixes(subject, n):
    assert derived.derive({"subject": subject})["subjectWords"] == n


@pytest.mark.parametrize("account,body,named", [
    ("Meyer Logistics GmbH", "I saw meyer logistics is hiring.", 1),
    ("Meyer Logistics GmbH", "I saw Meyer Logistics GmbH is hiring.", 1),
    ("Hart & Cole, Inc.", "Congrats to HART & COLE on the launch", 1),
    ("Birch Cloud AB", "Birch Cloud' new office", 1),
    ("Acme Sp. z o.o.", "acme", 1),
    ("Tata Pvt. Ltd.", "Tata Pvt is big", 1),
    ("Meyer Logistics GmbH", "I saw your company is hiring.", 0),
    ("Meyer Logistics GmbH", None, 0),
    (None, "Meyer Logistics", 0),
    ("  ", "anything", 0),
    ("X Inc.", "x marks the spot", 0),          # "X" is shorter than 2 characters
    ("AB", "about", 1),                          # no space before "AB": a name, matched as a substring (documented)
])
def test_names_company(account, body, named):
    assert derived.derive({"accountName": account, "body": body})["namesCompany"] == named


def test_company_name_strips_the_longest_legal_suffix_once():
    assert derived.company_name("Mensah Bank S.A. de C.V.") == "Mensah Bank"
    assert derived.company_name("Nordic AB AB") == "Nordic AB"
    assert derived.company_name(" Hart & Cole, Inc. ") == "Hart & Cole"
    assert derived.company_name("GmbH") == "GmbH"


@pytest.mark.parametrize("body,q,link", [("Worth a chat?", 1, 0), ("Why? How? When? Who?", 4, 0), ("no", 0, 0),
                                        ("See https://www.lumora.example/tour", 0, 1), ("HTTP://X.Y", 0, 1),
                                        ("visit WWW.site.com", 0, 1), ("email me at a@b.com", 0, 0),
                                        ("full-width \uff1f is not '?'", 1, 0)])
def test_questions_and_links(body, q, link):
    d = derived.derive({"body": body})
    assert (d["bodyQuestions"], d["hasLink"]) == (q, link)


@pytest.mark.parametrize("sent,zone,hour,weekday,weekend", [
    ("2026-04-07T13:05:00Z", "America/New_York", "9", "2", 0),          # EDT: UTC-4, a Tuesday
    ("2026-01-06T13:05:00Z", "America/New_York", "8", "2", 0),          # EST: UTC-5
    ("2026-03-28T23:30:00Z", "Europe/Berlin", "0", "7", 1),             # Sunday 00:30 CET, before the DST switch
    ("2026-03-29T01:30:00.250+02:00", "Europe/Berlin", "0", "7", 1),    # the same instant with an offset
    ("2026-03-29T01:30:00Z", "Europe/Berlin", "3", "7", 1),             # after the switch: CEST
    ("2026-05-01T23:59:59Z", "Asia/Tokyo", "8", "6", 1),                # Friday in UTC, Saturday in Tokyo
    ("2026-05-03T22:30:00Z", "Pacific/Auckland", "10", "1", 0),         # Sunday in UTC, Monday in Auckland
    ("2026-05-01T10:00:00Z", "Mars/Olympus_Mons", None, None, None),
    ("2026-05-01T10:00:00Z", None, None, None, None),
    ("2026-05-01T10:00:00Z", " ", None, None, None),
    (None, "Europe/Berlin", None, None, None),
])
def test_local_hour_and_weekend(sent, zone, hour, weekday, weekend):
    d = derived.derive({"sentAt": sent, "recipientTimezone": zone})
    assert (d["localHour"], d["localWeekend"]) == (hour, weekend)
    assert derived.local_time(sent, zone) == (hour, weekday)


def test_derived_section_documents_every_derived_feature_and_record_field():
    sec = derived.derived_section()
    assert set(sec["features"]) == set(derived.RULES) == set(derived.derive({}))
    names = contract.CATEGORICAL + [n for n, _ in contract.NUMERIC]
    assert set(names) <= set(sec["features"]) | set(sec["record"])
    assert not set(sec["features"]) & set(sec["record"])
    assert "GmbH" in sec["legal_suffixes"] and sec["legal_suffixes"] == derived.LEGAL_SUFFIXES


def test_variants_edit_the_draft_as_described():
    body = "Hi Sam,\n\n" + " ".join(f"w{i}" for i in range(100)) + "\n\nCheers"
    assert derived.words(variants.shorten(body)) == variants.SHORT_WORDS and variants.shorten("a b") == "a b"
    assert derived.derive({"body": variants.add_question(body)})["bodyQuestions"] == 1
    assert derived.names_company(variants.personalise(body, "Meyer Logistics GmbH"), "Meyer Logistics GmbH") == 1
    t = variants.tuesday_9am("2026-04-10T20:00:00Z", "America/Los_Angeles")
    assert derived.local_time(t, "America/Los_Angeles") == ("9", "2") and t.startswith("2026-04-07")
    rec = {"body": body, "subject": "Hi", "accountName": "Meyer Logistics GmbH", "sentAt": "2026-04-10T20:00:00Z",
           "recipientTimezone": "America/Los_Angeles"}
    assert variants.TEXT_EDITS <= set(variants.VARIANTS)
    for v in variants.VARIANTS:     # TEXT_EDITS: exactly the edits whose text must be embedded again
        assert (derived.text_of(variants.apply(v, rec)) != derived.text_of(rec)) == (v in variants.TEXT_EDITS), v


def test_the_simulator_formula_on_the_record_is_the_true_logit_up_to_the_leads_noise():
    """logit(synthetic_p_reply) - variants.reply_logit(record, truth) is the lead's unobserved noise: the same for
    every email of a lead, up to the rounding of p to 4 decimals. So reply_logit measures the record as the simulator
    does, and oracle_p (its noise average) and true_change rest on the simulator's own formula."""
    events, end = tiny_world()
    by_lead = {}
    for r in dataset.build_rows(events, end=end):
        t, rec = r["truth"], r["record"]
        x = variants.reply_logit(rec, bool(t["personalised"]), step=int(rec["sequenceStep"]),
                                 breakup=t["step_purpose"] == "breakup", fit=float(t["fit"] or 0.0),
                                 recent_visit=(rec.get("webSessions3d") or 0) > 0)
        p = t["p_reply"]
        by_lead.setdefault(r["leadId"], []).append((math.log(p / (1 - p)) - x, 0.5e-4 / (p * (1 - p)) + 1e-9))
    several = [v for v in by_lead.values() if len(v) > 1]
    assert len(several) > 50
    for v in several:
        assert max(a - b for a, b in v) <= min(a + b for a, b in v), v
    r = next(r for r in dataset.build_rows(events, end=end) if r["truth"]["p_reply"] > 0.01)
    o = variants.oracle_p(r["record"], r["truth"])
    assert 0 < o < 1 and abs(variants.true_change(r["record"], r["record"], r["truth"]["p_reply"],
                                                  bool(r["truth"]["personalised"]))) < 1e-12


# ----------------------------------------------------------------------------- export
@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    events, end = tiny_world()
    rows = dataset.build_rows(events, end=end)
    text = fake_embed(None, [derived.text_of(r["record"]) for r in rows])
    tmp = tmp_path_factory.mktemp("reply")
    cfg = dict(pipeline.DEFAULTS, folds=2, crossfit=2, epochs=2, sensitivity_rows=40, parity_real_rows=6,
               report=str(tmp / "report"), out=str(tmp / "v1"), version="v1")
    metrics = pipeline.run(rows, text, cfg, fake_embed, log=lambda *a: None)
    return tmp / "v1", tmp / "report", metrics


def test_main_reads_the_world_once_and_embeds_only_the_kept_rows(tmp_path, monkeypatch):
    calls = []

    def embed_texts(ids, texts, work, name, model="bge-small", log=print):
        calls.append((name, list(ids), list(texts)))
        return fake_embed(ids, texts), {"texts": len(ids), "model": model, "seconds": 0.0, "cached": False}

    reads = []
    read_events = dataset.read_events
    monkeypatch.setattr(dataset, "embed_texts", embed_texts)
    monkeypatch.setattr(dataset, "read_events", lambda p: reads.append(p) or read_events(p))
    assert pipeline.main(["--leads", "220", "--seed_world", "5", "--folds", "2", "--crossfit", "2", "--epochs", "2",
                          "--sensitivity_rows", "40", "--work", str(tmp_path / "work"),
                          "--report", str(tmp_path / "report")]) == 0
    events, end = tiny_world()
    rows = dataset.build_rows(events, end=end)
    assert len(reads) == 1 and calls[0][0] == "rows-s5-220"
    assert calls[0][1] == [r["emailId"] for r in rows] and calls[0][2] == [derived.text_of(r["record"]) for r in rows]
    metrics = json.loads((tmp_path / "report" / "metrics.json").read_text())
    assert metrics["dataset"]["emails_sent"] == sum(e["type"] == "closer.email.sent" for e in events) > len(rows)


def test_curves_only_reproduces_the_curves_and_changes_nothing_else(exported, tmp_path):
    """--curves-only on a run's folders: the same seeded CV without the sensitivity edits gives the same per-fold
    figures and curve points; only `curves` is rewritten, with how it was made."""
    _, report, metrics = exported
    events, end = tiny_world()
    rows = dataset.build_rows(events, end=end)
    text = fake_embed(None, [derived.text_of(r["record"]) for r in rows])
    folders = [tmp_path / "report", tmp_path / "v1"]
    for folder in folders:
        folder.mkdir()
        (folder / "metrics.json").write_text((report / "metrics.json").read_text())
    cfg = dict(pipeline.DEFAULTS, folds=2, crossfit=2, epochs=2, sensitivity_rows=40, parity_real_rows=6,
               report=str(folders[0]), out=str(folders[1]), version="v1", curves_only="train.py --curves-only")
    curves = pipeline.run(rows, text, cfg, None, log=lambda *a: None)
    before = json.loads(json.dumps(metrics))
    for folder in folders:
        after = json.loads((folder / "metrics.json").read_text())
        reproduced = after["curves"].pop("reproduced")
        assert reproduced["how"] == "train.py --curves-only" and reproduced["matches_committed_results"]
        assert "note" not in after["curves"]
        assert after["curves"] == before["curves"] == json.loads(json.dumps(curves))
        assert {k: v for k, v in after.items() if k != "curves"} == {k: v for k, v in before.items() if k != "curves"}
    with pytest.raises(plots.NotTheSameRun):
        pipeline.run(rows[:-3], text[:-3], cfg, None, log=lambda *a: None)
    with pytest.raises(plots.NotTheSameRun, match="`cv` differs"):       # refused before the CV
        pipeline.run(rows, text, dict(cfg, folds=3), None, log=lambda *a: None)


def test_no_sensitivity_rows_skips_the_sensitivity_check(tmp_path):
    """--sensitivity_rows 0: the CV runs without the sensitivity block (no KeyError for the missing "original"), the
    same figures as without sensitivity inputs, and metrics.json's `sensitivity` is empty."""
    events, end = tiny_world()
    rows = dataset.build_rows(events, end=end)
    text = fake_embed(None, [derived.text_of(r["record"]) for r in rows])
    cfg = dict(pipeline.DEFAULTS, folds=2, crossfit=2, epochs=1, sensitivity_rows=0, report=str(tmp_path / "report"),
               out=None, version="dev")
    empty = np.zeros(0, dtype=bool)
    sens = {"index": np.zeros(0, dtype=int),
            "variants": {v: (empty, [], np.zeros((0, contract.TEXT_DIM), np.float32)) for v in variants.VARIANTS}}
    quiet = lambda *a: None  # noqa: E731
    assert pipeline.cross_validate(rows, text, sens, cfg, quiet)[0] == pipeline.cross_validate(rows, text, None, cfg,
                                                                                               quiet)[0]
    metrics = pipeline.run(rows, text, cfg, fake_embed, log=quiet)
    assert metrics["sensitivity"] == {}
    assert json.loads((tmp_path / "report" / "metrics.json").read_text())["sensitivity"] == {}


def check_bundle(folder):
    """features.json contract, graph I/O, parity.jsonl reproduced from the raw records by the numpy runner."""
    for name in FILES:
        assert (folder / name).is_file(), name
    spec = json.loads((folder / "features.json").read_text())
    assert spec["name"] == "reply-score" and spec["inputs"] == {"categorical": "cat", "numeric": "num"}
    assert spec["output"] == "probability"
    assert [c["name"] for c in spec["categorical"]] == contract.CATEGORICAL
    assert [(n["name"], n["transform"]) for n in spec["numeric"]] == list(contract.NUMERIC)
    assert spec["text"] == {"input": "text", "encoder": "bge-small", "dimension": 384, "template": "{subject}\n\n{body}",
                            "normalised": spec["text"]["normalised"]}
    assert spec["derived"] == json.loads(json.dumps(derived.derived_section()))
    assert not any("synthetic" in n for n in [c["name"] for c in spec["categorical"]] + list(spec["derived"]["record"]))
    graph = onnx.load(str(folder / "model.onnx"))
    ins = {i.name: i.type.tensor_type for i in graph.graph.input}
    assert list(ins) == ["cat", "num", "text"]
    assert [ins[n].elem_type for n in ins] == [TensorProto.INT64, TensorProto.FLOAT, TensorProto.FLOAT]
    assert [d.dim_value for d in ins["text"].shape.dim][1:] == [384]
    assert [d.dim_value for d in ins["cat"].shape.dim][1:] == [len(spec["categorical"])]
    assert [d.dim_value for d in ins["num"].shape.dim][1:] == [len(spec["numeric"])]
    assert [o.name for o in graph.graph.output] == ["probability"]
    lines = [json.loads(x) for x in (folder / "parity.jsonl").read_text().splitlines() if x.strip()]
    assert len(lines) >= 14
    records = [x["input"] for x in lines]
    assert [x["derived"] for x in lines] == [derived.derive(r) for r in records]
    cat, num = contract.encode(spec, records)
    vec = np.array([x["text"] for x in lines], dtype=np.float32)
    assert np.allclose(np.linalg.norm(vec, axis=1), 1.0, atol=1e-4)
    got = onnx_numpy.run(graph, cat, num, vec)["probability"]
    assert got.shape == (len(lines), 1)
    want = np.array([x["probability"] for x in lines])
    assert np.max(np.abs(got.reshape(-1) - want)) <= 1e-5
    assert 0 < want.min() and want.max() < 1
    return spec, lines


def test_exported_bundle_agrees_with_its_features_json_and_parity(exported):
    folder, report, metrics = exported
    spec, lines = check_bundle(folder)
    assert metrics["export"]["max_abs_diff"] <= 1e-5 and metrics["dataset"]["synthetic"] is True
    for name in ("metrics.json", "card.md", "roc.png", "calibration.png", "lift.png"):
        assert (report / name).is_file()
    assert set(metrics["results"]) == set(pipeline.MODELS)
    assert metrics["curves"]["served"] == "mlp" and set(metrics["curves"]["roc"]) == set(pipeline.MODELS)
    assert set(metrics["results"]["mlp"]) == set(evaluate.METRICS)
    assert set(metrics["sensitivity"]) == set(variants.VARIANTS)
    assert "SYNTHETIC" in (folder / "card.md").read_text()


def test_encoding_a_record_matches_the_parity_line_when_serving_sends_messy_values(exported):
    folder, _, _ = exported
    spec = json.loads((folder / "features.json").read_text())
    rec = {"seniority": "  VP ", "localHour": "spoofed", "sequenceStep": 2, "sentAt": "2026-04-07T13:05:00Z",
           "recipientTimezone": "America/New_York"}
    cat, _ = contract.encode(spec, [rec])
    names = [c["name"] for c in spec["categorical"]]
    vocab = {c["name"]: c["vocabulary"] for c in spec["categorical"]}
    assert cat[0][names.index("seniority")] == vocab["seniority"].index("vp") + 1
    assert cat[0][names.index("localHour")] == vocab["localHour"].index("9") + 1   # derived wins over the record
    assert cat[0][names.index("sequenceStep")] == vocab["sequenceStep"].index("2") + 1


def test_the_committed_cards_render_from_the_committed_metrics():
    """replyscore.card.markdown on v1's metrics.json and features.json with the pipeline's defaults writes the
    bundle's and the report's card.md byte for byte (the true effects it quotes come from simulator/effects.py)."""
    from replyscore import card
    metrics = json.loads((BUNDLE / "metrics.json").read_text())
    text = card.markdown(metrics, json.loads((BUNDLE / "features.json").read_text()), dict(pipeline.DEFAULTS))
    assert text == (BUNDLE / "card.md").read_text() == (ML / "reports" / "reply-score" / "card.md").read_text()


def test_committed_bundle():
    assert BUNDLE.is_dir(), f"{BUNDLE} is committed"
    spec, lines = check_bundle(BUNDLE)
    assert spec["version"] == "v1"
    metrics = json.loads((BUNDLE / "metrics.json").read_text())
    assert metrics["dataset"]["synthetic"] is True and metrics["export"]["output_shape"] == "[N, 1]"
    for name in ("metrics.json", "card.md", "roc.png", "calibration.png", "lift.png"):
        assert (ML / "reports" / "reply-score" / name).is_file()
    assert json.loads((ML / "reports" / "reply-score" / "metrics.json").read_text())["results"] == metrics["results"]
