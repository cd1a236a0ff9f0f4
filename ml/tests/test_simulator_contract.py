"""The SYNTHETIC world simulator (ml/simulator): reproducibility, streaming order, and the event contract of
docs/architecture.md ("Events"), checked line by line by a small validator written here from that table."""
import functools
import gzip
import io
import json
import re
import subprocess
import sys
from pathlib import Path

from simulator import simulate

ML = Path(__file__).resolve().parents[1]
REPO = ML.parent

# ----------------------------------------------------------------------------- the contract (docs/architecture.md)
ENVELOPE = {"specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data"}
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ACTIVITY_TYPE = re.compile(r"^[a-z][a-z0-9_.]{0,99}$")
CURRENCY = re.compile(r"^[A-Z]{3}$")
# type -> (allowed data fields, required fields, the data field the subject must equal)
CONTRACT = {
    "closer.user.upserted": ({"id", "displayName", "email", "role", "team"}, {"id", "displayName"}, "id"),
    "closer.account.upserted": ({"id", "name", "domain", "industry", "employees", "country", "annualRevenue",
                                 "attributes"}, {"id", "name"}, "id"),
    "closer.lead.upserted": ({"id", "accountId", "email", "firstName", "lastName", "title", "seniority", "department",
                              "source", "origin", "country", "occupation", "websiteVisits", "websiteSeconds",
                              "pageViewsPerVisit", "doNotEmail", "status", "ownerId", "createdAt", "attributes"},
                             {"id"}, "id"),
    "closer.activity.recorded": ({"leadId", "type", "occurredAt", "id", "properties"},
                                 {"leadId", "type", "occurredAt"}, "leadId"),
    "closer.deal.upserted": ({"id", "name", "accountId", "leadId", "amount", "currency", "stage", "ownerId",
                              "createdAt", "closedAt", "attributes"}, {"id", "name"}, "id"),
    "closer.email.sent": ({"id", "leadId", "subject", "body", "sentAt", "ownerId", "threadId", "sequenceId",
                           "sequenceStep", "variant", "attributes"}, {"id", "leadId", "subject", "body", "sentAt"},
                          "leadId"),
    "closer.email.replied": ({"id", "leadId", "body", "receivedAt", "emailId", "threadId", "subject", "attributes"},
                             {"id", "leadId", "body", "receivedAt"}, "leadId"),
    "closer.call.transcribed": ({"id", "leadId", "startedAt", "utterances", "dealId", "ownerId", "title",
                                 "participants", "attributes"}, {"id", "leadId", "startedAt", "utterances"}, "leadId"),
}
STAGES = {"prospecting", "discovery", "demo", "proposal", "negotiation", "closed_won", "closed_lost"}
SENIORITY = {"ic", "manager", "director", "vp", "c_level"}


