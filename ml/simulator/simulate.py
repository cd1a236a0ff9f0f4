"""Generate a SYNTHETIC B2B sales world as newline-delimited CloudEvents (Closer's event contract).

From ml/:
    /usr/bin/python3 -m simulator.simulate --seed 42 --leads 5000 --out world.ndjson.gz
or from the repository root:
    /usr/bin/python3 ml/simulator/simulate.py --seed 42 --out world.ndjson.gz

Defaults make the demo world (5,000 leads over 180 days from 2026-01-01: ~200k activities, ~20k emails, ~1k call
transcripts). `--profile benchmark` makes a 1M-lead world with a lower density (every knob can still be set).
Output: one CloudEvent per line, ordered by time (ties: generation order), `source` "closer/simulator";
`.gz` -> gzip with mtime 0 (byte-identical for the same seed and knobs). `--out -` writes to stdout.
A JSON summary (counts per type, base rates) goes to stderr, or to `--summary FILE`.

Streaming: leads are generated in creation order; each lead's events go to per-day buckets; a day is sorted and
written as soon as the next lead's creation time passes its end (no later lead can add to it). Pending buckets
are spilled to temporary files beyond `--spill-mb`, so memory stays bounded whatever the number of leads.
Only the standard library is needed. See ml/SIMULATOR.md for the generative process and every effect size.
"""
import argparse
import collections
import datetime as _dt
import multiprocessing
import gzip
import json
import os
import shutil
import sys
import tempfile
import time

if __package__ in (None, ""):   # run as a script: make the `simulator` package importable
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from simulator.lead import Story, line  # noqa: E402
from simulator.world import DAY, World  # noqa: E402

PROFILES = {
    "demo": dict(leads=5000, days=180, activities_per_lead=40.0, emails_per_lead=4.0, call_fraction=1.0,
                 gzip_level=6, workers=1),
    "benchmark": dict(leads=1_000_000, days=180, activities_per_lead=6.0, emails_per_lead=1.5, call_fraction=0.02,
                      gzip_level=1, workers=os.cpu_count() or 1),
}
PAGES_PER_SESSION = 3.2


class Config:
    """All knobs of a world. Derived: sessions_mean (from activities_per_lead), enroll_p (from emails_per_lead)."""

    def __init__(self, seed=42, leads=None, accounts=None, reps=None, start="2026-01-01", days=None,
                 activities_per_lead=None, emails_per_lead=None, call_fraction=None, profile="demo"):
        prof = PROFILES[profile]
        self.seed = int(seed)
        self.profile = profile
        self.leads = int(prof["leads"] if leads is None else leads)
        self.accounts = accounts
        self.reps = reps
        self.start = start
        self.days = int(prof["days"] if days is None else days)
        self.activities_per_lead = float(prof["activities_per_lead"] if activities_per_lead is None
                                         else activities_per_lead)
        self.emails_per_lead = float(prof["emails_per_lead"] if emails_per_lead is None else emails_per_lead)
        self.call_fraction = float(prof["call_fraction"] if call_fraction is None else call_fraction)
        d = _dt.date.fromisoformat(start)
        self.start_epoch = int(_dt.datetime(d.year, d.month, d.day, tzinfo=_dt.timezone.utc).timestamp())
        self.pages_per_session = PAGES_PER_SESSION
        # calibrated on the demo world: activities ~ sessions x pages + opens/clicks/forms/meetings
        self.sessions_mean = max(0.05, (self.activities_per_lead - 3.2) / (PAGES_PER_SESSION * 0.97))
        self.enroll_p = max(0.0, min(1.0, self.emails_per_lead / 4.1))
        if self.leads < 1 or self.days < 1:
            raise ValueError("leads and days must be >= 1")

    def as_dict(self):
        return {k: getattr(self, k) for k in ("seed", "profile", "leads", "accounts", "reps", "start", "days",
                                              "activities_per_lead", "emails_per_lead", "call_fraction")}


