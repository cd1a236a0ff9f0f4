"""Export decided leads and their activity timelines from Closer's PostgreSQL for lead-score training.

    /usr/bin/python3 ml/leadscore/platform_export.py [--out DIR] \\
        [--dsn "host=localhost user=closer dbname=closer_world"]

Runs `psql` with `\\copy (query) to 'file' csv header` (no Python driver needed). The connection is
`--dsn` (a libpq connection string or URI), else the usual PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE
environment. Writes into --out, by default <exports>/sales-world, where `train.py --spec ml/specs/platform.yaml`
reads it (<exports> is $CLOSER_EXPORTS, else .closer/exports, which git ignores; never commit exports):

  leads.csv        one row per DECIDED lead (status converted or disqualified; open leads have no label):
                   the lead's columns, its account's industry/employees/country/annual_revenue, and
                   status_changed_at, the decision time (asOf). Timestamps are ISO-8601 UTC ("...Z").
  activities.csv   lead_id, type, occurred_at, properties (JSON) of everything that happened to those
                   leads STRICTLY BEFORE their decision time: the activities table, plus emails sent
                   (type email_sent) and replies received (type email_replied), so nothing that
                   happened after the outcome can leak into features.
  export.json      what was exported, when, from where (without the password), and the row counts.

Columns such as attributes (simulator ground truth synthetic_*, lifecycle_stage, disqualify_reason) are not
exported at all. The stored web fields (website_visits ...) are the lead's latest state; the dataset loader
recomputes them from the page views before asOf.

`--from-events FILE` builds the same folder from a CloudEvents file (ndjson, .gz ok; e.g. the simulator's
output), applying the events in order the way the platform stores them; for machines without the database.
"""
import argparse
import csv
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # make `leadscore` importable as a script

from leadscore import data, dataset_spec, features  # noqa: E402

DECIDED = ("converted", "disqualified")
ISO = "YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\""


def _ts(column):
    return f"to_char({column} at time zone 'UTC', '{ISO}')"


LEADS_QUERY = f"""
select l.id, l.account_id, l.source, l.origin, l.country, l.occupation, l.seniority, l.department, l.title,
       l.do_not_email, l.website_visits, l.website_seconds, l.page_views_per_visit, l.status,
       {_ts('l.status_changed_at')} as status_changed_at, {_ts('l.crm_created_at')} as crm_created_at,
       {_ts('l.event_time')} as event_time,
       a.industry, a.employees, a.country as account_country, a.annual_revenue
from leads l left join accounts a on a.id = l.account_id
where l.status in ('converted', 'disqualified') and l.status_changed_at is not null
order by l.id
"""

ACTIVITIES_QUERY = f"""
select x.lead_id, x.type, {_ts('x.occurred_at')} as occurred_at, x.properties
from (
    select lead_id, type, occurred_at, properties, id from activities
    union all
    select lead_id, 'email_sent', sent_at, jsonb_build_object('emailId', id, 'sequenceStep', sequence_step), id
    from emails
    union all
    select lead_id, 'email_replied', received_at, jsonb_build_object('emailId', email_id), id from email_replies
) x join leads l on l.id = x.lead_id
where l.status in ('converted', 'disqualified') and l.status_changed_at is not null
  and x.occurred_at < l.status_changed_at
order by x.lead_id, x.occurred_at, x.id
"""

CHECK_QUERY = ("select (select count(*) from leads where status in ('converted', 'disqualified')), "
               "(select count(*) from information_schema.columns where table_name = 'leads' "
               "and column_name = 'status_changed_at')")


def _one_line(sql):
    return re.sub(r"\s+", " ", sql).strip()


def psql(args, dsn=None, capture=True):
    """Run psql (no ~/.psqlrc, stop on error); returns stdout."""
    exe = shutil.which("psql")
    if exe is None:
        raise RuntimeError("psql not found on PATH; install postgresql-client")
    cmd = [exe, "-X", "-q", "-v", "ON_ERROR_STOP=1"] + ([dsn] if dsn else []) + args
    done = subprocess.run(cmd, capture_output=capture, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"psql failed ({done.returncode}): {(done.stderr or '').strip()}")
    return done.stdout


def _copy(query, path, dsn):
    target = str(path).replace("'", "''")
    psql(["-c", f"\\copy ({_one_line(query)}) to '{target}' with (format csv, header true)"], dsn)