def validate(e, seen):
    """Errors of one event (empty list = valid). `seen`: ids of users/accounts/leads/emails/events seen so far."""
    err = []
    if set(e) != ENVELOPE:
        err.append("envelope keys %s" % sorted(set(e) ^ ENVELOPE))
        return err
    if e["specversion"] != "1.0" or e["source"] != "closer/simulator" or e["datacontenttype"] != "application/json":
        err.append("envelope values")
    if not TIME.match(e["time"]):
        err.append("time format")
    if e["id"] in seen["event"]:
        err.append("duplicate id " + e["id"])
    seen["event"].add(e["id"])
    typ, d = e["type"], e["data"]
    if typ not in CONTRACT or not isinstance(d, dict):
        return err + ["unknown type or data not an object"]
    allowed, required, subj = CONTRACT[typ]
    if set(d) - allowed:
        err.append("unknown data fields %s" % sorted(set(d) - allowed))
    for k in required:
        if d.get(k) in (None, "") or (k == "utterances" and not d[k]):
            err.append("missing " + k)
    if not e["subject"] or e["subject"] != d.get(subj):
        err.append("subject must equal data." + subj)
    for k in ("attributes", "properties"):
        if k in d and not isinstance(d[k], dict):
            err.append(k + " not an object")
    for k in ("createdAt", "closedAt", "sentAt", "receivedAt", "occurredAt", "startedAt"):
        if k in d and not TIME.match(str(d[k])):
            err.append(k + " format")
    if "email" in d and not EMAIL.match(str(d["email"])):
        err.append("email")
    for k, lim in (("id", 200), ("name", 200), ("title", 200), ("email", 320), ("country", 100), ("occupation", 100)):
        if isinstance(d.get(k), str) and len(d[k]) > lim:
            err.append(k + " too long")
    if typ == "closer.user.upserted":
        if d.get("role") not in ("rep", "manager"):
            err.append("role")
        seen["user"].add(d["id"])
    elif typ == "closer.account.upserted":
        for k in ("employees", "annualRevenue"):
            if k in d and not (isinstance(d[k], (int, float)) and not isinstance(d[k], bool) and d[k] >= 0):
                err.append(k)
        seen["account"].add(d["id"])
    elif typ == "closer.lead.upserted":
        for k in ("websiteVisits", "websiteSeconds", "pageViewsPerVisit"):
            if k in d and not (isinstance(d[k], (int, float)) and not isinstance(d[k], bool) and d[k] >= 0):
                err.append(k)
        if d.get("status", "open") not in ("open", "converted", "disqualified"):
            err.append("status")
        if "doNotEmail" in d and not isinstance(d["doNotEmail"], bool):
            err.append("doNotEmail")
        if d.get("seniority") not in SENIORITY:
            err.append("seniority")
        if d.get("ownerId") not in seen["user"]:
            err.append("owner not a known user")
        if "accountId" in d and d["accountId"] not in seen["account"]:
            err.append("account not seen before")
        seen["lead"].add(d["id"])
    elif typ == "closer.activity.recorded":
        if not ACTIVITY_TYPE.match(str(d.get("type"))):
            err.append("activity type")
        if d["leadId"] not in seen["lead"]:
            err.append("activity before its lead")
    elif typ == "closer.deal.upserted":
        if d.get("stage") not in STAGES:
            err.append("stage")
        if not (isinstance(d.get("amount"), (int, float)) and d["amount"] >= 0):
            err.append("amount")
        if not CURRENCY.match(str(d.get("currency"))):
            err.append("currency")
        if d.get("leadId") not in seen["lead"] or ("accountId" in d and d["accountId"] not in seen["account"]):
            err.append("deal references")
        if (d["stage"] in ("closed_won", "closed_lost")) != ("closedAt" in d):
            err.append("closedAt iff closed")
    elif typ == "closer.email.sent":
        if not (isinstance(d.get("sequenceStep"), int) and d["sequenceStep"] >= 1):
            err.append("sequenceStep")
        if d.get("variant") not in ("A", "B"):
            err.append("variant")
        if d["leadId"] not in seen["lead"] or d.get("ownerId") not in seen["user"]:
            err.append("email references")
        seen["email"].add(d["id"])
    elif typ == "closer.email.replied":
        if d.get("emailId") not in seen["email"]:
            err.append("reply to an unknown email")
        if d.get("attributes", {}).get("synthetic_intent") not in (
                "interested", "objection", "referral", "unsubscribe", "out_of_office", "not_interested"):
            err.append("synthetic_intent")
    elif typ == "closer.call.transcribed":
        for u in d["utterances"]:
            if set(u) - {"speaker", "role", "startMs", "endMs", "text"} or not u.get("speaker"):
                err.append("utterance fields")
            if u.get("role") not in ("rep", "prospect", "other"):
                err.append("utterance role")
            if not (isinstance(u.get("startMs"), int) and u["startMs"] >= 0 and u["endMs"] >= u["startMs"]):
                err.append("utterance times")
            if not isinstance(u.get("text"), str):
                err.append("utterance text")
        for p in d.get("participants", []):
            if set(p) != {"id", "name", "role"}:
                err.append("participant fields")
    return err


# ----------------------------------------------------------------------------- worlds (cached per test session)
@functools.lru_cache(maxsize=None)
def world_bytes(seed=7, leads=3000, **kw):
    buf = io.BytesIO()
    summary = simulate.generate(simulate.Config(seed=seed, leads=leads, **kw), buf.write)
    return buf.getvalue(), summary


@functools.lru_cache(maxsize=None)
def world(seed=7, leads=3000):
    """The shared test world: (events as dicts, summary)."""
    raw, summary = world_bytes(seed, leads)
    return [json.loads(x) for x in raw.decode("utf-8").splitlines()], summary


def run_cli(args, cwd):
    return subprocess.run([sys.executable] + args, cwd=cwd, capture_output=True, timeout=120)


# ----------------------------------------------------------------------------- tests
def test_same_seed_same_bytes_gz_too_and_other_seed_differs(tmp_path):
    a, _ = world_bytes(11, 300)
    b, _ = world_bytes.__wrapped__(11, 300)
    assert a == b
    c, _ = world_bytes(12, 300)
    assert c != a
    # gzip output is byte-identical too (mtime 0, no file name in the header)
    outs = []
    for name in ("one.ndjson.gz", "two.ndjson.gz"):
        write, close = simulate.open_output(str(tmp_path / name), 6)
        simulate.generate(simulate.Config(seed=11, leads=300), write)
        close()
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]
    assert gzip.decompress(outs[0]) == a


