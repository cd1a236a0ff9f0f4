"""One SYNTHETIC lead's whole story: web sessions, forms, emails and replies, meetings, the conversion decision,
and, for converted leads, the deal with its stages and calls. Returns the lead's events as (time, type, line).

Story outline (times in epoch seconds, UTC):
 1. latents: in-market (evaluating now), engagement pattern (warming / steady / cooling / burst / dormant),
    job seeker, reply responsiveness, conversion noise;
 2. planned decision time T0 = created + U(10, 40) days;
 3. web sessions over [created, T0) shaped by the pattern, plus a post-decision tail; pages chosen by in-market
    and by how far into the window the session is (in-market leads drift towards case studies, docs, pricing);
    demo requests and contact-sales forms from in-market sessions with a pricing view;
 4. the email sequence (steps, A/B variants, opens, clicks that start sessions, replies with intents);
    a human reply or a demo request stops the sequence; an unsubscribe sets doNotEmail;
 5. meetings booked from interested replies and demo requests; the decision waits for them: T = max(T0, last
    meeting + 1 day);
 6. decision at T from what was observable before T (effects.convert_logit) -> converted / disqualified / open;
 7. converted: a deal, stage by stage, a call per stage (discovery, demo, negotiation), advancement drawn from
    each call's metrics (effects.advance_logit); open leads get the rest of their sequence.
Lead upserts: at creation, after web sessions (at most one a day), when doNotEmail changes, and at T (status).
"""
import datetime as _dt
import json
import math

from . import calls as C
from . import effects as E
from . import emails as M
from . import vocab as V
from .rng import R, sigmoid, stream_seed
from .tz import local, offset_seconds

DAY = 86400
HOUR = 3600
_enc = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False).encode
_days = {}

PRIO_CREATE, PRIO_EVENT, PRIO_STATE = 0, 1, 2
SEND_HOURS = [(7, 1.0), (8, 4.0), (9, 6.0), (10, 6.0), (11, 4.0), (12, 2.0), (13, 3.0), (14, 4.0), (15, 4.0),
              (16, 3.0), (17, 1.5), (18, 0.8)]
BROWSE_HOURS = [(h, w) for h, w in zip(range(24), [0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.8, 1.6, 2.0, 2.1, 2.0,
                                                   1.6, 1.8, 2.0, 2.0, 1.8, 1.4, 1.0, 0.9, 1.0, 0.9, 0.6, 0.4])]
PATTERNS = ("warming", "steady", "cooling", "burst", "dormant")
LOST_REASONS = ["no_decision", "budget", "competitor", "timing", "no_champion", "product_fit"]
DQ_REASONS = ["not_a_fit", "no_budget", "no_response", "student", "competitor", "duplicate"]