class Sink:
    """Time-ordered writer: per-day buckets, sorted (stable: generation order breaks ties) and written once final."""

    def __init__(self, write, start, spill_bytes, tmpdir=None):
        self.write = write
        self.start = start
        self.buckets = {}
        self.mem = 0
        self.spill_bytes = spill_bytes
        self.next_b = 0           # first bucket not yet written
        self.tmp = None
        self.tmpdir = tmpdir
        self.spilled = set()
        self.counts = {}
        self.events = 0
        self.bytes = 0
        self.spills = 0

    def add(self, t, typ, ln):
        b = (t - self.start) // DAY
        if b < self.next_b:
            raise AssertionError("event at %d precedes an already written day" % t)
        lst = self.buckets.get(b)
        if lst is None:
            lst = self.buckets[b] = []
        lst.append((t, ln))
        self.counts[typ] = self.counts.get(typ, 0) + 1
        self.mem += len(ln) + 80
        if self.mem > self.spill_bytes:
            self._spill()

    def advance(self, t):
        """Everything before day floor((t - start) / DAY) is final: write it."""
        upto = (t - self.start) // DAY
        while self.next_b < upto:
            self._flush(self.next_b)
            self.next_b += 1

    def close(self):
        for b in sorted(k for k in set(self.buckets) | self.spilled if k >= self.next_b):
            self._flush(b)
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def discard(self):
        """After a failure: drop what is pending and the temporary files."""
        self.buckets = {}
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def _spill(self):
        if self.tmp is None:
            self.tmp = tempfile.mkdtemp(prefix="closer-sim-", dir=self.tmpdir)
        for b, lst in self.buckets.items():
            if not lst:
                continue
            with open(os.path.join(self.tmp, "%d.tsv" % b), "a", encoding="utf-8") as f:
                f.write("".join("%d\t%s\n" % (t, ln) for t, ln in lst))
            self.spilled.add(b)
        self.buckets = {}
        self.mem = 0
        self.spills += 1

    def _flush(self, b):
        lst = self.buckets.pop(b, None) or []
        self.mem = max(0, self.mem - sum(len(ln) + 80 for _, ln in lst))
        if b in self.spilled:
            path = os.path.join(self.tmp, "%d.tsv" % b)
            with open(path, encoding="utf-8") as f:
                old = []
                for row in f:
                    k = row.index("\t")
                    old.append((int(row[:k]), row[k + 1:-1]))
            os.remove(path)
            self.spilled.discard(b)
            lst = old + lst
        if not lst:
            return
        lst.sort(key=lambda x: x[0])
        data = ("\n".join(ln for _, ln in lst) + "\n").encode("utf-8")
        self.write(data)
        self.events += len(lst)
        self.bytes += len(data)


_WORLD = None
CHUNK = 400          # leads per task when --workers > 1


def _init_worker(cfg):
    global _WORLD
    if _WORLD is None or _WORLD.cfg is not cfg:   # spawn start method: build the (deterministic) world here
        _WORLD = World(cfg)


def _stories(chunk):
    W = _WORLD
    for k in W.stats:
        W.stats[k] = 0
    out = [(t0, Story(W, idx, t0).run()) for idx, t0 in chunk]
    return out, dict(W.stats)


def _chunks(it, n):
    buf = []
    for x in it:
        buf.append(x)
        if len(buf) == n:
            yield buf
            buf = []
    if buf:
        yield buf


def generate(cfg, write, spill_mb=256, tmpdir=None, workers=1):
    """Generate the world described by cfg, writing bytes through write(). Returns the summary dict.
    The output does not depend on `workers` (each lead draws from its own seeded stream)."""
    t_start = time.time()
    W = World(cfg)
    sink = Sink(write, W.start, int(spill_mb * 1024 * 1024), tmpdir)
    for uid, typ, subj, data in W.user_events():
        sink.add(W.start, typ, line(uid + ".0", typ, subj, W.start, data))
    for aid, typ, subj, data in W.account_events():
        sink.add(W.start, typ, line(aid + ".0", typ, subj, W.start, data))
    end = W.end

    def consume(t0, evs):
        sink.advance(t0)
        for t, typ, ln in evs:
            if t < end:
                sink.add(t, typ, ln)

    try:
        _generate_leads(cfg, W, consume, workers)
    except BaseException:
        sink.discard()
        raise
    sink.close()
    return summary(cfg, W, sink, time.time() - t_start)


def _generate_leads(cfg, W, consume, workers):
    global _WORLD
    if workers <= 1:
        for idx, t0 in W.arrivals():
            consume(t0, Story(W, idx, t0).run())
    else:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
        _WORLD = W                                 # inherited by forked workers
        stats = {k: 0 for k in W.stats}
        try:
            with ctx.Pool(workers, _init_worker, (cfg,)) as pool:
                pending = collections.deque()

                def take():
                    out, st = pending.popleft().get()
                    for k, v in st.items():
                        stats[k] = stats.get(k, 0) + v
                    for t0, evs in out:
                        consume(t0, evs)
                for chunk in _chunks(W.arrivals(), CHUNK):
                    pending.append(pool.apply_async(_stories, (chunk,)))
                    if len(pending) > 2 * workers + 2:   # bounded: memory does not grow with the world
                        take()
                while pending:
                    take()
        finally:
            _WORLD = None
        W.stats = stats


def summary(cfg, W, sink, secs):
    s = W.stats
    c = sink.counts
    sent = c.get("closer.email.sent", 0)
    human = sum(v for k, v in s.items() if k.startswith("intent_") and k != "intent_out_of_office")
    closed = s["closed_won"] + s["closed_lost"]
    acts = c.get("closer.activity.recorded", 0)
    return {
        "synthetic": True, "source": "closer/simulator", "config": cfg.as_dict(),
        "seconds": round(secs, 2), "events": sink.events, "bytes_uncompressed": sink.bytes, "spills": sink.spills,
        "counts": dict(sorted(c.items())),
        "base_rates": {
            "activities_per_lead": round(acts / cfg.leads, 2),
            "emails_per_lead": round(sent / cfg.leads, 2),
            "leads_decided": s["decided"],
            "lead_converted_rate": round(s["converted"] / s["decided"], 4) if s["decided"] else None,
            "lead_disqualified_rate": round(s["disqualified"] / s["decided"], 4) if s["decided"] else None,
            "email_reply_rate": round(human / sent, 4) if sent else None,
            "email_auto_reply_rate": round(s["intent_out_of_office"] / sent, 4) if sent else None,
            "reply_intents": {k[7:]: v for k, v in s.items() if k.startswith("intent_")},
            "deals_closed": closed,
            "deal_win_rate": round(s["closed_won"] / closed, 4) if closed else None,
        },
        "events_after_range_dropped": s["beyond_range"],
    }