def test_spilling_to_disk_and_worker_processes_give_the_same_stream():
    a, _ = world_bytes(11, 300)
    buf = io.BytesIO()
    s = simulate.generate(simulate.Config(seed=11, leads=300), buf.write, spill_mb=0.5)
    assert s["spills"] > 0
    assert buf.getvalue() == a
    buf = io.BytesIO()
    s2 = simulate.generate(simulate.Config(seed=11, leads=300), buf.write, workers=2)
    assert buf.getvalue() == a
    assert s2["base_rates"] == s["base_rates"]


def test_cli_as_module_from_ml_and_as_script_from_repo_root(tmp_path):
    out1, out2 = tmp_path / "a.ndjson.gz", tmp_path / "b.ndjson.gz"
    r1 = run_cli(["-m", "simulator.simulate", "--seed", "3", "--leads", "60", "--days", "30", "--out", str(out1),
                  "--summary", str(tmp_path / "s.json")], ML)
    r2 = run_cli(["ml/simulator/simulate.py", "--seed", "3", "--leads", "60", "--days", "30", "--out", str(out2),
                  "--quiet"], REPO)
    assert r1.returncode == 0, r1.stderr.decode()
    assert r2.returncode == 0, r2.stderr.decode()
    assert out1.read_bytes() == out2.read_bytes()
    s = json.loads((tmp_path / "s.json").read_text())
    assert s["synthetic"] is True and s["counts"]["closer.lead.upserted"] >= 60
    r3 = run_cli(["-m", "simulator.simulate", "--seed", "3", "--leads", "20", "--days", "20", "--out", "-",
                  "--quiet"], ML)
    assert r3.returncode == 0 and r3.stdout.count(b"\n") > 20


def test_every_event_satisfies_the_contract_ids_unique_times_ordered():
    events, _ = world()
    seen = {"event": set(), "user": set(), "account": set(), "lead": set(), "email": set()}
    bad = []
    last = ""
    for i, e in enumerate(events):
        errs = validate(e, seen)
        if e["time"] < last:
            errs.append("time went backwards")
        last = e["time"]
        if errs:
            bad.append((i, e["type"], errs))
    assert not bad, bad[:10]
    types = {e["type"] for e in events}
    assert types == set(CONTRACT)


def test_upserts_strictly_ordered_per_entity_and_lead_state_matches_page_views():
    events, _ = world()
    last_upsert = {}
    state = {}
    checked = 0
    for e in events:
        typ, d = e["type"], e["data"]
        if typ in ("closer.lead.upserted", "closer.deal.upserted", "closer.account.upserted", "closer.user.upserted"):
            key = (typ, d["id"])
            assert last_upsert.get(key, "") < e["time"], key
            last_upsert[key] = e["time"]
        if typ == "closer.activity.recorded" and d["type"] == "page_view":
            st = state.setdefault(d["leadId"], [set(), 0, 0])
            st[0].add(d["properties"]["sessionId"])
            st[1] += 1
            st[2] += d["properties"]["seconds"]
            assert d["properties"]["page"] in ("pricing", "docs", "case_study", "careers", "blog", "home",
                                               "integrations")
            assert d["properties"]["url"].startswith("https://")
        if typ == "closer.lead.upserted":
            v, n, secs = state.get(d["id"], [set(), 0, 0])
            assert d["websiteVisits"] == len(v) and d["websiteSeconds"] == secs, d["id"]
            assert d["pageViewsPerVisit"] == (round(n / len(v), 2) if v else 0)
            checked += 1
    assert checked > 3000


def test_lead_story_shape():
    """Users and accounts first; every lead's first event is its creation upsert; decisions carry full state."""
    events, _ = world()
    first_lead = next(i for i, e in enumerate(events) if e["type"] == "closer.lead.upserted")
    assert all(e["type"] in ("closer.user.upserted", "closer.account.upserted") for e in events[:first_lead])
    first_seen = {}
    decisions = 0
    for e in events:
        if e["subject"].startswith("s7-lead-") and e["type"] != "closer.deal.upserted":
            first_seen.setdefault(e["subject"], e["type"])
        d = e["data"]
        if e["type"] == "closer.lead.upserted" and d["attributes"].get("synthetic_decision"):
            decisions += 1
            assert {"email", "title", "seniority", "department", "source", "ownerId", "createdAt"} <= set(d)
            assert 0 <= d["attributes"]["synthetic_p_convert"] <= 1
    assert set(first_seen.values()) == {"closer.lead.upserted"}
    assert decisions > 2000