def iso(t):
    d = t // DAY
    p = _days.get(d)
    if p is None:
        p = _days[d] = _dt.datetime.fromtimestamp(d * DAY, _dt.timezone.utc).strftime("%Y-%m-%dT")
    s = t - d * DAY
    return "%s%02d:%02d:%02dZ" % (p, s // 3600, (s // 60) % 60, s % 60)


def line(eid, typ, subject, t, data):
    return ('{"specversion":"1.0","id":"%s","source":"closer/simulator","type":"%s","subject":"%s","time":"%s",'
            '"datacontenttype":"application/json","data":%s}' % (eid, typ, subject, iso(t), _enc(data)))


def at_local(zone, t, hour_float):
    """UTC epoch second of `hour_float` o'clock local time on the local day containing t."""
    off = offset_seconds(zone, t)
    lday = (t + off) // DAY
    return int(lday * DAY + hour_float * 3600 - off)


def business_day(zone, t, r, keep_weekend=0.04):
    """Move t forward to Monday when it falls on a local weekend (unless kept)."""
    _, _, wd = local(zone, t)
    if wd >= 5 and r.u() >= keep_weekend:
        t += (7 - wd) * DAY
    return t


class Story:
    __slots__ = ("W", "r", "idx", "t0", "p", "lid", "items", "sessions", "n_sess", "rep", "zone", "cfg", "n_mail")

    def __init__(self, W, idx, t0):
        self.W = W
        self.cfg = W.cfg
        self.r = R(stream_seed(W.seed, 1, idx))
        self.idx = idx
        self.t0 = t0
        self.p = p = W.profile(self.r, t0)
        self.lid = "%s-lead-%07d" % (W.P, idx + 1)
        self.items = []          # (t, prio, kind, payload)
        self.sessions = []       # (start, end, [(t, page, url, secs)], sid)
        self.n_sess = 0
        self.n_mail = 0
        self.rep = p["rep"]
        self.zone = p["zone"]

    # ------------------------------------------------------------------------- helpers
    def add(self, t, kind, payload, prio=PRIO_EVENT):
        self.items.append((t, prio, kind, payload))

    def activity(self, t, typ, props):
        self.add(t, "act", (typ, props))

    def browse_time(self, t_day):
        r = self.r
        h = r.pick_pairs(BROWSE_HOURS) + r.u()
        return at_local(self.zone, t_day, h)

    # ------------------------------------------------------------------------- web sessions
    def session(self, start, in_market, job_seeker, u_pos, first_page=None, referrer=None):
        """One visit: page views in sequence. u_pos in [0, 1]: how far into the decision window."""
        r = self.r
        self.n_sess += 1
        sid = "%s-s%d" % (self.lid, self.n_sess)
        n = 1 + r.poisson(self.cfg.pages_per_session - 1.0)
        w = [3.0, 0.7, 1.2, 0.8, 0.12, 4.0, 0.8]   # home pricing docs case_study careers blog integrations
        if in_market:
            w[1] += 3.0 * u_pos ** 1.5
            w[3] += 1.6 * u_pos
            w[2] += 1.0
            w[6] += 0.7
            w[5] = 2.5
        if job_seeker:
            w[4] += 4.0
        pairs = list(zip(V.PAGES, w))
        t = start
        views = []
        for k in range(n):
            page = first_page if (k == 0 and first_page) else r.pick_pairs(pairs)
            secs = int(min(900, max(3, r.lognormal(V.PAGE_SECONDS[page], 0.8))))
            views.append((t, page, self.url(page), secs))
            t += secs + r.randint(1, 8)
        self.sessions.append((start, t, views, sid, referrer))
        return t

    def url(self, page):
        r = self.r
        if page == "home":
            return V.SITE + "/"
        if page == "pricing":
            if r.u() < 0.8:
                return V.SITE + "/pricing"
            return V.SITE + "/pricing?plan=" + r.choice(["growth", "business", "enterprise"])
        if page == "docs":
            return V.SITE + "/docs/" + r.choice(V.DOC_SLUGS)
        if page == "case_study":
            return V.SITE + "/customers/" + r.choice(V.CASE_STUDIES)
        if page == "careers":
            return V.SITE + "/careers/" + r.choice(V.CAREERS)
        if page == "blog":
            return V.SITE + "/blog/" + r.choice(V.BLOG_SLUGS)
        return V.SITE + "/integrations/" + r.choice(V.INTEGRATIONS)

    # ------------------------------------------------------------------------- the story
    def run(self):
        W, r, p, cfg = self.W, self.r, self.p, self.cfg
        t0 = self.t0
        src = p["source"]
        fit = p["fit"]
        acc = p["account"]
        company = acc["core"] if acc else None
        src_bonus = {"organic_search": 0.3, "paid_search": 0.4, "referral": 0.8, "partner": 0.6, "event": 0.2,
                     "webinar": 0.1, "content_download": -0.2, "outbound": -1.0}[src]
        in_market = r.u() < sigmoid(-1.0 + 0.8 * fit + src_bonus)
        pw = ([35, 25, 15, 15, 10] if in_market else [12, 22, 28, 18, 20])
        if src == "outbound":
            pw[4] += 30
        pattern = r.pick_pairs(list(zip(PATTERNS, pw)))
        job_seeker = r.u() < (0.07 if p["seniority"] == "ic" else 0.02)
        resp = r.normal(0, E.REPLY["noise_sd"])
        t_plan = t0 + int(r.uniform(10, 40) * DAY)
        window = t_plan - t0
        self.add(t0, "create", None, PRIO_CREATE)

        # --- web sessions
        mult = {"warming": 1.15, "steady": 1.15, "cooling": 1.1, "burst": 0.8, "dormant": 0.12}[pattern]
        n_s = r.negbin(cfg.sessions_mean * mult * (1.35 if in_market else 0.85), 1.5)
        inbound_form = src in V.FIRST_FORM and src != "referral"
        if inbound_form:
            n_s = max(n_s, 1)
        stamps = []
        centre = r.u()
        for k in range(n_s):
            if k == 0 and inbound_form:
                stamps.append(0.0)
                continue
            if pattern == "warming":
                u = r.beta_max(3)
            elif pattern == "cooling":
                u = 1.0 - r.beta_max(3)
            elif pattern == "burst":
                u = min(0.999, max(0.0, centre + r.normal(0, 0.05)))
            else:
                u = r.u()
            stamps.append(u)
        stamps.sort()
        demo_req_t = None
        for k, u in enumerate(stamps):
            if u == 0.0 and k == 0 and inbound_form:
                st = t0 + r.randint(5, 60)
                end = self.session(st, in_market, job_seeker, 0.0, first_page="home" if src == "organic_search"
                                   else None, referrer=V.REFERRERS[src])
                form = r.pick_pairs(V.FIRST_FORM[src])
                self.activity(end, "form_fill", {"form": form, "page": "landing", "sessionId": self.sessions[-1][3]})
                if src == "webinar" and p["webinar"] and r.u() < 0.6:
                    self.activity(end + r.randint(60, 900), "webinar_attended",
                                  {"webinar": p["webinar"], "minutesWatched": r.randint(8, 55)})
                continue
            st = self.browse_time(t0 + int(u * window))
            if st <= t0:
                st = t0 + r.randint(60, 3600)
            end = self.session(st, in_market, job_seeker, u)
            views = self.sessions[-1][2]
            if in_market and any(v[1] == "pricing" for v in views):
                if demo_req_t is None and r.u() < 0.05 + 0.12 * u:
                    demo_req_t = end
                    self.activity(end, "demo_request", {"page": "pricing", "sessionId": self.sessions[-1][3]})
                elif r.u() < 0.08:
                    self.activity(end, "form_fill", {"form": "contact_sales", "page": "pricing",
                                                     "sessionId": self.sessions[-1][3]})
            elif r.u() < 0.04:
                self.activity(end, "form_fill", {"form": r.choice(["ebook_download", "newsletter", "benchmark_report"]),
                                                 "page": "blog", "sessionId": self.sessions[-1][3]})
        # post-decision tail: a few sessions after T0 (the lead keeps living)
        for _ in range(r.poisson(cfg.sessions_mean * 0.12 * (0.3 if pattern == "dormant" else 1.0))):
            st = self.browse_time(t_plan + int(r.uniform(0, 30) * DAY))
            self.session(st, in_market and r.u() < 0.5, job_seeker, 0.5)

        # --- email sequence (up to T0; continued after the decision for open leads)
        seq = M.choose_sequence(src, p["department"], p["seniority"], W.sequences)
        enroll = (not p["doNotEmail"]) and r.u() < cfg.enroll_p
        emails = None
        meetings = []
        stop = None       # why the sequence stopped
        replies = []      # (t, intent)
        dne_t = None
        if enroll:
            emails = EmailRun(self, seq, company, fit, in_market, resp)
            stop = emails.run_until(t_plan if demo_req_t is None else min(t_plan, demo_req_t), replies)
            if stop and stop[0] == "unsubscribe":
                dne_t = stop[1] + r.randint(60, 6 * HOUR)
                self.add(dne_t, "state", {"doNotEmail": True}, PRIO_STATE)
        # meetings from interested replies and demo requests
        for t_r, intent in replies:
            if intent == "interested":
                meetings.append(("intro", t_r))
        if demo_req_t is not None and demo_req_t < t_plan:
            meetings.append(("demo", demo_req_t))
        last_meeting = None
        for kind, t_trig in meetings:
            d = business_day(self.zone, t_trig + int(r.uniform(1, 6) * DAY), r, 0.0)
            tm = at_local(self.zone, d, r.choice([9, 10, 11, 13, 14, 15, 16]) + r.choice([0, 0.5]))
            if tm <= t_trig:
                tm = t_trig + DAY
            self.activity(tm, "meeting", {"kind": kind, "ownerId": self.rep["id"],
                                          "durationMinutes": r.choice([30, 30, 45, 60]),
                                          "title": ("Intro call" if kind == "intro" else "Lumora demo") +
                                          (" - " + company if company else "")})
            last_meeting = tm if last_meeting is None else max(last_meeting, tm)
        T = t_plan if last_meeting is None else max(t_plan, last_meeting + DAY)

        # --- decision at T from what is observable before T
        f = self.observables(T, fit, replies, dne_t)
        logit = E.convert_logit(f) + r.normal(0, E.CONVERT["noise_sd"])
        p_conv = sigmoid(logit)
        converted = r.u() < p_conv
        status = "converted" if converted else "open"
        dq_reason = None
        if not converted:
            bad = p["occupation"] == "student" or p["personal"] or dne_t is not None
            if r.u() < E.DISQUALIFY_IF_NOT_CONVERTED + (E.DISQUALIFY_BAD_FIT_EXTRA if bad else 0.0):
                status = "disqualified"
                dq_reason = ("student" if p["occupation"] == "student" else "no_response" if f["sessions"] <= 1
                             else r.choice(DQ_REASONS))
        attrs = {"lifecycle_stage": {"converted": "sql", "open": "nurture", "disqualified": "disqualified"}[status],
                 "synthetic_p_convert": round(p_conv, 4), "synthetic_decision": True}
        if dq_reason:
            attrs["disqualify_reason"] = dq_reason
        self.add(T, "state", {"status": status, "attributes": attrs}, PRIO_STATE)
        if emails is not None and status == "open":
            if stop is None:
                stop = emails.run_until(T + 60 * DAY, replies, resume_after=T)
            if stop is None or stop[0] == "finished":
                # the nurture track: a re-engagement sequence a few weeks after the first one ends
                t_n = max(T, emails.next_t) + int(r.uniform(7, 28) * DAY)
                EmailRun(self, W.sequences["seq-reengage-nurture"], company, fit, in_market, resp, start=t_n,
                         thread=2).run_until(t_n + 90 * DAY, replies)
        if converted:
            Deal(self, T, fit, in_market, company).run()
        return self.assemble(pattern, in_market, job_seeker)

    # ------------------------------------------------------------------------- observables before T
    def observables(self, T, fit, replies, dne_t):
        p = self.p
        t0 = self.t0
        sess = [s for s in self.sessions if s[0] < T]
        n = len(sess)
        last_hi = None
        last_pricing = None
        first_pricing = None
        first_eval = None
        careers = 0
        for st, en, views, sid, _ in sess:
            for t, page, _, _ in views:
                if t >= T:
                    continue
                if page == "pricing":
                    last_pricing = t if last_pricing is None or t > last_pricing else last_pricing
                    if first_pricing is None or t < first_pricing:
                        first_pricing = t
                elif page in ("case_study", "docs"):
                    if first_eval is None or t < first_eval:
                        first_eval = t
                elif page == "careers":
                    careers += 1
        last_hi = last_pricing
        demo = meeting = False
        clicks = 0
        for t, prio, kind, pay in self.items:
            if t >= T or kind != "act":
                continue
            typ, props = pay
            if typ in ("demo_request", "meeting") or (typ == "form_fill" and props.get("form") == "contact_sales"):
                last_hi = t if last_hi is None or t > last_hi else last_hi
                if typ == "demo_request":
                    demo = True
                if typ == "meeting":
                    meeting = True
            elif typ == "email_clicked":
                clicks += 1
        best = None
        order = ["interested", "referral", "objection", "not_interested", "unsubscribe"]
        for t, intent in replies:
            if t < T and intent in order:
                if intent == "interested":
                    last_hi = t if last_hi is None or t > last_hi else last_hi
                if best is None or order.index(intent) < order.index(best):
                    best = intent
        third = (T - t0) / 3.0
        first_third = sum(1 for s in sess if s[0] < t0 + third)
        last_third = sum(1 for s in sess if s[0] >= T - third)
        return dict(fit=fit, sessions=n, momentum=(last_third - first_third) / (n + 1.0),
                    days_since_high_intent=None if last_hi is None else (T - last_hi) / DAY,
                    days_since_pricing=None if last_pricing is None else (T - last_pricing) / DAY,
                    eval_order=int(first_pricing is not None and first_eval is not None and first_eval < first_pricing),
                    decision_maker=p["seniority"] in ("director", "vp", "c_level"), demo_request=demo,
                    meeting=meeting, reply=best, careers_views=careers, clicks=clicks)

    # ------------------------------------------------------------------------- events
    def assemble(self, pattern, in_market, job_seeker):
        """Sort the lead's items, walk them in time order keeping the lead's state, and render event lines."""
        W, p, r = self.W, self.p, self.r
        for st, en, views, sid, ref in self.sessions:
            for k, (t, page, url, secs) in enumerate(views):
                props = {"page": page, "url": url, "seconds": secs, "sessionId": sid}
                if k == 0 and ref:
                    props["referrer"] = ref
                self.add(t, "pv", props)
        # daily sync upserts after sessions
        last_sync = -10 ** 12
        for st, en, views, sid, ref in sorted(self.sessions, key=lambda s: s[0]):
            if en - last_sync >= DAY:
                self.add(en + 60, "state", None, PRIO_STATE)
                last_sync = en + 60
        self.items.sort(key=lambda x: (x[0], x[1]))
        acc = p["account"]
        base = {"id": self.lid}
        if acc:
            base["accountId"] = acc["id"]
        base.update(email=p["email"], firstName=p["firstName"], lastName=p["lastName"], title=p["title"],
                    seniority=p["seniority"], department=p["department"], source=p["source"], origin=p["origin"],
                    country=p["country"], occupation=p["occupation"])
        status = "open"
        dne = p["doNotEmail"]
        visits = set()
        views = 0
        secs = 0
        attrs = {"team": p["team"], "timezone": self.zone, "lifecycle_stage": "new",
                 "synthetic_fit": round(p["fit"], 3), "synthetic_in_market": in_market,
                 "synthetic_engagement_pattern": pattern, "synthetic_job_seeker": job_seeker}
        if p["event"] and p["source"] == "event":
            attrs["event_name"] = p["event"]
        if p["webinar"] and p["source"] == "webinar":
            attrs["webinar"] = p["webinar"]
        created = iso(self.t0)
        out = []
        n = 0
        lid = self.lid
        end = W.end
        stats = W.stats
        for t, prio, kind, pay in self.items:
            if t >= end:
                W.stats["beyond_range"] += 1
                continue
            n += 1
            eid = "%s.%d" % (lid, n)
            if kind == "pv":
                visits.add(pay["sessionId"])
                views += 1
                secs += pay["seconds"]
                out.append((t, "closer.activity.recorded", line(eid, "closer.activity.recorded", lid, t, {
                    "leadId": lid, "type": "page_view", "occurredAt": iso(t), "properties": pay})))
            elif kind == "act":
                typ, props = pay
                out.append((t, "closer.activity.recorded", line(eid, "closer.activity.recorded", lid, t, {
                    "leadId": lid, "type": typ, "occurredAt": iso(t), "properties": props})))
            elif kind in ("create", "state"):
                a = attrs
                if pay:
                    if "status" in pay:
                        status = pay["status"]
                        attrs = dict(attrs)
                        attrs.update(pay["attributes"])
                        del attrs["synthetic_decision"]
                        a = dict(attrs, synthetic_decision=True)
                        stats["decided"] += 1
                        stats[status] += 1
                    if "doNotEmail" in pay:
                        dne = pay["doNotEmail"]
                d = dict(base)
                nv = len(visits)
                d.update(websiteVisits=nv, websiteSeconds=secs, pageViewsPerVisit=round(views / nv, 2) if nv else 0,
                         doNotEmail=dne, status=status, ownerId=self.rep["id"], createdAt=created, attributes=a)
                out.append((t, "closer.lead.upserted", line(eid, "closer.lead.upserted", lid, t, d)))
            else:   # pre-rendered: (type, subject, data)
                typ, subj, data = pay
                if typ == "closer.email.replied":
                    stats["intent_" + data["attributes"]["synthetic_intent"]] += 1
                elif typ == "closer.deal.upserted" and data["stage"] in ("closed_won", "closed_lost"):
                    stats[data["stage"]] += 1
                out.append((t, typ, line(eid, typ, subj, t, data)))
        return out


# ============================================================================ emails
class EmailRun:
    """A lead's pass through one sequence. Keeps the schedule so it can resume after the decision."""

    def __init__(self, story, seq, company, fit, in_market, resp, start=None, thread=1):
        self.s = story
        self.seq = seq
        self.company = company
        self.fit = fit
        self.in_market = in_market
        self.resp = resp
        self.step = 0
        s = story
        r = s.r
        self.thread = "%s-th-%d" % (s.lid, thread)
        self.ctx = M.email_context(r, {"firstName": s.p["firstName"], "lastName": s.p["lastName"],
                                       "department": s.p["department"], "industry": s.p["industry"],
                                       "country": s.p["country"]}, s.rep, company)
        delay = (r.uniform(0.05, 1.0) if s.p["source"] in V.INBOUND else r.uniform(0.2, 3.0)) * DAY
        self.next_t = (s.t0 + int(delay)) if start is None else start
        self.formal = s.p["country"] in ("Germany", "Switzerland", "Japan") and r.u() < 0.6
        self.ooo_until = None

    def _send_time(self, t):
        s = self.s
        r = s.r
        if r.u() < 0.12:   # off-hours: the rep's own clock or a badly scheduled send
            return at_local(s.zone, t, r.uniform(0, 24))
        t = business_day(s.zone, t, r)
        h = r.pick_pairs(SEND_HOURS) + r.u()
        return at_local(s.zone, t, h)

    def run_until(self, t_stop, replies, resume_after=None):
        """Send steps whose time is before t_stop. Returns (reason, t) when the sequence stops, else None."""
        s = self.s
        r = s.r
        steps = self.seq["steps"]
        if resume_after is not None and self.next_t < resume_after:
            self.next_t = resume_after + int(r.uniform(1, 5) * DAY)
        while self.step < len(steps):
            st = steps[self.step]
            t = self._send_time(self.next_t)
            if t < s.t0 + 60:
                t = s.t0 + 60 + r.randint(0, 600)
            if self.ooo_until and t < self.ooo_until:
                t = self._send_time(self.ooo_until + DAY)
            if t >= t_stop:
                self.next_t = t
                return None
            self.step += 1
            k = self.step
            res = self.send(t, k, st, len(steps), replies)
            if k < len(steps):
                self.next_t = t + steps[k]["delay_days"] * DAY + r.randint(-3 * HOUR, 3 * HOUR)
            if res:
                return res
        return ("finished", self.next_t)

    def send(self, t, k, st, last, replies):
        s = self.s
        r = s.r
        p = s.p
        W = s.W
        variant = "A" if r.u() < 0.5 else "B"
        spec = st[variant]
        personalise = r.u() < (0.85 if spec["personal"] else s.rep["personalise"] * 0.35)
        subject, body, ft = M.compose_email(r, self.ctx, st["purpose"], spec, personalise, self.formal, s.rep,
                                            self.company is not None, k, last)
        if k == 1:
            self.ctx["first_subject"] = subject
        lt, lh, wd = local(s.zone, t)
        recent = any(t - 3 * DAY <= se[0] < t for se in s.sessions)
        x = E.reply_logit(k, last, ft["words"], ft["questions"], ft["personalised"], ft["subject_words"], lh,
                          wd >= 5, p["seniority"], p["source"], self.fit, recent) + self.resp
        p_reply = sigmoid(x)
        s.n_mail += 1
        eid = "%s-em-%d-%d" % (W.P, s.idx + 1, s.n_mail)
        self.last_email = s.n_mail
        data = {"id": eid, "leadId": s.lid, "subject": subject, "body": body, "sentAt": iso(t),
                "ownerId": s.rep["id"], "threadId": self.thread, "sequenceId": self.seq["id"], "sequenceStep": k,
                "variant": variant,
                "attributes": {"recipient_timezone": s.zone, "sequence_name": self.seq["name"],
                               "step_purpose": st["purpose"], "synthetic_p_reply": round(p_reply, 4),
                               "synthetic_personalised": ft["personalised"], "synthetic_cta": spec["cta"],
                               "synthetic_length_class": spec["length"]}}
        s.add(t, "raw", ("closer.email.sent", s.lid, data))
        # opens and clicks
        opened = r.u() < min(0.85, 0.42 + (0.06 if ft["subject_words"] <= 4 else 0) + 0.12 * (p["source"] != "outbound")
                             + 0.03 * self.fit)
        first_open = None
        replied = r.u() < p_reply
        month = _dt.datetime.fromtimestamp(t, _dt.timezone.utc).month
        day_of_month = _dt.datetime.fromtimestamp(t, _dt.timezone.utc).day
        ooo_p = E.OOO_RATE["august"] if month == 8 else E.OOO_RATE["holidays"] if (month == 12 and day_of_month >= 20) \
            else E.OOO_RATE["default"]
        if opened or replied:
            first_open = t + int(r.lognormal(2 * HOUR, 1.3))
            n_open = 1 + r.poisson(0.6)
            ot = first_open
            for j in range(n_open):
                s.activity(ot, "email_opened", {"emailId": eid, "device": r.choice(["desktop", "desktop", "mobile"])})
                ot += int(r.expo(18 * HOUR))
            if ft["link"] and r.u() < 0.16:
                ct = first_open + r.randint(20, 400)
                page = "case_study" if "/customers/" in body else "home"
                url = V.SITE + ("/tour" if "/tour" in body else "/meet/" + s.rep["slug"] if "/meet/" in body else
                                "/customers/" + self.ctx["peer_slug"])
                s.activity(ct, "email_clicked", {"emailId": eid, "url": url})
                s.session(ct + 2, self.in_market, False, 0.5, first_page=page, referrer="email")
        if r.u() < ooo_p:
            tr = t + r.randint(20, 300)
            back = tr + int(r.uniform(2, 14)) * DAY
            self._reply(tr, "out_of_office", eid, subject, body, t, back)
            self.ooo_until = back
        if replied:
            tr = max(first_open + r.randint(30, 1800), t + int(r.lognormal(5 * HOUR, 1.2)))
            intent = self.intent()
            self._reply(tr, intent, eid, subject, body, t, None)
            replies.append((tr, intent))
            return (intent if intent == "unsubscribe" else "replied", tr)
        return None

    def intent(self):
        s = self.s
        r = s.r
        p = s.p
        scores = []
        for name, c in E.INTENT.items():
            x = c["base"] + c["fit"] * self.fit + c["in_market"] * self.in_market
            if name == "referral" and (p["seniority"] == "ic" or p["department"] in ("hr", "finance", "other")):
                x += c["ic_or_wrong_dept"]
            if name == "unsubscribe" and p["source"] == "outbound":
                x += c["outbound"]
            scores.append((name, math.exp(x)))
        return r.pick_pairs(scores)

    def _reply(self, tr, intent, eid, subject, body, t_sent, back):
        s = self.s
        r = s.r
        p = s.p
        W = s.W
        acc = p["account"]
        cf = r.choice(V.FIRST["anglo"])
        cl = r.choice(V.LAST["anglo"])
        dom = acc["domain"] if acc else "gmail.com"
        colleague = (cf, cl, "%s.%s@%s" % (cf.lower(), cl.lower().replace("'", ""), dom))
        phone = "+%d %d %04d" % (r.randint(1, 99), r.randint(100, 999), r.randint(0, 9999))
        lead_sig = {"name": p["firstName"] + " " + p["lastName"], "title": p["title"],
                    "company": acc["name"] if acc else "", "phone": phone, "country": p["country"]}
        off = offset_seconds(s.zone, t_sent)
        sent_dt = _dt.datetime.fromtimestamp(t_sent + off, _dt.timezone.utc)
        back_dt = _dt.datetime.fromtimestamp((back or tr) + off, _dt.timezone.utc)
        subj, text = M.compose_reply(r, intent, self.ctx, lead_sig, body, subject, sent_dt, s.rep["email"],
                                     s.rep["name"], back_dt, colleague)
        rid = "%s-re-%d-%d%s" % (W.P, s.idx + 1, self.last_email, "-auto" if intent == "out_of_office" else "")
        data = {"id": rid, "leadId": s.lid, "body": text, "receivedAt": iso(tr), "emailId": eid,
                "threadId": self.thread, "subject": subj, "attributes": {"synthetic_intent": intent}}
        s.add(tr, "raw", ("closer.email.replied", s.lid, data))


# ============================================================================ deals and calls
STAGES = ["discovery", "demo", "proposal", "negotiation"]
AMOUNT_MEDIAN = {"1-10": 6000, "11-50": 14000, "51-200": 30000, "201-1000": 60000, "1001-5000": 120000,
                 "5001+": 250000}
TIER = {"1-10": "Starter", "11-50": "Growth", "51-200": "Growth", "201-1000": "Business", "1001-5000": "Business",
        "5001+": "Enterprise"}


class Deal:
    def __init__(self, story, T, fit, in_market, company):
        self.s = story
        self.fit = fit
        self.company = company
        s = story
        r = s.r
        W = s.W
        p = s.p
        acc = p["account"]
        self.id = "%s-deal-%07d" % (W.P, s.idx + 1)
        band = acc["band"] if acc else "1-10"
        self.usd = max(2000.0, r.lognormal(AMOUNT_MEDIAN[band], 0.45))
        cur = V.COUNTRIES[acc["country"]][3] if acc else "USD"
        if r.u() < 0.25:
            cur = "USD"
        self.currency = cur
        self.amount = round(self.usd * V.FX[cur], -2)
        tier = TIER[band]
        who = company or (p["firstName"] + " " + p["lastName"])
        self.name = "%s - %s %s" % (who, V.SELLER, tier)
        self.created = T + r.randint(2 * HOUR, 3 * DAY)
        self.attrs = {"tier": tier, "lead_source": p["source"], "team": p["team"],
                      "synthetic_rep_style": s.rep["style"], "synthetic_stage_p_advance": {}}
        self.noise = r.normal(0, E.ADVANCE["noise_sd"])
        self.competitor_p = 0.35 if in_market else 0.25
        self.acc = acc

    def upsert(self, t, stage, closed=None):
        s = self.s
        d = {"id": self.id, "name": self.name}
        if self.acc:
            d["accountId"] = self.acc["id"]
        d.update(leadId=s.lid, amount=self.amount, currency=self.currency, stage=stage, ownerId=s.rep["id"],
                 createdAt=iso(self.created))
        if closed:
            d["closedAt"] = iso(closed)
        d["attributes"] = dict(self.attrs, synthetic_stage_p_advance=dict(self.attrs["synthetic_stage_p_advance"]))
        s.add(t, "raw", ("closer.deal.upserted", self.id, d))

    def call_time(self, t):
        s = self.s
        r = s.r
        d = business_day(s.zone, t, r, 0.0)
        tm = at_local(s.zone, d, r.choice([9, 10, 11, 13, 14, 15, 16]) + r.choice([0, 0.5]))
        return tm if tm > t else tm + DAY

    def run(self):
        s = self.s
        r = s.r
        W = s.W
        self.upsert(self.created, "prospecting")
        t = self.created
        for stage in STAGES:
            m = None
            if stage == "proposal":
                t_stage = t + int(r.uniform(2, 7) * DAY)
                self.upsert(t_stage, "proposal")
                t = t_stage + int(r.uniform(4, 12) * DAY)
            else:
                gap = r.uniform(1, 7) if stage == "discovery" else r.uniform(3, 10)
                tc = self.call_time(t + int(gap * DAY))
                self.upsert(tc - r.randint(HOUR, 20 * HOUR), stage)
                m, t = self.call(stage, tc)
            x = E.advance_logit(stage, m, self.fit, self.usd) + self.noise
            pa = sigmoid(x)
            self.attrs["synthetic_stage_p_advance"][stage] = round(pa, 4)
            if r.u() >= pa:
                tl = t + int(r.uniform(3, 21) * DAY)
                self.attrs["lost_reason"] = r.choice(LOST_REASONS)
                if m and m["competitor"] and r.u() < 0.5:
                    self.attrs["lost_reason"] = "competitor"
                self.upsert(tl, "closed_lost", tl)
                return
        if r.u() < 0.4:
            self.amount = round(self.amount * r.uniform(0.85, 0.97), -2)
        tw = t + int(r.uniform(3, 20) * DAY)
        self.upsert(tw, "closed_won", tw)

    def call(self, stage, tc):
        """Hold the stage's call at tc; returns (metrics, end time)."""
        s = self.s
        r = s.r
        W = s.W
        p = s.p
        call_type = stage if stage != "negotiation" else "negotiation"
        style = s.rep["style"]
        recorded = r.u() < s.cfg.call_fraction
        company = self.company or "your company"
        if recorded:
            two = stage != "discovery" and r.u() < 0.35
            p2 = (r.choice(V.FIRST["anglo"]), r.choice(V.LAST["anglo"])) if two else None
            names = [p["firstName"] + " " + p["lastName"]] + ([p2[0] + " " + p2[1]] if p2 else [])
            fmt = {"p_first": p["firstName"], "r_first": s.rep["first"], "company": company, "seller": V.SELLER,
                   "topic": r.choice(M.TOPIC[p["department"]]), "pain": r.choice(M.PAIN[p["department"]]),
                   "peer": r.choice(V.PEERS), "country": p["country"], "n": r.randint(2, 15),
                   "p2_first": p2[0] if p2 else "a colleague", "p2_or_team": p2[0] if p2 else "your team"}
            ctx = {"fmt": fmt, "competitor": r.choice(V.COMPETITORS), "competitor_p": self.competitor_p,
                   "rep_name": s.rep["name"], "prospect_names": names}
            utts, m = C.generate(r, call_type, style, ctx)
            dur_ms = utts[-1]["endMs"] if utts else m["duration_s"] * 1000
        else:
            m = C.quick_metrics(r, call_type, style, self.competitor_p)
            dur_ms = m["duration_s"] * 1000
        end = tc + dur_ms // 1000 + 1
        s.activity(tc, "meeting", {"kind": call_type, "ownerId": s.rep["id"],
                                   "durationMinutes": int(round(dur_ms / 60000.0)), "dealId": self.id,
                                   "recorded": recorded})
        if recorded:
            cid = "%s-call-%d-%s" % (W.P, s.idx + 1, call_type)
            title = r.choice(C.TITLES[call_type]).format(company=self.company or p["lastName"], seller=V.SELLER)
            parts = [{"id": s.rep["id"], "name": s.rep["name"], "role": "rep"},
                     {"id": s.lid, "name": names[0], "role": "prospect"}]
            if p2:
                parts.append({"id": s.lid + "-contact-1", "name": names[1], "role": "prospect"})
            attrs = {"call_type": call_type, "duration_seconds": int(dur_ms // 1000), "synthetic_rep_style": style,
                     "synthetic_talk_ratio": round(m["talk_ratio"], 4), "synthetic_questions": m["questions"],
                     "synthetic_longest_monologue_s": round(m["longest_monologue_s"], 1),
                     "synthetic_interruptions": m["interruptions"], "synthetic_next_steps": m["next_steps"],
                     "synthetic_competitor_mentioned": m["competitor"], "synthetic_pricing_discussed": m["pricing"],
                     "synthetic_fillers_per_100_words": round(m["fillers_per_100_words"], 2)}
            data = {"id": cid, "leadId": s.lid, "startedAt": iso(tc), "utterances": utts, "dealId": self.id,
                    "ownerId": s.rep["id"], "title": title, "participants": parts, "attributes": attrs}
            s.add(end + r.randint(120, 1800), "raw", ("closer.call.transcribed", s.lid, data))
        return m, end
