"""Rows for the reply model from the SYNTHETIC sales world: one per `closer.email.sent`, with the context as it was
before the send, the label, and (apart, never a feature) the simulator's truth for evaluation.

    world  = ensure_world(seed=7, leads=5000, work=Path(".closer/reply"))     # ml/simulator, cached
    rows   = build_rows(read_events(world), end=...)                          # see build_rows
    x      = embed_emails(...)                                                # deploy/local/embed.sh, cached

Label: 1 when a `closer.email.replied` with this emailId exists whose `attributes.synthetic_intent` is not
`out_of_office` (a human reply). synthetic_intent is used for the LABEL only: the platform would know an auto-reply
from its reply-intent model or the headers; it is never a feature.

Record (what serving supplies, derived.RECORD_FIELDS): the email's subject, body, sentAt, sequenceStep and recipient
time zone (attributes.recipient_timezone, else the lead's attributes.timezone); the lead's seniority, department,
source, occupation and account from its latest upsert strictly before sentAt; the account's name, industry,
employee_band and employees from its latest upsert strictly before sentAt; counts of emails sent, opens, clicks,
replies and web sessions strictly before sentAt.

Emails sent in the last `censor_days` days of the world are dropped: a reply to them could fall after the world's
end and be cut off (a human reply comes lognormal(5 h, 1.2) after the send: P(> 7 days) ~ 0.2%).

`truth` holds the simulator's ground truth for evaluation only (synthetic_p_reply, synthetic_personalised, the lead's
synthetic_fit, the step's purpose): models never read it.
"""
import bisect
import collections
import hashlib
import json
import subprocess
import time
from pathlib import Path

import numpy as np

from leadscore import features
from leadscore.data import REPO_ROOT
from simulator.simulate import ensure_world, read_events  # noqa: F401  (the world file: generated once, read)

DAY = 86400.0
HUMAN_REPLY_EXCLUDES = ("out_of_office",)
LEAD_FIELDS = ("seniority", "department", "source", "occupation")
ACCOUNT_FIELDS = {"industry": "industry", "employees": "employees"}   # record field <- account field


def ts(value):
    """ISO-8601 (Z or offset) -> epoch seconds (float), read by features.parse_time as serving's contract reads it."""
    return features.parse_time(value).timestamp()


# ----------------------------------------------------------------------------- the world
def world_end(cfg):
    return float(cfg.start_epoch + cfg.days * DAY)


# ----------------------------------------------------------------------------- rows
class _History:
    """One entity's upserts or one lead's events, sorted by time, for 'strictly before t' look-ups."""

    def __init__(self):
        self.items = []

    def add(self, t, item):
        self.items.append((t, item))

    def freeze(self):
        self.items.sort(key=lambda ti: ti[0])   # stable: ties keep stream order
        self.times = [t for t, _ in self.items]
        return self

    def last_before(self, t):
        i = bisect.bisect_left(self.times, t)
        return self.items[i - 1][1] if i else None

    def count_before(self, t):
        return bisect.bisect_left(self.times, t)

    def between(self, lo, hi):
        """Items with lo <= time < hi."""
        return [item for _, item in self.items[bisect.bisect_left(self.times, lo):bisect.bisect_left(self.times, hi)]]


