"""platform_export.py on SYNTHETIC inputs: the CloudEvents replay (status_changed_at as the sink sets it, the
cut at the decision, emails and replies as activities) and the psql invocation (a fake psql on PATH)."""
import csv
import json
import os
import stat

from leadscore import dataset_spec, platform_export
from test_leadscore_spec import SPECS


def event(typ, t, data, n=[0]):
    n[0] += 1
    return {"specversion": "1.0", "id": f"e{n[0]}", "source": "test", "type": typ, "subject": "x", "time": t,
            "data": data}


def lead(i, t, status="open", **extra):
    return event("closer.lead.upserted", t, {"id": f"L{i}", "accountId": "A1", "source": "referral",
                                             "origin": "web_form", "country": "Germany", "occupation": "consultant",
                                             "seniority": "vp", "department": "data", "websiteVisits": 9,
                                             "websiteSeconds": 999, "pageViewsPerVisit": 9.9, "doNotEmail": False,
                                             "status": status, "createdAt": "2026-01-01T00:00:00Z",
                                             "attributes": {"synthetic_p_convert": 0.9}, **extra})


def view(i, t, page, session):
    return event("closer.activity.recorded", t, {"leadId": f"L{i}", "type": "page_view", "occurredAt": t,
                                                 "properties": {"page": page, "seconds": 10, "sessionId": session}})


def test_events_replay_writes_the_export_layout(tmp_path):
    events = [
        event("closer.account.upserted", "2026-01-01T00:00:00Z", {"id": "A1", "name": "Made-up GmbH",
                                                                  "industry": "Software", "employees": 120}),
        lead(1, "2026-01-01T00:00:00Z"),
        view(1, "2026-01-02T10:00:00Z", "pricing", "s1"),
        event("closer.email.sent", "2026-01-03T09:00:00Z", {"id": "m1", "leadId": "L1", "subject": "hi",
                                                           "body": "b", "sentAt": "2026-01-03T09:00:00Z",
                                                           "sequenceStep": 1}),
        event("closer.email.replied", "2026-01-03T15:00:00+02:00", {"id": "r1", "leadId": "L1", "body": "yes",
                                                                   "receivedAt": "2026-01-03T15:00:00+02:00",
                                                                   "emailId": "m1"}),
        lead(1, "2026-01-05T00:00:00Z", status="converted"),            # the decision
        view(1, "2026-01-06T10:00:00Z", "docs", "s2"),                    # after it: not exported
        lead(1, "2026-01-06T10:05:00Z", status="converted"),            # same status: time unchanged
        lead(2, "2026-01-01T00:00:00Z"),
        lead(2, "2026-01-04T00:00:00Z", status="disqualified"),
        lead(2, "2026-01-07T00:00:00Z", status="disqualified"),
        lead(3, "2026-01-01T00:00:00Z"),                                  # open: not exported
        view(3, "2026-01-02T00:00:00Z", "home", "s9"),
    ]
    src = tmp_path / "events.ndjson"
    src.write_text("".join(json.dumps(e) + "\n" for e in events))
    manifest = platform_export.export_events(src, tmp_path / "out")
    assert (manifest["leads"], manifest["activities"]) == (2, 3)
    leads = list(csv.DictReader(open(tmp_path / "out" / "leads.csv")))
    assert [(r["id"], r["status"], r["status_changed_at"]) for r in leads] == [
        ("L1", "converted", "2026-01-05T00:00:00.000000Z"), ("L2", "disqualified", "2026-01-04T00:00:00.000000Z")]
    assert leads[0]["industry"] == "Software" and leads[0]["employees"] == "120" and leads[0]["do_not_email"] == "f"
    assert "attributes" not in leads[0]
    acts = list(csv.DictReader(open(tmp_path / "out" / "activities.csv")))
    assert [(a["type"], a["occurred_at"]) for a in acts] == [
        ("page_view", "2026-01-02T10:00:00.000000Z"), ("email_sent", "2026-01-03T09:00:00.000000Z"),
        ("email_replied", "2026-01-03T13:00:00.000000Z")]
    assert json.loads(acts[2]["properties"]) == {"emailId": "m1"}
    # and the platform spec reads it (too few rows to train, but the records are right)
    ds = dataset_spec.load_dataset(SPECS / "platform.yaml", export=str(tmp_path / "out"))
    r = ds.records[0]
    assert ds.y.tolist() == [1, 0] and r["industry"] == "Software" and r["employees"] == 120
    assert (r["websiteVisits"], r["websiteSeconds"], r["pageViewsPerVisit"]) == (1, 10, 1.0)
    assert [a["type"] for a in r["activities"]] == ["page_view", "email_sent", "email_replied"]


def test_psql_invocation_with_a_fake_psql(tmp_path, monkeypatch):
    log = tmp_path / "calls.jsonl"
    fake = tmp_path / "bin" / "psql"
    fake.parent.mkdir()
    fake.write_text(f"""#!/usr/bin/python3
import json, re, sys
args = sys.argv[1:]
open({str(log)!r}, "a").write(json.dumps(args) + "\\n")
cmd = args[-1]
if cmd.startswith("select"):
    print("12|1")
else:
    path = re.search(r"to '(.*)' with", cmd).group(1)
    open(path, "w").write("lead_id\\n" if "activities" in cmd else "id\\na\\nb\\n")
""")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    assert platform_export.main(["--out", str(tmp_path / "x"), "--dsn", "host=h user=u password=secret dbname=d"]) == 0
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(calls) == 3
    for c in calls:
        assert c[:4] == ["-X", "-q", "-v", "ON_ERROR_STOP=1"] and c[4] == "host=h user=u password=secret dbname=d"
    assert calls[1][-1].startswith("\\copy (select l.id") and "\n" not in calls[1][-1]
    assert "x.occurred_at < l.status_changed_at" in calls[2][-1] and "'email_replied'" in calls[2][-1]
    assert "attributes" not in calls[1][-1] and "status in ('converted', 'disqualified')" in calls[1][-1]
    manifest = json.loads((tmp_path / "x" / "export.json").read_text())
    assert manifest["leads"] == 2 and manifest["activities"] == 0
    assert "secret" not in json.dumps(manifest) and manifest["from"] == "host=h user=u password=*** dbname=d"


def test_psql_errors_are_reported(tmp_path, monkeypatch, capsys):
    fake = tmp_path / "bin" / "psql"
    fake.parent.mkdir()
    fake.write_text("#!/bin/sh\necho 'psql: error: connection refused' >&2\nexit 2\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(fake.parent))
    assert platform_export.main(["--out", str(tmp_path / "x")]) == 2
    assert "connection refused" in capsys.readouterr().err


def test_safe_dsn_hides_passwords(monkeypatch):
    assert platform_export._safe_dsn("postgresql://closer:pw@localhost/closer_world") == \
        "postgresql://closer:***@localhost/closer_world"
    monkeypatch.setenv("PGHOST", "db")
    monkeypatch.setenv("PGPASSWORD", "pw")
    monkeypatch.delenv("PGPORT", raising=False)
    assert "pw" not in platform_export._safe_dsn(None)
