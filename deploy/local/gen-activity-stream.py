#!/usr/bin/python3
"""Writes a synthetic, activity-heavy event file for ingest benchmarks: per lead one closer.lead.upserted
followed by 9 closer.activity.recorded page views (about 420 bytes per event), the shape of a web-tracking feed.

    /usr/bin/python3 deploy/local/gen-activity-stream.py PREFIX OUT.ndjson.gz [LEADS=60000]

PREFIX makes the ids unique, so each file is new work for the platform. Synthetic: source is closer/benchmark.
"""
import gzip
import json
import sys


def main(prefix, out, leads=60000):
    with gzip.open(out, "wt") as f:
        for i in range(leads):
            lead = f"{prefix}-l{i}"
            t = f"2026-01-{1 + i % 28:02d}T{i % 24:02d}:00:00Z"
            f.write(json.dumps({
                "specversion": "1.0", "id": f"{prefix}-e{i}", "source": "closer/benchmark",
                "type": "closer.lead.upserted", "subject": lead, "time": t,
                "data": {"id": lead, "email": f"p{i}@example.com", "firstName": "Pat", "lastName": "Smith",
                         "title": "VP Sales", "source": "Google", "origin": "API", "country": "India",
                         "websiteVisits": i % 9, "websiteSeconds": i % 900, "pageViewsPerVisit": 2.0,
                         "doNotEmail": False, "ownerId": f"rep-{i % 40}"}}) + "\n")
            for a in range(9):
                f.write(json.dumps({
                    "specversion": "1.0", "id": f"{prefix}-a{i}-{a}", "source": "closer/benchmark",
                    "type": "closer.activity.recorded", "subject": lead, "time": t,
                    "data": {"leadId": lead, "type": "page_view", "occurredAt": t,
                             "properties": {"page": "pricing", "url": "/pricing"}}}) + "\n")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 60000)