def build_rows(events, end=None, censor_days=7.0):
    """One row per closer.email.sent (in stream order): {"emailId", "leadId", "sentAt", "label", "record",
    "truth"}. end: the world's end (epoch s); emails sent at or after end - censor_days days are dropped."""
    accounts = collections.defaultdict(_History)
    leads = collections.defaultdict(_History)
    kinds = ("page_view", "email_opened", "email_clicked", "email_sent", "email_replied")
    timeline = {k: collections.defaultdict(_History) for k in kinds}
    sent, human = [], set()
    for e in events:
        typ, d = e["type"], e["data"]
        if typ == "closer.account.upserted":
            accounts[d["id"]].add(ts(e["time"]), d)
        elif typ == "closer.lead.upserted":
            leads[d["id"]].add(ts(e["time"]), d)
        elif typ == "closer.activity.recorded":
            if d["type"] in timeline:
                timeline[d["type"]][d["leadId"]].add(ts(d["occurredAt"]), (d.get("properties") or {}).get("sessionId"))
        elif typ == "closer.email.sent":
            sent.append(d)
            timeline["email_sent"][d["leadId"]].add(ts(d["sentAt"]), d["id"])
        elif typ == "closer.email.replied":
            timeline["email_replied"][d["leadId"]].add(ts(d["receivedAt"]), d["emailId"])
            if (d.get("attributes") or {}).get("synthetic_intent") not in HUMAN_REPLY_EXCLUDES:
                human.add(d["emailId"])
    for table in [accounts, leads] + list(timeline.values()):
        for h in table.values():
            h.freeze()
    empty = _History().freeze()
    cutoff = None if end is None else end - censor_days * DAY
    rows = []
    for d in sent:
        t = ts(d["sentAt"])
        if cutoff is not None and t >= cutoff:
            continue
        lid = d["leadId"]
        lead = leads[lid].last_before(t) or {}
        account = accounts[lead["accountId"]].last_before(t) if lead.get("accountId") else None
        account = account or {}
        attrs = d.get("attributes") or {}
        lead_attrs = lead.get("attributes") or {}
        pv = timeline["page_view"].get(lid, empty)
        record = {
            "subject": d.get("subject"),
            "body": d.get("body"),
            "sentAt": d["sentAt"],
            "recipientTimezone": attrs.get("recipient_timezone") or lead_attrs.get("timezone"),
            "accountName": account.get("name"),
            "sequenceStep": d.get("sequenceStep"),
            **{f: lead.get(f) for f in LEAD_FIELDS},
            **{f: account.get(a) for f, a in ACCOUNT_FIELDS.items()},
            "employeeBand": (account.get("attributes") or {}).get("employee_band"),
            "priorEmailsSent": timeline["email_sent"].get(lid, empty).count_before(t),
            "priorOpens": timeline["email_opened"].get(lid, empty).count_before(t),
            "priorClicks": timeline["email_clicked"].get(lid, empty).count_before(t),
            "priorReplies": timeline["email_replied"].get(lid, empty).count_before(t),
            "webSessions3d": len({s for s in pv.between(t - 3 * DAY, t) if s is not None}),
            "webSessions30d": len({s for s in pv.between(t - 30 * DAY, t) if s is not None}),
        }
        truth = {"p_reply": attrs.get("synthetic_p_reply"), "personalised": attrs.get("synthetic_personalised"),
                 "fit": lead_attrs.get("synthetic_fit"), "step_purpose": attrs.get("step_purpose")}
        rows.append({"emailId": d["id"], "leadId": lid, "sentAt": d["sentAt"], "label": int(d["id"] in human),
                     "record": record, "truth": truth})
    return rows


def describe(rows):
    y = np.array([r["label"] for r in rows])
    return {"rows": len(rows), "positives": int(y.sum()), "reply_rate": float(y.mean()) if len(y) else 0.0,
            "leads": len({r["leadId"] for r in rows})}


# ----------------------------------------------------------------------------- embeddings (Java encoder)
def _jsonl(ids, texts):
    return "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in zip(ids, texts))


def embed_texts(ids, texts, work, name, model="bge-small", log=print):
    """Vectors of texts from deploy/local/embed.sh (the serving encoder), float32 [N, D], rows in ids order.

    Cached as work/<name>-<model>.npy (+ .ids.jsonl, .sha256 of the input JSONL, .meta.json with the time it took):
    reused when the input is the same bytes. Returns (vectors, meta {"texts", "model", "seconds", "cached"})."""
    work = Path(work)
    work.mkdir(parents=True, exist_ok=True)
    payload = _jsonl(ids, texts)
    digest = hashlib.sha256(payload.encode("utf-8")).hexdigest()
    out = work / f"{name}-{model}"
    npy, sha = out.with_suffix(".npy"), out.with_suffix(".sha256")
    meta_path = out.with_suffix(".meta.json")
    if npy.exists() and sha.exists() and sha.read_text().strip() == digest:
        x = np.load(npy)
        if x.shape[0] == len(ids):
            meta = json.loads(meta_path.read_text()) if meta_path.exists() else {"seconds": None}
            return x, {**meta, "texts": len(ids), "model": model, "cached": True}
    src = work / f"{name}.jsonl"
    src.write_text(payload, encoding="utf-8")
    log(f"embedding {len(ids)} texts with {model} (deploy/local/embed.sh) ...")
    t0 = time.time()
    subprocess.run([str(REPO_ROOT / "deploy/local/embed.sh"), str(src), "--out", str(out), "--model", model],
                   check=True)
    seconds = time.time() - t0
    x = np.load(npy)
    got = [json.loads(line) for line in out.with_suffix(".ids.jsonl").read_text().splitlines() if line.strip()]
    if got != list(ids) or x.shape[0] != len(ids):
        raise RuntimeError(f"{npy}: {x.shape[0]} vectors / ids do not match the {len(ids)} texts sent")
    sha.write_text(digest + "\n")
    meta = {"texts": len(ids), "model": model, "seconds": round(seconds, 1)}
    meta_path.write_text(json.dumps(meta) + "\n")
    log(f"embedded {len(ids)} texts in {seconds:.0f} s ({len(ids) / seconds:.1f} texts/s)")
    return x, {**meta, "cached": False}
