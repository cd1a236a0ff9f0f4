"""SYNTHETIC platform exports for tests: a tiny made-up "sales world" in the layout platform_export.py writes
(leads.csv + activities.csv + export.json). Nothing here comes from a real database or a real company.

The label depends on the timeline (a recent pricing view or demo request, a meeting) much more than on the lead's
fields, so a model that reads the sequence should beat one that does not.
"""
import csv
import json
from datetime import datetime, timedelta, timezone

import numpy as np

from leadscore import dataset_spec
from leadscore.platform_export import LEAD_COLUMNS
PAGES = ["home", "blog", "docs", "pricing", "case_study"]
START = datetime(2026, 1, 1, tzinfo=timezone.utc)


def iso(t):
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def synthetic_world(n=400, seed=0):
    """SYNTHETIC leads with timelines -> (lead rows, activity rows incl. some after the decision, labels)."""
    rng = np.random.default_rng(seed)
    leads, acts, labels = [], [], []
    for i in range(n):
        created = START + timedelta(hours=float(rng.uniform(0, 24 * 60)))
        decided = created + timedelta(days=float(rng.uniform(10, 30)))
        events = []
        for s in range(int(rng.poisson(3))):
            t = created + (decided - created) * float(rng.beta(2, 1))
            for k in range(1 + int(rng.poisson(1.5))):
                events.append((t + timedelta(minutes=2 * k), "page_view",
                               {"page": str(rng.choice(PAGES, p=[0.3, 0.3, 0.15, 0.15, 0.1])),
                                "seconds": int(rng.integers(5, 300)), "sessionId": f"l{i}-s{s}"}))
        for _ in range(int(rng.poisson(1.5))):
            events.append((created + (decided - created) * float(rng.uniform()), "email_opened", {"emailId": "e"}))
        if rng.random() < 0.15:
            events.append((decided - timedelta(days=float(rng.uniform(0.2, 3))), "demo_request", {}))
        if rng.random() < 0.1:
            events.append((decided - timedelta(days=float(rng.uniform(0.5, 4))), "meeting", {"kind": "demo"}))
        events.sort(key=lambda e: e[0])
        recent = [e for e in events if (decided - e[0]).total_seconds() < 5 * 86400 and (
            e[1] in ("demo_request", "meeting") or e[2].get("page") == "pricing")]
        source = str(rng.choice(["organic_search", "outbound", "referral", "event"]))
        logit = -2.6 + 4.0 * bool(recent) + 0.4 * (source == "referral") + float(rng.normal(0, 0.3))
        y = int(rng.random() < 1 / (1 + np.exp(-logit)))
        after = [(decided + timedelta(hours=float(rng.uniform(1, 200))), "page_view",
                  {"page": "pricing", "seconds": 30, "sessionId": f"l{i}-after"})] if rng.random() < 0.3 else []
        lead_id = f"synthetic-lead-{i:05d}"
        employees = int(rng.lognormal(5, 1.5))
        leads.append({
            "id": lead_id, "account_id": f"synthetic-acct-{i % 50}", "source": source,
            "origin": {"outbound": "manual", "event": "import"}.get(source, "web_form"),
            "country": str(rng.choice(["United States", "Germany", "India"])),
            "occupation": "working_professional", "seniority": str(rng.choice(["ic", "manager", "director"])),
            "department": str(rng.choice(["data", "sales", "engineering"])), "title": "Made-up Title, Inc.",
            "do_not_email": "t" if rng.random() < 0.05 else "f",
            "website_visits": 99, "website_seconds": 99999, "page_views_per_visit": 9.9,   # latest state (ignored)
            "status": "converted" if y else "disqualified", "status_changed_at": iso(decided),
            "crm_created_at": iso(created), "event_time": iso(decided + timedelta(days=2)),
            "industry": str(rng.choice(["Software", "Retail", "Education"])), "employees": employees,
            "account_country": "United States", "annual_revenue": employees * 100000,
        })
        for t, typ, props in events + after:
            acts.append({"lead_id": lead_id, "type": typ, "occurred_at": iso(t), "properties": props})
        labels.append(y)
    return leads, acts, labels


def write_export(folder, n=400, seed=0, open_leads=5):
    """Write a SYNTHETIC export folder; a few open leads are included to check they are skipped."""
    leads, acts, labels = synthetic_world(n, seed)
    for k in range(open_leads):
        leads.append(dict(leads[k], id=f"synthetic-open-{k}", status="open"))
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / dataset_spec.EXPORT_LEADS, "w", newline="") as f:
        w = csv.DictWriter(f, LEAD_COLUMNS)
        w.writeheader()
        w.writerows(leads)
    with open(folder / dataset_spec.EXPORT_ACTIVITIES, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["lead_id", "type", "occurred_at", "properties"])
        for a in sorted(acts, key=lambda a: (a["lead_id"], a["occurred_at"])):
            w.writerow([a["lead_id"], a["type"], a["occurred_at"], json.dumps(a["properties"])])
    (folder / dataset_spec.EXPORT_MANIFEST).write_text(json.dumps({"source": "synthetic test fixture"}))
    return leads, acts, labels