def open_output(path, gzip_level):
    """Returns (write, close)."""
    if path == "-":
        out = sys.stdout.buffer
        return out.write, out.flush
    raw = open(path, "wb")
    if path.endswith(".gz"):
        gz = gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=gzip_level)

        def close():
            gz.close()
            raw.close()
        return gz.write, close
    return raw.write, raw.close


def world_path(work, seed, leads):
    """Where ensure_world keeps the world of (seed, leads) under work."""
    return os.path.join(str(work), f"world-s{seed}-{leads}.ndjson.gz")


def ensure_world(work, seed, leads, log=print):
    """The demo-profile world for (seed, leads) under work, generated once (gzip, byte-identical per seed; the same
    bytes `simulate.py --seed S --leads M --out F.gz` writes) with its summary beside it. Returns (path, Config)."""
    from pathlib import Path
    cfg = Config(seed=seed, leads=leads)
    path = Path(world_path(work, seed, leads))
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        t0 = time.time()
        tmp = path.with_name("tmp-" + path.name)   # ends in .gz, so open_output gzips it as the name says
        write, close = open_output(str(tmp), PROFILES["demo"]["gzip_level"])
        try:
            summary = generate(cfg, write)
        finally:
            close()
        tmp.rename(path)
        (path.parent / (path.name + ".summary.json")).write_text(json.dumps(summary, indent=2) + "\n")
        log(f"generated {path} ({time.time() - t0:.0f} s)")
    return path, cfg


def read_events(path, types=None):
    """The CloudEvents of an ndjson(.gz) world file, one dict per line, in file order; with types, only events of
    those types (lines are pre-filtered on the quoted type name before parsing, which is what makes it fast)."""
    quoted = None if types is None else tuple(f'"{t}"' for t in types)
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for raw in fh:
            if not raw.strip() or (quoted is not None and not any(q in raw for q in quoted)):
                continue
            e = json.loads(raw)
            if types is None or e.get("type") in types:
                yield e


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--profile", choices=sorted(PROFILES), default="demo",
                    help="defaults for the knobs below: demo (5k leads) or benchmark (1M leads, lower density)")
    ap.add_argument("--leads", type=int, help="number of leads M (demo 5000)")
    ap.add_argument("--accounts", type=int, help="number of accounts N (default max(50, leads/4))")
    ap.add_argument("--reps", type=int, help="number of sales reps (default leads/170 within [8, 400])")
    ap.add_argument("--start", default="2026-01-01", help="first day (UTC), YYYY-MM-DD")
    ap.add_argument("--days", type=int, help="length of the time range in days (default 180)")
    ap.add_argument("--activities-per-lead", type=float, help="target mean activity events per lead (demo 40)")
    ap.add_argument("--emails-per-lead", type=float, help="target mean sequence emails per lead (demo 4)")
    ap.add_argument("--call-fraction", type=float,
                    help="share of deal-stage calls recorded as transcripts (demo 1.0, benchmark 0.02)")
    ap.add_argument("--out", default="-", help="output path ('.gz' -> gzip) or - for stdout")
    ap.add_argument("--gzip-level", type=int, help="1-9 (demo 6, benchmark 1)")
    ap.add_argument("--workers", type=int,
                    help="processes generating leads (demo 1, benchmark: all cores); the output is the same")
    ap.add_argument("--summary", help="write the JSON summary here instead of stderr")
    ap.add_argument("--spill-mb", type=float, default=256,
                    help="pending events held in memory before spilling to temporary files")
    ap.add_argument("--tmpdir", help="where to spill (default: the system temporary directory)")
    ap.add_argument("--quiet", action="store_true", help="no summary on stderr")
    a = ap.parse_args(argv)
    cfg = Config(seed=a.seed, leads=a.leads, accounts=a.accounts, reps=a.reps, start=a.start, days=a.days,
                 activities_per_lead=a.activities_per_lead, emails_per_lead=a.emails_per_lead,
                 call_fraction=a.call_fraction, profile=a.profile)
    prof = PROFILES[a.profile]
    write, close = open_output(a.out, prof["gzip_level"] if a.gzip_level is None else a.gzip_level)
    try:
        s = generate(cfg, write, spill_mb=a.spill_mb, tmpdir=a.tmpdir,
                     workers=prof["workers"] if a.workers is None else a.workers)
    finally:
        close()
    if a.out != "-" and os.path.exists(a.out):
        s["file_bytes"] = os.path.getsize(a.out)
    text = json.dumps(s, indent=2)
    if a.summary:
        with open(a.summary, "w") as f:
            f.write(text + "\n")
    elif not a.quiet:
        sys.stderr.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