def _safe_dsn(dsn):
    """The connection without a password, for the manifest."""
    if not dsn:
        env = {k: os.environ.get(k) for k in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE")}
        return " ".join(f"{k.lower()[2:]}={v}" for k, v in env.items() if v) or "(libpq defaults)"
    dsn = re.sub(r"password\s*=\s*\S+", "password=***", dsn)
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", dsn)


def _count_rows(path):
    with open(path, newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def export_database(out, dsn=None):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    decided, has_column = (int(x) for x in psql(["-A", "-t", "-c", CHECK_QUERY], dsn).strip().split("|"))
    if has_column != 1:
        raise RuntimeError("leads.status_changed_at is missing: the database predates migration V3")
    if decided == 0:
        raise RuntimeError("no decided (converted or disqualified) leads in the database yet")
    t0 = time.time()
    _copy(LEADS_QUERY, out / dataset_spec.EXPORT_LEADS, dsn)
    _copy(ACTIVITIES_QUERY, out / dataset_spec.EXPORT_ACTIVITIES, dsn)
    return _manifest(out, "postgresql", _safe_dsn(dsn), time.time() - t0)


def _manifest(out, kind, origin, seconds):
    manifest = {
        "source": kind,
        "from": origin,
        "exported_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "leads": _count_rows(out / dataset_spec.EXPORT_LEADS),
        "activities": _count_rows(out / dataset_spec.EXPORT_ACTIVITIES),
        "decided_statuses": list(DECIDED),
        "seconds": round(seconds, 1),
        "queries": {"leads": _one_line(LEADS_QUERY), "activities": _one_line(ACTIVITIES_QUERY)},
    }
    (out / dataset_spec.EXPORT_MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


# ----------------------------------------------------------------------------- from a CloudEvents file
def _iso(value):
    """Any ISO-8601 time -> the export's form: UTC with microseconds and Z. Read as features.parse_time reads it
    (a time without an offset is UTC)."""
    return features.parse_time(value).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


LEAD_COLUMNS = ["id", "account_id", "source", "origin", "country", "occupation", "seniority", "department", "title",
                "do_not_email", "website_visits", "website_seconds", "page_views_per_visit", "status",
                "status_changed_at", "crm_created_at", "event_time", "industry", "employees", "account_country",
                "annual_revenue"]


def export_events(events_path, out):
    """Apply CloudEvents in file order as the platform's sink does (newest upsert wins; status_changed_at is set
    when a lead first appears and whenever its status changes), then write the same files as export_database."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    opener = gzip.open if str(events_path).endswith(".gz") else open
    leads, accounts, acts = {}, {}, []
    with opener(events_path, "rt") as f:
        for line in f:
            e = json.loads(line)
            typ, d, t = e["type"], e["data"], e["time"]
            if typ == "closer.lead.upserted":
                old = leads.get(d["id"])
                if old is not None and old["event_time"] > t:
                    continue
                changed = old["status_changed_at"] if old and old["status"] == d.get("status", "open") else t
                leads[d["id"]] = {"data": d, "status": d.get("status", "open"), "event_time": t,
                                  "status_changed_at": changed}
            elif typ == "closer.account.upserted":
                accounts[d["id"]] = d
            elif typ == "closer.activity.recorded":
                acts.append((d["leadId"], d["type"], d["occurredAt"], d.get("properties") or {}, d.get("id", e["id"])))
            elif typ == "closer.email.sent":
                acts.append((d["leadId"], "email_sent", d["sentAt"],
                             {"emailId": d["id"], "sequenceStep": d.get("sequenceStep")}, d["id"]))
            elif typ == "closer.email.replied":
                acts.append((d["leadId"], "email_replied", d["receivedAt"], {"emailId": d.get("emailId")}, d["id"]))
    decided = {k: v for k, v in leads.items() if v["status"] in DECIDED}
    with open(out / dataset_spec.EXPORT_LEADS, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(LEAD_COLUMNS)
        for lead_id in sorted(decided):
            v = decided[lead_id]
            d, a = v["data"], accounts.get(v["data"].get("accountId")) or {}
            w.writerow(["" if x is None else x for x in [
                lead_id, d.get("accountId"), d.get("source"), d.get("origin"), d.get("country"), d.get("occupation"),
                d.get("seniority"), d.get("department"), d.get("title"),
                None if d.get("doNotEmail") is None else ("t" if d["doNotEmail"] else "f"),
                d.get("websiteVisits"), d.get("websiteSeconds"), d.get("pageViewsPerVisit"), v["status"],
                _iso(v["status_changed_at"]), _iso(d["createdAt"]) if d.get("createdAt") else None,
                _iso(v["event_time"]), a.get("industry"), a.get("employees"), a.get("country"),
                a.get("annualRevenue")]])
    rows = []
    for lead_id, typ, at, props, act_id in acts:
        v = decided.get(lead_id)
        if v is None:
            continue
        at = _iso(at)
        if at < _iso(v["status_changed_at"]):   # same fixed-width UTC form: text order is time order
            rows.append((lead_id, at, act_id, typ, props))
    rows.sort(key=lambda r: (r[0], r[1], r[2]))
    with open(out / dataset_spec.EXPORT_ACTIVITIES, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["lead_id", "type", "occurred_at", "properties"])
        for lead_id, at, _, typ, props in rows:
            w.writerow([lead_id, typ, at, json.dumps(props, separators=(",", ":"))])
    return _manifest(out, "cloudevents", str(events_path), time.time() - t0)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=None, help="export folder (default: <exports>/sales-world; <exports> is "
                                                "$CLOSER_EXPORTS, else .closer/exports)")
    ap.add_argument("--dsn", default=None, help="libpq connection string or URI (default: PG* environment)")
    ap.add_argument("--from-events", default=None, metavar="FILE",
                    help="build the export from a CloudEvents ndjson(.gz) file instead of the database")
    args = ap.parse_args(argv)
    args.out = args.out or str(data.resolve_exports_dir() / "sales-world")
    try:
        if args.from_events:
            manifest = export_events(args.from_events, args.out)
        else:
            manifest = export_database(args.out, args.dsn)
    except (RuntimeError, FileNotFoundError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"wrote {args.out}: {manifest['leads']} decided leads, {manifest['activities']} activities before their "
          f"decision ({manifest['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
